/**
 * The remote side of a Calico rule (source of an ingress rule, destination of an egress rule) as model peers,
 * following the compilation of calico-semantics §5.3: inside one EntityRule every field ANDs (§4.1), selectors are
 * scoped by policy kind and namespaceSelector, and they match the addresses of pods and of NetworkSets (§4.5).
 */
import { isPlainObject } from '../io/documents.js';
import { andDnf, compactDnf, notDnf, requirement, type LabelDnf } from '../model/labels.js';
import { boundedDnf, DNF_LIMIT } from './dnf.js';
import type { CidrBlock, Opaque, Peer } from '../model/policy.js';
import type { JsonPath } from '../report/finding.js';
import { intersectBlocks } from '../model/blocks.js';
import { blocksFromNets } from './nets.js';
import type { NetworkSetEntry } from './network-sets.js';
import { CALICO_NAMESPACE_LABEL, SERVICE_ACCOUNT_LABEL, splitEndpointConj } from './scope.js';
import {
  containsGlobal,
  evaluateSelector,
  mapSelectorKeys,
  parseSelector,
  SelectorSyntaxError,
  type SelectorAst,
} from './selector.js';

export interface PolicyScope {
  kind: 'NetworkPolicy' | 'GlobalNetworkPolicy';
  /** Namespace of a NetworkPolicy; null for a GlobalNetworkPolicy. */
  namespace: string | null;
  networkSets: NetworkSetEntry[];
}

export type { Note as PeerNote } from '../model/notes.js';
import type { Note as PeerNote } from '../model/notes.js';

export type SideResult =
  | { kind: 'peers'; peers: 'any' | Peer[]; notes: PeerNote[] }
  | { kind: 'opaque'; opaque: Opaque; notes: PeerNote[] }
  | { kind: 'invalid'; message: string; path: JsonPath };


export function parseCalicoSelector(text: string, path: JsonPath): SelectorAst | { invalid: string; path: JsonPath } {
  try {
    return parseSelector(text);
  } catch (e) {
    if (e instanceof SelectorSyntaxError) return { invalid: `invalid selector ${JSON.stringify(text)}: ${e.message}`, path };
    throw e;
  }
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v.trim() !== '' ? v : undefined;
}

