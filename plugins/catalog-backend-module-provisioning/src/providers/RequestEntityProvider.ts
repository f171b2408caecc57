import {
  LoggerService,
  SchedulerService,
  SchedulerServiceTaskRunner,
} from '@backstage/backend-plugin-api';
import {
  EntityProvider,
  EntityProviderConnection,
} from '@backstage/plugin-catalog-node';
import {
  parseRequestBranch,
  REQUEST_BRANCH_PREFIX,
  REQUEST_ENTITY_RECENT_DAYS,
  RequestAction,
} from '@kubeportal/plugin-provisioning-common';
import {
  GitHubPullRequestError,
  GitOpsPullRequestWriter,
  GitOpsRepositoryConfig,
  ownerFromTrailers,
  ProvisioningService,
  RequestPullRequest,
} from '@kubeportal/plugin-provisioning-node';
import { requesterRef, toRequestEntity } from './requestEntity';

type Octokit = NonNullable<ProvisioningService['gitops']>['octokit'];

/** How many head commits are read from GitHub at a time. */
const COMMIT_READS_AT_ONCE = 4;

const httpStatus = (error: unknown) => (error as { status?: number }).status;

/**
 * Emits every provisioning request (one per request branch `provisioning/<action>/<request id>`) as a catalog
 * `Resource` of type `provisioning-request` (`REQUEST_ENTITY_TYPE`), owned by the team, depending on its cluster,
 * with its status (`REQUEST_STATUSES`: pull request open, changes requested, approved, merged, rejected) and a link
 * to the pull request. It reads every page of pull requests (open ones, and closed ones of the last
 * `REQUEST_ENTITY_RECENT_DAYS` days) and takes only those the portal opened: a branch that parses as a request
 * branch and a pull request whose author is the portal's own GitHub account.
 *
 * Each entity has a short title (`Namespace payments-api on dev-rack-a`), a description that starts with the
 * status in words (`Approved · Namespace payments-api on dev-rack-a, requested by jdoe`), the machine status as
 * label and annotation, and the request's facts in `spec` (see `RequestEntityFacts` in the common package). The
 * opening time comes with the pull request listing; the requester (from the trailers of the pull request's head
 * commit) is read once per head commit and kept. Refreshed on the schedule `provisioning.schedules.requests`; a
 * failed refresh keeps the last state and is logged.
 *
 * @public
 */
export class RequestEntityProvider implements EntityProvider {
  private connection?: EntityProviderConnection;
  private portalLogin?: Promise<string>;
  /** Requesters by head commit sha (`undefined` when the commit records none): a commit never changes. */
  private readonly requesters = new Map<string, string | undefined>();

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
      octokit: gitops.octokit,
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
      octokit: Octokit;
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
      (this.options.now?.() ?? new Date()).getTime() -
        REQUEST_ENTITY_RECENT_DAYS * 86_400_000,
    ).toISOString();
    const pulls = await writer.requestPullRequests(
      gitops.owner,
      gitops.repo,
      REQUEST_BRANCH_PREFIX,
      { author, since },
    );
    const byRequest = new Map<
      string,
      { pull: RequestPullRequest; action: RequestAction; id: string }
    >();
    for (const pull of pulls) {
      const parsed = parseRequestBranch(pull.branch);
      if (!parsed) continue;
      const key = `${parsed.action}.${parsed.id}`;
      if (!byRequest.has(key)) byRequest.set(key, { pull, ...parsed }); // newest first
    }
    const requests = [...byRequest.values()];
    const requesters = await this.requestersOf(requests.map(r => r.pull));
    const location = `url:${gitops.host}/${gitops.owner}/${gitops.repo}`;
    await this.connection.applyMutation({
      type: 'full',
      entities: requests.map(r => ({
        locationKey: this.getProviderName(),
        entity: toRequestEntity(
          { ...r, requester: requesters.get(r.pull.headSha) },
          location,
          this.options.platformTeam,
        ),
      })),
    });
    this.options.logger.info(
      `${this.getProviderName()}: ${byRequest.size} requests`,
    );
  }

  /**
   * The requesters of these pull requests by head commit sha: the trailers of each head commit not seen before are
   * read from GitHub, then kept. A head commit that is gone or carries no trailer gives no requester; any other
   * failure fails the refresh.
   */
  private async requestersOf(
    pulls: RequestPullRequest[],
  ): Promise<Map<string, string | undefined>> {
    const missing = [
      ...new Map(
        pulls
          .filter(p => !this.requesters.has(p.headSha))
          .map(p => [p.headSha, p.number]),
      ),
    ];
    for (let i = 0; i < missing.length; i += COMMIT_READS_AT_ONCE) {
      const batch = missing.slice(i, i + COMMIT_READS_AT_ONCE);
      const read = await Promise.all(
        batch.map(([sha, number]) => this.readRequester(sha, number)),
      );
      batch.forEach(([sha], j) => this.requesters.set(sha, read[j]));
    }
    // forget head commits that left the listing, so the map stays as large as the catalog's share
    const listed = new Set(pulls.map(p => p.headSha));
    for (const sha of this.requesters.keys())
      if (!listed.has(sha)) this.requesters.delete(sha);
    return this.requesters;
  }

  /** The requester recorded in the trailers of a pull request's head commit. */
  private async readRequester(
    sha: string,
    number: number,
  ): Promise<string | undefined> {
    const { gitops, octokit } = this.options;
    let message: string | undefined;
    try {
      message = (
        await octokit.git.getCommit({
          owner: gitops.owner,
          repo: gitops.repo,
          commit_sha: sha,
        })
      ).data.message;
    } catch (error) {
      const code = httpStatus(error);
      if (code !== 404)
        throw new GitHubPullRequestError(
          `GitHub reading the head commit of pull request #${number} failed${
            code ? ` (${code})` : ''
          }`,
          error,
        );
    }
    return requesterRef(message && ownerFromTrailers(message)?.requester);
  }
}
