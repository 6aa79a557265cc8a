import { expect } from 'chai';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { hasSchema, validateObject, type SchemaIssue } from '../../src/io/schemas.js';
import { toPointer } from '../../src/report/finding.js';

const CALICO = ['projectcalico.org/v3', 'crd.projectcalico.org/v1'];
const CALICO_KINDS = [
  'NetworkPolicy',
  'GlobalNetworkPolicy',
  'NetworkSet',
  'GlobalNetworkSet',
  'Tier',
  'StagedNetworkPolicy',
  'StagedGlobalNetworkPolicy',
  'StagedKubernetesNetworkPolicy',
];

type Obj = Record<string, unknown>;

function clone<T>(v: T): T {
  return JSON.parse(JSON.stringify(v)) as T;
}

function check(obj: Obj): SchemaIssue[] {
  return validateObject(obj['apiVersion'] as string, obj['kind'] as string, obj);
}

const richMeta = {
  name: 'web',
  generateName: 'web-',
  namespace: 'prod',
  selfLink: '/apis/x/y',
  uid: '2a0e3c4e-0000-0000-0000-000000000000',
  resourceVersion: '12345',
  generation: 3,
  creationTimestamp: '2024-01-02T03:04:05Z',
  deletionTimestamp: '2024-01-03T03:04:05Z',
  deletionGracePeriodSeconds: 30,
  labels: { app: 'web', 'projectcalico.org/tier': 'default' },
  annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{}' },
  ownerReferences: [
    { apiVersion: 'v1', kind: 'Namespace', name: 'prod', uid: 'u', controller: true, blockOwnerDeletion: false },
  ],
  finalizers: ['example.com/keep'],
  managedFields: [
    {
      manager: 'kubectl',
      operation: 'Apply',
      apiVersion: 'v1',
      time: '2024-01-02T03:04:05Z',
      fieldsType: 'FieldsV1',
      fieldsV1: { 'f:spec': { '.': {} } },
      subresource: 'status',
    },
  ],
  clusterName: '',
};

const labelSelector = {
  matchLabels: { app: 'db', 'k8s:io.kubernetes.pod.namespace': 'prod' },
  matchExpressions: [
    { key: 'tier', operator: 'In', values: ['a', 'b'] },
    { key: 'legacy', operator: 'DoesNotExist' },
  ],
};

const calicoRule = {
  action: 'Allow',
  ipVersion: 4,
  protocol: 'TCP',
  notProtocol: 17,
  icmp: { type: 8, code: 0 },
  notICMP: { type: 3 },
  source: {
    nets: ['10.0.0.0/8'],
    notNets: ['10.1.0.0/16'],
    selector: "role == 'client'",
    notSelector: 'has(quarantine)',
    namespaceSelector: 'all()',
    ports: [1024, '2000:3000'],
    notPorts: ['http'],
    serviceAccounts: { names: ['api'], selector: "team == 'x'" },
  },
  destination: {
    ports: [80, '443', 'metrics'],
    services: { name: 'kube-dns', namespace: 'kube-system' },
  },
  http: { methods: ['GET'], paths: [{ exact: '/healthz' }, { prefix: '/api' }] },
  metadata: { annotations: { owner: 'team-a' } },
};

const calicoPolicySpec = {
  tier: 'default',
  order: 100.5,
  selector: "app == 'web'",
  types: ['Ingress', 'Egress'],
  ingress: [calicoRule, { action: 'Deny' }],
  egress: [{ action: 'Pass', destination: { nets: ['0.0.0.0/0'] } }, { action: 'Log' }],
  serviceAccountSelector: "role == 'x'",
  performanceHints: ['AssumeNeededOnEveryNode'],
};

const calicoGlobalSpec = {
  ...calicoPolicySpec,
  namespaceSelector: "team == 'a'",
  doNotTrack: false,
  preDNAT: false,
  applyOnForward: true,
};

