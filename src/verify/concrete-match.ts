/**
 * Matching the parts of a model policy against concrete endpoints, three-valued: `possible` (the real construct may
 * match) and `certain` (it surely matches). Opaque parts and non-finite selectors make a match possible but not
 * certain; `constructs` names them.
 */
import { matchesConj } from '../model/labels.js';
import { cidrContains as cidrHolds, parseCidr, parseIp, type Cidr, type ParsedIp } from '../model/cidr.js';
import type { CidrBlock, Direction, ModelPolicy, ModelRule, Peer, ProtoPorts } from '../model/policy.js';
import type { ClusterPod, ConnProtocol } from './cluster.js';
import { describeConstruct, entityAliases, NON_NATIVE_SELECTOR, relaxConj } from './common.js';

export interface Match3 {
  possible: boolean;
  certain: boolean;
  /** Opaque constructs that made a possible match uncertain. */
  constructs: string[];
}

const NO: Match3 = { possible: false, certain: false, constructs: [] };

/** A resolved connection end. */
export type Resolved =
  | { kind: 'pod'; pod: ClusterPod; nsLabels: Record<string, string>; ip: ParsedIp | null }
  | { kind: 'ext'; ip: ParsedIp | null }
  | { kind: 'ent'; name: string };

const cidrCache = new Map<string, Cidr | null>();
function cidr(text: string): Cidr | null {
  let c = cidrCache.get(text);
  if (c === undefined) {
    c = parseCidr(text);
    cidrCache.set(text, c);
  }
  return c;
}

function inBlock(ip: ParsedIp, b: CidrBlock): boolean {
  const host: Cidr = { family: ip.family, bits: ip.bits, prefix: ip.family === 4 ? 32 : 128 };
  const c = cidr(b.cidr);
  if (c === null || !cidrHolds(c, host)) return false;
  return !b.except.some((e) => {
    const x = cidr(e);
    return x !== null && cidrHolds(x, host);
  });
}

export function inBlocks(ip: ParsedIp | null, blocks: CidrBlock[] | undefined): boolean {
  if (blocks === undefined) return true;
  return ip !== null && blocks.some((b) => inBlock(ip, b));
}

export function parseAddress(text: string): ParsedIp | null {
  return parseIp(text);
}

function conjMatch(conj: Parameters<typeof relaxConj>[0], opaque: boolean, labels: Record<string, string>): { possible: boolean; exact: boolean } {
  const r = relaxConj(conj, opaque);
  return { possible: matchesConj(r.conj, labels), exact: r.exact };
}

/** Does the policy select this pod? */
export function subjectMatch(policy: ModelPolicy, pod: ClusterPod, nsLabels: Record<string, string>): Match3 {
  const opaque = policy.subject.opaque.length > 0;
  let possible = false;
  let certain = false;
  for (const t of policy.subject.terms) {
    const n = conjMatch(t.namespaces, opaque, nsLabels);
    const p = conjMatch(t.pods, opaque, pod.labels);
    if (n.possible && p.possible) {
      possible = true;
      if (n.exact && p.exact) certain = true;
    }
  }
  if (!possible) return NO;
  const constructs = certain ? [] : policy.subject.opaque.length ? policy.subject.opaque.map((o) => describeConstruct(policy, o)) : [describeConstruct(policy, { ...NON_NATIVE_SELECTOR, path: policy.subject.path })];
  return { possible, certain, constructs };
}

/** Does the peer match the remote end? */
export function peerMatch(policy: ModelPolicy, peer: Peer, e: Resolved): Match3 {
  const opaque = peer.opaque.length > 0;
  let possible: boolean;
  let exact = !opaque;
  const id = peer.identity;
  switch (id.kind) {
    case 'any':
      possible = e.kind === 'ent' ? peer.addresses === undefined : inBlocks(e.ip, peer.addresses);
      break;
    case 'world':
      possible = e.kind === 'ext' && inBlocks(e.ip, peer.addresses);
      break;
    case 'entity':
      possible = e.kind === 'ent' && entityAliases(id.name).includes(e.name);
      break;
    case 'pods': {
      if (e.kind !== 'pod') {
        possible = false;
        break;
      }
      const n = conjMatch(id.namespaces, opaque, e.nsLabels);
      const p = conjMatch(id.pods, opaque, e.pod.labels);
      possible = n.possible && p.possible && inBlocks(e.ip, peer.addresses);
      exact = exact && n.exact && p.exact;
      break;
    }
  }
  if (!possible) return NO;
  if (exact) return { possible, certain: true, constructs: [] };
  const constructs = peer.opaque.length ? peer.opaque.map((o) => describeConstruct(policy, o)) : [describeConstruct(policy, { ...NON_NATIVE_SELECTOR, path: peer.path })];
  return { possible, certain: false, constructs };
}

/** Does the rule's port set hold the connection's protocol and destination port? Named ports use `dstPod`. */
export function portsMatch(ports: 'all' | ProtoPorts[], protocol: ConnProtocol, port: number | undefined, dstPod: ClusterPod | null): boolean {
  if (ports === 'all') return true;
  if (protocol === 'ICMP' || port === undefined) return false;
  return ports.some((pp) => {
    if (pp.protocol !== protocol) return false;
    if (pp.ranges === undefined) return true;
    if (pp.ranges.some(([lo, hi]) => lo <= port && port <= hi)) return true;
    return (pp.named ?? []).some((name) => dstPod !== null && (dstPod.ports ?? []).some((cp) => cp.name === name && cp.protocol === protocol && cp.port === port));
  });
}

export interface DirectionContext {
  direction: Direction;
  /** The remote end. */
  peer: Resolved;
  protocol: ConnProtocol;
  port: number | undefined;
  /** The destination pod, for named ports (ingress: the local pod; egress: the peer when it is a pod). */
  dstPod: ClusterPod | null;
}

export function ruleMatch(policy: ModelPolicy, rule: ModelRule, ctx: DirectionContext): Match3 {
  if (!portsMatch(rule.ports, ctx.protocol, ctx.port, ctx.dstPod)) return NO;
  let possible = false;
  let certain = false;
  const constructs: string[] = [];
  if (rule.peers === 'any') {
    possible = true;
    certain = true;
  } else {
    for (const p of rule.peers) {
      const m = peerMatch(policy, p, ctx.peer);
      if (!m.possible) continue;
      possible = true;
      if (m.certain) certain = true;
      else constructs.push(...m.constructs);
    }
  }
  if (!possible) return NO;
  if (rule.opaque.length > 0) {
    certain = false;
    constructs.push(...rule.opaque.map((o) => describeConstruct(policy, o)));
  }
  return { possible, certain, constructs: certain ? [] : constructs };
}
