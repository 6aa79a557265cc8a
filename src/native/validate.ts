/**
 * Create-time API-server validation of a `networking.k8s.io/v1` NetworkPolicy (k8s-netpol-semantics §2), with
 * default feature gates (`StrictIPCIDRValidation` off) and no update ratchets.
 *
 * Ported from `ValidateNetworkPolicy` (`pkg/apis/networking/validation/validation.go`), `ValidateObjectMeta`,
 * `ValidateLabelSelector` / `ValidateLabels` (`metav1 validation`) and the apimachinery string validators. Errors
 * come out in the same order and with the same paths, types, details and rendering as the API server's
 * `field.ErrorList` (label maps are walked in sorted key order; Go walks them in random order).
 *
 * JSON decoding happens before validation in the API server. Input the decoder would refuse (a wrong JSON type,
 * a non-integer or out-of-int32 number) is reported here as an `Invalid value` on that field, and validation goes
 * on with the rest of the object. `null` decodes the way Go decodes it: an absent optional field, or the zero value
 * (`""`, an empty object) where the field is not optional. Unknown fields are not reported.
 */
import { isIpv4Mapped, parseCidr, type ParsedCidr } from '../model/cidr.js';

export type ApiValidationErrorType =
  | 'Required value'
  | 'Invalid value'
  | 'Unsupported value'
  | 'Forbidden'
  | 'Duplicate value'
  | 'Too long';

export interface ApiValidationError {
  /** Path in the API server's style, e.g. `spec.ingress[0].from[0].ipBlock.cidr`. */
  field: string;
  type: ApiValidationErrorType;
  detail: string;
  /** The offending value, for the types whose rendering shows one (Invalid, Unsupported, Duplicate). */
  value?: unknown;
  /** `field: type[: value][: detail]`, as the API server renders a `field.Error`. */
  message: string;
}

export const NETWORK_POLICY_API_VERSION = 'networking.k8s.io/v1';
export const NETWORK_POLICY_KIND = 'NetworkPolicy';

/** Validates one NetworkPolicy object as the API server does on create. Returns [] when valid; never throws. */
export function validateNetworkPolicy(obj: unknown): ApiValidationError[] {
  const errs: ApiValidationError[] = [];
  try {
    validateObject(obj, errs);
  } catch (e) {
    // Only reachable for exotic non-JSON input (throwing getters, revoked proxies, ...).
    let reason = 'unreadable input';
    try {
      reason = e instanceof Error ? e.message : safeString(e);
    } catch {
      // keep the generic reason
    }
    errs.push(invalid('<root>', obj, `could not be validated: ${reason}`));
  }
  return errs;
}

/** Renders errors as the API server's response does: `NetworkPolicy.networking.k8s.io "<name>" is invalid: [...]`. */
export function formatApiValidationErrors(name: string, errors: readonly ApiValidationError[]): string {
  // utilerrors aggregate: one message as is, several de-duplicated inside brackets.
  const list = [...new Set(errors.map((e) => e.message))];
  const body = errors.length === 1 || list.length === 1 ? (list[0] ?? '') : `[${list.join(', ')}]`;
  return `${NETWORK_POLICY_KIND}.networking.k8s.io ${goQuote(name)} is invalid: ${body}`;
}

// ---------------------------------------------------------------------------------------------------------------
// Error construction and rendering (k8s.io/apimachinery/pkg/util/validation/field `Error.ErrorBody`)

const NO_REPR = Symbol('no-repr');

function make(
  field: string,
  type: ApiValidationErrorType,
  detail: string,
  value: unknown = NO_REPR,
  repr?: string,
): ApiValidationError {
  let message = `${field}: ${type}`;
  const showsValue = type === 'Invalid value' || type === 'Unsupported value' || type === 'Duplicate value';
  if (showsValue) message += `: ${repr ?? renderValue(value === NO_REPR ? null : value)}`;
  if (detail !== '') message += `: ${detail}`;
  const err: ApiValidationError = { field, type, detail, message };
  if (showsValue) err.value = value === NO_REPR ? null : value;
  return err;
}

