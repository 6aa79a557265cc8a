/**
 * Lowers a native NetworkPolicy into the model (k8s-netpol-semantics §1): it stays part of the policy set, because
 * Calico and Cilium enforce native policies too and so does the target engine.
 */
import { isPlainObject, type SourceObject } from '../io/documents.js';
import { requirement, simplifyConj, type LabelConj, type LabelOp } from '../model/labels.js';
import { NAMESPACE_NAME_LABEL, type DirectionPolicy, type ModelPolicy, type ModelRule, type Peer, type ProtoPorts, type Protocol } from '../model/policy.js';
import { normalizeProtoPorts } from '../model/ports.js';
import type { JsonPath } from '../report/finding.js';

export function labelSelectorConj(sel: unknown): LabelConj | null {
  if (sel === undefined || sel === null) return [];
  if (!isPlainObject(sel)) return null;
  const reqs = [];
  if (isPlainObject(sel.matchLabels)) for (const [k, v] of Object.entries(sel.matchLabels)) reqs.push(requirement(k, 'In', [String(v)]));
  if (Array.isArray(sel.matchExpressions)) {
    for (const e of sel.matchExpressions) {
      if (!isPlainObject(e) || typeof e.key !== 'string') return null;
      reqs.push(requirement(e.key, e.operator as LabelOp, Array.isArray(e.values) ? e.values.map(String) : []));
    }
  }
  return simplifyConj(reqs);
}

export function lowerNativePolicy(obj: SourceObject, defaultNamespace: string): ModelPolicy {
  const namespace = obj.ref.namespace ?? defaultNamespace;
  const spec = isPlainObject(obj.value.spec) ? obj.value.spec : {};
  const pods = labelSelectorConj(spec.podSelector);
  const egress = Array.isArray(spec.egress) ? spec.egress : [];
  // k8s §1.2: policyTypes defaults to Ingress, plus Egress iff there are egress rules.
  const types: string[] = Array.isArray(spec.policyTypes) && spec.policyTypes.length > 0 ? spec.policyTypes.map(String) : ['Ingress', ...(egress.length > 0 ? ['Egress'] : [])];
  const policy: ModelPolicy = {
    cni: 'native',
    source: { file: obj.file, documentIndex: obj.documentIndex, basePath: obj.basePath, ...obj.locate([]), ref: obj.ref },
    part: 0,
    partPath: [],
    namespace,
    subject: { terms: pods === null ? [] : [{ namespaces: [requirement(NAMESPACE_NAME_LABEL, 'In', [namespace])], pods }], opaque: [], path: ['spec', 'podSelector'] },
  };
  for (const [direction, type, peerKey] of [['ingress', 'Ingress', 'from'], ['egress', 'Egress', 'to']] as const) {
    if (!types.includes(type)) continue;
    const list = Array.isArray(spec[direction]) ? (spec[direction] as unknown[]) : [];
    const rules: ModelRule[] = list.map((r, i) => nativeRule(r, ['spec', direction, i], peerKey, namespace));
    const dp: DirectionPolicy = { isolates: true, rules, path: ['spec', direction] };
    policy[direction] = dp;
  }
  return policy;
}

function nativeRule(raw: unknown, path: JsonPath, peerKey: 'from' | 'to', namespace: string): ModelRule {
  const r = isPlainObject(raw) ? raw : {};
  const peerList = Array.isArray(r[peerKey]) ? (r[peerKey] as unknown[]) : [];
  const peers: 'any' | Peer[] = peerList.length === 0 ? 'any' : peerList.flatMap((p, i) => nativePeer(p, [...path, peerKey, i], namespace));
  const portList = Array.isArray(r.ports) ? r.ports : [];
  const ports: 'all' | ProtoPorts[] = portList.length === 0 ? 'all' : normalizeProtoPorts(portList.map(nativePort));
  return { action: 'allow', peers, ports, opaque: [], path };
}

function nativePeer(raw: unknown, path: JsonPath, namespace: string): Peer[] {
  if (!isPlainObject(raw)) return [];
  if (isPlainObject(raw.ipBlock) && typeof raw.ipBlock.cidr === 'string') {
    const except = Array.isArray(raw.ipBlock.except) ? raw.ipBlock.except.map(String) : [];
    return [{ identity: { kind: 'any' }, addresses: [{ cidr: raw.ipBlock.cidr, except }], opaque: [], path }];
  }
  const pods = labelSelectorConj(raw.podSelector);
  const nsSel = raw.namespaceSelector === undefined || raw.namespaceSelector === null ? undefined : labelSelectorConj(raw.namespaceSelector);
  if (pods === null || nsSel === null) return [];
  const namespaces = nsSel === undefined ? [requirement(NAMESPACE_NAME_LABEL, 'In', [namespace])] : nsSel;
  return [{ identity: { kind: 'pods', namespaces, pods }, opaque: [], path }];
}

function nativePort(raw: unknown): ProtoPorts {
  const p = isPlainObject(raw) ? raw : {};
  const protocol = (typeof p.protocol === 'string' ? p.protocol : 'TCP') as Protocol;
  if (p.port === undefined || p.port === null) return { protocol };
  if (typeof p.port === 'string') return { protocol, ranges: [], named: [p.port] };
  const port = Number(p.port);
  const end = typeof p.endPort === 'number' ? p.endPort : port;
  return { protocol, ranges: [[port, end]] };
}
