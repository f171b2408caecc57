import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { provisioningServiceRef } from '@kubeportal/plugin-provisioning-node';
import { createDescribeRequestAction } from './actions/describeRequest';
import { createOpenPullRequestAction } from './actions/openPullRequest';
import { createRenderRequestAction } from './actions/renderRequest';
import { createValidateRequestAction } from './actions/validateRequest';
import { initiatorFromServices } from './identity';

/**
 * Scaffolder module with the provisioning portal's actions. They share the backend's one request planner (see
 * `provisioningServiceRef`); without `provisioning.gitops` only the describe action is installed.
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
        provisioning: provisioningServiceRef,
        logger: coreServices.logger,
        auth: coreServices.auth,
        userInfo: coreServices.userInfo,
        permissions: coreServices.permissions,
        catalog: catalogServiceRef,
      },
      async init({
        scaffolder,
        provisioning,
        logger,
        auth,
        userInfo,
        permissions,
        catalog,
      }) {
        scaffolder.addActions(createDescribeRequestAction());
        if (!provisioning.gitops) {
          logger.warn(
            'provisioning.gitops is not configured: only provisioning:request:describe is installed',
          );
          return;
        }
        const planner = provisioning.gitops.planner;
        const initiator = initiatorFromServices({
          auth,
          userInfo,
          catalog,
          permissions,
          clusters: provisioning.config.settings.clusters,
        });
        scaffolder.addActions(
          createValidateRequestAction({ planner, initiator }),
          createRenderRequestAction({ planner, initiator }),
          createOpenPullRequestAction({
            planner,
            initiator,
            portalUrl: provisioning.config.portalUrl,
          }),
        );
      },
    });
  },
});
