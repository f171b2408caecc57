import { verify } from '@octokit/webhooks-methods';
import { z } from 'zod';

/** The GitHub webhook events the portal acts on, reduced to what a request's status needs. */
export type GitHubEvent =
  | {
      kind: 'pull_request';
      /** `opened`, `synchronize`, `closed`, `reopened`, ... */
      action: string;
      repository: string;
      number: number;
      headBranch: string;
      headSha: string;
      baseBranch: string;
      /** True only on `closed` of a merged pull request. */
      merged: boolean;
      mergeCommitSha: string | null;
      /** The pull request's page (`html_url`). */
      url: string;
      /**
       * When the action happened, as the payload tells (ISO 8601): `merged_at` or `closed_at` of a close,
       * `created_at` of an opening, else `updated_at`; `null` when the payload carries none.
       */
      at: string | null;
    }
  | {
      kind: 'pull_request_review';
      /** `submitted`, `edited`, `dismissed` */
      action: string;
      repository: string;
      number: number;
      headBranch: string;
      state: 'approved' | 'changes_requested' | 'commented' | 'dismissed';
      /** `null` for a deleted ("ghost") account. */
      reviewer: string | null;
      /** The pull request's page (`html_url`). */
      url: string;
      /** The review's `submitted_at` (ISO 8601); `null` when the payload carries none. */
      at: string | null;
    }
  | {
      kind: 'push';
      repository: string;
      /** Full ref name, `refs/heads/main`. */
      ref: string;
      before: string;
      after: string;
      deleted: boolean;
    }
  | {
      /** Sent by GitHub when a hook is created. */
      kind: 'ping';
      hookId: number;
    };

/** The outcome of {@link verifyWebhook}: the event, or the HTTP status to answer with and why. */
export type WebhookReceipt =
  | {
      ok: true;
      /** `X-GitHub-Delivery`: the same on a redelivery, so a receiver can ignore one it has seen. */
      delivery: string;
      /** `X-GitHub-Event` */
      event: GitHubEvent['kind'];
      payload: GitHubEvent;
    }
  | { ok: false; status: 400 | 401; reason: string };

const repository = z.object({ full_name: z.string() });
const branch = z.object({ ref: z.string(), sha: z.string() });

const pullRequestPayload = z.object({
  action: z.string(),
  number: z.number().int(),
  pull_request: z.object({
    number: z.number().int(),
    head: branch,
    base: branch,
    merged: z.boolean().nullish(),
    merge_commit_sha: z.string().nullish(),
    html_url: z.string(),
    created_at: z.string().nullish(),
    updated_at: z.string().nullish(),
    closed_at: z.string().nullish(),
    merged_at: z.string().nullish(),
  }),
  repository,
});

const reviewPayload = z.object({
  action: z.string(),
  review: z.object({
    state: z.enum(['approved', 'changes_requested', 'commented', 'dismissed']),
    user: z.object({ login: z.string() }).nullable(),
    submitted_at: z.string().nullish(),
  }),
  pull_request: z.object({
    number: z.number().int(),
    head: branch,
    html_url: z.string(),
  }),
  repository,
});

const pushPayload = z.object({
  ref: z.string(),
  before: z.string(),
  after: z.string(),
  deleted: z.boolean(),
  repository,
});

const pingPayload = z.object({ hook_id: z.number().int() });