const k8sSpec = {
  podSelector: labelSelector,
  policyTypes: ['Ingress', 'Egress'],
  ingress: [
    {
      from: [
        { podSelector: { matchLabels: { app: 'x' } }, namespaceSelector: {} },
        { ipBlock: { cidr: '10.0.0.0/8', except: ['10.1.0.0/16'] } },
      ],
      ports: [{ protocol: 'TCP', port: 80 }, { port: 'http' }, { protocol: 'UDP', port: 5000, endPort: 5010 }],
    },
    {},
  ],
  egress: [{ to: [{ namespaceSelector: { matchLabels: { team: 'a' } } }], ports: [{}] }],
};

const richCalicoSpecs: Record<string, Obj> = {
  NetworkPolicy: calicoPolicySpec,
  GlobalNetworkPolicy: calicoGlobalSpec,
  NetworkSet: { nets: ['10.0.0.0/8', '2001:db8::/32'] },
  GlobalNetworkSet: { nets: ['192.0.2.1'] },
  Tier: { order: 100, defaultAction: 'Pass' },
  StagedNetworkPolicy: { stagedAction: 'Set', ...calicoPolicySpec },
  StagedGlobalNetworkPolicy: { stagedAction: 'Delete', ...calicoGlobalSpec },
  StagedKubernetesNetworkPolicy: { stagedAction: 'Learn', ...k8sSpec },
};

const ciliumRule = {
  endpointSelector: labelSelector,
  labels: [{ key: 'owner', value: 'team-a', source: 'user' }, { key: 'bare' }],
  description: 'rich rule',
  enableDefaultDeny: { ingress: true, egress: false },
  log: { value: 'audit-me' },
  ingress: [
    {
      fromEndpoints: [labelSelector, {}],
      fromRequires: [{ matchLabels: { env: 'prod' } }],
      toPorts: [
        {
          ports: [{ port: '80', protocol: 'TCP' }, { port: 8080 }, { port: '9000', endPort: 9010, protocol: 'ANY' }],
          terminatingTLS: { secret: { namespace: 'ns', name: 'tls' }, trustedCA: 'ca.crt', certificate: 'tls.crt', privateKey: 'tls.key' },
          originatingTLS: { secret: { name: 'upstream' } },
          serverNames: ['*.example.com'],
          rules: {
            http: [
              {
                path: '/api/.*',
                method: 'GET',
                host: 'example.com',
                headers: ['X-Token'],
                headerMatches: [{ mismatch: 'LOG', name: 'X-Id', secret: { name: 's' }, value: 'v' }],
              },
            ],
          },
        },
        { ports: [{ port: '9092', protocol: 'TCP' }], rules: { kafka: [{ role: 'produce', apiKey: 'produce', apiVersion: '1', clientID: 'c', topic: 't' }] } },
        { ports: [{ port: '11211' }], rules: { l7proto: 'memcache', l7: [{ command: 'get' }, {}] } },
      ],
      authentication: { mode: 'required' },
    },
    { fromCIDR: ['10.0.0.0/8'], icmps: [{ fields: [{ family: 'IPv4', type: 8 }, { type: 'EchoRequest' }] }] },
    { fromCIDRSet: [{ cidr: '10.0.0.0/8', except: ['10.1.0.0/16'] }, { cidrGroupRef: 'group' }, { cidrGroupSelector: { matchLabels: { a: 'b' } } }] },
    { fromEntities: ['world', 'cluster'] },
    { fromGroups: [{ aws: { labels: { k: 'v' }, securityGroupsIds: ['sg-1'], securityGroupsNames: ['n'], region: 'us-east-1' } }] },
    { fromNodes: [{ matchLabels: { 'node-role.kubernetes.io/control-plane': '' } }] },
  ],
  ingressDeny: [{ fromEntities: ['world'], toPorts: [{ ports: [{ port: '22', protocol: 'TCP' }] }] }, { fromCIDR: ['192.0.2.0/24'], icmps: [{ fields: [{ type: 0 }] }] }],
  egress: [
    { toEndpoints: [{}], toRequires: [], toPorts: [{ ports: [{ port: '53', protocol: 'ANY' }], rules: { dns: [{ matchName: 'example.com' }, { matchPattern: '*.example.com' }] } }] },
    { toFQDNs: [{ matchName: 'api.example.com' }, { matchPattern: '**.example.org' }] },
    { toServices: [{ k8sService: { serviceName: 'db', namespace: 'prod' } }, { k8sServiceSelector: { selector: { matchLabels: { a: 'b' } }, namespace: 'x' } }] },
    { toCIDR: ['0.0.0.0/0'], toCIDRSet: [{ cidr: '10.0.0.0/8' }] },
    { toEntities: ['kube-apiserver'], toGroups: [{ aws: { securityGroupsIds: ['sg-2'] } }] },
    { toNodes: [{}] },
    {
      toEndpoints: [{}],
      toPorts: [{ ports: [{ port: '8080', protocol: 'TCP' }], listener: { envoyConfig: { kind: 'CiliumEnvoyConfig', name: 'cec' }, name: 'l', priority: 10 } }],
    },
  ],
  egressDeny: [{ toServices: [{ k8sService: { serviceName: 'x' } }], toPorts: [{ ports: [{ port: '25' }] }] }, { toNodes: [{}], icmps: [] }],
};

