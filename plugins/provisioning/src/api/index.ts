export { provisioningApiRef } from './ProvisioningApi';
export type {
  ProvisioningApi,
  ProvisioningHealth,
  ClusterSummary,
  TierSummary,
  RequestPreview,
  QuotaChoice,
  QuotaCheck,
} from './ProvisioningApi';
export { ProvisioningClient } from './ProvisioningClient';