const parsers: Record<string, (payload: unknown) => GitHubEvent> = {
  pull_request: payload => {
    const p = pullRequestPayload.parse(payload);
    const pull = p.pull_request;
    let at = pull.updated_at;
    if (p.action === 'opened') at = pull.created_at ?? at;
    if (p.action === 'closed') at = pull.merged_at ?? pull.closed_at ?? at;
    return {
      kind: 'pull_request',
      action: p.action,
      repository: p.repository.full_name,
      number: p.pull_request.number,
      headBranch: p.pull_request.head.ref,
      headSha: p.pull_request.head.sha,
      baseBranch: p.pull_request.base.ref,
      merged: p.pull_request.merged === true,
      mergeCommitSha: p.pull_request.merge_commit_sha ?? null,
      url: pull.html_url,
      at: at ?? null,
    };
  },
  pull_request_review: payload => {
    const p = reviewPayload.parse(payload);
    return {
      kind: 'pull_request_review',
      action: p.action,
      repository: p.repository.full_name,
      number: p.pull_request.number,
      headBranch: p.pull_request.head.ref,
      state: p.review.state,
      reviewer: p.review.user?.login ?? null,
      url: p.pull_request.html_url,
      at: p.review.submitted_at ?? null,
    };
  },
  push: payload => {
    const p = pushPayload.parse(payload);
    return {
      kind: 'push',
      repository: p.repository.full_name,
      ref: p.ref,
      before: p.before,
      after: p.after,
      deleted: p.deleted,
    };
  },
  ping: payload => ({
    kind: 'ping',
    hookId: pingPayload.parse(payload).hook_id,
  }),
};

function header(
  headers: Record<string, string | string[] | undefined>,
  name: string,
): string | undefined {
  const key = Object.keys(headers).find(k => k.toLowerCase() === name);
  const value = key === undefined ? undefined : headers[key];
  return (Array.isArray(value) ? value[0] : value) || undefined;
}

/**
 * Checks a GitHub webhook request and reads its event. The `X-Hub-Signature-256` HMAC is verified on the raw body,
 * in constant time by `@octokit/webhooks-methods`, before anything of the body is parsed: no or a wrong signature
 * is a 401. Then the `X-GitHub-Delivery` id (for de-duplication: GitHub redelivers with the same id), the
 * `X-GitHub-Event` type and the payload are checked; anything missing, unknown or malformed is a 400.
 *
 * @param options.body - The request body exactly as received (bytes or their UTF-8 text): a parsed and
 *   re-serialised body does not match the signature.
 * @public
 */
export async function verifyWebhook(options: {
  secret: string;
  body: Buffer | string;
  headers: Record<string, string | string[] | undefined>;
}): Promise<WebhookReceipt> {
  const { secret, headers } = options;
  const body =
    typeof options.body === 'string'
      ? options.body
      : options.body.toString('utf8');
  if (!secret)
    return {
      ok: false,
      status: 401,
      reason:
        'no webhook secret is configured: unsigned deliveries are refused',
    };
  const signature = header(headers, 'x-hub-signature-256');
  if (!signature)
    return {
      ok: false,
      status: 401,
      reason: 'the X-Hub-Signature-256 header is missing',
    };
  if (!/^sha256=[0-9a-f]{64}$/.test(signature))
    return {
      ok: false,
      status: 401,
      reason: 'the X-Hub-Signature-256 header is not sha256=<64 hex digits>',
    };
  let valid = false;
  try {
    valid = body.length > 0 && (await verify(secret, body, signature));
  } catch {
    valid = false;
  }
  if (!valid)
    return {
      ok: false,
      status: 401,
      reason: 'the X-Hub-Signature-256 signature does not match the body',
    };

  const delivery = header(headers, 'x-github-delivery');
  if (!delivery)
    return {
      ok: false,
      status: 400,
      reason: 'the X-GitHub-Delivery header is missing',
    };
  const name = header(headers, 'x-github-event');
  if (!name)
    return {
      ok: false,
      status: 400,
      reason: 'the X-GitHub-Event header is missing',
    };
  const parse = Object.prototype.hasOwnProperty.call(parsers, name)
    ? parsers[name]
    : undefined;
  if (!parse)
    return {
      ok: false,
      status: 400,
      reason: `event '${name}' is not handled (handled: ${Object.keys(
        parsers,
      ).join(', ')})`,
    };
  let payload: unknown;
  try {
    payload = JSON.parse(body);
  } catch {
    return { ok: false, status: 400, reason: 'the body is not JSON' };
  }
  try {
    const event = parse(payload);
    return { ok: true, delivery, event: event.kind, payload: event };
  } catch (error) {
    if (error instanceof z.ZodError) {
      const issue = error.issues[0];
      return {
        ok: false,
        status: 400,
        reason: `the ${name} payload is invalid at ${
          issue.path.join('.') || '(root)'
        }: ${issue.message}`,
      };
    }
    throw error;
  }
}
