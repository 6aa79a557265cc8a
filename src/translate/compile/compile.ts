/**
 * Compiles ordered policies (Calico Deny/Pass/order/tiers, Cilium deny) into allow-only native policies from their
 * allowed set rather than rule by rule (issue #5): per namespace and direction the walk (walk.ts) attributes every
 * allowed connection to the policy whose rule allows it, and those boxes are written back as native rules
 * (native-rules.ts). A Deny before an Allow becomes a subtraction: `NotIn` / `DoesNotExist` selectors, `except`
 * blocks, port ranges split around the denied ports, several peers or policies where a complement needs a union.
 *
 * Only policies whose meaning depends on order are compiled ("affected"): those with Deny or Pass rules, in a tier
 * that passes by default, or with an allow rule an earlier decision may overrule (ordering.ts). Every other policy
 * keeps its rule-by-rule translation, which is exact for it. What native rules cannot say is left out and reported
 * (fail-closed): the output is the closest narrower set.
 */
import { addTo } from '../../model/multimap.js';
import { cidrContains, familyOf } from '../../model/blocks.js';
import type { TranslateOptions } from '../../model/options.js';
import { DIRECTIONS, NAMESPACE_NAME_LABEL, type Direction, type ModelPolicy, type Peer, type SubjectTerm } from '../../model/policy.js';
import type { NetworkPolicyJson } from '../../native/types.js';
import { toPointer } from '../../report/finding.js';
import { calicoChain, calicoPlace, isNamedPortKey, relaxConj } from '../../verify/common.js';
import { conjBox, lbEqual, vs } from '../../verify/labelset.js';
import { policyRegions, tri, type Tri } from '../../verify/regions.js';
import { ALL_PORTS, ANY_EP, epKey, Space, VerifyTimeout, type Box, type Ep } from '../../verify/space.js';
import { subjectAtoms, walkPerAtom } from './atoms.js';
import { ALL_IPS, ipsOfCidrs, ivMinus } from '../../verify/intervals.js';
import { makeSpace } from '../../verify/symbolic.js';
import type { Decision } from '../decisions.js';
import { labelsOfNamespace, namespacesOf } from '../fanout.js';
import type { OrderingResult } from '../ordering.js';
import { isAssumedExternal, type NativeRule } from '../rules.js';
import { toLabelSelector } from '../selectors.js';
import type { TranslatedSpec } from '../translate.js';
import { conjsOfBox } from './label-boxes.js';
import { nativeRules, takeNamedPort, type PortBox } from './native-rules.js';
import { calicoWalk, ciliumWalk, type Attributed, type WalkEntry, type WalkTier } from './walk.js';
import { matchesConj } from '../../model/labels.js';

export interface CompiledPolicy {
  specs: TranslatedSpec[];
  decisions: Decision[];
  assumedExternal: string[];
}

/** Longest the walk may take for one namespace before its policies fall back to the rule-by-rule translation. */
const NAMESPACE_TIME_LIMIT_MS = 3000;

/** Policies whose meaning depends on evaluation order (module comment). */
export function needsCompile(p: ModelPolicy, ordering: OrderingResult): boolean {
  if (p.cni === 'native') return false;
  if (p.tierDefaultPass) return true;
  // Cilium without default deny adds allows without isolating: only the allowed set says what stays open.
  if (p.cni === 'cilium' && DIRECTIONS.some((d) => p[d] !== undefined && !p[d]!.isolates)) return true;
  return DIRECTIONS.some((d) => (p[d]?.rules ?? []).some((r) => r.action === 'deny' || r.action === 'pass' || ordering.dropped.has(r)));
}

export interface CompileResult {
  compiled: Map<ModelPolicy, CompiledPolicy>;
  /** Policies that needed compiling but could not be, with why: they keep the fail-closed rule-by-rule path. */
  fallbacks: Map<ModelPolicy, string>;
}

const FALLBACK_REASONS: Record<string, string> = {
  'tier-unknown': 'a policy there names a tier with no Tier object in the input, so the evaluation order is unknown',
  'time-limit': 'compiling it ran past its time limit',
  'subject-unknown': 'which of its pods the policy selects there depends on labels the tool does not know',
};

