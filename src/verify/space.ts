/**
 * The connection space and unions of boxes in it (DESIGN.md: "With unions of such boxes (subject x peer x port),
 * set difference and emptiness are cheap").
 *
 * An endpoint set (`Ep`) is one of: pods (namespace labels × pod labels × pod IP), addresses that are not cluster
 * endpoints (`ext`), non-pod cluster entities (`ent`, by name), or `any` (all three). A `Box` is `a × b × port`:
 * per direction, `a` is the subject pod and `b` the peer; in the connection space, `a` is the source and `b` the
 * destination. Named ports are pseudo labels of the destination pod (common.ts `namedPortKey`).
 *
 * Every box built through `Space` is non-empty, so a union of boxes is empty iff it has no box.
 */
import { NAMESPACE_NAME_LABEL } from '../model/policy.js';
import { OTHER_PROTOCOLS_POINT, PROTO_INDEX, PROTO_SPAN } from './common.js';
import { ALL_IPS, ivAnd, ivMinus, ivOverlaps, ivSubset, type IntervalSet } from './intervals.js';
import {
  ANY_LABELS,
  ANY_VALUE,
  lbAnd,
  lbDisjoint,
  lbKey,
  lbMinus,
  lbSubset,
  PRESENT,
  vsAnd,
  vsDisjoint,
  vs,
  vsMinus,
  vsSubset,
  type LabelBox,
  type ValueSet,
} from './labelset.js';

export type IpSet = IntervalSet<bigint>;
export type PortSet = IntervalSet<number>;

export type Ep =
  | { readonly k: 'any' }
  | { readonly k: 'pod'; readonly ns: LabelBox; readonly pod: LabelBox; readonly ip: IpSet }
  | { readonly k: 'ext'; readonly ip: IpSet }
  | { readonly k: 'ent'; readonly name: ValueSet };

export interface Box {
  readonly a: Ep;
  readonly b: Ep;
  readonly port: PortSet;
}

export type BoxSet = readonly Box[];

/** Every protocol and port: TCP/UDP/SCTP 1..65535 and the point standing for all other protocols. */
export const ALL_PORTS: PortSet = [
  [PROTO_INDEX.TCP * PROTO_SPAN + 1, PROTO_INDEX.TCP * PROTO_SPAN + 65535],
  [PROTO_INDEX.UDP * PROTO_SPAN + 1, PROTO_INDEX.UDP * PROTO_SPAN + 65535],
  [PROTO_INDEX.SCTP * PROTO_SPAN + 1, PROTO_INDEX.SCTP * PROTO_SPAN + 65535],
  [OTHER_PROTOCOLS_POINT, OTHER_PROTOCOLS_POINT],
];

export const ANY_EP: Ep = { k: 'any' };

/** Namespaces always carry their name label (k8s §1.9). */
export const NS_UNIVERSE: LabelBox = new Map([[NAMESPACE_NAME_LABEL, PRESENT]]);

/** Thrown when a comparison runs past its time limit; the caller reports the verdict as unknown. */
export class VerifyTimeout extends Error {}

/** The universe: which addresses pods and outside endpoints may have (`--cluster-cidr` when known). */
export class Space {
  /** Wall-clock limit (ms since the epoch) of one comparison, checked every 1024 box operations. Box operations
   * vary too much in cost for a count to bound the time. */
  deadline = Number.POSITIVE_INFINITY;
  private ops = 0;

  /** Counts box operations and stops the comparison once it runs past its deadline. */
  tick(n = 1): void {
    this.ops += n;
    if (this.ops >= 1024) {
      this.ops = 0;
      if (Date.now() > this.deadline) throw new VerifyTimeout('time limit');
    }
  }

  readonly podU: Ep;
  readonly extU: Ep;
  readonly entU: Ep = { k: 'ent', name: ANY_VALUE };
  /** The namespaces that exist: any name, or only the given ones (`--namespaces`, a cluster state). */
  readonly nsUniverse: LabelBox;

  constructor(
    readonly podIps: IpSet = ALL_IPS,
    readonly extIps: IpSet = ALL_IPS,
    namespaces?: readonly string[],
  ) {
    this.nsUniverse = namespaces ? new Map([[NAMESPACE_NAME_LABEL, vs(false, [...namespaces])]]) : NS_UNIVERSE;
    this.podU = { k: 'pod', ns: this.nsUniverse, pod: ANY_LABELS, ip: podIps };
    this.extU = { k: 'ext', ip: extIps };
  }

