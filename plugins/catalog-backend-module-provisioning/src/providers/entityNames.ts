import { createHash } from 'node:crypto';
import { stringifyEntityRef } from '@backstage/catalog-model';

/**
 * Names of the catalog entities this module emits, each defined once: the cluster, namespace and VM entities refer
 * to each other (`dependsOn`), and a request depends on its cluster.
 */

/** A valid entity name (at most 63 characters of `[A-Za-z0-9._-]`, alphanumeric at both ends), stable for a value. */
export function entityName(value: string): string {
  if (value.length <= 63) return value;
  const hash = createHash('sha256').update(value).digest('hex').slice(0, 8);
  return `${value.slice(0, 54).replace(/[^A-Za-z0-9]+$/, '')}-${hash}`;
}

/** The full ref of a `Resource` entity in the default namespace. */
export const resourceRef = (name: string) =>
  stringifyEntityRef({ kind: 'Resource', namespace: 'default', name });

/** Name of a cluster's entity: the cluster's own name (a DNS-1123 label, as `provisioning.clusters[].name` must be). */
export const clusterEntityName = (cluster: string) => cluster;

/** Ref of a cluster's entity, e.g. `resource:default/dev-rack-a`. */
export const clusterEntityRef = (cluster: string) =>
  resourceRef(clusterEntityName(cluster));

/**
 * Name of a namespace's entity: `<cluster>.<namespace>` (shortened with a hash beyond 63 characters). Neither name
 * has a dot, so no two namespaces share one.
 */
export const namespaceEntityName = (cluster: string, namespace: string) =>
  entityName(`${cluster}.${namespace}`);

/** Name of a VM's entity: `<cluster>.<namespace>.<vm>` (shortened with a hash beyond 63 characters). */
export const vmEntityName = (cluster: string, namespace: string, vm: string) =>
  entityName(`${cluster}.${namespace}.${vm}`);
