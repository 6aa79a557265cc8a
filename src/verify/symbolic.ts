/**
 * The symbolic allowed sets of one policy list: per direction and per namespace cell of the subject pod, computed
 * on demand (allowed.ts). Cells: one per namespace name any policy of the comparison mentions, plus one for every
 * other namespace, so that each box's subject namespace is fixed and the work is indexed by namespace.
 *
 * `symbolicVerdict` classifies one concrete connection with these sets: the symbolic counterpart of
 * `evaluateConnection`, used to test the engine against the concrete evaluator.
 */
import { addTo } from '../model/multimap.js';
import type { LabelConj } from '../model/labels.js';
import { NAMESPACE_NAME_LABEL, type Direction, type ModelPolicy, type Peer } from '../model/policy.js';
import { calicoAllowed, cellContext, ciliumAllowed, type Allowed, type CalicoTier, type CellContext } from './allowed.js';
import { tri } from './regions.js';
import { namespaceLabels, type Cluster, type ConnEndpoint, type Connection, type Verdict } from './cluster.js';
import { calicoChain, evaluationMode, namedPortKey, OTHER_PROTOCOLS_POINT, PROTO_INDEX, PROTO_SPAN, type Mode } from './common.js';
import { parseAddress } from './concrete-match.js';
import { ALL_IPS, ipPoint, ipsOfCidrs, ivContains, ivMinus } from './intervals.js';
import { ABSENT, lbHas, vs, vsHas } from './labelset.js';
import { policyRegions, type PolicyRegions } from './regions.js';
import { ALL_PORTS, ANY_EP, epKey, Space, type Box, type Ep } from './space.js';

export interface SpaceOptions {
  /** Address ranges of pods: pods have IPs inside, endpoints outside the cluster have IPs outside. */
  clusterCidrs?: string[];
  /** Most subject atoms per cell before the subject-aware path is used (tuning; default 256, 0 = never atoms). */
  maxAtoms?: number;
  /** The namespaces that exist (`--namespaces`): no other namespace is considered. */
  namespaces?: readonly string[];
}

export function makeSpace(options: SpaceOptions = {}): Space {
  const cidrs = options.clusterCidrs ?? [];
  const podIps = cidrs.length ? ipsOfCidrs(cidrs) : ALL_IPS;
  return new Space(podIps, cidrs.length ? ivMinus(ALL_IPS, podIps) : ALL_IPS, options.namespaces);
}

export interface Cell {
  /** The namespace name, or null for "every other namespace". */
  name: string | null;
  ctx: CellContext;
}

function namesOfConj(conj: LabelConj, into: Set<string>): void {
  for (const r of conj) if (r.key === NAMESPACE_NAME_LABEL) r.values.forEach((v) => into.add(v));
}

/** Namespace names the policies mention (their namespaces and every namespace-name requirement). */
export function mentionedNamespaces(policies: readonly ModelPolicy[]): Set<string> {
  const names = new Set<string>();
  const peer = (p: Peer) => {
    if (p.identity.kind === 'pods') namesOfConj(p.identity.namespaces, names);
  };
  for (const p of policies) {
    if (p.namespace) names.add(p.namespace);
    for (const t of p.subject.terms) namesOfConj(t.namespaces, names);
    for (const d of ['ingress', 'egress'] as const) for (const r of p[d]?.rules ?? []) if (r.peers !== 'any') r.peers.forEach(peer);
  }
  return names;
}

export class Cells {
  readonly list: Cell[];
  readonly names: string[];
  private readonly index = new Map<string, number>();

  constructor(space: Space, names: Iterable<string>) {
    this.names = [...new Set(names)].sort();
    this.list = this.names.map((name) => ({ name, ctx: cellContext(space, new Map([[NAMESPACE_NAME_LABEL, vs(false, [name])]])) }));
    this.names.forEach((n, i) => this.index.set(n, i));
    this.list.push({ name: null, ctx: cellContext(space, new Map([[NAMESPACE_NAME_LABEL, vs(true, [ABSENT, ...this.names])]])) });
  }

