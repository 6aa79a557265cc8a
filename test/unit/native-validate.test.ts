import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import {
  formatApiValidationErrors,
  goQuote,
  validateNetworkPolicy,
  type ApiValidationError,
} from '../../src/native/validate.js';

interface Vector {
  spec: unknown;
  valid: boolean;
  why: string;
}

const VECTORS_URL = new URL('../../../test/fixtures/k8s-validation-vectors.json', import.meta.url);
const vectors = JSON.parse(readFileSync(VECTORS_URL, 'utf8')) as Vector[];

function wrap(spec: unknown): Record<string, unknown> {
  return { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'foo', namespace: 'bar' }, spec };
}

function summary(errs: readonly ApiValidationError[]): string[] {
  return errs.map((e) => `${e.field} | ${e.type}`);
}

const NAME_PART_ERR =
  "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const INVALID_CIDR = 'must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)';
const STRICT_SUBSET = 'must be a strict subset of `cidr`';
const RANGE = 'must be between 1 and 65535, inclusive';

/**
 * The complete expected error list (field, type, detail) of every invalid vector, derived from its `why` and
 * §2.3–2.7. Keyed by the start of `why` so that a reordered fixture still lines up.
 */
const EXPECTED: Array<[string, Array<[string, ApiValidationError['type'], string]>]> = [
  ["[unit] error 'namespaceSelector and ipBlock'", [['spec.ingress[0].from[0]', 'Forbidden', 'may not specify both ipBlock and another peer']]],
  ["[unit] error 'podSelector and ipBlock'", [['spec.egress[0].to[0]', 'Forbidden', 'may not specify both ipBlock and another peer']]],
  [
    "[unit] error 'missing from and to type'",
    [
      ['spec.ingress[0].from[0]', 'Required value', 'must specify a peer'],
      ['spec.egress[0].to[0]', 'Required value', 'must specify a peer'],
    ],
  ],
  ["[unit] error 'invalid spec.podSelector'", [['spec.podSelector.matchLabels', 'Invalid value', NAME_PART_ERR]]],
  [
    "[unit] error 'invalid ingress.ports.protocol'",
    [['spec.ingress[0].ports[0].protocol', 'Unsupported value', 'supported values: "TCP", "UDP", "SCTP"']],
  ],
  ["[unit] error 'invalid ingress.ports.port (int)'", [['spec.ingress[0].ports[0].port', 'Invalid value', RANGE]]],
  [
    "[unit] error 'invalid ingress.ports.port (str)'",
    [
      ['spec.ingress[0].ports[0].port', 'Invalid value', 'must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)'],
      ['spec.ingress[0].ports[0].port', 'Invalid value', 'must contain at least one letter (a-z)'],
    ],
  ],
  ["[unit] error 'invalid ingress.from.podSelector'", [['spec.ingress[0].from[0].podSelector.matchLabels', 'Invalid value', NAME_PART_ERR]]],
  ["[unit] error 'invalid egress.to.podSelector'", [['spec.egress[0].to[0].podSelector.matchLabels', 'Invalid value', NAME_PART_ERR]]],
  [
    "[unit] error 'invalid egress.ports.protocol'",
    [['spec.egress[0].ports[0].protocol', 'Unsupported value', 'supported values: "TCP", "UDP", "SCTP"']],
  ],
  ["[unit] error 'invalid egress.ports.port (int)'", [['spec.egress[0].ports[0].port', 'Invalid value', RANGE]]],
  [
    "[unit] error 'invalid egress.ports.port (str)'",
    [
      ['spec.egress[0].ports[0].port', 'Invalid value', 'must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)'],
      ['spec.egress[0].ports[0].port', 'Invalid value', 'must contain at least one letter (a-z)'],
    ],
  ],
  [
    "[unit] error 'invalid ingress.from.namespaceSelector'",
    [['spec.ingress[0].from[0].namespaceSelector.matchLabels', 'Invalid value', NAME_PART_ERR]],
  ],
  ["[unit] error 'missing cidr field'", [['spec.ingress[0].from[0].ipBlock.cidr', 'Required value', '']]],
  ["[unit] error 'invalid cidr format'", [['spec.ingress[0].from[0].ipBlock.cidr', 'Invalid value', INVALID_CIDR]]],
  ["[unit] error 'invalid ipv6 cidr format'", [['spec.ingress[0].from[0].ipBlock.cidr', 'Invalid value', INVALID_CIDR]]],
  ["[unit] error 'except field is an empty string'", [['spec.ingress[0].from[0].ipBlock.except[0]', 'Invalid value', INVALID_CIDR]]],
  ["[unit] error 'except field is an space string'", [['spec.ingress[0].from[0].ipBlock.except[0]', 'Invalid value', INVALID_CIDR]]],
  ["[unit] error 'except field is an invalid ip'", [['spec.ingress[0].from[0].ipBlock.except[0]', 'Invalid value', INVALID_CIDR]]],
  ["[unit] error 'except IP is outside of CIDR range'", [['spec.ingress[0].from[0].ipBlock.except[0]', 'Invalid value', STRICT_SUBSET]]],
  ["[unit] error 'except IP is not strictly within CIDR range'", [['spec.ingress[0].from[0].ipBlock.except[0]', 'Invalid value', STRICT_SUBSET]]],
  ["[unit] error 'except IPv6 is outside of CIDR range'", [['spec.ingress[0].from[0].ipBlock.except[0]', 'Invalid value', STRICT_SUBSET]]],
  [
    "[unit] error 'invalid policyTypes'",
    [
      ['spec.policyTypes[0]', 'Unsupported value', 'supported values: "Ingress", "Egress"'],
      ['spec.policyTypes[1]', 'Unsupported value', 'supported values: "Ingress", "Egress"'],
    ],
  ],
  ["[unit] error 'too many policyTypes'", [['spec.policyTypes', 'Invalid value', 'may not specify more than two policyTypes']]],
  [
    "[unit] error 'multiple ports defined, one port range is invalid'",
    [['spec.egress[0].ports[0].endPort', 'Invalid value', 'must be greater than or equal to `port`']],
  ],
  [
    "[unit] error 'endPort defined with named/string port'",
    [['spec.egress[0].ports[0].endPort', 'Invalid value', 'may not be specified when `port` is non-numeric']],
  ],
  [
    "[unit] error 'endPort defined without port defined'",
    [['spec.egress[0].ports[0].endPort', 'Invalid value', 'may not be specified when `port` is not specified']],
  ],
  ["[unit] error 'port is greater than endPort'", [['spec.egress[0].ports[0].endPort', 'Invalid value', 'must be greater than or equal to `port`']]],
  [
    "[unit] error 'multiple invalid port ranges defined'",
    [
      ['spec.egress[0].ports[0].endPort', 'Invalid value', 'must be greater than or equal to `port`'],
      ['spec.egress[0].ports[1].endPort', 'Invalid value', 'may not be specified when `port` is not specified'],
      ['spec.egress[0].ports[2].endPort', 'Invalid value', 'may not be specified when `port` is non-numeric'],
    ],
  ],
  ["[unit] error 'invalid endport range defined'", [['spec.egress[0].ports[0].endPort', 'Invalid value', RANGE]]],
  [
    '[e2e-api] endPort without port is rejected',
    [['spec.egress[0].ports[0].endPort', 'Invalid value', 'may not be specified when `port` is not specified']],
  ],
  [
    '[e2e-api] endPort with a named port is rejected',
    [['spec.egress[0].ports[0].endPort', 'Invalid value', 'may not be specified when `port` is non-numeric']],
  ],
  ['[e2e-api] endPort smaller than port is rejected', [['spec.egress[0].ports[0].endPort', 'Invalid value', 'must be greater than or equal to `port`']]],
  ['[code] explicit port 0', [['spec.ingress[0].ports[0].port', 'Invalid value', RANGE]]],
  ['[code] a quoted number is a string port', [['spec.ingress[0].ports[0].port', 'Invalid value', 'must contain at least one letter (a-z)']]],
  ['[code] port names are limited to 15 characters', [['spec.ingress[0].ports[0].port', 'Invalid value', 'must be no more than 15 characters']]],
  [
    '[code] port names must be lowercase',
    [
      ['spec.ingress[0].ports[0].port', 'Invalid value', 'must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)'],
      ['spec.ingress[0].ports[0].port', 'Invalid value', 'must contain at least one letter (a-z)'],
    ],
  ],
  ['[code] port names may not contain consecutive hyphens', [['spec.ingress[0].ports[0].port', 'Invalid value', 'must not contain consecutive hyphens']]],
  ['[code] port names may not begin or end with a hyphen', [['spec.ingress[0].ports[0].port', 'Invalid value', 'must not begin or end with a hyphen']]],
  [
    '[code] protocol is case-sensitive',
    [['spec.ingress[0].ports[0].protocol', 'Unsupported value', 'supported values: "TCP", "UDP", "SCTP"']],
  ],
  [
    '[code] In/NotIn need at least one value',
    [['spec.podSelector.matchExpressions[0].values', 'Required value', "must be specified when `operator` is 'In' or 'NotIn'"]],
  ],
  [
    '[code] Exists/DoesNotExist forbid values',
    [['spec.podSelector.matchExpressions[0].values', 'Forbidden', "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"]],
  ],
  [
    '[code] operator must be In, NotIn, Exists or DoesNotExist',
    [['spec.podSelector.matchExpressions[0].operator', 'Invalid value', 'not a valid selector operator']],
  ],
  [
    '[code] matchExpressions values must be valid label values',
    [
      [
        'spec.podSelector.matchExpressions[0].values[0]',
        'Invalid value',
        "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
      ],
    ],
  ],
  ["[code] empty prefix before '/'", [['spec.podSelector.matchLabels', 'Invalid value', 'prefix part must be non-empty']]],
  [
    "[code] at most one '/' in a label key",
    [
      [
        'spec.podSelector.matchLabels',
        'Invalid value',
        "a valid label key must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
      ],
    ],
  ],
  ['[code] label values are at most 63 characters', [['spec.podSelector.matchLabels', 'Invalid value', 'must be no more than 63 characters']]],
  ['[code] except of the other IP family', [['spec.egress[0].to[0].ipBlock.except[0]', 'Invalid value', STRICT_SUBSET]]],
];

