/** `netpol-migrate features`: every construct the tool knows, how it is handled, and its finding code. */
import type { Argv } from 'yargs';
import { formatFeatures, type ReportFormat } from '../../report/format/index.js';

export function featuresCommand(y: Argv): Argv {
  return y.command<{ output: ReportFormat }>(
    'features',
    'list every Calico, Cilium and native construct with its handling and finding code',
    (b) => b.option('output', { alias: 'o', choices: ['text', 'json', 'markdown'] as const, default: 'text' as const, describe: 'format' }) as unknown as Argv<{ output: ReportFormat }>,
    (a) => {
      process.stdout.write(formatFeatures(a.output));
    },
  );
}
