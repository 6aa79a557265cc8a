/**
 * Structural validation of input objects against the JSON Schemas in `schemas/` (draft-07, one file per kind; see
 * `schemas/README.md`). Two kinds of issue are reported separately: fields the API does not know (`unknown-field`,
 * pointing at the unknown field itself) and every other violation (`invalid`: wrong JSON type, missing required field).
 *
 * The schemas check structure only. Enum values (actions, protocols, operators, entities), selector syntax, CIDRs and
 * port syntax are left to the semantic validators, which report them more precisely.
 *
 * A `null` value of a declared field is treated as an absent field, as every reader of these objects does (Go's JSON
 * decoder leaves the zero value; the API server prunes nulls of non-nullable CRD fields). `null` values inside free
 * string maps (`labels`, `annotations`, `matchLabels`, L7 `l7` entries) and `null` list items are still reported.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import AjvModule from 'ajv';
import type { ErrorObject, ValidateFunction } from 'ajv';
import type { JsonPath } from '../report/finding.js';

export interface SchemaIssue {
  kind: 'invalid' | 'unknown-field';
  /** Relative to the object: keys and numeric indexes, e.g. `['spec', 'ingress', 0, 'fromEndpoint']`. */
  path: JsonPath;
  message: string;
}

// ajv is a CommonJS module whose class is both `module.exports` and `module.exports.default`.
const Ajv = ((AjvModule as unknown as { default?: unknown }).default ?? AjvModule) as typeof AjvModule.default;
type AjvInstance = InstanceType<typeof Ajv>;

const SCHEMA_DIR = new URL('../../../schemas/', import.meta.url);

const CALICO_VERSIONS = ['projectcalico.org/v3', 'crd.projectcalico.org/v1'];

/** `apiVersion kind` → schema file relative to `schemas/`. */
const REGISTRY = new Map<string, string>();

function register(apiVersions: readonly string[], kind: string, file: string): void {
  for (const v of apiVersions) REGISTRY.set(key(v, kind), file);
}

register(CALICO_VERSIONS, 'NetworkPolicy', 'calico/network-policy.json');
register(CALICO_VERSIONS, 'GlobalNetworkPolicy', 'calico/global-network-policy.json');
register(CALICO_VERSIONS, 'NetworkSet', 'calico/network-set.json');
register(CALICO_VERSIONS, 'GlobalNetworkSet', 'calico/global-network-set.json');
register(CALICO_VERSIONS, 'Tier', 'calico/tier.json');
register(CALICO_VERSIONS, 'StagedNetworkPolicy', 'calico/staged-network-policy.json');
register(CALICO_VERSIONS, 'StagedGlobalNetworkPolicy', 'calico/staged-global-network-policy.json');
register(CALICO_VERSIONS, 'StagedKubernetesNetworkPolicy', 'calico/staged-kubernetes-network-policy.json');
register(['cilium.io/v2'], 'CiliumNetworkPolicy', 'cilium/cilium-network-policy.json');
register(['cilium.io/v2'], 'CiliumClusterwideNetworkPolicy', 'cilium/cilium-clusterwide-network-policy.json');
register(['cilium.io/v2', 'cilium.io/v2alpha1'], 'CiliumCIDRGroup', 'cilium/cilium-cidr-group.json');
register(['networking.k8s.io/v1'], 'NetworkPolicy', 'k8s/networkpolicy-v1.json');
// Kinds the vpc-cni target emits (outputs are validated against them; `verify --against` reads them).
register(['networking.k8s.aws/v1alpha1'], 'ClusterNetworkPolicy', 'aws/cluster-network-policy.json');
register(['networking.k8s.aws/v1alpha1'], 'ApplicationNetworkPolicy', 'aws/application-network-policy.json');

/** Schemas referenced through `$ref` by the kind schemas; registered (not compiled) when ajv is created. */
const LIBRARIES = ['k8s/meta.json', 'k8s/networkpolicy-v1.json', 'calico/common.json', 'cilium/common.json'];

function key(apiVersion: string, kind: string): string {
  return apiVersion + ' ' + kind;
}

export function hasSchema(apiVersion: string, kind: string): boolean {
  return REGISTRY.has(key(apiVersion, kind));
}

let ajv: AjvInstance | undefined;
/** schema file → its `$id`, for every file added to ajv. */
const loaded = new Map<string, string>();
/** schema file → compiled validator. */
const compiled = new Map<string, ValidateFunction>();

function getAjv(): AjvInstance {
  if (!ajv) {
    ajv = new Ajv({ allErrors: true, strict: false });
    for (const file of LIBRARIES) load(ajv, file);
  }
  return ajv;
}

function load(instance: AjvInstance, file: string): string {
  const known = loaded.get(file);
  if (known !== undefined) return known;
  const schema = JSON.parse(readFileSync(fileURLToPath(new URL(file, SCHEMA_DIR)), 'utf8')) as Record<string, unknown>;
  const id = schema['$id'];
  if (typeof id !== 'string') throw new Error(`schema ${file} has no $id`);
  instance.addSchema(schema);
  loaded.set(file, id);
  return id;
}

