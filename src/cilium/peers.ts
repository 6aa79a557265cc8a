/**
 * Cilium peers (cilium-semantics §3–§5): endpoint selectors with the namespace/cluster injection of §4.4, entities,
 * CIDRs and CIDR groups.
 */
import { isPlainObject } from '../io/documents.js';
import { matchesConj, simplifyConj } from '../model/labels.js';
import { cidrContains } from '../model/blocks.js';
import { formatCidr, parseCidr } from '../model/cidr.js';
import { NAMESPACE_NAME_LABEL, type CidrBlock, type Opaque, type Peer } from '../model/policy.js';
import type { JsonPath } from '../report/finding.js';
import { classify, parseEndpointSelector } from './labels.js';

export interface CidrGroup {
  name: string;
  labels: Record<string, string>;
  cidrs: string[];
}

export interface PeerContext {
  /** Namespace of a CiliumNetworkPolicy; null for a clusterwide one. */
  namespace: string | null;
  cidrGroups: Map<string, CidrGroup>;
}

export type { Note as PeerNote } from '../model/notes.js';
import type { Note as PeerNote } from '../model/notes.js';

export interface PeersResult {
  peers: 'any' | Peer[];
  notes: PeerNote[];
}

/** `fromEndpoints` / `toEndpoints` selector (cilium §4.4). Returns null when it can match no pod and no entity. */
export function endpointPeer(sel: unknown, path: JsonPath, ctx: PeerContext, notes: PeerNote[]): Peer | null {
  const reqs = parseEndpointSelector(sel) ?? [];
  const c = classify(reqs);
  const positiveReserved = c.reserved.filter((r) => r.op === 'In' || r.op === 'Exists');
  if (positiveReserved.length > 0) {
    // A reserved key selects a reserved identity, never a pod (§4.4 step 1: no namespace injection).
    const names = [...new Set(positiveReserved.map((r) => r.key))];
    if (names.length === 1 && reqs.length === 1) return entityPeer(names[0]!, path);
    notes.push({ code: 'cilium/entity-other', path, message: 'a selector mixing reserved: and other labels matches no pod' });
    return null;
  }
  if (c.absentKeys.length > 0) {
    const filtered = c.absentKeys.filter((k) => k.startsWith('k8s:') || k.startsWith('any:'));
    if (filtered.length) notes.push({ code: 'cilium/filtered-label', path, message: `Cilium leaves ${filtered.join(', ')} out of identities: it treats the label as absent` });
    const other = c.absentKeys.filter((k) => !k.startsWith('k8s:') && !k.startsWith('any:'));
    if (other.length) notes.push({ code: 'cilium/label-source', path, message: `${other.join(', ')} is not a Kubernetes label source: pods never carry it` });
  }
  if (c.clusterKey) notes.push({ code: 'cilium/cluster-label', path, message: `cluster label assumed to name the local cluster "${'default'}"` });
  if (c.matchesNoPod) return null;
  let namespaces = c.namespaces;
  if (!c.hasNamespaceKey) {
    if (ctx.namespace === null) namespaces = [...namespaces]; // CCNP: namespace Exists, i.e. every namespace
    else if (!c.hasNamespaceLabelKey) namespaces = [...namespaces, { key: NAMESPACE_NAME_LABEL, op: 'In', values: [ctx.namespace] }];
  }
  if (c.hasNamespaceLabelKey) notes.push({ code: 'cilium/namespace-labels-peer', path, message: 'namespace-label keys select namespaces by label (current releases: in any namespace, without the policy namespace)' });
  if (c.hasNamespaceKey && c.namespaces.every((r) => r.op !== 'In')) {
    notes.push({ code: 'cilium/negative-namespace-peer', path, message: 'a negative namespace requirement matches only pods here, because current releases add the local-cluster filter' });
  }
  const ns = simplifyConj(namespaces);
  const pods = simplifyConj(c.pods);
  if (ns === null || pods === null) return null;
  const opaque: Opaque[] = [];
  if (c.usesServiceAccount) opaque.push({ code: 'cilium/service-account-label', kind: 'unrepresentable', path, message: 'the selector tests the pod\'s service account' });
  return { identity: { kind: 'pods', namespaces: ns.filter((r) => !(r.key === NAMESPACE_NAME_LABEL && r.op === 'Exists')), pods }, opaque, path };
}

