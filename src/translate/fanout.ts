/**
 * Which namespaces a subject term covers. A namespaced policy covers its own namespace; a cluster-wide one covers
 * the namespaces its selector names, or those of `--namespaces` that it selects (calico T12/T13, cilium T15).
 * When that depends on namespace labels the tool does not know, the answer is 'unknown'.
 */
import { matchesConj, type LabelConj } from '../model/labels.js';
import { NAMESPACE_NAME_LABEL } from '../model/policy.js';

export function namespacesOf(conj: LabelConj, own: string | null, known: string[] | undefined): string[] | 'unknown' {
  if (conj.some((r) => r.key !== NAMESPACE_NAME_LABEL)) return 'unknown';
  const named = conj.find((r) => r.key === NAMESPACE_NAME_LABEL && r.op === 'In');
  let candidates: string[];
  if (own !== null) candidates = [own];
  else if (named) candidates = named.values;
  else if (known) candidates = known;
  else return 'unknown';
  return [...new Set(candidates.filter((n) => matchesConj(conj, { [NAMESPACE_NAME_LABEL]: n })))].sort();
}
