import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import AjvModule from 'ajv';
import { runPipeline } from '../../src/pipeline/run.js';
import { DEFAULT_OPTIONS } from '../../src/model/options.js';
import type { PipelineResult } from '../../src/pipeline/types.js';
import { FEATURES } from '../../src/report/features.js';
import { formatFeatures, formatReport, type ReportOptions } from '../../src/report/format/index.js';
import { summarize } from '../../src/report/summary.js';
import { VERSION } from '../../src/version.js';
import { emptyResult, finding, runAll, sourceWith } from './report-fixtures.test.js';

// ajv is a CommonJS module whose class is both `module.exports` and `module.exports.default`.
const Ajv = ((AjvModule as unknown as { default?: unknown }).default ?? AjvModule) as typeof AjvModule.default;

const schema = JSON.parse(readFileSync(new URL('../../../schemas/report.schema.json', import.meta.url), 'utf8')) as object;
const validate = new Ajv({ allErrors: true, strict: true }).compile(schema);

const OPTS: ReportOptions = { failOn: 'error', color: false, diff: true };
const ESC = '\x1b[';

const GLOBAL_YAML = `apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata:
  name: cluster-wide
spec:
  selector: all()
  ingress:
    - action: Allow
`;

function expectValid(json: string): void {
  const report = JSON.parse(json) as unknown;
  const ok = validate(report);
  expect(ok, JSON.stringify(validate.errors, null, 2)).to.equal(true);
}

describe('JSON report', () => {
  it('validates against schemas/report.schema.json for real pipeline results', () => {
    const r = runAll();
    for (const failOn of ['error', 'warning', 'info', 'none'] as const) {
      for (const diff of [true, false]) expectValid(formatReport(r, 'json', { failOn, color: false, diff }));
    }
    expectValid(formatReport(emptyResult(), 'json', OPTS));
    expectValid(formatReport(runPipeline([{ name: 'global.yaml', text: GLOBAL_YAML }], { ...DEFAULT_OPTIONS }), 'json', OPTS));
    expectValid(formatReport(runPipeline([{ name: 'global.yaml', text: GLOBAL_YAML }], { ...DEFAULT_OPTIONS, namespaces: ['a', 'b'] }), 'json', OPTS));
  });

  it('carries the summary, sources, outputs, findings and diffs', () => {
    const r = runAll();
    const report = JSON.parse(formatReport(r, 'json', OPTS)) as {
      schemaVersion: number;
      tool: { name: string; version: string };
      summary: unknown;
      sources: Array<{ name: string; namespace: string | null; file: string; line: number; column: number; outputs: string[]; findings: Array<{ code: string; dropped?: string }>; diff: string | null }>;
      fileFindings: Array<{ code: string }>;
    };
    expect(report.schemaVersion).to.equal(1);
    expect(report.tool).to.deep.equal({ name: 'netpol-migrate', version: VERSION });
    expect(report.summary).to.deep.equal(summarize(r, 'error'));
    const calico = report.sources.find((s) => s.name === 'deny-and-log')!;
    expect(calico).to.include({ namespace: 'shop', file: 'policies/calico.yaml', line: 1, column: 1 });
    expect(calico.outputs).to.deep.equal(['shop/deny-and-log']);
    expect(calico.findings.find((f) => f.code === 'calico/protocol-not-native')?.dropped).to.equal('/spec/ingress/2');
    expect(calico.diff).to.contain('-      protocol: ICMP');
    expect(report.sources.find((s) => s.name === 'native')!.diff).to.equal('');
    expect(report.sources.find((s) => s.name === 'l7')).to.include({ line: 4, column: 5 });
    expect(report.fileFindings.map((f) => f.code)).to.include('input/yaml-syntax');
    const noDiff = JSON.parse(formatReport(r, 'json', { ...OPTS, diff: false })) as typeof report;
    expect(noDiff.sources.every((s) => s.diff === null)).to.equal(true);
  });

  it('writes null for the namespace of a cluster-scoped policy', () => {
    const r = runPipeline([{ name: 'global.yaml', text: GLOBAL_YAML }], { ...DEFAULT_OPTIONS, namespaces: ['a'] });
    const report = JSON.parse(formatReport(r, 'json', OPTS)) as { sources: Array<{ namespace: string | null }> };
    expect(report.sources[0]!.namespace).to.equal(null);
  });

  it('is deterministic and never coloured', () => {
    const a = formatReport(runAll(), 'json', { ...OPTS, color: true });
    expect(formatReport(runAll(), 'json', { ...OPTS, color: true })).to.equal(a);
    expect(a).not.to.contain(ESC);
  });
});

