/**
 * Scaffolder module of the provisioning portal.
 *
 * @packageDocumentation
 */
export { scaffolderModuleProvisioning as default } from './module';
export { createDescribeRequestAction } from './actions/describeRequest';
export { createValidateRequestAction } from './actions/validateRequest';
export { createRenderRequestAction } from './actions/renderRequest';
export { createOpenPullRequestAction } from './actions/openPullRequest';
export { initiatorFromServices } from './identity';
export type { Initiator } from './identity';
export { requestInputSchema } from './actions/requestInput';
