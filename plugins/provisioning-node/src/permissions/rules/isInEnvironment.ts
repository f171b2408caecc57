import { createPermissionRule } from '@backstage/plugin-permission-node';
import { provisioningNamespaceResourceRef } from '../resource';
import { EnvironmentsParams, environmentsParamsSchema } from './paramsSchemas';

/**
 * Environment: the resource is an existing namespace on a cluster of one of the given environments (the cluster's
 * configured environment, never a label of the namespace). A team, or a namespace whose cluster has no known
 * environment, never matches. For a policy that lets everybody read the live state of, say, dev namespaces.
 */
export const isInEnvironment = createPermissionRule<
  typeof provisioningNamespaceResourceRef,
  EnvironmentsParams
>({
  name: 'IS_IN_ENVIRONMENT',
  description:
    'Allow existing namespaces on clusters of the given environments, whoever owns them',
  resourceRef: provisioningNamespaceResourceRef,
  paramsSchema: environmentsParamsSchema,
  apply: (resource, { environments }) =>
    resource.namespace?.environment !== undefined &&
    environments.includes(resource.namespace.environment),
  toQuery: ({ environments }) => ({
    key: 'namespace.environment',
    values: environments,
  }),
});
