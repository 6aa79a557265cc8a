/**
 * The registry of every construct the tool knows, with how it is handled and the finding code it reports.
 * The translator takes severities and effects from here, and `netpol-migrate features` prints it, so the table in
 * the docs cannot drift from the code.
 */
import type { Effect, Severity } from './finding.js';

export type Handling = 'exact' | 'partial' | 'unsupported';
export type Family = 'input' | 'calico' | 'cilium' | 'native' | 'output' | 'vpc-cni';

export interface Feature {
  code: string;
  family: Family;
  /** The construct, as a field path or short description. */
  construct: string;
  handling: Handling;
  severity: Severity;
  effect: Effect;
  /** What the tool does, in one sentence. */
  summary: string;
  /** The semantic rule followed (file and section or Trap id). */
  rule: string;
}

const F = (
  code: string,
  construct: string,
  handling: Handling,
  severity: Severity,
  effect: Effect,
  summary: string,
  rule: string,
): Feature => ({ code, family: code.split('/')[0] as Family, construct, handling, severity, effect, summary, rule });

export const FEATURES: readonly Feature[] = [
  // ---- input handling
  F('input/yaml-syntax', 'invalid YAML or JSON', 'unsupported', 'error', 'unknown', 'The document is skipped; other documents of the file are still read.', 'style-and-cli §2.5'),
  F('input/yaml-aliases', 'YAML alias bomb', 'unsupported', 'error', 'unknown', 'Documents with more than 100 alias expansions are rejected.', 'style-and-cli §2.3'),
  F('input/not-an-object', 'non-object document or list item', 'unsupported', 'error', 'unknown', 'Skipped.', 'style-and-cli §2.3'),
  F('input/unreadable', 'path that cannot be read', 'unsupported', 'error', 'unknown', 'Reported; exit code 2.', 'style-and-cli §2.5'),
  F('input/too-large', 'file over 50 MB', 'unsupported', 'error', 'unknown', 'The file is skipped.', 'issue #3'),
  F('input/binary', 'binary file', 'unsupported', 'error', 'unknown', 'The file is skipped.', 'issue #3'),
  F('input/schema', 'object that violates its kind\'s schema', 'unsupported', 'error', 'unknown', 'The object is reported invalid and not converted.', 'schemas/'),
  F('input/unknown-field', 'field the kind does not define', 'partial', 'error', 'unknown', 'The field is ignored (as the API server would prune or reject it) and reported.', 'schemas/'),
  F('input/other-kind', 'any other kind', 'exact', 'info', 'none', 'Skipped: it is not a network policy.', 'style-and-cli §2.3'),
  F('input/unsupported-api-version', 'cilium.io/v1, projectcalico.org/v2', 'unsupported', 'warning', 'unknown', 'Skipped: an API version no current release serves.', 'calico-semantics §1.1, cilium-semantics §1.1'),
  F('input/default-namespace', 'namespaced object without metadata.namespace', 'exact', 'info', 'none', 'The --namespace value (default `default`) is used, as kubectl and calicoctl do.', 'calico-semantics §1.3, cilium-semantics §1.1'),
  F('input/missing-name', 'object without metadata.name', 'unsupported', 'error', 'unknown', 'Skipped.', 'k8s-netpol-semantics §2.2'),
  // ---- Calico
  F('calico/derived-policy', 'names knp.default.*, kanp.*, kbanp.*, ossg.*', 'exact', 'info', 'none', 'Skipped: Calico derived them from native or OpenStack objects.', 'calico T41'),
  F('calico/staged', 'StagedNetworkPolicy, StagedGlobalNetworkPolicy, StagedKubernetesNetworkPolicy', 'exact', 'info', 'none', 'Skipped: staged policies are not enforced.', 'calico §1.1, T5'),
  F('calico/host-only-policy', 'GlobalNetworkPolicy with doNotTrack or preDNAT', 'exact', 'info', 'none', 'Skipped: such policies apply only to host endpoints, never to pods.', 'calico T15'),
  F('calico/host-endpoints', 'GlobalNetworkPolicy subject without namespaceSelector', 'partial', 'warning', 'unknown', 'Converted for pods; host endpoints it also selects have no native form.', 'calico T12'),
  F('calico/v1-name', 'crd.projectcalico.org/v1 name with default. prefix', 'exact', 'info', 'none', 'The v3 name is recovered (annotation, else strip one default.).', 'calico T42'),
  F('calico/types-default', 'spec.types omitted (projectcalico.org/v3)', 'exact', 'info', 'none', 'Defaulted by rule length as Calico does; egress-only policies stay egress-only.', 'calico §2.2, T1'),
  F('calico/types-missing-raw', 'spec.types omitted on crd.projectcalico.org/v1', 'exact', 'warning', 'none', 'Both directions, as Felix enforces it; the author may not have intended egress isolation.', 'calico §2.2, T2'),
  F('calico/unlisted-direction', 'rules for a direction not in spec.types', 'exact', 'info', 'none', 'Dropped: Calico ignores them.', 'calico T3'),
  F('calico/invalid', 'invalid selector, action, port or CIDR', 'exact', 'error', 'none', 'Not converted: Calico rejects the object (or Felix treats it as deleted).', 'calico §3.1, §4.11, T45, T46'),
  F('calico/action-log', 'action: Log', 'exact', 'info', 'none', 'Dropped: Log is non-terminal and never decides traffic.', 'calico T10'),
  F('calico/action-empty', 'empty action in a raw v1 object', 'exact', 'warning', 'none', 'Treated as Allow, as Felix renders it.', 'calico T45'),
  F('calico/action-deny', 'action: Deny', 'partial', 'warning', 'narrower', 'Compiled as a subtraction from the rules after it (output/compiled); where the set cannot be compiled (namespaces or tier order unknown), the Deny and every later rule are dropped (fail-closed).', 'calico T7'),
  F('calico/action-pass', 'action: Pass', 'partial', 'warning', 'narrower', 'Compiled: passed traffic is decided by the later tiers (output/compiled); where the set cannot be compiled, the Pass and every later rule are dropped (fail-closed).', 'calico T6'),
  F('calico/after-deny', 'rules after a Deny or Pass', 'partial', 'warning', 'narrower', 'Compiled with the rules before them; where the set cannot be compiled, dropped (fail-closed).', 'calico T7'),
  F('calico/ordering', 'order and tiers across policies', 'partial', 'warning', 'narrower', 'Where the ordered set cannot be compiled (namespaces or tier order unknown), allow rules that an earlier Deny, Pass or tier could decide are dropped (fail-closed).', 'calico T4, T7, T8'),
  F('calico/order-tie', 'equal order in one tier', 'partial', 'warning', 'unknown', 'Compiled in the order of Calico 3.32 and later (by name); earlier releases may evaluate the two policies the other way round, with a different result.', 'calico §3.3, T8'),
  F('calico/shadows-native', 'Calico Deny or tier before a native NetworkPolicy', 'unsupported', 'error', 'wider', 'After migration the native policy allows traffic the Calico deny used to block.', 'calico T51'),
  F('calico/tier-pass', 'tier with defaultAction: Pass', 'partial', 'warning', 'narrower', 'Compiled: unmatched traffic is decided by later tiers (finally allowed); where the set cannot be compiled, the native output isolates the pods (fail-closed).', 'calico T5'),
  F('calico/unknown-tier', 'spec.tier without a Tier object in the input', 'partial', 'warning', 'unknown', 'The tier order is unknown; it is taken as after every ordered tier.', 'calico §3.3'),
  F('calico/global-fanout', 'GlobalNetworkPolicy', 'exact', 'info', 'none', 'One NetworkPolicy per namespace the subject selects (from the selector or --namespaces).', 'calico T12, T13'),
  F('calico/global-needs-namespaces', 'GlobalNetworkPolicy whose namespaces are unknown', 'unsupported', 'error', 'wider', 'Not converted: pass --namespaces (and a cluster state for label-based namespace selectors).', 'calico T12, T13'),
  F('calico/service-account-subject', 'serviceAccountSelector or service-account labels in a subject', 'unsupported', 'error', 'wider', 'Not converted: native policy cannot select pods by service account.', 'calico T14'),
  F('calico/substring-subject', 'contains / starts with / ends with in a subject', 'unsupported', 'error', 'wider', 'Not converted without an inventory of label values.', 'calico T16'),
  F('calico/complex-selector', 'selector whose disjunctive normal form has more than 64 terms', 'unsupported', 'error', 'wider', 'Not converted (a subject) or dropped (a peer): it would need more than 64 native selectors.', 'calico §5.5, T16'),
  F('calico/selector-or', 'selector with || or negated groups', 'exact', 'info', 'none', 'Written in disjunctive normal form: several peers, or several policies for a subject.', 'calico §5.5, T16'),
  F('calico/substring-peer', 'contains / starts with / ends with in a rule selector', 'unsupported', 'warning', 'narrower', 'The peer is dropped (fail-closed).', 'calico T16'),
  F('calico/service-accounts', 'rule serviceAccounts', 'unsupported', 'warning', 'narrower', 'The rule is dropped (fail-closed); `serviceAccounts: {}` is a no-op and kept.', 'calico T25'),
  F('calico/services', 'rule services', 'unsupported', 'warning', 'narrower', 'The rule is dropped (fail-closed); resolving Services needs a cluster inventory.', 'calico T26'),
  F('calico/selector-and-nets', 'selector together with nets in one side', 'unsupported', 'warning', 'narrower', 'The peer is dropped: native peers cannot intersect pods with CIDRs.', 'calico T18'),
  F('calico/not-selector-global', 'notSelector in a GlobalNetworkPolicy without selector', 'unsupported', 'warning', 'narrower', 'The peer is dropped: native cannot say "any address except these pods".', 'calico T23'),
  F('calico/not-selector', 'notSelector', 'partial', 'warning', 'unknown', 'Negated into NotIn/DoesNotExist requirements; Calico\'s negative set is cluster-wide and may also exclude NetworkSet addresses elsewhere.', 'calico §4.6, T23'),
  F('calico/network-sets', 'rule selector that may match NetworkSets', 'partial', 'warning', 'narrower', 'NetworkSets in the input are resolved into ipBlocks; NetworkSets not in the input are not covered.', 'calico T19, T20'),
  F('calico/network-set-assumption', 'rule selectors and NetworkSets outside the input', 'partial', 'info', 'none', 'Exact on the assumption that no NetworkSet or GlobalNetworkSet missing from the input matches the selector.', 'calico §4.5, T19, T20'),
  F('calico/global-namespace-selector', 'namespaceSelector: global()', 'partial', 'warning', 'narrower', 'Only GlobalNetworkSets of the input are carried (as ipBlocks); host endpoints are not.', 'calico T21'),
  F('calico/negative-namespace-selector', 'negative namespaceSelector', 'partial', 'warning', 'narrower', 'Carried for pods; the host endpoints and GlobalNetworkSets it also matches are not.', 'calico T22'),
  F('calico/global-rule-selector', 'rule selector in a GlobalNetworkPolicy', 'partial', 'warning', 'narrower', 'Carried for pods of all namespaces and NetworkSets of the input; host endpoints are not.', 'calico T20'),
  F('calico/local-side', 'destination selector/nets in ingress, source selector/nets in egress', 'unsupported', 'warning', 'narrower', 'The rule is dropped: it restricts the policy\'s own pods, which a native peer cannot.', 'calico T28, T29'),
  F('calico/source-ports', 'source.ports / source.notPorts', 'unsupported', 'warning', 'narrower', 'The rule is dropped: native policy has no source-port match.', 'calico T34'),
  F('calico/not-ports', 'destination.notPorts', 'exact', 'info', 'none', 'Written as the complement port ranges.', 'calico T35'),
  F('calico/not-ports-named', 'named port in notPorts', 'unsupported', 'warning', 'narrower', 'The rule is dropped: a named-port complement needs a pod inventory.', 'calico T35'),
  F('calico/named-port-any-protocol', 'named port without protocol', 'exact', 'info', 'none', 'One native entry per protocol (TCP, UDP, SCTP).', 'calico T36'),
  F('calico/protocol-not-native', 'protocol ICMP, ICMPv6, UDPLite or a number', 'unsupported', 'warning', 'narrower', 'The rule is dropped (fail-closed); --on-unsupported widen keeps it without the protocol.', 'calico T30'),
  F('calico/icmp', 'icmp / notICMP', 'unsupported', 'warning', 'narrower', 'The rule is dropped (fail-closed); --on-unsupported widen keeps its L3 part.', 'calico T30'),
  F('calico/not-protocol', 'notProtocol', 'partial', 'warning', 'narrower', 'Exact when the rule has ports (the other port protocols are listed); otherwise the rule is dropped.', 'calico T33'),
  F('calico/ip-version', 'ipVersion with selector peers', 'unsupported', 'warning', 'narrower', 'The rule is dropped: pod peers match both families.', 'calico T32'),
  F('calico/http', 'http match', 'unsupported', 'warning', 'narrower', 'The rule is dropped (fail-closed); --on-unsupported widen keeps its L4 part.', 'calico T40'),
  F('calico/nets-pod-ips', 'nets', 'exact', 'info', 'none', 'Written as ipBlock; Calico nets match pod addresses too, as native ipBlocks do on the VPC CNI engine for direct pod traffic.', 'calico T27'),
  // ---- Cilium
  F('cilium/invalid', 'object that fails Cilium\'s own validation', 'exact', 'error', 'none', 'Not converted: Cilium ignores the whole object, so nothing is enforced before or after.', 'cilium T2, T3, T8, T28'),
  F('cilium/empty-rule', 'ingress: [{}] / egress: [{}]', 'exact', 'info', 'none', 'Isolates the direction and allows nothing (native `{}` would allow everything).', 'cilium T1'),
  F('cilium/empty-l3', 'empty peer list (fromEndpoints: [] ...)', 'exact', 'info', 'none', 'Selects nothing: the rule is dropped, the direction stays isolated.', 'cilium T4'),
  F('cilium/empty-ports', 'toPorts without ports, icmps without fields', 'exact', 'info', 'none', 'Allows nothing: the rule is dropped, the direction stays isolated.', 'cilium T6'),
  F('cilium/default-deny-disabled', 'enableDefaultDeny: false', 'partial', 'warning', 'narrower', 'Native policies always isolate: the allows are emitted and isolate the subjects (fail-closed).', 'cilium T11'),
  F('cilium/default-deny-no-entries', 'enableDefaultDeny: true without entries', 'exact', 'info', 'none', 'No effect, as in Cilium.', 'cilium T12'),
  F('cilium/subject-namespace-key', 'namespace key in a CiliumNetworkPolicy endpointSelector', 'exact', 'info', 'none', 'Interpreted as Cilium does (overwritten, or selects nothing when it differs).', 'cilium T14'),
  F('cilium/clusterwide-fanout', 'CiliumClusterwideNetworkPolicy', 'exact', 'info', 'none', 'One NetworkPolicy per namespace the subject selects (from the selector or --namespaces).', 'cilium T15'),
  F('cilium/clusterwide-needs-namespaces', 'CiliumClusterwideNetworkPolicy whose namespaces are unknown', 'unsupported', 'error', 'wider', 'Not converted: pass --namespaces (and a cluster state for label-based namespace selectors).', 'cilium T15'),
  F('cilium/health-subjects', 'CiliumClusterwideNetworkPolicy selecting cilium-health endpoints', 'unsupported', 'info', 'unknown', 'Health endpoints have no native form; pods are converted.', 'cilium T15, T17'),
  F('cilium/node-selector', 'nodeSelector (host policy)', 'unsupported', 'warning', 'unknown', 'Not converted: native policy cannot select nodes.', 'cilium T16'),
  F('cilium/reserved-subject', 'reserved: labels in endpointSelector', 'unsupported', 'warning', 'unknown', 'Not converted: such subjects are Cilium-internal endpoints, not pods.', 'cilium T17'),
  F('cilium/namespace-labels-peer', 'io.cilium.k8s.namespace.labels.* in a peer', 'exact', 'info', 'none', 'namespaceSelector on the namespace label (current releases: any namespace).', 'cilium T22, §12'),
  F('cilium/negative-namespace-peer', 'io.kubernetes.pod.namespace with NotIn/DoesNotExist/Exists only', 'exact', 'info', 'none', 'namespaceSelector with the same operator (current releases inject the local-cluster filter, so only pods match).', 'cilium T21'),
  F('cilium/service-account-label', 'io.cilium.k8s.policy.serviceaccount', 'unsupported', 'warning', 'narrower', 'The peer is dropped: native policy cannot select by service account.', 'cilium T23'),
  F('cilium/service-account-subject', 'io.cilium.k8s.policy.serviceaccount in endpointSelector', 'unsupported', 'error', 'wider', 'Not converted: native policy cannot select by service account.', 'cilium T23'),
  F('cilium/cluster-label', 'io.cilium.k8s.policy.cluster', 'partial', 'warning', 'unknown', 'Assumes the local cluster name `default`: the requirement is dropped when it matches it, otherwise the peer selects nothing.', 'cilium T24'),
  F('cilium/filtered-label', 'label keys Cilium leaves out of identities', 'partial', 'warning', 'unknown', 'Cilium treats such labels as absent; native matches the real label.', 'cilium T25'),
  F('cilium/label-source', 'non-Kubernetes label sources (container:, unspec:, ...)', 'exact', 'info', 'none', 'Such keys never match pods: the selector selects nothing.', 'cilium T26'),
  F('cilium/requires', 'fromRequires / toRequires', 'unsupported', 'warning', 'narrower', 'Removed in Cilium 1.19; the endpoint allows of the object are dropped (fail-closed).', 'cilium T29, §3.2.2'),
  F('cilium/entity-all', 'entity all', 'exact', 'info', 'none', 'A rule with no peer restriction.', 'cilium T30'),
  F('cilium/entity-world', 'entity world, CIDR 0.0.0.0/0 or ::/0', 'partial', 'warning', 'narrower', 'Needs --cluster-cidr to exclude cluster addresses; otherwise dropped (fail-closed).', 'cilium T31, DESIGN addresses'),
  F('cilium/entity-cluster', 'entity cluster', 'partial', 'warning', 'narrower', 'Carried as all pods of all namespaces; nodes and other cluster entities are dropped.', 'cilium T32'),
  F('cilium/entity-other', 'entities host, remote-node, kube-apiserver, ingress, health, init, unmanaged', 'unsupported', 'warning', 'narrower', 'Dropped (fail-closed): needs node or API-server addresses.', 'cilium T33'),
  F('cilium/cidr-world-only', 'fromCIDR / toCIDR / CIDRSet', 'partial', 'warning', 'unknown', 'Written as ipBlock; exact only if no cluster address lies in the block (pass --cluster-cidr to make it exact).', 'cilium T34'),
  F('cilium/cidr-group', 'cidrGroupRef / cidrGroupSelector', 'partial', 'warning', 'narrower', 'CiliumCIDRGroups of the input are resolved; a missing group selects nothing.', 'cilium T35'),
  F('cilium/groups', 'fromGroups / toGroups (AWS security groups)', 'unsupported', 'warning', 'narrower', 'Dropped (fail-closed).', 'cilium T35'),
  F('cilium/to-fqdns', 'toFQDNs', 'unsupported', 'warning', 'narrower', 'The rule is dropped (fail-closed).', 'cilium T36'),
  F('cilium/to-services', 'toServices', 'unsupported', 'warning', 'narrower', 'The rule is dropped (fail-closed); resolving Services needs a cluster inventory.', 'cilium T37'),
  F('cilium/nodes', 'fromNodes / toNodes', 'unsupported', 'warning', 'narrower', 'Dropped (fail-closed): needs node addresses.', 'cilium T38'),
  F('cilium/protocol-any', 'protocol ANY or omitted', 'exact', 'info', 'none', 'Written as TCP, UDP and SCTP entries.', 'cilium T39'),
  F('cilium/port-zero', 'port "0"', 'exact', 'info', 'none', 'All ports: the port is omitted.', 'cilium T40'),
  F('cilium/port-number', 'port strings with a leading 0', 'exact', 'info', 'none', 'Read as Cilium reads them (Go ParseUint, base from the prefix: "0443" is octal 291).', 'cilium §6.1'),
  F('cilium/end-port', 'endPort <= port, endPort with port 0 or a name', 'exact', 'info', 'none', 'Normalised as Cilium reads it.', 'cilium T41'),
  F('cilium/icmps', 'icmps', 'unsupported', 'warning', 'narrower', 'The rule is dropped (fail-closed); --on-unsupported widen keeps its L3 part.', 'cilium T43'),
  F('cilium/extended-protocol', 'protocols VRRP, IGMP, GRE, IPIP, IPV6, ESP, AH', 'unsupported', 'warning', 'narrower', 'The rule is dropped (fail-closed).', 'cilium T44'),
  F('cilium/l7', 'toPorts[].rules (http, dns, kafka, l7proto)', 'unsupported', 'warning', 'narrower', 'The rule is dropped (fail-closed); --on-unsupported widen keeps its L3/L4 part.', 'cilium T46'),
  F('cilium/tls', 'terminatingTLS, originatingTLS, serverNames, listener', 'unsupported', 'warning', 'narrower', 'The rule is dropped (fail-closed); --on-unsupported widen keeps its L3/L4 part.', 'cilium T47'),
  F('cilium/authentication', 'authentication', 'unsupported', 'warning', 'narrower', 'The rule is dropped (fail-closed); --on-unsupported widen keeps its L3/L4 part.', 'cilium T48'),
  F('cilium/deny', 'ingressDeny / egressDeny', 'partial', 'warning', 'narrower', 'Compiled as a subtraction from the allows of the same pods (output/compiled); where the set cannot be compiled (namespaces unknown), allows that may overlap the denied traffic are dropped (fail-closed).', 'cilium T10, T49'),
  F('cilium/deny-host', 'ingressDeny matching the local node', 'unsupported', 'warning', 'wider', 'Native engines always admit traffic from the pod\'s own node, so a deny of it cannot be carried.', 'cilium T50, k8s §1.3'),
  F('cilium/deny-shadows-native', 'Cilium deny over a native NetworkPolicy allow', 'unsupported', 'error', 'wider', 'After migration the native policy allows traffic the Cilium deny used to block.', 'cilium T49, §7'),
  // ---- native
  F('native/passthrough', 'networking.k8s.io/v1 NetworkPolicy', 'exact', 'info', 'none', 'Already native: validated, kept in the policy set, emitted only with --include-native.', 'issue #3'),
  F('native/invalid', 'NetworkPolicy the API server would reject', 'unsupported', 'error', 'unknown', 'Reported with the API server\'s message.', 'k8s-netpol-semantics §2'),
  // ---- output
  F('output/invalid', 'emitted policy that fails API validation', 'unsupported', 'error', 'narrower', 'Internal error: the policy is not written.', 'k8s-netpol-semantics §2'),
  F('output/name', 'output name', 'exact', 'info', 'none', 'Names are made valid DNS-1123 and unique; a changed name is reported.', 'k8s-netpol-semantics §2.2'),
  F('output/verifier-wider', 'a translation the verifier finds wider', 'unsupported', 'error', 'wider', 'Internal error: the translator claimed no widening but the verifier found a connection the original denied; the policy is not written.', 'issue #4'),
  F('output/against-unmatched', 'verify --against: a source no given policy names', 'partial', 'info', 'none', 'Only the whole-set verdict covers it: no policy carries its name in the netpol-migrate.io/source annotation.', 'issue #4'),
  F('output/widened', '--on-unsupported widen', 'partial', 'warning', 'wider', 'The L3/L4 part of an L7/DNS/ICMP rule is kept: the output allows more than the original.', 'DESIGN fail-closed'),
  F('output/compiled', 'Deny, Pass, order, tiers (Calico); deny rules (Cilium)', 'exact', 'info', 'none', 'Compiled from the allowed set of the ordered policies: a Deny before an Allow becomes a subtraction (NotIn / DoesNotExist selectors, except blocks, split port ranges, extra policies for cut-off subject pods).', 'calico §3, cilium §7, issue #5'),
  F('output/not-expressible', 'an allowed set native rules cannot write', 'partial', 'warning', 'narrower', 'Left out (fail-closed): outside addresses an ipBlock cannot separate from pods, cluster entities, other protocols once ports are listed, named ports cut by a subtraction.', 'k8s §1.6, §1.7, issue #5'),
  F('output/compile-fallback', 'ordered policies that cannot be compiled', 'partial', 'warning', 'narrower', 'A namespace whose order is unknown (a tier without its Tier object) or whose compile runs past its time limit keeps the rule-by-rule translation: allows an earlier Deny, Pass or tier may overrule are dropped (fail-closed).', 'issue #5'),
  F('output/shadowed-rule', 'an allow rule that decides nothing', 'exact', 'info', 'none', 'Everything the rule matches is decided before it (an earlier rule, policy or tier): it is not carried, and nothing changes.', 'calico §3, cilium §7'),
  F('output/compiled-size', 'compiled output much larger than its source', 'exact', 'info', 'none', 'Reported when the compiled policies are more than 3 times the size of the source: native rules cannot subtract, so every Deny splits the peers, ports and pods of the allows after it.', 'issue #5'),
  F('output/ipblock-assumption', 'ipBlock from a Cilium CIDR', 'partial', 'warning', 'unknown', 'Exact only if no pod, node or Service address lies in the block.', 'DESIGN addresses'),
  // ---- cluster inventory
  F('inventory/selector', '--cluster-state with Pods: contains / starts with / ends with, service-account selectors', 'partial', 'info', 'none', 'Resolved against the pods and label values of the cluster state (In / NotIn over the values that exist; a service account as the label sets of the pods that run as it, when those select no other pod): exact for that inventory; a pod added later with another value is not covered.', 'calico §5.5, T14, T25, issue #5'),
  F('inventory/service', '--cluster-state with Services: Cilium toServices, Calico services', 'partial', 'info', 'none', 'A Service with a selector becomes the pods it selects in its namespace (Calico egress: on its target ports, the endpoints\' address x port pairs); a Service without a selector or missing from the state stays dropped.', 'cilium §3.3, calico §4.9, T26, issue #5'),
  F('inventory/node-addresses', '--cluster-state with Nodes: entities host + remote-node, toNodes/fromNodes, remote-node on ingress', 'partial', 'warning', 'none', 'Written as ipBlocks of the nodes\' addresses in the cluster state; they change as nodes come and go, so convert again when they do.', 'cilium §5, issue #5'),
  // ---- VPC CNI target
  F('vpc-cni/egress-named-port', 'egress named port without a pod peer', 'partial', 'warning', 'narrower', 'The VPC CNI engine drops such ports: the rule allows nothing there.', 'vpc-cni B2'),
  F('vpc-cni/ingress-named-port', 'ingress named port', 'partial', 'warning', 'unknown', 'The VPC CNI engine resolves it across all selected pods and opens every resulting number on each of them.', 'vpc-cni §2, §6.2'),
  F('vpc-cni/pod-name-prefix', 'subject on a single StatefulSet replica or pod name', 'partial', 'warning', 'unknown', 'The VPC CNI engine shares policies between pods whose names differ only after the last "-" on the same node.', 'vpc-cni B8'),
  F('vpc-cni/port-limit', 'more than 24 port entries for one peer', 'partial', 'warning', 'narrower', 'The VPC CNI engine silently drops entries past 24.', 'vpc-cni §2.1'),
  F('vpc-cni/except-overlap', 'ipBlock.except', 'partial', 'warning', 'narrower', 'The VPC CNI engine also blocks the excepted range for other rules of the same pods.', 'vpc-cni B3'),
  F('output/cluster-network-policy', '--target vpc-cni: Deny, Pass, order, tiers (Calico, up to the first native policy of the input); deny rules (Cilium)', 'exact', 'info', 'none', 'Written as Admin-tier AWS ClusterNetworkPolicies (networking.k8s.aws/v1alpha1, VPC CNI 1.21 or later), one priority per run of rules with the same action in the source\'s evaluation order and one for each end-of-tier deny; what reaches the NetworkPolicy tier (a Pass, no match, ingress from outside addresses) is decided by the native translation of the rest.', 'vpc-cni §2, issue #5'),
  F('vpc-cni/fqdn', '--target vpc-cni --eks-auto-mode: toFQDNs (matchName, a pattern without *, **.domain)', 'partial', 'info', 'unknown', 'Written as an ApplicationNetworkPolicy with domainNames (networking.k8s.aws/v1alpha1), enforced on EKS Auto Mode only (the open-source agent drops domain rules). Which addresses it allows depends on DNS at run time, so the verdict for those connections is unknown.', 'vpc-cni §2, cilium §3.3'),
  F('vpc-cni/fqdn-pattern', '--eks-auto-mode: a toFQDNs pattern with a single *', 'unsupported', 'warning', 'narrower', 'Cilium\'s * matches within one label, AWS *. matches one or more labels: no domain name says the same; the rule stays dropped (fail-closed).', 'vpc-cni §2, cilium §3.3'),
  F('vpc-cni/deny-before-dnat', 'an egress Deny or Pass of addresses that may be pods\' (any target), or of pods by label (--target vpc-cni)', 'partial', 'warning', 'unknown', 'The engine checks egress before Service translation: a Service\'s ClusterIP is matched only when the Service\'s selector matches the rule\'s pod selector, never for a network; traffic through another Service may pass a Deny, or miss a Pass and meet a later Accept. With --cluster-state Services the Services are checked one by one.', 'vpc-cni §1.2, B5, B6'),
  F('vpc-cni/admin-port-limit', '--target vpc-cni: more than 24 port entries on one address across Admin rules', 'partial', 'warning', 'unknown', 'The agent keeps 24 (protocol, port) slots per address key, counting those a key inherits from wider networks, and drops the rest in no fixed order, which may drop a Deny.', 'vpc-cni §2.1'),
  F('vpc-cni/admin-stops', '--target vpc-cni: a rule or subject a ClusterNetworkPolicy cannot say', 'partial', 'info', 'none', 'The Admin tier stops before it (Calico: order matters, so nothing after it goes there either; Cilium: only that deny stays native); the native translation carries it as without --target vpc-cni. Not expressible: L7/ICMP-type conditions, named ports, pods selected by address, cluster entities, ingress from addresses that may hold pods, substring selectors.', 'vpc-cni §2, issue #5'),
];

const BY_CODE = new Map(FEATURES.map((f) => [f.code, f]));

export function feature(code: string): Feature {
  const f = BY_CODE.get(code);
  if (!f) throw new Error(`internal: finding code ${code} is not in the feature registry`);
  return f;
}
