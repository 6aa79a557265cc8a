/**
 * Parses the text of one input file into source objects, each able to say where any of its nodes is
 * (`file:line:col`, counted in the whole file). Multi-document YAML, JSON, `List` / `*List` kinds and calicoctl's
 * top-level sequences are unwrapped (calico-semantics §1.3, style-and-cli §2.3).
 */
import { Composer, isMap, isScalar, isSeq, LineCounter, Parser, type Document, type Node as YamlNode } from 'yaml';
import { toPointer, type Finding, type JsonPath, type ObjectRef, type Severity, type Effect } from '../report/finding.js';

export interface InputFile {
  /** Display name: the path as given, or `<stdin>`. */
  name: string;
  text: string;
}

export interface Position {
  line: number;
  column: number;
}

export interface SourceObject {
  file: string;
  documentIndex: number;
  /** Path of the object inside its document (`['items', 3]` inside a List). */
  basePath: JsonPath;
  value: Record<string, unknown>;
  /** Position of the node at `path` (relative to the object), or of its nearest existing ancestor. */
  locate(path: JsonPath): Position;
  ref: ObjectRef;
}

export interface ParsedFile {
  objects: SourceObject[];
  findings: Finding[];
}

/** Limits that keep hostile input (alias bombs, deep nesting) from exhausting memory. */
const MAX_ALIAS_COUNT = 100;

/**
 * Documents are composed one at a time and dropped once their value and a compact index of node offsets are kept:
 * a whole yaml Document tree per object costs several times the memory of the values themselves.
 */
export function parseFile(input: InputFile): ParsedFile {
  const lineCounter = new LineCounter();
  const findings: Finding[] = [];
  const objects: SourceObject[] = [];
  const text = input.text.charCodeAt(0) === 0xfeff ? input.text.slice(1) : input.text;
  const pos = (offset: number): Position => {
    const lp = lineCounter.linePos(offset);
    return { line: lp.line, column: lp.col };
  };
  const composer = new Composer({ prettyErrors: false, uniqueKeys: true, strict: true });
  const parser = new Parser(lineCounter.addNewLine);
  let documentIndex = -1;
  const handle = (doc: Document.Parsed) => {
    documentIndex++;
    const di = documentIndex;
    if (doc.errors.length > 0) {
      for (const err of doc.errors) {
        findings.push({ code: 'input/yaml-syntax', severity: 'error', message: `invalid YAML: ${firstLine(err.message)}; this document is skipped`, file: input.name, ...pos(err.pos[0]), pointer: '', documentIndex: di, effect: 'unknown' });
      }
      return;
    }
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (e) {
      findings.push({ code: 'input/yaml-aliases', severity: 'error', message: `document rejected: ${firstLine((e as Error).message)} (more than ${MAX_ALIAS_COUNT} alias expansions)`, file: input.name, ...pos(doc.range[0]), pointer: '', documentIndex: di, effect: 'unknown' });
      return;
    }
    if (value === null || value === undefined) return; // empty or comment-only document
    const offsets = offsetIndex;
    if (doc.contents) indexOffsets(doc.contents as YamlNode, value, offsets);
    const rootOffset = doc.contents?.range?.[0] ?? doc.range[0];
    const root = value;
    const locateIn = (basePath: JsonPath) => (path: JsonPath): Position => pos(locateOffset(root, [...basePath, ...path], offsets, rootOffset));
    const emit = (obj: unknown, basePath: JsonPath) => {
      if (!isPlainObject(obj)) {
        findings.push({ code: 'input/not-an-object', severity: 'error', message: 'expected a Kubernetes object (a mapping with apiVersion and kind); this item is skipped', file: input.name, ...locateIn(basePath)([]), pointer: toPointer(basePath), documentIndex: di, effect: 'unknown' });
        return;
      }
      objects.push({ file: input.name, documentIndex: di, basePath, value: obj, locate: locateIn(basePath), ref: refOf(obj) });
    };
    const unwrap = (obj: unknown, basePath: JsonPath) => {
      if (Array.isArray(obj)) {
        // calicoctl prints several results as a bare sequence (calico-semantics §1.3)
        obj.forEach((item, i) => unwrap(item, [...basePath, i]));
        return;
      }
      if (isPlainObject(obj) && typeof obj.kind === 'string' && obj.kind.endsWith('List') && Array.isArray(obj.items)) {
        (obj.items as unknown[]).forEach((item, i) => unwrap(item, [...basePath, 'items', i]));
        return;
      }
      emit(obj, basePath);
    };
    unwrap(value, []);
  };
  for (const doc of composer.compose(parser.parse(text))) handle(doc);
  for (const doc of composer.end(true, text.length)) handle(doc);
  return { objects, findings };
}

