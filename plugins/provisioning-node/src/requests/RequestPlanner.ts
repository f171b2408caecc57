import { LoggerService } from '@backstage/backend-plugin-api';
import { InputError, NotAllowedError } from '@backstage/errors';
import {
  CATALOG_KEYS,
  clusterDir,
  dns1123LabelProblem,
  namespaceNameProblem,
  FieldProblem,
  PolicyResult,
  ProvisioningRequest,
  RenderResult,
  dropBlankFields,
  evaluatePolicy,
  namespaceDir,
  parseRequest,
  pullRequestBody,
  pullRequestLabels,
  pullRequestTitle,
  readNamespace,
  renderRequest,
  REQUEST_BRANCH_PREFIX,
  scanNamespaces,
  vmRoom,
  VmSize,
  requestBranch,
  requestReadSet,
  toEntityRef,
  vmPath,
} from '@kubeportal/plugin-provisioning-common';
import { createHash } from 'node:crypto';
import {
  GitOpsRepositoryConfig,
  ProvisioningConfig,
} from '../config/provisioningConfig';
import {
  BaseMovedError,
  BranchOwner,
  GitOpsPullRequestWriter,
  PullRequestResult,
} from '../github/GitOpsPullRequests';
import {
  GitOpsRepository,
  RepositorySnapshot,
} from '../github/GitOpsRepository';
import { ClusterClients, publicMessage } from '../kubernetes/ClusterClients';
import {
  changesNothing,
  compareWithOpenRequest,
  OpenRequest,
  updateComment,
} from './openRequest';

/** Facts about a team from the catalog: who approves, which AD groups it has, what it is charged to. */
export interface TeamFacts {
  /** Full entity ref of the team's group, e.g. `group:default/payments`. */
  ref: string;
  /** GitHub logins of the team's project leads (they review the pull requests and own the team's folders). */
  projectLeads: string[];
  /** AD groups of the team, given edit access in every namespace of the team. */
  adGroups: string[];
  /** Cost centre the team's namespaces are charged to. */
  costCentre?: string;
}

/** Looks teams up (the catalog, in the portal, read with the user's credentials). */
export interface TeamDirectory {
  getTeam(groupRef: string): Promise<TeamFacts | undefined>;
  /** The GitHub login of a catalog user (annotation `github.com/user-login`), when the catalog knows it. */
  getGitHubLogin(userRef: string): Promise<string | undefined>;
}

/**
 * What the permission framework lets the user request (see `RequestAccess`): checked on the input before anything
 * is read, and on the plan against the team or namespace it touches.
 */
export interface RequestAuthorizer {
  precheck(input: unknown): void;
  check(plan: { request: ProvisioningRequest; team: { ref: string } }): void;
}

/** Who asks, what they may do, and the catalog as they may read it: everything a plan needs from the server. */
export interface Who {
  requester: Requester;
  teams: TeamDirectory;
  access: RequestAuthorizer;
}

/** Who asks, as the server knows them: never a field of the form or of an action's input. */
export interface Requester {
  /** The signed-in user, e.g. `user:default/jdoe`. */
  userEntityRef: string;
  /** The user and the groups they belong to (Backstage's ownership entity refs). */
  ownershipEntityRefs: string[];
}

/**
 * A request planned against one commit of the GitOps repository: the request, the commit and its files, the
 * rendered changes, the policy result with the cost, and the live checks. Built once; validate, render and the
 * pull request all use it, and the pull request's parent is `base.sha`.
 */
export interface RequestPlan {
  request: ProvisioningRequest;
  base: { sha: string; treeSha: string };
  snapshot: RepositorySnapshot;
  result: RenderResult;
  policy: PolicyResult;
  /** The owning team, from the catalog. */
  team: TeamFacts;
  /** Who is asked to review: the team's project leads but the requester (nobody approves their own request). */
  reviewers: string[];
  branch: string;
  /** Who the branch belongs to. */
  owner: BranchOwner;
  /** Every problem that stops the pull request: policy violations and live facts, each with its field. */
  problems: Array<FieldProblem & { rule?: string }>;
  gitops: GitOpsRepositoryConfig;
  /** The requester's own open pull request for this request, and what updating it would change. */
  openRequest?: OpenRequest;
  /** Whether the requester chose to update their open pull request (otherwise an open one is a problem). */
  updateOpenRequest: boolean;
}