export function compileOrdered(models: readonly ModelPolicy[], ordering: OrderingResult, options: TranslateOptions): CompileResult {
  const out = new Map<ModelPolicy, CompiledPolicy>();
  const fallbacks = new Map<ModelPolicy, string>();
  const natives = models.filter((m) => m.cni === 'native');
  for (const cni of ['calico', 'cilium'] as const) {
    const family = models.filter((m) => m.cni === cni);
    const affected = family.filter((p) => needsCompile(p, ordering));
    if (affected.length === 0) continue;
    const scope = [...family, ...natives];
    const targets = new Map<ModelPolicy, string[]>();
    for (const p of affected) {
      if (p.subject.opaque.length > 0) continue; // not convertible at all: the rule-by-rule path reports it
      const nss = new Set<string>();
      let known = true;
      for (const t of p.subject.terms) {
        const r = namespacesOf(t.namespaces, p.namespace, options);
        if (r === 'unknown') known = false;
        else r.forEach((n) => nss.add(n));
      }
      if (known) targets.set(p, [...nss].sort());
    }
    const byNamespace = new Map<string, ModelPolicy[]>();
    for (const [p, nss] of targets) for (const n of nss) addTo(byNamespace, n, p);
    const assumed = cni === 'cilium' ? assumedExternalBlocks(family, options) : [];
    const failed = new Set<ModelPolicy>();
    const partial = new Map<ModelPolicy, CompiledPolicy>();
    for (const [ns, want] of [...byNamespace].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
      const r = compileWithinLimit(() => compileNamespace(ns, new Set(want), scope, cni, options, assumed));
      if (typeof r === 'string') {
        for (const p of want) {
          failed.add(p);
          partial.delete(p);
          if (!fallbacks.has(p)) fallbacks.set(p, `namespace ${ns} is not compiled: ${FALLBACK_REASONS[r] ?? r}; the rule-by-rule translation applies (fail-closed)`);
        }
        continue;
      }
      for (const [p, c] of r) {
        if (failed.has(p)) continue;
        const prev = partial.get(p);
        if (prev) {
          prev.specs.push(...c.specs);
          prev.decisions.push(...c.decisions);
          prev.assumedExternal.push(...c.assumedExternal);
        } else partial.set(p, c);
      }
    }
    for (const [p, c] of partial) if (!failed.has(p)) out.set(p, finish(p, c, targets.get(p)!));
  }
  return { compiled: out, fallbacks };
}

/**
 * The time limit holds for the whole of a namespace's compile, the walk and the writing back of its boxes alike (both
 * run on the namespace's Space and its deadline): past it, the namespace falls back.
 */
function compileWithinLimit<T>(run: () => T): T | 'time-limit' {
  try {
    return run();
  } catch (e) {
    if (e instanceof VerifyTimeout) return 'time-limit';
    throw e;
  }
}

/** Adds the notes that hold for the policy as a whole. */
function finish(p: ModelPolicy, c: CompiledPolicy, namespaces: string[]): CompiledPolicy {
  const how =
    p.cni === 'calico'
      ? 'compiled from Calico\'s evaluation order (tiers by order, policies by order and then by name as Calico 3.32 and later break ties, rules first-match): the output allows what this policy allowed in that order'
      : 'compiled with Cilium\'s rule that a deny beats every allow: the output allows what this policy allowed minus what any deny of the same pods denied';
  const decisions: Decision[] = [{ code: 'output/compiled', path: p.subject.path, message: `${how}${namespaces.length > 1 ? ` (namespaces ${namespaces.join(', ')})` : ''}` }];
  for (const d of DIRECTIONS) {
    for (const r of p[d]?.rules ?? []) {
      if (r.action === 'log') {
        decisions.push({ code: 'calico/action-log', path: [...r.path, 'action'], message: 'Log never decides traffic; dropped', opts: { dropped: r.path } });
        continue;
      }
      // The walk uses what an opaque rule surely matches for allows (nothing) and what it may match for Deny and
      // Pass (its whole L3/L4 part): both narrow the output.
      const ruleLevel = r.opaque.length > 0;
      for (const o of [...r.opaque, ...(r.peers === 'any' ? [] : r.peers.flatMap((x) => x.opaque))]) {
        const what = r.action === 'allow' ? (ruleLevel ? 'the rule is dropped (fail-closed)' : 'this peer is dropped (fail-closed)') : `the ${r.action === 'deny' ? 'Deny' : 'Pass'} is applied to everything its other parts match (fail-closed)`;
        const dropped = r.action === 'allow' ? (ruleLevel ? r.path : o.path) : false;
        decisions.push({ code: o.code, path: o.path, message: `${o.message}; ${what}`, opts: { effect: 'narrower', dropped } });
      }
    }
  }
  const seen = new Set<string>();
  for (const dec of c.decisions) {
    const k = `${dec.code}|${JSON.stringify(dec.path)}|${dec.message}`;
    if (!seen.has(k)) decisions.push(dec), seen.add(k);
  }
  return { specs: c.specs, decisions, assumedExternal: [...new Set(c.assumedExternal)] };
}