/** Lowers the remote EntityRule. `family` restricts addresses to one IP family (ipVersion or the rule's CIDRs). */
export function lowerRemoteSide(side: Record<string, unknown>, path: JsonPath, scope: PolicyScope, family: 4 | 6 | undefined): SideResult {
  const notes: PeerNote[] = [];
  const sel = str(side.selector);
  const notSel = str(side.notSelector);
  const nsSel = str(side.namespaceSelector);
  const sa = isPlainObject(side.serviceAccounts) ? side.serviceAccounts : undefined;
  const saNames = Array.isArray(sa?.names) ? sa!.names : [];
  const saSel = str(sa?.selector);
  const nets = Array.isArray(side.nets) ? (side.nets as unknown[]) : [];
  const notNets = Array.isArray(side.notNets) ? (side.notNets as unknown[]) : [];

  if (side.services !== undefined && side.services !== null) {
    return { kind: 'opaque', opaque: { code: 'calico/services', kind: 'unrepresentable', path: [...path, 'services'], message: 'services match a Service\'s endpoints, which needs a cluster inventory' }, notes };
  }
  // serviceAccounts: the pods running as those accounts (calico §4.6), kept as service-account labels (the name, and
  // the account's labels as `pcsa.` keys, as Calico does) so that a cluster inventory can resolve them
  // (pipeline/resolve-inventory.ts); without one they stay unwritable.
  const usesSa = saNames.length > 0 || saSel !== undefined;
  if (!saNames.every((n) => typeof n === 'string')) {
    return { kind: 'opaque', opaque: { code: 'calico/service-accounts', kind: 'unrepresentable', path: [...path, 'serviceAccounts'], message: 'serviceAccounts select pods by service account, which NetworkPolicy cannot' }, notes };
  }
  let saDnf: LabelDnf = saNames.length > 0 ? [[requirement(SERVICE_ACCOUNT_LABEL, 'In', saNames as string[])]] : [[]];
  if (saSel !== undefined) {
    const ast = parseCalicoSelector(saSel, [...path, 'serviceAccounts', 'selector']);
    if ('invalid' in ast) return { kind: 'invalid', message: ast.invalid, path: ast.path };
    const d = boundedDnf(mapSelectorKeys(ast, (k) => `pcsa.${k}`));
    if (d === null) return tooComplex(path, 'serviceAccounts', notes);
    saDnf = andDnf(saDnf, d);
  }
  const addr = blocksFromNets(nets, notNets, family);
  if (typeof addr === 'string') return { kind: 'invalid', message: addr, path: [...path, 'nets'] };

  const hasSelectorField = sel !== undefined || notSel !== undefined || nsSel !== undefined || usesSa;
  /** The field findings about the selected pods point at. */
  const selectorField = sel !== undefined ? 'selector' : nsSel !== undefined ? 'namespaceSelector' : notSel !== undefined ? 'notSelector' : 'serviceAccounts';
  if (!hasSelectorField) {
    // No identity restriction: any address (calico §5.3, `sel == ""`); nets/notNets restrict the address.
    if (addr === undefined) return { kind: 'peers', peers: 'any', notes };
    if (addr.length === 0) return { kind: 'peers', peers: [], notes };
    return { kind: 'peers', peers: [{ identity: { kind: 'any' }, addresses: addr, opaque: [], path }], notes };
  }

  const parsed = (text: string | undefined, field: string) => (text === undefined ? undefined : parseCalicoSelector(text, [...path, field]));
  const selAst = parsed(sel, 'selector');
  const notSelAst = parsed(notSel, 'notSelector');
  const nsAst = parsed(nsSel, 'namespaceSelector');
  for (const a of [selAst, notSelAst, nsAst]) if (a && 'invalid' in a) return { kind: 'invalid', message: a.invalid, path: a.path };
  const selA = selAst as SelectorAst | undefined;
  const notSelA = notSelAst as SelectorAst | undefined;
  const nsA = nsAst as SelectorAst | undefined;

  // Scope of the positive selector (calico §4.5 table).
  let scopeDnf: LabelDnf; // over effective endpoint labels
  let globalOnly = false;
  if (nsA !== undefined) {
    if (containsGlobal(nsA)) {
      if (nsA.type !== 'global') return { kind: 'opaque', opaque: { code: 'calico/global-namespace-selector', kind: 'unrepresentable', path: [...path, 'namespaceSelector'], message: 'global() combined with other terms' }, notes };
      globalOnly = true;
      scopeDnf = [];
    } else {
      const prefixed = mapSelectorKeys(nsA, (k) => `pcns.${k}`);
      const d = boundedDnf(prefixed);
      if (d === null) return tooComplex(path, 'namespaceSelector', notes);
      scopeDnf = d;
      if (isNegative(nsA)) notes.push({ code: 'calico/negative-namespace-selector', path: [...path, 'namespaceSelector'], message: 'a negative namespaceSelector also matches host endpoints and GlobalNetworkSets; only pods are carried' });
    }
  } else if (scope.namespace !== null) scopeDnf = [[requirement(CALICO_NAMESPACE_LABEL, 'In', [scope.namespace])]];
  else {
    scopeDnf = [[]];
    notes.push({ code: 'calico/global-rule-selector', path: [...path, sel !== undefined ? 'selector' : 'notSelector'], message: 'a GlobalNetworkPolicy rule selector also matches host endpoints, which have no native form' });
  }

  const selBase = selA === undefined ? [[]] : boundedDnf(selA);
  const selDnf = selBase === null || !usesSa ? selBase : andDnf(selBase, saDnf);
  if (selDnf === null) return tooComplex(path, 'selector', notes);
  let podDnf = compactDnf(andDnf(scopeDnf, selDnf));
  if (notSelA !== undefined) {
    const nd = boundedDnf(notSelA);
    const neg = nd === null ? null : notDnf(nd, DNF_LIMIT);
    if (neg === null) return tooComplex(path, 'notSelector', notes);
    podDnf = compactDnf(andDnf(podDnf, neg));
    if (scope.namespace === null && sel === undefined && nsSel === undefined) {
      // calico T23: in a GNP, notSelector alone means "any address except these objects": no native form.
      return { kind: 'opaque', opaque: { code: 'calico/not-selector-global', kind: 'unrepresentable', path: [...path, 'notSelector'], message: 'notSelector without selector in a GlobalNetworkPolicy matches every address except the selected objects' }, notes };
    }
    notes.push({ code: 'calico/not-selector', path: [...path, 'notSelector'], message: 'notSelector is negated into NotIn/DoesNotExist; Calico evaluates the excluded set cluster-wide' });
  }

  notes.push({ code: 'calico/network-set-assumption', path: [...path, selectorField], message: 'Calico selectors also match NetworkSets by address; only those in the input are carried (exact if no other NetworkSet matches)' });
  const peers: Peer[] = [];
  if (!globalOnly && podDnf.length > 1) {
    notes.push({ code: 'calico/selector-or', path: [...path, selectorField], message: `written as ${podDnf.length} peers (native peers are ORed; one label selector cannot say ||)` });
  }
  if (!globalOnly) {
    for (const conj of podDnf) {
      const term = splitEndpointConj(conj);
      if (term === null) continue;
      const peerPath = [...path, selectorField];
      const opaque: Opaque[] = [];
      if (term.usesServiceAccount) opaque.push({ code: 'calico/service-accounts', kind: 'unrepresentable', path: peerPath, message: 'selector tests service-account labels' });
      if ([...term.pods, ...term.namespaces].some((r) => !['In', 'NotIn', 'Exists', 'DoesNotExist'].includes(r.op))) {
        opaque.push({ code: 'calico/substring-peer', kind: 'unrepresentable', path: peerPath, message: 'contains / starts with / ends with cannot be written as a label selector' });
      }
      const namespaces = term.namespaces;
      // T18: selector AND nets is an intersection of pods and CIDRs.
      if (addr !== undefined) {
        opaque.push({ code: 'calico/selector-and-nets', kind: 'unrepresentable', path: [...path, 'nets'], message: 'selector and nets in one side are an intersection, which native peers cannot express' });
      }
      peers.push({ identity: { kind: 'pods', namespaces, pods: term.pods }, opaque, path: peerPath });
    }
  }
  // NetworkSets in scope whose labels match: their addresses are matched too (calico §4.1, T19, T20, T21).
  const setBlocks = networkSetBlocks(scope, selA, notSelA, nsA, globalOnly);
  if (setBlocks.unknown) notes.push({ code: 'calico/network-sets', path: [...path, 'namespaceSelector'], message: 'NetworkSets in namespaces selected by labels cannot be resolved without the namespaces\' labels; they are not carried' });
  for (const ns of setBlocks.matched) {
    const fromSet = blocksFromNets(ns.nets, [], family);
    if (fromSet === undefined || typeof fromSet === 'string') continue;
    let blocks: CidrBlock[] = fromSet;
    if (addr !== undefined) blocks = intersectBlocks(blocks, addr);
    if (blocks.length === 0) continue;
    peers.push({ identity: { kind: 'any' }, addresses: blocks, opaque: [], path: [...path, 'selector'], noNamedPorts: true });
    notes.push({ code: 'calico/network-sets', path: [...path, 'selector'], message: `${ns.kind} ${ns.namespace ? ns.namespace + '/' : ''}${ns.name} matches this selector: its nets are carried as ipBlocks`, opts: { severity: 'info', effect: 'none' } });
  }
  if (globalOnly) notes.push({ code: 'calico/global-namespace-selector', path: [...path, 'namespaceSelector'], message: 'namespaceSelector: global() matches host endpoints and GlobalNetworkSets; only GlobalNetworkSets of the input are carried' });
  return { kind: 'peers', peers, notes };
}

