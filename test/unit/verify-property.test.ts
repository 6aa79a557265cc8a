/**
 * Property tests: the symbolic engine against the concrete evaluator on random small clusters and random model
 * policies (native, Calico, Cilium; with opaque parts). Fixed seed; NETPOL_FUZZ_RUNS raises the number of runs.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import type { LabelConj, Requirement } from '../../src/model/labels.js';
import type { CidrBlock, Cni, DirectionPolicy, ModelPolicy, ModelRule, Opaque, Peer, PeerIdentity, ProtoPorts, RuleAction } from '../../src/model/policy.js';
import type { Cluster, ClusterPod, Connection, ConnEndpoint } from '../../src/verify/cluster.js';
import { compareAllowed } from '../../src/verify/compare.js';
import { evaluateConnection } from '../../src/verify/concrete.js';
import { Analysis, Cells, makeSpace, mentionedNamespaces, symbolicVerdict } from '../../src/verify/symbolic.js';

const RUNS = Number(process.env.NETPOL_FUZZ_RUNS ?? 120);
/** NETPOL_FUZZ_SEED replaces the fixed seeds (to explore; failures print the seed and path to replay). */
const seed = (fixed: number): number => (process.env.NETPOL_FUZZ_SEED ? Number(process.env.NETPOL_FUZZ_SEED) : fixed);
const NS_NAMES = ['a', 'b', 'c'];
const NAME = 'kubernetes.io/metadata.name';

// ----- policies

const req = (keys: string[], vals: string[]): fc.Arbitrary<Requirement> =>
  fc.oneof(
    fc.record({ key: fc.constantFrom(...keys), op: fc.constant('In' as const), values: fc.subarray(vals, { minLength: 1 }) }),
    fc.record({ key: fc.constantFrom(...keys), op: fc.constant('NotIn' as const), values: fc.subarray(vals, { minLength: 1 }) }),
    fc.record({ key: fc.constantFrom(...keys), op: fc.constantFrom('Exists' as const, 'DoesNotExist' as const), values: fc.constant([] as string[]) }),
  );
const podConj: fc.Arbitrary<LabelConj> = fc.array(req(['app', 'tier'], ['w', 'd']), { maxLength: 2 });
const nsConj: fc.Arbitrary<LabelConj> = fc.oneof(
  fc.constantFrom(...NS_NAMES).map((n) => [{ key: NAME, op: 'In' as const, values: [n] }]),
  fc.array(req(['team'], ['x', 'y']), { maxLength: 1 }),
  fc.constant([] as LabelConj),
  fc.subarray(NS_NAMES, { minLength: 1 }).map((ns) => [{ key: NAME, op: 'NotIn' as const, values: ns }]),
);
const blocks: fc.Arbitrary<CidrBlock[]> = fc.constantFrom<CidrBlock[]>(
  [{ cidr: '10.0.0.0/30', except: [] }],
  [{ cidr: '10.0.0.0/8', except: ['10.0.0.2/32'] }],
  [{ cidr: '203.0.113.0/24', except: [] }],
  [{ cidr: '0.0.0.0/0', except: [] }],
);
const opaque = (p: number): fc.Arbitrary<Opaque[]> =>
  fc.integer({ min: 0, max: 99 }).map((n) => (n < p ? [{ code: 'test/opaque', message: 'opaque', path: [], kind: 'narrows' as const }] : []));

