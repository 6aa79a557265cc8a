/**
 * The node agent keeps at most 24 (protocol, port) slots per address key and direction for a pod, and an address key
 * of the cluster-policy map also inherits the slots of every wider key (vpc-cni-target §2.1, helper reading of
 * `ComputeClusterPolicyMapEntriesFromEndpointRules`); slots past 24 are dropped in no fixed order. A dropped Admin
 * Deny lets traffic through, so the Admin outputs are checked: for each address key of each policy, the slots of
 * every Admin rule of a policy whose pods may overlap and whose addresses hold that key (pod peers count as holding
 * every pod address, and so does every network that may hold pods).
 */
import type { ClusterNetworkPolicyJson, CnpPeerJson, CnpSubjectJson } from '../../aws/types.js';
import { cidrContains, familyOf } from '../../model/blocks.js';
import { andConj, type LabelConj } from '../../model/labels.js';
import { labelSelectorConj } from '../../native/lower.js';

export const SLOT_LIMIT = 24;

interface RuleSlots {
  policy: number;
  slots: number;
  networks: string[];
  pods: boolean;
}

function subjectConj(s: CnpSubjectJson): { ns: LabelConj | null; pods: LabelConj | null } {
  if (s.namespaces) return { ns: labelSelectorConj(s.namespaces), pods: [] };
  return { ns: labelSelectorConj(s.pods?.namespaceSelector), pods: labelSelectorConj(s.pods?.podSelector) };
}

function mayOverlap(a: CnpSubjectJson, b: CnpSubjectJson): boolean {
  const x = subjectConj(a);
  const y = subjectConj(b);
  if (!x.ns || !y.ns || !x.pods || !y.pods) return true;
  return andConj(x.ns, y.ns) !== null && andConj(x.pods, y.pods) !== null;
}

function holds(outer: string, inner: string): boolean {
  return familyOf(outer) === familyOf(inner) && cidrContains(outer, inner);
}

export interface SlotFinding {
  /** Index of the policy in the list given. */
  output: number;
  message: string;
}

export function adminSlotChecks(policies: readonly ClusterNetworkPolicyJson[]): SlotFinding[] {
  const out: SlotFinding[] = [];
  for (const d of ['ingress', 'egress'] as const) {
    const rules: RuleSlots[] = [];
    policies.forEach((p, i) => {
      for (const r of p.spec[d] ?? []) {
        const peers: CnpPeerJson[] = 'from' in r ? r.from : r.to;
        rules.push({ policy: i, slots: r.ports?.length ?? 1, networks: peers.flatMap((x) => x.networks ?? []), pods: peers.some((x) => x.pods !== undefined || x.namespaces !== undefined) });
      }
    });
    policies.forEach((p, i) => {
      const near = rules.filter((r) => r.policy === i || mayOverlap(p.spec.subject, policies[r.policy]!.spec.subject));
      const own = rules.filter((r) => r.policy === i);
      const keys = [...new Set(own.flatMap((r) => r.networks))].map((k) => ({ k, total: near.filter((r) => r.networks.some((n) => holds(n, k))).reduce((n, r) => n + r.slots, 0) }));
      // A pod's address inherits every network rule (a network may hold it) and every pod rule.
      if (own.some((r) => r.pods)) keys.push({ k: 'the addresses of the pods it names', total: near.filter((r) => r.pods || r.networks.length > 0).reduce((n, r) => n + r.slots, 0) });
      const worst = keys.find((x) => x.total > SLOT_LIMIT);
      if (worst) out.push({ output: i, message: `${worst.total} port entries (${d}) may land on ${worst.k} across the Admin policies of these pods, counting those of wider networks it inherits; the VPC CNI agent keeps ${SLOT_LIMIT} and drops the rest in no fixed order, which may drop a Deny: merge ports into ranges` });
    });
  }
  return out;
}