function tooComplex(path: JsonPath, field: string, notes: PeerNote[]): SideResult {
  return { kind: 'opaque', opaque: { code: 'calico/complex-selector', kind: 'unrepresentable', path: [...path, field], message: `the ${field} expands to more than ${DNF_LIMIT} label selectors` }, notes };
}

/**
 * A namespace selector is "negative" when it also matches objects without namespace labels (host endpoints,
 * GlobalNetworkSets). Calico rewrites `all()` in it to `has(projectcalico.org/namespace)` first (calico §5.3), so
 * `all()` is not negative.
 */
export function isNegative(ast: SelectorAst): boolean {
  return evaluateSelector(replaceAll(ast), {});
}

function replaceAll(ast: SelectorAst): SelectorAst {
  switch (ast.type) {
    case 'all':
      return { type: 'has', key: 'projectcalico.org/namespace' };
    case 'not':
      return { type: 'not', expr: replaceAll(ast.expr) };
    case 'and':
    case 'or':
      return { type: ast.type, exprs: ast.exprs.map(replaceAll) };
    default:
      return ast;
  }
}

function networkSetBlocks(
  scope: PolicyScope,
  sel: SelectorAst | undefined,
  notSel: SelectorAst | undefined,
  nsSel: SelectorAst | undefined,
  globalOnly: boolean,
): { matched: NetworkSetEntry[]; unknown: boolean } {
  const matched: NetworkSetEntry[] = [];
  let unknown = false;
  for (const set of scope.networkSets) {
    let inScope: boolean;
    if (globalOnly) inScope = set.namespace === null;
    else if (nsSel !== undefined) {
      // A negative namespaceSelector also matches objects without namespace labels: GlobalNetworkSets (T22).
      if (set.namespace === null) inScope = isNegative(nsSel);
      else {
        const known = { 'projectcalico.org/name': set.namespace, 'kubernetes.io/metadata.name': set.namespace };
        // Only the namespace name labels are known; a selector on other namespace labels cannot be decided.
        if (usesOtherKeys(nsSel, Object.keys(known))) {
          unknown = true;
          inScope = false;
        } else inScope = evaluateSelector(nsSel, known);
      }
    } else if (scope.namespace !== null) inScope = set.namespace === scope.namespace;
    else inScope = true;
    if (!inScope) continue;
    if (sel !== undefined && !evaluateSelector(sel, set.labels)) continue;
    if (notSel !== undefined && evaluateSelector(notSel, set.labels)) continue;
    matched.push(set);
  }
  return { matched, unknown };
}

function usesOtherKeys(ast: SelectorAst, known: string[]): boolean {
  let other = false;
  mapSelectorKeys(ast, (k) => {
    if (!known.includes(k)) other = true;
    return k;
  });
  return other;
}

