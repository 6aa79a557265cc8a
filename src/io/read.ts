/**
 * Expands the command line's paths into input files: files as given, directories recursively (`*.yaml`, `*.yml`,
 * `*.json`, sorted, `.git` skipped), `-` for standard input. Unreadable paths, binary files and files over 50 MB
 * become findings; the other inputs are still read.
 */
import { readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Finding } from '../report/finding.js';
import type { InputFile } from './documents.js';

export const STDIN_TOKEN = '\u0000stdin';
export const MAX_FILE_BYTES = 50 * 1024 * 1024;
const EXTENSIONS = ['.yaml', '.yml', '.json'];

export interface ReadResult {
  files: InputFile[];
  findings: Finding[];
  /** Some path could not be read at all (exit code 2). */
  unreadable: boolean;
  /** Real paths of the files read, so that no output ever overwrites an input. */
  realPaths: Set<string>;
}

export interface ReadOptions {
  stdinName: string;
  readStdin: () => Buffer;
}

export function readInputs(paths: string[], opts: ReadOptions): ReadResult {
  const result: ReadResult = { files: [], findings: [], unreadable: false, realPaths: new Set() };
  for (const p of paths) {
    if (p === STDIN_TOKEN || p === '-') {
      addBuffer(result, opts.stdinName, () => opts.readStdin());
      continue;
    }
    let isDir: boolean;
    try {
      isDir = statSync(p).isDirectory();
    } catch (e) {
      unreadable(result, p, e);
      continue;
    }
    if (!isDir) {
      addBuffer(result, p, () => readFileSync(p), () => statSync(p).size);
      continue;
    }
    for (const f of walk(p, result, new Set())) addBuffer(result, f, () => readFileSync(f), () => statSync(f).size);
  }
  return result;
}

/** Files of a directory tree, sorted; a directory reached twice (symlink loops, links to a parent) is read once. */
function walk(dir: string, result: ReadResult, seen: Set<string>): string[] {
  let real: string;
  try {
    real = realpathSync(dir);
  } catch (e) {
    unreadable(result, dir, e);
    return [];
  }
  if (seen.has(real)) return [];
  seen.add(real);
  let names: string[];
  try {
    names = readdirSync(dir).sort();
  } catch (e) {
    unreadable(result, dir, e);
    return [];
  }
  const out: string[] = [];
  for (const n of names) {
    if (n === '.git' || n === 'node_modules') continue;
    const full = join(dir, n);
    let st;
    try {
      st = statSync(full);
    } catch (e) {
      unreadable(result, full, e);
      continue;
    }
    if (st.isDirectory()) out.push(...walk(full, result, seen));
    else if (EXTENSIONS.some((x) => n.toLowerCase().endsWith(x))) out.push(full);
  }
  return out;
}

function addBuffer(result: ReadResult, name: string, read: () => Buffer, size?: () => number): void {
  try {
    if (size) {
      // The same file named twice (a directory and a file in it, or through a link) is read once.
      const real = realpathSync(name);
      if (result.realPaths.has(real)) return;
      result.realPaths.add(real);
    }
    if (size && size() > MAX_FILE_BYTES) {
      result.findings.push(fileFinding(name, 'input/too-large', `file is larger than 50 MB; skipped`));
      return;
    }
    const buf = read();
    if (buf.length > MAX_FILE_BYTES) {
      result.findings.push(fileFinding(name, 'input/too-large', `input is larger than 50 MB; skipped`));
      return;
    }
    if (buf.includes(0)) {
      result.findings.push(fileFinding(name, 'input/binary', 'binary file (contains NUL bytes); skipped'));
      return;
    }
    result.files.push({ name, text: buf.toString('utf8') });
  } catch (e) {
    unreadable(result, name, e);
  }
}

function unreadable(result: ReadResult, name: string, e: unknown): void {
  result.unreadable = true;
  const code = (e as NodeJS.ErrnoException).code;
  const why = code === 'ENOENT' ? 'no such file or directory' : code === 'EACCES' ? 'permission denied' : (e as Error).message;
  result.findings.push(fileFinding(name, 'input/unreadable', `cannot read: ${why}`));
}

function fileFinding(file: string, code: string, message: string): Finding {
  return { code, severity: 'error', message, file, line: 1, column: 1, pointer: '', documentIndex: 0, effect: 'unknown' };
}
