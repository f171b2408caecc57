import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import request from 'supertest';
import { provisioningPlugin } from './plugin';

describe('provisioningPlugin', () => {
  it('answers its health route without credentials', async () => {
    const { server } = await startTestBackend({
      features: [provisioningPlugin, mockServices.rootConfig.factory({ data: {} })],
    });
    const res = await request(server).get('/api/provisioning/health');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
  });

  it('does not serve unknown routes', async () => {
    const { server } = await startTestBackend({ features: [provisioningPlugin] });
    const res = await request(server).get('/api/provisioning/nope');
    expect(res.status).toBe(404);
  });
});