  /** The cell of a namespace name. */
  of(name: string): number {
    return this.index.get(name) ?? this.list.length - 1;
  }

  /** Cells a pod endpoint set's namespace may fall in. */
  ofEp(e: Ep): number[] {
    const all = this.list.map((_, i) => i);
    if (e.k !== 'pod') return all;
    const set = e.ns.get(NAMESPACE_NAME_LABEL);
    if (!set || set.neg) return all.filter((i) => i === this.list.length - 1 || !set || !set.vals.includes(this.names[i]!));
    const out = set.vals.map((v) => this.index.get(v)).filter((i): i is number => i !== undefined);
    if (set.vals.some((v) => v !== ABSENT && !this.index.has(v))) out.push(this.list.length - 1);
    return out;
  }
}

const MAX_ATOMS = 256;

/**
 * The subject pods of one cell that every policy of the comparison either selects or not, with the allowed sets
 * of each side for them. `atoms` null: the boxes carry the subject themselves (fallback path); otherwise every box
 * has the whole pod universe as subject and stands for each atom.
 */
export interface Group {
  atoms: Ep[] | null;
  sides: Allowed[];
}

interface SideData {
  mode: Mode;
  regions: PolicyRegions[];
  chains: Record<Direction, Array<{ defaultPass: boolean; policies: PolicyRegions[] }>>;
  /** Calico: place of each policy in the chain of a direction (tier index, position). */
  place: Record<Direction, Map<ModelPolicy, [number, number]>>;
  global: PolicyRegions[];
  byName: Map<string, PolicyRegions[]>;
  rank: Map<PolicyRegions, number>;
}

function sideData(space: Space, policies: readonly ModelPolicy[]): SideData {
  const mode = evaluationMode(policies);
  const regions = policies.map((p) => policyRegions(space, p));
  const d: SideData = { mode, regions, chains: { ingress: [], egress: [] }, place: { ingress: new Map(), egress: new Map() }, global: [], byName: new Map(), rank: new Map() };
  regions.forEach((r, i) => d.rank.set(r, i));
  for (const pr of regions) {
    if (pr.subjectNames === null) d.global.push(pr);
    else for (const n of pr.subjectNames) addTo(d.byName, n, pr);
  }
  if (mode === 'calico') {
    const byPolicy = new Map(regions.map((r) => [r.policy, r]));
    for (const dir of ['ingress', 'egress'] as const) {
      d.chains[dir] = calicoChain(policies, dir).map((t) => ({ defaultPass: t.defaultPass, policies: t.policies.map((p) => byPolicy.get(p)!) }));
      d.chains[dir].forEach((t, ti) => t.policies.forEach((p, pi) => d.place[dir].set(p.policy, [ti, pi])));
    }
  }
  return d;
}

/** Policies of a side that may select pods of the cell in the direction, in input order. */
function relevantOf(d: SideData, cell: Cell, direction: Direction): PolicyRegions[] {
  const named = cell.name === null ? [] : (d.byName.get(cell.name) ?? []);
  let list: PolicyRegions[];
  if (named.length === 0) list = d.global;
  else if (d.global.length === 0) list = named;
  else list = [...new Set([...named, ...d.global])].sort((a, b) => d.rank.get(a)! - d.rank.get(b)!);
  return list.filter((p) => p[direction] !== undefined);
}

/**
 * The allowed sets of one or more policy lists (the sides of a comparison), per direction and cell, computed on
 * demand. Inside a cell the subject pods are cut into atoms by every subject selector (and named-port condition on
 * the subject) of every side; atoms that the same policies select share one computation in which the subject is
 * fixed, so the tier walk and the formulas only split peers and ports.
 */
export class Analysis {
  readonly modes: Mode[];
  private readonly data: SideData[];
  private readonly cache = new Map<string, Group[]>();
  private readonly expanded = new Map<string, Box[]>();
  private readonly groupCtx: CellContext;

