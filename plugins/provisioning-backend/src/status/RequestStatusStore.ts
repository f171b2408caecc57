import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import {
  isRequestLifecycleStatus,
  isRequestStatusSource,
  RequestLifecycleStatus,
  RequestStatusSource,
  requestStatusTransitionProblem,
} from '@kubeportal/plugin-provisioning-common';

/** The knex client the database service hands out (the type, without a dependency on knex itself). */
type Knex = Awaited<ReturnType<DatabaseService['getClient']>>;

const REQUESTS = 'provisioning_requests';
const TRANSITIONS = 'provisioning_request_transitions';

const migrationsDir = resolvePackagePath(
  '@kubeportal/plugin-provisioning-backend',
  'migrations',
);

/** Brings the status store's tables up to date; running it again is a no-op. */
export async function migrateRequestStatusStore(knex: Knex): Promise<void> {
  await knex.migrate.latest({ directory: migrationsDir });
}

/** Where a status change was learnt: its kind and its id there (the GitHub delivery id, a commit, ...). */
export interface RequestStatusSourceRef {
  kind: RequestStatusSource;
  /** Unique per request: the same id twice is the same event (a redelivered webhook, a repeated poll). */
  id: string;
}

/** A status change to record, as a source tells it, with the request's facts that came with it. */
export interface RequestStatusTransitionInput {
  requestId: string;
  to: RequestLifecycleStatus;
  /** When it happened, as the source tells (not when it was recorded). */
  at: Date;
  source: RequestStatusSourceRef;
  message?: string;
  pullRequest?: { number: number; url: string };
  cluster?: string;
  mergeCommit?: string;
}

/** A request as the store knows it. */
export interface StoredRequestStatus {
  requestId: string;
  status: RequestLifecycleStatus;
  pullRequest?: { number: number; url: string };
  cluster?: string;
  mergeCommit?: string;
  /** When its last recorded transition happened. */
  updatedAt: Date;
}

/** One entry of a request's history: a recorded transition, or an event that was ignored and why. */
export interface StoredRequestTransition {
  requestId: string;
  /** The status before; undefined for the first sighting of the request. */
  from?: RequestLifecycleStatus;
  to: RequestLifecycleStatus;
  /** `ignored`: the event arrived but the transition is not allowed (`reason`); the status did not change. */
  outcome: 'recorded' | 'ignored';
  reason?: string;
  at: Date;
  recordedAt: Date;
  source: RequestStatusSourceRef;
  message?: string;
}

/**
 * What `record` did, as data:
 * - `recorded`: the status changed and the transition is in the history;
 * - `duplicate`: this source id was already recorded for this request (a redelivery): nothing changed;
 * - `ignored`: the transition is not allowed (out of order, like a late `approved` after `merged`): the status did
 *   not change, and the event is kept in the history as ignored, with the reason, so a redelivery is a `duplicate`;
 * - `unchanged`: the request already has that status: nothing is written (polls repeat themselves).
 */
export type RecordRequestStatusResult =
  | { outcome: 'recorded'; request: StoredRequestStatus }
  | {
      outcome: 'duplicate';
      request: StoredRequestStatus;
      transition: StoredRequestTransition;
    }
  | { outcome: 'ignored'; request: StoredRequestStatus; reason: string }
  | { outcome: 'unchanged'; request: StoredRequestStatus; reason: string };

type RequestRow = {
  request_id: string;
  status: string;
  pull_request_number: number | null;
  pull_request_url: string | null;
  cluster: string | null;
  merge_commit: string | null;
  updated_at: Date | string | number;
};

type TransitionRow = {
  id: number | string;
  request_id: string;
  from_status: string | null;
  to_status: string;
  outcome: string;
  reason: string | null;
  at: Date | string | number;
  recorded_at: Date | string | number;
  source_kind: string;
  source_id: string;
  message: string | null;
};

/** A time column: a Date on PostgreSQL, milliseconds on SQLite (how knex binds a Date there). */
function toDate(value: Date | string | number): Date {
  return value instanceof Date ? value : new Date(value);
}

function lifecycleStatus(value: string | null): RequestLifecycleStatus {
  if (!isRequestLifecycleStatus(value)) {
    throw new Error(`unknown request status '${value}' in the status store`);
  }
  return value;
}

function toRequest(row: RequestRow): StoredRequestStatus {
  return {
    requestId: row.request_id,
    status: lifecycleStatus(row.status),
    ...(row.pull_request_number !== null && row.pull_request_url !== null
      ? {
          pullRequest: {
            number: Number(row.pull_request_number),
            url: row.pull_request_url,
          },
        }
      : {}),
    ...(row.cluster !== null ? { cluster: row.cluster } : {}),
    ...(row.merge_commit !== null ? { mergeCommit: row.merge_commit } : {}),
    updatedAt: toDate(row.updated_at),
  };
}

function toTransition(row: TransitionRow): StoredRequestTransition {
  if (!isRequestStatusSource(row.source_kind)) {
    throw new Error(
      `unknown status source '${row.source_kind}' in the status store`,
    );
  }
  return {
    requestId: row.request_id,
    ...(row.from_status !== null
      ? { from: lifecycleStatus(row.from_status) }
      : {}),
    to: lifecycleStatus(row.to_status),
    outcome: row.outcome === 'ignored' ? 'ignored' : 'recorded',
    ...(row.reason !== null ? { reason: row.reason } : {}),
    at: toDate(row.at),
    recordedAt: toDate(row.recorded_at),
    source: { kind: row.source_kind, id: row.source_id },
    ...(row.message !== null ? { message: row.message } : {}),
  };
}

