/**
 * The Cilium verdict vectors of cilium-semantics §10 through the concrete evaluator (Cilium semantics), and the
 * symbolic engine's classification of the same connections.
 */
import { expect } from 'chai';
import fs from 'node:fs';
import type { ModelPolicy } from '../../src/model/policy.js';
import type { Cluster, ConnEndpoint, Connection, Verdict } from '../../src/verify/cluster.js';
import { evaluateConnection } from '../../src/verify/concrete.js';
import { Analysis, Cells, makeSpace, mentionedNamespaces, symbolicVerdict } from '../../src/verify/symbolic.js';
import { lower } from '../fixtures/verify-lower.js';

interface PodSpec {
  ns: string;
  labels: Record<string, string>;
  ip?: string;
  namedPorts?: Record<string, { port: number; protocol: 'TCP' | 'UDP' | 'SCTP' }>;
}
interface Conn {
  from: string;
  to: string;
  protocol: string;
  port?: number;
  verdict: string;
  versions?: string;
  config?: object;
}
interface Vector {
  id: string;
  title: string;
  policies: object[] | string;
  pods: Record<string, PodSpec> | string;
  namespaceLabels?: Record<string, Record<string, string>>;
  connections: Conn[];
}

const data = JSON.parse(fs.readFileSync(new URL('../../../test/fixtures/verify-cilium-vectors.json', import.meta.url), 'utf8')) as { vectors: Vector[] };
const byId = new Map(data.vectors.map((v) => [v.id, v]));
const V06 = byId.get('V06')!;
const v06Policies = V06.policies as object[];
// V07–V09 reference V06's objects (cilium-semantics §10 note).
const expanded: Record<string, object[]> = {
  V07: [
    ...v06Policies.slice(0, 3),
    {
      apiVersion: 'cilium.io/v2',
      kind: 'CiliumNetworkPolicy',
      metadata: { name: 'deny-l3', namespace: 'default' },
      spec: { endpointSelector: { matchLabels: { app: 'server' } }, ingressDeny: [{ fromEndpoints: [{ matchLabels: { app: 'client' } }] }] },
    },
  ],
  V08: [v06Policies[3]!],
  V09: v06Policies.slice(0, 3),
};

/**
 * Connections whose documented verdict the model cannot reproduce, with what the evaluator says instead and why.
 * Everything else must match exactly.
 */
const DIVERGENT: Record<string, { verdict: Verdict; why: string }> = {
  'V16#0': { verdict: 'unknown', why: 'ICMP types are opaque (cilium/icmps)' },
  'V16#1': { verdict: 'unknown', why: 'ICMP types are opaque (cilium/icmps)' },
  'V16#2': { verdict: 'unknown', why: 'ICMP types are opaque (cilium/icmps)' },
  'V16#3': { verdict: 'unknown', why: 'the model has no "ICMP only" port set: the icmps rule is lowered as every protocol plus an opaque narrowing' },
  'V19#0': { verdict: 'unknown', why: 'fromRequires is opaque (and version-dependent)' },
  'V19#1': { verdict: 'unknown', why: 'fromRequires is opaque (and version-dependent)' },
  'V19#3': { verdict: 'unknown', why: 'the >=1.19 answer needs the object to be rejected; the lowering keeps fromRequires as opaque' },
  'V22#1': { verdict: 'allow', why: 'allowed-l7 with enableDefaultDeny false: the L4 connection is allowed (>= 1.18 wildcard)' },
  'V23#1': { verdict: 'allow', why: 'Cilium 1.16-1.17 behaviour; the evaluator follows >= 1.18' },
  'V30#1': { verdict: 'unknown', why: 'service-account subjects are opaque' },
  'V30#2': { verdict: 'unknown', why: 'service-account subjects are opaque' },
  'V33#2': { verdict: 'deny', why: 'policy-default-local-cluster=false (<= 1.18 configuration); the lowering follows the current default' },
  'V36#0': { verdict: 'unknown', why: 'toServices is opaque (resolved at run time)' },
};

function expected(c: Conn): Verdict {
  if (c.verdict === 'allowed') return 'allow';
  if (c.verdict === 'denied') return 'deny';
  if (c.verdict.startsWith('allowed-l7')) return 'unknown'; // L4 admitted, requests filtered: the model cannot say which
  throw new Error(`unexpected verdict ${c.verdict}`);
}

function endpoint(spec: string, pods: Record<string, PodSpec>): ConnEndpoint {
  if (spec.startsWith('pod:')) return { pod: `${pods[spec.slice(4)]!.ns}/${spec.slice(4)}` };
  if (spec.startsWith('ip:')) return { ip: spec.slice(3) };
  return { entity: spec };
}

describe('verify: Cilium verdict vectors (cilium-semantics §10)', () => {
  for (const v of data.vectors) {
    it(`${v.id}: ${v.title}`, () => {
      const objects = typeof v.policies === 'string' ? expanded[v.id]! : v.policies;
      const policies: ModelPolicy[] = objects.flatMap((o) => lower(o));
      const pods = typeof v.pods === 'string' ? (V06.pods as Record<string, PodSpec>) : v.pods;
      const nsNames = [...new Set(Object.values(pods).map((p) => p.ns))];
      const cluster: Cluster = {
        namespaces: nsNames.map((name) => ({ name, labels: { ...(v.namespaceLabels?.[name] ?? {}) } })),
        pods: Object.entries(pods).map(([name, p], i) => ({
          namespace: p.ns,
          name,
          labels: p.labels,
          ip: p.ip ?? `10.0.9.${i + 1}`,
          ports: Object.entries(p.namedPorts ?? {}).map(([n, x]) => ({ name: n, port: x.port, protocol: x.protocol })),
        })),
      };
      const space = makeSpace();
      const sets = new Analysis(space, new Cells(space, mentionedNamespaces(policies)), [policies]);
      v.connections.forEach((c, i) => {
        if (c.from === 'health' || c.to === 'health') return; // cilium-health endpoints are not pods
        const conn: Connection = { from: endpoint(c.from, pods), to: endpoint(c.to, pods), protocol: c.protocol.startsWith('ICMP') ? 'ICMP' : (c.protocol as Connection['protocol']) };
        if (c.port !== undefined) conn.port = c.port;
        const divergent = DIVERGENT[`${v.id}#${i}`];
        const want = divergent ? divergent.verdict : expected(c);
        const got = evaluateConnection(policies, cluster, conn);
        expect(got, `${v.id}#${i} ${c.from} -> ${c.to} ${c.protocol}/${c.port ?? ''}${divergent ? ` (${divergent.why})` : ''}`).to.equal(want);
        expect(symbolicVerdict(sets, cluster, conn), `symbolic ${v.id}#${i}`).to.equal(got);
      });
    });
  }
});
