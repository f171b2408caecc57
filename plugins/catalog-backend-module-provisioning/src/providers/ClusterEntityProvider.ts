import {
  LoggerService,
  SchedulerService,
  SchedulerServiceTaskRunner,
} from '@backstage/backend-plugin-api';
import {
  ANNOTATION_LOCATION,
  ANNOTATION_ORIGIN_LOCATION,
  ResourceEntity,
} from '@backstage/catalog-model';
import {
  EntityProvider,
  EntityProviderConnection,
} from '@backstage/plugin-catalog-node';
import { CATALOG_KEYS, LABELS } from '@kubeportal/plugin-provisioning-common';
import {
  ClusterConnection,
  ProvisioningConfig,
} from '@kubeportal/plugin-provisioning-node';
import { clusterEntityName } from './entityNames';

/** Entity `spec.type` of the clusters this provider emits. */
export const CLUSTER_ENTITY_TYPE = 'kubernetes-cluster';

/**
 * Emits every configured cluster as a catalog `Resource` of type `kubernetes-cluster`, owned by the platform
 * team, refreshed on a schedule.
 *
 * @public
 */
export class ClusterEntityProvider implements EntityProvider {
  private connection?: EntityProviderConnection;

  /**
   * Builds the provider from the configuration read at start-up (`provisioning.clusters`,
   * `provisioning.platformTeam`), refreshed on the schedule `provisioning.schedules.clusters`.
   */
  static fromConfig(
    config: ProvisioningConfig,
    options: { logger: LoggerService; scheduler: SchedulerService },
  ): ClusterEntityProvider {
    const taskRunner = options.scheduler.createScheduledTaskRunner(
      config.schedules.clusters,
    );
    return new ClusterEntityProvider(
      config.clusters,
      config.platformTeam,
      options.logger,
      taskRunner,
    );
  }

  private constructor(
    private readonly clusters: ClusterConnection[],
    private readonly owner: string,
    private readonly logger: LoggerService,
    private readonly taskRunner: SchedulerServiceTaskRunner,
  ) {}

  getProviderName(): string {
    return 'provisioning-clusters';
  }

  async connect(connection: EntityProviderConnection): Promise<void> {
    this.connection = connection;
    await this.taskRunner.run({
      id: `${this.getProviderName()}:refresh`,
      fn: async () => {
        try {
          await this.refresh();
        } catch (error) {
          this.logger.error(
            `${this.getProviderName()} refresh failed`,
            error as Error,
          );
        }
      },
    });
  }

  /** Replaces this provider's entities with the configured clusters. */
  async refresh(): Promise<void> {
    if (!this.connection) {
      throw new Error(`${this.getProviderName()} is not connected yet`);
    }
    const location = `provisioning:clusters`;
    await this.connection.applyMutation({
      type: 'full',
      entities: this.clusters.map(cluster => ({
        locationKey: this.getProviderName(),
        entity: this.toEntity(cluster, location),
      })),
    });
    this.logger.info(
      `${this.getProviderName()}: ${this.clusters.length} clusters`,
    );
  }

  private toEntity(
    cluster: ClusterConnection,
    location: string,
  ): ResourceEntity {
    return {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Resource',
      metadata: {
        name: clusterEntityName(cluster.name),
        title: cluster.title ?? cluster.name,
        description: `Kubernetes cluster ${cluster.name} (${
          cluster.environment
        }${cluster.site ? `, ${cluster.site}` : ''})`,
        annotations: {
          [ANNOTATION_LOCATION]: location,
          [ANNOTATION_ORIGIN_LOCATION]: location,
        },
        labels: {
          [LABELS.environment]: cluster.environment,
          ...(cluster.site ? { [CATALOG_KEYS.site]: cluster.site } : {}),
        },
        tags: [cluster.environment, 'kubernetes'],
      },
      spec: {
        type: CLUSTER_ENTITY_TYPE,
        owner: this.owner,
      },
    };
  }
}
