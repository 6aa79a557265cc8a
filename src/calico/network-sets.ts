/** NetworkSets and GlobalNetworkSets of the input, as the objects Calico rule selectors can match by address. */
import { isPlainObject, type SourceObject } from '../io/documents.js';
import { formatCidr, parseCidr } from '../model/cidr.js';
import { calicoLabels, isCalicoApi } from './objects.js';

export interface NetworkSetEntry {
  kind: 'NetworkSet' | 'GlobalNetworkSet';
  namespace: string | null;
  name: string;
  /** Labels as selectors see them, including the automatic namespace labels (calico-semantics §6.1). */
  labels: Record<string, string>;
  /** Canonical, masked CIDRs (host bits and bare IPs are accepted, as Calico does, §2.4). */
  nets: string[];
  file: string;
}

export function collectNetworkSets(objects: SourceObject[], defaultNamespace: string): NetworkSetEntry[] {
  const out: NetworkSetEntry[] = [];
  for (const obj of objects) {
    if (!isCalicoApi(obj.ref.apiVersion)) continue;
    if (obj.ref.kind !== 'NetworkSet' && obj.ref.kind !== 'GlobalNetworkSet') continue;
    const spec = isPlainObject(obj.value.spec) ? obj.value.spec : {};
    const nets = (Array.isArray(spec.nets) ? spec.nets : [])
      .map((n) => (typeof n === 'string' ? canonicalNet(n) : null))
      .filter((n): n is string => n !== null);
    const labels = calicoLabels(obj);
    let namespace: string | null = null;
    if (obj.ref.kind === 'NetworkSet') {
      namespace = obj.ref.namespace ?? defaultNamespace;
      labels['projectcalico.org/namespace'] = namespace;
      labels['pcns.projectcalico.org/name'] = namespace;
      labels['pcns.kubernetes.io/metadata.name'] = namespace;
    }
    out.push({ kind: obj.ref.kind, namespace, name: obj.ref.name, labels, nets, file: obj.file });
  }
  return out;
}

/** A CIDR or bare IP, masked and canonical; null when it does not parse. */
export function canonicalNet(text: string): string | null {
  const withPrefix = text.includes('/') ? text : text.includes(':') ? `${text}/128` : `${text}/32`;
  const c = parseCidr(withPrefix);
  return c ? formatCidr(c.family, c.bits, c.prefix) : null;
}
