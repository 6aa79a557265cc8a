/**
 * The shared corpus of real-world policies (`<root>/../shared/corpus`, beside the clone in CI) through the tool:
 * once through the built CLI over the whole directory (`report -o json`, `convert --out-dir`), and once per file in
 * process through `runPipeline`. Nothing may crash, every emitted policy must pass the API server's validation, every
 * report must match the schema, and two runs must give byte-identical output.
 */
import { outputNamespace } from '../../src/pipeline/types.js';
import { validateOutput } from '../../src/pipeline/validate-output.js';
import { expect } from 'chai';
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseAllDocuments, parse } from 'yaml';
import { readInputs } from '../../src/io/read.js';
import { policyYaml, writeOutDir } from '../../src/io/write.js';
import { DEFAULT_OPTIONS } from '../../src/model/options.js';
import { validateNetworkPolicy } from '../../src/native/validate.js';
import { runPipeline } from '../../src/pipeline/run.js';
import type { OutputPolicy, PipelineResult } from '../../src/pipeline/types.js';
import { formatReport } from '../../src/report/format/index.js';
import { FINDING_LINE, hasStackTrace, lines, listFiles, readTree, removeTempDirs, ROOT, runCliAsync, tempDir, type CliResult } from '../helpers/cli.js';
import { reportSchemaErrors } from '../helpers/schema.js';

const CORPUS = resolve(ROOT, '..', 'shared', 'corpus');
const PRESENT = existsSync(CORPUS) && statSync(CORPUS).isDirectory();
/** Every file of the corpus, relative to it. */
const ALL_FILES = PRESENT ? listFiles(CORPUS) : [];
/** The ones a directory run reads. */
const POLICY_FILES = ALL_FILES.filter((f) => /\.(ya?ml|json)$/i.test(f));

interface JsonReport {
  summary: { sources: number; outputs: number; exitCode: number };
  sources: Array<{ file: string; outputs: string[] }>;
  fileFindings: Array<{ file: string; code: string }>;
}

function requireCorpus(): void {
  if (!PRESENT) throw new Error(`the corpus is missing: expected ${CORPUS} (shared/ must sit beside the project folder)`);
}

/** Exit 0 or 1, nothing that looks like a crash. */
function expectNoCrash(r: CliResult, what: string): void {
  expect(r.signal, `${what}: killed by a signal`).to.equal(null);
  expect(hasStackTrace(r.stderr), `${what}: stack trace on stderr:\n${r.stderr.slice(0, 3000)}`).to.equal(false);
  expect(r.status, `${what}: exit code\n${r.stderr.slice(-3000)}`).to.be.oneOf([0, 1]);
}

after(() => removeTempDirs());

describe('corpus: shared/corpus is present', () => {
  it(`exists beside the project with policy files (${CORPUS})`, () => {
    requireCorpus();
    expect(POLICY_FILES.length, 'policy files in the corpus').to.be.greaterThan(100);
  });
});

