/** Reads the inputs named on the command line, or standard input when none are named and it is not a terminal. */
import { readFileSync } from 'node:fs';
import { readInputs, STDIN_TOKEN, type ReadResult } from '../io/read.js';
import { UsageError } from './usage.js';

export function readCommandInputs(paths: string[], stdinName: string): ReadResult {
  let list = paths;
  if (list.length === 0) {
    if (process.stdin.isTTY) throw new UsageError('no input: pass files, directories, or - for standard input');
    list = [STDIN_TOKEN];
  }
  return readInputs(list, { stdinName, readStdin: () => readFileSync(0) });
}
