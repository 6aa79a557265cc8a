/**
 * The pure core of the tool: parsed input files in, translated policies, per-source reports and findings out
 * (DESIGN.md data flow: parse -> lower -> translate -> report). No I/O happens here.
 */
import { addTo } from '../model/multimap.js';
import { lowerCalicoPolicy, type TierInfo } from '../calico/lower.js';
import { collectNetworkSets } from '../calico/network-sets.js';
import { lowerCiliumPolicy } from '../cilium/lower.js';
import type { CidrGroup } from '../cilium/peers.js';
import { findingAt, isPlainObject, parseFile, type InputFile, type SourceObject } from '../io/documents.js';
import { validateObject, hasSchema } from '../io/schemas.js';
import { Notes } from '../model/notes.js';
import type { TranslateOptions } from '../model/options.js';
import type { ModelPolicy } from '../model/policy.js';
import { lowerNativePolicy } from '../native/lower.js';
import { validateNetworkPolicy } from '../native/validate.js';
import { normalizeFindings, type Finding } from '../report/finding.js';
import { compileOrdered } from '../translate/compile/compile.js';
import { planAdminTier } from '../translate/cluster-policy/plan.js';
import { planFqdnPolicies } from '../translate/cluster-policy/fqdn.js';
import { adminSlotChecks } from '../translate/cluster-policy/limits.js';
import type { ClusterNetworkPolicyJson } from '../aws/types.js';
import { analyzeOrdering } from '../translate/ordering.js';
import { translatePolicy } from '../translate/translate.js';
import { networkBypassNotes, vpcCniChecks } from '../translate/vpc-cni.js';
import { classify, type ObjectClass } from './classify.js';
import { assignOutputs } from './outputs.js';
import { applyStaged } from './staged.js';
import { resolveInventory } from './resolve-inventory.js';
import { isNativeOutput, type PipelineResult, type SourceCni, type SourceReport, type SourceStatus } from './types.js';
import type { NetworkPolicyJson } from '../native/types.js';
import { finalizeSources, internalsOf, verifyTranslation, type PipelineInternals } from './verify.js';

interface Entry {
  obj: SourceObject;
  cls: ObjectClass;
  notes: Notes;
  status: SourceStatus | undefined;
  models: ModelPolicy[];
  emitNative?: boolean;
}

