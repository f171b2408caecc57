import { coreServices, createBackendModule } from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { createDescribeRequestAction } from './actions/describeRequest';
import { createOpenPullRequestAction } from './actions/openPullRequest';
import { createRenderRequestAction } from './actions/renderRequest';
import { createValidateRequestAction } from './actions/validateRequest';
import { defaultPlannerFactory } from './planner';

/**
 * Scaffolder module with the provisioning portal's actions.
 *
 * @public
 */
export const scaffolderModuleProvisioning = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'provisioning',
  register(env) {
    env.registerInit({
      deps: {
        scaffolder: scaffolderActionsExtensionPoint,
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        catalog: catalogServiceRef,
      },
      async init({ scaffolder, config, logger, catalog }) {
        const planner = defaultPlannerFactory(config, catalog, logger);
        scaffolder.addActions(
          createDescribeRequestAction(),
          createValidateRequestAction({ planner }),
          createRenderRequestAction({ planner }),
          createOpenPullRequestAction({ planner, portalUrl: config.getOptionalString('app.baseUrl') }),
        );
      },
    });
  },
});
