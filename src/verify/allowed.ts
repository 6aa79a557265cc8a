/**
 * The allowed set of a policy list for one direction, restricted to the subject pods of one namespace cell, as a
 * pair `{L, U}` of box unions: L = surely allowed, U = possibly allowed (U − L is `unknown`).
 *
 * The same semantics as the concrete evaluator (concrete.ts), written as set algebra, where each uncertain subject
 * or rule is a free boolean per point:
 * - native / Cilium: deny over allow over default deny of isolating policies;
 *     CanAllow = ((⋃ₚ Sᵁ∩Aᵁ − Dₚᴸ) ∪ ¬⋃ᵢₛₒ Sᴸ) − ⋃ Sᴸ∩Dᴸ
 *     CanDeny  = ⋃ Sᵁ∩Dᵁ ∪ (⋃ᵢₛₒ (Sᵁ − Aₚᴸ) − ⋃ Sᴸ∩Aᴸ)
 * - Calico: the tier walk run backwards; at rule r with match M and continuation X,
 *     X ← (Mᵁ ∩ X_action) ∪ (X − Mᴸ); at policy p with subject S: X ← (Sᵁ ∩ X_rules) ∪ (X − Sᴸ),
 *   with two continuations per tier (a policy of the tier selected the pod or not) for the end-of-tier deny.
 * L = ¬CanDeny and U = CanAllow.
 */
import type { Direction } from '../model/policy.js';
import { HOST_ENTITY } from './common.js';
import { vs, type LabelBox } from './labelset.js';
import { tri, type PolicyRegions, type Tri } from './regions.js';
import { ALL_PORTS, ANY_EP, type Box, type Space } from './space.js';

export interface CellContext {
  space: Space;
  /** Constraint on the subject's namespace labels that defines the cell. */
  cellNs: LabelBox;
  /** The whole cell: subject pods of the cell × every peer × every port. */
  univ: Box[];
  /** Regions are already restricted to the cell (the subject is fixed, see symbolic.ts atoms). */
  whole?: boolean;
}

export function cellContext(space: Space, cellNs: LabelBox): CellContext {
  const a = space.pod(cellNs, new Map());
  const b = space.box(a, ANY_EP);
  return { space, cellNs, univ: b ? [b] : [] };
}

function inCell(ctx: CellContext, t: Tri): Tri {
  const { space } = ctx;
  if (ctx.whole) return t;
  const L = space.and(t.L, ctx.univ);
  if (t.exact) return tri(L);
  return tri(L, space.and(t.U, ctx.univ));
}

function hostBoxes(ctx: CellContext): Box[] {
  const a = ctx.univ[0]?.a ?? null;
  const b = ctx.space.box(a, ctx.space.ent(vs(false, [HOST_ENTITY])), ALL_PORTS);
  return b ? [b] : [];
}

function unionTri(ts: Tri[]): Tri {
  const L = ts.flatMap((t) => t.L);
  if (ts.every((t) => t.exact)) return tri(L);
  return tri(L, ts.flatMap((t) => t.U));
}

export interface Allowed {
  L: Box[];
  U: Box[];
  exact: boolean;
}

/** One Calico tier, its policies in evaluation order (only those that may select pods of the cell). */
export interface CalicoTier {
  defaultPass: boolean;
  policies: PolicyRegions[];
}