function required(field: string, detail: string): ApiValidationError {
  return make(field, 'Required value', detail);
}

function forbidden(field: string, detail: string): ApiValidationError {
  return make(field, 'Forbidden', detail);
}

function invalid(field: string, value: unknown, detail: string, repr?: string): ApiValidationError {
  return make(field, 'Invalid value', detail, value, repr);
}

function notSupported(field: string, value: unknown, supported: readonly string[]): ApiValidationError {
  return make(field, 'Unsupported value', `supported values: ${supported.map(goQuote).join(', ')}`, value);
}

function tooLong(field: string, maxBytes: number): ApiValidationError {
  return make(field, 'Too long', `may not be more than ${maxBytes} ${maxBytes === 1 ? 'byte' : 'bytes'}`);
}

/** Go's `%v` for numbers and booleans, `%q` for strings; JSON for anything structured. */
function renderValue(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') return goQuote(v);
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  try {
    const json = JSON.stringify(v);
    if (typeof json === 'string') return json;
  } catch {
    // cyclic or otherwise not serialisable
  }
  return safeString(v);
}

function safeString(v: unknown): string {
  try {
    return String(v);
  } catch {
    try {
      return Object.prototype.toString.call(v);
    } catch {
      return '<unprintable>';
    }
  }
}

const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;

/** Go `strconv.Quote`. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (cp >= 0xd800 && cp <= 0xdfff) out += '\\ufffd'; // lone surrogate: invalid UTF-8 for Go
    else if (PRINTABLE.test(ch)) out += ch;
    else if (cp === 7) out += '\\a';
    else if (cp === 8) out += '\\b';
    else if (cp === 12) out += '\\f';
    else if (cp === 10) out += '\\n';
    else if (cp === 13) out += '\\r';
    else if (cp === 9) out += '\\t';
    else if (cp === 11) out += '\\v';
    else if (cp < 0x20 || cp === 0x7f) out += `\\x${cp.toString(16).padStart(2, '0')}`;
    else if (cp < 0x10000) out += `\\u${cp.toString(16).padStart(4, '0')}`;
    else out += `\\U${cp.toString(16).padStart(8, '0')}`;
  }
  return `${out}"`;
}

/** Go `len()` of a string: its UTF-8 byte count. */
function byteLen(s: string): number {
  let n = 0;
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    n += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
  }
  return n;
}

// ---------------------------------------------------------------------------------------------------------------
// Decoding helpers: JSON shape checks with Go's null semantics

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function own(o: Obj, key: string): unknown {
  return Object.prototype.hasOwnProperty.call(o, key) ? o[key] : undefined;
}

function absent(v: unknown): v is null | undefined {
  return v === null || v === undefined;
}

/** A struct field: absent/null → the zero struct `{}`, non-object → error and `{}`. */
function struct(v: unknown, path: string, errs: ApiValidationError[]): Obj {
  if (absent(v)) return {};
  if (isObj(v)) return v;
  errs.push(invalid(path, v, 'must be of type object'));
  return {};
}

/** A pointer-to-struct field: absent/null → undefined (nil), non-object → error and undefined. */
function optStruct(v: unknown, path: string, errs: ApiValidationError[]): Obj | undefined {
  if (absent(v)) return undefined;
  if (isObj(v)) return v;
  errs.push(invalid(path, v, 'must be of type object'));
  return undefined;
}

/** A list field: absent/null → [], non-array → error and []. Elements are returned as they are. */
function list(v: unknown, path: string, errs: ApiValidationError[]): unknown[] {
  if (absent(v)) return [];
  if (Array.isArray(v)) return v;
  errs.push(invalid(path, v, 'must be of type array'));
  return [];
}

