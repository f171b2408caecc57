import {
  mockServices,
  TestDatabaseId,
  TestDatabases,
} from '@backstage/backend-test-utils';
import {
  describeWithPostgres,
  postgresUnavailableReason,
  startPostgres,
  TestPostgres,
} from '@kubeportal/test-environment';
import { RequestLifecycleStatus } from '@kubeportal/plugin-provisioning-common';
import {
  migrateRequestStatusStore,
  RequestStatusStore,
  RequestStatusTransitionInput,
  StoredRequestTransition,
} from './RequestStatusStore';

jest.setTimeout(60_000);

const POSTGRES_URL_VARIABLE =
  'BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING';
const postgresReason = postgresUnavailableReason();
let postgres: TestPostgres | undefined;

beforeAll(async () => {
  if (postgresReason) return;
  const started = Date.now();
  postgres = await startPostgres();
  // eslint-disable-next-line no-console
  console.log(`PostgreSQL started in ${Date.now() - started} ms`);
  process.env[POSTGRES_URL_VARIABLE] = postgres.connectionString;
});

// SQLite always; Debian's PostgreSQL 15, started above, whenever it can run here (see 'on a real PostgreSQL' below
// for what happens when it cannot). Docker is never used: the server is given by its connection string.
const databases = TestDatabases.create({
  ids: [
    'SQLITE_3',
    ...(postgresReason ? [] : (['POSTGRES_15'] as TestDatabaseId[])),
  ],
  disableDocker: false,
});

// Registered after TestDatabases' own afterAll, so it runs after the test databases are dropped.
afterAll(async () => {
  await postgres?.stop();
  delete process.env[POSTGRES_URL_VARIABLE];
});

const T0 = Date.parse('2026-11-20T14:00:00Z');
const minutes = (n: number) => new Date(T0 + n * 60_000);

function event(
  to: RequestLifecycleStatus,
  sourceId: string,
  at: Date,
  more: Partial<RequestStatusTransitionInput> = {},
): RequestStatusTransitionInput {
  return {
    requestId: 'ns-team-a-payments',
    to,
    at,
    source: { kind: 'webhook', id: sourceId },
    ...more,
  };
}

async function createStore(id: TestDatabaseId) {
  const knex = await databases.init(id);
  const database = mockServices.database({ knex });
  return {
    knex,
    database,
    store: await RequestStatusStore.create({ database }),
  };
}

/** Each recorded transition starts where the one before ended. */
function expectConsistent(history: StoredRequestTransition[]) {
  const recorded = history.filter(t => t.outcome === 'recorded');
  recorded.slice(1).forEach((t, i) => expect(t.from).toBe(recorded[i].to));
  return recorded;
}

