import { coreServices, createBackendModule } from '@backstage/backend-plugin-api';
import { catalogProcessingExtensionPoint } from '@backstage/plugin-catalog-node';
import { ClusterEntityProvider } from './providers/ClusterEntityProvider';

/**
 * Catalog module that adds the provisioning portal's entity providers.
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
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        scheduler: coreServices.scheduler,
      },
      async init({ catalog, config, logger, scheduler }) {
        catalog.addEntityProvider(
          ClusterEntityProvider.fromConfig(config, {
            logger,
            taskRunner: scheduler.createScheduledTaskRunner({
              frequency: { minutes: 5 },
              timeout: { minutes: 1 },
            }),
          }),
        );
      },
    });
  },
});
