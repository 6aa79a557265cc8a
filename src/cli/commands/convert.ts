/** `netpol-migrate convert [paths..]`: translate and write native NetworkPolicies. */
import { extname } from 'node:path';
import type { Argv } from 'yargs';
import { assertNotInput, policyYaml, writeAtomic, writeOutDir, WriteError } from '../../io/write.js';
import { runPipeline } from '../../pipeline/run.js';
import { formatReport, type ReportFormat } from '../../report/format/index.js';
import { summarize } from '../../report/summary.js';
import { useColor } from '../color.js';
import { readCommandInputs } from '../inputs.js';
import { translateOptions, withCommonOptions, type CommonArgs } from '../options.js';
import { printFindings } from '../stderr.js';
import { UsageError } from '../usage.js';

interface ConvertArgs extends CommonArgs {
  'out-dir'?: string;
  output: 'yaml' | 'json';
  report?: string;
  'report-format'?: ReportFormat;
}

export function convertCommand(y: Argv): Argv {
  return y.command<ConvertArgs>(
    'convert [paths..]',
    'convert Calico and Cilium policies to native NetworkPolicies',
    (b) =>
      withCommonOptions(b)
        .option('out-dir', { type: 'string', describe: 'write one file per policy at DIR/<namespace>/<name>.yaml plus DIR/kustomization.yaml' })
        .option('output', { alias: 'o', choices: ['yaml', 'json'] as const, default: 'yaml' as const, describe: 'encoding of the manifests on stdout' })
        .option('report', { type: 'string', describe: 'also write the full report to FILE (format from --report-format or the extension)' })
        .option('report-format', { choices: ['text', 'json', 'markdown'] as const, describe: 'format of --report' })
        .example('$0 convert policies/ --out-dir out/', 'convert a directory into out/<namespace>/<name>.yaml')
        .example('kubectl get cnp -A -o yaml | $0 convert - > native.yaml', 'convert from standard input') as unknown as Argv<ConvertArgs>,
    (a) => {
      process.exitCode = runConvert(a);
    },
  );
}

export function runConvert(a: ConvertArgs): number {
  const options = translateOptions(a);
  const reportFormat = a.report !== undefined ? (a['report-format'] ?? formatFromExtension(a.report)) : undefined;
  const read = readCommandInputs(a.paths, a['stdin-filename']);
  const result = runPipeline(read.files, options, read.findings);
  const summary = summarize(result, a['fail-on']);
  const policies = result.outputs.map((o) => o.policy);
  if (a['out-dir'] !== undefined) {
    try {
      writeOutDir(a['out-dir'], policies, read.realPaths);
    } catch (e) {
      if (e instanceof WriteError) {
        process.stderr.write(`netpol-migrate: error: ${e.message}\n`);
        return 2;
      }
      throw e;
    }
  } else if (a.output === 'json') {
    process.stdout.write(JSON.stringify({ apiVersion: 'v1', kind: 'List', items: policies }, null, 2) + '\n');
  } else {
    process.stdout.write(policies.map((p) => policyYaml(p)).join('---\n'));
  }
  const exitCode = summary.exitCode;
  if (a.report !== undefined && reportFormat !== undefined) {
    try {
      assertNotInput(a.report, read.realPaths);
      writeAtomic(a.report, formatReport(result, reportFormat, { failOn: a['fail-on'], color: false, diff: true }));
    } catch (e) {
      process.stderr.write(`netpol-migrate: error: cannot write --report ${a.report}: ${(e as Error).message}\n`);
      return 2;
    }
  }
  printFindings(result, { failOn: a['fail-on'], quiet: a.quiet, color: useColor(process.stderr, process.env, a.color) });
  return exitCode;
}

function formatFromExtension(file: string): ReportFormat {
  const ext = extname(file).toLowerCase();
  if (ext === '.json') return 'json';
  if (ext === '.md' || ext === '.markdown') return 'markdown';
  if (ext === '.txt' || ext === '' || ext === '.log') return 'text';
  throw new UsageError(`cannot tell the report format from "${file}": use --report-format text|json|markdown`);
}

