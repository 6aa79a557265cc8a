/**
 * Property (issue #5): for random ordered Calico policy sets (tiers with Deny or Pass defaults, order, Deny / Pass /
 * Allow / Log rules) and random Cilium sets with deny rules, compile then verify is never wider, and exact whenever
 * every peer is a pod selector and the cluster ranges are known (see expectExact for the one exception).
 * Fixed seed in CI; NETPOL_FUZZ_RUNS runs more cases, NETPOL_FUZZ_SEED another seed.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { DEFAULT_OPTIONS, type TranslateOptions } from '../../src/model/options.js';
import { validateOutput } from '../../src/pipeline/validate-output.js';
import { runPipeline } from '../../src/pipeline/run.js';

const RUNS = Number(process.env.NETPOL_FUZZ_RUNS ?? 60);
const SEED = Number(process.env.NETPOL_FUZZ_SEED ?? 515151);

const KEYS = ['app', 'role'];
const VALUES = ['web', 'db', 'x'];

const atom = fc.oneof(
  fc.tuple(fc.constantFrom(...KEYS), fc.constantFrom(...VALUES)).map(([k, v]) => `${k} == '${v}'`),
  fc.tuple(fc.constantFrom(...KEYS), fc.constantFrom(...VALUES)).map(([k, v]) => `${k} != '${v}'`),
  fc.constantFrom(...KEYS).map((k) => `has(${k})`),
  fc.constant('all()'),
);
const selector = fc.oneof(atom, fc.tuple(atom, atom).map(([a, b]) => `${a} && ${b}`));
const rule = fc.record(
  {
    action: fc.constantFrom('Allow', 'Allow', 'Deny', 'Pass', 'Log'),
    selector,
    namespaceSelector: fc.constantFrom("kubernetes.io/metadata.name == 'prod'", "kubernetes.io/metadata.name == 'dev'", 'all()'),
    ports: fc.option(fc.subarray([80, 443, '8000:8100'], { minLength: 1 }), { nil: undefined }),
  },
  { requiredKeys: ['action', 'selector'] },
).map((r) => {
  const source: Record<string, unknown> = { selector: r.selector };
  if (r.namespaceSelector) source.namespaceSelector = r.namespaceSelector;
  const out: Record<string, unknown> = { action: r.action, source };
  if (r.ports) Object.assign(out, { protocol: 'TCP', destination: { ports: r.ports } });
  return out;
});
const calicoPolicy = fc.record({
  tier: fc.constantFrom('default', 'security', 'platform'),
  order: fc.option(fc.constantFrom(10, 100, 1000), { nil: undefined }),
  selector,
  ingress: fc.array(rule, { minLength: 1, maxLength: 3 }),
});
/** Egress rules to pods or to networks (inside the cluster range, outside it, everything): the Admin tier says
 * networks by address, the native tier cannot tell pods from addresses inside the cluster range. */
const egressRule = fc.record({
  action: fc.constantFrom('Allow', 'Allow', 'Deny', 'Pass'),
  to: fc.oneof(
    selector.map((s) => ({ selector: s })),
    fc.constantFrom(['10.1.0.0/16'], ['203.0.113.0/24'], ['0.0.0.0/0'], ['10.0.0.0/8', '198.51.100.7/32']).map((nets) => ({ nets })),
    fc.constant(undefined),
  ),
  ports: fc.option(fc.subarray([53, 443], { minLength: 1 }), { nil: undefined }),
}).map((r) => {
  const out: Record<string, unknown> = { action: r.action };
  if (r.to || r.ports) out.destination = { ...(r.to ?? {}), ...(r.ports ? { ports: r.ports } : {}) };
  if (r.ports) out.protocol = 'UDP';
  return out;
});
const calicoEgressPolicy = fc.record({
  tier: fc.constantFrom('default', 'security', 'platform'),
  order: fc.option(fc.constantFrom(10, 100, 1000), { nil: undefined }),
  selector,
  egress: fc.array(egressRule, { minLength: 1, maxLength: 3 }),
});

const tierDefs = fc.record({ security: fc.constantFrom('Deny', 'Pass'), platform: fc.constantFrom('Deny', 'Pass') });

function calicoDocs(tiers: { security: string; platform: string }, ps: Array<{ tier: string; order: number | undefined; selector: string; ingress: unknown[]; egress?: unknown[] }>): string {
  const docs: unknown[] = [
    { apiVersion: 'projectcalico.org/v3', kind: 'Tier', metadata: { name: 'security' }, spec: { order: 100, defaultAction: tiers.security } },
    { apiVersion: 'projectcalico.org/v3', kind: 'Tier', metadata: { name: 'platform' }, spec: { order: 200, defaultAction: tiers.platform } },
  ];
  ps.forEach((p, i) => {
    const name = p.tier === 'default' ? `p${i}` : `${p.tier}.p${i}`;
    const spec: Record<string, unknown> = p.egress ? { tier: p.tier, selector: p.selector, types: ['Egress'], egress: p.egress } : { tier: p.tier, selector: p.selector, types: ['Ingress'], ingress: p.ingress };
    if (p.order !== undefined) spec.order = p.order;
    docs.push({ apiVersion: 'projectcalico.org/v3', kind: 'NetworkPolicy', metadata: { name, namespace: 'prod' }, spec });
  });
  return docs.map((d) => stringify(d)).join('---\n');
}

const ciliumSelector = fc.dictionary(fc.constantFrom(...KEYS), fc.constantFrom(...VALUES), { maxKeys: 2 }).map((m) => ({ matchLabels: m }));
const ciliumPolicy = fc.record({
  endpointSelector: ciliumSelector,
  ingress: fc.array(ciliumSelector.map((s) => ({ fromEndpoints: [s] })), { maxLength: 2 }),
  ingressDeny: fc.array(ciliumSelector.map((s) => ({ fromEndpoints: [s] })), { maxLength: 2 }),
  defaultDeny: fc.option(fc.boolean(), { nil: undefined }),
});

