/**
 * Property (issue #4): for random Calico and Cilium inputs, translate then verify never gives `wider` in the default
 * mode, unless the tool itself says so up front (a policy it refuses, whose pods lose their isolation, or a stated
 * assumption). The generator covers the constructs of the Trap tables on a small alphabet so that policies overlap.
 * Fixed seed in CI; NETPOL_FUZZ_RUNS runs more cases, NETPOL_FUZZ_SEED another seed.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { DEFAULT_OPTIONS } from '../../src/model/options.js';
import { runPipeline } from '../../src/pipeline/run.js';
import type { PipelineResult } from '../../src/pipeline/types.js';

const RUNS = Number(process.env.NETPOL_FUZZ_RUNS ?? 120);
const SEED = Number(process.env.NETPOL_FUZZ_SEED ?? 424242);

const NAMESPACES = ['prod', 'dev'];
const KEYS = ['app', 'tier'];
const VALUES = ['web', 'db', 'x'];

// ---- Calico
const calicoAtom = fc.oneof(
  fc.tuple(fc.constantFrom(...KEYS), fc.constantFrom(...VALUES)).map(([k, v]) => `${k} == '${v}'`),
  fc.tuple(fc.constantFrom(...KEYS), fc.constantFrom(...VALUES)).map(([k, v]) => `${k} != '${v}'`),
  fc.tuple(fc.constantFrom(...KEYS), fc.subarray(VALUES)).map(([k, vs]) => `${k} in {${vs.map((v) => `'${v}'`).join(', ')}}`),
  fc.tuple(fc.constantFrom(...KEYS), fc.subarray(VALUES)).map(([k, vs]) => `${k} not in {${vs.map((v) => `'${v}'`).join(', ')}}`),
  fc.constantFrom(...KEYS).map((k) => `has(${k})`),
  fc.constantFrom(...KEYS).map((k) => `!has(${k})`),
  fc.constant('all()'),
);
const calicoSelector = fc.oneof(
  calicoAtom,
  fc.tuple(calicoAtom, calicoAtom).map(([a, b]) => `${a} && ${b}`),
  fc.tuple(calicoAtom, calicoAtom).map(([a, b]) => `${a} || ${b}`),
  calicoAtom.map((a) => `!(${a})`),
);
const calicoNsSelector = fc.oneof(
  fc.constantFrom(...NAMESPACES).map((n) => `kubernetes.io/metadata.name == '${n}'`),
  fc.constant('all()'),
  fc.constantFrom('team == \'a\'', 'team != \'a\''),
);
const calicoSide = fc.record(
  {
    selector: calicoSelector,
    notSelector: calicoAtom,
    namespaceSelector: calicoNsSelector,
    nets: fc.subarray(['10.0.0.0/8', '10.1.0.0/16', '192.168.1.0/24'], { minLength: 1 }),
    notNets: fc.subarray(['10.1.0.0/16', '10.1.2.0/24'], { minLength: 1 }),
  },
  { requiredKeys: [] },
);
const calicoRule = fc.record(
  {
    action: fc.constantFrom('Allow', 'Allow', 'Allow', 'Deny', 'Pass', 'Log'),
    protocol: fc.constantFrom('TCP', 'UDP', 'ICMP'),
    source: calicoSide,
    destination: fc.record({ ports: fc.subarray([80, 443, '8000:8100', 'http'], { minLength: 1 }), notPorts: fc.subarray([81, 8080], { minLength: 1 }) }, { requiredKeys: [] }),
  },
  { requiredKeys: ['action'] },
).map((r) => {
  // Numeric ports need TCP/UDP; keep the generated rule valid for Calico most of the time.
  if (r.destination && (r.destination.ports || r.destination.notPorts) && (r.protocol === undefined || r.protocol === 'ICMP')) r.protocol = 'TCP';
  return r;
});
const calicoPolicy = fc.record({
  kind: fc.constantFrom('NetworkPolicy', 'NetworkPolicy', 'NetworkPolicy', 'GlobalNetworkPolicy'),
  namespace: fc.constantFrom(...NAMESPACES),
  selector: calicoSelector,
  order: fc.option(fc.constantFrom(10, 100, 1000, 2000), { nil: undefined }),
  types: fc.option(fc.subarray(['Ingress', 'Egress'], { minLength: 1 }), { nil: undefined }),
  ingress: fc.array(calicoRule, { maxLength: 3 }),
  egress: fc.array(calicoRule, { maxLength: 3 }),
});

// ---- Cilium
const ciliumSelector = fc.record(
  {
    matchLabels: fc.dictionary(fc.constantFrom(...KEYS, 'k8s:io.kubernetes.pod.namespace'), fc.constantFrom(...VALUES, ...NAMESPACES), { maxKeys: 2 }),
    matchExpressions: fc.array(fc.record({ key: fc.constantFrom(...KEYS), operator: fc.constantFrom('In', 'NotIn', 'Exists', 'DoesNotExist'), values: fc.subarray(VALUES, { minLength: 1 }) }), { maxLength: 1 }).map((es) => es.map((e) => (e.operator === 'Exists' || e.operator === 'DoesNotExist' ? { key: e.key, operator: e.operator } : e))),
  },
  { requiredKeys: [] },
);
const ciliumPorts = fc.array(
  fc.record({ ports: fc.array(fc.record({ port: fc.constantFrom('80', '443', '0', 'http'), protocol: fc.constantFrom('TCP', 'UDP', 'ANY'), endPort: fc.option(fc.constantFrom(90, 70), { nil: undefined }) }, { requiredKeys: ['port'] }), { minLength: 1, maxLength: 2 }) }),
  { minLength: 1, maxLength: 2 },
);
const ciliumL3In = fc.oneof(
  ciliumSelector.map((s) => ({ fromEndpoints: [s] })),
  fc.constant({ fromEndpoints: [{}] }),
  fc.subarray(['world', 'cluster', 'host', 'all'], { minLength: 1 }).map((e) => ({ fromEntities: e })),
  fc.subarray(['10.0.0.0/8', '203.0.113.0/24'], { minLength: 1 }).map((c) => ({ fromCIDR: c })),
  fc.constant({}),
);
const ciliumEntry = fc.tuple(ciliumL3In, fc.option(ciliumPorts, { nil: undefined })).map(([l3, ports]) => (ports ? { ...l3, toPorts: ports } : l3));
const ciliumPolicy = fc.record({
  kind: fc.constantFrom('CiliumNetworkPolicy', 'CiliumNetworkPolicy', 'CiliumClusterwideNetworkPolicy'),
  namespace: fc.constantFrom(...NAMESPACES),
  endpointSelector: ciliumSelector,
  ingress: fc.array(ciliumEntry, { maxLength: 3 }),
  ingressDeny: fc.array(ciliumEntry, { maxLength: 1 }),
  egress: fc.array(ciliumEntry.map((e) => JSON.parse(JSON.stringify(e).replace(/"from/g, '"to'))), { maxLength: 2 }),
  defaultDeny: fc.option(fc.boolean(), { nil: undefined }),
});

type ValueOf<A> = A extends fc.Arbitrary<infer T> ? T : never;

function calicoYaml(p: ValueOf<typeof calicoPolicy>, i: number): string {
  const spec: Record<string, unknown> = { selector: p.selector };
  if (p.order !== undefined) spec.order = p.order;
  if (p.types) spec.types = p.types;
  if (p.ingress.length) spec.ingress = p.ingress;
  if (p.egress.length) spec.egress = p.egress;
  const metadata = p.kind === 'NetworkPolicy' ? { name: `c${i}`, namespace: p.namespace } : { name: `c${i}` };
  if (p.kind === 'GlobalNetworkPolicy') spec.namespaceSelector = `kubernetes.io/metadata.name == '${p.namespace}'`;
  return stringify({ apiVersion: 'projectcalico.org/v3', kind: p.kind, metadata, spec });
}

function ciliumYaml(p: ValueOf<typeof ciliumPolicy>, i: number): string {
  const spec: Record<string, unknown> = { endpointSelector: p.endpointSelector };
  if (p.ingress.length) spec.ingress = p.ingress;
  if (p.ingressDeny.length) spec.ingressDeny = p.ingressDeny;
  if (p.egress.length) spec.egress = p.egress;
  if (!p.ingress.length && !p.ingressDeny.length && !p.egress.length) spec.ingress = [{}];
  if (p.defaultDeny !== undefined) spec.enableDefaultDeny = { ingress: p.defaultDeny };
  const metadata = p.kind === 'CiliumNetworkPolicy' ? { name: `k${i}`, namespace: p.namespace } : { name: `k${i}` };
  return stringify({ apiVersion: 'cilium.io/v2', kind: p.kind, metadata, spec });
}

/** Sources whose verdict says wider although no finding of theirs announced a widening. */
function unannouncedWider(r: PipelineResult): string[] {
  return r.sources
    .filter((s) => (s.verdict === 'wider' || s.verdict === 'narrower+wider') && !s.findings.some((f) => f.effect === 'wider' || f.effect === 'unknown'))
    .map((s) => `${s.ref.name}: ${s.witnesses?.wider[0] ?? ''}`)
    // A connection the original may deny (it depends on an L7/ICMP part) must not be allowed after, in drop mode.
    .concat(r.sources.filter((s) => !s.findings.some((f) => f.effect === 'wider' || f.effect === 'unknown')).flatMap((s) => (s.witnesses?.unknown ?? []).filter((t) => /unknown before, allow after/.test(t)).map((t) => `${s.ref.name}: ${t}`)))
    .concat(r.sources.flatMap((s) => s.findings.filter((f) => f.code === 'output/verifier-wider').map((f) => `${s.ref.name}: ${f.message}`)));
}

function check(docs: string[]): void {
  const text = docs.join('---\n');
  const r = runPipeline([{ name: 'gen.yaml', text }], { ...DEFAULT_OPTIONS, namespaces: NAMESPACES });
  expect(unannouncedWider(r), `input:\n${text}`).to.deep.equal([]);
}

describe('property: translate then verify is never wider without notice', function () {
  this.timeout(300000);

  it(`random Calico policy sets (${RUNS} runs)`, () => {
    fc.assert(fc.property(fc.array(calicoPolicy, { minLength: 1, maxLength: 3 }), (ps) => check(ps.map(calicoYaml))), { seed: SEED, numRuns: RUNS });
  });

  it(`random Cilium policy sets (${RUNS} runs)`, () => {
    fc.assert(fc.property(fc.array(ciliumPolicy, { minLength: 1, maxLength: 3 }), (ps) => check(ps.map(ciliumYaml))), { seed: SEED, numRuns: RUNS });
  });
});
