import { createPermissionRule } from '@backstage/plugin-permission-node';
import { provisioningNamespaceResourceRef } from '../resource';
import { ClaimsParams, claimsParamsSchema } from './paramsSchemas';

/**
 * Namespace ownership: the resource is an existing namespace, and the team that owns it in the GitOps repository
 * is one of the given teams. A team, or a namespace not created yet, never matches: what a request changes or
 * removes must exist and be owned.
 */
export const isNamespaceOwner = createPermissionRule<
  typeof provisioningNamespaceResourceRef,
  ClaimsParams
>({
  name: 'IS_NAMESPACE_OWNER',
  description:
    'Allow changes to existing namespaces owned by the teams the user belongs to',
  resourceRef: provisioningNamespaceResourceRef,
  paramsSchema: claimsParamsSchema,
  apply: (resource, { claims }) =>
    resource.namespace !== undefined && claims.includes(resource.team),
  toQuery: ({ claims }) => ({ key: 'namespace.team', values: claims }),
});