const peer = (cni: Cni): fc.Arbitrary<Peer> => {
  const ids: fc.Arbitrary<PeerIdentity>[] = [
    fc.record({ kind: fc.constant('pods' as const), namespaces: nsConj, pods: podConj }),
    fc.constant({ kind: 'any' as const }),
    fc.constantFrom<PeerIdentity>({ kind: 'entity', name: 'host', code: 'x' }, { kind: 'entity', name: 'remote-node', code: 'x' }, { kind: 'entity', name: 'nodes', code: 'x' }),
  ];
  if (cni === 'cilium') ids.push(fc.constant<PeerIdentity>({ kind: 'world' }));
  return fc.record({ identity: fc.oneof(...ids), addresses: fc.option(blocks, { nil: undefined }), opaque: opaque(8), path: fc.constant([]) }).map((p) => {
    const out: Peer = { identity: p.identity, opaque: p.opaque, path: [] };
    if (p.addresses && p.identity.kind !== 'entity') out.addresses = p.addresses;
    return out;
  });
};
const ports: fc.Arbitrary<'all' | ProtoPorts[]> = fc.oneof(
  fc.constant('all' as const),
  fc.subarray<ProtoPorts>(
    [
      { protocol: 'TCP', ranges: [[80, 80]] },
      { protocol: 'TCP', ranges: [[80, 81]] },
      { protocol: 'UDP' },
      { protocol: 'TCP', ranges: [], named: ['http'] },
      { protocol: 'TCP', ranges: [[443, 443]] },
    ],
    { minLength: 1, maxLength: 2 },
  ),
);
const actions: Record<Cni, RuleAction[]> = { native: ['allow'], calico: ['allow', 'allow', 'deny', 'pass', 'log'], cilium: ['allow', 'allow', 'deny'] };
const rule = (cni: Cni): fc.Arbitrary<ModelRule> =>
  fc.record({
    action: fc.constantFrom(...actions[cni]),
    peers: fc.oneof({ weight: 1, arbitrary: fc.constant('any' as const) }, { weight: 3, arbitrary: fc.array(peer(cni), { maxLength: 2 }) }),
    ports,
    opaque: opaque(6),
    path: fc.constant([]),
  });
const direction = (cni: Cni): fc.Arbitrary<DirectionPolicy | undefined> =>
  fc.option(
    fc.record({ isolates: cni === 'cilium' ? fc.boolean() : fc.constant(true), rules: fc.array(rule(cni), { maxLength: 3 }), path: fc.constant([]) }),
    { nil: undefined, freq: 3 },
  );

let serial = 0;
const policy = (cni: Cni): fc.Arbitrary<ModelPolicy> =>
  fc
    .record({
      ns: fc.option(fc.constantFrom(...NS_NAMES), { nil: null, freq: cni === 'native' ? 1000 : 4 }),
      nsc: nsConj,
      pods: podConj,
      subjectOpaque: opaque(6),
      ingress: direction(cni),
      egress: direction(cni),
      tier: fc.constantFrom('t1', 'default'),
      order: fc.constantFrom(100, 200, Number.POSITIVE_INFINITY),
      pass: fc.boolean(),
    })
    .map((g) => {
      const name = `p${serial++}`;
      const namespaces: LabelConj = g.ns !== null ? [{ key: NAME, op: 'In', values: [g.ns] }] : g.nsc;
      const p: ModelPolicy = {
        cni,
        source: { file: 'gen', documentIndex: 0, basePath: [], line: 1, column: 1, ref: { apiVersion: 'x', kind: 'K', name, ...(g.ns ? { namespace: g.ns } : {}) } },
        part: 0,
        partPath: [],
        namespace: g.ns,
        subject: { terms: [{ namespaces, pods: g.pods }], opaque: cni === 'native' ? [] : g.subjectOpaque, path: [] },
      };
      if (cni === 'native') {
        // native: allow rules, no opaque
        for (const d of ['ingress', 'egress'] as const) {
          const dp = g[d];
          if (dp) p[d] = { ...dp, isolates: true, rules: dp.rules.map((r) => ({ ...r, opaque: [], peers: r.peers === 'any' ? 'any' : r.peers.map((x) => ({ ...x, opaque: [] })) })) };
        }
      } else {
        if (g.ingress) p.ingress = g.ingress;
        if (g.egress) p.egress = g.egress;
      }
      if (cni === 'calico') {
        p.calicoOrder = { tier: g.tier, tierOrder: g.tier === 't1' ? 100 : 1_000_000, order: g.order, tieKey: `${name}/${g.ns ?? ''}/K` };
        p.tierDefaultPass = g.tier === 't1' && g.pass;
      }
      return p;
    });

