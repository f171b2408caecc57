/*
 * The provisioning portal's backend: Backstage core plugins plus the provisioning plugin suite.
 */
import { createBackend } from '@backstage/backend-defaults';
import { portalPermissionPolicyModule } from './permissionPolicy';

const backend = createBackend();

backend.add(import('@backstage/plugin-app-backend'));

// scaffolder with the provisioning actions only: no generic GitHub or other actions that could use the
// portal's GitHub token for anything else
backend.add(import('@backstage/plugin-scaffolder-backend'));
backend.add(
  import('@kubeportal/plugin-scaffolder-backend-module-provisioning'),
);

// auth: sign-in providers come from configuration (guest only in the local environment's configuration)
backend.add(import('@backstage/plugin-auth-backend'));
backend.add(import('@backstage/plugin-auth-backend-module-guest-provider'));

// catalog, with the provisioning entity providers
backend.add(import('@backstage/plugin-catalog-backend'));
backend.add(
  import('@backstage/plugin-catalog-backend-module-scaffolder-entity-model'),
);
backend.add(import('@backstage/plugin-catalog-backend-module-logs'));
backend.add(import('@kubeportal/plugin-catalog-backend-module-provisioning'));

// permissions: the portal's own policy (who may do what: see README, "Who may do what")
backend.add(import('@backstage/plugin-permission-backend'));
backend.add(portalPermissionPolicyModule);

backend.add(import('@backstage/plugin-user-settings-backend'));
backend.add(import('@backstage/plugin-notifications-backend'));
backend.add(import('@backstage/plugin-signals-backend'));

// the provisioning API
backend.add(import('@kubeportal/plugin-provisioning-backend'));

backend.start();
