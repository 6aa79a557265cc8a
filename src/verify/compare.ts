/**
 * Before/after comparison of allowed connections (DESIGN.md "verify"): `exact`, `narrower`, `wider` or both, each
 * difference with a concrete witness checked by the concrete evaluator, and `unknown` where opaque parts decide.
 *
 * Per direction the allowed sets are computed symbolically (allowed.ts) per namespace cell of the subject. A
 * per-direction difference is a connection difference only where the other end lets the connection through (a
 * narrower ingress needs the source's egress to allow it before), so each difference box is intersected with the
 * other direction's allowed set in the connection space before a witness is built from it.
 */
import type { Direction, ModelPolicy } from '../model/policy.js';
import type { Cluster, Connection, Verdict } from './cluster.js';
import { evaluateConnectionDetailed } from './concrete.js';
import type { Allowed } from './allowed.js';
import type { Mode } from './common.js';
import { VerifyTimeout, type Box, type Space } from './space.js';
import { Analysis, Cells, expand, makeSpace, mentionedNamespaces, type SpaceOptions } from './symbolic.js';
import { subjectNames, subjectRegion } from './regions.js';
import { realize, type RealizedConnection, type WitnessEndpoint } from './witness.js';
export type { WitnessEndpoint };

export interface VerifyOptions extends SpaceOptions {
  /** Wall-clock limit in milliseconds; past it the verdict is `unknown` (incomplete). */
  timeLimitMs?: number;
  /** Most witnesses reported per kind (narrower, wider, unknown); default 10. */
  maxWitnesses?: number;
  /** Work allowed for the witness search (box intersections); default 5 000 000. */
  searchBudget?: number;
  /**
   * Only differences at the pods these policies select count (the subject of the differing direction): the verdict
   * of one policy inside a whole set, when its output depends on the others (compiled ordered policies).
   */
  focus?: readonly ModelPolicy[];
  /** Only differences at pods of these namespaces count. */
  focusNamespaces?: readonly string[];
}

export interface Witness {
  /** The direction whose evaluation differs: `ingress` at the destination pod, `egress` at the source pod. */
  direction: Direction;
  /** The pod whose policies decide differently (`to` for ingress, `from` for egress). */
  subject: WitnessEndpoint;
  /** The other end (`from` for ingress, `to` for egress). */
  peer: WitnessEndpoint;
  from: WitnessEndpoint;
  to: WitnessEndpoint;
  protocol: RealizedConnection['protocol'];
  port?: number;
  before: Verdict;
  after: Verdict;
  /** A concrete cluster and connection that show the difference (the concrete evaluator confirmed it). */
  cluster: Cluster;
  connection: Connection;
  text: string;
}

export type VerifyVerdict = 'exact' | 'narrower' | 'wider' | 'narrower+wider' | 'unknown';

export interface VerifyResult {
  verdict: VerifyVerdict;
  narrower: Witness[];
  wider: Witness[];
  unknown: Array<{ construct: string; witness: Witness }>;
  /** Points the symbolic engine found but the concrete evaluator did not confirm (an internal error; never reported as witnesses). */
  unconfirmed: number;
  /** Set when the witness search ran out of budget: differences may exist that have no witness (verdict `unknown` if none was found). */
  incomplete?: string;
}

const OTHER = (d: Direction): Direction => (d === 'ingress' ? 'egress' : 'ingress');

/** A per-direction box (a = subject, b = peer) in the connection space (a = source, b = destination). */
function toPair(direction: Direction, x: Box): Box {
  return direction === 'egress' ? x : { a: x.b, b: x.a, port: x.port };
}

type Kind = 'narrower' | 'wider' | 'unknown';

/** Compares the connections `before` allows with those `after` allows (see the module comment). */
export function compareAllowed(before: readonly ModelPolicy[], after: readonly ModelPolicy[], options: VerifyOptions = {}): VerifyResult {
  const space = makeSpace(options);
  if (options.timeLimitMs !== undefined) space.deadline = Date.now() + options.timeLimitMs;
  try {
    return compareIn(space, before, after, options);
  } catch (e) {
    if (!(e instanceof VerifyTimeout)) throw e;
    return { verdict: 'unknown', narrower: [], wider: [], unknown: [], unconfirmed: 0, incomplete: 'the comparison reached its time limit (--verify-time-limit) and was stopped; its verdict is unknown' };
  }
}

