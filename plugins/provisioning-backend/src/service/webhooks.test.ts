import {
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  pullRequestStatusKey,
  requestBranch,
} from '@kubeportal/plugin-provisioning-common';
import { GitHubEmulator } from '@kubeportal/test-environment';
import { createHmac } from 'node:crypto';
import request from 'supertest';
import { provisioningPlugin } from '../plugin';
import { RequestStatusStore } from '../status/RequestStatusStore';

jest.setTimeout(60_000);

const SECRET = 'webhook-secret';
const REPO = 'acme/gitops';
const REQUEST_ID = 'dev.ns.payments';
const BRANCH = requestBranch(REQUEST_ID, 'create');
const ROUTE = '/api/provisioning/webhooks/github';

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

/** A delivery as the emulator recorded it, in GitHub's REST shape. */
interface Delivery {
  id: number;
  guid: string;
  event: string;
  action: string | null;
  status_code: number;
  redelivery: boolean;
}

describe('POST /api/provisioning/webhooks/github', () => {
  let github: GitHubEmulator;
  let server: Awaited<ReturnType<typeof startTestBackend>>['server'];
  let store: RequestStatusStore;
  let hookId: number;
  /** The store's key of the request's pull request, once it is open. */
  let key: string;
  let pullNumber: number;

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

  const deliveries = async () => {
    await github.webhooksSettled();
    return gh<Delivery[]>('GET', `/repos/${REPO}/hooks/${hookId}/deliveries`);
  };
  /** The backend's answer to a delivery, as the emulator recorded it. */
  const answerTo = async (delivery: Delivery) => {
    const detail = await gh(
      'GET',
      `/repos/${REPO}/hooks/${hookId}/deliveries/${delivery.id}`,
    );
    return {
      status: detail.status_code,
      body: JSON.parse(detail.response.payload),
      request: detail.request as {
        headers: Record<string, string>;
        payload: unknown;
      },
    };
  };
  const find = (all: Delivery[], event: string, action: string | null) => {
    const found = all.find(
      d => d.event === event && d.action === action && !d.redelivery,
    );
    if (!found) throw new Error(`no ${event} ${action} delivery`);
    return found;
  };

  beforeAll(async () => {
    github = new GitHubEmulator({
      tokens: { 'portal-token': 'portal-bot', 'lead-token': 'lead' },
    });
    const baseUrl = await github.start();
    await github.createRepo(REPO, {
      files: { 'README.md': '# GitOps\n' },
      collaborators: ['lead'],
    });
    const knex = await databases.init('SQLITE_3');
    ({ server } = await startTestBackend({
      features: [
        provisioningPlugin,
        catalogServiceMock.factory(),
        mockServices.database.factory({ knex }),
        mockServices.rootConfig.factory({
          data: {
            integrations: {
              github: [
                { host: 'github.example', apiBaseUrl: baseUrl, token: 't' },
              ],
            },
            provisioning: {
              clusters: [],
              gitops: {
                host: 'github.example',
                owner: 'acme',
                repo: 'gitops',
                webhookSecret: SECRET,
              },
            },
          },
        }),
      ],
    }));
    // the same database the plugin writes to, read through the store
    store = await RequestStatusStore.create({
      database: mockServices.database({ knex }),
      skipMigrations: true,
    });
    const hook = await gh('POST', `/repos/${REPO}/hooks`, {
      config: {
        url: `http://127.0.0.1:${server.port()}${ROUTE}`,
        secret: SECRET,
        content_type: 'json',
      },
      events: ['pull_request', 'pull_request_review', 'push'],
    });
    hookId = hook.id;
  });

  afterAll(async () => {
    await github?.stop();
  });

  it('moves a request from its pull request through approval to the merge, one delivery each', async () => {
    const number = await openPullRequest(BRANCH);
    pullNumber = number;
    key = pullRequestStatusKey('create', REQUEST_ID, number);
    await github.approve(REPO, number, 'lead');
    const mergeCommit = await github.merge(REPO, number, 'lead');
    const all = await deliveries();

    const opened = find(all, 'pull_request', 'opened');
    const approved = find(all, 'pull_request_review', 'submitted');
    const merged = find(all, 'pull_request', 'closed');
    expect(await answerTo(opened)).toMatchObject({
      status: 202,
      body: { result: 'recorded' },
    });
    // the ping of the new hook and the pushes are answered, and change nothing
    expect(await answerTo(find(all, 'ping', null))).toMatchObject({
      status: 202,
      body: {
        result: 'ignored',
        reason: 'ping events do not change a request',
      },
    });
    expect(all.every(d => d.status_code === 202)).toBe(true);

    const stored = await store.get(key);
    expect(stored?.request).toMatchObject({
      requestId: key,
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
    expect(stored?.history.map(t => t.source)).toEqual([
      { kind: 'webhook', id: opened.guid },
      { kind: 'webhook', id: approved.guid },
      { kind: 'webhook', id: merged.guid },
    ]);
    // the times are GitHub's, from the payloads: the merge happened when the request was last updated
    expect(stored?.request.updatedAt).toEqual(stored?.history[2].at);
  });

  it('answers a redelivery as a duplicate and changes nothing', async () => {
    const before = await store.get(key);
    const approved = find(
      await deliveries(),
      'pull_request_review',
      'submitted',
    );
    await gh(
      'POST',
      `/repos/${REPO}/hooks/${hookId}/deliveries/${approved.id}/attempts`,
    );
    const again = (await deliveries()).find(
      d => d.redelivery && d.guid === approved.guid,
    );
    expect(again).toBeDefined();
    expect(await answerTo(again!)).toMatchObject({
      status: 202,
      body: { result: 'duplicate' },
    });
    expect(await store.get(key)).toEqual(before);
  });

  it('refuses a body signed with another secret, and an unsigned one, with 401 and records nothing for them', async () => {
    const before = await store.list();
    const opened = await answerTo(
      find(await deliveries(), 'pull_request', 'opened'),
    );
    // the same event for another request, so a wrongly accepted delivery would show in the store
    const body = JSON.stringify(opened.request.payload)
      .split(REQUEST_ID)
      .join('dev.ns.forged');
    const headers = {
      'content-type': 'application/json',
      'x-github-event': 'pull_request',
      'x-github-delivery': 'forged-1',
    };
    const forged = await request(server)
      .post(ROUTE)
      .set({
        ...headers,
        'x-hub-signature-256': `sha256=${createHmac('sha256', 'another-secret')
          .update(body)
          .digest('hex')}`,
      })
      .send(body);
    expect(forged.status).toBe(401);
    expect(forged.body.error.message).toBe(
      'the X-Hub-Signature-256 signature does not match the body',
    );
    const unsigned = await request(server).post(ROUTE).set(headers).send(body);
    expect(unsigned.status).toBe(401);
    expect(unsigned.body.error.message).toBe(
      'the X-Hub-Signature-256 header is missing',
    );
    // the right secret is accepted: the refusals were the signatures'
    const signed = await request(server)
      .post(ROUTE)
      .set({
        ...headers,
        'x-hub-signature-256': `sha256=${createHmac('sha256', SECRET)
          .update(body)
          .digest('hex')}`,
      })
      .send(body);
    expect(signed.body).toEqual({ result: 'recorded' });
    expect((await store.list()).map(r => r.requestId).sort()).toEqual(
      [
        ...before.map(r => r.requestId),
        pullRequestStatusKey('create', 'dev.ns.forged', pullNumber),
      ].sort(),
    );
  });

  it('ignores a signed delivery of another repository', async () => {
    const before = await store.list();
    const opened = await answerTo(
      find(await deliveries(), 'pull_request', 'opened'),
    );
    const body = JSON.stringify(opened.request.payload)
      .split('"acme/gitops"')
      .join('"acme/elsewhere"');
    const res = await request(server)
      .post(ROUTE)
      .set({
        'content-type': 'application/json',
        'x-github-event': 'pull_request',
        'x-github-delivery': 'elsewhere-1',
        'x-hub-signature-256': `sha256=${createHmac('sha256', SECRET)
          .update(body)
          .digest('hex')}`,
      })
      .send(body);
    expect(res.status).toBe(202);
    expect(res.body).toEqual({
      result: 'ignored',
      reason:
        "repository 'acme/elsewhere' is not the GitOps repository (acme/gitops)",
    });
    expect(await store.list()).toEqual(before);
  });

  it('answers a malformed signed delivery with 400 and the reason', async () => {
    const body = JSON.stringify({ action: 'opened', repository: {} });
    const res = await request(server)
      .post(ROUTE)
      .set({
        'content-type': 'application/json',
        'x-github-event': 'pull_request',
        'x-github-delivery': 'bad-1',
        'x-hub-signature-256': `sha256=${createHmac('sha256', SECRET)
          .update(body)
          .digest('hex')}`,
      })
      .send(body);
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(
      /^the pull_request payload is invalid at /,
    );
  });

  it('ignores a pull request on a branch that is not a request', async () => {
    const before = await store.list();
    const seen = new Set((await deliveries()).map(d => d.guid));
    await openPullRequest('feature/readme');
    const all = (await deliveries()).filter(d => !seen.has(d.guid));
    expect(await answerTo(find(all, 'pull_request', 'opened'))).toMatchObject({
      status: 202,
      body: {
        result: 'ignored',
        reason: "branch 'feature/readme' is not a provisioning request's",
      },
    });
    expect(await store.list()).toEqual(before);
  });
});
