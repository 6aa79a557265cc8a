/** The API server's checks for every kind the tool emits (an output that fails them is never written). */
import { validateApplicationNetworkPolicy, validateClusterNetworkPolicy } from '../aws/validate.js';
import { validateNetworkPolicy } from '../native/validate.js';
import type { OutputPolicy } from './types.js';

export function validateOutput(p: OutputPolicy): string[] {
  switch (p.kind) {
    case 'NetworkPolicy':
      return validateNetworkPolicy(p).map((e) => e.message);
    case 'ClusterNetworkPolicy':
      return validateClusterNetworkPolicy(p);
    case 'ApplicationNetworkPolicy':
      return validateApplicationNetworkPolicy(p);
  }
}
