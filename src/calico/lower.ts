/**
 * Lowers a Calico NetworkPolicy or GlobalNetworkPolicy (either API group) into the model, faithfully: every rule is
 * kept with its action and order, and what the model cannot carry is an Opaque part (calico-semantics §2–§8).
 */
import { isPlainObject, type SourceObject } from '../io/documents.js';
import { andDnf, compactDnf, isNativeRequirement, type LabelDnf } from '../model/labels.js';
import { Notes, type LowerResult } from '../model/notes.js';
import type { DirectionPolicy, ModelPolicy, ModelRule, Opaque, SubjectTerm } from '../model/policy.js';
import type { TranslateOptions } from '../model/options.js';
import type { JsonPath } from '../report/finding.js';
import type { NetworkSetEntry } from './network-sets.js';
import { CALICO_V1, derivedPrefix, v3Name } from './objects.js';
import { isNegative, parseCalicoSelector, type PolicyScope } from './peers.js';
import { lowerCalicoRule } from './rule.js';
import { CALICO_NAMESPACE_LABEL, splitEndpointConj } from './scope.js';
import { boundedDnf } from './dnf.js';
import { containsGlobal, mapSelectorKeys } from './selector.js';

export interface TierInfo {
  order: number;
  defaultAction: 'Deny' | 'Pass';
}

export interface CalicoContext {
  networkSets: NetworkSetEntry[];
  tiers: Map<string, TierInfo>;
  options: TranslateOptions;
}


/** Built-in tiers (calico §2.4): default 1 000 000 Deny; kube-admin 1000 Pass; kube-baseline 10 000 000 Pass. */
export const BUILTIN_TIERS: ReadonlyMap<string, TierInfo> = new Map([
  ['default', { order: 1_000_000, defaultAction: 'Deny' }],
  ['kube-admin', { order: 1000, defaultAction: 'Pass' }],
  ['kube-baseline', { order: 10_000_000, defaultAction: 'Pass' }],
]);

/** Assumption notes that say the same thing for every rule: reported once per policy. */
const ONCE_PER_POLICY = new Set(['calico/network-set-assumption', 'calico/nets-pod-ips']);

