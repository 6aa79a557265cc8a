/**
 * Writes outputs: one NetworkPolicy per file at `DIR/<namespace>/<name>.yaml` plus `DIR/kustomization.yaml`, each
 * through a temporary file and a rename so that nothing is ever half-written; names can never leave DIR.
 */
import { mkdirSync, realpathSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { stringify } from 'yaml';
import { outputNamespace, type OutputPolicy } from '../pipeline/types.js';

/** Directory of cluster-scoped outputs: not a valid namespace name, so it never meets a namespace's directory. */
export const CLUSTER_DIR = '_cluster';

const SAFE = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

export class WriteError extends Error {}

export function writeAtomic(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}-${Date.now()}`;
  try {
    writeFileSync(tmp, text, { encoding: 'utf8', flag: 'wx' });
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

export function policyYaml(p: OutputPolicy): string {
  return stringify(p, { lineWidth: 0 });
}

/** Refuses a target that is one of the input files (nothing the tool reads is ever overwritten). */
export function assertNotInput(target: string, inputs: ReadonlySet<string>): void {
  let real = resolve(target);
  try {
    real = realpathSync(target);
  } catch {
    // does not exist yet: cannot be an input
  }
  if (inputs.has(real)) throw new WriteError(`refusing to overwrite the input file ${target}; choose another output location`);
}

/** Returns the written paths, relative to DIR. Every target is checked before anything is written. */
export function writeOutDir(dir: string, policies: OutputPolicy[], inputs: ReadonlySet<string> = new Set()): string[] {
  const root = resolve(dir);
  for (const p of policies) assertNotInput(resolve(root, outputNamespace(p) || CLUSTER_DIR, `${p.metadata.name}.yaml`), inputs);
  assertNotInput(join(root, 'kustomization.yaml'), inputs);
  try {
    mkdirSync(root, { recursive: true });
  } catch (e) {
    throw new WriteError(`cannot create --out-dir ${dir}: ${(e as Error).message}`);
  }
  const written: string[] = [];
  for (const p of policies) {
    const name = p.metadata.name;
    const namespace = outputNamespace(p) || CLUSTER_DIR;
    if (!(SAFE.test(namespace) || namespace === CLUSTER_DIR) || !SAFE.test(name) || name.includes('..') || namespace.includes('..')) {
      throw new WriteError(`refusing to write ${namespace}/${name}: not a valid Kubernetes name`);
    }
    const target = resolve(root, namespace, `${name}.yaml`);
    if (!target.startsWith(root + sep)) throw new WriteError(`refusing to write outside --out-dir: ${target}`);
    try {
      writeAtomic(target, policyYaml(p));
    } catch (e) {
      throw new WriteError(`cannot write ${target}: ${(e as Error).message}`);
    }
    written.push(relative(root, target).split(sep).join('/'));
  }
  const kustomization = stringify({ apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources: [...written].sort() });
  try {
    writeAtomic(join(root, 'kustomization.yaml'), kustomization);
  } catch (e) {
    throw new WriteError(`cannot write ${join(root, 'kustomization.yaml')}: ${(e as Error).message}`);
  }
  return written;
}
