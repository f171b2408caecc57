import { mockServices } from '@backstage/backend-test-utils';
import { GitHubEmulator } from '@kubeportal/test-environment';
import type { Octokit } from '@octokit/rest';
import { execFileSync } from 'node:child_process';
import { createGitHubClient } from './githubClient';
import {
  BaseMovedError,
  GitOpsPullRequestWriter,
  ownerFromTrailers,
  PullRequestSpec,
} from './GitOpsPullRequests';

jest.setTimeout(60_000);

const OWNER = {
  requestId: 'dev.ns.payments',
  requester: 'user:default/jdoe',
  team: 'group:default/payments',
};

describe('GitOpsPullRequestWriter', () => {
  let github: GitHubEmulator;
  let octokit: Octokit;
  let writer: GitOpsPullRequestWriter;
  const logger = mockServices.logger.mock();

  beforeAll(async () => {
    github = new GitHubEmulator({ tokens: { 'portal-token': 'portal-bot' } });
    await github.start();
  });
  afterAll(() => github.stop());

  let repoCounter = 0;
  const owner = 'acme';
  let repo = 'gitops';
  let base: { sha: string; tree: string };
  beforeEach(async () => {
    repo = `gitops-${++repoCounter}`;
    await github.createRepo(`${owner}/${repo}`, {
      files: {
        'clusters/dev/kustomization.yaml': 'resources: []\n',
        'clusters/dev/old.yaml': 'x: 1\n',
      },
      collaborators: ['alice', 'bob'],
    });
    octokit = createGitHubClient({
      baseUrl: github.url,
      token: 'portal-token',
      retryBaseMs: 5,
      writeIntervalMs: 0,
      logger,
    });
    writer = new GitOpsPullRequestWriter(octokit, { logger });
    const sha = (await octokit.git.getRef({ owner, repo, ref: 'heads/main' }))
      .data.object.sha;
    base = {
      sha,
      tree: (await octokit.git.getCommit({ owner, repo, commit_sha: sha })).data
        .tree.sha,
    };
    github.resetCalls();
  });

  const spec = (
    files: number,
    overrides: Partial<PullRequestSpec> = {},
  ): PullRequestSpec => ({
    owner,
    repo,
    base: 'main',
    baseSha: base.sha,
    baseTreeSha: base.tree,
    branch: 'provisioning/create/dev.ns.payments',
    requestedBy: OWNER,
    title: 'Namespace payments on dev',
    body: '## Request\n',
    commitMessage: 'Namespace payments on dev',
    changes: [
      ...Array.from({ length: files }, (_, i) => ({
        path: `clusters/dev/namespaces/payments/file-${i}.yaml`,
        content: `n: ${i}\n`,
      })),
      { path: 'clusters/dev/old.yaml', content: null },
    ],
    reviewers: ['alice'],
    labels: ['provisioning', 'cluster:dev'],
    ...overrides,
  });
  const writes = () =>
    Object.entries(github.calls())
      .filter(([k]) => !k.startsWith('GET'))
      .reduce((n, [, v]) => n + v, 0);
  const branches = () =>
    execFileSync(
      'git',
      [
        '-C',
        github.gitDir(`${owner}/${repo}`),
        'for-each-ref',
        '--format=%(refname:short)',
        'refs/heads',
      ],
      { encoding: 'utf8' },
    )
      .trim()
      .split('\n');

  it('uses the same number of GitHub calls for 1 and 100 files', async () => {
    await writer.openOrUpdate(spec(1));
    const one = github.totalCalls();
    github.resetCalls();
    await writer.openOrUpdate(
      spec(100, {
        branch: 'provisioning/create/dev.ns.billing',
        requestedBy: { ...OWNER, requestId: 'dev.ns.billing' },
      }),
    );
    expect(github.totalCalls()).toBe(one);
    // base ref, branch ref (absent), tree, commit, ref, open pull, reviewers, labels
    expect(one).toBe(8);
  });

  it('writes the files and deletions as one commit on the planned base, recording who the branch belongs to', async () => {
    const result = await writer.openOrUpdate(spec(3));
    expect(result).toMatchObject({
      number: 1,
      created: true,
      branch: 'provisioning/create/dev.ns.payments',
      dismissedApprovals: [],
    });
    const gitDir = github.gitDir(`${owner}/${repo}`);
    const files = execFileSync(
      'git',
      ['-C', gitDir, 'ls-tree', '-r', '--name-only', result.headSha],
      { encoding: 'utf8' },
    )
      .trim()
      .split('\n');
    expect(files).toEqual([
      'clusters/dev/kustomization.yaml',
      'clusters/dev/namespaces/payments/file-0.yaml',
      'clusters/dev/namespaces/payments/file-1.yaml',
      'clusters/dev/namespaces/payments/file-2.yaml',
    ]);
    expect(
      execFileSync('git', ['-C', gitDir, 'rev-parse', `${result.headSha}^`], {
        encoding: 'utf8',
      }).trim(),
    ).toBe(base.sha);
    const message = execFileSync(
      'git',
      ['-C', gitDir, 'log', '-1', '--format=%B', result.headSha],
      { encoding: 'utf8' },
    );
    expect(ownerFromTrailers(message)).toEqual(OWNER);
    expect(github.pulls(`${owner}/${repo}`)[0]).toMatchObject({
      requestedReviewers: ['alice'],
      labels: ['provisioning', 'cluster:dev'],
      state: 'open',
    });
  });

  it('updates the same branch and pull request when its owner runs it again, and dismisses the approvals', async () => {
    const first = await writer.openOrUpdate(spec(2));
    await github.approve(`${owner}/${repo}`, first.number, 'alice');
    github.resetCalls();
    const second = await writer.openOrUpdate(
      spec(5, { title: 'Namespace payments on dev (updated)' }),
    );
    expect(second).toMatchObject({
      number: first.number,
      created: false,
      dismissedApprovals: ['alice'],
    });
    expect(second.headSha).not.toBe(first.headSha);
    const pulls = github.pulls(`${owner}/${repo}`);
    expect(pulls).toHaveLength(1);
    expect(pulls[0].title).toBe('Namespace payments on dev (updated)');
    expect(pulls[0].reviews.map(r => `${r.user} ${r.state}`)).toEqual([
      'alice DISMISSED',
    ]);
    expect(github.calls()['PATCH /repos/{owner}/{repo}/git/refs/{+ref}']).toBe(
      1,
    );
  });

  it("refuses to update another user's or another team's branch, and writes nothing", async () => {
    const first = await writer.openOrUpdate(spec(1));
    await github.approve(`${owner}/${repo}`, first.number, 'alice');
    github.resetCalls();
    for (const requestedBy of [
      { ...OWNER, requester: 'user:default/mallory' },
      { ...OWNER, team: 'group:default/billing' },
    ]) {
      await expect(
        writer.openOrUpdate(spec(1, { requestedBy, title: 'taken over' })),
      ).rejects.toMatchObject({
        name: 'NotAllowedError',
        message: expect.stringContaining(
          `belongs to request dev.ns.payments of user:default/jdoe for group:default/payments; only that user can update it`,
        ),
      });
    }
    expect(writes()).toBe(0);
    const pull = github.pulls(`${owner}/${repo}`)[0];
    expect(pull).toMatchObject({
      title: 'Namespace payments on dev',
      labels: ['provisioning', 'cluster:dev'],
    });
    expect(pull.reviews.map(r => r.state)).toEqual(['APPROVED']);
  });

  it('lets the next request use a branch whose pull request was merged, whoever asked before', async () => {
    const first = await writer.openOrUpdate(spec(1));
    await github.approve(`${owner}/${repo}`, first.number, 'alice');
    await github.merge(`${owner}/${repo}`, first.number, 'alice');
    base = {
      sha: (await octokit.git.getRef({ owner, repo, ref: 'heads/main' })).data
        .object.sha,
      tree: '',
    };
    base.tree = (
      await octokit.git.getCommit({ owner, repo, commit_sha: base.sha })
    ).data.tree.sha;
    const next = await writer.openOrUpdate(
      spec(2, { requestedBy: { ...OWNER, requester: 'user:default/carol' } }),
    );
    expect(next).toMatchObject({ created: true, dismissedApprovals: [] });
    expect(next.number).not.toBe(first.number);
  });

  it('refuses to overwrite a branch someone pushed to outside the portal', async () => {
    const first = await writer.openOrUpdate(spec(1));
    const hand = await octokit.git.createCommit({
      owner,
      repo,
      message: 'by hand',
      tree: base.tree,
      parents: [first.headSha],
    });
    await octokit.git.updateRef({
      owner,
      repo,
      ref: `heads/${first.branch}`,
      sha: hand.data.sha,
    });
    github.resetCalls();
    await expect(writer.openOrUpdate(spec(1))).rejects.toThrow(
      /was changed outside the portal/,
    );
    expect(writes()).toBe(0);
  });

  it('writes nothing when the base branch moved since the plan', async () => {
    const moved = await octokit.git.createCommit({
      owner,
      repo,
      message: 'someone merged',
      tree: base.tree,
      parents: [base.sha],
    });
    await octokit.git.updateRef({
      owner,
      repo,
      ref: 'heads/main',
      sha: moved.data.sha,
    });
    github.resetCalls();
    const error = await writer.openOrUpdate(spec(1)).catch(e => e);
    expect(error).toBeInstanceOf(BaseMovedError);
    expect(error).toMatchObject({
      plannedSha: base.sha,
      currentSha: moved.data.sha,
      name: 'ConflictError',
    });
    expect(writes()).toBe(0);
    expect(branches()).toEqual(['main']);
  });

  it('retries 5xx answers with backoff (Octokit retry plugin), then succeeds', async () => {
    github.failNext(2, 502, /POST .*\/git\/trees$/);
    const result = await writer.openOrUpdate(spec(1));
    expect(result.created).toBe(true);
    expect(github.calls()['POST /repos/{owner}/{repo}/git/trees']).toBe(3);
  });

  describe('faults GitHub has', () => {
    it('a branch created but its reply lost: retried, one branch, one pull request', async () => {
      github.loseReplyOfNext(1, /POST .*\/git\/refs$/);
      const result = await writer.openOrUpdate(spec(1));
      expect(result.created).toBe(true);
      expect(github.pulls(`${owner}/${repo}`)).toHaveLength(1);
      expect(branches()).toEqual([
        'main',
        'provisioning/create/dev.ns.payments',
      ]);
    });

    it('a pull request opened but its reply lost: the one pull request is kept, and its branch', async () => {
      github.loseReplyOfNext(1, /POST .*\/pulls$/);
      const result = await writer.openOrUpdate(spec(1));
      const pulls = github.pulls(`${owner}/${repo}`);
      expect(pulls).toHaveLength(1);
      expect(pulls[0]).toMatchObject({
        state: 'open',
        requestedReviewers: ['alice'],
      });
      expect(result.number).toBe(pulls[0].number);
      expect(branches()).toEqual([
        'main',
        'provisioning/create/dev.ns.payments',
      ]);
    });

    it('a dropped connection: retried like a 5xx', async () => {
      github.dropNext(1, /POST .*\/git\/trees$/);
      await expect(writer.openOrUpdate(spec(1))).resolves.toMatchObject({
        created: true,
      });
      expect(github.calls()['POST /repos/{owner}/{repo}/git/trees']).toBe(2);
    });
  });

  it('gives up with the step named when retries run out', async () => {
    github.failNext(5, 503, /POST .*\/git\/trees$/);
    const error = await writer.openOrUpdate(spec(1)).catch(e => e);
    expect(error.message).toMatch(
      /^GitHub writing the file tree failed \(503\)/,
    );
    expect(github.calls()['POST /repos/{owner}/{repo}/git/trees']).toBe(5); // the call and four retries
    expect(branches()).toEqual(['main']);
  });

  it('waits as long as retry-after says on a secondary rate limit (Octokit throttling plugin)', async () => {
    github.setRateLimit({
      remaining: 2,
      secondary: true,
      retryAfterSeconds: 1,
    });
    const started = Date.now();
    const run = writer.openOrUpdate(spec(1));
    setTimeout(() => github.setRateLimit(undefined), 300);
    await expect(run).resolves.toMatchObject({ created: true });
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringMatching(
        /^GitHub secondary rate limit on .*: retrying in 1 s$/,
      ),
    );
  });

  it('waits for the reset of the primary rate limit', async () => {
    github.setRateLimit({ remaining: 1, resetSeconds: 2 });
    const run = writer.openOrUpdate(spec(1));
    setTimeout(() => github.setRateLimit(undefined), 300);
    await expect(run).resolves.toMatchObject({ created: true });
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringMatching(
        /^GitHub primary rate limit on .*: retrying in \d+ s$/,
      ),
    );
  });

  it('fails clearly when a reviewer is unknown, and leaves no branch or open pull request behind', async () => {
    const error = await writer
      .openOrUpdate(spec(1, { reviewers: ['mallory'] }))
      .catch(e => e);
    expect(error.name).toBe('GitHubPullRequestError');
    expect(error.message).toMatch(
      /^Could not request review from @mallory on acme\/gitops-\d+: Reviews may only be requested from collaborators.*Check that the team's project leads are GitHub users with access to the repository; the pull request was closed and its branch deleted\.(; caused by .*)?$/,
    );
    expect(github.pulls(`${owner}/${repo}`).map(p => p.state)).toEqual([
      'closed',
    ]);
    expect(branches()).toEqual(['main']);
  });

  it('names the step when GitHub refuses', async () => {
    await expect(
      writer.openOrUpdate(spec(1, { base: 'nope' })),
    ).rejects.toThrow(`GitHub reading branch 'nope' of acme/${repo}`);
  });

  it('lists open provisioning pull requests with their files', async () => {
    await writer.openOrUpdate(spec(1));
    const open = await writer.openPullRequests(owner, repo, 'provisioning/');
    expect(open).toEqual([
      expect.objectContaining({
        branch: 'provisioning/create/dev.ns.payments',
        files: [
          'clusters/dev/namespaces/payments/file-0.yaml',
          'clusters/dev/old.yaml',
        ],
      }),
    ]);
    // the files of an unchanged pull request are not listed again
    github.resetCalls();
    expect(await writer.openPullRequests(owner, repo, 'provisioning/')).toEqual(
      open,
    );
    expect(github.calls()).toEqual({ 'GET /repos/{owner}/{repo}/pulls': 1 });
  });
});
