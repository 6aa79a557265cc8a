/**
 * `netpol-migrate collect`: writes the cluster inventory `--cluster-state` reads (Namespaces, Pods, Services, Nodes)
 * and every Calico, Cilium and native policy kind the cluster serves, by running `kubectl get` (issue #5). Nothing
 * is written unless every call succeeds; files are written atomically.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Argv } from 'yargs';
import { parse } from 'yaml';
import { writeAtomic, WriteError } from '../../io/write.js';
import { UsageError } from '../usage.js';

interface CollectArgs {
  'out-dir': string;
  context?: string;
  kubectl: string;
}

/** Inventory kinds, as `kubectl get` resources: all namespaces where namespaced. */
const INVENTORY: ReadonlyArray<{ resource: string; namespaced: boolean }> = [
  { resource: 'namespaces', namespaced: false },
  { resource: 'pods', namespaced: true },
  { resource: 'services', namespaced: true },
  { resource: 'nodes', namespaced: false },
  // Their labels resolve Calico `serviceAccounts.selector` (pipeline/resolve-inventory.ts).
  { resource: 'serviceaccounts', namespaced: true },
];

/**
 * Policy kinds, fully qualified. Calico's projectcalico.org kinds are served by its API server (or, from 3.32, native
 * v3 CRDs); crd.projectcalico.org holds the same objects in storage form, so it is read only when the former is absent.
 */
const POLICY_RESOURCES = [
  'networkpolicies.networking.k8s.io',
  'tiers.projectcalico.org',
  'networkpolicies.projectcalico.org',
  'globalnetworkpolicies.projectcalico.org',
  'stagednetworkpolicies.projectcalico.org',
  'stagedglobalnetworkpolicies.projectcalico.org',
  'stagedkubernetesnetworkpolicies.projectcalico.org',
  'networksets.projectcalico.org',
  'globalnetworksets.projectcalico.org',
  'ciliumnetworkpolicies.cilium.io',
  'ciliumclusterwidenetworkpolicies.cilium.io',
  'ciliumcidrgroups.cilium.io',
];
const CALICO_STORAGE = ['tiers', 'networkpolicies', 'globalnetworkpolicies', 'networksets', 'globalnetworksets'].map((r) => `${r}.crd.projectcalico.org`);

export function collectCommand(y: Argv): Argv {
  return y.command<CollectArgs>(
    'collect',
    'write the cluster state (namespaces, pods, services, nodes, service accounts) and every policy the cluster has, with kubectl',
    (b) =>
      b
        .option('out-dir', { type: 'string', demandOption: true, describe: 'directory to write cluster-state.yaml and policies/<resource>.yaml to' })
        .option('context', { type: 'string', describe: 'kubectl context to use (default: the current context)' })
        .option('kubectl', { type: 'string', default: 'kubectl', describe: 'the kubectl binary to run' })
        .example('$0 collect --out-dir snapshot/', 'then: $0 report snapshot/policies --cluster-state snapshot/cluster-state.yaml') as unknown as Argv<CollectArgs>,
    (a) => {
      process.exitCode = runCollect(a);
    },
  );
}

class Kubectl {
  constructor(
    private readonly bin: string,
    private readonly context: string | undefined,
  ) {}

  run(args: string[]): { ok: boolean; stdout: string; stderr: string } {
    const full = this.context ? ['--context', this.context, ...args] : args;
    const r = spawnSync(this.bin, full, { encoding: 'utf8', maxBuffer: 1024 * 1024 * 1024 });
    if (r.error) {
      const code = (r.error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') throw new UsageError(`collect: ${this.bin} not found on PATH; install kubectl or pass --kubectl PATH`);
      throw new UsageError(`collect: cannot run ${this.bin}: ${r.error.message}`);
    }
    return { ok: r.status === 0, stdout: r.stdout, stderr: r.stderr.trim() };
  }
}

export function runCollect(a: CollectArgs): number {
  const k = new Kubectl(a.kubectl, a.context);
  const ctx = a.context ? k.run(['config', 'get-contexts', a.context, '-o', 'name']) : k.run(['config', 'current-context']);
  if (!ctx.ok || ctx.stdout.trim() === '') {
    throw new UsageError(a.context ? `collect: kubectl has no context "${a.context}" (${ctx.stderr || 'not found'})` : `collect: kubectl has no current context (${ctx.stderr || 'none set'}); set one with \`kubectl config use-context\` or pass --context`);
  }
  const context = a.context ?? ctx.stdout.trim();
  const served = k.run(['api-resources', '-o', 'name']);
  if (!served.ok) throw new UsageError(`collect: cannot reach the cluster of context "${context}": ${served.stderr}`);
  const names = new Set(served.stdout.split('\n').map((s) => s.trim()).filter((s) => s !== ''));
  // Core kinds are listed without a group ("pods"); networking.k8s.io ones with it.
  const has = (r: string) => names.has(r) || names.has(r.replace(/\.networking\.k8s\.io$/, ''));
  const get = (resource: string, namespaced: boolean): string => {
    const r = k.run(['get', resource, ...(namespaced ? ['--all-namespaces'] : []), '-o', 'yaml']);
    if (!r.ok) throw new UsageError(`collect: kubectl get ${resource} failed: ${r.stderr}`);
    return r.stdout;
  };
  const countOf = (text: string): number => {
    const doc = parse(text) as { items?: unknown[] } | null;
    return Array.isArray(doc?.items) ? doc.items.length : 0;
  };

  const inventory: string[] = [];
  const counts: string[] = [];
  for (const { resource, namespaced } of INVENTORY) {
    const text = get(resource, namespaced);
    inventory.push(text.trimEnd());
    counts.push(`${countOf(text)} ${resource}`);
  }
  const calicoApi = POLICY_RESOURCES.some((r) => r.endsWith('.projectcalico.org') && names.has(r));
  const policyResources = [...POLICY_RESOURCES, ...(calicoApi ? [] : CALICO_STORAGE)].filter(has);
  const policies: Array<{ resource: string; text: string; count: number }> = [];
  for (const resource of policyResources) {
    const namespaced = !/^(tiers|globalnetworkpolicies|stagedglobalnetworkpolicies|globalnetworksets|ciliumclusterwidenetworkpolicies|ciliumcidrgroups)\./.test(resource);
    const text = get(resource, namespaced);
    // Written even when empty, so that a file left by an earlier collect never stands for objects that are gone.
    policies.push({ resource, text, count: countOf(text) });
  }
  try {
    mkdirSync(join(a['out-dir'], 'policies'), { recursive: true });
    writeAtomic(join(a['out-dir'], 'cluster-state.yaml'), `# netpol-migrate collect: context ${context}\n${inventory.map((t) => (t.startsWith('---') ? t : `---\n${t}`)).join('\n')}\n`);
    for (const p of policies) writeAtomic(join(a['out-dir'], 'policies', `${p.resource}.yaml`), p.text.endsWith('\n') ? p.text : `${p.text}\n`);
  } catch (e) {
    if (e instanceof WriteError || (e as NodeJS.ErrnoException).code) throw new UsageError(`collect: cannot write ${a['out-dir']}: ${(e as Error).message}`);
    throw e;
  }
  process.stderr.write(
    `collected from context ${context}: ${counts.join(', ')}; ${policies.some((p) => p.count > 0) ? policies.filter((p) => p.count > 0).map((p) => `${p.count} ${p.resource}`).join(', ') : 'no policies'}\n` +
      `next: netpol-migrate report ${join(a['out-dir'], 'policies')} --cluster-state ${join(a['out-dir'], 'cluster-state.yaml')}\n`,
  );
  return 0;
}
