/**
 * Sets of integers as sorted, disjoint, non-adjacent inclusive intervals: ports (number) and IP addresses (bigint,
 * IPv4 at 0..2^32-1 and IPv6 shifted above it, so one axis holds both families).
 */
import { cidrRange, parseCidr } from '../model/cidr.js';
import type { CidrBlock } from '../model/policy.js';

export type Interval<T> = readonly [T, T];
export type IntervalSet<T> = readonly Interval<T>[];

type Num = number | bigint;

function succ<T extends Num>(x: T): T {
  return (typeof x === 'bigint' ? x + 1n : (x as number) + 1) as T;
}
function pred<T extends Num>(x: T): T {
  return (typeof x === 'bigint' ? x - 1n : (x as number) - 1) as T;
}

export function ivNormalize<T extends Num>(list: Interval<T>[]): IntervalSet<T> {
  const sorted = list.filter(([a, b]) => a <= b).sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0));
  const out: Array<[T, T]> = [];
  for (const [a, b] of sorted) {
    const last = out[out.length - 1];
    if (last && a <= succ(last[1])) {
      if (b > last[1]) last[1] = b;
    } else out.push([a, b]);
  }
  return out;
}

export function ivAnd<T extends Num>(a: IntervalSet<T>, b: IntervalSet<T>): IntervalSet<T> {
  const out: Array<[T, T]> = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const [x, y] = a[i]!;
    const [p, q] = b[j]!;
    const lo = x > p ? x : p;
    const hi = y < q ? y : q;
    if (lo <= hi) out.push([lo, hi]);
    if (y < q) i++;
    else j++;
  }
  return out;
}

export function ivMinus<T extends Num>(a: IntervalSet<T>, b: IntervalSet<T>): IntervalSet<T> {
  const out: Array<[T, T]> = [];
  let j = 0;
  for (const [x0, y] of a) {
    let x = x0;
    while (j < b.length && b[j]![1] < x) j++;
    let k = j;
    let done = false;
    while (k < b.length && b[k]![0] <= y) {
      const [p, q] = b[k]!;
      if (p > x) out.push([x, pred(p)]);
      if (q >= y) {
        done = true;
        break;
      }
      x = succ(q);
      k++;
    }
    if (!done) out.push([x, y]);
  }
  return out;
}

export function ivEqual<T extends Num>(a: IntervalSet<T>, b: IntervalSet<T>): boolean {
  return a.length === b.length && a.every((x, i) => x[0] === b[i]![0] && x[1] === b[i]![1]);
}

export function ivSubset<T extends Num>(a: IntervalSet<T>, b: IntervalSet<T>): boolean {
  if (a === b) return true;
  let j = 0;
  for (const [x, y] of a) {
    while (j < b.length && b[j]![1] < x) j++;
    const iv = b[j];
    if (iv === undefined || iv[0] > x || iv[1] < y) return false;
  }
  return true;
}

export function ivContains<T extends Num>(a: IntervalSet<T>, v: T): boolean {
  return a.some(([x, y]) => x <= v && v <= y);
}

export function ivOverlaps<T extends Num>(a: IntervalSet<T>, b: IntervalSet<T>): boolean {
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const [x, y] = a[i]!;
    const [p, q] = b[j]!;
    if ((x > p ? x : p) <= (y < q ? y : q)) return true;
    if (y < q) i++;
    else j++;
  }
  return false;
}

// ----- IP axis

export const V6_OFFSET = 1n << 32n;
const V4_MAX = (1n << 32n) - 1n;
const V6_MAX = V6_OFFSET + (1n << 128n) - 1n;
export const ALL_IPS: IntervalSet<bigint> = [[0n, V6_MAX]];
export const ALL_IPV4: IntervalSet<bigint> = [[0n, V4_MAX]];

/** The axis value of an address. */
export function ipPoint(family: 4 | 6, bits: bigint): bigint {
  return family === 4 ? bits : V6_OFFSET + bits;
}

export function ipFromPoint(v: bigint): { family: 4 | 6; bits: bigint } {
  return v >= V6_OFFSET ? { family: 6, bits: v - V6_OFFSET } : { family: 4, bits: v };
}

function cidrInterval(text: string): Interval<bigint> | null {
  const c = parseCidr(text);
  if (c === null) return null;
  const { first, last } = cidrRange(c);
  return [ipPoint(c.family, first), ipPoint(c.family, last)];
}

/** The addresses of `cidr` minus every `except` of the blocks. Unparsable CIDRs contribute nothing. */
export function ipsOfBlocks(blocks: readonly CidrBlock[]): IntervalSet<bigint> {
  let out: IntervalSet<bigint> = [];
  for (const b of blocks) {
    const iv = cidrInterval(b.cidr);
    if (iv === null) continue;
    const ex = ivNormalize(b.except.map(cidrInterval).filter((x): x is Interval<bigint> => x !== null));
    out = ivNormalize([...out, ...ivMinus([iv], ex)]);
  }
  return out;
}

export function ipsOfCidrs(cidrs: readonly string[]): IntervalSet<bigint> {
  return ipsOfBlocks(cidrs.map((cidr) => ({ cidr, except: [] })));
}

// ----- port axis (see common.ts PROTO_INDEX)
