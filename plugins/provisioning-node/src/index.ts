/**
 * Node library of the provisioning portal: configuration read once, cluster clients, the watch-backed cluster
 * state cache, the GitOps repository reader and pull-request writer, the request planner, and the shared service
 * that holds them.
 *
 * @packageDocumentation
 */
export * from './config/clusters';
export * from './config/provisioningConfig';
export * from './schemas/ObjectSchemaValidator';
export { BlobCache } from './github/BlobCache';
export { GitOpsRepository, GitOpsReadError } from './github/GitOpsRepository';
export type {
  GitOpsLocation,
  RepositorySnapshot,
  RepositoryTree,
} from './github/GitOpsRepository';
export {
  BaseMovedError,
  GitOpsPullRequestWriter,
  GitHubPullRequestError,
  ownerFromTrailers,
  withOwnerTrailers,
} from './github/GitOpsPullRequests';
export type {
  BranchOwner,
  PullRequestSpec,
  PullRequestResult,
  RequestPullRequest,
} from './github/GitOpsPullRequests';
export { createGitHubClient } from './github/githubClient';
export { verifyWebhook } from './github/webhookReceipt';
export type { GitHubEvent, WebhookReceipt } from './github/webhookReceipt';
export type { GitHubClientOptions } from './github/githubClient';
export {
  ClusterClients,
  clusterErrorOf,
  kubeConfigFor,
  loadClientNode,
  publicMessage,
} from './kubernetes/ClusterClients';
export type {
  ClusterError,
  NamespaceLookup,
} from './kubernetes/ClusterClients';
export {
  backoffDelay,
  CLUSTER_STATE_KINDS,
  ClusterStateCache,
} from './kubernetes/ClusterStateCache';
export type {
  CachedObject,
  CachedObjectMeta,
  ClusterStateCacheOptions,
  ClusterStateCallCounts,
  ClusterStateChange,
  ClusterStateClock,
  ClusterStateKind,
  ClusterStateKindState,
  ClusterStateKindStatus,
  ClusterStateStatus,
  ClusterStateSummary,
} from './kubernetes/ClusterStateCache';
export {
  healthOf,
  namespaceState,
  namespaceTeam,
  quotaUsages,
  vmState,
} from './kubernetes/namespaceState';
export type {
  Condition,
  Health,
  NamespaceState,
  QuotaUsage,
  VmState as LiveVmState,
} from './kubernetes/namespaceState';
export {
  dataVolumeState,
  virtualMachineState,
} from './kubernetes/virtualMachineState';
export type {
  DataVolumeState,
  VirtualMachineState,
} from './kubernetes/virtualMachineState';
export {
  cachedClusterCapacity,
  clusterCapacity,
  vmMeantToRun,
  vmSize,
} from './kubernetes/clusterCapacity';
export type {
  CapacityInput,
  CapacityResource,
  CapacityUse,
  ClusterCapacity,
} from './kubernetes/clusterCapacity';
export { clusterHealth } from './kubernetes/clusterHealth';
export type { ClusterHealth } from './kubernetes/clusterHealth';
export { teamSummary } from './kubernetes/teamSummary';
export type {
  TeamClusterSummary,
  TeamNamespaceSummary,
  TeamSummary,
  VmCounts,
} from './kubernetes/teamSummary';
export { describeProblems, RequestPlanner } from './requests/RequestPlanner';
export type {
  RequestAuthorizer,
  RequestPlan,
  RequestPlannerOptions,
  Requester,
  TeamDirectory,
  TeamFacts,
  Who,
} from './requests/RequestPlanner';
export { catalogTeams, requesterOf } from './catalog/catalogTeams';
export {
  createProvisioningService,
  provisioningServiceRef,
} from './service/provisioningService';
export type { ProvisioningService } from './service/provisioningService';
export { main as runProvisioningCli } from './cli/main';
export * from './permissions';
