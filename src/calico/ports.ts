/**
 * Calico protocols and ports (calico-semantics §4.2, §7): a digit string is a number, `"A:B"` a range, anything
 * else a named port; numeric ports need TCP, UDP or SCTP; a named port without protocol matches any protocol (T36).
 */
import type { ProtoPorts, Protocol } from '../model/policy.js';
import { ALL_PORTS, isValidPortName, normalizeProtoPorts, normalizeRanges, subtractRanges, type Range } from '../model/ports.js';

export type CalicoProtocol = { kind: 'port'; protocol: Protocol } | { kind: 'other'; name: string; number: number };

const PROTOCOL_NUMBERS: Record<string, number> = { TCP: 6, UDP: 17, ICMP: 1, ICMPv6: 58, SCTP: 132, UDPLite: 136 };
const PORT_PROTOCOL_BY_NUMBER: Record<number, Protocol> = { 6: 'TCP', 17: 'UDP', 132: 'SCTP' };

/** Parses a protocol as Calico's validator accepts it: exact-case names or numbers 1–255 (numeric strings too). */
export function parseProtocol(v: unknown): CalicoProtocol | string {
  let num: number | undefined;
  if (typeof v === 'number') num = v;
  else if (typeof v === 'string' && /^[0-9]+$/.test(v)) num = Number(v);
  else if (typeof v === 'string' && v in PROTOCOL_NUMBERS) num = PROTOCOL_NUMBERS[v];
  if (num === undefined || !Number.isInteger(num) || num < 1 || num > 255) return `invalid protocol ${JSON.stringify(v)}`;
  const p = PORT_PROTOCOL_BY_NUMBER[num];
  if (p) return { kind: 'port', protocol: p };
  const name = Object.entries(PROTOCOL_NUMBERS).find(([, n]) => n === num)?.[0] ?? String(num);
  return { kind: 'other', name, number: num };
}

export type CalicoPort = { kind: 'range'; range: Range } | { kind: 'name'; name: string };

export function parsePort(v: unknown): CalicoPort | string {
  if (typeof v === 'number') {
    if (!Number.isInteger(v) || v < 1 || v > 65535) return `invalid port ${v}`;
    return { kind: 'range', range: [v, v] };
  }
  if (typeof v !== 'string') return `invalid port ${JSON.stringify(v)}`;
  if (/^[0-9]+$/.test(v)) return parsePort(Number(v)); // T38: "8080" is the number 8080
  const m = /^([0-9]+):([0-9]+)$/.exec(v);
  if (m) {
    const a = Number(m[1]);
    const b = Number(m[2]);
    if (a < 1 || b > 65535 || a > b) return `invalid port range "${v}"`;
    return { kind: 'range', range: [a, b] };
  }
  if (!isValidPortName(v)) return `invalid port name "${v}"`;
  return { kind: 'name', name: v };
}

export type PortResult =
  | { kind: 'ports'; ports: 'all' | ProtoPorts[] }
  /** The L4 part is real but not native (ICMP, other protocol numbers, "all but X"): the rule is dropped. */
  | { kind: 'not-native'; code: string; message: string; widenTo: 'all' | ProtoPorts[] }
  /** Named ports in notPorts. */
  | { kind: 'unrepresentable'; code: string; message: string }
  | { kind: 'invalid'; message: string };

export interface PortInput {
  protocol?: unknown;
  notProtocol?: unknown;
  ports?: unknown[];
  notPorts?: unknown[];
}

