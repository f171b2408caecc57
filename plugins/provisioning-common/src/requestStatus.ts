import { REQUEST_STATUS_TEXT, REQUEST_STATUSES } from './requestEntity';

/**
 * The whole life of a request, from its pull request to its objects running on the cluster, and the moves between
 * its steps. GitHub tells the first five (`REQUEST_STATUSES`, what the catalog's request entities carry); Flux and
 * the watch cache tell the last three. The status store records every move with its source and refuses the others.
 *
 * - while the pull request is open it moves freely between `pull-request-open`, `changes-requested` and `approved`;
 * - an open pull request is `merged` or `rejected` (closed); a rejected one can be reopened (`pull-request-open`);
 * - after the merge: `merged` -> `applied` -> `live`, or `failed` at any of those steps; never back to review.
 */

/** Every step of a request's life, in order: pull request, review, merge, then apply and run (or fail). */
export const REQUEST_LIFECYCLE_STATUSES = [
  ...REQUEST_STATUSES,
  'applied',
  'live',
  'failed',
] as const;

/** One of `REQUEST_LIFECYCLE_STATUSES`. */
export type RequestLifecycleStatus =
  (typeof REQUEST_LIFECYCLE_STATUSES)[number];

/** Each lifecycle status as people read it. */
export const REQUEST_LIFECYCLE_STATUS_TEXT: Readonly<
  Record<RequestLifecycleStatus, string>
> = {
  ...REQUEST_STATUS_TEXT,
  applied: 'Applied',
  live: 'Live',
  failed: 'Failed',
};

/** Whether a value (a database column, a query parameter) is one of `REQUEST_LIFECYCLE_STATUSES`. */
export function isRequestLifecycleStatus(
  value: unknown,
): value is RequestLifecycleStatus {
  return REQUEST_LIFECYCLE_STATUSES.some(status => status === value);
}

/**
 * Where a status change was learnt: a GitHub webhook delivery, the polling fallback, a Flux Kustomization's
 * condition, or the watch cache of the requested objects.
 */
export const REQUEST_STATUS_SOURCES = [
  'webhook',
  'poll',
  'flux',
  'cache',
] as const;

/** One of `REQUEST_STATUS_SOURCES`. */
export type RequestStatusSource = (typeof REQUEST_STATUS_SOURCES)[number];

/** Whether a value is one of `REQUEST_STATUS_SOURCES`. */
export function isRequestStatusSource(
  value: unknown,
): value is RequestStatusSource {
  return REQUEST_STATUS_SOURCES.some(source => source === value);
}

/** The statuses a pull request can have while it is still open. */
const OPEN: readonly RequestLifecycleStatus[] = [
  'pull-request-open',
  'changes-requested',
  'approved',
];

/**
 * The statuses each status may move to. Forward steps may be skipped (a pull request merged without a review, a
 * poll that sees `live` without having seen `applied`); nothing after the merge goes back to review; `failed` comes
 * only after the merge, and a retry that succeeds brings a failed request to `applied` or `live`.
 */
export const REQUEST_STATUS_TRANSITIONS: Readonly<
  Record<RequestLifecycleStatus, readonly RequestLifecycleStatus[]>
> = {
  'pull-request-open': ['changes-requested', 'approved', 'merged', 'rejected'],
  // A new push or a dismissed review puts a reviewed pull request back to waiting for review.
  'changes-requested': ['pull-request-open', 'approved', 'merged', 'rejected'],
  approved: ['pull-request-open', 'changes-requested', 'merged', 'rejected'],
  // A closed pull request can be reopened; it is then open again, waiting for review.
  rejected: ['pull-request-open'],
  merged: ['applied', 'live', 'failed'],
  applied: ['live', 'failed'],
  live: ['failed'],
  failed: ['applied', 'live'],
};

/**
 * Why a request may not move from `from` to `to`, or `undefined` when it may. A request the store has never seen
 * (`from` undefined) may start at any status: the first sighting of a request can come from a poll or a cache after
 * its pull request was opened. A move to the status it already has is not a move: the reason says so.
 */
export function requestStatusTransitionProblem(
  from: RequestLifecycleStatus | undefined,
  to: RequestLifecycleStatus,
): string | undefined {
  if (from === undefined) return undefined;
  if (from === to) return `the request is already ${to}`;
  if (REQUEST_STATUS_TRANSITIONS[from].includes(to)) return undefined;
  if (to === 'failed') {
    return `a request can only fail after its pull request is merged, and it is ${from}`;
  }
  if (OPEN.includes(to) && !OPEN.includes(from) && from !== 'rejected') {
    return `a request that is ${from} cannot go back to ${to}: its pull request is merged`;
  }
  const allowed = REQUEST_STATUS_TRANSITIONS[from].join(', ');
  return `a request that is ${from} cannot become ${to} (it can become ${allowed})`;
}

/** Whether a request may move from `from` to `to` (see `requestStatusTransitionProblem`). */
export function isRequestStatusTransitionAllowed(
  from: RequestLifecycleStatus | undefined,
  to: RequestLifecycleStatus,
): boolean {
  return requestStatusTransitionProblem(from, to) === undefined;
}

/** What of a request's pull request decides its status: as GitHub lists it, with each reviewer's latest review. */
export interface RequestPullRequestState {
  state: 'open' | 'closed';
  merged: boolean;
  /** Reviewers whose latest review approves. */
  approvedBy: string[];
  /** Reviewers whose latest review requests changes. */
  changesRequestedBy: string[];
}

/**
 * The status a request has by its pull request's state: the one place that says which pull request state is which
 * status, for the webhook route, the polling fallback and the request entities alike. Merged is `merged`, closed
 * without a merge is `rejected`; an open pull request with a reviewer asking for changes is `changes-requested`
 * (a request for changes outweighs another reviewer's approval, as GitHub's merge gate does), approved by someone
 * is `approved`, and otherwise it waits for review (`pull-request-open`).
 */
export function pullRequestLifecycleStatus(
  pull: RequestPullRequestState,
):
  | 'pull-request-open'
  | 'changes-requested'
  | 'approved'
  | 'merged'
  | 'rejected' {
  if (pull.merged) return 'merged';
  if (pull.state === 'closed') return 'rejected';
  if (pull.changesRequestedBy.length > 0) return 'changes-requested';
  if (pull.approvedBy.length > 0) return 'approved';
  return 'pull-request-open';
}
