import { LoggerService } from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import {
  CATALOG_KEYS,
  CODEOWNERS_PATH,
  FieldProblem,
  PlatformSettings,
  PolicyResult,
  ProvisioningRequest,
  RenderResult,
  clusterDir,
  evaluatePolicy,
  namespaceDir,
  parseRequest,
  pullRequestBody,
  pullRequestLabels,
  renderRequest,
  requestBranch,
  vmPath,
} from '@kubeportal/plugin-provisioning-common';
import { ClusterConnection, readClusterConnections } from '../config/clusters';
import { GitOpsRepositoryConfig, createOctokit, readGitOpsConfig, readPlatformSettings } from '../config/provisioningConfig';
import { GitOpsPullRequestWriter, PullRequestResult } from '../github/GitOpsPullRequests';
import { lookupNamespace } from '../kubernetes/ClusterClients';

/** Facts about a team from the catalog: who approves, which AD groups it has. */
export interface TeamFacts {
  /** GitHub logins of the team's project leads (they review the pull requests). */
  projectLeads: string[];
  /** AD groups of the team, given edit access in every namespace of the team. */
  adGroups: string[];
}

/** Looks teams up (the catalog, in the portal). */
export interface TeamDirectory {
  getTeam(groupRef: string): Promise<TeamFacts | undefined>;
}

/** A request, rendered against the GitOps repository as it is, with its policy result. */
export interface RequestPlan {
  request: ProvisioningRequest;
  result: RenderResult;
  policy: PolicyResult;
  team: TeamFacts;
  branch: string;
  gitops: GitOpsRepositoryConfig;
}

/** Files read from other clusters: enough to know every team's spend. */
const COST_FILES = /^clusters\/[a-z0-9-]+\/(kustomization\.yaml|namespaces\/[a-z0-9-]+\/(kustomization|namespace|resourcequota|vm-[a-z0-9-]+)\.yaml)$/;

/**
 * Turns a request into a plan and a plan into a pull request: parse, read the GitOps repository, render, check
 * the policy, check live facts (the name is free on the cluster and in open pull requests), open or update the
 * pull request. Shared by the scaffolder actions and the backend's preview.
 */
export class RequestPlanner {
  private constructor(
    private readonly config: Config,
    readonly settings: PlatformSettings,
    private readonly clusters: ClusterConnection[],
    private readonly teams: TeamDirectory,
    private readonly logger: LoggerService,
    private readonly writerFactory: (gitops: GitOpsRepositoryConfig) => Promise<GitOpsPullRequestWriter>,
  ) {}

  /** Reads settings and clusters from config (errors name the config path). */
  static fromConfig(
    config: Config,
    options: { teams: TeamDirectory; logger: LoggerService; writerFactory?: (gitops: GitOpsRepositoryConfig) => Promise<GitOpsPullRequestWriter> },
  ): RequestPlanner {
    return new RequestPlanner(
      config,
      readPlatformSettings(config),
      readClusterConnections(config),
      options.teams,
      options.logger,
      options.writerFactory ?? (async gitops => new GitOpsPullRequestWriter(await createOctokit(config, gitops), { logger: options.logger })),
    );
  }

  private gitops(): GitOpsRepositoryConfig {
    return readGitOpsConfig(this.config);
  }

  private writerPromise?: Promise<GitOpsPullRequestWriter>;

  /** The pull request writer, created once per planner (credentials are looked up once). */
  writer(): Promise<GitOpsPullRequestWriter> {
    this.writerPromise ??= this.writerFactory(this.gitops());
    return this.writerPromise;
  }