/** How a plan is made: at which commit, on which day, and whether an open pull request may be updated. */
export interface PlanOptions {
  today?: string;
  commitSha?: string;
  /**
   * The requester's explicit choice to replace the files of their own open pull request for the same request.
   * Without it, such a pull request is a problem of the plan: nothing is rewritten silently.
   */
  updateOpenRequest?: boolean;
  /** Plan again even when a plan for the same user, input and commit is kept (the preview: live facts now). */
  fresh?: boolean;
}

/** Options of the planner; the clock is injectable for tests. */
export interface RequestPlannerOptions {
  config: ProvisioningConfig;
  repository: GitOpsRepository;
  writer: GitOpsPullRequestWriter;
  clusters: ClusterClients;
  logger: LoggerService;
  /** How long a plan is reused for the same user, input and commit (default 2 minutes). */
  planTtlMs?: number;
  /** How long the form's checks share one read of the branch head and the open pull requests (default 5 s). */
  recentReadMs?: number;
  now?: () => Date;
}

const nameOf = (ref: string) => ref.slice(ref.indexOf('/') + 1);

/** Whether a branch's recorded owner is this request's: the same request, requester and team (as the writer checks). */
function sameOwner(recorded: BranchOwner, owner: BranchOwner): boolean {
  return (
    recorded.requestId === owner.requestId &&
    recorded.requester === owner.requester &&
    recorded.team === owner.team
  );
}

/** The form field a request's name problems belong to: the name of a new namespace or VM, else the namespace. */
function fieldOfRequest(request: ProvisioningRequest): 'name' | 'namespace' {
  return request.kind === 'namespace' || request.kind === 'vm'
    ? 'name'
    : 'namespace';
}

/** The request rules broke: one message with every problem and its field. */
export function describeProblems(
  problems: Array<FieldProblem & { rule?: string }>,
): string {
  const lines = problems.map(
    p => `${p.path}: ${p.message}${p.rule ? ` [${p.rule}]` : ''}`,
  );
  return `The request breaks ${lines.length} rule${
    lines.length === 1 ? '' : 's'
  }: ${lines.join('; ')}`;
}

/**
 * Turns a request into one plan and a plan into a pull request. Created once per backend with the configuration
 * read at start-up. A plan reads the branch head (one call), then the tree of that commit (kept) and only the
 * files the request touches (through the shared blob cache); the same user asking with the same input on the same
 * commit gets the same plan back, so the scaffolder's validate, render and pull-request steps share one.
 *
 * Who asks comes from the server (`Requester`): a user asks only for their own teams and touches only namespaces
 * their team owns; the team's cost centre, project leads and AD groups come from the catalog.
 */
export class RequestPlanner {
  private readonly plans = new Map<
    string,
    { plan: Promise<RequestPlan>; at: number }
  >();

  /** Reads of the branch head and the open pull requests, shared for a few seconds by the form's checks. */
  private readonly recentReads = new Map<
    string,
    { at: number; value: Promise<unknown> }
  >();

  constructor(private readonly options: RequestPlannerOptions) {}

  /**
   * A read shared by every form check within `recentReadMs` (default 5 s), and by concurrent ones: however often
   * people (or a script) check names and previews, GitHub sees at most one such read per few seconds. The task's
   * own steps never use it: right before writing, the live facts are read again.
   */
  private recently<T>(key: string, read: () => Promise<T>): Promise<T> {
    const now = this.options.now?.().getTime() ?? Date.now();
    const kept = this.recentReads.get(key);
    if (kept && now - kept.at < (this.options.recentReadMs ?? 5_000))
      return kept.value as Promise<T>;
    const value = read();
    this.recentReads.set(key, { at: now, value });
    value.catch(() => this.recentReads.delete(key));
    return value;
  }

