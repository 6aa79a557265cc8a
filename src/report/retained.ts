/**
 * The retained view of a source object: what is left of it once every node a finding marks as not carried
 * (`Finding.dropped`) is removed, and a unified diff between the original and that view. The diff shows a reviewer
 * exactly which rules and fields the migration left behind.
 */
import { createTwoFilesPatch, FILE_HEADERS_ONLY } from 'diff';
import { stringify } from 'yaml';
import type { SourceReport } from '../pipeline/types.js';

/** Removal marks: `remove` at a node removes it (and everything under it); `children` marks nodes below it. */
interface Trie {
  remove: boolean;
  children: Map<string, Trie>;
}

/** Decodes an RFC 6901 pointer into its reference tokens (`''` is the whole document → `[]`); undefined when malformed. */
export function parsePointer(pointer: string): string[] | undefined {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) return undefined;
  return pointer
    .slice(1)
    .split('/')
    .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/**
 * The path of `pointer` relative to the object at `base` (both document-relative pointers); undefined when the
 * pointer lies outside the object.
 */
function relativeTokens(pointer: string, base: string): string[] | undefined {
  if (pointer === base) return [];
  if (!pointer.startsWith(base + '/')) return undefined;
  return parsePointer(pointer.slice(base.length));
}

/** The pointers, relative to the source object, of every node a finding of `source` says was not carried. */
function droppedPaths(source: SourceReport): string[][] {
  const out: string[][] = [];
  for (const f of source.findings) {
    if (f.dropped === undefined) continue;
    const tokens = relativeTokens(f.dropped, source.pointer);
    if (tokens) out.push(tokens);
  }
  return out;
}

/**
 * A deep copy of `source.original` without the nodes named by the findings' `dropped` pointers; null when the whole
 * object is dropped (nothing is retained). Pointers to nodes that do not exist are ignored. Containers that a removal
 * empties are kept, so the view shows where something was removed.
 */
export function retainedView(source: SourceReport): unknown {
  const paths = droppedPaths(source);
  if (paths.some((p) => p.length === 0)) return null;
  const root: Trie = { remove: false, children: new Map() };
  for (const path of paths) {
    let node = root;
    for (const token of path) {
      let next = node.children.get(token);
      if (!next) {
        next = { remove: false, children: new Map() };
        node.children.set(token, next);
      }
      node = next;
    }
    node.remove = true;
  }
  return copyWithout(source.original, root);
}

/**
 * Copies `value`, leaving out the nodes marked in `marks`. Array elements are filtered against the indexes of the
 * original array, which is the same as removing them from the highest index down: earlier removals never shift the
 * index a later pointer refers to.
 */
function copyWithout(value: unknown, marks: Trie | undefined): unknown {
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    value.forEach((item, i) => {
      const m = marks?.children.get(String(i));
      if (m?.remove) return;
      out.push(copyWithout(item, m));
    });
    return out;
  }
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      const m = marks?.children.get(k);
      if (m?.remove) continue;
      out[k] = copyWithout(v, m);
    }
    return out;
  }
  return value;
}

/**
 * A unified diff from the original object (as YAML) to its retained view, labelled `<file> (original)` and
 * `<file> (retained)`; the empty string when nothing was removed.
 */
export function retainedDiff(source: SourceReport): string {
  const retained = retainedView(source);
  const before = stringify(source.original);
  const after = retained === null ? '' : stringify(retained);
  if (before === after) return '';
  return createTwoFilesPatch(`${source.file} (original)`, `${source.file} (retained)`, before, after, undefined, undefined, {
    context: 3,
    headerOptions: FILE_HEADERS_ONLY,
  });
}
