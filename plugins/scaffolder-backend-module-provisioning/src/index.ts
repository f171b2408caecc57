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
export { defaultPlannerFactory } from './planner';
export type { PlannerFactory } from './planner';
