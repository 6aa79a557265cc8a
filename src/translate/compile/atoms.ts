/**
 * The walk per subject atom: the subject pods of the namespace are cut by every subject selector (and named-port
 * condition on the subject) of the policies, so that inside an atom every policy surely selects, possibly selects
 * or does not select, and every rule box surely applies or does not. The walk then only splits peers and ports, and
 * atoms that see the same policies share one walk (the verifier does the same, verify/symbolic.ts).
 * Without this the reach set is cut along the subject too, and its pieces multiply with every policy.
 */
import type { ModelPolicy } from '../../model/policy.js';
import { tri, type Tri } from '../../verify/regions.js';
import { ALL_PORTS, ANY_EP, type Box, type Ep, type Space } from '../../verify/space.js';
import { refine } from '../../verify/symbolic.js';
import type { Attributed, WalkEntry, WalkTier } from './walk.js';

/** Most atoms per namespace before the walk falls back to carrying the subject in its boxes. */
const MAX_ATOMS = 256;

export function subjectAtoms(space: Space, cellA: Ep, entries: readonly WalkEntry[]): Ep[] | null {
  const cuts: Ep[] = [];
  for (const e of entries) {
    for (const b of [...e.S.L, ...e.S.U]) cuts.push(b.a);
    for (const r of e.rules) for (const b of [...r.m.L, ...r.m.U]) if (b.a !== space.podU) cuts.push(b.a);
  }
  return refine(space, cellA, cuts, MAX_ATOMS);
}

const holds = (space: Space, boxes: readonly Box[], atom: Ep) => boxes.some((b) => b.a === space.podU || space.epSubset(atom, b.a));

/** The entry as seen by the pods of one atom (subject fixed to the whole pod universe); null when it never selects them. */
function restrict(space: Space, e: WalkEntry, atom: Ep): { entry: WalkEntry; key: string } | null {
  const sure = holds(space, e.S.L, atom);
  if (!sure && !holds(space, e.S.U, atom)) return null;
  const univ: Box = { a: space.podU, b: ANY_EP, port: ALL_PORTS };
  const onAtom = (boxes: readonly Box[]) => boxes.filter((b) => b.a === space.podU || space.epSubset(atom, b.a)).map((b) => (b.a === space.podU ? b : { a: space.podU, b: b.b, port: b.port }));
  const keys: string[] = [];
  const rules = e.rules.map((r, i) => {
    if (r.m.L.every((b) => b.a === space.podU) && r.m.U.every((b) => b.a === space.podU)) return r;
    const L = onAtom(r.m.L);
    const m: Tri = r.m.exact ? tri(L) : tri(L, onAtom(r.m.U));
    // Which of the rule's boxes apply, not how many: two atoms may keep the same number of different boxes (one named
    // port each), and atoms that share a key share one walk (as verify/symbolic.ts keys its atoms).
    const mask = (boxes: readonly Box[]) => boxes.map((b) => (b.a === space.podU || space.epSubset(atom, b.a) ? 1 : 0)).join('');
    keys.push(`${i}:${mask(r.m.L)}/${mask(r.m.U)}`);
    return { ...r, m };
  });
  const S = sure ? tri([univ]) : tri([], [univ]);
  return { entry: { ...e, S, rules }, key: `${sure ? 's' : 'p'}${keys.join(',')}` };
}

/**
 * Runs `walk` once per group of atoms that see the same policies, and gives each allowed box its atom back as
 * subject.
 */
export function walkPerAtom(
  space: Space,
  atoms: readonly Ep[],
  tiers: readonly WalkTier[],
  walk: (cell: Box[], tiers: WalkTier[]) => Attributed,
): Attributed {
  const out: Attributed = { boxes: new Map(), reached: new Set(), origin: new Map() };
  const bySig = new Map<string, { atoms: Ep[]; tiers: WalkTier[] }>();
  const ids = new Map<ModelPolicy, number>();
  tiers.forEach((t) => t.entries.forEach((e) => ids.set(e.policy, ids.size)));
  for (const atom of atoms) {
    const seen: WalkTier[] = [];
    const sig: string[] = [];
    for (const t of tiers) {
      const entries: WalkEntry[] = [];
      for (const e of t.entries) {
        const r = restrict(space, e, atom);
        if (!r) continue;
        entries.push(r.entry);
        sig.push(`${ids.get(e.policy)}${r.key}`);
      }
      sig.push('|');
      seen.push({ defaultPass: t.defaultPass, entries });
    }
    const k = sig.join(';');
    const g = bySig.get(k);
    if (g) g.atoms.push(atom);
    else bySig.set(k, { atoms: [atom], tiers: seen });
  }
  const cell: Box[] = [{ a: space.podU, b: ANY_EP, port: ALL_PORTS }];
  for (const g of bySig.values()) {
    const r = walk(cell, g.tiers);
    r.reached.forEach((x) => out.reached.add(x));
    for (const [p, boxes] of r.boxes) {
      const list = out.boxes.get(p) ?? [];
      for (const atom of g.atoms) {
        for (const b of boxes) {
          const nb: Box = { a: atom, b: b.b, port: b.port };
          list.push(nb);
          out.origin.set(nb, r.origin.get(b) ?? 'end');
        }
      }
      out.boxes.set(p, list);
    }
  }
  return out;
}

