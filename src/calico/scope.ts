/**
 * Turns Calico selectors (over an endpoint's effective labels, calico-semantics §5.3 and §6.1) into namespace-label
 * and pod-label constraints that native selectors can carry (§6.3, T17).
 */
import { foldUnwritable, matchesRequirement, simplifyConj, type LabelConj, type Requirement } from '../model/labels.js';
import { NAMESPACE_NAME_LABEL } from '../model/policy.js';

export const CALICO_NAMESPACE_LABEL = 'projectcalico.org/namespace';
const ORCHESTRATOR_LABEL = 'projectcalico.org/orchestrator';
export const SERVICE_ACCOUNT_LABEL = 'projectcalico.org/serviceaccount';

export interface EndpointTerm {
  /** Requirements on the namespace's labels. */
  namespaces: LabelConj;
  /** Requirements on the pod's own labels. */
  pods: LabelConj;
  /** The term tests service-account labels, which native policy cannot. */
  usesServiceAccount: boolean;
}

/**
 * Splits one conjunction over effective endpoint labels. Returns null when no pod can match it.
 * - `projectcalico.org/namespace` and `pcns.*` become namespace requirements (`pcns.projectcalico.org/name` is the
 *   namespace name, i.e. `kubernetes.io/metadata.name`).
 * - `projectcalico.org/orchestrator` is `k8s` on every pod: folded to a constant.
 * - `projectcalico.org/serviceaccount` and `pcsa.*` are service-account labels (T14, T25).
 */
export function splitEndpointConj(conj: LabelConj): EndpointTerm | null {
  const ns: Requirement[] = [];
  const pods: Requirement[] = [];
  let usesServiceAccount = false;
  for (const r of conj) {
    if (r.key === CALICO_NAMESPACE_LABEL) ns.push({ ...r, key: NAMESPACE_NAME_LABEL });
    else if (r.key.startsWith('pcns.')) {
      const k = r.key.slice(5);
      ns.push({ ...r, key: k === 'projectcalico.org/name' ? NAMESPACE_NAME_LABEL : k });
    } else if (r.key === ORCHESTRATOR_LABEL) {
      if (!matchesRequirement(r, { [ORCHESTRATOR_LABEL]: 'k8s' })) return null;
    } else if (r.key === SERVICE_ACCOUNT_LABEL || r.key.startsWith('pcsa.')) {
      usesServiceAccount = true;
      pods.push(r);
    } else pods.push(r);
  }
  const nsFolded = foldUnwritable(ns);
  const podFolded = foldUnwritable(pods.filter((r) => !(r.key === SERVICE_ACCOUNT_LABEL || r.key.startsWith('pcsa.'))));
  if (nsFolded === null || podFolded === null) return null;
  const nsConj = simplifyConj(nsFolded);
  const podConj = simplifyConj([...podFolded, ...pods.filter((r) => r.key === SERVICE_ACCOUNT_LABEL || r.key.startsWith('pcsa.'))]);
  if (nsConj === null || podConj === null) return null;
  // Every namespace carries kubernetes.io/metadata.name (k8s-netpol-semantics §1.9), so `has()` of it is true.
  const nsFinal = nsConj.filter((r) => !(r.key === NAMESPACE_NAME_LABEL && r.op === 'Exists'));
  if (nsConj.some((r) => r.key === NAMESPACE_NAME_LABEL && r.op === 'DoesNotExist')) return null;
  return { namespaces: nsFinal, pods: podConj, usesServiceAccount };
}