describe('RequestStatusStore', () => {
  it.each(databases.eachSupportedId())(
    'records the path from an open pull request to live, with its history, on %p',
    async databaseId => {
      const { store } = await createStore(databaseId);
      const pullRequest = {
        number: 42,
        url: 'https://github.com/acme/gitops/pull/42',
      };
      await expect(
        store.record(
          event('pull-request-open', 'delivery-1', minutes(0), {
            pullRequest,
            cluster: 'prod-eu-1',
          }),
        ),
      ).resolves.toMatchObject({
        outcome: 'recorded',
        request: { status: 'pull-request-open', pullRequest },
      });
      await store.record(event('approved', 'delivery-2', minutes(5)));
      await store.record(
        event('merged', 'delivery-3', minutes(6), { mergeCommit: 'a1b2c3d' }),
      );
      await store.record({
        ...event('applied', 'a1b2c3d', minutes(8)),
        source: { kind: 'flux', id: 'kustomization/prod-eu-1@a1b2c3d' },
        message: 'Applied revision main@sha1:a1b2c3d',
      });
      await store.record({
        ...event('live', 'cache-1', minutes(9)),
        source: { kind: 'cache', id: 'namespace/payments@123' },
      });

      const stored = await store.get('ns-team-a-payments');
      expect(stored?.request).toEqual({
        requestId: 'ns-team-a-payments',
        status: 'live',
        pullRequest,
        cluster: 'prod-eu-1',
        mergeCommit: 'a1b2c3d',
        updatedAt: minutes(9),
      });
      expect(
        stored?.history.map(t => [t.from, t.to, t.source.kind, t.source.id]),
      ).toEqual([
        [undefined, 'pull-request-open', 'webhook', 'delivery-1'],
        ['pull-request-open', 'approved', 'webhook', 'delivery-2'],
        ['approved', 'merged', 'webhook', 'delivery-3'],
        ['merged', 'applied', 'flux', 'kustomization/prod-eu-1@a1b2c3d'],
        ['applied', 'live', 'cache', 'namespace/payments@123'],
      ]);
      expect(stored?.history[3]).toMatchObject({
        outcome: 'recorded',
        at: minutes(8),
        message: 'Applied revision main@sha1:a1b2c3d',
      });
      expect(stored?.history[0].recordedAt).toBeInstanceOf(Date);
      await expect(store.get('unknown-request')).resolves.toBeUndefined();
    },
  );

  it.each(databases.eachSupportedId())(
    'changes nothing for the same delivery twice, on %p',
    async databaseId => {
      const { store } = await createStore(databaseId);
      await store.record(event('pull-request-open', 'delivery-1', minutes(0)));
      await store.record(event('approved', 'delivery-2', minutes(5)));
      const before = await store.get('ns-team-a-payments');

      const again = await store.record(
        event('approved', 'delivery-2', minutes(5)),
      );
      expect(again).toMatchObject({
        outcome: 'duplicate',
        request: { status: 'approved' },
        transition: { to: 'approved', source: { id: 'delivery-2' } },
      });
      // A redelivery of the first event, after the request moved on, is a duplicate too, not a step back.
      await expect(
        store.record(event('pull-request-open', 'delivery-1', minutes(0))),
      ).resolves.toMatchObject({ outcome: 'duplicate' });
      await expect(store.get('ns-team-a-payments')).resolves.toEqual(before);
    },
  );

  it.each(databases.eachSupportedId())(
    'ignores out-of-order and illegal transitions, keeping them in the history with the reason, on %p',
    async databaseId => {
      const { store } = await createStore(databaseId);
      await store.record(event('pull-request-open', 'd1', minutes(0)));
      await expect(
        store.record(event('failed', 'd2', minutes(1))),
      ).resolves.toEqual({
        outcome: 'ignored',
        reason:
          'a request can only fail after its pull request is merged, and it is pull-request-open',
        request: expect.objectContaining({ status: 'pull-request-open' }),
      });
      await store.record(event('merged', 'd3', minutes(2)));
      // A late review event after the merge.
      await expect(
        store.record(event('approved', 'd4', minutes(1))),
      ).resolves.toMatchObject({
        outcome: 'ignored',
        reason:
          'a request that is merged cannot go back to approved: its pull request is merged',
        request: { status: 'merged', updatedAt: minutes(2) },
      });
      // The redelivered late event is a duplicate of the ignored one.
      await expect(
        store.record(event('approved', 'd4', minutes(1))),
      ).resolves.toMatchObject({
        outcome: 'duplicate',
        transition: { outcome: 'ignored' },
      });
      // The same status again from another source (a poll) is no transition and writes nothing.
      await expect(
        store.record({
          ...event('merged', 'poll-7', minutes(3)),
          source: { kind: 'poll', id: 'poll-7' },
        }),
      ).resolves.toMatchObject({
        outcome: 'unchanged',
        reason: 'the request is already merged',
      });

      const stored = await store.get('ns-team-a-payments');
      expect(stored?.request.status).toBe('merged');
      expect(
        stored?.history.map(t => [t.from, t.to, t.outcome, t.reason]),
      ).toEqual([
        [undefined, 'pull-request-open', 'recorded', undefined],
        [
          'pull-request-open',
          'failed',
          'ignored',
          'a request can only fail after its pull request is merged, and it is pull-request-open',
        ],
        ['pull-request-open', 'merged', 'recorded', undefined],
        [
          'merged',
          'approved',
          'ignored',
          'a request that is merged cannot go back to approved: its pull request is merged',
        ],
      ]);
      expect(expectConsistent(stored!.history)).toHaveLength(2);
    },
  );

  it.each(databases.eachSupportedId())(
    'lists requests by status and age for the polling fallback, on %p',
    async databaseId => {
      const { store } = await createStore(databaseId);
      await store.record({
        ...event('pull-request-open', 'a1', minutes(0)),
        requestId: 'a',
      });
      await store.record({
        ...event('approved', 'b1', minutes(10)),
        requestId: 'b',
      });
      await store.record({
        ...event('merged', 'c1', minutes(20)),
        requestId: 'c',
      });
      await store.record({
        ...event('pull-request-open', 'd1', minutes(30)),
        requestId: 'd',
      });

      const ids = async (filter: Parameters<typeof store.list>[0]) =>
        (await store.list(filter)).map(r => r.requestId);
      await expect(ids({})).resolves.toEqual(['a', 'b', 'c', 'd']);
      await expect(
        ids({ statuses: ['pull-request-open', 'approved'] }),
      ).resolves.toEqual(['a', 'b', 'd']);
      await expect(
        ids({
          statuses: ['pull-request-open', 'approved'],
          updatedBefore: minutes(30),
        }),
      ).resolves.toEqual(['a', 'b']);
      await expect(ids({ updatedBefore: minutes(0) })).resolves.toEqual([]);
      await expect(ids({ limit: 1 })).resolves.toEqual(['a']);
    },
  );

  it.each(databases.eachSupportedId())(
    'runs its migrations twice as a no-op and sees everything after a restart, on %p',
    async databaseId => {
      const { knex, database, store } = await createStore(databaseId);
      await store.record(event('pull-request-open', 'd1', minutes(0)));
      await store.record(event('approved', 'd2', minutes(1)));
      const before = await store.get('ns-team-a-payments');
      const migrations = await knex('knex_migrations').select('name');

      await migrateRequestStatusStore(knex);
      await expect(knex('knex_migrations').select('name')).resolves.toEqual(
        migrations,
      );

      // A restart: a new store on the same database, its migrations run again.
      const restarted = await RequestStatusStore.create({ database });
      await expect(restarted.get('ns-team-a-payments')).resolves.toEqual(
        before,
      );
      await expect(
        restarted.record(event('approved', 'd2', minutes(1))),
      ).resolves.toMatchObject({ outcome: 'duplicate' });
      await expect(
        restarted.record(event('merged', 'd3', minutes(2))),
      ).resolves.toMatchObject({
        outcome: 'recorded',
        request: { status: 'merged' },
      });
    },
  );

  it.each(databases.eachSupportedId())(
    'keeps a consistent history under concurrent deliveries for the same request, on %p',
    async databaseId => {
      const { store } = await createStore(databaseId);
      // Two first sightings at once: one creates the request, the other moves it on or is ignored.
      const first = await Promise.all([
        store.record(event('pull-request-open', 'd1', minutes(0))),
        store.record(event('approved', 'd2', minutes(1))),
      ]);
      expect(first.map(r => r.outcome).sort()).toEqual([
        'recorded',
        'recorded',
      ]);
      // Two different deliveries at once, and one delivery twice at once.
      const results = await Promise.all([
        store.record(event('merged', 'd3', minutes(2))),
        store.record(event('changes-requested', 'd4', minutes(2))),
        store.record(event('rejected', 'd5', minutes(2))),
        store.record(event('rejected', 'd5', minutes(2))),
      ]);
      expect(results.filter(r => r.outcome === 'duplicate')).toHaveLength(1);

      const stored = (await store.get('ns-team-a-payments'))!;
      const recorded = expectConsistent(stored.history);
      expect(stored.request.status).toBe(recorded[recorded.length - 1].to);
      // Every distinct delivery is in the history once, recorded or ignored.
      expect(stored.history.map(t => t.source.id).sort()).toEqual([
        'd1',
        'd2',
        'd3',
        'd4',
        'd5',
      ]);
    },
  );
});

describeWithPostgres('RequestStatusStore on a real PostgreSQL', () => {
  it('runs on the PostgreSQL the test environment started', async () => {
    const knex = await databases.init('POSTGRES_15');
    const { rows } = await knex.raw('select version()');
    // eslint-disable-next-line no-console
    console.log(rows[0].version);
    expect(rows[0].version).toMatch(/^PostgreSQL 15\./);
    expect(postgres?.connectionString).toMatch(
      /^postgresql:\/\/postgres@127\.0\.0\.1:\d+\/postgres$/,
    );
  });
});
