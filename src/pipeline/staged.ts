/**
 * `--include-staged`: Calico's staged policies are not enforced (calico §1.1, T5), but a user about to apply one wants
 * to preview it. With the flag each staged policy is evaluated as if it were enforced: `stagedAction: Set` (the
 * default) puts it in place of the enforced policy of the same kind and name, `Delete` removes that policy, and
 * `Learn` / `Ignore` change nothing. A StagedKubernetesNetworkPolicy becomes the NetworkPolicy it stages (emitted,
 * since it is not in the cluster yet).
 */
import { isPlainObject, type SourceObject } from '../io/documents.js';
import type { Notes } from '../model/notes.js';
import type { SourceStatus } from './types.js';
import type { ObjectClass } from './classify.js';

export interface StagedEntry {
  obj: SourceObject;
  cls: ObjectClass;
  notes: Notes;
  status: SourceStatus | undefined;
  /** Emit the (native) policy itself: a staged Kubernetes policy previewed with --include-staged. */
  emitNative?: boolean;
}

function enforcedOf(obj: SourceObject): { apiVersion: string; kind: string } {
  if (obj.ref.kind === 'StagedKubernetesNetworkPolicy') return { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy' };
  return { apiVersion: obj.ref.apiVersion, kind: obj.ref.kind.replace(/^Staged/, '') };
}

export function applyStaged(entries: StagedEntry[], include: boolean): void {
  for (const e of entries) {
    if (e.cls !== 'calico-staged' || e.status !== undefined) continue;
    if (!include) {
      e.notes.add('calico/staged', ['kind'], `${e.obj.ref.kind} is not enforced (a preview); skipped (--include-staged evaluates it as if enforced)`, { dropped: [] });
      e.status = 'skipped';
      continue;
    }
    const spec = isPlainObject(e.obj.value.spec) ? e.obj.value.spec : {};
    const action = typeof spec.stagedAction === 'string' ? spec.stagedAction : 'Set';
    const target = enforcedOf(e.obj);
    const counterparts = entries.filter((x) => x !== e && x.status === undefined && x.obj.ref.kind === target.kind && x.obj.ref.name === e.obj.ref.name && (x.obj.ref.namespace ?? '') === (e.obj.ref.namespace ?? '') && (x.cls === 'calico-policy' || x.cls === 'native-policy'));
    const what = `${e.obj.ref.kind} ${e.obj.ref.namespace ? e.obj.ref.namespace + '/' : ''}${e.obj.ref.name}`;
    if (action === 'Delete' || action === 'Set') {
      for (const x of counterparts) {
        x.notes.add('calico/staged', [], `${action === 'Delete' ? 'deleted' : 'replaced'} by the staged ${what} in this preview (--include-staged); not converted`, { dropped: [] });
        x.status = 'skipped';
      }
    }
    if (action !== 'Set') {
      e.notes.add('calico/staged', ['spec', 'stagedAction'], `stagedAction ${action}: ${action === 'Delete' ? `previews deleting the enforced ${target.kind} of this name` : 'changes no enforced policy'}; nothing to emit`, { dropped: [] });
      e.status = 'skipped';
      continue;
    }
    const { stagedAction: _dropped, ...rest } = spec;
    void _dropped;
    const value = { ...e.obj.value, apiVersion: target.apiVersion, kind: target.kind, spec: rest };
    e.obj = { ...e.obj, value, ref: { ...e.obj.ref, apiVersion: target.apiVersion, kind: target.kind } };
    e.cls = target.kind === 'NetworkPolicy' && target.apiVersion === 'networking.k8s.io/v1' ? 'native-policy' : 'calico-policy';
    e.emitNative = e.cls === 'native-policy';
    e.notes.add('calico/staged', ['kind'], `evaluated as the ${target.kind} it stages (--include-staged): a preview of applying it`);
  }
}
