import { expect } from 'chai';
import type { PipelineResult } from '../../src/pipeline/types.js';
import type { Severity } from '../../src/report/finding.js';
import { summarize, type FailOn } from '../../src/report/summary.js';
import { emptyResult, finding, runAll, sourceWith } from './report-fixtures.test.js';

function withFindings(sourceSeverities: Severity[], fileSeverities: Severity[] = []): PipelineResult {
  const src = sourceWith({}, []);
  src.findings = sourceSeverities.map((severity) => finding({ severity }));
  return { sources: [src], outputs: [], fileFindings: fileSeverities.map((severity) => finding({ severity })) };
}

describe('summarize', () => {
  it('counts sources, statuses, verdicts, outputs and findings of a pipeline result', () => {
    const r = runAll();
    const s = summarize(r, 'error');
    expect(s.sources).to.equal(4);
    expect(s.converted + s.partial + s.skipped + s.invalid).to.equal(4);
    expect(s.partial).to.equal(2);
    expect(s.outputs).to.equal(r.outputs.length).and.to.equal(3);
    expect(Object.values(s.verdicts).reduce((a, b) => a + b, 0)).to.equal(4);
    // The Calico ICMP rule and the Cilium L7 rule: their original verdicts depend on what the model cannot carry.
    expect(s.verdicts.unknown).to.equal(2);
    const all = [...r.sources.flatMap((x) => x.findings), ...r.fileFindings];
    for (const sev of ['error', 'warning', 'info'] as const) expect(s.findings[sev]).to.equal(all.filter((f) => f.severity === sev).length);
    expect(s.findings.error).to.be.greaterThan(0);
    expect(s.exitCode).to.equal(1);
  });

  it('counts every status and verdict', () => {
    const mk = (status: 'converted' | 'partial' | 'skipped' | 'invalid', verdict: 'exact' | 'narrower' | 'wider' | 'narrower+wider' | 'unknown') => ({ ...sourceWith({}, []), status, verdict });
    const r: PipelineResult = {
      sources: [mk('converted', 'exact'), mk('converted', 'exact'), mk('partial', 'narrower+wider'), mk('skipped', 'unknown'), mk('invalid', 'wider')],
      outputs: [],
      fileFindings: [],
    };
    const s = summarize(r, 'info');
    expect(s).to.deep.equal({
      sources: 5,
      converted: 2,
      partial: 1,
      skipped: 1,
      invalid: 1,
      outputs: 0,
      verdicts: { exact: 2, narrower: 0, wider: 1, 'narrower+wider': 1, unknown: 1, skipped: 0 },
      findings: { error: 0, warning: 0, info: 0 },
      exitCode: 0,
    });
  });

  const cases: Array<[string, PipelineResult, Record<FailOn, 0 | 1>]> = [
    ['no findings', emptyResult(), { error: 0, warning: 0, info: 0, none: 0 }],
    ['an info finding', withFindings(['info']), { error: 0, warning: 0, info: 1, none: 0 }],
    ['a warning finding', withFindings(['info', 'warning']), { error: 0, warning: 1, info: 1, none: 0 }],
    ['an error finding', withFindings(['error']), { error: 1, warning: 1, info: 1, none: 0 }],
    ['a file-level error', withFindings([], ['error']), { error: 1, warning: 1, info: 1, none: 0 }],
    ['a file-level warning', withFindings(['info'], ['warning']), { error: 0, warning: 1, info: 1, none: 0 }],
  ];
  for (const [name, result, expected] of cases) {
    it(`exit code with ${name} for each --fail-on`, () => {
      for (const failOn of ['error', 'warning', 'info', 'none'] as const) {
        expect(summarize(result, failOn).exitCode, `--fail-on ${failOn}`).to.equal(expected[failOn]);
      }
    });
  }

  it('counts file-level findings', () => {
    expect(summarize(withFindings(['warning'], ['error', 'info']), 'none').findings).to.deep.equal({ error: 1, warning: 1, info: 1 });
  });
});
