/**
 * Allowed-connection boxes of one subject and direction written as native rules (k8s §1.4–§1.7): boxes with the
 * same ports become one rule whose peers are OR-ed. What native rules cannot say is left out and described
 * (fail-closed, the output is narrower there):
 * - addresses outside the cluster that an ipBlock cannot separate from pods (an ipBlock matches pod addresses too,
 *   k8s §1.6), unless `--cluster-cidr` tells them apart;
 * - pods picked by labels and address at once, cluster entities other than the pod's own node on ingress;
 * - other protocols than TCP/UDP/SCTP once a rule has ports, and named ports cut by a subtraction.
 */
import { NAMESPACE_NAME_LABEL, type Direction, type Protocol } from '../../model/policy.js';
import type { NetworkPolicyPeerJson, NetworkPolicyPortJson } from '../../native/types.js';
import { HOST_ENTITY, isNamedPortKey, OTHER_PROTOCOLS_POINT, parseNamedPortKey, PROTO_INDEX, PROTO_SPAN } from '../../verify/common.js';
import { ivAnd, ivContains, ivEqual, ivMinus, ivNormalize, ivSubset, type Interval, type IntervalSet } from '../../verify/intervals.js';
import { ABSENT, ANY_VALUE, lbKey, vs, vsEqual, vsIsFull, vsMinus, type LabelBox, type ValueSet } from '../../verify/labelset.js';
import { ALL_PORTS, type Box, type Ep, type PortSet, type Space } from '../../verify/space.js';
import { dedupe, ipBlockPeer, type NativeRule } from '../rules.js';
import { toLabelSelector } from '../selectors.js';
import { blocksOfIps } from './ip-blocks.js';
import { conjsOfBox } from './label-boxes.js';

const NAMED_PRESENT = vs(false, ['1']);

/** A box with its named-port condition taken out of the label box that carried it. */
export interface PortBox {
  box: Box;
  named?: { protocol: Protocol; name: string };
}

/**
 * Moves the named-port pseudo label (on the destination pod: the subject on ingress, the peer on egress) into the
 * port. Only "the pod has this named port" over the protocol's whole range is a native named port; anything else
 * (a named port cut by a subtraction) is not writable: null.
 */
export function takeNamedPort(x: Box, direction: Direction): PortBox | null {
  const ep = direction === 'ingress' ? x.a : x.b;
  if (ep.k !== 'pod') return { box: x };
  const keys = [...ep.pod.keys()].filter(isNamedPortKey);
  if (keys.length === 0) return { box: x };
  if (keys.length > 1 || !vsEqual(ep.pod.get(keys[0]!)!, NAMED_PRESENT)) return null;
  const named = parseNamedPortKey(keys[0]!);
  const base = PROTO_INDEX[named.protocol] * PROTO_SPAN;
  if (!ivEqual(x.port, [[base + 1, base + 65535]])) return null;
  const pod = new Map(ep.pod);
  pod.delete(keys[0]!);
  const stripped: Ep = { ...ep, pod };
  return { box: direction === 'ingress' ? { ...x, a: stripped } : { ...x, b: stripped }, named };
}

function protoName(i: number): Protocol {
  return (['TCP', 'UDP', 'SCTP'] as const)[i]!;
}

/** Native ports for a port set; `undefined` = every port and protocol. */
function nativePorts(port: PortSet, named: PortBox['named'], lost: string[]): NetworkPolicyPortJson[] | undefined {
  if (named) return [{ protocol: named.protocol, port: named.name }];
  if (ivEqual(ivNormalize([...port]), ivNormalize([...ALL_PORTS]))) return undefined;
  const out: NetworkPolicyPortJson[] = [];
  for (let i = 0; i < 3; i++) {
    const base = i * PROTO_SPAN;
    const part = ivAnd(port, [[base + 1, base + 65535]]);
    if (part.length === 0) continue;
    if (ivEqual(part, [[base + 1, base + 65535]])) {
      out.push({ protocol: protoName(i) });
      continue;
    }
    for (const [a, b] of part) out.push(a === b ? { protocol: protoName(i), port: a - base } : { protocol: protoName(i), port: a - base, endPort: b - base });
  }
  // Native ports only name TCP, UDP and SCTP (k8s §1.7): a rule with ports never matches ICMP and the rest.
  if (ivContains(port, OTHER_PROTOCOLS_POINT)) lost.push('protocols other than TCP, UDP and SCTP (a native rule that lists ports never matches them)');
  return out;
}

function isOwnNamespaceOnly(ns: LabelBox, namespace: string): boolean {
  const v = ns.get(NAMESPACE_NAME_LABEL);
  return ns.size === 1 && v !== undefined && !v.neg && v.vals.length === 1 && v.vals[0] === namespace;
}