/** Native and Cilium semantics in one cell (module comment). */
export function ciliumAllowed(policies: readonly PolicyRegions[], direction: Direction, ctx: CellContext): Allowed {
  const { space, univ } = ctx;
  const denyL: Box[] = [];
  const denyU: Box[] = [];
  const allowL: Box[] = [];
  const ddL: Box[] = [];
  const inner: Box[] = [];
  const isolating: Array<{ S: Tri; A: Tri }> = [];
  let exact = true;
  for (const pr of policies) {
    const dr = pr[direction];
    if (!dr) continue;
    const S = inCell(ctx, pr.subject);
    if (S.U.length === 0) continue;
    const A = unionTri(dr.rules.filter((r) => r.action === 'allow').map((r) => r.m));
    const D = unionTri(dr.rules.filter((r) => r.action === 'deny').map((r) => r.m));
    exact = exact && S.exact && A.exact && D.exact;
    const saU = space.and(S.U, A.U);
    if (D.U.length) {
      const du = space.and(S.U, D.U);
      denyU.push(...du);
      denyL.push(...(S.exact && D.exact ? du : space.and(S.L, D.L)));
    }
    allowL.push(...(S.exact && A.exact ? saU : space.and(S.L, A.L)));
    inner.push(...(D.L.length ? space.minus(saU, D.L) : saU));
    if (dr.isolates) {
      ddL.push(...S.L);
      isolating.push({ S, A });
    }
  }
  if (direction === 'ingress') {
    // The pod's own node: a lowest-priority allow (cilium §2.3 step 4; native always allows it, and has no denies).
    const host = hostBoxes(ctx);
    inner.push(...host);
    allowL.push(...host);
  }
  const canAllow = space.compact(space.minus([...inner, ...space.minus(univ, ddL)], denyL));
  if (exact) return { L: canAllow, U: canAllow, exact: true };
  const isoMinusAllow = isolating.flatMap(({ S, A }) => space.minus(S.U, A.L));
  const canDeny = [...denyU, ...space.minus(isoMinusAllow, allowL)];
  return { L: space.compact(space.minus(univ, canDeny)), U: canAllow, exact: false };
}

/** Calico: CanAllow / CanDeny by the backward tier walk (module comment). */
export function calicoAllowed(chain: readonly CalicoTier[], direction: Direction, ctx: CellContext): Allowed {
  const { space, univ } = ctx;
  const tiers = chain.map((ct) => ({
    defaultPass: ct.defaultPass,
    policies: ct.policies
      .map((pr) => ({ S: inCell(ctx, pr.subject), rules: pr[direction]!.rules.map((r) => ({ action: r.action, m: inCell(ctx, r.m) })) }))
      .filter((p) => p.S.U.length > 0),
  }));
  const exact = tiers.every((t) => t.policies.every((p) => p.S.exact && p.rules.every((r) => r.m.exact)));
  const walk = (goal: 'allow' | 'deny'): Box[] => {
    const ALL = univ;
    const NONE: Box[] = [];
    let next: Box[] = goal === 'allow' ? ALL : NONE;
    for (let t = tiers.length - 1; t >= 0; t--) {
      const tier = tiers[t]!;
      if (tier.policies.length === 0) continue;
      const endT = tier.defaultPass ? next : goal === 'allow' ? NONE : ALL;
      // With a Pass default both continuations are the same: compute one.
      const same = endT === next;
      let curT = endT;
      let curF = next;
      for (let i = tier.policies.length - 1; i >= 0; i--) {
        const pol = tier.policies[i]!;
        let r = curT;
        for (let j = pol.rules.length - 1; j >= 0; j--) {
          const { action, m } = pol.rules[j]!;
          if (action === 'log') continue;
          const act = action === 'allow' ? (goal === 'allow' ? ALL : NONE) : action === 'deny' ? (goal === 'allow' ? NONE : ALL) : next;
          const kept = m.L.length ? space.minus(r, m.L) : r;
          if (act === ALL) r = [...m.U, ...kept];
          else if (act === NONE) r = kept;
          else r = [...space.and(m.U, act), ...kept];
          r = space.compact(r);
        }
        const sel = space.and(pol.S.U, r);
        curT = space.compact([...sel, ...(pol.S.L.length ? space.minus(curT, pol.S.L) : curT)]);
        curF = same ? curT : space.compact([...sel, ...(pol.S.L.length ? space.minus(curF, pol.S.L) : curF)]);
      }
      next = curF;
    }
    return next;
  };
  let canAllow = walk('allow');
  if (exact) {
    if (direction === 'ingress') canAllow = [...canAllow, ...hostBoxes(ctx)];
    return { L: canAllow, U: canAllow, exact: true };
  }
  const canDeny = walk('deny');
  let L = space.minus(univ, canDeny);
  if (direction === 'ingress') {
    const host = hostBoxes(ctx);
    canAllow = [...canAllow, ...host];
    L = [...L, ...host];
  }
  return { L, U: canAllow, exact: false };
}

