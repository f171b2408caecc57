/**
 * Dev/test only: real Kubernetes control planes with Flux, and a GitHub emulator over real git repositories.
 *
 * @packageDocumentation
 */
export { ensureBinaries, ensureMailpit, VERSIONS } from './binaries';
export type { BinaryPaths } from './binaries';
export { freePort, startProcess, waitUntil } from './process';
export type { ManagedProcess } from './process';
export { KubeApi, KubeApiError, resourcePath } from './kube/KubeApi';
export { startControlPlane, kubeconfigFor } from './kube/controlPlane';
export type {
  ControlPlane,
  ControlPlaneOptions,
  TestUser,
} from './kube/controlPlane';
export { installCrds, crdFiles } from './kube/crds';
export { startKubeTestEnv } from './kube/kubeTestEnv';
export type { KubeTestEnv, KubeTestEnvOptions } from './kube/kubeTestEnv';
export {
  markKustomizationReady,
  emulateVmRunning,
  createPodWithRequests,
  registerNodes,
} from './kube/emulatedControllers';
export type { EmulatedNode } from './kube/emulatedControllers';
export { GitHubEmulator, HttpError } from './github/GitHubEmulator';
export type { GitHubEmulatorOptions } from './github/GitHubEmulator';
export type { BranchProtectionRequest } from './github/branchProtection';
export { BareRepo } from './github/git';
export {
  WEBHOOK_EVENTS,
  signWebhookBody,
  startWebhookReceiver,
} from './github/webhooks';
export type {
  ReceivedWebhook,
  WebhookDelivery,
  WebhookReceiver,
} from './github/webhooks';
export { serveGitHttp } from './github/gitHttp';
export {
  startFlux,
  syncClusterFromGit,
  requestReconcile,
  waitForKustomizationReady,
} from './flux/flux';
export type { FluxControllers } from './flux/flux';
export { kubeUnavailableReason, describeWithKube } from './availability';
export { startMailpit } from './mail/mailpit';
export type { Mailpit, MailpitMessage } from './mail/mailpit';
export {
  startPostgres,
  postgresUnavailableReason,
  describeWithPostgres,
} from './postgres/postgres';
export type { TestPostgres } from './postgres/postgres';
export {
  seedFiles,
  createGitOpsRepository,
  GITOPS_BRANCH_PROTECTION,
  LOCAL_CLUSTERS,
  LOCAL_GITOPS_COLLABORATORS,
  LOCAL_GITOPS_REPO,
} from './local/localEnvironment';
export {
  authWithPluginActor,
  clusterConnection,
  portalTestConfig,
  teamGroup,
  userInfoFromTeams,
} from './backstage/portalTestBackend';
export type { PortalTestConfigOptions } from './backstage/portalTestBackend';
