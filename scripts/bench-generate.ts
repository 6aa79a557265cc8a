/**
 * Deterministic generator of a realistic mix of Calico and Cilium policies, for the benchmark.
 */
import { stringify } from 'yaml';

export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const APPS = ['web', 'api', 'db', 'cache', 'queue', 'worker', 'auth', 'search', 'billing', 'frontend'];
const TIERS = ['frontend', 'backend', 'data'];
const TEAMS = ['a', 'b', 'c', 'd'];

export function generatePolicies(count: number, namespaces: number, seed = 42): string {
  const rnd = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));
  const ns = () => `ns-${int(1, namespaces)}`;
  const docs: string[] = [];
  for (let i = 0; i < count; i++) {
    const namespace = ns();
    const rules = int(1, 20);
    if (rnd() < 0.5) docs.push(stringify(calico(i, namespace, rules)));
    else docs.push(stringify(cilium(i, namespace, rules)));
  }
  return docs.join('---\n');

  function calico(i: number, namespace: string, n: number) {
    const ingress = [];
    const egress = [];
    for (let r = 0; r < n; r++) {
      const rule: Record<string, unknown> = { action: rnd() < 0.05 ? 'Deny' : 'Allow', protocol: pick(['TCP', 'UDP']) };
      const side: Record<string, unknown> = {};
      const k = rnd();
      if (k < 0.5) side.selector = `app == '${pick(APPS)}'${rnd() < 0.3 ? ` && tier in {'${pick(TIERS)}', '${pick(TIERS)}'}` : ''}`;
      else if (k < 0.7) {
        side.namespaceSelector = `team == '${pick(TEAMS)}'`;
        side.selector = `app == '${pick(APPS)}' || role == 'ops'`;
      } else if (k < 0.85) side.nets = [`10.${int(0, 255)}.${int(0, 255)}.0/24`];
      const dest = { ports: rnd() < 0.2 ? [`${int(1000, 2000)}:${int(2001, 3000)}`] : [int(1, 65535)] };
      if (rnd() < 0.5) ingress.push({ ...rule, source: side, destination: dest });
      else egress.push({ ...rule, destination: { ...side, ...dest } });
    }
    return {
      apiVersion: 'projectcalico.org/v3',
      kind: 'NetworkPolicy',
      metadata: { name: `calico-${i}`, namespace },
      spec: { selector: `app == '${pick(APPS)}'`, order: int(1, 1000), ingress, egress },
    };
  }

  function cilium(i: number, namespace: string, n: number) {
    const ingress = [];
    const egress = [];
    for (let r = 0; r < n; r++) {
      const k = rnd();
      const toPorts = [{ ports: [{ port: String(int(1, 65535)), protocol: pick(['TCP', 'UDP', 'ANY']) }], ...(rnd() < 0.05 ? { rules: { http: [{ method: 'GET', path: '/api/.*' }] } } : {}) }];
      if (rnd() < 0.5) {
        const from = k < 0.6 ? { fromEndpoints: [{ matchLabels: { app: pick(APPS), ...(rnd() < 0.3 ? { 'k8s:io.kubernetes.pod.namespace': ns() } : {}) } }] } : k < 0.8 ? { fromCIDR: [`192.168.${int(0, 255)}.0/24`] } : { fromEntities: [pick(['cluster', 'world', 'host'])] };
        ingress.push({ ...from, toPorts });
      } else {
        const to = k < 0.6 ? { toEndpoints: [{ matchLabels: { app: pick(APPS) } }] } : k < 0.8 ? { toCIDRSet: [{ cidr: `172.16.${int(0, 255)}.0/24` }] } : { toEntities: [pick(['world', 'kube-apiserver', 'cluster'])] };
        egress.push({ ...to, toPorts: rnd() < 0.1 ? [{ ports: [{ port: '0', protocol: 'ANY' }] }] : toPorts.map((p) => ({ ports: p.ports })) });
      }
    }
    const spec: Record<string, unknown> = { endpointSelector: { matchLabels: { app: pick(APPS) } } };
    if (ingress.length) spec.ingress = ingress;
    if (egress.length) spec.egress = egress;
    if (rnd() < 0.03) spec.ingressDeny = [{ fromCIDR: ['10.66.0.0/16'] }];
    return { apiVersion: 'cilium.io/v2', kind: 'CiliumNetworkPolicy', metadata: { name: `cilium-${i}`, namespace }, spec };
  }
}
