import { LoggerService } from '@backstage/backend-plugin-api';
import { CustomErrorBase, InputError } from '@backstage/errors';
import type { FileChange } from '@kubeportal/plugin-provisioning-common';
import type { Octokit } from '@octokit/rest';
import { RetryOptions, withRetries } from './retry';

/** GitHub's message without the documentation link Octokit appends. */
function githubMessage(error: unknown): string {
  return String((error as { message?: string }).message ?? error).replace(/ - https:\/\/docs\.github\.com\S*$/, '');
}

/** GitHub refused or failed a call the pull request needs; the message says which step and why. */
export class GitHubPullRequestError extends CustomErrorBase {
  name = 'GitHubPullRequestError' as const;
}

/** What to open (or update) on the GitOps repository. */
export interface PullRequestSpec {
  owner: string;
  repo: string;
  /** Branch the pull request targets. */
  base: string;
  /** Branch of the pull request, derived from the request id so a re-run lands on it again. */
  branch: string;
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
}

/**
 * Writes a request's files to the GitOps repository as one pull request, with the Git Data API: one tree with
 * inline content, one commit, one ref, one pull request, then reviewers and labels. The number of GitHub calls
 * does not depend on the number of files (about nine in all). A re-run for the same branch rebuilds the branch
 * from the base (force-update) and updates the open pull request instead of opening another. When the reviewers
 * cannot be requested, a branch and pull request created by this call are closed and deleted again.
 */
export class GitOpsPullRequestWriter {
  constructor(
    private readonly octokit: Octokit,
    private readonly options: { logger?: LoggerService; retry?: RetryOptions } = {},
  ) {}

  private call<T>(what: string, fn: () => Promise<T>): Promise<T> {
    return withRetries(what, fn, this.options.retry, this.options.logger);
  }

  private fail(step: string, error: unknown): never {
    const err = error as { status?: number };
    throw new GitHubPullRequestError(`GitHub ${step} failed${err.status ? ` (${err.status})` : ''}: ${githubMessage(error)}`, error);
  }

  async openOrUpdate(spec: PullRequestSpec): Promise<PullRequestResult> {
    if (spec.changes.length === 0) throw new InputError('changes: the pull request would change no file');
    const repo = { owner: spec.owner, repo: spec.repo };
    const baseSha = await this.call('read base branch', () => this.octokit.git.getRef({ ...repo, ref: `heads/${spec.base}` }))
      .then(r => r.data.object.sha)
      .catch(e => this.fail(`reading branch '${spec.base}' of ${spec.owner}/${spec.repo}`, e));
    const baseTree = await this.call('read base commit', () => this.octokit.git.getCommit({ ...repo, commit_sha: baseSha }))
      .then(r => r.data.tree.sha)
      .catch(e => this.fail('reading the base commit', e));
    const tree = await this.call('create tree', () =>
      this.octokit.git.createTree({
        ...repo,
        base_tree: baseTree,
        tree: spec.changes.map(change =>
          change.content === null
            ? { path: change.path, mode: '100644' as const, type: 'blob' as const, sha: null }
            : { path: change.path, mode: '100644' as const, type: 'blob' as const, content: change.content },
        ),
      }),
    ).catch(e => this.fail('writing the file tree', e));
    const commit = await this.call('create commit', () =>
      this.octokit.git.createCommit({ ...repo, message: spec.commitMessage, tree: tree.data.sha, parents: [baseSha] }),
    ).catch(e => this.fail('creating the commit', e));
    const headSha = commit.data.sha;

    let branchCreated = false;
    try {
      await this.call('create branch', () => this.octokit.git.createRef({ ...repo, ref: `refs/heads/${spec.branch}`, sha: headSha }));
      branchCreated = true;
    } catch (error) {
      if ((error as { status?: number }).status !== 422) this.fail(`creating branch '${spec.branch}'`, error);
      await this.call('update branch', () => this.octokit.git.updateRef({ ...repo, ref: `heads/${spec.branch}`, sha: headSha, force: true })).catch(e =>
        this.fail(`updating branch '${spec.branch}'`, e),
      );
    }

    const existing = await this.call('find pull request', () =>
      this.octokit.pulls.list({ ...repo, state: 'open', head: `${spec.owner}:${spec.branch}`, base: spec.base, per_page: 1 }),
    ).catch(e => this.fail('looking for an open pull request', e));
    let number: number;
    let url: string;
    let created = false;
    if (existing.data.length > 0) {
      number = existing.data[0].number;
      const updated = await this.call('update pull request', () => this.octokit.pulls.update({ ...repo, pull_number: number, title: spec.title, body: spec.body })).catch(e =>
        this.fail(`updating pull request #${number}`, e),
      );
      url = updated.data.html_url;
    } else {
      const pull = await this.call('open pull request', () =>
        this.octokit.pulls.create({ ...repo, title: spec.title, body: spec.body, head: spec.branch, base: spec.base }),
      ).catch(async e => {
        if (branchCreated) await this.deleteBranch(repo, spec.branch);
        return this.fail('opening the pull request', e);
      });
      number = pull.data.number;
      url = pull.data.html_url;
      created = true;
    }

    if (spec.reviewers.length > 0) {
      try {
        await this.call('request reviewers', () => this.octokit.pulls.requestReviewers({ ...repo, pull_number: number, reviewers: spec.reviewers }));
      } catch (error) {
        if (created) {
          await this.call('close pull request', () => this.octokit.pulls.update({ ...repo, pull_number: number, state: 'closed' })).catch(() => undefined);
          await this.deleteBranch(repo, spec.branch);
        }
        throw new GitHubPullRequestError(
          `Could not request review from ${spec.reviewers.map(r => `@${r}`).join(', ')} on ${spec.owner}/${spec.repo}: ${githubMessage(error)} ` +
            `Check that the team's project leads are GitHub users with access to the repository${created ? '; the pull request was closed and its branch deleted' : ''}.`,
          error,
        );
      }
    }
    if (spec.labels.length > 0) {
      await this.call('add labels', () => this.octokit.issues.addLabels({ ...repo, issue_number: number, labels: spec.labels })).catch(e =>
        this.fail(`labelling pull request #${number}`, e),
      );
    }
    return { number, url, branch: spec.branch, headSha, created };
  }

