import { coreServices, createBackendModule } from '@backstage/backend-plugin-api';
import { catalogProcessingExtensionPoint } from '@backstage/plugin-catalog-node';
import { createOctokit, GitOpsPullRequestWriter, readGitOpsConfig } from '@kubeportal/plugin-provisioning-node';
import { ClusterEntityProvider } from './providers/ClusterEntityProvider';
import { RequestEntityProvider } from './providers/RequestEntityProvider';

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
        if (config.has('provisioning.gitops')) {
          const gitops = readGitOpsConfig(config);
          catalog.addEntityProvider(
            new RequestEntityProvider({
              gitops,
              writer: async () => new GitOpsPullRequestWriter(await createOctokit(config, gitops), { logger }),
              logger,
              taskRunner: scheduler.createScheduledTaskRunner({ frequency: { seconds: 30 }, timeout: { minutes: 1 } }),
            }),
          );
        } else {
          logger.info('provisioning.gitops is not configured: requests are not shown in the catalog');
        }
      },
    });
  },
});
