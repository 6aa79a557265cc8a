/**
 * Verdicts of compiled sources (issue #5). A compiled policy's output carries the effect of the others of its
 * family (an earlier Deny subtracts from its allows), so it is compared in context: per namespace, every policy
 * that may select pods there, before and after, with the differences counted at the pods each compiled source
 * selects. One comparison per namespace serves all compiled sources there; each witness goes to the sources that
 * select its subject pod.
 */
import { addTo } from '../model/multimap.js';
import { matchesConj } from '../model/labels.js';
import type { ModelPolicy } from '../model/policy.js';
import { compareAllowed, verdictOfWitnesses, type VerifyOptions, type VerifyResult, type Witness } from '../verify/index.js';

/** Longest one namespace's comparison may run. */
const PER_NAMESPACE_MS = 5000;

export interface CompiledContext {
  models: ModelPolicy[][];
  compiled: ReadonlySet<number>;
  /** Native policies of the output (lowered) of each source. */
  outputsOf: (i: number) => ModelPolicy[];
}

/** Does the policy select the witness's subject pod? */
function selects(models: readonly ModelPolicy[], w: Witness): boolean {
  const pod = w.subject;
  if (pod.kind !== 'pod') return false;
  return models.some((m) => (m.namespace === null || m.namespace === pod.namespace) && m.subject.terms.some((t) => matchesConj(t.namespaces, pod.namespaceLabels) && matchesConj(t.pods, pod.labels)));
}

export function verifyCompiledSources(ctx: CompiledContext, opts: VerifyOptions): Map<number, VerifyResult> {
  const out = new Map<number, VerifyResult>();
  const natives = ctx.models.flatMap((m) => m.filter((p) => p.cni === 'native'));
  const families = new Map<string, number[]>();
  ctx.models.forEach((m, i) => {
    for (const cni of new Set(m.map((p) => p.cni))) addTo(families, cni, i);
  });
  const groups = new Map<string, { cni: string; ns: string; members: number[] }>();
  for (const i of ctx.compiled) {
    const cni = ctx.models[i]![0]!.cni;
    // The namespaces it has outputs in, and its own (an output may be empty there).
    const namespaces = new Set([...ctx.outputsOf(i), ...ctx.models[i]!].flatMap((m) => (m.namespace === null ? [] : [m.namespace])));
    for (const ns of namespaces) {
      const key = `${cni}/${ns}`;
      const g = groups.get(key);
      if (g) g.members.push(i);
      else groups.set(key, { cni, ns, members: [i] });
    }
    out.set(i, { verdict: 'exact', narrower: [], wider: [], unknown: [], unconfirmed: 0 });
  }
  for (const { cni, ns, members } of groups.values()) {
    const family = families.get(cni) ?? [];
    const local = (p: ModelPolicy) => p.namespace === null || p.namespace === ns;
    const localNatives = natives.filter(local);
    const before = [...family.flatMap((i) => ctx.models[i]!.filter(local)), ...localNatives];
    // Cluster-scoped outputs (ClusterNetworkPolicies) count in every namespace.
    const after = [...family.flatMap((i) => ctx.outputsOf(i).filter(local)), ...localNatives];
    const max = Math.min(50, 3 * members.length);
    const r = compareAllowed(before, after, { ...opts, timeLimitMs: Math.min(PER_NAMESPACE_MS, opts.timeLimitMs ?? PER_NAMESPACE_MS), maxWitnesses: max, focus: members.flatMap((i) => ctx.models[i]!), focusNamespaces: [ns] });
    // A capped search may have missed the differences of some members: their verdict is not known to be exact.
    const capped = r.narrower.length >= max || r.wider.length >= max || r.unknown.length >= max;
    for (const i of members) {
      const own = ctx.models[i]!;
      const res = out.get(i)!;
      res.narrower.push(...r.narrower.filter((w) => selects(own, w)));
      res.wider.push(...r.wider.filter((w) => selects(own, w)));
      res.unknown.push(...r.unknown.filter((u) => selects(own, u.witness)));
      res.unconfirmed += r.unconfirmed;
      const found = res.narrower.length + res.wider.length + res.unknown.length > 0;
      const incomplete = r.incomplete ?? (capped && !found ? 'the witness search of the namespace stopped at its limit; some differences may have no witness' : undefined);
      if (incomplete) res.incomplete ??= incomplete;
    }
  }
  for (const res of out.values()) {
    res.verdict = verdictOfWitnesses(res);
  }
  return out;
}
