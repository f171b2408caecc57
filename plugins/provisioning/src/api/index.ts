export { provisioningApiRef } from './ProvisioningApi';
export type { ProvisioningApi, ProvisioningHealth } from './ProvisioningApi';
export { ProvisioningClient } from './ProvisioningClient';
