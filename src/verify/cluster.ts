/**
 * A concrete cluster and one connection in it: the input of the concrete evaluator (`concrete.ts`) and what every
 * witness of the comparison is turned into before it is reported.
 */
import type { Protocol } from '../model/policy.js';
import { NAMESPACE_NAME_LABEL } from '../model/policy.js';

export interface ClusterNamespace {
  name: string;
  /** `kubernetes.io/metadata.name` is always set to `name` (added when missing). */
  labels: Record<string, string>;
}

export interface ContainerPort {
  /** Named container port (lower-case IANA name), if any. */
  name?: string;
  port: number;
  protocol: Protocol;
}

export interface ClusterPod {
  namespace: string;
  name: string;
  labels: Record<string, string>;
  /** The pod IP (IPv4 or IPv6 text). */
  ip: string;
  ports?: ContainerPort[];
}

export interface Cluster {
  namespaces: ClusterNamespace[];
  pods: ClusterPod[];
  /** Addresses outside the cluster the caller wants to probe (informational; any non-pod IP is external). */
  externalIps?: string[];
}

/**
 * One end of a connection: a pod (`<namespace>/<name>`), an IP address (a pod's IP resolves to that pod; any other
 * address is outside the cluster), or a non-pod cluster entity (`host` = the node of the pod, `remote-node`,
 * `kube-apiserver`, ...).
 */
export type ConnEndpoint = { pod: string } | { ip: string } | { entity: string };

/** `ICMP` stands for every protocol other than TCP, UDP and SCTP (those have no ports). */
export type ConnProtocol = Protocol | 'ICMP';

export interface Connection {
  from: ConnEndpoint;
  to: ConnEndpoint;
  protocol: ConnProtocol;
  /** Destination port (TCP/UDP/SCTP only). */
  port?: number;
}

export type Verdict = 'allow' | 'deny' | 'unknown';

/** The labels of a namespace as Kubernetes shows them (with the automatic name label). */
export function namespaceLabels(ns: ClusterNamespace): Record<string, string> {
  return { ...ns.labels, [NAMESPACE_NAME_LABEL]: ns.name };
}

