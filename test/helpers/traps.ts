/**
 * Helpers for the Trap tests (calico-semantics §11, cilium-semantics §11, vpc-cni-target §3/§6): run the in-process
 * pipeline on YAML text, look up emitted NetworkPolicies and findings, check the invariants every emitted policy must
 * satisfy (vpc-cni B1, k8s-netpol-semantics §1.15), and evaluate emitted native policies on a tiny concrete cluster so
 * that a test can say "this connection is (not) allowed after migration" instead of only comparing shapes.
 */
import { expect } from 'chai';
import { cidrContains, parseCidr, parseIp } from '../../src/model/cidr.js';
import { DEFAULT_OPTIONS, type TranslateOptions } from '../../src/model/options.js';
import type {
  LabelSelectorJson,
  NetworkPolicyEgressRuleJson,
  NetworkPolicyIngressRuleJson,
  NetworkPolicyJson,
  NetworkPolicyPeerJson,
  NetworkPolicyPortJson,
} from '../../src/native/types.js';
import { validateNetworkPolicy } from '../../src/native/validate.js';
import { runPipeline } from '../../src/pipeline/run.js';
import { isNativeOutput, type PipelineResult, type SourceReport } from '../../src/pipeline/types.js';
import type { ClusterNetworkPolicyJson } from '../../src/aws/types.js';
import { validateOutput } from '../../src/pipeline/validate-output.js';
import type { Effect, Finding, Severity } from '../../src/report/finding.js';

export type Direction = 'ingress' | 'egress';
export type NativeRule = NetworkPolicyIngressRuleJson & NetworkPolicyEgressRuleJson;

export interface Conversion {
  result: PipelineResult;
  /** Every emitted NetworkPolicy, in output order. */
  policies: NetworkPolicyJson[];
  /** Every emitted ClusterNetworkPolicy (`target: 'vpc-cni'`), each valid under its CRD schema. */
  clusterPolicies: ClusterNetworkPolicyJson[];
  /** Findings of every source plus the file-level findings. */
  findings: Finding[];
  sources: SourceReport[];
}

/** Runs the pipeline on one YAML text (or several files) with DEFAULT_OPTIONS overridden by `opts`. */
export function convert(input: string | Array<{ name: string; text: string }>, opts: Partial<TranslateOptions> = {}): Conversion {
  const files = typeof input === 'string' ? [{ name: 'trap.yaml', text: input }] : input;
  const result = runPipeline(files, { ...DEFAULT_OPTIONS, ...opts });
  const policies = result.outputs.map((o) => o.policy).filter(isNativeOutput);
  const clusterPolicies = result.outputs.map((o) => o.policy).filter((p): p is ClusterNetworkPolicyJson => p.kind === 'ClusterNetworkPolicy');
  for (const o of result.outputs) expect(validateOutput(o.policy), `emitted ${o.policy.kind} ${o.policy.metadata.name}`).to.deep.equal([]);
  for (const p of policies) {
    const problems = nativeInvariantViolations(p);
    expect(problems, `emitted ${p.metadata.namespace}/${p.metadata.name} breaks native invariants`).to.deep.equal([]);
  }
  return { result, policies, clusterPolicies, findings: [...result.sources.flatMap((s) => s.findings), ...result.fileFindings], sources: result.sources };
}

/** metadata.name of the source object as written in the input. */
function writtenName(s: SourceReport): string | undefined {
  const o = s.original as { metadata?: { name?: unknown } } | undefined;
  return typeof o?.metadata?.name === 'string' ? o.metadata.name : undefined;
}

function sourceIndex(c: Conversion, name: string): number {
  // The report may name a source by its recovered name (Calico v1 `default.` prefix, calico T42) or as written.
  let idx = c.sources.findIndex((x) => x.ref.name === name);
  if (idx < 0) idx = c.sources.findIndex((x) => writtenName(x) === name);
  if (idx < 0) throw new Error(`no source named ${name}; sources: ${c.sources.map((x) => x.ref.name).join(', ')}`);
  return idx;
}

/** The source report of the object named `name` (as written in the input, or as the report names it). */
export function source(c: Conversion, name: string): SourceReport {
  return c.sources[sourceIndex(c, name)]!;
}

