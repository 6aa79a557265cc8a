/**
 * Calico evaluation order (calico-semantics §3.1, §3.3) through the concrete evaluator, and the symbolic engine's
 * classification of the same connections.
 */
import { expect } from 'chai';
import type { TierInfo } from '../../src/calico/lower.js';
import type { Cluster, Connection, Verdict } from '../../src/verify/cluster.js';
import { evaluateConnection } from '../../src/verify/concrete.js';
import { Analysis, Cells, makeSpace, mentionedNamespaces, symbolicVerdict } from '../../src/verify/symbolic.js';
import { lower } from '../fixtures/verify-lower.js';

const cluster: Cluster = {
  namespaces: [
    { name: 'prod', labels: { team: 'a' } },
    { name: 'dev', labels: {} },
  ],
  pods: [
    { namespace: 'prod', name: 'web', labels: { app: 'web' }, ip: '10.0.0.1' },
    { namespace: 'prod', name: 'db', labels: { app: 'db' }, ip: '10.0.0.2', ports: [{ name: 'pg', port: 5432, protocol: 'TCP' }] },
    { namespace: 'prod', name: 'lb', labels: { app: 'lb' }, ip: '10.0.0.3' },
    { namespace: 'dev', name: 'web', labels: { app: 'web' }, ip: '10.0.1.1' },
  ],
};

const np = (name: string, spec: string, ns = 'prod') => `apiVersion: projectcalico.org/v3
kind: NetworkPolicy
metadata: {name: ${name}, namespace: ${ns}}
spec:
${spec
  .trim()
  .split('\n')
  .map((l) => '  ' + l)
  .join('\n')}
`;
const gnp = (name: string, spec: string) => np(name, spec).replace('kind: NetworkPolicy', 'kind: GlobalNetworkPolicy').replace(/, namespace: \w+/, '');
const knp = (name: string, spec: string) => np(name, spec).replace('projectcalico.org/v3', 'networking.k8s.io/v1');

type Probe = [from: string, to: string, verdict: Verdict, port?: number];
interface Case {
  name: string;
  docs: string[];
  tiers?: Record<string, TierInfo>;
  probes: Probe[];
}

const DENY_WEB = `selector: app == 'db'
ingress:
- action: Deny
  source: {selector: app == 'web'}`;
const ALLOW_ALL = `selector: app == 'db'
ingress:
- action: Allow`;

