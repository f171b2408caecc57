import { LoggerService } from '@backstage/backend-plugin-api';
import {
  parseRequestBranch,
  pullRequestLifecycleStatus,
  pullRequestStatusKey,
  RequestLifecycleStatus,
} from '@kubeportal/plugin-provisioning-common';
import {
  GitHubEvent,
  GitOpsRepositoryConfig,
  RequestPullRequest,
  verifyWebhook,
} from '@kubeportal/plugin-provisioning-node';
import express from 'express';
import Router from 'express-promise-router';
import {
  RequestStatusStore,
  RequestStatusTransitionInput,
} from '../status/RequestStatusStore';

/** The path of the GitHub webhook route, under the plugin's base path (`/api/provisioning`). */
export const GITHUB_WEBHOOK_PATH = '/webhooks/github';

/** Dependencies of the GitHub webhook router. */
export interface GitHubWebhookRouterOptions {
  /** The GitOps repository, with the secret its webhook signs deliveries with; undefined when not configured. */
  gitops?: GitOpsRepositoryConfig;
  store: RequestStatusStore;
  logger: LoggerService;
  /** The time of an event whose payload carries none (tests pin it). */
  now?: () => Date;
}

/** What a delivery means for a request: the status it moves to, or why it does not concern any request. */
export type WebhookStatusChange =
  | {
      change: Omit<RequestStatusTransitionInput, 'source' | 'at'> & {
        at?: Date;
      };
    }
  | { ignored: string };

/**
 * Maps a verified GitHub event of the GitOps repository to the status change of the request whose branch it is
 * about: a pull request opened, reopened or pushed to is open; closed is merged (with its merge commit) or
 * rejected; a review approves or requests changes. Everything else is ignored, with the reason.
 */
export function webhookStatusChange(event: GitHubEvent): WebhookStatusChange {
  if (event.kind !== 'pull_request' && event.kind !== 'pull_request_review')
    return { ignored: `${event.kind} events do not change a request` };
  const request = parseRequestBranch(event.headBranch);
  if (!request)
    return {
      ignored: `branch '${event.headBranch}' is not a provisioning request's`,
    };
  let to: RequestLifecycleStatus | undefined;
  let mergeCommit: string | undefined;
  if (event.kind === 'pull_request') {
    if (['opened', 'reopened', 'synchronize'].includes(event.action))
      to = 'pull-request-open';
    else if (event.action === 'closed' && event.merged) {
      to = 'merged';
      mergeCommit = event.mergeCommitSha ?? undefined;
    } else if (event.action === 'closed') to = 'rejected';
  } else if (event.action === 'submitted') {
    if (event.state === 'approved') to = 'approved';
    else if (event.state === 'changes_requested') to = 'changes-requested';
  }
  if (!to)
    return {
      ignored:
        event.kind === 'pull_request'
          ? `pull_request '${event.action}' does not change a request`
          : `a ${event.state} review (${event.action}) does not change a request`,
    };
  const at = event.at ? new Date(event.at) : undefined;
  return {
    change: {
      // one record per pull request: a later pull request of the same request and action starts its own way
      requestId: pullRequestStatusKey(request.action, request.id, event.number),
      to,
      pullRequest: { number: event.number, url: event.url },
      ...(mergeCommit ? { mergeCommit } : {}),
      ...(at && !Number.isNaN(at.getTime()) ? { at } : {}),
    },
  };
}

/**
 * The status change a pull request's current state means for its request, as a poll sees it: the same store key
 * and statuses the webhook deliveries of that pull request end up at (`pullRequestLifecycleStatus`), dated by the
 * pull request's last update. A pull request whose branch is not a request branch is ignored, with the reason.
 */
export function pullRequestStatusChange(
  pull: Pick<
    RequestPullRequest,
    | 'number'
    | 'branch'
    | 'url'
    | 'state'
    | 'merged'
    | 'approvedBy'
    | 'changesRequestedBy'
    | 'updatedAt'
    | 'mergeCommitSha'
  >,
): WebhookStatusChange {
  const request = parseRequestBranch(pull.branch);
  if (!request)
    return {
      ignored: `branch '${pull.branch}' is not a provisioning request's`,
    };
  const to = pullRequestLifecycleStatus(pull);
  const at = new Date(pull.updatedAt);
  return {
    change: {
      requestId: pullRequestStatusKey(request.action, request.id, pull.number),
      to,
      pullRequest: { number: pull.number, url: pull.url },
      ...(to === 'merged' && pull.mergeCommitSha
        ? { mergeCommit: pull.mergeCommitSha }
        : {}),
      ...(!Number.isNaN(at.getTime()) ? { at } : {}),
    },
  };
}

/**
 * The route GitHub delivers the GitOps repository's webhooks to, `POST /webhooks/github`: the signature is checked
 * on the raw body (this router parses its own body, so mount it before any JSON parser), then pull request and
 * review events of request branches move the request's status in the store, idempotently on the delivery id.
 * Answers 401 for a missing or wrong signature, 400 for a malformed delivery, 503 when no secret is configured,
 * and 202 with `{ result }` (`recorded`, `duplicate`, `ignored`, `unchanged`) otherwise.
 */
export function createGitHubWebhookRouter(
  options: GitHubWebhookRouterOptions,
): express.Router {
  const { gitops, store, now = () => new Date() } = options;
  const logger = options.logger.child({ route: 'webhooks/github' });
  const repository = gitops ? `${gitops.owner}/${gitops.repo}` : undefined;
  const router = Router();
  router.post(
    GITHUB_WEBHOOK_PATH,
    express.raw({ type: () => true, limit: '5mb' }),
    async (req, res) => {
      if (!gitops?.webhookSecret) {
        res.status(503).json({
          error: {
            name: 'ServiceUnavailableError',
            message:
              'provisioning.gitops.webhookSecret is not configured, so webhook deliveries are refused',
          },
        });
        return;
      }
      const receipt = await verifyWebhook({
        secret: gitops.webhookSecret,
        body: Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0),
        headers: req.headers,
      });
      if (!receipt.ok) {
        logger.warn(`Refused a webhook delivery: ${receipt.reason}`);
        res.status(receipt.status).json({
          error: {
            name: receipt.status === 401 ? 'AuthenticationError' : 'InputError',
            message: receipt.reason,
          },
        });
        return;
      }
      const ignore = (reason: string) =>
        res.status(202).json({ result: 'ignored', reason });
      const event = receipt.payload;
      if (event.kind !== 'ping' && event.repository !== repository) {
        ignore(
          `repository '${event.repository}' is not the GitOps repository (${repository})`,
        );
        return;
      }
      const mapped = webhookStatusChange(event);
      if ('ignored' in mapped) {
        ignore(mapped.ignored);
        return;
      }
      const { at, ...change } = mapped.change;
      const result = await store.record({
        ...change,
        at: at ?? now(),
        source: { kind: 'webhook', id: receipt.delivery },
      });
      const reason = 'reason' in result ? result.reason : undefined;
      logger.info(
        `Webhook ${receipt.delivery} (${receipt.event}) for request ${
          change.requestId
        }: ${change.to} ${result.outcome}${
          reason ? ` (${reason})` : ''
        }; the request is ${result.request.status}`,
      );
      res
        .status(202)
        .json({ result: result.outcome, ...(reason ? { reason } : {}) });
    },
  );
  return router;
}
