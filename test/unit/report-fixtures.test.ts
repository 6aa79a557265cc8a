/**
 * Shared inputs for the report tests, and a check that the pipeline gives them the shape the other report tests
 * rely on (the other `report-*.test.ts` files import from here).
 */
import { expect } from 'chai';
import type { PipelineResult, SourceReport } from '../../src/pipeline/types.js';
import type { Finding } from '../../src/report/finding.js';
import { runPipeline } from '../../src/pipeline/run.js';
import { DEFAULT_OPTIONS } from '../../src/model/options.js';

export const CALICO_YAML = `apiVersion: projectcalico.org/v3
kind: NetworkPolicy
metadata:
  name: deny-and-log
  namespace: shop
spec:
  selector: app == 'api'
  types: [Ingress]
  ingress:
    - action: Log
    - action: Allow
      source:
        selector: app == 'web'
    - action: Allow
      protocol: ICMP
      source:
        selector: app == 'bad'
    - action: Allow
      source:
        selector: app == 'other'
`;

/** Two Cilium policies inside a List: one with an L7 http rule, one with \`ingress: [{}]\`. */
export const CILIUM_YAML = `apiVersion: v1
kind: List
items:
  - apiVersion: cilium.io/v2
    kind: CiliumNetworkPolicy
    metadata:
      name: l7
      namespace: shop
    spec:
      endpointSelector:
        matchLabels:
          app: api
      ingress:
        - fromEndpoints:
            - matchLabels:
                app: web
          toPorts:
            - ports:
                - port: "80"
                  protocol: TCP
              rules:
                http:
                  - method: GET
        - fromEndpoints:
            - matchLabels:
                app: db
  - apiVersion: cilium.io/v2
    kind: CiliumNetworkPolicy
    metadata:
      name: isolate
      namespace: shop
    spec:
      endpointSelector: {}
      ingress: [{}]
`;

export const NATIVE_YAML = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: native
  namespace: shop
spec:
  podSelector: {}
  policyTypes: [Ingress]
`;

export const INVALID_YAML = `apiVersion: v1
kind: [unclosed
  foo: : bar
`;

export const FILES = [
  { name: 'policies/calico.yaml', text: CALICO_YAML },
  { name: 'policies/cilium.yaml', text: CILIUM_YAML },
  { name: 'policies/native.yaml', text: NATIVE_YAML },
  { name: 'policies/broken.yaml', text: INVALID_YAML },
];

export function runAll(): PipelineResult {
  return runPipeline(FILES, { ...DEFAULT_OPTIONS });
}

export function sourceNamed(result: PipelineResult, name: string): SourceReport {
  const s = result.sources.find((x) => x.ref.name === name);
  if (!s) throw new Error(`no source ${name} in ${result.sources.map((x) => x.ref.name).join(', ')}`);
  return s;
}

export function finding(over: Partial<Finding> = {}): Finding {
  return {
    code: 'calico/action-deny',
    severity: 'warning',
    message: 'test',
    file: 'f.yaml',
    line: 1,
    column: 1,
    pointer: '',
    documentIndex: 0,
    effect: 'narrower',
    ...over,
  };
}

/** A source report around `original`, with one finding per dropped pointer. */
export function sourceWith(original: unknown, dropped: string[], pointer = ''): SourceReport {
  return {
    ref: { apiVersion: 'projectcalico.org/v3', kind: 'NetworkPolicy', namespace: 'ns', name: 'p' },
    cni: 'calico',
    file: 'f.yaml',
    line: 1,
    column: 1,
    documentIndex: 0,
    pointer,
    status: 'partial',
    verdict: 'narrower',
    findings: dropped.map((d) => finding({ pointer: d, dropped: d })),
    outputs: [],
    original,
  };
}

export function emptyResult(): PipelineResult {
  return { sources: [], outputs: [], fileFindings: [] };
}

describe('report test fixtures', () => {
  it('produce one source per policy, a dropped Calico rule, an L7 Cilium finding and YAML errors', () => {
    const r = runAll();
    expect(r.sources.map((s) => s.ref.name)).to.deep.equal(['deny-and-log', 'l7', 'isolate', 'native']);
    expect(sourceNamed(r, 'deny-and-log').findings.map((f) => f.code)).to.include.members(['calico/action-log', 'calico/protocol-not-native']);
    expect(sourceNamed(r, 'l7').findings.map((f) => f.code)).to.include('cilium/l7');
    expect(sourceNamed(r, 'l7').pointer).to.equal('/items/0');
    expect(sourceNamed(r, 'isolate').findings.map((f) => f.code)).to.include('cilium/empty-rule');
    expect(r.fileFindings.map((f) => f.code)).to.include('input/yaml-syntax');
  });
});
