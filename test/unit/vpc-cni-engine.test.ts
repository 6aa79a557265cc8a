/**
 * The VPC CNI engine's order for AWS ClusterNetworkPolicy + NetworkPolicy (vpc-cni-target §2; node agent:
 * trie values `priority*10 + action`, lowest wins; Admin → NetworkPolicy tier → Baseline only for pods no
 * NetworkPolicy selects → allow; a ClusterNetworkPolicy never isolates), as the verifier evaluates it: each case is
 * derived by hand from those rules and checked with the concrete evaluator and the symbolic engine.
 */
import { expect } from 'chai';
import { parse } from 'yaml';
import type { OutputPolicy } from '../../src/pipeline/types.js';
import { lowerOutput } from '../../src/pipeline/verify.js';
import type { Cluster, Connection, Verdict } from '../../src/verify/cluster.js';
import { evaluateConnection } from '../../src/verify/concrete.js';
import { Analysis, Cells, makeSpace, mentionedNamespaces, symbolicVerdict } from '../../src/verify/symbolic.js';

const cluster: Cluster = {
  namespaces: [
    { name: 'prod', labels: { env: 'prod' } },
    { name: 'dev', labels: {} },
  ],
  pods: [
    { namespace: 'prod', name: 'web', labels: { app: 'web' }, ip: '10.0.0.1' },
    { namespace: 'prod', name: 'db', labels: { app: 'db' }, ip: '10.0.0.2' },
    { namespace: 'dev', name: 'tool', labels: { app: 'tool' }, ip: '10.0.1.1' },
  ],
};

const cnp = (name: string, spec: string) => `apiVersion: networking.k8s.aws/v1alpha1
kind: ClusterNetworkPolicy
metadata: {name: ${name}}
spec:
${spec.trim().split('\n').map((l) => '  ' + l).join('\n')}
`;
const knp = (name: string, spec: string) => `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: ${name}, namespace: prod}
spec:
${spec.trim().split('\n').map((l) => '  ' + l).join('\n')}
`;

const DB = `subject: {pods: {namespaceSelector: {matchLabels: {env: prod}}, podSelector: {matchLabels: {app: db}}}}`;
const FROM_WEB = `from: [{pods: {namespaceSelector: {}, podSelector: {matchLabels: {app: web}}}}]`;
const FROM_ALL_PODS = `from: [{namespaces: {}}]`;