  private openRequests(recent: boolean) {
    const gitops = this.gitops();
    const read = () =>
      this.options.writer.openPullRequests(
        gitops.owner,
        gitops.repo,
        REQUEST_BRANCH_PREFIX,
      );
    return recent ? this.recently('open-pull-requests', read) : read();
  }

  private head(recent: boolean): Promise<string> {
    const read = () => this.options.repository.head();
    return recent ? this.recently('head', read) : read();
  }

  /** Which teams a user acts for: their own, and every team for members of the platform team. */
  private actsFor(requester: Requester): (teamRef: string) => boolean {
    const isPlatform = requester.ownershipEntityRefs.includes(
      this.options.config.platformTeam,
    );
    return teamRef =>
      isPlatform || requester.ownershipEntityRefs.includes(teamRef);
  }

  /** The platform settings the plans are checked against. */
  get settings() {
    return this.options.config.settings;
  }

  private gitops(): GitOpsRepositoryConfig {
    const gitops = this.options.config.gitops;
    if (!gitops) throw new Error('provisioning.gitops is not configured');
    return gitops;
  }

  /**
   * Plans a request at the branch's current head (or at `commitSha`). Identity and team problems throw
   * (`NotAllowedError`, `InputError`) before anything is read; rule problems are in `plan.problems`.
   */
  async plan(
    input: unknown,
    who: Who,
    options: PlanOptions = {},
  ): Promise<RequestPlan> {
    const now = this.options.now?.() ?? new Date();
    const today = options.today ?? now.toISOString().slice(0, 10);
    // who asks and what: checked before the first GitHub call, so a bad input costs nothing
    const prepared = await this.prepare(input, who);
    // the preview (fresh) shares the head with the other form checks; the task's steps read it themselves
    const sha = options.commitSha ?? (await this.head(options.fresh === true));
    const key = createHash('sha256')
      .update(
        JSON.stringify([
          who.requester.userEntityRef,
          [...who.requester.ownershipEntityRefs].sort(),
          dropBlankFields(input),
          sha,
          today,
          options.updateOpenRequest === true,
        ]),
      )
      .digest('hex');
    const ttl = this.options.planTtlMs ?? 120_000;
    for (const [k, entry] of this.plans)
      if (now.getTime() - entry.at > ttl) this.plans.delete(k);
    const cached = options.fresh ? undefined : this.plans.get(key);
    if (cached) return cached.plan;
    const plan = this.build(
      prepared,
      who,
      sha,
      today,
      options.updateOpenRequest === true,
      options.fresh === true,
    );
    this.plans.set(key, { plan, at: now.getTime() });
    plan.catch(() => this.plans.delete(key));
    return plan;
  }

  /** Identity, team and schema: the request as the server fills it in (requester, cost centre), or a refusal. */
  private async prepare(
    input: unknown,
    who: Who,
  ): Promise<{
    request: ProvisioningRequest;
    team?: TeamFacts;
    mayActFor: (teamRef: string) => boolean;
  }> {
    const { config } = this.options;
    const { requester } = who;
    const raw = dropBlankFields(input);
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
      throw new InputError(
        'request: must be an object with a kind and its fields',
      );
    const given = raw as Record<string, unknown>;
    who.access.precheck(given);
    if (
      given.requester !== undefined &&
      given.requester !== requester.userEntityRef
    ) {
      throw new NotAllowedError(
        `requester: requests are made as the signed-in user (${
          requester.userEntityRef
        }), not as '${String(given.requester)}'`,
      );
    }
    const mayActFor = this.actsFor(requester);
    // the team of a new namespace is asked for; check it before reading anything
    let team: TeamFacts | undefined;
    if (given.kind === 'namespace' && typeof given.team === 'string') {
      const teamRef = toEntityRef('group', given.team);
      // the GitOps layout names a team by its short name: only one catalog namespace of teams can own folders
      if (!teamRef.startsWith('group:default/'))
        throw new InputError(
          `team: must be a group of the default catalog namespace (group:default/<name>), not '${teamRef}'`,
        );
      if (!mayActFor(teamRef))
        throw new NotAllowedError(
          `team: ${requester.userEntityRef} is not a member of '${teamRef}' and cannot request for it`,
        );
      team = await this.team(who.teams, teamRef);
      if (
        given.costCentre !== undefined &&
        given.costCentre !== team.costCentre
      ) {
        throw new InputError(
          `costCentre: team '${nameOf(teamRef)}' is charged to '${
            team.costCentre
          }' in the catalog; the request cannot choose another`,
        );
      }
    }
    // a new namespace's environment is its cluster's (one question per fact); one given that differs is a policy problem
    const cluster =
      given.kind === 'namespace' && given.environment === undefined
        ? config.settings.clusters.find(c => c.name === given.cluster)
        : undefined;
    // a cluster name the schema accepts but nobody configured: said of the cluster, not of a missing environment
    if (
      given.kind === 'namespace' &&
      given.environment === undefined &&
      typeof given.cluster === 'string' &&
      !dns1123LabelProblem(given.cluster) &&
      !cluster
    )
      throw new InputError(
        `cluster: '${String(
          given.cluster,
        )}' is not one of the configured clusters (${config.settings.clusters
          .map(c => c.name)
          .join(', ')})`,
      );
    const request = parseRequest({
      ...given,
      requester: requester.userEntityRef,
      ...(team ? { costCentre: team.costCentre } : {}),
      ...(cluster ? { environment: cluster.environment } : {}),
    });
    return { request, team, mayActFor };
  }

