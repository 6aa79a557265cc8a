/** What `convert` prints on stderr: one line per finding (sorted), then the summary line. */
import type { PipelineResult } from '../pipeline/types.js';
import { compareFindings } from '../report/finding.js';
import { formatFindingLine, summaryLine } from '../report/format/text.js';
import { allFindings, fails, type FailOn } from '../report/summary.js';

export interface StderrOptions {
  failOn: FailOn;
  quiet: boolean;
  color: boolean;
}

export function printFindings(result: PipelineResult, opts: StderrOptions): void {
  const findings = allFindings(result)
    .filter((f) => !opts.quiet || fails(f.severity, opts.failOn))
    .sort(compareFindings);
  const lines = findings.map((f) => formatFindingLine(f, opts.color));
  if (!opts.quiet) lines.push(summaryLine(result, opts.failOn));
  if (lines.length > 0) process.stderr.write(lines.join('\n') + '\n');
}
