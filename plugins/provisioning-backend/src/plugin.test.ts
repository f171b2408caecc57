import {
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import request from 'supertest';
import { provisioningPlugin } from './plugin';

const config = {
  integrations: {
    github: [
      { host: 'github.example', apiBaseUrl: 'https://127.0.0.1:1', token: 't' },
    ],
  },
  provisioning: {
    platformTeam: 'group:default/platform',
    clusters: [
      {
        name: 'down',
        environment: 'dev',
        url: 'https://127.0.0.1:1',
        auth: { type: 'serviceAccountToken', token: 't' },
      },
    ],
    gitops: { host: 'github.example', owner: 'acme', repo: 'gitops' },
  },
};

describe('provisioningPlugin', () => {
  async function start(data: object = config) {
    const { server } = await startTestBackend({
      features: [
        provisioningPlugin,
        catalogServiceMock.factory(),
        // the request status poll would call GitHub at start-up; these tests are about the routes
        mockServices.scheduler.factory({ skipTaskRunOnStartup: true }),
        mockServices.rootConfig.factory({ data }),
      ],
    });
    return server;
  }

  it("asks the permission backend for a user's read decision once per 5 s, and each user for their own", async () => {
    const asked: string[] = [];
    const { server } = await startTestBackend({
      features: [
        provisioningPlugin,
        catalogServiceMock.factory(),
        // the request status poll would call GitHub at start-up; these tests are about the routes
        mockServices.scheduler.factory({ skipTaskRunOnStartup: true }),
        mockServices.rootConfig.factory({ data: config }),
        createServiceFactory({
          service: coreServices.permissions,
          deps: {},
          factory: () => ({
            authorize: async () => [{ result: AuthorizeResult.DENY }],
            authorizeConditional: async (_queries: unknown, options: any) => {
              asked.push(options.credentials.principal.userEntityRef);
              return [{ result: AuthorizeResult.DENY }];
            },
          }),
        }),
      ],
    });
    const summary = (user: string) =>
      request(server)
        .get('/api/provisioning/teams/payments/summary')
        .set('Authorization', mockCredentials.user.header(user))
        .expect(200);
    const now = Date.now();
    const clock = jest.spyOn(Date, 'now').mockReturnValue(now);
    try {
      for (let i = 0; i < 5; i++) await summary('user:default/pat');
      await summary('user:default/bill');
      expect(asked).toEqual(['user:default/pat', 'user:default/bill']);
      clock.mockReturnValue(now + 4_999);
      await summary('user:default/pat');
      expect(asked).toHaveLength(2);
      clock.mockReturnValue(now + 5_000);
      await summary('user:default/pat');
      expect(asked).toEqual([
        'user:default/pat',
        'user:default/bill',
        'user:default/pat',
      ]);
    } finally {
      clock.mockRestore();
    }
  });

  it('answers its health route without credentials', async () => {
    const res = await request(await start()).get('/api/provisioning/health');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
  });

  it('reports a cluster that is down as such, with its own message only to the platform team', async () => {
    const server = await start();
    const res = await request(server)
      .get('/api/provisioning/clusters')
      .set('Authorization', mockCredentials.user.header());
    expect(res.status).toBe(200);
    expect(res.body.items).toEqual([
      expect.objectContaining({
        name: 'down',
        environment: 'dev',
        health: 'unreachable',
        errorType: 'UNREACHABLE',
        message: "cluster 'down' cannot be reached right now",
      }),
    ]);
    expect(JSON.stringify(res.body)).not.toContain('127.0.0.1');
  });

  it('shows the platform team the cluster error itself', async () => {
    const { server } = await startTestBackend({
      features: [
        provisioningPlugin,
        catalogServiceMock.factory(),
        // the request status poll would call GitHub at start-up; these tests are about the routes
        mockServices.scheduler.factory({ skipTaskRunOnStartup: true }),
        mockServices.rootConfig.factory({ data: config }),
        createServiceFactory({
          service: coreServices.userInfo,
          deps: {},
          factory: () =>
            mockServices.userInfo({
              userEntityRef: 'user:default/pat',
              ownershipEntityRefs: [
                'user:default/pat',
                'group:default/platform',
              ],
            }),
        }),
      ],
    });
    const res = await request(server)
      .get('/api/provisioning/clusters')
      .set('Authorization', mockCredentials.user.header('user:default/pat'));
    expect(res.body.items[0].message).toBe('fetch failed: bad port');
  });

  it('lists the configured tiers with their monthly cost', async () => {
    const res = await request(await start())
      .get('/api/provisioning/tiers')
      .set('Authorization', mockCredentials.user.header());
    expect(
      res.body.items.map((t: any) => `${t.name}: ${t.monthlyCost}`),
    ).toEqual([
      'S: 57.00 EUR',
      'M: 148.00 EUR',
      'L: 306.00 EUR',
      'XL: 614.40 EUR',
    ]);
  });

  it('checks custom quota values as they are typed, with the cost', async () => {
    const server = await start();
    const ok = await request(server)
      .post('/api/provisioning/quota')
      .set('Authorization', mockCredentials.user.header())
      .send({
        quota: {
          custom: {
            requestsCpu: '2',
            limitsCpu: '4',
            requestsMemory: '4Gi',
            limitsMemory: '8Gi',
            requestsStorage: '50Gi',
            persistentVolumeClaims: 5,
            pods: 20,
            services: 5,
          },
        },
      });
    expect(ok.body).toEqual({ problems: [], monthlyCost: '57.00 EUR' });
    const bad = await request(server)
      .post('/api/provisioning/quota')
      .set('Authorization', mockCredentials.user.header())
      .send({
        quota: {
          custom: {
            requestsCpu: '6',
            limitsCpu: '4',
            requestsMemory: 'lots',
            limitsMemory: '8Gi',
            requestsStorage: '50Gi',
            persistentVolumeClaims: 5,
            pods: 20,
            services: 5,
          },
        },
      });
    expect(
      bad.body.problems.map((p: any) => `${p.path}: ${p.message}`),
    ).toEqual([
      "quota.custom.requestsMemory: 'lots' is not a Kubernetes quantity (a number with an optional suffix such as m, k, M, G, Ki, Mi, Gi, Ti, or an exponent like 1e3)",
    ]);
    const rule = await request(server)
      .post('/api/provisioning/quota')
      .set('Authorization', mockCredentials.user.header())
      .send({
        quota: {
          custom: {
            requestsCpu: '6',
            limitsCpu: '4',
            requestsMemory: '4Gi',
            limitsMemory: '8Gi',
            requestsStorage: '50Gi',
            persistentVolumeClaims: 5,
            pods: 20,
            services: 5,
          },
        },
      });
    expect(rule.body).toEqual({
      problems: [
        {
          path: 'quota.requestsCpu',
          message: 'must not exceed limitsCpu (6 > 4)',
        },
      ],
    });
  });

  it('answers a bad preview with 400 naming the field', async () => {
    const res = await request(await start())
      .post('/api/provisioning/preview')
      .set('Authorization', mockCredentials.user.header())
      .send({ request: { kind: 'namespace', cluster: 'Dev' } });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain(
      'cluster: must be a DNS-1123 label',
    );
  });

  it('needs credentials for everything but health', async () => {
    const { server } = await startTestBackend({
      features: [
        provisioningPlugin,
        catalogServiceMock.factory(),
        // the request status poll would call GitHub at start-up; these tests are about the routes
        mockServices.scheduler.factory({ skipTaskRunOnStartup: true }),
        mockServices.rootConfig.factory({ data: config }),
        mockServices.httpAuth.factory({
          defaultCredentials: mockCredentials.none(),
        }),
      ],
    });
    expect(
      (await request(server).get('/api/provisioning/clusters')).status,
    ).toBe(401);
    expect((await request(server).get('/api/provisioning/health')).status).toBe(
      200,
    );
  });

  it('refuses every webhook delivery, signed or not, while no webhook secret is configured', async () => {
    const res = await request(await start())
      .post('/api/provisioning/webhooks/github')
      .set('x-github-event', 'ping')
      .send({ zen: 'hi' });
    expect(res.status).toBe(503);
    expect(res.body.error.message).toBe(
      'provisioning.gitops.webhookSecret is not configured, so webhook deliveries are refused',
    );
  });

  it('accepts only signed-in users for the preview', async () => {
    const res = await request(await start())
      .post('/api/provisioning/preview')
      .set('Authorization', mockCredentials.service.header())
      .send({ request: { kind: 'namespace', cluster: 'dev' } });
    expect(res.status).toBe(403);
  });

  it('names the cluster when a namespace request is for one nobody configured', async () => {
    const res = await request(await start())
      .post('/api/provisioning/preview')
      .set('Authorization', mockCredentials.user.header())
      .send({ request: { kind: 'namespace', cluster: 'elsewhere' } });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toBe(
      "cluster: 'elsewhere' is not one of the configured clusters (down)",
    );
  });

  it('lets one user ask for only so many form checks a minute, and says so', async () => {
    const server = await start({
      ...config,
      provisioning: { ...config.provisioning, formChecksPerMinute: 2 },
    });
    const check = (user: string) =>
      request(server)
        .post('/api/provisioning/names')
        .set('Authorization', mockCredentials.user.header(user))
        .send({ kind: 'namespace', cluster: 'down', name: 'Bad_Name' });
    // the first two are answered (a name that breaks the rule is answered without reading anything)
    const first = await check('user:default/jdoe');
    expect(first.status).toBe(200);
    expect(first.body.problems.map((p: { rule: string }) => p.rule)).toEqual([
      'name-format',
    ]);
    expect((await check('user:default/jdoe')).status).toBe(200);
    const refused = await check('user:default/jdoe');
    expect(refused.status).toBe(429);
    expect(refused.body.error).toEqual({
      name: 'TooManyRequestsError',
      message:
        'at most 2 checks a minute per user: wait a minute and check again',
    });
    // each user has their own allowance
    expect((await check('user:default/alice')).status).toBe(200);
  });

  it('refuses to start with bad cluster configuration, naming the path', async () => {
    await expect(
      start({
        provisioning: {
          clusters: [
            { name: 'x', environment: 'qa', auth: { type: 'inCluster' } },
          ],
        },
      }),
    ).rejects.toThrow(
      "provisioning.clusters[0].environment: Invalid enum value. Expected 'dev' | 'staging' | 'prod', received 'qa'",
    );
  });
});
