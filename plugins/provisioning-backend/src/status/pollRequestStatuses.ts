import { LoggerService } from '@backstage/backend-plugin-api';
import { REQUEST_BRANCH_PREFIX } from '@kubeportal/plugin-provisioning-common';
import {
  GitOpsPullRequestWriter,
  GitOpsRepositoryConfig,
} from '@kubeportal/plugin-provisioning-node';
import { pullRequestStatusChange } from '../service/webhooks';
import { RequestStatusStore } from './RequestStatusStore';

/** How far back a poll looks for closed pull requests by default: a week. */
export const REQUEST_STATUS_POLL_DAYS = 7;

/** Dependencies and window of one poll. */
export interface PollRequestStatusesOptions {
  writer: Pick<GitOpsPullRequestWriter, 'requestPullRequests'>;
  gitops: Pick<GitOpsRepositoryConfig, 'owner' | 'repo'>;
  store: RequestStatusStore;
  /** Closed pull requests last updated before this are left out (open ones are always listed). */
  since: Date;
  logger: LoggerService;
}

/** What one poll did: pull requests listed, and how the store took each status it derived. */
export interface PollRequestStatusesResult {
  listed: number;
  /** Status changes written (a webhook missed, or the first sighting of a request). */
  recorded: number;
  /** Nothing written: the request already had that status, or this poll id was already recorded. */
  unchanged: number;
  /** Not a request's pull request, or a transition the store does not allow (kept in its history, with why). */
  ignored: number;
}

/**
 * The fallback for a missed webhook: lists the request pull requests of the GitOps repository (open ones, and
 * closed ones updated since `since`), derives each one's status as its webhook deliveries would have left it, and
 * records it with the source `{ kind: 'poll', id: '<number>@<updatedAt>:<status>' }`, dated by the pull request's last
 * update. A poll that sees a pull request unchanged writes nothing: the same poll id is a duplicate, and a status
 * the request already has (from a webhook or an earlier poll) is unchanged.
 */
export async function pollRequestStatuses(
  options: PollRequestStatusesOptions,
): Promise<PollRequestStatusesResult> {
  const { writer, gitops, store, since } = options;
  const logger = options.logger.child({ task: 'request-status-poll' });
  const pulls = await writer.requestPullRequests(
    gitops.owner,
    gitops.repo,
    REQUEST_BRANCH_PREFIX,
    { since: since.toISOString() },
  );
  const result: PollRequestStatusesResult = {
    listed: pulls.length,
    recorded: 0,
    unchanged: 0,
    ignored: 0,
  };
  for (const pull of pulls) {
    const mapped = pullRequestStatusChange(pull);
    if ('ignored' in mapped) {
      result.ignored += 1;
      continue;
    }
    const { at, ...change } = mapped.change;
    const recorded = await store.record({
      ...change,
      at: at ?? new Date(),
      // GitHub's times are to the second: the status is part of the id, so a review in the same second as the
      // last poll's sighting is still a new event
      source: {
        kind: 'poll',
        id: `${pull.number}@${pull.updatedAt}:${change.to}`,
      },
    });
    if (recorded.outcome === 'recorded') {
      result.recorded += 1;
      logger.info(
        `Poll found request ${change.requestId} (#${pull.number}) ${change.to}`,
      );
    } else if (recorded.outcome === 'ignored') {
      result.ignored += 1;
      logger.warn(
        `Poll saw request ${change.requestId} (#${pull.number}) ${change.to}, not recorded: ${recorded.reason}`,
      );
    } else {
      result.unchanged += 1;
    }
  }
  logger.debug(
    `Polled ${result.listed} request pull requests: ${result.recorded} recorded, ${result.unchanged} unchanged, ${result.ignored} ignored`,
  );
  return result;
}
