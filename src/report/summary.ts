/** Counts over a pipeline result, and the exit-code decision for `--fail-on` (style-and-cli §2.5). */
import type { PipelineResult, SourceStatus, Verdict } from '../pipeline/types.js';
import { SEVERITY_RANK, type Finding, type Severity } from './finding.js';

export type FailOn = Severity | 'none';

export const STATUSES: readonly SourceStatus[] = ['converted', 'partial', 'skipped', 'invalid'];
export const VERDICTS: readonly Verdict[] = ['exact', 'narrower', 'wider', 'narrower+wider', 'unknown', 'skipped'];
export const SEVERITIES: readonly Severity[] = ['error', 'warning', 'info'];

export interface Summary {
  /** Policy objects read (whatever their status). */
  sources: number;
  converted: number;
  partial: number;
  skipped: number;
  invalid: number;
  /** NetworkPolicies emitted. */
  outputs: number;
  verdicts: Record<Verdict, number>;
  /** Findings by severity, of the sources and of the files. */
  findings: Record<Severity, number>;
  /** 1 when a finding is at or above `failOn` (never for `none`). */
  exitCode: 0 | 1 | 2;
}

/** Every finding of a result: per source in order, then the file-level ones. */
export function allFindings(result: PipelineResult): Finding[] {
  return [...result.sources.flatMap((s) => s.findings), ...result.fileFindings];
}

/** Whether a finding of this severity fails the run under `failOn`. */
export function fails(severity: Severity, failOn: FailOn): boolean {
  return failOn !== 'none' && SEVERITY_RANK[severity] >= SEVERITY_RANK[failOn];
}

export function summarize(result: PipelineResult, failOn: FailOn): Summary {
  const s: Summary = {
    sources: result.sources.length,
    converted: 0,
    partial: 0,
    skipped: 0,
    invalid: 0,
    outputs: result.outputs.length,
    verdicts: { exact: 0, narrower: 0, wider: 0, 'narrower+wider': 0, unknown: 0, skipped: 0 },
    findings: { error: 0, warning: 0, info: 0 },
    exitCode: 0,
  };
  for (const src of result.sources) {
    s[src.status] += 1;
    s.verdicts[src.verdict] += 1;
  }
  for (const f of allFindings(result)) {
    s.findings[f.severity] += 1;
    if (fails(f.severity, failOn) && s.exitCode === 0) s.exitCode = 1;
  }
  // An input path that could not be read at all is exit code 2, whatever --fail-on says (style-and-cli §2.5).
  if (result.fileFindings.some((f) => f.code === 'input/unreadable')) s.exitCode = 2;
  return s;
}
