/**
 * Label constraints, shared by Calico, Cilium and native selectors.
 *
 * A requirement is one Kubernetes-style condition on one key. `NotIn` and `DoesNotExist` are true for a label map
 * that lacks the key, exactly like Calico's `!=` / `not in` / `!has` (calico-semantics §5.2) and Kubernetes `NotIn`.
 * The substring operators exist only in Calico; they are not finite and native selectors cannot write them
 * (calico-semantics §5.5), so they stay in the model as non-native requirements.
 */
export type NativeLabelOp = 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
export type SubstringLabelOp =
  | 'Contains'
  | 'NotContains'
  | 'StartsWith'
  | 'NotStartsWith'
  | 'EndsWith'
  | 'NotEndsWith';
export type LabelOp = NativeLabelOp | SubstringLabelOp;

export interface Requirement {
  key: string;
  op: LabelOp;
  /** Sorted, de-duplicated; empty for Exists / DoesNotExist; exactly one value for the substring operators. */
  values: string[];
}

/** A conjunction of requirements. The empty conjunction matches every label map. */
export type LabelConj = Requirement[];

/** A disjunction of conjunctions (DNF). The empty disjunction matches nothing. */
export type LabelDnf = LabelConj[];

export const NATIVE_OPS: ReadonlySet<LabelOp> = new Set<LabelOp>(['In', 'NotIn', 'Exists', 'DoesNotExist']);

export function isNativeRequirement(r: Requirement): boolean {
  return NATIVE_OPS.has(r.op);
}

export function requirement(key: string, op: LabelOp, values: string[] = []): Requirement {
  return { key, op, values: [...new Set(values)].sort() };
}

/** Evaluates one requirement against a concrete label map. */
export function matchesRequirement(r: Requirement, labels: Readonly<Record<string, string>>): boolean {
  const has = Object.prototype.hasOwnProperty.call(labels, r.key);
  const v = has ? labels[r.key]! : undefined;
  const s = r.values[0] ?? '';
  switch (r.op) {
    case 'In':
      return v !== undefined && r.values.includes(v);
    case 'NotIn':
      return v === undefined || !r.values.includes(v);
    case 'Exists':
      return has;
    case 'DoesNotExist':
      return !has;
    case 'Contains':
      return v !== undefined && v.includes(s);
    case 'NotContains':
      return v === undefined || !v.includes(s);
    case 'StartsWith':
      return v !== undefined && v.startsWith(s);
    case 'NotStartsWith':
      return v === undefined || !v.startsWith(s);
    case 'EndsWith':
      return v !== undefined && v.endsWith(s);
    case 'NotEndsWith':
      return v === undefined || !v.endsWith(s);
  }
}

/** The conjunction a label map stands for as a selector (`matchLabels`, a Service's `spec.selector`). */
export function labelsConj(labels: Readonly<Record<string, string>>): LabelConj {
  return Object.entries(labels).map(([k, v]) => requirement(k, 'In', [v]));
}

export function matchesConj(c: LabelConj, labels: Readonly<Record<string, string>>): boolean {
  return c.every((r) => matchesRequirement(r, labels));
}

export function matchesDnf(d: LabelDnf, labels: Readonly<Record<string, string>>): boolean {
  return d.some((c) => matchesConj(c, labels));
}

/** The requirement that holds exactly when `r` does not. */
export function negateRequirement(r: Requirement): Requirement {
  const flip: Record<LabelOp, LabelOp> = {
    In: 'NotIn',
    NotIn: 'In',
    Exists: 'DoesNotExist',
    DoesNotExist: 'Exists',
    Contains: 'NotContains',
    NotContains: 'Contains',
    StartsWith: 'NotStartsWith',
    NotStartsWith: 'StartsWith',
    EndsWith: 'NotEndsWith',
    NotEndsWith: 'EndsWith',
  };
  return { key: r.key, op: flip[r.op], values: r.values };
}

