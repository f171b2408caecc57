import { clusterHealth } from './clusterHealth';
import { kindStatus } from './__fixtures__/cachedObjects';

const refused = {
  at: '2026-01-01T00:00:05.000Z',
  error: {
    errorType: 'UNREACHABLE' as const,
    message: 'connect ECONNREFUSED 10.0.0.7:6443',
  },
};

describe('clusterHealth', () => {
  it('is ok for a synced cluster, with the age of its data', () => {
    expect(
      clusterHealth(
        {
          cluster: 'dev',
          state: 'synced',
          lastSyncedAt: '2026-01-01T00:00:00.000Z',
          lastHeardAt: '2026-01-01T00:01:00.000Z',
          kinds: [kindStatus('dev', 'namespaces')],
        },
        { ownWords: false },
      ),
    ).toEqual({
      health: 'ok',
      state: 'synced',
      lastSyncedAt: '2026-01-01T00:00:00.000Z',
      lastHeardAt: '2026-01-01T00:01:00.000Z',
    });
  });

  it("reports a cluster that does not answer in words anyone may read, and the platform team the cluster's own", () => {
    const status = {
      cluster: 'prod',
      state: 'unreachable' as const,
      message: "cluster 'prod' cannot be reached right now",
      kinds: [
        kindStatus('prod', 'namespaces', {
          state: 'unreachable',
          lastSyncedAt: undefined,
          lastHeardAt: undefined,
          message: "cluster 'prod' cannot be reached right now",
          lastError: refused,
        }),
      ],
    };
    expect(clusterHealth(status, { ownWords: false })).toEqual({
      health: 'unreachable',
      state: 'unreachable',
      errorType: 'UNREACHABLE',
      message: "cluster 'prod' cannot be reached right now",
    });
    expect(clusterHealth(status, { ownWords: true }).message).toBe(
      'connect ECONNREFUSED 10.0.0.7:6443',
    );
  });

  it('keeps a cluster whose one kind is refused usable, and says which fails', () => {
    const health = clusterHealth(
      {
        cluster: 'dev',
        state: 'degraded',
        message:
          "the portal is not allowed to read cluster 'dev'; the platform team has been told",
        kinds: [
          kindStatus('dev', 'namespaces'),
          kindStatus('dev', 'nodes', {
            state: 'forbidden',
            message:
              "the portal is not allowed to read cluster 'dev'; the platform team has been told",
            lastError: {
              at: refused.at,
              error: {
                errorType: 'FORBIDDEN',
                statusCode: 403,
                message: 'nodes is forbidden: User "portal" cannot list',
              },
            },
          }),
        ],
      },
      { ownWords: false },
    );
    expect(health).toMatchObject({
      health: 'ok',
      state: 'degraded',
      errorType: 'FORBIDDEN',
      message:
        "the portal is not allowed to read cluster 'dev'; the platform team has been told",
    });
  });

  it('does not call a cluster that has not answered yet reachable', () => {
    expect(
      clusterHealth(
        {
          cluster: 'dev',
          state: 'starting',
          kinds: [
            kindStatus('dev', 'namespaces', {
              state: 'starting',
              lastSyncedAt: undefined,
              lastHeardAt: undefined,
            }),
          ],
        },
        { ownWords: true },
      ),
    ).toEqual({
      health: 'unreachable',
      state: 'starting',
      message: "cluster 'dev' has not answered yet",
    });
  });
});
