import { NotFoundError } from '@backstage/errors';
import { LABELS, MANAGED_BY } from '@kubeportal/plugin-provisioning-common';
import {
  clusterConnection,
  ControlPlane,
  describeWithKube,
  KubeApiError,
  KubeTestEnv,
  startKubeTestEnv,
  waitUntil,
} from '@kubeportal/test-environment';
import http from 'node:http';
import net from 'node:net';
import { ClusterConnection } from '../config/clusters';
import {
  backoffDelay,
  CachedObject,
  CLUSTER_STATE_KINDS,
  ClusterStateCache,
  ClusterStateCacheOptions,
  ClusterStateChange,
  ClusterStateClock,
  ClusterStateKind,
} from './ClusterStateCache';

jest.setTimeout(240_000);

const managed = { [LABELS.managedBy]: MANAGED_BY };

/** A clock whose timers run only when the test says so. */
class ManualClock implements ClusterStateClock {
  time = Date.parse('2026-01-01T00:00:00Z');
  private nextId = 1;
  private readonly timers = new Map<
    number,
    { ms: number; callback: () => void }
  >();

  now() {
    return this.time;
  }

  setTimeout(callback: () => void, ms: number) {
    const id = this.nextId++;
    this.timers.set(id, { ms, callback });
    return id;
  }

  clearTimeout(handle: unknown) {
    this.timers.delete(handle as number);
  }

  /** Delays of the timers that are waiting. */
  pending(): number[] {
    return [...this.timers.values()].map(t => t.ms);
  }

  /** Runs the waiting timers, as if their time had come. */
  fire() {
    const due = [...this.timers.entries()];
    this.timers.clear();
    for (const [, timer] of due) {
      this.time += timer.ms;
      timer.callback();
    }
  }
}

const until = (what: string, check: () => boolean, timeoutMs = 30_000) =>
  waitUntil(what, async () => check(), { timeoutMs, intervalMs: 50 });

