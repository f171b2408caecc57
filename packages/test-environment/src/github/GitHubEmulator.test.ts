import { Octokit } from '@octokit/rest';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { createHmac } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { GitHubEmulator } from './GitHubEmulator';

const REPO = { owner: 'acme', repo: 'gitops' };

/** GitHub's own OpenAPI description, dereferenced (shipped by @octokit/openapi). */
function loadOpenApi(): any {
  const file = require.resolve(
    '@octokit/openapi/generated/api.github.com.deref.json',
  );
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

describe('GitHubEmulator', () => {
  let emulator: GitHubEmulator;
  let portal: Octokit;
  let alice: Octokit;
  let bob: Octokit;
  let responses: Array<{
    method: string;
    template: string;
    status: number;
    body: unknown;
  }>;
  let hookServer: http.Server | undefined;
  let hooks: Array<{ event: string; signature: string; body: string }>;

  // every test gets its own emulator, repository, webhook receiver and logs: nothing carries over between tests
  beforeEach(async () => {
    responses = [];
    hooks = [];
    const server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', c => chunks.push(c));
      req.on('end', () => {
        hooks.push({
          event: String(req.headers['x-github-event']),
          signature: String(req.headers['x-hub-signature-256']),
          body: Buffer.concat(chunks).toString('utf8'),
        });
        res.writeHead(204).end();
      });
    });
    hookServer = server;
    await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
    emulator = new GitHubEmulator({
      tokens: {
        'portal-token': 'portal-bot',
        'alice-token': 'alice',
        'bob-token': 'bob',
      },
      webhook: {
        url: `http://127.0.0.1:${(server.address() as any).port}/hook`,
        secret: 'hook-secret',
      },
    });
    const baseUrl = await emulator.start();
    emulator.onResponse = call => responses.push(call);
    await emulator.createRepo('acme/gitops', {
      files: {
        'README.md': '# GitOps\n',
        'clusters/dev/kustomization.yaml': 'resources: []\n',
      },
      collaborators: ['alice', 'bob'],
    });
    portal = new Octokit({
      baseUrl,
      auth: 'portal-token',
      request: { retries: 0 },
    });
    alice = new Octokit({ baseUrl, auth: 'alice-token' });
    bob = new Octokit({ baseUrl, auth: 'bob-token' });
  });

  afterEach(async () => {
    await emulator?.stop();
    await new Promise(r => (hookServer ? hookServer.close(r) : r(undefined)));
    hookServer = undefined;
  });

  /** Opens a pull request from a new branch off main that writes `files`, as the portal does. */
  async function openPull(
    branch: string,
    files: Record<string, string>,
    title: string,
    body?: string,
  ) {
    const { data: main } = await portal.git.getRef({
      ...REPO,
      ref: 'heads/main',
    });
    const { data: baseCommit } = await portal.git.getCommit({
      ...REPO,
      commit_sha: main.object.sha,
    });
    const { data: tree } = await portal.git.createTree({
      ...REPO,
      base_tree: baseCommit.tree.sha,
      tree: Object.entries(files).map(([file, content]) => ({
        path: file,
        mode: '100644' as const,
        type: 'blob' as const,
        content,
      })),
    });
    const { data: commit } = await portal.git.createCommit({
      ...REPO,
      message: title,
      tree: tree.sha,
      parents: [main.object.sha],
    });
    await portal.git.createRef({
      ...REPO,
      ref: `refs/heads/${branch}`,
      sha: commit.sha,
    });
    const { data: pull } = await portal.pulls.create({
      ...REPO,
      title,
      head: branch,
      base: 'main',
      body,
    });
    return { main, commit, pull };
  }

  /** The namespace `payments` on dev as a pull request. */
  const openPaymentsPull = () =>
    openPull(
      'provisioning/create/dev.ns.payments',
      {
        'clusters/dev/namespaces/payments/namespace.yaml':
          'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: payments\n',
        'clusters/dev/kustomization.yaml':
          'resources:\n  - namespaces/payments\n',
      },
      'Namespace payments on dev',
      'Requested by jdoe',
    );

  /** Opens the `payments` pull request, has alice review and approve it, and merges it: main gets a second commit. */
  async function mergePaymentsPull() {
    const opened = await openPaymentsPull();
    await portal.pulls.requestReviewers({
      ...REPO,
      pull_number: opened.pull.number,
      reviewers: ['alice'],
    });
    await alice.pulls.createReview({
      ...REPO,
      pull_number: opened.pull.number,
      event: 'APPROVE',
    });
    const { data: merged } = await alice.pulls.merge({
      ...REPO,
      pull_number: opened.pull.number,
      sha: opened.commit.sha,
    });
    return { ...opened, merged };
  }

  /** Bad input and what GitHub answers to it; needs a main with two commits. Opens pull request `feature-x`. */
  async function answerBadInput() {
    const baseUrl = emulator.url;
    await expect(
      new Octokit({ baseUrl }).repos.get(REPO),
    ).rejects.toMatchObject({
      status: 401,
      message: expect.stringContaining('Requires authentication'),
    });
    await expect(
      new Octokit({ baseUrl, auth: 'nope' }).repos.get(REPO),
    ).rejects.toMatchObject({
      status: 401,
      message: expect.stringContaining('Bad credentials'),
    });
    await expect(
      portal.repos.get({ owner: 'acme', repo: 'missing' }),
    ).rejects.toMatchObject({ status: 404 });
    const { data: main } = await portal.git.getRef({
      ...REPO,
      ref: 'heads/main',
    });
    await expect(
      portal.git.createCommit({
        ...REPO,
        message: 'x',
        tree: '0'.repeat(40),
        parents: [main.object.sha],
      }),
    ).rejects.toMatchObject({
      status: 422,
      message: expect.stringContaining('Tree SHA does not exist'),
    });
    await portal.git.createRef({
      ...REPO,
      ref: 'refs/heads/old',
      sha: (
        await portal.git.getCommit({ ...REPO, commit_sha: main.object.sha })
      ).data.parents[0].sha,
    });
    await expect(
      portal.git.updateRef({
        ...REPO,
        ref: 'heads/main',
        sha: (
          await portal.git.getRef({ ...REPO, ref: 'heads/old' })
        ).data.object.sha,
      }),
    ).rejects.toMatchObject({
      status: 422,
      message: expect.stringContaining('Update is not a fast forward'),
    });
    await expect(
      portal.git.createRef({
        ...REPO,
        ref: 'refs/heads/old',
        sha: main.object.sha,
      }),
    ).rejects.toMatchObject({
      status: 422,
      message: expect.stringContaining('Reference already exists'),
    });
    // a pull request whose reviewer is not a collaborator
    const { data: tree } = await portal.git.createTree({
      ...REPO,
      base_tree: (
        await portal.git.getCommit({ ...REPO, commit_sha: main.object.sha })
      ).data.tree.sha,
      tree: [{ path: 'x.txt', mode: '100644', type: 'blob', content: 'x\n' }],
    });
    const { data: commit } = await portal.git.createCommit({
      ...REPO,
      message: 'x',
      tree: tree.sha,
      parents: [main.object.sha],
    });
    await portal.git.createRef({
      ...REPO,
      ref: 'refs/heads/feature-x',
      sha: commit.sha,
    });
    const { data: pull } = await portal.pulls.create({
      ...REPO,
      title: 'x',
      head: 'feature-x',
      base: 'main',
    });
    await expect(
      portal.pulls.create({
        ...REPO,
        title: 'x again',
        head: 'feature-x',
        base: 'main',
      }),
    ).rejects.toMatchObject({
      status: 422,
      message: expect.stringContaining(
        'A pull request already exists for acme:feature-x.',
      ),
    });
    await expect(
      portal.pulls.requestReviewers({
        ...REPO,
        pull_number: pull.number,
        reviewers: ['mallory'],
      }),
    ).rejects.toMatchObject({
      status: 422,
      message: expect.stringContaining(
        'Reviews may only be requested from collaborators',
      ),
    });
  }

  async function rateLimitAndFail() {
    emulator.setRateLimit({ remaining: 1 });
    await portal.repos.get(REPO);
    const primary = await portal.repos.get(REPO).catch(e => e);
    expect(primary).toMatchObject({
      status: 403,
      message: expect.stringContaining('API rate limit exceeded'),
    });
    expect(primary.response.headers['x-ratelimit-remaining']).toBe('0');
    emulator.setRateLimit({
      remaining: 0,
      secondary: true,
      retryAfterSeconds: 7,
    });
    const secondary = await portal.repos.get(REPO).catch(e => e);
    expect(secondary.status).toBe(429);
    expect(secondary.response.headers['retry-after']).toBe('7');
    emulator.setRateLimit(undefined);
    emulator.failNext(1, 502);
    await expect(portal.repos.get(REPO)).rejects.toMatchObject({ status: 502 });
    await expect(portal.repos.get(REPO)).resolves.toMatchObject({
      status: 200,
    });
  }

  /** The calls the portal's repository reader and pull-request writer make, on a branch of their own. */
  async function readAndWrite() {
    const head = (await portal.git.getRef({ ...REPO, ref: 'heads/main' })).data
      .object.sha;
    const tree = await portal.git.getTree({
      ...REPO,
      tree_sha: head,
      recursive: 'true',
    });
    const readme = tree.data.tree.find(e => e.path === 'README.md')!;
    const blob = await portal.git.getBlob({ ...REPO, file_sha: readme.sha! });
    expect(Buffer.from(blob.data.content, 'base64').toString('utf8')).toBe(
      '# GitOps\n',
    );
    const commit = await portal.git.createCommit({
      ...REPO,
      message: 'openapi',
      tree: tree.data.sha,
      parents: [head],
    });
    await portal.git.createRef({
      ...REPO,
      ref: 'refs/heads/provisioning/create/dev.ns.openapi',
      sha: commit.data.sha,
    });
    const pull = await portal.pulls.create({
      ...REPO,
      head: 'provisioning/create/dev.ns.openapi',
      base: 'main',
      title: 'openapi',
    });
    await portal.pulls.update({
      ...REPO,
      pull_number: pull.data.number,
      body: 'checked',
    });
    await portal.pulls.listFiles({ ...REPO, pull_number: pull.data.number });
    const review = await alice.pulls.createReview({
      ...REPO,
      pull_number: pull.data.number,
      event: 'APPROVE',
    });
    await portal.pulls.dismissReview({
      ...REPO,
      pull_number: pull.data.number,
      review_id: review.data.id,
      message: 'files changed',
    });
    await portal.pulls.update({
      ...REPO,
      pull_number: pull.data.number,
      state: 'closed',
    });
    await portal.git.deleteRef({
      ...REPO,
      ref: 'heads/provisioning/create/dev.ns.openapi',
    });
  }

  /** A branch, commit, pull request, review and merge of the `payments` pull request, checked step by step. */
  async function branchCommitPullReviewMerge() {
    const { main, commit, pull } = await openPaymentsPull();
    expect(pull).toMatchObject({
      number: 1,
      state: 'open',
      changed_files: 2,
      additions: 6,
      deletions: 1,
      mergeable: true,
    });
    await portal.pulls.requestReviewers({
      ...REPO,
      pull_number: pull.number,
      reviewers: ['alice'],
    });
    await portal.issues.addLabels({
      ...REPO,
      issue_number: pull.number,
      labels: ['provisioning', 'cluster:dev'],
    });
    await portal.issues.createComment({
      ...REPO,
      issue_number: pull.number,
      body: 'Policy checks passed',
    });
    expect(emulator.calls()).toEqual({
      'GET /repos/{owner}/{repo}/git/ref/{+ref}': 1,
      'GET /repos/{owner}/{repo}/git/commits/{commit_sha}': 1,
      'POST /repos/{owner}/{repo}/git/trees': 1,
      'POST /repos/{owner}/{repo}/git/commits': 1,
      'POST /repos/{owner}/{repo}/git/refs': 1,
      'POST /repos/{owner}/{repo}/pulls': 1,
      'POST /repos/{owner}/{repo}/pulls/{pull_number}/requested_reviewers': 1,
      'POST /repos/{owner}/{repo}/issues/{issue_number}/labels': 1,
      'POST /repos/{owner}/{repo}/issues/{issue_number}/comments': 1,
    });

    const { data: listed } = await portal.pulls.list({
      ...REPO,
      head: 'acme:provisioning/create/dev.ns.payments',
    });
    expect(listed.map(p => p.number)).toEqual([1]);
    expect(
      (
        await portal.pulls.listRequestedReviewers({ ...REPO, pull_number: 1 })
      ).data.users.map(u => u.login),
    ).toEqual(['alice']);

    await expect(
      portal.pulls.createReview({ ...REPO, pull_number: 1, event: 'APPROVE' }),
    ).rejects.toMatchObject({ status: 422 });
    await alice.pulls.createReview({
      ...REPO,
      pull_number: 1,
      event: 'APPROVE',
      body: 'LGTM',
    });
    expect(
      (await portal.pulls.listReviews({ ...REPO, pull_number: 1 })).data.map(
        r => [r.user?.login, r.state],
      ),
    ).toEqual([['alice', 'APPROVED']]);

    const { data: merged } = await alice.pulls.merge({
      ...REPO,
      pull_number: 1,
      sha: commit.sha,
    });
    expect(merged.merged).toBe(true);
    const { data: after } = await portal.pulls.get({ ...REPO, pull_number: 1 });
    expect(after).toMatchObject({
      state: 'closed',
      merged: true,
      merge_commit_sha: merged.sha,
      merged_by: { login: 'alice' },
    });

    const gitDir = emulator.gitDir('acme/gitops');
    const log = execFileSync(
      'git',
      ['-C', gitDir, 'log', '--format=%H %P|%s', 'main'],
      { encoding: 'utf8' },
    )
      .trim()
      .split('\n');
    expect(log[0]).toBe(
      `${merged.sha} ${main.object.sha} ${commit.sha}|Merge pull request #1 from acme/provisioning/create/dev.ns.payments`,
    );
    expect(
      execFileSync(
        'git',
        ['-C', gitDir, 'show', 'main:clusters/dev/kustomization.yaml'],
        { encoding: 'utf8' },
      ),
    ).toBe('resources:\n  - namespaces/payments\n');

    const { data: commits } = await portal.repos.listCommits({
      ...REPO,
      sha: 'main',
      per_page: 2,
    });
    expect(commits[0].sha).toBe(merged.sha);
    // rev-list order of the two parents depends on whether their commit times fall in the same second
    expect([main.object.sha, commit.sha]).toContain(commits[1].sha);
    const { data: file } = await portal.repos.getContent({
      ...REPO,
      path: 'clusters/dev/kustomization.yaml',
    });
    expect(Buffer.from((file as any).content, 'base64').toString('utf8')).toBe(
      'resources:\n  - namespaces/payments\n',
    );
  }

  /** What the portal's GitOps branch gets: an approval from a code owner, stale approvals dismissed, no status checks. */
  const REVIEWED = {
    required_status_checks: null,
    enforce_admins: true,
    required_pull_request_reviews: {
      dismiss_stale_reviews: true,
      require_code_owner_reviews: true,
      required_approving_review_count: 1,
    },
    restrictions: null,
  };

  /** Where GitHub's refusals on protected branches point. */
  const PROTECTED_DOCS =
    'https://docs.github.com/articles/about-protected-branches';

  /** Writes `.github/CODEOWNERS` on main (bob owns everything) unless it is there, then protects main with `protection`. */
  async function protectMain(
    protection: Parameters<typeof portal.repos.updateBranchProtection>[0] = {
      ...REPO,
      branch: 'main',
      ...REVIEWED,
    },
  ) {
    const written = await portal.repos
      .getContent({ ...REPO, path: '.github/CODEOWNERS' })
      .then(
        () => true,
        e => {
          if (e.status !== 404) throw e;
          return false;
        },
      );
    if (!written)
      await portal.repos.createOrUpdateFileContents({
        ...REPO,
        path: '.github/CODEOWNERS',
        message: 'Code owners',
        content: Buffer.from('# the platform lead\n* @bob\n').toString(
          'base64',
        ),
        branch: 'main',
      });
    const { data } = await portal.repos.updateBranchProtection({
      ...protection,
      ...REPO,
      branch: 'main',
    });
    return data;
  }

  /** A pull request from `branch` adding a namespace file; its head commit and the head of main when it opened. */
  const openNamespacePull = (branch: string) =>
    openPull(
      branch,
      {
        [`clusters/dev/namespaces/${branch}/namespace.yaml`]: `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${branch}\n`,
      },
      `Namespace ${branch} on dev`,
    );

  const mainHead = async () =>
    (await portal.git.getRef({ ...REPO, ref: 'heads/main' })).data.object.sha;

  const reviewStates = async (pullNumber: number) =>
    (
      await portal.pulls.listReviews({ ...REPO, pull_number: pullNumber })
    ).data.map(r => [r.user?.login, r.state]);

  /** No approval on a protected main: the merge is refused with GitHub's words, and main does not move. */
  async function mergeWithoutApproval() {
    await protectMain();
    const { pull } = await openNamespacePull('unapproved');
    const before = await mainHead();
    const refused = await alice.pulls
      .merge({ ...REPO, pull_number: pull.number })
      .catch(e => e);
    expect(refused.status).toBe(405);
    expect(refused.response.data).toEqual({
      message:
        'At least 1 approving review is required by reviewers with write access.',
      documentation_url: PROTECTED_DOCS,
      status: '405',
    });
    expect(await mainHead()).toBe(before);
    const { data: after } = await portal.pulls.get({
      ...REPO,
      pull_number: pull.number,
    });
    expect([after.state, after.merged, after.mergeable_state]).toEqual([
      'open',
      false,
      'blocked',
    ]);
  }

  /** alice (write access, not a code owner) approves: still refused; bob (the code owner) approves: it merges. */
  async function mergeAfterCodeOwnerApproval() {
    await protectMain();
    const { pull, commit } = await openNamespacePull('owned');
    const before = await mainHead();
    await alice.pulls.createReview({
      ...REPO,
      pull_number: pull.number,
      event: 'APPROVE',
    });
    await expect(
      alice.pulls.merge({ ...REPO, pull_number: pull.number }),
    ).rejects.toMatchObject({
      status: 405,
      response: {
        data: { message: 'Waiting on code owner review from @bob.' },
      },
    });
    expect(await mainHead()).toBe(before);
    await bob.pulls.createReview({
      ...REPO,
      pull_number: pull.number,
      event: 'APPROVE',
    });
    expect(
      (await portal.pulls.get({ ...REPO, pull_number: pull.number })).data
        .mergeable_state,
    ).toBe('clean');
    const { data: merged } = await alice.pulls.merge({
      ...REPO,
      pull_number: pull.number,
    });
    expect(merged.merged).toBe(true);
    expect(await mainHead()).toBe(merged.sha);
    expect(
      (
        await portal.git.getCommit({ ...REPO, commit_sha: merged.sha })
      ).data.parents.map(p => p.sha),
    ).toEqual([before, commit.sha]);
  }

  /** bob approves, then a new commit reaches the head branch through the git data API: the approval is dismissed. */
  async function staleApprovalDismissed() {
    await protectMain();
    const { pull, commit } = await openNamespacePull('stale');
    const { data: approval } = await bob.pulls.createReview({
      ...REPO,
      pull_number: pull.number,
      event: 'APPROVE',
    });
    const { data: tree } = await portal.git.createTree({
      ...REPO,
      base_tree: (
        await portal.git.getCommit({ ...REPO, commit_sha: commit.sha })
      ).data.tree.sha,
      tree: [
        {
          path: 'clusters/dev/namespaces/stale/resourcequota.yaml',
          mode: '100644',
          type: 'blob',
          content: 'apiVersion: v1\nkind: ResourceQuota\n',
        },
      ],
    });
    const { data: next } = await portal.git.createCommit({
      ...REPO,
      message: 'Quota',
      tree: tree.sha,
      parents: [commit.sha],
    });
    await portal.git.updateRef({ ...REPO, ref: 'heads/stale', sha: next.sha });
    const { data: reviews } = await portal.pulls.listReviews({
      ...REPO,
      pull_number: pull.number,
    });
    expect(reviews.map(r => [r.id, r.user?.login, r.state])).toEqual([
      [approval.id, 'bob', 'DISMISSED'],
    ]);
    const before = await mainHead();
    await expect(
      bob.pulls.merge({ ...REPO, pull_number: pull.number }),
    ).rejects.toMatchObject({
      status: 405,
      response: {
        data: {
          message:
            'At least 1 approving review is required by reviewers with write access.',
        },
      },
    });
    expect(await mainHead()).toBe(before);
    await bob.pulls.createReview({
      ...REPO,
      pull_number: pull.number,
      event: 'APPROVE',
    });
    const { data: merged } = await bob.pulls.merge({
      ...REPO,
      pull_number: pull.number,
      sha: next.sha,
    });
    expect(merged.merged).toBe(true);
    expect(await reviewStates(pull.number)).toEqual([
      ['bob', 'DISMISSED'],
      ['bob', 'APPROVED'],
    ]);
  }

  /** A required status check: missing, then failing, refuses the merge; success on the head commit lets it through. */
  async function requiredStatusCheck() {
    await protectMain({
      ...REPO,
      branch: 'main',
      required_status_checks: {
        strict: false,
        contexts: ['provisioning/validate'],
      },
      enforce_admins: true,
      required_pull_request_reviews: null,
      restrictions: null,
    });
    const { pull, commit } = await openNamespacePull('checked');
    const before = await mainHead();
    await expect(
      alice.pulls.merge({ ...REPO, pull_number: pull.number }),
    ).rejects.toMatchObject({
      status: 405,
      response: {
        data: {
          message: 'Required status check "provisioning/validate" is expected.',
        },
      },
    });
    await portal.repos.createCommitStatus({
      ...REPO,
      sha: commit.sha,
      state: 'failure',
      context: 'provisioning/validate',
      description: 'quota over the team budget',
    });
    await expect(
      alice.pulls.merge({ ...REPO, pull_number: pull.number }),
    ).rejects.toMatchObject({
      status: 405,
      response: {
        data: {
          message: 'Required status check "provisioning/validate" is failing.',
        },
      },
    });
    expect(await mainHead()).toBe(before);
    const { data: failing } = await portal.repos.getCombinedStatusForRef({
      ...REPO,
      ref: 'checked',
    });
    expect([failing.state, failing.sha, failing.total_count]).toEqual([
      'failure',
      commit.sha,
      1,
    ]);
    await portal.repos.createCommitStatus({
      ...REPO,
      sha: commit.sha,
      state: 'success',
      context: 'provisioning/validate',
    });
    expect(
      (await portal.pulls.get({ ...REPO, pull_number: pull.number })).data
        .mergeable_state,
    ).toBe('clean');
    const { data: merged } = await alice.pulls.merge({
      ...REPO,
      pull_number: pull.number,
    });
    expect(merged.merged).toBe(true);
    expect(await mainHead()).toBe(merged.sha);
  }

  /** PUT, GET and DELETE of main's protection in GitHub's shapes; bad bodies are refused with 422 and change nothing. */
  async function protectionRoundTrip() {
    // a plain string: Octokit's types follow GitHub's description, which requires `contexts` even beside `checks`
    const protectionPath: string =
      'PUT /repos/{owner}/{repo}/branches/{branch}/protection';
    await expect(
      portal.repos.getBranchProtection({ ...REPO, branch: 'main' }),
    ).rejects.toMatchObject({
      status: 404,
      response: { data: { message: 'Branch not protected' } },
    });
    await expect(
      portal.repos.updateBranchProtection({
        ...REPO,
        branch: 'missing',
        ...REVIEWED,
      }),
    ).rejects.toMatchObject({
      status: 404,
      response: { data: { message: 'Branch not found' } },
    });
    const url = `${emulator.url}/repos/acme/gitops/branches/main/protection`;
    const expected = {
      url,
      required_status_checks: {
        url: `${url}/required_status_checks`,
        strict: true,
        contexts: ['provisioning/validate'],
        contexts_url: `${url}/required_status_checks/contexts`,
        checks: [{ context: 'provisioning/validate', app_id: null }],
      },
      required_pull_request_reviews: {
        url: `${url}/required_pull_request_reviews`,
        dismiss_stale_reviews: true,
        require_code_owner_reviews: true,
        required_approving_review_count: 2,
        require_last_push_approval: false,
      },
      required_signatures: {
        url: `${url}/required_signatures`,
        enabled: false,
      },
      enforce_admins: { url: `${url}/enforce_admins`, enabled: true },
      required_linear_history: { enabled: false },
      allow_force_pushes: { enabled: false },
      allow_deletions: { enabled: false },
      block_creations: { enabled: false },
      required_conversation_resolution: { enabled: false },
      lock_branch: { enabled: false },
      allow_fork_syncing: { enabled: false },
    };
    const { data: put } = await portal.request(protectionPath, {
      ...REPO,
      branch: 'main',
      required_status_checks: {
        strict: true,
        checks: [{ context: 'provisioning/validate' }],
      },
      enforce_admins: true,
      required_pull_request_reviews: {
        dismiss_stale_reviews: true,
        require_code_owner_reviews: true,
        required_approving_review_count: 2,
      },
      restrictions: null,
    });
    expect(put).toEqual(expected);
    expect(
      (await portal.repos.getBranchProtection({ ...REPO, branch: 'main' }))
        .data,
    ).toEqual(expected);

    const refusal = (body: Record<string, unknown>) =>
      portal.request(protectionPath, { ...REPO, branch: 'main', ...body }).then(
        () => undefined,
        e => [e.status, e.response.data.message, e.response.data.errors],
      );
    expect(await refusal({})).toEqual([
      422,
      'Invalid request.\n\n"required_status_checks", "enforce_admins", "required_pull_request_reviews", "restrictions" weren\'t supplied.',
      undefined,
    ]);
    expect(
      await refusal({
        ...REVIEWED,
        required_pull_request_reviews: { required_approving_review_count: 7 },
      }),
    ).toEqual([
      422,
      'Invalid request.\n\nNo subschema in "anyOf" matched.\n7 must be less than or equal to 6.\nFor \'anyOf/1\', {"required_approving_review_count"=>7} is not a null.',
      undefined,
    ]);
    expect(await refusal({ ...REVIEWED, enforce_admins: 'yes' })).toEqual([
      422,
      'Invalid request.\n\nFor \'properties/enforce_admins\', "yes" is not a boolean or null.',
      undefined,
    ]);
    expect(
      await refusal({
        ...REVIEWED,
        required_status_checks: {
          strict: true,
          contexts: ['a'],
          checks: [{ context: 'a' }],
        },
      }),
    ).toEqual([
      422,
      'Invalid request.\n\nNo subschema in "anyOf" matched.\nMore than one subschema in "oneOf" matched.\nFor \'anyOf/1\', {"strict"=>true, "contexts"=>["a"], "checks"=>[{"context"=>"a"}]} is not a null.',
      undefined,
    ]);
    expect(
      await refusal({
        ...REVIEWED,
        restrictions: { users: ['alice'], teams: ['ghosts'] },
      }),
    ).toEqual([422, 'Validation Failed', ['Team ghosts could not be found.']]);
    expect(
      (await portal.repos.getBranchProtection({ ...REPO, branch: 'main' }))
        .data,
    ).toEqual(expected);

    await expect(
      portal.repos.deleteBranchProtection({ ...REPO, branch: 'main' }),
    ).resolves.toMatchObject({ status: 204 });
    await expect(
      portal.repos.getBranchProtection({ ...REPO, branch: 'main' }),
    ).rejects.toMatchObject({
      status: 404,
      response: { data: { message: 'Branch not protected' } },
    });
  }

  /** Direct updates of a protected main through the API are refused (ref update, deletion, contents) and change nothing. */
  async function directUpdatesRefused() {
    await protectMain();
    const before = await mainHead();
    const { data: commit } = await portal.git.createCommit({
      ...REPO,
      message: 'Straight to main',
      tree: (
        await portal.git.getCommit({ ...REPO, commit_sha: before })
      ).data.tree.sha,
      parents: [before],
    });
    await expect(
      portal.git.updateRef({ ...REPO, ref: 'heads/main', sha: commit.sha }),
    ).rejects.toMatchObject({
      status: 422,
      response: {
        data: {
          message:
            'Protected branch update failed for refs/heads/main. Changes must be made through a pull request.',
        },
      },
    });
    await expect(
      portal.git.deleteRef({ ...REPO, ref: 'heads/main' }),
    ).rejects.toMatchObject({
      status: 422,
      response: {
        data: {
          message:
            'Protected branch update failed for refs/heads/main. Cannot delete this protected branch.',
        },
      },
    });
    await expect(
      portal.repos.createOrUpdateFileContents({
        ...REPO,
        path: 'README.md',
        message: 'Straight to main',
        content: Buffer.from('# changed\n').toString('base64'),
        sha: (
          (
            await portal.repos.getContent({ ...REPO, path: 'README.md' })
          ).data as { sha: string }
        ).sha,
        branch: 'main',
      }),
    ).rejects.toMatchObject({
      status: 409,
      response: {
        data: {
          message:
            'Protected branch update failed for refs/heads/main. Changes must be made through a pull request.',
        },
      },
    });
    expect(await mainHead()).toBe(before);
  }

  it('runs a branch, commit, pull request, review and merge on real git', () =>
    branchCommitPullReviewMerge());

  it('sends signed webhooks', async () => {
    await mergePaymentsPull();
    // deliveries run after the API answers, in order
    await emulator.webhooksSettled();
    expect(
      hooks.map(h => `${h.event}:${JSON.parse(h.body).action ?? ''}`),
    ).toEqual([
      'push:',
      'pull_request:opened',
      'pull_request:review_requested',
      'pull_request_review:submitted',
      'push:',
      'pull_request:closed',
    ]);
    for (const hook of hooks) {
      expect(hook.signature).toBe(
        `sha256=${createHmac('sha256', 'hook-secret')
          .update(hook.body)
          .digest('hex')}`,
      );
    }
  });

  it('answers like GitHub on bad input', async () => {
    await mergePaymentsPull();
    await answerBadInput();
  });

  it('can be rate limited or made to fail, with GitHub headers', () =>
    rateLimitAndFail());

  it('serves the repositories over git smart HTTP', async () => {
    await mergePaymentsPull();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'clone-'));
    try {
      // asynchronously: the emulator answers from this same process
      await promisify(execFile)('git', [
        'clone',
        '--quiet',
        emulator.cloneUrl('acme/gitops'),
        dir,
      ]);
      expect(
        fs.readFileSync(
          path.join(dir, 'clusters/dev/namespaces/payments/namespace.yaml'),
          'utf8',
        ),
      ).toBe('apiVersion: v1\nkind: Namespace\nmetadata:\n  name: payments\n');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('shows pull requests with their diff and Approve/Merge buttons', async () => {
    await openPaymentsPull();
    await openPull('feature-x', { 'x.txt': 'x\n' }, 'x');
    const page = await (
      await fetch(`${emulator.url}/ui/acme/gitops/pull/2`)
    ).text();
    expect(page).toContain('Approve');
    expect(page).toContain('Merge pull request');
    expect(page).toContain('<span class="add">+x</span>');
    const index = await (await fetch(`${emulator.url}/`)).text();
    expect(index).toContain('#1 Namespace payments on dev');
    const res = await fetch(
      `${emulator.url}/_emulator/repos/acme/gitops/pulls/2/approve`,
      {
        method: 'POST',
        body: 'login=alice',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        redirect: 'manual',
      },
    );
    expect(res.status).toBe(303);
    expect(emulator.pulls('acme/gitops')[1].reviews.map(r => r.state)).toEqual([
      'APPROVED',
    ]);
  });

  it('refuses to merge into a protected branch without an approval, and merges nothing', () =>
    mergeWithoutApproval());

  it("still refuses after an approval from someone who is not a code owner, and merges after a code owner's", () =>
    mergeAfterCodeOwnerApproval());

  it('dismisses an approval when the head branch moves, refuses the merge, and merges after a new approval', () =>
    staleApprovalDismissed());

  it('dismisses approvals on a git push and a contents update of the head branch, and refuses git pushes to the protected branch', async () => {
    await protectMain();
    const { pull } = await openNamespacePull('pushed');
    await bob.pulls.createReview({
      ...REPO,
      pull_number: pull.number,
      event: 'APPROVE',
    });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'push-'));
    // asynchronously: the emulator answers from this same process
    const git = (...args: string[]) =>
      promisify(execFile)('git', [
        '-C',
        dir,
        '-c',
        'user.name=alice',
        '-c',
        'user.email=alice@users.noreply.invalid',
        ...args,
      ]);
    try {
      await promisify(execFile)('git', [
        'clone',
        '--quiet',
        '--branch',
        'pushed',
        emulator.cloneUrl('acme/gitops'),
        dir,
      ]);
      fs.writeFileSync(
        path.join(dir, 'clusters/dev/namespaces/pushed/limits.yaml'),
        'kind: LimitRange\n',
      );
      await git('add', '.');
      await git('commit', '--quiet', '-m', 'Limits');
      await git('push', '--quiet', 'origin', 'pushed');
      await emulator.webhooksSettled();
      expect(await reviewStates(pull.number)).toEqual([['bob', 'DISMISSED']]);
      expect(
        hooks
          .filter(h => h.event === 'pull_request_review')
          .map(h => JSON.parse(h.body).action),
      ).toEqual(['submitted', 'dismissed']);
      expect(
        hooks
          .filter(h => h.event === 'pull_request')
          .map(h => JSON.parse(h.body))
          .filter(h => h.action === 'synchronize')
          .map(h => h.sender.login),
      ).toEqual(['alice']);

      await bob.pulls.createReview({
        ...REPO,
        pull_number: pull.number,
        event: 'APPROVE',
      });
      const { data: limits } = await portal.repos.getContent({
        ...REPO,
        path: 'clusters/dev/namespaces/pushed/limits.yaml',
        ref: 'pushed',
      });
      await portal.repos.createOrUpdateFileContents({
        ...REPO,
        path: 'clusters/dev/namespaces/pushed/limits.yaml',
        message: 'Limits, with a spec',
        content: Buffer.from('kind: LimitRange\nspec: {}\n').toString('base64'),
        sha: (limits as { sha: string }).sha,
        branch: 'pushed',
      });
      expect(await reviewStates(pull.number)).toEqual([
        ['bob', 'DISMISSED'],
        ['bob', 'DISMISSED'],
      ]);

      const before = await mainHead();
      const refused = await git('push', 'origin', 'HEAD:main').catch(e => e);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain(
        'remote: error: GH006: Protected branch update failed for refs/heads/main.',
      );
      expect(refused.stderr).toContain(
        'remote: error: Changes must be made through a pull request.',
      );
      expect(await mainHead()).toBe(before);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("counts each reviewer's latest review: requested changes and a dismissal replace an approval, a comment does not", async () => {
    await protectMain();
    const { pull } = await openNamespacePull('reviewed');
    const before = await mainHead();
    const mergeRefusal = () =>
      alice.pulls.merge({ ...REPO, pull_number: pull.number }).then(
        () => 'merged',
        e => `${e.status} ${e.response.data.message}`,
      );
    const mergeableState = async () =>
      (await portal.pulls.get({ ...REPO, pull_number: pull.number })).data
        .mergeable_state;
    await bob.pulls.createReview({
      ...REPO,
      pull_number: pull.number,
      event: 'APPROVE',
    });
    await bob.pulls.createReview({
      ...REPO,
      pull_number: pull.number,
      event: 'COMMENT',
      body: 'One more thought',
    });
    expect(await mergeableState()).toBe('clean');
    await bob.pulls.createReview({
      ...REPO,
      pull_number: pull.number,
      event: 'REQUEST_CHANGES',
      body: 'The quota is too big',
    });
    expect(await mergeableState()).toBe('blocked');
    expect(await mergeRefusal()).toBe('405 Changes have been requested.');
    const { data: approval } = await bob.pulls.createReview({
      ...REPO,
      pull_number: pull.number,
      event: 'APPROVE',
    });
    await portal.pulls.dismissReview({
      ...REPO,
      pull_number: pull.number,
      review_id: approval.id,
      message: 'Approved the wrong pull request',
    });
    expect(await mergeRefusal()).toBe(
      '405 At least 1 approving review is required by reviewers with write access.',
    );
    expect(await mainHead()).toBe(before);
  });

  it('refuses a merge while the required status check is missing or failing on the head commit, and merges once it succeeds', () =>
    requiredStatusCheck());

  it('reads, replaces and removes branch protection in GitHub shapes, and refuses bad bodies with 422', () =>
    protectionRoundTrip());

  it('refuses direct updates of a protected branch through the API', () =>
    directUpdatesRefused());

  it('renders the pull request body as markdown, shows the protection and why merging is blocked, with an empty reviewer picker', async () => {
    await protectMain();
    await openPull(
      'described',
      { 'x.txt': 'x\n' },
      'Described',
      '## Why\n\nThe **payments** team needs it.\n\n<script>alert(1)</script>\n\n[details](javascript:alert(1))\n',
    );
    const pageOf = async () =>
      (await fetch(`${emulator.url}/ui/acme/gitops/pull/1`)).text();
    const post = (action: string, login: string) =>
      fetch(`${emulator.url}/_emulator/repos/acme/gitops/pulls/1/${action}`, {
        method: 'POST',
        body: `login=${login}`,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        redirect: 'manual',
      });
    const picker = (page: string, label: string) =>
      new RegExp(
        `<select name="login" aria-label="${label}" required>.*?</select>`,
      ).exec(page)?.[0];

    const page = await pageOf();
    expect(page).toContain(
      '<div class="body"><h2>Why</h2>\n<p>The <strong>payments</strong> team needs it.</p>\n<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>\n<p>[details](javascript:alert(1))</p>\n</div>',
    );
    expect(page).not.toContain('<script>');
    expect(picker(page, 'Reviewer')).toBe(
      '<select name="login" aria-label="Reviewer" required><option value="" selected disabled>Choose a reviewer</option><option value="alice">alice</option><option value="bob">bob</option></select>',
    );
    expect(page).toContain(
      '<ul class="protection"><li class="unmet">Approvals: 0 of 1 required</li><li class="unmet">Code owner review: waiting on @bob</li></ul>',
    );
    expect(page).toContain(
      '<button class="merge" type="submit" disabled>Merge pull request</button>',
    );
    expect(page).toContain(
      '<div class="blocked"><strong>Merging is blocked</strong><ul><li>At least 1 approving review is required by reviewers with write access.</li><li>Waiting on code owner review from @bob.</li></ul></div>',
    );

    const unnamed = await post('approve', '');
    expect([unnamed.status, await unnamed.text()]).toEqual([
      422,
      'Choose the reviewer who approves.',
    ]);
    expect((await post('approve', 'bob')).status).toBe(303);
    const approved = await pageOf();
    expect(approved).toContain(
      '<ul class="protection"><li class="met">Approvals: 1 of 1 required (bob)</li><li class="met">Code owner review: approved by bob</li></ul>',
    );
    expect(picker(approved, 'Merge as')).toBe(
      '<select name="login" aria-label="Merge as" required><option value="" disabled>Merge as</option><option value="alice">alice</option><option value="bob" selected>bob</option></select>',
    );
    expect(approved).toContain(
      '<button class="merge" type="submit">Merge pull request</button>',
    );
    expect(approved).not.toContain('Merging is blocked');
    expect((await post('merge', 'bob')).status).toBe(303);
    expect(emulator.pulls('acme/gitops')[0]).toMatchObject({
      merged: true,
      mergedBy: 'bob',
    });
  });

  it("serves the calls the portal's reader and writer make", () =>
    readAndWrite());

  it("answers with bodies that match GitHub's OpenAPI description", async () => {
    // the calls of the other tests, on this test's own emulator
    await branchCommitPullReviewMerge();
    await answerBadInput();
    await rateLimitAndFail();
    await readAndWrite();
    // branch protection: its endpoints, the merge refusals, dismissed reviews, commit statuses, refused direct updates
    await protectionRoundTrip();
    await mergeWithoutApproval();
    await mergeAfterCodeOwnerApproval();
    await staleApprovalDismissed();
    await requiredStatusCheck();
    await directUpdatesRefused();
    const spec = loadOpenApi();
    const ajv = new Ajv({
      strict: false,
      allErrors: true,
      validateFormats: true,
    });
    addFormats(ajv);
    const withNull = (schema: any): any => {
      if (Array.isArray(schema)) return schema.map(withNull);
      if (!schema || typeof schema !== 'object') return schema;
      const out: any = {};
      for (const [k, v] of Object.entries(schema)) out[k] = withNull(v);
      if (schema.nullable && out.type && !Array.isArray(out.type))
        out.type = [out.type, 'null'];
      if (schema.nullable && out.enum) out.enum = [...out.enum, null];
      delete out.nullable;
      // GitHub's description uses oneOf for alternatives that overlap (the contents API's 409 is a basic error, or
      // one with secret-scanning metadata, which has no required property): no body matches exactly one of them
      if (out.oneOf) {
        out.anyOf = out.oneOf;
        delete out.oneOf;
      }
      return out;
    };
    const checked = new Set<string>();
    const failures: string[] = [];
    for (const call of responses) {
      const template = call.template
        .replace('{+ref}', '{ref}')
        .replace('{+path}', '{path}')
        .replace('{+branch}', '{branch}');
      const operation = spec.paths[template]?.[call.method.toLowerCase()];
      if (!operation) {
        failures.push(`${call.method} ${template}: not in GitHub's OpenAPI`);
        continue;
      }
      // GitHub answers these on any endpoint though its description lists them for few; check the error shape
      const anywhere = [401, 403, 429, 500, 502, 503].includes(call.status);
      const response =
        operation.responses[String(call.status)] ??
        (anywhere
          ? {
              content: {
                'application/json': {
                  schema:
                    spec.paths['/repos/{owner}/{repo}'].get.responses['404']
                      .content['application/json'].schema,
                },
              },
            }
          : undefined);
      if (!response) {
        failures.push(
          `${call.method} ${template}: GitHub never answers ${call.status}`,
        );
        continue;
      }
      const schema = response.content?.['application/json']?.schema;
      if (!schema || call.body === undefined) continue;
      const validate = ajv.compile(withNull(schema));
      if (!validate(call.body)) {
        failures.push(
          `${call.method} ${template} ${call.status}: ${ajv.errorsText(
            validate.errors?.slice(0, 3),
          )}`,
        );
      }
      checked.add(`${call.method} ${template} ${call.status}`);
    }
    expect(failures).toEqual([]);
    // every call made above, among them those the portal's repository reader and pull-request writer rely on
    expect([...checked].sort()).toEqual([
      'GET /repos/{owner}/{repo} 200',
      'GET /repos/{owner}/{repo} 401',
      'GET /repos/{owner}/{repo} 403',
      'GET /repos/{owner}/{repo} 404',
      'GET /repos/{owner}/{repo} 429',
      'GET /repos/{owner}/{repo} 502',
      'GET /repos/{owner}/{repo}/branches/{branch}/protection 200',
      'GET /repos/{owner}/{repo}/branches/{branch}/protection 404',
      'GET /repos/{owner}/{repo}/commits 200',
      'GET /repos/{owner}/{repo}/commits/{ref}/status 200',
      'GET /repos/{owner}/{repo}/contents/{path} 200',
      'GET /repos/{owner}/{repo}/contents/{path} 404',
      'GET /repos/{owner}/{repo}/git/blobs/{file_sha} 200',
      'GET /repos/{owner}/{repo}/git/commits/{commit_sha} 200',
      'GET /repos/{owner}/{repo}/git/ref/{ref} 200',
      'GET /repos/{owner}/{repo}/git/trees/{tree_sha} 200',
      'GET /repos/{owner}/{repo}/pulls 200',
      'GET /repos/{owner}/{repo}/pulls/{pull_number} 200',
      'GET /repos/{owner}/{repo}/pulls/{pull_number}/files 200',
      'GET /repos/{owner}/{repo}/pulls/{pull_number}/requested_reviewers 200',
      'GET /repos/{owner}/{repo}/pulls/{pull_number}/reviews 200',
      'PATCH /repos/{owner}/{repo}/git/refs/{ref} 200',
      'PATCH /repos/{owner}/{repo}/git/refs/{ref} 422',
      'PATCH /repos/{owner}/{repo}/pulls/{pull_number} 200',
      'POST /repos/{owner}/{repo}/git/commits 201',
      'POST /repos/{owner}/{repo}/git/commits 422',
      'POST /repos/{owner}/{repo}/git/refs 201',
      'POST /repos/{owner}/{repo}/git/refs 422',
      'POST /repos/{owner}/{repo}/git/trees 201',
      'POST /repos/{owner}/{repo}/issues/{issue_number}/comments 201',
      'POST /repos/{owner}/{repo}/issues/{issue_number}/labels 200',
      'POST /repos/{owner}/{repo}/pulls 201',
      'POST /repos/{owner}/{repo}/pulls 422',
      'POST /repos/{owner}/{repo}/pulls/{pull_number}/requested_reviewers 201',
      'POST /repos/{owner}/{repo}/pulls/{pull_number}/reviews 200',
      'POST /repos/{owner}/{repo}/pulls/{pull_number}/reviews 422',
      'POST /repos/{owner}/{repo}/statuses/{sha} 201',
      'PUT /repos/{owner}/{repo}/branches/{branch}/protection 200',
      'PUT /repos/{owner}/{repo}/branches/{branch}/protection 404',
      'PUT /repos/{owner}/{repo}/branches/{branch}/protection 422',
      'PUT /repos/{owner}/{repo}/contents/{path} 201',
      'PUT /repos/{owner}/{repo}/contents/{path} 409',
      'PUT /repos/{owner}/{repo}/pulls/{pull_number}/merge 200',
      'PUT /repos/{owner}/{repo}/pulls/{pull_number}/merge 405',
      'PUT /repos/{owner}/{repo}/pulls/{pull_number}/reviews/{review_id}/dismissals 200',
    ]);
    // every scenario of the suite, then GitHub's whole description compiled by ajv: seconds, more under load
  }, 60_000);
});