describe('text report', () => {
  const text = () => formatReport(runAll(), 'text', OPTS);

  it('writes a header per source and its findings in the compiler style', () => {
    const lines = text().split('\n');
    expect(lines).to.include('policies/calico.yaml:1:1: NetworkPolicy shop/deny-and-log — partial, unknown -> shop/deny-and-log');
    expect(lines).to.include('policies/native.yaml:1:1: NetworkPolicy shop/native — converted, exact -> no output');
    expect(lines.some((l) => l.startsWith('policies/cilium.yaml:4:5: CiliumNetworkPolicy shop/l7 — partial, unknown -> shop/l7'))).to.equal(true);
    expect(lines).to.include('  policies/calico.yaml:10:7: info calico/action-log Log never decides traffic; dropped');
    const findingLines = lines.filter((l) => /^ {2}\S+:\d+:\d+: (error|warning|info) [a-z0-9-]+\/[a-z0-9-]+ /.test(l));
    expect(findingLines.length).to.equal(runAll().sources.reduce((n, s) => n + s.findings.length, 0));
    expect(lines.some((l) => /^policies\/broken\.yaml:\d+:\d+: error input\/yaml-syntax /.test(l))).to.equal(true);
  });

  it('indents the retained diff under its source when asked', () => {
    const lines = text().split('\n');
    expect(lines).to.include('    --- policies/calico.yaml (original)');
    expect(lines).to.include('    -      protocol: ICMP');
    expect(formatReport(runAll(), 'text', { ...OPTS, diff: false })).not.to.contain('(original)');
  });

  it('ends with the summary line and the exit code', () => {
    const r = runAll();
    const s = summarize(r, 'error');
    const last = text().trimEnd().split('\n').pop()!;
    expect(last).to.equal(
      `Summary: 4 policies in 4 files — converted ${s.converted}, partial ${s.partial}, skipped 0, invalid 0; ` +
        `verdicts: exact ${s.verdicts.exact}, narrower ${s.verdicts.narrower}, wider 0, narrower+wider 0, unknown ${s.verdicts.unknown}, skipped ${s.verdicts.skipped}; ` +
        `3 outputs; ${s.findings.error} errors, ${s.findings.warning} warnings, ${s.findings.info} info (exit 1)`,
    );
    expect(formatReport(r, 'text', { ...OPTS, failOn: 'none' }).trimEnd()).to.match(/\(exit 0\)$/);
    expect(formatReport(emptyResult(), 'text', OPTS)).to.equal(
      'Summary: 0 policies in 0 files — converted 0, partial 0, skipped 0, invalid 0; verdicts: exact 0, narrower 0, wider 0, narrower+wider 0, unknown 0, skipped 0; 0 outputs; 0 errors, 0 warnings, 0 info (exit 0)\n',
    );
  });

  it('colours severities only when asked', () => {
    expect(text()).not.to.contain(ESC);
    const coloured = formatReport(runAll(), 'text', { ...OPTS, color: true });
    expect(coloured).to.contain('\x1b[31merror\x1b[0m input/yaml-syntax');
    expect(coloured).to.contain('\x1b[33mwarning\x1b[0m calico/protocol-not-native');
    expect(coloured).to.contain('\x1b[2minfo\x1b[0m calico/action-log');
    expect(coloured.replace(/\x1b\[[0-9;]*m/g, '')).to.equal(text());
  });

  it('is deterministic', () => {
    expect(text()).to.equal(text());
  });

  it('prints only the failing findings when quiet', () => {
    const quiet = formatReport(runAll(), 'text', { ...OPTS, failOn: 'warning', quiet: true });
    const lines = quiet.trimEnd().split('\n');
    expect(lines.every((l) => /^\S+:\d+:\d+: (error|warning) /.test(l))).to.equal(true);
    expect(quiet).not.to.contain('Summary:');
    expect(formatReport(runAll(), 'text', { ...OPTS, failOn: 'none', quiet: true })).to.equal('');
  });
});

describe('markdown report', () => {
  it('has a title, a summary table, a section per source with a findings table and a diff block', () => {
    const md = formatReport(runAll(), 'markdown', OPTS);
    expect(md.startsWith('# netpol-migrate report\n')).to.equal(true);
    expect(md).to.contain('| Item | Count |');
    expect(md).to.contain('| Policies | 4 |');
    expect(md).to.contain('### NetworkPolicy shop/deny-and-log');
    expect(md).to.contain('### CiliumNetworkPolicy shop/l7');
    expect(md).to.contain('| Location | Severity | Code | Message |');
    expect(md).to.contain('| `policies/calico.yaml:15:7` | warning | `calico/protocol-not-native` |');
    expect(md).to.contain('```diff\n--- policies/calico.yaml (original)');
    expect(md).to.contain('## File findings');
    expect(md).not.to.contain(ESC);
    expect(formatReport(runAll(), 'markdown', { ...OPTS, diff: false })).not.to.contain('```diff');
  });

  it('escapes | and line breaks in table cells', () => {
    const src = sourceWith({ spec: {} }, []);
    src.findings = [finding({ message: 'a | b\nc', code: 'calico/action-deny' })];
    const r: PipelineResult = { sources: [src], outputs: [], fileFindings: [finding({ message: 'x|y' })] };
    const md = formatReport(r, 'markdown', OPTS);
    expect(md).to.contain('| a \\| b<br>c |');
    expect(md).to.contain('| x\\|y |');
    for (const line of md.split('\n').filter((l) => l.startsWith('| `f.yaml'))) {
      expect(line.replace(/\\\|/g, '').split('|').length, line).to.equal(6);
    }
  });
});

describe('formatFeatures', () => {
  it('lists every code of FEATURES in text, with aligned columns', () => {
    const text = formatFeatures('text');
    const lines = text.trimEnd().split('\n');
    expect(lines[0]).to.match(/^CODE\s+HANDLING\s+SEVERITY\s+EFFECT\s+CONSTRUCT$/);
    expect(lines.length).to.equal(FEATURES.length + 1);
    const col = lines[0]!.indexOf('HANDLING');
    FEATURES.forEach((f, i) => {
      const line = lines[i + 1]!;
      expect(line.startsWith(f.code + ' ')).to.equal(true);
      expect(line.slice(col).startsWith(f.handling + ' ')).to.equal(true);
      expect(line.endsWith(f.construct)).to.equal(true);
    });
  });

  it('prints the registry as JSON', () => {
    expect(JSON.parse(formatFeatures('json'))).to.deep.equal(FEATURES);
  });

  it('prints a Markdown table per family with the rule column', () => {
    const md = formatFeatures('markdown');
    expect(md).to.contain('| Code | Construct | Handling | Severity | Effect | What the tool does | Rule |');
    for (const title of ['## Input', '## Calico', '## Cilium', '## Native NetworkPolicy', '## Output', '## VPC CNI target']) expect(md).to.contain(title);
    for (const f of FEATURES) expect(md).to.contain(`| \`${f.code}\` |`);
    expect(md.indexOf('`calico/action-log`')).to.be.greaterThan(md.indexOf('## Calico'));
    expect(md.indexOf('`calico/action-log`')).to.be.lessThan(md.indexOf('## Cilium'));
  });
});
