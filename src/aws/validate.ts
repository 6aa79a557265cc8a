/**
 * Checks an emitted ClusterNetworkPolicy as the API server would: the CRD's schema (schemas/aws, written from the
 * controller's types: enums, ranges, the limits of 100 rules, 100 peers, 25 networks) and what the schema leaves to
 * the server's other checks (label selector syntax, CIDR syntax, port ranges with start < end).
 */
import { validateObject } from '../io/schemas.js';
import { isValidLabelKey, isValidLabelValue } from '../model/labels.js';
import { parseCidr } from '../model/cidr.js';
import type { LabelSelectorJson } from '../native/types.js';
import type { ApplicationNetworkPolicyJson, ClusterNetworkPolicyJson, CnpPeerJson, CnpPortJson } from './types.js';

function selectorErrors(sel: LabelSelectorJson | undefined, where: string): string[] {
  if (!sel) return [];
  const out: string[] = [];
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) {
    if (!isValidLabelKey(k)) out.push(`${where}: invalid label key ${JSON.stringify(k)}`);
    if (!isValidLabelValue(v)) out.push(`${where}: invalid label value ${JSON.stringify(v)}`);
  }
  for (const e of sel.matchExpressions ?? []) {
    if (!isValidLabelKey(e.key)) out.push(`${where}: invalid label key ${JSON.stringify(e.key)}`);
    if ((e.operator === 'In' || e.operator === 'NotIn') && (e.values ?? []).length === 0) out.push(`${where}: ${e.operator} needs values`);
    for (const v of e.values ?? []) if (!isValidLabelValue(v)) out.push(`${where}: invalid label value ${JSON.stringify(v)}`);
  }
  return out;
}

function peerErrors(p: CnpPeerJson, where: string): string[] {
  const out = [...selectorErrors(p.namespaces, where), ...selectorErrors(p.pods?.namespaceSelector, where), ...selectorErrors(p.pods?.podSelector, where)];
  for (const c of p.networks ?? []) if (parseCidr(c) === null) out.push(`${where}: invalid CIDR ${JSON.stringify(c)}`);
  return out;
}

function portErrors(p: CnpPortJson, where: string): string[] {
  return p.portRange && !(p.portRange.start < p.portRange.end) ? [`${where}: portRange start must be less than end`] : [];
}

export function validateClusterNetworkPolicy(p: ClusterNetworkPolicyJson): string[] {
  const out = validateObject(p.apiVersion, p.kind, p).map((i) => `${i.path.join('.')}: ${i.message}`);
  const s = p.spec;
  out.push(...selectorErrors(s.subject.namespaces, 'spec.subject.namespaces'), ...selectorErrors(s.subject.pods?.namespaceSelector, 'spec.subject.pods'), ...selectorErrors(s.subject.pods?.podSelector, 'spec.subject.pods'));
  (s.ingress ?? []).forEach((r, i) => {
    r.from.forEach((q, j) => out.push(...peerErrors(q, `spec.ingress[${i}].from[${j}]`)));
    (r.ports ?? []).forEach((q, j) => out.push(...portErrors(q, `spec.ingress[${i}].ports[${j}]`)));
  });
  (s.egress ?? []).forEach((r, i) => {
    r.to.forEach((q, j) => out.push(...peerErrors(q, `spec.egress[${i}].to[${j}]`)));
    (r.ports ?? []).forEach((q, j) => out.push(...portErrors(q, `spec.egress[${i}].ports[${j}]`)));
  });
  return out;
}

/** An emitted ApplicationNetworkPolicy: its CRD schema (domain names exclusive of other peer fields, the name
 * pattern) and the selector syntax. */
export function validateApplicationNetworkPolicy(p: ApplicationNetworkPolicyJson): string[] {
  const out = validateObject(p.apiVersion, p.kind, p).map((i) => `${i.path.join('.')}: ${i.message}`);
  out.push(...selectorErrors(p.spec.podSelector, 'spec.podSelector'));
  (p.spec.egress ?? []).forEach((r, i) => (r.to ?? []).forEach((q, j) => out.push(...selectorErrors(q.podSelector, `spec.egress[${i}].to[${j}]`), ...selectorErrors(q.namespaceSelector, `spec.egress[${i}].to[${j}]`))));
  return out;
}
