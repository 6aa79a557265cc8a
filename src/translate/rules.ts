/**
 * Model rules and peers as native rules (k8s-netpol-semantics §1.4–§1.7 and the checklist of §1.15): peers OR,
 * ports OR, rule = peers AND ports. Whatever a native rule cannot carry is dropped (fail-closed) and reported, or
 * kept without its L7/ICMP part when the user asked for `--on-unsupported widen`.
 */
import { cidrContains, familyOf, minimal } from '../model/blocks.js';
import type { TranslateOptions } from '../model/options.js';
import { NAMESPACE_NAME_LABEL, type Direction, type ModelRule, type Opaque, type Peer, type ProtoPorts } from '../model/policy.js';
import type { NetworkPolicyPeerJson, NetworkPolicyPortJson } from '../native/types.js';
import type { JsonPath } from '../report/finding.js';
import type { Decision } from './decisions.js';
import { toLabelSelector } from './selectors.js';

export interface RuleContext {
  /** Namespace the native policy is emitted in. */
  namespace: string;
  options: TranslateOptions;
  decisions: Decision[];
  /** Blocks written on the assumption that no cluster address lies in them (Cilium CIDRs without --cluster-cidr). */
  assumedExternal: string[];
}

export interface NativeRule {
  peers?: NetworkPolicyPeerJson[];
  ports?: NetworkPolicyPortJson[];
}

/** Translates one allow rule; null when nothing of it can be carried. */
export function translateRule(rule: ModelRule, direction: Direction, ctx: RuleContext): NativeRule | null {
  const blocking = rule.opaque.filter((o) => o.kind === 'unrepresentable' || ctx.options.onUnsupported === 'drop');
  if (blocking.length > 0) {
    for (const o of blocking) dropDecision(ctx, o, rule.path, 'the rule is dropped (fail-closed)');
    return null;
  }
  for (const o of rule.opaque) widenDecision(ctx, o);
  let peers: NetworkPolicyPeerJson[] | undefined;
  if (rule.peers !== 'any') {
    if (rule.peers.length === 0) return null; // matches no peer at all (e.g. `in {}`): nothing to carry
    const out: NetworkPolicyPeerJson[] = [];
    let any = false;
    for (const p of rule.peers) {
      const t = translatePeer(p, ctx);
      if (t === 'any') any = true;
      else out.push(...t);
    }
    if (!any) {
      if (out.length === 0) return null;
      peers = dedupe(out);
    }
  }
  const ports = rule.ports === 'all' ? undefined : translatePorts(rule.ports);
  if (ports !== undefined && ports.length === 0) return null;
  if (direction === 'egress' && ports?.some((p) => typeof p.port === 'string') && !(peers ?? []).some((p) => p.podSelector || p.namespaceSelector)) {
    ctx.decisions.push({ code: 'vpc-cni/egress-named-port', path: rule.path, message: 'an egress named port without a pod peer allows nothing on the VPC CNI engine (it drops such ports); use numeric ports' });
  }
  if (direction === 'ingress' && ports?.some((p) => typeof p.port === 'string')) {
    ctx.decisions.push({ code: 'vpc-cni/ingress-named-port', path: rule.path, message: 'the VPC CNI engine resolves an ingress named port across all pods the policy selects and opens every resulting number on each of them; use numeric ports where pods map the name differently' });
  }
  if (ports !== undefined && ports.length > 24) {
    ctx.decisions.push({ code: 'vpc-cni/port-limit', path: rule.path, message: `${ports.length} port entries: the VPC CNI engine keeps at most 24 per peer and drops the rest` });
  }
  const r: NativeRule = {};
  if (peers) r.peers = peers;
  if (ports) r.ports = ports;
  return r;
}

function dropDecision(ctx: RuleContext, o: Opaque, dropPath: JsonPath, what: string): void {
  ctx.decisions.push({ code: o.code, path: o.path, message: `${o.message}; ${what}`, opts: { dropped: dropPath, effect: 'narrower' } });
}