/** Pod peers by namespace and pod labels. */
function podPeers(e: Extract<Ep, { k: 'pod' }>, namespace: string): NetworkPolicyPeerJson[] | null {
  const pods = conjsOfBox(e.pod);
  if (pods === null) return null;
  const own = isOwnNamespaceOnly(e.ns, namespace);
  // Every namespace carries its name label (k8s §1.9): "absent" is not a value it can take.
  const ns = new Map(e.ns);
  const name = ns.get(NAMESPACE_NAME_LABEL);
  if (name) {
    const vals = name.vals.filter((v) => v !== ABSENT);
    if (name.neg && vals.length === 0) ns.delete(NAMESPACE_NAME_LABEL);
    else ns.set(NAMESPACE_NAME_LABEL, vs(name.neg, vals));
  }
  const nss = own ? [null] : conjsOfBox(ns);
  if (nss === null) return null;
  const out: NetworkPolicyPeerJson[] = [];
  for (const n of nss) {
    for (const p of pods) {
      const podSelector = toLabelSelector(p);
      if (podSelector === null) return null;
      if (n === null) {
        out.push({ podSelector });
        continue;
      }
      const namespaceSelector = toLabelSelector(n);
      if (namespaceSelector === null) return null;
      out.push(Object.keys(podSelector).length ? { namespaceSelector, podSelector } : { namespaceSelector });
    }
  }
  return out;
}

const described = new Map<string, string>();

/** A short text for an address set (the first blocks of it), for findings; memoized, as the same sets recur. */
function describeIps(set: IntervalSet<bigint>): string {
  const key = set.map(([a, b]) => `${a}-${b}`).join(',');
  let text = described.get(key);
  if (text === undefined) {
    text = describeBlocks(set);
    if (described.size > 1000) described.clear();
    described.set(key, text);
  }
  return text;
}

function describeBlocks(set: IntervalSet<bigint>): string {
  const blocks = blocksOfIps(set);
  const text = blocks.slice(0, 3).map((b) => (b.except.length ? `${b.cidr} except ${b.except.join(', ')}` : b.cidr));
  return text.join(', ') + (blocks.length > 3 ? ', ...' : '');
}

/**
 * Do the boxes (one subject, one port piece) hold every peer? Kind by kind, cheapest first: every entity name, every
 * outside address, and only then the pods (the one cover test that needs the box algebra).
 */
function coversEveryPeer(space: Space, boxes: readonly Box[]): boolean {
  let names: ValueSet | null = ANY_VALUE;
  let ext: IntervalSet<bigint> = [];
  for (const { b } of boxes) {
    if (b.k === 'ent' && names !== null) names = vsMinus(names, b.name);
    else if (b.k === 'ext') ext = ivNormalize([...ext, ...b.ip]);
  }
  if (names !== null || !ivSubset(space.extIps, ext)) return false;
  const first = boxes[0]!;
  return space.covered({ a: first.a, b: space.podU, port: first.port }, boxes.filter((x) => x.b.k === 'pod'));
}

/** Peers of one rule: the union of the boxes' peers ('any' when it is every peer). */
function nativePeers(space: Space, boxes: readonly Box[], direction: Direction, namespace: string, lost: string[]): NetworkPolicyPeerJson[] | 'any' {
  if (boxes.some((b) => b.b.k === 'any')) return 'any';
  // Every peer needs pods, outside addresses and entities at once: check the kinds before the (costly) cover test.
  const kinds = new Set(boxes.map((b) => b.b.k));
  if (kinds.has('pod') && kinds.has('ext') && kinds.has('ent') && coversEveryPeer(space, boxes)) return 'any';
  const out: NetworkPolicyPeerJson[] = [];
  let extCovered: IntervalSet<bigint> = [];
  let podsByAddress: IntervalSet<bigint> = [];
  const anyLabels = (e: Extract<Ep, { k: 'pod' }>) => e.pod.size === 0 && [...e.ns.entries()].every(([k, v]) => k === NAMESPACE_NAME_LABEL && (vsIsFull(v) || vsEqual(v, vs(true, [ABSENT]))));
  const restricted: Array<Extract<Ep, { k: 'pod' }>> = [];
  const byAddressOnly: IntervalSet<bigint>[] = [];
  for (const { b } of boxes) {
    if (b.k === 'ext') extCovered = ivNormalize([...extCovered, ...b.ip]);
    else if (b.k === 'ent') {
      const names = b.name;
      // Native engines always admit the pod's own node on ingress (k8s §1.3): nothing to write for it.
      if (direction === 'ingress' && !names.neg && names.vals.every((n) => n === HOST_ENTITY)) continue;
      lost.push(`cluster entities (${names.neg ? 'nodes and other non-pod endpoints' : names.vals.join(', ')}), which native rules cannot name`);
    } else if (b.k === 'pod') {
      if (anyLabels(b)) podsByAddress = ivNormalize([...podsByAddress, ...b.ip]);
      if (ivSubset(space.podIps, b.ip)) {
        const peers = podPeers(b, namespace);
        if (peers === null) lost.push(`pods ${lbKey(b.pod)} (the label set needs too many selectors)`);
        else out.push(...peers);
      } else if (anyLabels(b)) byAddressOnly.push(b.ip);
      else restricted.push(b);
    }
  }
  // An ipBlock matches every address in it, pods included (k8s §1.6): it is exact only where the union allows
  // both the outside addresses and every pod that may have them.
  const missingExt = ivMinus(space.extIps, extCovered);
  const missingPods = ivMinus(space.podIps, podsByAddress);
  const needed = ivNormalize([...extCovered, ...byAddressOnly.flat()]);
  const block = ivAnd(ivMinus(ivMinus(ivNormalize([...extCovered, ...podsByAddress]), missingExt), missingPods), needed);
  for (const b of blocksOfIps(block)) out.push(ipBlockPeer(b.cidr, b.except));
  const extLost = ivMinus(extCovered, block);
  if (extLost.length) lost.push(`addresses outside the cluster in ${describeIps(extLost)}: an ipBlock would also match pods there${space.podIps === space.extIps ? ' (pass --cluster-cidr to tell them apart)' : ''}`);
  const podLost = ivMinus(ivNormalize(byAddressOnly.flat()), block);
  if (podLost.length) lost.push(`pods with addresses in ${describeIps(podLost)}: an ipBlock would also match addresses outside the cluster there`);
  for (const r of restricted) lost.push(`pods ${lbKey(r.pod) || 'with any labels'} with addresses in ${describeIps(r.ip)} (native peers cannot combine labels and addresses)`);
  return dedupe(out);
}