  /** A pod set; null when empty. Namespace and IP are clipped to the universe. */
  pod(ns: LabelBox, pod: LabelBox, ip: IpSet = this.podIps): Ep | null {
    const n = lbAnd(ns, this.nsUniverse);
    const i = ip === this.podIps ? ip : ivAnd(ip, this.podIps);
    if (n === null || i.length === 0) return null;
    return { k: 'pod', ns: n, pod, ip: i };
  }

  ext(ip: IpSet): Ep | null {
    const i = ip === this.extIps ? ip : ivAnd(ip, this.extIps);
    return i.length === 0 ? null : { k: 'ext', ip: i };
  }

  ent(name: ValueSet): Ep {
    return { k: 'ent', name };
  }

  expand(e: Ep): Ep[] {
    return e.k === 'any' ? [this.podU, this.extU, this.entU] : [e];
  }

  // ----- endpoints

  epAnd(x: Ep, y: Ep): Ep | null {
    if (x.k === 'any') return y;
    if (y.k === 'any') return x;
    if (x.k !== y.k) return null;
    switch (x.k) {
      case 'pod': {
        const yy = y as Extract<Ep, { k: 'pod' }>;
        const ns = lbAnd(x.ns, yy.ns);
        if (ns === null) return null;
        const pod = lbAnd(x.pod, yy.pod);
        if (pod === null) return null;
        const ip = x.ip === yy.ip ? x.ip : ivAnd(x.ip, yy.ip);
        if (ip.length === 0) return null;
        return { k: 'pod', ns, pod, ip };
      }
      case 'ext': {
        const ip = ivAnd(x.ip, (y as Extract<Ep, { k: 'ext' }>).ip);
        return ip.length === 0 ? null : { k: 'ext', ip };
      }
      case 'ent': {
        const name = vsAnd(x.name, (y as Extract<Ep, { k: 'ent' }>).name);
        return name === null ? null : { k: 'ent', name };
      }
    }
  }

  epDisjoint(x: Ep, y: Ep): boolean {
    if (x.k === 'any' || y.k === 'any') return false;
    if (x.k !== y.k) return true;
    switch (x.k) {
      case 'pod': {
        const yy = y as Extract<Ep, { k: 'pod' }>;
        return lbDisjoint(x.ns, yy.ns) || lbDisjoint(x.pod, yy.pod) || (x.ip !== yy.ip && !ivOverlaps(x.ip, yy.ip));
      }
      case 'ext':
        return !ivOverlaps(x.ip, (y as Extract<Ep, { k: 'ext' }>).ip);
      case 'ent':
        return vsDisjoint(x.name, (y as Extract<Ep, { k: 'ent' }>).name);
    }
  }

  /** x − y as disjoint endpoint sets. */
  epMinus(x: Ep, y: Ep): Ep[] {
    if (y.k === 'any') return [];
    if (x.k === 'any') return this.expand(x).flatMap((e) => this.epMinus(e, y));
    if (x.k !== y.k) return [x];
    switch (x.k) {
      case 'pod': {
        const yy = y as Extract<Ep, { k: 'pod' }>;
        if (this.epDisjoint(x, y)) return [x];
        const out: Ep[] = [];
        for (const ns of lbMinus(x.ns, yy.ns)) out.push({ k: 'pod', ns, pod: x.pod, ip: x.ip });
        const nsI = lbAnd(x.ns, yy.ns)!;
        for (const pod of lbMinus(x.pod, yy.pod)) out.push({ k: 'pod', ns: nsI, pod, ip: x.ip });
        const podI = lbAnd(x.pod, yy.pod)!;
        const ip = ivMinus(x.ip, yy.ip);
        if (ip.length) out.push({ k: 'pod', ns: nsI, pod: podI, ip });
        return out;
      }
      case 'ext': {
        const ip = ivMinus(x.ip, (y as Extract<Ep, { k: 'ext' }>).ip);
        return ip.length ? [{ k: 'ext', ip }] : [];
      }
      case 'ent': {
        const name = vsMinus(x.name, (y as Extract<Ep, { k: 'ent' }>).name);
        return name === null ? [] : [{ k: 'ent', name }];
      }
    }
  }

  epSubset(x: Ep, y: Ep): boolean {
    if (y.k === 'any') return true;
    if (x.k === 'any') return this.expand(x).every((e) => this.epSubset(e, y));
    if (x.k !== y.k) return false;
    switch (x.k) {
      case 'pod': {
        const yy = y as Extract<Ep, { k: 'pod' }>;
        return lbSubset(x.ns, yy.ns) && lbSubset(x.pod, yy.pod) && ivSubset(x.ip, yy.ip);
      }
      case 'ext':
        return ivSubset(x.ip, (y as Extract<Ep, { k: 'ext' }>).ip);
      case 'ent':
        return vsSubset(x.name, (y as Extract<Ep, { k: 'ent' }>).name);
    }
  }