export function lowerPorts(input: PortInput): PortResult {
  const proto = input.protocol === undefined ? undefined : parseProtocol(input.protocol);
  if (typeof proto === 'string') return { kind: 'invalid', message: proto };
  const notProto = input.notProtocol === undefined ? undefined : parseProtocol(input.notProtocol);
  if (typeof notProto === 'string') return { kind: 'invalid', message: notProto };
  const ports: CalicoPort[] = [];
  for (const p of input.ports ?? []) {
    const parsed = parsePort(p);
    if (typeof parsed === 'string') return { kind: 'invalid', message: parsed };
    ports.push(parsed);
  }
  const notPorts: CalicoPort[] = [];
  for (const p of input.notPorts ?? []) {
    const parsed = parsePort(p);
    if (typeof parsed === 'string') return { kind: 'invalid', message: parsed };
    notPorts.push(parsed);
  }
  const numeric = (list: CalicoPort[]) => list.filter((p): p is { kind: 'range'; range: Range } => p.kind === 'range').map((p) => p.range);
  const named = (list: CalicoPort[]) => list.filter((p): p is { kind: 'name'; name: string } => p.kind === 'name').map((p) => p.name);
  const hasNumeric = numeric(ports).length + numeric(notPorts).length > 0;
  if (hasNumeric && (proto === undefined || proto.kind !== 'port')) {
    // calico §4.11: numeric ports need protocol TCP, UDP or SCTP
    return { kind: 'invalid', message: 'numeric ports need protocol TCP, UDP or SCTP' };
  }
  if (named(notPorts).length > 0) {
    return { kind: 'unrepresentable', code: 'calico/not-ports-named', message: `named ports in notPorts (${named(notPorts).join(', ')}) need a pod inventory to complement` };
  }
  const sameProto = (a: CalicoProtocol | undefined, b: CalicoProtocol | undefined) =>
    a !== undefined && b !== undefined && (a.kind === 'port' ? a.protocol : a.number) === (b.kind === 'port' ? b.protocol : b.number);

  if (proto !== undefined && proto.kind === 'other') {
    if (ports.length > 0 || notPorts.length > 0) return { kind: 'invalid', message: `protocol ${proto.name} does not take ports` };
    if (sameProto(proto, notProto)) return { kind: 'ports', ports: [] };
    return { kind: 'not-native', code: 'calico/protocol-not-native', message: `protocol ${proto.name} has no NetworkPolicy form`, widenTo: 'all' };
  }
  if (proto !== undefined && proto.kind === 'port') {
    if (sameProto(proto, notProto)) return { kind: 'ports', ports: [] }; // protocol X and not X: matches nothing
    let ranges: Range[] | undefined = ports.length > 0 ? normalizeRanges(numeric(ports)) : undefined;
    const names = named(ports);
    if (notPorts.length > 0) ranges = subtractRanges(ranges ?? [ALL_PORTS], numeric(notPorts));
    if (ports.length > 0 && ranges !== undefined && ranges.length === 0 && names.length === 0) return { kind: 'ports', ports: [] };
    const pp: ProtoPorts = { protocol: proto.protocol };
    if (ranges !== undefined) pp.ranges = ranges;
    if (names.length > 0) {
      pp.named = names;
      if (pp.ranges === undefined) pp.ranges = [];
    }
    if (ranges !== undefined && ranges.length === 0 && names.length === 0) return { kind: 'ports', ports: [] };
    return { kind: 'ports', ports: normalizeProtoPorts([pp]) };
  }
  // No protocol: only named ports are possible, and they match that name on any protocol (T36).
  const protocols = (['TCP', 'UDP', 'SCTP'] as Protocol[]).filter(
    (p) => !(notProto && notProto.kind === 'port' && notProto.protocol === p),
  );
  if (ports.length > 0) {
    return { kind: 'ports', ports: normalizeProtoPorts(protocols.map((p) => ({ protocol: p, ranges: [], named: named(ports) }))) };
  }
  if (notProto !== undefined) {
    const all = protocols.map((p) => ({ protocol: p }) as ProtoPorts);
    return {
      kind: 'not-native',
      code: 'calico/not-protocol',
      message: `notProtocol ${notProto.kind === 'port' ? notProto.protocol : notProto.name} without ports also matches protocols NetworkPolicy cannot name`,
      widenTo: notProto.kind === 'port' ? all : 'all',
    };
  }
  return { kind: 'ports', ports: 'all' };
}
