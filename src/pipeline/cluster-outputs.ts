/**
 * The Admin tier plan of one source (translate/cluster-policy/plan.ts) as ClusterNetworkPolicy objects: one per
 * subject term and priority, at most 100 rules each (rules of one priority can be split freely: they share their
 * action), each rule named after the source rule it carries.
 */
import { AWS_API_VERSION, CNP_LIMITS, type ClusterNetworkPolicyJson, type CnpEgressRuleJson, type CnpIngressRuleJson } from '../aws/types.js';
import type { CnpPlan, CnpRulePlan } from '../translate/cluster-policy/plan.js';

function ruleName(r: CnpRulePlan): string {
  return r.origin.length <= CNP_LIMITS.ruleName ? r.origin : r.origin.slice(0, CNP_LIMITS.ruleName);
}

/** A rule with more than 100 peers becomes several rules of the same action. */
function splitPeers(r: CnpRulePlan): CnpRulePlan[] {
  if (r.peers.length <= CNP_LIMITS.peers) return [r];
  const out: CnpRulePlan[] = [];
  for (let i = 0; i < r.peers.length; i += CNP_LIMITS.peers) out.push({ ...r, peers: r.peers.slice(i, i + CNP_LIMITS.peers) });
  return out;
}

export interface ClusterPolicyDraft {
  spec: ClusterNetworkPolicyJson['spec'];
  origins: string[];
}

export function clusterPolicyDrafts(plans: readonly CnpPlan[]): ClusterPolicyDraft[] {
  const out: ClusterPolicyDraft[] = [];
  for (const plan of plans) {
    const rules = plan.rules.flatMap(splitPeers);
    for (const subject of plan.subjects) {
      for (let i = 0; i < rules.length; i += CNP_LIMITS.rules) {
        const chunk = rules.slice(i, i + CNP_LIMITS.rules);
        const spec: ClusterNetworkPolicyJson['spec'] = { tier: 'Admin', priority: plan.priority, subject };
        if (plan.direction === 'ingress') spec.ingress = chunk.map((r): CnpIngressRuleJson => ({ name: ruleName(r), action: r.action, from: r.peers, ...(r.ports ? { ports: r.ports } : {}) }));
        else spec.egress = chunk.map((r): CnpEgressRuleJson => ({ name: ruleName(r), action: r.action, to: r.peers, ...(r.ports ? { ports: r.ports } : {}) }));
        out.push({ spec, origins: [...new Set(chunk.map((r) => r.origin))] });
      }
    }
  }
  return out;
}

export function clusterPolicyObject(name: string, draft: ClusterPolicyDraft, annotations: Record<string, string>): ClusterNetworkPolicyJson {
  return {
    apiVersion: AWS_API_VERSION,
    kind: 'ClusterNetworkPolicy',
    metadata: { name, labels: { 'app.kubernetes.io/managed-by': 'netpol-migrate' }, annotations },
    spec: draft.spec,
  };
}