  constructor(
    readonly space: Space,
    readonly cells: Cells,
    readonly sides: ReadonlyArray<readonly ModelPolicy[]>,
    private readonly options: SpaceOptions = {},
  ) {
    this.data = sides.map((p) => sideData(space, p));
    this.modes = this.data.map((d) => d.mode);
    this.groupCtx = { space, cellNs: space.nsUniverse, univ: [{ a: space.podU, b: ANY_EP, port: ALL_PORTS }], whole: true };
  }

  groups(direction: Direction, cellIndex: number): Group[] {
    const key = `${direction}/${cellIndex}`;
    let v = this.cache.get(key);
    if (!v) {
      v = this.compute(direction, this.cells.list[cellIndex]!);
      this.cache.set(key, v);
    }
    return v;
  }

  /** The L or U set of one side in one cell as boxes with their real subjects. */
  boxes(side: number, direction: Direction, cellIndex: number, which: 'L' | 'U'): Box[] {
    const key = `${side}/${direction}/${cellIndex}/${which}`;
    let v = this.expanded.get(key);
    if (!v) {
      v = this.groups(direction, cellIndex).flatMap((g) => expand(g, g.sides[side]![which]));
      this.expanded.set(key, v);
    }
    return v;
  }

  private compute(direction: Direction, cell: Cell): Group[] {
    const { space } = this;
    const relevant = this.data.map((d) => relevantOf(d, cell, direction));
    const cellA = cell.ctx.univ[0]?.a;
    if (!cellA) return [];
    // Cuts: subject boxes, and subject parts of rule boxes (named ports on ingress).
    const cuts: Ep[] = [];
    for (const list of relevant) {
      for (const pr of list) {
        for (const b of [...pr.subject.L, ...pr.subject.U]) cuts.push(b.a);
        for (const r of pr[direction]!.rules) for (const b of [...r.m.L, ...r.m.U]) if (b.a !== space.podU) cuts.push(b.a);
      }
    }
    const atoms = refine(space, cellA, cuts, this.options.maxAtoms ?? MAX_ATOMS);
    if (atoms === null) {
      return [{ atoms: null, sides: this.data.map((d, i) => this.fullPath(d, relevant[i]!, direction, cell)) }];
    }
    const bySig = new Map<string, { atoms: Ep[]; views: PolicyRegions[][] }>();
    for (const atom of atoms) {
      const seen = relevant.map((list) => list.map((pr) => restrict(space, pr, direction, atom)).filter((x): x is Restricted => x !== null));
      const views = seen.map((list) => list.map((x) => x.view));
      const sig = seen.map((list) => list.map((x) => x.key).join(';')).join('|');
      const g = bySig.get(sig);
      if (g) g.atoms.push(atom);
      else bySig.set(sig, { atoms: [atom], views });
    }
    const memo = new Map<string, Allowed>();
    const out: Group[] = [];
    for (const [sig, g] of bySig) {
      const parts = sig.split('|');
      const sides = this.data.map((d, i) => {
        const k = `${i}:${parts[i]}`;
        let a = memo.get(k);
        if (!a) {
          a = this.sideAllowed(d, g.views[i]!, direction, this.groupCtx);
          memo.set(k, a);
        }
        return a;
      });
      out.push({ atoms: g.atoms, sides });
    }
    return out;
  }

  private sideAllowed(d: SideData, views: PolicyRegions[], direction: Direction, ctx: CellContext): Allowed {
    if (d.mode !== 'calico') return ciliumAllowed(views, direction, ctx);
    const placed = views.map((v) => ({ v, at: d.place[direction].get(v.policy)! })).sort((x, y) => x.at[0] - y.at[0] || x.at[1] - y.at[1]);
    const chain: CalicoTier[] = [];
    let last = -1;
    for (const { v, at } of placed) {
      if (at[0] !== last) chain.push({ defaultPass: d.chains[direction][at[0]]!.defaultPass, policies: [] });
      last = at[0];
      chain[chain.length - 1]!.policies.push(v);
    }
    return calicoAllowed(chain, direction, ctx);
  }

