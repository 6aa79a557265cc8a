/**
 * cilium-semantics.md §11 "Traps for a translator to native NetworkPolicy", one test (or a few, for rows with distinct
 * cases) per row T1–T50. Each test asserts the correct native shape or the fail-closed outcome (construct absent,
 * direction still isolated, finding with effect narrower) in a way the naive field-by-field result of the row fails.
 */
import { expect } from 'chai';
import {
  convert,
  describeFinding,
  expectFinding,
  expectNoFinding,
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
const external = { ip: '198.51.100.9' };

/** A CiliumNetworkPolicy in namespace prod whose subject is app=web, with the given rule sections (YAML lines). */
function cnp(name: string, body: string, selector = '{matchLabels: {app: web}}'): string {
  return `apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: {name: ${name}, namespace: prod}\nspec:\n  endpointSelector: ${selector}\n${body
    .trim()
    .split('\n')
    .map((l) => '  ' + l)
    .join('\n')}\n`;
}

describe('traps: Cilium (cilium-semantics §11)', () => {
  describe('§11.1 structure, emptiness, validity', () => {
    it('T1: ingress: [{}] / egress: [{}] isolate and allow nothing (never native [{}] = allow all)', () => {
      const c = convert(cnp('deny-in', 'ingress: [{}]') + '---\n' + cnp('deny-out', 'egress: [{}]'));
      const i = onlyPolicyOf(c, 'deny-in');
      expect(i.spec).to.deep.equal({ podSelector: { matchLabels: { app: 'web' } }, policyTypes: ['Ingress'] });
      const e = onlyPolicyOf(c, 'deny-out');
      expect(e.spec).to.deep.equal({ podSelector: { matchLabels: { app: 'web' } }, policyTypes: ['Egress'] });
      expect(nativeAllows(c.policies, 'ingress', web, fe)).to.equal(false);
      expect(nativeAllows(c.policies, 'egress', web, external)).to.equal(false);
      expectFinding(c, { code: 'cilium/empty-rule', source: 'deny-in' });
      expect(source(c, 'deny-in').verdict).to.equal('exact');
    });

    it('T2: a rule whose four sections are all empty makes the object invalid: nothing emitted (not a deny-all)', () => {
      const c = convert(cnp('only-empty', 'ingress: []\negressDeny: []'));
      expect(c.policies, 'naive: policyTypes [Ingress] with no rules').to.deep.equal([]);
      expect(source(c, 'only-empty').status).to.equal('invalid');
      expectFinding(c, { code: 'cilium/invalid', severity: 'error', source: 'only-empty' });
    });

    it('T3: one invalid rule in spec/specs voids the whole object', () => {
      const c = convert(yaml`
        apiVersion: cilium.io/v2
        kind: CiliumNetworkPolicy
        metadata: {name: partly-invalid, namespace: prod}
        spec:
          endpointSelector: {matchLabels: {app: web}}
          ingress:
          - fromEndpoints: [{matchLabels: {role: fe}}]
        specs:
        - endpointSelector: {matchLabels: {app: web}}
          egress:
          - toEndpoints: [{}]
            toPorts: [{ports: [{port: "53", protocol: UDP}], rules: {dns: [{matchPattern: "*"}]}}]
          ingress:
          - toPorts: [{ports: [{port: "53", protocol: UDP}], rules: {dns: [{matchPattern: "*"}]}}]
      `);
      expect(c.policies, 'naive: the valid spec part is translated').to.deep.equal([]);
      expect(source(c, 'partly-invalid').status).to.equal('invalid');
      expectFinding(c, { code: 'cilium/invalid', source: 'partly-invalid', pointer: '/specs/0/ingress/0' });
    });

    it('T4: an empty L3 list selects nothing: the rule is dropped, never widened to a port wildcard', () => {
      const c = convert(
        cnp(
          'empty-l3',
          yaml`
            ingress:
            - fromEndpoints: []
              toPorts: [{ports: [{port: "80", protocol: TCP}]}]
            - fromCIDR: []
            - fromEntities: []
              toPorts: [{ports: [{port: "81", protocol: TCP}]}]
            egress:
            - toEndpoints: []
          `,
        ),
      );
      const p = onlyPolicyOf(c, 'empty-l3');
      expect(p.spec.policyTypes).to.have.members(['Ingress', 'Egress']);
      expect(p.spec.ingress).to.equal(undefined);
      expect(p.spec.egress).to.equal(undefined);
      expect(nativeAllows(c.policies, 'ingress', web, fe, { port: 80 })).to.equal(false);
      expectFinding(c, { code: 'cilium/empty-l3', source: 'empty-l3', pointer: '/spec/ingress/0/fromEndpoints' });
    });

    it('T4: toFQDNs: [] / toServices: [] / fromGroups: [] are not covered by the empty-list rule: they act as absent', () => {
      // cilium §2.5: only endpoints, nodes, entities, cidr and cidrSet lists are checked for emptiness; the other
      // three behave as if absent, so with toPorts the rule is an L4 wildcard. Dropping it silently is narrower
      // and must at least be reported (the verdict cannot stay "exact").
      const c = convert(
        cnp(
          'empty-others',
          yaml`
            egress:
            - toFQDNs: []
              toPorts: [{ports: [{port: "443", protocol: TCP}]}]
            - toServices: []
              toPorts: [{ports: [{port: "8443", protocol: TCP}]}]
            ingress:
            - fromGroups: []
              toPorts: [{ports: [{port: "22", protocol: TCP}]}]
          `,
        ),
      );
      const p = onlyPolicyOf(c, 'empty-others');
      const exact = nativeAllows(c.policies, 'egress', web, external, { port: 443 }) && nativeAllows(c.policies, 'egress', web, external, { port: 8443 }) && nativeAllows(c.policies, 'ingress', web, external, { port: 22 });
      const s = source(c, 'empty-others');
      if (!exact) expect(s.findings.filter((f) => f.effect === 'narrower').length, `the L4 wildcard rules were dropped silently (verdict ${s.verdict}); findings:\n${s.findings.map(describeFinding).join('\n')}`).to.be.greaterThan(0);
      expect(nativeAllows(c.policies, 'egress', web, external, { port: 80 }), 'never wider than the listed ports').to.equal(false);
      expect(isolates(p, 'egress')).to.equal(true);
    });

    it('T5: L3 absent with toPorts allows every peer on those ports (native rule with ports and no from)', () => {
      const c = convert(cnp('l4-only', 'ingress:\n- toPorts: [{ports: [{port: "80", protocol: TCP}]}]'));
      expect(onlyPolicyOf(c, 'l4-only').spec.ingress).to.deep.equal([{ ports: [{ protocol: 'TCP', port: 80 }] }]);
      expect(nativeAllows(c.policies, 'ingress', web, external, { port: 80 })).to.equal(true);
      expect(nativeAllows(c.policies, 'ingress', web, external, { port: 81 })).to.equal(false);
    });

    it('T6: toPorts: [{}], ports: [], icmps without fields, PortRule with only rules allow nothing', () => {
      const c = convert(
        cnp(
          'empty-l4',
          yaml`
            ingress:
            - toPorts: [{}]
            - fromEndpoints: [{matchLabels: {role: fe}}]
              toPorts: [{ports: []}]
            - fromEndpoints: [{matchLabels: {role: fe}}]
              icmps: [{fields: []}]
            - fromEndpoints: [{matchLabels: {role: fe}}]
              toPorts: [{rules: {http: [{path: /}]}}]
          `,
        ),
      );
      const p = onlyPolicyOf(c, 'empty-l4');
      expect(p.spec.policyTypes).to.deep.equal(['Ingress']);
      expect(p.spec.ingress, 'naive: ports [{}] (all TCP) or no ports (everything)').to.equal(undefined);
      expectFinding(c, { code: 'cilium/empty-ports', source: 'empty-l4', pointer: '/spec/ingress/0' });
    });

    it('T7: L3 present without L4 allows every protocol to those peers (native rule without ports)', () => {
      const c = convert(cnp('l3-only', 'egress:\n- toEndpoints: [{matchLabels: {app: db}}]'));
      expect(onlyPolicyOf(c, 'l3-only').spec.egress).to.deep.equal([{ to: [{ podSelector: { matchLabels: { app: 'db' } } }] }]);
      expect(nativeAllows(c.policies, 'egress', web, pod('prod', { app: 'db' }), { protocol: 'UDP', port: 9 })).to.equal(true);
    });

    it('T8: several L3 kinds in one rule are rejected by Cilium: nothing emitted (never ORed)', () => {
      const c = convert(cnp('two-l3', 'ingress:\n- fromEndpoints: [{matchLabels: {role: fe}}]\n  fromCIDR: [10.0.0.0/8]'));
      expect(c.policies).to.deep.equal([]);
      expectFinding(c, { code: 'cilium/invalid', source: 'two-l3' });
    });

    it('T9: spec and specs are a union, each part with explicit policyTypes', () => {
      const c = convert(yaml`
        apiVersion: cilium.io/v2
        kind: CiliumNetworkPolicy
        metadata: {name: multi, namespace: prod}
        spec:
          endpointSelector: {matchLabels: {app: web}}
          egress:
          - toEndpoints: [{matchLabels: {app: db}}]
        specs:
        - endpointSelector: {matchLabels: {app: web}}
          ingress:
          - fromEndpoints: [{matchLabels: {role: fe}}]
      `);
      const ps = policiesOf(c, 'multi');
      expect(ps.map((p) => p.spec.policyTypes)).to.have.deep.members([['Egress'], ['Ingress']]);
      expect(nativeAllows(c.policies, 'ingress', web, fe)).to.equal(true);
      expect(nativeAllows(c.policies, 'egress', web, pod('prod', { app: 'db' }))).to.equal(true);
      expect(nativeAllows(c.policies, 'ingress', web, pod('prod', { app: 'db' }))).to.equal(false);
    });

    it('T10: a deny-only rule still isolates its direction', () => {
      const c = convert(cnp('deny-only', 'ingressDeny:\n- fromEntities: [world]'));
      const p = onlyPolicyOf(c, 'deny-only');
      expect(p.spec).to.deep.equal({ podSelector: { matchLabels: { app: 'web' } }, policyTypes: ['Ingress'] });
      expect(nativeAllows(c.policies, 'ingress', web, fe), 'naive: deny dropped, nothing isolates').to.equal(false);
      expectFinding(c, { code: 'output/compiled', source: 'deny-only' });
      expect(source(c, 'deny-only').verdict).to.equal('exact');
    });

    it('T11: enableDefaultDeny false adds allows without isolating: compiled, the pods stay open to what nothing restricts', () => {
      const c = convert(cnp('non-default-deny', 'enableDefaultDeny: {ingress: false}\ningress:\n- fromEndpoints: [{matchLabels: {app: prometheus}}]'));
      // Alone, the policy leaves its pods open: the output allows everything (naive: only prometheus).
      expect(onlyPolicyOf(c, 'non-default-deny').spec.ingress).to.deep.equal([{}]);
      expect(nativeAllows(c.policies, 'ingress', web, pod('prod', { app: 'other' }))).to.equal(true);
      expectFinding(c, { code: 'cilium/default-deny-disabled', severity: 'info', effect: 'none', source: 'non-default-deny' });
      expect(source(c, 'non-default-deny').verdict).to.equal('exact');

      // With another policy that isolates the same pods, the allow adds to it.
      const both = convert(
        cnp('non-default-deny', 'enableDefaultDeny: {ingress: false}\ningress:\n- fromEndpoints: [{matchLabels: {app: prometheus}}]') +
          '---\n' +
          cnp('isolating', 'ingress:\n- fromEndpoints: [{matchLabels: {role: fe}}]'),
      );
      expect(nativeAllows(both.policies, 'ingress', web, pod('prod', { app: 'prometheus' }))).to.equal(true);
      expect(nativeAllows(both.policies, 'ingress', web, fe)).to.equal(true);
      expect(nativeAllows(both.policies, 'ingress', web, pod('prod', { app: 'other' }))).to.equal(false);
      expect(both.result.wholeSet?.verdict).to.equal('exact');
    });

    it('T12: enableDefaultDeny.ingress: true without ingress entries has no effect', () => {
      const c = convert(cnp('dd-no-entries', 'enableDefaultDeny: {ingress: true}\negress:\n- toEndpoints: [{}]'));
      const p = onlyPolicyOf(c, 'dd-no-entries');
      expect(p.spec.policyTypes, 'naive: Ingress isolated').to.deep.equal(['Egress']);
      expect(nativeAllows(c.policies, 'ingress', web, external)).to.equal(true);
      expectFinding(c, { code: 'cilium/default-deny-no-entries', source: 'dd-no-entries' });
    });

    it('T13 (environmental): agent configuration objects are not policies; policies still convert', () => {
      const c = convert(
        yaml`
          apiVersion: v1
          kind: ConfigMap
          metadata: {name: cilium-config, namespace: kube-system}
          data: {enable-policy: always, allow-localhost: policy}
          ---
        ` + cnp('plain', 'ingress:\n- fromEndpoints: [{matchLabels: {role: fe}}]'),
      );
      expect(c.result.fileFindings.some((f) => f.code === 'input/other-kind')).to.equal(true);
      expect(c.policies).to.have.length(1);
    });
  });

  describe('§11.2 subjects and namespaces', () => {
    it('T14: a namespace key in a CNP endpointSelector is interpreted (overwritten or ANDed), never copied', () => {
      const c = convert(
        cnp('k8s-ns', 'ingress: [{}]', '{matchLabels: {app: web, "k8s:io.kubernetes.pod.namespace": other}}') +
          '---\n' +
          cnp('any-ns-other', 'ingress: [{}]', '{matchLabels: {app: web, "io.kubernetes.pod.namespace": other}}') +
          '---\n' +
          cnp('any-ns-same', 'ingress: [{}]', '{matchLabels: {app: web, "io.kubernetes.pod.namespace": prod}}'),
      );
      expect(onlyPolicyOf(c, 'k8s-ns').spec.podSelector, 'k8s: key overwritten by the policy namespace').to.deep.equal({ matchLabels: { app: 'web' } });
      expect(policiesOf(c, 'any-ns-other'), 'ANDed with prod: selects nothing').to.deep.equal([]);
      expect(onlyPolicyOf(c, 'any-ns-same').spec.podSelector).to.deep.equal({ matchLabels: { app: 'web' } });
      for (const p of c.policies) expect(JSON.stringify(p.spec)).to.not.contain('io.kubernetes.pod.namespace');
      expectFinding(c, { code: 'cilium/subject-namespace-key', source: 'k8s-ns' });
    });

    it('T15: a CiliumClusterwideNetworkPolicy fans out per namespace (from the selector or --namespaces)', () => {
      const text = yaml`
        apiVersion: cilium.io/v2
        kind: CiliumClusterwideNetworkPolicy
        metadata: {name: all-pods}
        spec:
          endpointSelector: {}
          ingress:
          - fromEndpoints: [{matchLabels: {role: fe}}]
        ---
        apiVersion: cilium.io/v2
        kind: CiliumClusterwideNetworkPolicy
        metadata: {name: ns-a}
        spec:
          endpointSelector: {matchLabels: {"k8s:io.kubernetes.pod.namespace": a, app: web}}
          ingress: [{}]
        ---
        apiVersion: cilium.io/v2
        kind: CiliumClusterwideNetworkPolicy
        metadata: {name: ns-label}
        spec:
          endpointSelector: {matchLabels: {"k8s:io.cilium.k8s.namespace.labels.team": x}}
          ingress: [{}]
      `;
      const none = convert(text);
      expect(policiesOf(none, 'all-pods')).to.deep.equal([]);
      expectFinding(none, { code: 'cilium/clusterwide-needs-namespaces', severity: 'error', source: 'all-pods' });
      expect(policiesOf(none, 'ns-a').map((p) => p.metadata.namespace)).to.deep.equal(['a']);

      const c = convert(text, { namespaces: ['a', 'b'] });
      expect(policiesOf(c, 'all-pods').map((p) => p.metadata.namespace).sort()).to.deep.equal(['a', 'b']);
      expect(policiesOf(c, 'ns-a').map((p) => p.metadata.namespace)).to.deep.equal(['a']);
      expect(policiesOf(c, 'ns-label'), 'namespace labels unknown: not guessed').to.deep.equal([]);
      expectFinding(c, { code: 'cilium/health-subjects', source: 'all-pods' });
    });

    it('T16: host policies (nodeSelector) are not converted', () => {
      const c = convert(yaml`
        apiVersion: cilium.io/v2
        kind: CiliumClusterwideNetworkPolicy
        metadata: {name: host-fw}
        spec:
          nodeSelector: {matchLabels: {role: worker}}
          ingress: [{}]
      `, { namespaces: ['prod'] });
      expect(c.policies).to.deep.equal([]);
      expectFinding(c, { code: 'cilium/node-selector', source: 'host-fw' });
    });

    it('T17: reserved (non-pod) subjects are not converted', () => {
      const c = convert(yaml`
        apiVersion: cilium.io/v2
        kind: CiliumClusterwideNetworkPolicy
        metadata: {name: health}
        spec:
          endpointSelector: {matchLabels: {"reserved:health": ""}}
          ingress: [{}]
      `, { namespaces: ['prod'] });
      expect(c.policies).to.deep.equal([]);
      expectFinding(c, { code: 'cilium/reserved-subject', source: 'health' });
    });
  });

  describe('§11.3 peer selectors', () => {
    it('T18: CNP fromEndpoints without a namespace key means the policy namespace', () => {
      const c = convert(cnp('same-ns', 'ingress:\n- fromEndpoints: [{}]\n- fromEndpoints: [{matchLabels: {role: fe}}]'));
      expect(onlyPolicyOf(c, 'same-ns').spec.ingress).to.deep.equal([{ from: [{ podSelector: {} }] }, { from: [{ podSelector: { matchLabels: { role: 'fe' } } }] }]);
      expect(nativeAllows(c.policies, 'ingress', web, pod('dev', { role: 'fe' }))).to.equal(false);
    });

    it('T19: CCNP fromEndpoints without a namespace key means every namespace', () => {
      const c = convert(yaml`
        apiVersion: cilium.io/v2
        kind: CiliumClusterwideNetworkPolicy
        metadata: {name: cc}
        spec:
          endpointSelector: {matchLabels: {app: web}}
          ingress:
          - fromEndpoints: [{matchLabels: {role: fe}}]
      `, { namespaces: ['prod', 'dev'] });
      for (const p of policiesOf(c, 'cc')) expect(p.spec.ingress).to.deep.equal([{ from: [{ namespaceSelector: {}, podSelector: { matchLabels: { role: 'fe' } } }] }]);
      expect(nativeAllows(c.policies, 'ingress', web, pod('dev', { role: 'fe' }))).to.equal(true);
    });

    const peers = cnp(
      'peers',
      yaml`
        ingress:
        - fromEndpoints: [{matchLabels: {"k8s:io.kubernetes.pod.namespace": dev, "any:app": x}}]
          toPorts: [{ports: [{port: "1", protocol: TCP}]}]
        - fromEndpoints: [{matchExpressions: [{key: io.kubernetes.pod.namespace, operator: In, values: [dev, qa]}]}]
          toPorts: [{ports: [{port: "2", protocol: TCP}]}]
        - fromEndpoints: [{matchExpressions: [{key: k8s:io.kubernetes.pod.namespace, operator: NotIn, values: [kube-system]}]}]
          toPorts: [{ports: [{port: "3", protocol: TCP}]}]
        - fromEndpoints: [{matchLabels: {"k8s:io.cilium.k8s.namespace.labels.team": blue}}]
          toPorts: [{ports: [{port: "4", protocol: TCP}]}]
        - fromEndpoints: [{matchLabels: {"k8s:io.cilium.k8s.policy.serviceaccount": sa1}}]
          toPorts: [{ports: [{port: "5", protocol: TCP}]}]
        - fromEndpoints: [{matchLabels: {"k8s:io.cilium.k8s.policy.cluster": default, role: y}}]
          toPorts: [{ports: [{port: "6", protocol: TCP}]}]
        - fromEndpoints: [{matchLabels: {"k8s:io.cilium.k8s.policy.cluster": remote, role: z}}]
          toPorts: [{ports: [{port: "7", protocol: TCP}]}]
        - fromEndpoints: [{matchLabels: {"statefulset.kubernetes.io/pod-name": db-0}}]
          toPorts: [{ports: [{port: "8", protocol: TCP}]}]
        - fromEndpoints: [{matchLabels: {role: w}, matchExpressions: [{key: pod-template-hash, operator: NotIn, values: [abc]}]}]
          toPorts: [{ports: [{port: "9", protocol: TCP}]}]
        - fromEndpoints: [{matchLabels: {"k8s:role": k}}]
          toPorts: [{ports: [{port: "10", protocol: TCP}]}]
        - fromEndpoints: [{matchLabels: {"container:role": c}}]
          toPorts: [{ports: [{port: "11", protocol: TCP}]}]
        - fromEndpoints: [{matchLabels: {"reserved:host": ""}}]
          toPorts: [{ports: [{port: "12", protocol: TCP}]}]
      `,
    );
    /** The from-list of the rule with the given port, or undefined when that rule was not emitted. */
    function fromOfPort(port: number): unknown {
      const c = convert(peers);
      const r = rulesOf(onlyPolicyOf(c, 'peers'), 'ingress').find((x) => (x.ports ?? []).some((p) => p.port === port));
      return r ? peersOfRule(r, 'ingress') : undefined;
    }
    const world = { namespaces: { dev: { team: 'blue' }, qa: {}, 'kube-system': {} } };

    it('T20: io.kubernetes.pod.namespace In/equality becomes a namespaceSelector on kubernetes.io/metadata.name', () => {
      expect(fromOfPort(1)).to.deep.equal([{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'dev' } }, podSelector: { matchLabels: { app: 'x' } } }]);
      expect(fromOfPort(2)).to.deep.equal([{ namespaceSelector: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: ['dev', 'qa'] }] } }]);
      const c = convert(peers);
      expect(nativeAllows(c.policies, 'ingress', web, pod('qa', {}), { port: 2 }, world)).to.equal(true);
      expect(nativeAllows(c.policies, 'ingress', web, pod('prod', {}), { port: 2 }, world)).to.equal(false);
    });

    it('T21: a negative namespace requirement is a NotIn namespaceSelector (local-cluster filter assumed) and reported', () => {
      expect(fromOfPort(3)).to.deep.equal([{ namespaceSelector: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: ['kube-system'] }] } }]);
      const c = convert(peers);
      expect(nativeAllows(c.policies, 'ingress', web, pod('kube-system', {}), { port: 3 }, world)).to.equal(false);
      expectFinding(c, { code: 'cilium/negative-namespace-peer', source: 'peers', pointer: '/spec/ingress/2' });
    });

    it('T22: namespace-label keys select namespaces by label in any namespace (current releases)', () => {
      expect(fromOfPort(4)).to.deep.equal([{ namespaceSelector: { matchLabels: { team: 'blue' } } }]);
      const c = convert(peers);
      expect(nativeAllows(c.policies, 'ingress', web, pod('dev', {}), { port: 4 }, world)).to.equal(true);
      expectFinding(c, { code: 'cilium/namespace-labels-peer', source: 'peers' });
    });

    it('T23: service-account peers are dropped (fail-closed), never copied as a pod label', () => {
      expect(fromOfPort(5), 'rule allows nothing').to.equal(undefined);
      const c = convert(peers);
      expectFinding(c, { code: 'cilium/service-account-label', effect: 'narrower', source: 'peers', pointer: '/spec/ingress/4' });
      const s = convert(cnp('sa-subject', 'ingress: [{}]', '{matchLabels: {"io.cilium.k8s.policy.serviceaccount": web-sa}}'));
      expect(s.policies).to.deep.equal([]);
      expectFinding(s, { code: 'cilium/service-account-subject', severity: 'error', source: 'sa-subject' });
    });

    it('T24: the cluster label is dropped when it names the local cluster, selects nothing otherwise', () => {
      expect(fromOfPort(6)).to.deep.equal([{ podSelector: { matchLabels: { role: 'y' } } }]);
      expect(fromOfPort(7)).to.equal(undefined);
      expectFinding(convert(peers), { code: 'cilium/cluster-label', source: 'peers', pointer: '/spec/ingress/6' });
    });

    it('T25: labels the identity filter drops: positive requirement selects nothing, negative one is dropped', () => {
      expect(fromOfPort(8), 'naive: podSelector on statefulset pod-name').to.equal(undefined);
      expect(fromOfPort(9)).to.deep.equal([{ podSelector: { matchLabels: { role: 'w' } } }]);
      expectFinding(convert(peers), { code: 'cilium/filtered-label', source: 'peers', pointer: '/spec/ingress/7' });
    });

    it('T26: k8s:/any: prefixes are stripped; other label sources select no pod', () => {
      expect(fromOfPort(10)).to.deep.equal([{ podSelector: { matchLabels: { role: 'k' } } }]);
      expect(fromOfPort(11)).to.equal(undefined);
      const c = convert(peers);
      for (const r of rulesOf(onlyPolicyOf(c, 'peers'), 'ingress')) expect(JSON.stringify(r)).to.not.match(/"(k8s|any|container|reserved):/);
    });

    it('T27: reserved:<entity> keys in fromEndpoints are entities, not label keys', () => {
      expect(fromOfPort(12), 'host has no native form: dropped').to.equal(undefined);
      expectFinding(convert(peers), { code: 'cilium/entity-other', effect: 'narrower', source: 'peers', pointer: '/spec/ingress/11' });
    });

    it('T28: a lower-case selector operator makes the whole object invalid', () => {
      const c = convert(cnp('lower-op', 'ingress:\n- fromEndpoints: [{matchExpressions: [{key: role, operator: in, values: [fe]}]}]'));
      expect(c.policies).to.deep.equal([]);
      expectFinding(c, { code: 'cilium/invalid', source: 'lower-op' });
    });

    it('T29: fromRequires narrows every endpoint allow of the subject: such allows are not kept as is', () => {
      const c = convert(
        cnp('requires', 'ingress:\n- fromRequires: [{matchLabels: {env: prod}}]') +
          '---\n' +
          cnp('allow-fe', 'ingress:\n- fromEndpoints: [{matchLabels: {role: fe}}]\n- fromCIDR: [203.0.113.0/24]'),
      );
      expect(nativeAllows(c.policies, 'ingress', web, fe), 'fe without env=prod was denied').to.equal(false);
      expect(nativeAllows(c.policies, 'ingress', web, { ip: '203.0.113.5' }), 'CIDR peers are not affected').to.equal(true);
      expect(isolates(onlyPolicyOf(c, 'requires'), 'ingress'), 'fromRequires alone still isolates').to.equal(true);
      expectFinding(c, { code: 'cilium/requires', source: 'requires' });
    });
  });

  describe('§11.4 entities, CIDRs, services, FQDN, nodes', () => {
    const ents = cnp(
      'ents',
      yaml`
        egress:
        - toEntities: [all]
          toPorts: [{ports: [{port: "1", protocol: TCP}]}]
        - toEntities: [world]
          toPorts: [{ports: [{port: "2", protocol: TCP}]}]
        - toEntities: [cluster]
          toPorts: [{ports: [{port: "3", protocol: TCP}]}]
        - toEntities: [host, remote-node, kube-apiserver, ingress, health, init, unmanaged]
          toPorts: [{ports: [{port: "4", protocol: TCP}]}]
        - toEntities: [none]
          toPorts: [{ports: [{port: "5", protocol: TCP}]}]
        - toCIDRSet: [{cidr: 10.0.0.0/8, except: [10.96.0.0/12]}]
          toPorts: [{ports: [{port: "6", protocol: TCP}]}]
        - toCIDR: [0.0.0.0/0]
          toPorts: [{ports: [{port: "7", protocol: TCP}]}]
      `,
    );
    function toOfPort(c: ReturnType<typeof convert>, port: number): unknown {
      const r = rulesOf(onlyPolicyOf(c, 'ents'), 'egress').find((x) => (x.ports ?? []).some((p) => p.port === port));
      return r ? (peersOfRule(r, 'egress') ?? 'any') : undefined;
    }

    it('T30: entity all is a rule without peers', () => {
      expect(toOfPort(convert(ents), 1)).to.equal('any');
    });

    it('T31: world is not 0.0.0.0/0: dropped without --cluster-cidr, cluster ranges excepted with it', () => {
      const c = convert(ents);
      expect(toOfPort(c, 2), 'naive: ipBlock 0.0.0.0/0 (matches pods)').to.equal(undefined);
      expect(toOfPort(c, 7)).to.equal(undefined);
      expectFinding(c, { code: 'cilium/entity-world', effect: 'narrower', source: 'ents', pointer: '/spec/egress/1' });
      const k = convert(ents, { clusterCidrs: ['10.0.0.0/16', '10.96.0.0/12'] });
      // IPv4 cluster ranges say nothing about IPv6 addresses: ::/0 stays dropped (fail-closed).
      expect(toOfPort(k, 2)).to.deep.equal([{ ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/16', '10.96.0.0/12'] } }]);
      expectFinding(k, { code: 'cilium/entity-world', effect: 'narrower', source: 'ents', pointer: '/spec/egress/1' });
      const both = convert(ents, { clusterCidrs: ['10.0.0.0/16', '10.96.0.0/12', 'fd00::/48'] });
      expect(toOfPort(both, 2)).to.deep.equal([{ ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/16', '10.96.0.0/12'] } }, { ipBlock: { cidr: '::/0', except: ['fd00::/48'] } }]);
      expect(nativeAllows(k.policies, 'egress', web, pod('prod', {}, { ip: '10.0.3.3' }), { port: 2 }), 'pods are not world').to.equal(false);
    });

    it('T32: cluster = all pods (namespaceSelector: {}); nodes and other cluster entities are reported', () => {
      const c = convert(ents);
      expect(toOfPort(c, 3)).to.deep.equal([{ namespaceSelector: {} }]);
      expectFinding(c, { code: 'cilium/entity-cluster', effect: 'narrower', source: 'ents', pointer: '/spec/egress/2' });
    });

    it('T33: host, remote-node, kube-apiserver, ... are dropped (fail-closed); none drops the peer (allows nothing)', () => {
      const c = convert(ents);
      expect(toOfPort(c, 4)).to.equal(undefined);
      for (let i = 0; i < 7; i++) expectFinding(c, { code: 'cilium/entity-other', effect: 'narrower', source: 'ents', pointer: `/spec/egress/3/toEntities/${i}` });
      expect(toOfPort(c, 5), 'naive: none as "no L3" = port wildcard').to.equal(undefined);
      expect(nativeAllows(c.policies, 'egress', web, { ip: '1.1.1.1' }, { port: 5 })).to.equal(false);
    });

    it('T34: CIDR rules match only non-cluster addresses: exact with --cluster-cidr, stated assumption without', () => {
      // Without --cluster-cidr a private block may hold pod addresses (an ipBlock would match them, Cilium never
      // does): dropped, fail-closed. A public block is kept with the assumption stated.
      const c = convert(ents);
      expect(toOfPort(c, 6)).to.equal(undefined);
      expectFinding(c, { code: 'cilium/cidr-world-only', severity: 'warning', effect: 'narrower', source: 'ents', pointer: '/spec/egress/5' });
      const pub = convert(yaml`
        apiVersion: cilium.io/v2
        kind: CiliumNetworkPolicy
        metadata: {name: pub, namespace: prod}
        spec:
          endpointSelector: {matchLabels: {app: web}}
          egress: [{toCIDR: [203.0.113.0/24], toPorts: [{ports: [{port: "443", protocol: TCP}]}]}]
      `);
      expect(onlyPolicyOf(pub, 'pub').spec.egress).to.deep.equal([{ to: [{ ipBlock: { cidr: '203.0.113.0/24' } }], ports: [{ protocol: 'TCP', port: 443 }] }]);
      expectFinding(pub, { code: 'cilium/cidr-world-only', severity: 'warning', effect: 'unknown', source: 'pub' });
      const k = convert(ents, { clusterCidrs: ['10.0.0.0/16'] });
      expect(toOfPort(k, 6)).to.deep.equal([{ ipBlock: { cidr: '10.0.0.0/8', except: ['10.0.0.0/16', '10.96.0.0/12'] } }]);
      expectNoFinding(k, { code: 'cilium/cidr-world-only', pointer: '/spec/egress/5' });
    });

    it('T35: CIDR groups resolve from the input; a missing group drops the entry, not the rule\'s L3', () => {
      const c = convert(
        yaml`
          apiVersion: cilium.io/v2
          kind: CiliumCIDRGroup
          metadata: {name: partners}
          spec: {externalCIDRs: [198.51.100.0/24, 192.0.2.0/24]}
          ---
        ` +
          cnp(
            'groups',
            yaml`
              egress:
              - toCIDRSet: [{cidrGroupRef: partners}, {cidrGroupRef: missing}]
                toPorts: [{ports: [{port: "8", protocol: TCP}]}]
              - toCIDRSet: [{cidrGroupRef: missing}]
                toPorts: [{ports: [{port: "9", protocol: TCP}]}]
              - toGroups: [{aws: {securityGroupsIds: [sg-1]}}]
                toPorts: [{ports: [{port: "10", protocol: TCP}]}]
            `,
          ),
      );
      const p = onlyPolicyOf(c, 'groups');
      expect(p.spec.egress).to.deep.equal([{ to: [{ ipBlock: { cidr: '198.51.100.0/24' } }, { ipBlock: { cidr: '192.0.2.0/24' } }], ports: [{ protocol: 'TCP', port: 8 }] }]);
      expect(nativeAllows(c.policies, 'egress', web, { ip: '8.8.8.8' }, { port: 9 }), 'naive: missing group -> port wildcard').to.equal(false);
      expectFinding(c, { code: 'cilium/cidr-group', source: 'groups', pointer: '/spec/egress/1' });
      expectFinding(c, { code: 'cilium/groups', effect: 'narrower', source: 'groups', pointer: '/spec/egress/2' });
    });

    it('T36: toFQDNs is dropped (no snapshot of IPs)', () => {
      const c = convert(cnp('fqdn', 'egress:\n- toFQDNs: [{matchName: api.example.com}]\n  toPorts: [{ports: [{port: "443", protocol: TCP}]}]'));
      const p = onlyPolicyOf(c, 'fqdn');
      expect(isolates(p, 'egress')).to.equal(true);
      expect(p.spec.egress, 'naive: port 443 to everyone').to.equal(undefined);
      expectFinding(c, { code: 'cilium/to-fqdns', effect: 'narrower', source: 'fqdn' });
    });

    it('T37: toServices is dropped without a Service inventory (never a port wildcard)', () => {
      const c = convert(cnp('svc', 'egress:\n- toServices: [{k8sService: {serviceName: db, namespace: prod}}]\n  toPorts: [{ports: [{port: "5432", protocol: TCP}]}]'));
      expect(onlyPolicyOf(c, 'svc').spec.egress).to.equal(undefined);
      expect(nativeAllows(c.policies, 'egress', web, external, { port: 5432 })).to.equal(false);
      expectFinding(c, { code: 'cilium/to-services', effect: 'narrower', source: 'svc' });
    });

    it('T38: fromNodes / toNodes are dropped without node addresses', () => {
      const c = convert(cnp('nodes', 'egress:\n- toNodes: [{matchLabels: {role: infra}}]'));
      expect(onlyPolicyOf(c, 'nodes').spec.egress).to.equal(undefined);
      expectFinding(c, { code: 'cilium/nodes', effect: 'narrower', source: 'nodes' });
    });
  });

  describe('§11.5 ports and protocols', () => {
    const ports = cnp(
      'ports',
      yaml`
        ingress:
        - fromEndpoints: [{matchLabels: {r: "1"}}]
          toPorts: [{ports: [{port: "53"}]}]
        - fromEndpoints: [{matchLabels: {r: "2"}}]
          toPorts: [{ports: [{port: "53", protocol: ANY}]}]
        - fromEndpoints: [{matchLabels: {r: "3"}}]
          toPorts: [{ports: [{port: "0", protocol: TCP}]}]
        - fromEndpoints: [{matchLabels: {r: "4"}}]
          toPorts: [{ports: [{port: "8080", endPort: 8000, protocol: TCP}]}]
        - fromEndpoints: [{matchLabels: {r: "5"}}]
          toPorts: [{ports: [{port: "0", endPort: 100, protocol: UDP}]}]
        - fromEndpoints: [{matchLabels: {r: "6"}}]
          toPorts: [{ports: [{port: "HTTP", endPort: 100, protocol: TCP}]}]
        - fromEndpoints: [{matchLabels: {r: "7"}}]
          toPorts: [{ports: [{port: "9000", endPort: 9100, protocol: UDP}]}]
      `,
    );
    function portsOf(r: string): unknown {
      const c = convert(ports);
      const rule = rulesOf(onlyPolicyOf(c, 'ports'), 'ingress').find((x) => JSON.stringify(x.from).includes(`"r":"${r}"`));
      return rule?.ports;
    }

    it('T39: protocol omitted or ANY is TCP, UDP and SCTP (not TCP only)', () => {
      const three = [{ protocol: 'TCP', port: 53 }, { protocol: 'UDP', port: 53 }, { protocol: 'SCTP', port: 53 }];
      expect(portsOf('1')).to.deep.equal(three);
      expect(portsOf('2')).to.deep.equal(three);
    });

    it('T40: port "0" is every port of the protocol (port omitted, never port: 0)', () => {
      expect(portsOf('3')).to.deep.equal([{ protocol: 'TCP' }]);
    });

    it('T41: endPort <= port, port 0 with endPort, endPort with a name are normalised as Cilium reads them', () => {
      expect(portsOf('4')).to.deep.equal([{ protocol: 'TCP', port: 8080 }]);
      expect(portsOf('5')).to.deep.equal([{ protocol: 'UDP' }]);
      expect(portsOf('6')).to.deep.equal([{ protocol: 'TCP', port: 'http' }]);
      expect(portsOf('7')).to.deep.equal([{ protocol: 'UDP', port: 9000, endPort: 9100 }]);
    });

    it('T42: named ports are lower-cased', () => {
      expect(portsOf('6')).to.deep.equal([{ protocol: 'TCP', port: 'http' }]);
    });

    it('T42: a port string that is neither an IANA name (<= 15 chars) nor a number makes the object invalid in Cilium', () => {
      // Cilium: iana.IsSvcName (len <= 15) fails, strconv.ParseUint fails -> Sanitize error -> object not enforced.
      const c = convert(cnp('long-name', 'ingress:\n- fromEndpoints: [{matchLabels: {role: fe}}]\n  toPorts: [{ports: [{port: "a-very-long-port-name", protocol: TCP}]}]'));
      expect(c.policies).to.deep.equal([]);
      expectFinding(c, { code: 'cilium/invalid', source: 'long-name' });
      expectNoFinding(c, { code: 'output/invalid' });
    });

    it('T40/T42 (related): Cilium parses numeric port strings with base prefix (strconv.ParseUint(port, 0, 16))', () => {
      // "080" is an invalid octal literal for Cilium (object rejected); "0443" is octal 291, not 443.
      const bad = convert(cnp('octal-bad', 'ingress:\n- toPorts: [{ports: [{port: "080", protocol: TCP}]}]'));
      expect(bad.policies, '"080" is not port 80 for Cilium').to.deep.equal([]);
      expectFinding(bad, { code: 'cilium/invalid', source: 'octal-bad' });
      const oct = convert(cnp('octal', 'ingress:\n- toPorts: [{ports: [{port: "0443", protocol: TCP}]}]'));
      expect(nativeAllows(oct.policies, 'ingress', web, external, { port: 443 }), 'port 443 was not allowed by Cilium').to.equal(false);
    });

    it('T43: icmps are dropped (a port-less native rule would allow every protocol)', () => {
      const c = convert(cnp('icmp', 'ingress:\n- fromEndpoints: [{matchLabels: {role: fe}}]\n  icmps: [{fields: [{type: 8, family: IPv4}]}]'));
      expect(onlyPolicyOf(c, 'icmp').spec.ingress).to.equal(undefined);
      expect(nativeAllows(c.policies, 'ingress', web, fe, { port: 22 })).to.equal(false);
      expectFinding(c, { code: 'cilium/icmps', effect: 'narrower', source: 'icmp' });
    });

    it('T44: extended protocols (VRRP, GRE, ...) are dropped', () => {
      const c = convert(cnp('vrrp', 'ingress:\n- fromEndpoints: [{matchLabels: {role: fe}}]\n  toPorts: [{ports: [{port: "0", protocol: VRRP}]}]'));
      expect(onlyPolicyOf(c, 'vrrp').spec.ingress).to.equal(undefined);
      expectFinding(c, { code: 'cilium/extended-protocol', effect: 'narrower', source: 'vrrp' });
    });

    it('T45: toServices target ports are never emitted as service ports or as a port wildcard', () => {
      const c = convert(cnp('svc-ports', 'egress:\n- toServices: [{k8sServiceSelector: {selector: {matchLabels: {app: db}}}}]\n  toPorts: [{ports: [{port: "5432", protocol: TCP}]}]'));
      const p = onlyPolicyOf(c, 'svc-ports');
      expect(rulesOf(p, 'egress').some((r) => (r.ports ?? []).length > 0 && !peersOfRule(r, 'egress'))).to.equal(false);
      expectFinding(c, { code: 'cilium/to-services', source: 'svc-ports' });
    });
  });

  describe('§11.6 L7, TLS, auth, deny', () => {
    it('T46: L7 rules drop the port allow unless they cannot deny (matchPattern "*") or are shadowed', () => {
      const c = convert(
        cnp(
          'l7',
          yaml`
            ingress:
            - fromEndpoints: [{matchLabels: {role: fe}}]
              toPorts: [{ports: [{port: "80", protocol: TCP}], rules: {http: [{method: GET, path: /api}]}}]
            - fromEndpoints: [{matchLabels: {role: be}}]
              toPorts: [{ports: [{port: "80", protocol: TCP}], rules: {http: [{method: GET}]}}]
            - fromEndpoints: [{matchLabels: {role: be}}]
              toPorts: [{ports: [{port: "80", protocol: TCP}]}]
            egress:
            - toEndpoints: [{matchLabels: {k8s-app: kube-dns, "k8s:io.kubernetes.pod.namespace": kube-system}}]
              toPorts: [{ports: [{port: "53", protocol: UDP}], rules: {dns: [{matchPattern: "*"}]}}]
          `,
        ),
      );
      const be = pod('prod', { role: 'be' });
      expect(nativeAllows(c.policies, 'ingress', web, fe, { port: 80 }), 'fe GET /api only: the L4 allow would be wider').to.equal(false);
      expect(nativeAllows(c.policies, 'ingress', web, be, { port: 80 }), 'be is shadowed by an L4-only allow').to.equal(true);
      expect(nativeAllows(c.policies, 'egress', web, pod('kube-system', { 'k8s-app': 'kube-dns' }), { protocol: 'UDP', port: 53 }), 'DNS "*" is exact at L4').to.equal(true);
      expectFinding(c, { code: 'cilium/l7', effect: 'narrower', source: 'l7', pointer: '/spec/ingress/0' });
      const w = convert(cnp('l7w', 'ingress:\n- fromEndpoints: [{matchLabels: {role: fe}}]\n  toPorts: [{ports: [{port: "80", protocol: TCP}], rules: {http: [{method: GET}]}}]'), { onUnsupported: 'widen' });
      expect(nativeAllows(w.policies, 'ingress', web, fe, { port: 80 })).to.equal(true);
      expectFinding(w, { code: 'output/widened', effect: 'wider', source: 'l7w' });
    });

    it('T47: TLS / SNI / listener settings drop the port allow', () => {
      const c = convert(cnp('tls', 'egress:\n- toEndpoints: [{}]\n  toPorts: [{ports: [{port: "443", protocol: TCP}], serverNames: [api.example.com]}]'));
      expect(onlyPolicyOf(c, 'tls').spec.egress).to.equal(undefined);
      expectFinding(c, { code: 'cilium/tls', effect: 'narrower', source: 'tls' });
    });

    it('T48: authentication-required allows are dropped; mode disabled is a plain allow', () => {
      const c = convert(
        cnp(
          'auth',
          yaml`
            ingress:
            - fromEndpoints: [{matchLabels: {role: fe}}]
              authentication: {mode: required}
            - fromEndpoints: [{matchLabels: {role: be}}]
              authentication: {mode: disabled}
          `,
        ),
      );
      expect(onlyPolicyOf(c, 'auth').spec.ingress).to.deep.equal([{ from: [{ podSelector: { matchLabels: { role: 'be' } } }] }]);
      expectFinding(c, { code: 'cilium/authentication', effect: 'narrower', source: 'auth' });
    });

    it('T49: deny beats every allow: compiled as a subtraction, disjoint allows kept, shadowed native reported', () => {
      const c = convert(
        cnp('deny-cidr', 'ingressDeny:\n- fromCIDR: [198.51.100.7/32]\ningress:\n- fromEntities: [all]') +
          '---\n' +
          cnp('deny-bad', 'ingressDeny:\n- fromEndpoints: [{matchLabels: {role: bad}}]\ningress:\n- fromCIDR: [203.0.113.0/24]\n- fromEndpoints: [{matchLabels: {role: fe}}]', '{matchLabels: {app: api}}') +
          yaml`
            ---
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: native-allow, namespace: prod}
            spec:
              podSelector: {matchLabels: {app: api}}
              policyTypes: [Ingress]
              ingress:
              - {}
          `,
      );
      const p = onlyPolicyOf(c, 'deny-cidr');
      expect(rulesOf(p, 'ingress').some((r) => isAllowAll(r, 'ingress')), 'naive: the allow-all kept').to.equal(false);
      expect(nativeAllows(c.policies, 'ingress', web, { ip: '198.51.100.7' })).to.equal(false);
      // Compiled: everything but the denied address, which an ipBlock except carries.
      expect(nativeAllows(c.policies, 'ingress', web, { ip: '8.8.8.8' })).to.equal(true);
      expect(nativeAllows(c.policies, 'ingress', web, fe)).to.equal(true);
      expectFinding(c, { code: 'output/compiled', source: 'deny-cidr' });
      // Cilium CIDR/world identities never match pods: a pod deny does not overlap a CIDR allow.
      const api = pod('prod', { app: 'api' });
      expect(nativeAllows(c.policies, 'ingress', api, { ip: '203.0.113.9' })).to.equal(true);
      expectFinding(c, { code: 'cilium/deny-shadows-native', severity: 'error', effect: 'wider', source: 'native-allow' });
    });

    it('T50: a deny of host traffic cannot be carried (native engines always admit the node): reported as wider', () => {
      const c = convert(cnp('deny-host', 'ingressDeny:\n- fromEntities: [host]\ningress:\n- fromEndpoints: [{}]'));
      const s = source(c, 'deny-host');
      const why = `node -> pod is allowed after migration but the report says verdict ${s.verdict}; findings:\n${s.findings.map(describeFinding).join('\n')}`;
      expect(s.findings.filter((f) => f.pointer.startsWith('/spec/ingressDeny/0') && (f.effect === 'wider' || f.effect === 'unknown')).length, why).to.be.greaterThan(0);
      expect(s.verdict, why).to.not.equal('narrower');
    });
  });
});
