/**
 * The `vpc-cni` target's Admin tier (issue #5; vpc-cni-target §2, AWS ClusterNetworkPolicy, engine order read from
 * the node agent): what native NetworkPolicies cannot say because it depends on order — a Deny before an Allow, a
 * Pass, a tier's end-of-tier deny, Cilium's deny over allow — is written as Admin-tier ClusterNetworkPolicies, which
 * the engine evaluates before every NetworkPolicy.
 *
 * The engine does not match rules in order: every rule of a ClusterNetworkPolicy gets its priority, and among the
 * rules that match a connection the lowest priority wins, Deny before Accept before Pass at equal priority. So each
 * run of consecutive rules with the same action gets a priority of its own, in Calico's evaluation order.
 *
 * Calico: the Admin tier holds the longest prefix of Calico's evaluation order that it can say, up to the first
 * native NetworkPolicy of the input (Calico evaluates those in the default tier at order 1000; they stay native, in
 * the NetworkPolicy tier, so nothing after them can go before them): Allow → Accept, Deny → Deny, Pass → Pass (on to the NetworkPolicy tier), and each tier's end-of-tier
 * deny as a Deny of everything for the pods its policies select. A connection the prefix decides is decided there as
 * Calico would; every other one (a Pass, no match, ingress from outside addresses, which Admin rules cannot name)
 * reaches the NetworkPolicy tier, where the native translation of the whole ordered set gives Calico's final answer.
 * Rules the Admin tier decides in full are left out of that native translation: no connection they match reaches it,
 * and native rules need no subtraction for them any more.
 *
 * Cilium: deny beats allow whatever the order, so every deny rule (or its expressible part) is an Admin Deny; the
 * native translation keeps the rest.
 */
import type { CnpAction, CnpPeerJson, CnpPortJson, CnpSubjectJson } from '../../aws/types.js';
import { CNP_LIMITS } from '../../aws/types.js';
import type { TranslateOptions } from '../../model/options.js';
import { DIRECTIONS, NAMESPACE_NAME_LABEL, type Direction, type ModelPolicy, type ModelRule, type SubjectTerm } from '../../model/policy.js';
import type { JsonPath } from '../../report/finding.js';
import { toPointer } from '../../report/finding.js';
import { calicoChain, calicoPlace } from '../../verify/common.js';
import { orderTieNote } from '../compile/compile.js';
import { andConj, labelsConj, matchesConj, requirement } from '../../model/labels.js';
import { ALL_NETWORKS, expressRule, networkPeers, podsPeer } from './rules.js';

export interface CnpRulePlan {
  action: CnpAction;
  peers: CnpPeerJson[];
  ports?: CnpPortJson[];
  /** The source rule (JSON pointer) or `end of tier`. */
  origin: string;
}

export interface CnpPlan {
  model: ModelPolicy;
  direction: Direction;
  priority: number;
  subjects: CnpSubjectJson[];
  rules: CnpRulePlan[];
}

export interface PlanNote {
  model: ModelPolicy;
  code: string;
  path: JsonPath;
  message: string;
}

export interface AdminPlan {
  cnps: CnpPlan[];
  /** The model each source is translated from for the NetworkPolicy tier (the same object when nothing changed). */
  nativeModel: Map<ModelPolicy, ModelPolicy>;
  notes: PlanNote[];
}

const ACTION: Record<'allow' | 'deny' | 'pass', CnpAction> = { allow: 'Accept', deny: 'Deny', pass: 'Pass' };

function subjectsOf(m: ModelPolicy): CnpSubjectJson[] | null {
  if (m.subject.opaque.length > 0 || m.subject.terms.length === 0) return null;
  const out: CnpSubjectJson[] = [];
  for (const t of m.subject.terms) {
    const peer = podsPeer(t.namespaces, t.pods);
    if (peer === null) return null;
    out.push(peer.namespaces ? { namespaces: peer.namespaces } : { pods: peer.pods! });
  }
  return out;
}

/**
 * Same tier and order, rules of both in one direction, one of them a Deny or Pass, and pods that may overlap: their
 * order may change a decision (calico §3.3, T8).
 */
function tiesWith(p: ModelPolicy, q: ModelPolicy): boolean {
  if (calicoPlace(p).order !== calicoPlace(q).order) return false;
  const rules = (x: ModelPolicy, d: Direction) => (x[d]?.rules ?? []).filter((r) => r.action !== 'log');
  const decides = (x: ModelPolicy, d: Direction) => rules(x, d).some((r) => r.action === 'deny' || r.action === 'pass');
  if (!DIRECTIONS.some((d) => rules(p, d).length > 0 && rules(q, d).length > 0 && (decides(p, d) || decides(q, d)))) return false;
  const ns = (x: ModelPolicy, t: SubjectTerm) => (x.namespace === null ? t.namespaces : [...t.namespaces, requirement(NAMESPACE_NAME_LABEL, 'In', [x.namespace])]);
  return p.subject.terms.some((a) => q.subject.terms.some((b) => andConj(ns(p, a), ns(q, b)) !== null && andConj(a.pods, b.pods) !== null));
}