describe('corpus: one CLI run over the whole directory', function () {
  this.timeout(120_000);
  let dir: string;
  let reports: CliResult[] = [];
  let converts: CliResult[] = [];
  let outDirs: string[] = [];

  before(async function () {
    this.timeout(120_000);
    requireCorpus();
    dir = tempDir('netpol-migrate-corpus-');
    outDirs = [join(dir, 'out1'), join(dir, 'out2')];
    // Two runs of each command, two at a time (the machine has two cores).
    const [r1, c1] = await Promise.all([runCliAsync(['report', '-o', 'json', '--verify-time-limit', '2', CORPUS], { cwd: dir }), runCliAsync(['convert', CORPUS, '--verify-time-limit', '2', '--out-dir', outDirs[0]!], { cwd: dir })]);
    const [r2, c2] = await Promise.all([runCliAsync(['report', '-o', 'json', '--verify-time-limit', '2', CORPUS], { cwd: dir }), runCliAsync(['convert', CORPUS, '--verify-time-limit', '2', '--out-dir', outDirs[1]!], { cwd: dir })]);
    reports = [r1!, r2!];
    converts = [c1!, c2!];
  });

  it('report -o json: exit 0 or 1, no crash, nothing on stderr', () => {
    for (const r of reports) {
      expectNoCrash(r, 'report -o json');
      expect(r.stderr).to.equal('');
    }
  });

  it('report -o json matches schemas/report.schema.json', () => {
    const report = JSON.parse(reports[0]!.stdout) as JsonReport;
    expect(reportSchemaErrors(report)).to.equal('');
    expect(report.summary.sources).to.be.greaterThan(500);
    expect(report.summary.exitCode).to.equal(reports[0]!.status);
  });

  it('report -o json names only corpus files, and every source is accounted for', () => {
    const report = JSON.parse(reports[0]!.stdout) as JsonReport;
    const known = new Set(POLICY_FILES.map((f) => join(CORPUS, f)));
    for (const s of report.sources) expect(known.has(s.file), s.file).to.equal(true);
    for (const f of report.fileFindings) expect(known.has(f.file), f.file).to.equal(true);
    expect(report.fileFindings.filter((f) => f.code === 'input/unreadable'), 'no corpus file is unreadable').to.deep.equal([]);
  });

  it('convert --out-dir: exit 0 or 1, no crash, nothing on stdout, every stderr line a finding or the summary', () => {
    for (const c of converts) {
      expectNoCrash(c, 'convert --out-dir');
      expect(c.stdout).to.equal('');
      const errLines = lines(c.stderr);
      const bad = errLines.filter((l) => !FINDING_LINE.test(l) && !l.startsWith('Summary: '));
      expect(bad, 'stderr lines that are neither findings nor the summary').to.deep.equal([]);
      expect(errLines.at(-1)).to.match(/^Summary: /);
    }
  });

  it('every policy written to --out-dir passes the API server validation and sits at <namespace>/<name>.yaml', () => {
    const files = listFiles(outDirs[0]!).filter((f) => f !== 'kustomization.yaml');
    expect(files.length).to.be.greaterThan(100);
    const problems: string[] = [];
    for (const f of files) {
      const docs = parseAllDocuments(readFileSync(join(outDirs[0]!, f), 'utf8'));
      const list = Array.isArray(docs) ? docs : [docs];
      if (list.length !== 1 || list[0]!.errors.length > 0) {
        problems.push(`${f}: not exactly one YAML document`);
        continue;
      }
      const p = list[0]!.toJS() as { metadata: { namespace: string; name: string } };
      const errors = validateNetworkPolicy(p);
      if (errors.length > 0) problems.push(`${f}: ${errors.map((e) => e.message).join('; ')}`);
      if (`${p.metadata.namespace}/${p.metadata.name}.yaml` !== f) problems.push(`${f}: holds ${p.metadata.namespace}/${p.metadata.name}`);
    }
    expect(problems).to.deep.equal([]);
  });

  it('--out-dir holds one file per output policy, all listed once in kustomization.yaml', () => {
    const report = JSON.parse(reports[0]!.stdout) as JsonReport;
    const files = listFiles(outDirs[0]!).filter((f) => f !== 'kustomization.yaml');
    const resources = (parse(readFileSync(join(outDirs[0]!, 'kustomization.yaml'), 'utf8')) as { resources: string[] }).resources;
    const outputs = report.sources.flatMap((s) => s.outputs);
    const duplicates = [...new Set(outputs.filter((o, i) => outputs.indexOf(o) !== i))];
    expect(duplicates, 'output names given to more than one policy').to.deep.equal([]);
    expect(new Set(resources).size, 'kustomization.yaml lists a resource twice').to.equal(resources.length);
    expect(files.length, 'files written vs. outputs reported').to.equal(report.summary.outputs);
    expect([...resources].sort()).to.deep.equal(files);
  });

  it('two runs give byte-identical reports, --out-dir trees and findings', () => {
    expect(reports[0]!.stdoutBytes.equals(reports[1]!.stdoutBytes), 'report -o json differs between runs').to.equal(true);
    expect(converts[0]!.stderr, 'convert stderr differs between runs').to.equal(converts[1]!.stderr);
    expect(converts[0]!.status).to.equal(converts[1]!.status);
    expect(readTree(outDirs[0]!)).to.deep.equal(readTree(outDirs[1]!));
  });
});

