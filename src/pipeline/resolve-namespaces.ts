/**
 * With a cluster state, namespace label selectors are resolved to the namespaces that carry those labels: the
 * verifier then compares over that cluster's namespaces and labels only (issue #4), where it would otherwise consider
 * every possible labelling. Only namespace names the state lists exist, so the rewrite is exact there.
 */
import { matchesConj, requirement, type LabelConj } from '../model/labels.js';
import { NAMESPACE_NAME_LABEL, type ModelPolicy, type ModelRule, type Peer } from '../model/policy.js';

type Labels = Readonly<Record<string, Readonly<Record<string, string>>>>;

/** The conjunction as `name In [...]`; null when no namespace of the cluster matches. Name-only ones stay. */
function resolve(conj: LabelConj, labels: Labels): LabelConj | null {
  if (conj.every((r) => r.key === NAMESPACE_NAME_LABEL)) return conj;
  const names = Object.keys(labels).filter((n) => matchesConj(conj, { ...labels[n], [NAMESPACE_NAME_LABEL]: n }));
  return names.length ? [requirement(NAMESPACE_NAME_LABEL, 'In', names.sort())] : null;
}

function resolvePeer(p: Peer, labels: Labels): Peer | null {
  if (p.identity.kind !== 'pods') return p;
  const namespaces = resolve(p.identity.namespaces, labels);
  return namespaces === null ? null : { ...p, identity: { ...p.identity, namespaces } };
}

function resolveRule(r: ModelRule, labels: Labels): ModelRule {
  if (r.peers === 'any') return r;
  return { ...r, peers: r.peers.map((p) => resolvePeer(p, labels)).filter((p): p is Peer => p !== null) };
}

export function resolveNamespaceLabels(m: ModelPolicy, labels: Labels | undefined): ModelPolicy {
  if (!labels) return m;
  const terms = m.subject.terms.flatMap((t) => {
    const namespaces = resolve(t.namespaces, labels);
    return namespaces === null ? [] : [{ ...t, namespaces }];
  });
  const out: ModelPolicy = { ...m, subject: { ...m.subject, terms } };
  for (const d of ['ingress', 'egress'] as const) {
    const dp = m[d];
    if (dp) out[d] = { ...dp, rules: dp.rules.map((r) => resolveRule(r, labels)) };
  }
  return out;
}