/**
 * Native rules whose union is (at most, see the module comment) the union of `boxes`, all with the same subject.
 * The port axis is cut at every box's bounds; each piece gets the peers of the boxes that hold it, and pieces whose
 * peers come out the same become one rule (subtractions split boxes along any axis, so boxes themselves are no guide).
 */
export function nativeRules(space: Space, boxes: readonly PortBox[], direction: Direction, namespace: string, lost: string[]): NativeRule[] {
  const out: NativeRule[] = [];
  const numeric = boxes.filter((b) => !b.named).map((b) => b.box);
  const byPeers = new Map<string, { peers: NetworkPolicyPeerJson[] | 'any'; port: Interval<number>[] }>();
  const converted = new Map<string, NetworkPolicyPeerJson[] | 'any'>();
  for (const seg of segments(numeric.map((b) => b.port))) {
    const holding = numeric.filter((b) => ivContains(b.port, seg[0]));
    if (holding.length === 0) continue;
    const key = holding.map((b) => numeric.indexOf(b)).join(',');
    let peers = converted.get(key);
    if (peers === undefined) {
      peers = nativePeers(space, holding.map((b) => ({ ...b, port: [seg] })), direction, namespace, lost);
      converted.set(key, peers);
    }
    if (peers !== 'any' && peers.length === 0) continue;
    const pk = JSON.stringify(peers);
    const g = byPeers.get(pk) ?? { peers, port: [] };
    g.port.push(seg);
    byPeers.set(pk, g);
  }
  for (const g of byPeers.values()) {
    const ports = nativePorts(ivNormalize(g.port), undefined, lost);
    if (ports !== undefined && ports.length === 0) continue;
    const rule: NativeRule = {};
    if (g.peers !== 'any') rule.peers = g.peers;
    if (ports !== undefined) rule.ports = ports;
    out.push(rule);
  }
  // Named ports: one rule per name, with the peers of its boxes.
  const named = new Map<string, { named: NonNullable<PortBox['named']>; boxes: Box[] }>();
  for (const b of boxes) {
    if (!b.named) continue;
    const k = `${b.named.protocol}/${b.named.name}`;
    const g = named.get(k) ?? { named: b.named, boxes: [] };
    g.boxes.push(b.box);
    named.set(k, g);
  }
  for (const g of named.values()) {
    const peers = nativePeers(space, g.boxes, direction, namespace, lost);
    if (peers !== 'any' && peers.length === 0) continue;
    const rule: NativeRule = { ports: [{ protocol: g.named.protocol, port: g.named.name }] };
    if (peers !== 'any') rule.peers = peers;
    out.push(rule);
  }
  return out;
}

/** The pieces the bounds of all port sets cut the port axis into (only pieces some set holds). */
function segments(sets: readonly PortSet[]): Interval<number>[] {
  const cuts = new Set<number>();
  for (const set of sets) for (const [a, b] of set) {
    cuts.add(a);
    cuts.add(b + 1);
  }
  const points = [...cuts].sort((x, y) => x - y);
  const out: Interval<number>[] = [];
  for (let i = 0; i + 1 < points.length; i++) {
    const seg: Interval<number> = [points[i]!, points[i + 1]! - 1];
    if (sets.some((s) => ivContains(s, seg[0]))) out.push(seg);
  }
  return out;
}
