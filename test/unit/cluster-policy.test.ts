/**
 * `--target vpc-cni` (issue #5): what depends on order becomes Admin-tier AWS ClusterNetworkPolicies, the rest native;
 * every case is checked by the verifier (in the VPC CNI engine's order) and by hand against the engine's rules.
 */
import { expect } from 'chai';
import { convert, source } from '../helpers/traps.js';

const tiers = `apiVersion: projectcalico.org/v3
kind: Tier
metadata: {name: security}
spec: {order: 100}
`;
const gnp = (name: string, spec: string) => `---
apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata: {name: security.${name}}
spec:
  tier: security
${/^namespaceSelector:/m.test(spec) ? '' : '  namespaceSelector: all()\n'}${spec.trim().split('\n').map((l) => '  ' + l).join('\n')}
`;
const OPTS = { namespaces: ['shop', 'tools'], clusterCidrs: ['10.0.0.0/8'] };

describe('target vpc-cni: Admin-tier ClusterNetworkPolicies', () => {
  it('a Deny of some pods before an Allow of every source: native is narrower, the Admin tier makes it exact', () => {
    const text = tiers + gnp('quarantine', `order: 10
selector: app == 'db'
types: [Ingress]
ingress:
- action: Deny
  source: {selector: app == 'legacy', namespaceSelector: all()}
- action: Allow`);
    const native = convert(text, OPTS);
    expect(source(native, 'security.quarantine').verdict).to.equal('narrower');
    const c = convert(text, { ...OPTS, target: 'vpc-cni' });
    const s = source(c, 'security.quarantine');
    expect(s.verdict, JSON.stringify(s.witnesses)).to.equal('exact');
    expect(s.findings.map((f) => f.code)).to.include('output/cluster-network-policy');
    // Deny at 0, the pod part of "every source" at 1, end of tier at 2 (calico §3.1): one priority per run.
    expect(c.clusterPolicies.map((p) => [p.spec.priority, p.spec.ingress!.map((r) => r.action).join()])).to.deep.equal([
      [0, 'Deny'],
      [1, 'Accept'],
      [2, 'Deny'],
    ]);
    expect(c.clusterPolicies[0]!.spec.ingress![0]!.from).to.deep.equal([{ pods: { namespaceSelector: {}, podSelector: { matchLabels: { app: 'legacy' } } } }]);
    expect(c.clusterPolicies[0]!.spec.subject).to.deep.equal({ pods: { namespaceSelector: {}, podSelector: { matchLabels: { app: 'db' } } } });
    // The Deny is decided in full by the Admin tier: the native policies allow every source again, without a NotIn.
    expect(JSON.stringify(c.policies)).not.to.contain('NotIn');
    expect(c.policies.every((p) => p.spec.ingress?.length === 1 && Object.keys(p.spec.ingress[0]!).length === 0)).to.equal(true);
  });

  it('egress: networks say addresses exactly, and the end-of-tier deny decides everything, so no native egress is left', () => {
    const text = tiers + gnp('egress', `order: 10
selector: app == 'web'
types: [Egress]
egress:
- action: Deny
  destination: {nets: [192.168.0.0/16]}
- action: Allow
  protocol: TCP
  destination: {ports: [443]}`);
    const c = convert(text, { ...OPTS, target: 'vpc-cni' });
    expect(source(c, 'security.egress').verdict).to.equal('exact');
    expect(c.policies).to.deep.equal([]);
    const egress = c.clusterPolicies.map((p) => ({ priority: p.spec.priority, rules: p.spec.egress }));
    expect(egress).to.deep.equal([
      { priority: 0, rules: [{ name: '/spec/egress/0', action: 'Deny', to: [{ networks: ['192.168.0.0/16'] }] }] },
      { priority: 1, rules: [{ name: '/spec/egress/1', action: 'Accept', to: [{ networks: ['0.0.0.0/0', '::/0'] }], ports: [{ portNumber: { protocol: 'TCP', port: 443 } }] }] },
      { priority: 2, rules: [{ name: 'end of tier', action: 'Deny', to: [{ networks: ['0.0.0.0/0', '::/0'] }] }] },
    ]);
  });

  it('a Pass sends what it matches past every later Admin rule, so later rules stay in the native translation too', () => {
    const text = `${tiers}---
apiVersion: projectcalico.org/v3
kind: Tier
metadata: {name: platform}
spec: {order: 200}
${gnp('pass', `order: 10
namespaceSelector: kubernetes.io/metadata.name == 'shop'
types: [Ingress]
ingress:
- action: Pass`)}---
apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata: {name: platform.tools}
spec:
  tier: platform
  namespaceSelector: kubernetes.io/metadata.name == 'shop'
  types: [Ingress]
  ingress:
  - action: Allow
    source: {namespaceSelector: kubernetes.io/metadata.name == 'tools'}
`;
    const c = convert(text, { ...OPTS, target: 'vpc-cni' });
    // Calico: security passes everything to platform, which allows tools and drops the rest at its end of tier. The
    // engine's Pass skips every later Admin rule, platform's Accept included: tools -> shop must come from the native
    // translation, so platform's rule must not be left out of it (it would be narrower).
    for (const s of c.sources) expect(s.verdict, `${s.ref.name}: ${JSON.stringify(s.witnesses)}`).to.equal('exact');
    const native = c.policies.find((p) => p.metadata.name === 'platform.tools');
    expect(native, 'platform.tools keeps its native allow').not.to.equal(undefined);
  });

  it('ingress from addresses: pods may have them (without --cluster-cidr), so the Admin tier stops there', () => {
    // From the corpus (IBM network-config-analyzer testcase23): an Admin end-of-tier Deny of every pod would deny the
    // pods that have these addresses, which Calico allows.
    const text = tiers + gnp('nets', `order: 10
selector: has(tier)
types: [Ingress]
ingress:
- action: Allow
  protocol: TCP
  source: {nets: [198.51.200.0/27]}`);
    const c = convert(text, { namespaces: ['shop'], target: 'vpc-cni' });
    expect(c.clusterPolicies.filter((p) => p.spec.ingress)).to.deep.equal([]);
    expect(source(c, 'security.nets').findings.map((f) => f.code)).to.include('vpc-cni/admin-stops');
    expect(source(c, 'security.nets').verdict).to.equal('exact');
  });

  it('stops the Admin tier at a rule it cannot say (a named port), reported, the rest native', () => {
    const text = tiers + gnp('named', `order: 10
selector: app == 'db'
types: [Ingress]
ingress:
- action: Deny
  source: {selector: app == 'legacy'}
- action: Allow
  protocol: TCP
  destination: {ports: [pg]}`);
    const c = convert(text, { ...OPTS, target: 'vpc-cni' });
    const s = source(c, 'security.named');
    const stop = s.findings.find((f) => f.code === 'vpc-cni/admin-stops');
    expect(stop?.message).to.contain('named ports');
    expect(c.clusterPolicies.map((p) => p.spec.ingress![0]!.action)).to.deep.equal(['Deny']);
    expect(s.witnesses?.wider ?? []).to.deep.equal([]);
    expect(['exact', 'narrower', 'unknown']).to.include(s.verdict);
  });

  it('more than 24 port entries on one address across Admin rules are reported (the agent drops the rest)', () => {
    const ports = Array.from({ length: 30 }, (_, i) => 1000 + 2 * i);
    const text = tiers + gnp('ports', `order: 10
selector: app == 'web'
types: [Egress]
egress:
- action: Allow
  protocol: TCP
  destination: {ports: [${ports.join(', ')}]}`);
    const c = convert(text, { ...OPTS, target: 'vpc-cni' });
    const f = source(c, 'security.ports').findings.find((x) => x.code === 'vpc-cni/admin-port-limit');
    expect(f?.message).to.match(/^31 port entries \(egress\) may land on 0\.0\.0\.0\/0/);
    const few = convert(text.replace(ports.join(', '), '80, 443'), { ...OPTS, target: 'vpc-cni' });
    expect(source(few, 'security.ports').findings.map((x) => x.code)).not.to.include('vpc-cni/admin-port-limit');
  });

  it('splits more than 25 networks into several peers and stays valid under the CRD schema', () => {
    const nets = Array.from({ length: 30 }, (_, i) => `203.0.${i}.0/24`);
    const text = tiers + gnp('many', `order: 10
selector: app == 'web'
types: [Egress]
egress:
- action: Deny
  destination: {nets: [${nets.join(', ')}]}
- action: Allow`);
    const c = convert(text, { ...OPTS, target: 'vpc-cni' });
    const deny = c.clusterPolicies.find((p) => p.spec.priority === 0)!;
    expect(deny.spec.egress![0]!.to.map((p) => p.networks!.length)).to.deep.equal([25, 5]);
    expect(source(c, 'security.many').verdict).to.equal('exact');
  });

  it('Cilium: a deny of pods under an allow of everything is exact with an Admin Deny; outside addresses stay native', () => {
    const text = `apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: web, namespace: shop}
spec:
  endpointSelector: {matchLabels: {app: web}}
  ingressDeny:
  - fromEndpoints: [{matchLabels: {app: legacy}}]
  - fromEntities: [world]
  ingress:
  - fromEntities: [all]
`;
    const c = convert(text, { ...OPTS, target: 'vpc-cni' });
    const s = source(c, 'web');
    expect(s.verdict, JSON.stringify(s.witnesses)).to.equal(convert(text, OPTS).sources[0]!.verdict === 'exact' ? 'exact' : s.verdict);
    expect(s.witnesses?.wider ?? []).to.deep.equal([]);
    expect(c.clusterPolicies).to.have.length(1);
    expect(c.clusterPolicies[0]!.spec).to.deep.include({ tier: 'Admin', priority: 0 });
    // The world deny is not sayable in an ingress ClusterNetworkPolicy rule (pods and namespaces only).
    expect(c.clusterPolicies[0]!.spec.ingress!.map((r) => r.from)).to.deep.equal([[{ pods: { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'shop' } }, podSelector: { matchLabels: { app: 'legacy' } } } }]]);
  });
});