const policies = (cni: Cni, max: number): fc.Arbitrary<ModelPolicy[]> =>
  fc.tuple(fc.array(policy(cni), { minLength: 0, maxLength: max }), fc.array(policy('native'), { maxLength: cni === 'native' ? 0 : 1 })).map(([a, b]) => [...a, ...b]);

// ----- clusters

const cluster: fc.Arbitrary<Cluster> = fc
  .record({
    namespaces: fc.subarray(['a', 'b', 'c', 'z'], { minLength: 2, maxLength: 3 }),
    teams: fc.array(fc.constantFrom('x', 'y', undefined), { minLength: 4, maxLength: 4 }),
    pods: fc.array(
      fc.record({ ns: fc.nat(2), app: fc.constantFrom('w', 'd', undefined), tier: fc.constantFrom('w', 'd', undefined), http: fc.constantFrom(80, 81, undefined) }),
      { minLength: 2, maxLength: 4 },
    ),
  })
  .map((g) => {
    const pods: ClusterPod[] = g.pods.map((p, i) => {
      const labels: Record<string, string> = {};
      if (p.app) labels.app = p.app;
      if (p.tier) labels.tier = p.tier;
      const pod: ClusterPod = { namespace: g.namespaces[p.ns % g.namespaces.length]!, name: `p${i}`, labels, ip: `10.0.0.${i + 1}` };
      if (p.http) pod.ports = [{ name: 'http', port: p.http, protocol: 'TCP' }];
      return pod;
    });
    const out: Cluster = {
      namespaces: g.namespaces.map((name, i): Cluster['namespaces'][number] => ({ name, labels: g.teams[i] ? { team: g.teams[i]!, [NAME]: name } : { [NAME]: name } })),
      pods,
    };
    return out;
  });

const PROBES: Array<Pick<Connection, 'protocol' | 'port'>> = [
  { protocol: 'TCP', port: 80 },
  { protocol: 'TCP', port: 81 },
  { protocol: 'TCP', port: 443 },
  { protocol: 'UDP', port: 80 },
  { protocol: 'ICMP' },
];
const OUTSIDE: ConnEndpoint[] = [{ ip: '203.0.113.7' }, { ip: '10.0.0.9' }, { entity: 'host' }, { entity: 'remote-node' }];

function connections(c: Cluster, outside: ConnEndpoint[] = OUTSIDE): Connection[] {
  const ends: ConnEndpoint[] = c.pods.map((p) => ({ pod: `${p.namespace}/${p.name}` }));
  const out: Connection[] = [];
  for (const probe of PROBES) {
    for (const from of [...ends, ...outside]) {
      for (const to of [...ends, ...outside]) {
        if (from === to || (!('pod' in from) && !('pod' in to))) continue;
        out.push({ from, to, ...probe });
      }
    }
  }
  return out;
}

const describeConn = (c: Connection) => JSON.stringify(c);

const stats: Record<string, number> = {};

