import { createHash } from 'node:crypto';
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
import {
  CATALOG_KEYS,
  dns1123LabelProblem,
  LABELS,
  parseRequestBranch,
  REQUEST_BRANCH_PREFIX,
  toEntityRef,
} from '@kubeportal/plugin-provisioning-common';
import {
  GitOpsPullRequestWriter,
  GitOpsRepositoryConfig,
  ProvisioningService,
  RequestPullRequest,
} from '@kubeportal/plugin-provisioning-node';

/** Entity `spec.type` of provisioning requests. */
export const REQUEST_ENTITY_TYPE = 'provisioning-request';

/** Where a request stands, as far as GitHub knows. */
export type RequestStatus =
  | 'pull-request-open'
  | 'changes-requested'
  | 'approved'
  | 'merged'
  | 'rejected';

/** How long closed request pull requests stay in the catalog. */
const RECENT_DAYS = 90;

/**
 * Emits every provisioning request (one per request branch `provisioning/<action>/<request id>`) as a catalog
 * `Resource` of type `provisioning-request`, owned by the team, depending on its cluster, with its status (pull
 * request open, changes requested, approved, merged, rejected) and a link to the pull request. It reads every
 * page of pull requests (open ones, and closed ones of the last 90 days) and takes only those the portal opened:
 * a branch that parses as a request branch and a pull request whose author is the portal's own GitHub account.
 * Refreshed on the schedule `provisioning.schedules.requests`; a failed refresh keeps the last state and is logged.
 *
 * @public
 */
export class RequestEntityProvider implements EntityProvider {
  private connection?: EntityProviderConnection;
  private portalLogin?: Promise<string>;

  /** Builds the provider from the shared provisioning service; `undefined` without `provisioning.gitops`. */
  static fromConfig(
    provisioning: ProvisioningService,
    options: {
      logger: LoggerService;
      scheduler: SchedulerService;
      now?: () => Date;
    },
  ): RequestEntityProvider | undefined {
    const { gitops } = provisioning;
    if (!gitops || !provisioning.config.gitops) return undefined;
    return new RequestEntityProvider({
      gitops: provisioning.config.gitops,
      writer: gitops.writer,
      portalLogin: async () => {
        const configured = provisioning.config.gitops?.author;
        if (configured) return configured;
        try {
          return (await gitops.octokit.users.getAuthenticated()).data.login;
        } catch (error) {
          throw new Error(
            `Cannot tell which pull requests the portal opened: GET /user failed (${
              (error as Error).message
            }); a GitHub App must set provisioning.gitops.author to '<app-slug>[bot]'`,
          );
        }
      },
      platformTeam: provisioning.config.platformTeam,
      logger: options.logger,
      taskRunner: options.scheduler.createScheduledTaskRunner(
        provisioning.config.schedules.requests,
      ),
      now: options.now,
    });
  }

  private constructor(
    private readonly options: {
      gitops: GitOpsRepositoryConfig;
      writer: GitOpsPullRequestWriter;
      /** The GitHub login the portal writes as (its pull requests' author). */
      portalLogin: () => Promise<string>;
      platformTeam: string;
      logger: LoggerService;
      taskRunner: SchedulerServiceTaskRunner;
      now?: () => Date;
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
          this.options.logger.error(
            `${this.getProviderName()} refresh failed; keeping the last state`,
            error as Error,
          );
        }
      },
    });
  }

  /** Reads the request pull requests and replaces this provider's entities with them. */
  async refresh(): Promise<void> {
    if (!this.connection)
      throw new Error(`${this.getProviderName()} is not connected yet`);
    const { gitops, writer } = this.options;
    this.portalLogin ??= this.options.portalLogin();
    this.portalLogin.catch(() => (this.portalLogin = undefined));
    const author = await this.portalLogin;
    const since = new Date(
      (this.options.now?.() ?? new Date()).getTime() - RECENT_DAYS * 86_400_000,
    ).toISOString();
    const pulls = await writer.requestPullRequests(
      gitops.owner,
      gitops.repo,
      REQUEST_BRANCH_PREFIX,
      { author, since },
    );
    const byRequest = new Map<
      string,
      { pull: RequestPullRequest; action: string; id: string }
    >();
    for (const pull of pulls) {
      const parsed = parseRequestBranch(pull.branch);
      if (!parsed) continue;
      const key = `${parsed.action}.${parsed.id}`;
      if (!byRequest.has(key)) byRequest.set(key, { pull, ...parsed }); // newest first
    }
    const location = `url:${gitops.host}/${gitops.owner}/${gitops.repo}`;
    await this.connection.applyMutation({
      type: 'full',
      entities: [...byRequest.values()].map(r => ({
        locationKey: this.getProviderName(),
        entity: toEntity(r, location, this.options.platformTeam),
      })),
    });
    this.options.logger.info(
      `${this.getProviderName()}: ${byRequest.size} requests`,
    );
  }
}

/** Status of a request from its pull request. */
export function statusOf(pull: {
  state: 'open' | 'closed';
  merged: boolean;
  approvedBy: string[];
  changesRequestedBy: string[];
}): RequestStatus {
  if (pull.merged) return 'merged';
  if (pull.state === 'closed') return 'rejected';
  if (pull.changesRequestedBy.length > 0) return 'changes-requested';
  if (pull.approvedBy.length > 0) return 'approved';
  return 'pull-request-open';
}

function toEntity(
  request: { pull: RequestPullRequest; action: string; id: string },
  location: string,
  platformTeam: string,
): ResourceEntity {
  const { pull, action, id } = request;
  const label = (prefix: string) =>
    pull.labels.find(l => l.startsWith(prefix))?.slice(prefix.length);
  const team = label('team:');
  const cluster = label('cluster:');
  const status = statusOf(pull);
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: {
      name: entityName(`${action}.${id}`),
      title: pull.title,
      description: `${pull.title}: ${status.replace(
        /-/g,
        ' ',
      )} (pull request #${pull.number})`,
      annotations: {
        [ANNOTATION_LOCATION]: location,
        [ANNOTATION_ORIGIN_LOCATION]: location,
        [LABELS.requestId]: id,
        [CATALOG_KEYS.requestStatus]: status,
        [CATALOG_KEYS.pullRequest]: pull.url,
        ...(pull.mergeCommitSha
          ? { [CATALOG_KEYS.mergeCommit]: pull.mergeCommitSha }
          : {}),
        ...(pull.approvedBy.length > 0
          ? { [CATALOG_KEYS.approvedBy]: pull.approvedBy.join(',') }
          : {}),
      },
      labels: {
        [CATALOG_KEYS.requestStatus]: status,
        ...(label('kind:')
          ? { [CATALOG_KEYS.requestKind]: label('kind:')! }
          : {}),
      },
      tags: ['provisioning', status],
      links: [{ url: pull.url, title: `Pull request #${pull.number}` }],
    },
    spec: {
      type: REQUEST_ENTITY_TYPE,
      owner:
        team && !dns1123LabelProblem(team)
          ? toEntityRef('group', team)
          : platformTeam,
      ...(cluster && !dns1123LabelProblem(cluster)
        ? { dependsOn: [`resource:default/${cluster}`] }
        : {}),
    },
  };
}

/** A valid entity name (at most 63 characters of `[A-Za-z0-9._-]`, alphanumeric at both ends), stable for an id. */
function entityName(value: string): string {
  if (value.length <= 63) return value;
  const hash = createHash('sha256').update(value).digest('hex').slice(0, 8);
  return `${value.slice(0, 54).replace(/[^A-Za-z0-9]+$/, '')}-${hash}`;
}
