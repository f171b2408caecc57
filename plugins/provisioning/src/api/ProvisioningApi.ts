import { createApiRef } from '@backstage/frontend-plugin-api';

/** Health of the provisioning backend. */
export interface ProvisioningHealth {
  status: 'ok';
}

/**
 * Client of the provisioning backend (`/api/provisioning`).
 *
 * @public
 */
export interface ProvisioningApi {
  getHealth(): Promise<ProvisioningHealth>;
}

/** @public */
export const provisioningApiRef = createApiRef<ProvisioningApi>({
  id: 'plugin.provisioning.api',
});
