/** Calico `nets` / `notNets` as IP blocks (calico-semantics §4.3, T24). */
import { cidrContains, minimal } from '../model/blocks.js';
import { formatCidr, parseCidr } from '../model/cidr.js';
import type { CidrBlock } from '../model/policy.js';

interface Net {
  family: 4 | 6;
  text: string;
}

function parseNet(v: unknown): Net | string {
  if (typeof v !== 'string') return `invalid CIDR ${JSON.stringify(v)}`;
  // A bare IP reaching Felix through a raw object is read as /32 or /128 (calico §4.3).
  const withPrefix = v.includes('/') ? v : v.includes(':') ? `${v}/128` : `${v}/32`;
  const c = parseCidr(withPrefix);
  if (!c) return `invalid CIDR "${v}"`;
  return { family: c.family, text: formatCidr(c.family, c.bits, c.prefix) };
}

/** The IP families of a rule's CIDRs (calico §4.2: a rule with CIDRs applies only to their family). */
export function netsFamily(lists: unknown[][]): 4 | 6 | undefined | 'mixed' {
  const fams = new Set<number>();
  for (const l of lists) for (const v of l) if (typeof v === 'string') fams.add(v.includes(':') ? 6 : 4);
  if (fams.size === 0) return undefined;
  if (fams.size > 1) return 'mixed';
  return fams.has(6) ? 6 : 4;
}

/**
 * Blocks for `nets` minus `notNets`. Undefined when neither is given (no address restriction), a string when a CIDR
 * is invalid. `notNets` alone means every address of the rule's family outside them.
 */
export function blocksFromNets(nets: unknown[], notNets: unknown[], family: 4 | 6 | undefined): CidrBlock[] | undefined | string {
  if (nets.length === 0 && notNets.length === 0) return undefined;
  const pos: Net[] = [];
  const neg: Net[] = [];
  for (const n of nets) {
    const p = parseNet(n);
    if (typeof p === 'string') return p;
    pos.push(p);
  }
  for (const n of notNets) {
    const p = parseNet(n);
    if (typeof p === 'string') return p;
    neg.push(p);
  }
  let bases: Net[] = pos;
  if (pos.length === 0) {
    const fams = new Set(neg.map((n) => n.family));
    bases = [...fams].sort().map((f) => ({ family: f, text: f === 4 ? '0.0.0.0/0' : '::/0' }));
  }
  if (family !== undefined) bases = bases.filter((b) => b.family === family);
  const out: CidrBlock[] = [];
  for (const b of unique(bases)) {
    if (neg.some((n) => n.family === b.family && cidrContains(n.text, b.text))) continue; // wholly excluded
    const except = minimal(neg.filter((n) => n.family === b.family && cidrContains(b.text, n.text) && n.text !== b.text).map((n) => n.text));
    out.push({ cidr: b.text, except });
  }
  return out;
}

function unique(nets: Net[]): Net[] {
  const seen = new Set<string>();
  return nets.filter((n) => (seen.has(n.text) ? false : (seen.add(n.text), true)));
}

