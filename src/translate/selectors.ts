/** Model label conjunctions as native label selectors (k8s-netpol-semantics §2.3). */
import { isNativeRequirement, type LabelConj } from '../model/labels.js';
import type { LabelSelectorJson, LabelSelectorRequirementJson } from '../native/types.js';

/** A native LabelSelector for a conjunction, or null when it uses a requirement native selectors cannot write. */
export function toLabelSelector(conj: LabelConj): LabelSelectorJson | null {
  if (!conj.every(isNativeRequirement)) return null;
  const matchLabels: Record<string, string> = {};
  const matchExpressions: LabelSelectorRequirementJson[] = [];
  const inCount = new Map<string, number>();
  for (const r of conj) if (r.op === 'In' && r.values.length === 1) inCount.set(r.key, (inCount.get(r.key) ?? 0) + 1);
  for (const r of [...conj].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))) {
    if (r.op === 'In' && r.values.length === 1 && inCount.get(r.key) === 1 && !(r.key in matchLabels)) {
      matchLabels[r.key] = r.values[0]!;
      continue;
    }
    if ((r.op === 'In' || r.op === 'NotIn') && r.values.length === 0) {
      // `In []` never matches (already simplified away); `NotIn []` always matches: no requirement.
      if (r.op === 'NotIn') continue;
      return null;
    }
    const e: LabelSelectorRequirementJson = { key: r.key, operator: r.op as LabelSelectorRequirementJson['operator'] };
    if (r.op === 'In' || r.op === 'NotIn') e.values = [...r.values];
    matchExpressions.push(e);
  }
  const sel: LabelSelectorJson = {};
  if (Object.keys(matchLabels).length > 0) sel.matchLabels = matchLabels;
  if (matchExpressions.length > 0) sel.matchExpressions = matchExpressions;
  return sel;
}
