/**
 * Parses the text of one input file into source objects, each able to say where any of its nodes is
 * (`file:line:col`, counted in the whole file). Multi-document YAML, JSON, `List` / `*List` kinds and calicoctl's
 * top-level sequences are unwrapped (calico-semantics §1.3, style-and-cli §2.3).
 */
import { isMap, isSeq, LineCounter, parseAllDocuments, type Document } from 'yaml';
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

export function parseFile(input: InputFile): ParsedFile {
  const lineCounter = new LineCounter();
  const findings: Finding[] = [];
  const objects: SourceObject[] = [];
  const text = input.text.charCodeAt(0) === 0xfeff ? input.text.slice(1) : input.text;
  const docs = parseAllDocuments(text, { lineCounter, prettyErrors: false, uniqueKeys: true, strict: true });
  const list = Array.isArray(docs) ? docs : [docs];
  list.forEach((doc, documentIndex) => {
    const pos = (offset: number): Position => {
      const lp = lineCounter.linePos(offset);
      return { line: lp.line, column: lp.col };
    };
    if (doc.errors.length > 0) {
      for (const err of doc.errors) {
        const p = pos(err.pos[0]);
        findings.push({
          code: 'input/yaml-syntax',
          severity: 'error',
          message: `invalid YAML: ${firstLine(err.message)}; this document is skipped`,
          file: input.name,
          ...p,
          pointer: '',
          documentIndex,
          effect: 'unknown',
        });
      }
      return;
    }
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (e) {
      const p = pos(doc.range[0]);
      findings.push({
        code: 'input/yaml-aliases',
        severity: 'error',
        message: `document rejected: ${firstLine((e as Error).message)} (more than ${MAX_ALIAS_COUNT} alias expansions)`,
        file: input.name,
        ...p,
        pointer: '',
        documentIndex,
        effect: 'unknown',
      });
      return;
    }
    if (value === null || value === undefined) return; // empty or comment-only document
    const locateIn = (basePath: JsonPath) => (path: JsonPath): Position => locateNode(doc, [...basePath, ...path], pos);
    const emit = (obj: unknown, basePath: JsonPath) => {
      if (!isPlainObject(obj)) {
        const p = locateIn(basePath)([]);
        findings.push({
          code: 'input/not-an-object',
          severity: 'error',
          message: 'expected a Kubernetes object (a mapping with apiVersion and kind); this item is skipped',
          file: input.name,
          ...p,
          pointer: toPointer(basePath),
          documentIndex,
          effect: 'unknown',
        });
        return;
      }
      objects.push({
        file: input.name,
        documentIndex,
        basePath,
        value: obj,
        locate: locateIn(basePath),
        ref: refOf(obj),
      });
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
  });
  return { objects, findings };
}

function locateNode(doc: Document, path: JsonPath, pos: (offset: number) => Position): Position {
  for (let n = path.length; n >= 0; n--) {
    const sub = path.slice(0, n);
    const node = sub.length === 0 ? doc.contents : doc.getIn(sub, true);
    if (node && typeof node === 'object' && 'range' in node && Array.isArray((node as { range?: unknown }).range)) {
      // Point at the key of a mapping entry when there is one: editors then land on the field name.
      const keyOffset = n > 0 ? keyOffsetOf(doc, sub) : undefined;
      return pos(keyOffset ?? (node as { range: [number, number, number] }).range[0]);
    }
  }
  return { line: 1, column: 1 };
}

function keyOffsetOf(doc: Document, path: JsonPath): number | undefined {
  const parent = path.length === 1 ? doc.contents : doc.getIn(path.slice(0, -1), true);
  const last = path[path.length - 1];
  if (isMap(parent)) {
    const pair = parent.items.find((it) => {
      const k = it.key as { value?: unknown } | null;
      return k !== null && typeof k === 'object' && k.value === last;
    });
    const key = pair?.key as { range?: [number, number, number] } | undefined;
    return key?.range?.[0];
  }
  if (isSeq(parent)) return undefined;
  return undefined;
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
