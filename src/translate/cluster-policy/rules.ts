/**
 * One model rule as an AWS ClusterNetworkPolicy rule (vpc-cni-target §2, AWS ClusterNetworkPolicy): which part of it
 * the Admin tier can say, and whether that part is the whole rule.
 *
 * The engine matches every peer by IP (§1.1): a `networks` CIDR matches pods in it as well as outside addresses, and
 * ingress peers can only be namespaces or pods, so an ingress rule from addresses is only partly expressible (its pod
 * part). A rule is `full` when the Admin rule matches exactly the connections the source rule matches; a `partial`
 * rule matches a subset (the pods among its peers) and the rest of it stays with the native translation.
 */
import { cidrContains, complementCidrs, familyOf } from '../../model/blocks.js';
import { isNativeRequirement, type LabelConj } from '../../model/labels.js';
import type { TranslateOptions } from '../../model/options.js';
import type { CidrBlock, Direction, ModelRule, Peer, ProtoPorts } from '../../model/policy.js';
import type { CnpPeerJson, CnpPortJson, NamespacedPodJson } from '../../aws/types.js';
import { CNP_LIMITS } from '../../aws/types.js';
import { toLabelSelector } from '../selectors.js';
import type { LabelSelectorJson } from '../../native/types.js';

export const ALL_NETWORKS = ['0.0.0.0/0', '::/0'];

export type Expressed =
  /** The rule cannot be said in the Admin tier at all (opaque parts, named ports, pods by address, entities). */
  | { kind: 'no'; why: string }
  /** The Admin rule matches no connection the engine sees there (e.g. ingress from outside addresses only). */
  | { kind: 'none' }
  | { kind: 'full' | 'partial'; peers: CnpPeerJson[]; ports?: CnpPortJson[] };

function selector(conj: LabelConj): LabelSelectorJson | null {
  return conj.every(isNativeRequirement) ? toLabelSelector(conj) : null;
}

export function podsPeer(namespaces: LabelConj, pods: LabelConj): CnpPeerJson | null {
  const ns = selector(namespaces);
  const ps = selector(pods);
  if (ns === null || ps === null) return null;
  if (pods.length === 0) return { namespaces: ns };
  const np: NamespacedPodJson = { namespaceSelector: ns, podSelector: ps };
  return { pods: np };
}

/** `cidr` minus its excepts as plain CIDRs (`networks` has no `except`). */
export function positiveCidrs(b: CidrBlock): string[] {
  if (b.except.length === 0) return [b.cidr];
  const outside = complementCidrs([b.cidr]);
  return complementCidrs([...outside, ...b.except]).filter((c) => familyOf(c) === familyOf(b.cidr));
}

/** Networks peers of at most 25 CIDRs each. */
export function networkPeers(cidrs: string[]): CnpPeerJson[] {
  const out: CnpPeerJson[] = [];
  for (let i = 0; i < cidrs.length; i += CNP_LIMITS.networks) out.push({ networks: cidrs.slice(i, i + CNP_LIMITS.networks) });
  return out;
}

/**
 * Can an address in these blocks be a pod's? Only --cluster-cidr tells: without it a pod may have any address (the
 * verifier assumes the same), public ranges included.
 */
export function mayHoldPods(blocks: CidrBlock[], options: TranslateOptions): boolean {
  return blocks.some((b) => {
    const clusterOfFamily = options.clusterCidrs.filter((c) => familyOf(c) === familyOf(b.cidr));
    return clusterOfFamily.length === 0 || positiveCidrs(b).some((c) => clusterOfFamily.some((x) => overlaps(x, c)));
  });
}

/** CIDRs are nested or disjoint: they overlap iff one holds the other. */
function overlaps(a: string, b: string): boolean {
  return familyOf(a) === familyOf(b) && (cidrContains(a, b) || cidrContains(b, a));
}

interface PeerPart {
  peers: CnpPeerJson[];
  full: boolean;
}

function peerPart(p: Peer, direction: Direction, options: TranslateOptions): PeerPart | 'no' {
  if (p.opaque.length > 0) return 'no';
  const id = p.identity;
  switch (id.kind) {
    case 'pods': {
      if (p.addresses !== undefined) return 'no'; // pods restricted by address: no selector says it
      const peer = podsPeer(id.namespaces, id.pods);
      return peer === null ? 'no' : { peers: [peer], full: true };
    }
    case 'any': {
      if (p.addresses === undefined) return direction === 'egress' ? { peers: networkPeers(ALL_NETWORKS), full: true } : { peers: [{ namespaces: {} }], full: false };
      if (direction === 'egress') return { peers: networkPeers(p.addresses.flatMap(positiveCidrs)), full: true };
      // Ingress from addresses: the pods among them cannot be named; outside addresses never reach this tier.
      return mayHoldPods(p.addresses, options) ? 'no' : { peers: [], full: false };
    }
    case 'world': {
      // Cilium's world is the addresses outside the cluster; a network matches pods too.
      if (direction === 'ingress') return { peers: [], full: false };
      if (p.addresses !== undefined) return mayHoldPods(p.addresses, options) ? 'no' : { peers: networkPeers(p.addresses.flatMap(positiveCidrs)), full: true };
      if (options.clusterCidrs.length === 0) return 'no';
      return { peers: networkPeers(complementCidrs(options.clusterCidrs)), full: true };
    }
    case 'entity':
      return 'no';
  }
}

export function cnpPorts(ports: 'all' | ProtoPorts[]): CnpPortJson[] | undefined | 'no' {
  if (ports === 'all') return undefined;
  const out: CnpPortJson[] = [];
  for (const pp of ports) {
    if ((pp.named ?? []).length > 0) return 'no'; // resolved against one subject namespace only (controller limitation)
    const ranges = pp.ranges ?? [[1, 65535]];
    for (const [a, b] of ranges) out.push(a === b ? { portNumber: { protocol: pp.protocol, port: a } } : { portRange: { protocol: pp.protocol, start: a, end: b } });
  }
  if (out.length === 0 || out.length > CNP_LIMITS.ports) return 'no';
  return out;
}

export function expressRule(rule: ModelRule, direction: Direction, options: TranslateOptions): Expressed {
  if (rule.opaque.length > 0) return { kind: 'no', why: rule.opaque.map((o) => o.code).join(', ') };
  const ports = cnpPorts(rule.ports);
  if (ports === 'no') return { kind: 'no', why: 'named ports or more than 100 port entries' };
  if (rule.peers === 'any') {
    const whole = peerPart({ identity: { kind: 'any' }, opaque: [], path: rule.path }, direction, options) as PeerPart;
    return { kind: whole.full ? 'full' : 'partial', peers: whole.peers, ...(ports ? { ports } : {}) };
  }
  if (rule.peers.length === 0) return { kind: 'none' };
  const peers: CnpPeerJson[] = [];
  let full = true;
  for (const p of rule.peers) {
    const part = peerPart(p, direction, options);
    if (part === 'no') return { kind: 'no', why: `peer at ${p.path.join('.')} (pods by address, a cluster entity or an opaque condition)` };
    peers.push(...part.peers);
    if (!part.full) full = false;
  }
  if (peers.length === 0) return { kind: 'none' };
  if (peers.length > CNP_LIMITS.peers) return { kind: 'no', why: `more than ${CNP_LIMITS.peers} peers` };
  return { kind: full ? 'full' : 'partial', peers, ...(ports ? { ports } : {}) };
}
