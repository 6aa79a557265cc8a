/**
 * The cluster-inventory side of the CLI (issue #5): `collect` against a fake kubectl that prints recorded output,
 * `--cluster-state` (fan-out by namespace labels, the verifier over the cluster's namespaces only) and
 * `--include-staged`.
 */
import { expect } from 'chai';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { removeTempDirs, ROOT, runCli, tempDir, writeTree } from '../helpers/cli.js';

const FAKE = join(ROOT, 'test', 'fixtures', 'kubectl');

/** A PATH with a `kubectl` that runs the fake, and node itself. */
function fakePath(): string {
  const bin = tempDir('fake-kubectl-');
  const script = join(bin, 'kubectl');
  writeFileSync(script, `#!/bin/sh\nexec "${process.execPath}" "${join(FAKE, 'kubectl.mjs')}" "$@"\n`);
  chmodSync(script, 0o755);
  return `${bin}:${dirname(process.execPath)}:/usr/bin:/bin`;
}

const GNP = `apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata: {name: team-a-ingress}
spec:
  namespaceSelector: team == 'a'
  selector: all()
  types: [Ingress]
  ingress:
    - action: Deny
      source: {namespaceSelector: pci != 'true', selector: app == 'untrusted'}
    - action: Allow
      source: {namespaceSelector: "team in {'a', 'platform'}"}
`;

describe('CLI: collect', () => {
  after(removeTempDirs);

  it('writes the cluster state and every served policy kind through kubectl; report reads them back', () => {
    const out = join(tempDir(), 'snapshot');
    const log = join(tempDir(), 'calls.log');
    const r = runCli(['collect', '--out-dir', out], { env: { PATH: fakePath(), FAKE_KUBECTL_LOG: log } });
    expect(r.status, r.stderr).to.equal(0);
    expect(r.stderr).to.contain('collected from context test-cluster: 3 namespaces, 1 pods, 1 services, 1 nodes, 1 serviceaccounts; 1 globalnetworkpolicies.projectcalico.org');
    const state = parseAllDocuments(readFileSync(join(out, 'cluster-state.yaml'), 'utf8')).map((d) => d.toJS() as { kind: string; items: unknown[] });
    expect(state.map((d) => d.kind)).to.deep.equal(['List', 'List', 'List', 'List', 'List']);
    expect(existsSync(join(out, 'policies', 'globalnetworkpolicies.projectcalico.org.yaml'))).to.equal(true);
    // The Calico API group is served, so its storage CRDs (the same objects) are not read.
    expect(existsSync(join(out, 'policies', 'networkpolicies.crd.projectcalico.org.yaml'))).to.equal(false);
    const calls = readFileSync(log, 'utf8');
    expect(calls).to.contain('get pods --all-namespaces -o yaml');
    expect(calls).to.contain('get namespaces -o yaml');
    expect(calls).not.to.contain('crd.projectcalico.org');

    const rep = runCli(['report', join(out, 'policies'), '--cluster-state', join(out, 'cluster-state.yaml'), '-o', 'json']);
    expect(rep.status, rep.stderr).to.equal(0);
    const report = JSON.parse(rep.stdout) as { sources: Array<{ name: string; verdict: string; outputs: string[] }>; wholeSet: { verdict: string } };
    expect(report.sources[0]).to.include({ name: 'team-a-ingress', verdict: 'exact' });
    expect(report.sources[0]!.outputs).to.deep.equal(['payments/team-a-ingress', 'shop/team-a-ingress']);
  });

  it('passes --context to every kubectl call', () => {
    const log = join(tempDir(), 'calls.log');
    const r = runCli(['collect', '--out-dir', join(tempDir(), 's'), '--context', 'test-cluster'], { env: { PATH: fakePath(), FAKE_KUBECTL_LOG: log, FAKE_KUBECTL_CONTEXT: '' } });
    expect(r.status, r.stderr).to.equal(0);
    const calls = readFileSync(log, 'utf8').trim().split('\n');
    expect(calls.every((c) => c.startsWith('--context test-cluster '))).to.equal(true);
  });

  it('says so clearly when kubectl is missing or has no context (exit 2, nothing written)', () => {
    const out = join(tempDir(), 'none');
    // The CLI runs as an absolute node path, so a PATH of one empty directory has no kubectl at all.
    const missing = runCli(['collect', '--out-dir', out], { env: { PATH: tempDir('empty-') } });
    expect(missing.status).to.equal(2);
    expect(missing.stderr).to.match(/kubectl not found on PATH; install kubectl or pass --kubectl PATH/);
    const noCtx = runCli(['collect', '--out-dir', out], { env: { PATH: fakePath(), FAKE_KUBECTL_CONTEXT: '' } });
    expect(noCtx.status).to.equal(2);
    expect(noCtx.stderr).to.match(/kubectl has no current context \(error: current-context is not set\)/);
    const badCtx = runCli(['collect', '--out-dir', out, '--context', 'nope'], { env: { PATH: fakePath() } });
    expect(badCtx.status).to.equal(2);
    expect(existsSync(out)).to.equal(false);
  });
});

