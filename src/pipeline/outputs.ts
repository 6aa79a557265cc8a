/**
 * Turns translated specs into named NetworkPolicy objects: stable DNS-1123 names (suffixed where a source is split),
 * annotations naming the source, unique names per namespace, and the API server's validation before anything is
 * emitted (a policy that fails is not written: internal error).
 */
import { findingAt, isPlainObject, type SourceObject } from '../io/documents.js';
import type { NetworkPolicyJson } from '../native/types.js';
import { validateOutput } from './validate-output.js';
import type { CnpPlan } from '../translate/cluster-policy/plan.js';
import type { FqdnPlan } from '../translate/cluster-policy/fqdn.js';
import { AWS_API_VERSION } from '../aws/types.js';
import { clusterPolicyDrafts } from './cluster-outputs.js';
import { dnsName, shortHash } from '../translate/names.js';
import type { PolicyTranslation } from '../translate/translate.js';
import { VERSION } from '../version.js';
import { isNativeOutput, outputNamespace, type EmittedPolicy, type OutputPolicy, type SourceCni, type SourceReport } from './types.js';

export interface OutputItem {
  index: number;
  entry: SourceObject;
  cni: SourceCni;
  specs: PolicyTranslation[];
  /** Emit the native source itself (`--include-native`). */
  native: boolean;
  /** Admin-tier ClusterNetworkPolicies (`--target vpc-cni`). */
  cnps?: CnpPlan[];
  /** ApplicationNetworkPolicies for domain-name egress (`--eks-auto-mode`). */
  anps?: FqdnPlan[];
}

export const ANNOTATION_PREFIX = 'netpol-migrate.io/';

export function assignOutputs(items: OutputItem[], sources: SourceReport[]): EmittedPolicy[] {
  const out: EmittedPolicy[] = [];
  const taken = new Set<string>();
  for (const item of items) {
    const obj = item.entry;
    const source = sources[item.index]!;
    const baseName = dnsName(source.ref.name || 'policy');
    const annotations = {
      [`${ANNOTATION_PREFIX}source`]: `${obj.ref.apiVersion}/${obj.ref.kind} ${source.ref.namespace ?? (item.cni === 'native' ? '' : '')}${source.ref.namespace ? '/' : ''}${source.ref.name}`,
      [`${ANNOTATION_PREFIX}source-file`]: `${obj.file}:${source.line}`,
      [`${ANNOTATION_PREFIX}version`]: VERSION,
    };
    const candidates: OutputPolicy[] = [];
    /** Metadata of a translated output: the managed-by label, the source annotations and the source rules it carries. */
    const meta = (name: string, namespace: string | undefined, origins: readonly string[] | undefined) => ({
      name,
      ...(namespace !== undefined ? { namespace } : {}),
      labels: { 'app.kubernetes.io/managed-by': 'netpol-migrate' },
      annotations: { ...annotations, ...(origins?.length ? { [`${ANNOTATION_PREFIX}source-rules`]: origins.join(', ') } : {}) },
    });
    if (item.native) {
      const meta = isPlainObject(obj.value.metadata) ? obj.value.metadata : {};
      const p = structuredClone(obj.value) as unknown as NetworkPolicyJson;
      p.metadata = { name: String(meta.name), namespace: typeof meta.namespace === 'string' ? meta.namespace : 'default' };
      if (isPlainObject(meta.labels)) p.metadata.labels = meta.labels as Record<string, string>;
      p.metadata.labels = { ...(p.metadata.labels ?? {}), 'app.kubernetes.io/managed-by': 'netpol-migrate' };
      const own = { ...(isPlainObject(meta.annotations) ? (meta.annotations as Record<string, string>) : {}) };
      delete own['kubectl.kubernetes.io/last-applied-configuration']; // may hold an older spec
      p.metadata.annotations = { ...own, ...annotations };
      delete (p as unknown as Record<string, unknown>).status;
      candidates.push(p);
    }
    const specs = item.specs.flatMap((t, part) => t.specs.map((s) => ({ ...s, part })));
    const perNamespace = new Map<string, number>();
    for (const s of specs) perNamespace.set(s.namespace, (perNamespace.get(s.namespace) ?? 0) + 1);
    const counter = new Map<string, number>();
    for (const s of specs) {
      const n = (counter.get(s.namespace) ?? 0) + 1;
      counter.set(s.namespace, n);
      const name = perNamespace.get(s.namespace)! > 1 ? `${baseName}-${n}` : baseName;
      candidates.push({
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        metadata: { ...meta(name, s.namespace, s.origins), namespace: s.namespace },
        spec: s.spec,
      });
    }
    const drafts = clusterPolicyDrafts(item.cnps ?? []);
    // Cluster-scoped: the namespace of a namespaced source goes into the name.
    const clusterBase = dnsName(source.ref.namespace ? `${source.ref.namespace}-${source.ref.name}` : source.ref.name || 'policy');
    drafts.forEach((d, n) => {
      const name = drafts.length > 1 ? `${clusterBase}-${n + 1}` : clusterBase;
      candidates.push({ apiVersion: AWS_API_VERSION, kind: 'ClusterNetworkPolicy', metadata: meta(name, undefined, d.origins), spec: d.spec });
    });
    const anps = item.anps ?? [];
    anps.forEach((a, n) => {
      candidates.push({
        apiVersion: AWS_API_VERSION,
        kind: 'ApplicationNetworkPolicy',
        metadata: { ...meta(anps.length > 1 ? `${baseName}-fqdn-${n + 1}` : `${baseName}-fqdn`, a.namespace, a.origins), namespace: a.namespace },
        spec: a.spec,
      });
    });
    for (const p of candidates) {
      let key = `${outputNamespace(p)}/${p.metadata.name}`;
      if (taken.has(key)) {
        // The hash names the source object itself (file, document, place in a List), so it is stable and distinct.
        let renamed = dnsName(`${p.metadata.name}-${shortHash(`${obj.file}#${obj.documentIndex}/${obj.basePath.join('/')}/${key}`)}`);
        for (let n = 2; taken.has(`${outputNamespace(p)}/${renamed}`); n++) renamed = dnsName(`${p.metadata.name}-${shortHash(`${obj.file}#${obj.documentIndex}/${obj.basePath.join('/')}/${key}/${n}`)}`);
        source.findings.push(findingAt(obj, ['metadata', 'name'], 'output/name', 'warning', `${key} is already the name of another output; this one is named ${renamed}`, 'none'));
        p.metadata.name = renamed;
        key = `${outputNamespace(p)}/${p.metadata.name}`;
      } else if (isNativeOutput(p) && p.metadata.name !== source.ref.name && !p.metadata.name.startsWith(source.ref.name + '-')) {
        source.findings.push(findingAt(obj, ['metadata', 'name'], 'output/name', 'info', `output named ${p.metadata.name} (a valid DNS-1123 name for "${source.ref.name}")`, 'none'));
      }
      const errors = validateOutput(p);
      if (errors.length > 0) {
        source.findings.push(findingAt(obj, [], 'output/invalid', 'error', `internal error: the output ${key} would be rejected by the API server (${errors.join('; ')}); it is not written`, 'narrower'));
        continue;
      }
      taken.add(key);
      source.outputs.push({ namespace: outputNamespace(p), name: p.metadata.name });
      out.push({ policy: p, source: item.index });
    }
  }
  return out;
}
