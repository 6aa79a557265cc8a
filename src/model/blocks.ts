/** IP block arithmetic on canonical CIDR strings (CIDRs are either nested or disjoint). */
import { cidrContains as contains, formatCidr, parseCidr } from './cidr.js';
import type { CidrBlock } from './policy.js';

/** `outer` contains `inner` (both canonical CIDR strings). */
export function cidrContains(outer: string, inner: string): boolean {
  const o = parseCidr(outer);
  const i = parseCidr(inner);
  return o !== null && i !== null && contains(o, i);
}

export function familyOf(cidr: string): 4 | 6 {
  return cidr.includes(':') ? 6 : 4;
}

/** Intersection of two block lists (CIDRs are nested or disjoint). */
export function intersectBlocks(a: CidrBlock[], b: CidrBlock[]): CidrBlock[] {
  const out: CidrBlock[] = [];
  for (const x of a) {
    for (const y of b) {
      if (familyOf(x.cidr) !== familyOf(y.cidr)) continue;
      let inner: CidrBlock;
      let outer: CidrBlock;
      if (cidrContains(y.cidr, x.cidr)) [inner, outer] = [x, y];
      else if (cidrContains(x.cidr, y.cidr)) [inner, outer] = [y, x];
      else continue;
      if (outer.except.some((e) => cidrContains(e, inner.cidr))) continue;
      const except = minimal([...inner.except, ...outer.except.filter((e) => cidrContains(inner.cidr, e) && e !== inner.cidr)]);
      out.push({ cidr: inner.cidr, except });
    }
  }
  return out;
}

/** Drops CIDRs contained in another one of the list; sorts. */
export function minimal(cidrs: string[]): string[] {
  const uniq = [...new Set(cidrs)];
  return uniq.filter((c) => !uniq.some((o) => o !== c && cidrContains(o, c))).sort();
}

/**
 * The CIDRs covering every address outside `cidrs` (per family; a family with no CIDR is covered whole), the
 * smallest such list. Used to tell the verifier where cluster addresses may be when the translator assumed some
 * blocks hold none.
 */
export function complementCidrs(cidrs: string[]): string[] {
  const out: string[] = [];
  for (const family of [4, 6] as const) {
    const width = family === 4 ? 32 : 128;
    const ranges = cidrs
      .map((c) => parseCidr(c))
      .filter((c): c is NonNullable<typeof c> => c !== null && c.family === family)
      .map((c) => {
        const size = 1n << BigInt(width - c.prefix);
        return [c.bits, c.bits + size - 1n] as [bigint, bigint];
      })
      .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    let next = 0n;
    const end = (1n << BigInt(width)) - 1n;
    const gaps: Array<[bigint, bigint]> = [];
    for (const [lo, hi] of ranges) {
      if (lo > next) gaps.push([next, lo - 1n]);
      if (hi + 1n > next) next = hi + 1n;
    }
    if (next <= end) gaps.push([next, end]);
    for (const [lo, hi] of gaps) out.push(...rangeToCidrs(family, width, lo, hi));
  }
  return out;
}

/** The fewest prefixes that cover exactly [lo, hi] (family-relative bits). */
export function rangeToCidrs(family: 4 | 6, width: number, lo: bigint, hi: bigint): string[] {
  const out: string[] = [];
  let cur = lo;
  while (cur <= hi) {
    let size = 0;
    while (size < width && (cur & ((1n << BigInt(size + 1)) - 1n)) === 0n && cur + (1n << BigInt(size + 1)) - 1n <= hi) size++;
    out.push(formatCidr(family, cur, width - size));
    cur += 1n << BigInt(size);
  }
  return out;
}
