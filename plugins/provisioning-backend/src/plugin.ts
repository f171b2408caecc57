import { coreServices, createBackendPlugin } from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { provisioningServiceRef } from '@kubeportal/plugin-provisioning-node';
import { createRouter } from './service/router';

/**
 * The provisioning backend plugin, mounted at `/api/provisioning`.
 *
 * @public
 */
export const provisioningPlugin = createBackendPlugin({
  pluginId: 'provisioning',
  register(env) {
    env.registerInit({
      deps: {
        provisioning: provisioningServiceRef,
        logger: coreServices.logger,
        httpRouter: coreServices.httpRouter,
        auth: coreServices.auth,
        httpAuth: coreServices.httpAuth,
        userInfo: coreServices.userInfo,
        catalog: catalogServiceRef,
      },
      async init({ provisioning, logger, httpRouter, auth, httpAuth, userInfo, catalog }) {
        httpRouter.use(await createRouter({ provisioning, logger, auth, httpAuth, userInfo, catalog }));
        httpRouter.addAuthPolicy({ path: '/health', allow: 'unauthenticated' });
      },
    });
  },
});
