import { LoggerService } from '@backstage/backend-plugin-api';
import {
  ConflictError,
  CustomErrorBase,
  InputError,
  NotAllowedError,
} from '@backstage/errors';
import type { FileChange } from '@kubeportal/plugin-provisioning-common';
import type { Octokit } from '@octokit/rest';

/** GitHub's message without the documentation link Octokit appends. */
function githubMessage(error: unknown): string {
  return String((error as { message?: string }).message ?? error).replace(
    / - https:\/\/docs\.github\.com\S*$/,
    '',
  );
}

/** GitHub refused or failed a call the pull request needs; the message says which step and why. */
export class GitHubPullRequestError extends CustomErrorBase {
  name = 'GitHubPullRequestError' as const;
}

/** Who a pull request's branch belongs to: recorded on its commits, checked on every update. */
export interface BranchOwner {
  /** The request id the branch is for. */
  requestId: string;
  /** Catalog ref of the user who asked. */
  requester: string;
  /** Catalog ref of the owning team. */
  team: string;
}

/** What to open (or update) on the GitOps repository. */
export interface PullRequestSpec {
  owner: string;
  repo: string;
  /** Branch the pull request targets. */
  base: string;
  /** The commit of `base` the plan was made on: the parent of the new commit. */
  baseSha: string;
  /** The tree of that commit. */
  baseTreeSha: string;
  /** Branch of the pull request, derived from the request id so a re-run lands on it again. */
  branch: string;
  /** Who the branch belongs to; an update by anyone else is refused. */
  requestedBy: BranchOwner;
  title: string;
  /** Markdown. */
  body: string;
  commitMessage: string;
  changes: FileChange[];
  /** GitHub logins asked to review (the owning team's project leads). */
  reviewers: string[];
  labels: string[];
}

/** The pull request as it stands after `openOrUpdate`. */
export interface PullRequestResult {
  number: number;
  url: string;
  branch: string;
  headSha: string;
  /** True when this call opened it; false when it updated an open one. */
  created: boolean;
  /** Logins whose approvals were dismissed because the files changed. */
  dismissedApprovals: string[];
}

/** The base branch moved since the plan was made: the request must be planned again on the new head. */
export class BaseMovedError extends ConflictError {
  constructor(
    readonly base: string,
    readonly plannedSha: string,
    readonly currentSha: string,
  ) {
    super(
      `Branch '${base}' moved from ${plannedSha.slice(
        0,
        12,
      )} to ${currentSha.slice(0, 12)} since the request was checked`,
    );
  }
}

const TRAILERS = {
  requestId: 'Provisioning-Request',
  requester: 'Provisioning-Requester',
  team: 'Provisioning-Team',
} as const;

/** The commit message with the branch owner recorded as git trailers. */
export function withOwnerTrailers(message: string, owner: BranchOwner): string {
  const trailers = (Object.keys(TRAILERS) as Array<keyof BranchOwner>).map(
    key => `${TRAILERS[key]}: ${owner[key]}`,
  );
  return `${message.trimEnd()}\n\n${trailers.join('\n')}\n`;
}

/** Reads the branch owner from a commit message's trailers; `undefined` when they are missing. */
export function ownerFromTrailers(message: string): BranchOwner | undefined {
  const found: Partial<BranchOwner> = {};
  for (const line of message.split('\n')) {
    for (const key of Object.keys(TRAILERS) as Array<keyof BranchOwner>) {
      const prefix = `${TRAILERS[key]}: `;
      if (line.startsWith(prefix))
        found[key] = line.slice(prefix.length).trim();
    }
  }
  return found.requestId && found.requester && found.team
    ? (found as BranchOwner)
    : undefined;
}

const status = (error: unknown) => (error as { status?: number }).status;

/**
 * Writes a request's files to the GitOps repository as one pull request, with the Git Data API: one tree with
 * inline content, one commit on the planned base commit, one ref, one pull request, then reviewers and labels.
 * The number of GitHub calls does not depend on the number of files (nine for a new pull request). Retries and
 * rate limits are handled by the Octokit it is given (see `createGitHubClient`).
 *
 * A branch belongs to one request: its requester, team and request id are recorded as trailers of its commit
 * and checked before anything is written, so a request of another user or team, or a branch someone pushed to
 * by hand, is refused. A re-run by the owner rebuilds the branch on the planned base (force-update), updates the
 * open pull request and dismisses its approvals, since the files changed. When the base branch moved since the
 * plan, nothing is written and `BaseMovedError` says so. When the reviewers cannot be requested, a branch and
 * pull request created by this call are closed and deleted again.
 */
export class GitOpsPullRequestWriter {
  constructor(
    private readonly octokit: Octokit,
    private readonly options: { logger?: LoggerService } = {},
  ) {}