  private async build(
    prepared: {
      request: ProvisioningRequest;
      team?: TeamFacts;
      mayActFor: (teamRef: string) => boolean;
    },
    who: Who,
    sha: string,
    today: string,
    updateOpenRequest: boolean,
    recent: boolean,
  ): Promise<RequestPlan> {
    const { repository, config } = this.options;
    const { requester } = who;
    const { request, mayActFor } = prepared;
    let team = prepared.team;

    // one commit: the tree, then only the files this request reads
    let snapshot = await repository.snapshot(requestReadSet(request), sha);
    if (!team) {
      const existing = readNamespace(
        snapshot.files,
        request.cluster,
        request.kind === 'namespace' ? request.name : request.namespace,
      );
      if (!existing) {
        // renderRequest names the missing namespace; read the team-independent files only
        team = { ref: '', projectLeads: [], adGroups: [] };
      } else {
        const teamRef = existing.teamRef ?? toEntityRef('group', existing.team);
        if (!mayActFor(teamRef)) {
          throw new NotAllowedError(
            `namespace: '${existing.name}' on cluster '${existing.cluster}' belongs to '${teamRef}', and ${requester.userEntityRef} is not a member`,
          );
        }
        team = await this.team(who.teams, teamRef);
      }
    }
    who.access.check({ request, team });
    const platform = await who.teams.getTeam(config.platformTeam);
    if (team.ref)
      snapshot = await repository.extend(
        snapshot,
        requestReadSet(request, nameOf(team.ref)),
      );

    const result = renderRequest(request, {
      settings: config.settings,
      repo: snapshot.files,
      teamAccess: team.ref
        ? {
            [nameOf(team.ref)]: team.adGroups.map(group => ({
              group,
              role: 'edit' as const,
            })),
          }
        : {},
      codeowners: [
        ...new Set([...team.projectLeads, ...(platform?.projectLeads ?? [])]),
      ],
    });
    const policy = evaluatePolicy(
      request,
      result,
      snapshot.files,
      config.settings,
      today,
      { projectLeads: team.projectLeads },
    );
    const owner: BranchOwner = {
      requestId: result.requestId,
      requester: requester.userEntityRef,
      team: team.ref || toEntityRef('group', result.team),
    };
    const live = await this.liveChecks(
      request,
      result,
      owner,
      updateOpenRequest,
      recent,
    );
    const problems: RequestPlan['problems'] = [
      ...policy.violations,
      ...live.problems,
    ];
    const openRequest = live.open
      ? await this.compareWithOpen(live.open, result.changes)
      : undefined;
    if (openRequest && updateOpenRequest && changesNothing(openRequest.files))
      problems.push({
        path: fieldOfRequest(request),
        rule: 'open-request',
        message: `pull request #${openRequest.number} (${openRequest.url}) already holds exactly this request: there is nothing to update`,
      });
    const requesterLogin = await who.teams.getGitHubLogin(
      requester.userEntityRef,
    );
    const reviewers = team.projectLeads.filter(
      lead => lead.toLowerCase() !== requesterLogin?.toLowerCase(),
    );
    problems.push(
      ...this.approverProblems(team, platform, result.team, reviewers),
    );
    const gitops = this.gitops();
    const branch = requestBranch(result.requestId, result.action);
    return {
      request,
      base: { sha, treeSha: snapshot.treeSha },
      snapshot,
      result,
      policy,
      team,
      reviewers,
      branch,
      owner,
      problems,
      gitops,
      openRequest,
      updateOpenRequest,
    };
  }

