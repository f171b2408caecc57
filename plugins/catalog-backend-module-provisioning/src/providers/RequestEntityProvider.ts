import { LoggerService, SchedulerServiceTaskRunner } from '@backstage/backend-plugin-api';
import { ANNOTATION_LOCATION, ANNOTATION_ORIGIN_LOCATION, ResourceEntity } from '@backstage/catalog-model';
import { EntityProvider, EntityProviderConnection } from '@backstage/plugin-catalog-node';
import { CATALOG_KEYS, LABELS } from '@kubeportal/plugin-provisioning-common';
import { GitOpsPullRequestWriter, GitOpsRepositoryConfig } from '@kubeportal/plugin-provisioning-node';

/** Entity `spec.type` of provisioning requests. */
export const REQUEST_ENTITY_TYPE = 'provisioning-request';

/** Where a request stands, as far as GitHub knows. */
export type RequestStatus = 'pull-request-open' | 'changes-requested' | 'approved' | 'merged' | 'rejected';

/**
 * Emits every provisioning request (one per pull request branch `provisioning/<action>/<request id>`) as a
 * catalog `Resource` of type `provisioning-request`, owned by the team, depending on its cluster, with its status
 * (pull request open, changes requested, approved, merged, rejected) and a link to the pull request. Refreshed
 * on a schedule; a failed refresh keeps the last state and is logged.
 *
 * @public
 */
export class RequestEntityProvider implements EntityProvider {
  private connection?: EntityProviderConnection;

  constructor(
    private readonly options: {
      gitops: GitOpsRepositoryConfig;
      writer: () => Promise<GitOpsPullRequestWriter>;
      logger: LoggerService;
      taskRunner: SchedulerServiceTaskRunner;
    },
  ) {}

  getProviderName(): string {
    return 'provisioning-requests';
  }

  async connect(connection: EntityProviderConnection): Promise<void> {
    this.connection = connection;
    await this.options.taskRunner.run({
      id: `${this.getProviderName()}:refresh`,
      fn: async () => {
        try {
          await this.refresh();
        } catch (error) {
          this.options.logger.error(`${this.getProviderName()} refresh failed; keeping the last state`, error as Error);
        }
      },
    });
  }

  /** Reads the request pull requests and replaces this provider's entities with them. */
  async refresh(): Promise<void> {
    if (!this.connection) throw new Error(`${this.getProviderName()} is not connected yet`);
    const { gitops } = this.options;
    const writer = await this.options.writer();
    const pulls = await writer.requestPullRequests(gitops.owner, gitops.repo, 'provisioning/');
    const byRequest = new Map<string, (typeof pulls)[number]>();
    for (const pull of pulls) {
      const id = pull.branch.split('/').slice(2).join('/');
      const key = `${pull.branch.split('/')[1]}.${id}`;
      if (!byRequest.has(key)) byRequest.set(key, pull); // newest first
    }
    const location = `url:${gitops.host}/${gitops.owner}/${gitops.repo}`;
    await this.connection.applyMutation({
      type: 'full',
      entities: [...byRequest.values()].map(pull => ({ locationKey: this.getProviderName(), entity: toEntity(pull, location) })),
    });
    this.options.logger.info(`${this.getProviderName()}: ${byRequest.size} requests`);
  }
}

/** Status of a request from its pull request. */
export function statusOf(pull: { state: 'open' | 'closed'; merged: boolean; approvedBy: string[]; changesRequestedBy: string[] }): RequestStatus {
  if (pull.merged) return 'merged';
  if (pull.state === 'closed') return 'rejected';
  if (pull.changesRequestedBy.length > 0) return 'changes-requested';
  if (pull.approvedBy.length > 0) return 'approved';
  return 'pull-request-open';
}

function toEntity(
  pull: Awaited<ReturnType<GitOpsPullRequestWriter['requestPullRequests']>>[number],
  location: string,
): ResourceEntity {
  const [, action, id] = pull.branch.split('/');
  const label = (prefix: string) => pull.labels.find(l => l.startsWith(prefix))?.slice(prefix.length);
  const team = label('team:');
  const cluster = label('cluster:');
  const status = statusOf(pull);
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: {
      name: `${action}.${id}`.replace(/[^A-Za-z0-9._-]/g, '-').slice(0, 63),
      title: pull.title,
      description: `${pull.title}: ${status.replace(/-/g, ' ')} (pull request #${pull.number})`,
      annotations: {
        [ANNOTATION_LOCATION]: location,
        [ANNOTATION_ORIGIN_LOCATION]: location,
        [LABELS.requestId]: id,
        [CATALOG_KEYS.requestStatus]: status,
        [CATALOG_KEYS.pullRequest]: pull.url,
        ...(pull.mergeCommitSha ? { [CATALOG_KEYS.mergeCommit]: pull.mergeCommitSha } : {}),
        ...(pull.approvedBy.length > 0 ? { [CATALOG_KEYS.approvedBy]: pull.approvedBy.join(',') } : {}),
      },
      labels: { [CATALOG_KEYS.requestStatus]: status, ...(label('kind:') ? { [CATALOG_KEYS.requestKind]: label('kind:')! } : {}) },
      tags: ['provisioning', status],
      links: [{ url: pull.url, title: `Pull request #${pull.number}` }],
    },
    spec: {
      type: REQUEST_ENTITY_TYPE,
      owner: team ? `group:default/${team}` : 'group:default/platform',
      ...(cluster ? { dependsOn: [`resource:default/${cluster}`] } : {}),
    },
  };
}
