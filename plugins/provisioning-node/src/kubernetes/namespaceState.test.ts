import { CachedObject } from './ClusterStateCache';
import { workloadState } from './namespaceState';

const workload = (
  spec: Record<string, unknown>,
  status?: Record<string, unknown>,
  generation = 2,
): CachedObject =>
  ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'payments-dev', generation },
    spec,
    ...(status ? { status } : {}),
  } as CachedObject);

const available = (status: string, reason?: string, message?: string) => ({
  type: 'Available',
  status,
  ...(reason ? { reason } : {}),
  ...(message ? { message } : {}),
});

describe('workloadState', () => {
  it('calls a Deployment ready only when it is Available and every wanted replica is ready', () => {
    expect(
      workloadState(
        'Deployment',
        workload(
          { replicas: 3 },
          {
            observedGeneration: 2,
            readyReplicas: 3,
            updatedReplicas: 3,
            conditions: [available('True')],
          },
        ),
      ),
    ).toEqual({
      kind: 'Deployment',
      name: 'web',
      desired: 3,
      ready: 3,
      upToDate: 3,
      health: { state: 'ready' },
    });
    // Available (enough replicas for its strategy) but one short of what is wanted: not ready, and why
    expect(
      workloadState(
        'Deployment',
        workload(
          { replicas: 3 },
          {
            observedGeneration: 2,
            readyReplicas: 2,
            conditions: [available('True')],
          },
        ),
      ).health,
    ).toEqual({
      state: 'not-ready',
      reason: 'ReplicasNotReady',
      message: '2 of 3 replicas ready',
    });
  });

  it('calls a Deployment in the middle of a rollout not ready, though its old replicas are', () => {
    expect(
      workloadState(
        'Deployment',
        workload(
          { replicas: 3 },
          {
            observedGeneration: 2,
            readyReplicas: 3,
            updatedReplicas: 1,
            conditions: [available('True')],
          },
        ),
      ).health,
    ).toEqual({
      state: 'not-ready',
      reason: 'RollingOut',
      message: '1 of 3 replicas on the current template',
    });
  });

  it("passes on the controller's own reason when a Deployment is not available or stopped progressing", () => {
    expect(
      workloadState(
        'Deployment',
        workload(
          { replicas: 2 },
          {
            observedGeneration: 2,
            conditions: [
              available('True'),
              {
                type: 'Progressing',
                status: 'False',
                reason: 'ProgressDeadlineExceeded',
                message: 'ReplicaSet "web-7d9" has timed out progressing.',
              },
            ],
          },
        ),
      ).health,
    ).toEqual({
      state: 'not-ready',
      reason: 'ProgressDeadlineExceeded',
      message: 'ReplicaSet "web-7d9" has timed out progressing.',
    });
  });

  it('says unknown before the controller has reported on the current spec, never ready for a mere object', () => {
    expect(
      workloadState('Deployment', workload({ replicas: 1 })).health,
    ).toEqual({ state: 'unknown' });
    expect(
      workloadState(
        'StatefulSet',
        workload({ replicas: 1 }, { observedGeneration: 1, readyReplicas: 1 }),
      ).health,
    ).toEqual({ state: 'unknown' });
  });

  it('calls a StatefulSet ready when the current spec is observed and its replicas are ready; 1 replica when unset', () => {
    expect(
      workloadState(
        'StatefulSet',
        workload({}, { observedGeneration: 2, readyReplicas: 1 }),
      ),
    ).toEqual({
      kind: 'StatefulSet',
      name: 'web',
      desired: 1,
      ready: 1,
      health: { state: 'ready' },
    });
    expect(
      workloadState(
        'StatefulSet',
        workload({ replicas: 3 }, { observedGeneration: 2, readyReplicas: 1 }),
      ).health.state,
    ).toBe('not-ready');
  });
});
