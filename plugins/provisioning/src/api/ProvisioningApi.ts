import type {
  ClusterCapacity,
  Health,
  LiveClusterHealth,
  LiveNamespaceState,
  LiveVirtualMachineState,
  QuotaUsage,
  StateSource,
  TeamSummary,
} from '@kubeportal/plugin-provisioning-common';
import { createApiRef } from '@backstage/frontend-plugin-api';

/** Health of the provisioning backend. */
export interface ProvisioningHealth {
  status: 'ok';
}

/** A configured cluster, with whether the portal reads it now (from the backend's cache) and its capacity. */
export interface ClusterSummary extends LiveClusterHealth {
  name: string;
  title: string;
  environment: 'dev' | 'staging' | 'prod';
  site?: string;
  storageClasses: string[];
  networks: string[];
  capacity: ClusterCapacity;
}

/** A quota tier from configuration, with its monthly cost. */
export interface TierSummary {
  name: string;
  quota: Record<string, unknown>;
  monthlyCost: string;
}

/** What a request would write, rendered by the backend with the same code as the pull request. */
export interface RequestPreview {
  requestId: string;
  title: string;
  branch: string;
  files: Array<{ path: string; content: string | null }>;
  summary: Array<{ label: string; value: string }>;
  cost: {
    before: string;
    after: string;
    teamAfter: string;
    teamBudget: string | null;
  };
  violations: Array<{ path: string; rule: string; message: string }>;
  /** Every problem that would stop the pull request (policy and live checks), each with its field. */
  problems: Array<{ path: string; rule?: string; message: string }>;
  /** The commit of the GitOps branch the preview was planned on. */
  baseSha: string;
  /** True exactly when the task would pass for this request on this commit. */
  ready: boolean;
  /** The requester's own open pull request for this request, and what updating it would change. */
  openRequest: OpenRequestPreview | null;
  /** Whether the preview was made with the choice to update the open pull request. */
  updateOpenRequest: boolean;
}

/** The requester's own open pull request for the same request. */
export interface OpenRequestPreview {
  number: number;
  url: string;
  files: Array<{
    path: string;
    change: 'added' | 'changed' | 'deleted' | 'dropped' | 'unchanged';
    diff?: string;
  }>;
}

/** A name to check as the form's first step has it. */
export interface NameTarget {
  kind: 'namespace' | 'vm';
  cluster: string;
  name: string;
  namespace?: string;
}

/** The problems of a name: taken on the cluster, in the repository or in an open pull request. */
export interface NameCheck {
  problems: Array<{ path: string; rule?: string; message: string }>;
  /** What the user should know but that does not stop them, e.g. their own open pull request for it. */
  notices: Array<{ path: string; rule?: string; message: string }>;
}

/** A namespace of one of the user's teams, with the room its quota leaves for one more VM. */
export interface NamespaceSummary {
  cluster: string;
  name: string;
  team: string;
  environment: string;
  vms: string[];
  room: Array<{ resource: string; left: string }>;
  sizes: Array<{
    cpu: number;
    memory: string;
    fits: boolean;
    shortfall?: string;
  }>;
}

/**
 * Client of the provisioning backend (`/api/provisioning`).
 *
 * @public
 */
export interface ProvisioningApi {
  getHealth(): Promise<ProvisioningHealth>;
  getClusters(): Promise<ClusterSummary[]>;
  getTiers(): Promise<TierSummary[]>;
  preview(
    request: Record<string, unknown>,
    options?: { updateOpenRequest?: boolean },
  ): Promise<RequestPreview>;
  checkName(target: NameTarget): Promise<NameCheck>;
  getNamespaces(cluster?: string): Promise<NamespaceSummary[]>;
  getNamespaceState(
    cluster: string,
    namespace: string,
  ): Promise<NamespaceLiveState>;
  getVmState(
    cluster: string,
    namespace: string,
    vm: string,
  ): Promise<VmLiveState>;
  /** A team's namespaces and VMs on every cluster; `team` is the group's entity ref. */
  getTeamSummary(team: string): Promise<TeamSummary>;
  checkQuota(quota: QuotaChoice): Promise<QuotaCheck>;
}

/** A quota as the form holds it: a tier, or custom values. */
export type QuotaChoice =
  | { tier: string }
  | { custom: Record<string, string | number> };

/** The result of checking a quota: each broken rule with its field, and the monthly cost when it is valid. */
export interface QuotaCheck {
  problems: Array<{ path: string; message: string }>;
  monthlyCost?: string;
}

/** A namespace's live state, read by the backend from its watch cache (the shape is shared with the backend). */
export type NamespaceLiveState = LiveNamespaceState;
/** A VM's live state with its DataVolumes (the shape is shared with the backend). */
export type VmLiveState = LiveVirtualMachineState;
export type { ClusterCapacity, Health, QuotaUsage, StateSource, TeamSummary };

/** @public */
export const provisioningApiRef = createApiRef<ProvisioningApi>({
  id: 'plugin.provisioning.api',
});
