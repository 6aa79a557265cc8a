/**
 * The VPC CNI engine's evaluation order as the verifier's Calico tier walk (vpc-cni-target §2, row "AWS
 * ClusterNetworkPolicy"): Admin ClusterNetworkPolicies by priority, first match, Accept and Deny final and Pass
 * skipping the rest of the tier → the NetworkPolicy tier (natives: union of allows, deny for the pods they isolate)
 * → the Baseline tier, reached only by pods no NetworkPolicy isolates in that direction → allow. That is exactly a
 * Calico chain "admin tier (default Pass) / default tier with the natives / baseline tier (default Pass)", so the
 * verifier needs no evaluator of its own: ClusterNetworkPolicies are lowered into Calico-ordered model policies.
 *
 * The engine does not match a policy's rules in order: every rule carries its policy's priority and, among the rules
 * that match, the lowest priority wins, Deny before Accept before Pass at equal priority, in one policy or across
 * several (node agent: trie values `priority*10 + action`, smallest wins). So each ClusterNetworkPolicy becomes up to
 * three model policies, its Deny, Accept and Pass rules, at orders `priority`, `priority + 0.1`, `priority + 0.2`.
 */
import type { LabelConj } from '../model/labels.js';
import type { DirectionPolicy, ModelPolicy, ModelRule, Peer, ProtoPorts, RuleAction } from '../model/policy.js';
import { PORT_PROTOCOLS } from '../model/policy.js';
import { normalizeProtoPorts } from '../model/ports.js';
import { labelSelectorConj, lowerNativePolicy } from '../native/lower.js';
import type { JsonPath } from '../report/finding.js';
import type { SourceObject } from '../io/documents.js';
import { isPlainObject } from '../io/documents.js';
import type { CnpAction } from './types.js';

/** Calico tier orders around the default tier (1 000 000) that holds the native policies. */
export const ADMIN_TIER = { name: 'aws-admin', order: -1 } as const;
export const BASELINE_TIER = { name: 'aws-baseline', order: 2_000_000 } as const;

const ACTIONS: Record<CnpAction, RuleAction> = { Accept: 'allow', Deny: 'deny', Pass: 'pass' };

function conj(sel: unknown): LabelConj | null {
  return labelSelectorConj(sel);
}

function namespacedPods(raw: unknown): { namespaces: LabelConj; pods: LabelConj } | null {
  if (!isPlainObject(raw)) return null;
  const namespaces = conj(raw.namespaceSelector ?? {});
  const pods = conj(raw.podSelector ?? {});
  return namespaces === null || pods === null ? null : { namespaces, pods };
}

function lowerPeer(raw: unknown, path: JsonPath): Peer[] {
  if (!isPlainObject(raw)) return [];
  if (raw.namespaces !== undefined) {
    const namespaces = conj(raw.namespaces);
    return namespaces === null ? [] : [{ identity: { kind: 'pods', namespaces, pods: [] }, opaque: [], path }];
  }
  if (raw.pods !== undefined) {
    const np = namespacedPods(raw.pods);
    return np === null ? [] : [{ identity: { kind: 'pods', ...np }, opaque: [], path }];
  }
  if (Array.isArray(raw.networks)) {
    // Every address of both families: every peer, nodes and other cluster entities included, as for an "any" peer.
    if (raw.networks.includes('0.0.0.0/0') && raw.networks.includes('::/0')) return [{ identity: { kind: 'any' }, opaque: [], path }];
    // A network matches every address in it, pods included: the engine matches by IP (vpc-cni-target §1.1).
    return [{ identity: { kind: 'any' }, addresses: raw.networks.map((c) => ({ cidr: String(c), except: [] })), opaque: [], path }];
  }
  if (Array.isArray(raw.domainNames)) {
    return [{ identity: { kind: 'world' }, opaque: [{ code: 'vpc-cni/domain-names', message: `domain names ${raw.domainNames.join(', ')} resolve at run time`, path, kind: 'unrepresentable' }], path }];
  }
  return [];
}

function lowerPorts(raw: unknown): 'all' | ProtoPorts[] {
  if (!Array.isArray(raw) || raw.length === 0) return 'all';
  const out: ProtoPorts[] = [];
  for (const p of raw) {
    if (!isPlainObject(p)) continue;
    if (isPlainObject(p.portNumber)) {
      const n = Number(p.portNumber.port);
      out.push({ protocol: (p.portNumber.protocol ?? 'TCP') as ProtoPorts['protocol'], ranges: [[n, n]] });
    } else if (isPlainObject(p.portRange)) {
      out.push({ protocol: (p.portRange.protocol ?? 'TCP') as ProtoPorts['protocol'], ranges: [[Number(p.portRange.start), Number(p.portRange.end)]] });
    } else if (typeof p.namedPort === 'string') {
      // A name carries its protocol in the container port it names: any of them.
      for (const protocol of PORT_PROTOCOLS) out.push({ protocol, ranges: [], named: [p.namedPort.toLowerCase()] });
    }
  }
  return normalizeProtoPorts(out);
}

