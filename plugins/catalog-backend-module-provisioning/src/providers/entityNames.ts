import { createHash } from 'node:crypto';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { liveObjectId } from '@kubeportal/plugin-provisioning-common';

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

/** Name of a namespace's entity: its `liveObjectId`, `<cluster>.<namespace>`, also its objects' kubernetes-id label. */
export const namespaceEntityName = (cluster: string, namespace: string) =>
  liveObjectId(cluster, namespace);

/** Name of a VM's entity: its `liveObjectId`, `<cluster>.<namespace>.<vm>`. */
export const vmEntityName = (cluster: string, namespace: string, vm: string) =>
  liveObjectId(cluster, namespace, vm);
