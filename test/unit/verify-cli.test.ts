/**
 * `netpol-migrate verify`, as a user runs it: `--against` catches the translations a naive field-by-field translator
 * writes (one per Trap that applies), with a witness that names the connection; the tool's own output verifies.
 */
import { expect } from 'chai';
import { join } from 'node:path';
import { after, before } from 'mocha';
import { removeTempDirs, runCli, runCliAsync, tempDir, writeTree } from '../helpers/cli.js';

interface Case {
  name: string;
  source: string;
  /** A naive native translation; annotated with its source so it is compared per source too. */
  naive: string;
  verdict: 'wider' | 'narrower';
  witness: RegExp;
  args?: string[];
}

const annotate = (kind: string, ns: string, name: string) => `annotations: {netpol-migrate.io/source: "${kind} ${ns}/${name}"}`;

const CASES: Case[] = [
  {
    name: 'Cilium ingress: [{}] copied as native ingress: [{}] (cilium T1)',
    source: `
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: lockdown, namespace: prod}
spec:
  endpointSelector: {matchLabels: {app: db}}
  ingress: [{}]
`,
    naive: `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: lockdown, namespace: prod, ${annotate('cilium.io/v2/CiliumNetworkPolicy', 'prod', 'lockdown')}}
spec:
  podSelector: {matchLabels: {app: db}}
  policyTypes: [Ingress]
  ingress: [{}]
`,
    verdict: 'wider',
    witness: /could not connect to .* of pods \{app=db\} in namespace prod before, can after/,
  },
  {
    name: 'Calico egress-only policy without policyTypes (calico T1)',
    source: `
apiVersion: projectcalico.org/v3
kind: NetworkPolicy
metadata: {name: web-egress, namespace: prod}
spec:
  selector: app == 'web'
  egress: [{action: Allow, protocol: TCP, destination: {ports: [443]}}]
`,
    naive: `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web-egress, namespace: prod, ${annotate('projectcalico.org/v3/NetworkPolicy', 'prod', 'web-egress')}}
spec:
  podSelector: {matchLabels: {app: web}}
  policyTypes: [Ingress, Egress]
  egress: [{ports: [{protocol: TCP, port: 443}]}]
`,
    verdict: 'narrower',
    witness: /could connect to .* of pods \{app=web\} in namespace prod before, cannot after/,
  },
  {
    name: 'Calico selector + nets written as two peers (calico T18)',
    source: `
apiVersion: projectcalico.org/v3
kind: NetworkPolicy
metadata: {name: db-from-web-subnet, namespace: prod}
spec:
  selector: app == 'db'
  types: [Ingress]
  ingress: [{action: Allow, source: {selector: app == 'web', nets: [10.1.0.0/16]}}]
`,
    naive: `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: db-from-web-subnet, namespace: prod, ${annotate('projectcalico.org/v3/NetworkPolicy', 'prod', 'db-from-web-subnet')}}
spec:
  podSelector: {matchLabels: {app: db}}
  policyTypes: [Ingress]
  ingress: [{from: [{podSelector: {matchLabels: {app: web}}}, {ipBlock: {cidr: 10.1.0.0/16}}]}]
`,
    verdict: 'wider',
    witness: /before, can after/,
  },
  {
    name: 'Calico Deny then Allow, with the Deny dropped (calico T7)',
    source: `
apiVersion: projectcalico.org/v3
kind: NetworkPolicy
metadata: {name: cart, namespace: shop}
spec:
  selector: app == 'cart'
  types: [Ingress]
  ingress:
  - {action: Deny, source: {selector: app == 'legacy'}}
  - {action: Allow}
`,
    naive: `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: cart, namespace: shop, ${annotate('projectcalico.org/v3/NetworkPolicy', 'shop', 'cart')}}
spec:
  podSelector: {matchLabels: {app: cart}}
  policyTypes: [Ingress]
  ingress: [{}]
`,
    verdict: 'wider',
    witness: /\{app=legacy\} in namespace shop could not connect to .* of pods \{app=cart\} in namespace shop before, can after/,
  },
  {
    name: 'Cilium protocol ANY written without protocol, i.e. TCP only (cilium T39)',
    source: `
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: dns, namespace: prod}
spec:
  endpointSelector: {matchLabels: {app: coredns}}
  ingress: [{toPorts: [{ports: [{port: "53", protocol: ANY}]}]}]
`,
    naive: `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: dns, namespace: prod, ${annotate('cilium.io/v2/CiliumNetworkPolicy', 'prod', 'dns')}}
spec:
  podSelector: {matchLabels: {app: coredns}}
  policyTypes: [Ingress]
  ingress: [{ports: [{port: 53}]}]
`,
    verdict: 'narrower',
    witness: /could connect to (UDP|SCTP) 53 of pods \{app=coredns\} in namespace prod before, cannot after/,
  },
  {
    name: 'Cilium world written as ipBlock 0.0.0.0/0, which also matches pods (cilium T31)',
    source: `
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: internet, namespace: prod}
spec:
  endpointSelector: {matchLabels: {app: web}}
  egress: [{toEntities: [world], toPorts: [{ports: [{port: "443", protocol: TCP}]}]}]
`,
    naive: `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: internet, namespace: prod, ${annotate('cilium.io/v2/CiliumNetworkPolicy', 'prod', 'internet')}}
spec:
  podSelector: {matchLabels: {app: web}}
  policyTypes: [Egress]
  egress: [{to: [{ipBlock: {cidr: 0.0.0.0/0}}], ports: [{protocol: TCP, port: 443}]}]
`,
    verdict: 'wider',
    witness: /could not connect to TCP 443 of (any pod|pods).* before, can after/,
    args: ['--cluster-cidr', '10.0.0.0/16'],
  },
  {
    name: 'Calico NetworkPolicy rule selector written across all namespaces (calico T19)',
    source: `
apiVersion: projectcalico.org/v3
kind: NetworkPolicy
metadata: {name: api, namespace: prod}
spec:
  selector: app == 'api'
  types: [Ingress]
  ingress: [{action: Allow, source: {selector: app == 'web'}}]
`,
    naive: `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: api, namespace: prod, ${annotate('projectcalico.org/v3/NetworkPolicy', 'prod', 'api')}}
spec:
  podSelector: {matchLabels: {app: api}}
  policyTypes: [Ingress]
  ingress: [{from: [{namespaceSelector: {}, podSelector: {matchLabels: {app: web}}}]}]
`,
    verdict: 'wider',
    witness: /\{app=web\} in (any namespace|a namespace|namespace (?!prod)).* could not connect to .* before, can after/,
  },
];

