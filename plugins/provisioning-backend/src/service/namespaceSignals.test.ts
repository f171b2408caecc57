import { mockServices } from '@backstage/backend-test-utils';
import { SignalPayload, SignalsService } from '@backstage/plugin-signals-node';
import {
  ANNOTATIONS,
  FLUX_NAMESPACE,
  LABELS,
  MANAGED_BY,
  namespaceSyncName,
} from '@kubeportal/plugin-provisioning-common';
import {
  CachedObject,
  ClusterStateCache,
  ClusterStateChange,
} from '@kubeportal/plugin-provisioning-node';
import { publishNamespaceChanges } from './namespaceSignals';

/**
 * The publisher between the cache's change feed and Backstage's signals service: the cache is the one edge
 * replaced here (its watches are tested on real control planes in ClusterStateCache.test.ts), with what it hands
 * to subscribers and what `get` answers.
 */
function cacheFeed(namespaces: CachedObject[]) {
  let listener: ((change: ClusterStateChange) => void) | undefined;
  const cache = {
    subscribe: (l: (change: ClusterStateChange) => void) => {
      listener = l;
      return () => {
        listener = undefined;
      };
    },
    get: (_cluster: string, _kind: string, _ns: unknown, name: string) => ({
      item: namespaces.find(n => n.metadata.name === name),
    }),
    list: () => ({ items: namespaces }),
  } as unknown as ClusterStateCache;
  return {
    cache,
    emit: (change: Partial<ClusterStateChange> & { object: CachedObject }) =>
      listener?.({ cluster: 'dev', type: 'update', kind: 'pods', ...change }),
    subscribed: () => listener !== undefined,
  };
}

const namespace = (name: string, team?: string): CachedObject => ({
  apiVersion: 'v1',
  kind: 'Namespace',
  metadata: {
    name,
    labels: { [LABELS.managedBy]: MANAGED_BY },
    ...(team ? { annotations: { [ANNOTATIONS.ownerRef]: team } } : {}),
  },
});
const pod = (ns: string, name: string): CachedObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: ns },
});

describe('publishNamespaceChanges', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it("signals a namespace's team and the platform team once per second, with no state in the message", async () => {
    const sent: SignalPayload[] = [];
    const signals: SignalsService = {
      publish: async payload => {
        sent.push(payload);
      },
    };
    const feed = cacheFeed([
      namespace('payments-dev', 'group:default/payments'),
      namespace('loose'),
    ]);
    const stop = publishNamespaceChanges({
      state: feed.cache,
      signals,
      platformTeam: 'group:default/platform',
      logger: mockServices.logger.mock(),
    });
    for (const name of ['a', 'b', 'c'])
      feed.emit({ object: pod('payments-dev', name) });
    // a namespace without a team (not the portal's) and a kind its page does not show: nothing
    feed.emit({ object: pod('loose', 'x') });
    feed.emit({ kind: 'nodes', object: { ...pod('', 'node-1') } });
    await jest.advanceTimersByTimeAsync(1_000);
    expect(sent).toEqual([
      {
        recipients: {
          type: 'user',
          entityRef: ['group:default/payments', 'group:default/platform'],
        },
        channel: 'provisioning:namespace:dev:payments-dev',
        message: {
          cluster: 'dev',
          namespace: 'payments-dev',
          changedAt: expect.any(String),
        },
      },
    ]);
    // the next change is signalled again; so is one of the Flux Kustomization that applies the namespace
    feed.emit({ object: pod('payments-dev', 'd') });
    await jest.advanceTimersByTimeAsync(1_000);
    expect(sent).toHaveLength(2);
    feed.emit({
      kind: 'kustomizations',
      object: {
        apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
        kind: 'Kustomization',
        metadata: {
          name: namespaceSyncName('payments-dev'),
          namespace: FLUX_NAMESPACE,
        },
      },
    });
    await jest.advanceTimersByTimeAsync(1_000);
    expect(sent.map(p => p.channel)).toEqual([
      'provisioning:namespace:dev:payments-dev',
      'provisioning:namespace:dev:payments-dev',
      'provisioning:namespace:dev:payments-dev',
    ]);
    // after stop: unsubscribed, a pending signal is dropped
    feed.emit({ object: pod('payments-dev', 'e') });
    stop();
    await jest.advanceTimersByTimeAsync(1_000);
    expect(sent).toHaveLength(3);
    expect(feed.subscribed()).toBe(false);
  });
});
