/**
 * The upstream e2e NetworkPolicy truth tables (k8s-netpol-semantics §3.3) through the concrete native evaluator.
 */
import { expect } from 'chai';
import fs from 'node:fs';
import type { ModelPolicy, Protocol } from '../../src/model/policy.js';
import type { Cluster, ClusterPod } from '../../src/verify/cluster.js';
import { evaluateConnection } from '../../src/verify/concrete.js';
import { lower } from '../fixtures/verify-lower.js';

interface Action {
  op: string;
  policy?: { metadata: { name: string; namespace: string } };
  namespace?: string;
  key?: string;
  value?: string;
  pod?: string;
  labels?: Record<string, string>;
}
interface Probe {
  port: number;
  protocol: Protocol;
  denied: string[];
}
interface Case {
  id: number;
  name: string;
  serverProtocols: Protocol[];
  serverPorts: number[];
  steps: Array<{ actions: Action[]; probes: Probe[] }>;
}

const data = JSON.parse(fs.readFileSync(new URL('../../../test/fixtures/verify-e2e-cases.json', import.meta.url), 'utf8')) as { cases: Case[] };

const NAMESPACES = ['x', 'y', 'z'];
const PODS = ['a', 'b', 'c'];

function podIp(ns: string, pod: string): string {
  return `10.0.${NAMESPACES.indexOf(ns) + 1}.${PODS.indexOf(pod) + 1}`;
}

function substitute(text: string): string {
  return text
    .replace(/\$\{podIP:(\w)\/(\w)\}/g, (_, ns: string, pod: string) => podIp(ns, pod))
    .replace(/\$\{hostMask\}/g, '32')
    .replace(/\$\{slash4Network:\w\/\w\}/g, '0.0.0.0/4'); // every pod IP is in 10.0.0.0/16 ⊂ 0.0.0.0/4
}

function initialCluster(c: Case): Cluster {
  const pods: ClusterPod[] = [];
  for (const ns of NAMESPACES) {
    for (const pod of PODS) {
      pods.push({
        namespace: ns,
        name: pod,
        labels: { pod },
        ip: podIp(ns, pod),
        ports: c.serverPorts.flatMap((port) => c.serverProtocols.map((protocol) => ({ name: `serve-${port}-${protocol.toLowerCase()}`, port, protocol }))),
      });
    }
  }
  return { namespaces: NAMESPACES.map((name) => ({ name, labels: { 'kubernetes.io/metadata.name': name } })), pods };
}

describe('verify: upstream e2e truth tables (native concrete evaluator)', () => {
  it('has the 48 cases', () => expect(data.cases).to.have.length(48));
  for (const c of data.cases) {
    it(`case ${c.id}: ${c.name} [${c.serverProtocols.join(',')}]`, () => {
      const cluster = initialCluster(c);
      const objects = new Map<string, object>();
      c.steps.forEach((step, stepIndex) => {
        for (const a of step.actions) {
          switch (a.op) {
            case 'create':
            case 'update': {
              const p = JSON.parse(substitute(JSON.stringify(a.policy))) as { metadata: { name: string; namespace: string } };
              objects.set(`${p.metadata.namespace}/${p.metadata.name}`, p);
              break;
            }
            case 'deleteAllPolicies':
              objects.clear();
              break;
            case 'addNamespaceLabel': {
              const ns = cluster.namespaces.find((n) => n.name === a.namespace)!;
              ns.labels[a.key!] = a.value!;
              break;
            }
            case 'setPodLabels':
            case 'addPodLabels': {
              const [ns, name] = a.pod!.split('/');
              const pod = cluster.pods.find((p) => p.namespace === ns && p.name === name)!;
              pod.labels = a.op === 'setPodLabels' ? { ...a.labels } : { ...pod.labels, ...a.labels };
              break;
            }
            default:
              throw new Error(`unknown op ${a.op}`);
          }
        }
        const policies: ModelPolicy[] = [...objects.values()].flatMap((o) => lower(o));
        for (const probe of step.probes) {
          const denied: string[] = [];
          for (const from of cluster.pods) {
            for (const to of cluster.pods) {
              if (from === to) continue;
              const v = evaluateConnection(policies, cluster, {
                from: { pod: `${from.namespace}/${from.name}` },
                to: { pod: `${to.namespace}/${to.name}` },
                protocol: probe.protocol,
                port: probe.port,
              });
              expect(v, `${from.namespace}/${from.name}->${to.namespace}/${to.name}`).to.not.equal('unknown');
              if (v === 'deny') denied.push(`${from.namespace}/${from.name}->${to.namespace}/${to.name}`);
            }
          }
          expect(denied.sort(), `step ${stepIndex} ${probe.protocol}/${probe.port}`).to.deep.equal([...probe.denied].sort());
        }
      });
    });
  }
});
