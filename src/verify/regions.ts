/**
 * Model policies as regions of the per-direction space (subject pod × peer × port), each as a pair
 * `{L, U}`: `L` the points the construct surely matches, `U` the points it may match (L ⊆ U). Opaque parts and
 * non-finite selectors leave `L` empty and relax `U` (common.ts `relaxConj`); everything else has L = U.
 */
import type { LabelConj } from '../model/labels.js';
import type { Direction, ModelPolicy, ModelRule, Peer, ProtoPorts, RuleAction } from '../model/policy.js';
import { entityAliases, namedPortKey, PROTO_INDEX, PROTO_SPAN, relaxConj } from './common.js';
import { ipsOfBlocks, ivNormalize, type Interval } from './intervals.js';
import { conjBox, lbWith, vs, ANY_LABELS, type LabelBox } from './labelset.js';
import { ALL_PORTS, ANY_EP, type Box, type Ep, type PortSet, type Space } from './space.js';

/** A region known up to opaque parts: L ⊆ real ⊆ U. `exact` iff L and U are the same union. */
export interface Tri {
  L: Box[];
  U: Box[];
  exact: boolean;
}

export function tri(L: Box[], U: Box[] = L): Tri {
  return { L, U, exact: L === U };
}

export interface RuleRegion {
  action: RuleAction;
  rule: ModelRule;
  /** The rule's peers × ports, for every subject (a = all pods). */
  m: Tri;
}

export interface DirectionRegions {
  isolates: boolean;
  rules: RuleRegion[];
}

export interface PolicyRegions {
  policy: ModelPolicy;
  /** Subject pods × every peer × every port. */
  subject: Tri;
  ingress?: DirectionRegions;
  egress?: DirectionRegions;
  /** Namespace names the subject is limited to; null when it may select pods of any namespace. */
  subjectNames: string[] | null;
}

function conjLabels(conj: LabelConj, opaque: boolean): { box: LabelBox | null; exact: boolean } {
  const r = relaxConj(conj, opaque);
  return { box: conjBox(r.conj), exact: r.exact };
}

export function subjectRegion(space: Space, policy: ModelPolicy): Tri {
  const opaque = policy.subject.opaque.length > 0;
  const L: Box[] = [];
  const U: Box[] = [];
  let exact = true;
  for (const t of policy.subject.terms) {
    const n = conjLabels(t.namespaces, opaque);
    const p = conjLabels(t.pods, opaque);
    if (n.box === null || p.box === null) continue;
    const b = space.box(space.pod(n.box, p.box), ANY_EP);
    if (!b) continue;
    U.push(b);
    if (n.exact && p.exact) L.push(b);
    else exact = false;
  }
  return exact ? tri(U) : tri(L, U);
}

function peerEps(space: Space, peer: Peer): { eps: Ep[]; exact: boolean } {
  const ips = peer.addresses === undefined ? undefined : ipsOfBlocks(peer.addresses);
  const id = peer.identity;
  const opaque = peer.opaque.length > 0;
  const keep = (e: Ep | null): Ep[] => (e === null ? [] : [e]);
  switch (id.kind) {
    case 'any':
      if (ips === undefined) return { eps: [ANY_EP], exact: !opaque };
      return { eps: [...keep(space.pod(ANY_LABELS, ANY_LABELS, ips)), ...keep(space.ext(ips))], exact: !opaque };
    case 'world':
      return { eps: keep(space.ext(ips ?? space.extIps)), exact: !opaque };
    case 'entity':
      return { eps: [space.ent(vs(false, entityAliases(id.name)))], exact: !opaque };
    case 'pods': {
      const n = conjLabels(id.namespaces, opaque);
      const p = conjLabels(id.pods, opaque);
      if (n.box === null || p.box === null) return { eps: [], exact: true };
      return { eps: keep(space.pod(n.box, p.box, ips ?? space.podIps)), exact: n.exact && p.exact };
    }
  }
}

