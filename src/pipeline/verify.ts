/**
 * Runs the verifier over a migration (issue #4): for every source policy, the connections its original allows
 * against those its native output allows (with the native policies of its namespaces, which both sides enforce),
 * and the same for the whole policy set. The translator is not trusted: its claims are replaced by the verifier's
 * verdicts, and a translation found wider without having said so is an internal error and is not written.
 */
import { addTo } from '../model/multimap.js';
import { findingAt, type SourceObject } from '../io/documents.js';
import { complementCidrs } from '../model/blocks.js';
import type { TranslateOptions } from '../model/options.js';
import type { ModelPolicy } from '../model/policy.js';
import { lowerNativePolicy } from '../native/lower.js';
import { lowerApplicationNetworkPolicy, lowerClusterNetworkPolicy } from '../aws/lower.js';
import { normalizeFindings, type Finding } from '../report/finding.js';
import { resolveNamespaceLabels } from './resolve-namespaces.js';
import { verifyCompiledSources } from './verify-compiled.js';
import { compareAllowed, evaluateConnectionDetailed, verdictOfWitnesses, type VerifyOptions, type VerifyResult, type Witness } from '../verify/index.js';
import { type OutputPolicy, type PipelineResult, type SourceReport, type Verdict, type Witnesses } from './types.js';

/** What the pipeline knows about each source beyond the report: what verification needs. */
export interface PipelineInternals {
  /** Model policies of each source (index = source index); natives have cni 'native'. */
  models: ModelPolicy[][];
  objects: SourceObject[];
  /** Blocks the translator emitted on the assumption that they hold no cluster address. */
  assumedExternal: string[];
  /** Sources compiled from the ordered set (their output depends on the other policies of their family). */
  compiled: Set<number>;
}

/** Kept beside results rather than in them: not part of any report. */
export const internalsOf = new WeakMap<PipelineResult, PipelineInternals>();

/** Where the verifier may place pod addresses: the cluster ranges, or everywhere outside the assumed blocks. */
export function podRanges(options: TranslateOptions, assumedExternal: string[]): string[] | undefined {
  if (options.clusterCidrs.length > 0) return options.clusterCidrs;
  if (assumedExternal.length > 0) return complementCidrs(assumedExternal);
  return undefined;
}

/**
 * An output as model policies (it has no source position of its own): a native policy as itself; a
 * ClusterNetworkPolicy in the VPC CNI engine's order, which the Calico tier walk evaluates (aws/lower.ts).
 */
export function lowerOutput(p: OutputPolicy): ModelPolicy[] {
  const obj: SourceObject = {
    file: '<output>',
    documentIndex: 0,
    basePath: [],
    value: p as unknown as Record<string, unknown>,
    locate: () => ({ line: 1, column: 1 }),
    ref: { apiVersion: p.apiVersion, kind: p.kind, ...(p.kind !== 'ClusterNetworkPolicy' ? { namespace: p.metadata.namespace } : {}), name: p.metadata.name },
  };
  switch (p.kind) {
    case 'NetworkPolicy':
      return [lowerNativePolicy(obj, p.metadata.namespace)];
    case 'ApplicationNetworkPolicy':
      return [lowerApplicationNetworkPolicy(obj, p.metadata.namespace)];
    case 'ClusterNetworkPolicy':
      return lowerClusterNetworkPolicy(obj);
  }
}

function verifyOptions(options: TranslateOptions, assumedExternal: string[], maxWitnesses: number): VerifyOptions {
  const clusterCidrs = podRanges(options, assumedExternal);
  const opts: VerifyOptions = { maxWitnesses, timeLimitMs: options.verifyTimeLimitMs };
  if (clusterCidrs) opts.clusterCidrs = clusterCidrs;
  // --namespaces lists the cluster's namespaces: cluster-wide policies are fanned out to them, and no other exists.
  if (options.namespaces) opts.namespaces = options.namespaces;
  return opts;
}

/**
 * Per source: its original against `after(i)`, on its own: what translating this one policy changes. (The native
 * policies of the input are enforced before and after alike; where an original used to overrule them, the
 * ordering pass reports it, and the whole-set comparison includes them.) Each result is handed to `use` and
 * dropped: witnesses carry whole example clusters.
 */