describe('verify: property tests (symbolic engine vs concrete evaluator)', function () {
  this.timeout(120_000);
  after(() => {
    if (process.env.NETPOL_FUZZ_STATS) console.log(stats);
  });

  for (const cni of ['native', 'calico', 'cilium'] as const) {
    it(`symbolic allowed sets classify every connection like the concrete evaluator (${cni}; with and without subject atoms)`, () => {
      fc.assert(
        fc.property(policies(cni, 4), cluster, (ps, c) => {
          const space = makeSpace();
          const cells = new Cells(space, mentionedNamespaces(ps));
          const atoms = new Analysis(space, cells, [ps]);
          const plain = new Analysis(space, cells, [ps], { maxAtoms: 0 });
          for (const conn of connections(c)) {
            const concrete = evaluateConnection(ps, c, conn);
            for (const [name, sets] of [['atoms', atoms], ['plain', plain]] as const) {
              const symbolic = symbolicVerdict(sets, c, conn);
              if (concrete !== symbolic) throw new Error(`${describeConn(conn)}: concrete ${concrete}, symbolic (${name}) ${symbolic}`);
            }
          }
        }),
        { seed: seed(20240611), numRuns: RUNS },
      );
    });
  }

  it('with a known cluster CIDR: symbolic classification and reported differences match the concrete evaluator', () => {
    const options = { clusterCidrs: ['10.0.0.0/24'] };
    const outside = OUTSIDE.filter((e) => !('ip' in e) || !e.ip.startsWith('10.0.0.'));
    fc.assert(
      fc.property(fc.constantFrom('native', 'calico', 'cilium' as const).chain((cni) => policies(cni, 3)), policies('native', 3), cluster, (before, after, c) => {
        const space = makeSpace(options);
        const sets = new Analysis(space, new Cells(space, mentionedNamespaces(before)), [before], options);
        let narrower = false;
        let wider = false;
        for (const conn of connections(c, outside)) {
          const vb = evaluateConnection(before, c, conn);
          const va = evaluateConnection(after, c, conn);
          expect(symbolicVerdict(sets, c, conn), describeConn(conn)).to.equal(vb);
          if (vb === 'allow' && va === 'deny') narrower = true;
          if (vb === 'deny' && va === 'allow') wider = true;
        }
        const r = compareAllowed(before, after, { ...options, maxWitnesses: 2 });
        expect(r.unconfirmed).to.equal(0);
        if (narrower) expect(r.narrower.length).to.be.greaterThan(0);
        if (wider) expect(r.wider.length).to.be.greaterThan(0);
      }),
      { seed: seed(20240613), numRuns: Math.ceil(RUNS / 2) },
    );
  });

  for (const cni of ['native', 'calico', 'cilium'] as const) {
    it(`compareAllowed: witnesses are real, and every concrete difference is reported (${cni} → native)`, () => {
      fc.assert(
        fc.property(policies(cni, 3), policies('native', 3), cluster, (before, after, c) => {
          const r = compareAllowed(before, after, { maxWitnesses: 3, maxAtoms: serial % 3 === 0 ? 0 : 256 });
          expect(r.unconfirmed, 'unconfirmed symbolic points').to.equal(0);
          for (const w of r.narrower) {
            expect(evaluateConnection(before, w.cluster, w.connection)).to.equal('allow');
            expect(evaluateConnection(after, w.cluster, w.connection)).to.equal('deny');
          }
          for (const w of r.wider) {
            expect(evaluateConnection(before, w.cluster, w.connection)).to.equal('deny');
            expect(evaluateConnection(after, w.cluster, w.connection)).to.equal('allow');
          }
          for (const u of r.unknown) {
            const vb = evaluateConnection(before, u.witness.cluster, u.witness.connection);
            const va = evaluateConnection(after, u.witness.cluster, u.witness.connection);
            expect(vb === 'unknown' || va === 'unknown').to.equal(true);
          }
          let narrower = false;
          let wider = false;
          let unknown = false;
          for (const conn of connections(c)) {
            const vb = evaluateConnection(before, c, conn);
            const va = evaluateConnection(after, c, conn);
            if (vb === 'allow' && va === 'deny') narrower = true;
            if (vb === 'deny' && va === 'allow') wider = true;
            if (vb === 'unknown' || va === 'unknown') unknown = true;
          }
          if (narrower) expect(r.narrower.length, 'narrower reported').to.be.greaterThan(0);
          if (wider) expect(r.wider.length, 'wider reported').to.be.greaterThan(0);
          if (unknown) expect(r.verdict, 'unknown reported').to.not.equal('exact');
          stats[`${cni}:${r.verdict}`] = (stats[`${cni}:${r.verdict}`] ?? 0) + 1;
          if (narrower || wider || unknown) stats[`${cni}:concrete-diff`] = (stats[`${cni}:concrete-diff`] ?? 0) + 1;
        }),
        { seed: seed(20240612), numRuns: RUNS },
      );
    });
  }
});