type Probe = [from: string, to: string, verdict: Verdict, port?: number];
const cases: Array<{ name: string; docs: string[]; probes: Probe[] }> = [
  {
    name: 'same priority, one policy: Deny beats Accept whatever the rule order',
    docs: [cnp('a', `tier: Admin\npriority: 10\n${DB}\ningress:\n- {action: Accept, ${FROM_ALL_PODS}}\n- {action: Deny, ${FROM_WEB}}`)],
    probes: [
      ['prod/web', 'prod/db', 'deny'],
      ['dev/tool', 'prod/db', 'allow'],
    ],
  },
  {
    name: 'same priority, two policies: Deny beats Accept whatever the names',
    docs: [cnp('a-accept', `tier: Admin\npriority: 10\n${DB}\ningress:\n- {action: Accept, ${FROM_ALL_PODS}}`), cnp('z-deny', `tier: Admin\npriority: 10\n${DB}\ningress:\n- {action: Deny, ${FROM_WEB}}`)],
    probes: [['prod/web', 'prod/db', 'deny']],
  },
  {
    name: 'the lower priority wins: an Accept at 5 beats a Deny at 10',
    docs: [cnp('accept', `tier: Admin\npriority: 5\n${DB}\ningress:\n- {action: Accept, ${FROM_WEB}}`), cnp('deny', `tier: Admin\npriority: 10\n${DB}\ningress:\n- {action: Deny, ${FROM_ALL_PODS}}`)],
    probes: [
      ['prod/web', 'prod/db', 'allow'],
      ['dev/tool', 'prod/db', 'deny'],
    ],
  },
  {
    name: 'an Admin Accept is final: a NetworkPolicy that isolates the pod does not deny it',
    docs: [cnp('accept', `tier: Admin\npriority: 1\n${DB}\ningress:\n- {action: Accept, ${FROM_WEB}}`), knp('iso', `podSelector: {matchLabels: {app: db}}\npolicyTypes: [Ingress]`)],
    probes: [
      ['prod/web', 'prod/db', 'allow'],
      ['dev/tool', 'prod/db', 'deny'],
    ],
  },
  {
    name: 'Pass skips the rest of the Admin tier: the NetworkPolicy tier decides',
    docs: [
      cnp('pass', `tier: Admin\npriority: 1\n${DB}\ningress:\n- {action: Pass, ${FROM_WEB}}`),
      cnp('deny', `tier: Admin\npriority: 2\n${DB}\ningress:\n- {action: Deny, ${FROM_ALL_PODS}}`),
      knp('allow-web', `podSelector: {matchLabels: {app: db}}\npolicyTypes: [Ingress]\ningress:\n- from: [{podSelector: {matchLabels: {app: web}}}]`),
    ],
    probes: [
      ['prod/web', 'prod/db', 'allow'],
      ['dev/tool', 'prod/db', 'deny'],
    ],
  },
  {
    name: 'a ClusterNetworkPolicy never isolates: what no rule matches is allowed without NetworkPolicies',
    docs: [cnp('deny-web', `tier: Admin\npriority: 1\n${DB}\ningress:\n- {action: Deny, ${FROM_WEB}}`)],
    probes: [
      ['prod/web', 'prod/db', 'deny'],
      ['dev/tool', 'prod/db', 'allow'],
    ],
  },
  {
    name: 'Baseline applies only to pods no NetworkPolicy selects',
    docs: [
      cnp('base', `tier: Baseline\npriority: 1\nsubject: {namespaces: {}}\ningress:\n- {action: Deny, ${FROM_ALL_PODS}}`),
      knp('allow-tool', `podSelector: {matchLabels: {app: db}}\npolicyTypes: [Ingress]\ningress:\n- from: [{namespaceSelector: {}}]`),
    ],
    probes: [
      ['dev/tool', 'prod/db', 'allow'],
      ['prod/db', 'prod/web', 'deny'],
    ],
  },
  {
    name: 'networks match pods by address, ports select the destination port',
    docs: [cnp('deny-net', `tier: Admin\npriority: 1\nsubject: {namespaces: {matchLabels: {env: prod}}}\negress:\n- action: Deny\n  to: [{networks: [10.0.1.0/24]}]\n  ports: [{portNumber: {protocol: TCP, port: 5432}}]`)],
    probes: [
      ['prod/web', 'dev/tool', 'deny', 5432],
      ['prod/web', 'dev/tool', 'allow', 80],
      ['prod/web', 'prod/db', 'allow', 5432],
    ],
  },
];

function modelsOf(docs: string[]) {
  return docs.flatMap((d) => lowerOutput(parse(d) as OutputPolicy));
}

describe('verify: the VPC CNI engine order (ClusterNetworkPolicy + NetworkPolicy)', () => {
  for (const c of cases) {
    it(c.name, () => {
      const policies = modelsOf(c.docs);
      const space = makeSpace();
      const sets = new Analysis(space, new Cells(space, mentionedNamespaces(policies)), [policies]);
      for (const [from, to, verdict, port] of c.probes) {
        const conn: Connection = { from: { pod: from }, to: { pod: to }, protocol: 'TCP', port: port ?? 5432 };
        expect(evaluateConnection(policies, cluster, conn), `${from} -> ${to}`).to.equal(verdict);
        expect(symbolicVerdict(sets, cluster, conn), `symbolic ${from} -> ${to}`).to.equal(verdict);
      }
    });
  }
});
