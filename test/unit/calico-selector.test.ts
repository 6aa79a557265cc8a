import { expect } from 'chai';
import fs from 'node:fs';
import {
  type SelectorAst,
  MAX_SELECTOR_NESTING,
  SelectorSyntaxError,
  canonicalSelector,
  containsGlobal,
  evaluateSelector,
  mapSelectorKeys,
  parseSelector,
  selectorToDnf,
  tokenizeSelector,
} from '../../src/calico/selector.js';
import { type LabelDnf, matchesDnf, requirement } from '../../src/model/labels.js';

type Labels = Record<string, string>;

interface Vectors {
  positive: { selector: string; labels: Labels; matches: boolean }[];
  rejected: string[];
  canonical: { input: string; expected: string }[];
}

// Tests run from dist/test/unit/; the fixture stays in the source tree (project root/test/fixtures).
const vectors = JSON.parse(
  fs.readFileSync(new URL('../../../test/fixtures/calico-selector-vectors.json', import.meta.url), 'utf8'),
) as Vectors;

function expectSyntaxError(text: string): SelectorSyntaxError {
  try {
    parseSelector(text);
  } catch (e) {
    expect(e).to.be.instanceOf(SelectorSyntaxError);
    const err = e as SelectorSyntaxError;
    expect(err.offset).to.be.within(0, text.length);
    return err;
  }
  expect.fail(`selector ${JSON.stringify(text)} was accepted`);
}

/**
 * Removes double negations. Needed to compare an AST with the parse of its canonical form: `!(!x)` parses to two
 * nested negations (a group is a primary of its own), prints as `!!x`, and that re-parses to `x` (parity collapse).
 * Calico's own String() has the same property.
 */
function collapseNots(ast: SelectorAst): SelectorAst {
  switch (ast.type) {
    case 'not':
      return ast.expr.type === 'not' ? collapseNots(ast.expr.expr) : { type: 'not', expr: collapseNots(ast.expr) };
    case 'and':
    case 'or':
      return { type: ast.type, exprs: ast.exprs.map(collapseNots) };
    default:
      return ast;
  }
}

function dnfOf(text: string, maxTerms?: number): LabelDnf | null {
  return selectorToDnf(parseSelector(text), maxTerms);
}

