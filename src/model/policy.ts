/**
 * The common policy model (DESIGN.md "The common policy model"), one for Calico, Cilium and native policies.
 *
 * Lowering (src/calico, src/cilium, src/native) turns a source object into ModelPolicies that keep the source's full
 * meaning: what native NetworkPolicy cannot say stays in the model as an `Opaque` condition, so the translator can
 * decide (and report) what to do with it, and the verifier can say `unknown` for the connections it touches.
 */
import type { JsonPath, ObjectRef } from '../report/finding.js';
import type { LabelConj } from './labels.js';

export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

export type Cni = 'calico' | 'cilium' | 'native';
export type Direction = 'ingress' | 'egress';
export const DIRECTIONS: readonly Direction[] = ['ingress', 'egress'];

/** Where a model node came from. */
export interface SourceMeta {
  file: string;
  documentIndex: number;
  /** Path of the object inside the document (non-empty inside a List). */
  basePath: JsonPath;
  line: number;
  column: number;
  ref: ObjectRef;
}

/** An IP block: `cidr` minus every `except` (all masked, one family). */
export interface CidrBlock {
  cidr: string;
  except: string[];
}

/**
 * Who a peer is. Addresses and pods overlap (DESIGN.md): `any` and a Calico/native address match include pod
 * addresses; Cilium's CIDR and `world` match only addresses that are not cluster endpoints.
 */
export type PeerIdentity =
  | { kind: 'any' }
  | { kind: 'pods'; namespaces: LabelConj; pods: LabelConj }
  | { kind: 'world' }
  /** A cluster entity native policy cannot name (host, remote-node, kube-apiserver, ...); `code` is its finding code. */
  | { kind: 'entity'; name: string; code: string };

/** A condition the model cannot represent exactly. */
export interface Opaque {
  code: string;
  message: string;
  path: JsonPath;
  /**
   * `narrows`: the construct only removes connections from what the rest of the rule matches (L7, ICMP type, TLS,
   * auth): dropping it widens the rule.
   * `unrepresentable`: the rule's peer or port part itself cannot be written natively.
   */
  kind: 'narrows' | 'unrepresentable';
}

export interface Peer {
  identity: PeerIdentity;
  /** Additional address restriction (AND): the peer's address is in one of these blocks. */
  addresses?: CidrBlock[];
  /** Additional conditions the model cannot represent (AND). */
  opaque: Opaque[];
  path: JsonPath;
  /** The addresses belong to objects that declare no container ports (Calico NetworkSets): a named port never
   * matches them (calico §4.7, T37). */
  noNamedPorts?: boolean;
}

export type Protocol = 'TCP' | 'UDP' | 'SCTP';
export const PORT_PROTOCOLS: readonly Protocol[] = ['TCP', 'UDP', 'SCTP'];

/** One protocol with a set of destination ports. */
export interface ProtoPorts {
  protocol: Protocol;
  /** Inclusive ranges; undefined = every port of the protocol. */
  ranges?: Array<[number, number]>;
  /** Named container ports (lower-case). */
  named?: string[];
}

export type RuleAction = 'allow' | 'deny' | 'pass' | 'log';

export interface ModelRule {
  action: RuleAction;
  /** OR of peers; 'any' = every peer, [] = no peer at all (the rule matches nothing). */
  peers: 'any' | Peer[];
  /** OR of protocol/port sets; 'all' = every protocol (including ICMP and others) and every port. */
  ports: 'all' | ProtoPorts[];
  /** Conditions of the rule as a whole that the model cannot represent (AND). */
  opaque: Opaque[];
  path: JsonPath;
  /** The source entry when one entry became several model rules (Cilium: one per `toPorts` element). */
  entryPath?: JsonPath;
}

export interface DirectionPolicy {
  /** The policy isolates its subjects in this direction (native: type listed; Cilium: default deny). */
  isolates: boolean;
  rules: ModelRule[];
  /** Path of the rule list, for findings about the direction as a whole. */
  path: JsonPath;
}

/** One disjunct of a subject: pods whose namespace labels match `namespaces` and whose labels match `pods`. */
export interface SubjectTerm {
  /** Constraint on the namespace's labels (`kubernetes.io/metadata.name In [ns]` for a namespaced policy). */
  namespaces: LabelConj;
  pods: LabelConj;
}

/** Which pods a policy applies to: the union of its terms (several terms become several native policies). */
export interface Subject {
  terms: SubjectTerm[];
  opaque: Opaque[];
  path: JsonPath;
}

/** Place in Calico's evaluation order (calico-semantics §3.3). */
export interface CalicoOrder {
  tier: string;
  tierOrder: number;
  order: number;
  /** Tie-break key for equal order (v3.32+: `<name>/<namespace>/<kind>`). */
  tieKey: string;
  /** The tier has no Tier object in the input: its place among the tiers is unknown. */
  tierUnknown?: boolean;
}

export interface ModelPolicy {
  cni: Cni;
  source: SourceMeta;
  /** Index of this policy among the ones lowered from the same source object (Cilium `specs`, ...). */
  part: number;
  /** Path of the part inside the object (e.g. `['specs', 1]`), empty for the whole object. */
  partPath: JsonPath;
  /** The namespace of a namespaced policy; null for a cluster-wide one. */
  namespace: string | null;
  subject: Subject;
  ingress?: DirectionPolicy;
  egress?: DirectionPolicy;
  calicoOrder?: CalicoOrder;
  /** Set for Calico policies in a tier whose default action is Pass. */
  tierDefaultPass?: boolean;
}
