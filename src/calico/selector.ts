/**
 * The Calico selector language (calico-semantics §5): parser, evaluator, canonical `String()` form, key rewriting and
 * conversion to a DNF of label requirements (§5.5).
 *
 * The parser is a port of Calico's recursive-descent parser (`parseOrExpression` / `parseAndExpression` /
 * `parseOperation`): `||` < `&&` < `!`, any run of `!` collapsed by parity, parentheses produce no node of their own,
 * `&&`/`||` with one operand produce no node, nested groups are not flattened, and set members are sorted and
 * de-duplicated. Together with {@link canonicalSelector} this reproduces Calico's canonical selector strings.
 */
import {
  type LabelConj,
  type LabelDnf,
  type LabelOp,
  type Requirement,
  negateRequirement,
  requirement,
  simplifyConj,
} from '../model/labels.js';
import { SelectorSyntaxError, type Token, type TokenKind, tokenizeSelector } from './selector-tokenizer.js';

export {
  SelectorSyntaxError,
  isValidSelectorLabel,
  tokenizeSelector,
  MAX_LABEL_LENGTH,
  type Token,
  type TokenKind,
} from './selector-tokenizer.js';

export type SelectorAst =
  | { type: 'all' }
  | { type: 'global' }
  | { type: 'has'; key: string }
  | { type: 'eq' | 'neq' | 'contains' | 'startswith' | 'endswith'; key: string; value: string }
  | { type: 'in' | 'notin'; key: string; values: string[] }
  | { type: 'not'; expr: SelectorAst }
  | { type: 'and' | 'or'; exprs: SelectorAst[] };

type ValueOpType = 'eq' | 'neq' | 'contains' | 'startswith' | 'endswith';

const VALUE_OPS: Partial<Record<TokenKind, ValueOpType>> = {
  eq: 'eq',
  ne: 'neq',
  contains: 'contains',
  startswith: 'startswith',
  endswith: 'endswith',
};

/** Go's `sort.Strings` order (UTF-8 bytes), which is Unicode code point order. */
function compareCodePoints(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const x = a.codePointAt(i)!;
    const y = b.codePointAt(j)!;
    if (x !== y) return x < y ? -1 : 1;
    i += x > 0xffff ? 2 : 1;
    j += y > 0xffff ? 2 : 1;
  }
  return i < a.length ? 1 : j < b.length ? -1 : 0;
}

/** Sorted, de-duplicated copy (Calico's `ConvertToStringSetInPlace`). */
function toStringSet(values: readonly string[]): string[] {
  return [...new Set(values)].sort(compareCodePoints);
}

/**
 * Parenthesis nesting limit. Calico has none (Go stacks grow); this implementation recurses, so it rejects deeper
 * nesting with a SelectorSyntaxError instead of overflowing the stack. No real selector comes close.
 */
export const MAX_SELECTOR_NESTING = 1000;

