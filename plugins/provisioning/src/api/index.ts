export { provisioningApiRef } from './ProvisioningApi';
export type {
  ProvisioningApi,
  ProvisioningHealth,
  ClusterSummary,
  TierSummary,
  RequestPreview,
  QuotaChoice,
  QuotaCheck,
  OpenRequestPreview,
  NameTarget,
  NameCheck,
  NamespaceSummary,
} from './ProvisioningApi';
export { ProvisioningClient } from './ProvisioningClient';
