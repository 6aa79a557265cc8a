/**
 * Behaviour behind finding codes that the trap tables do not single out: each test feeds the construct and checks
 * both the output and the finding.
 */
import { expect } from 'chai';
import { convert, expectFinding, expectNoFinding, findPolicy, nativeAllows, onlyPolicyOf, pod, policiesOf, source, yaml } from '../helpers/traps.js';

const web = pod('prod', { app: 'web' });

describe('findings', () => {
  it('input/unsupported-api-version: cilium.io/v1 and projectcalico.org/v2 are skipped', () => {
    const c = convert(yaml`
      apiVersion: cilium.io/v1
      kind: CiliumNetworkPolicy
      metadata: {name: old, namespace: prod}
      spec: {endpointSelector: {}, ingress: [{}]}
      ---
      apiVersion: projectcalico.org/v2
      kind: NetworkPolicy
      metadata: {name: older, namespace: prod}
      spec: {selector: all()}
    `);
    expect(c.policies).to.deep.equal([]);
    expectFinding(c, { code: 'input/unsupported-api-version', source: 'old' });
    expectFinding(c, { code: 'input/unsupported-api-version', source: 'older' });
    expect(source(c, 'old').status).to.equal('skipped');
  });

  it('input/default-namespace: --namespace fills a missing namespace', () => {
    const c = convert(yaml`
      apiVersion: projectcalico.org/v3
      kind: NetworkPolicy
      metadata: {name: p}
      spec: {selector: all(), types: [Ingress]}
    `, { defaultNamespace: 'team-a' });
    expect(findPolicy(c, 'p').metadata.namespace).to.equal('team-a');
    expectFinding(c, { code: 'input/default-namespace', severity: 'info' });
  });

  it('input/missing-name: an object without a name is invalid', () => {
    const c = convert(yaml`
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: {namespace: prod}
      spec: {podSelector: {}}
    `);
    expect(c.sources[0]!.status).to.equal('invalid');
    expect(c.findings.map((f) => f.code)).to.include('input/missing-name');
  });

  it('native/invalid: a native policy the API server rejects is reported with its message', () => {
    const c = convert(yaml`
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: {name: bad, namespace: prod}
      spec:
        podSelector: {}
        ingress: [{ports: [{protocol: ICMP}]}]
    `, { includeNative: true });
    expect(c.policies).to.deep.equal([]);
    const f = expectFinding(c, { code: 'native/invalid', source: 'bad' });
    expect(f.message).to.contain('Unsupported value: "ICMP"');
    expect(f.pointer).to.equal('/spec/ingress/0/ports/0/protocol');
  });

  it('output/name: names are made DNS-1123 and unique', () => {
    const c = convert(yaml`
      apiVersion: cilium.io/v2
      kind: CiliumNetworkPolicy
      metadata: {name: Allow_Web, namespace: prod}
      spec: {endpointSelector: {matchLabels: {app: web}}, ingress: [{}]}
      ---
      apiVersion: projectcalico.org/v3
      kind: NetworkPolicy
      metadata: {name: allow-web, namespace: prod}
      spec: {selector: app == 'db', types: [Ingress]}
    `);
    const names = c.policies.map((p) => p.metadata.name);
    expect(names).to.include('allow-web');
    expect(new Set(names).size).to.equal(2);
    expectFinding(c, { code: 'output/name' });
  });

  it('calico/tier-pass: a Pass tier does not isolate in Calico; compiled, its pods keep what passes on', () => {
    const tier = yaml`
      apiVersion: projectcalico.org/v3
      kind: Tier
      metadata: {name: platform}
      spec: {order: 100, defaultAction: Pass}
      ---
      apiVersion: projectcalico.org/v3
      kind: NetworkPolicy
      metadata: {name: platform.monitoring, namespace: prod}
      spec:
        tier: platform
        selector: app == 'web'
        types: [Ingress]
        ingress: [{action: Allow, source: {namespaceSelector: "kubernetes.io/metadata.name == 'monitoring'"}}]
    `;
    const c = convert(tier);
    expect(onlyPolicyOf(c, 'platform.monitoring').spec.policyTypes).to.deep.equal(['Ingress']);
    expectFinding(c, { code: 'output/compiled', source: 'platform.monitoring' });
    expect(nativeAllows(c.policies, 'ingress', pod('prod', { app: 'web' }), pod('dev', {}))).to.equal(true);
    expect(source(c, 'platform.monitoring').verdict).to.equal('exact');

    // A policy of a tier with no Tier object in the same namespace: the order is unknown, nothing is compiled and
    // the rule-by-rule translation isolates the pods, fail-closed and reported.
    const unknown = convert(`${tier}---\n${yaml`
      apiVersion: projectcalico.org/v3
      kind: NetworkPolicy
      metadata: {name: other.deny, namespace: prod}
      spec:
        tier: other
        selector: app == 'db'
        types: [Ingress]
        ingress: [{action: Deny}]
    `}`);
    expectFinding(unknown, { code: 'calico/tier-pass', effect: 'narrower', source: 'platform.monitoring' });
    expectFinding(unknown, { code: 'output/compile-fallback', severity: 'warning', source: 'platform.monitoring' });
    expectNoFinding(unknown, { code: 'output/compiled' });
  });

  it('calico/complex-selector: a peer selector over 64 terms is dropped fail-closed', () => {
    const terms = Array.from({ length: 7 }, (_, i) => `(k${i} == 'a' || j${i} == 'b')`).join(' && ');
    const c = convert(yaml`
      apiVersion: projectcalico.org/v3
      kind: NetworkPolicy
      metadata: {name: p, namespace: prod}
      spec:
        selector: app == 'web'
        ingress: [{action: Allow, source: {selector: "${terms}"}}]
    `);
    expect(onlyPolicyOf(c, 'p').spec.ingress).to.equal(undefined);
    expectFinding(c, { code: 'calico/complex-selector', effect: 'narrower' });
  });

  it('calico/substring-peer: contains/starts with in a rule selector drops that peer only', () => {
    const c = convert(yaml`
      apiVersion: projectcalico.org/v3
      kind: NetworkPolicy
      metadata: {name: p, namespace: prod}
      spec:
        selector: app == 'web'
        ingress: [{action: Allow, source: {selector: "team starts with 'pay' || app == 'api'"}}]
    `);
    expect(onlyPolicyOf(c, 'p').spec.ingress).to.deep.equal([{ from: [{ podSelector: { matchLabels: { app: 'api' } } }] }]);
    expectFinding(c, { code: 'calico/substring-peer', effect: 'narrower' });
  });

  it('calico/not-selector: notSelector in a NetworkPolicy means same-namespace pods not matching', () => {
    const c = convert(yaml`
      apiVersion: projectcalico.org/v3
      kind: NetworkPolicy
      metadata: {name: p, namespace: prod}
      spec:
        selector: app == 'web'
        ingress: [{action: Allow, source: {notSelector: "app == 'batch'"}}]
    `);
    const pols = policiesOf(c, 'p');
    expect(nativeAllows(pols, 'ingress', web, pod('prod', { app: 'api' }))).to.equal(true);
    expect(nativeAllows(pols, 'ingress', web, pod('prod', { app: 'batch' }))).to.equal(false);
    expect(nativeAllows(pols, 'ingress', web, pod('other', { app: 'api' })), 'other namespaces are out of scope').to.equal(false);
    expect(nativeAllows(pols, 'ingress', web, { ip: '8.8.8.8' }), 'external addresses are out of scope').to.equal(false);
    expectFinding(c, { code: 'calico/not-selector' });
  });

  it('cilium/label-source: a container: key never matches pods', () => {
    const c = convert(yaml`
      apiVersion: cilium.io/v2
      kind: CiliumNetworkPolicy
      metadata: {name: p, namespace: prod}
      spec:
        endpointSelector: {matchLabels: {app: web}}
        ingress: [{fromEndpoints: [{matchLabels: {"container:app": api}}, {matchLabels: {app: db}}]}]
    `);
    expect(onlyPolicyOf(c, 'p').spec.ingress).to.deep.equal([{ from: [{ podSelector: { matchLabels: { app: 'db' } } }] }]);
    expectFinding(c, { code: 'cilium/label-source' });
  });

  it('cilium/entity-all: entity all is a rule without peers', () => {
    const c = convert(yaml`
      apiVersion: cilium.io/v2
      kind: CiliumNetworkPolicy
      metadata: {name: p, namespace: prod}
      spec:
        endpointSelector: {matchLabels: {app: web}}
        ingress: [{fromEntities: [all], toPorts: [{ports: [{port: "80", protocol: TCP}]}]}]
    `);
    expect(onlyPolicyOf(c, 'p').spec.ingress).to.deep.equal([{ ports: [{ protocol: 'TCP', port: 80 }] }]);
    expectFinding(c, { code: 'cilium/entity-all', severity: 'info' });
  });

  it('cilium/port-number and cilium/end-port: ports read as Cilium reads them', () => {
    const c = convert(yaml`
      apiVersion: cilium.io/v2
      kind: CiliumNetworkPolicy
      metadata: {name: p, namespace: prod}
      spec:
        endpointSelector: {matchLabels: {app: web}}
        ingress: [{toPorts: [{ports: [{port: "0443", protocol: TCP}, {port: "8080", endPort: 8000, protocol: TCP}]}]}]
    `);
    expect(onlyPolicyOf(c, 'p').spec.ingress).to.deep.equal([{ ports: [{ protocol: 'TCP', port: 291 }, { protocol: 'TCP', port: 8080 }] }]);
    expectFinding(c, { code: 'cilium/port-number' });
    expectFinding(c, { code: 'cilium/end-port' });
    const bad = convert(yaml`
      apiVersion: cilium.io/v2
      kind: CiliumNetworkPolicy
      metadata: {name: q, namespace: prod}
      spec:
        endpointSelector: {}
        ingress: [{toPorts: [{ports: [{port: "080"}]}]}]
    `);
    expect(bad.policies).to.deep.equal([]);
    expectFinding(bad, { code: 'cilium/invalid' });
  });

  it('cilium/deny-host: an ingress deny of every peer also names the node, which native engines always admit', () => {
    const c = convert(yaml`
      apiVersion: cilium.io/v2
      kind: CiliumNetworkPolicy
      metadata: {name: p, namespace: prod}
      spec:
        endpointSelector: {matchLabels: {app: web}}
        ingressDeny: [{toPorts: [{ports: [{port: "22", protocol: TCP}]}]}]
        ingress: [{fromEntities: [cluster]}]
    `);
    expectFinding(c, { code: 'cilium/deny-host', effect: 'wider' });
    const d = convert(yaml`
      apiVersion: cilium.io/v2
      kind: CiliumNetworkPolicy
      metadata: {name: p, namespace: prod}
      spec:
        endpointSelector: {matchLabels: {app: web}}
        ingressDeny: [{fromEndpoints: [{matchLabels: {app: bad}}]}]
    `);
    expectNoFinding(d, { code: 'cilium/deny-host' });
  });

  it('vpc-cni/pod-name-prefix: single-replica subjects are flagged', () => {
    const c = convert(yaml`
      apiVersion: projectcalico.org/v3
      kind: NetworkPolicy
      metadata: {name: p, namespace: prod}
      spec:
        selector: statefulset.kubernetes.io/pod-name == 'db-0'
        types: [Ingress]
    `);
    expect(onlyPolicyOf(c, 'p').spec.podSelector).to.deep.equal({ matchLabels: { 'statefulset.kubernetes.io/pod-name': 'db-0' } });
    expectFinding(c, { code: 'vpc-cni/pod-name-prefix' });
    // Cilium leaves that label out of identities: the same subject selects no pod there, so nothing is emitted.
    const cil = convert(yaml`
      apiVersion: cilium.io/v2
      kind: CiliumNetworkPolicy
      metadata: {name: q, namespace: prod}
      spec:
        endpointSelector: {matchLabels: {"statefulset.kubernetes.io/pod-name": db-0}}
        ingress: [{}]
    `);
    expect(cil.policies).to.deep.equal([]);
    expectFinding(cil, { code: 'cilium/filtered-label' });
  });
});