function widenDecision(ctx: RuleContext, o: Opaque): void {
  ctx.decisions.push({ code: o.code, path: o.path, message: `${o.message}; kept without it (--on-unsupported widen)`, opts: { dropped: o.path, effect: 'wider', severity: 'warning' } });
  ctx.decisions.push({ code: 'output/widened', path: o.path, message: 'the output allows more than the original here' });
}

/** One model peer as native peers, 'any' when it is unrestricted, [] when it is dropped. */
function translatePeer(peer: Peer, ctx: RuleContext): NetworkPolicyPeerJson[] | 'any' {
  const blocking = peer.opaque.filter((o) => o.kind === 'unrepresentable' || ctx.options.onUnsupported === 'drop');
  if (blocking.length > 0) {
    for (const o of blocking) dropDecision(ctx, o, peer.path, 'this peer is dropped (fail-closed)');
    return [];
  }
  for (const o of peer.opaque) widenDecision(ctx, o);
  const id = peer.identity;
  switch (id.kind) {
    case 'any':
      if (!peer.addresses) return 'any';
      return peer.addresses.map((b) => ipBlockPeer(b.cidr, b.except));
    case 'pods': {
      if (peer.addresses) return []; // an intersection with CIDRs; reported through the peer's opaque part
      const podSel = toLabelSelector(id.pods);
      const nsOnlyHere = id.namespaces.length === 1 && id.namespaces[0]!.key === NAMESPACE_NAME_LABEL && id.namespaces[0]!.op === 'In' && id.namespaces[0]!.values.length === 1 && id.namespaces[0]!.values[0] === ctx.namespace;
      const nsSel = nsOnlyHere ? undefined : toLabelSelector(id.namespaces);
      if (podSel === null || nsSel === null) return [];
      const p: NetworkPolicyPeerJson = {};
      if (nsSel !== undefined) p.namespaceSelector = nsSel;
      if (nsSel === undefined || Object.keys(podSel).length > 0) p.podSelector = podSel;
      return [p];
    }
    case 'world':
      return worldPeers(peer, ctx);
    case 'entity':
      ctx.decisions.push({ code: id.code, path: peer.path, message: `entity ${id.name} has no NetworkPolicy form; this peer is dropped (fail-closed)`, opts: { dropped: peer.path } });
      return [];
  }
}

/**
 * Cilium CIDRs and `world` match only addresses that are not cluster endpoints (cilium §3.2.3). With
 * --cluster-cidr the cluster ranges are excepted and the block is exact; without, a block that surely holds cluster
 * addresses (/0) is dropped and any other block is emitted with the assumption stated (DESIGN "Addresses and pods").
 */
