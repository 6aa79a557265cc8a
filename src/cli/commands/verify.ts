/**
 * `netpol-migrate verify [paths..]`: translates the inputs and proves, per source policy and for the whole set,
 * whether the output allows exactly the same connections; `--against` verifies a given set of native policies
 * instead of the translator's output.
 */
import type { Argv } from 'yargs';
import { findingAt, isPlainObject, parseFile } from '../../io/documents.js';
import { readInputs } from '../../io/read.js';
import { validateNetworkPolicy } from '../../native/validate.js';
import type { NetworkPolicyJson } from '../../native/types.js';
import { runPipeline } from '../../pipeline/run.js';
import { finalizeSources, internalsOf, verifyAgainst } from '../../pipeline/verify.js';
import type { OutputPolicy, PipelineResult, Verdict } from '../../pipeline/types.js';
import { AWS_API_VERSION } from '../../aws/types.js';
import { validateOutput } from '../../pipeline/validate-output.js';
import { formatReport, type ReportFormat } from '../../report/format/index.js';
import { useColor } from '../color.js';
import { readCommandInputs } from '../inputs.js';
import { translateOptions, withCommonOptions, type CommonArgs } from '../options.js';
import { UsageError } from '../usage.js';

export type VerifyFailOn = 'narrower' | 'wider' | 'unknown' | 'none';

interface VerifyArgs extends Omit<CommonArgs, 'fail-on'> {
  'fail-on': VerifyFailOn;
  against?: string;
  output: ReportFormat;
}

export function verifyCommand(y: Argv): Argv {
  return y.command<VerifyArgs>(
    'verify [paths..]',
    'prove, per policy and for the whole set, whether the migrated policies allow exactly the same connections',
    (b) =>
      (withCommonOptions(b) as unknown as Argv<VerifyArgs>)
        .option('fail-on', { choices: ['narrower', 'wider', 'unknown', 'none'] as const, default: 'unknown' as const, describe: 'exit 1 when a verdict is this or worse: wider < unknown (wider or unknown) < narrower (any difference)' })
        .option('against', { type: 'string', describe: 'a file or directory of native NetworkPolicies to verify instead of the translator\'s output' })
        .option('output', { alias: 'o', choices: ['text', 'json', 'markdown'] as const, default: 'text' as const, describe: 'report format' })
        .example('$0 verify policies/', 'translate and verify')
        .example('$0 verify policies/ --against out/', 'verify native policies written by hand or by another tool') as unknown as Argv<VerifyArgs>,
    (a) => {
      process.exitCode = runVerify(a);
    },
  );
}

export function runVerify(a: VerifyArgs): number {
  const options = translateOptions({ ...a, 'fail-on': 'none' });
  const read = readCommandInputs(a.paths, a['stdin-filename']);
  let result: PipelineResult;
  if (a.against === undefined) result = runPipeline(read.files, options, read.findings);
  else {
    const against = readAgainst(a.against, options.defaultNamespace);
    result = runPipeline(read.files, { ...options, verify: false }, read.findings);
    result.fileFindings.push(...against.findings);
    verifyAgainst(result, internalsOf.get(result)!, against.policies, options);
    finalizeSources(result);
  }
  const exitCode = read.unreadable ? 2 : failsVerify(result, a['fail-on']) ? 1 : 0;
  const color = a.output === 'text' && useColor(process.stdout, process.env, a.color);
  process.stdout.write(formatReport(result, a.output, { failOn: 'none', color, diff: false, quiet: false, exitCode }));
  return exitCode;
}

const FAILING: Record<VerifyFailOn, Verdict[]> = {
  none: [],
  wider: ['wider', 'narrower+wider'],
  unknown: ['wider', 'narrower+wider', 'unknown'],
  narrower: ['wider', 'narrower+wider', 'unknown', 'narrower'],
};

export function failsVerify(result: PipelineResult, failOn: VerifyFailOn): boolean {
  const verdicts = [...result.sources.map((s) => s.verdict), ...(result.wholeSet ? [result.wholeSet.verdict] : [])];
  return verdicts.some((v) => FAILING[failOn].includes(v));
}

/**
 * The policies of `--against`: every NetworkPolicy (a missing namespace is `--namespace`'s), AWS
 * ClusterNetworkPolicy and ApplicationNetworkPolicy in the file or directory; one the API server would reject is reported and left out, like any
 * other invalid input.
 */
function readAgainst(path: string, defaultNamespace: string) {
  const read = readInputs([path], { stdinName: '<stdin>', readStdin: () => Buffer.alloc(0) });
  if (read.unreadable) throw new UsageError(`--against ${path}: cannot be read`);
  const policies: OutputPolicy[] = [];
  const findings = [...read.findings];
  for (const f of read.files) {
    const parsed = parseFile(f);
    findings.push(...parsed.findings);
    for (const obj of parsed.objects) {
      if (obj.ref.apiVersion === AWS_API_VERSION && (obj.ref.kind === 'ClusterNetworkPolicy' || obj.ref.kind === 'ApplicationNetworkPolicy') && isPlainObject(obj.value.metadata)) {
        const meta = obj.value.metadata;
        const c = (obj.ref.kind === 'ClusterNetworkPolicy' ? obj.value : { ...obj.value, metadata: { ...meta, namespace: typeof meta.namespace === 'string' ? meta.namespace : defaultNamespace } }) as unknown as OutputPolicy;
        const errors = validateOutput(c);
        if (errors.length > 0) findings.push(findingAt(obj, [], 'output/invalid', 'error', `--against: ${errors.join('; ')}; this policy is left out of the comparison`, 'unknown'));
        else policies.push(c);
        continue;
      }
      if (obj.ref.apiVersion !== 'networking.k8s.io/v1' || obj.ref.kind !== 'NetworkPolicy' || !isPlainObject(obj.value.metadata)) continue;
      const meta = obj.value.metadata;
      const p = { ...obj.value, metadata: { ...meta, namespace: typeof meta.namespace === 'string' ? meta.namespace : defaultNamespace } } as unknown as NetworkPolicyJson;
      const errors = validateNetworkPolicy(p);
      if (errors.length > 0) {
        findings.push(findingAt(obj, [], 'native/invalid', 'error', `--against: ${errors.map((e) => e.message).join('; ')}; this policy is left out of the comparison`, 'unknown'));
        continue;
      }
      policies.push(p);
    }
  }
  return { policies, findings };
}
