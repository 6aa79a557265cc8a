/** The verifier's public API: the concrete evaluator and the before/after comparison. */
export type { Cluster, ClusterNamespace, ClusterPod, ConnEndpoint, ConnProtocol, Connection, ContainerPort, Verdict } from './cluster.js';
export { evaluateConnection, evaluateConnectionDetailed, type ConnectionResult } from './concrete.js';
export { compareAllowed, verdictOfWitnesses, type VerifyOptions, type VerifyResult, type VerifyVerdict, type Witness, type WitnessEndpoint } from './compare.js';
export { Analysis, Cells, makeSpace, mentionedNamespaces, symbolicVerdict } from './symbolic.js';
