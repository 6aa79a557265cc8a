/** Output names: valid DNS-1123 subdomains, stable across runs, unique per namespace (k8s-netpol-semantics §2.2). */
import { createHash } from 'node:crypto';

const MAX = 253;

/** Lower-cases, replaces characters outside [a-z0-9.-] with '-', trims to 253 and to alphanumeric ends. */
export function dnsName(raw: string): string {
  let s = raw.toLowerCase().replace(/[^a-z0-9.-]+/g, '-').replace(/-{2,}/g, '-').replace(/\.{2,}/g, '.');
  s = s.replace(/(^[-.]+)|([-.]+$)/g, '');
  s = s.replace(/\.-|-\./g, '-');
  if (s.length > MAX - 8) s = s.slice(0, MAX - 8).replace(/[-.]+$/, '') + '-' + shortHash(raw);
  return s === '' ? `policy-${shortHash(raw)}` : s;
}

export function shortHash(s: string): string {
  return createHash('sha256').update(s).digest('hex').slice(0, 6);
}
