import {
  GitHubEmulator,
  ReceivedWebhook,
  WebhookReceiver,
  signWebhookBody,
  startWebhookReceiver,
} from '@kubeportal/test-environment';
import { createGitHubClient } from './githubClient';
import { verifyWebhook } from './webhookReceipt';

const SECRET = 'portal-webhook-secret';
const REPO = { owner: 'acme', repo: 'gitops' };
const BRANCH = 'provisioning/create/dev.ns.payments';

/** Real deliveries of the GitHub emulator: a pull request opened, reviewed twice and merged. */
async function emulatorDeliveries(): Promise<ReceivedWebhook[]> {
  const receiver: WebhookReceiver = await startWebhookReceiver();
  const emulator = new GitHubEmulator({
    tokens: { 'portal-token': 'portal-bot', 'lead-token': 'lead' },
  });
  try {
    const baseUrl = await emulator.start();
    await emulator.createRepo('acme/gitops', { collaborators: ['lead'] });
    const portal = createGitHubClient({
      baseUrl,
      token: 'portal-token',
      retries: 0,
      writeIntervalMs: 0,
    });
    const lead = createGitHubClient({
      baseUrl,
      token: 'lead-token',
      retries: 0,
      writeIntervalMs: 0,
    });
    const { data: hook } = await portal.repos.createWebhook({
      ...REPO,
      config: { url: receiver.url, secret: SECRET, content_type: 'json' },
      events: ['pull_request', 'pull_request_review', 'push'],
    });
    const { data: main } = await portal.git.getRef({
      ...REPO,
      ref: 'heads/main',
    });
    await portal.git.createRef({
      ...REPO,
      ref: `refs/heads/${BRANCH}`,
      sha: main.object.sha,
    });
    await portal.repos.createOrUpdateFileContents({
      ...REPO,
      path: 'clusters/dev/namespaces/payments/namespace.yaml',
      branch: BRANCH,
      message: 'Namespace payments',
      content: Buffer.from('kind: Namespace\n').toString('base64'),
    });
    const { data: pull } = await portal.pulls.create({
      ...REPO,
      title: 'Namespace payments on dev',
      head: BRANCH,
      base: 'main',
    });
    await lead.pulls.createReview({
      ...REPO,
      pull_number: pull.number,
      event: 'REQUEST_CHANGES',
      body: 'Too large',
    });
    await lead.pulls.createReview({
      ...REPO,
      pull_number: pull.number,
      event: 'APPROVE',
    });
    await portal.pulls.merge({ ...REPO, pull_number: pull.number });
    await emulator.webhooksSettled();
    // and GitHub's redelivery of the opened pull request: the same delivery id again
    const { data: sent } = await portal.repos.listWebhookDeliveries({
      ...REPO,
      hook_id: hook.id,
    });
    await portal.repos.redeliverWebhookDelivery({
      ...REPO,
      hook_id: hook.id,
      delivery_id: sent.find(d => d.action === 'opened')!.id,
    });
    await emulator.webhooksSettled();
    return receiver.received;
  } finally {
    await emulator.stop();
    await receiver.stop();
  }
}