describe('Calico selector (calico-semantics §5)', () => {
  describe('fixture', () => {
    it('loads the §5.6 vectors from test/fixtures', () => {
      expect(vectors.positive).to.have.length(77);
      expect(vectors.rejected).to.have.length(57);
      expect(vectors.canonical).to.have.length(9);
    });
  });

  describe('§5.6 selectors that parse', () => {
    for (const v of vectors.positive) {
      it(`${JSON.stringify(v.selector)} on ${JSON.stringify(v.labels)} ⇒ ${v.matches}`, () => {
        const ast = parseSelector(v.selector);
        expect(evaluateSelector(ast, v.labels)).to.equal(v.matches);
        const dnf = selectorToDnf(ast);
        expect(dnf).to.not.equal(null);
        expect(matchesDnf(dnf!, v.labels)).to.equal(v.matches);
        const again = parseSelector(canonicalSelector(ast));
        expect(collapseNots(again)).to.deep.equal(collapseNots(ast));
        expect(evaluateSelector(again, v.labels)).to.equal(v.matches);
      });
    }
  });

  describe('§5.6 selectors that must be rejected', () => {
    for (const s of vectors.rejected) {
      it(`rejects ${JSON.stringify(s.length > 40 ? s.slice(0, 20) + '…' + s.slice(-20) : s)}`, () => {
        expectSyntaxError(s);
      });
    }
  });

  describe('canonical form (§5.2, §5.6, Calico canonicalisationTests)', () => {
    const extra = [
      { input: ' all() ', expected: 'all()' },
      { input: `a == "'"`, expected: `a == "'"` },
      { input: `a == '"'`, expected: `a == '"'` },
      { input: `a contains '"'`, expected: `a contains '"'` },
      { input: `a contains "'"`, expected: `a contains "'"` },
      { input: `a!="'"`, expected: `a != "'"` },
      { input: `a in {"d"}`, expected: `a in {"d"}` },
      { input: `a in {"z", "x", "y", "a"}`, expected: `a in {"a", "x", "y", "z"}` },
      { input: `a in {"'", '"', "c"}`, expected: `a in {'"', "'", "c"}` },
      { input: `a == 'x' || b == 'y' && c == 'z'`, expected: `(a == "x" || (b == "y" && c == "z"))` },
      { input: `(a == 'x' && b == 'y') && c == 'z'`, expected: `((a == "x" && b == "y") && c == "z")` },
      { input: `!!has(a)`, expected: `has(a)` },
      { input: `! !! has(a)`, expected: `!has(a)` },
      { input: `!(k == 'v')`, expected: `!k == "v"` },
      { input: `a notin {}`, expected: `a not in {}` },
      { input: `a in {'x',}`, expected: `a in {"x"}` },
      { input: `global()`, expected: `global()` },
      { input: `((( a == ''  )))`, expected: `a == ""` },
    ];
    for (const { input, expected } of [...vectors.canonical, ...extra]) {
      it(`${JSON.stringify(input)} ⇒ ${expected}`, () => {
        const canon = canonicalSelector(parseSelector(input));
        expect(canon).to.equal(expected);
        expect(canonicalSelector(parseSelector(canon))).to.equal(canon);
      });
    }
    it("prints a negated group holding a negation as '!!' like Calico (which re-parses without both negations)", () => {
      const ast = parseSelector("!(!a == 'x')");
      expect(ast).to.deep.equal({ type: 'not', expr: { type: 'not', expr: { type: 'eq', key: 'a', value: 'x' } } });
      expect(canonicalSelector(ast)).to.equal('!!a == "x"');
      expect(canonicalSelector(parseSelector('!!a == "x"'))).to.equal('a == "x"');
    });
    it('prints hand-built empty and/or as all() / !all()', () => {
      expect(canonicalSelector({ type: 'and', exprs: [] })).to.equal('all()');
      expect(canonicalSelector({ type: 'or', exprs: [] })).to.equal('!all()');
    });
  });

  describe('lexical rules (§5.1) and grammar (§5.2)', () => {
    it('accepts the glued and multi-word operator spellings', () => {
      // Calico's tokenizer test accepts `a notin"bar"`; the parser then wants a set literal.
      expect(tokenizeSelector('a notin"bar"').map((t) => t.kind)).to.deep.equal(['label', 'notin', 'string', 'eof']);
      expectSyntaxError('a notin"bar"');
      for (const s of [
        'a notin{"bar"}',
        'a not in {"x"}',
        'a not \t  in{"x"}',
        'label startswith "value"',
        'label starts\twith "value"',
        'a endswith "v"',
        'a contains"v"',
        'a in{}',
        'a==""',
      ]) {
        expect(() => parseSelector(s), s).to.not.throw();
      }
      expect(parseSelector('a notin{"x"}')).to.deep.equal({ type: 'notin', key: 'a', values: ['x'] });
    });
    it('rejects operators that are not followed by a word boundary, and other keywords', () => {
      for (const s of ['a notinx {"x"}', 'a containsx "v"', 'a ends withs "v"', 'a in{} || b exists', 'a matches "x"']) {
        expectSyntaxError(s);
      }
    });
    it('treats reserved words as labels in label position', () => {
      expect(parseSelector("in in {'in'}")).to.deep.equal({ type: 'in', key: 'in', values: ['in'] });
      expect(parseSelector("has == 'x'")).to.deep.equal({ type: 'eq', key: 'has', value: 'x' });
      expect(parseSelector("all contains 'x'")).to.deep.equal({ type: 'contains', key: 'all', value: 'x' });
      expect(parseSelector('has( has )')).to.deep.equal({ type: 'has', key: 'has' });
    });
    it('limits labels to 512 characters', () => {
      expect(parseSelector(`${'a'.repeat(512)} == "x"`)).to.deep.equal({ type: 'eq', key: 'a'.repeat(512), value: 'x' });
      expect(expectSyntaxError(`${'a'.repeat(513)} == "x"`).offset).to.equal(0);
      expectSyntaxError(`has(${'a'.repeat(513)})`);
    });
    it('only accepts space and tab as whitespace', () => {
      for (const s of ['\n', 'a == "b"\r', 'has(\na)', 'a not\nin {}', '\u00a0a == "b"', 'a == "b"\f']) expectSyntaxError(s);
      expect(parseSelector(' \t ')).to.deep.equal({ type: 'all' });
      expect(parseSelector('')).to.deep.equal({ type: 'all' });
    });
    it('keeps strings without escapes and allows the other quote inside', () => {
      expect(parseSelector(String.raw`a == 'b\'`)).to.deep.equal({ type: 'eq', key: 'a', value: 'b\\' });
      expect(parseSelector(`a == "it's"`)).to.deep.equal({ type: 'eq', key: 'a', value: "it's" });
      expect(parseSelector(`a == 'é && ü'`)).to.deep.equal({ type: 'eq', key: 'a', value: 'é && ü' });
    });
    it('applies ! to one primary, then &&, then ||', () => {
      expect(parseSelector("!a == 'x' && b == 'y'")).to.deep.equal({
        type: 'and',
        exprs: [
          { type: 'not', expr: { type: 'eq', key: 'a', value: 'x' } },
          { type: 'eq', key: 'b', value: 'y' },
        ],
      });
      expect(parseSelector("a == 'x' || b == 'y' && c == 'z' || has(d)")).to.deep.equal({
        type: 'or',
        exprs: [
          { type: 'eq', key: 'a', value: 'x' },
          {
            type: 'and',
            exprs: [
              { type: 'eq', key: 'b', value: 'y' },
              { type: 'eq', key: 'c', value: 'z' },
            ],
          },
          { type: 'has', key: 'd' },
        ],
      });
    });
    it('sorts and de-duplicates set members in the AST (Go byte order)', () => {
      expect(parseSelector("a in {'b', 'a', 'b', 'B', ''}")).to.deep.equal({
        type: 'in',
        key: 'a',
        values: ['', 'B', 'a', 'b'],
      });
      expect((parseSelector("a in {'\u{1F600}', '\uFFFD'}") as { values: string[] }).values).to.deep.equal([
        '\uFFFD',
        '\u{1F600}',
      ]);
    });
    it(`rejects parentheses nested deeper than ${MAX_SELECTOR_NESTING} levels instead of overflowing the stack`, () => {
      const nested = (n: number): string => '!('.repeat(n) + "a == 'x'" + ')'.repeat(n);
      const ast = parseSelector(nested(MAX_SELECTOR_NESTING));
      expect(evaluateSelector(ast, { a: 'x' })).to.equal(true);
      expect(selectorToDnf(ast)).to.deep.equal([[requirement('a', 'In', ['x'])]]);
      expect(canonicalSelector(ast)).to.equal('!'.repeat(MAX_SELECTOR_NESTING) + 'a == "x"');
      expect(expectSyntaxError(nested(MAX_SELECTOR_NESTING + 1)).offset).to.equal(2 * MAX_SELECTOR_NESTING + 1);
    });
    it('reports the offset where parsing failed', () => {
      const cases: [string, number][] = [
        ["a == 'b'\n", 8],
        ["a = 'b'", 2],
        ['has (a)', 4],
        ['a ', 2],
        ["(a == 'b'", 9],
        ['a in {x}', 6],
        ['ALL()', 3],
        ["a:b == 'x'", 1],
        ["'FOO", 0],
        ['has(foo', 7],
        ["a == 'b' && ", 12],
        ["a in {'x'} b", 11],
        ["a == 'b' &&& c == 'd'", 11],
      ];
      for (const [s, offset] of cases) expect(expectSyntaxError(s).offset, s).to.equal(offset);
    });
  });

  describe('mapSelectorKeys and containsGlobal (§5.3)', () => {
    // Calico parser_test.go "Visitor tests" (PrefixVisitor with prefix "visited/").
    const cases: [string, string][] = [
      ["k == 'v'", 'visited/k == "v"'],
      ["k != 'v'", 'visited/k != "v"'],
      ["k contains 'v'", 'visited/k contains "v"'],
      ["k starts with 'v'", 'visited/k starts with "v"'],
      ["k ends with 'v'", 'visited/k ends with "v"'],
      ["k == 'v' && x == 'y'", '(visited/k == "v" && visited/x == "y")'],
      ["k == 'v' || has(x)", '(visited/k == "v" || has(visited/x))'],
      ["!(k == 'v')", '!visited/k == "v"'],
      ["k in {'v'}", 'visited/k in {"v"}'],
      ["k not in {'v'}", 'visited/k not in {"v"}'],
      [
        "!(!(k == 'v' && has(t) || all()) && (a in {'b', 'c'}))",
        '!(!((visited/k == "v" && has(visited/t)) || all()) && visited/a in {"b", "c"})',
      ],
      ['global() || all()', '(global() || all())'],
    ];
    for (const [input, expected] of cases) {
      it(`${input} ⇒ ${expected}`, () => {
        const ast = parseSelector(input);
        const before = canonicalSelector(ast);
        expect(canonicalSelector(mapSelectorKeys(ast, (k) => `visited/${k}`))).to.equal(expected);
        expect(canonicalSelector(ast)).to.equal(before); // the input AST is not modified
      });
    }
    it('finds global() anywhere', () => {
      expect(containsGlobal(parseSelector('global()'))).to.equal(true);
      expect(containsGlobal(parseSelector("a == 'b' && !(has(c) || global())"))).to.equal(true);
      expect(containsGlobal(parseSelector("a == 'global()' && all()"))).to.equal(false);
      expect(containsGlobal(parseSelector('global == "x"'))).to.equal(false);
    });
  });

  describe('selectorToDnf (§5.5)', () => {
    it('maps each term to one requirement', () => {
      expect(dnfOf("a == 'x'")).to.deep.equal([[requirement('a', 'In', ['x'])]]);
      expect(dnfOf("a != 'x'")).to.deep.equal([[requirement('a', 'NotIn', ['x'])]]);
      expect(dnfOf("a in {'y', 'x'}")).to.deep.equal([[requirement('a', 'In', ['x', 'y'])]]);
      expect(dnfOf("a not in {'y', 'x'}")).to.deep.equal([[requirement('a', 'NotIn', ['x', 'y'])]]);
      expect(dnfOf('has(a)')).to.deep.equal([[requirement('a', 'Exists')]]);
      expect(dnfOf('!has(a)')).to.deep.equal([[requirement('a', 'DoesNotExist')]]);
      expect(dnfOf("a contains 'x'")).to.deep.equal([[requirement('a', 'Contains', ['x'])]]);
      expect(dnfOf("a starts with 'x'")).to.deep.equal([[requirement('a', 'StartsWith', ['x'])]]);
      expect(dnfOf("a ends with 'x'")).to.deep.equal([[requirement('a', 'EndsWith', ['x'])]]);
      expect(dnfOf("!a ends with 'x'")).to.deep.equal([[requirement('a', 'NotEndsWith', ['x'])]]);
      expect(dnfOf("a contains ''")).to.deep.equal([[requirement('a', 'Exists')]]);
      expect(dnfOf("!(a starts with '')")).to.deep.equal([[requirement('a', 'DoesNotExist')]]);
    });
    it('handles constants, empty sets and global()', () => {
      expect(dnfOf('')).to.deep.equal([[]]);
      expect(dnfOf('all()')).to.deep.equal([[]]);
      expect(dnfOf('!all()')).to.deep.equal([]);
      expect(dnfOf('global()')).to.deep.equal([[]]);
      expect(dnfOf('a in {}')).to.deep.equal([]);
      expect(dnfOf('a not in {}')).to.deep.equal([[]]);
      expect(dnfOf("a in {} || b == 'x'")).to.deep.equal([[requirement('b', 'In', ['x'])]]);
      expect(dnfOf("a not in {} && b == 'x'")).to.deep.equal([[requirement('b', 'In', ['x'])]]);
      expect(dnfOf("!(a not in {}) || b == 'x'")).to.deep.equal([[requirement('b', 'In', ['x'])]]);
    });
    it('pushes negation inward (De Morgan) and drops contradictions', () => {
      expect(dnfOf("!(a == 'x' || b contains 'y')")).to.deep.equal([
        [requirement('a', 'NotIn', ['x']), requirement('b', 'NotContains', ['y'])],
      ]);
      expect(dnfOf("!(a == 'x' && has(b))")).to.deep.equal([
        [requirement('a', 'NotIn', ['x'])],
        [requirement('b', 'DoesNotExist')],
      ]);
      expect(dnfOf("a == 'x' && a == 'y'")).to.deep.equal([]);
      expect(dnfOf("a contains 'x' && !(a contains 'x')")).to.deep.equal([]);
      expect(dnfOf("(a == 'x' || a == 'y') && a != 'x'")).to.deep.equal([[requirement('a', 'In', ['y'])]]);
    });
    it('removes duplicate and absorbed conjunctions, with a stable order', () => {
      expect(dnfOf("b == 'y' || a == 'x' || b == 'y'")).to.deep.equal([
        [requirement('a', 'In', ['x'])],
        [requirement('b', 'In', ['y'])],
      ]);
      expect(dnfOf("a == 'x' || b == 'y'")).to.deep.equal(dnfOf("b == 'y' || a == 'x'"));
      expect(dnfOf("a == 'x' || a == 'x' && has(b)")).to.deep.equal([[requirement('a', 'In', ['x'])]]);
      expect(dnfOf("has(z) || all()")).to.deep.equal([[]]);
    });
    it('returns null above maxTerms', () => {
      const pairs = ['a', 'b', 'c', 'd', 'e', 'f', 'g'].map((k) => `(${k}1 == 'x' || ${k}2 == 'x')`).join(' && ');
      expect(dnfOf(pairs)).to.equal(null); // 2^7 = 128 > 64
      expect(dnfOf(pairs, 128)).to.have.length(128);
      expect(dnfOf("a == 'x' || b == 'x' || c == 'x'", 2)).to.equal(null);
      expect(dnfOf("a == 'x' || b == 'x'", 2)).to.have.length(2);
    });
  });

  describe('randomized cross-check', () => {
    it('parser, evaluator, DNF and canonical form agree on random selectors over 3 keys × 3 values', function () {
      this.timeout(10000);
      const rng = mulberry32(0x5eed);
      const started = Date.now();
      let dnfChecked = 0;
      const total = 1500;
      for (let n = 0; n < total; n++) {
        const g = genExpr(rng, 4);
        const ast = parseSelector(g.text);
        const canon = canonicalSelector(ast);
        const ast2 = parseSelector(canon);
        expect(collapseNots(ast2), canon).to.deep.equal(collapseNots(ast));
        const canon2 = canonicalSelector(ast2);
        expect(canonicalSelector(parseSelector(canon2))).to.equal(canon2);
        const dnf = selectorToDnf(ast);
        if (dnf !== null) {
          dnfChecked++;
          expect(selectorToDnf(ast2)).to.deep.equal(dnf);
        }
        for (const labels of ALL_LABEL_MAPS) {
          // plain comparisons first: chai assertions in this inner loop would dominate the running time
          const want = g.ev(labels);
          const got = evaluateSelector(ast, labels);
          const gotCanon = evaluateSelector(ast2, labels);
          const gotDnf = dnf === null ? want : matchesDnf(dnf, labels);
          if (got !== want || gotCanon !== want || gotDnf !== want) {
            const ctx = `${g.text} on ${JSON.stringify(labels)}`;
            expect(got, ctx).to.equal(want);
            expect(gotCanon, `${canon} (canonical) on ${JSON.stringify(labels)}`).to.equal(want);
            expect(gotDnf, `${ctx}, DNF ${JSON.stringify(dnf)}`).to.equal(want);
          }
        }
      }
      expect(dnfChecked).to.be.greaterThan(total * 0.9);
      expect(Date.now() - started).to.be.below(2000);
    });

    it('never throws anything but SelectorSyntaxError on mutated selectors', () => {
      const rng = mulberry32(42);
      const alphabet = ` \t\n!&|=(){},'"ainotshwl_./-x`;
      for (let n = 0; n < 1000; n++) {
        let text = genExpr(rng, 3).text;
        const at = Math.floor(rng() * (text.length + 1));
        const c = alphabet[Math.floor(rng() * alphabet.length)]!;
        text = rng() < 0.5 ? text.slice(0, at) + text.slice(at + 1) : text.slice(0, at) + c + text.slice(at);
        let ast: SelectorAst;
        try {
          ast = parseSelector(text);
        } catch (e) {
          expect(e, text).to.be.instanceOf(SelectorSyntaxError);
          expect((e as SelectorSyntaxError).offset).to.be.within(0, text.length);
          continue;
        }
        expect(collapseNots(parseSelector(canonicalSelector(ast))), text).to.deep.equal(collapseNots(ast));
      }
    });
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Random selector generator with an independent reference evaluator (the §5.2 table).
// ---------------------------------------------------------------------------------------------------------------

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Keys include a reserved word and punctuation; label values are '', 'x', 'xy' (or absent). */
const KEYS = ['a', 'in', 'b.c/d'];
const VALUES = ['', 'x', 'xy'];
const LITERALS = ['', 'x', 'y', 'xy'];

const ALL_LABEL_MAPS: Labels[] = (() => {
  const out: Labels[] = [];
  const choices = [undefined, ...VALUES];
  for (const v0 of choices)
    for (const v1 of choices)
      for (const v2 of choices) {
        const m: Labels = {};
        [v0, v1, v2].forEach((v, i) => {
          if (v !== undefined) m[KEYS[i]!] = v;
        });
        out.push(m);
      }
  return out;
})();

interface Gen {
  text: string;
  /** 0 = `||` list, 1 = `&&` list, 2 = primary or negation */
  prec: number;
  ev: (labels: Labels) => boolean;
}

function genExpr(rng: () => number, depth: number): Gen {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)]!;
  const ws = (): string => pick(['', '', ' ', ' ', '\t', '  ']);
  const sep = (): string => pick([' ', ' ', '\t', ' \t ']); // at least one blank
  const quote = (s: string): string => (rng() < 0.5 ? `'${s}'` : `"${s}"`);

  const term = (): Gen => {
    const key = pick(KEYS);
    const get = (l: Labels): string | undefined => (Object.prototype.hasOwnProperty.call(l, key) ? l[key] : undefined);
    const lit = pick(LITERALS);
    switch (Math.floor(rng() * 20)) {
      case 0:
      case 1:
        return { text: `has(${ws()}${key}${ws()})`, prec: 2, ev: (l) => get(l) !== undefined };
      case 2:
      case 3:
        return { text: `${key}${ws()}==${ws()}${quote(lit)}`, prec: 2, ev: (l) => get(l) === lit };
      case 4:
      case 5:
        return { text: `${key}${ws()}!=${ws()}${quote(lit)}`, prec: 2, ev: (l) => get(l) !== lit };
      case 6:
      case 7:
        return {
          text: `${key}${sep()}contains${ws()}${quote(lit)}`,
          prec: 2,
          ev: (l) => get(l)?.includes(lit) ?? false,
        };
      case 8:
      case 9:
        return {
          text: `${key}${sep()}starts${ws()}with${ws()}${quote(lit)}`,
          prec: 2,
          ev: (l) => get(l)?.startsWith(lit) ?? false,
        };
      case 10:
      case 11:
        return {
          text: `${key}${sep()}ends${ws()}with${ws()}${quote(lit)}`,
          prec: 2,
          ev: (l) => get(l)?.endsWith(lit) ?? false,
        };
      case 12:
      case 13:
      case 14:
      case 15: {
        const n = Math.floor(rng() * 3);
        const vals = Array.from({ length: n }, () => pick(LITERALS));
        const trailing = n > 0 && rng() < 0.3 ? `${ws()},` : '';
        const set = `{${ws()}${vals.map(quote).join(`${ws()},${ws()}`)}${trailing}${ws()}}`;
        const v = (l: Labels): boolean => {
          const x = get(l);
          return x !== undefined && vals.includes(x);
        };
        return rng() < 0.5
          ? { text: `${key}${sep()}in${ws()}${set}`, prec: 2, ev: v }
          : { text: `${key}${sep()}not${ws()}in${ws()}${set}`, prec: 2, ev: (l) => !v(l) };
      }
      case 16:
        return { text: `all(${ws()})`, prec: 2, ev: () => true };
      case 17:
        return { text: `global(${ws()})`, prec: 2, ev: () => true };
      default: {
        const value = pick(VALUES); // a value that label maps really carry
        return { text: `${key}${ws()}==${ws()}${quote(value)}`, prec: 2, ev: (l) => get(l) === value };
      }
    }
  };

  const paren = (g: Gen): string => `(${ws()}${g.text}${ws()})`;
  const r = rng();
  if (depth <= 0 || r < 0.35) return term();
  if (r < 0.45) {
    // one or more "!" in front of one primary
    const inner = genExpr(rng, depth - 1);
    const bangs = 1 + Math.floor(rng() * 3);
    const text = Array.from({ length: bangs }, () => `!${ws()}`).join('') + (inner.prec < 2 ? paren(inner) : inner.text);
    return { text, prec: 2, ev: bangs % 2 === 1 ? (l) => !inner.ev(l) : inner.ev };
  }
  if (r < 0.55) {
    const inner = genExpr(rng, depth - 1);
    return { text: paren(inner), prec: 2, ev: inner.ev };
  }
  const isAnd = r < 0.78;
  const parts = Array.from({ length: 2 + Math.floor(rng() * 2) }, () => genExpr(rng, depth - 1));
  const minPrec = isAnd ? 1 : 0;
  const text = parts
    .map((p) => (p.prec < minPrec || rng() < 0.15 ? paren(p) : p.text))
    .join(`${ws()}${isAnd ? '&&' : '||'}${ws()}`);
  return isAnd
    ? { text, prec: 1, ev: (l) => parts.every((p) => p.ev(l)) }
    : { text, prec: 0, ev: (l) => parts.some((p) => p.ev(l)) };
}