  /** What updating the requester's open pull request would change, file by file. */
  private async compareWithOpen(
    open: { number: number; url: string; headSha: string; files: string[] },
    changes: RenderResult['changes'],
  ): Promise<OpenRequest> {
    const paths = new Set([...open.files, ...changes.map(c => c.path)]);
    const atHead = await this.options.repository.snapshot(
      path => paths.has(path),
      open.headSha,
    );
    const pullFiles = new Map<string, string | undefined>(
      open.files.map(path => [path, atHead.files.get(path)]),
    );
    // a file the update writes that the pull request does not change yet: compared with its content at the head
    for (const { path } of changes)
      if (!pullFiles.has(path) && atHead.files.has(path))
        pullFiles.set(path, atHead.files.get(path));
    return {
      number: open.number,
      url: open.url,
      headSha: open.headSha,
      files: compareWithOpenRequest(pullFiles, changes),
    };
  }

  /**
   * Who can approve: the team's project leads other than the requester (GitHub lets anyone but a pull request's
   * author approve, and the portal is the author), valid GitHub logins, and the platform team's leads as
   * co-owners. Each gap is a problem of the plan, never a silent default.
   */
  private approverProblems(
    team: TeamFacts,
    platform: TeamFacts | undefined,
    teamName: string,
    reviewers: string[],
  ): Array<FieldProblem & { rule?: string }> {
    const problems: Array<FieldProblem & { rule?: string }> = [];
    const login = /^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/;
    for (const [owner, facts] of [
      [teamName, team],
      ['the platform team', platform],
    ] as const) {
      for (const lead of facts?.projectLeads ?? []) {
        if (!login.test(lead))
          problems.push({
            path: 'team',
            rule: 'project-leads',
            message: `project lead '${lead}' of ${owner} is not a GitHub login (annotation ${CATALOG_KEYS.projectLeads})`,
          });
      }
    }
    if (!platform || platform.projectLeads.length === 0) {
      problems.push({
        path: 'team',
        rule: 'project-leads',
        message: `the platform team (${this.options.config.platformTeam}) has no project leads in the catalog, so it cannot co-own the team's folders`,
      });
    }
    if (team.projectLeads.length === 0) {
      problems.push({
        path: 'team',
        rule: 'project-leads',
        message: `team '${teamName}' has no project leads in the catalog (annotation ${CATALOG_KEYS.projectLeads} on its group), so nobody could approve the pull request`,
      });
    } else if (reviewers.length === 0) {
      problems.push({
        path: 'team',
        rule: 'project-leads',
        message: `the requester is the only project lead of team '${teamName}', and nobody approves their own request: ask another lead to be named in the catalog`,
      });
    }
    return problems;
  }

  private async team(teams: TeamDirectory, ref: string): Promise<TeamFacts> {
    const found = await teams.getTeam(ref);
    if (!found)
      throw new InputError(`team: '${ref}' is not a group in the catalog`);
    if (!found.costCentre) {
      throw new InputError(
        `team: '${ref}' has no cost centre in the catalog (annotation ${CATALOG_KEYS.costCentre} on its group); ask the platform team to set it`,
      );
    }
    return found;
  }

