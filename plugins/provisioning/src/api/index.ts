export { provisioningApiRef } from './ProvisioningApi';
export type { ProvisioningApi, ProvisioningHealth, ClusterSummary, TierSummary, RequestPreview } from './ProvisioningApi';
export { ProvisioningClient } from './ProvisioningClient';
