/**
 * Label constraints as boxes (DESIGN.md "Label constraints"): per key a finite set of allowed values or the
 * complement of one, where "absent" is a value of its own (`ABSENT`). Boxes are closed under intersection, and a
 * difference of two boxes is a union of disjoint boxes, so unions of boxes are closed under and/or/not.
 */
import type { LabelConj, Requirement } from '../model/labels.js';

/** The value "label not set" (sorts before every real value; no label value can contain NUL). */
export const ABSENT = '\u0000';

/** `neg` false: the value is one of `vals`; `neg` true: it is none of them. `vals` sorted, unique. */
export interface ValueSet {
  readonly neg: boolean;
  readonly vals: readonly string[];
}

export const ANY_VALUE: ValueSet = { neg: true, vals: [] };
export const PRESENT: ValueSet = { neg: true, vals: [ABSENT] };
export const ONLY_ABSENT: ValueSet = { neg: false, vals: [ABSENT] };

function sortedUnique(v: readonly string[]): string[] {
  return [...new Set(v)].sort();
}

function inter(a: readonly string[], b: readonly string[]): string[] {
  const out: string[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      out.push(a[i]!);
      i++;
      j++;
    } else if (a[i]! < b[j]!) i++;
    else j++;
  }
  return out;
}
function minus(a: readonly string[], b: readonly string[]): string[] {
  const out: string[] = [];
  let j = 0;
  for (const x of a) {
    while (j < b.length && b[j]! < x) j++;
    if (j >= b.length || b[j] !== x) out.push(x);
  }
  return out;
}
function union(a: readonly string[], b: readonly string[]): string[] {
  const out: string[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (j >= b.length || (i < a.length && a[i]! < b[j]!)) out.push(a[i++]!);
    else if (i >= a.length || b[j]! < a[i]!) out.push(b[j++]!);
    else {
      out.push(a[i++]!);
      j++;
    }
  }
  return out;
}

export function vs(neg: boolean, vals: readonly string[]): ValueSet {
  return { neg, vals: sortedUnique(vals) };
}

/** Intersection; null when empty. */
export function vsAnd(a: ValueSet, b: ValueSet): ValueSet | null {
  let r: ValueSet;
  if (!a.neg && !b.neg) r = { neg: false, vals: inter(a.vals, b.vals) };
  else if (!a.neg) r = { neg: false, vals: minus(a.vals, b.vals) };
  else if (!b.neg) r = { neg: false, vals: minus(b.vals, a.vals) };
  else r = { neg: true, vals: a.vals.length === 0 ? b.vals : b.vals.length === 0 ? a.vals : union(a.vals, b.vals) };
  return !r.neg && r.vals.length === 0 ? null : r;
}

/** a ∩ b = ∅, without building the intersection (hot in the box algebra). Co-finite sets always meet. */
export function vsDisjoint(a: ValueSet, b: ValueSet): boolean {
  if (a.neg && b.neg) return false;
  if (!a.neg && !b.neg) {
    let i = 0;
    let j = 0;
    while (i < a.vals.length && j < b.vals.length) {
      if (a.vals[i] === b.vals[j]) return false;
      if (a.vals[i]! < b.vals[j]!) i++;
      else j++;
    }
    return true;
  }
  // One finite set: disjoint iff every value of it is excluded by the other.
  const [fin, co] = a.neg ? [b, a] : [a, b];
  if (fin.vals.length > co.vals.length) return false;
  let j = 0;
  for (const x of fin.vals) {
    while (j < co.vals.length && co.vals[j]! < x) j++;
    if (j >= co.vals.length || co.vals[j] !== x) return false;
  }
  return true;
}

export function vsNot(a: ValueSet): ValueSet {
  return { neg: !a.neg, vals: a.vals };
}

/** a − b; null when empty. */
export function vsMinus(a: ValueSet, b: ValueSet): ValueSet | null {
  return vsAnd(a, vsNot(b));
}

export function vsIsFull(a: ValueSet): boolean {
  return a.neg && a.vals.length === 0;
}

export function vsHas(a: ValueSet, v: string): boolean {
  return a.neg !== a.vals.includes(v);
}

export function vsSubset(a: ValueSet, b: ValueSet): boolean {
  if (b.neg) {
    if (b.vals.length === 0) return true;
    // a ∩ b.vals must be empty
    return a.neg ? b.vals.every((v) => a.vals.includes(v)) : a.vals.every((v) => !b.vals.includes(v));
  }
  return !a.neg && a.vals.every((v) => b.vals.includes(v));
}