  /**
   * Checks a name as the form's first step knows it (before the rest of the request exists): a new namespace's
   * name is free on the cluster and in the GitOps repository, and no open pull request asks for the same namespace
   * or VM. The requester's own open request is a notice, not a problem, since the preview offers to update it.
   */
  async checkName(
    target: {
      kind: 'namespace' | 'vm';
      cluster: string;
      name: string;
      namespace?: string;
    },
    requester: Requester,
  ): Promise<{
    problems: Array<FieldProblem & { rule?: string }>;
    notices: Array<FieldProblem & { rule?: string }>;
  }> {
    const gitops = this.gitops();
    const problems: Array<FieldProblem & { rule?: string }> = [];
    const notices: Array<FieldProblem & { rule?: string }> = [];
    const namespace =
      target.kind === 'namespace' ? target.name : target.namespace;
    // a name the schema refuses is not looked up anywhere
    const format =
      target.kind === 'namespace'
        ? namespaceNameProblem(target.name)
        : dns1123LabelProblem(target.name) ??
          (namespace ? namespaceNameProblem(namespace) : undefined);
    if (format)
      return {
        problems: [
          {
            path: 'name',
            rule: 'name-format',
            message: format.startsWith("'")
              ? format
              : `${target.name} ${format}`,
          },
        ],
        notices,
      };
    if (!namespace) return { problems, notices };
    const folder = `${namespaceDir(target.cluster, namespace)}/`;
    const vmFile =
      target.kind === 'vm'
        ? vmPath(target.cluster, namespace, target.name)
        : undefined;
    if (target.kind === 'namespace') {
      const [found, snapshot] = await Promise.all([
        this.options.clusters.lookupNamespace(target.cluster, target.name),
        this.head(true).then(sha =>
          this.options.repository.snapshot(() => false, sha),
        ),
      ]);
      if (found.state === 'taken')
        problems.push({
          path: 'name',
          rule: 'name-free',
          message: `namespace '${target.name}' already exists on cluster '${target.cluster}': choose another name`,
        });
      else if ([...snapshot.paths].some(p => p.startsWith(folder)))
        problems.push({
          path: 'name',
          rule: 'name-free',
          message: `namespace '${target.name}' is already in the GitOps repository for cluster '${target.cluster}' (not yet applied): choose another name`,
        });
      if (found.state === 'unreachable')
        problems.push({
          path: 'cluster',
          rule: 'cluster-reachable',
          message: `${publicMessage(
            target.cluster,
            found.error,
          )}, so whether '${target.name}' is free cannot be checked`,
        });
    }
    const open = await this.openRequests(true);
    for (const pull of open) {
      const clash = vmFile
        ? pull.files.includes(vmFile)
        : pull.files.some(f => f.startsWith(folder));
      if (!clash) continue;
      const recorded = await this.options.writer.branchOwner(
        gitops.owner,
        gitops.repo,
        pull.branch,
      );
      const what =
        target.kind === 'vm'
          ? `VM '${target.name}'`
          : `namespace '${namespace}'`;
      // the requester's own: not a problem here, since the preview shows what would change and offers to update it
      (recorded?.requester === requester.userEntityRef
        ? notices
        : problems
      ).push({
        path: 'name',
        rule: 'open-request',
        message:
          recorded?.requester === requester.userEntityRef
            ? `you already asked for ${what} in pull request #${pull.number} (${pull.url}), which is still open: the preview shows what would change and offers to update it`
            : `${what} is already requested in pull request #${pull.number} (${pull.url}): wait for it to be merged or closed`,
      });
    }
    return { problems, notices };
  }

  /**
   * The namespaces the user's teams own (all of them for the platform team), as the GitOps branch holds them now,
   * with their VMs, the room their quota leaves for one more VM and which VM sizes fit (KubeVirt's overhead
   * counted). Namespaces whose files cannot be read are left out: the repository check reports them.
   */
  async namespacesOf(
    requester: Requester,
    sizes?: readonly VmSize[],
  ): Promise<
    Array<{
      cluster: string;
      name: string;
      team: string;
      environment: string;
      vms: string[];
      room: ReturnType<typeof vmRoom>['room'];
      sizes: ReturnType<typeof vmRoom>['sizes'];
    }>
  > {
    const { config } = this.options;
    const clusters = config.settings.clusters.map(c => c.name);
    const folders = clusters.map(c => `${clusterDir(c)}/`);
    const snapshot = await this.options.repository.snapshot(
      path => folders.some(folder => path.startsWith(folder)),
      await this.head(true),
    );
    const mayActFor = this.actsFor(requester);
    return scanNamespaces(snapshot.files, clusters)
      .namespaces.filter(ns =>
        mayActFor(ns.teamRef ?? toEntityRef('group', ns.team)),
      )
      .map(ns => ({
        cluster: ns.cluster,
        name: ns.name,
        team: ns.team,
        environment: ns.environment,
        vms: ns.vms.map(vm => vm.name),
        ...vmRoom(ns.vms, ns.quota, config.settings.vmOverhead, sizes),
      }))
      .sort(
        (a, b) =>
          a.cluster.localeCompare(b.cluster) || a.name.localeCompare(b.name),
      );
  }

