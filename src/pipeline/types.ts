/** The result that flows from the pipeline to the writers and the report formatters. */
import type { Finding, ObjectRef } from '../report/finding.js';
import type { NetworkPolicyJson } from '../native/types.js';
import type { ApplicationNetworkPolicyJson, ClusterNetworkPolicyJson } from '../aws/types.js';

export type SourceStatus = 'converted' | 'partial' | 'skipped' | 'invalid';
/** `skipped`: nothing was emitted and nothing changes (invalid, staged or derived sources). */
export type Verdict = 'exact' | 'narrower' | 'wider' | 'narrower+wider' | 'unknown' | 'skipped';
export type SourceCni = 'calico' | 'cilium' | 'native';

export interface OutputRef {
  /** Empty for a cluster-scoped output (ClusterNetworkPolicy). */
  namespace: string;
  name: string;
}

/** What the tool emits: native NetworkPolicies, and AWS ClusterNetworkPolicies (and ApplicationNetworkPolicies with
 * `--eks-auto-mode`) with `--target vpc-cni`. */
export type OutputPolicy = NetworkPolicyJson | ClusterNetworkPolicyJson | ApplicationNetworkPolicyJson;

export function isNativeOutput(p: OutputPolicy): p is NetworkPolicyJson {
  return p.kind === 'NetworkPolicy';
}

/** Namespace of an output; empty for a cluster-scoped one. */
export function outputNamespace(p: OutputPolicy): string {
  return p.kind === 'ClusterNetworkPolicy' ? '' : p.metadata.namespace;
}

/** Concrete connections the verifier found different before and after (readable sentences). */
export interface Witnesses {
  narrower: string[];
  wider: string[];
  /** Connections whose verdict depends on a construct the model cannot represent, naming it. */
  unknown: string[];
  /** Set when the search stopped early: differences may exist without a witness. */
  incomplete?: string;
}

export interface SourceReport {
  ref: ObjectRef;
  cni: SourceCni;
  file: string;
  line: number;
  column: number;
  documentIndex: number;
  /** JSON pointer of the object in its document (empty unless inside a List). */
  pointer: string;
  status: SourceStatus;
  /** What the migration does to the allowed connections: the verifier's verdict (the translator's own claim with
   * --no-verify). */
  verdict: Verdict;
  /** The verifier's witnesses; absent for native sources and with --no-verify. */
  witnesses?: Witnesses;
  findings: Finding[];
  outputs: OutputRef[];
  /** The source object as read, for the retained-view diff. */
  original: unknown;
}

export interface EmittedPolicy {
  policy: OutputPolicy;
  /** Index into `sources`. */
  source: number;
}

export interface PipelineResult {
  sources: SourceReport[];
  outputs: EmittedPolicy[];
  /** Findings not tied to a policy object (unreadable files, YAML errors, other kinds, support objects). */
  fileFindings: Finding[];
  /** The verifier's verdict for the whole policy set (absent with --no-verify). */
  wholeSet?: { verdict: Verdict; witnesses: Witnesses };
}
