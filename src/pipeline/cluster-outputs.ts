/**
 * The Admin tier plan of one source (translate/cluster-policy/plan.ts) as ClusterNetworkPolicy objects: one per
 * subject term and priority, ingress and egress together (the two directions never meet in the engine), at most 100
 * rules per direction (rules of one priority can be split freely: they share their action), each rule named after
 * the source rule it carries.
 */
import { CNP_LIMITS, type ClusterNetworkPolicyJson, type CnpEgressRuleJson, type CnpIngressRuleJson } from '../aws/types.js';
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
  const open = new Map<string, ClusterPolicyDraft[]>();
  for (const plan of plans) {
    const rules = plan.rules.flatMap(splitPeers);
    for (const subject of plan.subjects) {
      const key = `${plan.priority} ${JSON.stringify(subject)}`;
      for (let i = 0; i < rules.length; i += CNP_LIMITS.rules) {
        const chunk = rules.slice(i, i + CNP_LIMITS.rules);
        const candidates = open.get(key) ?? [];
        // The same priority and subject: join a policy with room in this direction.
        let draft = candidates.find((d) => (d.spec[plan.direction]?.length ?? 0) + chunk.length <= CNP_LIMITS.rules);
        if (!draft) {
          draft = { spec: { tier: 'Admin', priority: plan.priority, subject }, origins: [] };
          out.push(draft);
          open.set(key, [...candidates, draft]);
        }
        if (plan.direction === 'ingress') draft.spec.ingress = [...(draft.spec.ingress ?? []), ...chunk.map((r): CnpIngressRuleJson => ({ name: ruleName(r), action: r.action, from: r.peers, ...(r.ports ? { ports: r.ports } : {}) }))];
        else draft.spec.egress = [...(draft.spec.egress ?? []), ...chunk.map((r): CnpEgressRuleJson => ({ name: ruleName(r), action: r.action, to: r.peers, ...(r.ports ? { ports: r.ports } : {}) }))];
        draft.origins = [...new Set([...draft.origins, ...chunk.map((r) => r.origin)])];
      }
    }
  }
  return out;
}