function ciliumDocs(ps: Array<{ endpointSelector: unknown; ingress: unknown[]; ingressDeny: unknown[]; defaultDeny: boolean | undefined }>): string {
  return ps
    .map((p, i) => {
      const spec: Record<string, unknown> = { endpointSelector: p.endpointSelector };
      if (p.ingress.length) spec.ingress = p.ingress;
      if (p.ingressDeny.length) spec.ingressDeny = p.ingressDeny;
      if (!p.ingress.length && !p.ingressDeny.length) spec.ingress = [{}];
      if (p.defaultDeny !== undefined) spec.enableDefaultDeny = { ingress: p.defaultDeny };
      return stringify({ apiVersion: 'cilium.io/v2', kind: 'CiliumNetworkPolicy', metadata: { name: `k${i}`, namespace: 'prod' }, spec });
    })
    .join('---\n');
}

/**
 * Never wider; and exact, except for what native rules cannot write where the original allows "everything but ...":
 * traffic from nodes and other cluster entities (native rules cannot name them), and ICMP and other protocols once
 * the allowed ports are cut (a native rule with ports never matches them). With --cluster-cidr, outside addresses are
 * told apart from pods, so they stay exact.
 */
function expectExact(text: string, target: TranslateOptions['target'] = 'networkpolicy'): void {
  const r = runPipeline([{ name: 'gen.yaml', text }], { ...DEFAULT_OPTIONS, namespaces: ['prod', 'dev'], clusterCidrs: ['10.0.0.0/8', 'fd00::/8'], target });
  for (const o of r.outputs) expect(validateOutput(o.policy), o.policy.metadata.name).to.deep.equal([]);
  const wider = r.sources.filter((s) => s.verdict === 'wider' || s.verdict === 'narrower+wider' || s.findings.some((f) => f.code === 'output/verifier-wider'));
  expect(wider.map((s) => `${s.ref.name}: ${s.witnesses?.wider[0] ?? s.findings.map((f) => f.code).join(',')}`), `input:\n${text}`).to.deep.equal([]);
  const verdict = r.wholeSet?.verdict;
  const narrower = r.wholeSet?.witnesses.narrower ?? [];
  const ok = verdict === 'exact' || (verdict === 'narrower' && narrower.every((w) => /^The cluster entity |\(any protocol other than TCP, UDP, SCTP\)/.test(w)));
  expect(ok, `whole set ${verdict}: ${[...narrower, ...(r.wholeSet?.witnesses.wider ?? [])].join('; ')}\ninput:\n${text}`).to.equal(true);
}

describe('property: compile then verify is exact with pod peers, never wider', function () {
  this.timeout(300000);

  it(`random ordered Calico sets with tiers (${RUNS} runs)`, () => {
    fc.assert(fc.property(tierDefs, fc.array(calicoPolicy, { minLength: 1, maxLength: 4 }), (t, ps) => expectExact(calicoDocs(t, ps))), { seed: SEED, numRuns: RUNS });
  });

  it(`random Cilium sets with deny rules (${RUNS} runs)`, () => {
    fc.assert(fc.property(fc.array(ciliumPolicy, { minLength: 1, maxLength: 3 }), (ps) => expectExact(ciliumDocs(ps))), { seed: SEED, numRuns: RUNS });
  });

  it(`random ordered Calico egress sets with networks, target vpc-cni: never wider, every output valid (${RUNS} runs)`, () => {
    fc.assert(
      fc.property(tierDefs, fc.array(calicoEgressPolicy, { minLength: 1, maxLength: 4 }), (t, ps) => {
        const text = calicoDocs(t, ps.map((p) => ({ tier: p.tier, order: p.order, selector: p.selector, ingress: [], egress: p.egress })));
        const r = runPipeline([{ name: 'gen.yaml', text }], { ...DEFAULT_OPTIONS, namespaces: ['prod', 'dev'], clusterCidrs: ['10.0.0.0/8', 'fd00::/8'], target: 'vpc-cni' });
        for (const o of r.outputs) expect(validateOutput(o.policy), o.policy.metadata.name).to.deep.equal([]);
        const wider = r.sources.filter((s) => s.verdict === 'wider' || s.verdict === 'narrower+wider' || s.findings.some((f) => f.code === 'output/verifier-wider'));
        expect(wider.map((s) => `${s.ref.name}: ${s.witnesses?.wider[0] ?? s.findings.map((f) => f.code).join(',')}`), `input:\n${text}`).to.deep.equal([]);
        expect(['wider', 'narrower+wider']).not.to.include(r.wholeSet?.verdict);
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  // --target vpc-cni: Admin-tier ClusterNetworkPolicies evaluated in the VPC CNI engine's order, with the rest native.
  it(`random ordered Calico sets with tiers, target vpc-cni (${RUNS} runs)`, () => {
    fc.assert(fc.property(tierDefs, fc.array(calicoPolicy, { minLength: 1, maxLength: 4 }), (t, ps) => expectExact(calicoDocs(t, ps), 'vpc-cni')), { seed: SEED, numRuns: RUNS });
  });

  it(`random Cilium sets with deny rules, target vpc-cni (${RUNS} runs)`, () => {
    fc.assert(fc.property(fc.array(ciliumPolicy, { minLength: 1, maxLength: 3 }), (ps) => expectExact(ciliumDocs(ps), 'vpc-cni')), { seed: SEED, numRuns: RUNS });
  });
});
