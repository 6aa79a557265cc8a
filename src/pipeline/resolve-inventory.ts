/**
 * With a cluster inventory (`--cluster-state` with Pods and Nodes), what native rules cannot say in general becomes
 * sayable for that cluster (issue #5, "Cluster-wide policies with a cluster inventory"):
 * - Calico `contains` / `starts with` / `ends with` (calico §5.5) become `In` / `NotIn` over the label values that
 *   exist: the same pods today, but a pod that comes later with a new value is not covered (reported).
 * - Service-account selectors (Calico `serviceAccounts`, `projectcalico.org/serviceaccount`; Cilium
 *   `io.cilium.k8s.policy.serviceaccount`) become the label sets of the pods that run as those accounts, when those
 *   label sets select no other pod of the inventory.
 * - Node entities (Cilium `host` together with `remote-node`, `toNodes`/`fromNodes`; `remote-node` alone on ingress,
 *   where the pod's own node is always allowed) become the nodes' addresses, which change as nodes come and go.
 * - Services with a selector: Cilium `toServices` becomes the Service's backing pods (its selector in its namespace,
 *   cilium §3.3); Calico `services` becomes its endpoints, the selected pods, and on egress their target ports
 *   (calico §4.9, T26). A Service without a selector (hand-managed endpoints) or missing from the state stays dropped.
 * Every rewrite is reported on its source; the verifier then compares over that inventory.
 */
import { isNativeRequirement, labelsConj, matchesConj, requirement, simplifyConj, type LabelConj, type Requirement } from '../model/labels.js';
import type { Note } from '../model/notes.js';
import type { TranslateOptions } from '../model/options.js';
import { DIRECTIONS, NAMESPACE_NAME_LABEL, type Direction, type ModelPolicy, type ModelRule, type Opaque, type Peer, type ProtoPorts, type SubjectTerm } from '../model/policy.js';
import { formatCidr, parseIp } from '../model/cidr.js';
import { isPlainObject, valueAt } from '../io/documents.js';

type Inventory = NonNullable<TranslateOptions['inventory']>;
type Service = Inventory['services'][number];
type Pod = Inventory['pods'][number];

const SERVICE_ACCOUNT_KEYS = ['projectcalico.org/serviceaccount', 'io.cilium.k8s.policy.serviceaccount'];
/** Opaque codes a resolution removes. */
const SUBSTRING_CODES = ['calico/substring-subject', 'calico/substring-peer'];
const SERVICE_ACCOUNT_CODES = ['calico/service-account-subject', 'calico/service-accounts', 'cilium/service-account-label', 'cilium/service-account-subject'];

interface Context {
  inv: Inventory;
  namespaces: Record<string, Record<string, string>>;
  notes: Note[];
  /** The source object's value, for the Service references the model keeps only as opaque parts. */
  raw: unknown;
}


/** The pods a Service selects, as a model peer. */
function servicePeer(s: Service, path: Peer['path']): Peer {
  return { identity: { kind: 'pods', namespaces: [requirement(NAMESPACE_NAME_LABEL, 'In', [s.namespace])], pods: labelsConj(s.selector ?? {}) }, opaque: [], path };
}

/** Cilium toServices entries (cilium §3.3): by name (any namespace when none is given) or by Service labels. */
function ciliumServices(list: unknown, ctx: Context): Service[] | undefined {
  if (!Array.isArray(list) || list.length === 0) return undefined;
  const out: Service[] = [];
  for (const item of list) {
    if (!isPlainObject(item)) return undefined;
    let found: Service[];
    if (isPlainObject(item.k8sService) && typeof item.k8sService.serviceName === 'string') {
      const ref = item.k8sService;
      found = ctx.inv.services.filter((s) => s.name === ref.serviceName && (typeof ref.namespace !== 'string' || s.namespace === ref.namespace));
    } else if (isPlainObject(item.k8sServiceSelector) && isPlainObject(item.k8sServiceSelector.selector)) {
      const ref = item.k8sServiceSelector;
      const sel = ref.selector as Record<string, unknown>;
      const labels = isPlainObject(sel.matchLabels) ? labelsConj(Object.fromEntries(Object.entries(sel.matchLabels).map(([k, v]) => [k, String(v)]))) : [];
      if (sel.matchExpressions !== undefined) return undefined;
      found = ctx.inv.services.filter((s) => matchesConj(labels, s.labels) && (typeof ref.namespace !== 'string' || s.namespace === ref.namespace));
    } else return undefined;
    if (found.length === 0 || found.some((s) => s.selector === undefined)) return undefined;
    out.push(...found);
  }
  return out;
}

