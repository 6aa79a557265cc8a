/**
 * A cluster inventory (`--cluster-state`): Namespaces (with their labels) and optionally Pods, Services and Nodes, as
 * printed by `kubectl get -o yaml` (Lists, multi-document YAML or JSON; one file or a directory), or as written by
 * `netpol-migrate collect`. Objects of other kinds (the policies `collect` also writes) are ignored here.
 */
import { isPlainObject, parseFile } from './documents.js';
import { readInputs } from './read.js';

export interface InventoryPod {
  namespace: string;
  name: string;
  labels: Record<string, string>;
  serviceAccount: string;
  /** The labels of its ServiceAccount object, when the state has it. */
  serviceAccountLabels?: Record<string, string>;
}

export interface InventoryNode {
  name: string;
  /** InternalIP and ExternalIP addresses (status.addresses). */
  addresses: string[];
}

export interface InventoryService {
  namespace: string;
  name: string;
  labels: Record<string, string>;
  /** spec.selector; absent for a Service without one (its endpoints are managed by hand). */
  selector?: Record<string, string>;
  ports: Array<{ port: number; targetPort?: number | string; protocol: string }>;
}

export interface ClusterState {
  /** Namespace name → its labels (with `kubernetes.io/metadata.name`, which the API server always sets). */
  namespaces: Record<string, Record<string, string>>;
  pods: InventoryPod[];
  services: InventoryService[];
  nodes: InventoryNode[];
  /** ServiceAccount objects were read (their labels are known, possibly empty). */
  accountLabelsKnown: boolean;
}

/** Where reading went wrong, with file:line:col (the caller stops with a usage error). */
export class ClusterStateError extends Error {}

function stringMap(v: unknown): Record<string, string> {
  if (!isPlainObject(v)) return {};
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, String(x)]));
}

export function readClusterState(path: string): ClusterState {
  const read = readInputs([path], { stdinName: '<stdin>', readStdin: () => Buffer.alloc(0) });
  const problem = read.findings.find((f) => f.severity === 'error');
  if (problem) throw new ClusterStateError(`${problem.file}:${problem.line}:${problem.column}: ${problem.message}`);
  const state: ClusterState = { namespaces: {}, pods: [], services: [], nodes: [], accountLabelsKnown: false };
  const accounts = new Map<string, Record<string, string>>();
  for (const file of read.files) {
    const parsed = parseFile(file);
    const bad = parsed.findings.find((f) => f.severity === 'error');
    if (bad) throw new ClusterStateError(`${bad.file}:${bad.line}:${bad.column}: ${bad.message}`);
    for (const obj of parsed.objects) {
      const meta = isPlainObject(obj.value.metadata) ? obj.value.metadata : {};
      switch (obj.ref.kind) {
        case 'Namespace': {
          const name = typeof meta.name === 'string' ? meta.name : '';
          if (!name) {
            const p = obj.locate(['metadata']);
            throw new ClusterStateError(`${obj.file}:${p.line}:${p.column}: a Namespace without metadata.name`);
          }
          state.namespaces[name] = { ...stringMap(meta.labels), 'kubernetes.io/metadata.name': name };
          break;
        }
        case 'Pod': {
          const spec = isPlainObject(obj.value.spec) ? obj.value.spec : {};
          // hostNetwork pods have the node's address and no identity of their own: not pods for a selector.
          if (spec.hostNetwork === true) break;
          state.pods.push({
            namespace: typeof meta.namespace === 'string' ? meta.namespace : 'default',
            name: typeof meta.name === 'string' ? meta.name : '',
            labels: stringMap(meta.labels),
            serviceAccount: typeof spec.serviceAccountName === 'string' ? spec.serviceAccountName : 'default',
          });
          break;
        }
        case 'Service': {
          const spec = isPlainObject(obj.value.spec) ? obj.value.spec : {};
          const ports = (Array.isArray(spec.ports) ? spec.ports : []).filter(isPlainObject).map((p) => ({
            port: Number(p.port),
            ...(typeof p.targetPort === 'number' || typeof p.targetPort === 'string' ? { targetPort: p.targetPort } : {}),
            protocol: typeof p.protocol === 'string' ? p.protocol : 'TCP',
          }));
          const svc: InventoryService = { namespace: typeof meta.namespace === 'string' ? meta.namespace : 'default', name: typeof meta.name === 'string' ? meta.name : '', labels: stringMap(meta.labels), ports };
          if (isPlainObject(spec.selector) && Object.keys(spec.selector).length > 0) svc.selector = stringMap(spec.selector);
          state.services.push(svc);
          break;
        }
        case 'ServiceAccount':
          state.accountLabelsKnown = true;
          accounts.set(`${typeof meta.namespace === 'string' ? meta.namespace : 'default'}/${typeof meta.name === 'string' ? meta.name : ''}`, stringMap(meta.labels));
          break;
        case 'Node': {
          const status = isPlainObject(obj.value.status) ? obj.value.status : {};
          const addresses = Array.isArray(status.addresses) ? status.addresses.filter((a) => isPlainObject(a) && (a.type === 'InternalIP' || a.type === 'ExternalIP') && typeof a.address === 'string').map((a) => String((a as Record<string, unknown>).address)) : [];
          state.nodes.push({ name: typeof meta.name === 'string' ? meta.name : '', addresses });
          break;
        }
        default:
          break;
      }
    }
  }
  // Calico selects by service-account labels too (calico §4.6): give each pod its account's labels.
  for (const p of state.pods) {
    const labels = accounts.get(`${p.namespace}/${p.serviceAccount}`);
    if (labels) p.serviceAccountLabels = labels;
  }
  if (Object.keys(state.namespaces).length === 0) throw new ClusterStateError(`${path}: no Namespace objects (write the file with \`netpol-migrate collect\` or \`kubectl get namespaces -o yaml\`)`);
  return state;
}