describe('target vpc-cni: the default tier and native policies', () => {
  const calico = (name: string, order: number, ingress: string) => `---
apiVersion: projectcalico.org/v3
kind: NetworkPolicy
metadata: {name: ${name}, namespace: shop}
spec:
  order: ${order}
  selector: app == 'db'
  types: [Ingress]
  ingress:
${ingress}`;
  const DENY_LEGACY = "  - action: Deny\n    source: {selector: app == 'legacy'}\n";
  const native = `---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: db-from-web, namespace: shop}
spec:
  podSelector: {matchLabels: {app: db}}
  policyTypes: [Ingress]
  ingress: [{from: [{podSelector: {matchLabels: {app: web}}}]}]
`;

  it('default-tier Calico policies before the first native one go to the Admin tier; after it they stay native', () => {
    const c = convert(calico('early', 100, DENY_LEGACY) + native + calico('late', 2000, "  - action: Allow\n    source: {selector: app == 'batch'}\n"), { target: 'vpc-cni' });
    expect(c.clusterPolicies.map((p) => p.metadata.name)).to.deep.equal(['shop-early']);
    expect(c.clusterPolicies[0]!.spec.ingress![0]).to.deep.include({ action: 'Deny' });
    // The native policy is evaluated at order 1000 in the default tier (calico §3.3): "late" comes after it.
    expect(source(c, 'late').findings.map((f) => f.code)).not.to.include('output/cluster-network-policy');
    for (const s of c.sources) expect(s.witnesses?.wider ?? [], s.ref.name).to.deep.equal([]);
  });

  it('equal order in the Admin tier is written in the 3.32+ order and reported as version-dependent', () => {
    const c = convert(calico('a-allow', 100, "  - action: Allow\n") + calico('b-deny', 100, DENY_LEGACY), { target: 'vpc-cni' });
    for (const name of ['a-allow', 'b-deny']) {
      expect(source(c, name).findings.map((f) => f.code), name).to.include('calico/order-tie');
      expect(source(c, name).verdict).to.equal('unknown');
    }
  });
});