  private fail(step: string, error: unknown): never {
    const code = status(error);
    throw new GitHubPullRequestError(
      `GitHub ${step} failed${code ? ` (${code})` : ''}: ${githubMessage(
        error,
      )}`,
      error,
    );
  }

  /** The owner recorded on a branch, `null` when the branch does not exist, `undefined` when it has none. */
  async branchOwner(
    owner: string,
    repoName: string,
    branch: string,
  ): Promise<BranchOwner | null | undefined> {
    const repo = { owner, repo: repoName };
    let headSha: string;
    try {
      headSha = (
        await this.octokit.git.getRef({ ...repo, ref: `heads/${branch}` })
      ).data.object.sha;
    } catch (error) {
      if (status(error) === 404) return null;
      return this.fail(`reading branch '${branch}'`, error);
    }
    const commit = await this.octokit.git
      .getCommit({ ...repo, commit_sha: headSha })
      .catch(e => this.fail(`reading the head of '${branch}'`, e));
    return ownerFromTrailers(commit.data.message);
  }

  async openOrUpdate(spec: PullRequestSpec): Promise<PullRequestResult> {
    if (spec.changes.length === 0)
      throw new InputError('changes: the pull request would change no file');
    const repo = { owner: spec.owner, repo: spec.repo };
    const currentBase = await this.octokit.git
      .getRef({ ...repo, ref: `heads/${spec.base}` })
      .then(r => r.data.object.sha)
      .catch(e =>
        this.fail(
          `reading branch '${spec.base}' of ${spec.owner}/${spec.repo}`,
          e,
        ),
      );
    if (currentBase !== spec.baseSha)
      throw new BaseMovedError(spec.base, spec.baseSha, currentBase);

    const recorded = await this.branchOwner(spec.owner, spec.repo, spec.branch);
    const exists = recorded !== null;
    // the open pull request of the branch, if any: a branch without one (merged, closed) belongs to nobody now
    const existing = exists
      ? await this.octokit.pulls
          .list({
            ...repo,
            state: 'open',
            head: `${spec.owner}:${spec.branch}`,
            base: spec.base,
            per_page: 1,
          })
          .then(r => r.data)
          .catch(e => this.fail('looking for an open pull request', e))
      : [];
    const { requestedBy } = spec;
    if (existing.length > 0 && recorded === undefined) {
      throw new NotAllowedError(
        `Branch '${spec.branch}' was changed outside the portal (its last commit does not name its request), so the portal does not overwrite it; close pull request #${existing[0].number} and delete the branch, then ask again`,
      );
    }
    if (existing.length > 0 && recorded) {
      if (
        recorded.requester !== requestedBy.requester ||
        recorded.team !== requestedBy.team ||
        recorded.requestId !== requestedBy.requestId
      ) {
        throw new NotAllowedError(
          `Branch '${spec.branch}' belongs to request ${recorded.requestId} of ${recorded.requester} for ${recorded.team}; only that user can update it (asked by ${requestedBy.requester} for ${requestedBy.team})`,
        );
      }
    }
    // the files are about to change: standing approvals go first, so no approval ever stands on files it did not see
    const dismissedApprovals =
      existing.length > 0
        ? await this.dismissApprovals(repo, existing[0].number)
        : [];

    const tree = await this.octokit.git
      .createTree({
        ...repo,
        base_tree: spec.baseTreeSha,
        tree: spec.changes.map(change =>
          change.content === null
            ? {
                path: change.path,
                mode: '100644' as const,
                type: 'blob' as const,
                sha: null,
              }
            : {
                path: change.path,
                mode: '100644' as const,
                type: 'blob' as const,
                content: change.content,
              },
        ),
      })
      .catch(e => this.fail('writing the file tree', e));
    const commit = await this.octokit.git
      .createCommit({
        ...repo,
        message: withOwnerTrailers(spec.commitMessage, spec.requestedBy),
        tree: tree.data.sha,
        parents: [spec.baseSha],
      })
      .catch(e => this.fail('creating the commit', e));
    const headSha = commit.data.sha;

    if (exists) {
      await this.octokit.git
        .updateRef({
          ...repo,
          ref: `heads/${spec.branch}`,
          sha: headSha,
          force: true,
        })
        .catch(e => this.fail(`updating branch '${spec.branch}'`, e));
    } else {
      await this.octokit.git
        .createRef({ ...repo, ref: `refs/heads/${spec.branch}`, sha: headSha })
        .catch(async error => {
          // a lost reply to a create that succeeded: the branch is there and points at our commit
          const now = await this.octokit.git
            .getRef({ ...repo, ref: `heads/${spec.branch}` })
            .catch(() => undefined);
          if (now?.data.object.sha !== headSha)
            this.fail(`creating branch '${spec.branch}'`, error);
        });
    }

    let number: number;
    let url: string;
    let created = false;
    if (existing.length > 0) {
      number = existing[0].number;
      const updated = await this.octokit.pulls
        .update({
          ...repo,
          pull_number: number,
          title: spec.title,
          body: spec.body,
        })
        .catch(e => this.fail(`updating pull request #${number}`, e));
      url = updated.data.html_url;
    } else {
      const pull = await this.octokit.pulls
        .create({
          ...repo,
          title: spec.title,
          body: spec.body,
          head: spec.branch,
          base: spec.base,
        })
        .catch(async e => {
          // a retry after a lost reply: the first attempt opened it; take that one, and keep its branch
          if (status(e) === 422) {
            const opened = await this.octokit.pulls
              .list({
                ...repo,
                state: 'open',
                head: `${spec.owner}:${spec.branch}`,
                base: spec.base,
                per_page: 1,
              })
              .catch(() => undefined);
            const found = opened?.data[0];
            if (found && found.head.sha === headSha) return { data: found };
          }
          if (!exists) await this.deleteBranch(repo, spec.branch);
          return this.fail('opening the pull request', e);
        });
      number = pull.data.number;
      url = pull.data.html_url;
      created = true;
    }

    if (spec.reviewers.length > 0) {
      try {
        await this.octokit.pulls.requestReviewers({
          ...repo,
          pull_number: number,
          reviewers: spec.reviewers,
        });
      } catch (error) {
        if (created) {
          await this.octokit.pulls
            .update({ ...repo, pull_number: number, state: 'closed' })
            .catch(() => undefined);
          if (!exists) await this.deleteBranch(repo, spec.branch);
        }
        throw new GitHubPullRequestError(
          `Could not request review from ${spec.reviewers
            .map(r => `@${r}`)
            .join(', ')} on ${spec.owner}/${spec.repo}: ${githubMessage(
            error,
          )} ` +
            `Check that the team's project leads are GitHub users with access to the repository${
              created
                ? '; the pull request was closed and its branch deleted'
                : ''
            }.`,
          error,
        );
      }
    }
    if (spec.labels.length > 0) {
      await this.octokit.issues
        .addLabels({ ...repo, issue_number: number, labels: spec.labels })
        .catch(e => this.fail(`labelling pull request #${number}`, e));
    }
    return {
      number,
      url,
      branch: spec.branch,
      headSha,
      created,
      dismissedApprovals,
    };
  }

