import { readFileSync } from 'node:fs';
import { stringify } from 'yaml';
import { runPipeline } from '../dist/src/pipeline/run.js';
import { DEFAULT_OPTIONS } from '../dist/src/model/options.js';
const files = process.argv.slice(2).map((f) => ({ name: f, text: readFileSync(f, 'utf8') }));
const r = runPipeline(files, { ...DEFAULT_OPTIONS });
for (const s of r.sources) {
  console.log(`== ${s.ref.kind} ${s.ref.namespace ?? ''}/${s.ref.name} ${s.status} ${s.verdict} -> ${s.outputs.map(o=>o.namespace+'/'+o.name).join(',')}`);
  for (const f of s.findings) console.log(`  ${f.file}:${f.line}:${f.column}: ${f.severity} ${f.code} ${f.message}${f.dropped!==undefined?' [dropped '+f.dropped+']':''}`);
}
for (const f of r.fileFindings) console.log(`F ${f.file}:${f.line}:${f.column}: ${f.severity} ${f.code} ${f.message}`);
if (process.env.SHOW) for (const o of r.outputs) console.log('---\n' + stringify(o.policy));