function expectedFor(why: string): Array<[string, ApiValidationError['type'], string]> | undefined {
  const hits = EXPECTED.filter(([prefix]) => why.startsWith(prefix));
  expect(hits.length, `expectation keys matching ${JSON.stringify(why)}`).to.be.at.most(1);
  return hits[0]?.[1];
}

describe('native/validate: §2.10 vectors', () => {
  it('loads all 78 vectors from the fixture', () => {
    expect(vectors).to.be.an('array').with.lengthOf(78);
    expect(vectors.filter((v) => v.valid)).to.have.lengthOf(30);
    for (const v of vectors) {
      expect(v).to.have.keys(['spec', 'valid', 'why']);
      expect(v.valid).to.be.a('boolean');
    }
  });

  it('has an expected error list for every invalid vector, and each one is used once', () => {
    const invalidWhys = vectors.filter((v) => !v.valid).map((v) => v.why);
    for (const why of invalidWhys) expect(expectedFor(why), why).to.not.equal(undefined);
    for (const [prefix] of EXPECTED) expect(invalidWhys.filter((w) => w.startsWith(prefix)), prefix).to.have.lengthOf(1);
  });

  vectors.forEach((v, i) => {
    it(`#${i} ${v.valid ? 'valid' : 'invalid'}: ${v.why}`, () => {
      const errs = validateNetworkPolicy(wrap(v.spec));
      if (v.valid) {
        expect(errs.map((e) => e.message)).to.deep.equal([]);
        return;
      }
      expect(errs, 'an invalid vector yields errors').to.not.be.empty;

      // A path spelled out in `why` ("spec.ingress[0].from[0]: Forbidden: ...") must be reported with that type.
      const spelled = /(spec\.[A-Za-z0-9_.[\]]+): (Required value|Invalid value|Unsupported value|Forbidden)/.exec(v.why);
      if (spelled) {
        expect(summary(errs), v.why).to.include(`${spelled[1]} | ${spelled[2]}`);
      }

      const expected = expectedFor(v.why)!;
      expect(summary(errs)).to.deep.equal(expected.map(([f, t]) => `${f} | ${t}`));
      errs.forEach((e, j) => {
        expect(e.detail).to.equal(expected[j]![2]);
        expect(e.message.startsWith(`${e.field}: ${e.type}`)).to.equal(true);
        expect(e.message.endsWith(e.detail)).to.equal(true);
      });
    });
  });
});