function serviceNote(services: Service[], path: Peer['path'], ctx: Context, ports: boolean): void {
  ctx.notes.push({ code: 'inventory/service', path, message: `resolved against the cluster state: the pods ${services.map((s) => `${s.namespace}/${s.name}`).join(', ')} select${ports ? ', on their target ports' : ''}; exact while the Services keep these selectors and ports` });
}

/** Services a rule names (Cilium toServices, Calico services), as pods; the rule otherwise unchanged. */
function resolveServices(d: Direction, r: ModelRule, ctx: Context): ModelRule {
  const cil = r.opaque.find((o) => o.code === 'cilium/to-services');
  if (cil && r.peers === 'any') {
    const services = ciliumServices(valueAt(ctx.raw, cil.path), ctx);
    if (!services) return r;
    serviceNote(services, cil.path, ctx, false);
    return { ...r, peers: services.map((s) => servicePeer(s, cil.path)), opaque: r.opaque.filter((o) => o !== cil) };
  }
  const cal = r.opaque.find((o) => o.code === 'calico/services');
  if (cal && r.peers === 'any') {
    const ref = valueAt(ctx.raw, cal.path);
    if (!isPlainObject(ref) || typeof ref.name !== 'string' || typeof ref.namespace !== 'string' || ref.namespace === '') return r; // calico D4: an empty namespace matches nothing in Felix
    const s = ctx.inv.services.find((x) => x.name === ref.name && x.namespace === ref.namespace);
    if (!s || s.selector === undefined) return r;
    let ports = r.ports;
    if (d === 'egress') {
      // Destination services: the endpoints' address x port pairs, i.e. the target ports on the selected pods.
      if (r.ports !== 'all') return r;
      ports = s.ports.map((p): ProtoPorts => {
        const protocol = (['TCP', 'UDP', 'SCTP'].includes(p.protocol) ? p.protocol : 'TCP') as ProtoPorts['protocol'];
        const target = p.targetPort ?? p.port;
        return typeof target === 'string' ? { protocol, ranges: [], named: [target.toLowerCase()] } : { protocol, ranges: [[target, target]] };
      });
      if (ports.length === 0) return r;
    }
    serviceNote([s], cal.path, ctx, d === 'egress');
    return { ...r, peers: [servicePeer(s, cal.path)], ports, opaque: r.opaque.filter((o) => o !== cal) };
  }
  return r;
}

/** A pod's labels with its service account's name and (Calico `pcsa.` keys) the account's labels. */
function podLabels(p: Pod): Record<string, string> {
  const out: Record<string, string> = { ...p.labels };
  for (const k of SERVICE_ACCOUNT_KEYS) out[k] = p.serviceAccount;
  for (const [k, v] of Object.entries(p.serviceAccountLabels ?? {})) out[`pcsa.${k}`] = v;
  return out;
}

function isServiceAccountRequirement(r: Requirement): boolean {
  return SERVICE_ACCOUNT_KEYS.includes(r.key) || r.key.startsWith('pcsa.');
}

function nsLabels(ctx: Context, ns: string): Record<string, string> {
  return { ...(ctx.namespaces[ns] ?? {}), [NAMESPACE_NAME_LABEL]: ns };
}

/** A substring requirement as `In` / `NotIn` over the values that exist. */
function substringToNative(r: Requirement, values: Iterable<string>): Requirement {
  const positive = r.op === 'Contains' || r.op === 'StartsWith' || r.op === 'EndsWith';
  const probe = { ...r, op: positive ? r.op : (r.op.slice(3) as Requirement['op']) };
  const hits = [...new Set(values)].filter((v) => matchesConj([probe], { [r.key]: v }));
  return requirement(r.key, positive ? 'In' : 'NotIn', hits);
}

