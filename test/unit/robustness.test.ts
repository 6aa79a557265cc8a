/**
 * Robustness: random mutations of real corpus objects (fields removed, retyped, replaced by odd values) must never
 * crash the pipeline, and whatever it emits must pass the API server's validation. Fixed seed in CI; set
 * NETPOL_FUZZ_RUNS to run more cases locally.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments, stringify } from 'yaml';
import { DEFAULT_OPTIONS } from '../../src/model/options.js';
import { validateNetworkPolicy } from '../../src/native/validate.js';
import { runPipeline } from '../../src/pipeline/run.js';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const corpus = join(root, '..', 'shared', 'corpus');
const RUNS = Number(process.env.NETPOL_FUZZ_RUNS ?? 300);

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const f = join(dir, n);
    return statSync(f).isDirectory() ? files(f) : /\.(ya?ml|json)$/.test(n) ? [f] : [];
  });
}

/** Every policy-like object of the corpus, as plain values. */
function corpusObjects(): unknown[] {
  const out: unknown[] = [];
  for (const f of files(corpus)) {
    for (const d of parseAllDocuments(readFileSync(f, 'utf8'))) {
      if (d.errors.length) continue;
      const v = d.toJS() as { kind?: string; apiVersion?: string } | null;
      if (v && typeof v.apiVersion === 'string' && /calico|cilium|networking\.k8s\.io/.test(v.apiVersion)) out.push(v);
    }
  }
  return out;
}

type Path = Array<string | number>;

function paths(v: unknown, prefix: Path = [], out: Path[] = []): Path[] {
  out.push(prefix);
  if (Array.isArray(v)) v.forEach((x, i) => paths(x, [...prefix, i], out));
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) paths(x, [...prefix, k], out);
  return out;
}

const ODD = [null, '', 0, -1, 70000, 'x', '*', '0.0.0.0/0', '::/0', '10.0.0.0/33', [], {}, [{}], { matchLabels: {} }, 'ANY', 'Deny', 'Pass', 'all()', "a == 'b' ||", true, 1.5];

function mutate(obj: unknown, picks: number[]): unknown {
  const copy = structuredClone(obj);
  const all = paths(copy).filter((p) => p.length > 0);
  for (let i = 0; i + 1 < picks.length; i += 2) {
    const p = all[picks[i]! % all.length];
    if (!p) continue;
    let parent: unknown = copy;
    for (const seg of p.slice(0, -1)) parent = (parent as Record<string | number, unknown>)?.[seg];
    if (!parent || typeof parent !== 'object') continue;
    const last = p[p.length - 1]!;
    const action = picks[i + 1]! % (ODD.length + 1);
    if (action === ODD.length) {
      if (Array.isArray(parent)) parent.splice(Number(last), 1);
      else delete (parent as Record<string, unknown>)[last as string];
    } else (parent as Record<string | number, unknown>)[last] = structuredClone(ODD[action]);
  }
  return copy;
}

describe('robustness: mutated corpus objects', function () {
  this.timeout(120000);
  const objects = corpusObjects();

  it('the corpus is there', () => {
    expect(objects.length).to.be.greaterThan(500);
  });

  it(`never crashes and never emits an invalid policy (${RUNS} runs)`, () => {
    fc.assert(
      fc.property(fc.nat(objects.length - 1), fc.array(fc.nat(10000), { minLength: 2, maxLength: 8 }), (index, picks) => {
        const doc = mutate(objects[index], picks);
        const text = stringify(doc);
        const result = runPipeline([{ name: 'fuzz.yaml', text }], { ...DEFAULT_OPTIONS, namespaces: ['default', 'prod'] });
        for (const o of result.outputs) expect(validateNetworkPolicy(o.policy)).to.deep.equal([]);
        for (const s of result.sources) for (const f of s.findings) expect(f.line).to.be.greaterThan(0);
      }),
      { seed: 20261127, numRuns: RUNS },
    );
  });
});
