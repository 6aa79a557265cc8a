/**
 * `--cluster-state` with Pods and Nodes (issue #5): substring and service-account selectors and node entities resolve
 * against the inventory, each rewrite reported, and the result checked on the inventory's own pods.
 */
import { expect } from 'chai';
import type { TranslateOptions } from '../../src/model/options.js';
import { after } from 'mocha';
import { removeTempDirs, runCli, tempDir, writeTree } from '../helpers/cli.js';
import { convert, source } from '../helpers/traps.js';

const inventory: NonNullable<TranslateOptions['inventory']> = {
  pods: [
    { namespace: 'shop', name: 'web-1', labels: { app: 'web-frontend', tier: 'web' }, serviceAccount: 'web' },
    { namespace: 'shop', name: 'api-1', labels: { app: 'api-backend', tier: 'api' }, serviceAccount: 'api' },
    { namespace: 'shop', name: 'batch-1', labels: { app: 'batch-backend' }, serviceAccount: 'api' },
    { namespace: 'shop', name: 'db-1', labels: { app: 'db' }, serviceAccount: 'db' },
    { namespace: 'tools', name: 'probe', labels: { app: 'prober' }, serviceAccount: 'default' },
  ],
  nodes: [
    { name: 'n1', addresses: ['192.168.1.10'] },
    { name: 'n2', addresses: ['192.168.1.11', '2001:db8::11'] },
  ],
  services: [
    { namespace: 'shop', name: 'api', labels: { expose: 'yes' }, selector: { app: 'api-backend' }, ports: [{ port: 80, targetPort: 8080, protocol: 'TCP' }, { port: 9000, targetPort: 'metrics', protocol: 'TCP' }] },
    { namespace: 'shop', name: 'legacy', labels: {}, ports: [{ port: 80, protocol: 'TCP' }] },
  ],
};
const OPTS: Partial<TranslateOptions> = { namespaces: ['shop', 'tools'], namespaceLabels: { shop: { team: 'shop' }, tools: {} }, inventory };

const calico = (ingress: string, selector = "app == 'db'") => `apiVersion: projectcalico.org/v3
kind: NetworkPolicy
metadata: {name: db, namespace: shop}
spec:
  selector: ${selector}
  types: [Ingress]
  ingress:
${ingress}`;

