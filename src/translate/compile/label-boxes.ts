/**
 * The verifier's label boxes (per key a finite value set or its complement, "absent" a value of its own) written
 * back as native label requirements (k8s §2.3): `In`, `NotIn` (which also matches pods without the key),
 * `Exists`, `DoesNotExist`. A set that holds "absent" and some values needs two selectors (an OR), so a box becomes
 * a small list of conjunctions.
 */
import { requirement, type LabelConj } from '../../model/labels.js';
import { ABSENT, type LabelBox, type ValueSet } from '../../verify/labelset.js';

/** Most conjunctions one box may turn into before it is treated as not writable. */
const MAX_ALTERNATIVES = 16;

function alternatives(key: string, v: ValueSet): LabelConj[] {
  const values = v.vals.filter((x) => x !== ABSENT);
  const hasAbsent = values.length !== v.vals.length;
  if (!v.neg) {
    const out: LabelConj[] = [];
    if (values.length) out.push([requirement(key, 'In', values)]);
    if (hasAbsent) out.push([requirement(key, 'DoesNotExist')]);
    return out;
  }
  // Complement: `NotIn` already matches pods without the key; "absent" excluded needs `Exists` as well.
  const conj: LabelConj = [];
  if (hasAbsent) conj.push(requirement(key, 'Exists'));
  if (values.length) conj.push(requirement(key, 'NotIn', values));
  return [conj];
}

/** The box as an OR of conjunctions; keys for which `skip` holds are left out. Null when there would be too many. */
export function conjsOfBox(box: LabelBox, skip: (key: string) => boolean = () => false): LabelConj[] | null {
  let out: LabelConj[] = [[]];
  for (const key of [...box.keys()].sort()) {
    if (skip(key)) continue;
    const alts = alternatives(key, box.get(key)!);
    const next: LabelConj[] = [];
    for (const c of out) for (const a of alts) next.push([...c, ...a]);
    out = next;
    if (out.length > MAX_ALTERNATIVES) return null;
  }
  return out;
}
