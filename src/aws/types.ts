/**
 * AWS `networking.k8s.aws/v1alpha1` kinds the `vpc-cni` target emits (vpc-cni-target §2, row "AWS
 * ClusterNetworkPolicy"): from the controller's type definitions, `api/v1alpha1/clusternetworkpolicy_types.go` of
 * aws/amazon-network-policy-controller-k8s. The JSON Schemas in `schemas/aws/` are written from the same types.
 */
import type { LabelSelectorJson, NetworkPolicyPeerJson, NetworkPolicyPortJson } from '../native/types.js';

export const AWS_API_VERSION = 'networking.k8s.aws/v1alpha1';

export type CnpTier = 'Admin' | 'Baseline';
export type CnpAction = 'Accept' | 'Deny' | 'Pass';
export type CnpProtocol = 'TCP' | 'UDP' | 'SCTP';

export interface NamespacedPodJson {
  namespaceSelector: LabelSelectorJson;
  podSelector: LabelSelectorJson;
}

/** Exactly one member is set (MinProperties = MaxProperties = 1). */
export interface CnpSubjectJson {
  namespaces?: LabelSelectorJson;
  pods?: NamespacedPodJson;
}

export interface CnpPeerJson {
  namespaces?: LabelSelectorJson;
  pods?: NamespacedPodJson;
  /** Egress only, at most 25 CIDRs. */
  networks?: string[];
  /** Egress only, Accept or Pass only, at most 25. */
  domainNames?: string[];
}

export interface CnpPortJson {
  portNumber?: { protocol: CnpProtocol; port: number };
  portRange?: { protocol: CnpProtocol; start: number; end: number };
  namedPort?: string;
}

export interface CnpIngressRuleJson {
  name?: string;
  action: CnpAction;
  from: CnpPeerJson[];
  ports?: CnpPortJson[];
}

export interface CnpEgressRuleJson {
  name?: string;
  action: CnpAction;
  to: CnpPeerJson[];
  ports?: CnpPortJson[];
}

export interface ClusterNetworkPolicyJson {
  apiVersion: typeof AWS_API_VERSION;
  kind: 'ClusterNetworkPolicy';
  metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec: {
    tier: CnpTier;
    /** 0..1000, lower wins. */
    priority: number;
    subject: CnpSubjectJson;
    ingress?: CnpIngressRuleJson[];
    egress?: CnpEgressRuleJson[];
  };
}

/** The limits of the controller's CRD (kubebuilder markers). */
export const CNP_LIMITS = { rules: 100, peers: 100, ports: 100, networks: 25, domainNames: 25, priority: 1000, ruleName: 100 } as const;

/** An egress peer of an ApplicationNetworkPolicy: a NetworkPolicy peer, or domain names (exclusive of the rest). */
export interface AnpPeerJson extends NetworkPolicyPeerJson {
  domainNames?: string[];
}

/**
 * `ApplicationNetworkPolicy` (namespaced): a NetworkPolicy whose egress peers may be domain names, enforced only on
 * EKS Auto Mode (the open-source node agent drops entries without a CIDR; vpc-cni-target §2, DNS/FQDN policies).
 */
export interface ApplicationNetworkPolicyJson {
  apiVersion: typeof AWS_API_VERSION;
  kind: 'ApplicationNetworkPolicy';
  metadata: { name: string; namespace: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec: {
    podSelector: LabelSelectorJson;
    policyTypes: Array<'Ingress' | 'Egress'>;
    egress?: Array<{ to?: AnpPeerJson[]; ports?: NetworkPolicyPortJson[] }>;
  };
}
