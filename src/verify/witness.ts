/**
 * Turns a box of the connection space (a = source, b = destination) into one concrete connection in a concrete
 * cluster of two pods at most, and describes it in a sentence. Returns null when no point of the box can exist
 * (e.g. both ends in the same namespace with contradicting namespace labels).
 */
import { NAMESPACE_NAME_LABEL, type Protocol } from '../model/policy.js';
import { formatIp } from '../model/cidr.js';
import type { Cluster, ClusterPod, ConnEndpoint, ConnProtocol, Connection } from './cluster.js';
import { HOST_ENTITY, isNamedPortKey, OTHER_PROTOCOLS_POINT, parseNamedPortKey, PROTO_SPAN } from './common.js';
import { ALL_IPV4, ipFromPoint, ipPoint, ivAnd, ivContains, ivEqual, V6_OFFSET } from './intervals.js';
import { ABSENT, lbAnd, vsHas, type LabelBox, type ValueSet } from './labelset.js';
import type { Box, Ep, PortSet, Space } from './space.js';

/** One end of a witness connection. */
export type WitnessEndpoint =
  | {
      kind: 'pod';
      namespace: string;
      /** Namespace labels (with `kubernetes.io/metadata.name`). */
      namespaceLabels: Record<string, string>;
      labels: Record<string, string>;
      ip: string;
      /** Named container ports the witness relies on. */
      namedPorts?: Array<{ name: string; protocol: Protocol; port: number }>;
    }
  | { kind: 'ip'; ip: string }
  | { kind: 'entity'; name: string };

export interface RealizedConnection {
  from: WitnessEndpoint;
  to: WitnessEndpoint;
  protocol: ConnProtocol;
  port?: number;
  cluster: Cluster;
  connection: Connection;
  /** Phrases for the two ends, e.g. `pod with labels {app=web} in namespace prod`. */
  fromText: string;
  toText: string;
  portText: string;
}

const PREFERRED_PORTS = [80, 443, 8080, 53, 81, 22, 5432];
const PROTOCOLS: Protocol[] = ['TCP', 'UDP', 'SCTP'];

function pickPort(ports: PortSet, protocol: Protocol | undefined): { protocol: ConnProtocol; port?: number } | null {
  const protos = protocol ? [protocol] : PROTOCOLS;
  for (const p of protos) {
    const base = PROTOCOLS.indexOf(p) * PROTO_SPAN;
    for (const port of PREFERRED_PORTS) if (ivContains(ports, base + port)) return { protocol: p, port };
  }
  for (const p of protos) {
    const base = PROTOCOLS.indexOf(p) * PROTO_SPAN;
    for (const [lo, hi] of ports) {
      const from = Math.max(lo, base + 1);
      if (from <= Math.min(hi, base + 65535)) return { protocol: p, port: from - base };
    }
  }
  if (!protocol && ivContains(ports, OTHER_PROTOCOLS_POINT)) return { protocol: 'ICMP' };
  return null;
}

function freshValue(set: ValueSet, prefix: string): string {
  for (let i = 0; i < 1000; i++) {
    const v = i === 0 ? prefix : `${prefix}${i}`;
    if (vsHas(set, v)) return v;
  }
  throw new Error('no fresh value');
}

/** The simplest label map in a box: absent where allowed, else the first allowed value, else a fresh one. */
function pickLabels(box: LabelBox, skip: (key: string) => boolean): Record<string, string> | null {
  const out: Record<string, string> = {};
  for (const key of [...box.keys()].sort()) {
    if (skip(key)) continue;
    const set = box.get(key)!;
    if (vsHas(set, ABSENT)) continue;
    if (!set.neg) {
      const v = set.vals.find((x) => x !== ABSENT);
      if (v === undefined) return null;
      out[key] = v;
    } else out[key] = freshValue(set, 'other');
  }
  return out;
}

function nameCandidates(box: LabelBox, taken: string[]): string[] {
  const set = box.get(NAMESPACE_NAME_LABEL);
  if (set && !set.neg) return set.vals.filter((v) => v !== ABSENT).slice(0, 4);
  const out: string[] = [];
  for (let i = 0; out.length < 2 && i < 1000; i++) {
    const v = `ns-${String.fromCharCode(97 + (i % 26))}${i >= 26 ? Math.floor(i / 26) : ''}`;
    if ((!set || vsHas(set, v)) && !taken.includes(v)) out.push(v);
  }
  return out;
}

const POD_IP_CANDIDATES = ['10.0.0.1', '10.0.0.2', '10.0.0.3', '192.168.0.10', '192.168.0.11', '172.16.0.10', 'fd00::1', 'fd00::2'];
const EXT_IP_CANDIDATES = ['203.0.113.10', '198.51.100.10', '8.8.8.8', '1.1.1.1', '2001:db8::10'];