/** A string (or named string type): absent/null → "", non-string → error and undefined (skip further checks). */
function str(v: unknown, path: string, errs: ApiValidationError[]): string | undefined {
  if (absent(v)) return '';
  if (typeof v === 'string') return v;
  errs.push(invalid(path, v, 'must be of type string'));
  return undefined;
}

/** A pointer-to-string field: absent/null → undefined (nil); non-string → error and null. */
function optStr(v: unknown, path: string, errs: ApiValidationError[]): string | undefined | null {
  if (absent(v)) return undefined;
  if (typeof v === 'string') return v;
  errs.push(invalid(path, v, 'must be of type string'));
  return null;
}

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

function isInt32(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= INT32_MIN && v <= INT32_MAX;
}

/** A `map[string]string`: absent/null → {}, non-object → error; non-string values → error (skipped). */
function stringMap(v: unknown, path: string, errs: ApiValidationError[]): Array<[string, string]> {
  if (absent(v)) return [];
  if (!isObj(v)) {
    errs.push(invalid(path, v, 'must be of type object'));
    return [];
  }
  const out: Array<[string, string]> = [];
  for (const key of Object.keys(v).sort()) {
    const value = v[key];
    if (absent(value)) out.push([key, '']);
    else if (typeof value === 'string') out.push([key, value]);
    else errs.push(invalid(path, value, `value of key ${goQuote(key)} must be of type string`));
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// apimachinery string validators (k8s.io/apimachinery/pkg/util/validation, .../api/validate/content)

function maxLenError(n: number): string {
  return `must be no more than ${n} characters`;
}

function regexError(msg: string, fmt: string, ...examples: string[]): string {
  if (examples.length === 0) return `${msg} (regex used for validation is '${fmt}')`;
  let out = `${msg} (e.g. `;
  examples.forEach((e, i) => {
    if (i > 0) out += ' or ';
    out += `'${e}', `;
  });
  return `${out}regex used for validation is '${fmt}')`;
}

const DNS1123_LABEL_FMT = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const DNS1123_SUBDOMAIN_FMT = `${DNS1123_LABEL_FMT}(\\.${DNS1123_LABEL_FMT})*`;
const DNS1123_LABEL_RE = new RegExp(`^${DNS1123_LABEL_FMT}$`);
const DNS1123_SUBDOMAIN_RE = new RegExp(`^${DNS1123_SUBDOMAIN_FMT}$`);
const DNS1123_LABEL_ERR =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character";
const DNS1123_SUBDOMAIN_ERR =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";

function isDns1123Label(v: string): string[] {
  const errs: string[] = [];
  if (byteLen(v) > 63) errs.push(maxLenError(63));
  if (!DNS1123_LABEL_RE.test(v)) {
    if (DNS1123_SUBDOMAIN_RE.test(v)) errs.push('must not contain dots');
    else errs.push(regexError(DNS1123_LABEL_ERR, DNS1123_LABEL_FMT, 'my-name', '123-abc'));
  }
  return errs;
}

function isDns1123Subdomain(v: string): string[] {
  const errs: string[] = [];
  if (byteLen(v) > 253) errs.push(maxLenError(253));
  if (!DNS1123_SUBDOMAIN_RE.test(v)) errs.push(regexError(DNS1123_SUBDOMAIN_ERR, DNS1123_SUBDOMAIN_FMT, 'example.com'));
  return errs;
}

const LABEL_KEY_FMT = '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]';
const LABEL_KEY_RE = new RegExp(`^${LABEL_KEY_FMT}$`);
const LABEL_KEY_ERR =
  "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const LABEL_VALUE_FMT = `(${LABEL_KEY_FMT})?`;
const LABEL_VALUE_RE = new RegExp(`^${LABEL_VALUE_FMT}$`);
const LABEL_VALUE_ERR =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";

/** `IsLabelKey` (formerly `IsQualifiedName`). */
function isLabelKey(v: string): string[] {
  const errs: string[] = [];
  const parts = v.split('/');
  let name: string;
  if (parts.length === 1) {
    name = parts[0]!;
  } else if (parts.length === 2) {
    const prefix = parts[0]!;
    name = parts[1]!;
    if (prefix.length === 0) errs.push('prefix part must be non-empty');
    else errs.push(...isDns1123Subdomain(prefix).map((m) => `prefix part ${m}`));
  } else {
    return [
      `a valid label key ${regexError(LABEL_KEY_ERR, LABEL_KEY_FMT, 'MyName', 'my.name', '123-abc')}` +
        " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
    ];
  }
  if (name.length === 0) errs.push('name part must be non-empty');
  else if (byteLen(name) > 63) errs.push(`name part ${maxLenError(63)}`);
  if (!LABEL_KEY_RE.test(name)) errs.push(`name part ${regexError(LABEL_KEY_ERR, LABEL_KEY_FMT, 'MyName', 'my.name', '123-abc')}`);
  return errs;
}

function isLabelValue(v: string): string[] {
  const errs: string[] = [];
  if (byteLen(v) > 63) errs.push(maxLenError(63));
  if (!LABEL_VALUE_RE.test(v)) errs.push(regexError(LABEL_VALUE_ERR, LABEL_VALUE_FMT, 'MyValue', 'my_value', '12345'));
  return errs;
}

function isValidPortNum(n: number): string[] {
  return n >= 1 && n <= 65535 ? [] : ['must be between 1 and 65535, inclusive'];
}

/** `IsValidPortName` (IANA_SVC_NAME). */
function isValidPortName(v: string): string[] {
  const errs: string[] = [];
  if (byteLen(v) > 15) errs.push(maxLenError(15));
  if (!/^[-a-z0-9]+$/.test(v)) errs.push('must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)');
  if (!/[a-z]/.test(v)) errs.push('must contain at least one letter (a-z)');
  if (v.includes('--')) errs.push('must not contain consecutive hyphens');
  if (v.length > 0 && (v.startsWith('-') || v.endsWith('-'))) errs.push('must not begin or end with a hyphen');
  return errs;
}

// ---------------------------------------------------------------------------------------------------------------
// Object and metadata

function validateObject(obj: unknown, errs: ApiValidationError[]): void {
  if (!isObj(obj)) {
    errs.push(invalid('<root>', obj, 'must be of type object'));
    return;
  }
  const apiVersion = own(obj, 'apiVersion');
  if (absent(apiVersion) || apiVersion === '') errs.push(required('apiVersion', ''));
  else if (apiVersion !== NETWORK_POLICY_API_VERSION) errs.push(notSupported('apiVersion', apiVersion, [NETWORK_POLICY_API_VERSION]));
  const kind = own(obj, 'kind');
  if (absent(kind) || kind === '') errs.push(required('kind', ''));
  else if (kind !== NETWORK_POLICY_KIND) errs.push(notSupported('kind', kind, [NETWORK_POLICY_KIND]));

  validateObjectMeta(struct(own(obj, 'metadata'), 'metadata', errs), errs);
  validateSpec(struct(own(obj, 'spec'), 'spec', errs), errs);
}

const TOTAL_ANNOTATION_SIZE_LIMIT_B = 256 * 1024;

/** `ValidateObjectMeta(meta, requiresNamespace=true, NameIsDNSSubdomain)` as seen after create-time name generation. */
function validateObjectMeta(meta: Obj, errs: ApiValidationError[]): void {
  const generateName = str(own(meta, 'generateName'), 'metadata.generateName', errs);
  let name = str(own(meta, 'name'), 'metadata.name', errs);
  if (generateName !== undefined && generateName !== '') {
    // NameIsDNSSubdomain(prefix=true) masks one trailing '-' before checking.
    const masked = generateName.length > 1 && generateName.endsWith('-') ? `${generateName.slice(0, -1)}a` : generateName;
    for (const msg of isDns1123Subdomain(masked)) errs.push(invalid('metadata.generateName', generateName, msg));
    // The registry fills in the name (prefix truncated to 58 bytes + 5 random characters) before validating.
    if (name === '') name = `${generateName.slice(0, 58)}xxxxx`;
  }
  if (name !== undefined) {
    if (name === '') errs.push(required('metadata.name', 'name or generateName is required'));
    else for (const msg of isDns1123Subdomain(name)) errs.push(invalid('metadata.name', name, msg));
  }
  const namespace = str(own(meta, 'namespace'), 'metadata.namespace', errs);
  if (namespace !== undefined) {
    if (namespace === '') errs.push(required('metadata.namespace', ''));
    else for (const msg of isDns1123Label(namespace)) errs.push(invalid('metadata.namespace', namespace, msg));
  }
  validateLabels(stringMap(own(meta, 'labels'), 'metadata.labels', errs), 'metadata.labels', errs);
  const annotations = stringMap(own(meta, 'annotations'), 'metadata.annotations', errs);
  let size = 0;
  for (const [k, v] of annotations) {
    for (const msg of isLabelKey(k.toLowerCase())) errs.push(invalid('metadata.annotations', k, msg));
    size += byteLen(k) + byteLen(v);
  }
  if (size > TOTAL_ANNOTATION_SIZE_LIMIT_B) errs.push(tooLong('metadata.annotations', TOTAL_ANNOTATION_SIZE_LIMIT_B));
}

// ---------------------------------------------------------------------------------------------------------------
// Label selectors

/** `ValidateLabels`: key and value errors are reported on the map's own path. */
function validateLabels(labels: Array<[string, string]>, path: string, errs: ApiValidationError[]): void {
  for (const [k, v] of labels) {
    for (const msg of isLabelKey(k)) errs.push(invalid(path, k, msg));
    for (const msg of isLabelValue(v)) errs.push(invalid(path, v, msg));
  }
}

/** `ValidateLabelSelector` with `AllowInvalidLabelValueInSelector=false` (create). */
function validateLabelSelector(sel: Obj, path: string, errs: ApiValidationError[]): void {
  const matchLabelsPath = `${path}.matchLabels`;
  validateLabels(stringMap(own(sel, 'matchLabels'), matchLabelsPath, errs), matchLabelsPath, errs);
  const exprs = list(own(sel, 'matchExpressions'), `${path}.matchExpressions`, errs);
  exprs.forEach((e, i) => {
    const exprPath = `${path}.matchExpressions[${i}]`;
    validateLabelSelectorRequirement(struct(e, exprPath, errs), exprPath, errs);
  });
}

function validateLabelSelectorRequirement(req: Obj, path: string, errs: ApiValidationError[]): void {
  const valuesPath = `${path}.values`;
  const rawValues = list(own(req, 'values'), valuesPath, errs);
  const values: Array<string | undefined> = rawValues.map((v, i) => str(v, `${valuesPath}[${i}]`, errs));
  const operator = str(own(req, 'operator'), `${path}.operator`, errs);
  if (operator !== undefined) {
    switch (operator) {
      case 'In':
      case 'NotIn':
        if (values.length === 0) errs.push(required(valuesPath, "must be specified when `operator` is 'In' or 'NotIn'"));
        break;
      case 'Exists':
      case 'DoesNotExist':
        if (values.length > 0) errs.push(forbidden(valuesPath, "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
        break;
      default:
        errs.push(invalid(`${path}.operator`, operator, 'not a valid selector operator'));
    }
  }
  const key = str(own(req, 'key'), `${path}.key`, errs);
  if (key !== undefined) for (const msg of isLabelKey(key)) errs.push(invalid(`${path}.key`, key, msg));
  values.forEach((v, i) => {
    if (v === undefined) return;
    for (const msg of isLabelValue(v)) errs.push(invalid(`${valuesPath}[${i}]`, v, msg));
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Spec

const PROTOCOLS = ['TCP', 'UDP', 'SCTP'] as const;
const POLICY_TYPES = ['Ingress', 'Egress'] as const;

function validateSpec(spec: Obj, errs: ApiValidationError[]): void {
  validateLabelSelector(struct(own(spec, 'podSelector'), 'spec.podSelector', errs), 'spec.podSelector', errs);

  for (const [dir, peersKey] of [
    ['ingress', 'from'],
    ['egress', 'to'],
  ] as const) {
    const rules = list(own(spec, dir), `spec.${dir}`, errs);
    rules.forEach((r, i) => {
      const rulePath = `spec.${dir}[${i}]`;
      const rule = struct(r, rulePath, errs);
      list(own(rule, 'ports'), `${rulePath}.ports`, errs).forEach((p, j) => {
        const portPath = `${rulePath}.ports[${j}]`;
        validatePort(struct(p, portPath, errs), portPath, errs);
      });
      list(own(rule, peersKey), `${rulePath}.${peersKey}`, errs).forEach((p, j) => {
        const peerPath = `${rulePath}.${peersKey}[${j}]`;
        validatePeer(struct(p, peerPath, errs), peerPath, errs);
      });
    });
  }

  const policyTypes = list(own(spec, 'policyTypes'), 'spec.policyTypes', errs);
  const types = policyTypes.map((t, i) => str(t, `spec.policyTypes[${i}]`, errs));
  if (types.length > POLICY_TYPES.length) {
    const repr = `[]networking.PolicyType{${types.map((t) => (t === undefined ? '""' : goQuote(t))).join(', ')}}`;
    errs.push(invalid('spec.policyTypes', policyTypes, 'may not specify more than two policyTypes', repr));
    return;
  }
  types.forEach((t, i) => {
    if (t !== undefined && !(POLICY_TYPES as readonly string[]).includes(t)) {
      errs.push(notSupported(`spec.policyTypes[${i}]`, t, POLICY_TYPES));
    }
  });
}

/** `ValidateNetworkPolicyPort`. */
function validatePort(port: Obj, path: string, errs: ApiValidationError[]): void {
  const protocol = optStr(own(port, 'protocol'), `${path}.protocol`, errs);
  if (typeof protocol === 'string' && !(PROTOCOLS as readonly string[]).includes(protocol)) {
    errs.push(notSupported(`${path}.protocol`, protocol, PROTOCOLS));
  }

  // endPort: *int32. `undefined` = nil; `null` here = present but undecodable (already reported).
  const rawEnd = own(port, 'endPort');
  let endPort: number | null | undefined;
  if (absent(rawEnd)) endPort = undefined;
  else if (isInt32(rawEnd)) endPort = rawEnd;
  else {
    errs.push(invalid(`${path}.endPort`, rawEnd, typeof rawEnd === 'number' ? 'must be of type int32' : 'must be of type integer'));
    endPort = null;
  }

  // port: *IntOrString.
  const rawPort = own(port, 'port');
  if (absent(rawPort)) {
    if (typeof endPort === 'number') {
      errs.push(invalid(`${path}.endPort`, endPort, 'may not be specified when `port` is not specified'));
    }
  } else if (typeof rawPort === 'number') {
    if (!isInt32(rawPort)) {
      errs.push(invalid(`${path}.port`, rawPort, 'must be of type int32'));
      return;
    }
    for (const msg of isValidPortNum(rawPort)) errs.push(invalid(`${path}.port`, rawPort, msg));
    if (typeof endPort === 'number') {
      // Upstream reports the *port* value on this endPort error.
      if (endPort < rawPort) errs.push(invalid(`${path}.endPort`, rawPort, 'must be greater than or equal to `port`'));
      for (const msg of isValidPortNum(endPort)) errs.push(invalid(`${path}.endPort`, endPort, msg));
    }
  } else if (typeof rawPort === 'string') {
    if (typeof endPort === 'number') {
      errs.push(invalid(`${path}.endPort`, endPort, 'may not be specified when `port` is non-numeric'));
    }
    for (const msg of isValidPortName(rawPort)) errs.push(invalid(`${path}.port`, rawPort, msg));
  } else {
    errs.push(invalid(`${path}.port`, rawPort, 'must be of type integer or string'));
  }
}

/** `ValidateNetworkPolicyPeer`. */
function validatePeer(peer: Obj, path: string, errs: ApiValidationError[]): void {
  let numPeers = 0;
  const podSelector = optStruct(own(peer, 'podSelector'), `${path}.podSelector`, errs);
  if (podSelector !== undefined) {
    numPeers++;
    validateLabelSelector(podSelector, `${path}.podSelector`, errs);
  }
  const namespaceSelector = optStruct(own(peer, 'namespaceSelector'), `${path}.namespaceSelector`, errs);
  if (namespaceSelector !== undefined) {
    numPeers++;
    validateLabelSelector(namespaceSelector, `${path}.namespaceSelector`, errs);
  }
  const ipBlock = optStruct(own(peer, 'ipBlock'), `${path}.ipBlock`, errs);
  if (ipBlock !== undefined) {
    numPeers++;
    validateIpBlock(ipBlock, `${path}.ipBlock`, errs);
  }
  if (numPeers === 0) errs.push(required(path, 'must specify a peer'));
  else if (numPeers > 1 && ipBlock !== undefined) errs.push(forbidden(path, 'may not specify both ipBlock and another peer'));
}

const INVALID_CIDR = 'must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)';

/** `ValidateIPBlock` with `StrictIPCIDRValidation` off. */
function validateIpBlock(block: Obj, path: string, errs: ApiValidationError[]): void {
  const cidrText = str(own(block, 'cidr'), `${path}.cidr`, errs);
  const exceptList = list(own(block, 'except'), `${path}.except`, errs);
  if (cidrText === undefined) return;
  if (cidrText === '') {
    errs.push(required(`${path}.cidr`, ''));
    return;
  }
  const cidr = parseCidr(cidrText);
  if (cidr === null) {
    errs.push(invalid(`${path}.cidr`, cidrText, INVALID_CIDR));
    return;
  }
  exceptList.forEach((e, i) => {
    const exceptPath = `${path}.except[${i}]`;
    const text = str(e, exceptPath, errs);
    if (text === undefined) return;
    const except = parseCidr(text);
    if (except === null) {
      errs.push(invalid(exceptPath, text, INVALID_CIDR));
      return;
    }
    if (!goExceptIsStrictSubset(cidr, except)) errs.push(invalid(exceptPath, text, 'must be a strict subset of `cidr`'));
  });
}

/**
 * The upstream test `!cidrIPNet.Contains(exceptCIDR.IP) || cidrMaskLen >= exceptMaskLen`, with Go's `net.IPNet`
 * semantics. For plain IPv4 and IPv6 this is `isStrictSubset` (other family → false). Go differs only for
 * IPv4-mapped IPv6 prefixes (`::ffff:a.b.c.d/96+`), which `Contains` treats as IPv4 while the mask lengths are
 * still compared as written (e.g. `1.2.3.0/24` except `::ffff:1.2.3.128/121` passes).
 */
function goExceptIsStrictSubset(cidr: ParsedCidr, except: ParsedCidr): boolean {
  const net = goV4View(cidr);
  const ip = goV4View(except);
  if (net.family !== ip.family) return false;
  const width = net.family === 4 ? 32n : 128n;
  const p = BigInt(net.prefix);
  const mask = ((1n << p) - 1n) << (width - p);
  const contains = (net.bits & mask) === (ip.bits & mask);
  return contains && cidr.prefix < except.prefix;
}

/** `networkNumberAndMask` / `IP.To4`: an IPv4-mapped IPv6 network is looked at as IPv4. */
function goV4View(c: ParsedCidr): { family: 4 | 6; bits: bigint; prefix: number } {
  if (isIpv4Mapped(c.family, c.bits)) return { family: 4, bits: c.bits & 0xffffffffn, prefix: Math.max(0, c.prefix - 96) };
  return { family: c.family, bits: c.bits, prefix: c.prefix };
}
