/**
 * vpc-cni-target.md: the bug list B1–B3 (§3) and the translator rules of thumb (§6), each with a test that the naive
 * translation (or a translator that ignores the target engine) would fail.
 */
import { expect } from 'chai';
import {
  convert,
  describeFinding,
  expectFinding,
  expectNoFinding,
  isolates,
  nativeAllows,
  nativeInvariantViolations,
  onlyPolicyOf,
  peersOfRule,
  pod,
  rulesOf,
  source,
  yaml,
} from '../helpers/traps.js';

const web = pod('prod', { app: 'web' }, { ip: '10.0.0.10' });

/** Inputs whose naive translation would list rules for a direction that is not isolated, or omit policyTypes. */
const DIRECTION_CORPUS = yaml`
  apiVersion: projectcalico.org/v3
  kind: NetworkPolicy
  metadata: {name: calico-ingress-typed, namespace: prod}
  spec:
    selector: app == 'web'
    types: [Ingress]
    ingress:
    - action: Allow
    egress:
    - action: Allow
      protocol: TCP
      destination: {ports: [5432]}
  ---
  apiVersion: projectcalico.org/v3
  kind: NetworkPolicy
  metadata: {name: calico-egress-only, namespace: prod}
  spec:
    selector: app == 'api'
    egress:
    - action: Allow
  ---
  apiVersion: projectcalico.org/v3
  kind: NetworkPolicy
  metadata: {name: calico-egress-typed, namespace: prod}
  spec:
    selector: app == 'db'
    types: [Egress]
    ingress:
    - action: Allow
  ---
  apiVersion: cilium.io/v2
  kind: CiliumNetworkPolicy
  metadata: {name: cilium-ingress-only, namespace: prod}
  spec:
    endpointSelector: {matchLabels: {app: cache}}
    ingress:
    - fromEndpoints: [{}]
  ---
  apiVersion: cilium.io/v2
  kind: CiliumNetworkPolicy
  metadata: {name: cilium-egress-deny-all, namespace: prod}
  spec:
    endpointSelector: {matchLabels: {app: batch}}
    egress: [{}]
`;