function verifySources(models: ModelPolicy[][], after: (i: number) => ModelPolicy[], opts: VerifyOptions, use: (i: number, r: VerifyResult) => void, precomputed?: Map<number, VerifyResult>): void {
  models.forEach((list, i) => {
    if (list.length === 0 || list.every((m) => m.cni === 'native')) return;
    const done = precomputed?.get(i);
    if (done) use(i, done);
    else use(i, compareAllowed(list, after(i), { ...opts, timeLimitMs: Math.min(PER_SOURCE_MS, opts.timeLimitMs ?? PER_SOURCE_MS) }));
  });
}

/** Time limits: a comparison that runs past them is reported `unknown` (incomplete) rather than hanging. */
const PER_SOURCE_MS = 3000;

/** The whole set: one comparison per policy family (no cluster runs Calico and Cilium together). */
function verifyWhole(models: ModelPolicy[][], afterOf: (cni: 'calico' | 'cilium') => ModelPolicy[], opts: VerifyOptions): { verdict: Verdict; witnesses: Witnesses } | undefined {
  const natives = models.flat().filter((m) => m.cni === 'native');
  const results: VerifyResult[] = [];
  for (const cni of ['calico', 'cilium'] as const) {
    const before = models.flat().filter((m) => m.cni === cni);
    if (before.length > 0) results.push(compareAllowed([...before, ...natives], [...afterOf(cni), ...natives], opts));
  }
  if (results.length === 0) return undefined;
  return { verdict: combineVerdicts(results.map((r) => r.verdict)), witnesses: mergeWitnesses(results.map(witnessTexts)) };
}

/**
 * Both sides as the verifier sees them: the sources' models and a source's outputs (lowered once, on first use), with
 * namespace selectors resolved against the cluster state.
 */
function verifierView(internals: PipelineInternals, options: TranslateOptions, outputsOf: (i: number) => OutputPolicy[]) {
  const models = internals.models.map((l) => l.map((m) => resolveNamespaceLabels(m, options.namespaceLabels)));
  const lowered = new Map<number, ModelPolicy[]>();
  const loweredOf = (i: number) => {
    let v = lowered.get(i);
    if (!v) lowered.set(i, (v = outputsOf(i).flatMap((p) => lowerOutput(p).map((m) => resolveNamespaceLabels(m, options.namespaceLabels)))));
    return v;
  };
  return { models, loweredOf };
}

/** Verifies the translator's own outputs; rejects (does not write) a translation found wider without notice. */
export function verifyTranslation(result: PipelineResult, internals: PipelineInternals, options: TranslateOptions): void {
  const opts = verifyOptions(options, internals.assumedExternal, 3);
  const bySource = new Map<number, OutputPolicy[]>();
  for (const o of result.outputs) addTo(bySource, o.source, o.policy);
  const { models, loweredOf } = verifierView(internals, options, (i) => bySource.get(i) ?? []);
  const rejected = new Set<number>();
  const natives = models.flat().filter((m) => m.cni === 'native');
  const compiledResults = verifyCompiledSources(
    { models, compiled: internals.compiled, outputsOf: loweredOf },
    opts,
  );
  // The output of a family (with the natives), computed once per family rather than once per compiled source.
  const afterByFamily = new Map<string, ModelPolicy[]>();
  const inContext = (i: number) => {
    if (!internals.compiled.has(i)) return undefined;
    const cni = models[i]![0]!.cni;
    let after = afterByFamily.get(cni);
    if (!after) afterByFamily.set(cni, (after = [...models.flatMap((m, j) => (m.some((p) => p.cni === cni) ? loweredOf(j) : [])), ...natives]));
    return { after };
  };
  verifySources(models, loweredOf, opts, (i, r) => {
    const s = result.sources[i]!;
    const ctx = inContext(i);
    if (ctx) {
      // In context, a difference at this source's pods may come from another policy: a native one an earlier
      // Calico Deny used to overrule, a Cilium deny of the node (both reported on that policy). Only what this
      // source's own rules let through is its own: with its rules removed (its pods still isolated), the rest of
      // the output must deny it.
      const others = [...ctx.after.filter((m) => !loweredOf(i).includes(m)), ...loweredOf(i).map(withoutRules)];
      const own = (w: Witness) => evaluateConnectionDetailed(others, w.cluster, w.connection).verdict !== 'allow';
      r = { ...r, wider: r.wider.filter(own), unknown: r.unknown.filter((u) => !(u.witness.after === 'allow' && u.witness.before !== 'allow') || own(u.witness)) };
      r.verdict = verdictOfWitnesses(r);
    }
    s.witnesses = witnessTexts(r);
    s.verdict = r.verdict;
    // The translator must never widen without saying so (issue #4): that is a bug, and the policy is not written.
    // Allowing a connection whose original verdict is unknown (an L7 or ICMP part decided it) may widen too.
    const maybeWider = r.unknown.find((u) => u.witness.after === 'allow' && u.witness.before !== 'allow');
    if ((r.wider.length > 0 || maybeWider) && s.outputs.length > 0 && !announcesWidening(s.findings)) {
      const text = r.wider[0]?.text ?? maybeWider?.witness.text ?? 'no witness';
      s.findings.push(findingAt(internals.objects[i]!, [], 'output/verifier-wider', 'error', `internal error: the verifier found the translation wider than the original (${text}); it is not written, so its pods lose this policy`, 'wider', []));
      rejected.add(i);
      s.outputs = [];
    }
  }, compiledResults);
  if (rejected.size > 0) result.outputs = result.outputs.filter((o) => !rejected.has(o.source));
  const afterOf = (cni: 'calico' | 'cilium') => models.flatMap((m, i) => (m.some((p) => p.cni === cni) && !rejected.has(i) ? loweredOf(i) : []));
  const whole = verifyWhole(models, afterOf, verifyOptions(options, internals.assumedExternal, 10));
  if (whole) result.wholeSet = whole;
}