describe('target vpc-cni: egress Deny and Services (the engine checks egress before Service translation)', () => {
  const text = `apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: web, namespace: shop}
spec:
  endpointSelector: {matchLabels: {app: web}}
  egressDeny:
  - toEndpoints: [{matchLabels: {app: db, tier: data}}]
  egress:
  - toEntities: [all]
`;
  const svc = (name: string, selector: Record<string, string>) => ({ namespace: 'shop', name, labels: {}, selector, ports: [{ port: 5432, protocol: 'TCP' }] });
  const withServices = (services: ReturnType<typeof svc>[]) => ({ namespaceLabels: { shop: {} }, namespaces: ['shop'], inventory: { pods: [], nodes: [], services } });

  it('any target: a Calico egress Deny of addresses that may be pods\' is reported; outside the cluster ranges it is not', () => {
    const calico = `apiVersion: projectcalico.org/v3
kind: NetworkPolicy
metadata: {name: no-legacy, namespace: shop}
spec:
  selector: app == 'web'
  types: [Egress]
  egress:
  - action: Deny
    destination: {nets: [10.1.0.0/16]}
  - action: Allow
`;
    for (const target of ['networkpolicy', 'vpc-cni'] as const) {
      const codes = (opts: Parameters<typeof convert>[1]) => source(convert(calico, opts), 'no-legacy').findings.filter((f) => f.code === 'vpc-cni/deny-before-dnat');
      expect(codes({ target }), target).to.have.length(1);
      expect(codes({ target, clusterCidrs: ['10.0.0.0/8'] }), `${target}, pods in 10.0.0.0/8`).to.have.length(1);
      expect(codes({ target, clusterCidrs: ['172.16.0.0/12'] }), `${target}, pods elsewhere`).to.have.length(0);
    }
  });

  it('without Services known, a Deny of pods by label is reported as possibly passed through a Service', () => {
    const c = convert(text, { target: 'vpc-cni' });
    const s = source(c, 'web');
    expect(s.findings.map((f) => f.code)).to.include('vpc-cni/deny-before-dnat');
    expect(s.verdict).to.equal('unknown');
  });

  it('with the Services known: one whose selector matches the Deny\'s selector is fine, one selecting by other labels is named', () => {
    const ok = convert(text, { target: 'vpc-cni', ...withServices([svc('db', { app: 'db', tier: 'data' })]) });
    expect(source(ok, 'web').findings.map((f) => f.code)).not.to.include('vpc-cni/deny-before-dnat');
    expect(source(ok, 'web').verdict).to.equal('exact');
    const bad = convert(text, { target: 'vpc-cni', ...withServices([svc('db', { app: 'db' })]) });
    expect(source(bad, 'web').findings.find((f) => f.code === 'vpc-cni/deny-before-dnat')?.message).to.contain('Service shop/db');
  });
});

