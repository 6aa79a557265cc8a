/**
 * Cilium's own validation of a rule (`Rule.Sanitize()`, cilium-semantics §1.7). One failing rule voids the whole
 * object: Cilium enforces none of it (T3), so the tool converts none of it.
 */
import { isPlainObject } from '../io/documents.js';
import { parseCidr, isStrictSubset } from '../model/cidr.js';
import { isValidLabelKey, isValidLabelValue } from '../model/labels.js';
import type { JsonPath } from '../report/finding.js';
import { parseEndpointSelector } from './labels.js';
import { EXTENDED_PROTOCOLS, parsePortProtocol } from './ports.js';

export interface SanitizeError {
  path: JsonPath;
  message: string;
}

export const ENTITIES = new Set(['all', 'world', 'cluster', 'cluster-mesh', 'host', 'init', 'ingress', 'unmanaged', 'remote-node', 'health', 'none', 'kube-apiserver']);

const INGRESS_L3 = ['fromEndpoints', 'fromCIDR', 'fromCIDRSet', 'fromEntities', 'fromNodes', 'fromGroups'];
const EGRESS_L3 = ['toEndpoints', 'toCIDR', 'toCIDRSet', 'toEntities', 'toServices', 'toGroups', 'toNodes', 'toFQDNs'];

export function sanitizeRule(rule: unknown, path: JsonPath, clusterwide: boolean): SanitizeError[] {
  const errors: SanitizeError[] = [];
  const err = (p: JsonPath, message: string) => errors.push({ path: p, message });
  if (!isPlainObject(rule)) return [{ path, message: 'a rule must be an object' }];
  const sections = ['ingress', 'ingressDeny', 'egress', 'egressDeny'];
  if (sections.every((s) => !Array.isArray(rule[s]) || (rule[s] as unknown[]).length === 0)) {
    err(path, 'rule must have at least one of Ingress, IngressDeny, Egress, EgressDeny');
  }
  const hasEp = rule.endpointSelector !== undefined && rule.endpointSelector !== null;
  const hasNode = rule.nodeSelector !== undefined && rule.nodeSelector !== null;
  if (hasEp === hasNode) err(path, 'rule must have exactly one of endpointSelector and nodeSelector');
  if (hasNode && !clusterwide) err([...path, 'nodeSelector'], 'rule cannot have NodeSelector (only a CiliumClusterwideNetworkPolicy can)');
  if (hasEp) checkSelector(rule.endpointSelector, [...path, 'endpointSelector'], err);
  if (hasNode) checkSelector(rule.nodeSelector, [...path, 'nodeSelector'], err);
  for (const s of sections) {
    const list = rule[s];
    if (list === undefined || list === null) continue;
    if (!Array.isArray(list)) {
      err([...path, s], `${s} must be a list`);
      continue;
    }
    list.forEach((entry, i) => checkEntry(entry, [...path, s, i], s.startsWith('ingress'), s.endsWith('Deny'), err));
  }
  return errors;
}

function checkSelector(sel: unknown, path: JsonPath, err: (p: JsonPath, m: string) => void): void {
  if (!isPlainObject(sel)) return err(path, 'selector must be an object');
  const reqs = parseEndpointSelector(sel);
  if (reqs === null) return err(path, 'malformed label selector');
  const keys = [...Object.keys(isPlainObject(sel.matchLabels) ? sel.matchLabels : {})];
  if (Array.isArray(sel.matchExpressions)) {
    sel.matchExpressions.forEach((e, i) => {
      if (!isPlainObject(e)) return;
      const p = [...path, 'matchExpressions', i];
      const op = e.operator;
      const values = Array.isArray(e.values) ? e.values : [];
      if (op !== 'In' && op !== 'NotIn' && op !== 'Exists' && op !== 'DoesNotExist') err([...p, 'operator'], `${JSON.stringify(op)} is not a valid selector operator`);
      else if ((op === 'In' || op === 'NotIn') && values.length === 0) err([...p, 'values'], 'values must be specified when operator is In or NotIn');
      else if ((op === 'Exists' || op === 'DoesNotExist') && values.length > 0) err([...p, 'values'], 'values may not be specified when operator is Exists or DoesNotExist');
      for (const v of values) if (typeof v !== 'string' || !isValidLabelValue(v)) err([...p, 'values'], `invalid label value ${JSON.stringify(v)}`);
      if (typeof e.key === 'string') keys.push(e.key);
    });
  }
  if (isPlainObject(sel.matchLabels)) {
    for (const [k, v] of Object.entries(sel.matchLabels)) {
      const s = typeof v === 'string' ? v : String(v);
      if (!isValidLabelValue(s)) err([...path, 'matchLabels', k], `invalid label value ${JSON.stringify(v)}`);
    }
  }
  for (const k of keys) if (!validKey(k)) err(path, `invalid label key ${JSON.stringify(k)}`);
}

/** `[source:]key` with a Kubernetes-style key (optional DNS-subdomain prefix and '/'). */
function validKey(raw: string): boolean {
  const parts = raw.split(':');
  if (parts.length > 2) return false;
  const key = parts[parts.length - 1]!;
  if (parts.length === 2 && parts[0] === 'reserved') return key.length > 0;
  return isValidLabelKey(key);
}

