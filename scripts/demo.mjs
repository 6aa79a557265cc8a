#!/usr/bin/env node
// `npm run demo`: converts every sample (samples/<case>/input) into a temporary directory and prints the report.
// Each sample is converted on its own, from inside its folder, exactly as the golden tests run it.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const cli = join(root, 'dist', 'src', 'cli', 'main.js');
const samples = join(root, 'samples');
const cases = readdirSync(samples, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();
const out = mkdtempSync(join(tmpdir(), 'netpol-migrate-demo-'));
console.log(`netpol-migrate demo: ${cases.length} samples, output in ${out}\n`);
let worst = 0;
for (const name of cases) {
  const dir = join(samples, name);
  const optsFile = join(dir, 'options.json');
  const extra = existsSync(optsFile) ? JSON.parse(readFileSync(optsFile, 'utf8')) : [];
  console.log(`=== ${name}`);
  const conv = spawnSync(process.execPath, [cli, 'convert', 'input', '--out-dir', join(out, name), '--quiet', '--fail-on', 'none', ...extra], { cwd: dir, stdio: 'inherit' });
  if (conv.status !== 0) worst = Math.max(worst, conv.status ?? 2);
  const rep = spawnSync(process.execPath, [cli, 'report', 'input', '--no-diff', '--fail-on', 'none', ...extra], { cwd: dir, stdio: 'inherit' });
  if (rep.status !== 0) worst = Math.max(worst, rep.status ?? 2);
  console.log('');
}
console.log(`Converted policies are in ${out}/<sample>/ (with a kustomization.yaml each).`);
process.exit(worst);
