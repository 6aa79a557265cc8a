import { expect } from 'chai';
import { parse } from 'yaml';
import { retainedDiff, retainedView } from '../../src/report/retained.js';
import { CALICO_YAML, runAll, sourceNamed, sourceWith } from './report-fixtures.test.js';

const policy = () => ({
  apiVersion: 'projectcalico.org/v3',
  kind: 'NetworkPolicy',
  metadata: { name: 'p', namespace: 'ns', labels: { 'a/b': 'x', 'c~d': 'y' } },
  spec: {
    selector: "app == 'api'",
    ingress: [
      { action: 'Log' },
      { action: 'Allow', source: { selector: "app == 'web'" }, destination: { ports: [80, 443, 8080] } },
      { action: 'Deny' },
      { action: 'Allow', http: { methods: ['GET'] } },
    ],
    egress: [{ action: 'Allow' }],
  },
});

describe('retainedView', () => {
  it('removes whole rules, highest index first, so the other indexes stay valid', () => {
    const view = retainedView(sourceWith(policy(), ['/spec/ingress/0', '/spec/ingress/2', '/spec/ingress/3'])) as ReturnType<typeof policy>;
    expect(view.spec.ingress).to.deep.equal([policy().spec.ingress[1]]);
    expect(view.spec.egress).to.deep.equal([{ action: 'Allow' }]);
  });

  it('gives the same result whatever the order of the findings', () => {
    const a = retainedView(sourceWith(policy(), ['/spec/ingress/0', '/spec/ingress/1/destination/ports/1', '/spec/ingress/3']));
    const b = retainedView(sourceWith(policy(), ['/spec/ingress/3', '/spec/ingress/1/destination/ports/1', '/spec/ingress/0']));
    expect(a).to.deep.equal(b);
    expect((a as ReturnType<typeof policy>).spec.ingress).to.deep.equal([
      { action: 'Allow', source: { selector: "app == 'web'" }, destination: { ports: [80, 8080] } },
      { action: 'Deny' },
    ]);
  });

  it('removes fields and list items inside a rule', () => {
    const view = retainedView(sourceWith(policy(), ['/spec/ingress/3/http', '/spec/ingress/1/destination/ports/0'])) as ReturnType<typeof policy>;
    expect(view.spec.ingress[3]).to.deep.equal({ action: 'Allow' });
    expect(view.spec.ingress[1]!.destination!.ports).to.deep.equal([443, 8080]);
  });

  it('keeps a container the removals emptied', () => {
    const view = retainedView(sourceWith(policy(), ['/spec/egress/0', '/spec/ingress/1/destination/ports/0', '/spec/ingress/1/destination/ports/1', '/spec/ingress/1/destination/ports/2'])) as ReturnType<typeof policy>;
    expect(view.spec.egress).to.deep.equal([]);
    expect(view.spec.ingress[1]!.destination).to.deep.equal({ ports: [] });
    const fields = retainedView(sourceWith(policy(), ['/metadata/labels/a~1b', '/metadata/labels/c~0d'])) as ReturnType<typeof policy>;
    expect(fields.metadata.labels).to.deep.equal({});
  });

  it('decodes ~1 and ~0 in pointers', () => {
    const view = retainedView(sourceWith(policy(), ['/metadata/labels/a~1b'])) as ReturnType<typeof policy>;
    expect(view.metadata.labels).to.deep.equal({ 'c~d': 'y' });
  });

  it('removes an ancestor and its descendants together', () => {
    const view = retainedView(sourceWith(policy(), ['/spec/ingress/1/destination/ports/0', '/spec/ingress/1', '/spec/ingress/1/source'])) as ReturnType<typeof policy>;
    expect(view.spec.ingress.map((r) => r.action)).to.deep.equal(['Log', 'Deny', 'Allow']);
  });

  it('ignores pointers to nodes that do not exist', () => {
    const view = retainedView(sourceWith(policy(), ['/spec/ingress/9', '/spec/nothing/0', '/spec/ingress/-', '/spec/ingress/01', '/spec/selector/x']));
    expect(view).to.deep.equal(policy());
  });

  it('returns null when the whole object is dropped', () => {
    expect(retainedView(sourceWith(policy(), ['/spec/ingress/0', '']))).to.equal(null);
    expect(retainedView(sourceWith(policy(), ['/items/2'], '/items/2'))).to.equal(null);
  });

  it('strips the object pointer inside a List and skips pointers of other items', () => {
    const src = sourceWith(policy(), ['/items/1/spec/ingress/0', '/items/0/spec/egress/0', '/items/10/spec/ingress/1', '/items/1/spec/ingress/2', '/spec/egress/0'], '/items/1');
    const view = retainedView(src) as ReturnType<typeof policy>;
    expect(view.spec.ingress.map((r) => r.action)).to.deep.equal(['Allow', 'Allow']);
    expect(view.spec.egress).to.deep.equal([{ action: 'Allow' }]);
  });

  it('does not change the original', () => {
    const src = sourceWith(policy(), ['/spec/ingress/0', '/metadata/labels/a~1b']);
    retainedView(src);
    expect(src.original).to.deep.equal(policy());
  });

  it('removes the Calico rules the pipeline drops (Log, a rule with a protocol native policy lacks)', () => {
    const src = sourceNamed(runAll(), 'deny-and-log');
    const view = retainedView(src) as { spec: { ingress: unknown[] } };
    expect(view.spec.ingress).to.deep.equal([
      { action: 'Allow', source: { selector: "app == 'web'" } },
      { action: 'Allow', source: { selector: "app == 'other'" } },
    ]);
    expect(src.original).to.deep.equal(parse(CALICO_YAML));
  });

  it('removes the L7 part of a Cilium policy inside a List', () => {
    const src = sourceNamed(runAll(), 'l7');
    expect(src.findings.find((f) => f.code === 'cilium/l7')?.dropped).to.match(/^\/items\/0\/spec\/ingress\/0/);
    const view = retainedView(src);
    expect(JSON.stringify(view)).not.to.contain('GET');
    expect(JSON.stringify(view)).to.contain('"app":"db"');
  });
});

describe('retainedDiff', () => {
  it('shows the dropped rules as - lines, with the file labels', () => {
    const diff = retainedDiff(sourceNamed(runAll(), 'deny-and-log'));
    const lines = diff.split('\n');
    expect(lines[0]).to.equal('--- policies/calico.yaml (original)');
    expect(lines[1]).to.equal('+++ policies/calico.yaml (retained)');
    expect(lines).to.include('-    - action: Log');
    expect(lines).to.include('-      protocol: ICMP');
    expect(lines).to.include("-        selector: app == 'bad'");
    expect(lines).to.include("         selector: app == 'other'");
    expect(lines).to.include('     - action: Allow');
    expect(lines.filter((l) => l.startsWith('+') && !l.startsWith('+++'))).to.deep.equal([]);
  });

  it('is empty when nothing was dropped', () => {
    expect(retainedDiff(sourceWith(policy(), []))).to.equal('');
    expect(retainedDiff(sourceWith(policy(), ['/spec/ingress/7']))).to.equal('');
    expect(retainedDiff(sourceNamed(runAll(), 'native'))).to.equal('');
  });

  it('removes every line when the whole object is dropped', () => {
    const diff = retainedDiff(sourceWith(policy(), ['']));
    const body = diff.split('\n').slice(2).filter((l) => l !== '' && !l.startsWith('@@'));
    expect(body.length).to.be.greaterThan(5);
    expect(body.every((l) => l.startsWith('-'))).to.equal(true);
  });
});
