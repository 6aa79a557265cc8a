/** One Calico rule as a model rule (calico-semantics §4, §7; Traps T18–T40). */
import { isPlainObject } from '../io/documents.js';
import type { Direction, ModelRule, Opaque, Peer, RuleAction } from '../model/policy.js';
import type { JsonPath } from '../report/finding.js';
import { netsFamily } from './nets.js';
import { lowerRemoteSide, type PeerNote, type PolicyScope } from './peers.js';
import { lowerPorts } from './ports.js';

export type RuleResult =
  | { kind: 'rule'; rule: ModelRule; notes: PeerNote[]; extra?: ModelRule | undefined }
  | { kind: 'invalid'; message: string; path: JsonPath };

const ACTIONS: Record<string, RuleAction> = { allow: 'allow', deny: 'deny', log: 'log', pass: 'pass', 'next-tier': 'pass' };

export function lowerCalicoRule(raw: unknown, direction: Direction, path: JsonPath, scope: PolicyScope): RuleResult {
  if (!isPlainObject(raw)) return { kind: 'invalid', message: 'a rule must be an object', path };
  const notes: PeerNote[] = [];
  // Felix lower-cases actions and renders an empty action as Allow (calico §3.1, T45).
  const actionText = typeof raw.action === 'string' ? raw.action : '';
  let action: RuleAction;
  if (actionText === '') {
    action = 'allow';
    notes.push({ code: 'calico/action-empty', path: [...path, 'action'], message: 'empty action: Felix renders it as Allow' });
  } else {
    const a = ACTIONS[actionText.toLowerCase()];
    if (!a) return { kind: 'invalid', message: `unknown action ${JSON.stringify(actionText)}`, path: [...path, 'action'] };
    action = a;
  }
  const source = isPlainObject(raw.source) ? raw.source : {};
  const destination = isPlainObject(raw.destination) ? raw.destination : {};
  const remote = direction === 'ingress' ? source : destination;
  const local = direction === 'ingress' ? destination : source;
  const remotePath = [...path, direction === 'ingress' ? 'source' : 'destination'];
  const localPath = [...path, direction === 'ingress' ? 'destination' : 'source'];
  const opaque: Opaque[] = [];

  // calico §4.4, T28/T29: the local side restricts the policy's own pods.
  for (const f of ['selector', 'notSelector', 'namespaceSelector', 'nets', 'notNets', 'services']) {
    const v = local[f];
    if (v !== undefined && v !== null && v !== '' && !(Array.isArray(v) && v.length === 0)) {
      opaque.push({ code: 'calico/local-side', kind: 'unrepresentable', path: [...localPath, f], message: `${direction === 'ingress' ? 'destination' : 'source'}.${f} restricts the policy's own pods, which a native peer cannot` });
    }
  }
  const localSa = isPlainObject(local.serviceAccounts) ? local.serviceAccounts : undefined;
  if (localSa && ((Array.isArray(localSa.names) && localSa.names.length > 0) || (typeof localSa.selector === 'string' && localSa.selector !== ''))) {
    opaque.push({ code: 'calico/local-side', kind: 'unrepresentable', path: [...localPath, 'serviceAccounts'], message: 'serviceAccounts on the policy\'s own side restrict its pods' });
  }
  // T34: source ports are the packet's source port, in either direction.
  for (const f of ['ports', 'notPorts']) {
    if (Array.isArray(source[f]) && (source[f] as unknown[]).length > 0) {
      opaque.push({ code: 'calico/source-ports', kind: 'unrepresentable', path: [...path, 'source', f], message: `source.${f} match the packet's source port; NetworkPolicy has none` });
    }
  }
  // Implicit family of the rule's CIDRs, and ipVersion (calico §4.2, T32).
  const fam = netsFamily([source.nets, source.notNets, destination.nets, destination.notNets].map((v) => (Array.isArray(v) ? v : [])));
  if (fam === 'mixed') return { kind: 'invalid', message: 'rule contains both IPv4 and IPv6 CIDRs', path };
  let family: 4 | 6 | undefined = fam;
  if (raw.ipVersion !== undefined) {
    if (raw.ipVersion !== 4 && raw.ipVersion !== 6) return { kind: 'invalid', message: `invalid ipVersion ${JSON.stringify(raw.ipVersion)}`, path: [...path, 'ipVersion'] };
    if (family !== undefined && family !== raw.ipVersion) return { kind: 'rule', rule: { action, peers: [], ports: 'all', opaque, path }, notes };
    family = raw.ipVersion;
  }

  if ((Array.isArray(remote.nets) && remote.nets.length > 0) || (Array.isArray(remote.notNets) && remote.notNets.length > 0)) {
    notes.push({ code: 'calico/nets-pod-ips', path: [...remotePath, Array.isArray(remote.nets) && remote.nets.length > 0 ? 'nets' : 'notNets'], message: 'nets match pod addresses too; written as ipBlock, which the VPC CNI engine also matches against pod IPs (for traffic sent to the pod IP, not through a Service ClusterIP)' });
  }
  const side = lowerRemoteSide(remote, remotePath, scope, family);
  if (side.kind === 'invalid') return side;
  notes.push(...side.notes);
  let peers: 'any' | Peer[];
  if (side.kind === 'opaque') {
    opaque.push(side.opaque);
    peers = 'any';
  } else peers = side.peers;
  if (family !== undefined) peers = restrictFamily(peers, family, remotePath, raw.ipVersion !== undefined ? [...path, 'ipVersion'] : remotePath);

  const portInput = {
    protocol: raw.protocol,
    notProtocol: raw.notProtocol,
    ports: Array.isArray(destination.ports) ? destination.ports : undefined,
    notPorts: Array.isArray(destination.notPorts) ? destination.notPorts : undefined,
  };
  const ports = lowerPorts(portInput);
  let portSet: ModelRule['ports'];
  switch (ports.kind) {
    case 'invalid':
      return { kind: 'invalid', message: ports.message, path: [...path, raw.protocol !== undefined ? 'protocol' : 'destination'] };
    case 'ports':
      portSet = ports.ports;
      if (Array.isArray(portSet) && portSet.some((p) => p.named?.length) && raw.protocol === undefined) {
        notes.push({ code: 'calico/named-port-any-protocol', path: [...path, 'destination', 'ports'], message: 'a named port without protocol matches that name on TCP, UDP and SCTP' });
      }
      if (Array.isArray(destination.notPorts) && destination.notPorts.length > 0) {
        notes.push({ code: 'calico/not-ports', path: [...path, 'destination', 'notPorts'], message: 'notPorts written as the complement port ranges' });
      }
      break;
    case 'not-native':
      portSet = ports.widenTo;
      opaque.push({ code: ports.code, kind: 'narrows', path: [...path, raw.protocol !== undefined ? 'protocol' : 'notProtocol'], message: ports.message });
      break;
    case 'unrepresentable':
      portSet = 'all';
      opaque.push({ code: ports.code, kind: 'unrepresentable', path: [...path, 'destination', 'notPorts'], message: ports.message });
      break;
  }
  for (const f of ['icmp', 'notICMP']) {
    if (raw[f] !== undefined && raw[f] !== null) opaque.push({ code: 'calico/icmp', kind: 'narrows', path: [...path, f], message: `${f} matches ICMP types, which NetworkPolicy cannot` });
  }
  if (raw.http !== undefined && raw.http !== null) {
    opaque.push({ code: 'calico/http', kind: 'narrows', path: [...path, 'http'], message: 'http matches requests (L7), which NetworkPolicy cannot' });
  }
  const rule: ModelRule = { action, peers, ports: portSet, opaque, path };
  return { kind: 'rule', rule, notes, extra: splitNamedPortsFromNetworkSets(rule) };
}