function validatorFor(file: string): ValidateFunction {
  let fn = compiled.get(file);
  if (!fn) {
    const instance = getAjv();
    const id = load(instance, file);
    const got = instance.getSchema(id);
    if (!got) throw new Error(`schema ${file} could not be compiled`);
    fn = got;
    compiled.set(file, fn);
  }
  return fn;
}

/** Validates one object of the given apiVersion/kind. Returns `[]` when it is valid or when there is no schema. */
export function validateObject(apiVersion: string, kind: string, obj: unknown): SchemaIssue[] {
  const file = REGISTRY.get(key(apiVersion, kind));
  if (file === undefined) return [];
  const validate = validatorFor(file);
  const data = dropNullFields(obj);
  if (validate(data)) return [];
  const issues: SchemaIssue[] = [];
  const seen = new Set<string>();
  for (const err of validate.errors ?? []) {
    const issue = toIssue(err, data);
    const id = issue.kind + '\u0000' + JSON.stringify(issue.path) + '\u0000' + issue.message;
    if (seen.has(id)) continue;
    seen.add(id);
    issues.push(issue);
  }
  return sortByDocumentOrder(issues, data);
}

/** Orders issues as their nodes appear in the object (keys in insertion order, items by index); stable otherwise. */
function sortByDocumentOrder(issues: SchemaIssue[], root: unknown): SchemaIssue[] {
  if (issues.length < 2) return issues;
  const ranked = issues.map((issue) => {
    const rank: number[] = [];
    let node: unknown = root;
    for (const seg of issue.path) {
      if (Array.isArray(node) && typeof seg === 'number') {
        rank.push(seg);
        node = node[seg];
      } else if (node !== null && typeof node === 'object') {
        rank.push(Object.keys(node).indexOf(String(seg)));
        node = (node as Record<string, unknown>)[String(seg)];
      } else {
        rank.push(-1);
        node = undefined;
      }
    }
    return { issue, rank };
  });
  ranked.sort((a, b) => {
    const n = Math.min(a.rank.length, b.rank.length);
    for (let i = 0; i < n; i++) {
      const d = (a.rank[i] as number) - (b.rank[i] as number);
      if (d !== 0) return d;
    }
    return a.rank.length - b.rank.length;
  });
  return ranked.map((r) => r.issue);
}

/**
 * Keys whose value is left as it is: free string maps (a null entry there is a wrong value, not an absent field, so it
 * must reach the validator), lists of string maps (`l7`), and values that are never read or are free-form.
 */
const UNWALKED_KEYS = new Set(['labels', 'annotations', 'matchLabels', 'l7', 'status', 'fieldsV1']);

/** Returns `value` without the object properties whose value is `null`, copying only the objects that change. */
function dropNullFields(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      const next = dropNullFields(item);
      if (next !== item) {
        out ??= value.slice();
        out[i] = next;
      }
    }
    return out ?? value;
  }
  const obj = value as Record<string, unknown>;
  let out: Record<string, unknown> | undefined;
  for (const k of Object.keys(obj)) {
    const v = obj[k];
    if (v === null) {
      out ??= { ...obj };
      delete out[k];
    } else if (typeof v === 'object' && !(UNWALKED_KEYS.has(k) && !(k === 'labels' && Array.isArray(v)))) {
      // Cilium rule `labels` is a list of {key, value, source} objects, not a map: walk it
      const next = dropNullFields(v);
      if (next !== v) {
        out ??= { ...obj };
        out[k] = next;
      }
    }
  }
  return out ?? obj;
}

function toIssue(err: ErrorObject, root: unknown): SchemaIssue {
  const path = toPath(err.instancePath, root);
  const params = err.params as Record<string, unknown>;
  switch (err.keyword) {
    case 'additionalProperties': {
      const field = String(params['additionalProperty']);
      return { kind: 'unknown-field', path: [...path, field], message: `unknown field ${JSON.stringify(field)}` };
    }
    case 'type': {
      const types = Array.isArray(params['type']) ? (params['type'] as unknown[]) : String(params['type']).split(',');
      return { kind: 'invalid', path, message: `must be ${types.map(String).join(' or ')}` };
    }
    case 'required':
      return {
        kind: 'invalid',
        path,
        message: `missing required field ${JSON.stringify(String(params['missingProperty']))}`,
      };
    case 'enum': {
      const allowed = Array.isArray(params['allowedValues']) ? (params['allowedValues'] as unknown[]) : [];
      return { kind: 'invalid', path, message: `must be one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}` };
    }
    case 'const':
      return { kind: 'invalid', path, message: `must be ${JSON.stringify(params['allowedValue'])}` };
    default:
      return { kind: 'invalid', path, message: err.message ?? `fails ${err.keyword}` };
  }
}

/** JSON pointer (ajv `instancePath`) → path of keys and numeric indexes, looking at `root` to tell indexes apart. */
function toPath(pointer: string, root: unknown): Array<string | number> {
  if (pointer === '') return [];
  const out: Array<string | number> = [];
  let node: unknown = root;
  for (const raw of pointer.slice(1).split('/')) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(node) && /^(0|[1-9][0-9]*)$/.test(seg)) {
      const idx = Number(seg);
      out.push(idx);
      node = node[idx];
    } else {
      out.push(seg);
      node = node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[seg] : undefined;
    }
  }
  return out;
}
