/**
 * Checks across emitted policies for the VPC CNI engine, which merges every policy that selects a pod into one LPM
 * trie per direction (vpc-cni-target §1.3): at most 24 (protocol, port) entries per address key (§2.1), and every
 * `except` written as a deny key of its own that also blocks that range for the other policies (bug B3).
 */
import { addTo } from '../model/multimap.js';
import { cidrContains, familyOf } from '../model/blocks.js';
import { andConj, type LabelConj } from '../model/labels.js';
import { labelSelectorConj } from '../native/lower.js';
import type { NetworkPolicyJson, NetworkPolicyPeerJson, NetworkPolicyPortJson } from '../native/types.js';
import type { ModelPolicy } from '../model/policy.js';
import type { TranslateOptions } from '../model/options.js';
import type { Note } from '../model/notes.js';
import { mayHoldPods } from './cluster-policy/rules.js';

export interface VpcCniFinding {
  /** Index of the emitted policy the finding is about. */
  output: number;
  code: 'vpc-cni/port-limit' | 'vpc-cni/except-overlap';
  message: string;
}

interface RuleView {
  keys: string[];
  ports: number;
  excepts: string[];
  peers: NetworkPolicyPeerJson[] | undefined;
}

const ALL = '*';

function ruleViews(p: NetworkPolicyJson, direction: 'ingress' | 'egress'): RuleView[] {
  const rules = direction === 'ingress' ? (p.spec.ingress ?? []).map((r) => ({ peers: r.from, ports: r.ports })) : (p.spec.egress ?? []).map((r) => ({ peers: r.to, ports: r.ports }));
  return rules.map((r) => ({
    keys: r.peers === undefined ? [ALL] : r.peers.map(peerKey),
    ports: countPorts(r.ports),
    excepts: (r.peers ?? []).flatMap((x) => x.ipBlock?.except ?? []),
    peers: r.peers,
  }));
}

function peerKey(p: NetworkPolicyPeerJson): string {
  return p.ipBlock ? p.ipBlock.cidr : JSON.stringify([p.namespaceSelector ?? null, p.podSelector ?? null]);
}

/** Entries the engine stores: one per (protocol, port or range); a rule without ports is one "any" entry. */
function countPorts(ports: NetworkPolicyPortJson[] | undefined): number {
  return ports === undefined || ports.length === 0 ? 1 : ports.length;
}

function allows(views: RuleView[], range: string): boolean {
  return views.some((v) => v.peers === undefined || v.peers.some((q) => q.ipBlock !== undefined && overlap(q.ipBlock.cidr, range) && !(q.ipBlock.except ?? []).some((x) => cidrContains(x, range))));
}

function overlap(a: string, b: string): boolean {
  return familyOf(a) === familyOf(b) && (cidrContains(a, b) || cidrContains(b, a));
}

export function vpcCniChecks(policies: NetworkPolicyJson[]): VpcCniFinding[] {
  const out: VpcCniFinding[] = [];
  const subjects = policies.map((p) => labelSelectorConj(p.spec.podSelector));
  const sameNamespace = new Map<string, number[]>();
  policies.forEach((p, i) => addTo(sameNamespace, p.metadata.namespace, i));
  // Each policy's views are needed once per policy that shares its pods: computed once.
  const views = new Map<string, RuleView[]>();
  const viewsOf = (i: number, d: 'ingress' | 'egress') => {
    const k = `${i}/${d}`;
    let v = views.get(k);
    if (!v) views.set(k, (v = ruleViews(policies[i]!, d)));
    return v;
  };
  const mayShare = (i: number, j: number) => {
    const a = subjects[i] as LabelConj | null;
    const b = subjects[j] as LabelConj | null;
    return a !== null && b !== null && andConj(a, b) !== null;
  };
  policies.forEach((p, i) => {
    const group = (sameNamespace.get(p.metadata.namespace) ?? []).filter((j) => mayShare(i, j));
    for (const d of ['ingress', 'egress'] as const) {
      const own = viewsOf(i, d);
      if (own.length === 0) continue;
      const others = group.filter((j) => j !== i).map((j) => ({ j, views: viewsOf(j, d) }));
      // Port entries per address key, over every policy that may select the same pods.
      const reported = new Set<string>();
      for (const key of new Set(own.flatMap((v) => v.keys))) {
        const total = [own, ...others.map((o) => o.views)].flat().filter((v) => v.keys.includes(key)).reduce((n, v) => n + v.ports, 0);
        const single = Math.max(...own.filter((v) => v.keys.includes(key)).map((v) => v.ports));
        if (total > 24 && single <= 24 && !reported.has(key)) {
          reported.add(key);
          out.push({ output: i, code: 'vpc-cni/port-limit', message: `${total} port entries for ${key === ALL ? 'every address' : key} across the ${d} rules of the policies that select these pods; the VPC CNI engine keeps at most 24 per address and drops the rest` });
        }
      }
      for (const e of own.flatMap((v) => v.excepts)) {
        const clash = others.find((o) => allows(o.views, e));
        if (clash) {
          const q = policies[clash.j]!;
          out.push({ output: i, code: 'vpc-cni/except-overlap', message: `except ${e} overlaps what ${q.metadata.namespace}/${q.metadata.name} allows the same pods (${d}); the VPC CNI engine blocks the excepted range for that policy too (bug B3)` });
          break;
        }
      }
    }
  });
  return out;
}

/**
 * The VPC CNI engine checks egress before Service translation (vpc-cni-target §1.2, B6): a Calico egress Deny or
 * Pass of addresses that may be pods' does not meet a connection to a Service whose backends are there, whatever the
 * target: natively it becomes an `except` of an allowing ipBlock that the ClusterIP is not in, in the Admin tier a
 * Deny network without the ClusterIP. Calico decides after translation, so such a connection may pass.
 */
export function networkBypassNotes(m: ModelPolicy, options: TranslateOptions): Note[] {
  if (m.cni !== 'calico' || !m.egress) return [];
  const out: Note[] = [];
  for (const r of m.egress.rules) {
    if ((r.action !== 'deny' && r.action !== 'pass') || r.peers === 'any') continue;
    const blocks = r.peers.flatMap((p) => (p.identity.kind === 'any' && p.addresses ? p.addresses : []));
    const narrow = blocks.filter((b) => !b.cidr.endsWith('/0'));
    if (narrow.length === 0 || !mayHoldPods(narrow, options)) continue;
    const action = r.action === 'deny' ? 'Deny' : 'Pass';
    out.push({ code: 'vpc-cni/deny-before-dnat', path: r.path, message: `this ${action} names addresses that may be pods' (${narrow.slice(0, 3).map((b) => b.cidr).join(', ')}${narrow.length > 3 ? ', ...' : ''}): the VPC CNI engine checks egress before Service translation, so a connection to a Service whose backends are there ${action === 'Deny' ? 'is not denied' : 'is not passed on and a later rule decides it'} (pass --cluster-cidr, with the Service range, if these are outside the cluster)` });
  }
  return out;
}