/** Policies emitted for the source named `sourceName`. */
export function policiesOf(c: Conversion, sourceName: string): NetworkPolicyJson[] {
  const idx = sourceIndex(c, sourceName);
  return c.result.outputs.filter((o) => o.source === idx).map((o) => o.policy).filter(isNativeOutput);
}

/** The one emitted policy with that name (and namespace, when given). Fails the test when absent or ambiguous. */
export function findPolicy(c: Conversion, name: string, namespace?: string): NetworkPolicyJson {
  const hits = c.policies.filter((p) => p.metadata.name === name && (namespace === undefined || p.metadata.namespace === namespace));
  expect(hits, `emitted policies named ${name}${namespace ? ' in ' + namespace : ''} (have: ${c.policies.map((p) => p.metadata.namespace + '/' + p.metadata.name).join(', ')})`).to.have.length(1);
  return hits[0]!;
}

/** The single policy emitted for a source (fails when there is not exactly one). */
export function onlyPolicyOf(c: Conversion, sourceName: string): NetworkPolicyJson {
  const ps = policiesOf(c, sourceName);
  expect(ps, `policies emitted for ${sourceName}`).to.have.length(1);
  return ps[0]!;
}

export interface FindingQuery {
  code: string;
  severity?: Severity;
  effect?: Effect;
  /** Name of the source object the finding belongs to. */
  source?: string;
  /** The finding's pointer starts with this JSON pointer. */
  pointer?: string;
}

export function findingsMatching(c: Conversion, q: FindingQuery): Finding[] {
  const pool = q.source ? source(c, q.source).findings : c.findings;
  return pool.filter(
    (f) => f.code === q.code && (q.severity === undefined || f.severity === q.severity) && (q.effect === undefined || f.effect === q.effect) && (q.pointer === undefined || f.pointer.startsWith(q.pointer)),
  );
}

/** Asserts that at least one finding matches and returns the first. */
export function expectFinding(c: Conversion, q: FindingQuery): Finding {
  const hits = findingsMatching(c, q);
  const pool = q.source ? source(c, q.source).findings : c.findings;
  expect(hits.length, `finding ${JSON.stringify(q)}; have:\n${pool.map(describeFinding).join('\n')}`).to.be.greaterThan(0);
  return hits[0]!;
}

export function expectNoFinding(c: Conversion, q: FindingQuery): void {
  const hits = findingsMatching(c, q);
  expect(hits.map(describeFinding), `unexpected finding ${JSON.stringify(q)}`).to.deep.equal([]);
}

export function describeFinding(f: Finding): string {
  return `${f.pointer || '/'} ${f.severity} ${f.code} [${f.effect}] ${f.message}`;
}

/** The rules of one direction ([] when absent). */
export function rulesOf(p: NetworkPolicyJson, d: Direction): NativeRule[] {
  return ((d === 'ingress' ? p.spec.ingress : p.spec.egress) ?? []) as NativeRule[];
}

export function peersOfRule(r: NativeRule, d: Direction): NetworkPolicyPeerJson[] | undefined {
  return d === 'ingress' ? r.from : r.to;
}

/** The policy lists the direction in policyTypes (it isolates its pods in that direction). */
export function isolates(p: NetworkPolicyJson, d: Direction): boolean {
  return p.spec.policyTypes.includes(d === 'ingress' ? 'Ingress' : 'Egress');
}

/** A rule with neither peers nor ports: allows every connection of that direction. */
export function isAllowAll(r: NativeRule, d: Direction): boolean {
  const peers = peersOfRule(r, d);
  return (peers === undefined || peers.length === 0) && (r.ports === undefined || r.ports.length === 0);
}

/** Every ipBlock of the policy in that direction. */
export function ipBlocksOf(p: NetworkPolicyJson, d: Direction): Array<{ cidr: string; except?: string[] }> {
  return rulesOf(p, d).flatMap((r) => (peersOfRule(r, d) ?? []).flatMap((x) => (x.ipBlock ? [x.ipBlock] : [])));
}