  /**
   * Live facts: for a new namespace, that its name is free on the cluster (a cluster that cannot be asked is a
   * problem too: nothing is assumed free), and that no other open pull request already asks for the same folder.
   * The requester's own open pull request for this request is returned; it is a problem unless they chose to
   * update it.
   */
  private async liveChecks(
    request: ProvisioningRequest,
    result: RenderResult,
    owner: BranchOwner,
    updateOpenRequest: boolean,
    recent = false,
  ): Promise<{
    problems: Array<FieldProblem & { rule?: string }>;
    open?: { number: number; url: string; headSha: string; files: string[] };
  }> {
    const problems: Array<FieldProblem & { rule?: string }> = [];
    const field = fieldOfRequest(request);
    if (request.kind === 'namespace') {
      const found = await this.options.clusters.lookupNamespace(
        request.cluster,
        request.name,
      );
      if (found.state === 'taken')
        problems.push({
          path: 'name',
          rule: 'name-free',
          message: `namespace '${request.name}' already exists on cluster '${request.cluster}': choose another name`,
        });
      if (found.state === 'unreachable') {
        this.options.logger.warn(
          `cluster ${request.cluster}: could not check namespace ${request.name}: ${found.reason}`,
        );
        problems.push({
          path: 'cluster',
          rule: 'cluster-reachable',
          message: `${publicMessage(
            request.cluster,
            found.error,
          )}, so whether '${request.name}' is free cannot be checked`,
        });
      }
    }
    const gitops = this.gitops();
    const branch = requestBranch(result.requestId, result.action);
    const folder = `${namespaceDir(result.cluster, result.namespace)}/`;
    const vmFile =
      request.kind === 'vm'
        ? vmPath(request.cluster, request.namespace, request.name)
        : undefined;
    const open = await this.openRequests(recent);
    let own: (typeof open)[number] | undefined;
    for (const pull of open) {
      if (pull.branch === branch) {
        // this request's own branch: the requester's to update when they choose to, someone else's otherwise
        const recorded = await this.options.writer.branchOwner(
          gitops.owner,
          gitops.repo,
          branch,
        );
        // the same request of the same requester for the same team, exactly as the writer will check it
        if (!recorded || !sameOwner(recorded, owner)) {
          problems.push({
            path: field,
            rule: 'open-request',
            message: `this request is already open in pull request #${
              pull.number
            } (${pull.url})${
              recorded ? ` by ${recorded.requester}` : ''
            }; only its requester can change it`,
          });
        } else {
          own = pull;
          if (!updateOpenRequest)
            problems.push({
              path: field,
              rule: 'open-request',
              message: `you already asked for this in pull request #${pull.number} (${pull.url}), which is still open: choose to update it (its files are replaced and its approvals dismissed), or wait until it is merged or closed`,
            });
        }
        continue;
      }
      const clash = vmFile
        ? pull.files.includes(vmFile)
        : pull.files.some(f => f.startsWith(folder));
      if (clash) {
        const what =
          request.kind === 'vm'
            ? `VM '${request.name}'`
            : `namespace '${result.namespace}'`;
        problems.push({
          path: field,
          rule: 'open-request',
          message: `${what} is already requested in pull request #${pull.number} (${pull.url}): wait for it to be merged or closed`,
        });
      }
    }
    return { problems, open: own };
  }

