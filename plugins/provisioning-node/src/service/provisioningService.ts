import {
  coreServices,
  createServiceFactory,
  createServiceRef,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import type { Octokit } from '@octokit/rest';
import {
  createGitOpsClient,
  ProvisioningConfig,
  readProvisioningConfig,
} from '../config/provisioningConfig';
import { BlobCache } from '../github/BlobCache';
import { GitOpsPullRequestWriter } from '../github/GitOpsPullRequests';
import { GitOpsRepository } from '../github/GitOpsRepository';
import { ClusterClients } from '../kubernetes/ClusterClients';
import { ClusterStateCache } from '../kubernetes/ClusterStateCache';
import { RequestPlanner } from '../requests/RequestPlanner';

/**
 * What every provisioning plugin of one backend shares, created once at start-up from the configuration: the
 * validated settings, the cluster clients, and (when `provisioning.gitops` is set) the GitOps repository reader
 * with its blob cache, the pull-request writer and the request planner over one GitHub client.
 *
 * @public
 */
export interface ProvisioningService {
  config: ProvisioningConfig;
  clusters: ClusterClients;
  /**
   * The live state of every cluster, one watch per kind; started by the first plugin that reads it
   * (`state.start()` is idempotent) and stopped when the backend stops.
   */
  state: ClusterStateCache;
  gitops?: {
    octokit: Octokit;
    repository: GitOpsRepository;
    writer: GitOpsPullRequestWriter;
    planner: RequestPlanner;
  };
}

/**
 * Builds the shared service. Configuration errors throw `ProvisioningConfigError` naming the config path, so the
 * backend does not start with a bad configuration. `octokit` replaces the client built from `integrations.github`.
 *
 * @public
 */
export function createProvisioningService(
  config: Config,
  options: {
    logger: LoggerService;
    octokit?: Octokit;
    clusterTimeoutMs?: number;
  },
): ProvisioningService {
  const settings = readProvisioningConfig(config);
  const clusters = new ClusterClients(settings.clusters, {
    logger: options.logger,
    timeoutMs: options.clusterTimeoutMs,
  });
  const state = ClusterStateCache.fromConfig(settings, {
    logger: options.logger,
  });
  if (!settings.gitops) return { config: settings, clusters, state };
  const octokit =
    options.octokit ??
    createGitOpsClient(config, settings.gitops, { logger: options.logger });
  const repository = new GitOpsRepository(octokit, settings.gitops, {
    cache: new BlobCache(),
    logger: options.logger,
  });
  const writer = new GitOpsPullRequestWriter(octokit, {
    logger: options.logger,
  });
  const planner = new RequestPlanner({
    config: settings,
    repository,
    writer,
    clusters,
    logger: options.logger,
  });
  return {
    config: settings,
    clusters,
    state,
    gitops: { octokit, repository, writer, planner },
  };
}

/**
 * The provisioning service of a backend: one per backend (root scope), shared by the provisioning backend
 * plugin, the scaffolder module and the catalog module.
 *
 * @public
 */
export const provisioningServiceRef = createServiceRef<ProvisioningService>({
  id: 'provisioning.service',
  scope: 'root',
  defaultFactory: async service =>
    createServiceFactory({
      service,
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.rootLogger,
        lifecycle: coreServices.rootLifecycle,
      },
      factory: ({ config, logger, lifecycle }) => {
        const provisioning = createProvisioningService(config, {
          logger: logger.child({ plugin: 'provisioning' }),
        });
        // the watches end with the backend
        lifecycle.addShutdownHook(() => provisioning.state.stop());
        return provisioning;
      },
    }),
});
