/**
 * compareAllowed on hand-written translations: the Traps of the semantics files translated wrongly (with the
 * expected witness) and translated right (exact). Every reported witness is re-checked with the concrete evaluator.
 */
import { expect } from 'chai';
import type { ModelPolicy } from '../../src/model/policy.js';
import { compareAllowed, type VerifyOptions, type VerifyResult, type Witness } from '../../src/verify/compare.js';
import { evaluateConnection } from '../../src/verify/concrete.js';
import { lower } from '../fixtures/verify-lower.js';

/** Every witness must be real: the concrete evaluator, run on the witness's own cluster, agrees. */
function expectReal(r: VerifyResult, before: ModelPolicy[], after: ModelPolicy[]): void {
  expect(r.unconfirmed).to.equal(0);
  const check = (w: Witness, b: string, a: string) => {
    expect(evaluateConnection(before, w.cluster, w.connection), `before: ${w.text}`).to.equal(b);
    expect(evaluateConnection(after, w.cluster, w.connection), `after: ${w.text}`).to.equal(a);
    expect(w.before).to.equal(b);
    expect(w.after).to.equal(a);
  };
  r.narrower.forEach((w) => check(w, 'allow', 'deny'));
  r.wider.forEach((w) => check(w, 'deny', 'allow'));
  for (const u of r.unknown) {
    const vb = evaluateConnection(before, u.witness.cluster, u.witness.connection);
    const va = evaluateConnection(after, u.witness.cluster, u.witness.connection);
    expect(vb === 'unknown' || va === 'unknown', u.witness.text).to.equal(true);
  }
}

function compare(beforeText: string, afterText: string, options?: VerifyOptions): { r: VerifyResult; before: ModelPolicy[]; after: ModelPolicy[] } {
  const before = lower(beforeText);
  const after = lower(afterText);
  const r = compareAllowed(before, after, options);
  expectReal(r, before, after);
  return { r, before, after };
}

const native = (name: string, ns: string, spec: string) => `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: ${name}, namespace: ${ns}}
spec:
${spec
  .trim()
  .split('\n')
  .map((l) => '  ' + l)
  .join('\n')}
`;
const cnp = (name: string, ns: string, spec: string) => native(name, ns, spec).replace('networking.k8s.io/v1', 'cilium.io/v2').replace('kind: NetworkPolicy', 'kind: CiliumNetworkPolicy');
const calico = (name: string, ns: string, spec: string) => native(name, ns, spec).replace('networking.k8s.io/v1', 'projectcalico.org/v3');

