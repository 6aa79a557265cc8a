/**
 * `--eks-auto-mode`: Cilium `toFQDNs` allow rules as AWS ApplicationNetworkPolicies with `domainNames` peers
 * (vpc-cni-target §2, DNS/FQDN policies: enforced on EKS Auto Mode only; the open-source node agent drops them).
 *
 * Names map only where both sides match the same names: Cilium `matchName` and patterns without `*` are one name;
 * Cilium `**.example.com` (any number of subdomain levels, 1.19 and later) is AWS `*.example.com` (one or more whole
 * labels). Cilium's single `*` matches within one label, which no AWS domain name says: such a rule stays dropped,
 * fail-closed, and is reported (cilium §3.3, [api/fqdn]).
 */
import type { SourceObject } from '../../io/documents.js';
import { isPlainObject, valueAt } from '../../io/documents.js';
import type { ModelPolicy } from '../../model/policy.js';
import type { JsonPath } from '../../report/finding.js';
import { translatePorts } from '../rules.js';
import { toLabelSelector } from '../selectors.js';
import type { ApplicationNetworkPolicyJson } from '../../aws/types.js';

export interface FqdnPlan {
  model: ModelPolicy;
  namespace: string;
  spec: ApplicationNetworkPolicyJson['spec'];
  origins: string[];
}

export interface FqdnNote {
  model: ModelPolicy;
  code: 'vpc-cni/fqdn' | 'vpc-cni/fqdn-pattern';
  path: JsonPath;
  message: string;
}

const DOMAIN = /^(\*\.)?([a-z0-9]([-a-z0-9_]*[a-z0-9])?\.)+[a-z0-9]([-a-z0-9_]*[a-z0-9])?\.?$/;

/** The AWS domain name for one Cilium FQDN selector, or why there is none. */
export function domainNameOf(sel: unknown): { name: string } | { why: string } {
  if (!isPlainObject(sel)) return { why: 'not a selector' };
  const raw = typeof sel.matchName === 'string' ? sel.matchName : typeof sel.matchPattern === 'string' ? sel.matchPattern : undefined;
  if (raw === undefined) return { why: 'neither matchName nor matchPattern' };
  let name = raw.toLowerCase();
  if (typeof sel.matchPattern === 'string' && name.startsWith('**.')) name = name.slice(1);
  else if (typeof sel.matchPattern === 'string' && name.includes('*')) return { why: `pattern ${raw}: Cilium's * matches within one label, which no AWS domain name says` };
  if (!DOMAIN.test(name)) return { why: `${raw} is not a domain name the ApplicationNetworkPolicy accepts` };
  return { name };
}

export function planFqdnPolicies(items: ReadonlyArray<{ model: ModelPolicy; obj: SourceObject }>): { plans: FqdnPlan[]; notes: FqdnNote[] } {
  const plans: FqdnPlan[] = [];
  const notes: FqdnNote[] = [];
  for (const { model, obj } of items) {
    // Without default deny the policy does not isolate, and an ApplicationNetworkPolicy would.
    if (model.cni !== 'cilium' || model.namespace === null || !model.egress?.isolates) continue;
    const egress: NonNullable<ApplicationNetworkPolicyJson['spec']['egress']> = [];
    const origins: string[] = [];
    for (const r of model.egress.rules) {
      const fq = r.opaque.find((o) => o.code === 'cilium/to-fqdns');
      if (r.action !== 'allow' || !fq) continue;
      // Only the name part is new: a rule with L7 or other conditions stays dropped.
      if (r.opaque.some((o) => o !== fq)) continue;
      const list = valueAt(obj.value, fq.path);
      const names = Array.isArray(list) ? list.map(domainNameOf) : [];
      const bad = names.find((n): n is { why: string } => 'why' in n);
      if (bad || names.length === 0) {
        notes.push({ model, code: 'vpc-cni/fqdn-pattern', path: fq.path, message: `${bad?.why ?? 'no names'}; the rule stays dropped` });
        continue;
      }
      const ports = r.ports === 'all' ? undefined : translatePorts(r.ports);
      egress.push({ to: [{ domainNames: [...new Set(names.map((n) => (n as { name: string }).name))] }], ...(ports ? { ports } : {}) });
      origins.push(fq.path.map(String).join('/'));
      notes.push({ model, code: 'vpc-cni/fqdn', path: fq.path, message: 'written as an ApplicationNetworkPolicy with domainNames (EKS Auto Mode only: the open-source VPC CNI agent drops domain rules); which addresses it allows depends on DNS at run time' });
    }
    if (egress.length === 0) continue;
    for (const term of model.subject.terms) {
      const podSelector = toLabelSelector(term.pods);
      if (podSelector === null) continue;
      plans.push({ model, namespace: model.namespace, spec: { podSelector, policyTypes: ['Egress'], egress }, origins: origins.map((o) => '/' + o) });
    }
  }
  return { plans, notes };
}
