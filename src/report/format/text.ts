/**
 * The human report: per source a header line, its findings in the compiler style editors link
 * (`file:line:col: severity code message`), optionally the retained-view diff, then file-level findings and a
 * summary line (style-and-cli §2.5).
 */
import type { PipelineResult } from '../../pipeline/types.js';
import type { Finding, Severity } from '../finding.js';
import { retainedDiff } from '../retained.js';
import { allFindings, fails, STATUSES, summarize, VERDICTS } from '../summary.js';
import { fileCount, outputName, plural, sourceName, witnessLines, type ReportOptions } from './common.js';

const RESET = '\x1b[0m';
const SEVERITY_COLOR: Record<Severity, string> = { error: '\x1b[31m', warning: '\x1b[33m', info: '\x1b[2m' };
const DIFF_COLOR = { '-': '\x1b[31m', '+': '\x1b[32m', '@': '\x1b[36m' } as const;

/** One finding in the compiler style: `file:line:col: severity code message`. */
export function formatFindingLine(f: Finding, color: boolean): string {
  const sev = color ? SEVERITY_COLOR[f.severity] + f.severity + RESET : f.severity;
  return `${f.file}:${f.line}:${f.column}: ${sev} ${f.code} ${f.message}`;
}

/** The closing line: counts per status, verdict and severity, and the exit code. */
export function summaryLine(result: PipelineResult, failOn: ReportOptions['failOn'], exitCode?: number): string {
  const sum = summarize(result, failOn);
  const statuses = STATUSES.map((st) => `${st} ${sum[st]}`).join(', ');
  const verdicts = VERDICTS.map((v) => `${v} ${sum.verdicts[v]}`).join(', ');
  const findings = [plural(sum.findings.error, 'error'), plural(sum.findings.warning, 'warning'), `${sum.findings.info} info`].join(', ');
  return (
    `Summary: ${plural(sum.sources, 'policy', 'policies')} in ${plural(fileCount(result), 'file')} — ${statuses}; ` +
    `verdicts: ${verdicts}; ${plural(sum.outputs, 'output')}; ${findings} (exit ${exitCode ?? sum.exitCode})`
  );
}

export function formatText(result: PipelineResult, opts: ReportOptions): string {
  const lines: string[] = [];
  const findingLine = (f: Finding): string => formatFindingLine(f, opts.color);
  if (opts.quiet) {
    const failing = allFindings(result).filter((f) => fails(f.severity, opts.failOn));
    return failing.map((f) => findingLine(f) + '\n').join('');
  }

  result.sources.forEach((s, i) => {
    if (opts.diff && i > 0) lines.push('');
    const outputs = s.outputs.length > 0 ? s.outputs.map(outputName).join(', ') : 'no output';
    lines.push(`${s.file}:${s.line}:${s.column}: ${s.ref.kind} ${sourceName(s)} — ${s.status}, ${s.verdict} -> ${outputs}`);
    for (const f of s.findings) lines.push('  ' + findingLine(f));
    for (const w of witnessLines(s.witnesses)) lines.push('  ' + w);
    if (opts.diff) {
      const diff = retainedDiff(s);
      for (const l of diffLines(diff)) lines.push('    ' + colorDiffLine(l, opts.color));
    }
  });
  if (opts.diff && result.sources.length > 0 && result.fileFindings.length > 0) lines.push('');
  for (const f of result.fileFindings) lines.push(findingLine(f));
  if (result.wholeSet) {
    if (lines.length > 0) lines.push('');
    lines.push(`Whole policy set: ${result.wholeSet.verdict}`);
    for (const w of witnessLines(result.wholeSet.witnesses)) lines.push('  ' + w);
  }

  if (lines.length > 0) lines.push('');
  lines.push(summaryLine(result, opts.failOn, opts.exitCode));
  return lines.join('\n') + '\n';
}

function diffLines(diff: string): string[] {
  if (diff === '') return [];
  const lines = diff.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

function colorDiffLine(line: string, color: boolean): string {
  if (!color || line.startsWith('---') || line.startsWith('+++')) return line;
  const c = DIFF_COLOR[line[0] as keyof typeof DIFF_COLOR];
  return c ? c + line + RESET : line;
}