function checkEntry(entry: unknown, path: JsonPath, ingress: boolean, deny: boolean, err: (p: JsonPath, m: string) => void): void {
  if (!isPlainObject(entry)) return err(path, 'a rule entry must be an object');
  const l3 = (ingress ? INGRESS_L3 : EGRESS_L3).filter((k) => entry[k] !== undefined && entry[k] !== null);
  if (l3.length > 1) err(path, `combining ${l3[0]} and ${l3[1]} is not supported yet`);
  if (entry.icmps !== undefined && entry.toPorts !== undefined) err(path, 'icmps and toPorts cannot be combined in one rule');
  for (const k of ['fromEndpoints', 'toEndpoints', 'fromRequires', 'toRequires', 'fromNodes', 'toNodes']) {
    if (Array.isArray(entry[k])) (entry[k] as unknown[]).forEach((s, i) => checkSelector(s, [...path, k, i], err));
  }
  for (const k of ['fromEntities', 'toEntities']) {
    if (Array.isArray(entry[k])) (entry[k] as unknown[]).forEach((e, i) => {
      if (typeof e !== 'string' || !ENTITIES.has(e)) err([...path, k, i], `unknown entity ${JSON.stringify(e)}`);
    });
  }
  for (const k of ['fromCIDR', 'toCIDR']) {
    if (Array.isArray(entry[k])) (entry[k] as unknown[]).forEach((c, i) => {
      if (typeof c !== 'string' || !c.includes('/') || parseCidr(c) === null) err([...path, k, i], `invalid CIDR ${JSON.stringify(c)}`);
    });
  }
  for (const k of ['fromCIDRSet', 'toCIDRSet']) {
    if (Array.isArray(entry[k])) (entry[k] as unknown[]).forEach((c, i) => checkCidrRule(c, [...path, k, i], err));
  }
  if (Array.isArray(entry.toPorts)) {
    entry.toPorts.forEach((pr, i) => checkPortRule(pr, [...path, 'toPorts', i], ingress, deny, err));
  }
}

function checkCidrRule(c: unknown, path: JsonPath, err: (p: JsonPath, m: string) => void): void {
  if (!isPlainObject(c)) return err(path, 'a CIDR rule must be an object');
  const set = ['cidr', 'cidrGroupRef', 'cidrGroupSelector'].filter((k) => c[k] !== undefined && c[k] !== null && c[k] !== '');
  if (set.length !== 1) return err(path, 'a CIDR rule needs exactly one of cidr, cidrGroupRef, cidrGroupSelector');
  if (typeof c.cidr === 'string') {
    const outer = c.cidr.includes('/') ? parseCidr(c.cidr) : null;
    if (!outer) return err([...path, 'cidr'], `invalid CIDR ${JSON.stringify(c.cidr)}`);
    if (Array.isArray(c.except)) {
      c.except.forEach((e, i) => {
        const inner = typeof e === 'string' && e.includes('/') ? parseCidr(e) : null;
        if (!inner) err([...path, 'except', i], `invalid CIDR ${JSON.stringify(e)}`);
        else if (inner.family !== outer.family || !(isStrictSubset(outer, inner) || (inner.prefix === outer.prefix && inner.bits === outer.bits))) {
          err([...path, 'except', i], `except ${e} is not contained in ${c.cidr}`);
        }
      });
    }
  }
}

function checkPortRule(pr: unknown, path: JsonPath, ingress: boolean, deny: boolean, err: (p: JsonPath, m: string) => void): void {
  if (!isPlainObject(pr)) return err(path, 'a port rule must be an object');
  const ports = Array.isArray(pr.ports) ? pr.ports : [];
  if (ports.length > 40) err([...path, 'ports'], 'too many ports (more than 40)');
  let hasZero = false;
  let hasRange = false;
  let protocols = new Set<string>();
  ports.forEach((p, i) => {
    const r = parsePortProtocol(p, false);
    if (r.kind === 'invalid') err([...path, 'ports', i], r.message);
    if (isPlainObject(p)) {
      if (p.port === '0' || p.port === 0) hasZero = true;
      if (typeof p.endPort === 'number') hasRange = true;
      protocols.add(typeof p.protocol === 'string' ? p.protocol.toUpperCase() : 'ANY');
    }
  });
  protocols = new Set([...protocols].filter((x) => !EXTENDED_PROTOCOLS.has(x)));
  const rules = isPlainObject(pr.rules) ? pr.rules : undefined;
  if (rules) {
    if (deny) err([...path, 'rules'], 'deny rules cannot have L7 rules');
    const kinds = ['http', 'kafka', 'dns', 'l7proto'].filter((k) => rules[k] !== undefined && rules[k] !== null);
    if (kinds.length > 1) err([...path, 'rules'], `multiple L7 protocol rule types (${kinds.join(', ')}) in one rule`);
    if (kinds.length > 0 && hasZero) err([...path, 'rules'], 'L7 rules cannot be applied to port 0');
    if (rules.dns !== undefined) {
      if (ingress) err([...path, 'rules', 'dns'], 'DNS rules are not allowed on ingress');
      if (ports.length === 0) err([...path, 'rules', 'dns'], 'DNS rules need explicit ports');
      if (hasRange) err([...path, 'rules', 'dns'], 'DNS rules cannot use port ranges');
    }
    if ((rules.http !== undefined || rules.kafka !== undefined) && [...protocols].some((p) => p !== 'TCP')) {
      err([...path, 'rules'], 'L7 rules other than DNS need protocol TCP');
    }
  }
  if (pr.listener !== undefined && pr.listener !== null) {
    if (ingress) err([...path, 'listener'], 'listener is not allowed on ingress');
    if (rules) err([...path, 'listener'], 'listener cannot be combined with L7 rules');
  }
}
