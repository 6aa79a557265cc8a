/** Options that change how sources are read and translated (set from the command line). */
export interface TranslateOptions {
  /** Namespace for namespaced documents that have none (kubectl's default). */
  defaultNamespace: string;
  /** Namespaces that exist in the cluster, for cluster-wide policies (`--namespaces`). */
  namespaces?: string[];
  /** Labels of the cluster's namespaces (`--cluster-state`): cluster-wide policies that select namespaces by label
   * fan out exactly, and the verifier considers only these namespaces. */
  namespaceLabels?: Record<string, Record<string, string>>;
  /** The cluster's pods and nodes (`--cluster-state`): substring and service-account selectors and node entities
   * resolve against them (pipeline/resolve-inventory.ts). */
  inventory?: {
    pods: Array<{ namespace: string; name: string; labels: Record<string, string>; serviceAccount: string; serviceAccountLabels?: Record<string, string> }>;
    nodes: Array<{ name: string; addresses: string[] }>;
    services: Array<{ namespace: string; name: string; labels: Record<string, string>; selector?: Record<string, string>; ports: Array<{ port: number; targetPort?: number | string; protocol: string }> }>;
    /** The state lists ServiceAccounts: a pod without `serviceAccountLabels` runs as an account without labels. */
    accountLabelsKnown?: boolean;
  };
  /** `drop` (default, fail-closed) or `widen` (keep the L3/L4 part of L7/DNS/ICMP rules). */
  onUnsupported: 'drop' | 'widen';
  /** Address ranges of pods, nodes and Services (`--cluster-cidr`); lets `world` and Cilium CIDRs be exact. */
  clusterCidrs: string[];
  /** Evaluate Calico staged policies as if enforced (`--include-staged`). */
  includeStaged?: boolean;
  /** Emit native NetworkPolicies of the input again (`--include-native`). */
  includeNative: boolean;
  /** Prove each translation with the verifier (`--no-verify` turns it off). */
  verify: boolean;
  /** Longest a whole-set comparison may run before its verdict is reported unknown (`--verify-time-limit`). */
  verifyTimeLimitMs: number;
  /** Longest one namespace's compile may take before it falls back (default 3 s; no command-line option). */
  compileTimeLimitMs?: number;
  /** `networkpolicy` (native only) or `vpc-cni` (also AWS ClusterNetworkPolicy, VPC CNI 1.21 or later). */
  target: 'networkpolicy' | 'vpc-cni';
  /** The cluster runs EKS Auto Mode, whose agent enforces domain-name peers (`--eks-auto-mode`). */
  eksAutoMode: boolean;
}

export const DEFAULT_OPTIONS: TranslateOptions = {
  defaultNamespace: 'default',
  onUnsupported: 'drop',
  clusterCidrs: [],
  includeNative: false,
  verify: true,
  verifyTimeLimitMs: 20000,
  target: 'networkpolicy',
  eksAutoMode: false,
};
