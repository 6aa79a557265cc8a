/**
 * Black-box tests of the built command-line tool (`node dist/src/cli/main.js`), each in its own temporary directory:
 * commands, options, inputs (files, directories, stdin), outputs (stdout, --out-dir, --report), exit codes, colour,
 * hostile input and determinism, as the converter issue specifies them.
 */
import { expect } from 'chai';
import { chmodSync, closeSync, existsSync, linkSync, openSync, readFileSync, statSync, symlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { validateNetworkPolicy } from '../../src/native/validate.js';
import {
  FINDING_LINE,
  findingLines,
  hasAnsi,
  hasStackTrace,
  hashTree,
  lines,
  listFiles,
  readTree,
  removeTempDirs,
  ROOT,
  runCli,
  runCliAsync,
  runCliInTty,
  sha256,
  tempDir,
  writeTree,
  type CliResult,
} from '../helpers/cli.js';
import { reportSchemaErrors } from '../helpers/schema.js';
import { CALICO_ALLOW, CALICO_SCHEMA_INVALID, CALICO_STAGED, ciliumNamed, ciliumNoNamespace, CILIUM_CLEAN, CILIUM_L7 } from '../helpers/policies.js';

interface NetworkPolicyDoc {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace: string; annotations?: Record<string, string> };
  spec: unknown;
}

/** Parses the multi-document YAML stream of `convert`'s stdout. */
function policiesOf(stdout: string): NetworkPolicyDoc[] {
  const docs = parseAllDocuments(stdout);
  const list = Array.isArray(docs) ? docs : [docs];
  for (const d of list) expect(d.errors, `stdout is not valid YAML: ${d.errors.map((e) => e.message).join('; ')}`).to.deep.equal([]);
  return list.map((d) => d.toJS() as NetworkPolicyDoc).filter((p) => p !== null);
}

function names(stdout: string): string[] {
  return policiesOf(stdout).map((p) => `${p.metadata.namespace}/${p.metadata.name}`);
}

/** Result details for assertion messages. */
function show(r: CliResult): string {
  return `exit ${r.status}\n--- stdout ---\n${r.stdout.slice(0, 3000)}\n--- stderr ---\n${r.stderr.slice(0, 3000)}`;
}

function expectExit(r: CliResult, code: number): void {
  expect(r.status, show(r)).to.equal(code);
  expect(hasStackTrace(r.stderr), `stack trace on stderr:\n${r.stderr}`).to.equal(false);
}

/** A usage error: exit 2, nothing on stdout, an error line and a one-line hint on stderr. */
function expectUsageError(r: CliResult): void {
  expectExit(r, 2);
  expect(r.stdout, 'a usage error prints nothing on stdout').to.equal('');
  const errLines = lines(r.stderr);
  expect(errLines.length, `expected an error and a one-line hint, got:\n${r.stderr}`).to.be.within(1, 2);
  expect(errLines[0]).to.match(/^netpol-migrate: error: \S/);
  expect(r.stderr).to.match(/--help/);
}

function findingsWithCode(stderr: string, code: string): string[] {
  return findingLines(stderr).filter((l) => l.includes(` ${code} `));
}

const ANNOTATION_FILE = 'netpol-migrate.io/source-file';

after(() => removeTempDirs());

describe('CLI: the built binary', () => {
  it('exists (run `npx tsc -p .` first)', () => {
    expect(existsSync(join(ROOT, 'dist', 'src', 'cli', 'main.js'))).to.equal(true);
  });
});

describe('CLI: help, version and usage errors', () => {
  it('--version prints the package version and exits 0', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    const r = runCli(['--version']);
    expectExit(r, 0);
    expect(r.stdout.trim()).to.equal(pkg.version);
  });

  it('--help and -h list the three commands and the exit codes, exit 0', () => {
    for (const flag of ['--help', '-h']) {
      const r = runCli([flag]);
      expectExit(r, 0);
      for (const c of ['convert', 'report', 'features']) expect(r.stdout).to.include(c);
      expect(r.stdout).to.match(/exit codes?/i);
    }
  });

  it('convert --help documents the options of the contract', () => {
    const r = runCli(['convert', '--help']);
    expectExit(r, 0);
    for (const o of ['--out-dir', '--output', '--report', '--report-format', '--namespace', '-n', '--fail-on', '--quiet', '--color', '--no-color']) {
      expect(r.stdout, o).to.include(o.replace('--no-color', 'color'));
    }
  });

  it('report --help documents --no-diff and -o text|json|markdown', () => {
    const r = runCli(['report', '--help']);
    expectExit(r, 0);
    expect(r.stdout).to.include('diff');
    for (const f of ['text', 'json', 'markdown']) expect(r.stdout).to.include(f);
  });

  it('no command is a usage error (exit 2, one-line hint)', () => {
    expectUsageError(runCli([]));
  });

  it('an unknown command is a usage error (exit 2, one-line hint)', () => {
    expectUsageError(runCli(['frobnicate']));
    expectUsageError(runCli(['conver', 'x.yaml']));
  });

  it('an unknown option is a usage error for every command (exit 2, one-line hint)', () => {
    const d = tempDir();
    writeTree(d, { 'a.yaml': CALICO_ALLOW });
    expectUsageError(runCli(['convert', '--bogus', 'a.yaml'], { cwd: d }));
    expectUsageError(runCli(['report', '--frob', 'a.yaml'], { cwd: d }));
    expectUsageError(runCli(['features', '--bogus']));
    expectUsageError(runCli(['convert', '-x', 'a.yaml'], { cwd: d }));
    // nothing was written
    expect(listFiles(d)).to.deep.equal(['a.yaml']);
  });

  it('a value outside the choices is a usage error (exit 2)', () => {
    const d = tempDir();
    writeTree(d, { 'a.yaml': CALICO_ALLOW });
    for (const args of [
      ['convert', 'a.yaml', '--fail-on', 'bogus'],
      ['convert', 'a.yaml', '-o', 'toml'],
      ['report', 'a.yaml', '-o', 'yaml'],
      ['features', '-o', 'html'],
    ]) {
      const r = runCli(args, { cwd: d });
      expectExit(r, 2);
      expect(r.stdout, args.join(' ')).to.equal('');
      expect(r.stderr).to.match(/^netpol-migrate: error: /);
    }
  });
});

