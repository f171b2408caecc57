import { Octokit } from '@octokit/rest';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { createHmac } from 'node:crypto';
import fs from 'node:fs';
import { GitHubEmulator } from './GitHubEmulator';
import { WebhookReceiver, startWebhookReceiver } from './webhooks';

const REPO = { owner: 'acme', repo: 'gitops' };
const SECRET = 'webhook-secret';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** GitHub's own OpenAPI description, dereferenced: `x-webhooks` holds the payload schema of every event. */
const spec = JSON.parse(
  fs.readFileSync(
    require.resolve('@octokit/openapi/generated/api.github.com.deref.json'),
    'utf8',
  ),
);
const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);
/** OpenAPI 3.0 `nullable` into JSON Schema, and `oneOf` as `anyOf` (GitHub's alternatives overlap). */
const jsonSchema = (schema: any): any => {
  if (Array.isArray(schema)) return schema.map(jsonSchema);
  if (!schema || typeof schema !== 'object') return schema;
  const out: any = {};
  for (const [k, v] of Object.entries(schema)) out[k] = jsonSchema(v);
  if (schema.nullable && out.type && !Array.isArray(out.type))
    out.type = [out.type, 'null'];
  if (schema.nullable && out.enum && !out.enum.includes(null))
    out.enum = [...out.enum, null];
  delete out.nullable;
  if (out.oneOf) {
    out.anyOf = out.oneOf;
    delete out.oneOf;
  }
  return out;
};
/** Errors of a payload against GitHub's schema of `event` with `action` (`pull-request-opened`, `push`, ...). */
function payloadErrors(event: string, payload: any): string | undefined {
  const name = [event, payload.action]
    .filter(Boolean)
    .join('-')
    .replace(/_/g, '-');
  const schema =
    spec['x-webhooks'][name]?.post.requestBody.content['application/json']
      .schema;
  if (!schema) return `no schema for ${name}`;
  const validate = ajv.compile(jsonSchema(schema));
  return validate(payload)
    ? undefined
    : `${name}: ${ajv.errorsText(validate.errors?.slice(0, 3))}`;
}
/** The same for a REST answer (`GET /repos/{owner}/{repo}/hooks` 200 ...). */
function responseErrors(
  method: string,
  template: string,
  status: number,
  body: unknown,
): string | undefined {
  const described =
    spec.paths[template]?.[method.toLowerCase()]?.responses[String(status)];
  if (!described && status >= 400) {
    // GitHub answers 404 on any unknown id, described or not: check the error shape
    const error = body as { message?: unknown; documentation_url?: unknown };
    return typeof error?.message === 'string' &&
      typeof error.documentation_url === 'string'
      ? undefined
      : `${method} ${template} ${status}: not GitHub's error shape`;
  }
  if (!described)
    return `${method} ${template} ${status}: not in the description`;
  const schema = described.content?.['application/json']?.schema;
  if (!schema || body === undefined) return undefined;
  const validate = ajv.compile(jsonSchema(schema));
  return validate(body)
    ? undefined
    : `${method} ${template} ${status}: ${ajv.errorsText(
        validate.errors?.slice(0, 3),
      )}`;
}

const summary = (receiver: WebhookReceiver) =>
  receiver.received.map(h => {
    const payload = JSON.parse(h.body);
    if (h.event === 'pull_request')
      return `pull_request:${payload.action}${
        payload.action === 'closed'
          ? `:merged=${payload.pull_request.merged}`
          : ''
      }`;
    if (h.event === 'pull_request_review')
      return `pull_request_review:${payload.action}:${payload.review.state}`;
    if (h.event === 'push')
      return `push:${payload.ref}${payload.created ? ':created' : ''}`;
    return h.event;
  });