describe('native/validate: error text (§2.9)', () => {
  function messages(spec: unknown): string[] {
    return validateNetworkPolicy(wrap(spec)).map((e) => e.message);
  }

  it('renders the §2.9 examples like the API server', () => {
    expect(messages({ ingress: [{ from: [{}] }] })).to.deep.equal(['spec.ingress[0].from[0]: Required value: must specify a peer']);
    expect(messages({ egress: [{ to: [{ podSelector: {}, ipBlock: { cidr: '10.0.0.0/8' } }] }] })).to.deep.equal([
      'spec.egress[0].to[0]: Forbidden: may not specify both ipBlock and another peer',
    ]);
    expect(messages({ ingress: [{ ports: [{ protocol: 'ICMP' }] }] })).to.deep.equal([
      'spec.ingress[0].ports[0].protocol: Unsupported value: "ICMP": supported values: "TCP", "UDP", "SCTP"',
    ]);
    expect(messages({ egress: [{ ports: [{ port: 'dns', endPort: 32768 }] }] })).to.deep.equal([
      'spec.egress[0].ports[0].endPort: Invalid value: 32768: may not be specified when `port` is non-numeric',
    ]);
    expect(messages({ ingress: [{ from: [{ ipBlock: { cidr: '192.168.0.0/24', except: ['192.168.0.0/24'] } }] }] })).to.deep.equal([
      'spec.ingress[0].from[0].ipBlock.except[0]: Invalid value: "192.168.0.0/24": must be a strict subset of `cidr`',
    ]);
    expect(messages({ ingress: [{ from: [{ ipBlock: { cidr: '192.168.5.6' } }] }] })).to.deep.equal([
      'spec.ingress[0].from[0].ipBlock.cidr: Invalid value: "192.168.5.6": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)',
    ]);
    expect(messages({ policyTypes: ['foo'] })).to.deep.equal([
      'spec.policyTypes[0]: Unsupported value: "foo": supported values: "Ingress", "Egress"',
    ]);
    expect(messages({ podSelector: { matchLabels: { 'NoUppercaseOrSpecialCharsLike=Equals': 'b' } } })).to.deep.equal([
      `spec.podSelector.matchLabels: Invalid value: "NoUppercaseOrSpecialCharsLike=Equals": ${NAME_PART_ERR}`,
    ]);
    expect(messages({ ingress: [{ from: [{ ipBlock: { cidr: '' } }] }] })).to.deep.equal([
      'spec.ingress[0].from[0].ipBlock.cidr: Required value',
    ]);
  });

  it('reports the port value on the endPort < port error, as validation.go does', () => {
    // validation.go: field.Invalid(portPath.Child("endPort"), port.Port.IntVal, ...) — §2.9 shows the endPort value.
    const [err] = validateNetworkPolicy(wrap({ egress: [{ ports: [{ port: 35000, endPort: 32768 }] }] }));
    expect(err?.message).to.equal('spec.egress[0].ports[0].endPort: Invalid value: 35000: must be greater than or equal to `port`');
    expect(err?.value).to.equal(35000);
  });

  it('renders too many policyTypes with the Go %#v of the slice', () => {
    const errs = validateNetworkPolicy(wrap({ policyTypes: ['Ingress', 'Egress', 'Egress', 'bad'] }));
    expect(errs.map((e) => e.message)).to.deep.equal([
      'spec.policyTypes: Invalid value: []networking.PolicyType{"Ingress", "Egress", "Egress", "bad"}: may not specify more than two policyTypes',
    ]);
    expect(errs[0]?.value).to.deep.equal(['Ingress', 'Egress', 'Egress', 'bad']);
  });

  it('carries value only for the types that show one', () => {
    const errs = validateNetworkPolicy(wrap({ ingress: [{ from: [{}] }, { ports: [{ port: 0 }] }] }));
    expect(errs.map((e) => [e.type, 'value' in e])).to.deep.equal([
      ['Required value', false],
      ['Invalid value', true],
    ]);
  });

  it('quotes strings like Go strconv.Quote', () => {
    expect(goQuote('a"b\\c')).to.equal('"a\\"b\\\\c"');
    expect(goQuote('tab\there\n')).to.equal('"tab\\there\\n"');
    expect(goQuote('\u0001\u007f')).to.equal('"\\x01\\x7f"');
    expect(goQuote('héllo ✓')).to.equal('"héllo ✓"');
    expect(goQuote('\u00a0\u200b')).to.equal('"\\u00a0\\u200b"');
    const [err] = validateNetworkPolicy(wrap({ ingress: [{ ports: [{ port: 'a\tb' }] }] }));
    expect(err?.message).to.equal(
      'spec.ingress[0].ports[0].port: Invalid value: "a\\tb": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)',
    );
  });

  it('formats the API response like the apiserver aggregate', () => {
    const errs = validateNetworkPolicy(wrap({ ingress: [{ from: [{}] }], egress: [{ to: [{}] }] }));
    expect(formatApiValidationErrors('foo', errs)).to.equal(
      'NetworkPolicy.networking.k8s.io "foo" is invalid: [spec.ingress[0].from[0]: Required value: must specify a peer, spec.egress[0].to[0]: Required value: must specify a peer]',
    );
    expect(formatApiValidationErrors('foo', errs.slice(0, 1))).to.equal(
      'NetworkPolicy.networking.k8s.io "foo" is invalid: spec.ingress[0].from[0]: Required value: must specify a peer',
    );
  });
});