/**
 * The engine checks egress before Service translation (vpc-cni-target §1.2): a connection to a Service's ClusterIP
 * meets an Admin Deny only where the controller added that ClusterIP, i.e. for a pod peer whose selector the
 * Service's own selector satisfies (§2 "Egress to Services", B5), and never for a network (B6). Where a Deny could
 * be passed through a Service, say so; a cluster state with Services tells which ones. A Pass the connection misses
 * the same way lets a later Accept take it, which Calico would have passed on: the same risk.
 */
function serviceBypass(action: CnpAction, r: ModelRule, options: TranslateOptions): string | undefined {
  // Networks: checked for every target (translate/vpc-cni.ts, networkBypassNotes).
  const services = options.inventory?.services;
  if (r.peers === 'any') return undefined;
  for (const p of r.peers) {
    if (p.identity.kind !== 'pods' || p.identity.pods.length === 0) continue;
    const { namespaces, pods } = p.identity;
    if (!services || services.length === 0) {
      return `this ${action} selects pods by label: the VPC CNI engine checks egress before Service translation and matches a Service's ClusterIP only when the Service's selector matches this selector, so traffic through another Service to these pods ${action === 'Deny' ? 'is not denied' : 'is not passed on and a later rule decides it'} (give --cluster-state with Services to check)`;
    }
    for (const s of services) {
      if (!s.selector) continue;
      const nsLabels = { ...(options.namespaceLabels?.[s.namespace] ?? {}), [NAMESPACE_NAME_LABEL]: s.namespace };
      if (!matchesConj(namespaces, nsLabels)) continue;
      if (andConj(pods, labelsConj(s.selector)) !== null && !matchesConj(pods, s.selector)) {
        return `Service ${s.namespace}/${s.name} selects some of the pods this ${action} names by other labels: the VPC CNI engine checks egress before Service translation and does not match its ClusterIP, so traffic through it ${action === 'Deny' ? 'is not denied' : 'is not passed on and a later rule decides it'}`;
      }
    }
  }
  return undefined;
}

function ruleOrigin(r: ModelRule): string {
  return toPointer(r.entryPath ?? r.path);
}

/** What the NetworkPolicy tier still needs of each source: rules decided in full removed, directions dropped. */
class NativeModels {
  private readonly removed = new Map<ModelPolicy, Map<Direction, Set<ModelRule>>>();
  private readonly dropped = new Map<ModelPolicy, Set<Direction>>();

  removeRule(m: ModelPolicy, d: Direction, r: ModelRule): void {
    let byDir = this.removed.get(m);
    if (!byDir) this.removed.set(m, (byDir = new Map()));
    let set = byDir.get(d);
    if (!set) byDir.set(d, (set = new Set()));
    set.add(r);
  }

  dropDirection(m: ModelPolicy, d: Direction): void {
    let set = this.dropped.get(m);
    if (!set) this.dropped.set(m, (set = new Set()));
    set.add(d);
  }

  build(models: readonly ModelPolicy[]): Map<ModelPolicy, ModelPolicy> {
    const out = new Map<ModelPolicy, ModelPolicy>();
    for (const m of models) {
      const byDir = this.removed.get(m);
      const drop = this.dropped.get(m);
      if (!byDir && !drop) {
        out.set(m, m);
        continue;
      }
      const copy: ModelPolicy = { ...m };
      for (const d of DIRECTIONS) {
        const dp = m[d];
        if (!dp) continue;
        if (drop?.has(d)) {
          delete copy[d];
          continue;
        }
        const gone = byDir?.get(d);
        if (gone) copy[d] = { ...dp, rules: dp.rules.filter((r) => !gone.has(r)) };
      }
      out.set(m, copy);
    }
    return out;
  }
}