/**
 * Public Cilium CIDR blocks that, without `--cluster-cidr` for their family, the translator treats as holding no
 * cluster address (the same assumption as the rule-by-rule path, rules.ts `worldPeers`).
 */
function assumedExternalBlocks(family: readonly ModelPolicy[], options: TranslateOptions): string[] {
  const out = new Set<string>();
  for (const p of family) {
    for (const d of DIRECTIONS) {
      for (const r of p[d]?.rules ?? []) {
        if (r.peers === 'any') continue;
        for (const peer of r.peers) for (const c of publicBlocks(peer, options)) out.add(c);
      }
    }
  }
  return [...out].sort();
}

function publicBlocks(peer: Peer, options: TranslateOptions): string[] {
  if (peer.identity.kind !== 'world' || !peer.addresses) return [];
  return peer.addresses
    .map((b) => b.cidr)
    .filter((c) => isAssumedExternal(c, options));
}

/** Does the term select pods of the namespace (namespace labels known)? */
function termApplies(t: SubjectTerm, p: ModelPolicy, ns: string, options: TranslateOptions): boolean {
  if (p.namespace !== null && p.namespace !== ns) return false;
  const labels = labelsOfNamespace(ns, t.namespaces, options);
  return labels !== undefined && matchesConj(t.namespaces, labels);
}

/** The subject pods a policy may select in the namespace (L: surely, U: possibly). */
function subjectIn(space: Space, p: ModelPolicy, ns: string, options: TranslateOptions): Tri {
  const cellNs = new Map([[NAMESPACE_NAME_LABEL, vs(false, [ns])]]);
  const opaque = p.subject.opaque.length > 0;
  const L: Box[] = [];
  const U: Box[] = [];
  if (p.namespace !== null && p.namespace !== ns) return tri([]);
  for (const t of p.subject.terms) {
    const labels = labelsOfNamespace(ns, t.namespaces, options);
    let sure = true;
    if (labels) {
      if (!matchesConj(t.namespaces, labels)) continue;
    } else {
      sure = false;
      const names = t.namespaces.find((r) => r.key === NAMESPACE_NAME_LABEL && r.op === 'In');
      if (names && !names.values.includes(ns)) continue;
    }
    const r = relaxConj(t.pods, opaque);
    const pods = conjBox(r.conj);
    if (pods === null) continue;
    const b = space.box(space.pod(cellNs, pods), ANY_EP, ALL_PORTS);
    if (!b) continue;
    U.push(b);
    if (sure && r.exact) L.push(b);
  }
  return L.length === U.length ? tri(U) : tri(L, U);
}

