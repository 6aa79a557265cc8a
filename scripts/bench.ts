/**
 * `npm run bench`: converts 10,000 synthetic policies (Calico and Cilium, 1–20 rules each) and compares time and
 * peak memory with `yaml` parse + stringify of the same bytes, then translates and verifies 1,000 policies across
 * 200 namespaces. Each measurement runs in its own process so that peak RSS is its own. The conversion runs without
 * the verifier (BENCH_VERIFY=1 includes it). Usage: node dist/scripts/bench.js [count] [namespaces]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments, stringify } from 'yaml';
import { generatePolicies } from './bench-generate.js';

interface Measure {
  ms: number;
  maxRssMb: number;
}

const root = fileURLToPath(new URL('../..', import.meta.url));

function child(mode: string, file: string, out: string): Measure {
  const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--child', mode, file, out], { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`${mode} failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as Measure;
}

async function runChild(mode: string, file: string, out: string): Promise<void> {
  const t0 = process.hrtime.bigint();
  if (mode === 'baseline') {
    const text = readFileSync(file, 'utf8');
    const docs = parseAllDocuments(text);
    const list = Array.isArray(docs) ? docs : [docs];
    let bytes = 0;
    for (const d of list) bytes += stringify(d.toJS()).length;
    if (bytes === 0) throw new Error('nothing parsed');
  } else if (mode === 'verify') {
    const { runPipeline } = await import(join(root, 'dist/src/pipeline/run.js'));
    const { DEFAULT_OPTIONS } = await import(join(root, 'dist/src/model/options.js'));
    const result = runPipeline([{ name: file, text: readFileSync(file, 'utf8') }], { ...DEFAULT_OPTIONS, verify: true });
    if (!result.wholeSet) throw new Error('nothing verified');
  } else {
    const { runPipeline } = await import(join(root, 'dist/src/pipeline/run.js'));
    const { DEFAULT_OPTIONS } = await import(join(root, 'dist/src/model/options.js'));
    const { policyYaml } = await import(join(root, 'dist/src/io/write.js'));
    const result = runPipeline([{ name: file, text: readFileSync(file, 'utf8') }], { ...DEFAULT_OPTIONS, verify: process.env.BENCH_VERIFY === '1' });
    writeFileSync(out, result.outputs.map((o: { policy: unknown }) => policyYaml(o.policy)).join('---\n'));
  }
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  console.log(JSON.stringify({ ms, maxRssMb: process.resourceUsage().maxRSS / 1024 }));
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args[0] === '--child') return runChild(args[1]!, args[2]!, args[3]!);
  const count = Number(args[0] ?? 10000);
  const namespaces = Number(args[1] ?? 200);
  const dir = mkdtempSync(join(tmpdir(), 'netpol-bench-'));
  const file = join(dir, 'policies.yaml');
  writeFileSync(file, generatePolicies(count, namespaces));
  const size = readFileSync(file).length;
  const best = (mode: string) => {
    const runs = [child(mode, file, join(dir, 'out.yaml')), child(mode, file, join(dir, 'out.yaml')), child(mode, file, join(dir, 'out.yaml'))];
    return runs.sort((a, b) => a.ms - b.ms)[0]!;
  };
  const base = best('baseline');
  const tool = best('convert');
  console.log(`input: ${count} policies in ${namespaces} namespaces, ${(size / 1e6).toFixed(1)} MB`);
  console.log(`yaml parse+stringify: ${base.ms.toFixed(0)} ms, peak ${base.maxRssMb.toFixed(0)} MB`);
  console.log(`netpol-migrate convert: ${tool.ms.toFixed(0)} ms, peak ${tool.maxRssMb.toFixed(0)} MB`);
  console.log(`ratio (time): ${(tool.ms / base.ms).toFixed(2)}  target <= 2; peak memory ${tool.maxRssMb.toFixed(0)} MB, target < 500 MB`);
  // Issue #4: translate and verify 1,000 policies across 200 namespaces.
  const small = join(dir, 'verify.yaml');
  writeFileSync(small, generatePolicies(1000, 200, 7));
  const v = child('verify', small, join(dir, 'unused'));
  console.log(`translate + verify 1,000 policies in 200 namespaces: ${v.ms.toFixed(0)} ms, peak ${v.maxRssMb.toFixed(0)} MB (target < 10 s, < 500 MB)`);
  rmSync(dir, { recursive: true, force: true });
}

void main();
