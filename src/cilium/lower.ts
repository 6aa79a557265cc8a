/**
 * Lowers a CiliumNetworkPolicy or CiliumClusterwideNetworkPolicy into the model (cilium-semantics §1–§7): one model
 * policy per rule of `spec` and `specs`; allow and deny entries as rules; default deny per direction from
 * `enableDefaultDeny`; an object with one invalid rule is not enforced at all (T3).
 */
import { isPlainObject, type SourceObject } from '../io/documents.js';
import { simplifyConj } from '../model/labels.js';
import { Notes, type LowerResult } from '../model/notes.js';
import { NAMESPACE_NAME_LABEL, type Direction, type DirectionPolicy, type ModelPolicy, type ModelRule, type Opaque, type Peer, type ProtoPorts } from '../model/policy.js';
import type { TranslateOptions } from '../model/options.js';
import { normalizeProtoPorts } from '../model/ports.js';
import type { JsonPath } from '../report/finding.js';
import { classify, holdsWhenAbsent, parseEndpointSelector, POD_NAMESPACE_KEY } from './labels.js';
import { cidrPeer, cidrRulePeers, endpointPeer, entityPeers, type CidrGroup, type PeerContext, type PeerNote } from './peers.js';
import { parsePortProtocol } from './ports.js';
import { sanitizeRule } from './sanitize.js';

export interface CiliumContext {
  cidrGroups: Map<string, CidrGroup>;
  options: TranslateOptions;
}


const L3_KEYS: Record<Direction, string[]> = {
  ingress: ['fromEndpoints', 'fromCIDR', 'fromCIDRSet', 'fromEntities', 'fromNodes', 'fromGroups'],
  egress: ['toEndpoints', 'toCIDR', 'toCIDRSet', 'toEntities', 'toNodes', 'toGroups', 'toServices', 'toFQDNs'],
};

export function lowerCiliumPolicy(obj: SourceObject, ctx: CiliumContext): LowerResult {
  const notes = new Notes(obj);
  const clusterwide = obj.ref.kind === 'CiliumClusterwideNetworkPolicy';
  let namespace: string | null = null;
  if (!clusterwide) {
    namespace = obj.ref.namespace ?? ctx.options.defaultNamespace;
    if (obj.ref.namespace === undefined) notes.add('input/default-namespace', ['metadata'], `no metadata.namespace: using "${namespace}" as kubectl would`);
  }
  const parts: Array<{ rule: unknown; path: JsonPath }> = [];
  if (obj.value.spec !== undefined && obj.value.spec !== null) parts.push({ rule: obj.value.spec, path: ['spec'] });
  if (Array.isArray(obj.value.specs)) obj.value.specs.forEach((r, i) => parts.push({ rule: r, path: ['specs', i] }));
  if (parts.length === 0) {
    notes.add('cilium/invalid', [], 'spec or specs must be provided; Cilium rejects the object', { dropped: true });
    return { status: 'invalid', policies: [], notes };
  }
  const errors = parts.flatMap((p) => sanitizeRule(p.rule, p.path, clusterwide));
  if (errors.length > 0) {
    for (const e of errors) notes.add('cilium/invalid', e.path, `${e.message}: Cilium ignores the whole object, so it is not converted`, { dropped: true });
    return { status: 'invalid', policies: [], notes };
  }
  const peerCtx: PeerContext = { namespace, cidrGroups: ctx.cidrGroups };
  const policies: ModelPolicy[] = [];
  for (const [index, part] of parts.entries()) {
    const p = lowerPart(obj, part.rule as Record<string, unknown>, part.path, index, namespace, peerCtx, notes);
    if (p) policies.push(p);
  }
  return { status: 'lowered', policies, notes };
}