function compileNamespace(ns: string, want: Set<ModelPolicy>, scope: readonly ModelPolicy[], cni: 'calico' | 'cilium', options: TranslateOptions, assumed: string[]): Map<ModelPolicy, CompiledPolicy> | string {
  // Pods live in --cluster-cidr (outside addresses everywhere else); without it pods may be anywhere except in the
  // public blocks assumed external (rules.ts), and outside addresses anywhere.
  const space = options.clusterCidrs.length ? makeSpace({ clusterCidrs: options.clusterCidrs }) : new Space(ivMinus(ALL_IPS, ipsOfCidrs(assumed)), ALL_IPS);
  space.deadline = Date.now() + (options.compileTimeLimitMs ?? NAMESPACE_TIME_LIMIT_MS);
  const local = scope.filter((p) => p.namespace === null || p.namespace === ns);
  const subjects = new Map(local.map((p) => [p, subjectIn(space, p, ns, options)]));
  const inNs = local.filter((p) => subjects.get(p)!.U.length > 0);
  if (cni === 'calico') {
    // An unknown tier may sort anywhere (calico T4): the order, and so the result, is not known.
    const tiers = new Set(inNs.map((p) => p.calicoOrder?.tier ?? 'default'));
    if (tiers.size > 1 && inNs.some((p) => p.calicoOrder?.tierUnknown)) return 'tier-unknown';
  }
  const cell = [space.box(space.pod(new Map([[NAMESPACE_NAME_LABEL, vs(false, [ns])]]), new Map()), ANY_EP, ALL_PORTS)!];
  const regions = new Map(inNs.map((p) => [p, policyRegions(space, p)]));
  const entry = (p: ModelPolicy, d: Direction): WalkEntry => ({
    policy: p,
    S: subjects.get(p)!,
    isolates: p[d]!.isolates,
    rules: regions.get(p)![d]!.rules.map((r) => ({ rule: r.rule, m: r.m })),
  });
  const allowed = new Map<Direction, Attributed>();
  const ties = cni === 'calico' ? orderTies(space, inNs, subjects, want) : new Map<ModelPolicy, Decision[]>();
  const chains = new Map<Direction, WalkTier[]>();
  for (const d of DIRECTIONS) {
    const list = inNs.filter((p) => p[d] !== undefined);
    chains.set(d, cni === 'calico' ? calicoChain(list, d).map((t) => ({ defaultPass: t.defaultPass, entries: t.policies.map((p) => entry(p, d)) })) : [{ defaultPass: false, entries: list.map((p) => entry(p, d)) }]);
  }
  const walk = (c: Box[], tiers: WalkTier[]) => (cni === 'calico' ? calicoWalk(space, c, tiers, want) : ciliumWalk(space, tiers[0]?.entries ?? [], want));
  const atoms = subjectAtoms(space, cell[0]!.a, [...chains.values()].flatMap((t) => t.flatMap((x) => x.entries)));
  for (const d of DIRECTIONS) allowed.set(d, atoms ? walkPerAtom(space, atoms, chains.get(d)!, walk) : walk(cell, chains.get(d)!));
  const out = new Map<ModelPolicy, CompiledPolicy>();
  for (const p of want) {
    const S = subjects.get(p)!;
    if (!S.exact || S.U.length === 0) {
      if (S.U.length > 0) return 'subject-unknown';
      continue;
    }
    const c = emit(space, p, ns, S, allowed, assumed, options, atoms);
    c.decisions.push(...(ties.get(p) ?? []));
    out.set(p, c);
  }
  return out;
}

/** `calico/order-tie` on `p` for its tie with `q` (calico §3.3, T8). */
export function orderTieNote(p: ModelPolicy, q: ModelPolicy): Decision {
  const r = q.source.ref;
  const first = calicoPlace(p).tieKey < calicoPlace(q).tieKey ? 'this policy' : `${r.kind} ${r.namespace ? r.namespace + '/' : ''}${r.name}`;
  return { code: 'calico/order-tie', path: p.subject.path, message: `has the same order as ${r.kind} ${r.namespace ? r.namespace + '/' : ''}${r.name} and selects some of the same pods: compiled in the order of Calico 3.32 and later, where ${first} comes first by name; earlier releases may evaluate them the other way round` };
}

/**
 * Policies of one tier with the same order whose pods overlap and one of which can deny or pass: Calico 3.32
 * changed the tie-break (calico §3.3, T8), so the result depends on the release. Compiled in the current order.
 */