  private async deleteBranch(repo: { owner: string; repo: string }, branch: string) {
    await this.call('delete branch', () => this.octokit.git.deleteRef({ ...repo, ref: `heads/${branch}` })).catch(error =>
      this.options.logger?.error(`Could not delete branch ${branch} after a failed pull request: ${(error as Error).message}`),
    );
  }

  /**
   * Reads the files the renderer needs from a branch: everything under the given prefixes (e.g. `clusters/dev/`)
   * and the given single paths. One tree call, then one blob call per file read.
   */
  async readFiles(owner: string, repoName: string, ref: string, options: { prefixes?: string[]; paths?: string[]; include?: (path: string) => boolean }): Promise<Map<string, string>> {
    const repo = { owner, repo: repoName };
    const head = await this.call('read branch', () => this.octokit.git.getRef({ ...repo, ref: `heads/${ref}` })).catch(e => this.fail(`reading branch '${ref}'`, e));
    const tree = await this.call('read tree', () => this.octokit.git.getTree({ ...repo, tree_sha: head.data.object.sha, recursive: 'true' })).catch(e => this.fail('reading the tree', e));
    if (tree.data.truncated) throw new GitHubPullRequestError(`The tree of ${owner}/${repoName} is too large to read in one call`);
    const wanted = tree.data.tree.filter(
      e =>
        e.type === 'blob' &&
        e.path &&
        ((options.paths ?? []).includes(e.path) || (options.prefixes ?? []).some(p => e.path!.startsWith(p)) || (options.include?.(e.path) ?? false)),
    );
    const files = new Map<string, string>();
    for (const entry of wanted) {
      const blob = await this.call('read blob', () => this.octokit.git.getBlob({ ...repo, file_sha: entry.sha! })).catch(e => this.fail(`reading ${entry.path}`, e));
      files.set(entry.path!, Buffer.from(blob.data.content, 'base64').toString('utf8'));
    }
    return files;
  }

  /**
   * Pull requests (open and closed, newest first, at most `limit`) whose branch starts with `prefix`, with their
   * review state and labels: one list call plus one reviews call per pull request.
   */
  async requestPullRequests(
    owner: string,
    repoName: string,
    prefix: string,
    limit = 100,
  ): Promise<Array<{ number: number; branch: string; url: string; title: string; state: 'open' | 'closed'; merged: boolean; approvedBy: string[]; changesRequestedBy: string[]; labels: string[]; author: string; updatedAt: string; mergeCommitSha: string | null }>> {
    const repo = { owner, repo: repoName };
    const pulls = await this.call('list pull requests', () => this.octokit.pulls.list({ ...repo, state: 'all', per_page: Math.min(limit, 100), sort: 'updated', direction: 'desc' })).catch(e =>
      this.fail('listing pull requests', e),
    );
    const ours = pulls.data.filter(p => p.head.ref.startsWith(prefix));
    return Promise.all(
      ours.map(async p => {
        const reviews = await this.call('list reviews', () => this.octokit.pulls.listReviews({ ...repo, pull_number: p.number, per_page: 100 })).catch(e => this.fail(`listing reviews of #${p.number}`, e));
        // the latest review of each reviewer counts, as in GitHub
        const latest = new Map<string, string>();
        for (const review of reviews.data) if (review.user?.login && review.state !== 'COMMENTED') latest.set(review.user.login, review.state);
        return {
          number: p.number,
          branch: p.head.ref,
          url: p.html_url,
          title: p.title,
          state: p.state as 'open' | 'closed',
          merged: Boolean(p.merged_at),
          approvedBy: [...latest].filter(([, s]) => s === 'APPROVED').map(([u]) => u).sort(),
          changesRequestedBy: [...latest].filter(([, s]) => s === 'CHANGES_REQUESTED').map(([u]) => u).sort(),
          labels: p.labels.map(l => (typeof l === 'string' ? l : l.name ?? '')).filter(Boolean),
          author: p.user?.login ?? '',
          updatedAt: p.updated_at,
          mergeCommitSha: p.merge_commit_sha ?? null,
        };
      }),
    );
  }

  /** Open pull requests whose branch starts with `prefix` (e.g. `provisioning/`), with their changed paths. */
  async openPullRequests(owner: string, repoName: string, prefix: string): Promise<Array<{ number: number; branch: string; url: string; files: string[] }>> {
    const repo = { owner, repo: repoName };
    const pulls = await this.call('list pull requests', () => this.octokit.pulls.list({ ...repo, state: 'open', per_page: 100 })).catch(e => this.fail('listing pull requests', e));
    const ours = pulls.data.filter(p => p.head.ref.startsWith(prefix));
    return Promise.all(
      ours.map(async p => {
        const files = await this.call('list files', () => this.octokit.pulls.listFiles({ ...repo, pull_number: p.number, per_page: 100 })).catch(e => this.fail(`listing files of #${p.number}`, e));
        return { number: p.number, branch: p.head.ref, url: p.html_url, files: files.data.map(f => f.filename) };
      }),
    );
  }
}