function pickIp(ips: readonly (readonly [bigint, bigint])[], candidates: string[], taken: Set<bigint>): string | null {
  for (const c of candidates) {
    const [fam, bits] = c.includes(':') ? [6, parseV6(c)] : [4, parseV4(c)];
    const v = ipPoint(fam as 4 | 6, bits);
    if (!taken.has(v) && ivContains(ips, v)) {
      taken.add(v);
      return c;
    }
  }
  for (const [lo, hi] of ips) {
    for (let v = hi > lo ? lo + 1n : lo, n = 0; v <= hi && n < 8; v++, n++) {
      if (taken.has(v)) continue;
      taken.add(v);
      const { family, bits } = ipFromPoint(v);
      return formatIp(family, bits);
    }
  }
  return null;
}

function parseV4(s: string): bigint {
  return s.split('.').reduce((acc, o) => (acc << 8n) | BigInt(Number(o)), 0n);
}
function parseV6(s: string): bigint {
  const [head, tail] = s.split('::') as [string, string | undefined];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = [...h, ...new Array<string>(8 - h.length - t.length).fill('0'), ...t];
  return groups.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g, 16)), 0n);
}

function labelText(labels: Record<string, string>): string {
  return `{${Object.keys(labels)
    .sort()
    .map((k) => `${k}=${labels[k]}`)
    .join(', ')}}`;
}

interface PodChoice {
  ns: string;
  nsLabels: Record<string, string>;
}

/** Realizes a box of the connection space; `space` gives the address universes. */
export function realize(space: Space, box: Box): RealizedConnection | null {
  const a = box.a.k === 'any' ? space.podU : box.a;
  const b = box.b.k === 'any' ? space.podU : box.b;
  // Named ports the destination must have on the chosen port.
  const named: Array<{ protocol: Protocol; name: string }> = [];
  if (b.k === 'pod') {
    for (const [k, set] of b.pod) {
      if (!isNamedPortKey(k)) continue;
      if (!vsHas(set, ABSENT)) named.push(parseNamedPortKey(k));
    }
  }
  const protos = [...new Set(named.map((n) => n.protocol))];
  if (protos.length > 1) return null;
  const port = pickPort(box.port, protos[0]);
  if (port === null) return null;

  // Namespaces.
  const taken = new Set<bigint>();
  let srcNs: PodChoice | undefined;
  let dstNs: PodChoice | undefined;
  const nsLabels = (box: LabelBox, name: string): Record<string, string> | null => {
    const l = pickLabels(box, (k) => k === NAMESPACE_NAME_LABEL);
    return l === null ? null : { ...l, [NAMESPACE_NAME_LABEL]: name };
  };
  if (a.k === 'pod' && b.k === 'pod') {
    const found = (() => {
      for (const sn of nameCandidates(a.ns, [])) {
        for (const dn of nameCandidates(b.ns, [sn])) {
          if (sn !== dn) {
            const sl = nsLabels(a.ns, sn);
            const dl = nsLabels(b.ns, dn);
            if (sl && dl) return [{ ns: sn, nsLabels: sl }, { ns: dn, nsLabels: dl }] as const;
          }
        }
      }
      for (const sn of nameCandidates(a.ns, [])) {
        const merged = lbAnd(a.ns, b.ns);
        if (merged === null) return null;
        const withName = lbAnd(merged, new Map([[NAMESPACE_NAME_LABEL, { neg: false, vals: [sn] }]]));
        if (withName === null) continue;
        const l = nsLabels(withName, sn);
        if (l) return [{ ns: sn, nsLabels: l }, { ns: sn, nsLabels: l }] as const;
      }
      return null;
    })();
    if (found === null) return null;
    [srcNs, dstNs] = found;
  } else if (a.k === 'pod') {
    const sn = nameCandidates(a.ns, [])[0];
    const l = sn === undefined ? null : nsLabels(a.ns, sn);
    if (!l || sn === undefined) return null;
    srcNs = { ns: sn, nsLabels: l };
  } else if (b.k === 'pod') {
    const dn = nameCandidates(b.ns, [])[0];
    const l = dn === undefined ? null : nsLabels(b.ns, dn);
    if (!l || dn === undefined) return null;
    dstNs = { ns: dn, nsLabels: l };
  }

  const cluster: Cluster = { namespaces: [], pods: [] };
  const addNs = (c: PodChoice) => {
    if (!cluster.namespaces.some((n) => n.name === c.ns)) cluster.namespaces.push({ name: c.ns, labels: c.nsLabels });
  };
  const end = (e: Ep, choice: PodChoice | undefined, podName: string, isDst: boolean): { w: WitnessEndpoint; c: ConnEndpoint; text: string } | null => {
    switch (e.k) {
      case 'pod': {
        const labels = pickLabels(e.pod, isNamedPortKey);
        if (labels === null || choice === undefined) return null;
        const ip = pickIp(e.ip, POD_IP_CANDIDATES, taken);
        if (ip === null) return null;
        const pod: ClusterPod = { namespace: choice.ns, name: podName, labels, ip };
        const w: WitnessEndpoint = { kind: 'pod', namespace: choice.ns, namespaceLabels: choice.nsLabels, labels, ip };
        if (isDst && named.length && port.port !== undefined) {
          pod.ports = named.map((n) => ({ name: n.name, protocol: n.protocol, port: port.port! }));
          w.namedPorts = pod.ports.map((p) => ({ name: p.name!, protocol: p.protocol, port: p.port }));
        }
        addNs(choice);
        cluster.pods.push(pod);
        return { w, c: { pod: `${choice.ns}/${podName}` }, text: podText(space, e, w, isDst) };
      }
      case 'ext': {
        const ip = pickIp(e.ip, EXT_IP_CANDIDATES, taken);
        if (ip === null) return null;
        return { w: { kind: 'ip', ip }, c: { ip }, text: `address ${ip} (outside the cluster)` };
      }
      case 'ent': {
        const name = e.name.neg ? [HOST_ENTITY, 'remote-node', 'kube-apiserver'].find((n) => vsHas(e.name, n)) ?? freshValue(e.name, 'entity') : e.name.vals.includes(HOST_ENTITY) ? HOST_ENTITY : e.name.vals[0]!;
        return { w: { kind: 'entity', name }, c: { entity: name }, text: name === HOST_ENTITY ? "the pod's own node (host)" : `the cluster entity ${name}` };
      }
      case 'any':
        return null;
    }
  };
  const src = end(a, srcNs, 'src', false);
  const dst = end(b, dstNs, 'dst', true);
  if (src === null || dst === null) return null;
  const portText = port.protocol === 'ICMP' ? 'ICMP (any protocol other than TCP, UDP, SCTP)' : `${port.protocol} ${port.port}`;
  const connection: Connection = { from: src.c, to: dst.c, protocol: port.protocol };
  if (port.port !== undefined) connection.port = port.port;
  const out: RealizedConnection = { from: src.w, to: dst.w, protocol: port.protocol, cluster, connection, fromText: src.text, toText: dst.text, portText };
  if (port.port !== undefined) out.port = port.port;
  return out;
}