/**
 * What every emitted policy must satisfy whatever the input: explicit non-empty policyTypes, no rules for an unlisted
 * direction (vpc-cni B1, k8s §1.15.1), no empty rule lists, peers with exactly one form (§1.15.2), numeric ports as
 * integers and names as valid IANA names (§1.15.4), `except` strictly inside `cidr` (§1.15.6), and the API server's
 * own validation.
 */
export function nativeInvariantViolations(p: NetworkPolicyJson): string[] {
  const out: string[] = [];
  const types = p.spec.policyTypes;
  if (!Array.isArray(types) || types.length === 0) out.push('policyTypes must be explicit and non-empty');
  else {
    if (new Set(types).size !== types.length) out.push('policyTypes has duplicates');
    for (const t of types) if (t !== 'Ingress' && t !== 'Egress') out.push(`policyTypes has ${String(t)}`);
  }
  for (const d of ['ingress', 'egress'] as const) {
    const list = d === 'ingress' ? p.spec.ingress : p.spec.egress;
    if (list === undefined) continue;
    if (!isolates(p, d)) out.push(`${d} rules without ${d === 'ingress' ? 'Ingress' : 'Egress'} in policyTypes (vpc-cni B1)`);
    if (list.length === 0) out.push(`${d}: [] should be omitted`);
    for (const [i, r] of (list as NativeRule[]).entries()) {
      const peers = peersOfRule(r, d);
      if (peers !== undefined && peers.length === 0) out.push(`${d}[${i}]: empty peer list`);
      for (const [j, peer] of (peers ?? []).entries()) {
        const sel = peer.podSelector !== undefined || peer.namespaceSelector !== undefined;
        if (sel === (peer.ipBlock !== undefined)) out.push(`${d}[${i}] peer ${j}: needs exactly one of ipBlock or selectors`);
        if (peer.ipBlock) {
          const outer = parseCidr(peer.ipBlock.cidr);
          if (!outer) out.push(`${d}[${i}] peer ${j}: bad cidr ${peer.ipBlock.cidr}`);
          for (const e of peer.ipBlock.except ?? []) {
            const inner = parseCidr(e);
            if (!outer || !inner || inner.family !== outer.family || !cidrContains(outer, inner) || inner.prefix <= outer.prefix) out.push(`${d}[${i}] peer ${j}: except ${e} not strictly inside ${peer.ipBlock.cidr}`);
          }
        }
      }
      if (r.ports !== undefined && r.ports.length === 0) out.push(`${d}[${i}]: ports: [] should be omitted`);
      for (const [j, port] of (r.ports ?? []).entries()) {
        if (port.protocol === undefined) out.push(`${d}[${i}] port ${j}: protocol should be explicit`);
        if (typeof port.port === 'string' && /^[0-9]+$/.test(port.port)) out.push(`${d}[${i}] port ${j}: numeric port written as a string`);
        if (port.endPort !== undefined && (typeof port.port !== 'number' || port.endPort < port.port)) out.push(`${d}[${i}] port ${j}: bad endPort`);
      }
    }
  }
  for (const e of validateNetworkPolicy(p)) out.push(`API server: ${e.field}: ${e.message}`);
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// A tiny concrete evaluator of native NetworkPolicies (k8s-netpol-semantics §1.3–§1.8), for "is it allowed after
// migration?" assertions. ipBlocks match by address (pods included, as on the VPC CNI engine for direct traffic).

export interface TestPod {
  ns: string;
  labels: Record<string, string>;
  ip?: string;
  /** Named container ports. */
  ports?: Array<{ name: string; port: number; protocol?: 'TCP' | 'UDP' | 'SCTP' }>;
}

/** A non-pod peer (external address, node address). */
export interface TestAddress {
  ip: string;
}

export type TestPeer = TestPod | TestAddress;

export interface TestWorld {
  /** Namespace labels (kubernetes.io/metadata.name is added automatically). */
  namespaces?: Record<string, Record<string, string>>;
}

export interface Probe {
  protocol?: 'TCP' | 'UDP' | 'SCTP';
  port?: number;
}

function isPod(p: TestPeer): p is TestPod {
  return (p as TestPod).ns !== undefined;
}

export function matchesSelector(sel: LabelSelectorJson | undefined, labels: Record<string, string>): boolean {
  if (!sel) return true;
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const e of sel.matchExpressions ?? []) {
    const has = Object.prototype.hasOwnProperty.call(labels, e.key);
    const v = labels[e.key];
    switch (e.operator) {
      case 'In':
        if (!has || !(e.values ?? []).includes(v!)) return false;
        break;
      case 'NotIn':
        if (has && (e.values ?? []).includes(v!)) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
    }
  }
  return true;
}

