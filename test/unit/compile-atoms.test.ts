/**
 * The walk per subject atom (compile/atoms.ts): atoms share a walk only when the same boxes of every rule apply to
 * them. Two atoms that each keep one (different) box of a rule must not be walked as one.
 */
import { expect } from 'chai';
import type { ModelPolicy, ModelRule } from '../../src/model/policy.js';
import { walkPerAtom } from '../../src/translate/compile/atoms.js';
import { ciliumWalk, type WalkTier } from '../../src/translate/compile/walk.js';
import { vs } from '../../src/verify/labelset.js';
import { tri } from '../../src/verify/regions.js';
import { ALL_PORTS, ANY_EP, type Box, type Ep } from '../../src/verify/space.js';
import { makeSpace } from '../../src/verify/symbolic.js';

describe('compile: the walk per subject atom', () => {
  it('gives each atom the boxes of its own walk when two atoms keep the same number of different boxes', () => {
    const space = makeSpace();
    const pod = (app: string) => space.pod(new Map(), new Map([['app', vs(false, [app])]]))! as Ep;
    const [a, b] = [pod('a'), pod('b')];
    const tcp80: Box = { a, b: ANY_EP, port: [[80, 80]] };
    const udp53: Box = { a: b, b: ANY_EP, port: [[65536 + 53, 65536 + 53]] };
    const rule = { action: 'allow', peers: 'any', ports: 'all', opaque: [], path: ['spec', 'ingress', 0] } as ModelRule;
    const policy = { cni: 'cilium' } as ModelPolicy;
    const tiers: WalkTier[] = [{ defaultPass: false, entries: [{ policy, S: tri([{ a: space.podU, b: ANY_EP, port: ALL_PORTS }]), isolates: true, rules: [{ rule, m: tri([tcp80, udp53]) }] }] }];
    const out = walkPerAtom(space, [a, b], tiers, (_cell, t) => ciliumWalk(space, t[0]!.entries, new Set([policy])));
    const boxes = out.boxes.get(policy) ?? [];
    const of = (atom: Ep) => boxes.filter((x) => x.a === atom).map((x) => x.port);
    expect(of(a)).to.deep.equal([[[80, 80]]]);
    expect(of(b)).to.deep.equal([[[65536 + 53, 65536 + 53]]]);
  });
});