  /** Dismisses every standing approval of a pull request whose files are about to change; returns who had approved. */
  private async dismissApprovals(
    repo: { owner: string; repo: string },
    number: number,
  ): Promise<string[]> {
    const reviews = await this.octokit
      .paginate(this.octokit.pulls.listReviews, {
        ...repo,
        pull_number: number,
        per_page: 100,
      })
      .catch(e => this.fail(`listing reviews of #${number}`, e));
    const dismissed: string[] = [];
    for (const review of reviews) {
      if (review.state !== 'APPROVED') continue;
      try {
        await this.octokit.pulls.dismissReview({
          ...repo,
          pull_number: number,
          review_id: review.id,
          message:
            'The request was changed through the portal: the files are new, so the approval no longer applies.',
        });
      } catch (error) {
        // already dismissed meanwhile (branch protection does it too): nothing stands any more
        if (status(error) !== 422)
          this.fail(
            `dismissing the approval of ${
              review.user?.login ?? 'a reviewer'
            } on #${number}`,
            error,
          );
      }
      if (review.user?.login) dismissed.push(review.user.login);
    }
    return dismissed.sort();
  }

  private async deleteBranch(
    repo: { owner: string; repo: string },
    branch: string,
  ) {
    await this.octokit.git
      .deleteRef({ ...repo, ref: `heads/${branch}` })
      .catch(error =>
        this.options.logger?.error(
          `Could not delete branch ${branch} after a failed pull request: ${
            (error as Error).message
          }`,
        ),
      );
  }