describe('CLI: --cluster-state', () => {
  after(removeTempDirs);

  it('fans a cluster-wide policy out by namespace labels and verifies over the cluster\'s namespaces', () => {
    const dir = writeTree(tempDir(), { 'gnp.yaml': GNP });
    const without = runCli(['report', join(dir, 'gnp.yaml'), '-o', 'json']);
    expect((JSON.parse(without.stdout) as { sources: Array<{ status: string }> }).sources[0]!.status).to.equal('skipped');
    const r = runCli(['convert', join(dir, 'gnp.yaml'), '--cluster-state', join(FAKE, 'namespaces.yaml'), '-o', 'json']);
    expect(r.status, r.stderr).to.equal(0);
    const list = JSON.parse(r.stdout) as { items: Array<{ metadata: { namespace: string } }> };
    expect(list.items.map((p) => p.metadata.namespace)).to.deep.equal(['payments', 'shop']);
    expect(r.stderr).to.contain('verdicts: exact 1, narrower 0, wider 0');
  });

  it('a state without Namespaces, or that cannot be read, is a usage error with its place', () => {
    const dir = writeTree(tempDir(), { 'gnp.yaml': GNP, 'bad.yaml': 'kind: [', 'pods.yaml': readFileSync(join(FAKE, 'pods.yaml'), 'utf8') });
    const noNs = runCli(['report', join(dir, 'gnp.yaml'), '--cluster-state', join(dir, 'pods.yaml')]);
    expect(noNs.status).to.equal(2);
    expect(noNs.stderr).to.contain('no Namespace objects');
    const bad = runCli(['report', join(dir, 'gnp.yaml'), '--cluster-state', join(dir, 'bad.yaml')]);
    expect(bad.status).to.equal(2);
    expect(bad.stderr).to.match(/--cluster-state: .*bad\.yaml:1:\d+: /);
  });
});

describe('CLI: --include-staged', () => {
  after(removeTempDirs);

  const STAGED = `apiVersion: projectcalico.org/v3
kind: NetworkPolicy
metadata: {name: cart, namespace: shop}
spec:
  selector: app == 'cart'
  types: [Ingress]
  ingress: [{action: Allow}]
---
apiVersion: projectcalico.org/v3
kind: StagedNetworkPolicy
metadata: {name: cart, namespace: shop}
spec:
  selector: app == 'cart'
  types: [Ingress]
  ingress: [{action: Allow, source: {selector: app == 'frontend'}}]
---
apiVersion: projectcalico.org/v3
kind: StagedKubernetesNetworkPolicy
metadata: {name: db, namespace: shop}
spec:
  podSelector: {matchLabels: {app: db}}
  policyTypes: [Ingress]
  ingress: [{from: [{podSelector: {matchLabels: {app: cart}}}]}]
`;

  it('skips staged policies by default and previews them as enforced with the flag', () => {
    const dir = writeTree(tempDir(), { 'p.yaml': STAGED });
    const plain = JSON.parse(runCli(['convert', join(dir, 'p.yaml'), '-o', 'json']).stdout) as { items: Array<{ metadata: { name: string }; spec: { ingress?: unknown[] } }> };
    expect(plain.items.map((p) => p.metadata.name)).to.deep.equal(['cart']);
    expect(plain.items[0]!.spec.ingress).to.deep.equal([{}]);
    const r = runCli(['convert', join(dir, 'p.yaml'), '--include-staged', '-o', 'json']);
    expect(r.status, r.stderr).to.equal(0);
    const preview = JSON.parse(r.stdout) as typeof plain;
    expect(preview.items.map((p) => p.metadata.name)).to.deep.equal(['cart', 'db']);
    // The staged version replaces the enforced one of the same name.
    expect(preview.items[0]!.spec.ingress).to.deep.equal([{ from: [{ podSelector: { matchLabels: { app: 'frontend' } } }] }]);
    expect(r.stderr).to.contain('replaced by the staged StagedNetworkPolicy shop/cart');
  });
});
