import { createPermissionResourceRef } from '@backstage/plugin-permission-node';
import { RESOURCE_TYPE_PROVISIONING_NAMESPACE } from '@kubeportal/plugin-provisioning-common';

/**
 * What a provisioning permission is decided over: a team, standing for its namespaces (existing or requested),
 * or one existing namespace with the team that owns it in the GitOps repository.
 */
export interface ProvisioningNamespaceResource {
  /** The team, as a group entity ref: `group:default/payments`. */
  team: string;
  /**
   * Set when the request touches an existing namespace; `team` is then its owner in the GitOps repository (or, for
   * live state, on the cluster). `environment` is the cluster's configured one, when the caller knows it.
   */
  namespace?: { cluster: string; name: string; environment?: string };
}

/**
 * Filter form of the rules, for a list of resources: `team` matches the team, `namespace.team` only existing
 * namespaces of the team, `namespace.environment` only existing namespaces on clusters of the environments.
 */
export interface ProvisioningNamespaceQuery {
  key: 'team' | 'namespace.team' | 'namespace.environment';
  values: string[];
}

/** The portal's permission resource type, owned by the provisioning plugin. */
export const provisioningNamespaceResourceRef = createPermissionResourceRef<
  ProvisioningNamespaceResource,
  ProvisioningNamespaceQuery
>().with({
  pluginId: 'provisioning',
  resourceType: RESOURCE_TYPE_PROVISIONING_NAMESPACE,
});

/**
 * Loads resources by ref for the permission backend: a group entity ref stands for that team's namespaces.
 * Other refs are unknown (the permission backend then denies).
 */
export async function getProvisioningNamespaceResources(
  refs: string[],
): Promise<Array<ProvisioningNamespaceResource | undefined>> {
  return refs.map(ref =>
    /^group:[a-z0-9-_.]+\/[A-Za-z0-9-_.]+$/.test(ref)
      ? { team: ref }
      : undefined,
  );
}