describe('CLI: features', () => {
  it('prints the catalog as text (default), json and markdown', () => {
    const text = runCli(['features']);
    expectExit(text, 0);
    for (const code of ['input/yaml-syntax', 'input/yaml-aliases', 'input/too-large', 'input/binary', 'input/unreadable', 'input/unknown-field']) {
      expect(text.stdout).to.include(code);
    }

    const json = runCli(['features', '-o', 'json']);
    expectExit(json, 0);
    const catalog = JSON.parse(json.stdout) as Array<{ code: string; severity: string }>;
    expect(catalog).to.be.an('array').that.is.not.empty;
    for (const f of catalog) {
      expect(f.code).to.match(/^[a-z0-9-]+\/[a-z0-9-]+$/);
      expect(['error', 'warning', 'info']).to.include(f.severity);
    }
    expect(new Set(catalog.map((f) => f.code)).size, 'codes are unique').to.equal(catalog.length);

    const md = runCli(['features', '--output', 'markdown']);
    expectExit(md, 0);
    expect(md.stdout).to.match(/^# /);
    expect(md.stdout).to.match(/^\| .* \|$/m);
    for (const f of catalog) expect(md.stdout).to.include(f.code);
  });
});

describe('CLI: inputs', () => {
  it('`-` reads standard input; findings name it <stdin>', () => {
    const r = runCli(['convert', '-'], { input: CALICO_ALLOW });
    expectExit(r, 0);
    expect(names(r.stdout)).to.deep.equal(['shop/allow-web']);
    expect(policiesOf(r.stdout)[0]!.metadata.annotations?.[ANNOTATION_FILE]).to.equal('<stdin>:1');
    expect(findingLines(r.stderr).every((l) => l.startsWith('<stdin>:'))).to.equal(true);
  });

  it('no path with a piped standard input reads it', () => {
    const r = runCli(['convert'], { input: CALICO_ALLOW });
    expectExit(r, 0);
    expect(names(r.stdout)).to.deep.equal(['shop/allow-web']);
  });

  it('--stdin-filename names standard input in findings and annotations', () => {
    const r = runCli(['convert', '-', '--stdin-filename', 'piped.yaml'], { input: CALICO_ALLOW });
    expectExit(r, 0);
    expect(policiesOf(r.stdout)[0]!.metadata.annotations?.[ANNOTATION_FILE]).to.equal('piped.yaml:1');
    expect(r.stderr).to.match(/^piped\.yaml:12:9: info /m);
  });

  it('no path with standard input on a terminal is a usage error (exit 2)', () => {
    const r = runCliInTty(['convert']);
    expect(r.status, r.stdout).to.equal(2);
    expect(r.stdout).to.match(/^netpol-migrate: error: .*no input/m);
    expect(hasStackTrace(r.stdout)).to.equal(false);
  });

  it('stdin and files mixed keep the command-line order (convert a.yaml - b.yaml)', () => {
    const d = tempDir();
    writeTree(d, { 'a.yaml': ciliumNamed('aaa-last-alpha', 'x'), 'b.yaml': ciliumNamed('bbb', 'y') });
    const stdin = ciliumNamed('zzz-from-stdin', 'z');
    const r = runCli(['convert', 'a.yaml', '-', 'b.yaml'], { cwd: d, input: stdin });
    expectExit(r, 0);
    expect(names(r.stdout)).to.deep.equal(['shop/aaa-last-alpha', 'shop/zzz-from-stdin', 'shop/bbb']);
    expect(policiesOf(r.stdout).map((p) => p.metadata.annotations?.[ANNOTATION_FILE])).to.deep.equal(['a.yaml:1', '<stdin>:1', 'b.yaml:1']);
    // the order is the command line's, not the alphabet's
    const r2 = runCli(['convert', 'b.yaml', '-', 'a.yaml'], { cwd: d, input: stdin });
    expect(names(r2.stdout)).to.deep.equal(['shop/bbb', 'shop/zzz-from-stdin', 'shop/aaa-last-alpha']);
    const rep = runCli(['report', '-o', 'json', 'b.yaml', '-', 'a.yaml'], { cwd: d, input: stdin });
    expect((JSON.parse(rep.stdout) as { sources: Array<{ file: string }> }).sources.map((s) => s.file)).to.deep.equal(['b.yaml', '<stdin>', 'a.yaml']);
  });

  it('a directory is read recursively, in sorted order, only *.yaml, *.yml and *.json', () => {
    const d = tempDir();
    writeTree(d, {
      'pol/m.yaml': ciliumNamed('p-m', 'm'),
      'pol/b/z.yml': ciliumNamed('p-b-z', 'bz'),
      'pol/a.json': JSON.stringify(parse(ciliumNamed('p-a-json', 'aj'))),
      'pol/sub/deeper/c.yaml': ciliumNamed('p-sub-deeper-c', 'sdc'),
      'pol/ignored.txt': ciliumNamed('ignored-txt', 'i1'),
      'pol/ignored.yaml.bak': ciliumNamed('ignored-bak', 'i2'),
      'pol/README.md': '# not a policy\n',
      'pol/noext': ciliumNamed('ignored-noext', 'i3'),
    });
    const r = runCli(['convert', 'pol'], { cwd: d });
    expectExit(r, 0);
    // sorted by name, directories descended where they sort
    expect(names(r.stdout)).to.deep.equal(['shop/p-a-json', 'shop/p-b-z', 'shop/p-m', 'shop/p-sub-deeper-c']);
    expect(policiesOf(r.stdout).map((p) => p.metadata.annotations?.[ANNOTATION_FILE])).to.deep.equal([
      'pol/a.json:1',
      'pol/b/z.yml:1',
      'pol/m.yaml:1',
      'pol/sub/deeper/c.yaml:1',
    ]);
    expect(r.stderr).not.to.include('ignored');
    expect(r.stderr).not.to.include('README');
  });

  it('a file named explicitly is read whatever its extension', () => {
    const d = tempDir();
    writeTree(d, { 'policy.txt': CILIUM_CLEAN });
    const r = runCli(['convert', 'policy.txt'], { cwd: d });
    expectExit(r, 0);
    expect(names(r.stdout)).to.deep.equal(['shop/db-from-api']);
  });

  it('a directory given twice, or a file inside a given directory, is still processed without crashing', () => {
    const d = tempDir();
    writeTree(d, { 'pol/a.yaml': CILIUM_CLEAN });
    const r = runCli(['convert', 'pol', 'pol/a.yaml'], { cwd: d });
    expect([0, 1], show(r)).to.include(r.status);
    expect(hasStackTrace(r.stderr)).to.equal(false);
  });

  it('a symbolic-link loop inside a directory neither crashes nor reads a file twice', () => {
    const d = tempDir();
    writeTree(d, { 'pol/a.yaml': CILIUM_CLEAN });
    symlinkSync('.', join(d, 'pol', 'self'));
    symlinkSync('..', join(d, 'pol', 'up'));
    const r = runCli(['convert', 'pol'], { cwd: d });
    expect(hasStackTrace(r.stderr), `stack trace on stderr:\n${r.stderr.slice(0, 2000)}`).to.equal(false);
    expect(r.status, show(r)).to.be.oneOf([0, 1, 2]);
    expect(names(r.stdout), 'pol/a.yaml converted exactly once').to.deep.equal(['shop/db-from-api']);
  });

  it('JSON input files are converted like YAML ones', () => {
    const d = tempDir();
    writeTree(d, { 'p.json': JSON.stringify(parse(CALICO_ALLOW), null, 2) });
    const r = runCli(['convert', 'p.json'], { cwd: d });
    expectExit(r, 0);
    expect(names(r.stdout)).to.deep.equal(['shop/allow-web']);
  });
});

describe('CLI: convert outputs', () => {
  it('prints every output policy as one multi-document YAML stream, each a valid NetworkPolicy', () => {
    const d = tempDir();
    writeTree(d, { 'a.yaml': CALICO_ALLOW, 'b.yaml': `${CILIUM_CLEAN}---\n${CILIUM_L7}` });
    const r = runCli(['convert', 'a.yaml', 'b.yaml'], { cwd: d });
    expectExit(r, 0);
    const docs = policiesOf(r.stdout);
    expect(docs.map((p) => `${p.metadata.namespace}/${p.metadata.name}`)).to.deep.equal(['shop/allow-web', 'shop/db-from-api', 'shop/l7']);
    for (const p of docs) {
      expect(p.apiVersion).to.equal('networking.k8s.io/v1');
      expect(p.kind).to.equal('NetworkPolicy');
      expect(validateNetworkPolicy(p), JSON.stringify(p)).to.deep.equal([]);
    }
    // findings never go to stdout
    expect(r.stdout).not.to.match(/^Summary:/m);
    expect(r.stdout).not.to.match(FINDING_LINE);
  });

  it('-o json prints a v1 List of the same policies', () => {
    const d = tempDir();
    writeTree(d, { 'a.yaml': CALICO_ALLOW, 'b.yaml': `${CILIUM_CLEAN}---\n${CILIUM_L7}` });
    const yamlOut = runCli(['convert', 'a.yaml', 'b.yaml'], { cwd: d });
    const jsonOut = runCli(['convert', '-o', 'json', 'a.yaml', 'b.yaml'], { cwd: d });
    expectExit(jsonOut, 0);
    const list = JSON.parse(jsonOut.stdout) as { apiVersion: string; kind: string; items: NetworkPolicyDoc[] };
    expect(list.apiVersion).to.equal('v1');
    expect(list.kind).to.equal('List');
    expect(list.items).to.deep.equal(policiesOf(yamlOut.stdout));
    expect(jsonOut.stderr).to.equal(yamlOut.stderr);
  });

  it('-o json with no policy prints an empty List', () => {
    const r = runCli(['convert', '-o', 'json', '-'], { input: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n' });
    expectExit(r, 0);
    expect(JSON.parse(r.stdout)).to.deep.equal({ apiVersion: 'v1', kind: 'List', items: [] });
  });

  it('--out-dir writes DIR/<namespace>/<name>.yaml per policy and DIR/kustomization.yaml, nothing on stdout', () => {
    const d = tempDir();
    writeTree(d, { 'a.yaml': CALICO_ALLOW, 'b.yaml': `${CILIUM_CLEAN}---\n${ciliumNoNamespace('cil-b')}` });
    const r = runCli(['convert', 'a.yaml', 'b.yaml', '--out-dir', 'out/nested'], { cwd: d });
    expectExit(r, 0);
    expect(r.stdout).to.equal('');
    const out = join(d, 'out', 'nested');
    expect(listFiles(out)).to.deep.equal(['default/cil-b.yaml', 'kustomization.yaml', 'shop/allow-web.yaml', 'shop/db-from-api.yaml']);
    for (const f of ['default/cil-b.yaml', 'shop/allow-web.yaml', 'shop/db-from-api.yaml']) {
      const docs = parseAllDocuments(readFileSync(join(out, f), 'utf8'));
      const list = Array.isArray(docs) ? docs : [docs];
      expect(list, `${f} holds one document`).to.have.length(1);
      const p = list[0]!.toJS() as NetworkPolicyDoc;
      expect(`${p.metadata.namespace}/${p.metadata.name}.yaml`).to.equal(f);
      expect(validateNetworkPolicy(p)).to.deep.equal([]);
    }
    const kustomization = parse(readFileSync(join(out, 'kustomization.yaml'), 'utf8')) as Record<string, unknown>;
    expect(kustomization).to.deep.equal({
      apiVersion: 'kustomize.config.k8s.io/v1beta1',
      kind: 'Kustomization',
      resources: ['default/cil-b.yaml', 'shop/allow-web.yaml', 'shop/db-from-api.yaml'],
    });
    // the files hold the same policies as stdout would
    const stdout = runCli(['convert', 'a.yaml', 'b.yaml'], { cwd: d });
    const fromStdout = policiesOf(stdout.stdout);
    for (const p of fromStdout) {
      expect(parse(readFileSync(join(out, p.metadata.namespace, `${p.metadata.name}.yaml`), 'utf8'))).to.deep.equal(p);
    }
    // findings still go to stderr
    expect(r.stderr).to.match(/^Summary: /m);
  });

  it('--out-dir writes one file per output policy even when several sources share a name', () => {
    const d = tempDir();
    writeTree(d, {
      'pol/p1.yaml': ciliumNamed('rule1', 'a1', 'default'),
      'pol/p2.yaml': ciliumNamed('rule1', 'a2', 'default'),
      'pol/p3.yaml': ciliumNamed('rule1', 'a3', 'default'),
    });
    const stdout = runCli(['convert', 'pol'], { cwd: d });
    const emitted = names(stdout.stdout);
    expect(emitted, 'three sources, three outputs').to.have.length(3);
    expect(new Set(emitted).size, `output names must be unique: ${emitted.join(', ')}`).to.equal(3);

    const r = runCli(['convert', 'pol', '--out-dir', 'out'], { cwd: d });
    expect([0, 1]).to.include(r.status);
    const files = listFiles(join(d, 'out')).filter((f) => f !== 'kustomization.yaml');
    expect(files, 'one file per policy').to.have.length(3);
    const resources = (parse(readFileSync(join(d, 'out', 'kustomization.yaml'), 'utf8')) as { resources: string[] }).resources;
    expect(resources).to.deep.equal(files);
    const podSelectors = files.map((f) => JSON.stringify((parse(readFileSync(join(d, 'out', f), 'utf8')) as { spec: { podSelector: unknown } }).spec.podSelector));
    expect(new Set(podSelectors).size, 'each source kept its own policy').to.equal(3);
  });

  it('--out-dir writes through a temporary file and a rename (a hard link to the old file is left alone), leaving no temporary file', () => {
    const d = tempDir();
    writeTree(d, { 'a.yaml': CALICO_ALLOW, 'sentinel.txt': 'sentinel\n', 'out/shop/.keep': '' });
    linkSync(join(d, 'sentinel.txt'), join(d, 'out', 'shop', 'allow-web.yaml'));
    const r = runCli(['convert', 'a.yaml', '--out-dir', 'out'], { cwd: d });
    expectExit(r, 0);
    expect(readFileSync(join(d, 'sentinel.txt'), 'utf8'), 'the old file was replaced, not overwritten in place').to.equal('sentinel\n');
    expect(readFileSync(join(d, 'out', 'shop', 'allow-web.yaml'), 'utf8')).to.match(/^apiVersion: networking\.k8s\.io\/v1$/m);
    expect(listFiles(join(d, 'out'))).to.deep.equal(['kustomization.yaml', 'shop/.keep', 'shop/allow-web.yaml']);
  });

  it('an --out-dir that is an existing regular file is a clear error (exit 2), and the file is untouched', () => {
    const d = tempDir();
    writeTree(d, { 'a.yaml': CALICO_ALLOW, 'taken': 'not a directory\n' });
    const r = runCli(['convert', 'a.yaml', '--out-dir', 'taken'], { cwd: d });
    expectExit(r, 2);
    expect(r.stdout).to.equal('');
    expect(r.stderr).to.match(/^netpol-migrate: error: .*--out-dir.*taken/m);
    expect(readFileSync(join(d, 'taken'), 'utf8')).to.equal('not a directory\n');
    expect(listFiles(d)).to.deep.equal(['a.yaml', 'taken']);
  });

  it('an --out-dir below a regular file, a namespace directory that is a file, or a policy path that is a directory: a clear error (exit 2), no temporary file left', () => {
    const d = tempDir();
    writeTree(d, { 'a.yaml': CALICO_ALLOW, 'file': 'x\n', 'out/shop': 'a file where the namespace directory goes\n' });
    const r1 = runCli(['convert', 'a.yaml', '--out-dir', 'file/sub'], { cwd: d });
    expectExit(r1, 2);
    expect(r1.stderr).to.match(/^netpol-migrate: error: .*file\/sub/m);
    const r2 = runCli(['convert', 'a.yaml', '--out-dir', 'out'], { cwd: d });
    expectExit(r2, 2);
    expect(r2.stderr).to.match(/^netpol-migrate: error: .*shop/m);
    expect(readFileSync(join(d, 'out', 'shop'), 'utf8')).to.equal('a file where the namespace directory goes\n');
    // a directory where the policy file goes: the rename fails, and the temporary file is removed
    writeTree(d, { 'out2/shop/allow-web.yaml/.keep': '' });
    const r3 = runCli(['convert', 'a.yaml', '--out-dir', 'out2'], { cwd: d });
    expectExit(r3, 2);
    expect(r3.stderr).to.match(/^netpol-migrate: error: .*allow-web\.yaml/m);
    expect(listFiles(d).filter((f) => f.includes('.tmp')), 'no temporary file left behind').to.deep.equal([]);
  });

  it('names can never escape --out-dir', () => {
    const d = tempDir();
    const evil = [
      `apiVersion: projectcalico.org/v3
kind: NetworkPolicy
metadata:
  name: ../../../escape-calico
  namespace: shop
spec:
  selector: app == 'api'
  ingress:
    - action: Allow
`,
      `apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata:
  name: /abs/escape-cilium
  namespace: x/../../y
spec:
  endpointSelector: {}
  ingress:
    - fromEndpoints:
        - {}
`,
      `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: ../escape-native
  namespace: ..
spec:
  podSelector: {}
`,
    ].join('---\n');
    writeTree(d, { 'work/evil.yaml': evil });
    const before = listFiles(d);
    const r = runCli(['convert', 'evil.yaml', '--include-native', '--out-dir', 'out'], { cwd: join(d, 'work') });
    expect([0, 1, 2], show(r)).to.include(r.status);
    expect(hasStackTrace(r.stderr)).to.equal(false);
    const after = listFiles(d);
    const added = after.filter((f) => !before.includes(f));
    for (const f of added) expect(f.startsWith('work/out/'), `${f} was written outside --out-dir`).to.equal(true);
    for (const f of added) expect(f).to.match(/^work\/out\/(kustomization\.yaml|[a-z0-9][-a-z0-9]*\/[a-z0-9][-a-z0-9.]*\.yaml)$/);
    expect(existsSync('/abs/escape-cilium.yaml')).to.equal(false);
  });

  it('-n with a namespace that is not a valid name writes nothing outside --out-dir', () => {
    const d = tempDir();
    writeTree(d, { 'work/b.yaml': ciliumNoNamespace('cil-b') });
    const r = runCli(['convert', 'b.yaml', '-n', '../../escape-ns', '--out-dir', 'out'], { cwd: join(d, 'work') });
    expect(hasStackTrace(r.stderr)).to.equal(false);
    for (const f of listFiles(d)) expect(f === 'work/b.yaml' || f.startsWith('work/out/'), f).to.equal(true);
    expect(r.status, 'the policy is not written, which must not exit 0').to.be.oneOf([1, 2]);
  });

  it('a policy whose namespace is not a valid name is reported, never silently dropped', () => {
    const d = tempDir();
    writeTree(d, {
      'p.yaml': `apiVersion: projectcalico.org/v3
kind: NetworkPolicy
metadata:
  name: ok-name
  namespace: team/a
spec:
  selector: app == 'api'
  ingress:
    - action: Allow
`,
    });
    const r = runCli(['report', '-o', 'json', 'p.yaml'], { cwd: d });
    const report = JSON.parse(r.stdout) as { sources: Array<{ status: string; outputs: string[]; findings: Array<{ severity: string; code: string }> }> };
    const s = report.sources[0]!;
    if (s.outputs.length === 0) {
      expect(s.findings.filter((f) => f.severity === 'error'), `${s.status} with no output and no error finding: ${JSON.stringify(s)}`).not.to.be.empty;
      expect(s.status).not.to.equal('converted');
      expect(r.status).to.equal(1);
    }
  });
});

describe('CLI: --report', () => {
  const inputs = { 'a.yaml': CALICO_ALLOW, 'l7.yaml': CILIUM_L7, 's.yaml': `${CALICO_STAGED}---\n${CALICO_SCHEMA_INVALID}` };
  const files = ['a.yaml', 'l7.yaml', 's.yaml'];

  it('writes the report in the format of the extension (.json, .md, .txt), the same as `report -o`', () => {
    const d = tempDir();
    writeTree(d, inputs);
    const cases: Array<[string, string]> = [
      ['rep/r.json', 'json'],
      ['rep/r.md', 'markdown'],
      ['rep/r.txt', 'text'],
    ];
    for (const [file, format] of cases) {
      const r = runCli(['convert', ...files, '--report', file], { cwd: d });
      expectExit(r, 1);
      const written = readFileSync(join(d, file), 'utf8');
      const report = runCli(['report', ...files, '-o', format], { cwd: d });
      expect(written, `${file} equals report -o ${format}`).to.equal(report.stdout);
      expect(hasAnsi(written)).to.equal(false);
      expect(names(r.stdout), 'the manifests still go to stdout').to.deep.equal(['shop/allow-web', 'shop/l7']);
    }
    expect(reportSchemaErrors(JSON.parse(readFileSync(join(d, 'rep/r.json'), 'utf8')))).to.equal('');
    expect(readFileSync(join(d, 'rep/r.md'), 'utf8')).to.match(/^# /);
    expect(readFileSync(join(d, 'rep/r.txt'), 'utf8')).to.match(/^Summary: /m);
  });

  it('--report-format wins over the extension', () => {
    const d = tempDir();
    writeTree(d, inputs);
    const r = runCli(['convert', ...files, '--report', 'r.json', '--report-format', 'markdown', '--out-dir', 'out'], { cwd: d });
    expectExit(r, 1);
    expect(readFileSync(join(d, 'r.json'), 'utf8')).to.match(/^# /);
    const r2 = runCli(['convert', ...files, '--report', 'report.out', '--report-format', 'json', '--out-dir', 'out'], { cwd: d });
    expectExit(r2, 1);
    expect(reportSchemaErrors(JSON.parse(readFileSync(join(d, 'report.out'), 'utf8')))).to.equal('');
  });

  it('an extension that names no format, without --report-format, is a usage error (exit 2)', () => {
    const d = tempDir();
    writeTree(d, inputs);
    const r = runCli(['convert', ...files, '--report', 'r.xyz', '--out-dir', 'out'], { cwd: d });
    expect(r.status).to.equal(2);
    expect(r.stderr).to.match(/^netpol-migrate: error: .*report-format/m);
    expect(existsSync(join(d, 'r.xyz'))).to.equal(false);
  });

  it('an unwritable --report path is a clear error (exit 2)', () => {
    const d = tempDir();
    writeTree(d, inputs);
    const r = runCli(['convert', ...files, '--report', 'a.yaml/r.json'], { cwd: d });
    expectExit(r, 2);
    expect(r.stderr).to.match(/^netpol-migrate: error: .*--report.*a\.yaml\/r\.json/m);
  });
});

describe('CLI: report', () => {
  const inputs = { 'a.yaml': CALICO_ALLOW, 'l7.yaml': CILIUM_L7, 's.yaml': `${CALICO_STAGED}---\n${CALICO_SCHEMA_INVALID}` };
  const files = ['a.yaml', 'l7.yaml', 's.yaml'];

  it('writes no manifests and prints the text report by default: per source kind, name, file:line, status, findings, outputs, diff', () => {
    const d = tempDir();
    writeTree(d, inputs);
    const before = hashTree(d);
    const r = runCli(['report', ...files], { cwd: d });
    expectExit(r, 1);
    expect(hashTree(d)).to.deep.equal(before);
    const out = r.stdout;
    expect(out).to.match(/^a\.yaml:1:1: NetworkPolicy shop\/allow-web .*converted.*shop\/allow-web$/m);
    expect(out).to.match(/^l7\.yaml:1:1: CiliumNetworkPolicy shop\/l7 .*partial.*shop\/l7$/m);
    expect(out).to.match(/^s\.yaml:1:1: StagedNetworkPolicy shop\/staged .*skipped/m);
    expect(out).to.match(/^s\.yaml:11:1: NetworkPolicy shop\/broken .*invalid/m);
    expect(out).to.match(/^\s+l7\.yaml:18:11: warning cilium\/l7 /m);
    expect(out).to.match(/^\s+s\.yaml:18:3: error input\/schema /m);
    // the unified diff of the original against what is retained
    expect(out).to.match(/^\s+--- l7\.yaml/m);
    expect(out).to.match(/^\s+\+\+\+ l7\.yaml/m);
    expect(out).to.match(/^\s+@@ -\d+(,\d+)? \+\d+(,\d+)? @@/m);
    expect(out).to.match(/^\s+-\s+rules:$/m);
    expect(out).to.match(/^Summary: /m);
    expect(r.stderr).to.equal('');
  });

  it('--no-diff hides the diff', () => {
    const d = tempDir();
    writeTree(d, inputs);
    const r = runCli(['report', '--no-diff', ...files], { cwd: d });
    expectExit(r, 1);
    expect(r.stdout).not.to.match(/^\s+@@ /m);
    expect(r.stdout).not.to.match(/^\s+\+\+\+ /m);
    expect(r.stdout).to.match(/^\s+l7\.yaml:18:11: warning cilium\/l7 /m);
    const j = JSON.parse(runCli(['report', '--no-diff', '-o', 'json', ...files], { cwd: d }).stdout) as { sources: Array<{ diff: unknown }> };
    for (const s of j.sources) expect(s.diff).to.equal(null);
  });

  it('-o json matches schemas/report.schema.json and carries every source with its status, findings and outputs', () => {
    const d = tempDir();
    writeTree(d, inputs);
    const r = runCli(['report', '-o', 'json', ...files], { cwd: d });
    expectExit(r, 1);
    const report = JSON.parse(r.stdout) as {
      summary: Record<string, unknown>;
      sources: Array<{ kind: string; namespace: string | null; name: string; file: string; line: number; status: string; outputs: string[]; findings: Array<{ code: string; line: number; column: number }>; diff: string | null }>;
    };
    expect(reportSchemaErrors(report)).to.equal('');
    expect(report.sources.map((s) => [s.kind, `${s.namespace}/${s.name}`, `${s.file}:${s.line}`, s.status, s.outputs])).to.deep.equal([
      ['NetworkPolicy', 'shop/allow-web', 'a.yaml:1', 'converted', ['shop/allow-web']],
      ['CiliumNetworkPolicy', 'shop/l7', 'l7.yaml:1', 'partial', ['shop/l7']],
      ['StagedNetworkPolicy', 'shop/staged', 's.yaml:1', 'skipped', []],
      ['NetworkPolicy', 'shop/broken', 's.yaml:11', 'invalid', []],
    ]);
    expect(report.sources[1]!.findings.map((f) => `${f.code}@${f.line}:${f.column}`)).to.include('cilium/l7@18:11');
    expect(report.sources[1]!.diff).to.be.a('string').and.match(/^@@ /m);
    expect(report.summary).to.include({ sources: 4, converted: 1, partial: 1, skipped: 1, invalid: 1, outputs: 2, exitCode: 1 });
  });

  it('-o markdown prints a markdown report', () => {
    const d = tempDir();
    writeTree(d, inputs);
    const r = runCli(['report', '-o', 'markdown', ...files], { cwd: d });
    expectExit(r, 1);
    expect(r.stdout).to.match(/^# /);
    expect(r.stdout).to.include('shop/l7');
    expect(r.stdout).to.include('```diff');
  });
});

describe('CLI: --fail-on and exit codes', () => {
  // The worst finding of each input: none, info, warning, error.
  const inputs: Record<string, string> = {
    'clean.yaml': CILIUM_CLEAN,
    'info.yaml': CALICO_ALLOW,
    'warning.yaml': CILIUM_L7,
    'error.yaml': `${CILIUM_CLEAN}---\nkind: [unclosed\n`,
  };
  const expected: Record<string, Record<string, number>> = {
    'clean.yaml': { error: 0, warning: 0, info: 0, none: 0 },
    'info.yaml': { error: 0, warning: 0, info: 1, none: 0 },
    'warning.yaml': { error: 0, warning: 1, info: 1, none: 0 },
    'error.yaml': { error: 1, warning: 1, info: 1, none: 0 },
  };

  it('convert: 0 when nothing is at or above --fail-on, 1 otherwise; the default is error', async () => {
    const d = tempDir();
    writeTree(d, inputs);
    const cases = Object.entries(expected).flatMap(([file, byLevel]) => [
      ...Object.entries(byLevel).map(([level, code]) => ({ args: ['convert', file, '--fail-on', level], code })),
      { args: ['convert', file], code: byLevel.error! },
    ]);
    const results = await Promise.all(cases.map((c) => runCliAsync(c.args, { cwd: d })));
    cases.forEach((c, i) => {
      const r = results[i]!;
      expect(r.status, `${c.args.join(' ')}\n${r.stderr}`).to.equal(c.code);
      expect(r.stderr, `${c.args.join(' ')}: the summary states the exit code`).to.include(`(exit ${c.code})`);
    });
  });

  it('convert still writes its output when it exits 1', () => {
    const d = tempDir();
    writeTree(d, inputs);
    const r = runCli(['convert', 'error.yaml', '--out-dir', 'out'], { cwd: d });
    expectExit(r, 1);
    expect(listFiles(join(d, 'out'))).to.deep.equal(['kustomization.yaml', 'shop/db-from-api.yaml']);
  });

  it('report: the same exit codes; the JSON summary records the decision', () => {
    const d = tempDir();
    writeTree(d, inputs);
    for (const [file, level] of [
      ['warning.yaml', 'error'],
      ['warning.yaml', 'warning'],
      ['error.yaml', 'none'],
      ['info.yaml', 'info'],
    ] as const) {
      const r = runCli(['report', '-o', 'json', file, '--fail-on', level], { cwd: d });
      const code = expected[file]![level]!;
      expect(r.status, `report ${file} --fail-on ${level}`).to.equal(code);
      expect((JSON.parse(r.stdout) as { summary: { exitCode: number } }).summary.exitCode).to.equal(code);
    }
  });

  it('an unreadable input makes the exit code 2 even with --fail-on none, and the summary line says so', () => {
    const d = tempDir();
    writeTree(d, inputs);
    const r = runCli(['convert', 'clean.yaml', 'missing.yaml', '--fail-on', 'none'], { cwd: d });
    expectExit(r, 2);
    expect(names(r.stdout)).to.deep.equal(['shop/db-from-api']);
    const rep = runCli(['report', 'clean.yaml', 'missing.yaml', '--fail-on', 'none'], { cwd: d });
    expectExit(rep, 2);
    const summary = lines(r.stderr).find((l) => l.startsWith('Summary: '));
    expect(summary, 'the summary line of convert').to.be.a('string');
    expect(summary!, 'the summary line must not announce an exit code other than the real one').not.to.match(/\(exit [01]\)$/);
  });
});

describe('CLI: --quiet', () => {
  it('convert --quiet prints only the findings at or above --fail-on, and no summary', () => {
    const d = tempDir();
    writeTree(d, { 'info.yaml': CALICO_ALLOW, 'warning.yaml': CILIUM_L7 });
    const loud = runCli(['convert', 'info.yaml', 'warning.yaml'], { cwd: d });
    expect(findingLines(loud.stderr)).to.have.length(2);
    const q1 = runCli(['convert', '--quiet', 'info.yaml', 'warning.yaml', '--fail-on', 'warning'], { cwd: d });
    expectExit(q1, 1);
    expect(lines(q1.stderr), 'only the warning, no info, no summary').to.have.length(1);
    expect(lines(q1.stderr)[0]).to.match(/^warning\.yaml:18:11: warning cilium\/l7 /);
    const q2 = runCli(['convert', '-q', 'info.yaml', 'warning.yaml'], { cwd: d });
    expectExit(q2, 0);
    expect(q2.stderr).to.equal('');
    expect(q2.stdout, '--quiet keeps the manifests').to.equal(loud.stdout);
  });

  it('report --quiet prints only the failing findings', () => {
    const d = tempDir();
    writeTree(d, { 'info.yaml': CALICO_ALLOW, 'warning.yaml': CILIUM_L7 });
    const r = runCli(['report', '--quiet', '--fail-on', 'warning', 'info.yaml', 'warning.yaml'], { cwd: d });
    expectExit(r, 1);
    expect(lines(r.stdout)).to.have.length(1);
    expect(lines(r.stdout)[0]).to.match(/^warning\.yaml:18:11: warning cilium\/l7 /);
  });
});

describe('CLI: colour', () => {
  const inputs = { 'l7.yaml': CILIUM_L7, 'a.yaml': CALICO_ALLOW };

  it('no colour when the output is not a terminal', () => {
    const d = tempDir();
    writeTree(d, inputs);
    const rep = runCli(['report', 'l7.yaml', 'a.yaml'], { cwd: d });
    expect(hasAnsi(rep.stdout)).to.equal(false);
    const conv = runCli(['convert', 'l7.yaml', 'a.yaml'], { cwd: d });
    expect(hasAnsi(conv.stderr)).to.equal(false);
    expect(hasAnsi(conv.stdout)).to.equal(false);
  });

  it('FORCE_COLOR=1 colours the text report and the findings on stderr; --no-color wins over it', () => {
    const d = tempDir();
    writeTree(d, inputs);
    const rep = runCli(['report', 'l7.yaml', 'a.yaml'], { cwd: d, env: { FORCE_COLOR: '1' } });
    expect(hasAnsi(rep.stdout)).to.equal(true);
    const conv = runCli(['convert', 'l7.yaml', 'a.yaml'], { cwd: d, env: { FORCE_COLOR: '1' } });
    expect(hasAnsi(conv.stderr)).to.equal(true);
    expect(hasAnsi(conv.stdout), 'manifests are never coloured').to.equal(false);
    const off = runCli(['report', '--no-color', 'l7.yaml', 'a.yaml'], { cwd: d, env: { FORCE_COLOR: '1' } });
    expect(hasAnsi(off.stdout)).to.equal(false);
    const offConv = runCli(['convert', '--no-color', 'l7.yaml', 'a.yaml'], { cwd: d, env: { FORCE_COLOR: '1' } });
    expect(hasAnsi(offConv.stderr)).to.equal(false);
  });

  it('structured formats are never coloured', () => {
    const d = tempDir();
    writeTree(d, inputs);
    for (const f of ['json', 'markdown']) {
      const r = runCli(['report', '-o', f, 'l7.yaml'], { cwd: d, env: { FORCE_COLOR: '1' } });
      expect(hasAnsi(r.stdout), f).to.equal(false);
    }
    expect(hasAnsi(runCli(['features', '-o', 'json'], { env: { FORCE_COLOR: '1' } }).stdout)).to.equal(false);
  });

  it('on a terminal: colour by default; NO_COLOR and --no-color turn it off', () => {
    const d = tempDir();
    writeTree(d, inputs);
    const on = runCliInTty(['report', 'l7.yaml', 'a.yaml'], { cwd: d });
    expect(on.status, on.stdout).to.equal(0);
    expect(hasAnsi(on.stdout), 'colour on a terminal').to.equal(true);
    const conv = runCliInTty(['convert', 'l7.yaml', 'a.yaml'], { cwd: d });
    expect(hasAnsi(conv.stdout), 'convert colours its findings on a terminal').to.equal(true);
    const noColorEnv = runCliInTty(['report', 'l7.yaml', 'a.yaml'], { cwd: d, env: { NO_COLOR: '1' } });
    expect(hasAnsi(noColorEnv.stdout), 'NO_COLOR').to.equal(false);
    const noColorConv = runCliInTty(['convert', 'l7.yaml', 'a.yaml'], { cwd: d, env: { NO_COLOR: '1' } });
    expect(hasAnsi(noColorConv.stdout), 'NO_COLOR (convert)').to.equal(false);
    const flag = runCliInTty(['report', '--no-color', 'l7.yaml', 'a.yaml'], { cwd: d });
    expect(hasAnsi(flag.stdout), '--no-color').to.equal(false);
    const json = runCliInTty(['report', '-o', 'json', 'l7.yaml'], { cwd: d });
    expect(hasAnsi(json.stdout), 'json on a terminal').to.equal(false);
  });
});

describe('CLI: -n/--namespace', () => {
  it('a namespaced policy without a namespace goes to `default`, or to -n/--namespace; an explicit one is kept', () => {
    const d = tempDir();
    writeTree(d, { 'b.yaml': ciliumNoNamespace('cil-b'), 'a.yaml': CALICO_ALLOW });
    const def = runCli(['convert', 'b.yaml', 'a.yaml'], { cwd: d });
    expectExit(def, 0);
    expect(names(def.stdout)).to.deep.equal(['default/cil-b', 'shop/allow-web']);
    expect(def.stderr).to.match(/^b\.yaml:\d+:\d+: info input\/default-namespace .*"default"/m);
    for (const flag of ['-n', '--namespace']) {
      const r = runCli(['convert', flag, 'prod', 'b.yaml', 'a.yaml'], { cwd: d });
      expectExit(r, 0);
      expect(names(r.stdout), flag).to.deep.equal(['prod/cil-b', 'shop/allow-web']);
    }
    const out = runCli(['convert', '-n', 'prod', 'b.yaml', '--out-dir', 'out'], { cwd: d });
    expectExit(out, 0);
    expect(listFiles(join(d, 'out'))).to.deep.equal(['kustomization.yaml', 'prod/cil-b.yaml']);
    const rep = JSON.parse(runCli(['report', '-o', 'json', '-n', 'prod', 'b.yaml'], { cwd: d }).stdout) as { sources: Array<{ outputs: string[] }> };
    expect(rep.sources[0]!.outputs).to.deep.equal(['prod/cil-b']);
  });
});

describe('CLI: bad input is reported with its position, and the rest is still processed', () => {
  it('a file over 50 MB: input/too-large, skipped without being read', function () {
    this.timeout(60_000);
    const d = tempDir();
    writeTree(d, { 'a.yaml': CALICO_ALLOW });
    const line = '# padding: a comment line that makes the file larger than the limit of fifty megabytes ####\n';
    const chunk = Buffer.from(line.repeat(Math.ceil((1024 * 1024) / line.length)));
    const fd = openSync(join(d, 'big.yaml'), 'w');
    for (let i = 0; i < 51; i++) writeSync(fd, chunk);
    closeSync(fd);
    expect(statSync(join(d, 'big.yaml')).size).to.be.greaterThan(51 * 1024 * 1024);
    const start = Date.now();
    const r = runCli(['convert', 'big.yaml', 'a.yaml'], { cwd: d });
    expect(Date.now() - start).to.be.lessThan(20_000);
    expectExit(r, 1);
    expect(findingsWithCode(r.stderr, 'input/too-large')).to.have.length(1);
    expect(findingsWithCode(r.stderr, 'input/too-large')[0]).to.match(/^big\.yaml:1:1: error input\/too-large /);
    expect(names(r.stdout)).to.deep.equal(['shop/allow-web']);
  });

  it('over 50 MB on standard input: input/too-large', function () {
    this.timeout(60_000);
    const line = '# padding line ######################################################################\n';
    const big = line.repeat(Math.ceil((51 * 1024 * 1024) / line.length) + 1);
    expect(Buffer.byteLength(big)).to.be.greaterThan(51 * 1024 * 1024);
    const r = runCli(['convert', '-'], { input: big });
    expectExit(r, 1);
    expect(findingsWithCode(r.stderr, 'input/too-large')[0]).to.match(/^<stdin>:1:1: error input\/too-large /);
  });

  it('a binary file (NUL bytes): input/binary', () => {
    const d = tempDir();
    writeTree(d, { 'a.yaml': CALICO_ALLOW, 'bin.yaml': Buffer.from([0x61, 0x70, 0x69, 0x3a, 0x00, 0x01, 0x02, 0xff, 0x00, 0x0a]) });
    const r = runCli(['convert', 'bin.yaml', 'a.yaml'], { cwd: d });
    expectExit(r, 1);
    expect(findingsWithCode(r.stderr, 'input/binary')[0]).to.match(/^bin\.yaml:1:1: error input\/binary /);
    expect(names(r.stdout)).to.deep.equal(['shop/allow-web']);
  });

  it('a binary file found in a directory: input/binary, the directory\'s other files are converted', () => {
    const d = tempDir();
    writeTree(d, { 'pol/a.yaml': CALICO_ALLOW, 'pol/b.json': Buffer.from([0x7b, 0x00, 0x7d]), 'pol/c.yaml': CILIUM_CLEAN });
    const r = runCli(['convert', 'pol'], { cwd: d });
    expectExit(r, 1);
    expect(findingsWithCode(r.stderr, 'input/binary')[0]).to.match(/^pol\/b\.json:1:1: error input\/binary /);
    expect(names(r.stdout)).to.deep.equal(['shop/allow-web', 'shop/db-from-api']);
  });

  it('a YAML alias bomb: input/yaml-aliases at its document, fast, the other document of the file converted', function () {
    this.timeout(30_000);
    const d = tempDir();
    let bomb = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: bomb\ndata:\n  a0: &a0 [x, x, x, x, x, x, x, x, x]\n';
    for (let i = 1; i <= 9; i++) bomb += `  a${i}: &a${i} [${Array(9).fill(`*a${i - 1}`).join(', ')}]\n`;
    const text = `${CALICO_ALLOW}---\n${bomb}`;
    const bombLine = CALICO_ALLOW.split('\n').length; // the '---' line
    writeTree(d, { 'bomb.yaml': text });
    const start = Date.now();
    const r = runCli(['convert', 'bomb.yaml'], { cwd: d });
    expect(Date.now() - start).to.be.lessThan(10_000);
    expectExit(r, 1);
    const f = findingsWithCode(r.stderr, 'input/yaml-aliases');
    expect(f).to.have.length(1);
    const m = /^bomb\.yaml:(\d+):(\d+): error input\/yaml-aliases /.exec(f[0]!);
    expect(m, f[0]).to.not.equal(null);
    expect(Number(m![1])).to.be.within(bombLine, bombLine + 1);
    expect(names(r.stdout)).to.deep.equal(['shop/allow-web']);
    // the same on standard input
    const s = runCli(['convert', '-'], { input: `${bomb}---\n${CALICO_ALLOW}` });
    expectExit(s, 1);
    expect(findingsWithCode(s.stderr, 'input/yaml-aliases')[0]).to.match(/^<stdin>:1:1: /);
    expect(names(s.stdout)).to.deep.equal(['shop/allow-web']);
  });

  it('a few ordinary aliases are fine', () => {
    const text = `apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata:
  name: aliases
  namespace: shop
spec:
  endpointSelector:
    matchLabels: &sel
      app: db
  ingress:
    - fromEndpoints:
        - matchLabels: *sel
`;
    const r = runCli(['convert', '-'], { input: text });
    expectExit(r, 0);
    expect(names(r.stdout)).to.deep.equal(['shop/aliases']);
  });

  it('a missing path: exit 2 with input/unreadable, the other files still converted', () => {
    const d = tempDir();
    writeTree(d, { 'a.yaml': CALICO_ALLOW, 'b.yaml': CILIUM_CLEAN });
    const r = runCli(['convert', 'a.yaml', 'missing.yaml', 'b.yaml'], { cwd: d });
    expectExit(r, 2);
    expect(findingsWithCode(r.stderr, 'input/unreadable')[0]).to.match(/^missing\.yaml:1:1: error input\/unreadable .*no such file/);
    expect(names(r.stdout)).to.deep.equal(['shop/allow-web', 'shop/db-from-api']);
    const out = runCli(['convert', 'a.yaml', 'missing-dir/', 'b.yaml', '--out-dir', 'out'], { cwd: d });
    expectExit(out, 2);
    expect(listFiles(join(d, 'out'))).to.deep.equal(['kustomization.yaml', 'shop/allow-web.yaml', 'shop/db-from-api.yaml']);
    const rep = runCli(['report', '-o', 'json', 'a.yaml', 'missing.yaml'], { cwd: d });
    expectExit(rep, 2);
    const report = JSON.parse(rep.stdout) as { fileFindings: Array<{ code: string; file: string }> };
    expect(reportSchemaErrors(report)).to.equal('');
    expect(report.fileFindings.map((f) => `${f.file} ${f.code}`)).to.include('missing.yaml input/unreadable');
  });

  it('a path that cannot be read: exit 2 with input/unreadable, the other files still converted', () => {
    const d = tempDir();
    writeTree(d, { 'a.yaml': CALICO_ALLOW, 'b.yaml': CILIUM_CLEAN, 'locked.yaml': CILIUM_L7 });
    // As root, chmod 000 does not stop reading: use a path through a regular file (ENOTDIR) instead.
    let unreadable = 'locked.yaml';
    chmodSync(join(d, 'locked.yaml'), 0o000);
    let readable = true;
    try {
      readFileSync(join(d, 'locked.yaml'));
    } catch {
      readable = false;
    }
    if (readable) unreadable = 'a.yaml/x.yaml';
    const r = runCli(['convert', 'a.yaml', unreadable, 'b.yaml'], { cwd: d });
    chmodSync(join(d, 'locked.yaml'), 0o644);
    expectExit(r, 2);
    const f = findingsWithCode(r.stderr, 'input/unreadable');
    expect(f).to.have.length(1);
    expect(f[0]!.startsWith(`${unreadable}:1:1: error input/unreadable `), f[0]).to.equal(true);
    expect(names(r.stdout)).to.deep.equal(['shop/allow-web', 'shop/db-from-api']);
  });

  it('a broken symbolic link inside a directory: exit 2 with input/unreadable, the other files converted', () => {
    const d = tempDir();
    writeTree(d, { 'pol/a.yaml': CALICO_ALLOW, 'pol/c.yaml': CILIUM_CLEAN });
    symlinkSync(join(d, 'nowhere.yaml'), join(d, 'pol', 'b.yaml'));
    const r = runCli(['convert', 'pol'], { cwd: d });
    expectExit(r, 2);
    expect(findingsWithCode(r.stderr, 'input/unreadable')[0]).to.match(/^pol\/b\.yaml:1:1: error input\/unreadable /);
    expect(names(r.stdout)).to.deep.equal(['shop/allow-web', 'shop/db-from-api']);
  });

  it('invalid YAML next to a valid document in the same file: input/yaml-syntax at the right line:col, the valid ones converted', () => {
    const d = tempDir();
    const bad = `apiVersion: projectcalico.org/v3
kind: NetworkPolicy
metadata:
  name: bad-one: oops
  namespace: shop
spec: {}
`;
    const text = `${CALICO_ALLOW}---\n${bad}---\n${CILIUM_CLEAN}`;
    writeTree(d, { 'mixed.yaml': text });
    const badLine = text.split('\n').findIndex((l) => l.includes('bad-one: oops')) + 1;
    const r = runCli(['convert', 'mixed.yaml'], { cwd: d });
    expectExit(r, 1);
    const f = findingsWithCode(r.stderr, 'input/yaml-syntax');
    expect(f).to.have.length(1);
    expect(f[0]).to.match(new RegExp(`^mixed\\.yaml:${badLine}:9: error input/yaml-syntax `));
    expect(names(r.stdout)).to.deep.equal(['shop/allow-web', 'shop/db-from-api']);
  });

  it('a tab-indented line: input/yaml-syntax at that line, column 1', () => {
    const text = `${CILIUM_CLEAN}---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n\tname: tabbed\n`;
    const tabLine = text.split('\n').findIndex((l) => l.startsWith('\t')) + 1;
    const r = runCli(['convert', '-'], { input: text });
    expectExit(r, 1);
    expect(findingsWithCode(r.stderr, 'input/yaml-syntax')[0]).to.match(new RegExp(`^<stdin>:${tabLine}:1: error input/yaml-syntax `));
    expect(names(r.stdout)).to.deep.equal(['shop/db-from-api']);
  });

  it('invalid JSON: input/yaml-syntax with a position, the other JSON file converted', () => {
    const d = tempDir();
    writeTree(d, { 'a.json': '{"apiVersion": "cilium.io/v2", "kind": ', 'b.json': JSON.stringify(parse(CILIUM_CLEAN)) });
    const r = runCli(['convert', 'a.json', 'b.json'], { cwd: d });
    expectExit(r, 1);
    expect(findingsWithCode(r.stderr, 'input/yaml-syntax')[0]).to.match(/^a\.json:1:\d+: error input\/yaml-syntax /);
    expect(names(r.stdout)).to.deep.equal(['shop/db-from-api']);
  });

  it('a schema violation: input/schema at the field, the object invalid, the others converted', () => {
    const d = tempDir();
    writeTree(d, { 's.yaml': `${CALICO_SCHEMA_INVALID}---\n${CILIUM_CLEAN}` });
    const r = runCli(['convert', 's.yaml'], { cwd: d });
    expectExit(r, 1);
    expect(findingsWithCode(r.stderr, 'input/schema')[0]).to.match(/^s\.yaml:8:3: error input\/schema /);
    expect(names(r.stdout)).to.deep.equal(['shop/db-from-api']);
  });

  it('an unknown field: input/unknown-field at its line, the object still converted', () => {
    const d = tempDir();
    const text = CILIUM_CLEAN.replace('  endpointSelector:', '  bogusField: 3\n  endpointSelector:');
    const fieldLine = text.split('\n').findIndex((l) => l.startsWith('  bogusField:')) + 1;
    writeTree(d, { 'u.yaml': text });
    const r = runCli(['convert', 'u.yaml'], { cwd: d });
    expect([0, 1]).to.include(r.status);
    const f = findingsWithCode(r.stderr, 'input/unknown-field');
    expect(f).to.have.length(1);
    expect(f[0]).to.match(new RegExp(`^u\\.yaml:${fieldLine}:3: (error|warning|info) input/unknown-field .*bogusField`));
    expect(names(r.stdout)).to.deep.equal(['shop/db-from-api']);
  });

  it('a document that is not an object: input/not-an-object, the others converted', () => {
    const r = runCli(['convert', '-'], { input: `- just\n- a list\n---\n${CILIUM_CLEAN}` });
    expectExit(r, 1);
    expect(findingsWithCode(r.stderr, 'input/not-an-object')[0]).to.match(/^<stdin>:1:\d+: error input\/not-an-object /);
    expect(names(r.stdout)).to.deep.equal(['shop/db-from-api']);
  });

  it('every finding line has the form file:line:col: severity family/code message', () => {
    const d = tempDir();
    writeTree(d, {
      'a.yaml': CALICO_ALLOW,
      'l7.yaml': CILIUM_L7,
      's.yaml': `${CALICO_STAGED}---\n${CALICO_SCHEMA_INVALID}---\nkind: [\n`,
      'bin.yaml': Buffer.from([0, 1, 2]),
      'b.yaml': ciliumNoNamespace('no-ns'),
    });
    const r = runCli(['convert', 'a.yaml', 'l7.yaml', 's.yaml', 'bin.yaml', 'b.yaml', 'missing.yaml', '-'], { cwd: d, input: 'not: [valid\n' });
    expectExit(r, 2);
    const fl = findingLines(r.stderr);
    expect(fl.length).to.be.greaterThan(6);
    for (const l of fl) expect(l).to.match(FINDING_LINE);
    expect(lines(r.stderr).filter((l) => l.startsWith('Summary: '))).to.have.length(1);
    expect(lines(r.stderr).at(-1)).to.match(/^Summary: /);
  });
});

describe('CLI: input files are never modified', () => {
  const tree = { 'pol/a.yaml': CALICO_ALLOW, 'pol/sub/l7.yaml': CILIUM_L7, 'pol/s.yaml': `${CALICO_STAGED}---\n${CALICO_SCHEMA_INVALID}` };

  it('by convert (stdout, --out-dir, --report) or report', () => {
    const d = tempDir();
    writeTree(d, tree);
    const before = hashTree(join(d, 'pol'));
    runCli(['convert', 'pol'], { cwd: d });
    runCli(['convert', 'pol', '--out-dir', 'out', '--report', 'r.json'], { cwd: d });
    runCli(['report', '-o', 'json', 'pol'], { cwd: d });
    runCli(['convert', '-', 'pol/a.yaml'], { cwd: d, input: readFileSync(join(d, 'pol/a.yaml')) });
    expect(hashTree(join(d, 'pol'))).to.deep.equal(before);
  });

  it('even when --out-dir is the input directory', () => {
    const d = tempDir();
    writeTree(d, {
      'pol/shop/allow-web.yaml': CALICO_ALLOW,
      'pol/kustomization.yaml': '# the user\'s own kustomization\napiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - shop/allow-web.yaml\n  - other.yaml\n',
    });
    const before = hashTree(join(d, 'pol'));
    const r = runCli(['convert', 'pol', '--out-dir', 'pol'], { cwd: d });
    expect(hasStackTrace(r.stderr)).to.equal(false);
    const after = hashTree(join(d, 'pol'));
    for (const [f, h] of Object.entries(before)) expect(after[f], `input ${f} was modified`).to.equal(h);
  });

  it('even when --report names an input file', () => {
    const d = tempDir();
    writeTree(d, { 'p.json': JSON.stringify(parse(CALICO_ALLOW), null, 2) });
    const before = sha256(readFileSync(join(d, 'p.json')));
    const r = runCli(['convert', 'p.json', '--report', 'p.json'], { cwd: d });
    expect(hasStackTrace(r.stderr)).to.equal(false);
    expect(sha256(readFileSync(join(d, 'p.json'))), 'the input p.json was overwritten by the report').to.equal(before);
  });
});

describe('CLI: output is deterministic', () => {
  it('two runs give byte-identical stdout, stderr, --out-dir trees and reports', async () => {
    const d = tempDir();
    writeTree(d, {
      'pol/a.yaml': CALICO_ALLOW,
      'pol/sub/l7.yaml': CILIUM_L7,
      'pol/s.yaml': `${CALICO_STAGED}---\n${CALICO_SCHEMA_INVALID}---\nkind: [\n`,
      'pol/b.yaml': `${ciliumNoNamespace('no-ns')}---\n${ciliumNamed('rule1', 'x1', 'default')}---\n${ciliumNamed('rule1', 'x2', 'default')}`,
      'pol/c.json': JSON.stringify(parse(CILIUM_CLEAN)),
    });
    const once = async (i: number) => {
      const [yaml, json, outDir, text, reportJson, md] = await Promise.all([
        runCliAsync(['convert', 'pol'], { cwd: d }),
        runCliAsync(['convert', 'pol', '-o', 'json'], { cwd: d }),
        runCliAsync(['convert', 'pol', '--out-dir', `out${i}`, '--report', `r${i}.json`], { cwd: d }),
        runCliAsync(['report', 'pol'], { cwd: d }),
        runCliAsync(['report', '-o', 'json', 'pol'], { cwd: d }),
        runCliAsync(['report', '-o', 'markdown', 'pol'], { cwd: d }),
      ]);
      return { yaml: yaml!, json: json!, outDir: outDir!, text: text!, reportJson: reportJson!, md: md!, tree: () => readTree(join(d, `out${i}`)), report: () => readFileSync(join(d, `r${i}.json`), 'utf8') };
    };
    const a = await once(1);
    const b = await once(2);
    for (const k of ['yaml', 'json', 'outDir', 'text', 'reportJson', 'md'] as const) {
      expect(a[k].status, k).to.equal(b[k].status);
      expect(a[k].stdoutBytes.equals(b[k].stdoutBytes), `${k}: stdout differs`).to.equal(true);
      expect(a[k].stderr, `${k}: stderr differs`).to.equal(b[k].stderr);
    }
    expect(a.tree()).to.deep.equal(b.tree());
    expect(Object.keys(a.tree()).length).to.be.greaterThan(3);
    expect(a.report()).to.equal(b.report());
  });
});
