#!/usr/bin/env node
/**
 * The command-line shell: argument parsing and exit codes only; everything else is in the pure pipeline.
 * Exit codes: 0 nothing at or above --fail-on; 1 findings at or above it; 2 usage error or unreadable input.
 */
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { STDIN_TOKEN } from '../io/read.js';
import { VERSION } from '../version.js';
import { collectCommand } from './commands/collect.js';
import { convertCommand } from './commands/convert.js';
import { featuresCommand } from './commands/features.js';
import { reportCommand } from './commands/report.js';
import { verifyCommand } from './commands/verify.js';
import { UsageError } from './usage.js';

function usageExit(message: string): never {
  process.stderr.write(`netpol-migrate: error: ${message}\nRun 'netpol-migrate --help' for usage.\n`);
  process.exit(2);
}

/** yargs' messages made into one line that names what was wrong. */
function oneLine(message: string, args: string[]): string {
  const text = message.replace(/:\s*\n\s*/g, ': ').replace(/\s*\n\s*/g, '; ').trim();
  if (text.startsWith('Did you mean')) return `unknown command "${args[0] ?? ''}". ${text}`;
  return text.replace(/^Unknown arguments?: ([^,]+), [^,]+$/, 'Unknown argument: $1');
}

export function main(argv: string[]): void {
  // yargs drops a lone "-" (style-and-cli §2.4): swap it for a private token first.
  const args = argv.map((a) => (a === '-' ? STDIN_TOKEN : a));
  let cli = yargs(args)
    .scriptName('netpol-migrate')
    .usage('$0 <command> [options]\n\nMigrate Calico and Cilium network policies to native Kubernetes NetworkPolicies, and report every connection the migration changes.')
    .strict()
    .demandCommand(1, 'a command is required: convert, report, verify, features or collect')
    .recommendCommands()
    .version(VERSION)
    .help()
    .alias('h', 'help')
    .wrap(Math.min(120, process.stdout.columns ?? 100))
    .epilogue('Exit codes: 0 clean; 1 findings at or above --fail-on; 2 usage error or unreadable input.')
    .fail((msg, err) => {
      if (err && !(err instanceof UsageError)) throw err;
      usageExit(oneLine(err?.message ?? msg ?? 'invalid usage', args));
    });
  cli = convertCommand(cli);
  cli = reportCommand(cli);
  cli = verifyCommand(cli);
  cli = featuresCommand(cli);
  cli = collectCommand(cli);
  try {
    cli.parseSync();
  } catch (e) {
    if (e instanceof UsageError) usageExit(e.message);
    process.stderr.write(`netpol-migrate: internal error: ${(e as Error).stack ?? String(e)}\n`);
    process.exit(2);
  }
}

main(hideBin(process.argv));