function lowerPart(obj: SourceObject, rule: Record<string, unknown>, path: JsonPath, part: number, namespace: string | null, peerCtx: PeerContext, notes: Notes): ModelPolicy | null {
  if (rule.nodeSelector !== undefined && rule.nodeSelector !== null) {
    notes.add('cilium/node-selector', [...path, 'nodeSelector'], 'host policies (nodeSelector) apply to nodes, which native policy cannot select; not converted', { dropped: true });
    return null;
  }
  const subjectPath = [...path, 'endpointSelector'];
  const sel = isPlainObject(rule.endpointSelector) ? rule.endpointSelector : {};
  let reqs = parseEndpointSelector(sel) ?? [];
  if (namespace !== null) {
    // A CNP's subject always gets the policy namespace in matchLabels, overwriting a user k8s: key (cilium §2.2, T14).
    const ml = isPlainObject(sel.matchLabels) ? sel.matchLabels : {};
    const overwritten = `k8s:${POD_NAMESPACE_KEY}`;
    if (overwritten in ml) {
      reqs = reqs.filter((r) => !(r.source === 'k8s' && r.key === POD_NAMESPACE_KEY && r.op === 'In' && r.values.length === 1 && r.values[0] === String(ml[overwritten])));
      notes.add('cilium/subject-namespace-key', [...subjectPath, 'matchLabels', overwritten], `Cilium overwrites this key with the policy namespace "${namespace}"`);
    }
  }
  const c = classify(reqs);
  if (c.reserved.some((r) => r.op === 'In' || r.op === 'Exists')) {
    notes.add('cilium/reserved-subject', subjectPath, 'the subject selects reserved (non-pod) endpoints; not converted', { dropped: true });
    return null;
  }
  if (namespace === null && reqs.every(holdsWhenAbsent)) {
    // cilium-health endpoints carry only reserved:health, so a selector of negative requirements matches them too.
    notes.add('cilium/health-subjects', subjectPath, 'this clusterwide selector also selects cilium-health endpoints, which native policy cannot; pods are converted');
  }
  let nsConj = c.namespaces;
  if (namespace !== null) {
    if (c.hasNamespaceKey) notes.add('cilium/subject-namespace-key', subjectPath, `a namespace key in a CiliumNetworkPolicy subject is ANDed with the policy namespace "${namespace}"`);
    nsConj = [...nsConj, { key: NAMESPACE_NAME_LABEL, op: 'In', values: [namespace] }];
  }
  const subjectOpaque: Opaque[] = [];
  if (c.usesServiceAccount) subjectOpaque.push({ code: 'cilium/service-account-subject', kind: 'unrepresentable', path: subjectPath, message: 'the subject selects pods by service account' });
  if (c.absentKeys.length) notes.add('cilium/filtered-label', subjectPath, `Cilium treats ${c.absentKeys.join(', ')} as absent on pods`);
  const ns = simplifyConj(nsConj);
  const pods = simplifyConj(c.pods);
  const terms = c.matchesNoPod || ns === null || pods === null ? [] : [{ namespaces: ns, pods }];
  const model: ModelPolicy = {
    cni: 'cilium',
    source: { file: obj.file, documentIndex: obj.documentIndex, basePath: obj.basePath, ...obj.locate([]), ref: obj.ref },
    part,
    partPath: path,
    namespace,
    subject: { terms, opaque: subjectOpaque, path: subjectPath },
  };
  const dd = isPlainObject(rule.enableDefaultDeny) ? rule.enableDefaultDeny : {};
  for (const direction of ['ingress', 'egress'] as const) {
    const allowKey = direction;
    const denyKey = `${direction}Deny`;
    const allows = Array.isArray(rule[allowKey]) ? (rule[allowKey] as unknown[]) : [];
    const denies = Array.isArray(rule[denyKey]) ? (rule[denyKey] as unknown[]) : [];
    const flag = dd[direction];
    if (allows.length + denies.length === 0) {
      if (flag === true) notes.add('cilium/default-deny-no-entries', [...path, 'enableDefaultDeny', direction], `enableDefaultDeny.${direction} has no effect without ${direction} entries`);
      continue;
    }
    // cilium §2.4: a missing flag defaults to "entries exist" (enable-non-default-deny-policies=true).
    const isolates = flag !== false;
    // Whether this can be carried exactly is the translator's call (compile/compile.ts): the note comes from there.
    const rules: ModelRule[] = [];
    const peerNotes: PeerNote[] = [];
    allows.forEach((e, i) => rules.push(...lowerEntry(e, [...path, allowKey, i], direction, 'allow', peerCtx, peerNotes, notes)));
    denies.forEach((e, i) => rules.push(...lowerEntry(e, [...path, denyKey, i], direction, 'deny', peerCtx, peerNotes, notes)));
    for (const n of peerNotes) notes.addNote(n);
    const dp: DirectionPolicy = { isolates, rules, path: [...path, allowKey] };
    model[direction] = dp;
  }
  return model;
}