describe('reconnect backoff (no control plane)', () => {
  it('grows exponentially to the cap, with full jitter from the injected random', () => {
    const top = () => 0.999999;
    const delays = [1, 2, 3, 4, 5, 6, 7, 8, 20].map(attempt =>
      backoffDelay(attempt, top, { baseMs: 1000, maxMs: 60_000 }),
    );
    expect(delays).toEqual([
      999, 1999, 3999, 7999, 15999, 31999, 59999, 59999, 59999,
    ]);
    // the same attempt spreads over [0, ceiling): clusters that failed together do not retry together
    const spread = [0, 0.25, 0.5, 0.75].map(r =>
      backoffDelay(4, () => r, { baseMs: 1000, maxMs: 60_000 }),
    );
    expect(spread).toEqual([0, 2000, 4000, 6000]);
  });

  describe('against a local HTTP server that fails, then answers', () => {
    let server: http.Server;
    let port: number;
    const requests: string[] = [];
    const watches: http.ServerResponse[] = [];
    let failLists = 2;

    beforeAll(async () => {
      server = http.createServer((req, res) => {
        const url = new URL(req.url ?? '/', 'http://localhost');
        requests.push(`${url.pathname}?${url.searchParams}`);
        res.setHeader('content-type', 'application/json');
        if (url.searchParams.get('watch') === 'true') {
          watches.push(res);
          res.writeHead(200);
          res.write(
            `${JSON.stringify({
              type: 'BOOKMARK',
              object: {
                kind: 'Namespace',
                apiVersion: 'v1',
                metadata: { resourceVersion: '11' },
              },
            })}\n`,
          );
          return;
        }
        if (failLists > 0) {
          failLists -= 1;
          res.writeHead(503);
          res.end(
            JSON.stringify({
              kind: 'Status',
              status: 'Failure',
              message: 'etcd is not ready',
              code: 503,
            }),
          );
          return;
        }
        res.end(
          JSON.stringify({
            kind: 'NamespaceList',
            apiVersion: 'v1',
            metadata: { resourceVersion: '10' },
            items: [
              {
                metadata: {
                  name: 'team-a',
                  resourceVersion: '9',
                  labels: managed,
                  managedFields: [{ manager: 'kubectl' }],
                },
              },
            ],
          }),
        );
      });
      await new Promise<void>(resolve =>
        server.listen(0, '127.0.0.1', resolve),
      );
      port = (server.address() as net.AddressInfo).port;
    });

    afterAll(async () => {
      for (const res of watches) res.destroy();
      await new Promise(resolve => server.close(resolve));
    });

    it('retries a failed list after the jittered delay, and re-opens a broken watch from its resourceVersion', async () => {
      const clock = new ManualClock();
      const cache = new ClusterStateCache(
        [
          {
            name: 'lab',
            environment: 'dev',
            url: `http://127.0.0.1:${port}`,
            skipTLSVerify: true,
            auth: { type: 'serviceAccountToken', token: 'lab-token' },
            storageClasses: [],
            networks: [],
          },
        ],
        { kinds: ['namespaces'], clock, random: () => 0.5 },
      );
      try {
        await cache.start();
        await until('the first failure', () => clock.pending().length === 1);
        let status = cache.status('lab').kinds[0];
        expect(status).toMatchObject({
          state: 'reconnecting',
          message: "cluster 'lab' cannot be reached right now",
          lastError: {
            error: { errorType: 'SERVER_ERROR', statusCode: 503 },
          },
        });
        expect(status.lastError!.error.message).toContain('etcd is not ready');
        expect(clock.pending()).toEqual([500]); // 0.5 * 1 s

        clock.fire();
        await until('the second failure', () => clock.pending().length === 1);
        expect(clock.pending()).toEqual([1000]); // 0.5 * 2 s: the delay grew

        clock.fire();
        await until(
          'synced',
          () => cache.status('lab').kinds[0].state === 'synced',
        );
        expect(cache.list('lab', 'namespaces').items).toEqual([
          {
            apiVersion: 'v1',
            kind: 'Namespace',
            metadata: {
              name: 'team-a',
              resourceVersion: '9',
              labels: managed,
            },
          },
        ]);
        expect(cache.calls('lab')).toMatchObject({ lists: 3, watches: 1 });
        const watchRequest = requests.find(r => r.includes('watch=true'))!;
        expect(watchRequest).toContain('allowWatchBookmarks=true');
        expect(watchRequest).toContain(
          `labelSelector=${encodeURIComponent(
            `${LABELS.managedBy}=kubeportal`,
          )}`,
        );
        expect(watchRequest).toContain('resourceVersion=10');

        // the server cuts the watch: a reconnect after the (reset) base delay, from the bookmark's resourceVersion
        watches[0].destroy();
        await until('the cut seen', () => clock.pending().length === 1);
        status = cache.status('lab').kinds[0];
        expect(status.state).toBe('reconnecting');
        expect(clock.pending()).toEqual([500]);
        clock.fire();
        await until('a second watch', () => watches.length === 2);
        await until(
          'synced again',
          () => cache.status('lab').kinds[0].state === 'synced',
        );
        expect(requests[requests.length - 1]).toContain('resourceVersion=11');
        expect(cache.calls('lab')).toMatchObject({ lists: 3, watches: 2 });
      } finally {
        await cache.stop();
      }
      expect(clock.pending()).toEqual([]);
    });
  });
});

