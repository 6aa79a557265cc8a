/**
 * Golden samples: every directory in samples/ is run through the built CLI exactly as a user would run it, from
 * inside the case directory with the relative path `input` (so file names in reports are stable):
 *
 *   node dist/src/cli/main.js convert input --out-dir <tmp>/out --report <tmp>/report.json --report-format json [options]
 *
 * and compared with the reviewed expectations next to it: `expected/` (the whole --out-dir tree, file list and bytes),
 * `expected-report.json` (parsed, deep-equal) and `expected-exit` (the exit code). `[options]` is the JSON array in
 * `options.json`, if present.
 *
 * The JSON that `convert --report` writes is the same document `report -o json` prints (same pipeline, same encoder).
 * One CLI start costs about half a second of CPU (most of it compiling the JSON schemas), so running both commands
 * for every case would not fit the 20-second budget on a small machine; `report input -o json` is therefore run for
 * the cases where command-line handling matters most (those with an options.json or a non-zero exit code) and must
 * print exactly the expected report and exit with the expected code.
 *
 * `UPDATE_GOLDEN=1` rewrites the expectations from the tool's current output instead of comparing. Every rewrite must
 * be reviewed by hand against the semantics before it is committed (samples/README.md).
 */
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// dist/test/unit/golden.test.js -> project root is three levels up.
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const CLI = path.join(ROOT, 'dist', 'src', 'cli', 'main.js');
const SAMPLES = path.join(ROOT, 'samples');
const UPDATE = process.env.UPDATE_GOLDEN === '1';

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

interface CaseRun {
  outDir: string;
  /** `convert ... --report <file> --report-format json`. */
  convert: Run;
  /** The text of the JSON report file convert wrote ('' when it wrote none). */
  reportJson: string;
  /** `report input -o json`, for the cases of reportCommandCase(). */
  report: Run | undefined;
}

function caseNames(): string[] {
  if (!fs.existsSync(SAMPLES)) return [];
  return fs
    .readdirSync(SAMPLES, { withFileTypes: true })
    .filter((d) => d.isDirectory() && fs.existsSync(path.join(SAMPLES, d.name, 'input')))
    .map((d) => d.name)
    .sort();
}

function caseOptions(dir: string): string[] {
  const file = path.join(dir, 'options.json');
  if (!fs.existsSync(file)) return [];
  const parsed: unknown = JSON.parse(fs.readFileSync(file, 'utf8'));
  if (!Array.isArray(parsed) || !parsed.every((a): a is string => typeof a === 'string')) {
    throw new Error(`${file}: must be a JSON array of strings`);
  }
  return parsed;
}

/**
 * Runs the CLI like a user in a shell would (a separate node process, cwd = the case directory). Asynchronous so that
 * the cases can run a few at a time: one CLI start costs about half a second, and the whole golden suite has to stay
 * well under 20 seconds.
 */
function runCli(cwd: string, args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd,
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

/** Cases for which the `report` command itself is run as well (see the header). */
function reportCommandCase(dir: string): boolean {
  if (fs.existsSync(path.join(dir, 'options.json'))) return true;
  const exitFile = path.join(dir, 'expected-exit');
  return !fs.existsSync(exitFile) || fs.readFileSync(exitFile, 'utf8').trim() !== '0';
}

async function runCase(name: string, tmpRoot: string): Promise<CaseRun> {
  const dir = path.join(SAMPLES, name);
  const options = caseOptions(dir);
  const outDir = path.join(tmpRoot, name, 'out');
  const reportFile = path.join(tmpRoot, name, 'report.json');
  const convert = await runCli(dir, ['convert', 'input', '--out-dir', outDir, '--report', reportFile, '--report-format', 'json', ...options]);
  const reportJson = fs.existsSync(reportFile) ? fs.readFileSync(reportFile, 'utf8') : '';
  const report = reportCommandCase(dir) && !UPDATE ? await runCli(dir, ['report', 'input', '-o', 'json', ...options]) : undefined;
  return { outDir, convert, reportJson, report };
}

/** Runs `fn` over `items` with at most `limit` in flight; the i-th promise settles with the i-th item's result. */
function pool<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Array<Promise<R>> {
  const settle: Array<{ resolve: (r: R) => void; reject: (e: unknown) => void }> = [];
  const promises = items.map((_, i) => new Promise<R>((resolve, reject) => (settle[i] = { resolve, reject })));
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      try {
        settle[i]!.resolve(await fn(items[i]!));
      } catch (e) {
        settle[i]!.reject(e);
      }
    }
  };
  for (let k = 0; k < Math.min(limit, items.length); k++) void worker();
  return promises;
}