  private fullPath(d: SideData, relevant: PolicyRegions[], direction: Direction, cell: Cell): Allowed {
    if (d.mode !== 'calico') return ciliumAllowed(relevant, direction, cell.ctx);
    return this.sideAllowed(d, relevant, direction, cell.ctx);
  }
}

/** Boxes of a group with their real subjects. */
export function expand(g: Group, boxes: readonly Box[]): Box[] {
  if (g.atoms === null) return [...boxes];
  return g.atoms.flatMap((a) => boxes.map((b) => ({ a, b: b.b, port: b.port })));
}

/** Cuts the cell's subject space into atoms; null when there would be too many. */
export function refine(space: Space, cellA: Ep, cuts: Ep[], max: number): Ep[] | null {
  if (max < 1) return null;
  let atoms: Ep[] = [cellA];
  const seen = new Set<string>();
  for (const c of cuts) {
    const k = epKey(c);
    if (seen.has(k)) continue;
    seen.add(k);
    const next: Ep[] = [];
    for (const atom of atoms) {
      if (space.epDisjoint(atom, c) || space.epSubset(atom, c)) next.push(atom);
      else {
        next.push(space.epAnd(atom, c)!);
        next.push(...space.epMinus(atom, c));
      }
    }
    atoms = next;
    if (atoms.length > max) return null;
  }
  return atoms;
}

const certain = (space: Space) => tri([{ a: space.podU, b: ANY_EP, port: ALL_PORTS }]);
const possible = (space: Space) => tri([], [{ a: space.podU, b: ANY_EP, port: ALL_PORTS }]);

function holds(space: Space, boxes: readonly Box[], atom: Ep): boolean {
  return boxes.some((b) => b.a === space.podU || space.epSubset(atom, b.a));
}

interface Restricted {
  view: PolicyRegions;
  /** Identity of the view: the policy, whether it surely selects, and which subject-dependent rule boxes apply. */
  key: string;
}

const ids = new WeakMap<object, number>();
let nextId = 0;
function idOf(o: object): number {
  let id = ids.get(o);
  if (id === undefined) {
    id = nextId++;
    ids.set(o, id);
  }
  return id;
}

/** The policy as seen by the pods of one atom (subject fixed); null when it does not select them. */
function restrict(space: Space, pr: PolicyRegions, direction: Direction, atom: Ep): Restricted | null {
  const sure = holds(space, pr.subject.L, atom);
  if (!sure && !holds(space, pr.subject.U, atom)) return null;
  const dr = pr[direction]!;
  const applies = (b: Box) => b.a === space.podU || space.epSubset(atom, b.a);
  const onAtom = (boxes: readonly Box[]): Box[] => boxes.filter(applies).map((b) => (b.a === space.podU ? b : { a: space.podU, b: b.b, port: b.port }));
  const keys: string[] = [];
  const rules = dr.rules.map((r) => {
    if (r.m.L.every((b) => b.a === space.podU) && r.m.U.every((b) => b.a === space.podU)) return r;
    keys.push(`${idOf(r)}:${r.m.L.map((b) => (applies(b) ? 1 : 0)).join('')}/${r.m.U.map((b) => (applies(b) ? 1 : 0)).join('')}`);
    const L = onAtom(r.m.L);
    return { ...r, m: r.m.exact ? tri(L) : tri(L, onAtom(r.m.U)) };
  });
  const view: PolicyRegions = { policy: pr.policy, subject: sure ? certain(space) : possible(space), subjectNames: null, [direction]: { isolates: dr.isolates, rules } };
  return { view, key: `${idOf(pr)}${sure ? 's' : 'p'}${keys.length ? `[${keys.join(',')}]` : ''}` };
}

// ----- classifying concrete points

type PointEp =
  | { k: 'pod'; ns: string; nsLabels: Record<string, string>; labels: Record<string, string>; ip: bigint | null }
  | { k: 'ext'; ip: bigint | null }
  | { k: 'ent'; name: string };