  /** Parses, reads the repository, renders and checks the policy. Throws on rule breaks (with the field). */
  async plan(input: unknown, options: { today?: string } = {}): Promise<RequestPlan> {
    const request = parseRequest(input);
    const gitops = this.gitops();
    const writer = await this.writer();
    const repo = await writer.readFiles(gitops.owner, gitops.repo, gitops.branch, {
      prefixes: [`${clusterDir(request.cluster)}/`],
      paths: [CODEOWNERS_PATH],
      include: path => COST_FILES.test(path),
    });
    const teamRef = request.kind === 'namespace' ? request.team : undefined;
    let team: TeamFacts = { projectLeads: [], adGroups: [] };
    if (teamRef) {
      const found = await this.teams.getTeam(teamRef);
      if (!found) throw new InputError(`team: '${teamRef}' is not a group in the catalog`);
      team = found;
    }
    const teamName = teamRef ? teamRef.slice(teamRef.indexOf('/') + 1) : '';
    const result = renderRequest(request, {
      settings: this.settings,
      repo,
      teamAccess: teamRef ? { [teamName]: team.adGroups.map(group => ({ group, role: 'edit' as const })) } : {},
    });
    if (!teamRef) {
      const owner = (await this.teams.getTeam(`group:default/${result.team}`)) ?? { projectLeads: [], adGroups: [] };
      team = owner;
    }
    const policy = evaluatePolicy(request, result, repo, this.settings, options.today ?? new Date().toISOString().slice(0, 10));
    return { request, result, policy, team, branch: requestBranch(result.requestId, result.action), gitops };
  }

  /**
   * Live facts: for a new namespace, that its name is free on the cluster (a cluster that cannot be asked is a
   * problem too: nothing is assumed free), and that no other open pull request already asks for it.
   */
  async liveProblems(plan: RequestPlan): Promise<FieldProblem[]> {
    const problems: FieldProblem[] = [];
    const { request, result } = plan;
    if (request.kind === 'namespace') {
      const cluster = this.clusters.find(c => c.name === request.cluster);
      if (!cluster) {
        problems.push({ path: 'cluster', message: `cluster '${request.cluster}' has no connection configured, so the name cannot be checked` });
      } else {
        const found = await lookupNamespace(cluster, request.name);
        if (found.state === 'taken') problems.push({ path: 'name', message: `namespace '${request.name}' already exists on cluster '${request.cluster}'` });
        if (found.state === 'unreachable') problems.push({ path: 'cluster', message: `cluster '${request.cluster}' could not be asked whether '${request.name}' is free: ${found.reason}` });
      }
    }
    const folder = request.kind === 'vm' ? vmPath(request.cluster, request.namespace, request.name) : `${namespaceDir(result.cluster, result.namespace)}/`;
    const writer = await this.writer();
    const open = await writer.openPullRequests(plan.gitops.owner, plan.gitops.repo, 'provisioning/');
    for (const pull of open) {
      if (pull.branch === plan.branch) continue;
      if (request.kind === 'namespace' && pull.files.some(f => f.startsWith(folder))) {
        problems.push({ path: 'name', message: `namespace '${request.name}' is already requested in pull request #${pull.number} (${pull.url})` });
      }
      if (request.kind === 'vm' && pull.files.includes(folder)) {
        problems.push({ path: 'name', message: `VM '${request.name}' is already requested in pull request #${pull.number} (${pull.url})` });
      }
    }
    return problems;
  }

  /** Opens (or updates) the plan's pull request, reviewed by the team's project leads. */
  async openPullRequest(plan: RequestPlan, links: { portal?: string; task?: string } = {}): Promise<PullRequestResult> {
    if (plan.team.projectLeads.length === 0) {
      throw new InputError(
        `team '${plan.result.team}' has no project leads in the catalog (annotation ${CATALOG_KEYS.projectLeads} on its group), so nobody could approve the pull request`,
      );
    }
    const writer = await this.writer();
    this.logger.info(`Opening pull request for request ${plan.result.requestId} on ${plan.gitops.owner}/${plan.gitops.repo}`);
    return writer.openOrUpdate({
      owner: plan.gitops.owner,
      repo: plan.gitops.repo,
      base: plan.gitops.branch,
      branch: plan.branch,
      title: plan.result.title,
      body: pullRequestBody(plan.request, plan.result, plan.policy, this.settings, links),
      commitMessage: `${plan.result.title}\n\nRequest ${plan.result.requestId} by ${plan.request.requester}.`,
      changes: plan.result.changes,
      reviewers: plan.team.projectLeads,
      labels: pullRequestLabels(plan.request, plan.result),
    });
  }
}