/** The same native policy with its rules removed: it only isolates its pods. */
function withoutRules(m: ModelPolicy): ModelPolicy {
  return { ...m, ...(m.ingress ? { ingress: { ...m.ingress, rules: [] } } : {}), ...(m.egress ? { egress: { ...m.egress, rules: [] } } : {}) };
}

/** The annotation that names an output's source (written by `convert`). */
const SOURCE_ANNOTATION = 'netpol-migrate.io/source';

/**
 * `verify --against`: compares the originals with a given set of native policies (written by hand or by another
 * tool) instead of the translator's output. Policies that name their source in the `netpol-migrate.io/source`
 * annotation are compared per source; all of them together against the whole set.
 */
export function verifyAgainst(result: PipelineResult, internals: PipelineInternals, against: OutputPolicy[], options: TranslateOptions): void {
  const opts = verifyOptions(options, internals.assumedExternal, 5);
  const bySource = new Map<string, OutputPolicy[]>();
  for (const p of against) {
    const key = p.metadata.annotations?.[SOURCE_ANNOTATION];
    if (key) addTo(bySource, key, p);
  }
  const keyOf = (s: SourceReport) => `${s.ref.apiVersion}/${s.ref.kind} ${s.ref.namespace ? s.ref.namespace + '/' : ''}${s.ref.name}`;
  const { models, loweredOf } = verifierView(internals, options, (i) => bySource.get(keyOf(result.sources[i]!)) ?? []);
  const lowerResolved = (p: OutputPolicy) => lowerOutput(p).map((m) => resolveNamespaceLabels(m, options.namespaceLabels));
  const matched = new Set<number>();
  result.sources.forEach((s, i) => {
    // Nothing of the translator's own output is written or compared in this mode.
    s.outputs = [];
    if (bySource.has(keyOf(s))) matched.add(i);
    else if (models[i]!.some((m) => m.cni !== 'native')) {
      s.verdict = 'unknown';
      s.witnesses = { narrower: [], wider: [], unknown: [] };
      s.findings.push(findingAt(internals.objects[i]!, [], 'output/against-unmatched', 'info', 'no policy of --against names this source (annotation netpol-migrate.io/source): only the whole-set verdict covers it', 'none'));
    }
  });
  // Ordered sources (Deny, Pass, tiers) are compared in context, as the translator's own compiled outputs are: what
  // a given policy must allow depends on the others.
  const inContext = new Set([...internals.compiled].filter((i) => matched.has(i)));
  const contextual = verifyCompiledSources(
    { models, compiled: inContext, outputsOf: loweredOf },
    opts,
  );
  verifySources(
    models.map((m, i) => (matched.has(i) ? m : [])),
    loweredOf,
    opts,
    (i, r) => {
      const s = result.sources[i]!;
      s.witnesses = witnessTexts(r);
      s.verdict = r.verdict;
    },
    contextual,
  );
  // A policy that names its source belongs to that source's family; one that does not is compared with both.
  const familyOfPolicy = (p: OutputPolicy) => {
    const src = p.metadata.annotations?.[SOURCE_ANNOTATION] ?? '';
    return src.startsWith('cilium.io/') ? 'cilium' : src.includes('projectcalico.org/') ? 'calico' : undefined;
  };
  const lowered = against.map((p) => ({ family: familyOfPolicy(p), models: lowerResolved(p) }));
  const afterOf = (cni: 'calico' | 'cilium') => lowered.filter((x) => x.family === undefined || x.family === cni).flatMap((x) => x.models);
  const whole = verifyWhole(models, afterOf, { ...opts, maxWitnesses: 20 });
  if (whole) result.wholeSet = whole;
  result.outputs = [];
}