describe('corpus: --target vpc-cni --eks-auto-mode over the whole directory', function () {
  this.timeout(120_000);

  it('no crash; every ClusterNetworkPolicy, ApplicationNetworkPolicy and NetworkPolicy written is valid, at its place, listed once', async () => {
    requireCorpus();
    const out = join(tempDir('netpol-migrate-corpus-vpc-'), 'out');
    const r = await runCliAsync(['convert', CORPUS, '--target', 'vpc-cni', '--eks-auto-mode', '--no-verify', '--namespaces', 'default,kube-system', '--out-dir', out]);
    expectNoCrash(r!, 'convert --target vpc-cni');
    const files = listFiles(out).filter((f) => f !== 'kustomization.yaml');
    const problems: string[] = [];
    const kinds = new Set<string>();
    for (const f of files) {
      const p = parse(readFileSync(join(out, f), 'utf8')) as OutputPolicy;
      kinds.add(p.kind);
      const errors = validateOutput(p);
      if (errors.length > 0) problems.push(`${f}: ${errors.join('; ')}`);
      if (`${outputNamespace(p) || '_cluster'}/${p.metadata.name}.yaml` !== f) problems.push(`${f}: holds ${p.kind} ${p.metadata.name}`);
    }
    expect(problems).to.deep.equal([]);
    expect([...kinds].sort()).to.deep.equal(['ApplicationNetworkPolicy', 'ClusterNetworkPolicy', 'NetworkPolicy']);
    const resources = (parse(readFileSync(join(out, 'kustomization.yaml'), 'utf8')) as { resources: string[] }).resources;
    expect([...resources].sort()).to.deep.equal(files);
  });
});

describe('corpus: every file in process (runPipeline)', () => {
  const outRoot = PRESENT ? tempDir('netpol-migrate-corpus-files-') : '';

  function runOnce(file: string): { result: PipelineResult; json: string; text: string; markdown: string; yaml: string } {
    const read = readInputs([file], { stdinName: '<stdin>', readStdin: () => Buffer.alloc(0) });
    expect(read.unreadable, `${file} could not be read`).to.equal(false);
    const result = runPipeline(read.files, { ...DEFAULT_OPTIONS }, read.findings);
    const opts = { failOn: 'error' as const, color: false, diff: true };
    return {
      result,
      json: formatReport(result, 'json', opts),
      text: formatReport(result, 'text', opts),
      markdown: formatReport(result, 'markdown', opts),
      yaml: result.outputs.map((o) => policyYaml(o.policy)).join('---\n'),
    };
  }

  ALL_FILES.forEach((rel, index) => {
    it(rel, () => {
      const file = join(CORPUS, rel);
      const a = runOnce(file);
      const report = JSON.parse(a.json) as JsonReport;
      expect(reportSchemaErrors(report)).to.equal('');
      for (const s of report.sources) expect(s.file).to.equal(file);
      for (const o of a.result.outputs) {
        const errors = validateOutput(o.policy);
        expect(errors, `${outputNamespace(o.policy)}/${o.policy.metadata.name}: ${errors.join('; ')}`).to.deep.equal([]);
      }
      const names = a.result.outputs.map((o) => `${outputNamespace(o.policy)}/${o.policy.metadata.name}`);
      expect(new Set(names).size, `output names are unique: ${names.join(', ')}`).to.equal(names.length);
      // what `convert --out-dir` does with this file alone
      const out = join(outRoot, String(index));
      mkdirSync(out, { recursive: true });
      const written = writeOutDir(out, a.result.outputs.map((o) => o.policy));
      expect(listFiles(out).filter((f) => f !== 'kustomization.yaml')).to.deep.equal([...written].sort());
      // deterministic
      const b = runOnce(file);
      expect(b.json, 'JSON report differs between runs').to.equal(a.json);
      expect(b.text, 'text report differs between runs').to.equal(a.text);
      expect(b.markdown, 'markdown report differs between runs').to.equal(a.markdown);
      expect(b.yaml, 'emitted policies differ between runs').to.equal(a.yaml);
    });
  });
});
