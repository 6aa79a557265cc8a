/**
 * Calico object identity: API group, recovered v3 name, namespace, and whether the object is enforced at all
 * (calico-semantics §1.1–§1.4).
 */
import { isPlainObject, type SourceObject } from '../io/documents.js';
import type { Notes } from '../model/notes.js';

export const CALICO_V3 = 'projectcalico.org/v3';
export const CALICO_V1 = 'crd.projectcalico.org/v1';

export const CALICO_POLICY_KINDS = new Set(['NetworkPolicy', 'GlobalNetworkPolicy']);
export const CALICO_STAGED_KINDS = new Set([
  'StagedNetworkPolicy',
  'StagedGlobalNetworkPolicy',
  'StagedKubernetesNetworkPolicy',
]);
export const CALICO_SET_KINDS = new Set(['NetworkSet', 'GlobalNetworkSet']);

export function isCalicoApi(apiVersion: string): boolean {
  return apiVersion === CALICO_V3 || apiVersion === CALICO_V1;
}

/** Calico names of objects it derived from other objects, which must not be translated again (T41). */
const DERIVED_PREFIXES = ['knp.default.', 'kanp.', 'kbanp.', 'ossg.', 'staged:knp.default.'];

export function derivedPrefix(name: string): string | undefined {
  return DERIVED_PREFIXES.find((p) => name.startsWith(p));
}

/**
 * The v3 name of an object, exactly as Calico recovers it on read (calico-semantics §1.2, T42): the name in the
 * `projectcalico.org/metadata` annotation, else (default tier) the stored name without one leading `default.`.
 */
export function v3Name(obj: SourceObject, notes: Notes): string {
  const meta = isPlainObject(obj.value.metadata) ? obj.value.metadata : {};
  const name = typeof meta.name === 'string' ? meta.name : '';
  if (obj.ref.apiVersion !== CALICO_V1 || !CALICO_POLICY_KINDS.has(obj.ref.kind)) return name;
  const fromAnnotation = metadataAnnotation(obj)?.name;
  if (typeof fromAnnotation === 'string' && fromAnnotation !== '') {
    if (fromAnnotation !== name) notes.add('calico/v1-name', ['metadata', 'name'], `stored name "${name}" is the v3 policy "${fromAnnotation}" (from the projectcalico.org/metadata annotation)`);
    return fromAnnotation;
  }
  const spec = isPlainObject(obj.value.spec) ? obj.value.spec : {};
  const tier = typeof spec.tier === 'string' && spec.tier !== '' ? spec.tier : 'default';
  if (tier === 'default' && name.startsWith('default.')) {
    const v3 = name.slice('default.'.length);
    notes.add('calico/v1-name', ['metadata', 'name'], `stored name "${name}" carries the default-tier prefix; the v3 policy is "${v3}"`);
    return v3;
  }
  return name;
}

/** The `projectcalico.org/metadata` annotation (a JSON ObjectMeta written by Calico since v3.28/v3.30). */
export function metadataAnnotation(obj: SourceObject): Record<string, unknown> | undefined {
  const meta = isPlainObject(obj.value.metadata) ? obj.value.metadata : {};
  const ann = isPlainObject(meta.annotations) ? meta.annotations : {};
  const raw = ann['projectcalico.org/metadata'];
  if (typeof raw !== 'string') return undefined;
  try {
    const parsed: unknown = JSON.parse(raw);
    return isPlainObject(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Labels a selector sees on a Calico object read from either API group: since v3.28 the v1 CRD keeps user labels in
 * the metadata annotation, merged over the CR's own labels with the annotation winning (T43).
 */
export function calicoLabels(obj: SourceObject): Record<string, string> {
  const meta = isPlainObject(obj.value.metadata) ? obj.value.metadata : {};
  const own = stringMap(meta.labels);
  if (obj.ref.apiVersion !== CALICO_V1) return own;
  const fromAnnotation = stringMap(metadataAnnotation(obj)?.labels);
  return { ...own, ...fromAnnotation };
}

export function stringMap(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!isPlainObject(v)) return out;
  for (const [k, val] of Object.entries(v)) if (typeof val === 'string') out[k] = val;
  return out;
}
