/** The report as GitHub-flavoured Markdown (for pull-request comments and review pages). Never coloured. */
import type { PipelineResult } from '../../pipeline/types.js';
import type { Finding } from '../finding.js';
import { retainedDiff } from '../retained.js';
import { STATUSES, summarize, VERDICTS } from '../summary.js';
import { fileCount, outputName, sourceName, type ReportOptions, witnessLines } from './common.js';

export function formatMarkdown(result: PipelineResult, opts: ReportOptions): string {
  const sum = summarize(result, opts.failOn);
  const out: string[] = ['# netpol-migrate report', ''];

  out.push('## Summary', '');
  const rows: Array<[string, number]> = [
    ['Policies', sum.sources],
    ['Files', fileCount(result)],
    ...STATUSES.map((s): [string, number] => [capitalize(s), sum[s]]),
    ['Outputs', sum.outputs],
    ...VERDICTS.map((v): [string, number] => [`Verdict ${v}`, sum.verdicts[v]]),
    ['Errors', sum.findings.error],
    ['Warnings', sum.findings.warning],
    ['Info', sum.findings.info],
    [`Exit code (fail on ${opts.failOn})`, sum.exitCode],
  ];
  out.push(...table(['Item', 'Count'], rows.map(([k, v]) => [k, String(v)]), ['---', '---:']), '');

  if (result.sources.length > 0) out.push('## Policies', '');
  for (const s of result.sources) {
    out.push(`### ${escapeInline(`${s.ref.kind} ${sourceName(s)}`)}`, '');
    const outputs = s.outputs.length > 0 ? s.outputs.map((o) => code(outputName(o))).join(', ') : 'no output';
    out.push(`${code(`${s.file}:${s.line}:${s.column}`)} — **${s.status}**, ${s.verdict} → ${outputs}`, '');
    if (s.findings.length > 0) out.push(...findingsTable(s.findings), '');
    const ws = witnessLines(s.witnesses);
    if (ws.length > 0) out.push('Witnesses:', '', ...ws.map((w) => `- ${escapeInline(w)}`), '');
    if (opts.diff) {
      const diff = retainedDiff(s);
      if (diff !== '') out.push(...fenced(diff, 'diff'), '');
    }
  }

  if (result.fileFindings.length > 0) out.push('## File findings', '', ...findingsTable(result.fileFindings), '');
  if (result.wholeSet) {
    out.push('## Whole policy set', '', `Verdict: **${result.wholeSet.verdict}**`, '');
    const ws = witnessLines(result.wholeSet.witnesses);
    if (ws.length > 0) out.push(...ws.map((w) => `- ${escapeInline(w)}`), '');
  }
  while (out[out.length - 1] === '') out.pop();
  return out.join('\n') + '\n';
}

function findingsTable(findings: Finding[]): string[] {
  return table(
    ['Location', 'Severity', 'Code', 'Message'],
    findings.map((f) => [code(`${f.file}:${f.line}:${f.column}`), f.severity, code(f.code), f.message]),
  );
}

/** A GFM table; cells are escaped. */
export function table(header: string[], rows: string[][], align?: string[]): string[] {
  const line = (cells: string[]) => `| ${cells.map(escapeCell).join(' | ')} |`;
  return [line(header), `| ${(align ?? header.map(() => '---')).join(' | ')} |`, ...rows.map(line)];
}

/** Escapes `|` (which GFM reads as a cell boundary even inside code spans) and line breaks in a table cell. */
export function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, '<br>');
}

/** A code span that survives backticks in its content. */
export function code(text: string): string {
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  return longest > 0 ? `${fence} ${text} ${fence}` : `${fence}${text}${fence}`;
}

/** A fenced block whose fence is longer than any backtick run inside it. */
function fenced(text: string, lang: string): string[] {
  const longest = Math.max(0, ...[...text.matchAll(/`{3,}/g)].map((m) => m[0].length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return [fence + lang, text.replace(/\n$/, ''), fence];
}

function escapeInline(text: string): string {
  return text.replace(/([\\`*_[\]<>#|])/g, '\\$1');
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
