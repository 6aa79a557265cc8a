/** `networking.k8s.io/v1` NetworkPolicy, the output contract (k8s-netpol-semantics §1). */
export interface LabelSelectorRequirementJson {
  key: string;
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
  values?: string[];
}

export interface LabelSelectorJson {
  matchLabels?: Record<string, string>;
  matchExpressions?: LabelSelectorRequirementJson[];
}

export interface IPBlockJson {
  cidr: string;
  except?: string[];
}

export interface NetworkPolicyPeerJson {
  podSelector?: LabelSelectorJson;
  namespaceSelector?: LabelSelectorJson;
  ipBlock?: IPBlockJson;
}

export interface NetworkPolicyPortJson {
  protocol?: 'TCP' | 'UDP' | 'SCTP';
  port?: number | string;
  endPort?: number;
}

export interface NetworkPolicyIngressRuleJson {
  from?: NetworkPolicyPeerJson[];
  ports?: NetworkPolicyPortJson[];
}

export interface NetworkPolicyEgressRuleJson {
  to?: NetworkPolicyPeerJson[];
  ports?: NetworkPolicyPortJson[];
}

export interface NetworkPolicyJson {
  apiVersion: 'networking.k8s.io/v1';
  kind: 'NetworkPolicy';
  metadata: {
    name: string;
    namespace: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  spec: {
    podSelector: LabelSelectorJson;
    policyTypes: Array<'Ingress' | 'Egress'>;
    ingress?: NetworkPolicyIngressRuleJson[];
    egress?: NetworkPolicyEgressRuleJson[];
  };
}