function lowerRules(list: unknown, direction: 'ingress' | 'egress'): DirectionPolicy | undefined {
  if (!Array.isArray(list)) return undefined;
  const peerKey = direction === 'ingress' ? 'from' : 'to';
  const rules: ModelRule[] = list.map((r, i) => {
    const path: JsonPath = ['spec', direction, i];
    const rule = isPlainObject(r) ? r : {};
    const peers = Array.isArray(rule[peerKey]) ? (rule[peerKey] as unknown[]).flatMap((p, j) => lowerPeer(p, [...path, peerKey, j])) : [];
    return { action: ACTIONS[rule.action as CnpAction] ?? 'deny', peers, ports: lowerPorts(rule.ports), opaque: [], path };
  });
  // A ClusterNetworkPolicy never isolates: where none of its rules match, the next tier decides.
  return { isolates: false, rules, path: ['spec', direction] };
}

const RANK: Record<RuleAction, number> = { deny: 0, allow: 1, pass: 2, log: 3 };

/** A ClusterNetworkPolicy as Calico-ordered model policies, one per action (module comment). */
export function lowerClusterNetworkPolicy(obj: SourceObject): ModelPolicy[] {
  const spec = isPlainObject(obj.value.spec) ? obj.value.spec : {};
  const tier = spec.tier === 'Baseline' ? BASELINE_TIER : ADMIN_TIER;
  const subject = isPlainObject(spec.subject) ? spec.subject : {};
  let term: { namespaces: LabelConj; pods: LabelConj } | null = null;
  if (subject.namespaces !== undefined) {
    const namespaces = conj(subject.namespaces);
    term = namespaces === null ? null : { namespaces, pods: [] };
  } else if (subject.pods !== undefined) term = namespacedPods(subject.pods);
  const policy: ModelPolicy = {
    cni: 'calico',
    source: { file: obj.file, documentIndex: obj.documentIndex, basePath: obj.basePath, ...obj.locate([]), ref: obj.ref },
    part: 0,
    partPath: [],
    namespace: null,
    subject: { terms: term ? [term] : [], opaque: [], path: ['spec', 'subject'] },
    calicoOrder: { tier: tier.name, tierOrder: tier.order, order: 0, tieKey: obj.ref.name },
    tierDefaultPass: true,
  };
  const priority = typeof spec.priority === 'number' ? spec.priority : 0;
  const ingress = lowerRules(spec.ingress, 'ingress');
  const egress = lowerRules(spec.egress, 'egress');
  const out: ModelPolicy[] = [];
  for (const action of ['deny', 'allow', 'pass'] as const) {
    const part: ModelPolicy = { ...policy, part: RANK[action], calicoOrder: { ...policy.calicoOrder!, order: priority + RANK[action] / 10 } };
    const pick = (d: DirectionPolicy | undefined) => (d ? { ...d, rules: d.rules.filter((r) => r.action === action) } : undefined);
    const i = pick(ingress);
    const e = pick(egress);
    if (i && i.rules.length > 0) part.ingress = i;
    if (e && e.rules.length > 0) part.egress = e;
    if (part.ingress || part.egress) out.push(part);
  }
  return out;
}


/**
 * An ApplicationNetworkPolicy: a NetworkPolicy (same tier, same union, same isolation) whose domain-name peers allow
 * the addresses DNS returns at run time, which the verifier cannot know: an opaque peer outside the cluster.
 */
export function lowerApplicationNetworkPolicy(obj: SourceObject, namespace: string): ModelPolicy {
  const policy = lowerNativePolicy(obj, namespace);
  const spec = isPlainObject(obj.value.spec) ? obj.value.spec : {};
  const rules = Array.isArray(spec.egress) ? spec.egress : [];
  for (const rule of policy.egress?.rules ?? []) {
    const i = rule.path[2] as number;
    const raw = isPlainObject(rules[i]) ? rules[i] : {};
    const to = Array.isArray(raw.to) ? raw.to : [];
    if (rule.peers === 'any') continue;
    rule.peers = rule.peers.flatMap((p) => {
      const j = p.path[4] as number;
      const peer = to[j];
      return isPlainObject(peer) && Array.isArray(peer.domainNames) ? lowerPeer({ domainNames: peer.domainNames }, p.path) : [p];
    });
  }
  return policy;
}