/** Relative paths (with `/`) of every file under `dir`, sorted; [] when `dir` does not exist. */
function listTree(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  const out: string[] = [];
  const walk = (rel: string): void => {
    for (const d of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const r = rel ? `${rel}/${d.name}` : d.name;
      if (d.isDirectory()) walk(r);
      else out.push(r);
    }
  };
  walk('');
  return out.sort();
}

function expectedExit(dir: string): number {
  const file = path.join(dir, 'expected-exit');
  if (!fs.existsSync(file)) throw new Error(`${file} is missing (run with UPDATE_GOLDEN=1, then review)`);
  const n = Number(fs.readFileSync(file, 'utf8').trim());
  if (!Number.isInteger(n)) throw new Error(`${file}: not an integer`);
  return n;
}

function describeRun(label: string, run: Run): string {
  return `${label} exited ${String(run.status)}\n--- stderr ---\n${run.stderr.slice(0, 4000)}`;
}

function parseReport(label: string, text: string, run: Run): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new Error(`${label} did not produce JSON: ${(e as Error).message}\n${describeRun(label, run)}`);
  }
}

function update(dir: string, run: CaseRun): void {
  const expectedDir = path.join(dir, 'expected');
  fs.rmSync(expectedDir, { recursive: true, force: true });
  for (const rel of listTree(run.outDir)) {
    const target = path.join(expectedDir, ...rel.split('/'));
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.copyFileSync(path.join(run.outDir, ...rel.split('/')), target);
  }
  // Keep the report as the tool wrote it (indented JSON), so diffs of the sample stay readable.
  const report = run.reportJson.endsWith('\n') ? run.reportJson : `${run.reportJson}\n`;
  fs.writeFileSync(path.join(dir, 'expected-report.json'), report);
  fs.writeFileSync(path.join(dir, 'expected-exit'), `${String(run.convert.status)}\n`);
}

describe('golden samples (samples/*, through the built CLI)', function () {
  this.timeout(60_000);
  const names = caseNames();
  let tmpRoot = '';
  let runs = new Map<string, Promise<CaseRun>>();

  before(function () {
    if (!fs.existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npx tsc -p .\` first`);
    tmpRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'netpol-golden-'));
    const limit = Math.max(2, Math.min(8, os.availableParallelism()));
    const promises = pool(names, limit, (name) => runCase(name, tmpRoot));
    runs = new Map(names.map((n, i) => [n, promises[i]!]));
    // Failures are reported by the case that awaits them; do not let an early rejection go unhandled meanwhile.
    for (const p of promises) p.catch(() => undefined);
  });

  after(function () {
    if (tmpRoot) fs.rmSync(tmpRoot, { recursive: true, force: true });
  });

  it('has at least 18 cases, each with input/ and README.md', function () {
    expect(names.length).to.be.at.least(18);
    for (const name of names) {
      expect(fs.existsSync(path.join(SAMPLES, name, 'README.md')), `${name}/README.md`).to.equal(true);
      expect(listTree(path.join(SAMPLES, name, 'input')).length, `${name}/input`).to.be.above(0);
    }
  });

  it('lists every case in samples/README.md', function () {
    const readme = fs.readFileSync(path.join(SAMPLES, 'README.md'), 'utf8');
    for (const name of names) expect(readme, `samples/README.md lacks ${name}`).to.include(`\`${name}\``);
  });

  for (const name of names) {
    it(name, async function () {
      const dir = path.join(SAMPLES, name);
      const run = await runs.get(name)!;
      if (UPDATE) {
        update(dir, run);
        return;
      }
      const exit = expectedExit(dir);
      expect(run.convert.status, describeRun('convert', run.convert)).to.equal(exit);

      // The --out-dir tree: same files, same bytes.
      const expectedDir = path.join(dir, 'expected');
      const actualFiles = listTree(run.outDir);
      expect(actualFiles, 'files written by convert --out-dir').to.deep.equal(listTree(expectedDir));
      for (const rel of actualFiles) {
        const actual = fs.readFileSync(path.join(run.outDir, ...rel.split('/')), 'utf8');
        const expected = fs.readFileSync(path.join(expectedDir, ...rel.split('/')), 'utf8');
        expect(actual, `expected/${rel}`).to.equal(expected);
      }

      // The JSON report: compared as data, not as text.
      const expectedReport: unknown = JSON.parse(fs.readFileSync(path.join(dir, 'expected-report.json'), 'utf8'));
      expect(parseReport('convert --report', run.reportJson, run.convert), 'convert --report (json)').to.deep.equal(expectedReport);
      if (run.report) {
        expect(run.report.status, describeRun('report', run.report)).to.equal(exit);
        expect(parseReport('report -o json', run.report.stdout, run.report), 'report -o json').to.deep.equal(expectedReport);
      }
    });
  }
});