/** A TCP forwarder in front of an API server that the test can cut (every connection reset, new ones refused). */
async function cuttableProxy(target: string) {
  const { hostname, port } = new URL(target);
  const sockets = new Set<net.Socket>();
  let open = true;
  const server = net.createServer(client => {
    if (!open) {
      client.destroy();
      return;
    }
    const upstream = net.connect(Number(port), hostname);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
      socket.on('close', () => {
        sockets.delete(socket);
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `https://127.0.0.1:${(server.address() as net.AddressInfo).port}`,
    cut() {
      open = false;
      for (const socket of sockets) socket.destroy();
    },
    resume() {
      open = true;
    },
    close: () =>
      new Promise<void>(resolve => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** etcd's JSON gateway (grpc-gateway) at the cluster's client URL. */
async function etcd(plane: ControlPlane, path: string, body: object) {
  const response = await fetch(`${plane.etcdUrl}${path}`, {
    method: 'POST',
    body: JSON.stringify(body),
  });
  if (!response.ok)
    throw new Error(
      `etcd ${path}: ${response.status} ${await response.text()}`,
    );
  return response.json();
}
const etcdKey = (key: string) => Buffer.from(key).toString('base64');

describeWithKube(
  'ClusterStateCache against real API servers (client-node ListWatch)',
  () => {
    let env: KubeTestEnv;
    let dev: ControlPlane;
    let prod: ControlPlane;
    const caches: ClusterStateCache[] = [];

    const connection = (
      plane: ControlPlane,
      overrides: Partial<ClusterConnection> = {},
    ): ClusterConnection => ({
      name: plane.name,
      environment: plane.name === 'prod' ? 'prod' : 'dev',
      storageClasses: [],
      networks: [],
      ...clusterConnection(plane),
      ...overrides,
    });

    const startCache = async (
      clusters: ClusterConnection[],
      options: ClusterStateCacheOptions = {},
    ) => {
      const cache = new ClusterStateCache(clusters, options);
      caches.push(cache);
      await cache.start();
      await cache.settled();
      return cache;
    };

    const names = (items: CachedObject[]) => items.map(i => i.metadata.name);

    const createNamespace = (
      plane: ControlPlane,
      name: string,
      labels: Record<string, string>,
    ) =>
      plane.api.request('POST', '/api/v1/namespaces', {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name, labels },
      });

    const createQuota = (
      plane: ControlPlane,
      namespace: string,
      name: string,
      hard: Record<string, string>,
    ) =>
      plane.api.request(
        'POST',
        `/api/v1/namespaces/${namespace}/resourcequotas`,
        {
          apiVersion: 'v1',
          kind: 'ResourceQuota',
          metadata: { name, namespace },
          spec: { hard },
        },
      );

    beforeAll(async () => {
      env = await startKubeTestEnv({
        clusters: ['dev', 'prod'],
        users: [{ name: 'nobody' }],
        // dev's watches go to etcd itself, so a compaction makes an old resourceVersion answer 410
        apiServerFlags: { dev: ['--watch-cache=false'] },
      });
      dev = env.clusters.dev;
      prod = env.clusters.prod;
      // prod has no KubeVirt and no CDI: their CRDs removed, as on a cluster without them
      const crds = [
        'virtualmachines.kubevirt.io',
        'virtualmachineinstances.kubevirt.io',
        'datavolumes.cdi.kubevirt.io',
      ];
      for (const crd of crds)
        await prod.api.request(
          'DELETE',
          `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${crd}`,
        );
      await waitUntil(
        'KubeVirt and CDI gone from prod',
        async () => {
          try {
            await prod.api.get('/apis/kubevirt.io/v1/virtualmachines');
            return false;
          } catch (error) {
            return error instanceof KubeApiError && error.status === 404;
          }
        },
        { timeoutMs: 60_000 },
      );
    });

    afterEach(async () => {
      await Promise.all(caches.splice(0).map(cache => cache.stop()));
    });

    afterAll(() => env?.stop());

    it('sees creates, updates and deletes of managed namespaces, quotas, pods and warning events; trims pods; never holds secrets', async () => {
      // dev serves watches from etcd (no bookmarks): a long idle limit keeps quiet kinds' watches open all along
      const cache = await startCache([connection(dev)], {
        watchIdleTimeoutMs: 600_000,
      });
      const changes: ClusterStateChange[] = [];
      cache.subscribe(change => changes.push(change));
      expect(cache.status('dev')).toMatchObject({ state: 'synced' });
      expect(cache.status('dev').kinds.map(k => k.state)).toEqual(
        CLUSTER_STATE_KINDS.map(() => 'synced'),
      );
      const callsAtStart = cache.calls('dev');
      expect(callsAtStart).toMatchObject({ lists: 13, watches: 13 });
      expect(() => cache.status('elsewhere')).toThrow(NotFoundError);
      expect(() => cache.list('dev', 'secrets' as ClusterStateKind)).toThrow(
        NotFoundError,
      );

      // namespaces: the unmanaged one is created first, so it would be seen before the managed one if held
      await createNamespace(dev, 'scratch', { purpose: 'experiments' });
      await createNamespace(dev, 'team-a', {
        ...managed,
        [LABELS.owner]: 'payments',
      });
      await until(
        'team-a in the cache',
        () => !!cache.get('dev', 'namespaces', undefined, 'team-a').item,
      );
      expect(names(cache.list('dev', 'namespaces').items)).toEqual(['team-a']);
      await dev.api.mergePatch('v1', 'Namespace', 'team-a', undefined, {
        metadata: { labels: { [LABELS.owner]: 'billing' } },
      });
      await until(
        'the new owner label',
        () =>
          cache.get('dev', 'namespaces', undefined, 'team-a').item?.metadata
            .labels?.[LABELS.owner] === 'billing',
      );

      // a secret in the namespace is never listed nor watched
      await dev.api.request('POST', '/api/v1/namespaces/team-a/secrets', {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'db-password', namespace: 'team-a' },
        stringData: { password: 'hunter2' },
      });

      // quotas: created, their usage filled in by the real quota controller, changed, deleted
      await createQuota(dev, 'team-a', 'compute', {
        pods: '10',
        'requests.cpu': '4',
      });
      await until(
        'the quota with its usage',
        () =>
          (
            cache.get('dev', 'resourcequotas', 'team-a', 'compute').item?.status
              ?.used as Record<string, string> | undefined
          )?.pods === '0',
      );
      await dev.api.mergePatch('v1', 'ResourceQuota', 'compute', 'team-a', {
        spec: { hard: { pods: '20' } },
      });
      await until(
        'the raised quota',
        () =>
          (
            cache.get('dev', 'resourcequotas', 'team-a', 'compute').item?.spec
              ?.hard as Record<string, string> | undefined
          )?.pods === '20',
      );

      // a pod (no kubelet: it stays Pending), with an environment the cache must not keep
      await waitUntil(
        'the pod created (once the default service account exists)',
        async () => {
          await dev.api.request('POST', '/api/v1/namespaces/team-a/pods', {
            apiVersion: 'v1',
            kind: 'Pod',
            metadata: {
              name: 'web-1',
              namespace: 'team-a',
              labels: { app: 'web' },
              annotations: { note: 'not kept' },
            },
            spec: {
              containers: [
                {
                  name: 'app',
                  image: 'registry.invalid/web:1',
                  env: [{ name: 'API_TOKEN', value: 'not-for-the-cache' }],
                  resources: {
                    requests: { cpu: '100m', memory: '64Mi' },
                    limits: { cpu: '100m', memory: '64Mi' },
                  },
                },
              ],
            },
          });
          return true;
        },
        { timeoutMs: 30_000 },
      );
      await until(
        'the pod',
        () => !!cache.get('dev', 'pods', 'team-a', 'web-1').item,
      );
      const pod = cache.get('dev', 'pods', 'team-a', 'web-1').item!;
      expect(Object.keys(pod.metadata)).toEqual(
        expect.arrayContaining([
          'name',
          'namespace',
          'uid',
          'resourceVersion',
          'creationTimestamp',
          'labels',
        ]),
      );
      expect(
        Object.keys(pod.metadata).filter(
          key =>
            ![
              'name',
              'namespace',
              'uid',
              'resourceVersion',
              'generation',
              'creationTimestamp',
              'labels',
            ].includes(key),
        ),
      ).toEqual([]);
      expect(pod).toEqual({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: expect.objectContaining({
          name: 'web-1',
          namespace: 'team-a',
          labels: { app: 'web' },
        }),
        spec: {
          containers: [
            {
              name: 'app',
              resources: {
                requests: { cpu: '100m', memory: '64Mi' },
                limits: { cpu: '100m', memory: '64Mi' },
              },
            },
          ],
        },
        status: { phase: 'Pending' },
      });
      expect(JSON.stringify(pod)).not.toMatch(
        /managedFields|not-for-the-cache|API_TOKEN|registry\.invalid|not kept/,
      );
      await dev.api.mergePatch('v1', 'Pod', 'web-1', 'team-a', {
        metadata: { labels: { tier: 'front' } },
      });
      await until(
        'the pod relabelled',
        () =>
          cache.get('dev', 'pods', 'team-a', 'web-1').item?.metadata.labels
            ?.tier === 'front',
      );

      // events: warnings kept, normal ones not asked for
      const event = (name: string, type: string, reason: string) => ({
        apiVersion: 'v1',
        kind: 'Event',
        metadata: { name, namespace: 'team-a' },
        involvedObject: {
          kind: 'Pod',
          name: 'web-1',
          namespace: 'team-a',
          apiVersion: 'v1',
        },
        reason,
        message: `${reason} for web-1`,
        type,
        count: 1,
        firstTimestamp: new Date().toISOString(),
        lastTimestamp: new Date().toISOString(),
        source: { component: 'test' },
      });
      await dev.api.request(
        'POST',
        '/api/v1/namespaces/team-a/events',
        event('web-1.normal', 'Normal', 'Scheduled'),
      );
      await dev.api.request(
        'POST',
        '/api/v1/namespaces/team-a/events',
        event('web-1.warning', 'Warning', 'FailedScheduling'),
      );
      await until(
        'the warning event',
        () => cache.list('dev', 'events', 'team-a').items.length === 1,
      );
      expect(cache.list('dev', 'events', 'team-a').items[0]).toMatchObject({
        kind: 'Event',
        metadata: { name: 'web-1.warning' },
        involvedObject: { kind: 'Pod', name: 'web-1' },
        reason: 'FailedScheduling',
        type: 'Warning',
        count: 1,
      });
      await dev.api.request(
        'PATCH',
        '/api/v1/namespaces/team-a/events/web-1.warning',
        { count: 2 },
        'application/merge-patch+json',
      );
      await until(
        'the event counted again',
        () =>
          cache.get('dev', 'events', 'team-a', 'web-1.warning').item?.count ===
          2,
      );

      // deletes
      await dev.api.request(
        'DELETE',
        '/api/v1/namespaces/team-a/events/web-1.warning',
      );
      await dev.api.request(
        'DELETE',
        '/api/v1/namespaces/team-a/pods/web-1?gracePeriodSeconds=0',
      );
      await dev.api.request(
        'DELETE',
        '/api/v1/namespaces/team-a/resourcequotas/compute',
      );
      await until(
        'event, pod and quota gone',
        () =>
          cache.list('dev', 'events', 'team-a').items.length === 0 &&
          cache.list('dev', 'pods', 'team-a').items.length === 0 &&
          cache.list('dev', 'resourcequotas', 'team-a').items.length === 0,
      );
      await dev.api.request('DELETE', '/api/v1/namespaces/team-a');
      await until(
        'the namespace finalised and gone',
        () => cache.list('dev', 'namespaces').items.length === 0,
        90_000,
      );

      const seen = (kind: ClusterStateKind, name: string) =>
        changes
          .filter(c => c.kind === kind && c.object.metadata.name === name)
          .map(c => c.type);
      expect(seen('namespaces', 'team-a')).toEqual(
        expect.arrayContaining(['add', 'update', 'delete']),
      );
      expect(seen('resourcequotas', 'compute')).toEqual(
        expect.arrayContaining(['add', 'update', 'delete']),
      );
      expect(seen('pods', 'web-1')).toEqual(
        expect.arrayContaining(['add', 'update', 'delete']),
      );
      expect(seen('events', 'web-1.warning')).toEqual([
        'add',
        'update',
        'delete',
      ]);
      expect(seen('events', 'web-1.normal')).toEqual([]);
      expect(seen('namespaces', 'scratch')).toEqual([]);
      expect(changes.some(c => c.object.kind === 'Secret')).toBe(false);
      expect(
        changes.some(c => JSON.stringify(c.object).includes('managedFields')),
      ).toBe(false);

      // reads cost nothing: a thousand of them, and the calls are those of the start
      for (let i = 0; i < 1000; i++) {
        cache.list('dev', 'pods');
        cache.get('dev', 'namespaces', undefined, 'team-a');
        cache.status('dev');
      }
      const callsAtEnd = cache.calls('dev');
      // eslint-disable-next-line no-console
      console.log(
        `create/update/delete: calls at start ${JSON.stringify({
          lists: callsAtStart.lists,
          watches: callsAtStart.watches,
        })}, at end ${JSON.stringify({
          lists: callsAtEnd.lists,
          watches: callsAtEnd.watches,
        })}, ${changes.length} changes seen`,
      );
      expect(callsAtEnd.lists).toBe(13);
      expect(callsAtEnd.watches).toBe(13);
      expect(cache.status('dev').state).toBe('synced');
    });

    it('loses no object when the resourceVersion is compacted away while the watch is cut (410, re-list)', async () => {
      await createNamespace(dev, 'team-410', managed);
      for (const name of ['q1', 'q2', 'q3'])
        await createQuota(dev, 'team-410', name, { pods: '5' });
      const proxy = await cuttableProxy(dev.server);
      try {
        const cache = await startCache([connection(dev, { url: proxy.url })], {
          kinds: ['namespaces', 'resourcequotas'],
          backoff: { baseMs: 100, maxMs: 1000 },
        });
        const deleted: string[] = [];
        cache.subscribe(change => {
          if (change.type === 'delete')
            deleted.push(change.object.metadata.name);
        });
        await until(
          'three quotas',
          () =>
            cache.list('dev', 'resourcequotas', 'team-410').items.length === 3,
        );
        const before = cache.calls('dev').byKind.resourcequotas!;
        expect(before).toEqual({ lists: 1, watches: 1, expired: 0 });

        proxy.cut();
        await until(
          'the cut reported',
          () =>
            cache.status('dev').kinds.every(k => k.state !== 'synced') &&
            /cannot be reached/.test(cache.status('dev').message ?? ''),
        );
        // while the cache cannot see: a delete, a create, an update, then etcd forgets the history
        await dev.api.request(
          'DELETE',
          '/api/v1/namespaces/team-410/resourcequotas/q2',
        );
        await createQuota(dev, 'team-410', 'q4', { pods: '7' });
        await dev.api.mergePatch('v1', 'ResourceQuota', 'q1', 'team-410', {
          spec: { hard: { pods: '6' } },
        });
        const { header } = await etcd(dev, '/v3/kv/range', {
          key: etcdKey('/registry/namespaces/team-410'),
        });
        await etcd(dev, '/v3/kv/compaction', {
          revision: header.revision,
          physical: true,
        });

        proxy.resume();
        await until(
          'the 410 handled and the quotas re-listed',
          () =>
            cache.calls('dev').byKind.resourcequotas!.expired >= 1 &&
            cache.status('dev').state === 'synced' &&
            !cache.get('dev', 'resourcequotas', 'team-410', 'q2').item,
          60_000,
        );
        // the quota controller may still be writing usage: compare once both sides have settled
        const versions = (
          items: Array<{
            metadata: { name?: string; resourceVersion?: string };
          }>,
        ) =>
          items
            .map(i => `${i.metadata.name}@${i.metadata.resourceVersion}`)
            .sort()
            .join(' ');
        let fresh = '';
        await waitUntil(
          'the cache equal to a fresh LIST',
          async () => {
            fresh = versions(
              (await dev.api.get('/api/v1/namespaces/team-410/resourcequotas'))
                .items,
            );
            return (
              versions(
                cache.list('dev', 'resourcequotas', 'team-410').items,
              ) === fresh
            );
          },
          { timeoutMs: 15_000, intervalMs: 200 },
        );
        expect(
          versions(cache.list('dev', 'resourcequotas', 'team-410').items),
        ).toEqual(fresh);
        expect(
          names(cache.list('dev', 'resourcequotas', 'team-410').items),
        ).toEqual(['q1', 'q3', 'q4']);
        expect(deleted).toContain('q2');
        const after = cache.calls('dev').byKind.resourcequotas!;
        // eslint-disable-next-line no-console
        console.log(
          `410: resourcequotas calls ${JSON.stringify(
            after,
          )}, namespaces calls ${JSON.stringify(
            cache.calls('dev').byKind.namespaces,
          )}, compacted at revision ${header.revision}`,
        );
        expect(after.lists).toBe(2); // the first list, and the one after the 410
        expect(after.expired).toBe(1);
      } finally {
        await proxy.close();
      }
    });

    it('reports a stopped API server while serving the other cluster, and catches up after the restart', async () => {
      await createNamespace(prod, 'steady', managed);
      await createQuota(prod, 'steady', 'compute', { pods: '10' });
      await createQuota(prod, 'steady', 'doomed', { pods: '1' });
      await createNamespace(dev, 'dev-live', managed);
      const cache = await startCache([connection(dev), connection(prod)], {
        kinds: ['namespaces', 'resourcequotas', 'pods'],
        backoff: { baseMs: 200, maxMs: 2000 },
      });
      expect(cache.statuses().map(s => s.state)).toEqual(['synced', 'synced']);
      expect(
        names(cache.list('prod', 'resourcequotas', 'steady').items),
      ).toEqual(['compute', 'doomed']);

      let doomedGoneAt = 0;
      cache.subscribe(change => {
        if (
          change.type === 'delete' &&
          change.object.metadata.name === 'doomed'
        )
          doomedGoneAt = Date.now();
      });
      const stoppingAt = Date.now();
      await prod.stopApiServer();
      await until('prod reported down', () =>
        ['unreachable', 'reconnecting'].includes(cache.status('prod').state),
      );
      const down = cache.status('prod');
      expect(down.message).toBe("cluster 'prod' cannot be reached right now");
      expect(down.kinds[0].lastError?.error.message).toMatch(
        /ECONNREFUSED|terminated|closed|fetch failed|socket/i,
      );
      // what was seen is still served, marked by the state
      expect(
        names(cache.list('prod', 'resourcequotas', 'steady').items),
      ).toEqual(['compute', 'doomed']);
      // the other cluster is served and current
      await createQuota(dev, 'dev-live', 'compute', { pods: '3' });
      await until(
        'dev still watched',
        () => !!cache.get('dev', 'resourcequotas', 'dev-live', 'compute').item,
      );
      expect(cache.status('dev').state).toBe('synced');

      // a change while prod's API server is down: the quota removed from etcd itself
      const removed = await etcd(prod, '/v3/kv/deleterange', {
        key: etcdKey('/registry/resourcequotas/steady/doomed'),
      });
      expect(removed.deleted).toBe('1');

      const restartedAt = Date.now();
      await prod.startApiServer();
      const readyMs = Date.now() - restartedAt;
      await until(
        'prod caught up',
        () =>
          cache.status('prod').state === 'synced' &&
          !cache.get('prod', 'resourcequotas', 'steady', 'doomed').item,
        60_000,
      );
      const caughtUpMs = doomedGoneAt - restartedAt;
      expect(
        names(cache.list('prod', 'resourcequotas', 'steady').items),
      ).toEqual(['compute']);
      const calls = cache.calls('prod');
      // eslint-disable-next-line no-console
      console.log(
        `restart: API server down for ${
          restartedAt - stoppingAt
        } ms (from the stop signal); after the restart, /readyz in ${readyMs} ms, cache caught up in ${caughtUpMs} ms; prod calls ${JSON.stringify(
          calls,
        )}; dev calls ${JSON.stringify({
          lists: cache.calls('dev').lists,
          watches: cache.calls('dev').watches,
        })}`,
      );
      expect(caughtUpMs).toBeLessThan(30_000);
      expect(cache.calls('dev')).toMatchObject({ lists: 3, watches: 3 });
    });

    it('keeps only the newest warning events of a namespace, and holds unmanaged namespaces when asked to', async () => {
      await createNamespace(dev, 'noisy', managed);
      const warning = (name: string, minutesAgo: number) => {
        const at = new Date(Date.now() - minutesAgo * 60_000).toISOString();
        return dev.api.request('POST', '/api/v1/namespaces/noisy/events', {
          apiVersion: 'v1',
          kind: 'Event',
          metadata: { name, namespace: 'noisy' },
          involvedObject: { kind: 'Pod', name: 'chatty', namespace: 'noisy' },
          reason: 'Noisy',
          message: name,
          type: 'Warning',
          count: 1,
          firstTimestamp: at,
          lastTimestamp: at,
        });
      };
      await warning('old', 30);
      await warning('older', 60);
      await warning('newer', 10);
      // on the list: the two newest
      const cache = await startCache([connection(dev)], {
        kinds: ['events'],
        maxEventsPerNamespace: 2,
      });
      expect(names(cache.list('dev', 'events', 'noisy').items)).toEqual([
        'newer',
        'old',
      ]);
      // on the watch: a new one pushes the oldest out, as a deletion
      const deleted: string[] = [];
      cache.subscribe(change => {
        if (change.type === 'delete') deleted.push(change.object.metadata.name);
      });
      await warning('newest', 0);
      await until(
        'the newest event',
        () => !!cache.get('dev', 'events', 'noisy', 'newest').item,
      );
      expect(names(cache.list('dev', 'events', 'noisy').items)).toEqual([
        'newest',
        'newer',
      ]);
      expect(deleted).toEqual(['old']);

      const all = await startCache([connection(dev)], {
        kinds: ['namespaces'],
        includeUnmanaged: true,
      });
      expect(names(all.list('dev', 'namespaces').items)).toEqual(
        expect.arrayContaining(['default', 'kube-system', 'scratch', 'noisy']),
      );
    });

    it('reports a CRD that is not installed once, without asking again for minutes', async () => {
      const cache = await startCache([connection(prod)]);
      const status = cache.status('prod');
      const byKind = Object.fromEntries(status.kinds.map(k => [k.kind, k]));
      for (const kind of [
        'virtualmachines',
        'virtualmachineinstances',
        'datavolumes',
      ] as const) {
        expect(byKind[kind]).toMatchObject({
          state: 'not-installed',
          objects: 0,
          lastError: { error: { statusCode: 404 } },
        });
        expect(
          Date.parse(byKind[kind].nextAttemptAt!) - Date.now(),
        ).toBeGreaterThan(9 * 60_000);
      }
      expect(byKind.virtualmachines.message).toBe(
        "KubeVirt VirtualMachines (kubevirt.io/v1) are not installed on cluster 'prod'",
      );
      expect(byKind.kustomizations.state).toBe('synced');
      // the rest of the cluster is served: a missing API is not a failure of the cluster
      expect(status.state).toBe('synced');
      expect(cache.list('prod', 'virtualmachines')).toMatchObject({
        items: [],
        status: { state: 'not-installed' },
      });

      await new Promise(resolve => setTimeout(resolve, 5000));
      const calls = cache.calls('prod').byKind;
      // eslint-disable-next-line no-console
      console.log(
        `not installed, after 5 s: virtualmachines ${JSON.stringify(
          calls.virtualmachines,
        )}, datavolumes ${JSON.stringify(calls.datavolumes)}`,
      );
      expect(calls.virtualmachines).toEqual({
        lists: 1,
        watches: 0,
        expired: 0,
      });
      expect(calls.virtualmachineinstances!.lists).toBe(1);
      expect(calls.datavolumes!.lists).toBe(1);
    });

    it('reports a cluster that forbids access as forbidden, and does not hammer it', async () => {
      const cache = await startCache([
        connection(prod, {
          auth: {
            type: 'serviceAccountToken',
            token: prod.users.nobody.token,
          },
        }),
      ]);
      expect(cache.status('prod')).toMatchObject({
        state: 'forbidden',
        message:
          "the portal is not allowed to read cluster 'prod'; the platform team has been told",
      });
      await new Promise(resolve => setTimeout(resolve, 3000));
      expect(cache.calls('prod')).toMatchObject({ lists: 13, watches: 0 });
    });
  },
);