describe('verify --against: known-wrong translations are caught with a witness', function () {
  this.timeout(120000);
  let dir: string;
  before(() => {
    dir = tempDir();
  });
  after(() => removeTempDirs());

  for (const [i, c] of CASES.entries()) {
    it(c.name, async () => {
      const base = join(dir, `case-${i}`);
      writeTree(base, { 'source.yaml': c.source.trimStart(), 'naive/policy.yaml': c.naive.trimStart() });
      const r = await runCliAsync(['verify', 'source.yaml', '--against', 'naive', '-o', 'json', ...(c.args ?? [])], { cwd: base });
      // verify fails on wider or unknown by default (--fail-on unknown); a narrower verdict exits 0.
      expect(r.status, r.stderr).to.equal(c.verdict === 'wider' ? 1 : 0);
      const report = JSON.parse(r.stdout);
      expect(report.sources[0].verdict).to.contain(c.verdict);
      const witnesses: string[] = report.sources[0].witnesses[c.verdict];
      expect(witnesses.some((w) => c.witness.test(w)), `witnesses: ${JSON.stringify(witnesses)}`).to.equal(true);
      expect(report.wholeSet.verdict).to.contain(c.verdict);
      const strict = await runCliAsync(['verify', 'source.yaml', '--against', 'naive', '--fail-on', 'narrower', ...(c.args ?? [])], { cwd: base });
      expect(strict.status).to.equal(1);
    });
  }

  it("the tool's own translation of the same inputs verifies without a wider verdict", async () => {
    const base = join(dir, 'own');
    writeTree(base, Object.fromEntries(CASES.map((c, i) => [`in/${i}.yaml`, c.source.trimStart()])));
    const conv = runCli(['convert', 'in', '--out-dir', 'out', '--cluster-cidr', '10.0.0.0/16', '-q'], { cwd: base });
    expect(conv.status, conv.stderr).to.equal(0);
    const r = runCli(['verify', 'in', '--against', 'out', '-o', 'json', '--cluster-cidr', '10.0.0.0/16'], { cwd: base });
    const report = JSON.parse(r.stdout);
    for (const s of report.sources) expect(s.verdict, `${s.name}: ${JSON.stringify(s.witnesses)}`).to.not.match(/wider/);
    expect(report.wholeSet.verdict).to.not.match(/wider/);
  });

  it('verify exits 0 on an exact translation and prints the whole-set verdict', () => {
    const base = join(dir, 'exact');
    writeTree(base, { 'p.yaml': CASES[0]!.source.trimStart() });
    const r = runCli(['verify', 'p.yaml'], { cwd: base });
    expect(r.status, r.stdout + r.stderr).to.equal(0);
    expect(r.stdout).to.match(/Whole policy set: exact/);
    expect(r.stdout).to.match(/converted, exact -> prod\/lockdown/);
  });

  it('--against without source annotations: only the whole set is compared; invalid policies are reported', () => {
    const base = join(dir, 'unannotated');
    writeTree(base, {
      'p.yaml': CASES[3]!.source.trimStart(),
      'hand/a.yaml': 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: cart}\nspec:\n  podSelector: {matchLabels: {app: cart}}\n  policyTypes: [Ingress]\n',
      'hand/b.yaml': 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: bad, namespace: shop}\nspec:\n  podSelector: {}\n  ingress: [{ports: [{protocol: ICMP}]}]\n',
    });
    const r = runCli(['verify', 'p.yaml', '--against', 'hand', '-n', 'shop', '-o', 'json'], { cwd: base });
    const report = JSON.parse(r.stdout);
    expect(report.sources[0].verdict).to.equal('unknown');
    expect(report.sources[0].outputs).to.deep.equal([]);
    expect(report.sources[0].findings.map((f: { code: string }) => f.code)).to.include('output/against-unmatched');
    expect(report.fileFindings.map((f: { code: string }) => f.code)).to.include('native/invalid');
    // The hand-written policy (namespace from -n) isolates the cart pods completely: narrower than the original.
    expect(report.wholeSet.verdict).to.equal('narrower');
    expect(r.status).to.equal(1); // an unknown verdict fails under the default --fail-on unknown
  });

  it('--fail-on narrower fails on a narrower verdict; --fail-on wider does not', () => {
    const base = join(dir, 'failon');
    writeTree(base, { 'p.yaml': CASES[3]!.source.trimStart() });
    expect(runCli(['verify', 'p.yaml', '--fail-on', 'narrower'], { cwd: base }).status).to.equal(1);
    expect(runCli(['verify', 'p.yaml', '--fail-on', 'wider'], { cwd: base }).status).to.equal(0);
  });

  it('--against compares ordered policies in context: the exact compiled set passes, the naive one is wider', () => {
    const base = join(dir, 'ordered');
    writeTree(base, {
      'orig.yaml': `apiVersion: projectcalico.org/v3
kind: NetworkPolicy
metadata: {name: deny-bad, namespace: prod}
spec:
  order: 10
  selector: app == 'web'
  types: [Ingress]
  ingress: [{action: Deny, source: {selector: role == 'bad'}}]
---
apiVersion: projectcalico.org/v3
kind: NetworkPolicy
metadata: {name: allow-prod, namespace: prod}
spec:
  order: 20
  selector: app == 'web'
  types: [Ingress]
  ingress: [{action: Allow, source: {selector: all()}}]
`,
      'naive/allow-prod.yaml': `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: allow-prod
  namespace: prod
  annotations: {netpol-migrate.io/source: projectcalico.org/v3/NetworkPolicy prod/allow-prod}
spec:
  podSelector: {matchLabels: {app: web}}
  policyTypes: [Ingress]
  ingress: [{from: [{podSelector: {}}]}]
`,
    });
    expect(runCli(['convert', 'orig.yaml', '--out-dir', 'out'], { cwd: base }).status).to.equal(0);
    const own = runCli(['verify', 'orig.yaml', '--against', 'out', '-o', 'json'], { cwd: base });
    expect(own.status, own.stderr).to.equal(0);
    const ownReport = JSON.parse(own.stdout) as { sources: Array<{ name: string; verdict: string }>; wholeSet: { verdict: string } };
    // Alone, allow-prod's output (which subtracts deny-bad) would look narrower; in context it is exact.
    expect(ownReport.sources.map((x) => x.verdict)).to.deep.equal(['exact', 'exact']);
    const naive = runCli(['verify', 'orig.yaml', '--against', 'naive', '-o', 'json'], { cwd: base });
    expect(naive.status).to.equal(1);
    const report = JSON.parse(naive.stdout) as { sources: Array<{ name: string; verdict: string; witnesses: { wider: string[] } }> };
    const allow = report.sources.find((x) => x.name === 'allow-prod')!;
    expect(allow.verdict).to.equal('wider');
    expect(allow.witnesses.wider.some((w) => /Pod with labels \{role=bad\} in namespace prod could not connect .* of pods \{app=web\} in namespace prod before, can after/.test(w))).to.equal(true);
  });
});