/** Parses a Calico selector. An empty or blank (spaces/tabs) selector is `all()`. Throws {@link SelectorSyntaxError}. */
export function parseSelector(text: string): SelectorAst {
  const tokens = tokenizeSelector(text);
  let i = 0;
  let depth = 0;
  const peek = (k = 0): Token => tokens[Math.min(i + k, tokens.length - 1)]!;
  const fail = (message: string, tok: Token): never => {
    throw new SelectorSyntaxError(message, text, tok.pos);
  };

  const parseOr = (): SelectorAst => {
    const exprs = [parseAnd()];
    while (peek().kind === 'or') {
      i++;
      exprs.push(parseAnd());
    }
    return exprs.length === 1 ? exprs[0]! : { type: 'or', exprs };
  };

  const parseAnd = (): SelectorAst => {
    const exprs = [parseOperation()];
    while (peek().kind === 'and') {
      i++;
      exprs.push(parseOperation());
    }
    return exprs.length === 1 ? exprs[0]! : { type: 'and', exprs };
  };

  const parseOperation = (): SelectorAst => {
    let negated = false;
    while (peek().kind === 'not') {
      negated = !negated;
      i++;
    }
    const sel = parsePrimary();
    return negated ? { type: 'not', expr: sel } : sel;
  };

  const parsePrimary = (): SelectorAst => {
    const tok = peek();
    switch (tok.kind) {
      case 'has':
        i++;
        return { type: 'has', key: tok.value };
      case 'all':
        i++;
        return { type: 'all' };
      case 'global':
        i++;
        return { type: 'global' };
      case 'lparen': {
        if (++depth > MAX_SELECTOR_NESTING) fail(`parentheses nested deeper than ${MAX_SELECTOR_NESTING} levels`, tok);
        i++;
        const inner = parseOr();
        if (peek().kind !== 'rparen') fail("expected ')'", peek());
        i++;
        depth--;
        return inner;
      }
      case 'label': {
        const op = peek(1);
        if (op.kind === 'eof') fail(`unexpected end of selector after label ${JSON.stringify(tok.value)}`, op);
        const valueOp = VALUE_OPS[op.kind];
        if (valueOp !== undefined) {
          const lit = peek(2);
          if (lit.kind !== 'string') fail('expected a quoted string', lit);
          i += 3;
          return { type: valueOp, key: tok.value, value: lit.value };
        }
        if (op.kind === 'in' || op.kind === 'notin') {
          if (peek(2).kind !== 'lbrace') fail("expected set literal '{'", peek(2));
          i += 3;
          const values: string[] = [];
          while (peek().kind === 'string') {
            values.push(peek().value);
            i++;
            if (peek().kind !== 'comma') break;
            i++;
          }
          if (peek().kind !== 'rbrace') fail("expected a quoted string or '}'", peek());
          i++;
          return { type: op.kind, key: tok.value, values: toStringSet(values) };
        }
        return fail(`expected an operator after label ${JSON.stringify(tok.value)}`, op);
      }
      case 'eof':
        return fail('unexpected end of selector', tok);
      default:
        return fail(`unexpected token '${text.slice(tok.pos, tok.pos + 1)}'`, tok);
    }
  };

  if (tokens[0]!.kind === 'eof') return { type: 'all' };
  const ast = parseOr();
  if (peek().kind !== 'eof') fail('unexpected content at end of selector', peek());
  return ast;
}

function labelValue(labels: Readonly<Record<string, string>>, key: string): string | undefined {
  return Object.prototype.hasOwnProperty.call(labels, key) ? labels[key] : undefined;
}

/** Calico's evaluator (§5.2 table). `global()` is true here, as in Calico; callers rewrite it first (§5.3). */
export function evaluateSelector(ast: SelectorAst, labels: Readonly<Record<string, string>>): boolean {
  switch (ast.type) {
    case 'all':
    case 'global':
      return true;
    case 'has':
      return labelValue(labels, ast.key) !== undefined;
    case 'not':
      return !evaluateSelector(ast.expr, labels);
    case 'and':
      return ast.exprs.every((e) => evaluateSelector(e, labels));
    case 'or':
      return ast.exprs.some((e) => evaluateSelector(e, labels));
  }
  const v = labelValue(labels, ast.key);
  switch (ast.type) {
    case 'eq':
      return v !== undefined && v === ast.value;
    case 'neq':
      return v === undefined || v !== ast.value;
    case 'contains':
      return v !== undefined && v.includes(ast.value);
    case 'startswith':
      return v !== undefined && v.startsWith(ast.value);
    case 'endswith':
      return v !== undefined && v.endsWith(ast.value);
    case 'in':
      return v !== undefined && ast.values.includes(v);
    case 'notin':
      return v === undefined || !ast.values.includes(v);
  }
}

/** Double quotes unless the value contains `"` (a value can never contain both quote characters). */
function quote(s: string): string {
  const q = s.includes('"') ? "'" : '"';
  return q + s + q;
}

const OP_TEXT: Record<ValueOpType, string> = {
  eq: ' == ',
  neq: ' != ',
  contains: ' contains ',
  startswith: ' starts with ',
  endswith: ' ends with ',
};

/**
 * Calico's canonical form (`Selector.String()`): single spaces around operators, `&&`/`||` nodes always wrapped in
 * parentheses, `!` without a space, sets sorted and de-duplicated, double quotes unless the value contains `"`.
 * Hand-built ASTs with an empty `and`/`or` print as `all()` / `!all()` (Calico cannot represent them).
 */
