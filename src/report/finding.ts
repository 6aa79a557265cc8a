/** A finding: one thing the user should know about one node of one input document. */
export type Severity = 'error' | 'warning' | 'info';

/**
 * What the handling of a construct does to the set of allowed connections.
 * `narrower`: some connections the original allowed are denied after migration (fail-closed).
 * `wider`: some connections the original denied are allowed after migration.
 * `none`: the allowed set is unchanged.
 * `unknown`: depends on something the tool cannot see (cluster inventory, engine configuration).
 */
export type Effect = 'narrower' | 'wider' | 'none' | 'unknown';

/** A JSON path inside one document, as keys and indexes. */
export type JsonPath = ReadonlyArray<string | number>;

export interface ObjectRef {
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
}

export interface Finding {
  /** Stable kebab-case identifier with a family prefix, e.g. `cilium/l7-http`. */
  code: string;
  severity: Severity;
  message: string;
  file: string;
  line: number;
  column: number;
  /** JSON pointer (RFC 6901) of the node inside the file's document, e.g. `/spec/ingress/0`. */
  pointer: string;
  /** Index of the YAML document inside the file (0-based). */
  documentIndex: number;
  effect: Effect;
  /** JSON pointer of a node that was not carried into the output (often `pointer` itself, or the rule around it);
   * the report's retained view removes it. */
  dropped?: string;
  object?: ObjectRef;
}

export const SEVERITY_RANK: Record<Severity, number> = { info: 0, warning: 1, error: 2 };

export function toPointer(path: JsonPath): string {
  return path.map((seg) => '/' + String(seg).replace(/~/g, '~0').replace(/\//g, '~1')).join('');
}

export function compareFindings(a: Finding, b: Finding): number {
  return (
    cmp(a.file, b.file) ||
    a.line - b.line ||
    a.column - b.column ||
    cmp(a.code, b.code) ||
    cmp(a.message, b.message)
  );
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Sorts findings and removes exact duplicates (same place, code and message). */
export function normalizeFindings(findings: Finding[]): Finding[] {
  const sorted = [...findings].sort(compareFindings);
  return sorted.filter((f, i) => {
    const prev = sorted[i - 1];
    return !prev || compareFindings(prev, f) !== 0 || prev.pointer !== f.pointer;
  });
}
