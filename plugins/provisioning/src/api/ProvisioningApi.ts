import { createApiRef } from '@backstage/frontend-plugin-api';

/** Health of the provisioning backend. */
export interface ProvisioningHealth {
  status: 'ok';
}

/** A configured cluster, with whether the portal can reach it now. */
export interface ClusterSummary {
  name: string;
  title: string;
  environment: 'dev' | 'staging' | 'prod';
  site?: string;
  storageClasses: string[];
  networks: string[];
  health: 'ok' | 'unreachable';
  message?: string;
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
  preview(request: Record<string, unknown>): Promise<RequestPreview>;
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

/** @public */
export const provisioningApiRef = createApiRef<ProvisioningApi>({
  id: 'plugin.provisioning.api',
});