export function runPipeline(files: InputFile[], options: TranslateOptions, preFindings: Finding[] = []): PipelineResult {
  const fileFindings: Finding[] = [...preFindings];
  const objects: SourceObject[] = [];
  for (const f of files) {
    const parsed = parseFile(f);
    fileFindings.push(...parsed.findings);
    objects.push(...parsed.objects);
  }
  const entries: Entry[] = objects.map((obj) => ({ obj, cls: classify(obj), notes: new Notes(obj), status: undefined, models: [] }));

  // Schema validation: an invalid object is not used; unknown fields are reported and ignored (as the API
  // server prunes or rejects them).
  for (const e of entries) {
    if (e.cls === 'other' || e.cls === 'unsupported-version') continue;
    if (!e.obj.ref.name) {
      e.notes.add('input/missing-name', ['metadata'], 'metadata.name is missing; the object is skipped', { dropped: [] });
      e.status = 'invalid';
      continue;
    }
    const ns = e.obj.ref.namespace;
    if (ns !== undefined && !DNS_LABEL.test(ns)) {
      e.notes.add('input/schema', ['metadata', 'namespace'], `metadata.namespace "${ns}" is not a valid namespace name (a DNS-1123 label); the object is not converted`, { dropped: [] });
      e.status = 'invalid';
      continue;
    }
    if (!hasSchema(e.obj.ref.apiVersion, e.obj.ref.kind)) continue;
    for (const issue of validateObject(e.obj.ref.apiVersion, e.obj.ref.kind, e.obj.value)) {
      if (issue.kind === 'unknown-field') e.notes.add('input/unknown-field', issue.path, `${issue.message}: ignored (the API server would prune or reject it)`, { dropped: true });
      else {
        e.notes.add('input/schema', issue.path, `${issue.message}; the object is not converted`, { dropped: [] });
        e.status = 'invalid';
      }
    }
  }
  applyStaged(entries, options.includeStaged === true);
  const usable = (e: Entry) => e.status === undefined;
  const networkSets = collectNetworkSets(entries.filter((e) => e.cls === 'calico-set' && usable(e)).map((e) => e.obj), options.defaultNamespace);
  const tiers = new Map<string, TierInfo>();
  const cidrGroups = new Map<string, CidrGroup>();
  for (const e of entries) {
    if (!usable(e)) continue;
    const spec = isPlainObject(e.obj.value.spec) ? e.obj.value.spec : {};
    if (e.cls === 'calico-tier') {
      tiers.set(e.obj.ref.name, { order: typeof spec.order === 'number' ? spec.order : Number.POSITIVE_INFINITY, defaultAction: spec.defaultAction === 'Pass' ? 'Pass' : 'Deny' });
    } else if (e.cls === 'cilium-cidr-group') {
      const meta = isPlainObject(e.obj.value.metadata) ? e.obj.value.metadata : {};
      const labels = isPlainObject(meta.labels) ? Object.fromEntries(Object.entries(meta.labels).map(([k, v]) => [k, String(v)])) : {};
      const cidrs = Array.isArray(spec.externalCIDRs) ? spec.externalCIDRs.filter((c): c is string => typeof c === 'string') : [];
      cidrGroups.set(e.obj.ref.name, { name: e.obj.ref.name, labels, cidrs });
    }
  }

  // Lower every policy.
  for (const e of entries) {
    if (!usable(e)) continue;
    switch (e.cls) {
      case 'calico-policy': {
        const r = lowerCalicoPolicy(e.obj, { networkSets, tiers, options });
        e.notes.findings.push(...r.notes.findings);
        e.models = r.policies;
        if (r.status !== 'lowered') e.status = r.status;
        break;
      }
      case 'cilium-policy': {
        const r = lowerCiliumPolicy(e.obj, { cidrGroups, options });
        e.notes.findings.push(...r.notes.findings);
        e.models = r.policies;
        if (r.status !== 'lowered') e.status = r.status;
        break;
      }
      case 'native-policy': {
        const errors = validateNetworkPolicy(withNamespace(e.obj, options.defaultNamespace));
        for (const err of errors) e.notes.add('native/invalid', apiPath(err.field), err.message, { dropped: [] });
        if (errors.length > 0) e.status = 'invalid';
        else {
          e.models = [lowerNativePolicy(e.obj, options.defaultNamespace)];
          if (e.emitNative) e.notes.add('native/passthrough', [], 'already native (a staged Kubernetes policy): emitted as it is');
          else e.notes.add('native/passthrough', [], options.includeNative ? 'already native: emitted again (--include-native)' : 'already native: kept in the policy set, not emitted again (use --include-native)');
        }
        break;
      }
      case 'unsupported-version':
        e.notes.add('input/unsupported-api-version', ['apiVersion'], `${e.obj.ref.apiVersion} ${e.obj.ref.kind} is not served by current releases; skipped`, { dropped: [] });
        e.status = 'skipped';
        break;
      case 'other':
        fileFindings.push(findingAt(e.obj, ['kind'], 'input/other-kind', 'info', `${e.obj.ref.kind || 'object'} ${e.obj.ref.apiVersion} is not a network policy; skipped`, 'none'));
        break;
      default:
        break;
    }
  }

  // --cluster-state with pods and nodes: substring and service-account selectors and node entities resolve against them.
  if (options.inventory) {
    for (const e of entries) {
      e.models = e.models.map((m) => {
        const r = resolveInventory(m, options, e.obj.value);
        for (const n of r.notes) e.notes.addNote(n);
        return r.model;
      });
    }
  }
  const allModels = entries.flatMap((e) => e.models);
  // --target vpc-cni: what depends on order goes to the Admin tier as far as it can; the native translation (the
  // NetworkPolicy tier) is made from what is left (translate/cluster-policy/plan.ts).
  const admin = options.target === 'vpc-cni' ? planAdminTier(allModels, options) : undefined;
  const nativeOf = (m: ModelPolicy) => admin?.nativeModel.get(m) ?? m;
  const sourceOf = new Map(allModels.map((m) => [nativeOf(m), m]));
  const nativeModels = allModels.map(nativeOf).filter((m) => m.cni === 'native' || m.ingress !== undefined || m.egress !== undefined);
  const ordering = analyzeOrdering(nativeModels);
  const { compiled, fallbacks } = compileOrdered(nativeModels, ordering, options);
  const specsBySource = new Map<Entry, ReturnType<typeof translatePolicy>[]>();
  // --eks-auto-mode: domain-name egress as ApplicationNetworkPolicies (translate/cluster-policy/fqdn.ts).
  const fqdn = options.target === 'vpc-cni' && options.eksAutoMode ? planFqdnPolicies(entries.flatMap((e) => e.models.map((model) => ({ model, obj: e.obj })))) : undefined;
  // The plans and notes of the Admin tier and the FQDN policies, by the source they come from (looked up once).
  const ownerOf = new Map(entries.flatMap((e) => e.models.map((m) => [m, e] as const)));
  const byOwner = <T extends { model: ModelPolicy }>(items: readonly T[] = []) => {
    const out = new Map<Entry, T[]>();
    for (const x of items) {
      const e = ownerOf.get(x.model);
      if (e) addTo(out, e, x);
    }
    return out;
  };
  const cnpsBySource = byOwner(admin?.cnps);
  const adminNotes = byOwner(admin?.notes);
  const fqdnNotes = byOwner(fqdn?.notes);
  const fqdnPlans = byOwner(fqdn?.plans);
  for (const e of entries) {
    if (e.cls !== 'calico-policy' && e.cls !== 'cilium-policy') continue;
    const cnps = cnpsBySource.get(e) ?? [];
    for (const n of adminNotes.get(e) ?? []) e.notes.add(n.code, n.path, n.message);
    for (const n of fqdnNotes.get(e) ?? []) e.notes.add(n.code, n.path, n.message);
    if (cnps.length > 0) e.notes.add('output/cluster-network-policy', [], `the Admin tier carries ${cnps.reduce((n, c) => n + c.rules.length, 0)} of its decisions as AWS ClusterNetworkPolicies (priorities ${[...new Set(cnps.map((c) => c.priority))].join(', ')}), evaluated before every NetworkPolicy by the VPC CNI engine (1.21 or later)`);
    // A model whose every direction the Admin tier decides in full needs no native policy.
    const translations = e.models.map(nativeOf).filter((m) => m.ingress !== undefined || m.egress !== undefined).map((m) => translatePolicy(m, ordering, options, compiled.get(m)));
    for (const m of e.models.map(nativeOf)) {
      const why = fallbacks.get(m);
      if (why) e.notes.add('output/compile-fallback', m.subject.path, why);
    }
    for (const m of e.models) for (const n of networkBypassNotes(m, options)) e.notes.addNote(n);
    // A toFQDNs rule an ApplicationNetworkPolicy carries is not dropped: its own finding says where it went.
    const carried = new Set((fqdnNotes.get(e) ?? []).filter((n) => n.code === 'vpc-cni/fqdn').map((n) => JSON.stringify(n.path)));
    for (const t of translations) for (const d of t.decisions) if (!(d.code === 'cilium/to-fqdns' && carried.has(JSON.stringify(d.path)))) e.notes.add(d.code, d.path, d.message, d.opts);
    if (translations.length > 0 && translations.every((t) => t.skipped)) e.status = 'skipped';
    specsBySource.set(e, translations);
  }
  for (const s of ordering.native) ownerOf.get(sourceOf.get(s.policy) ?? s.policy)?.notes.add(s.code, s.rule.path, s.message);

  // Sources, outputs and names.
  const policyEntries = entries.filter((e) => e.cls !== 'other' && e.cls !== 'calico-set' && e.cls !== 'calico-tier' && e.cls !== 'cilium-cidr-group');
  for (const e of entries) if (!policyEntries.includes(e)) fileFindings.push(...e.notes.findings);
  const sources: SourceReport[] = policyEntries.map((e) => sourceReport(e));
  const outputs = assignOutputs(
    policyEntries.map((e, i) => ({ index: i, entry: e.obj, cni: sources[i]!.cni, specs: specsBySource.get(e) ?? [], cnps: cnpsBySource.get(e) ?? [], anps: fqdnPlans.get(e) ?? [], native: e.cls === 'native-policy' && (options.includeNative || e.emitNative === true) && usable(e) })),
    sources,
  );
  policyEntries.forEach((e, i) => {
    if (!e.models.some((m) => compiled.has(nativeOf(m)))) return;
    const own = outputs.filter((o) => o.source === i).map((o) => o.policy.spec);
    const size = JSON.stringify(own).length;
    const input = JSON.stringify(isPlainObject(e.obj.value.spec) ? e.obj.value.spec : e.obj.value).length;
    if (size > 3 * input) {
      sources[i]!.findings.push(findingAt(e.obj, [], 'output/compiled-size', 'info', `the compiled output (${own.length} ${own.length === 1 ? 'policy' : 'policies'}) is ${(size / input).toFixed(1)} times the size of the source: native rules cannot subtract, so each Deny splits the peers, ports and pods of the allows after it into the parts that remain`, 'none'));
    }
  });
  const clusterOutputs = outputs.filter((o) => o.policy.kind === 'ClusterNetworkPolicy');
  for (const f of adminSlotChecks(clusterOutputs.map((o) => o.policy as ClusterNetworkPolicyJson))) {
    const o = clusterOutputs[f.output]!;
    sources[o.source]!.findings.push(findingAt(policyEntries[o.source]!.obj, [], 'vpc-cni/admin-port-limit', 'warning', f.message, 'unknown'));
  }
  const nativeOutputs = outputs.filter((o) => isNativeOutput(o.policy));
  for (const f of vpcCniChecks(nativeOutputs.map((o) => o.policy as NetworkPolicyJson))) {
    const o = nativeOutputs[f.output]!;
    const e = policyEntries[o.source]!;
    sources[o.source]!.findings.push(findingAt(e.obj, [], f.code, 'warning', f.message, 'narrower'));
  }
  const result: PipelineResult = { sources, outputs, fileFindings: normalizeFindings(fileFindings) };
  const internals: PipelineInternals = {
    models: policyEntries.map((e) => e.models),
    objects: policyEntries.map((e) => e.obj),
    assumedExternal: [...specsBySource.values()].flat().flatMap((t) => t.assumedExternal),
    // Compiled sources and those with Admin-tier outputs depend on the other policies: compared in context.
    compiled: new Set(policyEntries.map((e, i) => (e.models.some((m) => compiled.has(nativeOf(m))) || cnpsBySource.has(e) ? i : -1)).filter((i) => i >= 0)),
  };
  internalsOf.set(result, internals);
  if (options.verify) verifyTranslation(result, internals, options);
  finalizeSources(result);
  return result;

  function sourceReport(e: Entry): SourceReport {
    const pos = e.obj.locate([]);
    return {
      // Calico's v3 name when it differs from the stored one (calico T42).
      ref: e.models[0]?.source.ref ?? e.obj.ref,
      cni: cniOf(e.cls),
      file: e.obj.file,
      line: pos.line,
      column: pos.column,
      documentIndex: e.obj.documentIndex,
      pointer: e.obj.basePath.length ? '/' + e.obj.basePath.join('/') : '',
      status: e.status ?? 'converted',
      verdict: 'exact',
      findings: e.notes.findings,
      outputs: [],
      original: e.obj.value,
    };
  }
}

/** A namespace name (k8s-netpol-semantics §2.2). */
export const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;




function cniOf(cls: ObjectClass): SourceCni {
  if (cls.startsWith('calico')) return 'calico';
  if (cls.startsWith('cilium')) return 'cilium';
  if (cls === 'unsupported-version') return 'calico';
  return 'native';
}



function withNamespace(obj: SourceObject, ns: string): unknown {
  const meta = isPlainObject(obj.value.metadata) ? obj.value.metadata : {};
  return { ...obj.value, metadata: { ...meta, namespace: typeof meta.namespace === 'string' ? meta.namespace : ns } };
}

/** `spec.ingress[0].from[1]` -> ['spec', 'ingress', 0, 'from', 1]. */
function apiPath(field: string): Array<string | number> {
  const out: Array<string | number> = [];
  for (const m of field.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) out.push(m[2] !== undefined ? Number(m[2]) : m[1]!);
  return out;
}