const cases: Case[] = [
  {
    name: 'lower order first: a Deny at order 100 beats an Allow at order 200',
    docs: [np('deny-web', `order: 100\n${DENY_WEB}`), np('allow-all', `order: 200\n${ALLOW_ALL}`)],
    probes: [
      ['prod/web', 'prod/db', 'deny'],
      ['prod/lb', 'prod/db', 'allow'],
    ],
  },
  {
    name: 'lower order first: an Allow at order 100 beats a Deny at order 200',
    docs: [np('deny-web', `order: 200\n${DENY_WEB}`), np('allow-all', `order: 100\n${ALLOW_ALL}`)],
    probes: [['prod/web', 'prod/db', 'allow']],
  },
  {
    name: 'equal order: the tie key (name/namespace/kind) decides',
    docs: [np('a-allow', `order: 100\n${ALLOW_ALL}`), np('b-deny', `order: 100\n${DENY_WEB}`)],
    probes: [['prod/web', 'prod/db', 'allow']],
  },
  {
    name: 'equal order, other names: the deny sorts first',
    docs: [np('z-allow', `order: 100\n${ALLOW_ALL}`), np('b-deny', `order: 100\n${DENY_WEB}`)],
    probes: [['prod/web', 'prod/db', 'deny']],
  },
  {
    name: 'a missing order is +infinity: after every numbered policy',
    docs: [np('deny-web', DENY_WEB), np('allow-all', `order: 5000\n${ALLOW_ALL}`)],
    probes: [['prod/web', 'prod/db', 'allow']],
  },
  {
    name: 'rules run in order inside a policy: first match wins',
    docs: [np('p', `selector: app == 'db'\ningress:\n- action: Allow\n  source: {selector: app == 'web'}\n- action: Deny`)],
    probes: [
      ['prod/web', 'prod/db', 'allow'],
      ['prod/lb', 'prod/db', 'deny'],
      ['dev/web', 'prod/db', 'deny'],
    ],
  },
  {
    name: 'Pass leaves the tier; the default tier then decides',
    tiers: { security: { order: 100, defaultAction: 'Deny' } },
    docs: [
      gnp('sec', `tier: security\nselector: app == 'db'\ningress:\n- action: Pass\n  source: {selector: app == 'web'}`),
      np('allow-prod-web', `selector: app == 'db'\ningress:\n- action: Allow\n  source: {selector: app == 'web'}`),
    ],
    probes: [
      ['prod/web', 'prod/db', 'allow'],
      ['dev/web', 'prod/db', 'deny'], // passed, then the default tier selects db and nothing allows dev/web
      ['prod/lb', 'prod/db', 'deny'], // end of the security tier
    ],
  },
  {
    name: 'Pass out of the last applicable tier allows',
    tiers: { security: { order: 100, defaultAction: 'Deny' } },
    docs: [gnp('sec', `tier: security\nselector: app == 'db'\ningress:\n- action: Pass\n  source: {selector: app == 'web'}`)],
    probes: [
      ['dev/web', 'prod/db', 'allow'],
      ['prod/lb', 'prod/db', 'deny'],
    ],
  },
  {
    name: 'the end of a tier that selected the pod denies, whatever later tiers say',
    tiers: { security: { order: 100, defaultAction: 'Deny' } },
    docs: [gnp('sec', `tier: security\nselector: app == 'db'\ningress:\n- action: Allow\n  source: {selector: app == 'lb'}`), np('allow-all', ALLOW_ALL)],
    probes: [
      ['prod/web', 'prod/db', 'deny'],
      ['prod/lb', 'prod/db', 'allow'],
    ],
  },
  {
    name: 'a tier whose default action is Pass goes on to the next tier',
    tiers: { security: { order: 100, defaultAction: 'Pass' } },
    docs: [gnp('sec', `tier: security\nselector: app == 'db'\ningress:\n- action: Allow\n  source: {selector: app == 'lb'}`), np('deny-web', DENY_WEB)],
    probes: [
      ['prod/web', 'prod/db', 'deny'],
      ['prod/lb', 'prod/db', 'allow'],
      ['dev/web', 'prod/db', 'deny'], // default tier selected db: end of tier
    ],
  },
  {
    name: 'Log does not decide',
    docs: [np('log', `order: 10\nselector: app == 'db'\ningress:\n- action: Log\n- action: Deny\n  source: {selector: app == 'web'}`), np('allow-all', `order: 20\n${ALLOW_ALL}`)],
    probes: [
      ['prod/web', 'prod/db', 'deny'],
      ['prod/lb', 'prod/db', 'allow'],
    ],
  },
  {
    name: 'native policies run in the default tier at order 1000',
    docs: [
      knp('native-allow-web', `podSelector: {matchLabels: {app: db}}\npolicyTypes: [Ingress]\ningress:\n- from: [{podSelector: {matchLabels: {app: web}}}]`),
      np('deny-web', `order: 100\n${DENY_WEB}`),
      np('allow-lb-late', `order: 2000\nselector: app == 'db'\ningress:\n- action: Allow\n  source: {selector: app == 'lb'}`),
    ],
    probes: [
      ['prod/web', 'prod/db', 'deny'], // the Calico deny at order 100 comes first
      ['prod/lb', 'prod/db', 'allow'], // the native policy does not match, the order-2000 Allow does
      ['dev/web', 'prod/db', 'deny'], // end of the default tier
    ],
  },
  {
    name: 'an egress-only Calico policy (types defaulted to [Egress]) leaves ingress open',
    docs: [np('eg', `selector: app == 'db'\negress:\n- action: Allow\n  destination: {selector: app == 'lb'}`)],
    probes: [
      ['prod/web', 'prod/db', 'allow'],
      ['prod/db', 'prod/lb', 'allow'],
      ['prod/db', 'prod/web', 'deny'],
    ],
  },
  {
    name: 'named ports resolve on the destination pod',
    docs: [np('pg', `selector: app == 'db'\ningress:\n- action: Allow\n  protocol: TCP\n  destination: {ports: [pg]}`)],
    probes: [
      ['prod/web', 'prod/db', 'allow', 5432],
      ['prod/web', 'prod/db', 'deny', 80],
    ],
  },
];

describe('verify: Calico evaluation order', () => {
  for (const c of cases) {
    it(c.name, () => {
      const policies = lower(c.docs.join('---\n'), new Map(Object.entries(c.tiers ?? {})));
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
