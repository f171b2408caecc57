import { createConditionExports } from '@backstage/plugin-permission-node';
import { provisioningNamespaceResourceRef } from './resource';
import { provisioningPermissionRules } from './rules';

const { conditions, createConditionalDecision } = createConditionExports({
  resourceRef: provisioningNamespaceResourceRef,
  rules: provisioningPermissionRules,
});

/**
 * Conditions over the portal's resource type, for policies: `provisioningConditions.isTeamMember({ claims })`,
 * `provisioningConditions.isNamespaceOwner({ claims })`, `provisioningConditions.isInEnvironment({ environments })`.
 */
export const provisioningConditions = conditions;

/**
 * Creates a conditional decision for a permission of the portal's resource type, e.g.
 * `createProvisioningConditionalDecision(permission, provisioningConditions.isTeamMember({ claims: user.info.ownershipEntityRefs }))`.
 * Narrow the permission first with `isResourcePermission(permission, RESOURCE_TYPE_PROVISIONING_NAMESPACE)`.
 */
export const createProvisioningConditionalDecision = createConditionalDecision;