interface PortPart {
  port: PortSet;
  /** Named-port pseudo label the destination pod must carry. */
  named?: string;
}

function protoRange(protocol: keyof typeof PROTO_INDEX, lo: number, hi: number): Interval<number> {
  const base = PROTO_INDEX[protocol] * PROTO_SPAN;
  return [base + Math.max(1, lo), base + Math.min(65535, hi)];
}

export function portParts(ports: 'all' | ProtoPorts[]): PortPart[] {
  if (ports === 'all') return [{ port: ALL_PORTS }];
  const numeric: Interval<number>[] = [];
  const out: PortPart[] = [];
  for (const pp of ports) {
    if (pp.ranges === undefined) numeric.push(protoRange(pp.protocol, 1, 65535));
    else for (const [lo, hi] of pp.ranges) numeric.push(protoRange(pp.protocol, lo, hi));
    for (const name of pp.named ?? []) out.push({ port: [protoRange(pp.protocol, 1, 65535)], named: namedPortKey(pp.protocol, name) });
  }
  const n = ivNormalize(numeric);
  if (n.length) out.unshift({ port: n });
  return out;
}

const NAMED_PRESENT = vs(false, ['1']);

/** Boxes of peers × port parts, the named ports on the destination pod (ingress: subject; egress: peer). */
function ruleBoxes(space: Space, eps: Ep[], parts: PortPart[], direction: Direction): Box[] {
  const out: Box[] = [];
  for (const e of eps) {
    for (const part of parts) {
      if (part.named === undefined) {
        const b = space.box(space.podU, e, part.port);
        if (b) out.push(b);
      } else if (direction === 'ingress') {
        const pod = lbWith(ANY_LABELS, part.named, NAMED_PRESENT)!;
        const b = space.box(space.pod(ANY_LABELS, pod), e, part.port);
        if (b) out.push(b);
      } else {
        // A named port only resolves on a destination pod.
        const target = space.epAnd(e, space.podU);
        if (target === null || target.k !== 'pod') continue;
        const pod = lbWith(target.pod, part.named, NAMED_PRESENT);
        if (pod === null) continue;
        const b = space.box(space.podU, { ...target, pod }, part.port);
        if (b) out.push(b);
      }
    }
  }
  return out;
}

export function ruleRegion(space: Space, rule: ModelRule, direction: Direction): Tri {
  const parts = portParts(rule.ports);
  if (rule.peers === 'any') {
    const boxes = ruleBoxes(space, [ANY_EP], parts, direction);
    return rule.opaque.length ? tri([], boxes) : tri(boxes);
  }
  const L: Box[] = [];
  const U: Box[] = [];
  let exact = rule.opaque.length === 0;
  for (const p of rule.peers) {
    const pe = peerEps(space, p);
    const boxes = ruleBoxes(space, pe.eps, parts, direction);
    U.push(...boxes);
    if (pe.exact && rule.opaque.length === 0) L.push(...boxes);
    else if (boxes.length) exact = false;
  }
  return exact ? tri(U) : tri(L, U);
}

/** Namespace names a subject is limited to (null: possibly any). */
export function subjectNames(subject: Tri): string[] | null {
  const names = new Set<string>();
  for (const b of subject.U) {
    if (b.a.k !== 'pod') return null;
    const v = b.a.ns.get('kubernetes.io/metadata.name');
    if (!v || v.neg) return null;
    v.vals.forEach((n) => names.add(n));
  }
  return [...names];
}

export function policyRegions(space: Space, policy: ModelPolicy): PolicyRegions {
  const subject = subjectRegion(space, policy);
  const out: PolicyRegions = { policy, subject, subjectNames: subjectNames(subject) };
  for (const d of ['ingress', 'egress'] as const) {
    const dp = policy[d];
    if (!dp) continue;
    out[d] = {
      isolates: dp.isolates,
      rules: dp.rules.filter((r) => r.action !== 'log').map((r) => ({ action: r.action, rule: r, m: ruleRegion(space, r, d) })),
    };
  }
  return out;
}