  /**
   * Pull requests the portal opened (branch starting with `prefix`, author `author` when given), open ones and
   * those updated since `since` (ISO time), newest first, every page, with their review state, labels, opening time
   * and head commit: the list pages plus one reviews call per pull request.
   */
  async requestPullRequests(
    owner: string,
    repoName: string,
    prefix: string,
    options: { author?: string; since?: string } = {},
  ): Promise<RequestPullRequest[]> {
    const repo = { owner, repo: repoName };
    const ours: Array<
      Awaited<ReturnType<Octokit['pulls']['list']>>['data'][number]
    > = [];
    try {
      for await (const page of this.octokit.paginate.iterator(
        this.octokit.pulls.list,
        {
          ...repo,
          state: 'all',
          per_page: 100,
          sort: 'updated',
          direction: 'desc',
        },
      )) {
        let older = false;
        for (const p of page.data) {
          if (
            options.since &&
            p.state !== 'open' &&
            p.updated_at < options.since
          ) {
            older = true;
            continue;
          }
          if (
            p.head.ref.startsWith(prefix) &&
            (!options.author || p.user?.login === options.author)
          )
            ours.push(p);
        }
        // sorted by update time: a page that reached closed pull requests older than `since` ends the walk
        if (older) break;
      }
    } catch (error) {
      this.fail('listing pull requests', error);
    }
    return Promise.all(
      ours.map(async p => {
        const reviews = await this.octokit
          .paginate(this.octokit.pulls.listReviews, {
            ...repo,
            pull_number: p.number,
            per_page: 100,
          })
          .catch(e => this.fail(`listing reviews of #${p.number}`, e));
        // the latest review of each reviewer counts, as in GitHub
        const latest = new Map<string, string>();
        for (const review of reviews)
          if (review.user?.login && review.state !== 'COMMENTED')
            latest.set(review.user.login, review.state);
        return {
          number: p.number,
          branch: p.head.ref,
          url: p.html_url,
          title: p.title,
          state: p.state as 'open' | 'closed',
          merged: Boolean(p.merged_at),
          approvedBy: [...latest]
            .filter(([, s]) => s === 'APPROVED')
            .map(([u]) => u)
            .sort(),
          changesRequestedBy: [...latest]
            .filter(([, s]) => s === 'CHANGES_REQUESTED')
            .map(([u]) => u)
            .sort(),
          labels: p.labels
            .map(l => (typeof l === 'string' ? l : l.name ?? ''))
            .filter(Boolean),
          author: p.user?.login ?? '',
          createdAt: p.created_at,
          updatedAt: p.updated_at,
          headSha: p.head.sha,
          mergeCommitSha: p.merge_commit_sha ?? null,
        };
      }),
    );
  }

  /** Open pull requests whose branch starts with `prefix` (e.g. `provisioning/`), with their changed paths; every page. */
  async openPullRequests(
    owner: string,
    repoName: string,
    prefix: string,
  ): Promise<
    Array<{
      number: number;
      branch: string;
      url: string;
      headSha: string;
      files: string[];
    }>
  > {
    const repo = { owner, repo: repoName };
    const pulls = await this.octokit
      .paginate(this.octokit.pulls.list, {
        ...repo,
        state: 'open',
        per_page: 100,
      })
      .catch(e => this.fail('listing pull requests', e));
    // branches of this repository only: a fork's pull request cannot block or claim a request
    const ours = pulls.filter(
      p =>
        p.head.ref.startsWith(prefix) &&
        p.head.repo?.full_name === `${owner}/${repoName}`,
    );
    return Promise.all(
      ours.map(async p => {
        // a pull request's files change only with its head or base: kept per head and base commit
        const key = `${owner}/${repoName}#${p.number}@${p.head.sha}..${p.base.sha}`;
        let files = this.filesByHead.get(key);
        if (!files) {
          const listed = await this.octokit
            .paginate(this.octokit.pulls.listFiles, {
              ...repo,
              pull_number: p.number,
              per_page: 100,
            })
            .catch(e => this.fail(`listing files of #${p.number}`, e));
          files = listed.map(f => f.filename);
          this.filesByHead.set(key, files);
          for (const old of this.filesByHead.keys()) {
            if (this.filesByHead.size <= 1000) break;
            this.filesByHead.delete(old);
          }
        }
        return {
          number: p.number,
          branch: p.head.ref,
          url: p.html_url,
          headSha: p.head.sha,
          files,
        };
      }),
    );
  }

  /** Adds a comment to a pull request (e.g. what an update changed); returns the comment's address. */
  async comment(
    owner: string,
    repoName: string,
    pullNumber: number,
    body: string,
  ): Promise<string> {
    const created = await this.octokit.issues
      .createComment({ owner, repo: repoName, issue_number: pullNumber, body })
      .catch(e => this.fail(`commenting on pull request #${pullNumber}`, e));
    return created.data.html_url;
  }

  private readonly filesByHead = new Map<string, string[]>();
}

/** A pull request of the portal, as the request entity provider shows it. */
export interface RequestPullRequest {
  number: number;
  branch: string;
  url: string;
  title: string;
  state: 'open' | 'closed';
  merged: boolean;
  approvedBy: string[];
  changesRequestedBy: string[];
  labels: string[];
  author: string;
  /** When the pull request was opened (ISO 8601). */
  createdAt: string;
  /** When the pull request last changed (ISO 8601). */
  updatedAt: string;
  /** The commit the pull request's branch points at (its trailers name the requester). */
  headSha: string;
  mergeCommitSha: string | null;
}