describe('verifyWebhook', () => {
  let deliveries: ReceivedWebhook[];
  const find = (event: string, match: (payload: any) => boolean = () => true) =>
    deliveries.find(d => d.event === event && match(JSON.parse(d.body)))!;
  const verifyReceived = (hook: ReceivedWebhook, secret = SECRET) =>
    verifyWebhook({
      secret,
      body: Buffer.from(hook.body),
      headers: hook.headers as Record<string, string>,
    });

  beforeAll(async () => {
    deliveries = await emulatorDeliveries();
  });

  it('accepts a signed delivery and reads the pull request it opened', async () => {
    const opened = find('pull_request', p => p.action === 'opened');
    const receipt = await verifyReceived(opened);
    expect(receipt).toEqual({
      ok: true,
      delivery: opened.delivery,
      event: 'pull_request',
      payload: {
        kind: 'pull_request',
        action: 'opened',
        repository: 'acme/gitops',
        number: 1,
        headBranch: BRANCH,
        headSha: expect.stringMatching(/^[0-9a-f]{40}$/),
        baseBranch: 'main',
        merged: false,
        mergeCommitSha: null,
        url: expect.stringMatching(/\/acme\/gitops\/pull\/1$/),
        at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      },
    });
  });

  it('reads the merge: merged, its merge commit, and the push to main', async () => {
    const closed = await verifyReceived(
      find('pull_request', p => p.action === 'closed'),
    );
    const push = await verifyReceived(
      find('push', p => p.ref === 'refs/heads/main'),
    );
    expect(closed).toMatchObject({
      ok: true,
      payload: { kind: 'pull_request', action: 'closed', merged: true },
    });
    expect(push).toMatchObject({
      ok: true,
      event: 'push',
      payload: { kind: 'push', ref: 'refs/heads/main', deleted: false },
    });
    const mergeSha =
      closed.ok && closed.payload.kind === 'pull_request'
        ? closed.payload.mergeCommitSha
        : undefined;
    expect(mergeSha).toMatch(/^[0-9a-f]{40}$/);
    expect(push.ok && push.payload.kind === 'push' && push.payload.after).toBe(
      mergeSha,
    );
  });

  it('reads reviews: requested changes and an approval, with the reviewer', async () => {
    const reviews = await Promise.all(
      deliveries
        .filter(d => d.event === 'pull_request_review')
        .map(d => verifyReceived(d)),
    );
    expect(reviews.map(r => r.ok && r.payload)).toEqual([
      expect.objectContaining({
        state: 'changes_requested',
        reviewer: 'lead',
        number: 1,
        headBranch: BRANCH,
      }),
      expect.objectContaining({ state: 'approved', reviewer: 'lead' }),
    ]);
  });

  it('accepts the ping GitHub sends to a new hook', async () => {
    expect(await verifyReceived(find('ping'))).toMatchObject({
      ok: true,
      payload: { kind: 'ping', hookId: 1 },
    });
  });

  it('refuses an unsigned delivery with 401', async () => {
    const hook = find('push');
    const { ['x-hub-signature-256']: _signature, ...headers } = hook.headers;
    expect(
      await verifyWebhook({ secret: SECRET, body: hook.body, headers }),
    ).toEqual({
      ok: false,
      status: 401,
      reason: 'the X-Hub-Signature-256 header is missing',
    });
  });

  it('refuses a wrong signature, one made with another secret, and a tampered body with 401', async () => {
    const hook = find('pull_request', p => p.action === 'closed');
    const wrong = await verifyWebhook({
      secret: SECRET,
      body: hook.body,
      headers: {
        ...hook.headers,
        'x-hub-signature-256': `sha256=${'0'.repeat(64)}`,
      },
    });
    const otherSecret = await verifyReceived(hook, 'another-secret');
    const tampered = await verifyWebhook({
      secret: SECRET,
      body: hook.body.replace('"merged":true', '"merged":false'),
      headers: hook.headers,
    });
    const garbled = await verifyWebhook({
      secret: SECRET,
      body: hook.body,
      headers: { ...hook.headers, 'x-hub-signature-256': 'sha1=abc' },
    });
    for (const receipt of [wrong, otherSecret, tampered, garbled])
      expect(receipt).toMatchObject({ ok: false, status: 401 });
    expect(tampered).toMatchObject({
      reason: 'the X-Hub-Signature-256 signature does not match the body',
    });
  });

  it('refuses a signed delivery without a delivery id, of an unknown event or with a malformed payload with 400', async () => {
    const hook = find('push');
    const { ['x-github-delivery']: _delivery, ...noDelivery } = hook.headers;
    expect(
      await verifyWebhook({
        secret: SECRET,
        body: hook.body,
        headers: noDelivery,
      }),
    ).toEqual({
      ok: false,
      status: 400,
      reason: 'the X-GitHub-Delivery header is missing',
    });
    expect(
      await verifyWebhook({
        secret: SECRET,
        body: hook.body,
        headers: { ...hook.headers, 'x-github-event': 'issues' },
      }),
    ).toMatchObject({
      ok: false,
      status: 400,
      reason: expect.stringContaining("event 'issues' is not handled"),
    });
    const body = JSON.stringify({ ref: 'refs/heads/main' });
    expect(
      await verifyWebhook({
        secret: SECRET,
        body,
        headers: {
          ...hook.headers,
          'x-hub-signature-256': signWebhookBody(SECRET, body),
        },
      }),
    ).toMatchObject({
      ok: false,
      status: 400,
      reason: expect.stringContaining('the push payload is invalid at before'),
    });
  });

  it('gives a redelivery the same delivery id, so a receiver can ignore it', async () => {
    const opened = deliveries.filter(
      d => d.event === 'pull_request' && JSON.parse(d.body).action === 'opened',
    );
    expect(opened).toHaveLength(2);
    const [first, again] = await Promise.all(
      opened.map(d => verifyReceived(d)),
    );
    expect(first).toEqual(again);
    expect(first).toMatchObject({ ok: true, delivery: opened[0].delivery });
  });
});
