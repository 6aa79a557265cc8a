/**
 * IPv4 / IPv6 addresses and CIDR prefixes as BigInt bit strings.
 *
 * An address of family 4 is a 32-bit value, of family 6 a 128-bit value, both unsigned `bigint`s with the most
 * significant bit first (so `10.0.0.0` is `0x0a000000n`). A prefix is `{family, bits, prefix}` where `bits` is the
 * network address, i.e. every bit beyond `prefix` is zero.
 *
 * Parsing follows the Kubernetes API server (k8s-netpol-semantics §2.6):
 * * default ("sloppy", `netutils.ParseCIDRSloppy`, i.e. Go 1.16 `net.ParseCIDR`): leading zeros are accepted in
 *   IPv4 octets (decimal, never octal: `010` is 10), in IPv6 groups (`00001` is 1) and in the prefix length
 *   (`/08`); host bits beyond the prefix are accepted (and reported as `hostBitsSet`); a bare address, an empty
 *   string, surrounding blanks, an out-of-range octet/group/prefix length, a zone (`%eth0`), and anything else
 *   are rejected;
 * * `strict` (feature gate `StrictIPCIDRValidation`, `netip.ParsePrefix` rules): additionally rejects leading
 *   zeros (IPv4 octets, IPv6 groups longer than 4 digits, prefix length), IPv4-mapped IPv6 addresses
 *   (`::ffff:1.2.3.0/120`), and host bits set beyond the prefix length.
 *
 * An IPv4-embedded IPv6 text (`::ffff:1.2.3.4`, `::1.2.3.4`, `64:ff9b::1.2.3.4`) is an IPv6 address (family 6);
 * nothing here folds IPv4-mapped IPv6 into IPv4.
 */

export type IpFamily = 4 | 6;

export interface Cidr {
  family: IpFamily;
  /** Network address; bits beyond `prefix` are zero. */
  bits: bigint;
  /** Prefix length: 0..32 (family 4) or 0..128 (family 6). */
  prefix: number;
}

export interface ParsedCidr extends Cidr {
  /** The text had address bits set beyond the prefix length (e.g. `10.1.2.3/8`); `bits` is masked regardless. */
  hostBitsSet: boolean;
}

export interface ParseOptions {
  /** Apply the `StrictIPCIDRValidation` rules (see the module comment). Default false. */
  strict?: boolean;
}

export interface ParsedIp {
  family: IpFamily;
  bits: bigint;
}

/** Number of address bits of a family. */
export function familyWidth(family: IpFamily): 32 | 128 {
  return family === 4 ? 32 : 128;
}

/** The network mask of a prefix length, as a `familyWidth(family)`-bit value. */
export function prefixMask(family: IpFamily, prefix: number): bigint {
  const width = BigInt(familyWidth(family));
  const p = BigInt(prefix);
  return ((1n << p) - 1n) << (width - p);
}

/** Is a family-6 address inside `::ffff:0:0/96` (IPv4-mapped IPv6)? */
export function isIpv4Mapped(family: IpFamily, bits: bigint): boolean {
  return family === 6 && bits >> 32n === 0xffffn;
}

// ---------------------------------------------------------------------------------------------------------------
// Parsing (a port of Go 1.16 net.parseIPv4 / parseIPv6 / ParseCIDR as kept in k8s.io/utils/net, plus the flags the
// strict rules need).

interface Scan {
  bits: bigint;
  family: IpFamily;
  /** A component a strict parser rejects: IPv4 octet with a leading 0, IPv6 group with more than 4 digits. */
  nonCanonicalDigits: boolean;
}

/** Go's `big`: decimal / hex runs stop being accepted at this value. */
const GO_BIG = 0xffffff;

/** Go `dtoi`: decimal digits from `i`; returns [value, end, ok]. */
function dtoi(s: string, i: number): [number, number, boolean] {
  let n = 0;
  let j = i;
  for (; j < s.length; j++) {
    const c = s.charCodeAt(j);
    if (c < 0x30 || c > 0x39) break;
    n = n * 10 + (c - 0x30);
    if (n >= GO_BIG) return [GO_BIG, j, false];
  }
  if (j === i) return [0, i, false];
  return [n, j, true];
}

