import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import {
  pullRequestStatusKey,
  requestBranch,
} from '@kubeportal/plugin-provisioning-common';
import {
  createGitHubClient,
  GitOpsPullRequestWriter,
} from '@kubeportal/plugin-provisioning-node';
import { GitHubEmulator } from '@kubeportal/test-environment';
import { pollRequestStatuses } from './pollRequestStatuses';
import { RequestStatusStore } from './RequestStatusStore';

jest.setTimeout(60_000);

const REPO = 'acme/gitops';
const gitops = { owner: 'acme', repo: 'gitops' };
const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

describe('pollRequestStatuses', () => {
  let github: GitHubEmulator;
  let store: RequestStatusStore;
  let writer: GitOpsPullRequestWriter;

  /** A call to the emulator's REST API as the portal's bot. */
  async function gh<T = any>(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<T> {
    const res = await fetch(`${github.url}${path}`, {
      method,
      headers: {
        authorization: 'token portal-token',
        'content-type': 'application/json',
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!res.ok)
      throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    return (res.status === 204 ? undefined : await res.json()) as T;
  }

  /** A branch with one commit and its pull request, as the portal opens a request. */
  async function openPullRequest(branch: string): Promise<number> {
    const main = await gh('GET', `/repos/${REPO}/git/ref/heads/main`);
    await gh('POST', `/repos/${REPO}/git/refs`, {
      ref: `refs/heads/${branch}`,
      sha: main.object.sha,
    });
    await gh('PUT', `/repos/${REPO}/contents/clusters/dev/${branch}.yaml`, {
      message: 'Add a namespace',
      branch,
      content: Buffer.from('kind: Namespace\n').toString('base64'),
    });
    const pull = await gh('POST', `/repos/${REPO}/pulls`, {
      title: `Request on ${branch}`,
      head: branch,
      base: 'main',
    });
    return pull.number;
  }

  const poll = () =>
    pollRequestStatuses({
      writer,
      gitops,
      store,
      since: new Date(Date.now() - 7 * 86_400_000),
      logger: mockServices.logger.mock(),
    });

  beforeAll(async () => {
    // no webhook is configured on the repository: every change is only seen by polling
    github = new GitHubEmulator({
      tokens: { 'portal-token': 'portal-bot', 'lead-token': 'lead' },
    });
    await github.start();
    await github.createRepo(REPO, {
      files: { 'README.md': '# GitOps\n' },
      collaborators: ['lead'],
    });
    writer = new GitOpsPullRequestWriter(
      createGitHubClient({
        baseUrl: github.url,
        token: 'portal-token',
        writeIntervalMs: 0,
      }),
    );
    const knex = await databases.init('SQLITE_3');
    store = await RequestStatusStore.create({
      database: mockServices.database({ knex }),
    });
  });

  afterAll(async () => {
    await github?.stop();
  });

  it('follows a pull request from open through approval to the merge without a webhook, recording each status once', async () => {
    const id = 'dev.ns.payments';
    const number = await openPullRequest(requestBranch(id, 'create'));
    const key = pullRequestStatusKey('create', id, number);

    expect(await poll()).toEqual({
      listed: 1,
      recorded: 1,
      unchanged: 0,
      ignored: 0,
    });
    expect((await store.get(key))?.request.status).toBe('pull-request-open');

    await github.approve(REPO, number, 'lead');
    expect(await poll()).toMatchObject({ recorded: 1, unchanged: 0 });
    expect((await store.get(key))?.request.status).toBe('approved');

    const mergeCommit = await github.merge(REPO, number, 'lead');
    expect(await poll()).toMatchObject({ recorded: 1, unchanged: 0 });
    // nothing changed on GitHub since: the next poll writes nothing
    expect(await poll()).toEqual({
      listed: 1,
      recorded: 0,
      unchanged: 1,
      ignored: 0,
    });

    const stored = await store.get(key);
    expect(stored?.request).toMatchObject({
      status: 'merged',
      mergeCommit,
      pullRequest: {
        number,
        url: expect.stringMatching(/\/acme\/gitops\/pull\/\d+$/),
      },
    });
    expect(
      stored?.history.map(t => `${t.from ?? '-'} -> ${t.to} ${t.outcome}`),
    ).toEqual([
      '- -> pull-request-open recorded',
      'pull-request-open -> approved recorded',
      'approved -> merged recorded',
    ]);
    // dated by GitHub's last update of the pull request, not by when the poll ran
    const pull = github.pulls(REPO).find(p => p.number === number)!;
    expect(stored?.request.updatedAt).toEqual(new Date(pull.updatedAt));
    expect(stored?.history.every(t => t.source.kind === 'poll')).toBe(true);
    expect(stored?.history[2].source.id).toBe(
      `${number}@${pull.updatedAt}:merged`,
    );
  });

  it('writes nothing for a status a webhook already recorded', async () => {
    const id = 'dev.ns.billing';
    const number = await openPullRequest(requestBranch(id, 'create'));
    const key = pullRequestStatusKey('create', id, number);
    await github.approve(REPO, number, 'lead');
    await store.record({
      requestId: key,
      to: 'approved',
      at: new Date(),
      source: { kind: 'webhook', id: 'delivery-1' },
      pullRequest: { number, url: `https://github.example/${REPO}/pull/1` },
    });
    const before = await store.get(key);

    const result = await poll();

    // the merged pull request of the first test is still listed, and unchanged too
    expect(result).toEqual({
      listed: 2,
      recorded: 0,
      unchanged: 2,
      ignored: 0,
    });
    expect(await store.get(key)).toEqual(before);
  });
});
