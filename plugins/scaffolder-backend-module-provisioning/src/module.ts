import { createBackendModule } from '@backstage/backend-plugin-api';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { createDescribeRequestAction } from './actions/describeRequest';

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
      deps: { scaffolder: scaffolderActionsExtensionPoint },
      async init({ scaffolder }) {
        scaffolder.addActions(createDescribeRequestAction());
      },
    });
  },
});
