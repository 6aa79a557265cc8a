/**
 * calico-semantics.md §11 "Traps for a translator to native NetworkPolicy", one test (or a few, for rows with distinct
 * cases) per row T1–T51. Each test feeds the trap's construct through the whole pipeline and asserts the shape that is
 * correct, and/or the fail-closed outcome (construct absent, direction still isolated, finding with effect narrower),
 * in a way the naive field-by-field translation named in the row would fail.
 */
import { expect } from 'chai';
import {
  convert,
  describeFinding,
  expectFinding,
  expectNoFinding,
  findPolicy,
  ipBlocksOf,
  isAllowAll,
  isolates,
  nativeAllows,
  onlyPolicyOf,
  peersOfRule,
  pod,
  policiesOf,
  rulesOf,
  source,
  yaml,
} from '../helpers/traps.js';

const web = pod('prod', { app: 'web' }, { ip: '10.0.0.10' });
const fe = pod('prod', { role: 'fe' }, { ip: '10.0.0.20' });
const be = pod('prod', { role: 'be' }, { ip: '10.0.0.30' });
const bad = pod('prod', { role: 'bad' }, { ip: '10.0.0.40' });
const external = { ip: '8.8.8.8' };

describe('traps: Calico (calico-semantics §11)', () => {
  describe('§11.1 direction and isolation', () => {
    it('T1: egress-only policy without types stays egress-only (ingress not isolated)', () => {
      const c = convert(yaml`
        apiVersion: projectcalico.org/v3
        kind: NetworkPolicy
        metadata: {name: egress-only, namespace: prod}
        spec:
          selector: app == 'web'
          egress:
          - action: Allow
            protocol: TCP
            destination: {ports: [443]}
        ---
        apiVersion: projectcalico.org/v3
        kind: NetworkPolicy
        metadata: {name: no-rules, namespace: prod}
        spec:
          selector: app == 'db'
      `);
      const p = findPolicy(c, 'egress-only', 'prod');
      expect(p.spec.policyTypes).to.deep.equal(['Egress']);
      expect(p.spec.ingress).to.equal(undefined);
      expect(p.spec.egress).to.deep.equal([{ ports: [{ protocol: 'TCP', port: 443 }] }]);
      expect(nativeAllows(c.policies, 'ingress', web, fe, { port: 80 }), 'ingress to web stays open').to.equal(true);
      expectFinding(c, { code: 'calico/types-default', severity: 'info', effect: 'none', source: 'egress-only' });
      // No rules at all: Calico defaults to [Ingress] (deny all ingress), never to both.
      expect(findPolicy(c, 'no-rules', 'prod').spec.policyTypes).to.deep.equal(['Ingress']);
    });

    it('T2: raw crd.projectcalico.org/v1 object without types isolates both directions, with a warning', () => {
      const c = convert(yaml`
        apiVersion: crd.projectcalico.org/v1
        kind: NetworkPolicy
        metadata: {name: default.ingress-only, namespace: prod}
        spec:
          selector: app == 'web'
          ingress:
          - action: Allow
            protocol: TCP
            destination: {ports: [80]}
      `);
      const [p] = policiesOf(c, 'default.ingress-only');
      expect(p, 'one policy emitted').to.not.equal(undefined);
      expect(p!.spec.policyTypes).to.have.members(['Ingress', 'Egress']);
      expect(p!.spec.egress).to.equal(undefined);
      expect(p!.spec.ingress).to.deep.equal([{ ports: [{ protocol: 'TCP', port: 80 }] }]);
      expect(nativeAllows(c.policies, 'egress', web, external, { port: 443 }), 'egress of web is isolated as Felix does').to.equal(false);
      expectFinding(c, { code: 'calico/types-missing-raw', severity: 'warning', source: 'default.ingress-only' });
    });

    it('T3: rules of a direction not in types are dropped (never copied)', () => {
      const c = convert(yaml`
        apiVersion: projectcalico.org/v3
        kind: NetworkPolicy
        metadata: {name: ingress-typed, namespace: prod}
        spec:
          selector: app == 'web'
          types: [Ingress]
          ingress:
          - action: Allow
            protocol: TCP
            destination: {ports: [80]}
          egress:
          - action: Allow
            protocol: TCP
            destination: {ports: [5432]}
      `);
      const p = onlyPolicyOf(c, 'ingress-typed');
      expect(p.spec.policyTypes).to.deep.equal(['Ingress']);
      expect(p.spec.egress).to.equal(undefined);
      expect(nativeAllows(c.policies, 'egress', web, external, { port: 1 }), 'egress not restricted').to.equal(true);
      expectFinding(c, { code: 'calico/unlisted-direction', source: 'ingress-typed', pointer: '/spec/egress' });
    });

    it('T4: an earlier tier that selects the pods ends in a drop; later-tier allows are not unioned in', () => {
      const c = convert(yaml`
        apiVersion: projectcalico.org/v3
        kind: Tier
        metadata: {name: security}
        spec: {order: 100}
        ---
        apiVersion: projectcalico.org/v3
        kind: GlobalNetworkPolicy
        metadata: {name: security.admins}
        spec:
          tier: security
          selector: app == 'web'
          namespaceSelector: projectcalico.org/name == 'prod'
          types: [Ingress]
          ingress:
          - action: Allow
            source: {selector: role == 'admin'}
        ---
        apiVersion: projectcalico.org/v3
        kind: NetworkPolicy
        metadata: {name: allow-fe, namespace: prod}
        spec:
          selector: app == 'web'
          types: [Ingress]
          ingress:
          - action: Allow
            source: {selector: role == 'fe'}
        ---
        apiVersion: projectcalico.org/v3
        kind: NetworkPolicy
        metadata: {name: db-from-fe, namespace: prod}
        spec:
          selector: app == 'db'
          types: [Ingress]
          ingress:
          - action: Allow
            source: {selector: role == 'fe'}
      `);
      const admin = pod('prod', { role: 'admin' });
      expect(nativeAllows(c.policies, 'ingress', web, admin), 'admin allowed by the first tier').to.equal(true);
      expect(nativeAllows(c.policies, 'ingress', web, fe), 'fe dropped at the end of tier security').to.equal(false);
      expectFinding(c, { code: 'output/compiled', source: 'allow-fe' });
      expect(source(c, 'allow-fe').verdict).to.equal('exact');
      // The earlier tier does not select db pods, so it is invisible to them: their default-tier allow stays.
      expect(nativeAllows(c.policies, 'ingress', pod('prod', { app: 'db' }), fe)).to.equal(true);
    });

    it('T4/T7: a spec.tier without a Tier object in the input has an unknown order: its Deny may come first', () => {
      // Tiers are usually created before the default tier (order < 1 000 000). Taking the unknown tier as "after
      // every ordered tier" keeps the default-tier allow and claims exact, while Calico denies fe when the tier
      // exists with a lower order. Fail-closed: assume it may come first.
      const c = convert(
        yaml`
          apiVersion: projectcalico.org/v3
          kind: GlobalNetworkPolicy
          metadata: {name: security.deny-fe}
          spec:
            tier: security
            order: 10
            selector: app == 'web'
            types: [Ingress]
            ingress:
            - action: Deny
              source: {selector: role == 'fe'}
            - action: Pass
          ---
          apiVersion: projectcalico.org/v3
          kind: NetworkPolicy
          metadata: {name: allow-fe, namespace: prod}
          spec:
            selector: app == 'web'
            types: [Ingress]
            ingress:
            - action: Allow
              source: {selector: role == 'fe'}
        `,
        { namespaces: ['prod'] },
      );
      expectFinding(c, { code: 'calico/unknown-tier', source: 'security.deny-fe' });
      expect(nativeAllows(c.policies, 'ingress', web, fe), 'fe may be denied by the security tier').to.equal(false);
      expect(source(c, 'allow-fe').verdict, 'allow-fe claims exact').to.not.equal('exact');
    });

    it('T5: a tier whose only policies are staged does not isolate', () => {
      const c = convert(yaml`
        apiVersion: projectcalico.org/v3
        kind: Tier
        metadata: {name: security}
        spec: {order: 100}
        ---
        apiVersion: projectcalico.org/v3
        kind: StagedGlobalNetworkPolicy
        metadata: {name: security.preview}
        spec:
          tier: security
          selector: app == 'web'
          types: [Ingress]
        ---
        apiVersion: projectcalico.org/v3
        kind: NetworkPolicy
        metadata: {name: allow-fe, namespace: prod}
        spec:
          selector: app == 'web'
          types: [Ingress]
          ingress:
          - action: Allow
            source: {selector: role == 'fe'}
      `);
      expect(policiesOf(c, 'security.preview')).to.deep.equal([]);
      expectFinding(c, { code: 'calico/staged', source: 'security.preview' });
      expect(nativeAllows(c.policies, 'ingress', web, fe), 'the staged tier has no end-of-tier drop').to.equal(true);
      expect(source(c, 'allow-fe').verdict).to.equal('exact');
    });

    it('T5: a policy in a defaultAction: Pass tier does not isolate by itself (reported if isolation is emitted)', () => {
      // Calico: monitoring is allowed by the rule; everything else passes out of the tier, no later tier selects
      // the pods, so the namespace profile allows it. Emitting `policyTypes: [Ingress]` + the allow denies the rest.
      const c = convert(yaml`
        apiVersion: projectcalico.org/v3
        kind: Tier
        metadata: {name: platform}
        spec: {order: 100, defaultAction: Pass}
        ---
        apiVersion: projectcalico.org/v3
        kind: GlobalNetworkPolicy
        metadata: {name: platform.monitoring}
        spec:
          tier: platform
          selector: app == 'web'
          namespaceSelector: projectcalico.org/name == 'prod'
          types: [Ingress]
          ingress:
          - action: Allow
            source: {namespaceSelector: projectcalico.org/name == 'monitoring'}
      `);
      const mon = pod('monitoring', { app: 'prometheus' });
      expect(nativeAllows(c.policies, 'ingress', web, mon), 'monitoring still allowed').to.equal(true);
      // Compiled: what the tier does not allow passes on, and with no later tier it reaches the end and is allowed.
      expect(nativeAllows(c.policies, 'ingress', web, fe), 'fe passed on and allowed at the end').to.equal(true);
      expectFinding(c, { code: 'output/compiled', source: 'platform.monitoring' });
      expect(source(c, 'platform.monitoring').verdict).to.equal('exact');
    });

    it('T6: Pass is neither allow nor a final deny: later tiers decide; fail-closed and reported', () => {
      const c = convert(yaml`
        apiVersion: projectcalico.org/v3
        kind: Tier
        metadata: {name: security}
        spec: {order: 100}
        ---
        apiVersion: projectcalico.org/v3
        kind: NetworkPolicy
        metadata: {name: security.pass-fe, namespace: prod}
        spec:
          tier: security
          selector: app == 'web'
          types: [Ingress]
          ingress:
          - action: Pass
            source: {selector: role == 'fe'}
        ---
        apiVersion: projectcalico.org/v3
        kind: NetworkPolicy
        metadata: {name: deny-fe, namespace: prod}
        spec:
          selector: app == 'web'
          types: [Ingress]
          ingress:
          - action: Deny
            source: {selector: role == 'fe'}
          - action: Allow
      `);
      // fe: passed to the default tier, which denies it. Others: dropped at the end of tier security.
      expect(nativeAllows(c.policies, 'ingress', web, fe), 'Pass must not become an allow').to.equal(false);
      expect(nativeAllows(c.policies, 'ingress', web, be)).to.equal(false);
      for (const p of c.policies) for (const r of rulesOf(p, 'ingress')) expect(isAllowAll(r, 'ingress')).to.equal(false);
      // Compiled from the evaluation order: nothing is lost, so the set is exact.
      expectFinding(c, { code: 'output/compiled', source: 'security.pass-fe' });
      expect(c.result.wholeSet?.verdict).to.equal('exact');

      // Pass out of the last tier that selects the pods: the profile allows fe, the end of the tier denies the rest.
      const last = convert(yaml`
        apiVersion: projectcalico.org/v3
        kind: NetworkPolicy
        metadata: {name: pass-only, namespace: prod}
        spec:
          selector: app == 'web'
          types: [Ingress]
          ingress:
          - action: Pass
            source: {selector: role == 'fe'}
      `);
      expect(nativeAllows(last.policies, 'ingress', web, be), 'be was denied (end of tier)').to.equal(false);
      expect(nativeAllows(last.policies, 'ingress', web, fe), 'fe passed beyond the last tier: allowed').to.equal(true);
      expect(source(last, 'pass-only').verdict).to.equal('exact');
    });
  });

  describe('§11.2 order, deny, first match', () => {
    it('T7: Deny before Allow is never turned into "keep every Allow" (within and across policies)', () => {
      const c = convert(yaml`
        apiVersion: projectcalico.org/v3
        kind: NetworkPolicy
        metadata: {name: deny-then-allow, namespace: prod}
        spec:
          selector: app == 'web'
          types: [Ingress, Egress]
          ingress:
          - action: Deny
            source: {selector: role == 'bad'}
          - action: Allow
          egress:
          - action: Allow
            protocol: UDP
            destination: {ports: [53]}
      `);
      const p = onlyPolicyOf(c, 'deny-then-allow');
      expect(rulesOf(p, 'ingress').some((r) => isAllowAll(r, 'ingress')), 'naive: ingress [{}]').to.equal(false);
      expect(isolates(p, 'ingress')).to.equal(true);
      expect(nativeAllows(c.policies, 'ingress', web, bad)).to.equal(false);
      // Compiled: the Deny is subtracted from the Allow after it. Other pods keep the allow; outside addresses
      // cannot be told from pods without --cluster-cidr, so they are left out and reported.
      expect(nativeAllows(c.policies, 'ingress', web, fe), 'other pods keep the allow').to.equal(true);
      expectFinding(c, { code: 'output/compiled', source: 'deny-then-allow' });
      expectFinding(c, { code: 'output/not-expressible', effect: 'narrower', source: 'deny-then-allow', pointer: '/spec/ingress' });
      // The Deny of one direction does not touch the other direction.
      expect(p.spec.egress).to.deep.equal([{ ports: [{ protocol: 'UDP', port: 53 }] }]);

      const x = convert(yaml`
        apiVersion: projectcalico.org/v3
        kind: NetworkPolicy
        metadata: {name: deny-bad, namespace: prod}
        spec:
          order: 10
          selector: app == 'web'
          types: [Ingress]
          ingress:
          - action: Deny
            source: {selector: role == 'bad'}
        ---
        apiVersion: projectcalico.org/v3
        kind: NetworkPolicy
        metadata: {name: allow-all, namespace: prod}
        spec:
          order: 20
          selector: app == 'web'
          types: [Ingress]
          ingress:
          - action: Allow
        ---
        apiVersion: projectcalico.org/v3
        kind: NetworkPolicy
        metadata: {name: db-allow-all, namespace: prod}
        spec:
          order: 20
          selector: app == 'db'
          types: [Ingress]
          ingress:
          - action: Allow
      `);
      expect(nativeAllows(x.policies, 'ingress', web, bad), 'the earlier Deny wins').to.equal(false);
      expect(nativeAllows(x.policies, 'ingress', web, fe), 'the later allow-all still allows the rest').to.equal(true);
      expectFinding(x, { code: 'output/compiled', source: 'allow-all' });
      // A Deny for other pods does not shadow: db keeps its allow-all (exact).
      expect(rulesOf(onlyPolicyOf(x, 'db-allow-all'), 'ingress')).to.deep.equal([{}]);
      expect(source(x, 'db-allow-all').verdict).to.equal('exact');
    });

    it('T8: equal order with different verdicts is version-dependent: compiled for current releases and reported', () => {
      // v3.32+ key "<name>/<namespace>/<kind>": b-allow/prod/... < c-deny//... => Allow first, fe allowed.
      // <= v3.31 key: "prod/default.b-allow" vs "default.c-deny" => Deny first, fe denied.
      const c = convert(yaml`
        apiVersion: projectcalico.org/v3
        kind: GlobalNetworkPolicy
        metadata: {name: c-deny}
        spec:
          order: 10
          selector: app == 'web'
          namespaceSelector: projectcalico.org/name == 'prod'
          types: [Ingress]
          ingress:
          - action: Deny
            source: {selector: role == 'fe'}
        ---
        apiVersion: projectcalico.org/v3
        kind: NetworkPolicy
        metadata: {name: b-allow, namespace: prod}
        spec:
          order: 10
          selector: app == 'web'
          types: [Ingress]
          ingress:
          - action: Allow
            source: {selector: role == 'fe'}
      `);
      // Compiled in the current order (3.32+: b-allow first, fe allowed), and reported as version-dependent.
      expect(nativeAllows(c.policies, 'ingress', web, fe), 'fe is allowed on Calico 3.32 and later').to.equal(true);
      expectFinding(c, { code: 'calico/order-tie', effect: 'unknown', source: 'b-allow' });
      expectFinding(c, { code: 'calico/order-tie', effect: 'unknown', source: 'c-deny' });
      expect(source(c, 'b-allow').verdict).to.equal('unknown');
    });

    it('T9: a missing order is +infinity, not 0', () => {
      const c = convert(yaml`
        apiVersion: projectcalico.org/v3
        kind: NetworkPolicy
        metadata: {name: allow-fe, namespace: prod}
        spec:
          selector: app == 'web'
          types: [Ingress]
          ingress:
          - action: Allow
            source: {selector: role == 'fe'}
        ---
        apiVersion: projectcalico.org/v3
        kind: NetworkPolicy
        metadata: {name: deny-fe, namespace: prod}
        spec:
          order: 500
          selector: app == 'web'
          types: [Ingress]
          ingress:
          - action: Deny
            source: {selector: role == 'fe'}
      `);
      expect(nativeAllows(c.policies, 'ingress', web, fe), 'the ordered Deny (500) runs before the unordered Allow').to.equal(false);
      expectFinding(c, { code: 'output/compiled', source: 'allow-fe' });

      const r = convert(yaml`
        apiVersion: projectcalico.org/v3
        kind: NetworkPolicy
        metadata: {name: allow-fe, namespace: prod}
        spec:
          order: 100
          selector: app == 'web'
          types: [Ingress]
          ingress:
          - action: Allow
            source: {selector: role == 'fe'}
        ---
        apiVersion: projectcalico.org/v3
        kind: NetworkPolicy
        metadata: {name: deny-fe, namespace: prod}
        spec:
          selector: app == 'web'
          types: [Ingress]
          ingress:
          - action: Deny
            source: {selector: role == 'fe'}
      `);
      expect(nativeAllows(r.policies, 'ingress', web, fe), 'the ordered Allow (100) runs before the unordered Deny').to.equal(true);
      expect(source(r, 'allow-fe').verdict).to.equal('exact');
    });

    it('T10: Log rules are dropped without effect; the rules after them still apply', () => {
      const c = convert(yaml`
        apiVersion: projectcalico.org/v3
        kind: NetworkPolicy
        metadata: {name: log-first, namespace: prod}
        spec:
          selector: app == 'web'
          types: [Ingress]
          ingress:
          - action: Log
          - action: Allow
            source: {selector: role == 'fe'}
      `);
      const p = onlyPolicyOf(c, 'log-first');
      expect(p.spec.ingress).to.deep.equal([{ from: [{ podSelector: { matchLabels: { role: 'fe' } } }] }]);
      expect(nativeAllows(c.policies, 'ingress', web, be), 'Log is not an allow').to.equal(false);
      expect(nativeAllows(c.policies, 'ingress', web, fe), 'Log is not a deny either').to.equal(true);
      expectFinding(c, { code: 'calico/action-log', severity: 'info', effect: 'none', source: 'log-first' });
      expect(source(c, 'log-first').verdict).to.equal('exact');
    });

    it('T11: a policy with types and no rules is a deny-all policy, not dropped as empty', () => {
      const c = convert(yaml`
        apiVersion: projectcalico.org/v3
        kind: NetworkPolicy
        metadata: {name: lockdown, namespace: prod}
        spec:
          selector: app == 'web'
          types: [Ingress, Egress]
      `);
      const p = onlyPolicyOf(c, 'lockdown');
      expect(p.spec).to.deep.equal({ podSelector: { matchLabels: { app: 'web' } }, policyTypes: ['Ingress', 'Egress'] });
      expect(nativeAllows(c.policies, 'ingress', web, fe)).to.equal(false);
      expect(nativeAllows(c.policies, 'egress', web, external)).to.equal(false);
      expect(source(c, 'lockdown').verdict).to.equal('exact');
    });
  });

  describe('§11.3 subjects', () => {
    const gnp = yaml`
      apiVersion: projectcalico.org/v3
      kind: GlobalNetworkPolicy
      metadata: {name: web-from-fe}
      spec:
        selector: app == 'web'
        types: [Ingress]
        ingress:
        - action: Allow
          source: {selector: role == 'fe'}
    `;

    it('T12: GlobalNetworkPolicy becomes one NetworkPolicy per known namespace (never one in "some" namespace)', () => {
      const unknown = convert(gnp);
      expect(unknown.policies, 'no namespace inventory: nothing guessed').to.deep.equal([]);
      expectFinding(unknown, { code: 'calico/global-needs-namespaces', severity: 'error', source: 'web-from-fe' });

      const c = convert(gnp, { namespaces: ['prod', 'dev'] });
      const ps = policiesOf(c, 'web-from-fe');
      expect(ps.map((p) => p.metadata.namespace).sort()).to.deep.equal(['dev', 'prod']);
      for (const p of ps) {
        expect(p.spec.podSelector).to.deep.equal({ matchLabels: { app: 'web' } });
        expect(p.spec.ingress).to.deep.equal([{ from: [{ namespaceSelector: {}, podSelector: { matchLabels: { role: 'fe' } } }] }]);
      }
      expect(nativeAllows(c.policies, 'ingress', pod('dev', { app: 'web' }), pod('prod', { role: 'fe' }))).to.equal(true);
      expectFinding(c, { code: 'calico/global-fanout', source: 'web-from-fe' });
      expectFinding(c, { code: 'calico/host-endpoints', source: 'web-from-fe' });
    });

    it('T13: GNP namespaceSelector restricts the fan-out to the selected namespaces', () => {
      const c = convert(
        yaml`
          apiVersion: projectcalico.org/v3
          kind: GlobalNetworkPolicy
          metadata: {name: by-name}
          spec:
            selector: app == 'web'
            namespaceSelector: projectcalico.org/name in {'a', 'c'}
            types: [Ingress]
          ---
          apiVersion: projectcalico.org/v3
          kind: GlobalNetworkPolicy
          metadata: {name: by-label}
          spec:
            selector: app == 'web'
            namespaceSelector: team == 'x'
            types: [Ingress]
        `,
        { namespaces: ['a', 'b', 'c'] },
      );
      expect(policiesOf(c, 'by-name').map((p) => p.metadata.namespace).sort()).to.deep.equal(['a', 'c']);
      expect(nativeAllows(c.policies, 'ingress', pod('b', { app: 'web' }), pod('b', {})), 'namespace b not selected').to.equal(true);
      // Namespace labels are unknown: not emitted everywhere (naive "ignore"), refused with an error.
      expect(policiesOf(c, 'by-label')).to.deep.equal([]);
      expectFinding(c, { code: 'calico/global-needs-namespaces', severity: 'error', source: 'by-label' });
    });

    it('T14: serviceAccountSelector subjects are not translated by ignoring the service account', () => {
      const c = convert(yaml`
        apiVersion: projectcalico.org/v3
        kind: NetworkPolicy
        metadata: {name: sa-subject, namespace: prod}
        spec:
          selector: app == 'web'
          serviceAccountSelector: role == 'frontend'
          types: [Ingress]
          ingress:
          - action: Allow
            source: {selector: role == 'fe'}
        ---
        apiVersion: projectcalico.org/v3
        kind: NetworkPolicy
        metadata: {name: sa-label, namespace: prod}
        spec:
          selector: projectcalico.org/serviceaccount == 'web-sa'
          types: [Ingress]
      `);
      expect(policiesOf(c, 'sa-subject'), 'naive: podSelector app=web carrying the allows').to.deep.equal([]);
      expect(policiesOf(c, 'sa-label'), 'naive: podSelector on a label pods do not have').to.deep.equal([]);
      expectFinding(c, { code: 'calico/service-account-subject', severity: 'error', source: 'sa-subject' });
      expectFinding(c, { code: 'calico/service-account-subject', severity: 'error', source: 'sa-label' });
    });

    it('T15: doNotTrack / preDNAT GlobalNetworkPolicies never apply to pods: skipped', () => {
      const c = convert(
        yaml`
          apiVersion: projectcalico.org/v3
          kind: GlobalNetworkPolicy
          metadata: {name: untracked}
          spec:
            selector: all()
            doNotTrack: true
            applyOnForward: true
            types: [Ingress]
            ingress:
            - action: Deny
          ---
          apiVersion: projectcalico.org/v3
          kind: GlobalNetworkPolicy
          metadata: {name: pre-dnat}
          spec:
            selector: all()
            preDNAT: true
            applyOnForward: true
            types: [Ingress]
            ingress:
            - action: Deny
        `,
        { namespaces: ['prod'] },
      );
      expect(c.policies, 'naive: an isolating pod policy').to.deep.equal([]);
      for (const n of ['untracked', 'pre-dnat']) {
        expect(source(c, n).status).to.equal('skipped');
        expectFinding(c, { code: 'calico/host-only-policy', severity: 'info', source: n });
      }
    });

    it('T16: || and negated groups become one policy per disjunct; substring and global() are not copied', () => {
      const c = convert(yaml`
        apiVersion: projectcalico.org/v3
        kind: NetworkPolicy
        metadata: {name: either, namespace: prod}
        spec:
          selector: app == 'a' || app == 'b'
          types: [Ingress]
          ingress:
          - action: Allow
            protocol: TCP
            destination: {ports: [80]}
        ---
        apiVersion: projectcalico.org/v3
        kind: NetworkPolicy
        metadata: {name: not-both, namespace: prod}
        spec:
          selector: "!(app == 'a' && tier == 'x')"
          types: [Ingress]
        ---
        apiVersion: projectcalico.org/v3
        kind: NetworkPolicy
        metadata: {name: prefix, namespace: prod}
        spec:
          selector: app starts with 'web'
          types: [Ingress]
        ---
        apiVersion: projectcalico.org/v3
        kind: NetworkPolicy
        metadata: {name: glob, namespace: prod}
        spec:
          selector: global()
          types: [Ingress]
      `);
      // `app == 'a' || app == 'b'` on one key compacts into one `In` requirement; a naive copy of the string is invalid.
      const either = policiesOf(c, 'either');
      expect(either.map((p) => p.spec.podSelector)).to.have.deep.members([{ matchExpressions: [{ key: 'app', operator: 'In', values: ['a', 'b'] }] }]);
      for (const p of either) expect(p.spec.ingress).to.deep.equal([{ ports: [{ protocol: 'TCP', port: 80 }] }]);
      for (const app of ['a', 'b']) expect(nativeAllows(either, 'ingress', pod('prod', { app }), fe, { port: 22 }), `app=${app} is selected`).to.equal(false);
      expect(nativeAllows(either, 'ingress', pod('prod', { app: 'c' }), fe, { port: 22 }), 'app=c is not selected').to.equal(true);
      const q = { port: 22 };
      const notBoth = policiesOf(c, 'not-both');
      expect(nativeAllows(notBoth, 'ingress', pod('prod', { app: 'a', tier: 'x' }), fe, q), 'a&x is not selected').to.equal(true);
      expect(nativeAllows(notBoth, 'ingress', pod('prod', { app: 'a', tier: 'y' }), fe, q)).to.equal(false);
      expect(nativeAllows(notBoth, 'ingress', pod('prod', { app: 'z' }), fe, q)).to.equal(false);
      expect(policiesOf(c, 'prefix')).to.deep.equal([]);
      expectFinding(c, { code: 'calico/substring-subject', severity: 'error', source: 'prefix' });
      expect(policiesOf(c, 'glob')).to.deep.equal([]);
      expectFinding(c, { code: 'calico/invalid', source: 'glob' });
    });

    it('T16: a valid selector whose DNF is large is not reported as "rejected by Calico"', () => {
      // 2^7 = 128 disjuncts; the policy is valid Calico. Either translate it (e.g. `in` sets per key) or refuse it
      // honestly (error, effect wider: the pods lose their isolation) - never "invalid, effect none".
      const c = convert(yaml`
        apiVersion: projectcalico.org/v3
        kind: NetworkPolicy
        metadata: {name: wide-or, namespace: prod}
        spec:
          selector: "(a == '1' || a == '2') && (b == '1' || b == '2') && (c == '1' || c == '2') && (d == '1' || d == '2') && (e == '1' || e == '2') && (f == '1' || f == '2') && (g == '1' || g == '2')"
          types: [Ingress]
      `);
      expectNoFinding(c, { code: 'calico/invalid', source: 'wide-or' });
      expect(source(c, 'wide-or').status).to.not.equal('invalid');
      const subject = pod('prod', { a: '1', b: '2', c: '1', d: '2', e: '1', f: '2', g: '1' });
      if (nativeAllows(c.policies, 'ingress', subject, fe)) {
        expect(source(c, 'wide-or').findings.some((f) => f.effect === 'wider' && f.severity === 'error'), 'losing the isolation must be reported').to.equal(true);
      }
    });

    it('T17: automatic labels (namespace, pcns.*, orchestrator) are rewritten, service-account labels are not copied', () => {
      const c = convert(
        yaml`
          apiVersion: projectcalico.org/v3
          kind: GlobalNetworkPolicy
          metadata: {name: auto-labels}
          spec:
            selector: projectcalico.org/namespace == 'prod' && projectcalico.org/orchestrator == 'k8s'
            types: [Ingress]
            ingress:
            - action: Allow
              source: {selector: "projectcalico.org/namespace == 'dev' && app == 'x'"}
            - action: Allow
              source: {selector: "pcns.team == 'b'"}
            - action: Allow
              source: {selector: "has(projectcalico.org/orchestrator) && app == 'y'"}
            - action: Allow
              source: {selector: "pcsa.role == 'z'"}
        `,
        { namespaces: ['prod', 'dev'] },
      );
      const p = onlyPolicyOf(c, 'auto-labels');
      expect(p.metadata.namespace).to.equal('prod');
      expect(p.spec.podSelector).to.deep.equal({});
      expect(p.spec.ingress).to.deep.equal([
        { from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'dev' } }, podSelector: { matchLabels: { app: 'x' } } }] },
        { from: [{ namespaceSelector: { matchLabels: { team: 'b' } } }] },
        { from: [{ namespaceSelector: {}, podSelector: { matchLabels: { app: 'y' } } }] },
      ]);
      expect(JSON.stringify(p.spec)).to.not.match(/projectcalico\.org|pcns\.|pcsa\./);
      expectFinding(c, { code: 'calico/service-accounts', effect: 'narrower', source: 'auto-labels', pointer: '/spec/ingress/3' });
    });
  });

  describe('§11.4 rule peers', () => {
    it('T18: selector AND nets is an intersection: never two ORed peers; selector AND ports stays exact', () => {
      const c = convert(yaml`
        apiVersion: projectcalico.org/v3
        kind: NetworkPolicy
        metadata: {name: and-side, namespace: prod}
        spec:
          selector: app == 'web'
          types: [Ingress]
          ingress:
          - action: Allow
            source: {selector: role == 'fe', nets: [10.1.0.0/16]}
          - action: Allow
            protocol: TCP
            source: {selector: role == 'be'}
            destination: {ports: [8080]}
      `);
      const p = onlyPolicyOf(c, 'and-side');
      expect(isolates(p, 'ingress')).to.equal(true);
      expect(p.spec.ingress).to.deep.equal([{ from: [{ podSelector: { matchLabels: { role: 'be' } } }], ports: [{ protocol: 'TCP', port: 8080 }] }]);
      expect(nativeAllows(c.policies, 'ingress', web, { ip: '10.1.2.3' }), 'naive ipBlock peer').to.equal(false);
      expect(nativeAllows(c.policies, 'ingress', web, fe), 'naive podSelector peer (fe outside 10.1/16)').to.equal(false);
      expectFinding(c, { code: 'calico/selector-and-nets', effect: 'narrower', source: 'and-side' });
    });

    const sets = yaml`
      apiVersion: projectcalico.org/v3
      kind: NetworkSet
      metadata: {name: partners, namespace: prod, labels: {role: fe}}
      spec: {nets: [198.51.100.0/24]}
      ---
      apiVersion: projectcalico.org/v3
      kind: NetworkSet
      metadata: {name: dev-partners, namespace: dev, labels: {role: fe}}
      spec: {nets: [203.0.113.0/24]}
      ---
      apiVersion: projectcalico.org/v3
      kind: GlobalNetworkSet
      metadata: {name: global-partners, labels: {role: fe}}
      spec: {nets: [192.0.2.0/24]}
    `;

    it('T19: a NetworkPolicy rule selector also matches NetworkSets of its namespace (and only those)', () => {
      const c = convert(
        sets +
          yaml`
          ---
          apiVersion: projectcalico.org/v3
          kind: NetworkPolicy
          metadata: {name: from-fe, namespace: prod}
          spec:
            selector: app == 'web'
            types: [Ingress]
            ingress:
            - action: Allow
              source: {selector: role == 'fe'}
        `,
      );
      const p = onlyPolicyOf(c, 'from-fe');
      expect(p.spec.ingress).to.deep.equal([{ from: [{ podSelector: { matchLabels: { role: 'fe' } } }, { ipBlock: { cidr: '198.51.100.0/24' } }] }]);
      expectFinding(c, { code: 'calico/network-sets', source: 'from-fe' });
    });

    it('T20: a GNP rule selector spans all namespaces and every matching (Global)NetworkSet', () => {
      const c = convert(
        sets +
          yaml`
          ---
          apiVersion: projectcalico.org/v3
          kind: GlobalNetworkPolicy
          metadata: {name: to-fe}
          spec:
            selector: app == 'web'
            namespaceSelector: projectcalico.org/name == 'prod'
            types: [Egress]
            egress:
            - action: Allow
              destination: {selector: role == 'fe'}
        `,
      );
      const p = onlyPolicyOf(c, 'to-fe');
      const to = peersOfRule(rulesOf(p, 'egress')[0]!, 'egress')!;
      expect(to).to.deep.include({ namespaceSelector: {}, podSelector: { matchLabels: { role: 'fe' } } });
      expect(ipBlocksOf(p, 'egress').map((b) => b.cidr)).to.have.members(['198.51.100.0/24', '203.0.113.0/24', '192.0.2.0/24']);
      expect(nativeAllows(c.policies, 'egress', web, pod('dev', { role: 'fe' }))).to.equal(true);
      expectFinding(c, { code: 'calico/global-rule-selector', effect: 'narrower', source: 'to-fe' });
    });

    it('T21: namespaceSelector: global() matches GlobalNetworkSets (and host endpoints) only, never pods', () => {
      const c = convert(
        sets +
          yaml`
          ---
          apiVersion: projectcalico.org/v3
          kind: NetworkPolicy
          metadata: {name: from-global, namespace: prod}
          spec:
            selector: app == 'web'
            types: [Ingress]
            ingress:
            - action: Allow
              source: {namespaceSelector: global(), selector: role == 'fe'}
        `,
      );
      const p = onlyPolicyOf(c, 'from-global');
      expect(p.spec.ingress).to.deep.equal([{ from: [{ ipBlock: { cidr: '192.0.2.0/24' } }] }]);
      expect(nativeAllows(c.policies, 'ingress', web, pod('dev', { role: 'fe' })), 'naive namespaceSelector: {}').to.equal(false);
      expectFinding(c, { code: 'calico/global-namespace-selector', effect: 'narrower', source: 'from-global' });
    });

    const negative = yaml`
      ---
      apiVersion: projectcalico.org/v3
      kind: NetworkPolicy
      metadata: {name: not-team-a, namespace: prod}
      spec:
        selector: app == 'web'
        types: [Ingress]
        ingress:
        - action: Allow
          source: {namespaceSelector: "team != 'a'", selector: role == 'fe'}
    `;

    it('T22: a negative namespaceSelector is NotIn for pods; the non-namespaced part is reported', () => {
      const c = convert(sets + negative);
      const p = onlyPolicyOf(c, 'not-team-a');
      const from = peersOfRule(rulesOf(p, 'ingress')[0]!, 'ingress')!;
      expect(from).to.deep.include({ namespaceSelector: { matchExpressions: [{ key: 'team', operator: 'NotIn', values: ['a'] }] }, podSelector: { matchLabels: { role: 'fe' } } });
      const world = { namespaces: { prod: { team: 'a' }, dev: { team: 'b' }, qa: {} } };
      expect(nativeAllows(c.policies, 'ingress', web, pod('prod', { role: 'fe' }), {}, world)).to.equal(false);
      expect(nativeAllows(c.policies, 'ingress', web, pod('qa', { role: 'fe' }), {}, world), 'a namespace without the key matches').to.equal(true);
      expectFinding(c, { code: 'calico/negative-namespace-selector', effect: 'narrower', source: 'not-team-a' });
    });

    it('T22: the GlobalNetworkSets a negative namespaceSelector matches are carried when they are in the input', () => {
      // `pcns.team != "a"` is true for a GlobalNetworkSet (no pcns.* labels): Calico allows 192.0.2.0/24. The set
      // is in the input, so the row's "exact with info" applies (as T21 already does for global()).
      const c = convert(sets + negative);
      expect(ipBlocksOf(onlyPolicyOf(c, 'not-team-a'), 'ingress').map((b) => b.cidr)).to.include('192.0.2.0/24');
    });

    it('T23: NetworkPolicy notSelector is "in-namespace objects not matching"; GNP notSelector alone is dropped', () => {
      const c = convert(yaml`
        apiVersion: projectcalico.org/v3
        kind: NetworkSet
        metadata: {name: ext, namespace: prod, labels: {role: partner}}
        spec: {nets: [198.51.100.0/24]}
        ---
        apiVersion: projectcalico.org/v3
        kind: NetworkPolicy
        metadata: {name: not-bad, namespace: prod}
        spec:
          selector: app == 'web'
          types: [Ingress]
          ingress:
          - action: Allow
            source: {notSelector: role == 'bad'}
        ---
        apiVersion: projectcalico.org/v3
        kind: GlobalNetworkPolicy
        metadata: {name: g-not-bad}
        spec:
          selector: app == 'db'
          namespaceSelector: projectcalico.org/name == 'prod'
          types: [Ingress]
          ingress:
          - action: Allow
            source: {notSelector: role == 'bad'}
      `);
      const p = onlyPolicyOf(c, 'not-bad');
      expect(p.spec.ingress).to.deep.equal([
        { from: [{ podSelector: { matchExpressions: [{ key: 'role', operator: 'NotIn', values: ['bad'] }] } }, { ipBlock: { cidr: '198.51.100.0/24' } }] },
      ]);
      expect(nativeAllows(c.policies, 'ingress', web, external), 'not "from anywhere"').to.equal(false);
      expect(nativeAllows(c.policies, 'ingress', web, pod('dev', {})), 'not other namespaces').to.equal(false);
      expect(nativeAllows(c.policies, 'ingress', web, pod('prod', {})), 'unlabelled pods of the namespace match').to.equal(true);
      const g = onlyPolicyOf(c, 'g-not-bad');
      expect(isolates(g, 'ingress')).to.equal(true);
      expect(g.spec.ingress).to.equal(undefined);
      expectFinding(c, { code: 'calico/not-selector-global', effect: 'narrower', source: 'g-not-bad' });
    });

    it('T24: notNets become ipBlock.except (clipped per cidr), or 0.0.0.0/0 except when alone; with a selector: dropped', () => {
      const c = convert(yaml`
        apiVersion: projectcalico.org/v3
        kind: NetworkPolicy
        metadata: {name: not-nets, namespace: prod}
        spec:
          selector: app == 'web'
          types: [Egress]
          egress:
          - action: Allow
            destination: {nets: [10.0.0.0/8, 192.168.0.0/16], notNets: [10.1.0.0/16]}
          - action: Allow
            destination: {notNets: [172.16.0.0/12]}
          - action: Allow
            destination: {nets: [10.2.0.0/16], notNets: [10.0.0.0/8]}
          - action: Allow
            destination: {selector: role == 'x', notNets: [10.0.0.0/8]}
      `);
      const p = onlyPolicyOf(c, 'not-nets');
      expect(p.spec.egress).to.deep.equal([
        { to: [{ ipBlock: { cidr: '10.0.0.0/8', except: ['10.1.0.0/16'] } }, { ipBlock: { cidr: '192.168.0.0/16' } }] },
        { to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['172.16.0.0/12'] } }] },
      ]);
      expect(nativeAllows(c.policies, 'egress', web, { ip: '172.16.0.5' }), 'in notNets of the only rule that could match').to.equal(false);
      expect(nativeAllows(c.policies, 'egress', web, { ip: '10.1.0.5' }), 'excluded from rule 1 but matched by rule 2').to.equal(true);
      expect(nativeAllows(c.policies, 'egress', web, { ip: '2001:db8::1' }), 'IPv4 notNets restrict the rule to IPv4').to.equal(false);
      expectFinding(c, { code: 'calico/selector-and-nets', effect: 'narrower', source: 'not-nets', pointer: '/spec/egress/3' });
    });

    it('T25: rule serviceAccounts are not ignored (rule dropped); serviceAccounts: {} is a no-op', () => {
      const c = convert(yaml`
        apiVersion: projectcalico.org/v3
        kind: NetworkPolicy
        metadata: {name: sa-rules, namespace: prod}
        spec:
          selector: app == 'web'
          types: [Ingress]
          ingress:
          - action: Allow
            source: {serviceAccounts: {names: [frontend]}}
          - action: Allow
            protocol: TCP
            source: {serviceAccounts: {}}
            destination: {ports: [9090]}
      `);
      const p = onlyPolicyOf(c, 'sa-rules');
      expect(p.spec.ingress).to.deep.equal([{ ports: [{ protocol: 'TCP', port: 9090 }] }]);
      expect(nativeAllows(c.policies, 'ingress', web, fe, { port: 80 }), 'naive: the serviceAccounts rule as allow-all').to.equal(false);
      expectFinding(c, { code: 'calico/service-accounts', effect: 'narrower', source: 'sa-rules', pointer: '/spec/ingress/0' });
    });

    it('T26: rule services are not ignored (rule dropped, reported)', () => {
      const c = convert(yaml`
        apiVersion: projectcalico.org/v3
        kind: NetworkPolicy
        metadata: {name: to-service, namespace: prod}
        spec:
          selector: app == 'web'
          types: [Egress]
          egress:
          - action: Allow
            destination: {services: {name: db, namespace: prod}}
      `);
      const p = onlyPolicyOf(c, 'to-service');
      expect(isolates(p, 'egress')).to.equal(true);
      expect(p.spec.egress).to.equal(undefined);
      expectFinding(c, { code: 'calico/services', effect: 'narrower', source: 'to-service' });
    });

    it('T27: nets alone is an ipBlock, not limited to the namespace', () => {
      const c = convert(yaml`
        apiVersion: projectcalico.org/v3
        kind: NetworkPolicy
        metadata: {name: to-nets, namespace: prod}
        spec:
          selector: app == 'web'
          types: [Egress]
          egress:
          - action: Allow
            destination: {nets: [10.20.0.0/16]}
      `);
      expect(onlyPolicyOf(c, 'to-nets').spec.egress).to.deep.equal([{ to: [{ ipBlock: { cidr: '10.20.0.0/16' } }] }]);
      expect(nativeAllows(c.policies, 'egress', web, pod('other', {}, { ip: '10.20.1.1' })), 'a pod of another namespace in the range').to.equal(true);
    });

    it('T27: the pod-IP caveat of nets -> ipBlock is stated (calico/nets-pod-ips)', () => {
      // The registry promises this info finding ("Calico nets match pod addresses too, as native ipBlocks do on the
      // VPC CNI engine for direct pod traffic"); it carries the assumption the exact verdict depends on (T49).
      const c = convert(yaml`
        apiVersion: projectcalico.org/v3
        kind: NetworkPolicy
        metadata: {name: to-nets, namespace: prod}
        spec:
          selector: app == 'web'
          types: [Egress]
          egress:
          - action: Allow
            destination: {nets: [10.20.0.0/16]}
      `);
      expectFinding(c, { code: 'calico/nets-pod-ips', severity: 'info', source: 'to-nets' });
    });

    it('T28: destination.selector in an ingress rule restricts the local pods, never becomes a peer', () => {
      const c = convert(yaml`
        apiVersion: projectcalico.org/v3
        kind: NetworkPolicy
        metadata: {name: local-side, namespace: prod}
        spec:
          selector: app == 'web'
          types: [Ingress, Egress]
          ingress:
          - action: Allow
            source: {selector: role == 'fe'}
            destination: {selector: tier == 'public'}
          egress:
          - action: Allow
            source: {selector: tier == 'public'}
      `);
      const p = onlyPolicyOf(c, 'local-side');
      expect(JSON.stringify(p.spec.ingress ?? [])).to.not.contain('public');
      expect(JSON.stringify(p.spec.egress ?? [])).to.not.contain('public');
      expect(nativeAllows(c.policies, 'ingress', pod('prod', { app: 'web', tier: 'internal' }), fe), 'non-public web pods never got fe').to.equal(false);
      expect(nativeAllows(c.policies, 'egress', pod('prod', { app: 'web', tier: 'internal' }), external)).to.equal(false);
      expectFinding(c, { code: 'calico/local-side', effect: 'narrower', source: 'local-side', pointer: '/spec/ingress/0' });
      expectFinding(c, { code: 'calico/local-side', effect: 'narrower', source: 'local-side', pointer: '/spec/egress/0' });
    });

    it('T29: destination.nets in an ingress rule (the pod\'s own address) is not a peer', () => {
      const c = convert(yaml`
        apiVersion: projectcalico.org/v3
        kind: NetworkPolicy
        metadata: {name: own-addr, namespace: prod}
        spec:
          selector: app == 'web'
          types: [Ingress]
          ingress:
          - action: Allow
            destination: {nets: [10.0.0.0/8]}
      `);
      const p = onlyPolicyOf(c, 'own-addr');
      expect(isolates(p, 'ingress')).to.equal(true);
      expect(p.spec.ingress, 'naive: from ipBlock 10.0.0.0/8').to.equal(undefined);
      expectFinding(c, { code: 'calico/local-side', effect: 'narrower', source: 'own-addr' });
    });
  });

  describe('§11.5 protocols and ports', () => {
    const icmp = yaml`
      apiVersion: projectcalico.org/v3
      kind: NetworkPolicy
      metadata: {name: odd-protocols, namespace: prod}
      spec:
        selector: app == 'web'
        types: [Ingress]
        ingress:
        - action: Allow
          protocol: ICMP
          icmp: {type: 8}
        - action: Allow
          protocol: UDPLite
        - action: Allow
          protocol: 47
    `;

    it('T30: ICMP / UDPLite / numeric protocols are not dropped into an all-protocol rule', () => {
      const c = convert(icmp);
      const p = onlyPolicyOf(c, 'odd-protocols');
      expect(isolates(p, 'ingress')).to.equal(true);
      expect(p.spec.ingress, 'naive: three ingress: [{}] rules').to.equal(undefined);
      expectFinding(c, { code: 'calico/protocol-not-native', effect: 'narrower', source: 'odd-protocols', pointer: '/spec/ingress/0' });
      expectFinding(c, { code: 'calico/icmp', effect: 'narrower', source: 'odd-protocols' });
      expectFinding(c, { code: 'calico/protocol-not-native', effect: 'narrower', source: 'odd-protocols', pointer: '/spec/ingress/2' });
      // Opt-in widening keeps the L3 part and says so.
      const w = convert(icmp, { onUnsupported: 'widen' });
      expectFinding(w, { code: 'output/widened', effect: 'wider', source: 'odd-protocols' });
      expect(source(w, 'odd-protocols').verdict).to.match(/wider/);
    });

    it('T31: protocol TCP without ports is ports: [{protocol: TCP}], not all protocols', () => {
      const c = convert(yaml`
        apiVersion: projectcalico.org/v3
        kind: NetworkPolicy
        metadata: {name: tcp-only, namespace: prod}
        spec:
          selector: app == 'web'
          types: [Ingress]
          ingress:
          - action: Allow
            protocol: TCP
      `);
      expect(onlyPolicyOf(c, 'tcp-only').spec.ingress).to.deep.equal([{ ports: [{ protocol: 'TCP' }] }]);
      expect(nativeAllows(c.policies, 'ingress', web, fe, { protocol: 'UDP', port: 53 })).to.equal(false);
    });

    it('T32: ipVersion restricts address peers to one family; with selector peers the peer is dropped', () => {
      const c = convert(yaml`
        apiVersion: projectcalico.org/v3
        kind: NetworkPolicy
        metadata: {name: families, namespace: prod}
        spec:
          selector: app == 'web'
          types: [Ingress]
          ingress:
          - action: Allow
            ipVersion: 6
          - action: Allow
            ipVersion: 4
            source: {selector: role == 'fe'}
      `);
      const p = onlyPolicyOf(c, 'families');
      expect(p.spec.ingress).to.deep.equal([{ from: [{ ipBlock: { cidr: '::/0' } }] }]);
      expect(nativeAllows(c.policies, 'ingress', web, { ip: '1.2.3.4' }), 'naive: ipVersion ignored').to.equal(false);
      expectFinding(c, { code: 'calico/ip-version', effect: 'narrower', source: 'families', pointer: '/spec/ingress/1' });
    });

    it('T33: notProtocol is exact only with ports; alone it is dropped', () => {
      const c = convert(yaml`
        apiVersion: projectcalico.org/v3
        kind: NetworkPolicy
        metadata: {name: not-proto, namespace: prod}
        spec:
          selector: app == 'web'
          types: [Ingress]
          ingress:
          - action: Allow
            notProtocol: TCP
          - action: Allow
            notProtocol: UDP
            destination: {ports: [metrics]}
      `);
      const p = onlyPolicyOf(c, 'not-proto');
      expect(p.spec.ingress).to.deep.equal([{ ports: [{ protocol: 'TCP', port: 'metrics' }, { protocol: 'SCTP', port: 'metrics' }] }]);
      expectFinding(c, { code: 'calico/not-protocol', effect: 'narrower', source: 'not-proto', pointer: '/spec/ingress/0' });
    });

    it('T34: source ports are never copied into (destination) ports', () => {
      const c = convert(yaml`
        apiVersion: projectcalico.org/v3
        kind: NetworkPolicy
        metadata: {name: src-ports, namespace: prod}
        spec:
          selector: app == 'web'
          types: [Ingress]
          ingress:
          - action: Allow
            protocol: TCP
            source: {ports: ['1024:65535']}
      `);
      const p = onlyPolicyOf(c, 'src-ports');
      expect(p.spec.ingress, 'naive: ports 1024-65535').to.equal(undefined);
      expect(nativeAllows(c.policies, 'ingress', web, fe, { port: 8080 })).to.equal(false);
      expectFinding(c, { code: 'calico/source-ports', effect: 'narrower', source: 'src-ports' });
    });

    it('T35: numeric notPorts become complement ranges; named notPorts drop the rule', () => {
      const c = convert(yaml`
        apiVersion: projectcalico.org/v3
        kind: NetworkPolicy
        metadata: {name: not-ports, namespace: prod}
        spec:
          selector: app == 'web'
          types: [Ingress]
          ingress:
          - action: Allow
            protocol: TCP
            destination: {notPorts: [22, '6000:7000']}
          - action: Allow
            protocol: UDP
            destination: {notPorts: [ssh]}
      `);
      expect(onlyPolicyOf(c, 'not-ports').spec.ingress).to.deep.equal([
        { ports: [{ protocol: 'TCP', port: 1, endPort: 21 }, { protocol: 'TCP', port: 23, endPort: 5999 }, { protocol: 'TCP', port: 7001, endPort: 65535 }] },
      ]);
      expect(nativeAllows(c.policies, 'ingress', web, fe, { port: 22 })).to.equal(false);
      expect(nativeAllows(c.policies, 'ingress', web, fe, { port: 6500 })).to.equal(false);
      expect(nativeAllows(c.policies, 'ingress', web, fe, { protocol: 'UDP', port: 53 })).to.equal(false);
      expectFinding(c, { code: 'calico/not-ports-named', effect: 'narrower', source: 'not-ports' });
    });

    it('T36: a named port without protocol is one entry per protocol (not TCP only)', () => {
      const c = convert(yaml`
        apiVersion: projectcalico.org/v3
        kind: NetworkPolicy
        metadata: {name: named-any, namespace: prod}
        spec:
          selector: app == 'web'
          types: [Ingress]
          ingress:
          - action: Allow
            destination: {ports: [dns]}
      `);
      expect(onlyPolicyOf(c, 'named-any').spec.ingress).to.deep.equal([
        { ports: [{ protocol: 'TCP', port: 'dns' }, { protocol: 'UDP', port: 'dns' }, { protocol: 'SCTP', port: 'dns' }] },
      ]);
      const dnsPod = pod('prod', { app: 'web' }, { ports: [{ name: 'dns', port: 53, protocol: 'UDP' }] });
      expect(nativeAllows(c.policies, 'ingress', dnsPod, fe, { protocol: 'UDP', port: 53 })).to.equal(true);
    });

    it('T37: a named port never matches NetworkSet addresses: no ipBlock peer carries a named port', () => {
      // Calico resolves the name on the objects of the positive selector; the NetworkSet has no ports, so only the
      // role=db pods match. A native ipBlock with a named port resolves on any pod inside the block (k8s §1.8).
      const c = convert(yaml`
        apiVersion: projectcalico.org/v3
        kind: NetworkSet
        metadata: {name: db-net, namespace: prod, labels: {role: db}}
        spec: {nets: [10.9.0.0/16]}
        ---
        apiVersion: projectcalico.org/v3
        kind: NetworkPolicy
        metadata: {name: to-db, namespace: prod}
        spec:
          selector: app == 'web'
          types: [Egress]
          egress:
          - action: Allow
            protocol: TCP
            destination: {selector: role == 'db', ports: [postgres]}
      `);
      const p = onlyPolicyOf(c, 'to-db');
      const stranger = pod('prod', { app: 'other' }, { ip: '10.9.0.7', ports: [{ name: 'postgres', port: 5432 }] });
      expect(nativeAllows(c.policies, 'egress', web, stranger, { port: 5432 }), 'a non-db pod inside the NetworkSet range').to.equal(false);
      for (const r of rulesOf(p, 'egress')) {
        if ((r.ports ?? []).some((x) => typeof x.port === 'string')) expect((peersOfRule(r, 'egress') ?? []).filter((x) => x.ipBlock)).to.deep.equal([]);
      }
      expect(nativeAllows(c.policies, 'egress', web, pod('prod', { role: 'db' }, { ports: [{ name: 'postgres', port: 5432 }] }), { port: 5432 })).to.equal(true);
    });

    it('T38: a port given as a digit string is an integer', () => {
      const c = convert(yaml`
        apiVersion: projectcalico.org/v3
        kind: NetworkPolicy
        metadata: {name: str-port, namespace: prod}
        spec:
          selector: app == 'web'
          types: [Ingress]
          ingress:
          - action: Allow
            protocol: TCP
            destination: {ports: ['8080']}
      `);
      expect(onlyPolicyOf(c, 'str-port').spec.ingress).to.deep.equal([{ ports: [{ protocol: 'TCP', port: 8080 }] }]);
    });

    it('T39: "A:B" ranges become port + endPort', () => {
      const c = convert(yaml`
        apiVersion: projectcalico.org/v3
        kind: NetworkPolicy
        metadata: {name: ranges, namespace: prod}
        spec:
          selector: app == 'web'
          types: [Ingress]
          ingress:
          - action: Allow
            protocol: UDP
            destination: {ports: ['9000:9100', '80:80']}
      `);
      expect(onlyPolicyOf(c, 'ranges').spec.ingress).to.deep.equal([
        { ports: [{ protocol: 'UDP', port: 80 }, { protocol: 'UDP', port: 9000, endPort: 9100 }] },
      ]);
    });

    it('T40: http matches drop the rule (fail-closed); widen keeps the L4 part and says so', () => {
      const text = yaml`
        apiVersion: projectcalico.org/v3
        kind: NetworkPolicy
        metadata: {name: l7, namespace: prod}
        spec:
          selector: app == 'web'
          types: [Ingress]
          ingress:
          - action: Allow
            protocol: TCP
            destination: {ports: [80]}
            http: {methods: [GET], paths: [{prefix: /api}]}
      `;
      const c = convert(text);
      const p = onlyPolicyOf(c, 'l7');
      expect(isolates(p, 'ingress')).to.equal(true);
      expect(p.spec.ingress, 'naive: the L4 allow').to.equal(undefined);
      expectFinding(c, { code: 'calico/http', effect: 'narrower', source: 'l7' });
      const w = convert(text, { onUnsupported: 'widen' });
      expect(onlyPolicyOf(w, 'l7').spec.ingress).to.deep.equal([{ ports: [{ protocol: 'TCP', port: 80 }] }]);
      expectFinding(w, { code: 'output/widened', effect: 'wider', source: 'l7' });
    });
  });

  describe('§11.6 objects and input handling', () => {
    it('T41: derived (knp.default., kanp., kbanp., ossg.) and staged objects are skipped', () => {
      const c = convert(
        yaml`
          apiVersion: projectcalico.org/v3
          kind: NetworkPolicy
          metadata: {name: knp.default.allow-web, namespace: prod}
          spec: {selector: app == 'web', types: [Ingress]}
          ---
          apiVersion: projectcalico.org/v3
          kind: GlobalNetworkPolicy
          metadata: {name: kanp.adminnetworkpolicy.x}
          spec: {selector: all(), types: [Ingress]}
          ---
          apiVersion: projectcalico.org/v3
          kind: GlobalNetworkPolicy
          metadata: {name: kbanp.baselineadminnetworkpolicy.y}
          spec: {selector: all(), types: [Ingress]}
          ---
          apiVersion: projectcalico.org/v3
          kind: NetworkPolicy
          metadata: {name: ossg.default.abc, namespace: prod}
          spec: {selector: all(), types: [Ingress]}
          ---
          apiVersion: projectcalico.org/v3
          kind: StagedNetworkPolicy
          metadata: {name: staged, namespace: prod}
          spec: {selector: all(), types: [Ingress]}
          ---
          apiVersion: projectcalico.org/v3
          kind: StagedKubernetesNetworkPolicy
          metadata: {name: sknp, namespace: prod}
          spec: {podSelector: {}, policyTypes: [Ingress]}
        `,
        { namespaces: ['prod'] },
      );
      expect(c.policies).to.deep.equal([]);
      for (const n of ['knp.default.allow-web', 'kanp.adminnetworkpolicy.x', 'kbanp.baselineadminnetworkpolicy.y', 'ossg.default.abc']) {
        expect(source(c, n).status).to.equal('skipped');
        expectFinding(c, { code: 'calico/derived-policy', severity: 'info', source: n });
      }
      for (const n of ['staged', 'sknp']) expectFinding(c, { code: 'calico/staged', source: n });
    });

    it('T42: the default. storage prefix (or the metadata annotation name) is not carried into output names', () => {
      const c = convert(yaml`
        apiVersion: crd.projectcalico.org/v1
        kind: NetworkPolicy
        metadata: {name: default.allow-web, namespace: prod}
        spec:
          selector: app == 'web'
          types: [Ingress]
        ---
        apiVersion: crd.projectcalico.org/v1
        kind: GlobalNetworkPolicy
        metadata:
          name: default.stored
          annotations: {projectcalico.org/metadata: '{"name":"real-name"}'}
        spec:
          selector: app == 'db'
          namespaceSelector: projectcalico.org/name == 'prod'
          types: [Ingress]
      `);
      expectFinding(c, { code: 'calico/v1-name', source: 'default.allow-web' });
      expect(c.policies.map((p) => p.metadata.name).sort()).to.deep.equal(['allow-web', 'real-name']);
    });

    it('T43: NetworkSet labels kept in the projectcalico.org/metadata annotation are seen by selectors', () => {
      const c = convert(yaml`
        apiVersion: crd.projectcalico.org/v1
        kind: NetworkSet
        metadata:
          name: partners
          namespace: prod
          annotations: {projectcalico.org/metadata: '{"labels":{"role":"partner"}}'}
        spec: {nets: [198.51.100.0/24]}
        ---
        apiVersion: projectcalico.org/v3
        kind: NetworkPolicy
        metadata: {name: from-partners, namespace: prod}
        spec:
          selector: app == 'web'
          types: [Ingress]
          ingress:
          - action: Allow
            source: {selector: role == 'partner'}
      `);
      expect(ipBlocksOf(onlyPolicyOf(c, 'from-partners'), 'ingress')).to.deep.equal([{ cidr: '198.51.100.0/24' }]);
    });

    it('T44: the tier comes from spec.tier, never from a dotted name', () => {
      const c = convert(yaml`
        apiVersion: projectcalico.org/v3
        kind: Tier
        metadata: {name: security}
        spec: {order: 100}
        ---
        apiVersion: projectcalico.org/v3
        kind: NetworkPolicy
        metadata: {name: security.audit, namespace: prod}
        spec:
          order: 10
          selector: app == 'web'
          types: [Ingress]
          ingress:
          - action: Allow
            source: {selector: role == 'monitoring'}
        ---
        apiVersion: projectcalico.org/v3
        kind: NetworkPolicy
        metadata: {name: allow-fe, namespace: prod}
        spec:
          order: 20
          selector: app == 'web'
          types: [Ingress]
          ingress:
          - action: Allow
            source: {selector: role == 'fe'}
      `);
      // Both are default-tier policies: no end-of-tier drop between them.
      expect(nativeAllows(c.policies, 'ingress', web, fe)).to.equal(true);
      expectNoFinding(c, { code: 'calico/ordering' });
    });

    it('T45: lower-case / empty / unknown actions and types in raw v1 objects, as Felix reads them', () => {
      const c = convert(yaml`
        apiVersion: crd.projectcalico.org/v1
        kind: NetworkPolicy
        metadata: {name: lower, namespace: prod}
        spec:
          selector: app == 'web'
          types: [ingress]
          ingress:
          - action: deny
            source: {selector: role == 'bad'}
          - action: allow
        ---
        apiVersion: crd.projectcalico.org/v1
        kind: NetworkPolicy
        metadata: {name: empty-action, namespace: prod}
        spec:
          selector: app == 'db'
          types: [Ingress]
          ingress:
          - action: ""
            source: {selector: role == 'fe'}
        ---
        apiVersion: crd.projectcalico.org/v1
        kind: NetworkPolicy
        metadata: {name: unknown-action, namespace: prod}
        spec:
          selector: app == 'api'
          types: [Ingress]
          ingress:
          - action: reject
      `);
      const lower = onlyPolicyOf(c, 'lower');
      expect(lower.spec.policyTypes).to.deep.equal(['Ingress']);
      expect(nativeAllows(c.policies, 'ingress', web, bad), '"deny" is a Deny').to.equal(false);
      expect(nativeAllows(c.policies, 'ingress', web, fe), '"allow" after it is an Allow').to.equal(true);
      expectFinding(c, { code: 'output/compiled', source: 'lower' });
      const db = pod('prod', { app: 'db' });
      expect(nativeAllows(c.policies, 'ingress', db, fe), 'empty action = Allow').to.equal(true);
      expect(nativeAllows(c.policies, 'ingress', db, be)).to.equal(false);
      expectFinding(c, { code: 'calico/action-empty', severity: 'warning', source: 'empty-action' });
      expect(policiesOf(c, 'unknown-action')).to.deep.equal([]);
      expect(source(c, 'unknown-action').status).to.equal('invalid');
      expectFinding(c, { code: 'calico/invalid', source: 'unknown-action' });
    });

    it('T46: selectors with newlines (block scalars) are rejected exactly as Calico does', () => {
      const c = convert(yaml`
        apiVersion: projectcalico.org/v3
        kind: NetworkPolicy
        metadata: {name: nl-subject, namespace: prod}
        spec:
          selector: |
            app == 'web'
          types: [Ingress]
        ---
        apiVersion: projectcalico.org/v3
        kind: NetworkPolicy
        metadata: {name: nl-rule, namespace: prod}
        spec:
          selector: app == 'db'
          types: [Ingress]
          ingress:
          - action: Allow
            source:
              selector: >-
                role == 'fe'
          - action: Allow
            source:
              selector: |
                role == 'be'
      `);
      expect(c.policies).to.deep.equal([]);
      expect(source(c, 'nl-subject').status).to.equal('invalid');
      expect(source(c, 'nl-rule').status).to.equal('invalid');
      expectFinding(c, { code: 'calico/invalid', source: 'nl-rule', pointer: '/spec/ingress/1' });
    });

    it('T47: rule selector all() is "in-scope objects", "" and absent are "any address"', () => {
      const c = convert(yaml`
        apiVersion: projectcalico.org/v3
        kind: NetworkPolicy
        metadata: {name: sel-forms, namespace: prod}
        spec:
          selector: app == 'web'
          types: [Ingress]
          ingress:
          - action: Allow
            protocol: TCP
            source: {selector: all()}
            destination: {ports: [1]}
          - action: Allow
            protocol: TCP
            source: {selector: ""}
            destination: {ports: [2]}
          - action: Allow
            protocol: TCP
            destination: {ports: [3]}
        ---
        apiVersion: projectcalico.org/v3
        kind: NetworkPolicy
        metadata: {name: empty-subject, namespace: prod}
        spec:
          types: [Ingress]
      `);
      expect(onlyPolicyOf(c, 'sel-forms').spec.ingress).to.deep.equal([
        { from: [{ podSelector: {} }], ports: [{ protocol: 'TCP', port: 1 }] },
        { ports: [{ protocol: 'TCP', port: 2 }] },
        { ports: [{ protocol: 'TCP', port: 3 }] },
      ]);
      expect(nativeAllows(c.policies, 'ingress', web, external, { port: 1 }), 'all() is not "any address"').to.equal(false);
      expect(nativeAllows(c.policies, 'ingress', web, external, { port: 2 })).to.equal(true);
      expect(onlyPolicyOf(c, 'empty-subject').spec.podSelector).to.deep.equal({});
    });

    it('T48 (environmental): host endpoints and Felix configuration are reported, not translated', () => {
      const c = convert(yaml`
        apiVersion: projectcalico.org/v3
        kind: HostEndpoint
        metadata: {name: node1-eth0, labels: {role: node}}
        spec: {node: node1, interfaceName: eth0, expectedIPs: [192.168.1.10]}
        ---
        apiVersion: projectcalico.org/v3
        kind: FelixConfiguration
        metadata: {name: default}
        spec: {defaultEndpointToHostAction: Drop}
      `);
      expect(c.policies).to.deep.equal([]);
      expect(c.result.fileFindings.filter((f) => f.code === 'input/other-kind')).to.have.length(2);
    });

    it('T49: outputs that depend on an inventory say which one (namespaces, NetworkSets)', () => {
      const c = convert(
        yaml`
          apiVersion: projectcalico.org/v3
          kind: NetworkSet
          metadata: {name: partners, namespace: prod, labels: {role: fe}}
          spec: {nets: [198.51.100.0/24]}
          ---
          apiVersion: projectcalico.org/v3
          kind: GlobalNetworkPolicy
          metadata: {name: everywhere}
          spec:
            selector: app == 'web'
            types: [Ingress]
            ingress:
            - action: Allow
              source: {selector: role == 'fe', namespaceSelector: all()}
        `,
        { namespaces: ['prod', 'dev'] },
      );
      expect(expectFinding(c, { code: 'calico/global-fanout', source: 'everywhere' }).message).to.match(/dev/).and.to.match(/prod/);
      expect(expectFinding(c, { code: 'calico/network-sets', source: 'everywhere' }).message).to.contain('partners');
      expectFinding(c, { code: 'calico/network-set-assumption', source: 'everywhere' });
    });

    it('T50: both ends are kept: the destination\'s ingress isolation is not lost when the source egress allows', () => {
      const c = convert(yaml`
        apiVersion: projectcalico.org/v3
        kind: NetworkPolicy
        metadata: {name: client, namespace: prod}
        spec:
          selector: app == 'client'
          types: [Egress]
          egress:
          - action: Allow
            protocol: TCP
            destination: {selector: app == 'server', ports: [80]}
        ---
        apiVersion: projectcalico.org/v3
        kind: NetworkPolicy
        metadata: {name: server, namespace: prod}
        spec:
          selector: app == 'server'
          types: [Ingress]
          ingress:
          - action: Allow
            source: {selector: app == 'other'}
      `);
      const client = pod('prod', { app: 'client' });
      const server = pod('prod', { app: 'server' });
      expect(nativeAllows(c.policies, 'egress', client, server, { port: 80 })).to.equal(true);
      expect(nativeAllows(c.policies, 'ingress', server, client, { port: 80 }), 'the connection still needs the server side').to.equal(false);
    });

    it('T51: native NetworkPolicies that a Calico Deny or earlier tier used to shadow are reported as wider', () => {
      const c = convert(yaml`
        apiVersion: projectcalico.org/v3
        kind: NetworkPolicy
        metadata: {name: deny-bad, namespace: prod}
        spec:
          order: 100
          selector: app == 'web'
          types: [Ingress]
          ingress:
          - action: Deny
            source: {selector: role == 'bad'}
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: allow-all-web, namespace: prod}
        spec:
          podSelector: {matchLabels: {app: web}}
          policyTypes: [Ingress]
          ingress:
          - {}
      `);
      expectFinding(c, { code: 'calico/shadows-native', severity: 'error', effect: 'wider', source: 'allow-all-web' });
      expect(source(c, 'allow-all-web').verdict).to.match(/wider/);

      // A Deny ordered after the native policy (order 2000 > 1000) never shadowed it.
      const late = convert(yaml`
        apiVersion: projectcalico.org/v3
        kind: NetworkPolicy
        metadata: {name: deny-bad-late, namespace: prod}
        spec:
          order: 2000
          selector: app == 'web'
          types: [Ingress]
          ingress:
          - action: Deny
            source: {selector: role == 'bad'}
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: allow-all-web, namespace: prod}
        spec:
          podSelector: {matchLabels: {app: web}}
          policyTypes: [Ingress]
          ingress:
          - {}
      `);
      expectNoFinding(late, { code: 'calico/shadows-native' });

      // The native policy isolates in the default tier: a later tier's Calico allow was never reached.
      const tiers = convert(yaml`
        apiVersion: projectcalico.org/v3
        kind: Tier
        metadata: {name: late}
        spec: {order: 2000000}
        ---
        apiVersion: projectcalico.org/v3
        kind: NetworkPolicy
        metadata: {name: late.allow-fe, namespace: prod}
        spec:
          tier: late
          selector: app == 'web'
          types: [Ingress]
          ingress:
          - action: Allow
            source: {selector: role == 'fe'}
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: allow-be, namespace: prod}
        spec:
          podSelector: {matchLabels: {app: web}}
          policyTypes: [Ingress]
          ingress:
          - from: [{podSelector: {matchLabels: {role: be}}}]
      `);
      expect(nativeAllows(tiers.policies, 'ingress', web, fe)).to.equal(false);
      expectFinding(tiers, { code: 'output/compiled', source: 'late.allow-fe' });
      expect(source(tiers, 'late.allow-fe').verdict).to.equal('exact');
    });
  });
});