function valuesOf(records: Iterable<Record<string, string>>, key: string): string[] {
  const out: string[] = [];
  for (const rec of records) if (rec[key] !== undefined) out.push(rec[key]!);
  return out;
}

function resolveSubstrings(conj: LabelConj, records: Array<Record<string, string>>): LabelConj | null | 'same' {
  if (conj.every(isNativeRequirement)) return 'same';
  return simplifyConj(conj.map((r) => (isNativeRequirement(r) ? r : substringToNative(r, valuesOf(records, r.key)))));
}

/**
 * Pods conjunctions that select exactly the inventory pods a service-account conjunction selects (within the
 * namespaces `nsConj` covers): one per distinct label set, or undefined when a label set also fits another pod.
 */
function resolveServiceAccount(pods: LabelConj, nsConj: LabelConj, ctx: Context): LabelConj[] | undefined {
  const inScope = ctx.inv.pods.filter((p) => matchesConj(nsConj, nsLabels(ctx, p.namespace)));
  const chosen = inScope.filter((p) => matchesConj(pods, podLabels(p)));
  const others = inScope.filter((p) => !chosen.includes(p));
  const rest = pods.filter((r) => !isServiceAccountRequirement(r));
  if (!rest.every(isNativeRequirement)) return undefined;
  // An account's labels are known only when the state lists the ServiceAccounts (collect writes them).
  if (!ctx.inv.accountLabelsKnown && pods.some((r) => r.key.startsWith('pcsa.'))) return undefined;
  const out = new Map<string, LabelConj>();
  for (const p of chosen) {
    const conj = simplifyConj([...rest, ...labelsConj(p.labels)]);
    if (conj === null) return undefined;
    if (others.some((q) => matchesConj(conj, q.labels))) return undefined;
    out.set(JSON.stringify(conj), conj);
  }
  return [...out.values()];
}

/** A pods/namespaces pair after resolution: several pairs (a union), or undefined when nothing changed/resolvable. */
function resolvePair(namespaces: LabelConj, pods: LabelConj, ctx: Context): Array<{ namespaces: LabelConj; pods: LabelConj }> | undefined {
  const ns = resolveSubstrings(namespaces, Object.keys(ctx.namespaces).map((n) => nsLabels(ctx, n)));
  if (ns === null) return [];
  const nsConj = ns === 'same' ? namespaces : ns;
  const usesSa = pods.some(isServiceAccountRequirement);
  const podsStep = usesSa ? pods : resolveSubstrings(pods, ctx.inv.pods.map((p) => p.labels));
  if (podsStep === null) return [];
  if (!usesSa) return ns === 'same' && podsStep === 'same' ? undefined : [{ namespaces: nsConj, pods: podsStep === 'same' ? pods : podsStep }];
  // Substring parts of a service-account conjunction resolve with it, over the pods themselves.
  const sa = resolveServiceAccount(pods, nsConj, ctx);
  return sa === undefined ? undefined : sa.map((p) => ({ namespaces: nsConj, pods: p }));
}

const NODE_ENTITIES = new Set(['host', 'remote-node', 'nodes']);

function nodePeer(ctx: Context, path: Peer['path']): Peer | undefined {
  const cidrs = ctx.inv.nodes.flatMap((n) => n.addresses).map((a) => parseIp(a)).filter((ip): ip is NonNullable<typeof ip> => ip !== null).map((ip) => formatCidr(ip.family, ip.bits, ip.family === 4 ? 32 : 128));
  if (cidrs.length === 0) return undefined;
  return { identity: { kind: 'any' }, addresses: [...new Set(cidrs)].sort().map((cidr) => ({ cidr, except: [] })), opaque: [], path };
}