/** Go `xtoi`: hex digits from `i`; returns [value, end, ok]. */
function xtoi(s: string, i: number): [number, number, boolean] {
  let n = 0;
  let j = i;
  for (; j < s.length; j++) {
    const c = s.charCodeAt(j);
    let d: number;
    if (c >= 0x30 && c <= 0x39) d = c - 0x30;
    else if (c >= 0x61 && c <= 0x66) d = c - 0x61 + 10;
    else if (c >= 0x41 && c <= 0x46) d = c - 0x41 + 10;
    else break;
    n = n * 16 + d;
    if (n >= GO_BIG) return [0, j, false];
  }
  if (j === i) return [0, i, false];
  return [n, j, true];
}

function scanIpv4(s: string): Scan | null {
  let bits = 0n;
  let nonCanonicalDigits = false;
  let i = 0;
  for (let octet = 0; octet < 4; octet++) {
    if (i >= s.length) return null;
    if (octet > 0) {
      if (s[i] !== '.') return null;
      i++;
    }
    const [n, end, ok] = dtoi(s, i);
    if (!ok || n > 0xff) return null;
    if (end - i > 1 && s[i] === '0') nonCanonicalDigits = true;
    i = end;
    bits = (bits << 8n) | BigInt(n);
  }
  if (i !== s.length) return null;
  return { family: 4, bits, nonCanonicalDigits };
}

function scanIpv6(s: string): Scan | null {
  const groups: number[] = []; // 16-bit groups before expanding the ellipsis
  let ellipsis = -1; // index in `groups` where `::` stands
  let nonCanonicalDigits = false;
  let i = 0;
  if (s.length >= 2 && s[0] === ':' && s[1] === ':') {
    ellipsis = 0;
    i = 2;
    if (i === s.length) return { family: 6, bits: 0n, nonCanonicalDigits };
  }
  while (groups.length < 8) {
    const [n, end, ok] = xtoi(s, i);
    if (!ok || n > 0xffff) return null;
    if (end < s.length && s[end] === '.') {
      // Trailing IPv4: the last 32 bits, and only there (or anywhere when an ellipsis pads the rest).
      if (ellipsis < 0 && groups.length !== 6) return null;
      if (groups.length + 2 > 8) return null;
      const v4 = scanIpv4(s.slice(i));
      if (v4 === null) return null;
      if (v4.nonCanonicalDigits) nonCanonicalDigits = true;
      groups.push(Number(v4.bits >> 16n), Number(v4.bits & 0xffffn));
      i = s.length;
      break;
    }
    if (end - i > 4) nonCanonicalDigits = true;
    groups.push(n);
    i = end;
    if (i === s.length) break;
    if (s[i] !== ':' || i + 1 === s.length) return null;
    i++;
    if (s[i] === ':') {
      if (ellipsis >= 0) return null;
      ellipsis = groups.length;
      i++;
      if (i === s.length) break;
    }
  }
  if (i !== s.length) return null;
  if (groups.length < 8) {
    if (ellipsis < 0) return null;
    groups.splice(ellipsis, 0, ...new Array<number>(8 - groups.length).fill(0));
  } else if (ellipsis >= 0) {
    return null; // `::` must stand for at least one group
  }
  let bits = 0n;
  for (const g of groups) bits = (bits << 16n) | BigInt(g);
  return { family: 6, bits, nonCanonicalDigits };
}

function scanIp(text: string): Scan | null {
  return scanIpv4(text) ?? scanIpv6(text);
}

/**
 * Parses an IP address (no prefix). Sloppy by default (leading zeros accepted); `strict` rejects leading zeros and
 * IPv4-mapped IPv6 addresses. Never throws; returns null when the text is not an address.
 */
export function parseIp(text: string, options: ParseOptions = {}): ParsedIp | null {
  if (typeof text !== 'string') return null;
  const scan = scanIp(text);
  if (scan === null) return null;
  if (options.strict === true && (scan.nonCanonicalDigits || isIpv4Mapped(scan.family, scan.bits))) return null;
  return { family: scan.family, bits: scan.bits };
}

/**
 * Parses `address/prefixLength` (see the module comment for the accepted syntax). Never throws; returns null when
 * the text is not a CIDR under the chosen rules.
 */