/** Records, for every mapping and sequence value, the offset of each key (mapping) or item (sequence). */
// Each mapping and sequence value carries the offsets of its keys/items under a non-enumerable symbol (invisible to
// JSON, YAML and structuredClone). Plain objects built with the same keys in the same order share one hidden class,
// so the index costs a fraction of a WeakMap of Maps.
const OFFSETS = Symbol('offsets');
interface OffsetIndex {
  set(value: object, offsets: Record<string, number> | number[]): void;
  get(value: object): Record<string, number> | number[] | undefined;
}
const offsetIndex: OffsetIndex = {
  set: (value, offsets) => Object.defineProperty(value, OFFSETS, { value: offsets, enumerable: false }),
  get: (value) => (value as { [OFFSETS]?: Record<string, number> | number[] })[OFFSETS],
};

function indexOffsets(node: YamlNode, value: unknown, out: OffsetIndex): void {
  if (isMap(node) && isPlainObject(value)) {
    const m: Record<string, number> = {};
    for (const pair of node.items) {
      const k = pair.key as YamlNode | null;
      if (!isScalar(k)) continue;
      const key = String(k.value);
      m[key] = k.range?.[0] ?? 0;
      if (pair.value && typeof pair.value === 'object') indexOffsets(pair.value as YamlNode, value[key], out);
    }
    out.set(value, m);
  } else if (isSeq(node) && Array.isArray(value)) {
    const m: number[] = [];
    node.items.forEach((item, i) => {
      const it = item as YamlNode;
      m[i] = it && typeof it === 'object' && it.range ? it.range[0] : -1;
      if (it && typeof it === 'object') indexOffsets(it, value[i], out);
    });
    out.set(value, m);
  }
}

/** Offset of the node at `path` (the key of a mapping entry, so editors land on the field name), or of its nearest
 * existing ancestor. */
function locateOffset(root: unknown, path: JsonPath, offsets: OffsetIndex, rootOffset: number): number {
  let offset = rootOffset;
  let cur: unknown = root;
  for (const seg of path) {
    if (cur === null || typeof cur !== 'object') break;
    const key = Array.isArray(cur) ? Number(seg) : String(seg);
    const index = offsets.get(cur) as Record<string | number, number> | undefined;
    const o = index !== undefined && Object.prototype.hasOwnProperty.call(index, key) ? index[key] : undefined;
    if (o === undefined || o < 0) break;
    offset = o;
    cur = (cur as Record<string | number, unknown>)[key];
  }
  return offset;
}

/** The node at a JSON path inside a parsed value (undefined where the path leaves it). */
export function valueAt(value: unknown, path: readonly (string | number)[]): unknown {
  let node = value;
  for (const seg of path) node = Array.isArray(node) ? node[seg as number] : isPlainObject(node) ? node[String(seg)] : undefined;
  return node;
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function refOf(obj: Record<string, unknown>): ObjectRef {
  const meta = isPlainObject(obj.metadata) ? obj.metadata : {};
  const ref: ObjectRef = {
    apiVersion: typeof obj.apiVersion === 'string' ? obj.apiVersion : '',
    kind: typeof obj.kind === 'string' ? obj.kind : '',
    name: typeof meta.name === 'string' ? meta.name : '',
  };
  if (typeof meta.namespace === 'string') ref.namespace = meta.namespace;
  return ref;
}

function firstLine(s: string): string {
  return s.split('\n')[0] ?? s;
}

/** Builds a finding about the node at `path` (relative to the object). */
export function findingAt(
  obj: SourceObject,
  path: JsonPath,
  code: string,
  severity: Severity,
  message: string,
  effect: Effect,
  dropped: boolean | JsonPath = false,
): Finding {
  const p = obj.locate(path);
  const f: Finding = {
    code,
    severity,
    message,
    file: obj.file,
    line: p.line,
    column: p.column,
    pointer: toPointer([...obj.basePath, ...path]),
    documentIndex: obj.documentIndex,
    effect,
    object: obj.ref,
  };
  if (dropped !== false) f.dropped = toPointer([...obj.basePath, ...(dropped === true ? path : dropped)]);
  return f;
}