describe('verify: compareAllowed on Trap translations', () => {
  it('Cilium ingress: [{}] (deny all) translated as native ingress: [{}] (allow all) is wider', () => {
    const { r } = compare(
      cnp('lock', 'prod', `endpointSelector: {matchLabels: {app: db}}\ningress: [{}]`),
      native('lock', 'prod', `podSelector: {matchLabels: {app: db}}\npolicyTypes: [Ingress]\ningress: [{}]`),
    );
    expect(r.verdict).to.equal('wider');
    expect(r.narrower).to.deep.equal([]);
    const w = r.wider[0]!;
    expect(w.direction).to.equal('ingress');
    expect(w.to).to.include({ kind: 'pod', namespace: 'prod' });
    expect(w.to.kind === 'pod' && w.to.labels).to.deep.equal({ app: 'db' });
    expect(w.text).to.match(/could not connect to TCP 80 of pods \{app=db\} in namespace prod before, can after$/);
  });

  it('... and translated as an ingress-isolating policy without rules is exact', () => {
    const { r } = compare(
      cnp('lock', 'prod', `endpointSelector: {matchLabels: {app: db}}\ningress: [{}]`),
      native('lock', 'prod', `podSelector: {matchLabels: {app: db}}\npolicyTypes: [Ingress]`),
    );
    expect(r.verdict).to.equal('exact');
    expect(r.narrower).to.deep.equal([]);
    expect(r.wider).to.deep.equal([]);
  });

  const egressOnly = calico('web-out', 'prod', `selector: app == 'web'\negress:\n- action: Allow\n  protocol: TCP\n  destination: {selector: app == 'db', ports: [5432]}`);

  it('a Calico egress-only policy translated without explicit policyTypes is narrower (ingress isolated too)', () => {
    const { r } = compare(egressOnly, native('web-out', 'prod', `podSelector: {matchLabels: {app: web}}\negress:\n- to: [{podSelector: {matchLabels: {app: db}}}]\n  ports: [{port: 5432}]`));
    expect(r.verdict).to.equal('narrower');
    const w = r.narrower[0]!;
    expect(w.direction).to.equal('ingress');
    expect(w.to.kind === 'pod' && w.to.labels).to.deep.equal({ app: 'web' });
    expect(w.text).to.match(/could connect to .* of pods \{app=web\} in namespace prod before, cannot after$/);
  });

  it('... and with policyTypes: [Egress] is exact', () => {
    const { r } = compare(egressOnly, native('web-out', 'prod', `podSelector: {matchLabels: {app: web}}\npolicyTypes: [Egress]\negress:\n- to: [{podSelector: {matchLabels: {app: db}}}]\n  ports: [{port: 5432}]`));
    expect(r.verdict).to.equal('exact');
  });

  it('Calico selector + nets (an AND) translated as two native peers (an OR) is wider', () => {
    const { r } = compare(
      calico('in', 'prod', `selector: app == 'db'\ntypes: [Ingress]\ningress:\n- action: Allow\n  source: {selector: app == 'web', nets: [10.0.0.0/8]}`),
      native('in', 'prod', `podSelector: {matchLabels: {app: db}}\npolicyTypes: [Ingress]\ningress:\n- from: [{podSelector: {matchLabels: {app: web}}}, {ipBlock: {cidr: 10.0.0.0/8}}]`),
    );
    expect(r.verdict).to.equal('wider');
    // Every wider witness comes from 10.0.0.0/8 and is not a web pod of prod.
    for (const w of r.wider) {
      expect(w.from.kind === 'pod' || w.from.kind === 'ip').to.equal(true);
      if (w.from.kind !== 'entity') expect(w.from.ip.startsWith('10.')).to.equal(true);
      if (w.from.kind === 'pod') expect(w.from.labels.app === 'web' && w.from.namespace === 'prod').to.equal(false);
    }
    expect(r.wider.some((w) => w.from.kind === 'ip')).to.equal(true);
    // Web pods of prod: the model cannot carry the pod-and-address intersection, so those connections are unknown.
    expect(r.unknown.map((u) => u.construct).join('\n')).to.include('calico/selector-and-nets');
  });

  it('a Calico Deny before an Allow, translated as the Allow alone, is wider', () => {
    const { r } = compare(
      calico('p', 'prod', `selector: app == 'db'\ningress:\n- action: Deny\n  source: {selector: app == 'web'}\n- action: Allow`),
      native('p', 'prod', `podSelector: {matchLabels: {app: db}}\npolicyTypes: [Ingress]\ningress: [{}]`),
    );
    expect(r.verdict).to.equal('wider');
    expect(r.wider.every((w) => w.from.kind === 'pod' && w.from.labels.app === 'web' && w.from.namespace === 'prod')).to.equal(true);
  });

  it('Calico first match: an Allow before a Deny translated as the Allow alone is exact', () => {
    const { r } = compare(
      calico('p', 'prod', `selector: app == 'db'\ningress:\n- action: Allow\n  source: {selector: app == 'web'}\n- action: Deny`),
      native('p', 'prod', `podSelector: {matchLabels: {app: db}}\npolicyTypes: [Ingress]\ningress:\n- from: [{podSelector: {matchLabels: {app: web}}}]`),
    );
    expect(r.verdict).to.equal('exact');
  });

  const toCidr = cnp('out', 'prod', `endpointSelector: {matchLabels: {app: web}}\negress:\n- toCIDR: [10.0.0.0/8]`);
  const ipBlockExcept = native('out', 'prod', `podSelector: {matchLabels: {app: web}}\npolicyTypes: [Egress]\negress:\n- to: [{ipBlock: {cidr: 10.0.0.0/8, except: [10.0.0.0/16]}}]`);

  it('Cilium toCIDR (never pods) as a bare ipBlock (pods too) is wider', () => {
    const { r } = compare(toCidr, native('out', 'prod', `podSelector: {matchLabels: {app: web}}\npolicyTypes: [Egress]\negress:\n- to: [{ipBlock: {cidr: 10.0.0.0/8}}]`));
    expect(r.verdict).to.equal('wider');
    expect(r.wider[0]!.to.kind).to.equal('pod');
  });

  it('... as an ipBlock minus the cluster CIDR is exact when the cluster CIDR is known', () => {
    expect(compare(toCidr, ipBlockExcept, { clusterCidrs: ['10.0.0.0/16'] }).r.verdict).to.equal('exact');
  });

  it('... and not exact when it is not known (external addresses inside the except, pods outside it)', () => {
    const { r } = compare(toCidr, ipBlockExcept);
    expect(r.verdict).to.equal('narrower+wider');
    expect(r.narrower[0]!.to.kind).to.equal('ip');
    expect(r.wider[0]!.to.kind).to.equal('pod');
  });

  it('an L7 rule is unknown, naming the construct', () => {
    const { r } = compare(
      cnp('l7', 'default', `endpointSelector: {matchLabels: {app: server}}\ningress:\n- fromEndpoints: [{matchLabels: {app: client}}]\n  toPorts: [{ports: [{port: "80", protocol: TCP}], rules: {http: [{method: GET}]}}]`),
      native('l7', 'default', `podSelector: {matchLabels: {app: server}}\npolicyTypes: [Ingress]\ningress:\n- from: [{podSelector: {matchLabels: {app: client}}}]\n  ports: [{port: 80}]`),
    );
    expect(r.verdict).to.equal('unknown');
    expect(r.unknown).to.have.length(1);
    expect(r.unknown[0]!.construct).to.match(/^cilium\/l7: /);
    expect(r.unknown[0]!.witness.text).to.match(/TCP 80 of pods \{app=server\} in namespace default: unknown before, allow after/);
  });

  it('a named port translated as a number differs both ways, with the container port in the witness', () => {
    const { r } = compare(
      native('n', 'prod', `podSelector: {matchLabels: {app: api}}\npolicyTypes: [Ingress]\ningress:\n- ports: [{port: http}]`),
      native('n', 'prod', `podSelector: {matchLabels: {app: api}}\npolicyTypes: [Ingress]\ningress:\n- ports: [{port: 8080}]`),
    );
    expect(r.verdict).to.equal('narrower+wider');
    const n = r.narrower[0]!;
    expect(n.to.kind === 'pod' && n.to.namedPorts).to.deep.equal([{ name: 'http', protocol: 'TCP', port: n.port }]);
    expect(n.port).to.not.equal(8080);
    expect(r.wider[0]!.port).to.equal(8080);
  });

  it('native policies are part of both sides: an unchanged set is exact', () => {
    const text = [
      native('a', 'prod', `podSelector: {}\npolicyTypes: [Ingress, Egress]\negress:\n- to: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: kube-system}}}]\n  ports: [{port: 53, protocol: UDP}]`),
      native('b', 'prod', `podSelector: {matchLabels: {app: db}}\ningress:\n- from: [{namespaceSelector: {matchLabels: {team: a}}, podSelector: {matchExpressions: [{key: tier, operator: NotIn, values: [x]}]}}]`),
    ].join('---\n');
    expect(compare(text, text).r.verdict).to.equal('exact');
  });

  it('an egress difference needs the destination to accept the connection: witnesses pick such a destination', () => {
    const { r } = compare(
      [
        native('out', 'prod', `podSelector: {}\npolicyTypes: [Egress]\negress: [{}]`),
        native('in', 'data', `podSelector: {}\npolicyTypes: [Ingress]\ningress:\n- from: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: prod}}}]`),
      ].join('---\n'),
      [
        native('out', 'prod', `podSelector: {}\npolicyTypes: [Egress]`),
        native('in', 'data', `podSelector: {}\npolicyTypes: [Ingress]\ningress:\n- from: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: prod}}}]`),
      ].join('---\n'),
    );
    expect(r.verdict).to.equal('narrower');
    expect(r.narrower.length).to.be.greaterThan(0);
  });

  it('a per-direction difference the other end always blocks is not a connection difference', () => {
    // prod's ingress changes for sources in ns "a", but every pod of "a" is denied all egress on both sides.
    const deny = native('deny', 'a', `podSelector: {}\npolicyTypes: [Egress]`);
    const { r } = compare(
      [deny, native('in', 'prod', `podSelector: {}\npolicyTypes: [Ingress]\ningress:\n- from: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: a}}}]`)].join('---\n'),
      [deny, native('in', 'prod', `podSelector: {}\npolicyTypes: [Ingress]`)].join('---\n'),
    );
    expect(r.verdict).to.equal('exact');
  });

  it('Calico and Cilium policies cannot be evaluated together', () => {
    const mixed = lower([cnp('x', 'a', `endpointSelector: {}\ningress: [{}]`), calico('y', 'a', `selector: all()\ningress: [{action: Allow}]`)].join('---\n'));
    expect(() => compareAllowed(mixed, [])).to.throw(/Calico and Cilium/);
  });

  it('100 policies in 20 namespaces verify quickly', function () {
    this.timeout(20_000);
    const cal: string[] = [];
    const nat: string[] = [];
    for (let i = 0; i < 20; i++) {
      for (let j = 0; j < 5; j++) {
        const app = ['web', 'db', 'api', 'cache', 'lb'][j]!;
        const peer = ['db', 'api', 'cache', 'lb', 'web'][j]!;
        cal.push(calico(`p${j}`, `ns${i}`, `selector: app == '${app}'\norder: ${100 + j}\ningress:\n- action: Allow\n  protocol: TCP\n  source: {selector: app == '${peer}'}\n  destination: {ports: [${8000 + j}]}\n- action: Allow\n  protocol: TCP\n  source: {namespaceSelector: team == 't${(i + j) % 7}'}\n  destination: {ports: [443]}`));
        nat.push(native(`p${j}`, `ns${i}`, `podSelector: {matchLabels: {app: ${app}}}\npolicyTypes: [Ingress]\ningress:\n- from: [{podSelector: {matchLabels: {app: ${peer}}}}]\n  ports: [{port: ${8000 + j}}]\n- from: [{namespaceSelector: {matchLabels: {team: t${(i + j) % 7}}}}]\n  ports: [{port: 443}]`));
      }
    }
    const before = lower(cal.join('---\n'));
    const after = lower(nat.join('---\n'));
    const t0 = performance.now();
    const r = compareAllowed(before, after);
    const ms = performance.now() - t0;
    expect(r.verdict).to.equal('exact');
    expect(ms, 'milliseconds (a generous bound against blow-ups)').to.be.below(5000);
  });
});
