/** Calico selectors as bounded, compacted DNFs over effective labels. */
import { compactDnf, type LabelDnf } from '../model/labels.js';
import { selectorToDnf, type SelectorAst } from './selector.js';

/** Largest DNF the translator writes out (one native peer or policy per term). */
export const DNF_LIMIT = 64;

/** The selector's DNF, compacted; null when it stays above DNF_LIMIT terms. */
export function boundedDnf(ast: SelectorAst): LabelDnf | null {
  const wide = selectorToDnf(ast, DNF_LIMIT * 16);
  if (wide === null) return null;
  const d = compactDnf(wide);
  return d.length > DNF_LIMIT ? null : d;
}
