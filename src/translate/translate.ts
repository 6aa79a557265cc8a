/**
 * Model policies as native NetworkPolicy specs. Always explicit `policyTypes` and no rules for an unlisted direction
 * (k8s §1.15, vpc-cni B1); one native policy per subject term and namespace; rules in the source's order, stopping
 * at the first Calico Deny/Pass (fail-closed, calico T7) and leaving out the allows the ordering pass shadowed.
 */
import { cidrContains, familyOf } from '../model/blocks.js';
import type { TranslateOptions } from '../model/options.js';
import { DIRECTIONS, type Direction, type ModelPolicy, type ModelRule } from '../model/policy.js';
import type { JsonPath } from '../report/finding.js';
import type { NetworkPolicyJson } from '../native/types.js';
import type { Decision } from './decisions.js';
import { namespacesOf } from './fanout.js';
import type { CompiledPolicy } from './compile/compile.js';
import type { OrderingResult } from './ordering.js';
import { translateRule, type NativeRule, type RuleContext } from './rules.js';
import { toLabelSelector } from './selectors.js';

export interface TranslatedSpec {
  namespace: string;
  spec: NetworkPolicyJson['spec'];
  /** Index of the subject term the spec was made from. */
  term: number;
  /** Compiled specs: the source rules (JSON pointers, or `end`) whose allowed connections the spec carries. */
  origins?: string[];
}

export interface PolicyTranslation {
  specs: TranslatedSpec[];
  decisions: Decision[];
  /** Blocks emitted on the assumption that they hold no cluster address (the verifier assumes it too). */
  assumedExternal: string[];
  /** The policy as a whole could not be carried. */
  skipped: boolean;
}

