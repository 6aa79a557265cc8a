/**
 * Fail-closed handling of order and deny across policies. Native policy is an allow-only union, so an allow rule
 * that an earlier Calico decision (a Deny or Pass, or the end of an earlier tier, calico T4/T7) or a Cilium deny
 * (deny beats allow, cilium §7) could overrule would let through traffic the original denied. Such allow rules are
 * dropped: the result is narrower, never wider. Native policies of the input cannot be changed, so when the original
 * engine overruled them the tool reports that they will allow more after migration (calico T51, cilium T49).
 */
import { rulesMayOverlap, subjectsMayOverlap } from '../model/overlap.js';
import type { CalicoOrder, Direction, ModelPolicy, ModelRule } from '../model/policy.js';

export interface Shadow {
  code: string;
  message: string;
}

export interface NativeShadow {
  policy: ModelPolicy;
  direction: Direction;
  rule: ModelRule;
  code: string;
  message: string;
}

export interface OrderingResult {
  dropped: Map<ModelRule, Shadow>;
  native: NativeShadow[];
}

const NATIVE_ORDER: CalicoOrder = { tier: 'default', tierOrder: 1_000_000, order: 1000, tieKey: '' };

export function analyzeOrdering(policies: ModelPolicy[]): OrderingResult {
  const result: OrderingResult = { dropped: new Map(), native: [] };
  if (policies.some((p) => p.cni === 'calico')) calicoOrdering(policies, result);
  if (policies.some((p) => p.cni === 'cilium')) ciliumDenies(policies, result);
  return result;
}

function describe(p: ModelPolicy): string {
  const r = p.source.ref;
  return `${r.kind} ${r.namespace ? r.namespace + '/' : ''}${r.name}`;
}

/** Allow rules of a direction that come before the first Deny or Pass (the later ones are dropped anyway). */
export function leadingAllows(rules: ModelRule[]): ModelRule[] {
  const out: ModelRule[] = [];
  for (const r of rules) {
    if (r.action === 'deny' || r.action === 'pass') break;
    if (r.action === 'allow') out.push(r);
  }
  return out;
}

/** Groups policies by namespace; cluster-wide ones under null. */
function byNamespace(list: ModelPolicy[]): Map<string | null, ModelPolicy[]> {
  const m = new Map<string | null, ModelPolicy[]>();
  for (const p of list) {
    const l = m.get(p.namespace) ?? [];
    l.push(p);
    m.set(p.namespace, l);
  }
  return m;
}

function candidates(index: Map<string | null, ModelPolicy[]>, p: ModelPolicy): ModelPolicy[] {
  if (p.namespace === null) return [...index.values()].flat();
  return [...(index.get(p.namespace) ?? []), ...(index.get(null) ?? [])];
}

function calicoOrdering(policies: ModelPolicy[], result: OrderingResult): void {
  const ordered = policies
    .filter((p) => p.cni === 'calico' || p.cni === 'native')
    .map((p) => ({ p, o: p.calicoOrder ?? NATIVE_ORDER }))
    .sort((a, b) => a.o.tierOrder - b.o.tierOrder || cmp(a.o.tier, b.o.tier) || a.o.order - b.o.order || cmp(a.o.tieKey, b.o.tieKey));
  const position = new Map(ordered.map((e, i) => [e.p, i]));
  // Only policies that can overrule a later one: those with Deny/Pass rules, and those in a tier that is not the
  // last tier present (the end of a tier denies what the tier did not allow).
  const tiers = [...new Set(ordered.map((e) => e.o.tier))];
  const lastTier = tiers[tiers.length - 1];
  const unknownTiers = ordered.some((e) => e.o.tierUnknown);
  const shadowers = byNamespace(
    ordered.filter((e) => e.o.tier !== lastTier || unknownTiers || ['ingress', 'egress'].some((d) => (e.p[d as Direction]?.rules ?? []).some((r) => r.action === 'deny' || r.action === 'pass'))).map((e) => e.p),
  );
  for (const { p: q, o: qo } of ordered) {
    for (const d of ['ingress', 'egress'] as const) {
      const dir = q[d];
      if (!dir) continue;
      const allows = q.cni === 'native' ? dir.rules : leadingAllows(dir.rules);
      if (allows.length === 0) continue;
      for (const r of allows) {
        for (const p of candidates(shadowers, q)) {
          if (p === q) continue;
          const po = p.calicoOrder ?? NATIVE_ORDER;
          // An unknown tier may sort anywhere; equal orders sort by a key that changed in Calico 3.32 (calico §3.3,
          // T8): in both cases P may come first, whatever the position computed here says.
          const uncertain = (po.tier !== qo.tier && (po.tierUnknown || qo.tierUnknown)) || (po.tier === qo.tier && po.order === qo.order);
          if (position.get(p)! > position.get(q)! && !uncertain) continue;
          const pd = p[d];
          if (!pd || !subjectsMayOverlap(p, q)) continue;
          let why: string | undefined;
          const overruling = pd.rules.find((x) => (x.action === 'deny' || x.action === 'pass') && rulesMayOverlap(x, r));
          const first = uncertain ? (po.tier !== qo.tier ? 'may be evaluated first (its tier\'s order is unknown)' : 'has the same order, so which one Calico evaluates first depends on its version (3.32 changed the tie-break)') : 'is evaluated first';
          if (overruling) why = `${describe(p)} ${first} and its ${overruling.action === 'deny' ? 'Deny' : 'Pass'} rule may match this traffic`;
          else if (po.tier !== qo.tier && !p.tierDefaultPass) why = `${describe(p)} in ${uncertain ? 'the tier' : 'the earlier tier'} "${po.tier}" ${uncertain ? `(order unknown) ` : ''}selects the same pods, and the end of that tier denies what it does not allow`;
          if (!why) continue;
          if (q.cni === 'native') {
            result.native.push({ policy: q, direction: d, rule: r, code: 'calico/shadows-native', message: `under Calico, ${why}; after migration this native rule allows it` });
          } else if (!result.dropped.has(r)) {
            result.dropped.set(r, { code: 'calico/ordering', message: `${why}; this allow rule is dropped (fail-closed) until ordering is compiled exactly` });
          }
          break;
        }
      }
    }
  }
}

function ciliumDenies(policies: ModelPolicy[], result: OrderingResult): void {
  const deniers = byNamespace(policies.filter((p) => p.cni === 'cilium' && ['ingress', 'egress'].some((d) => (p[d as Direction]?.rules ?? []).some((r) => r.action === 'deny'))));
  if (deniers.size === 0) return;
  for (const q of policies) {
    if (q.cni !== 'cilium' && q.cni !== 'native') continue;
    for (const d of ['ingress', 'egress'] as const) {
      const dir = q[d];
      if (!dir) continue;
      for (const r of dir.rules) {
        if (r.action !== 'allow') continue;
        for (const p of candidates(deniers, q)) {
          const pd = p[d];
          if (!pd || !subjectsMayOverlap(p, q)) continue;
          const deny = pd.rules.find((x) => x.action === 'deny' && rulesMayOverlap(x, r));
          if (!deny) continue;
          const why = `a deny rule of ${describe(p)} may match this traffic, and Cilium denies beat every allow`;
          if (q.cni === 'native') result.native.push({ policy: q, direction: d, rule: r, code: 'cilium/deny-shadows-native', message: `under Cilium, ${why}; after migration this native rule allows it` });
          else if (!result.dropped.has(r)) result.dropped.set(r, { code: 'cilium/deny', message: `${why}; this allow rule is dropped (fail-closed)` });
          break;
        }
      }
    }
  }
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
