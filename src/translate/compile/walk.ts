/**
 * The allowed set of an ordered policy list, attributed to the policies whose rules allow it: the forward
 * counterpart of the verifier's backward walk (verify/allowed.ts), for the subject pods of one namespace and one
 * direction. Every region is a pair {L, U} (surely / possibly matched); the walk keeps only points that SURELY reach
 * a rule and SURELY match it, so what it attributes is never more than the original allows (fail-closed).
 */
import type { ModelPolicy, ModelRule } from '../../model/policy.js';
import type { Tri } from '../../verify/regions.js';
import type { Box, Space } from '../../verify/space.js';

export interface WalkRule {
  rule: ModelRule;
  m: Tri;
}

export interface WalkEntry {
  policy: ModelPolicy;
  /** The policy's subject pods in the namespace × every peer × every port. */
  S: Tri;
  isolates: boolean;
  rules: WalkRule[];
}

export interface WalkTier {
  defaultPass: boolean;
  entries: WalkEntry[];
}

/** Allowed boxes per policy of `want` (each box's subject inside that policy's subject), and the allow rules that
 * decide at least one connection. */
export interface Attributed {
  boxes: Map<ModelPolicy, Box[]>;
  reached: Set<ModelRule>;
  /** Why each box is allowed: the allow rule, or `end` (nothing decided it: passed beyond the last tier, or a Cilium
   * pod no policy isolates). */
  origin: Map<Box, ModelRule | 'end'>;
}

function add(out: Attributed, p: ModelPolicy, boxes: Box[], rule?: ModelRule): void {
  if (boxes.length === 0) return;
  if (rule) out.reached.add(rule);
  for (const b of boxes) out.origin.set(b, rule ?? 'end');
  const prev = out.boxes.get(p);
  if (prev) prev.push(...boxes);
  else out.boxes.set(p, [...boxes]);
}

/**
 * Calico (calico §3.1–§3.4): tiers in order, policies in order, rules first-match; Allow and Deny end the walk,
 * Pass jumps to the next tier; a tier that selected the pod and matched nothing denies (or passes with
 * `defaultAction: Pass`); a pod no tier selects, and traffic passed beyond the last tier, is allowed.
 * A policy of `want` also carries what reaches the end for its pods, because its output isolates them.
 */
export function calicoWalk(space: Space, cell: Box[], tiers: readonly WalkTier[], want: ReadonlySet<ModelPolicy>): Attributed {
  // The reach set stays a union of disjoint boxes (each step removes what it decides, and what it adds is disjoint
  // from what stays), so it never needs compacting.
  const out: Attributed = { boxes: new Map(), reached: new Set(), origin: new Map() };
  let reach: Box[] = cell;
  const selectedBy: WalkEntry[] = [];
  for (const tier of tiers) {
    let cur = reach;
    const passed: Box[] = [];
    const selU: Box[] = [];
    const selL: Box[] = [];
    for (const e of tier.entries) {
      if (e.S.U.length === 0) continue;
      selectedBy.push(e);
      let within = space.and(cur, e.S.L);
      for (const r of e.rules) {
        if (r.rule.action === 'log' || within.length === 0) continue;
        if (r.rule.action === 'allow' && want.has(e.policy)) add(out, e.policy, space.and(within, r.m.L), r.rule);
        else if (r.rule.action === 'pass') passed.push(...space.and(within, r.m.L));
        within = space.minus(within, r.m.U);
      }
      // Pods the policy may select leave the surely-known path unless they surely fell through every rule.
      cur = [...space.minus(cur, e.S.U), ...within];
      selU.push(...e.S.U);
      selL.push(...e.S.L);
    }
    const fellThrough = tier.defaultPass ? space.and(cur, selL) : [];
    reach = [...space.minus(cur, selU), ...passed, ...fellThrough];
  }
  // What reaches the end is carried once, by the first compiled policy (in evaluation order) that selects the pod.
  let rest = reach;
  for (const e of selectedBy) {
    if (!want.has(e.policy) || rest.length === 0) continue;
    add(out, e.policy, space.and(rest, e.S.L));
    rest = space.minus(rest, e.S.L);
  }
  return out;
}

/**
 * Cilium (cilium §2.3, §7) and native policies under Cilium: a deny of any policy that selects the pod beats every
 * allow; a pod that no isolating policy selects allows everything that is not denied.
 */
export function ciliumWalk(space: Space, entries: readonly WalkEntry[], want: ReadonlySet<ModelPolicy>): Attributed {
  const out: Attributed = { boxes: new Map(), reached: new Set(), origin: new Map() };
  const denied: Box[] = [];
  const isolated: Box[] = [];
  for (const e of entries) {
    for (const r of e.rules) if (r.rule.action === 'deny') denied.push(...space.and(e.S.U, r.m.U));
    if (e.isolates) isolated.push(...e.S.U);
  }
  for (const e of entries) {
    if (!want.has(e.policy)) continue;
    for (const r of e.rules) if (r.rule.action === 'allow') add(out, e.policy, space.compact(space.minus(space.and(e.S.L, r.m.L), denied)), r.rule);
    if (!e.isolates) add(out, e.policy, space.compact(space.minus(space.minus(e.S.L, isolated), denied)));
  }
  return out;
}