function worldPeers(peer: Peer, ctx: RuleContext): NetworkPolicyPeerJson[] {
  const blocks = peer.addresses ?? [
    { cidr: '0.0.0.0/0', except: [] },
    { cidr: '::/0', except: [] },
  ];
  const out: NetworkPolicyPeerJson[] = [];
  const first = ctx.decisions.length;
  for (const b of blocks) {
    const fam = familyOf(b.cidr);
    // Cluster ranges are known per family: --cluster-cidr for IPv4 says nothing about the IPv6 addresses.
    const sameFamily = ctx.options.clusterCidrs.filter((c) => familyOf(c) === fam);
    if (sameFamily.length > 0) {
      const inside = sameFamily.find((c) => cidrContains(c, b.cidr));
      if (inside) {
        // Cilium CIDR rules never match cluster endpoints (cilium §3.2.3): a block inside the cluster ranges matches nothing.
        ctx.decisions.push({ code: 'cilium/cidr-world-only', path: peer.path, message: `${b.cidr} lies inside the cluster range ${inside} (--cluster-cidr), and Cilium CIDR rules never match cluster endpoints: this peer matches nothing and is dropped; if addresses in it are not cluster endpoints (e.g. a database in the same VPC), narrow --cluster-cidr`, opts: { severity: 'warning', effect: 'unknown' } });
        continue;
      }
      const except = minimal([...b.except, ...sameFamily.filter((c) => cidrContains(b.cidr, c))]);
      ctx.decisions.push({ code: 'output/ipblock-assumption', path: peer.path, message: `${b.cidr} written without the cluster ranges (--cluster-cidr ${sameFamily.join(', ')}); exact if every pod, node and Service address lies in them`, opts: { severity: 'info', effect: 'none' } });
      out.push(ipBlockPeer(b.cidr, except));
      continue;
    }
    if (b.cidr.endsWith('/0')) {
      ctx.decisions.push({ code: 'cilium/entity-world', path: peer.path, message: `${peer.addresses ? b.cidr : `world (IPv${fam})`} means addresses outside the cluster; without --cluster-cidr for IPv${fam} the cluster ranges cannot be excluded, so this is dropped (fail-closed)`, opts: { effect: 'narrower' } });
      continue;
    }
    const privateRange = privateRangeOf(b.cidr);
    if (privateRange) {
      // Pods, nodes and Services usually live in private ranges (on EKS, in the VPC's): a private block may hold
      // cluster addresses, which a native ipBlock would match and Cilium never does. Fail-closed without the ranges.
      ctx.decisions.push({ code: 'cilium/cidr-world-only', path: peer.path, message: `${b.cidr} overlaps the private range ${privateRange}, where cluster addresses usually are; Cilium never matches cluster endpoints by CIDR while an ipBlock would, so without --cluster-cidr it is dropped (fail-closed)`, opts: { effect: 'narrower' } });
      continue;
    }
    ctx.decisions.push({ code: 'cilium/cidr-world-only', path: peer.path, message: `exact only if no pod, node or Service address is in ${b.cidr} (a public range); pass --cluster-cidr to check` });
    ctx.assumedExternal.push(b.cidr);
    out.push(ipBlockPeer(b.cidr, b.except));
  }
  if (out.length === 0) {
    // Nothing of the peer is carried: the retained view drops it.
    for (const dec of ctx.decisions.slice(first)) dec.opts = { ...dec.opts, dropped: peer.path };
  }
  return out;
}

/** RFC 1918, shared address space (RFC 6598) and IPv6 unique-local / link-local: where cluster addresses usually are. */
const PRIVATE_RANGES = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10', '169.254.0.0/16', 'fc00::/7', 'fe80::/10'];

/** The private range a block overlaps, if any. */
function privateRangeOf(cidr: string): string | undefined {
  return PRIVATE_RANGES.find((r) => familyOf(r) === familyOf(cidr) && (cidrContains(r, cidr) || cidrContains(cidr, r)));
}

/**
 * A Cilium CIDR block the translator may take to hold no cluster address: without --cluster-cidr for its family, a
 * public block that is not a whole family (the assumption `worldPeers` and the compiler both state).
 */
export function isAssumedExternal(cidr: string, options: TranslateOptions): boolean {
  return !cidr.endsWith('/0') && !options.clusterCidrs.some((x) => familyOf(x) === familyOf(cidr)) && privateRangeOf(cidr) === undefined;
}

export function ipBlockPeer(cidr: string, except: string[]): NetworkPolicyPeerJson {
  return except.length > 0 ? { ipBlock: { cidr, except: [...except] } } : { ipBlock: { cidr } };
}

export function translatePorts(list: ProtoPorts[]): NetworkPolicyPortJson[] {
  const out: NetworkPolicyPortJson[] = [];
  for (const p of list) {
    if (p.ranges === undefined) {
      out.push({ protocol: p.protocol });
      continue;
    }
    for (const [a, b] of p.ranges) out.push(a === b ? { protocol: p.protocol, port: a } : { protocol: p.protocol, port: a, endPort: b });
    for (const n of p.named ?? []) out.push({ protocol: p.protocol, port: n });
  }
  return out;
}

export function dedupe(peers: NetworkPolicyPeerJson[]): NetworkPolicyPeerJson[] {
  const seen = new Set<string>();
  return peers.filter((p) => {
    const k = JSON.stringify(p);
    return seen.has(k) ? false : (seen.add(k), true);
  });
}
