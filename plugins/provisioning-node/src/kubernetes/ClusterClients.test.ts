import net from 'node:net';
import {
  clusterConnection,
  describeWithKube,
  KubeTestEnv,
  startKubeTestEnv,
} from '@kubeportal/test-environment';
import { ClusterConnection } from '../config/clusters';
import { ClusterClients, ClusterError, publicMessage } from './ClusterClients';

const lookupNamespace = (cluster: ClusterConnection, name: string) =>
  new ClusterClients([cluster]).lookupNamespace(cluster.name, name);

jest.setTimeout(120_000);

describeWithKube(
  'lookupNamespace against a real API server (@kubernetes/client-node)',
  () => {
    let env: KubeTestEnv;
    let cluster: ClusterConnection;

    beforeAll(async () => {
      env = await startKubeTestEnv({
        clusters: ['dev'],
        controllerManager: false,
      });
      const dev = env.clusters.dev;
      cluster = {
        name: 'dev',
        environment: 'dev',
        storageClasses: [],
        networks: [],
        ...clusterConnection(dev),
      };
      await dev.api.request('POST', '/api/v1/namespaces', {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: 'payments', labels: { team: 'payments' } },
      });
    });
    afterAll(() => env?.stop());

    it('tells taken from free', async () => {
      await expect(lookupNamespace(cluster, 'payments')).resolves.toEqual({
        state: 'taken',
        labels: expect.objectContaining({ team: 'payments' }),
      });
      await expect(lookupNamespace(cluster, 'billing')).resolves.toEqual({
        state: 'free',
      });
    });

    it('reports a cluster that denies access or is down as unreachable, never as free', async () => {
      const denied = await lookupNamespace(
        { ...cluster, auth: { type: 'serviceAccountToken', token: 'wrong' } },
        'billing',
      );
      expect(denied).toEqual({
        state: 'unreachable',
        reason: expect.stringMatching(/^401/),
        error: expect.objectContaining({
          errorType: 'UNAUTHORIZED',
          statusCode: 401,
        }),
      });
      const down = await lookupNamespace(
        { ...cluster, url: 'https://127.0.0.1:1' },
        'billing',
      );
      expect(down.state).toBe('unreachable');
    });

    it('times out a cluster that does not answer, and names no address in the public message', async () => {
      const silent = net.createServer(() => {}); // accepts and never answers
      await new Promise<void>(resolve =>
        silent.listen(0, '127.0.0.1', resolve),
      );
      const port = (silent.address() as { port: number }).port;
      const clients = new ClusterClients(
        [{ ...cluster, url: `https://127.0.0.1:${port}` }],
        { timeoutMs: 300 },
      );
      const started = Date.now();
      const found = await clients.lookupNamespace('dev', 'billing');
      silent.close();
      expect(found).toMatchObject({
        state: 'unreachable',
        error: { errorType: 'TIMEOUT' },
      });
      expect(Date.now() - started).toBeLessThan(5000);
      expect(
        publicMessage('dev', (found as { error: ClusterError }).error),
      ).toBe("cluster 'dev' did not answer in time");
    });
  },
);
