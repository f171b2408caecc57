import { createHmac, randomUUID } from 'node:crypto';
import http from 'node:http';
import { HttpError } from './GitHubEmulator';
import { BareRepo } from './git';
import { Urls } from './representations';

/** The events a repository webhook of the emulator can subscribe to (`*` for all; `ping` is always sent). */
export const WEBHOOK_EVENTS = [
  'push',
  'pull_request',
  'pull_request_review',
] as const;

/** Where a webhook posts and the secret it signs with. */
export interface WebhookTarget {
  url: string;
  secret?: string;
}

/** A repository of the emulator, as the webhooks need it. */
export interface HookedRepo {
  fullName: string;
  id: number;
}

interface HookRecord {
  id: number;
  repo: string;
  active: boolean;
  events: string[];
  url: string;
  secret?: string;
  createdAt: string;
  updatedAt: string;
  lastResponse: {
    code: number | null;
    status: string | null;
    message: string | null;
  };
}

/** One attempt to deliver an event to a hook, as GitHub records it (redeliveries are attempts with the same guid). */
export interface WebhookDelivery {
  id: number;
  /** The `X-GitHub-Delivery` header: the same for every attempt of one delivery. */
  guid: string;
  /** 0 for the emulator-wide webhook of `GitHubEmulatorOptions.webhook`. */
  hookId: number;
  repo: string;
  repositoryId: number;
  event: string;
  action: string | null;
  deliveredAt: string;
  redelivery: boolean;
  durationSeconds: number;
  /** HTTP status of the receiver's answer; 0 when it could not be reached. */
  statusCode: number;
  /** `OK`, `Invalid HTTP Response: 401`, or the network error. */
  status: string;
  url: string;
  requestHeaders: Record<string, string>;
  /** The exact body that was signed and sent. */
  body: string;
  responseHeaders: Record<string, string>;
  responseBody: string | null;
}

/** What a delivery needs before it is sent: the payload is serialised when the event happens, not when it is sent. */
interface Pending {
  guid: string;
  target: WebhookTarget;
  hookId: number;
  repo: HookedRepo;
  event: string;
  action: string | null;
  body: string;
  redelivery: boolean;
}

const now = () => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
const ZERO_SHA = '0'.repeat(40);

/**
 * A review as webhooks carry it: the REST API says `APPROVED`, `CHANGES_REQUESTED`, the `pull_request_review`
 * payload says `approved`, `changes_requested`.
 */
export function webhookReview<T extends { state: string }>(review: T): T {
  return { ...review, state: review.state.toLowerCase() };
}

