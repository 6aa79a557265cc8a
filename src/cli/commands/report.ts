/** `netpol-migrate report [paths..]`: the dry run. Writes no manifests; prints the report. */
import type { Argv } from 'yargs';
import { runPipeline } from '../../pipeline/run.js';
import { formatReport, type ReportFormat } from '../../report/format/index.js';
import { summarize } from '../../report/summary.js';
import { useColor } from '../color.js';
import { readCommandInputs } from '../inputs.js';
import { translateOptions, withCommonOptions, type CommonArgs } from '../options.js';

interface ReportArgs extends CommonArgs {
  output: ReportFormat;
  diff: boolean;
}

export function reportCommand(y: Argv): Argv {
  return y.command<ReportArgs>(
    'report [paths..]',
    'dry run: what would be converted, what is dropped and why, with a diff per policy',
    (b) =>
      withCommonOptions(b)
        .option('output', { alias: 'o', choices: ['text', 'json', 'markdown'] as const, default: 'text' as const, describe: 'report format' })
        .option('diff', { type: 'boolean', default: true, describe: 'show the diff between each original and what is carried (--no-diff to hide)' })
        .example('$0 report policies/', 'report on a directory')
        .example('$0 report policies/ -o json > report.json', 'machine-readable report (schemas/report.schema.json)') as unknown as Argv<ReportArgs>,
    (a) => {
      process.exitCode = runReport(a);
    },
  );
}

export function runReport(a: ReportArgs): number {
  const read = readCommandInputs(a.paths, a['stdin-filename']);
  const result = runPipeline(read.files, translateOptions(a), read.findings);
  const summary = summarize(result, a['fail-on']);
  const color = a.output === 'text' && useColor(process.stdout, process.env, a.color);
  process.stdout.write(formatReport(result, a.output, { failOn: a['fail-on'], color, diff: a.diff, quiet: a.quiet }));
  return summary.exitCode;
}
