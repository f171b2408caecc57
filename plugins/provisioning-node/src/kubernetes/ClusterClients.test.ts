import { describeWithKube, KubeTestEnv, startKubeTestEnv } from '@kubeportal/test-environment';
import { ClusterConnection } from '../config/clusters';
import { lookupNamespace } from './ClusterClients';

jest.setTimeout(120_000);

describeWithKube('lookupNamespace against a real API server (@kubernetes/client-node)', () => {
  let env: KubeTestEnv;
  let cluster: ClusterConnection;

  beforeAll(async () => {
    env = await startKubeTestEnv({ clusters: ['dev'], controllerManager: false });
    const dev = env.clusters.dev;
    cluster = {
      name: 'dev',
      environment: 'dev',
      url: dev.server,
      caData: Buffer.from(dev.caPem).toString('base64'),
      auth: { type: 'serviceAccountToken', token: dev.adminToken },
      storageClasses: [],
      networks: [],
    };
    await dev.api.request('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'payments', labels: { team: 'payments' } } });
  });
  afterAll(() => env?.stop());

  it('tells taken from free', async () => {
    await expect(lookupNamespace(cluster, 'payments')).resolves.toEqual({ state: 'taken', labels: expect.objectContaining({ team: 'payments' }) });
    await expect(lookupNamespace(cluster, 'billing')).resolves.toEqual({ state: 'free' });
  });

  it('reports a cluster that denies access or is down as unreachable, never as free', async () => {
    const denied = await lookupNamespace({ ...cluster, auth: { type: 'serviceAccountToken', token: 'wrong' } }, 'billing');
    expect(denied).toEqual({ state: 'unreachable', reason: expect.stringMatching(/^401/) });
    const down = await lookupNamespace({ ...cluster, url: 'https://127.0.0.1:1' }, 'billing');
    expect(down.state).toBe('unreachable');
  });
});
