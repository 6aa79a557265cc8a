/** The set algebra under the verifier: interval sets, label boxes, and unions of boxes (checked point by point). */
import { expect } from 'chai';
import fc from 'fast-check';
import { ipsOfBlocks, ipPoint, ivAnd, ivContains, ivMinus, ivNormalize, ivSubset } from '../../src/verify/intervals.js';
import { ABSENT, lbAnd, lbHas, lbMinus, lbSubset, vs, type LabelBox } from '../../src/verify/labelset.js';
import { ALL_PORTS, ANY_EP, Space, type Box, type Ep } from '../../src/verify/space.js';

const RUNS = Number(process.env.NETPOL_FUZZ_RUNS ?? 200);

describe('verify: interval sets', () => {
  const iv = fc.array(fc.tuple(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 40 })), { maxLength: 4 }).map((l) => ivNormalize(l.map(([a, b]) => [Math.min(a, b), Math.max(a, b)] as [number, number])));
  it('and / minus / subset agree with membership', () => {
    fc.assert(
      fc.property(iv, iv, (a, b) => {
        const and = ivAnd(a, b);
        const minus = ivMinus(a, b);
        for (let x = -1; x <= 41; x++) {
          expect(ivContains(and, x)).to.equal(ivContains(a, x) && ivContains(b, x));
          expect(ivContains(minus, x)).to.equal(ivContains(a, x) && !ivContains(b, x));
        }
        expect(ivSubset(a, b)).to.equal(minus.length === 0);
      }),
      { seed: 7, numRuns: RUNS },
    );
  });
  it('CIDR blocks with except', () => {
    const s = ipsOfBlocks([{ cidr: '10.0.0.0/8', except: ['10.1.0.0/16'] }]);
    expect(ivContains(s, ipPoint(4, 0x0a000001n))).to.equal(true);
    expect(ivContains(s, ipPoint(4, 0x0a010001n))).to.equal(false);
    expect(ivContains(s, ipPoint(4, 0x0b000000n))).to.equal(false);
    expect(ivContains(ipsOfBlocks([{ cidr: '::/0', except: [] }]), ipPoint(4, 1n))).to.equal(false);
  });
});

const VALUES = [ABSENT, 'a', 'b', 'c'];
// Boxes never hold an empty value set (an empty box is no box).
const valueSet = fc.tuple(fc.boolean(), fc.subarray(['a', 'b', ABSENT])).filter(([neg, v]) => neg || v.length > 0).map(([neg, v]) => vs(neg, v));
const box: fc.Arbitrary<LabelBox> = fc.array(fc.tuple(fc.constantFrom('k1', 'k2'), valueSet), { maxLength: 2 }).map((l) => {
  let out: LabelBox = new Map();
  for (const [k, v] of l) out = lbAnd(out, new Map([[k, v]])) ?? out;
  return out;
});
function* maps(): Generator<Record<string, string>> {
  for (const a of VALUES) for (const b of VALUES) {
    const m: Record<string, string> = {};
    if (a !== ABSENT) m.k1 = a;
    if (b !== ABSENT) m.k2 = b;
    yield m;
  }
}

describe('verify: label boxes', () => {
  it('and / minus / subset agree with membership (absent is a value of its own)', () => {
    fc.assert(
      fc.property(box, box, (a, b) => {
        const and = lbAnd(a, b);
        const minus = lbMinus(a, b);
        for (const m of maps()) {
          expect(and !== null && lbHas(and, m)).to.equal(lbHas(a, m) && lbHas(b, m));
          const hits = minus.filter((x) => lbHas(x, m)).length;
          expect(hits).to.equal(lbHas(a, m) && !lbHas(b, m) ? 1 : 0); // pieces are disjoint
        }
        if (lbSubset(a, b)) for (const m of maps()) if (lbHas(a, m)) expect(lbHas(b, m)).to.equal(true);
      }),
      { seed: 8, numRuns: RUNS },
    );
  });
});

describe('verify: unions of boxes', () => {
  const space = new Space();
  const ep: fc.Arbitrary<Ep> = fc.oneof(
    fc.constant(ANY_EP),
    fc.tuple(box, box).map(([ns, pod]) => space.pod(ns, pod) ?? ANY_EP),
    fc.constantFrom<Ep>({ k: 'ext', ip: [[0n, 10n]] }, { k: 'ent', name: vs(false, ['host']) }),
  );
  const bx: fc.Arbitrary<Box> = fc.tuple(ep, ep, fc.constantFrom(ALL_PORTS, [[80, 81]] as const, [[81, 443]] as const)).map(([a, b, port]) => ({ a, b, port: port as Box['port'] }));
  const points = (() => {
    const eps: Array<{ k: string; ns?: Record<string, string>; pod?: Record<string, string>; ip?: bigint; name?: string }> = [];
    const pods: Record<string, string>[] = [{}, { k1: 'a' }, { k2: 'b' }];
    for (const ns of maps()) for (const pod of pods) eps.push({ k: 'pod', ns: { ...ns, 'kubernetes.io/metadata.name': 'x' }, pod, ip: 5n });
    eps.push({ k: 'ext', ip: 5n }, { k: 'ent', name: 'host' }, { k: 'ent', name: 'other' });
    return eps;
  })();
  const has = (e: Ep, p: (typeof points)[number]): boolean => {
    if (e.k === 'any') return true;
    if (e.k !== p.k) return false;
    if (e.k === 'pod') return lbHas(e.ns, p.ns!) && lbHas(e.pod, p.pod!) && ivContains(e.ip, p.ip!);
    if (e.k === 'ext') return ivContains(e.ip, p.ip!);
    return e.name.neg !== e.name.vals.includes(p.name!);
  };
  const inSet = (xs: readonly Box[], a: (typeof points)[number], b: (typeof points)[number], port: number) => xs.some((x) => ivContains(x.port, port) && has(x.a, a) && has(x.b, b));
  it('minus and and agree with membership on sampled points', function () {
    this.timeout(60_000);
    fc.assert(
      fc.property(fc.array(bx, { maxLength: 3 }), fc.array(bx, { maxLength: 3 }), (xs, ys) => {
        const minus = space.minus(xs, ys);
        const and = space.and(xs, ys);
        for (const a of points.filter((_, i) => i % 3 === 0)) {
          for (const b of points.filter((_, i) => i % 4 === 1)) {
            for (const port of [80, 443, 8080]) {
              expect(inSet(minus, a, b, port)).to.equal(inSet(xs, a, b, port) && !inSet(ys, a, b, port));
              expect(inSet(and, a, b, port)).to.equal(inSet(xs, a, b, port) && inSet(ys, a, b, port));
            }
          }
        }
        expect(space.compact(xs).length).to.be.at.most(xs.length);
      }),
      { seed: 9, numRuns: Math.ceil(RUNS / 2) },
    );
  });
});
