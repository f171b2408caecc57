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
      tokens: { 'portal-token': 'portal-bot', 'alice-token': 'alice' },
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

  it('runs a branch, commit, pull request, review and merge on real git', () =>
    branchCommitPullReviewMerge());

  it('sends signed webhooks', async () => {
    await mergePaymentsPull();
    expect(
      hooks.map(h => `${h.event}:${JSON.parse(h.body).action ?? ''}`),
    ).toEqual([
      'pull_request:opened',
      'pull_request:review_requested',
      'pull_request_review:submitted',
      'pull_request:closed',
      'push:',
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

  it("serves the calls the portal's reader and writer make", () =>
    readAndWrite());

  it("answers with bodies that match GitHub's OpenAPI description", async () => {
    // the calls of the other tests, on this test's own emulator
    await branchCommitPullReviewMerge();
    await answerBadInput();
    await rateLimitAndFail();
    await readAndWrite();
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
      return out;
    };
    const checked = new Set<string>();
    const failures: string[] = [];
    for (const call of responses) {
      const template = call.template
        .replace('{+ref}', '{ref}')
        .replace('{+path}', '{path}');
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
      'GET /repos/{owner}/{repo}/commits 200',
      'GET /repos/{owner}/{repo}/contents/{path} 200',
      'GET /repos/{owner}/{repo}/git/blobs/{file_sha} 200',
      'GET /repos/{owner}/{repo}/git/commits/{commit_sha} 200',
      'GET /repos/{owner}/{repo}/git/ref/{ref} 200',
      'GET /repos/{owner}/{repo}/git/trees/{tree_sha} 200',
      'GET /repos/{owner}/{repo}/pulls 200',
      'GET /repos/{owner}/{repo}/pulls/{pull_number} 200',
      'GET /repos/{owner}/{repo}/pulls/{pull_number}/files 200',
      'GET /repos/{owner}/{repo}/pulls/{pull_number}/requested_reviewers 200',
      'GET /repos/{owner}/{repo}/pulls/{pull_number}/reviews 200',
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
      'PUT /repos/{owner}/{repo}/pulls/{pull_number}/merge 200',
      'PUT /repos/{owner}/{repo}/pulls/{pull_number}/reviews/{review_id}/dismissals 200',
    ]);
  });
});
