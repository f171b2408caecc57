/**
 * Node library of the provisioning portal: configuration, cluster clients and auth, GitOps repository writer,
 * extension points.
 *
 * @packageDocumentation
 */
export * from './config/clusters';
export * from './schemas/ObjectSchemaValidator';
export { GitOpsPullRequestWriter, GitHubPullRequestError } from './github/GitOpsPullRequests';
export type { PullRequestSpec, PullRequestResult } from './github/GitOpsPullRequests';
export { withRetries, retryDelay } from './github/retry';
export type { RetryOptions } from './github/retry';
export * from './config/provisioningConfig';
export { kubeConfigFor, lookupNamespace, loadClientNode } from './kubernetes/ClusterClients';
export type { NamespaceLookup } from './kubernetes/ClusterClients';
export { RequestPlanner } from './requests/RequestPlanner';
export type { RequestPlan, TeamDirectory, TeamFacts } from './requests/RequestPlanner';
export { catalogTeams } from './catalog/catalogTeams';