describe('native/validate: metadata (§2.2)', () => {
  function metaErrors(metadata: unknown): string[] {
    return validateNetworkPolicy({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata, spec: {} }).map(
      (e) => e.message,
    );
  }

  it('accepts DNS-1123 subdomain names up to 253 characters', () => {
    expect(metaErrors({ name: 'allow-dns.v1', namespace: 'kube-system' })).to.deep.equal([]);
    const long = `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(61)}`;
    expect(long).to.have.lengthOf(253);
    expect(metaErrors({ name: long, namespace: 'bar' })).to.deep.equal([]);
    expect(metaErrors({ name: `${long}x`, namespace: 'bar' })).to.deep.equal([
      `metadata.name: Invalid value: "${long}x": must be no more than 253 characters`,
    ]);
  });

  it('rejects bad names with the RFC 1123 subdomain message', () => {
    expect(metaErrors({ name: 'Allow_DNS', namespace: 'bar' })).to.deep.equal([
      `metadata.name: Invalid value: "Allow_DNS": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`,
    ]);
    expect(metaErrors({ name: '-x', namespace: 'bar' })).to.have.lengthOf(1);
    expect(metaErrors({ name: 'x.', namespace: 'bar' })).to.have.lengthOf(1);
  });

  it('requires a name (or generateName) and a namespace', () => {
    expect(metaErrors({})).to.deep.equal([
      'metadata.name: Required value: name or generateName is required',
      'metadata.namespace: Required value',
    ]);
    expect(metaErrors(undefined)).to.have.lengthOf(2);
    expect(metaErrors({ generateName: 'allow-', namespace: 'bar' })).to.deep.equal([]);
    expect(metaErrors({ generateName: 'Allow-', namespace: 'bar' })).to.have.lengthOf(2); // generateName and the generated name
  });

  it('requires the namespace to be a DNS-1123 label', () => {
    expect(metaErrors({ name: 'foo', namespace: 'a.b' })).to.deep.equal(['metadata.namespace: Invalid value: "a.b": must not contain dots']);
    expect(metaErrors({ name: 'foo', namespace: 'A' })).to.deep.equal([
      `metadata.namespace: Invalid value: "A": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')`,
    ]);
    expect(metaErrors({ name: 'foo', namespace: 'n'.repeat(64) })).to.deep.equal([
      `metadata.namespace: Invalid value: "${'n'.repeat(64)}": must be no more than 63 characters`,
    ]);
  });

  it('validates labels and annotations', () => {
    expect(metaErrors({ name: 'foo', namespace: 'bar', labels: { 'app.kubernetes.io/name': 'web', bad_: 'x' } })).to.deep.equal([
      `metadata.labels: Invalid value: "bad_": ${NAME_PART_ERR}`,
    ]);
    expect(metaErrors({ name: 'foo', namespace: 'bar', annotations: { 'Example.COM/Note': 'anything at all: ok' } })).to.deep.equal([]);
    expect(metaErrors({ name: 'foo', namespace: 'bar', annotations: { a: 'x'.repeat(256 * 1024) } })).to.deep.equal([
      'metadata.annotations: Too long: may not be more than 262144 bytes',
    ]);
    expect(metaErrors({ name: 'foo', namespace: 'bar', annotations: { a: 'x'.repeat(256 * 1024 - 1) } })).to.deep.equal([]);
  });

  it('checks apiVersion and kind', () => {
    expect(validateNetworkPolicy({ metadata: { name: 'a', namespace: 'b' } }).map((e) => e.message)).to.deep.equal([
      'apiVersion: Required value',
      'kind: Required value',
    ]);
    expect(
      validateNetworkPolicy({ apiVersion: 'cilium.io/v2', kind: 'NetworkPolicy', metadata: { name: 'a', namespace: 'b' } }).map(
        (e) => e.message,
      ),
    ).to.deep.equal(['apiVersion: Unsupported value: "cilium.io/v2": supported values: "networking.k8s.io/v1"']);
  });
});

