/**
 * Cilium label selectors over identity labels (cilium-semantics §4): `[source:]key` keys, the namespace, namespace
 * label, service-account and cluster keys, and the labels Cilium's identity filter leaves out.
 */
import { isPlainObject } from '../io/documents.js';
import { requirement, type LabelOp, type Requirement } from '../model/labels.js';
import { NAMESPACE_NAME_LABEL } from '../model/policy.js';

export const POD_NAMESPACE_KEY = 'io.kubernetes.pod.namespace';
export const NAMESPACE_LABELS_PREFIX = 'io.cilium.k8s.namespace.labels.';
export const SERVICE_ACCOUNT_KEY = 'io.cilium.k8s.policy.serviceaccount';
export const CLUSTER_KEY = 'io.cilium.k8s.policy.cluster';
/** Cilium's default cluster name; `policy-default-local-cluster` (default since 1.19) injects it into peers. */
export const LOCAL_CLUSTER = 'default';

export interface CiliumRequirement extends Requirement {
  /** Label source: k8s, any, reserved, container, ... (`any` for unprefixed keys, §4.2). */
  source: string;
}

/** Parses `{matchLabels, matchExpressions}` into requirements; null when the selector is malformed. */
export function parseEndpointSelector(sel: unknown): CiliumRequirement[] | null {
  if (sel === undefined || sel === null) return [];
  if (!isPlainObject(sel)) return null;
  const out: CiliumRequirement[] = [];
  if (sel.matchLabels !== undefined) {
    if (!isPlainObject(sel.matchLabels)) return null;
    for (const [k, v] of Object.entries(sel.matchLabels)) {
      const value = typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : null;
      if (value === null) return null;
      out.push(withSource(k, 'In', [value]));
    }
  }
  if (sel.matchExpressions !== undefined) {
    if (!Array.isArray(sel.matchExpressions)) return null;
    for (const e of sel.matchExpressions) {
      if (!isPlainObject(e) || typeof e.key !== 'string' || typeof e.operator !== 'string') return null;
      const values = Array.isArray(e.values) ? e.values.map((v) => String(v)) : [];
      out.push(withSource(e.key, e.operator as LabelOp, values));
    }
  }
  return out;
}

function withSource(rawKey: string, op: LabelOp, values: string[]): CiliumRequirement {
  const i = rawKey.indexOf(':');
  const source = i >= 0 ? rawKey.slice(0, i) : 'any';
  const key = i >= 0 ? rawKey.slice(i + 1) : rawKey;
  return { ...requirement(key, op, values), source };
}

const POD_SOURCES = new Set(['k8s', 'any']);

/**
 * Keys Cilium's default identity-label filter drops (cilium §4.1): a selector on them behaves as if pods did not
 * carry the label.
 */
export function isFilteredKey(key: string): boolean {
  if (key === POD_NAMESPACE_KEY || key.startsWith('io.cilium.k8s.namespace.labels') || key === CLUSTER_KEY || key === SERVICE_ACCOUNT_KEY) return false;
  if (key.startsWith('app.kubernetes.io')) return false;
  if (key.includes('beta.kubernetes.io')) return true;
  const dropped = ['io.kubernetes', 'kubernetes.io', 'statefulset.kubernetes.io/pod-name', 'apps.kubernetes.io/pod-index', 'batch.kubernetes.io/job-completion-index', 'batch.kubernetes.io/controller-uid', 'k8s.io', 'pod-template-generation', 'pod-template-hash', 'controller-revision-hash', 'controller-uid', 'annotation.', 'etcd_node', 'topology.kubernetes.io'];
  return dropped.some((p) => key.startsWith(p));
}

/** True when the requirement holds for a label map that lacks the key. */
export function holdsWhenAbsent(r: Requirement): boolean {
  return r.op === 'NotIn' || r.op === 'DoesNotExist';
}

export interface ClassifiedSelector {
  namespaces: Requirement[];
  pods: Requirement[];
  reserved: CiliumRequirement[];
  hasNamespaceKey: boolean;
  hasNamespaceLabelKey: boolean;
  usesServiceAccount: boolean;
  /** Keys that pods never carry as identity labels (non-k8s source or filtered): noted by the caller. */
  absentKeys: string[];
  clusterKey: boolean;
  /** The selector can match no pod. */
  matchesNoPod: boolean;
}

/** Sorts requirements into namespace, pod and reserved parts, folding keys pods never carry to constants. */
export function classify(reqs: CiliumRequirement[]): ClassifiedSelector {
  const c: ClassifiedSelector = { namespaces: [], pods: [], reserved: [], hasNamespaceKey: false, hasNamespaceLabelKey: false, usesServiceAccount: false, absentKeys: [], clusterKey: false, matchesNoPod: false };
  for (const r of reqs) {
    const plain: Requirement = { key: r.key, op: r.op, values: r.values };
    if (r.source === 'reserved') {
      c.reserved.push(r);
      continue;
    }
    const absent = () => {
      c.absentKeys.push(`${r.source}:${r.key}`);
      if (!holdsWhenAbsent(r)) c.matchesNoPod = true;
    };
    if (!POD_SOURCES.has(r.source)) {
      absent();
      continue;
    }
    if (r.key === POD_NAMESPACE_KEY) {
      c.hasNamespaceKey = true;
      c.namespaces.push({ ...plain, key: NAMESPACE_NAME_LABEL });
    } else if (r.key.startsWith(NAMESPACE_LABELS_PREFIX)) {
      c.hasNamespaceLabelKey = true;
      c.namespaces.push({ ...plain, key: r.key.slice(NAMESPACE_LABELS_PREFIX.length) });
    } else if (r.key === SERVICE_ACCOUNT_KEY) {
      c.usesServiceAccount = true;
      c.pods.push(plain);
    } else if (r.key === CLUSTER_KEY) {
      c.clusterKey = true;
      const holds = r.op === 'In' ? r.values.includes(LOCAL_CLUSTER) : r.op === 'NotIn' ? !r.values.includes(LOCAL_CLUSTER) : r.op === 'Exists';
      if (!holds) c.matchesNoPod = true;
    } else if (isFilteredKey(r.key)) absent();
    else c.pods.push(plain);
  }
  return c;
}
