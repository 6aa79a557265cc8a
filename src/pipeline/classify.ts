/** Routes a source object by apiVersion and kind (style-and-cli §2.3, calico §1.1, cilium §1.1). */
import type { SourceObject } from '../io/documents.js';
import { CALICO_POLICY_KINDS, CALICO_STAGED_KINDS, isCalicoApi } from '../calico/objects.js';

export type ObjectClass =
  | 'calico-policy'
  | 'calico-staged'
  | 'calico-set'
  | 'calico-tier'
  | 'cilium-policy'
  | 'cilium-cidr-group'
  | 'native-policy'
  | 'unsupported-version'
  | 'other';

export function classify(obj: SourceObject): ObjectClass {
  const { apiVersion, kind } = obj.ref;
  if (isCalicoApi(apiVersion)) {
    if (CALICO_POLICY_KINDS.has(kind)) return 'calico-policy';
    if (CALICO_STAGED_KINDS.has(kind)) return 'calico-staged';
    if (kind === 'NetworkSet' || kind === 'GlobalNetworkSet') return 'calico-set';
    if (kind === 'Tier') return 'calico-tier';
    return 'other';
  }
  if (apiVersion.startsWith('projectcalico.org/') && (CALICO_POLICY_KINDS.has(kind) || kind.endsWith('NetworkSet'))) return 'unsupported-version';
  if (apiVersion === 'cilium.io/v2' && (kind === 'CiliumNetworkPolicy' || kind === 'CiliumClusterwideNetworkPolicy')) return 'cilium-policy';
  if ((apiVersion === 'cilium.io/v2' || apiVersion === 'cilium.io/v2alpha1') && kind === 'CiliumCIDRGroup') return 'cilium-cidr-group';
  if (apiVersion.startsWith('cilium.io/') && kind.startsWith('Cilium') && kind.includes('NetworkPolicy')) return 'unsupported-version';
  if (apiVersion === 'networking.k8s.io/v1' && kind === 'NetworkPolicy') return 'native-policy';
  return 'other';
}

/** Classes that are policies and get a line of their own in the report. */
export function isPolicyClass(c: ObjectClass): boolean {
  return c === 'calico-policy' || c === 'calico-staged' || c === 'cilium-policy' || c === 'native-policy' || c === 'unsupported-version';
}
