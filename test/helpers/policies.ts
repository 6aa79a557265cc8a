/** Small source policies for the CLI tests, each with a known outcome (see the comment on each). */

/** Calico shop/allow-web: converted, exact; one info finding (calico/network-set-assumption) at 12:9. */
export const CALICO_ALLOW = `apiVersion: projectcalico.org/v3
kind: NetworkPolicy
metadata:
  name: allow-web
  namespace: shop
spec:
  selector: app == 'api'
  types: [Ingress]
  ingress:
    - action: Allow
      source:
        selector: app == 'web'
`;

/** Cilium shop/db-from-api: converted, exact, no finding at all. */
export const CILIUM_CLEAN = `apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata:
  name: db-from-api
  namespace: shop
spec:
  endpointSelector:
    matchLabels:
      app: db
  ingress:
    - fromEndpoints:
        - matchLabels:
            app: api
`;

/** A Cilium policy without metadata.namespace: takes `-n` (default `default`); info input/default-namespace. */
export function ciliumNoNamespace(name: string, app = 'db'): string {
  return `apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata:
  name: ${name}
spec:
  endpointSelector:
    matchLabels:
      app: ${app}
  ingress:
    - fromEndpoints:
        - matchLabels:
            app: api
`;
}

/** A Cilium policy in namespace shop with a given name and pod label (converted, exact, no finding). */
export function ciliumNamed(name: string, app: string, namespace = 'shop'): string {
  return `apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata:
  name: ${name}
  namespace: ${namespace}
spec:
  endpointSelector:
    matchLabels:
      app: ${app}
  ingress:
    - fromEndpoints:
        - matchLabels:
            app: ${app}-client
`;
}

/** Cilium shop/l7: partial, narrower; one warning (cilium/l7) at 18:11, the worst finding. */
export const CILIUM_L7 = `apiVersion: cilium.io/v2
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
`;

/** A StagedNetworkPolicy: status skipped (info calico/staged). */
export const CALICO_STAGED = `apiVersion: projectcalico.org/v3
kind: StagedNetworkPolicy
metadata:
  name: staged
  namespace: shop
spec:
  selector: app == 'api'
  ingress:
    - action: Allow
`;

/** A Calico policy whose `ingress` is not a list: status invalid, error input/schema at 8:3. */
export const CALICO_SCHEMA_INVALID = `apiVersion: projectcalico.org/v3
kind: NetworkPolicy
metadata:
  name: broken
  namespace: shop
spec:
  selector: app == 'api'
  ingress: "not-a-list"
`;