  /**
   * Opens (or updates) the plan's pull request, reviewed by the team's project leads. Refuses a plan with
   * problems, so no pull request is ever written without its checks. When the base branch moved since the plan,
   * the request is planned again on the new head (and checked again) before anything is written, at most
   * three times.
   */
  async openPullRequest(
    input: unknown,
    who: Who,
    links: { portal?: string; task?: string } = {},
    options: { updateOpenRequest?: boolean } = {},
  ): Promise<{ plan: RequestPlan; pull: PullRequestResult }> {
    let plan = await this.plan(input, who, {
      updateOpenRequest: options.updateOpenRequest,
    });
    for (let attempt = 1; ; attempt++) {
      if (plan.problems.length > 0)
        throw new InputError(describeProblems(plan.problems));
      // the live facts again, right before writing: the plan may be a few steps old
      const live = await this.liveChecks(
        plan.request,
        plan.result,
        plan.owner,
        plan.updateOpenRequest,
      );
      if (live.problems.length > 0)
        throw new InputError(describeProblems(live.problems));
      if (live.open?.headSha !== plan.openRequest?.headSha)
        throw new InputError(
          describeProblems([
            {
              path: fieldOfRequest(plan.request),
              rule: 'open-request',
              message: live.open
                ? `pull request #${live.open.number} changed since the request was checked: check it again`
                : `pull request #${plan.openRequest?.number} was merged or closed since the request was checked: check it again`,
            },
          ]),
        );
      try {
        const pull = await this.write(plan, links);
        // the open pull requests changed: no kept plan or shared read may answer from before this one
        this.plans.clear();
        this.recentReads.clear();
        if (!pull.created && plan.openRequest)
          await this.commentUpdate(plan, pull);
        return { plan, pull };
      } catch (error) {
        if (!(error instanceof BaseMovedError) || attempt >= 3) throw error;
        this.options.logger.info(
          `${error.message}: planning request ${
            plan.result.requestId
          } again on ${error.currentSha.slice(0, 12)}`,
        );
        plan = await this.plan(input, who, {
          commitSha: error.currentSha,
          updateOpenRequest: options.updateOpenRequest,
        });
      }
    }
  }

  /**
   * Tells the pull request what an update changed. The update itself is done by then: a comment GitHub refuses is
   * logged, not a failed request (a re-run would find nothing left to update).
   */
  private async commentUpdate(
    plan: RequestPlan,
    pull: PullRequestResult,
  ): Promise<void> {
    const body = updateComment({
      requester: plan.request.requester,
      requestId: plan.result.requestId,
      files: plan.openRequest?.files ?? [],
      dismissedApprovals: pull.dismissedApprovals,
    });
    try {
      await this.options.writer.comment(
        plan.gitops.owner,
        plan.gitops.repo,
        pull.number,
        body,
      );
    } catch (error) {
      this.options.logger.warn(
        `Pull request #${
          pull.number
        } was updated, but the comment listing the change could not be written: ${
          (error as Error).message
        }`,
      );
    }
  }

  private write(
    plan: RequestPlan,
    links: { portal?: string; task?: string },
  ): Promise<PullRequestResult> {
    this.options.logger.info(
      `Opening pull request for request ${plan.result.requestId} on ${
        plan.gitops.owner
      }/${plan.gitops.repo} at ${plan.base.sha.slice(0, 12)}`,
    );
    return this.options.writer.openOrUpdate({
      owner: plan.gitops.owner,
      repo: plan.gitops.repo,
      base: plan.gitops.branch,
      baseSha: plan.base.sha,
      baseTreeSha: plan.base.treeSha,
      branch: plan.branch,
      requestedBy: plan.owner,
      title: pullRequestTitle(plan.result),
      body: pullRequestBody(
        plan.request,
        plan.result,
        plan.policy,
        this.settings,
        links,
      ),
      commitMessage: `${pullRequestTitle(plan.result)}\n\nRequest ${
        plan.result.requestId
      } by ${plan.request.requester}.`,
      changes: plan.result.changes,
      reviewers: plan.reviewers,
      labels: pullRequestLabels(plan.request, plan.result),
    });
  }
}