describe('repository webhooks of the GitHubEmulator', () => {
  let emulator: GitHubEmulator;
  let receiver: WebhookReceiver;
  let portal: Octokit;
  let bob: Octokit;
  let responses: Array<{
    method: string;
    template: string;
    status: number;
    body: unknown;
  }>;

  beforeEach(async () => {
    responses = [];
    receiver = await startWebhookReceiver();
    emulator = new GitHubEmulator({
      tokens: { 'portal-token': 'portal-bot', 'bob-token': 'bob' },
    });
    const baseUrl = await emulator.start();
    emulator.onResponse = call => {
      if (call.template.includes('/hooks')) responses.push(call);
    };
    await emulator.createRepo('acme/gitops', {
      files: { 'README.md': '# GitOps\n' },
      collaborators: ['bob'],
    });
    portal = new Octokit({
      baseUrl,
      auth: 'portal-token',
      request: { retries: 0 },
    });
    bob = new Octokit({ baseUrl, auth: 'bob-token' });
  });

  afterEach(async () => {
    await emulator.stop();
    await receiver.stop();
  });

  const createHook = (
    events = ['pull_request', 'pull_request_review', 'push'],
  ) =>
    portal.repos.createWebhook({
      ...REPO,
      config: { url: receiver.url, secret: SECRET, content_type: 'json' },
      events,
    });

  /** A branch with one commit (through the contents API), as the portal writes a request. */
  async function branchWithFile(branch: string, file: string, text: string) {
    const { data: main } = await portal.git.getRef({
      ...REPO,
      ref: 'heads/main',
    });
    await portal.git.createRef({
      ...REPO,
      ref: `refs/heads/${branch}`,
      sha: main.object.sha,
    });
    const { data } = await portal.repos.createOrUpdateFileContents({
      ...REPO,
      path: file,
      branch,
      message: `Add ${file}`,
      content: Buffer.from(text).toString('base64'),
    });
    return { base: main.object.sha, head: data.commit.sha! };
  }

  it('creates, lists and deletes hooks in GitHub shapes, pings a new hook and hides its secret', async () => {
    const { data: hook } = await createHook();
    expect(hook).toMatchObject({
      name: 'web',
      active: true,
      events: ['pull_request', 'pull_request_review', 'push'],
      config: { url: receiver.url, content_type: 'json', secret: '********' },
    });
    const { data: hooks } = await portal.repos.listWebhooks(REPO);
    expect(hooks.map(h => h.id)).toEqual([hook.id]);
    await emulator.webhooksSettled();
    expect(summary(receiver)).toEqual(['ping']);
    expect(JSON.parse(receiver.received[0].body)).toMatchObject({
      hook_id: hook.id,
      repository: { full_name: 'acme/gitops' },
    });

    await portal.repos.deleteWebhook({ ...REPO, hook_id: hook.id });
    expect((await portal.repos.listWebhooks(REPO)).data).toEqual([]);
    await branchWithFile('after-delete', 'a.txt', 'a\n');
    await emulator.webhooksSettled();
    expect(summary(receiver)).toEqual(['ping']);

    await expect(
      portal.repos.createWebhook({ ...REPO, config: { url: 'not a url' } }),
    ).rejects.toMatchObject({ status: 422 });
    // GitHub's default content type is form; the emulator sends JSON only and says so
    await expect(
      portal.repos.createWebhook({ ...REPO, config: { url: receiver.url } }),
    ).rejects.toMatchObject({ status: 422 });
    await expect(
      portal.repos.deleteWebhook({ ...REPO, hook_id: 999 }),
    ).rejects.toMatchObject({ status: 404 });
    const failures = responses
      .map(r => responseErrors(r.method, r.template, r.status, r.body))
      .filter(Boolean);
    expect(failures).toEqual([]);
  });

  it('delivers opening, reviewing, pushing to, closing, reopening and merging a pull request in order, signed, in GitHub payload shapes', async () => {
    await createHook();
    const { base, head } = await branchWithFile(
      'provisioning/create/dev.ns.payments',
      'clusters/dev/namespaces/payments/namespace.yaml',
      'kind: Namespace\n',
    );
    const { data: pull } = await portal.pulls.create({
      ...REPO,
      title: 'Namespace payments on dev',
      head: 'provisioning/create/dev.ns.payments',
      base: 'main',
    });
    await bob.pulls.createReview({
      ...REPO,
      pull_number: pull.number,
      event: 'REQUEST_CHANGES',
      body: 'Quota too large',
    });
    const { data: update } = await portal.repos.createOrUpdateFileContents({
      ...REPO,
      path: 'clusters/dev/namespaces/payments/quota.yaml',
      branch: 'provisioning/create/dev.ns.payments',
      message: 'Smaller quota',
      content: Buffer.from('kind: ResourceQuota\n').toString('base64'),
    });
    await bob.pulls.createReview({
      ...REPO,
      pull_number: pull.number,
      event: 'APPROVE',
    });
    await portal.pulls.update({
      ...REPO,
      pull_number: pull.number,
      state: 'closed',
    });
    await portal.pulls.update({
      ...REPO,
      pull_number: pull.number,
      state: 'open',
    });
    const { data: merge } = await portal.pulls.merge({
      ...REPO,
      pull_number: pull.number,
    });
    await emulator.webhooksSettled();

    expect(summary(receiver)).toEqual([
      'ping',
      'push:refs/heads/provisioning/create/dev.ns.payments:created',
      'push:refs/heads/provisioning/create/dev.ns.payments',
      'pull_request:opened',
      'pull_request_review:submitted:changes_requested',
      'push:refs/heads/provisioning/create/dev.ns.payments',
      'pull_request:synchronize',
      'pull_request_review:submitted:approved',
      'pull_request:closed:merged=false',
      'pull_request:reopened',
      'push:refs/heads/main',
      'pull_request:closed:merged=true',
    ]);
    const deliveryIds = new Set<string>();
    for (const hook of receiver.received) {
      expect(hook.headers['x-hub-signature-256']).toBe(
        `sha256=${createHmac('sha256', SECRET)
          .update(hook.body)
          .digest('hex')}`,
      );
      expect(hook.headers['content-type']).toBe('application/json');
      expect(hook.delivery).toMatch(UUID);
      deliveryIds.add(hook.delivery);
    }
    expect(deliveryIds.size).toBe(receiver.received.length);
    const failures = receiver.received
      .map(h => payloadErrors(h.event, JSON.parse(h.body)))
      .filter(Boolean);
    expect(failures).toEqual([]);

    const payloads = receiver.received.map(h => JSON.parse(h.body));
    // the commit pushed through the contents API, with the file it added
    expect(payloads[2]).toMatchObject({
      ref: 'refs/heads/provisioning/create/dev.ns.payments',
      before: base,
      after: head,
      created: false,
      deleted: false,
      forced: false,
      pusher: { name: 'portal-bot' },
      commits: [
        {
          id: head,
          message: 'Add clusters/dev/namespaces/payments/namespace.yaml',
          added: ['clusters/dev/namespaces/payments/namespace.yaml'],
          modified: [],
          removed: [],
        },
      ],
      head_commit: { id: head },
    });
    expect(payloads[6].pull_request.head.sha).toBe(update.commit.sha);
    expect(payloads[7]).toMatchObject({
      review: { state: 'approved', user: { login: 'bob' } },
      pull_request: { number: pull.number },
    });
    expect(payloads[10]).toMatchObject({
      ref: 'refs/heads/main',
      before: base,
      after: merge.sha,
    });
    expect(payloads[11].pull_request).toMatchObject({
      number: pull.number,
      merged: true,
      merge_commit_sha: merge.sha,
      head: { ref: 'provisioning/create/dev.ns.payments' },
    });
  });

  it('delivers after the API has answered, one at a time and in order, even to a slow receiver', async () => {
    await createHook(['push']);
    await emulator.webhooksSettled();
    let release!: () => void;
    const held = new Promise<void>(resolve => {
      release = resolve;
    });
    receiver.respond = async () => {
      await held;
      return 204;
    };
    // both API calls are answered while the receiver holds the first delivery
    await branchWithFile('slow', 'slow.txt', 'slow\n');
    expect(summary(receiver)).toEqual(['ping', 'push:refs/heads/slow:created']);
    release();
    await emulator.webhooksSettled();
    expect(summary(receiver)).toEqual([
      'ping',
      'push:refs/heads/slow:created',
      'push:refs/heads/slow',
    ]);
  });

  it('records deliveries and redelivers one with the same delivery id and body', async () => {
    const { data: hook } = await createHook(['pull_request']);
    await branchWithFile('redeliver', 'r.txt', 'r\n');
    receiver.respond = () => 500;
    await portal.pulls.create({
      ...REPO,
      title: 'Redeliver me',
      head: 'redeliver',
      base: 'main',
    });
    await emulator.webhooksSettled();
    expect(summary(receiver)).toEqual(['ping', 'pull_request:opened']);

    const { data: deliveries } = await portal.repos.listWebhookDeliveries({
      ...REPO,
      hook_id: hook.id,
    });
    // newest first, as GitHub lists them
    expect(deliveries).toMatchObject([
      {
        event: 'pull_request',
        action: 'opened',
        status_code: 500,
        status: 'Invalid HTTP Response: 500',
        redelivery: false,
        guid: receiver.received[1].delivery,
      },
      { event: 'ping', status_code: 204, status: 'OK' },
    ]);
    const { data: detail } = await portal.repos.getWebhookDelivery({
      ...REPO,
      hook_id: hook.id,
      delivery_id: deliveries[0].id,
    });
    expect(detail.request.headers).toMatchObject({
      'x-github-event': 'pull_request',
      'x-github-delivery': receiver.received[1].delivery,
    });
    expect(detail.request.payload).toEqual(
      JSON.parse(receiver.received[1].body),
    );

    receiver.respond = () => 204;
    const { status } = await portal.repos.redeliverWebhookDelivery({
      ...REPO,
      hook_id: hook.id,
      delivery_id: deliveries[0].id,
    });
    expect(status).toBe(202);
    await emulator.webhooksSettled();
    expect(receiver.received).toHaveLength(3);
    expect(receiver.received[2].delivery).toBe(receiver.received[1].delivery);
    expect(receiver.received[2].body).toBe(receiver.received[1].body);
    expect(receiver.received[2].headers['x-hub-signature-256']).toBe(
      receiver.received[1].headers['x-hub-signature-256'],
    );
    const { data: after } = await portal.repos.listWebhookDeliveries({
      ...REPO,
      hook_id: hook.id,
    });
    expect(after[0]).toMatchObject({
      guid: receiver.received[1].delivery,
      redelivery: true,
      status_code: 204,
    });
    await expect(
      portal.repos.redeliverWebhookDelivery({
        ...REPO,
        hook_id: hook.id,
        delivery_id: 424242,
      }),
    ).rejects.toMatchObject({ status: 404 });
    const failures = responses
      .map(r => responseErrors(r.method, r.template, r.status, r.body))
      .filter(Boolean);
    expect(failures).toEqual([]);
  });

  it('sends no signature when the hook has no secret, and only the events a hook subscribed to', async () => {
    await portal.repos.createWebhook({
      ...REPO,
      config: { url: receiver.url, content_type: 'json' },
      events: ['pull_request'],
    });
    await branchWithFile('unsigned', 'u.txt', 'u\n');
    await portal.pulls.create({
      ...REPO,
      title: 'Unsigned',
      head: 'unsigned',
      base: 'main',
    });
    await emulator.webhooksSettled();
    expect(summary(receiver)).toEqual(['ping', 'pull_request:opened']);
    expect(
      receiver.received.map(h => h.headers['x-hub-signature-256']),
    ).toEqual([undefined, undefined]);
  });
});
