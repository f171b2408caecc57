import { createPermissionRule } from '@backstage/plugin-permission-node';
import { provisioningNamespaceResourceRef } from '../resource';
import { ClaimsParams, claimsParamsSchema } from './paramsSchemas';

/**
 * Team ownership: the request is for, or the namespace belongs to, one of the given teams. A policy passes the
 * user's ownership entity refs as claims.
 */
export const isTeamMember = createPermissionRule<
  typeof provisioningNamespaceResourceRef,
  ClaimsParams
>({
  name: 'IS_TEAM_MEMBER',
  description:
    'Allow requests for the teams, and namespaces owned by the teams, that the user belongs to',
  resourceRef: provisioningNamespaceResourceRef,
  paramsSchema: claimsParamsSchema,
  apply: (resource, { claims }) => claims.includes(resource.team),
  toQuery: ({ claims }) => ({ key: 'team', values: claims }),
});