function epHas(e: Ep, p: PointEp): boolean {
  if (e.k === 'any') return true;
  if (e.k !== p.k) return false;
  switch (e.k) {
    case 'pod': {
      const q = p as Extract<PointEp, { k: 'pod' }>;
      return lbHas(e.ns, q.nsLabels) && lbHas(e.pod, q.labels) && (q.ip === null ? false : ivContains(e.ip, q.ip));
    }
    case 'ext': {
      const q = p as Extract<PointEp, { k: 'ext' }>;
      return q.ip !== null && ivContains(e.ip, q.ip);
    }
    case 'ent':
      return vsHas(e.name, (p as Extract<PointEp, { k: 'ent' }>).name);
  }
}

/** Is the point (subject, peer, port) in the union of per-direction boxes? */
export function pointIn(boxes: readonly Box[], subject: PointEp, peer: PointEp, port: number): boolean {
  return boxes.some((b) => ivContains(b.port, port) && epHas(b.a, subject) && epHas(b.b, peer));
}

function pointOf(cluster: Cluster, e: ConnEndpoint, dstPort: { protocol: string; port?: number } | null): PointEp {
  if ('entity' in e) return { k: 'ent', name: e.entity };
  const podOf = (ns: string, name: string): PointEp => {
    const pod = cluster.pods.find((p) => p.namespace === ns && p.name === name)!;
    const nsObj = cluster.namespaces.find((n) => n.name === ns) ?? { name: ns, labels: {} };
    const labels = { ...pod.labels };
    if (dstPort && dstPort.port !== undefined) {
      for (const cp of pod.ports ?? []) if (cp.name && cp.protocol === dstPort.protocol && cp.port === dstPort.port) labels[namedPortKey(cp.protocol, cp.name)] = '1';
    }
    const ip = parseAddress(pod.ip);
    return { k: 'pod', ns, nsLabels: namespaceLabels(nsObj), labels, ip: ip ? ipPoint(ip.family, ip.bits) : null };
  };
  if ('pod' in e) {
    const [ns, name] = e.pod.split('/') as [string, string];
    return podOf(ns, name);
  }
  const ip = parseAddress(e.ip);
  const owner = ip && cluster.pods.find((p) => {
    const q = parseAddress(p.ip);
    return q !== null && q.family === ip.family && q.bits === ip.bits;
  });
  if (owner) return podOf(owner.namespace, owner.name);
  return { k: 'ext', ip: ip ? ipPoint(ip.family, ip.bits) : null };
}

/** Side `side` of the analysis: its verdict on one concrete connection (see the module comment). */
export function symbolicVerdict(analysis: Analysis, cluster: Cluster, connection: Connection, side = 0): Verdict {
  const port = connection.protocol === 'ICMP' || connection.port === undefined ? OTHER_PROTOCOLS_POINT : PROTO_INDEX[connection.protocol] * PROTO_SPAN + connection.port;
  const src = pointOf(cluster, connection.from, null);
  const dst = pointOf(cluster, connection.to, connection);
  const sides: Verdict[] = [];
  const one = (direction: Direction, local: Extract<PointEp, { k: 'pod' }>, peer: PointEp) => {
    const groups = analysis.groups(direction, analysis.cells.of(local.ns));
    let v: Verdict = 'deny';
    for (const g of groups) {
      if (g.atoms !== null && !g.atoms.some((a) => epHas(a, local))) continue;
      const al = g.sides[side]!;
      v = pointIn(al.L, local, peer, port) ? 'allow' : pointIn(al.U, local, peer, port) ? 'unknown' : 'deny';
      break;
    }
    sides.push(v);
  };
  if (src.k === 'pod') one('egress', src, dst);
  if (dst.k === 'pod') one('ingress', dst, src);
  if (sides.includes('deny')) return 'deny';
  return sides.every((s) => s === 'allow') ? 'allow' : 'unknown';
}