  // ----- boxes

  box(a: Ep | null, b: Ep | null, port: PortSet = ALL_PORTS): Box | null {
    if (a === null || b === null || port.length === 0) return null;
    return { a, b, port };
  }

  boxAnd(x: Box, y: Box): Box | null {
    const port = x.port === y.port ? x.port : ivAnd(x.port, y.port);
    if (port.length === 0) return null;
    const a = x.a === y.a ? x.a : this.epAnd(x.a, y.a);
    if (a === null) return null;
    const b = x.b === y.b ? x.b : this.epAnd(x.b, y.b);
    if (b === null) return null;
    return { a, b, port };
  }

  boxDisjoint(x: Box, y: Box): boolean {
    return (x.port !== y.port && !ivOverlaps(x.port, y.port)) || (x.a !== y.a && this.epDisjoint(x.a, y.a)) || (x.b !== y.b && this.epDisjoint(x.b, y.b));
  }

  /** x − y as disjoint boxes, for boxes known to overlap (`minus` tests that first). */
  private overlapMinus(x: Box, y: Box): Box[] {
    const out: Box[] = [];
    if (x.a !== y.a) for (const a of this.epMinus(x.a, y.a)) out.push({ a, b: x.b, port: x.port });
    const aI = x.a === y.a ? x.a : this.epAnd(x.a, y.a)!;
    if (x.b !== y.b) for (const b of this.epMinus(x.b, y.b)) out.push({ a: aI, b, port: x.port });
    const bI = x.b === y.b ? x.b : this.epAnd(x.b, y.b)!;
    const port = ivMinus(x.port, y.port);
    if (port.length) out.push({ a: aI, b: bI, port });
    return out;
  }

  boxSubset(x: Box, y: Box): boolean {
    return ivSubset(x.port, y.port) && this.epSubset(x.a, y.a) && this.epSubset(x.b, y.b);
  }

  // ----- unions of boxes

  and(xs: BoxSet, ys: BoxSet): Box[] {
    const out: Box[] = [];
    for (const x of xs) {
      this.tick(ys.length);
      for (const y of ys) {
        const z = this.boxAnd(x, y);
        if (z) out.push(z);
      }
    }
    return out;
  }

  minus(xs: BoxSet, ys: BoxSet): Box[] {
    if (ys.length === 0) return [...xs];
    const out: Box[] = [];
    for (const x of xs) {
      let pieces: Box[] = [x];
      for (const y of ys) {
        if (pieces.length === 0) break;
        this.tick(pieces.length);
        const next: Box[] = [];
        for (const p of pieces) {
          if (this.boxDisjoint(p, y)) next.push(p);
          else for (const q of this.overlapMinus(p, y)) next.push(q);
        }
        pieces = next;
      }
      out.push(...pieces);
    }
    return out;
  }

  /** Is x ⊆ ⋃ ys? */
  covered(x: Box, ys: BoxSet): boolean {
    // Most questions are answered by one box that holds x whole.
    for (const y of ys) if (this.boxSubset(x, y)) return true;
    return this.minus([x], ys).length === 0;
  }

  union(...sets: BoxSet[]): Box[] {
    return sets.flat();
  }

  /** Drops boxes contained in another box of the union (bounded effort). */
  compact(xs: BoxSet): Box[] {
    if (xs.length < 2 || xs.length > 300) return [...xs];
    const keep: Box[] = [];
    for (let i = 0; i < xs.length; i++) {
      const x = xs[i]!;
      this.tick(xs.length);
      let dropped = false;
      for (let j = 0; j < xs.length && !dropped; j++) {
        if (j === i) continue;
        const y = xs[j]!;
        // x ⊆ y: drop x, unless they are equal and x comes first (keep one of equal boxes)
        if (this.boxSubset(x, y) && (j < i || !this.boxSubset(y, x))) dropped = true;
      }
      if (!dropped) keep.push(x);
    }
    return keep;
  }
}

function ipKey(ip: IpSet): string {
  return ip.map(([a, b]) => `${a}-${b}`).join(',');
}

export function epKey(e: Ep): string {
  switch (e.k) {
    case 'any':
      return '*';
    case 'pod':
      return `pod[${lbKey(e.ns)}|${lbKey(e.pod)}|${ipKey(e.ip)}]`;
    case 'ext':
      return `ext[${ipKey(e.ip)}]`;
    case 'ent':
      return `ent[${e.name.neg ? '!' : ''}${e.name.vals.join(',')}]`;
  }
}

export function boxKey(x: Box): string {
  return `${epKey(x.a)}>${epKey(x.b)}@${x.port.map(([a, b]) => `${a}-${b}`).join(',')}`;
}

