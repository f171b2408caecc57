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
  NamespaceLiveState,
  QuotaUsage,
  Health,
  StateSource,
  ClusterCapacity,
  TeamSummary,
  VmLiveState,
} from './ProvisioningApi';
export { ProvisioningClient } from './ProvisioningClient';