/** An entity (cilium §5). Returns 'any' for `all`, null for `none`. */
export function entityPeers(name: string, path: JsonPath): Peer[] | 'any' {
  switch (name) {
    case 'all':
      return 'any';
    case 'none':
      return [];
    case 'world':
      return [{ identity: { kind: 'world' }, opaque: [], path }];
    case 'cluster':
    case 'cluster-mesh':
      // all pods of the (local) cluster, plus nodes and other cluster entities native policy cannot name (T32)
      return [
        { identity: { kind: 'pods', namespaces: [], pods: [] }, opaque: [], path },
        { identity: { kind: 'entity', name: `${name} (nodes, health, ingress, kube-apiserver)`, code: 'cilium/entity-cluster' }, opaque: [], path },
      ];
    default:
      return [entityPeer(name, path)];
  }
}

function entityPeer(name: string, path: JsonPath): Peer {
  if (name === 'world' || name === 'world-ipv4' || name === 'world-ipv6') {
    const p: Peer = { identity: { kind: 'world' }, opaque: [], path };
    if (name !== 'world') p.addresses = [{ cidr: name === 'world-ipv4' ? '0.0.0.0/0' : '::/0', except: [] }];
    return p;
  }
  return { identity: { kind: 'entity', name, code: 'cilium/entity-other' }, opaque: [], path };
}

function canonical(text: string): string | null {
  const c = text.includes('/') ? parseCidr(text) : null;
  return c ? formatCidr(c.family, c.bits, c.prefix) : null;
}

/** A CIDR peer: only addresses that are not cluster endpoints (cilium §3.2.3, T34). */
export function cidrPeer(cidr: string, except: string[], path: JsonPath): Peer | null {
  const c = canonical(cidr);
  if (c === null) return null;
  const ex = except.map(canonical).filter((e): e is string => e !== null && e !== c && cidrContains(c, e));
  if (except.some((e) => canonical(e) === c)) return null;
  const block: CidrBlock = { cidr: c, except: [...new Set(ex)].sort() };
  return { identity: { kind: 'world' }, addresses: [block], opaque: [], path };
}

/** A `fromCIDRSet` / `toCIDRSet` entry (cilium §3.2.4, T35). */
export function cidrRulePeers(entry: unknown, path: JsonPath, ctx: PeerContext, notes: PeerNote[]): Peer[] {
  if (!isPlainObject(entry)) return [];
  const except = Array.isArray(entry.except) ? entry.except.filter((e): e is string => typeof e === 'string') : [];
  if (typeof entry.cidr === 'string') {
    const p = cidrPeer(entry.cidr, except, path);
    return p ? [p] : [];
  }
  let groups: CidrGroup[] = [];
  if (typeof entry.cidrGroupRef === 'string') {
    const g = ctx.cidrGroups.get(entry.cidrGroupRef);
    if (!g) {
      notes.push({ code: 'cilium/cidr-group', path: [...path, 'cidrGroupRef'], message: `CiliumCIDRGroup "${entry.cidrGroupRef}" is not in the input: it selects nothing` });
      return [];
    }
    groups = [g];
  } else if (isPlainObject(entry.cidrGroupSelector)) {
    const reqs = parseEndpointSelector(entry.cidrGroupSelector) ?? [];
    groups = [...ctx.cidrGroups.values()].filter((g) =>
      matchesConj(reqs, g.labels),
    );
    notes.push({ code: 'cilium/cidr-group', path: [...path, 'cidrGroupSelector'], message: `cidrGroupSelector matches ${groups.length} CiliumCIDRGroup(s) of the input; groups not in the input are not covered` });
  }
  const peers: Peer[] = [];
  for (const g of groups) {
    if (except.length > 0) notes.push({ code: 'cilium/cidr-group', path: [...path, 'except'], message: 'except together with a CIDR group is documented as unsupported; it is applied as current code does' });
    for (const c of g.cidrs) {
      const p = cidrPeer(c, except, path);
      if (p) peers.push(p);
    }
    notes.push({ code: 'cilium/cidr-group', path, message: `CiliumCIDRGroup "${g.name}" resolved to ${g.cidrs.length} CIDR(s) of the input`, opts: { severity: 'info', effect: 'none' } });
  }
  return peers;
}
