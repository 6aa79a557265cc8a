/**
 * Which namespaces a subject term covers. A namespaced policy covers its own namespace; a cluster-wide one covers
 * the namespaces its selector names, or those of `--namespaces` / `--cluster-state` that it selects (calico
 * T12/T13, cilium T15). Namespace labels other than the name are only known from a cluster state; when the answer
 * depends on labels the tool does not know, it is 'unknown'.
 */
import { matchesConj, type LabelConj } from '../model/labels.js';
import type { TranslateOptions } from '../model/options.js';
import { NAMESPACE_NAME_LABEL } from '../model/policy.js';

export type NamespaceKnowledge = Pick<TranslateOptions, 'namespaces' | 'namespaceLabels'>;

/** The labels of a namespace: from the cluster state, or only its name label when the selector needs no more. */
export function labelsOfNamespace(name: string, conj: LabelConj, known: NamespaceKnowledge): Record<string, string> | undefined {
  const labels = known.namespaceLabels?.[name];
  if (labels) return { ...labels, [NAMESPACE_NAME_LABEL]: name };
  if (conj.every((r) => r.key === NAMESPACE_NAME_LABEL)) return { [NAMESPACE_NAME_LABEL]: name };
  return undefined;
}

export function namespacesOf(conj: LabelConj, own: string | null, known: NamespaceKnowledge): string[] | 'unknown' {
  const named = conj.find((r) => r.key === NAMESPACE_NAME_LABEL && r.op === 'In');
  let candidates: string[];
  if (own !== null) candidates = [own];
  else if (named) candidates = named.values;
  else if (known.namespaces) candidates = known.namespaces;
  else return 'unknown';
  const out = new Set<string>();
  for (const n of candidates) {
    const labels = labelsOfNamespace(n, conj, known);
    if (labels === undefined) return 'unknown';
    if (matchesConj(conj, labels)) out.add(n);
  }
  return [...out].sort();
}
