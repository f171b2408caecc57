import { GitHubEmulator } from '@kubeportal/test-environment';
import { Octokit } from '@octokit/rest';
import { execFileSync } from 'node:child_process';
import { GitOpsPullRequestWriter, PullRequestSpec } from './GitOpsPullRequests';


describe('GitOpsPullRequestWriter', () => {
  let github: GitHubEmulator;
  let writer: GitOpsPullRequestWriter;
  const waits: number[] = [];

  beforeAll(async () => {
    github = new GitHubEmulator({ tokens: { 'portal-token': 'portal-bot' } });
    await github.start();
  });
  afterAll(() => github.stop());

  let repoCounter = 0;
  let owner = 'acme';
  let repo = 'gitops';
  beforeEach(async () => {
    repo = `gitops-${++repoCounter}`;
    owner = 'acme';
    await github.createRepo(`${owner}/${repo}`, { files: { 'clusters/dev/kustomization.yaml': 'resources: []\n', 'clusters/dev/old.yaml': 'x: 1\n' }, collaborators: ['alice', 'bob'] });
    github.resetCalls();
    waits.length = 0;
    const octokit = new Octokit({ baseUrl: github.url, auth: 'portal-token', request: { retries: 0 } });
    writer = new GitOpsPullRequestWriter(octokit, { retry: { minDelayMs: 1, sleep: async ms => void waits.push(ms) } });
  });

  const spec = (files: number, overrides: Partial<PullRequestSpec> = {}): PullRequestSpec => ({
    owner,
    repo,
    base: 'main',
    branch: 'provisioning/create/dev.ns.payments',
    title: 'Namespace payments on dev',
    body: '## Request\n',
    commitMessage: 'Namespace payments on dev',
    changes: [
      ...Array.from({ length: files }, (_, i) => ({ path: `clusters/dev/namespaces/payments/file-${i}.yaml`, content: `n: ${i}\n` })),
      { path: 'clusters/dev/old.yaml', content: null },
    ],
    reviewers: ['alice'],
    labels: ['provisioning', 'cluster:dev'],
    ...overrides,
  });

  it('uses the same number of GitHub calls for 1 and 100 files', async () => {
    await writer.openOrUpdate(spec(1));
    const one = github.totalCalls();
    github.resetCalls();
    await writer.openOrUpdate(spec(100, { branch: 'provisioning/create/dev.ns.billing' }));
    expect(github.totalCalls()).toBe(one);
    expect(one).toBe(9);
  });

  it('writes the files and deletions as one commit on a branch with a reviewed, labelled pull request', async () => {
    const result = await writer.openOrUpdate(spec(3));
    expect(result).toMatchObject({ number: 1, created: true, branch: 'provisioning/create/dev.ns.payments' });
    const gitDir = github.gitDir(`${owner}/${repo}`);
    const files = execFileSync('git', ['-C', gitDir, 'ls-tree', '-r', '--name-only', result.headSha], { encoding: 'utf8' }).trim().split('\n');
    expect(files).toEqual([
      'clusters/dev/kustomization.yaml',
      'clusters/dev/namespaces/payments/file-0.yaml',
      'clusters/dev/namespaces/payments/file-1.yaml',
      'clusters/dev/namespaces/payments/file-2.yaml',
    ]);
    const pull = github.pulls(`${owner}/${repo}`)[0];
    expect(pull).toMatchObject({ requestedReviewers: ['alice'], labels: ['provisioning', 'cluster:dev'], state: 'open' });
  });

  it('updates the same branch and pull request when run again', async () => {
    const first = await writer.openOrUpdate(spec(2));
    github.resetCalls();
    const second = await writer.openOrUpdate(spec(5, { title: 'Namespace payments on dev (updated)' }));
    expect(second).toMatchObject({ number: first.number, created: false });
    expect(second.headSha).not.toBe(first.headSha);
    expect(github.pulls(`${owner}/${repo}`)).toHaveLength(1);
    expect(github.pulls(`${owner}/${repo}`)[0].title).toBe('Namespace payments on dev (updated)');
    expect(github.calls()['PATCH /repos/{owner}/{repo}/git/refs/{+ref}']).toBe(1);
  });

  it('retries 5xx answers with backoff, then succeeds', async () => {
    github.failNext(2, 502, /POST .*\/git\/trees$/);
    const result = await writer.openOrUpdate(spec(1));
    expect(result.created).toBe(true);
    expect(waits).toHaveLength(2);
    expect(github.calls()['POST /repos/{owner}/{repo}/git/trees']).toBe(3);
  });

  it('waits as long as retry-after says on a secondary rate limit', async () => {
    github.setRateLimit({ remaining: 2, secondary: true, retryAfterSeconds: 3 });
    const run = writer.openOrUpdate(spec(1));
    // lift the limit once the writer has been told to wait
    const lift = setInterval(() => waits.length > 0 && github.setRateLimit(undefined), 1);
    await expect(run).resolves.toMatchObject({ created: true });
    clearInterval(lift);
    expect(waits[0]).toBe(3000);
  });

  it('fails clearly when a reviewer is unknown, and leaves no branch or open pull request behind', async () => {
    const error = await writer.openOrUpdate(spec(1, { reviewers: ['mallory'] })).catch(e => e);
    expect(error.name).toBe('GitHubPullRequestError');
    expect(error.message).toMatch(
      /^Could not request review from @mallory on acme\/gitops-\d+: Reviews may only be requested from collaborators.*Check that the team's project leads are GitHub users with access to the repository; the pull request was closed and its branch deleted\.(; caused by .*)?$/,
    );
    expect(github.pulls(`${owner}/${repo}`).map(p => p.state)).toEqual(['closed']);
    const branches = execFileSync('git', ['-C', github.gitDir(`${owner}/${repo}`), 'for-each-ref', '--format=%(refname:short)', 'refs/heads'], { encoding: 'utf8' });
    expect(branches.trim()).toBe('main');
  });

  it('names the step when GitHub refuses', async () => {
    await expect(writer.openOrUpdate(spec(1, { base: 'nope' }))).rejects.toThrow(`GitHub reading branch 'nope' of acme/${'gitops'}`.replace('gitops', repo));
  });

  it('reads the files the renderer needs in one tree call plus one call per file', async () => {
    const files = await writer.readFiles(owner, repo, 'main', { prefixes: ['clusters/dev/'], paths: ['CODEOWNERS'] });
    expect([...files.keys()]).toEqual(['clusters/dev/kustomization.yaml', 'clusters/dev/old.yaml']);
    expect(github.totalCalls()).toBe(4);
  });

  it('lists open provisioning pull requests with their files', async () => {
    await writer.openOrUpdate(spec(1));
    const open = await writer.openPullRequests(owner, repo, 'provisioning/');
    expect(open).toEqual([
      expect.objectContaining({ branch: 'provisioning/create/dev.ns.payments', files: ['clusters/dev/namespaces/payments/file-0.yaml', 'clusters/dev/old.yaml'] }),
    ]);
  });
});

