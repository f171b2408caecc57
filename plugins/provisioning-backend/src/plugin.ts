import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { signalsServiceRef } from '@backstage/plugin-signals-node';
import { provisioningPermissions } from '@kubeportal/plugin-provisioning-common';
import { provisioningServiceRef } from '@kubeportal/plugin-provisioning-node';
import {
  getProvisioningNamespaceResources,
  provisioningNamespaceResourceRef,
  provisioningPermissionRules,
} from '@kubeportal/plugin-provisioning-node';
import { createRouter } from './service/router';
import { publishNamespaceChanges } from './service/namespaceSignals';
import {
  createGitHubWebhookRouter,
  GITHUB_WEBHOOK_PATH,
} from './service/webhooks';
import {
  pollRequestStatuses,
  REQUEST_STATUS_POLL_DAYS,
} from './status/pollRequestStatuses';
import { RequestStatusStore } from './status/RequestStatusStore';

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
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        signals: signalsServiceRef,
        lifecycle: coreServices.lifecycle,
        database: coreServices.database,
        scheduler: coreServices.scheduler,
      },
      async init({
        provisioning,
        logger,
        httpRouter,
        auth,
        httpAuth,
        userInfo,
        catalog,
        permissions,
        permissionsRegistry,
        signals,
        lifecycle,
        database,
        scheduler,
      }) {
        // the portal's permissions, and its rules over team and namespace ownership, for policies to decide with
        permissionsRegistry.addResourceType({
          resourceRef: provisioningNamespaceResourceRef,
          permissions: provisioningPermissions.filter(
            p => p.type === 'resource',
          ),
          rules: Object.values(provisioningPermissionRules),
          getResources: getProvisioningNamespaceResources,
        });
        permissionsRegistry.addPermissions(
          provisioningPermissions.filter(p => p.type === 'basic'),
        );
        // GitHub's deliveries move a request's status: signed (not signed-in), and read as raw bytes, so this
        // router comes before the REST router and its JSON parser
        const statusStore = await RequestStatusStore.create({ database });
        httpRouter.use(
          createGitHubWebhookRouter({
            gitops: provisioning.config.gitops,
            store: statusStore,
            logger,
          }),
        );
        httpRouter.addAuthPolicy({
          path: GITHUB_WEBHOOK_PATH,
          allow: 'unauthenticated',
        });
        // a missed delivery is caught up by polling the pull requests; what the webhooks recorded is left as is
        const gitops = provisioning.config.gitops;
        const writer = provisioning.gitops?.writer;
        if (gitops && writer) {
          const schedule = provisioning.config.schedules.requestStatus;
          await scheduler.scheduleTask({
            id: 'provisioning-request-status-poll',
            frequency: schedule.frequency,
            timeout: schedule.timeout,
            fn: async () => {
              try {
                await pollRequestStatuses({
                  writer,
                  gitops,
                  store: statusStore,
                  since: new Date(
                    Date.now() - REQUEST_STATUS_POLL_DAYS * 86_400_000,
                  ),
                  logger,
                });
              } catch (error) {
                logger.error(
                  'Polling the request pull requests failed; the next run tries again',
                  error as Error,
                );
              }
            },
          });
        }
        httpRouter.use(
          await createRouter({
            provisioning,
            logger,
            auth,
            httpAuth,
            userInfo,
            catalog,
            permissions,
            permissionsRegistry,
          }),
        );
        httpRouter.addAuthPolicy({ path: '/health', allow: 'unauthenticated' });
        // open pages update when their namespace changes on the cluster: a signal to its team, then a read
        const stop = publishNamespaceChanges({
          state: provisioning.state,
          signals,
          platformTeam: provisioning.config.platformTeam,
          logger,
        });
        lifecycle.addShutdownHook(stop);
        await provisioning.state.start();
      },
    });
  },
});