/** A source whose findings already say it may allow more (a stated assumption, widen mode, a refusal). */
function announcesWidening(findings: Finding[]): boolean {
  return findings.some((f) => f.effect === 'wider' || f.effect === 'unknown');
}

/**
 * Final status and verdict of each source: `partial` when something that matters was dropped; the verifier's
 * verdict when it ran (an assumption still turns `exact` into `unknown`), else the translator's claim; `skipped` when
 * nothing was emitted and nothing changes.
 */
export function finalizeSources(result: PipelineResult): void {
  for (const s of result.sources) {
    s.findings = normalizeFindings(s.findings);
    if (s.status === 'converted' && s.findings.some(isLossy)) s.status = 'partial';
    const claimed = verdictOf(s.findings);
    if (!s.witnesses) s.verdict = claimed;
    else if ((s.verdict === 'exact' || s.verdict === 'unknown') && (claimed === 'wider' || claimed === 'narrower+wider')) s.verdict = claimed; // widened on purpose
    else if (s.verdict === 'exact' && s.findings.some((f) => f.effect === 'unknown')) s.verdict = 'unknown';
    if ((s.status === 'skipped' || s.status === 'invalid') && (s.verdict === 'exact' || s.verdict === 'unknown')) s.verdict = 'skipped';
  }
}

/** A finding that changes what is allowed, or that drops something that matters (not merely a Log rule). */
function isLossy(f: Finding): boolean {
  return f.effect !== 'none' || (f.dropped !== undefined && f.severity !== 'info');
}

/** The translator's own claim, from the effects of its findings. */
function verdictOf(findings: Finding[]): Verdict {
  const narrower = findings.some((f) => f.effect === 'narrower');
  const wider = findings.some((f) => f.effect === 'wider');
  if (narrower && wider) return 'narrower+wider';
  if (wider) return 'wider';
  if (narrower) return 'narrower';
  if (findings.some((f) => f.effect === 'unknown')) return 'unknown';
  return 'exact';
}

function witnessTexts(r: VerifyResult): Witnesses {
  const w: Witnesses = { narrower: r.narrower.map((x) => x.text), wider: r.wider.map((x) => x.text), unknown: r.unknown.map((x) => x.witness.text) };
  if (r.incomplete) w.incomplete = r.incomplete;
  return w;
}

function mergeWitnesses(list: Witnesses[]): Witnesses {
  const w: Witnesses = { narrower: list.flatMap((x) => x.narrower), wider: list.flatMap((x) => x.wider), unknown: list.flatMap((x) => x.unknown) };
  const inc = list.find((x) => x.incomplete)?.incomplete;
  if (inc) w.incomplete = inc;
  return w;
}

function combineVerdicts(list: Verdict[]): Verdict {
  const n = list.some((v) => v === 'narrower' || v === 'narrower+wider');
  const w = list.some((v) => v === 'wider' || v === 'narrower+wider');
  if (n && w) return 'narrower+wider';
  if (w) return 'wider';
  if (n) return 'narrower';
  return list.includes('unknown') ? 'unknown' : 'exact';
}
