/**
 * What the concrete evaluator and the symbolic engine share: which semantics a policy list is evaluated with,
 * Calico's evaluation order (with native policies folded into the default tier), entity names, and how a label
 * conjunction the model cannot carry exactly is relaxed into the region it may match.
 */
import { isNativeRequirement, type LabelConj } from '../model/labels.js';
import type { Direction, ModelPolicy, Opaque, Protocol } from '../model/policy.js';
import { toPointer } from '../report/finding.js';

export type Mode = 'native' | 'calico' | 'cilium';

/**
 * calico → Calico's tiered first-match evaluation (native policies in the default tier); cilium → deny-over-allow
 * with default deny (native policies as allow + default deny); native → union of allows. Calico and Cilium
 * policies in the same list cannot be evaluated together.
 */
export function evaluationMode(policies: readonly ModelPolicy[]): Mode {
  const hasCalico = policies.some((p) => p.cni === 'calico');
  const hasCilium = policies.some((p) => p.cni === 'cilium');
  if (hasCalico && hasCilium) throw new Error('cannot evaluate Calico and Cilium policies together: one cluster runs one CNI');
  return hasCalico ? 'calico' : hasCilium ? 'cilium' : 'native';
}

/** The node a pod runs on: ingress from it is always allowed (k8s §1.3, calico §9, cilium §2.3 step 4). */
export const HOST_ENTITY = 'host';

const CLUSTER_ENTITIES = ['host', 'remote-node', 'kube-apiserver', 'health', 'ingress', 'init', 'unmanaged'];

/** The concrete entity names an entity peer of the model stands for. */
export function entityAliases(name: string): string[] {
  if (name === 'nodes') return ['host', 'remote-node'];
  if (name.startsWith('cluster')) return CLUSTER_ENTITIES;
  return [name];
}

/** Label keys that stand for a service account, which the model only approximates. */
export function isServiceAccountKey(key: string): boolean {
  return key === 'projectcalico.org/serviceaccount' || key.startsWith('pcsa.') || key === 'io.cilium.k8s.policy.serviceaccount';
}

/**
 * A label conjunction as the region it MAY match: requirements the finite algebra cannot carry (substring
 * operators) are dropped, and so are service-account requirements when the element is opaque.
 * `exact` is false when anything was dropped or the element is opaque.
 */
export function relaxConj(conj: LabelConj, opaque: boolean): { conj: LabelConj; exact: boolean } {
  let exact = !opaque;
  const out = conj.filter((r) => {
    if (!isNativeRequirement(r)) {
      exact = false;
      return false;
    }
    if (opaque && isServiceAccountKey(r.key)) return false;
    return true;
  });
  return { conj: out, exact };
}

export interface TierChain {
  tier: string;
  defaultPass: boolean;
  policies: ModelPolicy[];
}

const DEFAULT_TIER_ORDER = 1_000_000;
const NATIVE_ORDER = 1000;

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Calico's place of a native policy: default tier, order 1000 (calico §3.3, converted Kubernetes policies). */
export function calicoPlace(p: ModelPolicy): { tier: string; tierOrder: number; order: number; tieKey: string; defaultPass: boolean } {
  if (p.calicoOrder) return { ...p.calicoOrder, defaultPass: p.tierDefaultPass === true };
  return {
    tier: 'default',
    tierOrder: DEFAULT_TIER_ORDER,
    order: NATIVE_ORDER,
    tieKey: `knp.default.${p.source.ref.name}/${p.namespace ?? ''}/KubernetesNetworkPolicy`,
    defaultPass: false,
  };
}

/**
 * Calico's evaluation order for one direction (calico §3.1, §3.3): tiers by (order, name), policies by (order,
 * tie key); only policies that apply in the direction. Native policies join the default tier with order 1000.
 */
export function calicoChain(policies: readonly ModelPolicy[], direction: Direction): TierChain[] {
  const placed = policies.filter((p) => p[direction] !== undefined).map((p) => ({ p, place: calicoPlace(p) }));
  placed.sort(
    (x, y) =>
      x.place.tierOrder - y.place.tierOrder ||
      cmp(x.place.tier, y.place.tier) ||
      (x.place.order === y.place.order ? 0 : x.place.order < y.place.order ? -1 : 1) ||
      cmp(x.place.tieKey, y.place.tieKey),
  );
  const tiers: TierChain[] = [];
  for (const { p, place } of placed) {
    let last = tiers[tiers.length - 1];
    if (!last || last.tier !== place.tier) {
      last = { tier: place.tier, defaultPass: place.defaultPass, policies: [] };
      tiers.push(last);
    }
    if (place.defaultPass) last.defaultPass = true;
    last.policies.push(p);
  }
  return tiers;
}

/** Encoded port axis: TCP/UDP/SCTP ports 1..65535 at protocol offsets, every other protocol as one point. */
export const PROTO_INDEX: Record<Protocol | 'ICMP', number> = { TCP: 0, UDP: 1, SCTP: 2, ICMP: 3 };
export const PROTO_SPAN = 65536;
export const OTHER_PROTOCOLS_POINT = 3 * PROTO_SPAN;

/** Pseudo label on the destination pod: "the connection's port is this pod's container port named `name`". */
export const NAMED_PORT_PREFIX = '\u0000port/';
export function namedPortKey(protocol: Protocol, name: string): string {
  return `${NAMED_PORT_PREFIX}${protocol}/${name}`;
}
export function isNamedPortKey(key: string): boolean {
  return key.startsWith(NAMED_PORT_PREFIX);
}
export function parseNamedPortKey(key: string): { protocol: Protocol; name: string } {
  const rest = key.slice(NAMED_PORT_PREFIX.length);
  const i = rest.indexOf('/');
  return { protocol: rest.slice(0, i) as Protocol, name: rest.slice(i + 1) };
}

/** A readable name for an opaque construct of a policy (used for `unknown` results). */
export function describeConstruct(policy: ModelPolicy, o: Opaque): string {
  const ref = policy.source.ref;
  const where = `${ref.kind} ${ref.namespace ? ref.namespace + '/' : ''}${ref.name}`;
  return `${o.code}: ${o.message} (${where} at ${toPointer(o.path) || '/'})`;
}

export const NON_NATIVE_SELECTOR: Omit<Opaque, 'path'> = {
  code: 'verify/non-finite-selector',
  message: 'a contains / starts with / ends with selector is not finite',
  kind: 'unrepresentable',
};
