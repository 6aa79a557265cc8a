/**
 * Helpers for black-box tests of the built command-line tool: spawn `dist/src/cli/main.js` with a clean environment,
 * in temporary directories, and inspect what it printed and wrote.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, lstatSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The project root: three levels up from the compiled file (`dist/test/helpers/cli.js`). */
export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const CLI = join(ROOT, 'dist', 'src', 'cli', 'main.js');

/** One finding on stderr: `file:line:col: severity family/code message`. */
export const FINDING_LINE = /^[^:]+:\d+:\d+: (error|warning|info) [a-z0-9-]+\/[a-z0-9-]+ /;

// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;]*m/;

export interface CliResult {
  /** Exit code (null if killed by a signal). */
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** stdout as bytes, for byte-identical comparisons. */
  stdoutBytes: Buffer;
}

export interface RunOptions {
  cwd?: string;
  /** Standard input; without it the child's stdin is an empty pipe (not a terminal). */
  input?: string | Buffer;
  /** Extra environment variables (undefined removes one). */
  env?: Record<string, string | undefined>;
}

/**
 * The environment of the test process without the variables that change colour detection, so that the CI's own
 * settings cannot change the results; `extra` is applied last.
 */
export function cleanEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of ['NO_COLOR', 'FORCE_COLOR', 'NODE_DISABLE_COLORS', 'TERM', 'CLICOLOR', 'CLICOLOR_FORCE']) delete env[k];
  for (const k of Object.keys(env)) if (k.startsWith('NETPOL_MIGRATE')) delete env[k];
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

/** Runs the built CLI: `node dist/src/cli/main.js ...args`. */
export function runCli(args: string[], opts: RunOptions = {}): CliResult {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    cwd: opts.cwd ?? process.cwd(),
    input: opts.input ?? '',
    env: cleanEnv(opts.env),
    maxBuffer: 512 * 1024 * 1024,
  });
  if (r.error) throw r.error;
  return { status: r.status, signal: r.signal, stdout: r.stdout.toString('utf8'), stderr: r.stderr.toString('utf8'), stdoutBytes: r.stdout };
}

/** Like `runCli`, without blocking: several runs can then go in parallel (`Promise.all`). */
export function runCliAsync(args: string[], opts: RunOptions = {}): Promise<CliResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: opts.cwd ?? process.cwd(), env: cleanEnv(opts.env), stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', reject);
    child.stdin.on('error', () => undefined); // the child may exit before reading all of its input
    child.on('close', (status, signal) => {
      const stdoutBytes = Buffer.concat(out);
      resolvePromise({ status, signal, stdout: stdoutBytes.toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), stdoutBytes });
    });
    child.stdin.end(opts.input ?? '');
  });
}

/** Quotes one argument for /bin/sh. */
export function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/**
 * Runs the built CLI with stdin, stdout and stderr on a pseudo-terminal (util-linux `script`, which is part of every
 * Debian system). stdout and stderr arrive together in `stdout`, with `\r\n` line ends turned back into `\n`.
 */
export function runCliInTty(args: string[], opts: RunOptions = {}): CliResult {
  const cmd = [process.execPath, CLI, ...args].map(shellQuote).join(' ');
  const r = spawnSync('script', ['-qec', cmd, '/dev/null'], {
    cwd: opts.cwd ?? process.cwd(),
    input: '',
    env: cleanEnv({ TERM: 'xterm-256color', SHELL: '/bin/sh', ...opts.env }),
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.error) throw new Error(`cannot run util-linux "script" to get a terminal: ${r.error.message}`);
  const out = r.stdout.toString('utf8').replace(/\r\n/g, '\n');
  return { status: r.status, signal: r.signal, stdout: out, stderr: r.stderr.toString('utf8'), stdoutBytes: r.stdout };
}

const tempDirs = new Set<string>();

/** A new empty directory under the OS temp dir; removed by `removeTempDirs()`. */
export function tempDir(prefix = 'netpol-migrate-test-'): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  tempDirs.add(d);
  return d;
}

export function removeTempDirs(): void {
  for (const d of tempDirs) {
    try {
      rmSync(d, { recursive: true, force: true });
    } catch {
      // best effort
    }
  }
  tempDirs.clear();
}

/** Writes `{ 'relative/path': contents }` under `dir`, creating directories; returns `dir`. */
export function writeTree(dir: string, tree: Record<string, string | Buffer>): string {
  for (const [rel, content] of Object.entries(tree)) {
    const p = join(dir, rel);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, content);
  }
  return dir;
}

/** Every regular file under `dir` (symlinks are not followed), as sorted `/`-separated relative paths. */
export function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const n of readdirSync(d).sort()) {
      const full = join(d, n);
      const st = lstatSync(full);
      if (st.isDirectory()) walk(full);
      else out.push(relative(dir, full).split(sep).join('/'));
    }
  };
  walk(dir);
  return out.sort();
}

/** `{ relativePath: contents }` of every file under `dir`. */
export function readTree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of listFiles(dir)) out[f] = readFileSync(join(dir, f), 'utf8');
  return out;
}

export function sha256(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** `{ relativePath: sha256 }` of every regular file under `dir`, with its mode: what "unchanged" means. */
export function hashTree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of listFiles(dir)) {
    const full = join(dir, f);
    const st = lstatSync(full);
    out[f] = st.isSymbolicLink() ? `symlink` : `${sha256(readFileSync(full))} ${st.mode.toString(8)} ${st.mtimeMs}`;
  }
  return out;
}

/** The non-empty lines of a text. */
export function lines(text: string): string[] {
  return text.split('\n').filter((l) => l !== '');
}

/** The finding lines of `convert`'s stderr (every line but the summary). */
export function findingLines(stderr: string): string[] {
  return lines(stderr).filter((l) => !l.startsWith('Summary: '));
}

export function hasAnsi(text: string): boolean {
  return ANSI.test(text);
}

/** A JavaScript stack trace or an internal-error banner: never acceptable on stderr. */
export function hasStackTrace(text: string): boolean {
  return /^\s+at .+[:(]\d+:\d+\)?$/m.test(text) || /internal error: (\w*Error|RangeError|TypeError)/.test(text) || /^Node\.js v\d+/m.test(text);
}

/** Size in bytes of a file. */
export function fileSize(p: string): number {
  return statSync(p).size;
}