describe('native/validate: selectors, peers, ports, ipBlock details', () => {
  function fields(spec: unknown): string[] {
    return summary(validateNetworkPolicy(wrap(spec)));
  }

  it('label keys: prefix must be a DNS subdomain, name ≤63, upper case allowed in the name', () => {
    expect(fields({ podSelector: { matchLabels: { 'Example.com/app': 'x' } } })).to.deep.equal(['spec.podSelector.matchLabels | Invalid value']);
    expect(fields({ podSelector: { matchLabels: { 'example.com/App_1.x': 'X-y_z.1' } } })).to.deep.equal([]);
    expect(fields({ podSelector: { matchLabels: { [`example.com/${'a'.repeat(63)}`]: '' } } })).to.deep.equal([]);
    const errs = validateNetworkPolicy(wrap({ podSelector: { matchLabels: { [`${'a'.repeat(64)}`]: '' } } }));
    expect(errs.map((e) => e.detail)).to.deep.equal(['name part must be no more than 63 characters']);
    const slash = validateNetworkPolicy(wrap({ podSelector: { matchLabels: { 'example.com/': 'v' } } }));
    expect(slash.map((e) => e.detail)).to.deep.equal(['name part must be non-empty', NAME_PART_ERR]);
  });

  it('matchExpressions: key checked, values checked, NotIn/DoesNotExist accepted', () => {
    expect(
      fields({
        podSelector: {
          matchExpressions: [
            { key: 'app', operator: 'NotIn', values: ['a', ''] },
            { key: 'tier', operator: 'DoesNotExist' },
            { key: 'x', operator: 'Exists', values: [] },
          ],
        },
      }),
    ).to.deep.equal([]);
    expect(fields({ podSelector: { matchExpressions: [{ key: 'bad key', operator: 'In', values: ['v'] }] } })).to.deep.equal([
      'spec.podSelector.matchExpressions[0].key | Invalid value',
    ]);
    expect(fields({ podSelector: { matchExpressions: [{ key: 'k', operator: 'in', values: ['v'] }] } })).to.deep.equal([
      'spec.podSelector.matchExpressions[0].operator | Invalid value',
    ]);
  });

  it('peers: null selectors are absent, empty ones count', () => {
    expect(fields({ ingress: [{ from: [{ podSelector: null }] }] })).to.deep.equal(['spec.ingress[0].from[0] | Required value']);
    expect(fields({ ingress: [{ from: [null] }] })).to.deep.equal(['spec.ingress[0].from[0] | Required value']);
    expect(fields({ ingress: [{ from: [{ namespaceSelector: {} }] }] })).to.deep.equal([]);
    expect(fields({ ingress: [{ from: [{ namespaceSelector: {}, podSelector: {}, ipBlock: { cidr: '1.2.3.0/24' } }] }] })).to.deep.equal([
      'spec.ingress[0].from[0] | Forbidden',
    ]);
    // Errors inside the ipBlock come before the peer-level error.
    expect(fields({ egress: [{ to: [{ podSelector: {}, ipBlock: { cidr: 'x' } }] }] })).to.deep.equal([
      'spec.egress[0].to[0].ipBlock.cidr | Invalid value',
      'spec.egress[0].to[0] | Forbidden',
    ]);
  });

  it('ports: bounds, name rules, and all messages of one name', () => {
    expect(fields({ ingress: [{ ports: [{ port: 1 }, { port: 65535 }, { port: 'a' }, { port: 'x'.repeat(15) }, { port: '1-a' }] }] })).to.deep.equal([]);
    expect(fields({ ingress: [{ ports: [{ port: 65536 }, { port: -1 }] }] })).to.deep.equal([
      'spec.ingress[0].ports[0].port | Invalid value',
      'spec.ingress[0].ports[1].port | Invalid value',
    ]);
    const all = validateNetworkPolicy(wrap({ ingress: [{ ports: [{ port: '-Very--Long-Port-Name-' }] }] }));
    expect(all.map((e) => e.detail)).to.deep.equal([
      'must be no more than 15 characters',
      'must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)',
      'must not contain consecutive hyphens',
      'must not begin or end with a hyphen',
    ]);
    const empty = validateNetworkPolicy(wrap({ ingress: [{ ports: [{ port: '' }] }] }));
    expect(empty.map((e) => e.detail)).to.deep.equal([
      'must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)',
      'must contain at least one letter (a-z)',
    ]);
    // A port out of range and an endPort below it: both reported, plus the endPort's own range error.
    expect(validateNetworkPolicy(wrap({ ingress: [{ ports: [{ port: 70000, endPort: 0 }] }] })).map((e) => e.message)).to.deep.equal([
      'spec.ingress[0].ports[0].port: Invalid value: 70000: must be between 1 and 65535, inclusive',
      'spec.ingress[0].ports[0].endPort: Invalid value: 70000: must be greater than or equal to `port`',
      'spec.ingress[0].ports[0].endPort: Invalid value: 0: must be between 1 and 65535, inclusive',
    ]);
  });

  it('ipBlock: sloppy CIDR parsing with default feature gates', () => {
    const block = (cidr: string, except?: string[]): unknown => ({ egress: [{ to: [{ ipBlock: { cidr, except } }] }] });
    for (const ok of ['10.1.2.3/8', '010.000.0.0/08', '::/0', '2001:DB8::1/32', '::ffff:1.2.3.0/120', '0.0.0.0/0', '1.2.3.4/32']) {
      expect(fields(block(ok)), ok).to.deep.equal([]);
    }
    for (const bad of ['10.0.0.0/33', '::/129', '10.0.0.0/', '/8', '10.0.0/8', ' 10.0.0.0/8', '10.0.0.0/8 ', 'fe80::1%eth0/64', '10.0.0.0/-1', '1:2:3:4:5:6:7:8:9/64']) {
      expect(fields(block(bad)), bad).to.deep.equal(['spec.egress[0].to[0].ipBlock.cidr | Invalid value']);
    }
    // An invalid cidr stops the except checks; an empty cidr too.
    expect(fields(block('nope', ['also-nope']))).to.deep.equal(['spec.egress[0].to[0].ipBlock.cidr | Invalid value']);
    expect(fields(block('', ['also-nope']))).to.deep.equal(['spec.egress[0].to[0].ipBlock.cidr | Required value']);
    // Except: compared on the masked cidr; host bits in either are fine.
    expect(fields(block('10.1.2.3/8', ['10.200.0.7/16', '10.0.0.0/9']))).to.deep.equal([]);
    expect(fields(block('10.0.0.0/8', ['10.0.0.0/8', '11.0.0.0/16', '10.0.0.0/7', 'x', '10.0.0.0/32']))).to.deep.equal([
      'spec.egress[0].to[0].ipBlock.except[0] | Invalid value',
      'spec.egress[0].to[0].ipBlock.except[1] | Invalid value',
      'spec.egress[0].to[0].ipBlock.except[2] | Invalid value',
      'spec.egress[0].to[0].ipBlock.except[3] | Invalid value',
    ]);
    expect(fields(block('fd00::/8', ['10.0.0.0/16']))).to.deep.equal(['spec.egress[0].to[0].ipBlock.except[0] | Invalid value']);
  });

  it('ipBlock: Go net.IPNet quirks for IPv4-mapped IPv6', () => {
    const block = (cidr: string, except: string[]): unknown => ({ egress: [{ to: [{ ipBlock: { cidr, except } }] }] });
    // Contains() looks at a mapped network as IPv4, while the mask lengths are compared as written.
    expect(fields(block('1.2.3.0/24', ['::ffff:1.2.3.128/121']))).to.deep.equal([]);
    expect(fields(block('::ffff:1.2.3.0/120', ['1.2.3.128/25']))).to.deep.equal(['spec.egress[0].to[0].ipBlock.except[0] | Invalid value']);
    expect(fields(block('::ffff:1.2.3.0/120', ['::ffff:1.2.3.128/121']))).to.deep.equal([]);
    expect(fields(block('::/0', ['::ffff:1.2.3.0/120']))).to.deep.equal(['spec.egress[0].to[0].ipBlock.except[0] | Invalid value']);
    expect(fields(block('::/0', ['::1.2.3.0/120']))).to.deep.equal([]);
  });
});

