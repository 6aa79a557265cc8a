/**
 * The concrete evaluator: is one connection in one concrete cluster allowed by a list of model policies?
 *
 * Semantics (DESIGN.md "Evaluation semantics"): a connection is allowed iff the source pod's egress and the
 * destination pod's ingress allow it (ends that are not pods do not vote). Per pod and direction:
 * - native: isolated iff a native policy of that direction selects it; then the union of their allow rules.
 * - Calico (calico §3.1): tiers, policies, rules in order; first Allow/Deny decides, Pass leaves the tier, the end
 *   of a tier that selected the pod denies unless the tier's default is Pass; native policies are default-tier
 *   policies with order 1000.
 * - Cilium (cilium §2.3, §7, §9): any matching deny → deny; else any matching allow → allow; else deny if a
 *   selecting policy isolates the direction, allow otherwise; native policies are allows with default deny.
 * Ingress from the pod's own node (entity `host`) is always allowed (Cilium: unless a deny matches).
 *
 * Opaque parts are not guessed: each uncertain subject or rule is a free boolean, and the verdict is `unknown`
 * when the outcomes over all its values differ.
 */
import type { ModelPolicy } from '../model/policy.js';
import { namespaceLabels, type Cluster, type ClusterPod, type ConnEndpoint, type Connection, type Verdict } from './cluster.js';
import { calicoChain, evaluationMode, HOST_ENTITY, type Mode } from './common.js';
import { parseAddress, ruleMatch, subjectMatch, type DirectionContext, type Match3, type Resolved } from './concrete-match.js';

type Outcome = 'allow' | 'deny';

export interface DirectionResult {
  outcomes: Set<Outcome>;
  constructs: string[];
}

export interface ConnectionResult {
  verdict: Verdict;
  egress?: DirectionResult;
  ingress?: DirectionResult;
  /** Opaque constructs that could change the outcome (set when the verdict is `unknown`). */
  constructs: string[];
}

/** Evaluates one connection; see the module comment for the semantics. */
export function evaluateConnection(policies: readonly ModelPolicy[], cluster: Cluster, connection: Connection): Verdict {
  return evaluateConnectionDetailed(policies, cluster, connection).verdict;
}

export function evaluateConnectionDetailed(policies: readonly ModelPolicy[], cluster: Cluster, connection: Connection, mode: Mode = evaluationMode(policies)): ConnectionResult {
  const src = resolve(cluster, connection.from);
  const dst = resolve(cluster, connection.to);
  const port = connection.protocol === 'ICMP' ? undefined : connection.port;
  const result: ConnectionResult = { verdict: 'allow', constructs: [] };
  if (src.kind === 'pod') {
    result.egress = evaluateDirection(policies, mode, src, { direction: 'egress', peer: dst, protocol: connection.protocol, port, dstPod: dst.kind === 'pod' ? dst.pod : null });
  }
  if (dst.kind === 'pod') {
    result.ingress = evaluateDirection(policies, mode, dst, { direction: 'ingress', peer: src, protocol: connection.protocol, port, dstPod: dst.pod });
  }
  const sides = [result.egress, result.ingress].filter((s): s is DirectionResult => s !== undefined);
  if (sides.some((s) => s.outcomes.size === 1 && s.outcomes.has('deny'))) result.verdict = 'deny';
  else if (sides.every((s) => s.outcomes.size === 1 && s.outcomes.has('allow'))) result.verdict = 'allow';
  else {
    result.verdict = 'unknown';
    result.constructs = [...new Set(sides.filter((s) => s.outcomes.size > 1).flatMap((s) => s.constructs))];
  }
  return result;
}

function resolve(cluster: Cluster, e: ConnEndpoint): Resolved {
  if ('entity' in e) return { kind: 'ent', name: e.entity };
  const podOf = (pod: ClusterPod): Resolved => {
    const ns = cluster.namespaces.find((n) => n.name === pod.namespace);
    return { kind: 'pod', pod, nsLabels: namespaceLabels(ns ?? { name: pod.namespace, labels: {} }), ip: parseAddress(pod.ip) };
  };
  if ('pod' in e) {
    const pod = cluster.pods.find((p) => `${p.namespace}/${p.name}` === e.pod);
    if (!pod) throw new Error(`unknown pod ${e.pod}`);
    return podOf(pod);
  }
  const ip = parseAddress(e.ip);
  const owner = ip === null ? undefined : cluster.pods.find((p) => {
    const q = parseAddress(p.ip);
    return q !== null && q.family === ip.family && q.bits === ip.bits;
  });
  return owner ? podOf(owner) : { kind: 'ext', ip };
}

/** Evaluates one direction at one pod: the set of possible outcomes (two when opaque parts decide). */
export function evaluateDirection(policies: readonly ModelPolicy[], mode: Mode, local: Extract<Resolved, { kind: 'pod' }>, ctx: DirectionContext): DirectionResult {
  const hostIngress = ctx.direction === 'ingress' && ctx.peer.kind === 'ent' && ctx.peer.name === HOST_ENTITY;
  if (mode === 'calico') {
    if (hostIngress) return { outcomes: new Set(['allow']), constructs: [] };
    return calicoDirection(policies, local, ctx);
  }
  return ciliumDirection(policies, local, ctx, hostIngress);
}