/** Mention a pod's IP only when the witness needs it: its set is at most half of each family's pod addresses. */
function ipMatters(space: Space, ips: readonly (readonly [bigint, bigint])[]): boolean {
  if (ivEqual(ips, space.podIps)) return false;
  const size = (set: readonly (readonly [bigint, bigint])[]) => set.reduce((n, [a, b]) => n + (b - a + 1n), 0n);
  for (const fam of [ALL_IPV4, [[V6_OFFSET, V6_OFFSET + (1n << 128n) - 1n]] as const]) {
    const all = size(ivAnd(space.podIps, fam));
    if (all > 0n && size(ivAnd(ips, fam)) * 2n > all) return false;
  }
  return true;
}

function podText(space: Space, e: Extract<Ep, { k: 'pod' }>, w: Extract<WitnessEndpoint, { kind: 'pod' }>, isDst: boolean): string {
  const own = Object.keys(w.labels).length === 0 ? 'any pod' : isDst ? `pods ${labelText(w.labels)}` : `pod with labels ${labelText(w.labels)}`;
  const nameSet = e.ns.get(NAMESPACE_NAME_LABEL);
  const otherNs = Object.fromEntries(Object.entries(w.namespaceLabels).filter(([k]) => k !== NAMESPACE_NAME_LABEL));
  let where: string;
  if (nameSet && !nameSet.neg) where = `in namespace ${w.namespace}${Object.keys(otherNs).length ? ` (labels ${labelText(otherNs)})` : ''}`;
  else if (Object.keys(otherNs).length) where = `in a namespace with labels ${labelText(otherNs)} (e.g. ${w.namespace})`;
  else where = `in any namespace (e.g. ${w.namespace})`;
  const ip = ipMatters(space, e.ip) ? ` with IP ${w.ip}` : '';
  const ports = w.namedPorts?.length ? ` whose container port ${w.namedPorts.map((p) => p.name).join('/')} is that port` : '';
  return `${own} ${where}${ip}${ports}`;
}
