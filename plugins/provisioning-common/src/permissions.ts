import {
  BasicPermission,
  createPermission,
  ResourcePermission,
} from '@backstage/plugin-permission-common';
import { ProvisioningRequestKind } from './requests/schemas';

/**
 * Permission resource type of the portal: the namespaces a team owns, existing or requested, and the requests that
 * create, change or remove them. A resource is addressed by its team's entity ref (`group:default/payments`);
 * the backend also decides over one existing namespace, whose owning team it reads from the GitOps repository.

 */
export const RESOURCE_TYPE_PROVISIONING_NAMESPACE = 'provisioning-namespace';

/** A resource permission of the portal's resource type. */
export type ProvisioningNamespacePermission = ResourcePermission<
  typeof RESOURCE_TYPE_PROVISIONING_NAMESPACE
>;

const requestPermission = (
  kind: ProvisioningRequestKind,
): ProvisioningNamespacePermission =>
  createPermission({
    name: `provisioning.request.${kind}.create`,
    attributes: { action: 'create' },
    resourceType: RESOURCE_TYPE_PROVISIONING_NAMESPACE,
  });

/** Asking for a new namespace for a team. */
export const provisioningNamespaceRequestPermission =
  requestPermission('namespace');
/** Asking for a virtual machine in a team's namespace. */
export const provisioningVmRequestPermission = requestPermission('vm');
/** Asking to change the quota of a team's namespace. */
export const provisioningQuotaChangeRequestPermission =
  requestPermission('quota-change');
/** Asking to remove a team's namespace or one of its virtual machines. */
export const provisioningDecommissionRequestPermission =
  requestPermission('decommission');

/** The permission a request of each kind needs, besides the prod and decommission permissions. */
export const provisioningRequestPermissions: Record<
  ProvisioningRequestKind,
  ProvisioningNamespacePermission
> = {
  namespace: provisioningNamespaceRequestPermission,
  vm: provisioningVmRequestPermission,
  'quota-change': provisioningQuotaChangeRequestPermission,
  decommission: provisioningDecommissionRequestPermission,
};

/**
 * Any request that creates or changes something in a prod environment (a namespace with environment `prod`, or
 * anything on a cluster configured as `prod`), needed on top of the kind's permission.

 */
export const provisioningProdRequestPermission: ProvisioningNamespacePermission =
  createPermission({
    name: 'provisioning.request.prod',
    attributes: { action: 'update' },
    resourceType: RESOURCE_TYPE_PROVISIONING_NAMESPACE,
  });

/**
 * Removing a namespace or a virtual machine of a team, needed on top of the decommission request permission, so
 * a policy can let a team ask for things while keeping removal to fewer people.

 */
export const provisioningDecommissionPermission: ProvisioningNamespacePermission =
  createPermission({
    name: 'provisioning.namespace.decommission',
    attributes: { action: 'delete' },
    resourceType: RESOURCE_TYPE_PROVISIONING_NAMESPACE,
  });

/**
 * Reading the live state of a namespace and what runs in it (quota usage, pods, events, VMs) from the portal's
 * cluster cache. Decided over the namespace and the team that owns it; the app's policy lets a team read its own
 * namespaces and the platform team read all.
 */
export const provisioningNamespaceReadPermission: ProvisioningNamespacePermission =
  createPermission({
    name: 'provisioning.namespace.read',
    attributes: { action: 'read' },
    resourceType: RESOURCE_TYPE_PROVISIONING_NAMESPACE,
  });

/**
 * Platform administration: acting for every team and seeing the clusters' own error messages.

 */
export const provisioningAdminPermission: BasicPermission = createPermission({
  name: 'provisioning.admin',
  attributes: {},
});

/** Every permission of the portal, for the permissions registry. */
export const provisioningPermissions = [
  ...Object.values(provisioningRequestPermissions),
  provisioningProdRequestPermission,
  provisioningDecommissionPermission,
  provisioningNamespaceReadPermission,
  provisioningAdminPermission,
];

/**
 * The permissions a request needs, all decided over the same resource (the team, or its namespace): its kind's,
 * prod's when it touches prod, and the decommission permission when it removes something.

 */
export function permissionsForRequest(
  kind: ProvisioningRequestKind,
  options: { prod: boolean },
): ProvisioningNamespacePermission[] {
  return [
    provisioningRequestPermissions[kind],
    ...(options.prod ? [provisioningProdRequestPermission] : []),
    ...(kind === 'decommission' ? [provisioningDecommissionPermission] : []),
  ];
}
