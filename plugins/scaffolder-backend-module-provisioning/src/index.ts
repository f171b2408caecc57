/**
 * Scaffolder module of the provisioning portal.
 *
 * @packageDocumentation
 */
export { scaffolderModuleProvisioning as default } from './module';
export { createDescribeRequestAction } from './actions/describeRequest';
