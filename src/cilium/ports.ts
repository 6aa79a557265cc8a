/**
 * Cilium `toPorts[].ports` (cilium-semantics §6.1): protocol omitted or ANY means TCP, UDP and SCTP (T39); port "0"
 * means every port (T40); endPort applies only when greater than port and port is not 0 or a name (T41); names are
 * case-insensitive (T42).
 */
import { isPlainObject } from '../io/documents.js';
import type { ProtoPorts, Protocol } from '../model/policy.js';
import type { Range } from '../model/ports.js';

export const EXTENDED_PROTOCOLS = new Set(['VRRP', 'IGMP', 'GRE', 'IPIP', 'IPV6', 'ESP', 'AH']);
const PORT_PROTOCOLS = new Set(['TCP', 'UDP', 'SCTP']);

export type CiliumPortResult =
  | { kind: 'ports'; ports: ProtoPorts[]; notes: string[] }
  | { kind: 'extended'; protocol: string }
  | { kind: 'invalid'; message: string };

/** Cilium's `iana.IsSvcName`: at most 15 characters, letters and digits in '-'-separated runs, at least one letter. */
function isPortName(s: string): boolean {
  return s.length <= 15 && /^[a-zA-Z0-9]+(-[a-zA-Z0-9]+)*$/.test(s) && /[a-zA-Z]/.test(s);
}

/**
 * Cilium parses a port that is not a name with Go's `strconv.ParseUint(port, 0, 16)`: base from the prefix, so a
 * leading 0 means octal ("0443" is 291, "080" is invalid). Hex and binary prefixes contain letters and are names.
 */
function parseCiliumNumber(s: string): number | null {
  if (!/^[0-9]+$/.test(s)) return null;
  if (s.length > 1 && s.startsWith('0')) return /^[0-7]+$/.test(s) ? parseInt(s, 8) : null;
  return Number(s);
}

export function parsePortProtocol(raw: unknown, allowEmptyPort: boolean): CiliumPortResult {
  if (!isPlainObject(raw)) return { kind: 'invalid', message: 'a port entry must be an object' };
  const protoText = raw.protocol === undefined ? 'ANY' : typeof raw.protocol === 'string' ? raw.protocol.toUpperCase() : '';
  const notes: string[] = [];
  if (EXTENDED_PROTOCOLS.has(protoText)) {
    const p = raw.port;
    if (p !== undefined && p !== '' && p !== '0' && p !== 0) return { kind: 'invalid', message: `protocol ${protoText} takes no port` };
    return { kind: 'extended', protocol: protoText };
  }
  if (protoText !== 'ANY' && !PORT_PROTOCOLS.has(protoText)) return { kind: 'invalid', message: `unknown protocol ${JSON.stringify(raw.protocol)}` };
  const protocols: Protocol[] = protoText === 'ANY' ? ['TCP', 'UDP', 'SCTP'] : [protoText as Protocol];
  if (protoText === 'ANY') notes.push('protocol ANY (or omitted) means TCP, UDP and SCTP');
  let portText: string;
  if (raw.port === undefined || raw.port === '') {
    if (!allowEmptyPort) return { kind: 'invalid', message: 'port is required' };
    portText = '0';
  } else if (typeof raw.port === 'number') portText = String(raw.port);
  else if (typeof raw.port === 'string') portText = raw.port;
  else return { kind: 'invalid', message: `invalid port ${JSON.stringify(raw.port)}` };
  const endPort = typeof raw.endPort === 'number' ? raw.endPort : undefined;
  if (raw.endPort !== undefined && endPort === undefined) return { kind: 'invalid', message: `invalid endPort ${JSON.stringify(raw.endPort)}` };
  // The name check runs first, so "0x10" is a name (cilium §6.1).
  if (isPortName(portText)) {
    if (endPort !== undefined) notes.push('endPort is ignored for a named port');
    const name = portText.toLowerCase();
    return { kind: 'ports', ports: protocols.map((p) => ({ protocol: p, ranges: [], named: [name] })), notes };
  }
  const port = parseCiliumNumber(portText);
  if (port === null) return { kind: 'invalid', message: `invalid port "${portText}" (neither a port name of at most 15 characters nor a number Cilium parses)` };
  if (port > 65535) return { kind: 'invalid', message: `port ${port} out of range` };
  if (portText !== String(port)) notes.push(`port "${portText}" is read by Cilium as ${port} (a leading 0 means octal)`);
  if (port === 0) {
    notes.push('port 0 means every port');
    return { kind: 'ports', ports: protocols.map((p) => ({ protocol: p })), notes };
  }
  let range: Range = [port, port];
  if (endPort !== undefined) {
    if (endPort > port) range = [port, Math.min(endPort, 65535)];
    else notes.push(`endPort ${endPort} is not greater than port ${port}: the single port applies`);
  }
  return { kind: 'ports', ports: protocols.map((p) => ({ protocol: p, ranges: [range] })), notes };
}