/** Calico's prefix for one direction (module comment). */
function planCalico(models: readonly ModelPolicy[], direction: Direction, options: TranslateOptions, plan: AdminPlan, natives: NativeModels): void {
  const chain = calicoChain(models.filter((m) => m.cni === 'calico' || m.cni === 'native'), direction);
  let priority = -1;
  // Once a Pass may have sent a connection on to the NetworkPolicy tier, later Admin rules no longer decide every
  // connection they match: from then on nothing is left out of the native translation.
  let passed = false;
  const stop = (m: ModelPolicy, path: JsonPath, why: string) => {
    plan.notes.push({ model: m, code: 'vpc-cni/admin-stops', path, message: `the ClusterNetworkPolicy Admin tier stops here (${direction}): ${why}; from here on, Calico's order is compiled into native policies only` });
  };
  for (const tier of chain) {
    const first = tier.policies[0]!;
    if (first.calicoOrder?.tierUnknown) return stop(first, first.subject.path, `tier ${tier.tier} has no Tier object in the input, so its place is unknown`);
    const inTier: Array<{ m: ModelPolicy; subjects: CnpSubjectJson[] }> = [];
    // Equal order: written in the 3.32+ order, and reported as version-dependent as the native compile does.
    for (const m of tier.policies) for (const q of tier.policies) if (q !== m && m.cni === 'calico' && tiesWith(m, q)) plan.notes.push({ model: m, ...orderTieNote(m, q) });
    for (const m of tier.policies) {
      if (m.cni === 'native') return;
      const subjects = subjectsOf(m);
      if (subjects === null) return stop(m, m.subject.path, 'its selector cannot be written as a label selector');
      const dp = m[direction]!;
      let current: CnpPlan | undefined;
      for (const r of dp.rules) {
        if (r.action === 'log') continue;
        const e = expressRule(r, direction, options);
        if (e.kind === 'no') return stop(m, r.path, `this rule cannot be written as a ClusterNetworkPolicy rule (${e.why})`);
        if (e.kind === 'none') {
          // Matches nothing the Admin tier sees; a Pass that matches outside addresses passes them natively anyway.
          continue;
        }
        const action = ACTION[r.action];
        if (!current || current.rules[0]!.action !== action || current.rules.length >= CNP_LIMITS.rules) {
          if (!current || current.rules[0]!.action !== action) priority++;
          if (priority > CNP_LIMITS.priority) return stop(m, r.path, `more than ${CNP_LIMITS.priority + 1} priorities are needed`);
          current = { model: m, direction, priority, subjects, rules: [] };
          plan.cnps.push(current);
        }
        current.rules.push({ action, peers: e.peers, ...(e.ports ? { ports: e.ports } : {}), origin: ruleOrigin(r) });
        const bypass = direction === 'egress' && action !== 'Accept' ? serviceBypass(action, r, options) : undefined;
        if (bypass) plan.notes.push({ model: m, code: 'vpc-cni/deny-before-dnat', path: r.path, message: bypass });
        if (e.kind === 'full' && r.action !== 'pass' && !passed) natives.removeRule(m, direction, r);
        if (r.action === 'pass') passed = true;
      }
      inTier.push({ m, subjects });
    }
    if (!tier.defaultPass) {
      // End of tier: Calico drops what no rule decided for the pods the tier's policies select (calico §3.1).
      priority++;
      if (priority > CNP_LIMITS.priority) return stop(first, first.subject.path, `more than ${CNP_LIMITS.priority + 1} priorities are needed`);
      const peers = direction === 'egress' ? networkPeers(ALL_NETWORKS) : [{ namespaces: {} }];
      for (const { m, subjects } of inTier) {
        plan.cnps.push({ model: m, direction, priority, subjects, rules: [{ action: 'Deny', peers, origin: 'end of tier' }] });
        // Egress: every connection of these pods is now decided in the Admin tier; native rules are not needed.
        if (direction === 'egress' && !passed) natives.dropDirection(m, direction);
      }
    }
  }
}

function planCilium(m: ModelPolicy, options: TranslateOptions, plan: AdminPlan, natives: NativeModels): void {
  const subjects = subjectsOf(m);
  if (subjects === null) return;
  for (const direction of DIRECTIONS) {
    const dp = m[direction];
    if (!dp) continue;
    const rules: CnpRulePlan[] = [];
    for (const r of dp.rules) {
      if (r.action !== 'deny') continue;
      const e = expressRule(r, direction, options);
      if (e.kind === 'no') {
        plan.notes.push({ model: m, code: 'vpc-cni/admin-stops', path: r.entryPath ?? r.path, message: `this deny cannot be written as a ClusterNetworkPolicy rule (${e.why}); it is compiled into native policies only` });
        continue;
      }
      if (e.kind === 'none') continue;
      rules.push({ action: 'Deny', peers: e.peers, ...(e.ports ? { ports: e.ports } : {}), origin: ruleOrigin(r) });
      const bypass = direction === 'egress' ? serviceBypass('Deny', r, options) : undefined;
      if (bypass) plan.notes.push({ model: m, code: 'vpc-cni/deny-before-dnat', path: r.entryPath ?? r.path, message: bypass });
      if (e.kind === 'full') natives.removeRule(m, direction, r);
    }
    // Cilium: deny beats every allow whatever the order (cilium §2.3), so one priority serves every deny.
    for (let i = 0; i < rules.length; i += CNP_LIMITS.rules) plan.cnps.push({ model: m, direction, priority: 0, subjects, rules: rules.slice(i, i + CNP_LIMITS.rules) });
  }
}

export function planAdminTier(models: readonly ModelPolicy[], options: TranslateOptions): AdminPlan {
  const plan: AdminPlan = { cnps: [], nativeModel: new Map(), notes: [] };
  const natives = new NativeModels();
  for (const d of DIRECTIONS) planCalico(models, d, options, plan, natives);
  for (const m of models) if (m.cni === 'cilium') planCilium(m, options, plan, natives);
  plan.nativeModel = natives.build(models);
  return plan;
}