/** Native and Cilium: deny over allow over default (deny iff an isolating policy selects the pod). */
function ciliumDirection(policies: readonly ModelPolicy[], local: Extract<Resolved, { kind: 'pod' }>, ctx: DirectionContext, hostIngress: boolean): DirectionResult {
  interface Entry {
    sel: Match3;
    isolates: boolean;
    allows: Match3[];
    denies: Match3[];
  }
  const entries: Entry[] = [];
  const vars: Array<{ constructs: string[] }> = [];
  const varIndex = new Map<Match3, number>();
  const addVar = (m: Match3) => {
    if (!m.certain) {
      varIndex.set(m, vars.length);
      vars.push({ constructs: m.constructs });
    }
  };
  for (const p of policies) {
    const dp = p[ctx.direction];
    if (!dp) continue;
    const sel = subjectMatch(p, local.pod, local.nsLabels);
    if (!sel.possible) continue;
    const e: Entry = { sel, isolates: dp.isolates, allows: [], denies: [] };
    addVar(sel);
    for (const r of dp.rules) {
      if (r.action !== 'allow' && r.action !== 'deny') continue;
      const m = ruleMatch(p, r, ctx);
      if (!m.possible) continue;
      addVar(m);
      (r.action === 'allow' ? e.allows : e.denies).push(m);
    }
    entries.push(e);
  }
  const outcomes = new Set<Outcome>();
  if (vars.length > 20) return { outcomes: new Set(['allow', 'deny']), constructs: vars.flatMap((v) => v.constructs) };
  for (let mask = 0; mask < 1 << vars.length; mask++) {
    const val = (m: Match3) => m.certain || ((mask >> varIndex.get(m)!) & 1) === 1;
    let deny = false;
    let allow = hostIngress;
    let dd = false;
    for (const e of entries) {
      if (!val(e.sel)) continue;
      if (e.denies.some(val)) deny = true;
      if (e.allows.some(val)) allow = true;
      if (e.isolates) dd = true;
    }
    outcomes.add(deny ? 'deny' : allow ? 'allow' : dd ? 'deny' : 'allow');
    if (outcomes.size === 2) break;
  }
  return { outcomes, constructs: outcomes.size > 1 ? vars.flatMap((v) => v.constructs) : [] };
}

/** Calico: the tier walk of calico §3.1, branching on uncertain subjects and rules. */
function calicoDirection(policies: readonly ModelPolicy[], local: Extract<Resolved, { kind: 'pod' }>, ctx: DirectionContext): DirectionResult {
  const tiers = calicoChain(policies, ctx.direction).map((t) => ({
    defaultPass: t.defaultPass,
    policies: t.policies
      .map((p) => ({ p, sel: subjectMatch(p, local.pod, local.nsLabels) }))
      .filter((x) => x.sel.possible)
      .map((x) => ({ ...x, rules: x.p[ctx.direction]!.rules.map((r) => ({ action: r.action, m: ruleMatch(x.p, r, ctx) })) })),
  }));
  const constructs: string[] = [];
  const memo = new Map<string, Set<Outcome>>();
  const union = (a: Set<Outcome>, b: Set<Outcome>) => new Set([...a, ...b]);
  const ALLOW = new Set<Outcome>(['allow']);
  const DENY = new Set<Outcome>(['deny']);
  const walkTier = (t: number): Set<Outcome> => (t >= tiers.length ? ALLOW : walkPolicy(t, 0, false));
  const walkPolicy = (t: number, i: number, applied: boolean): Set<Outcome> => {
    const key = `${t}/${i}/${applied}`;
    const hit = memo.get(key);
    if (hit) return hit;
    const tier = tiers[t]!;
    let out: Set<Outcome>;
    if (i >= tier.policies.length) out = applied && !tier.defaultPass ? DENY : walkTier(t + 1);
    else {
      const { sel } = tier.policies[i]!;
      out = new Set();
      if (sel.possible) out = union(out, walkRules(t, i, 0));
      if (!sel.certain) {
        constructs.push(...sel.constructs);
        out = union(out, walkPolicy(t, i + 1, applied));
      }
    }
    memo.set(key, out);
    return out;
  };
  const walkRules = (t: number, i: number, r: number): Set<Outcome> => {
    const key = `r${t}/${i}/${r}`;
    const hit = memo.get(key);
    if (hit) return hit;
    const out = walkRule(t, i, r);
    memo.set(key, out);
    return out;
  };
  const walkRule = (t: number, i: number, r: number): Set<Outcome> => {
    const pol = tiers[t]!.policies[i]!;
    if (r >= pol.rules.length) return walkPolicy(t, i + 1, true);
    const { action, m } = pol.rules[r]!;
    let out = new Set<Outcome>();
    if (m.possible) {
      const act = action === 'allow' ? ALLOW : action === 'deny' ? DENY : action === 'pass' ? walkTier(t + 1) : walkRules(t, i, r + 1);
      out = union(out, act);
    }
    if (!m.certain) {
      if (m.possible) constructs.push(...m.constructs);
      out = union(out, walkRules(t, i, r + 1));
    }
    return out;
  };
  const outcomes = walkTier(0);
  return { outcomes, constructs: outcomes.size > 1 ? [...new Set(constructs)] : [] };
}

