import {
  isRequestLifecycleStatus,
  isRequestStatusSource,
  isRequestStatusTransitionAllowed,
  pullRequestLifecycleStatus,
  REQUEST_LIFECYCLE_STATUS_TEXT,
  REQUEST_LIFECYCLE_STATUSES,
  REQUEST_STATUS_TRANSITIONS,
  RequestLifecycleStatus,
  requestStatusTransitionProblem,
} from './requestStatus';
import { REQUEST_STATUSES } from './requestEntity';

describe('request lifecycle statuses', () => {
  it('extends the pull request statuses with apply, live and failed, each with a text', () => {
    expect(REQUEST_LIFECYCLE_STATUSES).toEqual([
      ...REQUEST_STATUSES,
      'applied',
      'live',
      'failed',
    ]);
    expect(
      REQUEST_LIFECYCLE_STATUSES.map(s => REQUEST_LIFECYCLE_STATUS_TEXT[s]),
    ).toEqual([
      'Pull request open',
      'Changes requested',
      'Approved',
      'Merged',
      'Rejected',
      'Applied',
      'Live',
      'Failed',
    ]);
  });

  it('tells statuses and sources from other values', () => {
    expect(
      ['live', 'merged', 'Live', '', undefined, 3].map(
        isRequestLifecycleStatus,
      ),
    ).toEqual([true, true, false, false, false, false]);
    expect(
      ['webhook', 'poll', 'flux', 'cache', 'cron'].map(isRequestStatusSource),
    ).toEqual([true, true, true, true, false]);
  });
});

describe('requestStatusTransitionProblem', () => {
  const allowed = (
    from: RequestLifecycleStatus | undefined,
    to: RequestLifecycleStatus,
  ) => isRequestStatusTransitionAllowed(from, to);

  it('allows the happy path from the pull request to live', () => {
    const path: RequestLifecycleStatus[] = [
      'pull-request-open',
      'changes-requested',
      'pull-request-open',
      'approved',
      'merged',
      'applied',
      'live',
    ];
    for (let i = 1; i < path.length; i++) {
      expect(
        requestStatusTransitionProblem(path[i - 1], path[i]),
      ).toBeUndefined();
    }
  });

  it('lets a request that was never seen start at any status', () => {
    for (const status of REQUEST_LIFECYCLE_STATUSES) {
      expect(allowed(undefined, status)).toBe(true);
    }
  });

  it('never goes back to review after the merge', () => {
    for (const from of ['merged', 'applied', 'live', 'failed'] as const) {
      for (const to of [
        'pull-request-open',
        'changes-requested',
        'approved',
        'rejected',
      ] as const) {
        expect(allowed(from, to)).toBe(false);
      }
    }
    expect(requestStatusTransitionProblem('live', 'approved')).toBe(
      'a request that is live cannot go back to approved: its pull request is merged',
    );
    expect(allowed('live', 'applied')).toBe(false);
    expect(allowed('applied', 'merged')).toBe(false);
  });

  it('fails only after the merge, and recovers from a failure to applied or live', () => {
    for (const from of [
      'pull-request-open',
      'changes-requested',
      'approved',
      'rejected',
    ] as const) {
      expect(requestStatusTransitionProblem(from, 'failed')).toBe(
        `a request can only fail after its pull request is merged, and it is ${from}`,
      );
    }
    for (const from of ['merged', 'applied', 'live'] as const) {
      expect(allowed(from, 'failed')).toBe(true);
    }
    expect(allowed('failed', 'applied')).toBe(true);
    expect(allowed('failed', 'live')).toBe(true);
    expect(allowed('failed', 'merged')).toBe(false);
  });

  it('reopens a rejected pull request, which can then not jump straight to merged', () => {
    expect(allowed('rejected', 'pull-request-open')).toBe(true);
    expect(requestStatusTransitionProblem('rejected', 'merged')).toBe(
      'a request that is rejected cannot become merged (it can become pull-request-open)',
    );
    expect(allowed('rejected', 'applied')).toBe(false);
  });

  it('does not count staying at a status as a move', () => {
    for (const status of REQUEST_LIFECYCLE_STATUSES) {
      expect(requestStatusTransitionProblem(status, status)).toBe(
        `the request is already ${status}`,
      );
    }
  });

  it('only lists moves between known, different statuses', () => {
    for (const [from, targets] of Object.entries(REQUEST_STATUS_TRANSITIONS)) {
      for (const to of targets) {
        expect(isRequestLifecycleStatus(to)).toBe(true);
        expect(to).not.toBe(from);
      }
    }
  });
});

describe('pullRequestLifecycleStatus', () => {
  const open = {
    state: 'open' as const,
    merged: false,
    approvedBy: [],
    changesRequestedBy: [],
  };

  it('reads a request status from its pull request, a request for changes outweighing an approval', () => {
    expect([
      pullRequestLifecycleStatus(open),
      pullRequestLifecycleStatus({ ...open, approvedBy: ['lead'] }),
      pullRequestLifecycleStatus({
        ...open,
        approvedBy: ['lead'],
        changesRequestedBy: ['other-lead'],
      }),
      pullRequestLifecycleStatus({ ...open, state: 'closed' }),
      pullRequestLifecycleStatus({
        ...open,
        state: 'closed',
        merged: true,
        approvedBy: ['lead'],
      }),
    ]).toEqual([
      'pull-request-open',
      'approved',
      'changes-requested',
      'rejected',
      'merged',
    ]);
  });
});