/**
 * Simplifies a conjunction: merges requirements on the same key where the result stays one native requirement,
 * drops `NotIn []`, and returns null when the conjunction can never match (e.g. `a In [x]` and `a In [y]`).
 */
export function simplifyConj(c: LabelConj): LabelConj | null {
  const byKey = new Map<string, Requirement[]>();
  for (const r of c) {
    if (r.op === 'NotIn' && r.values.length === 0) continue; // `not in {}` matches everything
    if (r.op === 'In' && r.values.length === 0) return null; // `in {}` matches nothing
    const list = byKey.get(r.key) ?? [];
    list.push(r);
    byKey.set(r.key, list);
  }
  const out: Requirement[] = [];
  for (const key of [...byKey.keys()].sort()) {
    const merged = mergeSameKey(key, byKey.get(key)!);
    if (merged === null) return null;
    out.push(...merged);
  }
  return out;
}

function mergeSameKey(key: string, reqs: Requirement[]): Requirement[] | null {
  let inSet = null as Set<string> | null; // value must be one of these (implies exists)
  let mustExist = false;
  let mustNotExist = false;
  const notIn = new Set<string>();
  const other: Requirement[] = [];
  for (const r of reqs) {
    switch (r.op) {
      case 'In': {
        const vals: Set<string> = new Set(r.values);
        inSet = inSet === null ? vals : new Set([...inSet].filter((v) => vals.has(v)));
        break;
      }
      case 'NotIn':
        r.values.forEach((v) => notIn.add(v));
        break;
      case 'Exists':
        mustExist = true;
        break;
      case 'DoesNotExist':
        mustNotExist = true;
        break;
      default:
        other.push(r);
    }
  }
  if (mustNotExist && (mustExist || inSet !== null)) return null;
  const result: Requirement[] = [];
  if (inSet !== null) {
    const remaining = [...(inSet as Set<string>)].filter((v: string) => !notIn.has(v));
    if (remaining.length === 0) return null;
    result.push(requirement(key, 'In', remaining));
  } else {
    if (mustNotExist) result.push(requirement(key, 'DoesNotExist'));
    else {
      if (mustExist) result.push(requirement(key, 'Exists'));
      if (notIn.size > 0) result.push(requirement(key, 'NotIn', [...notIn]));
    }
  }
  // Substring requirements cannot be merged into finite ones; keep them, but an `In` set lets us evaluate them.
  if (inSet !== null && other.length > 0) {
    const vals = result[0]!.values.filter((v) => other.every((o) => matchesRequirement(o, { [key]: v })));
    if (vals.length === 0) return null;
    return [requirement(key, 'In', vals)];
  }
  if (mustNotExist && other.length > 0) {
    // every positive substring test fails on an absent key; every negative one holds
    if (other.some((o) => !o.op.startsWith('Not'))) return null;
    return result;
  }
  return [...result, ...other.sort(compareRequirements)];
}

export function compareRequirements(a: Requirement, b: Requirement): number {
  return (
    (a.key < b.key ? -1 : a.key > b.key ? 1 : 0) ||
    (a.op < b.op ? -1 : a.op > b.op ? 1 : 0) ||
    (a.values.join('\u0000') < b.values.join('\u0000') ? -1 : a.values.join('\u0000') > b.values.join('\u0000') ? 1 : 0)
  );
}

/** AND of two conjunctions, simplified; null when it can never match. */
export function andConj(a: LabelConj, b: LabelConj): LabelConj | null {
  return simplifyConj([...a, ...b]);
}

/** AND of two DNFs (cross product), dropping contradictions. */
export function andDnf(a: LabelDnf, b: LabelDnf): LabelDnf {
  const out: LabelDnf = [];
  for (const x of a) {
    for (const y of b) {
      const c = andConj(x, y);
      if (c !== null) out.push(c);
    }
  }
  return out;
}

