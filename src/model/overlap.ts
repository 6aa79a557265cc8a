/**
 * Sound "may overlap" checks between subjects, peers and ports: false only when the two can provably never match
 * the same connection. Used by the fail-closed ordering pass, where a wrong "false" would widen the output.
 */
import { andConj, type LabelConj } from './labels.js';
import { cidrContains, familyOf } from './blocks.js';
import type { CidrBlock, ModelPolicy, ModelRule, Peer, ProtoPorts } from './policy.js';

function conjMayOverlap(a: LabelConj, b: LabelConj): boolean {
  return andConj(a, b) !== null;
}

export function subjectsMayOverlap(a: ModelPolicy, b: ModelPolicy): boolean {
  if (a.subject.opaque.length > 0 || b.subject.opaque.length > 0) return true;
  return a.subject.terms.some((x) => b.subject.terms.some((y) => conjMayOverlap(x.namespaces, y.namespaces) && conjMayOverlap(x.pods, y.pods)));
}

function blocksMayOverlap(a: CidrBlock[] | undefined, b: CidrBlock[] | undefined): boolean {
  if (a === undefined || b === undefined) return true;
  return a.some((x) => b.some((y) => familyOf(x.cidr) === familyOf(y.cidr) && (cidrContains(x.cidr, y.cidr) || cidrContains(y.cidr, x.cidr))));
}

export function peerMayOverlap(a: Peer, b: Peer): boolean {
  if (a.opaque.length > 0 || b.opaque.length > 0) return true;
  const x = a.identity;
  const y = b.identity;
  if (x.kind === 'any' || y.kind === 'any') return blocksMayOverlap(a.addresses, b.addresses);
  if (x.kind === 'pods' && y.kind === 'pods') return conjMayOverlap(x.namespaces, y.namespaces) && conjMayOverlap(x.pods, y.pods);
  // Cilium world and CIDR identities never match pods (cilium §3.2.3); entities are non-pod cluster endpoints.
  if (x.kind === 'pods' || y.kind === 'pods') return false;
  if (x.kind === 'world' && y.kind === 'world') return blocksMayOverlap(a.addresses, b.addresses);
  return true; // entities among themselves or with world (an external kube-apiserver is both)
}

export function peersMayOverlap(a: ModelRule['peers'], b: ModelRule['peers']): boolean {
  if (a !== 'any' && a.length === 0) return false;
  if (b !== 'any' && b.length === 0) return false;
  if (a === 'any' || b === 'any') return true;
  return a.some((p) => b.some((q) => peerMayOverlap(p, q)));
}

function protoPortsMayOverlap(a: ProtoPorts, b: ProtoPorts): boolean {
  if (a.protocol !== b.protocol) return false;
  if (a.ranges === undefined || b.ranges === undefined) return true;
  if ((a.named?.length ?? 0) > 0 || (b.named?.length ?? 0) > 0) return true; // a name may resolve to any number
  return a.ranges.some(([p, q]) => b.ranges!.some(([r, s]) => p <= s && r <= q));
}

export function portsMayOverlap(a: ModelRule['ports'], b: ModelRule['ports']): boolean {
  if (a === 'all' || b === 'all') return (a === 'all' || a.length > 0) && (b === 'all' || b.length > 0);
  return a.some((x) => b.some((y) => protoPortsMayOverlap(x, y)));
}

export function rulesMayOverlap(a: ModelRule, b: ModelRule): boolean {
  return peersMayOverlap(a.peers, b.peers) && portsMayOverlap(a.ports, b.ports);
}