export function canonicalSelector(ast: SelectorAst): string {
  switch (ast.type) {
    case 'all':
      return 'all()';
    case 'global':
      return 'global()';
    case 'has':
      return `has(${ast.key})`;
    case 'not':
      return '!' + canonicalSelector(ast.expr);
    case 'and':
    case 'or':
      if (ast.exprs.length === 0) return ast.type === 'and' ? 'all()' : '!all()';
      return '(' + ast.exprs.map(canonicalSelector).join(ast.type === 'and' ? ' && ' : ' || ') + ')';
    case 'in':
    case 'notin':
      return `${ast.key} ${ast.type === 'in' ? 'in' : 'not in'} {${toStringSet(ast.values).map(quote).join(', ')}}`;
    default:
      return ast.key + OP_TEXT[ast.type] + quote(ast.value);
  }
}

/** Rewrites every label key (Calico's `PrefixVisitor`); `all()`/`global()` are untouched. Returns a new AST. */
export function mapSelectorKeys(ast: SelectorAst, fn: (key: string) => string): SelectorAst {
  switch (ast.type) {
    case 'all':
    case 'global':
      return { type: ast.type };
    case 'not':
      return { type: 'not', expr: mapSelectorKeys(ast.expr, fn) };
    case 'and':
    case 'or':
      return { type: ast.type, exprs: ast.exprs.map((e) => mapSelectorKeys(e, fn)) };
    case 'has':
      return { type: 'has', key: fn(ast.key) };
    case 'in':
    case 'notin':
      return { type: ast.type, key: fn(ast.key), values: [...ast.values] };
    default:
      return { type: ast.type, key: fn(ast.key), value: ast.value };
  }
}