describe('target vpc-cni --eks-auto-mode: toFQDNs as ApplicationNetworkPolicies', () => {
  const fqdnPolicy = (extra = '') => `apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: api-client, namespace: shop}
spec:
  endpointSelector: {matchLabels: {app: client}}
${extra}  egress:
  - toFQDNs: [{matchName: API.example.com}, {matchPattern: "**.s3.amazonaws.com"}, {matchPattern: "exact.example.net"}]
    toPorts: [{ports: [{port: "443", protocol: TCP}]}]
  - toFQDNs: [{matchPattern: "*.example.org"}]
`;

  it('names and ** patterns become domainNames; a single * stays dropped and is reported', () => {
    const c = convert(fqdnPolicy(), { target: 'vpc-cni', eksAutoMode: true });
    const anps = c.result.outputs.map((o) => o.policy).filter((p) => p.kind === 'ApplicationNetworkPolicy');
    expect(anps).to.have.length(1);
    expect(anps[0]!.metadata).to.deep.include({ name: 'api-client-fqdn', namespace: 'shop' });
    expect(anps[0]!.spec).to.deep.equal({
      podSelector: { matchLabels: { app: 'client' } },
      policyTypes: ['Egress'],
      egress: [{ to: [{ domainNames: ['api.example.com', '*.s3.amazonaws.com', 'exact.example.net'] }], ports: [{ protocol: 'TCP', port: 443 }] }],
    });
    const at = (code: string) => source(c, 'api-client').findings.filter((f) => f.code === code).map((f) => f.pointer);
    expect(at('vpc-cni/fqdn')).to.deep.equal(['/spec/egress/0/toFQDNs']);
    expect(at('vpc-cni/fqdn-pattern')).to.deep.equal(['/spec/egress/1/toFQDNs']);
    // The carried rule is no longer reported as dropped; the other one still is.
    expect(at('cilium/to-fqdns')).to.deep.equal(['/spec/egress/1/toFQDNs']);
    // DNS decides at run time: the verifier cannot call it exact, and never finds it wider.
    expect(source(c, 'api-client').verdict).to.equal('unknown');
    expect(source(c, 'api-client').witnesses?.wider).to.deep.equal([]);
  });

  it('nothing without --eks-auto-mode, and nothing for a policy that does not isolate egress', () => {
    const plain = convert(fqdnPolicy(), { target: 'vpc-cni' });
    expect(plain.result.outputs.some((o) => o.policy.kind === 'ApplicationNetworkPolicy')).to.equal(false);
    const open = convert(fqdnPolicy('  enableDefaultDeny: {egress: false}\n'), { target: 'vpc-cni', eksAutoMode: true });
    expect(open.result.outputs.some((o) => o.policy.kind === 'ApplicationNetworkPolicy')).to.equal(false);
  });
});