export function parseCidr(text: string, options: ParseOptions = {}): ParsedCidr | null {
  if (typeof text !== 'string') return null;
  const slash = text.indexOf('/');
  if (slash < 0) return null;
  const addr = text.slice(0, slash);
  const len = text.slice(slash + 1);
  const scan = scanIp(addr);
  const [prefix, end, ok] = dtoi(len, 0);
  if (scan === null || !ok || end !== len.length || prefix > familyWidth(scan.family)) return null;
  const bits = scan.bits & prefixMask(scan.family, prefix);
  const hostBitsSet = bits !== scan.bits;
  if (options.strict === true) {
    const prefixLeadingZero = len.length > 1 && len[0] === '0';
    if (scan.nonCanonicalDigits || prefixLeadingZero) return null;
    if (isIpv4Mapped(scan.family, scan.bits)) return null;
    if (hostBitsSet) return null;
  }
  return { family: scan.family, bits, prefix, hostBitsSet };
}

// ---------------------------------------------------------------------------------------------------------------
// Formatting

function checkBits(family: IpFamily, bits: bigint): void {
  if (family !== 4 && family !== 6) throw new RangeError(`unknown IP family ${String(family)}`);
  if (typeof bits !== 'bigint' || bits < 0n || bits >> BigInt(familyWidth(family)) !== 0n) {
    throw new RangeError(`address bits out of range for IPv${family}: ${String(bits)}`);
  }
}

function formatIpv4(bits: bigint): string {
  return [24n, 16n, 8n, 0n].map((s) => String((bits >> s) & 0xffn)).join('.');
}

/** RFC 5952 text of a 128-bit address; IPv4-mapped addresses use the mixed form `::ffff:a.b.c.d` (§5). */
function formatIpv6(bits: bigint): string {
  if (isIpv4Mapped(6, bits)) return `::ffff:${formatIpv4(bits & 0xffffffffn)}`;
  const groups: number[] = [];
  for (let shift = 112n; shift >= 0n; shift -= 16n) groups.push(Number((bits >> shift) & 0xffffn));
  // Longest run of two or more zero groups; the first one on a tie (RFC 5952 §4.2.2, §4.2.3).
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (g: number): string => g.toString(16);
  if (bestStart < 0) return groups.map(hex).join(':');
  const head = groups.slice(0, bestStart).map(hex).join(':');
  const tail = groups.slice(bestStart + bestLen).map(hex).join(':');
  return `${head}::${tail}`;
}

/** Canonical text of an address: dotted quad, or RFC 5952 for IPv6. Throws RangeError on out-of-range input. */
export function formatIp(family: IpFamily, bits: bigint): string {
  checkBits(family, bits);
  return family === 4 ? formatIpv4(bits) : formatIpv6(bits);
}

/**
 * Canonical text of a prefix: the address is masked to `prefix` first, then formatted as by `formatIp`
 * (`formatCidr(4, 0x0a010203n, 8)` is `10.0.0.0/8`). Throws RangeError on out-of-range input.
 */
export function formatCidr(family: IpFamily, bits: bigint, prefix: number): string {
  checkBits(family, bits);
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > familyWidth(family)) {
    throw new RangeError(`prefix length out of range for IPv${family}: ${String(prefix)}`);
  }
  return `${formatIp(family, bits & prefixMask(family, prefix))}/${prefix}`;
}

// ---------------------------------------------------------------------------------------------------------------
// Set relations

/** First and last address of a prefix (inclusive). */
export function cidrRange(c: Cidr): { first: bigint; last: bigint } {
  const mask = prefixMask(c.family, c.prefix);
  const first = c.bits & mask;
  const all = (1n << BigInt(familyWidth(c.family))) - 1n;
  return { first, last: first | (all ^ mask) };
}

/** Does `outer` contain every address of `inner`? Always false across families. Equal prefixes contain each other. */
export function cidrContains(outer: Cidr, inner: Cidr): boolean {
  if (outer.family !== inner.family || inner.prefix < outer.prefix) return false;
  const mask = prefixMask(outer.family, outer.prefix);
  return (inner.bits & mask) === (outer.bits & mask);
}

/** `inner` lies inside `outer` and is strictly smaller (longer prefix). Always false across families. */
export function isStrictSubset(outer: Cidr, inner: Cidr): boolean {
  return inner.prefix > outer.prefix && cidrContains(outer, inner);
}