/**
 * The status of every provisioning request and the history of its transitions, in the plugin's database (SQLite
 * locally, PostgreSQL in production). Every `record` is one transaction that first locks the request's row, so
 * concurrent events for the same request are applied one after the other and a crash leaves nothing half-written.
 * The rules of which transitions are allowed are `requestStatusTransitionProblem`'s, from the common package.
 */
export class RequestStatusStore {
  /** Opens the store on the plugin's database, running its migrations unless the database service skips them. */
  static async create(options: {
    database: DatabaseService;
    skipMigrations?: boolean;
  }): Promise<RequestStatusStore> {
    const knex = await options.database.getClient();
    if (!options.skipMigrations && !options.database.migrations?.skip) {
      await migrateRequestStatusStore(knex);
    }
    return new RequestStatusStore(knex);
  }

  private constructor(private readonly knex: Knex) {}

  /** Whether the database takes row locks (PostgreSQL); SQLite runs one writing transaction at a time anyway. */
  private get locksRows(): boolean {
    return !String(this.knex.client.config.client).includes('sqlite');
  }

  /**
   * Records a status change, idempotently on (request id, source id), in one transaction. An event that is not an
   * allowed transition is not an error: it is returned (and kept in the history) as `ignored`, with the reason.
   */
  async record(
    input: RequestStatusTransitionInput,
  ): Promise<RecordRequestStatusResult> {
    return this.knex.transaction(async trx => {
      const facts = {
        ...(input.pullRequest
          ? {
              pull_request_number: input.pullRequest.number,
              pull_request_url: input.pullRequest.url,
            }
          : {}),
        ...(input.cluster !== undefined ? { cluster: input.cluster } : {}),
        ...(input.mergeCommit !== undefined
          ? { merge_commit: input.mergeCommit }
          : {}),
      };
      const transitionRow = {
        request_id: input.requestId,
        to_status: input.to,
        at: input.at,
        recorded_at: new Date(),
        source_kind: input.source.kind,
        source_id: input.source.id,
        message: input.message ?? null,
      };

      // The first sighting creates the request; a concurrent one waits on the unique key and then finds it.
      const created = await trx(REQUESTS)
        .insert({
          request_id: input.requestId,
          status: input.to,
          pull_request_number: null,
          pull_request_url: null,
          cluster: null,
          merge_commit: null,
          ...facts,
          updated_at: input.at,
        })
        .onConflict('request_id')
        .ignore()
        .returning('request_id');
      if (created.length > 0) {
        await trx(TRANSITIONS).insert({
          ...transitionRow,
          from_status: null,
          outcome: 'recorded',
          reason: null,
        });
        return {
          outcome: 'recorded',
          request: toRequest(await this.requestRow(trx, input.requestId)),
        };
      }

      const current = toRequest(
        await this.requestRow(trx, input.requestId, { lock: true }),
      );
      const earlier = await trx<TransitionRow>(TRANSITIONS)
        .where({ request_id: input.requestId, source_id: input.source.id })
        .first();
      if (earlier) {
        return {
          outcome: 'duplicate',
          request: current,
          transition: toTransition(earlier),
        };
      }

      const problem = requestStatusTransitionProblem(current.status, input.to);
      if (problem && current.status === input.to) {
        return { outcome: 'unchanged', request: current, reason: problem };
      }
      await trx(TRANSITIONS).insert({
        ...transitionRow,
        from_status: current.status,
        outcome: problem ? 'ignored' : 'recorded',
        reason: problem ?? null,
      });
      if (problem) {
        return { outcome: 'ignored', request: current, reason: problem };
      }
      await trx(REQUESTS)
        .where({ request_id: input.requestId })
        .update({ status: input.to, ...facts, updated_at: input.at });
      return {
        outcome: 'recorded',
        request: toRequest(await this.requestRow(trx, input.requestId)),
      };
    });
  }

  /** A request's status and its whole history (oldest first), or `undefined` for a request the store never saw. */
  async get(requestId: string): Promise<
    | {
        request: StoredRequestStatus;
        history: StoredRequestTransition[];
      }
    | undefined
  > {
    const row = await this.knex<RequestRow>(REQUESTS)
      .where({ request_id: requestId })
      .first();
    if (!row) return undefined;
    const history = await this.knex<TransitionRow>(TRANSITIONS)
      .where({ request_id: requestId })
      .orderBy('id', 'asc');
    return { request: toRequest(row), history: history.map(toTransition) };
  }

  /**
   * Requests by status and age, least recently updated first: for the polling fallback, `{ statuses:
   * ['pull-request-open', 'approved'], updatedBefore: tenMinutesAgo }`.
   */
  async list(
    filter: {
      statuses?: RequestLifecycleStatus[];
      updatedBefore?: Date;
      limit?: number;
    } = {},
  ): Promise<StoredRequestStatus[]> {
    const query = this.knex<RequestRow>(REQUESTS)
      .select()
      .orderBy([
        { column: 'updated_at', order: 'asc' },
        { column: 'request_id', order: 'asc' },
      ]);
    if (filter.statuses) query.whereIn('status', filter.statuses);
    if (filter.updatedBefore) {
      query.where('updated_at', '<', filter.updatedBefore);
    }
    if (filter.limit !== undefined) query.limit(filter.limit);
    return (await query).map(toRequest);
  }

  private async requestRow(
    trx: Knex,
    requestId: string,
    options: { lock?: boolean } = {},
  ): Promise<RequestRow> {
    const query = trx<RequestRow>(REQUESTS)
      .where({ request_id: requestId })
      .first();
    if (options.lock && this.locksRows) query.forUpdate();
    const row = await query;
    if (!row) throw new Error(`request ${requestId} vanished mid-transaction`);
    return row;
  }
}