export function translatePolicy(model: ModelPolicy, ordering: OrderingResult, options: TranslateOptions, compiled?: CompiledPolicy): PolicyTranslation {
  const decisions: Decision[] = [];
  const out: PolicyTranslation = { specs: [], decisions, skipped: false, assumedExternal: [] };
  if (model.subject.opaque.length > 0) {
    for (const o of model.subject.opaque) {
      decisions.push({ code: o.code, path: o.path, message: `${o.message}; the policy is not converted, so the pods it isolates lose that isolation`, opts: { dropped: model.partPath.length ? model.partPath : [] } });
    }
    out.skipped = true;
    return out;
  }
  const fanoutCode = model.cni === 'cilium' ? 'cilium/clusterwide-needs-namespaces' : 'calico/global-needs-namespaces';
  const targets: Array<{ namespace: string; term: number }> = [];
  for (const [i, term] of model.subject.terms.entries()) {
    const nss = namespacesOf(term.namespaces, model.namespace, options);
    if (nss === 'unknown') {
      const why = model.namespace === null ? 'the namespaces it applies to are not known: pass --namespaces with the cluster\'s namespaces' : 'it selects pods by namespace labels the tool does not know';
      decisions.push({ code: model.namespace === null ? fanoutCode : model.cni === 'cilium' ? 'cilium/clusterwide-needs-namespaces' : 'calico/global-needs-namespaces', path: model.subject.path, message: `${why}; the policy is not converted, so the pods it isolates lose that isolation`, opts: { dropped: model.partPath.length ? model.partPath : [] } });
      out.skipped = true;
      return out;
    }
    for (const ns of nss) targets.push({ namespace: ns, term: i });
  }
  if (model.namespace === null && targets.length > 0) {
    decisions.push({ code: model.cni === 'cilium' ? 'cilium/clusterwide-fanout' : 'calico/global-fanout', path: model.subject.path, message: `written as one NetworkPolicy per namespace: ${[...new Set(targets.map((t) => t.namespace))].join(', ')}` });
  }
  if (model.subject.terms.some((t) => t.pods.some((r) => r.key === 'statefulset.kubernetes.io/pod-name' || r.key === 'apps.kubernetes.io/pod-index'))) {
    decisions.push({ code: 'vpc-cni/pod-name-prefix', path: model.subject.path, message: 'the subject picks single replicas by name; the VPC CNI engine shares one set of policies between pods whose names differ only after the last "-" on the same node, so other replicas may get this policy too' });
  }
  const noDefaultDeny = model.cni === 'cilium' ? DIRECTIONS.filter((d) => model[d] !== undefined && !model[d]!.isolates) : [];
  for (const d of noDefaultDeny) {
    const path = [...model[d]!.path.slice(0, -1), 'enableDefaultDeny', d];
    if (compiled) decisions.push({ code: 'cilium/default-deny-disabled', path, message: `enableDefaultDeny.${d}: false adds allows without isolating; compiled from the allowed set: the output isolates these pods and allows everything no other policy of theirs restricts`, opts: { severity: 'info', effect: 'none' } });
    else decisions.push({ code: 'cilium/default-deny-disabled', path, message: `enableDefaultDeny.${d}: false adds allows without isolating; native policies always isolate, so the output isolates these pods (narrower unless another policy already isolates them)` });
  }
  if (compiled) {
    // Ordered policies compiled from their allowed set (compile/compile.ts) replace the rule-by-rule path.
    out.specs.push(...compiled.specs);
    decisions.push(...compiled.decisions);
    out.assumedExternal.push(...compiled.assumedExternal);
    if (model.cni === 'cilium') {
      for (const rule of model.ingress?.rules ?? []) {
        if (rule.action === 'deny' && deniesHost(rule)) decisions.push({ code: 'cilium/deny-host', path: rule.path, message: 'this deny also matches traffic from the pod\'s own node, which native engines always admit (the VPC CNI engine allows the node IP in every policy)' });
      }
    }
    return out;
  }
  if (model.cni === 'calico' && model.tierDefaultPass) {
    decisions.push({ code: 'calico/tier-pass', path: model.subject.path, message: `tier "${model.calicoOrder?.tier}" passes unmatched traffic on to later tiers, but a native policy isolates its pods: traffic no later policy would have denied is denied` });
  }
  for (const t of targets) {
    const term = model.subject.terms[t.term]!;
    const podSelector = toLabelSelector(term.pods);
    if (podSelector === null) continue; // reported through the subject's opaque part
    const ctx: RuleContext = { namespace: t.namespace, options, decisions, assumedExternal: out.assumedExternal };
    const spec: NetworkPolicyJson['spec'] = { podSelector, policyTypes: [] };
    for (const d of DIRECTIONS) {
      const dir = model[d];
      if (!dir) continue;
      spec.policyTypes.push(d === 'ingress' ? 'Ingress' : 'Egress');
      const rules = translateDirection(model, d, ordering, ctx);
      if (d === 'ingress') {
        if (rules.length) spec.ingress = rules.map((r) => ({ ...(r.peers ? { from: r.peers } : {}), ...(r.ports ? { ports: r.ports } : {}) }));
      } else if (rules.length) spec.egress = rules.map((r) => ({ ...(r.peers ? { to: r.peers } : {}), ...(r.ports ? { ports: r.ports } : {}) }));
    }
    out.specs.push({ namespace: t.namespace, spec, term: t.term });
  }
  return out;
}

