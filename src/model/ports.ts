/** Port range arithmetic shared by the lowerings and the translator. */
import type { ProtoPorts, Protocol } from './policy.js';

export type Range = [number, number];
export const ALL_PORTS: Range = [1, 65535];

/** Sorted, merged, non-overlapping ranges. */
export function normalizeRanges(ranges: Range[]): Range[] {
  const sorted = ranges.map((r) => [r[0], r[1]] as Range).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const out: Range[] = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last && r[0] <= last[1] + 1) last[1] = Math.max(last[1], r[1]);
    else out.push(r);
  }
  return out;
}

export function subtractRanges(from: Range[], minus: Range[]): Range[] {
  let cur = normalizeRanges(from);
  for (const [a, b] of normalizeRanges(minus)) {
    const next: Range[] = [];
    for (const [x, y] of cur) {
      if (b < x || a > y) next.push([x, y]);
      else {
        if (x < a) next.push([x, a - 1]);
        if (b < y) next.push([b + 1, y]);
      }
    }
    cur = next;
  }
  return cur;
}

export function intersectRanges(a: Range[], b: Range[]): Range[] {
  const out: Range[] = [];
  for (const [x, y] of normalizeRanges(a)) {
    for (const [p, q] of normalizeRanges(b)) {
      const lo = Math.max(x, p);
      const hi = Math.min(y, q);
      if (lo <= hi) out.push([lo, hi]);
    }
  }
  return normalizeRanges(out);
}

export function isAllPorts(ranges: Range[] | undefined): boolean {
  if (ranges === undefined) return true;
  const n = normalizeRanges(ranges);
  return n.length === 1 && n[0]![0] <= 1 && n[0]![1] >= 65535;
}

/** Canonical form of a ProtoPorts list: one entry per protocol, merged ranges and names, sorted. */
export function normalizeProtoPorts(list: ProtoPorts[]): ProtoPorts[] {
  const byProto = new Map<Protocol, { all: boolean; ranges: Range[]; named: Set<string> }>();
  for (const p of list) {
    const e = byProto.get(p.protocol) ?? { all: false, ranges: [], named: new Set<string>() };
    if (p.ranges === undefined) e.all = true;
    else e.ranges.push(...p.ranges);
    (p.named ?? []).forEach((n) => e.named.add(n));
    byProto.set(p.protocol, e);
  }
  const out: ProtoPorts[] = [];
  for (const proto of ['TCP', 'UDP', 'SCTP'] as Protocol[]) {
    const e = byProto.get(proto);
    if (!e) continue;
    if (e.all || isAllPorts(e.ranges.length ? e.ranges : [[0, -1]])) {
      out.push({ protocol: proto });
      continue;
    }
    const pp: ProtoPorts = { protocol: proto, ranges: normalizeRanges(e.ranges) };
    if (e.named.size) pp.named = [...e.named].sort();
    if (pp.ranges!.length === 0 && !pp.named) continue;
    out.push(pp);
  }
  return out;
}

/** IANA service name as Kubernetes validates port names (k8s-netpol-semantics §2.5). */
export function isValidPortName(name: string): boolean {
  return (
    name.length >= 1 &&
    name.length <= 15 &&
    /^[a-z0-9-]+$/.test(name) &&
    /[a-z]/.test(name) &&
    !name.includes('--') &&
    !name.startsWith('-') &&
    !name.endsWith('-')
  );
}
