/**
 * Branch protection as GitHub's REST API models it (`PUT/GET/DELETE /repos/{owner}/{repo}/branches/{branch}/protection`):
 * the request body checked like GitHub checks it, the representation GitHub answers with, what a protected base
 * branch requires before a pull request merges, and what it refuses to a direct update. Pure: no git, no HTTP.
 */
import { CodeownersRule, ownersOf } from './codeowners';
import { ReviewRecord, Urls, simpleUser, team } from './representations';

/** Where GitHub's refusals on protected branches point. */
export const PROTECTED_BRANCHES_DOCS =
  'https://docs.github.com/articles/about-protected-branches';

/** The body of `PUT .../branches/{branch}/protection`, as GitHub's OpenAPI description declares it. */
export interface BranchProtectionRequest {
  required_status_checks: {
    strict: boolean;
    contexts?: string[];
    checks?: Array<{ context: string; app_id?: number }>;
  } | null;
  enforce_admins: boolean | null;
  required_pull_request_reviews: {
    dismiss_stale_reviews?: boolean;
    require_code_owner_reviews?: boolean;
    required_approving_review_count?: number;
    require_last_push_approval?: boolean;
    dismissal_restrictions?: {
      users?: string[];
      teams?: string[];
      apps?: string[];
    };
    bypass_pull_request_allowances?: {
      users?: string[];
      teams?: string[];
      apps?: string[];
    };
  } | null;
  restrictions: { users: string[]; teams: string[]; apps?: string[] } | null;
  required_linear_history?: boolean;
  allow_force_pushes?: boolean | null;
  allow_deletions?: boolean;
  block_creations?: boolean;
  required_conversation_resolution?: boolean;
  lock_branch?: boolean;
  allow_fork_syncing?: boolean;
}

/** A branch's protection as the emulator keeps it. */
export interface BranchProtection {
  requiredStatusChecks: {
    strict: boolean;
    /** `appId` null: any creator; otherwise only statuses posted by that GitHub App count. */
    checks: Array<{ context: string; appId: number | null }>;
  } | null;
  enforceAdmins: boolean;
  requiredPullRequestReviews: {
    dismissStaleReviews: boolean;
    requireCodeOwnerReviews: boolean;
    requiredApprovingReviewCount: number;
    requireLastPushApproval: boolean;
  } | null;
  restrictions: { users: string[]; teams: string[]; apps: string[] } | null;
  requiredLinearHistory: boolean;
  allowForcePushes: boolean;
  allowDeletions: boolean;
  blockCreations: boolean;
  requiredConversationResolution: boolean;
  lockBranch: boolean;
  allowForkSyncing: boolean;
}

/** A commit status (`POST /repos/{owner}/{repo}/statuses/{sha}`). */
export interface StatusRecord {
  id: number;
  sha: string;
  state: 'error' | 'failure' | 'pending' | 'success';
  context: string;
  description: string | null;
  targetUrl: string | null;
  creator: string;
  createdAt: string;
}