export function lowerCalicoPolicy(obj: SourceObject, ctx: CalicoContext): LowerResult {
  const notes = new Notes(obj);
  const skipped = (): LowerResult => ({ status: 'skipped', policies: [], notes });
  const invalid = (message: string, path: JsonPath): LowerResult => {
    notes.add('calico/invalid', path, `${message}; Calico rejects this policy, so it is not converted`, { dropped: true });
    return { status: 'invalid', policies: [], notes };
  };
  const kind = obj.ref.kind as 'NetworkPolicy' | 'GlobalNetworkPolicy';
  const raw = obj.ref.apiVersion === CALICO_V1;
  const name = v3Name(obj, notes);
  const prefix = derivedPrefix(obj.ref.name);
  if (prefix) {
    notes.add('calico/derived-policy', ['metadata', 'name'], `"${obj.ref.name}" is an object Calico derived itself (${prefix}*) from another object; it is skipped`, { dropped: true });
    return skipped();
  }
  const spec = isPlainObject(obj.value.spec) ? obj.value.spec : {};
  let namespace: string | null = null;
  if (kind === 'NetworkPolicy') {
    namespace = obj.ref.namespace ?? ctx.options.defaultNamespace;
    if (obj.ref.namespace === undefined) notes.add('input/default-namespace', ['metadata'], `no metadata.namespace: using "${namespace}"`);
  }
  if (kind === 'GlobalNetworkPolicy' && (spec.doNotTrack === true || spec.preDNAT === true)) {
    notes.add('calico/host-only-policy', ['spec', spec.doNotTrack === true ? 'doNotTrack' : 'preDNAT'], 'doNotTrack/preDNAT policies apply only to host endpoints, never to pods; skipped', { dropped: true });
    return skipped();
  }

  // types (calico §2.2): explicit, else Calico's API default by rule count, else (raw v1) Felix's "both".
  const ingressRules = Array.isArray(spec.ingress) ? spec.ingress : [];
  const egressRules = Array.isArray(spec.egress) ? spec.egress : [];
  let types: Set<string>;
  if (Array.isArray(spec.types) && spec.types.length > 0) {
    types = new Set();
    for (const [i, t] of spec.types.entries()) {
      const low = typeof t === 'string' ? t.toLowerCase() : '';
      if (low !== 'ingress' && low !== 'egress') return invalid(`invalid type ${JSON.stringify(t)}`, ['spec', 'types', i]);
      types.add(low);
    }
  } else if (raw) {
    types = new Set(['ingress', 'egress']);
    notes.add('calico/types-missing-raw', ['spec'], 'crd.projectcalico.org/v1 object without types: Felix enforces it in both directions (isolating egress too)');
  } else {
    types = new Set(egressRules.length > 0 ? (ingressRules.length > 0 ? ['ingress', 'egress'] : ['egress']) : ['ingress']);
    if (ingressRules.length === 0 && egressRules.length > 0) {
      notes.add('calico/types-default', ['spec', 'egress'], 'no types and only egress rules: Calico defaults to [Egress], so ingress stays open (native defaulting would isolate it)');
    }
  }

  // Order (calico §3.3).
  const tier = typeof spec.tier === 'string' && spec.tier !== '' ? spec.tier : 'default';
  let tierInfo = ctx.tiers.get(tier) ?? BUILTIN_TIERS.get(tier);
  const tierUnknown = !tierInfo;
  if (!tierInfo) {
    notes.add('calico/unknown-tier', ['spec', 'tier'], `tier "${tier}" has no Tier object in the input; its order is unknown, so it is treated as possibly before and after every other tier`);
    tierInfo = { order: Number.POSITIVE_INFINITY, defaultAction: 'Deny' };
  }
  const order = typeof spec.order === 'number' ? spec.order : Number.POSITIVE_INFINITY;

  // Subject (calico §3.2).
  const subjectOpaque: Opaque[] = [];
  const selText = typeof spec.selector === 'string' ? spec.selector : '';
  const selAst = parseCalicoSelector(selText, ['spec', 'selector']);
  if ('invalid' in selAst) return invalid(selAst.invalid, selAst.path);
  if (containsGlobal(selAst)) return invalid('global() is not allowed in a policy selector', ['spec', 'selector']);
  let dnf = boundedDnf(selAst);
  if (dnf === null) {
    subjectOpaque.push({ code: 'calico/complex-selector', kind: 'unrepresentable', path: ['spec', 'selector'], message: 'the selector expands to more than 64 label selectors' });
    dnf = [];
  }
  if (namespace !== null) dnf = andDnf(dnf, [[{ key: CALICO_NAMESPACE_LABEL, op: 'In', values: [namespace] }]]);
  if (kind === 'GlobalNetworkPolicy') {
    const nsText = typeof spec.namespaceSelector === 'string' ? spec.namespaceSelector : '';
    if (nsText.trim() !== '') {
      const nsAst = parseCalicoSelector(nsText, ['spec', 'namespaceSelector']);
      if ('invalid' in nsAst) return invalid(nsAst.invalid, nsAst.path);
      if (containsGlobal(nsAst)) return invalid('global() is not allowed in a policy namespaceSelector', ['spec', 'namespaceSelector']);
      if (isNegative(nsAst)) notes.add('calico/host-endpoints', ['spec', 'namespaceSelector'], 'a negative namespaceSelector also selects host endpoints, which native policy cannot; pods are converted');
      const nsDnf = boundedDnf(mapSelectorKeys(nsAst, (k) => `pcns.${k}`));
      if (nsDnf === null) subjectOpaque.push({ code: 'calico/complex-selector', kind: 'unrepresentable', path: ['spec', 'namespaceSelector'], message: 'the namespaceSelector expands to more than 64 label selectors' });
      dnf = compactDnf(andDnf(dnf, nsDnf ?? []));
    } else {
      notes.add('calico/host-endpoints', ['spec', 'selector'], 'a GlobalNetworkPolicy without namespaceSelector also applies to host endpoints, which native policy cannot select; pods are converted');
    }
  }
  const saText = typeof spec.serviceAccountSelector === 'string' ? spec.serviceAccountSelector : '';
  if (saText.trim() !== '') {
    const saAst = parseCalicoSelector(saText, ['spec', 'serviceAccountSelector']);
    if ('invalid' in saAst) return invalid(saAst.invalid, saAst.path);
    // The account's labels as `pcsa.` keys, as Calico matches them (calico §4.6): the subject terms carry them (and
    // subjectTerms marks them unwritable), so that a cluster inventory can resolve them.
    const saDnf = boundedDnf(mapSelectorKeys(saAst, (k) => `pcsa.${k}`));
    if (saDnf === null) subjectOpaque.push({ code: 'calico/service-account-subject', kind: 'unrepresentable', path: ['spec', 'serviceAccountSelector'], message: 'serviceAccountSelector selects pods by service account' });
    else dnf = compactDnf(andDnf(dnf, saDnf));
  }
  const terms = subjectTerms(dnf, subjectOpaque);
  if (terms.length > 1) notes.add('calico/selector-or', ['spec', 'selector'], `the subject is a union: written as ${terms.length} NetworkPolicies with the same rules`);

  const scope: PolicyScope = { kind, namespace, networkSets: ctx.networkSets };
  const policy: ModelPolicy = {
    cni: 'calico',
    source: { file: obj.file, documentIndex: obj.documentIndex, basePath: obj.basePath, ...obj.locate([]), ref: { ...obj.ref, name } },
    part: 0,
    partPath: [],
    namespace,
    subject: { terms, opaque: subjectOpaque, path: ['spec', 'selector'] },
    calicoOrder: { tier, tierOrder: tierInfo.order, order, tieKey: `${name}/${namespace ?? ''}/${kind}`, ...(tierUnknown ? { tierUnknown: true } : {}) },
    tierDefaultPass: tierInfo.defaultAction === 'Pass',
  };
  const noted = new Set<string>();
  for (const direction of ['ingress', 'egress'] as const) {
    const list = direction === 'ingress' ? ingressRules : egressRules;
    if (!types.has(direction)) {
      if (list.length > 0) notes.add('calico/unlisted-direction', ['spec', direction], `${direction} rules are ignored: ${direction} is not in types`, { dropped: true });
      continue;
    }
    const rules: ModelRule[] = [];
    for (const [i, r] of list.entries()) {
      const res = lowerCalicoRule(r, direction, ['spec', direction, i], scope);
      if (res.kind === 'invalid') return invalid(res.message, res.path);
      rules.push(res.rule);
      if (res.extra) rules.push(res.extra);
      for (const n of res.notes) {
        if (ONCE_PER_POLICY.has(n.code)) {
          if (noted.has(n.code)) continue; // once per policy is enough
          noted.add(n.code);
        }
        notes.addNote(n);
      }
    }
    const dp: DirectionPolicy = { isolates: true, rules, path: ['spec', direction] };
    policy[direction] = dp;
  }
  return { status: 'lowered', policies: [policy], notes };
}

function subjectTerms(dnf: LabelDnf, opaque: Opaque[]): SubjectTerm[] {
  const terms: SubjectTerm[] = [];
  for (const conj of dnf) {
    const t = splitEndpointConj(conj);
    if (t === null) continue;
    if (t.usesServiceAccount && !opaque.some((o) => o.code === 'calico/service-account-subject')) {
      opaque.push({ code: 'calico/service-account-subject', kind: 'unrepresentable', path: ['spec', 'selector'], message: 'the selector tests service-account labels' });
    }
    if ([...t.pods, ...t.namespaces].some((r) => !isNativeRequirement(r)) && !opaque.some((o) => o.code === 'calico/substring-subject')) {
      opaque.push({ code: 'calico/substring-subject', kind: 'unrepresentable', path: ['spec', 'selector'], message: 'contains / starts with / ends with need an inventory of label values' });
    }
    terms.push({ namespaces: t.namespaces, pods: t.pods });
  }
  return terms;
}

