/**
 * Address sets of the verifier's IP axis (intervals.ts) written back as native ipBlocks: one `cidr` with `except`
 * entries, or several plain CIDRs, whichever is shorter (k8s §1.6: every except lies inside its cidr).
 */
import { formatCidr, type IpFamily } from '../../model/cidr.js';
import { rangeToCidrs } from '../../model/blocks.js';
import type { CidrBlock } from '../../model/policy.js';
import { ivAnd, ivMinus, ivNormalize, V6_OFFSET, type Interval, type IntervalSet } from '../../verify/intervals.js';

const WIDTH: Record<IpFamily, number> = { 4: 32, 6: 128 };

function familyRange(f: IpFamily): Interval<bigint> {
  return f === 4 ? [0n, V6_OFFSET - 1n] : [V6_OFFSET, V6_OFFSET + (1n << 128n) - 1n];
}

function cidrsOf(f: IpFamily, set: IntervalSet<bigint>): string[] {
  const base = f === 4 ? 0n : V6_OFFSET;
  return set.flatMap(([a, b]) => rangeToCidrs(f, WIDTH[f], a - base, b - base));
}

/** The smallest prefix that holds both ends (family-relative bits). */
function supernet(f: IpFamily, first: bigint, last: bigint): { bits: bigint; prefix: number } {
  let prefix = WIDTH[f];
  while (prefix > 0 && first >> BigInt(WIDTH[f] - prefix) !== last >> BigInt(WIDTH[f] - prefix)) prefix--;
  const shift = BigInt(WIDTH[f] - prefix);
  return { bits: (first >> shift) << shift, prefix };
}

/** Native ipBlocks whose union is exactly `set`. */
export function blocksOfIps(set: IntervalSet<bigint>): CidrBlock[] {
  const out: CidrBlock[] = [];
  for (const f of [4, 6] as const) {
    const part = ivAnd(set, [familyRange(f)]);
    if (part.length === 0) continue;
    const plain = cidrsOf(f, part);
    const base = f === 4 ? 0n : V6_OFFSET;
    const sup = supernet(f, part[0]![0] - base, part[part.length - 1]![1] - base);
    const supIv: Interval<bigint> = [base + sup.bits, base + sup.bits + (1n << BigInt(WIDTH[f] - sup.prefix)) - 1n];
    const holes = cidrsOf(f, ivMinus(ivNormalize([supIv]), part));
    if (plain.length <= 1 + holes.length) out.push(...plain.map((cidr) => ({ cidr, except: [] })));
    else out.push({ cidr: formatCidr(f, sup.bits, sup.prefix), except: holes });
  }
  return out;
}