/** A value as GitHub's schema validator prints it in its messages (Ruby's `inspect`). */
function inspect(value: unknown): string {
  if (value === null || value === undefined) return 'nil';
  if (Array.isArray(value)) return `[${value.map(inspect).join(', ')}]`;
  if (typeof value === 'object')
    return `{${Object.entries(value as Record<string, unknown>)
      .map(([k, v]) => `${JSON.stringify(k)}=>${inspect(v)}`)
      .join(', ')}}`;
  return JSON.stringify(value);
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** `"a" wasn't supplied.` / `"a", "b" weren't supplied.` */
const notSupplied = (names: string[]) =>
  `${names.map(n => JSON.stringify(n)).join(', ')} ${
    names.length === 1 ? "wasn't" : "weren't"
  } supplied.`;

/** Problems of one object against `shape` (property name to expected kind), in GitHub's words. */
function checkProperties(
  value: Record<string, unknown>,
  shape: Record<string, 'boolean' | 'boolean|null' | 'integer' | 'strings'>,
  problems: string[],
) {
  for (const [name, kind] of Object.entries(shape)) {
    if (!(name in value)) continue;
    const v = value[name];
    const ok =
      (kind === 'boolean' && typeof v === 'boolean') ||
      (kind === 'boolean|null' && (v === null || typeof v === 'boolean')) ||
      (kind === 'integer' && Number.isInteger(v)) ||
      (kind === 'strings' && Array.isArray(v));
    if (!ok) {
      const expected = {
        boolean: 'a boolean',
        'boolean|null': 'a boolean or null',
        integer: 'an integer',
        strings: 'an array',
      }[kind];
      problems.push(
        `For 'properties/${name}', ${inspect(v)} is not ${expected}.`,
      );
    } else if (kind === 'strings') {
      for (const item of v as unknown[])
        if (typeof item !== 'string')
          problems.push(`For 'items', ${inspect(item)} is not a string.`);
    }
  }
}

/** A nullable object property: its own problems, wrapped the way GitHub reports a failed `anyOf` of object or null. */
function checkNullableObject(
  body: Record<string, unknown>,
  name: string,
  check: (value: Record<string, unknown>, problems: string[]) => void,
  problems: string[],
) {
  if (!(name in body) || body[name] === null) return;
  const value = body[name];
  if (!isObject(value)) {
    problems.push(
      `For 'properties/${name}', ${inspect(value)} is not an object or null.`,
    );
    return;
  }
  const inner: string[] = [];
  check(value, inner);
  if (inner.length > 0)
    problems.push(
      'No subschema in "anyOf" matched.',
      ...inner,
      `For 'anyOf/1', ${inspect(value)} is not a null.`,
    );
}

function checkStatusChecks(value: Record<string, unknown>, problems: string[]) {
  if (!('strict' in value)) problems.push(notSupplied(['strict']));
  if ('contexts' in value && 'checks' in value)
    problems.push('More than one subschema in "oneOf" matched.');
  if (!('contexts' in value) && !('checks' in value))
    problems.push(notSupplied(['contexts']));
  checkProperties(value, { strict: 'boolean', contexts: 'strings' }, problems);
  if ('checks' in value) {
    if (!Array.isArray(value.checks)) {
      problems.push(
        `For 'properties/checks', ${inspect(value.checks)} is not an array.`,
      );
      return;
    }
    for (const check of value.checks) {
      if (!isObject(check)) {
        problems.push(`For 'items', ${inspect(check)} is not an object.`);
        continue;
      }
      if (!('context' in check)) problems.push(notSupplied(['context']));
      else if (typeof check.context !== 'string')
        problems.push(
          `For 'properties/context', ${inspect(
            check.context,
          )} is not a string.`,
        );
      checkProperties(check, { app_id: 'integer' }, problems);
    }
  }
}

/** Actor lists the emulator does not enforce: accepted only when empty, so that no rule is silently ignored. */
function checkUnmodelledActors(
  value: Record<string, unknown>,
  name: 'dismissal_restrictions' | 'bypass_pull_request_allowances',
  problems: string[],
) {
  if (!(name in value)) return;
  const actors = value[name];
  if (!isObject(actors)) {
    problems.push(
      `For 'properties/${name}', ${inspect(actors)} is not an object.`,
    );
    return;
  }
  checkProperties(
    actors,
    { users: 'strings', teams: 'strings', apps: 'strings' },
    problems,
  );
  if (
    ['users', 'teams', 'apps'].some(
      k => Array.isArray(actors[k]) && (actors[k] as unknown[]).length > 0,
    )
  )
    problems.push(
      `The GitHub emulator does not model ${name}: leave it out or pass empty lists.`,
    );
}

function checkReviews(value: Record<string, unknown>, problems: string[]) {
  checkProperties(
    value,
    {
      dismiss_stale_reviews: 'boolean',
      require_code_owner_reviews: 'boolean',
      require_last_push_approval: 'boolean',
      required_approving_review_count: 'integer',
    },
    problems,
  );
  const count = value.required_approving_review_count;
  if (Number.isInteger(count) && (count as number) > 6)
    problems.push(`${count} must be less than or equal to 6.`);
  if (Number.isInteger(count) && (count as number) < 0)
    problems.push(`${count} must be greater than or equal to 0.`);
  checkUnmodelledActors(value, 'dismissal_restrictions', problems);
  checkUnmodelledActors(value, 'bypass_pull_request_allowances', problems);
}

function checkRestrictions(value: Record<string, unknown>, problems: string[]) {
  const missing = ['users', 'teams'].filter(k => !(k in value));
  if (missing.length > 0) problems.push(notSupplied(missing));
  checkProperties(
    value,
    { users: 'strings', teams: 'strings', apps: 'strings' },
    problems,
  );
}

/** What a `PUT .../protection` body is refused for. */
export type ProtectionRequestRefusal =
  | { kind: 'invalid'; message: string }
  | { kind: 'unknown'; errors: string[] };

/**
 * Reads a `PUT .../protection` body as GitHub does: the four required properties (each may be null), their shapes,
 * the review count between 0 and 6, `contexts` or `checks` (not both). Teams and apps in `restrictions` must exist:
 * `teamExists` gets a team's slug, `appExists` an app's slug.
 */
export function parseProtectionRequest(
  body: unknown,
  known: {
    teamExists(slug: string): boolean;
    appExists(slug: string): boolean;
  },
): { protection: BranchProtection } | { refusal: ProtectionRequestRefusal } {
  const required = [
    'required_status_checks',
    'enforce_admins',
    'required_pull_request_reviews',
    'restrictions',
  ];
  if (!isObject(body))
    return {
      refusal: {
        kind: 'invalid',
        message: `Invalid request.\n\n${notSupplied(required)}`,
      },
    };
  const problems: string[] = [];
  const missing = required.filter(k => !(k in body));
  if (missing.length > 0) problems.push(notSupplied(missing));
  checkProperties(
    body,
    {
      enforce_admins: 'boolean|null',
      allow_force_pushes: 'boolean|null',
      required_linear_history: 'boolean',
      allow_deletions: 'boolean',
      block_creations: 'boolean',
      required_conversation_resolution: 'boolean',
      lock_branch: 'boolean',
      allow_fork_syncing: 'boolean',
    },
    problems,
  );
  checkNullableObject(
    body,
    'required_status_checks',
    checkStatusChecks,
    problems,
  );
  checkNullableObject(
    body,
    'required_pull_request_reviews',
    checkReviews,
    problems,
  );
  checkNullableObject(body, 'restrictions', checkRestrictions, problems);
  if (problems.length > 0)
    return {
      refusal: {
        kind: 'invalid',
        message: `Invalid request.\n\n${problems.join('\n')}`,
      },
    };

  const request = body as unknown as BranchProtectionRequest;
  const restrictions = request.restrictions
    ? {
        users: [...request.restrictions.users],
        teams: [...request.restrictions.teams],
        apps: [...(request.restrictions.apps ?? [])],
      }
    : null;
  const unknown = [
    ...(restrictions?.teams ?? [])
      .filter(slug => !known.teamExists(slug))
      .map(slug => `Team ${slug} could not be found.`),
    ...(restrictions?.apps ?? [])
      .filter(slug => !known.appExists(slug))
      .map(slug => `App ${slug} could not be found.`),
  ];
  if (unknown.length > 0)
    return { refusal: { kind: 'unknown', errors: unknown } };

  const checks = request.required_status_checks;
  const reviews = request.required_pull_request_reviews;
  return {
    protection: {
      requiredStatusChecks: checks
        ? {
            strict: checks.strict,
            checks: checks.checks
              ? checks.checks.map(c => ({
                  context: c.context,
                  appId:
                    c.app_id === undefined || c.app_id === -1 ? null : c.app_id,
                }))
              : (checks.contexts ?? []).map(context => ({
                  context,
                  appId: null,
                })),
          }
        : null,
      enforceAdmins: request.enforce_admins ?? false,
      requiredPullRequestReviews: reviews
        ? {
            dismissStaleReviews: reviews.dismiss_stale_reviews ?? false,
            requireCodeOwnerReviews:
              reviews.require_code_owner_reviews ?? false,
            requiredApprovingReviewCount:
              reviews.required_approving_review_count ?? 1,
            requireLastPushApproval:
              reviews.require_last_push_approval ?? false,
          }
        : null,
      restrictions,
      requiredLinearHistory: request.required_linear_history ?? false,
      allowForcePushes: request.allow_force_pushes ?? false,
      allowDeletions: request.allow_deletions ?? false,
      blockCreations: request.block_creations ?? false,
      requiredConversationResolution:
        request.required_conversation_resolution ?? false,
      lockBranch: request.lock_branch ?? false,
      allowForkSyncing: request.allow_fork_syncing ?? false,
    },
  };
}

/** A GitHub App as the protection's `restrictions.apps` lists it. */
export interface ProtectionApp {
  id: number;
  slug: string;
}

/** GitHub's representation of a branch's protection (the answer of GET and PUT). */
export function protectionJson(
  urls: Urls,
  full: string,
  branch: string,
  protection: BranchProtection,
  appOf: (slug: string) => ProtectionApp,
) {
  const url = `${urls.repo(full)}/branches/${branch}/protection`;
  const org = full.split('/')[0];
  const checks = protection.requiredStatusChecks;
  const reviews = protection.requiredPullRequestReviews;
  const restrictions = protection.restrictions;
  return {
    url,
    ...(checks
      ? {
          required_status_checks: {
            url: `${url}/required_status_checks`,
            strict: checks.strict,
            contexts: checks.checks.map(c => c.context),
            contexts_url: `${url}/required_status_checks/contexts`,
            checks: checks.checks.map(c => ({
              context: c.context,
              app_id: c.appId,
            })),
          },
        }
      : {}),
    ...(reviews
      ? {
          required_pull_request_reviews: {
            url: `${url}/required_pull_request_reviews`,
            dismiss_stale_reviews: reviews.dismissStaleReviews,
            require_code_owner_reviews: reviews.requireCodeOwnerReviews,
            required_approving_review_count:
              reviews.requiredApprovingReviewCount,
            require_last_push_approval: reviews.requireLastPushApproval,
          },
        }
      : {}),
    required_signatures: { url: `${url}/required_signatures`, enabled: false },
    enforce_admins: {
      url: `${url}/enforce_admins`,
      enabled: protection.enforceAdmins,
    },
    required_linear_history: { enabled: protection.requiredLinearHistory },
    allow_force_pushes: { enabled: protection.allowForcePushes },
    allow_deletions: { enabled: protection.allowDeletions },
    block_creations: { enabled: protection.blockCreations },
    required_conversation_resolution: {
      enabled: protection.requiredConversationResolution,
    },
    lock_branch: { enabled: protection.lockBranch },
    allow_fork_syncing: { enabled: protection.allowForkSyncing },
    ...(restrictions
      ? {
          restrictions: {
            url: `${url}/restrictions`,
            users_url: `${url}/restrictions/users`,
            teams_url: `${url}/restrictions/teams`,
            apps_url: `${url}/restrictions/apps`,
            users: restrictions.users.map(login => simpleUser(urls, login)),
            teams: restrictions.teams.map(slug => team(urls, org, slug)),
            apps: restrictions.apps.map(slug => {
              const app = appOf(slug);
              return {
                id: app.id,
                slug: app.slug,
                node_id: Buffer.from(`Integration:${app.id}`).toString(
                  'base64',
                ),
                name: app.slug,
              };
            }),
          },
        }
      : {}),
  };
}

/** One requirement a protected base branch does not see met yet. */
export interface MergeBlocker {
  rule:
    | 'restrictions'
    | 'changes-requested'
    | 'approvals'
    | 'last-push-approval'
    | 'code-owners'
    | 'status-checks'
    | 'up-to-date';
  /** GitHub's words, as the merge endpoint answers them (405). */
  message: string;
}

/** Where a pull request stands against its base branch's protection (for the merge endpoint and the page). */
export interface ProtectionReport {
  reviews?: {
    required: number;
    /** Reviewers with write access whose latest review approves. */
    approvedBy: string[];
    changesRequestedBy: string[];
    /** With `require_code_owner_reviews`: owners of changed files still to approve, and the code owners who did. */
    codeOwners?: { waitingOn: string[]; approvedBy: string[] };
  };
  /** Required status checks on the head commit: the latest state per context, `expected` when none was posted. */
  checks?: Array<{
    context: string;
    state: 'expected' | StatusRecord['state'];
  }>;
  /** With strict status checks: whether the head contains the base branch. */
  upToDate?: boolean;
  blockers: MergeBlocker[];
}

/** What the evaluation needs to know about a pull request and its repository. */
export interface ProtectionInput {
  protection: BranchProtection;
  /** The repository's organisation (whose teams `restrictions.teams` names by slug). */
  org: string;
  /** Login of the pull request's author. */
  author: string;
  /** Who merges; `undefined` when nobody is merging yet (the page), so that restrictions are not checked. */
  merger?: string;
  /** Who moved the head last (the author, until someone else pushes). */
  lastPushedBy: string;
  headSha: string;
  /** Reviews of the pull request, oldest first. */
  reviews: ReadonlyArray<ReviewRecord>;
  /** Whether a login has write access to the repository. */
  canWrite(login: string): boolean;
  /** Members of a team named `@org/team` of the repository's organisation; `undefined` when there is no such team. */
  teamMembers(owner: string): string[] | undefined;
  /** Login of a GitHub App's bot user (`<slug>[bot]`); `undefined` for an unknown app. */
  appBot(appId: number): string | undefined;
  /** Paths the pull request changes (merge base to head). */
  changedFiles: string[];
  /** CODEOWNERS of the base branch. */
  codeowners: CodeownersRule[];
  /** Statuses posted on the head commit, oldest first. */
  statuses: ReadonlyArray<StatusRecord>;
  /** Whether the head contains the base branch's head. */
  upToDate: boolean;
}

/** The owners of a CODEOWNERS line GitHub accepts: users with write access and the organisation's teams. */
function validOwners(input: ProtectionInput, owners: string[]): string[] {
  return owners.filter(owner => {
    if (!owner.startsWith('@')) return false; // e-mail owners: the emulator has no verified e-mails
    const name = owner.slice(1);
    return name.includes('/')
      ? input.teamMembers(owner) !== undefined
      : input.canWrite(name);
  });
}

const isOwnedBy = (input: ProtectionInput, owner: string, login: string) =>
  owner.includes('/')
    ? (input.teamMembers(owner) ?? []).includes(login)
    : owner.slice(1) === login;

const plural = (n: number, one: string, many: string) =>
  `${n} ${n === 1 ? one : many}`;

/**
 * What a protected base branch still requires before a pull request merges, in the order GitHub's merge box lists
 * them: who may push, requested changes, the number of approving reviews (latest review per reviewer; COMMENTED
 * does not replace an approval, CHANGES_REQUESTED and DISMISSED do; only reviewers with write access count), an
 * approval of the last push by someone else, an approval from a code owner of every changed file that has one,
 * the required status checks on the head commit, and with strict checks a head that contains the base.
 */
export function evaluateProtection(input: ProtectionInput): ProtectionReport {
  const { protection } = input;
  const blockers: MergeBlocker[] = [];
  const report: ProtectionReport = { blockers };

  const restrictions = protection.restrictions;
  if (restrictions && input.merger !== undefined) {
    const merger = input.merger;
    const allowed =
      restrictions.users.includes(merger) ||
      restrictions.teams.some(slug =>
        (input.teamMembers(`@${input.org}/${slug}`) ?? []).includes(merger),
      ) ||
      restrictions.apps.some(slug => merger === `${slug}[bot]`);
    if (!allowed)
      blockers.push({
        rule: 'restrictions',
        message: `You're not authorized to push to this branch. Visit ${PROTECTED_BRANCHES_DOCS} for more information.`,
      });
  }

  const rules = protection.requiredPullRequestReviews;
  if (rules) {
    const latest = new Map<string, ReviewRecord>();
    for (const review of input.reviews)
      if (review.state !== 'COMMENTED' && input.canWrite(review.user))
        latest.set(review.user, review);
    const decided = [...latest.values()].filter(r => r.user !== input.author);
    const approvals = decided.filter(r => r.state === 'APPROVED');
    const approvedBy = approvals.map(r => r.user);
    const changesRequestedBy = decided
      .filter(r => r.state === 'CHANGES_REQUESTED')
      .map(r => r.user);
    report.reviews = {
      required: rules.requiredApprovingReviewCount,
      approvedBy,
      changesRequestedBy,
    };
    if (changesRequestedBy.length > 0)
      blockers.push({
        rule: 'changes-requested',
        message: 'Changes have been requested.',
      });
    if (approvedBy.length < rules.requiredApprovingReviewCount)
      blockers.push({
        rule: 'approvals',
        message: `At least ${plural(
          rules.requiredApprovingReviewCount,
          'approving review is',
          'approving reviews are',
        )} required by reviewers with write access.`,
      });
    if (
      rules.requireLastPushApproval &&
      !approvals.some(
        r => r.user !== input.lastPushedBy && r.commitId === input.headSha,
      )
    )
      blockers.push({
        rule: 'last-push-approval',
        message:
          'The most recent push must be approved by someone other than the person who pushed it.',
      });
    if (rules.requireCodeOwnerReviews) {
      const waitingOn: string[] = [];
      const ownersApproved = new Set<string>();
      for (const file of input.changedFiles) {
        const owners = validOwners(input, ownersOf(input.codeowners, file));
        if (owners.length === 0) continue;
        const approvers = approvedBy.filter(login =>
          owners.some(owner => isOwnedBy(input, owner, login)),
        );
        approvers.forEach(login => ownersApproved.add(login));
        if (approvers.length === 0)
          for (const owner of owners)
            if (!waitingOn.includes(owner)) waitingOn.push(owner);
      }
      report.reviews.codeOwners = {
        waitingOn,
        approvedBy: [...ownersApproved],
      };
      if (waitingOn.length > 0)
        blockers.push({
          rule: 'code-owners',
          message: `Waiting on code owner review from ${waitingOn.join(', ')}.`,
        });
    }
  }

  const required = protection.requiredStatusChecks;
  if (required) {
    report.checks = required.checks.map(check => {
      const bot = check.appId === null ? undefined : input.appBot(check.appId);
      const latest = input.statuses
        .filter(
          s =>
            s.context === check.context &&
            (check.appId === null || s.creator === bot),
        )
        .pop();
      return { context: check.context, state: latest?.state ?? 'expected' };
    });
    for (const check of report.checks) {
      if (check.state === 'success') continue;
      blockers.push({
        rule: 'status-checks',
        message:
          check.state === 'failure' || check.state === 'error'
            ? `Required status check "${check.context}" is failing.`
            : `Required status check "${check.context}" is expected.`,
      });
    }
    if (required.strict) {
      report.upToDate = input.upToDate;
      if (!input.upToDate)
        blockers.push({
          rule: 'up-to-date',
          message: 'Head branch is not up to date with the base branch.',
        });
    }
  }
  return report;
}

/** An update of a protected branch made directly (a ref update, the contents API, a git push), not by a merge. */
export interface DirectUpdate {
  /** Who pushes; `undefined` for an anonymous git push. */
  user?: string;
  deletion: boolean;
  /** Not a fast-forward. */
  force: boolean;
  /** Statuses posted on the new head commit, oldest first. */
  statuses: ReadonlyArray<StatusRecord>;
  /** The repository's organisation (whose teams `restrictions.teams` names by slug). */
  org: string;
  teamMembers(owner: string): string[] | undefined;
  appBot(appId: number): string | undefined;
}

/**
 * Why GitHub refuses a direct update of a protected branch, or `undefined` when it lets it through: a locked
 * branch, a deletion or a force push not allowed, pull requests required, required status checks not passing
 * on the new commit, or a pusher the restrictions do not name. The emulator has no repository administrators:
 * the rules apply to everyone, as with `enforce_admins`.
 */
export function directUpdateRefusal(
  protection: BranchProtection,
  update: DirectUpdate,
): string | undefined {
  if (protection.lockBranch) return 'Cannot update this locked branch.';
  if (update.deletion && !protection.allowDeletions)
    return 'Cannot delete this protected branch.';
  if (update.force && !protection.allowForcePushes)
    return 'Cannot force-push to this protected branch.';
  if (protection.requiredPullRequestReviews)
    return 'Changes must be made through a pull request.';
  const required = protection.requiredStatusChecks;
  if (required && !update.deletion) {
    for (const check of required.checks) {
      const bot = check.appId === null ? undefined : update.appBot(check.appId);
      const latest = update.statuses
        .filter(
          s =>
            s.context === check.context &&
            (check.appId === null || s.creator === bot),
        )
        .pop();
      if (latest?.state !== 'success')
        return `Required status check "${check.context}" is expected.`;
    }
  }
  const restrictions = protection.restrictions;
  if (restrictions) {
    const user = update.user;
    const allowed =
      user !== undefined &&
      (restrictions.users.includes(user) ||
        restrictions.teams.some(slug =>
          (update.teamMembers(`@${update.org}/${slug}`) ?? []).includes(user),
        ) ||
        restrictions.apps.some(slug => user === `${slug}[bot]`));
    if (!allowed) return "You're not authorized to push to this branch.";
  }
  return undefined;
}

/**
 * The pre-receive hook of every emulated repository: git pushes over smart HTTP carry no GitHub identity, so the
 * emulator writes, per protected branch, the refusal that applies to any pusher (`any`) or to deletions and force
 * pushes only, into `emulator-protected-refs` (tab-separated ref, kind, reason), and the hook refuses with GitHub's
 * GH006 lines.
 */
export const PRE_RECEIVE_HOOK = `#!/bin/sh
# Written by the GitHub emulator: refuses updates of protected branches, as GitHub does (GH006).
rules="\${GIT_DIR:-.}/emulator-protected-refs"
[ -f "$rules" ] || exit 0
zero=0000000000000000000000000000000000000000
status=0
while read -r old new ref; do
  while IFS='	' read -r rule kind reason; do
    [ "$rule" = "$ref" ] || continue
    refused=
    case "$kind" in
      any) refused=1 ;;
      delete) [ "$new" = "$zero" ] && refused=1 ;;
      force) [ "$old" != "$zero" ] && [ "$new" != "$zero" ] && ! git merge-base --is-ancestor "$old" "$new" 2>/dev/null && refused=1 ;;
    esac
    if [ -n "$refused" ]; then
      echo "error: GH006: Protected branch update failed for $ref." >&2
      echo "error: $reason" >&2
      status=1
    fi
  done < "$rules"
done
exit $status
`;

/** The lines of `emulator-protected-refs` for the hook: what an anonymous push may not do to each protected branch. */
export function hookRules(protections: Map<string, BranchProtection>): string {
  const lines: string[] = [];
  const anonymous = {
    statuses: [],
    org: '',
    teamMembers: () => undefined,
    appBot: () => undefined,
  };
  for (const [branch, protection] of protections) {
    const ref = `refs/heads/${branch}`;
    const any = directUpdateRefusal(protection, {
      ...anonymous,
      deletion: false,
      force: false,
    });
    if (any) {
      lines.push(`${ref}\tany\t${any}`);
      continue;
    }
    const deletion = directUpdateRefusal(protection, {
      ...anonymous,
      deletion: true,
      force: false,
    });
    if (deletion) lines.push(`${ref}\tdelete\t${deletion}`);
    const force = directUpdateRefusal(protection, {
      ...anonymous,
      deletion: false,
      force: true,
    });
    if (force) lines.push(`${ref}\tforce\t${force}`);
  }
  return lines.map(l => `${l}\n`).join('');
}