function orderTies(space: Space, list: readonly ModelPolicy[], subjects: Map<ModelPolicy, Tri>, want: Set<ModelPolicy>): Map<ModelPolicy, Decision[]> {
  const out = new Map<ModelPolicy, Decision[]>();
  const decides = (p: ModelPolicy) => DIRECTIONS.some((d) => (p[d]?.rules ?? []).some((r) => r.action === 'deny' || r.action === 'pass'));
  const place = calicoPlace;
  for (const p of list) {
    if (!want.has(p)) continue;
    for (const q of list) {
      if (q === p || place(q).tier !== place(p).tier || place(q).order !== place(p).order) continue;
      if (!decides(p) && !decides(q)) continue;
      if (space.and(subjects.get(p)!.U, subjects.get(q)!.U).length === 0) continue;
      addTo(out, p, orderTieNote(p, q));
    }
  }
  return out;
}

interface SpecDraft {
  /** Key of the subject box it was made for. */
  key: string;
  /** The subject box of a main spec (one per subject term). */
  a?: Ep;
  podSelector: NetworkPolicyJson['spec']['podSelector'];
  term: number;
  types: Set<Direction>;
  rules: Record<Direction, NativeRule[]>;
  /** The source rules (JSON pointers) whose allowed connections the spec carries. */
  origins: Set<string>;
}

/** The origin of connections no rule decided: passed beyond the last tier (Calico), or pods no policy isolates (Cilium). */
const ORIGIN_END: Record<'calico' | 'cilium' | 'native', string> = { calico: 'passed-beyond-last-tier', cilium: 'not-isolated', native: 'not-isolated' };