export function vsEqual(a: ValueSet, b: ValueSet): boolean {
  return a.neg === b.neg && a.vals.length === b.vals.length && a.vals.every((v, i) => v === b.vals[i]);
}

/** A box over label maps: every key listed must take a value of its set; other keys are free. */
export type LabelBox = ReadonlyMap<string, ValueSet>;

export const ANY_LABELS: LabelBox = new Map();

/** Intersection; null when empty. */
export function lbAnd(a: LabelBox, b: LabelBox): LabelBox | null {
  if (b.size === 0) return a;
  if (a.size === 0) return b;
  const [small, big] = a.size <= b.size ? [a, b] : [b, a];
  // Often one box already lies inside the other: then it is the answer, and no map is copied (boxes are immutable).
  let out: Map<string, ValueSet> | null = null;
  for (const [k, v] of small) {
    const w = big.get(k);
    if (w !== undefined && vsSubset(w, v)) continue;
    const x = w === undefined ? v : vsAnd(v, w);
    if (x === null) return null;
    if (!out) out = new Map(big);
    out.set(k, x);
  }
  return out ?? big;
}

export function lbDisjoint(a: LabelBox, b: LabelBox): boolean {
  const [small, big] = a.size <= b.size ? [a, b] : [b, a];
  for (const [k, v] of small) {
    const w = big.get(k);
    if (w !== undefined && vsDisjoint(v, w)) return true;
  }
  return false;
}

/** a − b as disjoint boxes. */
export function lbMinus(a: LabelBox, b: LabelBox): LabelBox[] {
  if (lbDisjoint(a, b)) return [a];
  const out: LabelBox[] = [];
  const cur = new Map(a);
  for (const k of [...b.keys()].sort()) {
    const vb = b.get(k)!;
    const va = cur.get(k) ?? ANY_VALUE;
    const outside = vsMinus(va, vb);
    if (outside !== null) {
      const piece = new Map(cur);
      piece.set(k, outside);
      out.push(piece);
    }
    const inside = vsAnd(va, vb)!;
    if (vsIsFull(inside)) cur.delete(k);
    else cur.set(k, inside);
  }
  return out;
}

/** Is every label map of a also in b? */
export function lbSubset(a: LabelBox, b: LabelBox): boolean {
  for (const [k, vb] of b) {
    const va = a.get(k) ?? ANY_VALUE;
    if (!vsSubset(va, vb)) return false;
  }
  return true;
}

export function lbEqual(a: LabelBox, b: LabelBox): boolean {
  if (a.size !== b.size) return false;
  for (const [k, v] of a) {
    const w = b.get(k);
    if (w === undefined || !vsEqual(v, w)) return false;
  }
  return true;
}

/** Does a concrete label map lie in the box? */
export function lbHas(a: LabelBox, labels: Readonly<Record<string, string>>): boolean {
  for (const [k, v] of a) {
    const x = Object.prototype.hasOwnProperty.call(labels, k) ? labels[k]! : ABSENT;
    if (!vsHas(v, x)) return false;
  }
  return true;
}

/** One requirement as a value set of its key; null for the non-finite (substring) operators. */
export function requirementSet(r: Requirement): ValueSet | null {
  switch (r.op) {
    case 'In':
      return vs(false, r.values);
    case 'NotIn':
      return vs(true, r.values);
    case 'Exists':
      return PRESENT;
    case 'DoesNotExist':
      return ONLY_ABSENT;
    default:
      return null;
  }
}

/** A conjunction of finite requirements as a box; null when it can never hold. Non-finite ones are skipped. */
export function conjBox(conj: LabelConj): LabelBox | null {
  let out: Map<string, ValueSet> = new Map();
  for (const r of conj) {
    const s = requirementSet(r);
    if (s === null) continue;
    const prev = out.get(r.key);
    const x = prev === undefined ? s : vsAnd(prev, s);
    if (x === null) return null;
    if (vsIsFull(x)) out.delete(r.key);
    else out.set(r.key, x);
  }
  if (out.size === 0) out = new Map();
  return out;
}

export function lbWith(a: LabelBox, key: string, v: ValueSet): LabelBox | null {
  return lbAnd(a, new Map([[key, v]]));
}

/** Stable text of a box, for hashing and messages. */
export function lbKey(a: LabelBox): string {
  return [...a.keys()]
    .sort()
    .map((k) => {
      const v = a.get(k)!;
      return `${k}${v.neg ? '!' : '='}${v.vals.join(',')}`;
    })
    .join(';');
}