describe('traps: VPC CNI target (vpc-cni-target §3, §6)', () => {
  describe('§3 bug list', () => {
    it('B1: never emit rules for a direction missing from policyTypes (the engine would enforce them)', () => {
      const c = convert(DIRECTION_CORPUS);
      expect(c.policies.length).to.equal(5);
      for (const p of c.policies) {
        expect(nativeInvariantViolations(p), `${p.metadata.name}`).to.deep.equal([]);
        if (!isolates(p, 'egress')) expect(p.spec.egress, `${p.metadata.name} has egress rules but no Egress type`).to.equal(undefined);
        if (!isolates(p, 'ingress')) expect(p.spec.ingress, `${p.metadata.name} has ingress rules but no Ingress type`).to.equal(undefined);
      }
      expect(onlyPolicyOf(c, 'calico-ingress-typed').spec.policyTypes).to.deep.equal(['Ingress']);
      expect(onlyPolicyOf(c, 'calico-egress-typed').spec.policyTypes).to.deep.equal(['Egress']);
      expect(onlyPolicyOf(c, 'cilium-ingress-only').spec.policyTypes).to.deep.equal(['Ingress']);
      // On VPC CNI the ignored Calico egress rule would restrict egress to 5432 only.
      expect(nativeAllows(c.policies, 'egress', web, { ip: '1.1.1.1' }, { port: 443 })).to.equal(true);
    });

    it('B2: an egress named port without a pod peer (no `to`, or ipBlock peers) is flagged: the engine drops it', () => {
      const c = convert(yaml`
        apiVersion: projectcalico.org/v3
        kind: NetworkPolicy
        metadata: {name: named-egress, namespace: prod}
        spec:
          selector: app == 'web'
          types: [Egress]
          egress:
          - action: Allow
            protocol: TCP
            destination: {ports: [http, 8443]}
          - action: Allow
            protocol: TCP
            destination: {nets: [10.50.0.0/16], ports: [metrics]}
          - action: Allow
            protocol: TCP
            destination: {selector: app == 'db', ports: [postgres]}
        ---
        apiVersion: cilium.io/v2
        kind: CiliumNetworkPolicy
        metadata: {name: cilium-named-egress, namespace: prod}
        spec:
          endpointSelector: {matchLabels: {app: web}}
          egress:
          - toPorts: [{ports: [{port: "http", protocol: TCP}]}]
          - toEndpoints: [{matchLabels: {app: db}}]
            toPorts: [{ports: [{port: "postgres", protocol: TCP}]}]
      `);
      expectFinding(c, { code: 'vpc-cni/egress-named-port', severity: 'warning', effect: 'narrower', source: 'named-egress', pointer: '/spec/egress/0' });
      expectFinding(c, { code: 'vpc-cni/egress-named-port', source: 'named-egress', pointer: '/spec/egress/1' });
      expectNoFinding(c, { code: 'vpc-cni/egress-named-port', source: 'named-egress', pointer: '/spec/egress/2' });
      expectFinding(c, { code: 'vpc-cni/egress-named-port', source: 'cilium-named-egress', pointer: '/spec/egress/0' });
      expectNoFinding(c, { code: 'vpc-cni/egress-named-port', source: 'cilium-named-egress', pointer: '/spec/egress/1' });
      // The numeric port of a mixed list is still emitted (the engine keeps it).
      const p = onlyPolicyOf(c, 'named-egress');
      expect(rulesOf(p, 'egress')[0]!.ports).to.deep.include({ protocol: 'TCP', port: 8443 });
    });

    it('B3: an ipBlock.except that overlaps another allow of the same pods is flagged (classic: RFC1918 except + DNS)', () => {
      const c = convert(yaml`
        apiVersion: projectcalico.org/v3
        kind: NetworkPolicy
        metadata: {name: internet-and-dns, namespace: prod}
        spec:
          selector: app == 'web'
          types: [Egress]
          egress:
          - action: Allow
            destination: {nets: [0.0.0.0/0], notNets: [10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16]}
          - action: Allow
            protocol: UDP
            destination: {ports: [53]}
      `);
      const p = onlyPolicyOf(c, 'internet-and-dns');
      expect(p.spec.egress![0]).to.deep.equal({ to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'] } }] });
      // Upstream semantics: DNS to 10.96.0.10 is allowed by rule 2. On VPC CNI the except keys deny 10/8 outright.
      expect(nativeAllows(c.policies, 'egress', web, { ip: '10.96.0.10' }, { protocol: 'UDP', port: 53 })).to.equal(true);
      expectFinding(c, { code: 'vpc-cni/except-overlap', severity: 'warning', effect: 'narrower', source: 'internet-and-dns' });
    });
  });

  describe('§6 rules of thumb', () => {
    it('§6.1: policyTypes is always explicit, and only listed directions carry rules', () => {
      const c = convert(DIRECTION_CORPUS);
      for (const p of c.policies) expect(p.spec.policyTypes.length, p.metadata.name).to.be.greaterThan(0);
      // Calico egress-only (types defaulted to [Egress]) must not come out as the native default [Ingress, Egress].
      expect(onlyPolicyOf(c, 'calico-egress-only').spec.policyTypes).to.deep.equal(['Egress']);
      // Cilium egress: [{}] must not be written without policyTypes (native would default to [Ingress]).
      expect(onlyPolicyOf(c, 'cilium-egress-deny-all').spec).to.deep.equal({ podSelector: { matchLabels: { app: 'batch' } }, policyTypes: ['Egress'] });
    });

    it('§6.2: ingress named ports are resolved across all selected pods by the engine: flagged when kept as names', () => {
      // The controller resolves an ingress name against every selected pod and opens every resulting number on
      // every pod: two pods mapping "metrics" to 9090 and 9100 both get 9090 and 9100 (wider). Without a pod
      // inventory the name cannot be checked, so the output must say so.
      const c = convert(yaml`
        apiVersion: projectcalico.org/v3
        kind: NetworkPolicy
        metadata: {name: ingress-named, namespace: prod}
        spec:
          selector: app == 'web'
          types: [Ingress]
          ingress:
          - action: Allow
            protocol: TCP
            destination: {ports: [metrics]}
      `);
      const p = onlyPolicyOf(c, 'ingress-named');
      const named = rulesOf(p, 'ingress').some((r) => (r.ports ?? []).some((x) => typeof x.port === 'string'));
      if (named) {
        const s = source(c, 'ingress-named');
        expect(s.findings.filter((f) => f.pointer.startsWith('/spec/ingress/0') && f.effect !== 'none').length, `named ingress port kept without a warning; findings:\n${s.findings.map(describeFinding).join('\n')}`).to.be.greaterThan(0);
      }
    });

    it('§6.3: in-cluster destinations stay pod/namespace selectors (DNS as kube-system + k8s-app: kube-dns); ipBlock only for CIDRs', () => {
      const c = convert(yaml`
        apiVersion: cilium.io/v2
        kind: CiliumNetworkPolicy
        metadata: {name: dns, namespace: prod}
        spec:
          endpointSelector: {matchLabels: {app: web}}
          egress:
          - toEndpoints: [{matchLabels: {k8s-app: kube-dns, "k8s:io.kubernetes.pod.namespace": kube-system}}]
            toPorts: [{ports: [{port: "53", protocol: UDP}, {port: "53", protocol: TCP}]}]
        ---
        apiVersion: projectcalico.org/v3
        kind: NetworkPolicy
        metadata: {name: to-db, namespace: prod}
        spec:
          selector: app == 'api'
          types: [Egress]
          egress:
          - action: Allow
            protocol: TCP
            destination: {selector: app == 'db', ports: [5432]}
      `);
      expect(onlyPolicyOf(c, 'dns').spec.egress).to.deep.equal([
        {
          to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
          ports: [{ protocol: 'TCP', port: 53 }, { protocol: 'UDP', port: 53 }],
        },
      ]);
      expect(onlyPolicyOf(c, 'to-db').spec.egress).to.deep.equal([{ to: [{ podSelector: { matchLabels: { app: 'db' } } }], ports: [{ protocol: 'TCP', port: 5432 }] }]);
    });

    it('§6.4: an except in one policy that overlaps what another policy allows the same pods is flagged', () => {
      const c = convert(yaml`
        apiVersion: projectcalico.org/v3
        kind: NetworkPolicy
        metadata: {name: internet, namespace: prod}
        spec:
          selector: app == 'web'
          types: [Egress]
          egress:
          - action: Allow
            destination: {nets: [0.0.0.0/0], notNets: [10.0.0.0/8]}
        ---
        apiVersion: projectcalico.org/v3
        kind: NetworkPolicy
        metadata: {name: internal-api, namespace: prod}
        spec:
          selector: app == 'web'
          types: [Egress]
          egress:
          - action: Allow
            protocol: TCP
            destination: {nets: [10.20.0.0/16], ports: [443]}
      `);
      expect(nativeAllows(c.policies, 'egress', web, { ip: '10.20.1.1' }, { port: 443 }), 'allowed by the union upstream').to.equal(true);
      expectFinding(c, { code: 'vpc-cni/except-overlap', source: 'internet' });
    });

    it('§6.5: ports are merged into ranges, and more than 24 entries for one peer are flagged (also across rules)', () => {
      const c = convert(yaml`
        apiVersion: projectcalico.org/v3
        kind: NetworkPolicy
        metadata: {name: merged, namespace: prod}
        spec:
          selector: app == 'web'
          types: [Ingress]
          ingress:
          - action: Allow
            protocol: TCP
            destination: {ports: ['8000:8010', 8011, 8012, 8013, 8014, 8015, 8016, 8017, 8018, 8019, 8020, 8021, 8022, 8023, 8024, 8025, 8026, 8027, 8028, 8029, 8030]}
        ---
        apiVersion: projectcalico.org/v3
        kind: NetworkPolicy
        metadata: {name: many, namespace: prod}
        spec:
          selector: app == 'p'
          types: [Ingress]
          ingress:
          - action: Allow
            protocol: TCP
            destination: {ports: [1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31, 33, 35, 37, 39, 41, 43, 45, 47, 49]}
        ---
        apiVersion: projectcalico.org/v3
        kind: NetworkPolicy
        metadata: {name: split, namespace: prod}
        spec:
          selector: app == 'q'
          types: [Ingress]
          ingress:
          - action: Allow
            protocol: TCP
            source: {nets: [203.0.113.0/24]}
            destination: {ports: [1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25]}
          - action: Allow
            protocol: UDP
            source: {nets: [203.0.113.0/24]}
            destination: {ports: [1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25]}
      `);
      expect(onlyPolicyOf(c, 'merged').spec.ingress).to.deep.equal([{ ports: [{ protocol: 'TCP', port: 8000, endPort: 8030 }] }]);
      expectNoFinding(c, { code: 'vpc-cni/port-limit', source: 'merged' });
      expectFinding(c, { code: 'vpc-cni/port-limit', severity: 'warning', source: 'many' });
      // 26 (protocol, port) entries for the one CIDR key 203.0.113.0/24 of the same pods.
      expectFinding(c, { code: 'vpc-cni/port-limit', source: 'split' });
    });

    it('§6.6: DNS allows of the source are kept exactly; none is invented (fail-closed beats "always add DNS")', () => {
      const c = convert(yaml`
        apiVersion: cilium.io/v2
        kind: CiliumNetworkPolicy
        metadata: {name: dns-proxy, namespace: prod}
        spec:
          endpointSelector: {matchLabels: {app: web}}
          egress:
          - toEndpoints: [{matchLabels: {k8s-app: kube-dns, "k8s:io.kubernetes.pod.namespace": kube-system}}]
            toPorts: [{ports: [{port: "53", protocol: ANY}], rules: {dns: [{matchPattern: "*"}]}}]
        ---
        apiVersion: projectcalico.org/v3
        kind: NetworkPolicy
        metadata: {name: no-dns, namespace: prod}
        spec:
          selector: app == 'batch'
          types: [Egress]
          egress:
          - action: Allow
            protocol: TCP
            destination: {nets: [203.0.113.0/24], ports: [443]}
      `);
      const kubeDns = pod('kube-system', { 'k8s-app': 'kube-dns' });
      expect(nativeAllows(c.policies, 'egress', web, kubeDns, { protocol: 'UDP', port: 53 }), 'naive "drop every L7 rule" breaks DNS').to.equal(true);
      expect(nativeAllows(c.policies, 'egress', web, kubeDns, { protocol: 'TCP', port: 53 })).to.equal(true);
      const batch = pod('prod', { app: 'batch' });
      expect(nativeAllows(c.policies, 'egress', batch, kubeDns, { protocol: 'UDP', port: 53 }), 'the source never allowed DNS').to.equal(false);
    });

    it('§6.7: deny, ordering, host-endpoint, L7 and FQDN constructs never turn into allows', () => {
      const c = convert(
        yaml`
          apiVersion: projectcalico.org/v3
          kind: NetworkPolicy
          metadata: {name: calico-deny, namespace: prod}
          spec:
            selector: app == 'web'
            types: [Ingress]
            ingress:
            - action: Deny
              source: {nets: [203.0.113.0/24]}
            - action: Allow
          ---
          apiVersion: cilium.io/v2
          kind: CiliumNetworkPolicy
          metadata: {name: cilium-l7-fqdn, namespace: prod}
          spec:
            endpointSelector: {matchLabels: {app: web}}
            egress:
            - toFQDNs: [{matchPattern: "*.example.com"}]
            - toEndpoints: [{}]
              toPorts: [{ports: [{port: "80", protocol: TCP}], rules: {http: [{method: GET}]}}]
          ---
          apiVersion: cilium.io/v2
          kind: CiliumClusterwideNetworkPolicy
          metadata: {name: host-fw}
          spec:
            nodeSelector: {}
            ingress: [{}]
        `,
        { namespaces: ['prod'] },
      );
      expect(nativeAllows(c.policies, 'ingress', web, { ip: '203.0.113.5' })).to.equal(false);
      expect(nativeAllows(c.policies, 'egress', web, { ip: '93.184.216.34' }, { port: 443 })).to.equal(false);
      expect(nativeAllows(c.policies, 'egress', web, pod('prod', {}), { port: 80 })).to.equal(false);
      expect(nativeAllows(c.policies, 'ingress', web, { ip: '198.51.100.5' }), 'the rest of the Allow is compiled').to.equal(true);
      for (const code of ['output/not-expressible', 'cilium/to-fqdns', 'cilium/l7']) expectFinding(c, { code, effect: 'narrower' });
      expectFinding(c, { code: 'cilium/node-selector', source: 'host-fw' });
      for (const p of c.policies) for (const d of ['ingress', 'egress'] as const) for (const r of rulesOf(p, d)) expect(peersOfRule(r, d) ?? r.ports, `${p.metadata.name} ${d}`).to.not.equal(undefined);
    });

    it('§6.8 / B8: targeting one StatefulSet replica by pod name is flagged (replicas share maps on a node)', () => {
      const c = convert(yaml`
        apiVersion: projectcalico.org/v3
        kind: NetworkPolicy
        metadata: {name: only-db-0, namespace: prod}
        spec:
          selector: statefulset.kubernetes.io/pod-name == 'db-0'
          types: [Ingress]
          ingress:
          - action: Allow
            source: {selector: role == 'admin'}
      `);
      const p = onlyPolicyOf(c, 'only-db-0');
      expect(p.spec.podSelector).to.deep.equal({ matchLabels: { 'statefulset.kubernetes.io/pod-name': 'db-0' } });
      // Exact upstream, but on VPC CNI db-1 on the same node shares db-0's maps (pod identifier = name minus the
      // last "-segment"): the policy leaks to db-1. The output must warn.
      const s = source(c, 'only-db-0');
      expect(s.findings.filter((f) => f.effect !== 'none' || f.severity !== 'info').length, `no B8 warning; findings:\n${s.findings.map(describeFinding).join('\n')}`).to.be.greaterThan(0);
    });
  });
});
