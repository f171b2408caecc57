/**
 * Backend plugin of the provisioning portal: clusters, live state, requests and cost over REST.
 *
 * @packageDocumentation
 */
export { provisioningPlugin as default } from './plugin';
export {
  createProvisioningConditionalDecision,
  getProvisioningNamespaceResources,
  isNamespaceOwner,
  isTeamMember,
  provisioningConditions,
  provisioningNamespaceResourceRef,
  provisioningPermissionRules,
} from './permissions';
export type { ProvisioningNamespaceQuery, ProvisioningNamespaceResource } from './permissions';