function resolveRule(d: Direction, rule: ModelRule, ctx: Context): ModelRule {
  const r = ctx.inv.services.length > 0 ? resolveServices(d, rule, ctx) : rule;
  if (r.peers === 'any') return r;
  let changed = false;
  const peers: Peer[] = [];
  // Node entities: only where the whole of "the nodes" is meant (module comment).
  const entities = new Set(r.peers.flatMap((p) => (p.identity.kind === 'entity' && NODE_ENTITIES.has(p.identity.name) ? [p.identity.name] : [])));
  const allNodes = entities.has('nodes') || (entities.has('host') && entities.has('remote-node')) || (d === 'ingress' && entities.has('remote-node'));
  let nodesDone = false;
  for (const p of r.peers) {
    if (allNodes && p.identity.kind === 'entity' && NODE_ENTITIES.has(p.identity.name)) {
      const np = ctx.inv.nodes.length > 0 ? nodePeer(ctx, p.path) : undefined;
      if (np) {
        changed = true;
        if (!nodesDone) {
          peers.push(np);
          ctx.notes.push({ code: 'inventory/node-addresses', path: p.path, message: `the nodes are the addresses of the ${ctx.inv.nodes.length} nodes in the cluster state (${np.addresses!.map((a) => a.cidr).join(', ')}); they change as nodes come and go, so convert again when they do` });
        }
        nodesDone = true;
        continue;
      }
    }
    if (p.identity.kind === 'pods') {
      const pairs = ctx.inv.pods.length > 0 ? resolvePair(p.identity.namespaces, p.identity.pods, ctx) : undefined;
      if (pairs !== undefined) {
        changed = true;
        const opaque = p.opaque.filter((o) => !SUBSTRING_CODES.includes(o.code) && !SERVICE_ACCOUNT_CODES.includes(o.code));
        peers.push(...pairs.map((x) => ({ ...p, identity: { kind: 'pods' as const, ...x }, opaque })));
        ctx.notes.push({ code: 'inventory/selector', path: p.path, message: resolvedMessage(pairs.length, ctx) });
        continue;
      }
    }
    peers.push(p);
  }
  return changed ? { ...r, peers } : r;
}


function resolvedMessage(n: number, ctx: Context): string {
  return `resolved against the ${ctx.inv.pods.length} pods of the cluster state (${n === 0 ? 'it selects none of them' : `${n} label ${n === 1 ? 'selector' : 'selectors'}`}): exact for the pods and label values that exist now; a pod added later with another value is not covered`;
}

/** The model with its selectors and node entities resolved against the inventory (module comment). */
export function resolveInventory(m: ModelPolicy, options: TranslateOptions, raw: unknown): { model: ModelPolicy; notes: Note[] } {
  const inv = options.inventory;
  if (!inv) return { model: m, notes: [] };
  const ctx: Context = { inv, namespaces: options.namespaceLabels ?? {}, notes: [], raw };
  let out = m;
  // Only where the terms themselves carry what made the subject unwritable can resolving them make it writable.
  const subjectUnwritable = m.subject.opaque.every((o) => SUBSTRING_CODES.includes(o.code) || SERVICE_ACCOUNT_CODES.includes(o.code));
  const termsCarryIt = m.subject.terms.some((t) => [...t.pods, ...t.namespaces].some((r) => !isNativeRequirement(r) || isServiceAccountRequirement(r)));
  if (m.subject.opaque.length > 0 && subjectUnwritable && termsCarryIt && inv.pods.length > 0) {
    const terms: SubjectTerm[] = [];
    let ok = true;
    for (const t of m.subject.terms) {
      const pairs = resolvePair(t.namespaces, t.pods, ctx);
      if (pairs === undefined) {
        if ([...t.pods, ...t.namespaces].every((r) => isNativeRequirement(r) && !isServiceAccountRequirement(r))) terms.push(t);
        else ok = false;
      } else terms.push(...pairs);
    }
    if (ok) {
      out = { ...out, subject: { ...out.subject, terms, opaque: [] as Opaque[] } };
      ctx.notes.push({ code: 'inventory/selector', path: m.subject.path, message: resolvedMessage(terms.length, ctx) });
    }
  }
  for (const d of DIRECTIONS) {
    const dp = out[d];
    if (!dp) continue;
    const rules = dp.rules.map((r) => resolveRule(d, r, ctx));
    if (rules.some((r, i) => r !== dp.rules[i])) out = { ...out, [d]: { ...dp, rules } };
  }
  return { model: out, notes: ctx.notes };
}