/** Native specs for one policy in one namespace: a spec per subject term, and one per subject part a subtraction cut off. */
function emit(space: Space, p: ModelPolicy, ns: string, S: Tri, allowed: Map<Direction, Attributed>, assumed: string[], options: TranslateOptions, atoms: Ep[] | null): CompiledPolicy {
  const decisions: Decision[] = [];
  const drafts: SpecDraft[] = [];
  const directions = DIRECTIONS.filter((d) => p[d] !== undefined);
  // The main specs isolate every subject pod, with or without rules (a tier that selects pods and allows nothing
  // leaves them isolated, calico §3.4).
  p.subject.terms.forEach((t, i) => {
    const sel = toLabelSelector(t.pods);
    const pods = conjBox(t.pods);
    const box = pods && S.U.find((b) => b.a.k === 'pod' && lbEqual(b.a.pod, pods));
    if (sel === null || !box || !termApplies(t, p, ns, options)) return;
    if (drafts.some((x) => x.key === epKey(box.a))) return;
    drafts.push({ key: epKey(box.a), a: box.a, podSelector: sel, term: i, types: new Set(directions), rules: { ingress: [], egress: [] }, origins: new Set() });
  });
  for (const d of directions) {
    const lost: string[] = [];
    const att = allowed.get(d)!;
    const boxes = att.boxes.get(p) ?? [];
    for (const r of p[d]!.rules) {
      if (r.action !== 'allow' || att.reached.has(r) || r.opaque.length > 0) continue;
      decisions.push({ code: 'output/shadowed-rule', path: r.path, message: `in namespace ${ns} this rule decides no connection: ${p.cni === 'cilium' ? 'a deny of a policy that selects the same pods denies everything it matches' : 'everything it matches is decided before it (by an earlier rule, an earlier policy, or the end of an earlier tier that selects the same pods)'}` });
    }
    const bySubject = new Map<string, { a: Box['a']; boxes: PortBox[]; origins: Set<string> }>();
    let namedCut = false;
    for (const x of boxes) {
      const pb = takeNamedPort(x, d);
      if (pb === null) {
        namedCut = true;
        continue;
      }
      const k = epKey(pb.box.a);
      const g = bySubject.get(k) ?? { a: pb.box.a, boxes: [], origins: new Set<string>() };
      g.boxes.push(pb);
      const o = att.origin.get(x);
      g.origins.add(o === undefined || o === 'end' ? ORIGIN_END[p.cni] : toPointer(o.path));
      bySubject.set(k, g);
    }
    if (namedCut) lost.push('connections on named ports that a subtraction cuts (a native named port cannot exclude port numbers or pods)');
    const converted = new Map([...bySubject].map(([key, g]) => [key, { g, rules: nativeRules(space, g.boxes, d, ns, lost) }]));
    // Atoms of a subject term that all come out the same are carried by the term's own spec.
    const consumed = new Set<string>();
    if (atoms) {
      for (const main of drafts) {
        if (!main.a) continue;
        const inTerm = atoms.filter((x) => space.epSubset(x, main.a!));
        const sigs = inTerm.map((x) => JSON.stringify(converted.get(epKey(x))?.rules ?? []));
        if (inTerm.length === 0 || !sigs.every((x) => x === sigs[0])) continue;
        const first = converted.get(epKey(inTerm[0]!));
        if (first) {
          main.rules[d].push(...first.rules);
          for (const x of inTerm) converted.get(epKey(x))?.g.origins.forEach((o) => main.origins.add(o));
        }
        inTerm.forEach((x) => consumed.add(epKey(x)));
      }
    }
    for (const [key, { g, rules }] of converted) {
      if (rules.length === 0 || consumed.has(key)) continue;
      const main = drafts.find((x) => x.key === key);
      if (main) {
        main.rules[d].push(...rules);
        g.origins.forEach((o) => main.origins.add(o));
        continue;
      }
      if (g.a.k !== 'pod') continue;
      const conjs = conjsOfBox(g.a.pod, isNamedPortKey);
      if (conjs === null) {
        lost.push('connections of pods whose label set needs too many selectors');
        continue;
      }
      for (const c of conjs) {
        const podSelector = toLabelSelector(c);
        if (podSelector === null) continue;
        const k = JSON.stringify(podSelector);
        const existing = drafts.find((x) => x.term < 0 && JSON.stringify(x.podSelector) === k);
        if (existing) {
          existing.types.add(d);
          existing.rules[d].push(...rules);
          g.origins.forEach((o) => existing.origins.add(o));
        } else drafts.push({ key: k, podSelector, term: -1, types: new Set([d]), rules: { ingress: d === 'ingress' ? [...rules] : [], egress: d === 'egress' ? [...rules] : [] }, origins: new Set(g.origins) });
      }
    }
    if (lost.length) {
      decisions.push({ code: 'output/not-expressible', path: p[d]!.path, message: `native rules cannot carry all of what this policy allows on ${d}; left out (fail-closed): ${[...new Set(lost)].join('; ')}` });
    }
  }
  const specs: TranslatedSpec[] = drafts.map((x) => {
    const spec: NetworkPolicyJson['spec'] = { podSelector: x.podSelector, policyTypes: DIRECTIONS.filter((d) => x.types.has(d)).map((d) => (d === 'ingress' ? 'Ingress' : 'Egress')) };
    if (x.rules.ingress.length) spec.ingress = x.rules.ingress.map((r) => ({ ...(r.peers ? { from: r.peers } : {}), ...(r.ports ? { ports: r.ports } : {}) }));
    if (x.rules.egress.length) spec.egress = x.rules.egress.map((r) => ({ ...(r.peers ? { to: r.peers } : {}), ...(r.ports ? { ports: r.ports } : {}) }));
    return { namespace: ns, spec, term: Math.max(0, x.term), origins: [...x.origins].sort() };
  });
  const assumedExternal = assumedIn(p, specs, assumed, decisions);
  return { specs, decisions, assumedExternal };
}

/**
 * The assumed-external blocks (public Cilium CIDRs, `assumedExternalBlocks`) that the emitted ipBlocks rely on: where
 * the walk took no pod to live in them, an ipBlock over them matches outside addresses only. The verifier is told
 * the same assumption, and the report states it.
 */
function assumedIn(p: ModelPolicy, specs: TranslatedSpec[], assumed: string[], decisions: Decision[]): string[] {
  if (assumed.length === 0) return [];
  const blocks = specs.flatMap((s) => [...(s.spec.ingress ?? []).flatMap((r) => r.from ?? []), ...(s.spec.egress ?? []).flatMap((r) => r.to ?? [])]).flatMap((peer) => (peer.ipBlock ? [peer.ipBlock.cidr] : []));
  const used = assumed.filter((a) => blocks.some((b) => familyOf(a) === familyOf(b) && (cidrContains(b, a) || cidrContains(a, b))));
  for (const a of used) {
    decisions.push({ code: 'cilium/cidr-world-only', path: p.subject.path, message: `the output's ipBlocks are exact only if no pod, node or Service address is in ${a} (a public range a Cilium CIDR rule names); pass --cluster-cidr to check` });
  }
  return used;
}