/**
 * A named port never matches a NetworkSet address (calico §4.7, T37), while a native ipBlock with a named port
 * matches any pod in the block that declares that name. NetworkSet peers therefore keep only the numeric ports, in
 * a rule of their own; the original rule keeps the other peers. Returns that extra rule, if any.
 */
function splitNamedPortsFromNetworkSets(rule: ModelRule): ModelRule | undefined {
  if (rule.peers === 'any' || rule.ports === 'all' || !rule.ports.some((p) => (p.named?.length ?? 0) > 0)) return undefined;
  const sets = rule.peers.filter((p) => p.noNamedPorts);
  if (sets.length === 0) return undefined;
  rule.peers = rule.peers.filter((p) => !p.noNamedPorts);
  const numeric = rule.ports.filter((p) => p.ranges === undefined || p.ranges.length > 0).map((p) => (p.ranges === undefined ? { protocol: p.protocol } : { protocol: p.protocol, ranges: p.ranges }));
  if (numeric.length === 0) return undefined;
  return { ...rule, peers: sets, ports: numeric };
}

/** Restricts peers to one IP family: address peers keep that family; pod peers cannot (T32). */
function restrictFamily(peers: 'any' | Peer[], family: 4 | 6, path: JsonPath, reason: JsonPath): 'any' | Peer[] {
  const all = family === 4 ? '0.0.0.0/0' : '::/0';
  if (peers === 'any') return [{ identity: { kind: 'any' }, addresses: [{ cidr: all, except: [] }], opaque: [], path }];
  return peers.map((p) => {
    if (p.addresses) return { ...p, addresses: p.addresses.filter((b) => b.cidr.includes(':') === (family === 6)) };
    if (p.identity.kind === 'any') return { ...p, addresses: [{ cidr: all, except: [] }] };
    return { ...p, opaque: [...p.opaque, { code: 'calico/ip-version', kind: 'narrows', path: reason, message: `the rule applies to IPv${family} only; pod peers match both families` }] };
  });
}