function nsLabels(world: TestWorld, ns: string): Record<string, string> {
  return { ...(world.namespaces?.[ns] ?? {}), 'kubernetes.io/metadata.name': ns };
}

function ipIn(ip: string | undefined, cidr: string): boolean {
  if (ip === undefined) return false;
  const a = parseIp(ip);
  const c = parseCidr(cidr);
  if (!a || !c || a.family !== c.family) return false;
  return cidrContains(c, { family: a.family, bits: a.bits, prefix: a.family === 4 ? 32 : 128 });
}

function peerMatches(peer: NetworkPolicyPeerJson, policyNs: string, world: TestWorld, other: TestPeer): boolean {
  if (peer.ipBlock) return ipIn(other.ip, peer.ipBlock.cidr) && !(peer.ipBlock.except ?? []).some((e) => ipIn(other.ip, e));
  if (!isPod(other)) return false;
  if (peer.namespaceSelector === undefined) {
    if (other.ns !== policyNs) return false;
  } else if (!matchesSelector(peer.namespaceSelector, nsLabels(world, other.ns))) return false;
  return matchesSelector(peer.podSelector, other.labels);
}

function portMatches(ports: NetworkPolicyPortJson[] | undefined, probe: Probe, portOwner: TestPeer): boolean {
  if (!ports || ports.length === 0) return true;
  const proto = probe.protocol ?? 'TCP';
  return ports.some((p) => {
    if ((p.protocol ?? 'TCP') !== proto) return false;
    if (p.port === undefined) return true;
    if (probe.port === undefined) return false;
    if (typeof p.port === 'number') return p.endPort !== undefined ? probe.port >= p.port && probe.port <= p.endPort : probe.port === p.port;
    if (!isPod(portOwner)) return false;
    return (portOwner.ports ?? []).some((cp) => cp.name === p.port && cp.port === probe.port && (cp.protocol ?? 'TCP') === proto);
  });
}

/**
 * Does the emitted policy set allow `subject` (a pod) to receive (ingress) from / send (egress) to `peer`?
 * Not isolated in that direction ⇒ allowed (k8s §1.3).
 */
export function nativeAllows(policies: NetworkPolicyJson[], d: Direction, subject: TestPod, peer: TestPeer, probe: Probe = {}, world: TestWorld = {}): boolean {
  const selecting = policies.filter((p) => p.metadata.namespace === subject.ns && isolates(p, d) && matchesSelector(p.spec.podSelector, subject.labels));
  if (selecting.length === 0) return true;
  const portOwner = d === 'ingress' ? subject : peer;
  return selecting.some((p) =>
    rulesOf(p, d).some((r) => {
      const peers = peersOfRule(r, d);
      const peerOk = !peers || peers.length === 0 || peers.some((x) => peerMatches(x, p.metadata.namespace, world, peer));
      return peerOk && portMatches(r.ports, probe, portOwner);
    }),
  );
}

/** Shorthand for a pod. */
export function pod(ns: string, labels: Record<string, string>, extra: Partial<TestPod> = {}): TestPod {
  return { ns, labels, ...extra };
}

/** Removes the common indentation of a template literal (lets tests indent their YAML with the code). */
export function yaml(strings: TemplateStringsArray, ...values: unknown[]): string {
  let text = strings.reduce((acc, s, i) => acc + s + (i < values.length ? String(values[i]) : ''), '');
  text = text.replace(/^\n/, '').replace(/\n[ \t]*$/, '\n');
  const lines = text.split('\n');
  const indent = Math.min(...lines.filter((l) => l.trim() !== '').map((l) => /^ */.exec(l)![0].length));
  return lines.map((l) => l.slice(indent)).join('\n');
}