/** NOT of a DNF, as a DNF (De Morgan, then distribution). May grow exponentially; callers bound the size. */
export function notDnf(d: LabelDnf, maxTerms = 256): LabelDnf | null {
  let acc: LabelDnf = [[]];
  for (const conj of d) {
    // NOT(conj) = OR of negated requirements; an empty conj (true) negates to false.
    const neg: LabelDnf = conj.map((r) => [negateRequirement(r)]);
    acc = andDnf(acc, neg);
    if (acc.length > maxTerms) return null;
  }
  return acc;
}

/** True when the two conjunctions can never hold on the same label map (a sound, not complete, check). */
export function conjDisjoint(a: LabelConj, b: LabelConj): boolean {
  return andConj(a, b) === null;
}

const LABEL_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** A Kubernetes label key: optional DNS-subdomain prefix and '/', then a name of 1–63 characters. */
export function isValidLabelKey(key: string): boolean {
  const parts = key.split('/');
  if (parts.length > 2) return false;
  const name = parts[parts.length - 1]!;
  if (parts.length === 2 && (parts[0]!.length === 0 || parts[0]!.length > 253 || !DNS_SUBDOMAIN.test(parts[0]!))) return false;
  return name.length <= 63 && LABEL_NAME.test(name);
}

export function isValidLabelValue(value: string): boolean {
  return value.length <= 63 && LABEL_VALUE.test(value);
}

/**
 * Folds requirements that no validated object can satisfy differently: a key or value that is not a legal
 * Kubernetes label key/value never appears on a pod or namespace, so a positive test on it is false and a negative
 * one is true (calico-semantics §5.5, last row). Returns null when the conjunction becomes false.
 */
export function foldUnwritable(conj: LabelConj): LabelConj | null {
  const out: Requirement[] = [];
  for (const r of conj) {
    const positive = r.op === 'In' || r.op === 'Exists' || r.op === 'Contains' || r.op === 'StartsWith' || r.op === 'EndsWith';
    if (!isValidLabelKey(r.key)) {
      if (positive) return null;
      continue;
    }
    if (r.op === 'In' || r.op === 'NotIn') {
      const values = r.values.filter(isValidLabelValue);
      if (r.op === 'In' && values.length === 0) return null;
      if (r.op === 'NotIn' && values.length === 0) continue;
      out.push({ ...r, values });
      continue;
    }
    out.push(r);
  }
  return out;
}

/**
 * Merges conjunctions that differ only in the `In` values of one key (`a In [1] ∧ X` ∨ `a In [2] ∧ X` becomes
 * `a In [1,2] ∧ X`), which undoes most of the growth of a DNF built from `(a == '1' || a == '2') && ...`.
 */
export function compactDnf(dnf: LabelDnf): LabelDnf {
  let cur = dnf.map((c) => [...c].sort(compareRequirements));
  let changed = true;
  while (changed && cur.length > 1) {
    changed = false;
    const keys = new Set(cur.flatMap((c) => c.filter((r) => r.op === 'In').map((r) => r.key)));
    for (const key of keys) {
      const groups = new Map<string, { rest: LabelConj; values: Set<string> }>();
      const others: LabelDnf = [];
      for (const c of cur) {
        const ins = c.filter((r) => r.key === key && r.op === 'In');
        if (ins.length !== 1 || c.some((r) => r.key === key && r.op !== 'In')) {
          others.push(c);
          continue;
        }
        const rest = c.filter((r) => r.key !== key);
        const sig = JSON.stringify(rest);
        const g = groups.get(sig) ?? { rest, values: new Set<string>() };
        ins[0]!.values.forEach((v) => g.values.add(v));
        groups.set(sig, g);
      }
      const merged = [...groups.values()].map((g) => [...g.rest, requirement(key, 'In', [...g.values])].sort(compareRequirements));
      const next = [...others, ...merged];
      if (next.length < cur.length) {
        cur = next;
        changed = true;
      }
    }
  }
  return cur;
}
