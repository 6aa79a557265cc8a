/** Options and helpers shared by the report formatters. */
import type { OutputRef, PipelineResult, SourceReport, Witnesses } from '../../pipeline/types.js';
import type { FailOn } from '../summary.js';

export interface ReportOptions {
  /** Findings at or above this severity make the exit code 1. */
  failOn: FailOn;
  /** ANSI colours (text format only; the other formats never colour). */
  color: boolean;
  /** Include each source's retained-view diff. */
  diff: boolean;
  /** Text format only: print just the findings at or above `failOn`, without headers, diffs or summary (`-q`).
   * The structured formats ignore it: they are always complete. */
  quiet?: boolean;
  /** The exit code to print when the command decides it otherwise than by findings (`verify`). */
  exitCode?: number;
}

export type ReportFormat = 'text' | 'json' | 'markdown';

/** The verifier's witnesses as labelled lines (`narrower: ...`), most important first. */
export function witnessLines(w: Witnesses | undefined): string[] {
  if (!w) return [];
  return [
    ...w.wider.map((t) => `wider: ${t}`),
    ...w.narrower.map((t) => `narrower: ${t}`),
    ...w.unknown.map((t) => `unknown: ${t}`),
    ...(w.incomplete ? [`incomplete: ${w.incomplete}`] : []),
  ];
}

/** `namespace/name`, or `name` for cluster-scoped objects. */
export function qualifiedName(namespace: string | undefined, name: string): string {
  return namespace ? `${namespace}/${name}` : name;
}

export function outputName(o: OutputRef): string {
  return qualifiedName(o.namespace, o.name);
}

export function sourceName(s: SourceReport): string {
  return qualifiedName(s.ref.namespace, s.ref.name);
}

/** Distinct input files a result mentions (through its sources and file-level findings). */
export function fileCount(result: PipelineResult): number {
  return new Set([...result.sources.map((s) => s.file), ...result.fileFindings.map((f) => f.file)]).size;
}

/** `1 policy`, `2 policies`. */
export function plural(n: number, one: string, many: string = one + 's'): string {
  return `${n} ${n === 1 ? one : many}`;
}
