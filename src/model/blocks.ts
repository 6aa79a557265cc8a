/** IP block arithmetic on canonical CIDR strings (CIDRs are either nested or disjoint). */
import { cidrContains as contains, parseCidr } from './cidr.js';
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