function compareIn(space: Space, before: readonly ModelPolicy[], after: readonly ModelPolicy[], options: VerifyOptions): VerifyResult {
  const max = options.maxWitnesses ?? 10;
  const cells = new Cells(space, [...mentionedNamespaces(before), ...mentionedNamespaces(after)]);
  const an = new Analysis(space, cells, [before, after], options);
  const [modeB, modeA] = an.modes as [Mode, Mode];

  const result: VerifyResult = { verdict: 'exact', narrower: [], wider: [], unknown: [], unconfirmed: 0 };
  const seenText = new Set<string>();
  const seenConstruct = new Set<string>();
  let budget = options.searchBudget ?? 5_000_000;
  let unknownAttempts = 0;
  const spend = (n: number): boolean => {
    budget -= n;
    if (budget >= 0) return true;
    result.incomplete ??= 'the witness search ran out of budget; some differences may have no witness';
    return false;
  };

  /** Tries to build a confirmed witness from a pair box that already lies in the other direction's allowed set. */
  const confirm = (kind: Kind, direction: Direction, pair: Box, expectUnknownOn?: 'before' | 'after'): boolean => {
    if (!spend(1000)) return false;
    const r = realize(space, pair);
    if (r === null) return false;
    const vb = evaluateConnectionDetailed(before, r.cluster, r.connection, modeB);
    const va = evaluateConnectionDetailed(after, r.cluster, r.connection, modeA);
    const ok = kind === 'narrower' ? vb.verdict === 'allow' && va.verdict === 'deny' : kind === 'wider' ? vb.verdict === 'deny' && va.verdict === 'allow' : (expectUnknownOn === 'before' ? vb : va).verdict === 'unknown';
    if (!ok) {
      if (kind !== 'unknown') result.unconfirmed++;
      return false;
    }
    const [subject, peer] = direction === 'ingress' ? [r.to, r.from] : [r.from, r.to];
    const w: Witness = { direction, subject, peer, from: r.from, to: r.to, protocol: r.protocol, before: vb.verdict, after: va.verdict, cluster: r.cluster, connection: r.connection, text: '' };
    if (r.port !== undefined) w.port = r.port;
    if (kind === 'narrower') w.text = `${cap(r.fromText)} could connect to ${r.portText} of ${r.toText} before, cannot after`;
    else if (kind === 'wider') w.text = `${cap(r.fromText)} could not connect to ${r.portText} of ${r.toText} before, can after`;
    if (kind === 'unknown') {
      const named = (expectUnknownOn === 'before' ? vb : va).constructs;
      const constructs = named.length ? named : ['an opaque part of the policies'];
      const fresh = constructs.filter((c) => !seenConstruct.has(c));
      if (fresh.length === 0) return true; // a real unknown point, but nothing new to name
      for (const c of fresh) {
        seenConstruct.add(c);
        if (result.unknown.length >= max) break;
        const text = `${cap(r.fromText)} connecting to ${r.portText} of ${r.toText}: ${vb.verdict} before, ${va.verdict} after; it depends on ${c}`;
        result.unknown.push({ construct: c, witness: { ...w, text } });
      }
      return true;
    }
    if (seenText.has(w.text)) return true;
    seenText.add(w.text);
    result[kind].push(w);
    return true;
  };

  /**
   * Finds a witness in a per-direction difference box `x` (subject cell `ci`): the other end must let the
   * connection through on the side that has to allow it (`partner`).
   */
  const search = (kind: Kind, direction: Direction, x: Box, partner: number, usePossible: boolean, expectUnknownOn?: 'before' | 'after'): boolean => {
    const pair = toPair(direction, x);
    const other = direction === 'ingress' ? pair.a : pair.b; // the end whose other direction votes
    for (const o of space.expand(other)) {
      const p: Box = direction === 'ingress' ? { ...pair, a: o } : { ...pair, b: o };
      if (o.k !== 'pod') {
        if (confirm(kind, direction, p, expectUnknownOn)) return true;
        continue;
      }
      for (const cj of cells.ofEp(o)) {
        const list = an.boxes(partner, OTHER(direction), cj, usePossible ? 'U' : 'L');
        for (const y of list) {
          if (!spend(1)) return false;
          const q = space.boxAnd(p, toPair(OTHER(direction), y));
          if (q && confirm(kind, direction, q, expectUnknownOn)) return true;
        }
      }
    }
    return false;
  };

  const focus = options.focus?.map((p) => subjectRegion(space, p));
  const focusBoxes = focus?.flatMap((r) => r.U);
  const names = focus?.map(subjectNames);
  let focusNames = names && names.every((n) => n !== null) ? new Set(names.flatMap((n) => n!)) : null;
  if (options.focusNamespaces) focusNames = new Set([...options.focusNamespaces].filter((n) => !focusNames || focusNames.has(n)));
  const clip = (xs: Box[]): Box[] => (focusBoxes ? space.and(xs, focusBoxes) : xs);
  for (const direction of ['ingress', 'egress'] as const) {
    for (let ci = 0; ci < cells.list.length; ci++) {
      const cellName = cells.list[ci]!.name;
      if (focusNames && (cellName === null || !focusNames.has(cellName))) continue;
      for (const g of an.groups(direction, ci)) {
        const [b, a] = g.sides as [Allowed, Allowed];
        if (result.narrower.length < max) {
          for (const x of clip(expand(g, space.minus(b.L, a.U)))) {
            if (result.narrower.length >= max) break;
            search('narrower', direction, x, 0, false);
          }
        }
        if (result.wider.length < max) {
          for (const x of clip(expand(g, space.minus(a.L, b.U)))) {
            if (result.wider.length >= max) break;
            search('wider', direction, x, 1, false);
          }
        }
        for (const [side, al, on] of [[0, b, 'before'], [1, a, 'after']] as const) {
          if (al.exact || result.unknown.length >= max) continue;
          for (const x of clip(expand(g, space.minus(al.U, al.L)))) {
            if (result.unknown.length >= max || ++unknownAttempts > 20 * max) break;
            if (!search('unknown', direction, x, side, false, on)) search('unknown', direction, x, side, true, on);
          }
        }
      }
    }
  }
  result.verdict = verdictOfWitnesses(result);
  return result;
}

/** The verdict a set of witnesses gives (also used where witnesses are filtered or regrouped after a comparison). */
export function verdictOfWitnesses(r: Pick<VerifyResult, 'narrower' | 'wider' | 'unknown' | 'incomplete'>): VerifyVerdict {
  if (r.narrower.length && r.wider.length) return 'narrower+wider';
  if (r.narrower.length) return 'narrower';
  if (r.wider.length) return 'wider';
  return r.unknown.length || r.incomplete ? 'unknown' : 'exact';
}

function cap(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

