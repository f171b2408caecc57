export {
  provisioningNamespaceResourceRef,
  getProvisioningNamespaceResources,
} from './resource';
export type {
  ProvisioningNamespaceResource,
  ProvisioningNamespaceQuery,
} from './resource';
export {
  isInEnvironment,
  isNamespaceOwner,
  isTeamMember,
  provisioningPermissionRules,
} from './rules';
export {
  provisioningConditions,
  createProvisioningConditionalDecision,
} from './conditionExports';
export { provisioningRuleset, RequestAccess } from './RequestAccess';
export { NamespaceReadAccess } from './NamespaceReadAccess';
export type {
  PlannedRequest,
  ProvisioningNamespaceRuleset,
} from './RequestAccess';
