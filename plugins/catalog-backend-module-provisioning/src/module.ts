import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { catalogProcessingExtensionPoint } from '@backstage/plugin-catalog-node';
import { provisioningServiceRef } from '@kubeportal/plugin-provisioning-node';
import { ClusterEntityProvider } from './providers/ClusterEntityProvider';
import { NamespaceEntityProvider } from './providers/NamespaceEntityProvider';
import { RequestEntityProvider } from './providers/RequestEntityProvider';

/**
 * Catalog module that adds the provisioning portal's entity providers, configured from the backend's one
 * provisioning service (configuration read once at start-up, schedules from `provisioning.schedules`).
 *
 * @public
 */
export const catalogModuleProvisioning = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'provisioning',
  register(env) {
    env.registerInit({
      deps: {
        catalog: catalogProcessingExtensionPoint,
        provisioning: provisioningServiceRef,
        logger: coreServices.logger,
        scheduler: coreServices.scheduler,
        lifecycle: coreServices.lifecycle,
      },
      async init({ catalog, provisioning, logger, scheduler, lifecycle }) {
        catalog.addEntityProvider(
          ClusterEntityProvider.fromConfig(provisioning.config, {
            logger,
            scheduler,
          }),
        );
        catalog.addEntityProvider(
          NamespaceEntityProvider.fromConfig(provisioning, {
            logger,
            scheduler,
            lifecycle,
          }),
        );
        const requests = RequestEntityProvider.fromConfig(provisioning, {
          logger,
          scheduler,
        });
        if (requests) catalog.addEntityProvider(requests);
        else
          logger.info(
            'provisioning.gitops is not configured: requests are not shown in the catalog',
          );
      },
    });
  },
});