export function containsGlobal(ast: SelectorAst): boolean {
  switch (ast.type) {
    case 'global':
      return true;
    case 'not':
      return containsGlobal(ast.expr);
    case 'and':
    case 'or':
      return ast.exprs.some(containsGlobal);
    default:
      return false;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// DNF conversion
// ---------------------------------------------------------------------------------------------------------------

const reqKey = (r: Requirement): string => JSON.stringify([r.key, r.op, r.values]);

/** simplifyConj, plus: identical requirements de-duplicated, `r && !r` (substring operators) is a contradiction. */
function normalizeConj(c: LabelConj): LabelConj | null {
  const s = simplifyConj(c);
  if (s === null) return null;
  const byKey = new Map<string, Requirement>();
  for (const r of s) if (!byKey.has(reqKey(r))) byKey.set(reqKey(r), r);
  for (const r of byKey.values()) if (byKey.has(reqKey(negateRequirement(r)))) return null;
  return [...byKey.values()];
}

/**
 * Normalises a list of conjunctions: each simplified (contradictions dropped), duplicates removed, conjunctions
 * implied by a smaller one removed (absorption: `A || (A && B)` = `A`), ordered by size then text. Null above `cap`.
 */
function normalizeDnf(conjs: LabelConj[], cap: number): LabelDnf | null {
  const byKey = new Map<string, { conj: LabelConj; keys: Set<string> }>();
  for (const c of conjs) {
    const n = normalizeConj(c);
    if (n === null) continue;
    const k = JSON.stringify(n.map(reqKey));
    if (!byKey.has(k)) byKey.set(k, { conj: n, keys: new Set(n.map(reqKey)) });
  }
  if (byKey.size > 4 * cap) return null;
  const entries = [...byKey.entries()].sort(([ka, a], [kb, b]) =>
    a.conj.length !== b.conj.length ? a.conj.length - b.conj.length : ka < kb ? -1 : ka > kb ? 1 : 0,
  );
  const kept: typeof entries = [];
  for (const e of entries) {
    const [, b] = e;
    const absorbed = kept.some(([, a]) => a.keys.size < b.keys.size && [...a.keys].every((k) => b.keys.has(k)));
    if (!absorbed) kept.push(e);
  }
  if (kept.length > cap) return null;
  return kept.map(([, e]) => e.conj);
}

/** AND of two normalised DNFs; stops as soon as more than `cap` distinct conjunctions appear. */
function productDnf(a: LabelDnf, b: LabelDnf, cap: number): LabelDnf | null {
  const out = new Map<string, LabelConj>();
  for (const x of a) {
    for (const y of b) {
      const c = normalizeConj([...x, ...y]);
      if (c === null) continue;
      out.set(JSON.stringify(c.map(reqKey)), c);
      if (out.size > cap) return null;
    }
  }
  return normalizeDnf([...out.values()], cap);
}

const SUBSTRING_OPS: Record<'contains' | 'startswith' | 'endswith', [LabelOp, LabelOp]> = {
  contains: ['Contains', 'NotContains'],
  startswith: ['StartsWith', 'NotStartsWith'],
  endswith: ['EndsWith', 'NotEndsWith'],
};

/** The single requirement equivalent to a leaf term (negated when `neg`); null for all()/global() (= true). */
function leafRequirement(ast: SelectorAst, neg: boolean): Requirement | null {
  const pick = (pos: LabelOp, negOp: LabelOp): LabelOp => (neg ? negOp : pos);
  switch (ast.type) {
    case 'has':
      return requirement(ast.key, pick('Exists', 'DoesNotExist'));
    case 'eq':
      return requirement(ast.key, pick('In', 'NotIn'), [ast.value]);
    case 'neq':
      return requirement(ast.key, pick('NotIn', 'In'), [ast.value]);
    case 'in':
      return requirement(ast.key, pick('In', 'NotIn'), ast.values);
    case 'notin':
      return requirement(ast.key, pick('NotIn', 'In'), ast.values);
    case 'contains':
    case 'startswith':
    case 'endswith': {
      // Every value contains, starts and ends with '': the term is just `has(k)`.
      if (ast.value === '') return requirement(ast.key, pick('Exists', 'DoesNotExist'));
      const [p, n] = SUBSTRING_OPS[ast.type];
      return requirement(ast.key, pick(p, n), [ast.value]);
    }
    default:
      return null;
  }
}

function toDnf(ast: SelectorAst, neg: boolean, cap: number): LabelDnf | null {
  switch (ast.type) {
    case 'all':
    case 'global':
      return neg ? [] : [[]];
    case 'not':
      return toDnf(ast.expr, !neg, cap);
    case 'and':
    case 'or': {
      const conjunctive = (ast.type === 'and') !== neg; // De Morgan: !(A || B) = !A && !B
      if (conjunctive) {
        let acc: LabelDnf = [[]];
        for (const e of ast.exprs) {
          const d = toDnf(e, neg, cap);
          if (d === null) return null;
          const next = productDnf(acc, d, cap);
          if (next === null) return null;
          acc = next;
          if (acc.length === 0) return acc; // false && … = false
        }
        return acc;
      }
      const parts: LabelConj[] = [];
      for (const e of ast.exprs) {
        const d = toDnf(e, neg, cap);
        if (d === null) return null;
        parts.push(...d);
      }
      return normalizeDnf(parts, cap);
    }
    default:
      return normalizeDnf([[leafRequirement(ast, neg)!]], cap);
  }
}

/**
 * Converts a selector to an exact DNF over label requirements (§5.5): `==` → In [v], `!=` → NotIn [v], `in` → In,
 * `not in` → NotIn, `has` → Exists, substring operators → Contains/StartsWith/EndsWith (their negations → Not…), with
 * `!` pushed inward by De Morgan. `all()` and `global()` are the empty conjunction (true; callers rewrite `global()`
 * before). A substring test against '' is `Exists` (negated: `DoesNotExist`).
 *
 * Each conjunction is simplified with `simplifyConj` (contradictions removed); duplicate and absorbed conjunctions are
 * removed; conjunctions are ordered by length, then by their JSON text, so the result is deterministic and the same
 * for equivalent orderings of `||` operands. `[]` matches nothing, `[[]]` matches everything. Returns null when the
 * result has more than `maxTerms` conjunctions (intermediate results are bounded by `max(4 * maxTerms, 256)`).
 */
export function selectorToDnf(ast: SelectorAst, maxTerms = 64): LabelDnf | null {
  const cap = Math.max(4 * maxTerms, 256);
  const d = toDnf(ast, false, cap);
  if (d === null || d.length > maxTerms) return null;
  return d.map((c) => c.map((r) => ({ key: r.key, op: r.op, values: [...r.values] })));
}