/** `sha256=<hex>`: GitHub's `X-Hub-Signature-256`, an HMAC-SHA256 of the exact body with the hook's secret. */
export function signWebhookBody(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/**
 * Repository webhooks as GitHub has them: hooks created, listed and deleted through `/repos/{owner}/{repo}/hooks`,
 * events delivered after the API call that caused them has been answered, one at a time and in order per
 * repository, each signed (`X-Hub-Signature-256`) with its hook's secret, recorded, listed through
 * `.../hooks/{id}/deliveries` and redelivered with the same `X-GitHub-Delivery` through `.../attempts`.
 */
export class WebhookDispatcher {
  private readonly hooks = new Map<string, HookRecord[]>();
  private readonly queues = new Map<string, Promise<void>>();
  private readonly recorded: WebhookDelivery[] = [];
  private nextHookId = 1;
  private nextDeliveryId = 1;
  /** The emulator-wide webhook (`GitHubEmulatorOptions.webhook`, as a GitHub App has one): every repository, every event. */
  appHook?: WebhookTarget;
  /** Each attempt's outcome, oldest first: the event, its action, and the HTTP status or the network error. */
  readonly outcomes: Array<{
    event: string;
    action?: string;
    status: number | string;
  }> = [];

  constructor(private readonly urls: () => Urls) {}

  /** `POST /repos/{owner}/{repo}/hooks`: validates like GitHub (422) and answers the hook; a `ping` follows. */
  createHook(
    repo: HookedRepo,
    body: {
      name?: unknown;
      config?: {
        url?: unknown;
        secret?: unknown;
        content_type?: unknown;
        insecure_ssl?: unknown;
      };
      events?: unknown;
      active?: unknown;
    },
  ): HookRecord {
    const url = body?.config?.url;
    if (typeof url !== 'string' || !/^https?:\/\/./.test(url))
      throw invalidHook('url', 'Url is not supported because it is invalid');
    const contentType = body.config?.content_type ?? 'form';
    // GitHub's default is form; the emulator sends JSON only, and says so rather than sending the wrong encoding
    if (contentType !== 'json')
      throw invalidHook(
        'content_type',
        'the emulator delivers content_type json only; set config.content_type to "json"',
      );
    const events = body.events ?? ['push'];
    const known = new Set<string>([...WEBHOOK_EVENTS, '*']);
    if (
      !Array.isArray(events) ||
      events.length === 0 ||
      !events.every(e => typeof e === 'string' && known.has(e))
    )
      throw invalidHook(
        'events',
        `events must be a list of ${[...known].join(', ')}`,
      );
    const hook: HookRecord = {
      id: this.nextHookId++,
      repo: repo.fullName,
      active: body.active === undefined ? true : Boolean(body.active),
      events: [...new Set(events as string[])],
      url,
      secret:
        typeof body.config?.secret === 'string' && body.config.secret
          ? body.config.secret
          : undefined,
      createdAt: now(),
      updatedAt: now(),
      lastResponse: { code: null, status: 'unused', message: null },
    };
    this.hooks.set(repo.fullName, [...this.hooksOf(repo), hook]);
    return hook;
  }

  hooksOf(repo: HookedRepo): HookRecord[] {
    return this.hooks.get(repo.fullName) ?? [];
  }

  hook(repo: HookedRepo, id: number): HookRecord {
    const hook = this.hooksOf(repo).find(h => h.id === id);
    if (!hook) throw new HttpError(404, 'Not Found');
    return hook;
  }

  deleteHook(repo: HookedRepo, id: number) {
    this.hook(repo, id);
    this.hooks.set(
      repo.fullName,
      this.hooksOf(repo).filter(h => h.id !== id),
    );
  }

  /** Whether any hook would get `event` of the repository (to skip building payloads nobody receives). */
  wants(repo: HookedRepo, event: string): boolean {
    return (
      this.appHook !== undefined ||
      this.hooksOf(repo).some(
        h => h.active && (h.events.includes('*') || h.events.includes(event)),
      )
    );
  }

  /** GitHub's `hook` representation; the secret is never shown back. */
  hookJson(repo: HookedRepo, hook: HookRecord) {
    const api = `${this.urls().repo(repo.fullName)}/hooks/${hook.id}`;
    return {
      type: 'Repository',
      id: hook.id,
      name: 'web',
      active: hook.active,
      events: hook.events,
      config: {
        content_type: 'json',
        insecure_ssl: '0',
        url: hook.url,
        ...(hook.secret ? { secret: '********' } : {}),
      },
      updated_at: hook.updatedAt,
      created_at: hook.createdAt,
      url: api,
      test_url: `${api}/test`,
      ping_url: `${api}/pings`,
      deliveries_url: `${api}/deliveries`,
      last_response: hook.lastResponse,
    };
  }

  /**
   * Queues `event` for every active hook of the repository that subscribed to it (and the emulator-wide webhook).
   * The payload is serialised now; it is sent after the current API call has been answered, after every earlier
   * delivery of the same repository. `onlyHook` sends to one hook whatever its events (a `ping`).
   */
  dispatch(
    repo: HookedRepo,
    event: string,
    payload: Record<string, unknown>,
    onlyHook?: number,
  ) {
    const targets: Array<{ hookId: number; target: WebhookTarget }> = [];
    if (onlyHook === undefined && this.appHook)
      targets.push({ hookId: 0, target: this.appHook });
    for (const hook of this.hooksOf(repo)) {
      const wanted =
        onlyHook === undefined
          ? hook.active &&
            (hook.events.includes('*') || hook.events.includes(event))
          : hook.id === onlyHook;
      if (wanted) targets.push({ hookId: hook.id, target: hook });
    }
    if (targets.length === 0) return;
    const body = JSON.stringify(payload);
    const action = typeof payload.action === 'string' ? payload.action : null;
    for (const { hookId, target } of targets) {
      this.enqueue({
        guid: randomUUID(),
        target,
        hookId,
        repo,
        event,
        action,
        body,
        redelivery: false,
      });
    }
  }

  /** `GET .../hooks/{hook_id}/deliveries`: the attempts to one hook, newest first, as `hook-delivery-item`s. */
  deliveriesOf(repo: HookedRepo, hookId: number) {
    this.hook(repo, hookId);
    return this.recorded
      .filter(d => d.repo === repo.fullName && d.hookId === hookId)
      .reverse()
      .map(d => this.deliveryItemJson(d));
  }

  /** `GET .../hooks/{hook_id}/deliveries/{delivery_id}`: one attempt with its request and response. */
  deliveryJson(repo: HookedRepo, hookId: number, deliveryId: number) {
    const delivery = this.attempt(repo, hookId, deliveryId);
    let payload: unknown = null;
    try {
      payload = JSON.parse(delivery.body);
    } catch {
      payload = null;
    }
    return {
      ...this.deliveryItemJson(delivery),
      url: delivery.url,
      request: { headers: delivery.requestHeaders, payload },
      response: {
        headers: delivery.responseHeaders,
        payload: delivery.responseBody,
      },
    };
  }

  /** `POST .../deliveries/{delivery_id}/attempts`: the same body and guid again, queued like a new event. */
  redeliver(repo: HookedRepo, hookId: number, deliveryId: number) {
    const delivery = this.attempt(repo, hookId, deliveryId);
    const hook = hookId === 0 ? this.appHook : this.hook(repo, hookId);
    if (!hook) throw new HttpError(404, 'Not Found');
    this.enqueue({
      guid: delivery.guid,
      target: hook,
      hookId,
      repo,
      event: delivery.event,
      action: delivery.action,
      body: delivery.body,
      redelivery: true,
    });
  }

  /** Every attempt so far, oldest first (the emulator-wide webhook's too). */
  attempts(): ReadonlyArray<Readonly<WebhookDelivery>> {
    return this.recorded;
  }

  /** Resolves once every queued delivery has been attempted (including those queued meanwhile). */
  async settled(): Promise<void> {
    for (;;) {
      const pending = [...this.queues.values()];
      await Promise.all(pending);
      if ([...this.queues.values()].every((q, i) => q === pending[i])) return;
    }
  }

  private attempt(
    repo: HookedRepo,
    hookId: number,
    deliveryId: number,
  ): WebhookDelivery {
    if (hookId !== 0) this.hook(repo, hookId);
    const delivery = this.recorded.find(
      d =>
        d.id === deliveryId && d.repo === repo.fullName && d.hookId === hookId,
    );
    if (!delivery) throw new HttpError(404, 'Not Found');
    return delivery;
  }

  private deliveryItemJson(d: WebhookDelivery) {
    return {
      id: d.id,
      guid: d.guid,
      delivered_at: d.deliveredAt,
      redelivery: d.redelivery,
      duration: d.durationSeconds,
      status: d.status,
      status_code: d.statusCode,
      event: d.event,
      action: d.action,
      installation_id: null,
      repository_id: d.repositoryId,
    };
  }

  private enqueue(pending: Pending) {
    const key = pending.repo.fullName;
    const previous = this.queues.get(key) ?? Promise.resolve();
    // setImmediate: the API call that caused the event is answered before its delivery starts
    const next = previous
      .then(() => new Promise(resolve => setImmediate(resolve)))
      .then(() => this.send(pending));
    this.queues.set(key, next);
  }

  private async send(pending: Pending): Promise<void> {
    const requestHeaders: Record<string, string> = {
      accept: '*/*',
      'content-type': 'application/json',
      'user-agent': 'GitHub-Hookshot/emulator',
      'x-github-delivery': pending.guid,
      'x-github-event': pending.event,
      'x-github-hook-id': String(pending.hookId),
      'x-github-hook-installation-target-id': String(pending.repo.id),
      'x-github-hook-installation-target-type': 'repository',
      ...(pending.target.secret
        ? {
            'x-hub-signature-256': signWebhookBody(
              pending.target.secret,
              pending.body,
            ),
          }
        : {}),
    };
    const started = Date.now();
    const delivery: WebhookDelivery = {
      id: this.nextDeliveryId++,
      guid: pending.guid,
      hookId: pending.hookId,
      repo: pending.repo.fullName,
      repositoryId: pending.repo.id,
      event: pending.event,
      action: pending.action,
      deliveredAt: now(),
      redelivery: pending.redelivery,
      durationSeconds: 0,
      statusCode: 0,
      status: '',
      url: pending.target.url,
      requestHeaders,
      body: pending.body,
      responseHeaders: {},
      responseBody: null,
    };
    try {
      // GitHub gives a receiver ten seconds
      const res = await fetch(pending.target.url, {
        method: 'POST',
        headers: requestHeaders,
        body: pending.body,
        signal: AbortSignal.timeout(10_000),
      });
      delivery.statusCode = res.status;
      delivery.status = res.ok ? 'OK' : `Invalid HTTP Response: ${res.status}`;
      delivery.responseHeaders = Object.fromEntries(res.headers.entries());
      delivery.responseBody = await res.text();
    } catch (error) {
      delivery.status = (error as Error).message;
    }
    delivery.durationSeconds = (Date.now() - started) / 1000;
    this.recorded.push(delivery);
    this.outcomes.push({
      event: pending.event,
      action: pending.action ?? undefined,
      status: delivery.statusCode || delivery.status,
    });
    const hook = this.hooksOf(pending.repo).find(h => h.id === pending.hookId);
    if (hook)
      hook.lastResponse = {
        code: delivery.statusCode || null,
        status: delivery.statusCode ? 'active' : 'failed',
        message: delivery.status,
      };
  }
}

function invalidHook(field: string, message: string): HttpError {
  return new HttpError(422, 'Validation Failed', {}, [
    { resource: 'Hook', code: 'custom', field, message },
  ]);
}

/**
 * The `push` payload GitHub sends for a ref update: created/deleted/forced, the pushed commits (oldest first, at
 * most 20 as GitHub lists) with their added/removed/modified paths, and the head commit.
 */
export async function pushPayload(options: {
  git: BareRepo;
  urls: Urls;
  fullName: string;
  /** The repository representation (GitHub's push payload has the same fields). */
  repository: Record<string, unknown>;
  sender: Record<string, unknown>;
  ref: string;
  before: string | undefined;
  after: string | undefined;
}): Promise<Record<string, unknown>> {
  const { git, urls, fullName, ref } = options;
  const before = options.before ?? ZERO_SHA;
  const after = options.after ?? ZERO_SHA;
  const created = !options.before;
  const deleted = !options.after;
  const forced = !created && !deleted && !(await git.isAncestor(before, after));
  let shas: string[] = [];
  if (!deleted) {
    // the commits this push brought: those reachable from after and not from before (or any other branch, if new)
    const exclude = created
      ? (await git.refs('refs/heads/'))
          .filter(r => r.ref !== ref)
          .map(r => `^${r.sha}`)
      : [`^${before}`];
    const out = await git.git([
      'rev-list',
      '--reverse',
      '--max-count=20',
      after,
      ...exclude,
    ]);
    shas = out.trim().split('\n').filter(Boolean);
  }
  const web = `${urls.web}/${fullName}`;
  const commits = await Promise.all(
    shas.map(async sha => {
      const commit = await git.readCommit(sha);
      const changes = await git.git([
        'diff-tree',
        '--root',
        '--no-commit-id',
        '--name-status',
        '-r',
        sha,
      ]);
      const files = { added: [], removed: [], modified: [] } as Record<
        'added' | 'removed' | 'modified',
        string[]
      >;
      for (const line of changes.trim().split('\n').filter(Boolean)) {
        const [status, file] = line.split('\t');
        if (status.startsWith('A')) files.added.push(file);
        else if (status.startsWith('D')) files.removed.push(file);
        else files.modified.push(file);
      }
      const person = (p: { name: string; email: string; date: string }) => ({
        name: p.name,
        email: p.email,
        date: p.date,
        username: p.email.replace(/@users\.noreply\.invalid$/, ''),
      });
      return {
        id: sha,
        tree_id: commit.tree,
        distinct: true,
        message: commit.message.trimEnd(),
        timestamp: commit.committer.date,
        url: `${web}/commit/${sha}`,
        author: person(commit.author),
        committer: person(commit.committer),
        ...files,
      };
    }),
  );
  const pusher = options.sender.login as string;
  return {
    ref,
    before,
    after,
    repository: options.repository,
    pusher: { name: pusher, email: `${pusher}@users.noreply.invalid` },
    sender: options.sender,
    created,
    deleted,
    forced,
    base_ref: null,
    compare: created
      ? `${web}/commit/${after.slice(0, 12)}`
      : `${web}/compare/${before.slice(0, 12)}...${after.slice(0, 12)}`,
    commits,
    head_commit: commits.length > 0 ? commits[commits.length - 1] : null,
  };
}

type RouteHandler = (ctx: {
  params: Record<string, string>;
  body: any;
  user: string;
}) => Promise<{ status: number; body?: unknown }>;

/**
 * The hook endpoints of GitHub's REST API on the emulator: create, list, get, delete a repository's hooks, list and
 * read their deliveries, and redeliver one.
 */
export function defineWebhookRoutes(
  route: (method: string, template: string, handler: RouteHandler) => void,
  webhooks: WebhookDispatcher,
  repos: {
    /** The repository (404 when there is none). */
    find(fullName: string): HookedRepo;
    /** Payload fields every event of the repository carries: `repository`, `sender`. */
    context(fullName: string, sender: string): Record<string, unknown>;
  },
) {
  const R = '/repos/{owner}/{repo}';
  const repoOf = (params: Record<string, string>) =>
    repos.find(`${params.owner}/${params.repo}`);
  const id = (value: string) => {
    const n = Number(value);
    if (!Number.isInteger(n)) throw new HttpError(404, 'Not Found');
    return n;
  };
  route('POST', `${R}/hooks`, async ({ params, body, user }) => {
    const repo = repoOf(params);
    const hook = webhooks.createHook(repo, body ?? {});
    // GitHub pings a new hook
    webhooks.dispatch(
      repo,
      'ping',
      {
        zen: 'Keep it logically awesome.',
        hook_id: hook.id,
        hook: webhooks.hookJson(repo, hook),
        ...repos.context(repo.fullName, user),
      },
      hook.id,
    );
    return { status: 201, body: webhooks.hookJson(repo, hook) };
  });
  route('GET', `${R}/hooks`, async ({ params }) => {
    const repo = repoOf(params);
    return {
      status: 200,
      body: webhooks.hooksOf(repo).map(h => webhooks.hookJson(repo, h)),
    };
  });
  route('GET', `${R}/hooks/{hook_id}`, async ({ params }) => {
    const repo = repoOf(params);
    return {
      status: 200,
      body: webhooks.hookJson(repo, webhooks.hook(repo, id(params.hook_id))),
    };
  });
  route('DELETE', `${R}/hooks/{hook_id}`, async ({ params }) => {
    webhooks.deleteHook(repoOf(params), id(params.hook_id));
    return { status: 204 };
  });
  route('GET', `${R}/hooks/{hook_id}/deliveries`, async ({ params }) => ({
    status: 200,
    body: webhooks.deliveriesOf(repoOf(params), id(params.hook_id)),
  }));
  route(
    'GET',
    `${R}/hooks/{hook_id}/deliveries/{delivery_id}`,
    async ({ params }) => ({
      status: 200,
      body: webhooks.deliveryJson(
        repoOf(params),
        id(params.hook_id),
        id(params.delivery_id),
      ),
    }),
  );
  route(
    'POST',
    `${R}/hooks/{hook_id}/deliveries/{delivery_id}/attempts`,
    async ({ params }) => {
      webhooks.redeliver(
        repoOf(params),
        id(params.hook_id),
        id(params.delivery_id),
      );
      return { status: 202, body: {} };
    },
  );
}

/** A webhook request as a receiver got it: the raw body, exactly as signed. */
export interface ReceivedWebhook {
  headers: http.IncomingHttpHeaders;
  body: string;
  /** `X-GitHub-Event`. */
  event: string;
  /** `X-GitHub-Delivery`. */
  delivery: string;
}

/** A real HTTP server on loopback that records every webhook it is sent (for tests of senders and receivers). */
export interface WebhookReceiver {
  url: string;
  received: ReceivedWebhook[];
  /** The status it answers with (default 204); a function may hold the answer back (a slow receiver). */
  respond: (hook: ReceivedWebhook) => number | Promise<number>;
  stop(): Promise<void>;
}

/** Starts a {@link WebhookReceiver} on a free loopback port. */
export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const receiver: WebhookReceiver = {
    url: '',
    received: [],
    respond: () => 204,
    stop: async () => undefined,
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', c => chunks.push(c));
    req.on('end', async () => {
      const hook: ReceivedWebhook = {
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        event: String(req.headers['x-github-event'] ?? ''),
        delivery: String(req.headers['x-github-delivery'] ?? ''),
      };
      receiver.received.push(hook);
      res.writeHead(await receiver.respond(hook)).end();
    });
  });
  await new Promise<void>(resolve =>
    server.listen(0, '127.0.0.1', () => resolve()),
  );
  receiver.url = `http://127.0.0.1:${
    (server.address() as { port: number }).port
  }/webhook`;
  receiver.stop = async () => {
    server.closeAllConnections();
    await new Promise(resolve => server.close(resolve));
  };
  return receiver;
}