function minimal(apiVersion: string, kind: string): Obj {
  return { apiVersion, kind, metadata: { name: 'x' } };
}

describe('io/schemas', () => {
  describe('hasSchema', () => {
    it('knows every input kind and apiVersion', () => {
      for (const v of CALICO) for (const k of CALICO_KINDS) expect(hasSchema(v, k), `${v} ${k}`).to.equal(true);
      expect(hasSchema('cilium.io/v2', 'CiliumNetworkPolicy')).to.equal(true);
      expect(hasSchema('cilium.io/v2', 'CiliumClusterwideNetworkPolicy')).to.equal(true);
      expect(hasSchema('cilium.io/v2', 'CiliumCIDRGroup')).to.equal(true);
      expect(hasSchema('cilium.io/v2alpha1', 'CiliumCIDRGroup')).to.equal(true);
      expect(hasSchema('networking.k8s.io/v1', 'NetworkPolicy')).to.equal(true);
    });

    it('has no schema for other kinds and versions', () => {
      expect(hasSchema('cilium.io/v1', 'CiliumNetworkPolicy')).to.equal(false);
      expect(hasSchema('cilium.io/v2alpha1', 'CiliumNetworkPolicy')).to.equal(false);
      expect(hasSchema('projectcalico.org/v2', 'NetworkPolicy')).to.equal(false);
      expect(hasSchema('projectcalico.org/v3', 'HostEndpoint')).to.equal(false);
      expect(hasSchema('v1', 'Service')).to.equal(false);
      expect(hasSchema('v1', 'List')).to.equal(false);
      expect(validateObject('v1', 'Service', { anything: 1 })).to.deep.equal([]);
    });
  });

  describe('valid objects', () => {
    it('accepts minimal objects of every kind', () => {
      const objs: Obj[] = [
        ...CALICO.flatMap((v) => CALICO_KINDS.map((k) => minimal(v, k))),
        ...CALICO.flatMap((v) => CALICO_KINDS.map((k) => ({ ...minimal(v, k), spec: {} }))),
        { ...minimal('cilium.io/v2', 'CiliumNetworkPolicy'), spec: { endpointSelector: {}, ingress: [{}] } },
        { ...minimal('cilium.io/v2', 'CiliumClusterwideNetworkPolicy'), specs: [{ nodeSelector: {}, egress: [{}] }] },
        { ...minimal('cilium.io/v2', 'CiliumCIDRGroup'), spec: { externalCIDRs: [] } },
        { ...minimal('cilium.io/v2alpha1', 'CiliumCIDRGroup'), spec: { externalCIDRs: ['10.0.0.0/8'] } },
        minimal('networking.k8s.io/v1', 'NetworkPolicy'),
        { ...minimal('networking.k8s.io/v1', 'NetworkPolicy'), spec: { podSelector: {} } },
        { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy' },
      ];
      for (const o of objs) expect(check(o), `${String(o['apiVersion'])} ${String(o['kind'])}`).to.deep.equal([]);
    });

    it('accepts rich Calico objects of every kind in both API groups', () => {
      for (const v of CALICO) {
        for (const k of CALICO_KINDS) {
          const obj = { apiVersion: v, kind: k, metadata: richMeta, spec: richCalicoSpecs[k], status: { conditions: [{ type: 'Valid' }] } };
          expect(check(obj), `${v} ${k}`).to.deep.equal([]);
        }
      }
    });

    it('accepts rich Cilium objects', () => {
      const cnp = { apiVersion: 'cilium.io/v2', kind: 'CiliumNetworkPolicy', metadata: richMeta, spec: ciliumRule, specs: [ciliumRule, { endpointSelector: {}, egress: [{}] }], status: { derivativePolicies: {} } };
      expect(check(cnp)).to.deep.equal([]);
      const { endpointSelector: _unused, ...hostRule } = ciliumRule;
      const ccnp = { apiVersion: 'cilium.io/v2', kind: 'CiliumClusterwideNetworkPolicy', metadata: { name: 'host' }, specs: [{ ...hostRule, nodeSelector: { matchLabels: { 'kubernetes.io/os': 'linux' } } }] };
      expect(check(ccnp)).to.deep.equal([]);
      const ccg = { apiVersion: 'cilium.io/v2', kind: 'CiliumCIDRGroup', metadata: { name: 'g', labels: { a: 'b' } }, spec: { externalCIDRs: ['10.0.0.0/8', '2001:db8::/32'] } };
      expect(check(ccg)).to.deep.equal([]);
    });

    it('accepts a rich native NetworkPolicy', () => {
      const np = { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: richMeta, spec: k8sSpec, status: { conditions: [] } };
      expect(check(np)).to.deep.equal([]);
    });

    it('accepts the lenient types the real APIs accept', () => {
      const calico = {
        ...minimal('projectcalico.org/v3', 'GlobalNetworkPolicy'),
        spec: { order: 5, ingress: [{ action: 'Allow', protocol: 6, destination: { ports: [80, '80', '80:90', 'http'] } }, { action: 'allow', protocol: 'tcp' }] },
      };
      expect(check(calico)).to.deep.equal([]);
      const cilium = { ...minimal('cilium.io/v2', 'CiliumNetworkPolicy'), spec: { endpointSelector: {}, ingress: [{ toPorts: [{ ports: [{ port: 80 }, { port: '80' }, { port: 'http' }] }] }] } };
      expect(check(cilium)).to.deep.equal([]);
      // enum values and selector operators are left to the semantic validators
      const odd = { ...minimal('networking.k8s.io/v1', 'NetworkPolicy'), spec: { policyTypes: ['ingress'], podSelector: { matchExpressions: [{ key: 'a', operator: 'Gt', values: ['1'] }] }, ingress: [{ ports: [{ protocol: 'ICMP' }] }] } };
      expect(check(odd)).to.deep.equal([]);
    });

    it('treats null declared fields as absent', () => {
      const np = { ...minimal('networking.k8s.io/v1', 'NetworkPolicy'), spec: { podSelector: null, ingress: [{ from: null, ports: [{ port: null, protocol: 'TCP' }] }], egress: null }, status: null };
      expect(check(np)).to.deep.equal([]);
      const cnp = { ...minimal('cilium.io/v2', 'CiliumNetworkPolicy'), metadata: { name: 'x', labels: null, creationTimestamp: null }, spec: { endpointSelector: { matchLabels: null }, ingress: [{ fromEndpoints: [{ matchLabels: { app: 'a' }, matchExpressions: null }] }] } };
      expect(check(cnp)).to.deep.equal([]);
    });

    it('does not modify the object it validates', () => {
      const obj = { ...minimal('networking.k8s.io/v1', 'NetworkPolicy'), spec: { podSelector: null, ingress: [{ from: null }] } };
      const before = clone(obj);
      check(obj);
      expect(obj).to.deep.equal(before);
    });
  });

  describe('unknown fields', () => {
    it('reports a Cilium typo at the unknown field', () => {
      const obj = { ...minimal('cilium.io/v2', 'CiliumNetworkPolicy'), spec: { endpointSelector: {}, ingress: [{ fromEndpoint: [{}] }] } };
      expect(check(obj)).to.deep.equal([{ kind: 'unknown-field', path: ['spec', 'ingress', 0, 'fromEndpoint'], message: 'unknown field "fromEndpoint"' }]);
    });

    it('reports typos anywhere in Calico, native and metadata', () => {
      const calico = { ...minimal('crd.projectcalico.org/v1', 'NetworkPolicy'), spec: { ingress: [{ action: 'Allow' }, { action: 'Deny', destinaton: {} }] } };
      expect(check(calico)).to.deep.equal([{ kind: 'unknown-field', path: ['spec', 'ingress', 1, 'destinaton'], message: 'unknown field "destinaton"' }]);
      const np = { ...minimal('networking.k8s.io/v1', 'NetworkPolicy'), spec: { ingress: [{ from: [{ podSelecter: {} }] }] } };
      expect(check(np)).to.deep.equal([{ kind: 'unknown-field', path: ['spec', 'ingress', 0, 'from', 0, 'podSelecter'], message: 'unknown field "podSelecter"' }]);
      const meta = { apiVersion: 'cilium.io/v2', kind: 'CiliumCIDRGroup', metadata: { name: 'g', namespce: 'x' }, spec: { externalCIDRs: [] } };
      expect(check(meta)).to.deep.equal([{ kind: 'unknown-field', path: ['metadata', 'namespce'], message: 'unknown field "namespce"' }]);
    });

    it('reports fields that belong to other kinds or directions', () => {
      // namespaceSelector is a GlobalNetworkPolicy field; L7 rules are not allowed in deny rules; toFQDNs only in allow rules
      const np = { ...minimal('projectcalico.org/v3', 'NetworkPolicy'), spec: { namespaceSelector: 'all()', doNotTrack: true } };
      expect(check(np).map((i) => [i.kind, toPointer(i.path)])).to.deep.equal([
        ['unknown-field', '/spec/namespaceSelector'],
        ['unknown-field', '/spec/doNotTrack'],
      ]);
      const cnp = {
        ...minimal('cilium.io/v2', 'CiliumNetworkPolicy'),
        description: 'stray',
        spec: { endpointSelector: {}, ingressDeny: [{ toPorts: [{ ports: [], rules: { http: [] } }] }], egressDeny: [{ toFQDNs: [] }] },
      };
      expect(check(cnp).map((i) => [i.kind, toPointer(i.path)])).to.deep.equal([
        ['unknown-field', '/description'],
        ['unknown-field', '/spec/ingressDeny/0/toPorts/0/rules'],
        ['unknown-field', '/spec/egressDeny/0/toFQDNs'],
      ]);
    });

    it('keeps keys with "/" and "~" as they are in the path', () => {
      const obj = {
        ...minimal('cilium.io/v2', 'CiliumNetworkPolicy'),
        metadata: { name: 'x', labels: { 'app.kubernetes.io/name': 1, 'a~b': 'ok' } },
        spec: { endpointSelector: { 'a/b~c': 1 } },
      };
      expect(check(obj)).to.deep.equal([
        { kind: 'invalid', path: ['metadata', 'labels', 'app.kubernetes.io/name'], message: 'must be string' },
        { kind: 'unknown-field', path: ['spec', 'endpointSelector', 'a/b~c'], message: 'unknown field "a/b~c"' },
      ]);
    });
  });

  describe('invalid values', () => {
    it('reports an object where a list is expected', () => {
      const obj = { ...minimal('cilium.io/v2', 'CiliumNetworkPolicy'), spec: { endpointSelector: {}, ingress: [{ fromCIDR: {}, toPorts: { ports: [] } }] } };
      expect(check(obj)).to.deep.equal([
        { kind: 'invalid', path: ['spec', 'ingress', 0, 'fromCIDR'], message: 'must be array' },
        { kind: 'invalid', path: ['spec', 'ingress', 0, 'toPorts'], message: 'must be array' },
      ]);
    });

    it('reports wrong scalar types with readable messages, in document order', () => {
      const obj = {
        ...minimal('projectcalico.org/v3', 'GlobalNetworkPolicy'),
        spec: { order: '100', selector: { app: 'x' }, ingress: [{ action: 'Allow', ipVersion: '4', destination: { ports: [true], namespaceSelector: {} } }] },
      };
      expect(check(obj)).to.deep.equal([
        { kind: 'invalid', path: ['spec', 'order'], message: 'must be number' },
        { kind: 'invalid', path: ['spec', 'selector'], message: 'must be string' },
        { kind: 'invalid', path: ['spec', 'ingress', 0, 'ipVersion'], message: 'must be integer' },
        { kind: 'invalid', path: ['spec', 'ingress', 0, 'destination', 'ports', 0], message: 'must be integer or string' },
        { kind: 'invalid', path: ['spec', 'ingress', 0, 'destination', 'namespaceSelector'], message: 'must be string' },
      ]);
    });

    it('reports non-string label values, null map values and null list items', () => {
      const obj = {
        ...minimal('networking.k8s.io/v1', 'NetworkPolicy'),
        metadata: { name: 'x', labels: { version: 2 } },
        spec: { podSelector: { matchLabels: { app: null, on: true } }, ingress: [null] },
      };
      expect(check(obj)).to.deep.equal([
        { kind: 'invalid', path: ['metadata', 'labels', 'version'], message: 'must be string' },
        { kind: 'invalid', path: ['spec', 'podSelector', 'matchLabels', 'app'], message: 'must be string' },
        { kind: 'invalid', path: ['spec', 'podSelector', 'matchLabels', 'on'], message: 'must be string' },
        { kind: 'invalid', path: ['spec', 'ingress', 0], message: 'must be object' },
      ]);
    });

    it('reports missing required fields at the object that lacks them', () => {
      const calico = { ...minimal('projectcalico.org/v3', 'NetworkPolicy'), spec: { ingress: [{ protocol: 'TCP' }] } };
      expect(check(calico)).to.deep.equal([{ kind: 'invalid', path: ['spec', 'ingress', 0], message: 'missing required field "action"' }]);
      const ccg = { ...minimal('cilium.io/v2alpha1', 'CiliumCIDRGroup'), spec: {} };
      expect(check(ccg)).to.deep.equal([{ kind: 'invalid', path: ['spec'], message: 'missing required field "externalCIDRs"' }]);
      const np = { metadata: { name: 'x' }, spec: { ingress: [{ from: [{ ipBlock: { except: [] } }] }] } };
      expect(validateObject('networking.k8s.io/v1', 'NetworkPolicy', np)).to.deep.equal([
        { kind: 'invalid', path: [], message: 'missing required field "apiVersion"' },
        { kind: 'invalid', path: [], message: 'missing required field "kind"' },
        { kind: 'invalid', path: ['spec', 'ingress', 0, 'from', 0, 'ipBlock'], message: 'missing required field "cidr"' },
      ]);
    });

    it('reports unknown fields and invalid values of one object together', () => {
      const obj = { ...minimal('cilium.io/v2', 'CiliumClusterwideNetworkPolicy'), specs: [{ endpointSelector: [], egres: [] }] };
      expect(check(obj)).to.deep.equal([
        { kind: 'invalid', path: ['specs', 0, 'endpointSelector'], message: 'must be object' },
        { kind: 'unknown-field', path: ['specs', 0, 'egres'], message: 'unknown field "egres"' },
      ]);
    });

    it('reports a non-object document', () => {
      expect(validateObject('networking.k8s.io/v1', 'NetworkPolicy', 'text')).to.deep.equal([{ kind: 'invalid', path: [], message: 'must be object' }]);
      expect(validateObject('cilium.io/v2', 'CiliumNetworkPolicy', [])).to.deep.equal([{ kind: 'invalid', path: [], message: 'must be object' }]);
    });
  });

  describe('corpus', () => {
    // dist/test/unit → project root → ../shared/corpus (CI: a fresh clone with a copy of shared/ beside it)
    const projectRoot = fileURLToPath(new URL('../../../', import.meta.url));
    const corpus = join(projectRoot, '..', 'shared', 'corpus');

    /**
     * Every issue found in the corpus, checked by hand: all are genuine mistakes in the source files, not schema gaps.
     * - top-level `description` beside a Cilium `spec`: not a field of the CRD (cilium-semantics §1.6);
     * - Cilium `auth: {type}`: a pre-release spelling of `authentication: {mode}` (cilium/cilium#24867);
     * - Cilium `fromEndpoints[0].role`: `role: frontend` indented as a sibling of `matchLabels` instead of under it;
     * - Cilium upper-case `HTTP:`: CRD field names are case-sensitive;
     * - malformed_policy.yaml: an intentionally broken example;
     * - kubearmor `fromCIDR: {}`: a map where a list is expected;
     * - Calico `nets: [null]`: an empty `-` list item; `namespaceSelector: {}`: a map where a selector string is expected;
     * - Calico NetworkPolicy `spec.namespaceSelector`: a GlobalNetworkPolicy-only field (a negative test of that repo);
     * - native `ingress` at the top level instead of under `spec`.
     */
    const expected = [
      'calico/IBM-Cloud__kube-samples/calico-policies__public-network-isolation__deny-egress-pods-other.yaml [deny-egress-pods-other] invalid /spec/egress/0/destination/nets/0: must be string',
      'calico/IBM__network-config-analyzer/tests__calico_testcases__example_policies__testcase1__networkpolicy-with-ns-selector-bad-path-test.yaml [bad-network-policy] unknown-field /spec/namespaceSelector: unknown field "namespaceSelector"',
      'calico/IBM__network-config-analyzer/tests__calico_testcases__example_policies__testcase26-multi-layer-policies__testcase26-networkpolicy-calico-nginx.yaml [testcase26-networkpolicy-calico-nginx] invalid /spec/egress/0/destination/namespaceSelector: must be string',
      'calico/IBM__network-config-analyzer/tests__calico_testcases__example_policies__testcase26-multi-layer-policies__testcase26-networkpolicy-calico-nginx.yaml [testcase26-networkpolicy-calico-nginx] invalid /spec/ingress/0/source/namespaceSelector: must be string',
      'cilium/cilium__cilium/cilium-cli__connectivity__manifests__echo-ingress-auth-fail.yaml [auth-ingress-fail] unknown-field /spec/ingress/0/auth: unknown field "auth"',
      'cilium/cilium__cilium/cilium-cli__connectivity__manifests__echo-ingress-mtls.yaml [auth-ingress] unknown-field /spec/ingress/0/auth: unknown field "auth"',
      'cilium/cilium__cilium/examples__minikube__l3_l4_l7_policy.yaml [rule1] unknown-field /description: unknown field "description"',
      'cilium/cilium__cilium/examples__minikube__l3_l4_policy.yaml [rule1] unknown-field /description: unknown field "description"',
      'cilium/cilium__cilium/examples__minikube__malformed_policy.yaml [badrule] invalid /spec/egress: must be array',
      'cilium/cilium__cilium/examples__minikube__malformed_policy.yaml [badrule] unknown-field /description: unknown field "description"',
      'cilium/cilium__cilium/examples__minikube__malformed_policy.yaml [badrule] unknown-field /spec/podSelector: unknown field "podSelector"',
      'cilium/cilium__cilium/examples__policies__auth__auth.yaml [l3-egress-rule] unknown-field /spec/egress/0/auth: unknown field "auth"',
      'cilium/cilium__cilium/examples__policies__http.yaml [l7-rule] unknown-field /spec/ingress/0/toPorts/0/rules/HTTP: unknown field "HTTP"',
      'cilium/cilium__cilium/examples__policies__kafka.yaml [rule1] unknown-field /description: unknown field "description"',
      'cilium/cilium__cilium/examples__policies__l3__host__host-policy.yaml [allow-google-dns-on-udp-53-only] unknown-field /description: unknown field "description"',
      'cilium/cilium__cilium/examples__policies__l3_l4_combined.yaml [l4-rule] unknown-field /spec/ingress/0/fromEndpoints/0/role: unknown field "role"',
      'cilium/cilium__cilium/examples__policies__l7.yaml [rule1] unknown-field /description: unknown field "description"',
      'cilium/cilium__cilium/examples__policies__l7__kafka__kafka-Role.yaml [rule1] unknown-field /description: unknown field "description"',
      'cilium/cilium__cilium/examples__policies__multi_rule.yaml [l4-rules] unknown-field /spec/ingress/0/fromEndpoints/0/role: unknown field "role"',
      'cilium/cilium__cilium/test__k8sT__manifests__cnp-any-namespace.yaml [l7-stresstest] unknown-field /description: unknown field "description"',
      'cilium/cilium__cilium/test__k8sT__manifests__cnp-l7-stresstest.yaml [l7-stresstest] unknown-field /description: unknown field "description"',
      'cilium/cilium__cilium/test__k8sT__manifests__cnp-second-namespaces.yaml [cnp-second-namespace] unknown-field /description: unknown field "description"',
      'cilium/cilium__cilium/test__k8sT__manifests__netcat_ds.yaml [netcatds] unknown-field /description: unknown field "description"',
      'cilium/cilium__cilium/tests__k8s__tests__deployments__bookinfo__policies__cnp.yaml [multi-rules] unknown-field /description: unknown field "description"',
      'cilium/kubearmor__policy-templates/mitre__internal__postgres__network-ingress__cnp-postgres-network-ingress.yaml [cnp-postgresql-port] invalid /spec/ingress/0/fromCIDR: must be array',
      'native/aws-samples__eks-workshop/content__beginner__120_network-policies__tigera__policies__ecsdemo-crystal.yaml [ecsdemo-crystal] unknown-field /ingress: unknown field "ingress"',
      'native/aws-samples__eks-workshop/content__beginner__120_network-policies__tigera__policies__ecsdemo-nodejs.yaml [ecsdemo-nodejs] unknown-field /ingress: unknown field "ingress"',
    ];

    function* files(dir: string): Generator<string> {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        const p = join(dir, e.name);
        if (e.isDirectory()) yield* files(p);
        else if (/\.(ya?ml|json)$/i.test(e.name)) yield p;
      }
    }

    function objectsOf(value: unknown, out: Obj[]): void {
      if (Array.isArray(value)) {
        for (const v of value) objectsOf(v, out);
      } else if (value !== null && typeof value === 'object') {
        const o = value as Obj;
        if (typeof o['kind'] === 'string' && o['kind'].endsWith('List') && Array.isArray(o['items'])) objectsOf(o['items'], out);
        else out.push(o);
      }
    }

    it('validates every object of the kinds with a schema, with only the known issues', () => {
      expect(existsSync(corpus), `corpus not found at ${corpus}`).to.equal(true);
      const found: string[] = [];
      let validated = 0;
      const withInvalid = new Set<string>();
      for (const file of files(corpus)) {
        const rel = relative(corpus, file).split(sep).join('/');
        for (const doc of parseAllDocuments(readFileSync(file, 'utf8'))) {
          if (doc.errors.length > 0) continue;
          const objs: Obj[] = [];
          objectsOf(doc.toJS({ maxAliasCount: 100 }), objs);
          for (const o of objs) {
            const apiVersion = o['apiVersion'];
            const kind = o['kind'];
            if (typeof apiVersion !== 'string' || typeof kind !== 'string' || !hasSchema(apiVersion, kind)) continue;
            validated++;
            const name = String((o['metadata'] as Obj | undefined)?.['name']);
            for (const issue of validateObject(apiVersion, kind, o)) {
              found.push(`${rel} [${name}] ${issue.kind} ${toPointer(issue.path)}: ${issue.message}`);
              if (issue.kind === 'invalid') withInvalid.add(`${rel} [${name}]`);
            }
          }
        }
      }
      expect(validated).to.be.greaterThan(1000);
      expect(withInvalid.size).to.be.at.most(5);
      expect(found.sort()).to.deep.equal([...expected].sort());
    });
  });
});
