/** The feature registry as printed by `netpol-migrate features -o text|json|markdown`. */
import { FEATURES, type Family, type Feature } from '../features.js';
import { code, table } from './markdown.js';
import type { ReportFormat } from './common.js';

const FAMILY_TITLES: Record<Family, string> = {
  input: 'Input',
  calico: 'Calico',
  cilium: 'Cilium',
  native: 'Native NetworkPolicy',
  output: 'Output',
  'vpc-cni': 'VPC CNI target',
};

export function formatFeatures(format: ReportFormat, features: readonly Feature[] = FEATURES): string {
  switch (format) {
    case 'json':
      return JSON.stringify(features, null, 2) + '\n';
    case 'markdown':
      return featuresMarkdown(features);
    case 'text':
      return featuresText(features);
  }
}

function featuresText(features: readonly Feature[]): string {
  const rows = [['CODE', 'HANDLING', 'SEVERITY', 'EFFECT', 'CONSTRUCT'], ...features.map((f) => [f.code, f.handling, f.severity, f.effect, f.construct])];
  const widths = [0, 1, 2, 3].map((i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((cell, i) => (i < widths.length ? cell.padEnd(widths[i]! + 2) : cell)).join('')).join('\n') + '\n';
}

function featuresMarkdown(features: readonly Feature[]): string {
  const families: Family[] = [];
  for (const f of features) if (!families.includes(f.family)) families.push(f.family);
  const out: string[] = ['# netpol-migrate features', ''];
  out.push('Every construct the tool knows, how it is handled, and the finding code it reports.', '');
  for (const family of families) {
    out.push(`## ${FAMILY_TITLES[family] ?? family}`, '');
    out.push(
      ...table(
        ['Code', 'Construct', 'Handling', 'Severity', 'Effect', 'What the tool does', 'Rule'],
        features.filter((f) => f.family === family).map((f) => [code(f.code), f.construct, f.handling, f.severity, f.effect, f.summary, f.rule]),
      ),
      '',
    );
  }
  out.pop();
  return out.join('\n') + '\n';
}