function translateDirection(model: ModelPolicy, d: Direction, ordering: OrderingResult, ctx: RuleContext) {
  const dir = model[d]!;
  const rules: NativeRule[] = [];
  const rulePaths: JsonPath[] = [];
  let stoppedBy: string | undefined;
  // Entries split into several model rules: when none of them is carried, the whole entry is what was dropped.
  const entries = new Map<string, { path: JsonPath; carried: boolean; decisions: Decision[] }>();
  for (const rule of dir.rules) {
    const before = ctx.decisions.length;
    const carriedBefore = rules.length;
    translateOne(rule);
    if (rule.entryPath) {
      const key = JSON.stringify(rule.entryPath);
      const e = entries.get(key) ?? { path: rule.entryPath, carried: false, decisions: [] };
      e.carried ||= rules.length > carriedBefore;
      e.decisions.push(...ctx.decisions.slice(before));
      entries.set(key, e);
    }
  }
  for (const e of entries.values()) {
    if (e.carried) continue;
    for (const dec of e.decisions) if (dec.opts?.dropped !== undefined && dec.opts.dropped !== false) dec.opts = { ...dec.opts, dropped: e.path };
  }
  for (const [i, path] of exceptOverlaps(rules).entries()) {
    ctx.decisions.push({ code: 'vpc-cni/except-overlap', path: rulePaths[i]!, message: `except ${path} overlaps addresses another rule of this policy allows; the VPC CNI engine blocks the excepted range for those rules too (bug B3): give the other destinations their own more specific rules` });
  }
  return rules;

  function translateOne(rule: ModelRule): void {
    if (stoppedBy !== undefined) {
      ctx.decisions.push({ code: 'calico/after-deny', path: rule.path, message: `comes after the ${stoppedBy} rule; dropped (fail-closed) until ordering is compiled exactly`, opts: { dropped: true } });
      return;
    }
    switch (rule.action) {
      case 'log':
        ctx.decisions.push({ code: 'calico/action-log', path: [...rule.path, 'action'], message: 'Log never decides traffic; dropped', opts: { dropped: rule.path } });
        return;
      case 'deny':
        if (model.cni === 'calico') {
          ctx.decisions.push({ code: 'calico/action-deny', path: [...rule.path, 'action'], message: 'NetworkPolicy cannot deny: this rule and every later rule of the policy are dropped (fail-closed)', opts: { dropped: rule.path } });
          stoppedBy = 'Deny';
        } else {
          const code = rule.opaque.find((o) => o.code === 'cilium/requires') ? 'cilium/requires' : 'cilium/deny';
          ctx.decisions.push({ code, path: rule.path, message: 'NetworkPolicy cannot deny: the deny is carried by dropping every allow it may overlap (fail-closed)', opts: { dropped: rule.path } });
          if (d === 'ingress' && code === 'cilium/deny' && deniesHost(rule)) {
            ctx.decisions.push({ code: 'cilium/deny-host', path: rule.path, message: 'this deny also matches traffic from the pod\'s own node, which native engines always admit (the VPC CNI engine allows the node IP in every policy)' });
          }
        }
        return;
      case 'pass':
        ctx.decisions.push({ code: 'calico/action-pass', path: [...rule.path, 'action'], message: 'Pass hands the decision to the next tier; this rule and every later rule of the policy are dropped (fail-closed)', opts: { dropped: rule.path } });
        stoppedBy = 'Pass';
        return;
      case 'allow': {
        const shadow = ordering.dropped.get(rule);
        if (shadow) {
          ctx.decisions.push({ code: shadow.code, path: rule.path, message: shadow.message, opts: { dropped: true } });
          return;
        }
        const t = translateRule(rule, d, ctx);
        if (t) {
          rules.push(t);
          rulePaths.push(rule.path);
        }
      }
    }
  }
}

/**
 * vpc-cni B3: the engine writes every `except` as a deny key of its own, which also blocks that range for the other
 * rules of the same pods. Returns, per rule index, the first except range that another rule (or another peer of
 * the same rule) also allows.
 */
function exceptOverlaps(rules: NativeRule[]): Map<number, string> {
  const out = new Map<number, string>();
  rules.forEach((r, i) => {
    for (const [pi, p] of (r.peers ?? []).entries()) {
      for (const e of p.ipBlock?.except ?? []) {
        const clash = rules.some((o, j) => {
          if (o.peers === undefined) return j !== i;
          return o.peers.some((q, qi) => (j !== i || qi !== pi) && q.ipBlock !== undefined && rangesOverlap(q.ipBlock.cidr, e) && !(q.ipBlock.except ?? []).some((x) => cidrContains(x, e)));
        });
        if (clash && !out.has(i)) out.set(i, e);
      }
    }
  });
  return out;
}

function rangesOverlap(a: string, b: string): boolean {
  return familyOf(a) === familyOf(b) && (cidrContains(a, b) || cidrContains(b, a));
}

/** A Cilium ingress deny whose peers include the local node: every peer (no L3), or the host / cluster entities. */
function deniesHost(rule: ModelRule): boolean {
  if (rule.peers === 'any') return true;
  return rule.peers.some((p) => p.identity.kind === 'entity' && (p.identity.name === 'host' || p.identity.name.startsWith('cluster')));
}