function lowerEntry(raw: unknown, path: JsonPath, direction: Direction, action: 'allow' | 'deny', ctx: PeerContext, peerNotes: PeerNote[], notes: Notes): ModelRule[] {
  const entry = isPlainObject(raw) ? raw : {};
  const ruleOpaque: Opaque[] = [];
  const l3Key = L3_KEYS[direction].find((k) => entry[k] !== undefined && entry[k] !== null);
  let peers: 'any' | Peer[] = 'any';
  if (l3Key !== undefined) {
    const list = Array.isArray(entry[l3Key]) ? (entry[l3Key] as unknown[]) : [];
    const lp = [...path, l3Key];
    if (list.length === 0 && !['fromGroups', 'toGroups', 'toFQDNs', 'toServices'].includes(l3Key)) {
      notes.add('cilium/empty-l3', lp, `an empty ${l3Key} selects nothing (Cilium >= 1.15): this rule allows nothing`, { dropped: true });
      return [];
    }
    if (list.length === 0) {
      // cilium §2.5: the empty-list check does not cover these members, so an empty one acts as absent (L3 wildcard).
      notes.add('cilium/empty-l3', lp, `an empty ${l3Key} is not checked by Cilium and acts as absent: the rule applies to every peer`, { dropped: true });
    }
    const out: Peer[] = [];
    let any = false;
    switch (l3Key) {
      case 'fromEndpoints':
      case 'toEndpoints':
        list.forEach((s, i) => {
          const p = endpointPeer(s, [...lp, i], ctx, peerNotes);
          if (p) out.push(p);
        });
        break;
      case 'fromCIDR':
      case 'toCIDR':
        list.forEach((s, i) => {
          const p = typeof s === 'string' ? cidrPeer(s, [], [...lp, i]) : null;
          if (p) out.push(p);
        });
        break;
      case 'fromCIDRSet':
      case 'toCIDRSet':
        list.forEach((s, i) => out.push(...cidrRulePeers(s, [...lp, i], ctx, peerNotes)));
        break;
      case 'fromEntities':
      case 'toEntities':
        list.forEach((s, i) => {
          const p = entityPeers(String(s), [...lp, i]);
          if (p === 'any') any = true;
          else out.push(...p);
          if (s === 'all') peerNotes.push({ code: 'cilium/entity-all', path: [...lp, i], message: 'entity all: every peer' });
        });
        break;
      case 'fromNodes':
      case 'toNodes':
        list.forEach((_, i) => out.push({ identity: { kind: 'entity', name: 'nodes', code: 'cilium/nodes' }, opaque: [], path: [...lp, i] }));
        break;
      case 'fromGroups':
      case 'toGroups':
        if (list.length === 0) {
          any = true;
          break;
        }
        ruleOpaque.push({ code: 'cilium/groups', kind: 'unrepresentable', path: lp, message: `${l3Key} are resolved from the cloud provider at run time` });
        any = true;
        break;
      case 'toFQDNs':
        if (list.length === 0) {
          any = true;
          break;
        }
        ruleOpaque.push({ code: 'cilium/to-fqdns', kind: 'unrepresentable', path: lp, message: 'toFQDNs allows the addresses DNS answers return at run time' });
        any = true;
        break;
      case 'toServices':
        if (list.length === 0) {
          any = true;
          break;
        }
        ruleOpaque.push({ code: 'cilium/to-services', kind: 'unrepresentable', path: lp, message: 'toServices resolves Services at run time (an unresolved one even allows the ports to everyone)' });
        any = true;
        break;
    }
    peers = any ? 'any' : out;
  }
  for (const rk of direction === 'ingress' ? ['fromRequires'] : ['toRequires']) {
    if (Array.isArray(entry[rk]) && (entry[rk] as unknown[]).length > 0) {
      notes.add('cilium/requires', [...path, rk], `${rk} narrows every endpoint rule that selects these pods (removed in Cilium 1.19); endpoint allows that may be affected are dropped`);
      ruleOpaque.push({ code: 'cilium/requires', kind: 'unrepresentable', path: [...path, rk], message: `${rk} requirement` });
    }
  }
  if (entry.authentication !== undefined && entry.authentication !== null) {
    const mode = isPlainObject(entry.authentication) ? entry.authentication.mode : undefined;
    if (mode !== 'disabled') ruleOpaque.push({ code: 'cilium/authentication', kind: 'narrows', path: [...path, 'authentication'], message: 'the allow needs mutual authentication' });
  }
  const requiresRule = ruleOpaque.some((o) => o.code === 'cilium/requires');
  if (requiresRule && l3Key === undefined && entry.toPorts === undefined && entry.icmps === undefined) {
    // fromRequires alone allows nothing, but narrows the endpoint allows of every policy selecting these pods:
    // model it as a deny of the pods it may exclude, which the fail-closed pass treats as overlapping.
    return [{ action: 'deny', peers: [{ identity: { kind: 'pods', namespaces: [], pods: [] }, opaque: [], path }], ports: 'all', opaque: ruleOpaque, path }];
  }
  const mk = (ports: 'all' | ProtoPorts[], extra: Opaque[], p: JsonPath): ModelRule => ({ action, peers, ports, opaque: [...ruleOpaque, ...extra], path: p, entryPath: path });
  if (Array.isArray(entry.toPorts)) {
    const rules: ModelRule[] = [];
    entry.toPorts.forEach((pr, i) => {
      const prPath = [...path, 'toPorts', i];
      const portRule = isPlainObject(pr) ? pr : {};
      const ports = Array.isArray(portRule.ports) ? portRule.ports : [];
      if (ports.length === 0) {
        notes.add('cilium/empty-ports', prPath, 'a port rule without ports allows nothing', { dropped: true });
        return;
      }
      const pp: ProtoPorts[] = [];
      const extra: Opaque[] = [];
      let all = false;
      ports.forEach((p, j) => {
        const r = parsePortProtocol(p, true);
        if (r.kind === 'ports') {
          pp.push(...r.ports);
          for (const n of r.notes) {
            const code = n.startsWith('protocol') ? 'cilium/protocol-any' : n.startsWith('port 0') ? 'cilium/port-zero' : n.startsWith('port "') ? 'cilium/port-number' : 'cilium/end-port';
            notes.add(code, [...prPath, 'ports', j], n);
          }
        } else if (r.kind === 'extended') {
          all = true;
          extra.push({ code: 'cilium/extended-protocol', kind: 'narrows', path: [...prPath, 'ports', j], message: `protocol ${r.protocol} has no NetworkPolicy form` });
        }
      });
      const rules7 = isPlainObject(portRule.rules) ? portRule.rules : undefined;
      if (rules7 && l7AllowsEverything(rules7)) {
        notes.add('cilium/l7', [...prPath, 'rules'], 'these L7 rules match every request (matchPattern "*" or an empty http rule): the L4 part is exact', { severity: 'info', effect: 'none' });
      } else if (rules7) {
        const kinds = Object.keys(rules7).filter((k) => rules7[k] !== undefined && rules7[k] !== null);
        extra.push({ code: 'cilium/l7', kind: 'narrows', path: [...prPath, 'rules'], message: `L7 ${kinds.join('/') || 'rules'} filter requests on these ports` });
      }
      for (const k of ['terminatingTLS', 'originatingTLS', 'serverNames', 'listener']) {
        if (portRule[k] !== undefined && portRule[k] !== null) extra.push({ code: 'cilium/tls', kind: 'narrows', path: [...prPath, k], message: `${k} changes how traffic on these ports is handled` });
      }
      rules.push(mk(all ? 'all' : normalizeProtoPorts(pp), extra, prPath));
    });
    return rules;
  }
  if (Array.isArray(entry.icmps)) {
    const fields = entry.icmps.flatMap((x) => (isPlainObject(x) && Array.isArray(x.fields) ? x.fields : []));
    if (fields.length === 0) {
      notes.add('cilium/empty-ports', [...path, 'icmps'], 'icmps without fields allow nothing', { dropped: true });
      return [];
    }
    return [mk('all', [{ code: 'cilium/icmps', kind: 'narrows', path: [...path, 'icmps'], message: 'ICMP types cannot be written in NetworkPolicy' }], path)];
  }
  if (l3Key === undefined) {
    // T1: `{}` has an unrestricted L3 and no L4, which Cilium reads as "allows nothing" (it only isolates).
    if (ruleOpaque.length === 0) notes.add('cilium/empty-rule', path, 'an empty rule selects no peer: it isolates the direction and allows nothing');
    return [];
  }
  return [mk('all', [], path)];
}

/**
 * L7 rules that admit every request do not narrow the L4 allow (cilium T46: the projection to L4 is exact when the
 * L7 part cannot deny): a DNS rule `matchPattern: "*"`, or an HTTP rule with no field set.
 */
function l7AllowsEverything(rules: Record<string, unknown>): boolean {
  const kinds = Object.keys(rules).filter((k) => rules[k] !== undefined && rules[k] !== null);
  if (kinds.length !== 1) return false;
  const list = rules[kinds[0]!];
  if (!Array.isArray(list)) return false;
  if (kinds[0] === 'dns') return list.some((e) => isPlainObject(e) && e.matchPattern === '*');
  if (kinds[0] === 'http') return list.some((e) => isPlainObject(e) && Object.values(e).every((v) => v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0)));
  return false;
}
