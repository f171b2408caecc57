import type { Entity } from '@backstage/catalog-model';
import { CATALOG_KEYS } from '@kubeportal/plugin-provisioning-common';

/** A live namespace's or VM's entity as the portal's catalog module publishes it (the fields the page reads). */
const liveEntity = (
  type: 'kubernetes-namespace' | 'virtual-machine',
  cluster: string,
  namespace: string,
  owner: string,
  vm?: string,
): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Resource',
  metadata: {
    name: [cluster, namespace, ...(vm ? [vm] : [])].join('.'),
    namespace: 'default',
    annotations: {
      [CATALOG_KEYS.cluster]: cluster,
      [CATALOG_KEYS.namespace]: namespace,
      ...(vm ? { [CATALOG_KEYS.vm]: vm } : {}),
    },
  },
  spec: { type, owner },
});

const namespace = (cluster: string, name: string, owner: string) =>
  liveEntity('kubernetes-namespace', cluster, name, owner);
const vm = (cluster: string, ns: string, name: string, owner: string) =>
  liveEntity('virtual-machine', cluster, ns, owner, name);

const payments = 'group:default/payments';
const billing = 'group:default/billing';
const search = 'group:default/search';

/**
 * On dev-rack-a: payments with two namespaces and three VMs, billing with one namespace and no VM, search with one
 * namespace and one VM. On prod-rack-b: payments with one namespace and one VM. Nothing on edge-c. Plus an entity
 * of another type on dev-rack-a, which is not counted.
 */
export const liveCatalogEntities: Entity[] = [
  namespace('dev-rack-a', 'payments-api', payments),
  namespace('dev-rack-a', 'payments-batch', payments),
  vm('dev-rack-a', 'payments-api', 'legacy-crm', payments),
  vm('dev-rack-a', 'payments-api', 'ledger', payments),
  vm('dev-rack-a', 'payments-batch', 'nightly', payments),
  namespace('dev-rack-a', 'billing-reports', billing),
  namespace('dev-rack-a', 'search-index', search),
  vm('dev-rack-a', 'search-index', 'indexer', search),
  namespace('prod-rack-b', 'payments-prod', payments),
  vm('prod-rack-b', 'payments-prod', 'ledger', payments),
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: {
      name: 'dev-rack-a.ns.billing-reports',
      namespace: 'default',
      annotations: { [CATALOG_KEYS.cluster]: 'dev-rack-a' },
    },
    spec: { type: 'provisioning-request', owner: billing },
  },
];
