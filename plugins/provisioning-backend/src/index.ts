/**
 * Backend plugin of the provisioning portal: clusters, live state, requests and cost over REST.
 *
 * @packageDocumentation
 */
export { provisioningPlugin as default } from './plugin';
export {
  createProvisioningConditionalDecision,
  getProvisioningNamespaceResources,
  isInEnvironment,
  isNamespaceOwner,
  isTeamMember,
  provisioningConditions,
  provisioningNamespaceResourceRef,
  provisioningPermissionRules,
} from '@kubeportal/plugin-provisioning-node';
export type {
  ProvisioningNamespaceQuery,
  ProvisioningNamespaceResource,
} from '@kubeportal/plugin-provisioning-node';
