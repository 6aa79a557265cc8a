/** Options shared by the commands that read policies, and their mapping to the pipeline's options. */
import type { Argv } from 'yargs';
import { parseCidr, formatCidr } from '../model/cidr.js';
import { DEFAULT_OPTIONS, type TranslateOptions } from '../model/options.js';
import { DNS_LABEL } from '../pipeline/run.js';
import { ClusterStateError, readClusterState } from '../io/cluster-state.js';
import { UsageError } from './usage.js';

export type FailOn = 'error' | 'warning' | 'info' | 'none';

export interface CommonArgs {
  paths: string[];
  namespace: string;
  'fail-on': FailOn;
  color?: boolean;
  quiet: boolean;
  'on-unsupported': 'drop' | 'widen';
  'cluster-cidr': string[];
  namespaces?: string;
  'include-native': boolean;
  'include-staged': boolean;
  'stdin-filename': string;
  verify: boolean;
  'verify-time-limit': number;
  'cluster-state'?: string;
  target: 'networkpolicy' | 'vpc-cni';
  'eks-auto-mode': boolean;
}

export function withCommonOptions<T>(y: Argv<T>): Argv<T & CommonArgs> {
  return y
    .positional('paths', { describe: 'files, directories (recursive: *.yaml, *.yml, *.json) or - for stdin', type: 'string', array: true, default: [] })
    .option('namespace', { alias: 'n', type: 'string', default: 'default', describe: 'namespace for namespaced documents that have none' })
    .option('fail-on', { choices: ['error', 'warning', 'info', 'none'] as const, default: 'error' as const, describe: 'exit 1 when a finding has this severity or worse' })
    .option('color', { type: 'boolean', describe: 'colour the output (default: only on a terminal; NO_COLOR disables)' })
    .option('quiet', { alias: 'q', type: 'boolean', default: false, describe: 'print only findings at or above --fail-on, no summary' })
    .option('on-unsupported', { choices: ['drop', 'widen'] as const, default: 'drop' as const, describe: 'L7/DNS/ICMP rules: drop the whole rule (fail-closed) or keep its L3/L4 part (wider)' })
    .option('cluster-cidr', { type: 'string', array: true, default: [] as string[], describe: 'pod, node or Service address range (repeatable); makes Cilium world/CIDR peers exact' })
    .option('namespaces', { type: 'string', describe: 'comma-separated namespaces of the cluster, for cluster-wide policies' })
    .option('cluster-state', { type: 'string', describe: 'file or directory with the cluster\'s Namespaces (and Pods, Services, Nodes) as printed by kubectl get -o yaml or written by collect: cluster-wide policies fan out by namespace labels, and the verifier considers only these namespaces' })
    .option('target', { choices: ['networkpolicy', 'vpc-cni'] as const, default: 'networkpolicy' as const, describe: 'networkpolicy: native NetworkPolicies only; vpc-cni: also AWS ClusterNetworkPolicies (Admin tier) for what depends on order (Amazon VPC CNI 1.21 or later)' })
    .option('eks-auto-mode', { type: 'boolean', default: false, describe: 'with --target vpc-cni: the cluster runs EKS Auto Mode, so domain-name (FQDN) egress rules become ApplicationNetworkPolicies' })
    .option('include-native', { type: 'boolean', default: false, describe: 'emit the native NetworkPolicies of the input again' })
    .option('include-staged', { type: 'boolean', default: false, describe: 'evaluate Calico staged policies as if enforced (a preview of applying them)' })
    .option('stdin-filename', { type: 'string', default: '<stdin>', describe: 'name used for standard input in findings' })
    .option('verify', { type: 'boolean', default: true, describe: 'prove every translation with the verifier (--no-verify: report the translator\'s own claims, faster)' })
    .option('verify-time-limit', { type: 'number', default: 20, describe: 'seconds the whole-set comparison may run before its verdict is reported unknown (each policy gets at most 3 s)' }) as unknown as Argv<T & CommonArgs>;
}

export function translateOptions(a: CommonArgs): TranslateOptions {
  if (!DNS_LABEL.test(a.namespace)) throw new UsageError(`--namespace ${JSON.stringify(a.namespace)} is not a valid namespace name`);
  const clusterCidrs = a['cluster-cidr'].flatMap((s) => s.split(',')).filter((s) => s.trim() !== '').map((s) => {
    const c = s.includes('/') ? parseCidr(s.trim()) : null;
    if (!c) throw new UsageError(`--cluster-cidr ${JSON.stringify(s)} is not a CIDR (e.g. 10.0.0.0/16)`);
    return formatCidr(c.family, c.bits, c.prefix);
  });
  const opts: TranslateOptions = { ...DEFAULT_OPTIONS, defaultNamespace: a.namespace, onUnsupported: a['on-unsupported'], clusterCidrs, includeNative: a['include-native'], includeStaged: a['include-staged'], verify: a.verify, verifyTimeLimitMs: Math.max(0.1, a['verify-time-limit']) * 1000, target: a.target ?? 'networkpolicy', eksAutoMode: a['eks-auto-mode'] === true };
  if (opts.eksAutoMode && opts.target !== 'vpc-cni') throw new UsageError('--eks-auto-mode needs --target vpc-cni');
  if (a.namespaces !== undefined) {
    opts.namespaces = a.namespaces.split(',').map((s) => s.trim()).filter((s) => s !== '');
    const bad = opts.namespaces.find((n) => !DNS_LABEL.test(n));
    if (bad !== undefined) throw new UsageError(`--namespaces: ${JSON.stringify(bad)} is not a valid namespace name`);
  }
  const file = a['cluster-state'];
  if (file !== undefined) {
    let state;
    try {
      state = readClusterState(file);
    } catch (e) {
      if (e instanceof ClusterStateError) throw new UsageError(`--cluster-state: ${e.message}`);
      throw e;
    }
    opts.namespaceLabels = state.namespaces;
    if (state.pods.length > 0 || state.nodes.length > 0 || state.services.length > 0) opts.inventory = { pods: state.pods, nodes: state.nodes, services: state.services, accountLabelsKnown: state.accountLabelsKnown };
    // The namespaces of the cluster are those of the state (and any --namespaces names in addition).
    opts.namespaces = [...new Set([...(opts.namespaces ?? []), ...Object.keys(state.namespaces)])].sort();
  }
  return opts;
}