describe('cluster inventory: selectors and node entities', () => {
  after(removeTempDirs);

  it('ends with becomes In over the label values that exist', () => {
    const c = convert(calico(`  - action: Allow\n    source: {selector: app ends with '-backend'}\n`), OPTS);
    expect(c.policies[0]!.spec.ingress).to.deep.equal([{ from: [{ podSelector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['api-backend', 'batch-backend'] }] } }] }]);
    const s = source(c, 'db');
    expect(s.verdict).to.equal('exact');
    expect(s.findings.map((f) => f.code)).to.include('inventory/selector');
  });

  it('a negated substring becomes NotIn over the values that match, and the subject resolves too', () => {
    const c = convert(calico(`  - action: Allow\n    source: {selector: "!(app contains 'backend')"}\n`, "app starts with 'web'"), OPTS);
    expect(c.policies[0]!.spec.podSelector).to.deep.equal({ matchLabels: { app: 'web-frontend' } });
    expect(c.policies[0]!.spec.ingress![0]!.from).to.deep.equal([{ podSelector: { matchExpressions: [{ key: 'app', operator: 'NotIn', values: ['api-backend', 'batch-backend'] }] } }]);
    expect(source(c, 'db').verdict).to.equal('exact');
  });

  it('serviceAccounts.names become the label sets of the pods that run as them', () => {
    const c = convert(calico(`  - action: Allow\n    source: {serviceAccounts: {names: [api]}}\n`), OPTS);
    const from = c.policies[0]!.spec.ingress![0]!.from!;
    expect(from).to.have.deep.members([{ podSelector: { matchLabels: { app: 'api-backend', tier: 'api' } } }, { podSelector: { matchLabels: { app: 'batch-backend' } } }]);
    expect(source(c, 'db').verdict).to.equal('exact');
  });

  it('serviceAccounts.selector selects by the accounts\' labels (given with the pods)', () => {
    const pods = inventory.pods.map((p) => (p.serviceAccount === 'api' ? { ...p, serviceAccountLabels: { team: 'payments' } } : p));
    const c = convert(calico(`  - action: Allow\n    source: {serviceAccounts: {selector: team == 'payments'}}\n`), { ...OPTS, inventory: { ...inventory, pods, accountLabelsKnown: true } });
    expect(c.policies[0]!.spec.ingress![0]!.from).to.have.deep.members([{ podSelector: { matchLabels: { app: 'api-backend', tier: 'api' } } }, { podSelector: { matchLabels: { app: 'batch-backend' } } }]);
    expect(source(c, 'db').verdict).to.equal('exact');
    const without = convert(calico(`  - action: Allow\n    source: {serviceAccounts: {selector: team == 'payments'}}\n`), {});
    expect(without.policies[0]!.spec.ingress ?? []).to.deep.equal([]);
    expect(source(without, 'db').findings.map((f) => f.code)).to.include('calico/service-accounts');
  });

  it('a policy\'s serviceAccountSelector resolves its subject to the pods of those accounts, and never drops it', () => {
    const pods = inventory.pods.map((p) => (p.serviceAccount === 'api' ? { ...p, serviceAccountLabels: { team: 'payments' } } : p));
    const text = `apiVersion: projectcalico.org/v3
kind: NetworkPolicy
metadata: {name: payments, namespace: shop}
spec:
  selector: all()
  serviceAccountSelector: team == 'payments'
  types: [Ingress]
  ingress:
  - action: Allow
    source: {selector: app == 'web-frontend'}
`;
    const c = convert(text, { ...OPTS, inventory: { ...inventory, pods, accountLabelsKnown: true } });
    expect(c.policies.map((p) => p.spec.podSelector)).to.have.deep.members([{ matchLabels: { app: 'api-backend', tier: 'api' } }, { matchLabels: { app: 'batch-backend' } }]);
    expect(source(c, 'payments').verdict).to.equal('exact');
    // Without the ServiceAccounts in the state their labels are unknown: not converted, as without a cluster state.
    const unknownLabels = convert(text, OPTS);
    expect(unknownLabels.policies).to.deep.equal([]);
    expect(source(unknownLabels, 'payments').findings.map((f) => f.code)).to.include('calico/service-account-subject');
  });

  it('a service account whose pods share their labels with other pods stays dropped (fail-closed)', () => {
    const twin = { ...OPTS, inventory: { ...inventory, pods: [...inventory.pods, { namespace: 'shop', name: 'web-2', labels: { app: 'web-frontend', tier: 'web' }, serviceAccount: 'other' }] } };
    const c = convert(calico(`  - action: Allow\n    source: {serviceAccounts: {names: [web]}}\n`), twin);
    expect(c.policies[0]!.spec.ingress ?? []).to.deep.equal([]);
    expect(source(c, 'db').findings.map((f) => f.code)).to.include('calico/service-accounts');
  });

  it('Cilium host + remote-node become the nodes\' addresses, reported as changing with the nodes', () => {
    const text = `apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: kubelet, namespace: shop}
spec:
  endpointSelector: {matchLabels: {app: db}}
  egress:
  - toEntities: [host, remote-node]
    toPorts: [{ports: [{port: "10250", protocol: TCP}]}]
`;
    const c = convert(text, OPTS);
    expect(c.policies[0]!.spec.egress).to.deep.equal([{ to: [{ ipBlock: { cidr: '192.168.1.10/32' } }, { ipBlock: { cidr: '192.168.1.11/32' } }, { ipBlock: { cidr: '2001:db8::11/128' } }], ports: [{ protocol: 'TCP', port: 10250 }] }]);
    const s = source(c, 'kubelet');
    expect(s.findings.find((f) => f.code === 'inventory/node-addresses')?.message).to.contain('change as nodes come and go');
    expect(s.verdict).to.equal('exact');
  });

  it('remote-node alone on egress stays an entity: the node IPs would also open the pod\'s own node', () => {
    const text = `apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: remote, namespace: shop}
spec:
  endpointSelector: {matchLabels: {app: db}}
  egress:
  - toEntities: [remote-node]
`;
    const c = convert(text, OPTS);
    expect(source(c, 'remote').findings.map((f) => f.code)).not.to.include('inventory/node-addresses');
  });

  it('Calico destination services: the selected pods on the target ports (numbers and names)', () => {
    const text = `apiVersion: projectcalico.org/v3
kind: NetworkPolicy
metadata: {name: web-out, namespace: shop}
spec:
  selector: app == 'web-frontend'
  types: [Egress]
  egress:
  - action: Allow
    destination: {services: {name: api, namespace: shop}}
`;
    const c = convert(text, OPTS);
    expect(c.policies[0]!.spec.egress).to.deep.equal([{ to: [{ podSelector: { matchLabels: { app: 'api-backend' } } }], ports: [{ protocol: 'TCP', port: 8080 }, { protocol: 'TCP', port: 'metrics' }] }]);
    const s = source(c, 'web-out');
    expect(s.findings.map((f) => f.code)).to.include('inventory/service');
    expect(s.verdict).to.equal('exact');
  });

  it('Cilium toServices: the backing pods with the rule\'s own ports; a Service without a selector stays dropped', () => {
    const text = (svc: string) => `apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: web-out, namespace: shop}
spec:
  endpointSelector: {matchLabels: {app: web-frontend}}
  egress:
  - toServices: [{k8sService: {serviceName: ${svc}, namespace: shop}}]
    toPorts: [{ports: [{port: "8080", protocol: TCP}]}]
`;
    const c = convert(text('api'), OPTS);
    expect(c.policies[0]!.spec.egress).to.deep.equal([{ to: [{ podSelector: { matchLabels: { app: 'api-backend' } } }], ports: [{ protocol: 'TCP', port: 8080 }] }]);
    expect(source(c, 'web-out').verdict).to.equal('exact');
    const none = convert(text('legacy'), OPTS);
    expect(none.policies[0]!.spec.egress ?? []).to.deep.equal([]);
    expect(source(none, 'web-out').findings.map((f) => f.code)).to.include('cilium/to-services');
  });

  it('from the command line: a kubectl List with Namespaces, Pods, Services and Nodes', () => {
    const dir = tempDir();
    writeTree(dir, {
      'state.yaml': `apiVersion: v1
kind: List
items:
- {apiVersion: v1, kind: Namespace, metadata: {name: shop}}
- {apiVersion: v1, kind: Pod, metadata: {name: api-1, namespace: shop, labels: {app: api-backend}}, spec: {serviceAccountName: api}}
- {apiVersion: v1, kind: Pod, metadata: {name: node-agent, namespace: shop, labels: {app: agent-backend}}, spec: {hostNetwork: true}}
- {apiVersion: v1, kind: Pod, metadata: {name: db-1, namespace: shop, labels: {app: db}}, spec: {}}
- {apiVersion: v1, kind: Service, metadata: {name: api, namespace: shop}, spec: {selector: {app: api-backend}, ports: [{port: 80, targetPort: 8080}]}}
- {apiVersion: v1, kind: Node, metadata: {name: n1}, status: {addresses: [{type: InternalIP, address: 10.0.0.5}]}}
`,
      'db.yaml': calico(`  - action: Allow\n    source: {selector: app ends with '-backend'}\n`),
    });
    const r = runCli(['convert', 'db.yaml', '--cluster-state', 'state.yaml', '-o', 'json'], { cwd: dir });
    expect(r.status, r.stderr).to.equal(0);
    const out = JSON.parse(r.stdout) as { items: Array<{ spec: { ingress: unknown[] } }> };
    // The hostNetwork pod is its node, not a pod a selector picks.
    expect(out.items[0]!.spec.ingress).to.deep.equal([{ from: [{ podSelector: { matchLabels: { app: 'api-backend' } } }] }]);
    expect(r.stderr).to.match(/db\.yaml:9:\d+: info inventory\/selector resolved against the 2 pods of the cluster state/);
  });
});