describe('native/validate: wrong JSON types and odd input never throw', () => {
  function errsOf(spec: unknown): ApiValidationError[] {
    return validateNetworkPolicy(wrap(spec));
  }

  it('reports wrong JSON types as Invalid value on the field', () => {
    const cases: Array<[unknown, string]> = [
      [{ ingress: [{ ports: [{ port: true }] }] }, 'spec.ingress[0].ports[0].port'],
      [{ ingress: [{ ports: [{ port: 80.5 }] }] }, 'spec.ingress[0].ports[0].port'],
      [{ ingress: [{ ports: [{ port: 2 ** 31 }] }] }, 'spec.ingress[0].ports[0].port'],
      [{ ingress: [{ ports: [{ port: 80, endPort: '90' }] }] }, 'spec.ingress[0].ports[0].endPort'],
      [{ ingress: [{ ports: [{ protocol: 6 }] }] }, 'spec.ingress[0].ports[0].protocol'],
      [{ ingress: 'all' }, 'spec.ingress'],
      [{ ingress: {} }, 'spec.ingress'],
      [{ egress: [[]] }, 'spec.egress[0]'],
      [{ egress: [{ to: {} }] }, 'spec.egress[0].to'],
      [{ egress: [{ ports: 'any' }] }, 'spec.egress[0].ports'],
      [{ egress: [{ to: ['10.0.0.0/8'] }] }, 'spec.egress[0].to[0]'],
      [{ egress: [{ to: [{ ipBlock: '10.0.0.0/8' }] }] }, 'spec.egress[0].to[0].ipBlock'],
      [{ egress: [{ to: [{ ipBlock: { cidr: 10 } }] }] }, 'spec.egress[0].to[0].ipBlock.cidr'],
      [{ egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/8', except: '10.1.0.0/16' } }] }] }, 'spec.egress[0].to[0].ipBlock.except'],
      [{ egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/8', except: [7] } }] }] }, 'spec.egress[0].to[0].ipBlock.except[0]'],
      [{ podSelector: [] }, 'spec.podSelector'],
      [{ podSelector: { matchLabels: { app: 1 } } }, 'spec.podSelector.matchLabels'],
      [{ podSelector: { matchLabels: ['app'] } }, 'spec.podSelector.matchLabels'],
      [{ podSelector: { matchExpressions: { key: 'a' } } }, 'spec.podSelector.matchExpressions'],
      [{ podSelector: { matchExpressions: [{ key: 'a', operator: 'In', values: 'x' }] } }, 'spec.podSelector.matchExpressions[0].values'],
      [{ podSelector: { matchExpressions: [{ key: 'a', operator: 'In', values: [1] }] } }, 'spec.podSelector.matchExpressions[0].values[0]'],
      [{ podSelector: { matchExpressions: [{ key: 'a', operator: true }] } }, 'spec.podSelector.matchExpressions[0].operator'],
      [{ podSelector: { matchExpressions: [{ key: ['a'], operator: 'Exists' }] } }, 'spec.podSelector.matchExpressions[0].key'],
      [{ policyTypes: 'Ingress' }, 'spec.policyTypes'],
      [{ policyTypes: [1] }, 'spec.policyTypes[0]'],
      ['spec', 'spec'],
    ];
    for (const [spec, field] of cases) {
      const errs = errsOf(spec);
      expect(errs, JSON.stringify(spec)).to.not.be.empty;
      expect(summary(errs), JSON.stringify(spec)).to.include(`${field} | Invalid value`);
    }
    expect(errsOf({ ingress: [{ ports: [{ port: true }] }] }).map((e) => e.message)).to.deep.equal([
      'spec.ingress[0].ports[0].port: Invalid value: true: must be of type integer or string',
    ]);
    expect(errsOf({ ingress: 'all' }).map((e) => e.message)).to.deep.equal(['spec.ingress: Invalid value: "all": must be of type array']);
  });

  it('decodes null like Go: absent pointers and lists, zero-valued strings and structs', () => {
    expect(errsOf(null)).to.deep.equal([]);
    expect(errsOf({ podSelector: null, ingress: null, egress: [null], policyTypes: null })).to.deep.equal([]);
    expect(errsOf({ ingress: [{ ports: [null, { port: null, protocol: null, endPort: null }] }] })).to.deep.equal([]);
    expect(summary(errsOf({ egress: [{ to: [{ ipBlock: { cidr: null } }] }] }))).to.deep.equal(['spec.egress[0].to[0].ipBlock.cidr | Required value']);
    expect(summary(errsOf({ egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/8', except: [null] } }] }] }))).to.deep.equal([
      'spec.egress[0].to[0].ipBlock.except[0] | Invalid value',
    ]);
    expect(summary(errsOf({ policyTypes: [null] }))).to.deep.equal(['spec.policyTypes[0] | Unsupported value']);
    expect(errsOf({ podSelector: { matchLabels: { app: null } } })).to.deep.equal([]);
  });

  it('handles non-object roots and exotic values', () => {
    for (const root of [null, undefined, 42, 'np', [], true]) {
      const errs = validateNetworkPolicy(root);
      expect(summary(errs), String(root)).to.deep.equal(['<root> | Invalid value']);
    }
    const cyclic: Record<string, unknown> = { podSelector: {} };
    cyclic.ingress = [{ ports: [{ port: cyclic }] }];
    expect(summary(errsOf(cyclic))).to.deep.equal(['spec.ingress[0].ports[0].port | Invalid value']);
    expect(summary(errsOf({ ingress: [{ ports: [{ port: 80n, endPort: Symbol('x') }] }] }))).to.deep.equal([
      'spec.ingress[0].ports[0].endPort | Invalid value',
      'spec.ingress[0].ports[0].port | Invalid value',
    ]);
    const throwing = {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'a', namespace: 'b' },
      get spec(): unknown {
        throw new Error('boom');
      },
    };
    expect(summary(validateNetworkPolicy(throwing))).to.deep.equal(['<root> | Invalid value']);
    const revoked = Proxy.revocable({}, {});
    revoked.revoke();
    expect(() => validateNetworkPolicy(wrap(revoked.proxy))).to.not.throw();
    expect(() => validateNetworkPolicy(revoked.proxy)).to.not.throw();
  });

  it('survives random mutations of every vector', () => {
    let seed = 0x9e3779b9;
    const rand = (): number => {
      seed ^= seed << 13;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      return (seed >>> 0) / 0x100000000;
    };
    const junk: unknown[] = [null, true, false, 0, -1, 1.5, 2 ** 40, '', ' ', 'x', 'TCP', '10.0.0.0/8', '::/0', [], [null], {}, { a: 1 }, [[{}]]];
    const mutate = (v: unknown, depth: number): unknown => {
      if (rand() < 0.08 || depth > 8) return junk[Math.floor(rand() * junk.length)];
      if (Array.isArray(v)) return v.map((x) => mutate(x, depth + 1));
      if (typeof v === 'object' && v !== null) {
        const out: Record<string, unknown> = {};
        for (const [k, x] of Object.entries(v)) if (rand() > 0.05) out[k] = mutate(x, depth + 1);
        return out;
      }
      return v;
    };
    let total = 0;
    for (let round = 0; round < 40; round++) {
      for (const v of vectors) {
        const obj = mutate(wrap(v.spec), 0);
        let errs: ApiValidationError[] = [];
        expect(() => {
          errs = validateNetworkPolicy(obj);
        }).to.not.throw();
        for (const e of errs) {
          expect(e.message.startsWith(`${e.field}: ${e.type}`)).to.equal(true);
          expect(typeof e.detail).to.equal('string');
        }
        total += errs.length;
      }
    }
    expect(total).to.be.greaterThan(0);
  });
});
