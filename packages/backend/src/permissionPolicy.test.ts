import {
  coreServices,
  createBackendModule,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import catalogModuleTemplateKind from '@backstage/plugin-catalog-backend-module-scaffolder-entity-model';
import {
  catalogEntityReadPermission,
  catalogLocationCreatePermission,
} from '@backstage/plugin-catalog-common/alpha';
import { catalogProcessingExtensionPoint } from '@backstage/plugin-catalog-node';
import permissionPlugin from '@backstage/plugin-permission-backend';
import scaffolderPlugin from '@backstage/plugin-scaffolder-backend';
import provisioningPlugin from '@kubeportal/plugin-provisioning-backend';
import {
  CATALOG_KEYS,
  LABELS,
  MANAGED_BY,
  NAMESPACE_ENTITY_TYPE,
  parsePlatformSettings,
  parseRequest,
  renderRequest,
  vmObjects,
  VmRequest,
} from '@kubeportal/plugin-provisioning-common';
import {
  CLUSTER_STATE_KINDS,
  createProvisioningService,
  ProvisioningService,
  provisioningServiceRef,
} from '@kubeportal/plugin-provisioning-node';
import scaffolderModuleProvisioning from '@kubeportal/plugin-scaffolder-backend-module-provisioning';
import {
  clusterConnection,
  describeWithKube,
  emulateVmRunning,
  registerNodes,
  GitHubEmulator,
  KubeTestEnv,
  portalTestConfig,
  startKubeTestEnv,
  waitUntil,
  authWithPluginActor,
} from '@kubeportal/test-environment';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import YAML from 'yaml';
import {
  spoofedTemplate,
  trustedCatalog,
  USERS,
} from './__fixtures__/portalCatalog';
import {
  PortalPermissionPolicy,
  portalPermissionPolicyModule,
  PROVISIONING_ACTION_IDS,
} from './permissionPolicy';

jest.setTimeout(120_000);

const PLATFORM_TEAM = 'group:default/platform';
/** Ownership refs per user, as sign-in resolves them: the user and their team. */
const ownership: Record<string, string[]> = {
  [USERS.payments]: [USERS.payments, 'group:default/payments'],
  [USERS.billing]: [USERS.billing, 'group:default/billing'],
  [USERS.platform]: [USERS.platform, PLATFORM_TEAM],
};
const userInfoFromSignIn = createServiceFactory({
  service: coreServices.userInfo,
  deps: {},
  factory: () => ({
    getUserInfo: async (credentials: any) => {
      const userEntityRef = credentials.principal.userEntityRef as string;
      return {
        userEntityRef,
        ownershipEntityRefs: ownership[userEntityRef] ?? [userEntityRef],
      };
    },
  }),
});

/** The backend's provisioning service, built as its default factory builds it, kept for the test to look into. */
let provisioning: ProvisioningService;
const inspectableProvisioning = createServiceFactory({
  service: provisioningServiceRef,
  deps: {
    config: coreServices.rootConfig,
    logger: coreServices.rootLogger,
    lifecycle: coreServices.rootLifecycle,
  },
  factory: ({ config, logger, lifecycle }) => {
    provisioning = createProvisioningService(config, {
      logger: logger.child({ plugin: 'provisioning' }),
    });
    lifecycle.addShutdownHook(() => provisioning.state.stop());
    return provisioning;
  },
});

/** A request made as a signed-in user. */
const as = (user: string, req: request.Test) =>
  req.set('Authorization', mockCredentials.user.header(user));

/** Namespace entities of two teams, as the catalog module publishes them from the clusters. */
const liveEntities = ['payments', 'billing'].map(team => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Resource',
  metadata: {
    name: `dev.${team}-live`,
    annotations: {
      'backstage.io/managed-by-location': 'provisioning:clusters/dev',
      'backstage.io/managed-by-origin-location': 'provisioning:clusters/dev',
      [CATALOG_KEYS.cluster]: 'dev',
      [CATALOG_KEYS.namespace]: `${team}-live`,
    },
  },
  spec: {
    type: NAMESPACE_ENTITY_TYPE,
    owner: `group:default/${team}`,
  },
}));

/** A template from a team's repository, owned (it says) by the platform team. */
const teamRepositoryTemplates = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'test-team-repository',
  register(env) {
    env.registerInit({
      deps: { catalog: catalogProcessingExtensionPoint },
      async init({ catalog }) {
        catalog.addEntityProvider({
          getProviderName: () => 'team-repository',
          connect: connection =>
            connection.applyMutation({
              type: 'full',
              entities: [
                { entity: spoofedTemplate, locationKey: 'team-repository' },
                ...liveEntities.map(entity => ({
                  entity,
                  locationKey: 'team-repository',
                })),
              ],
            }),
        });
      },
    });
  },
});

/** The GitOps repository: cluster roots, and one namespace of the billing team on dev. */
function gitopsSeed(
  clusters: Array<{ name: string; environment: 'dev' | 'prod' }>,
): Record<string, string> {
  const kustomization =
    'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: []\n';
  const billingDev = renderRequest(
    parseRequest({
      kind: 'namespace',
      cluster: 'dev',
      requester: USERS.billing,
      purpose: 'Billing runs',
      name: 'billing-dev',
      team: 'group:default/billing',
      environment: 'dev',
      costCentre: 'CC-9',
      quota: { tier: 'S' },
    }),
    {
      settings: parsePlatformSettings({ clusters }),
      repo: new Map(),
      codeowners: ['bob-lead', 'platform-lead'],
    },
  );
  return {
    'clusters/dev/kustomization.yaml': kustomization,
    'clusters/prod/kustomization.yaml': kustomization,
    ...Object.fromEntries(
      billingDev.changes
        .filter(c => c.content !== null)
        .map(c => [c.path, c.content as string]),
    ),
  };
}

describeWithKube(
  'the portal permission policy, through the real backend',
  () => {
    let github: GitHubEmulator;
    let server: any;
    let dir: string;
    let kube: KubeTestEnv;

    beforeAll(async () => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'portal-catalog-'));
      const catalogFile = path.join(dir, 'catalog-info.yaml');
      fs.writeFileSync(
        catalogFile,
        trustedCatalog.map(e => YAML.stringify(e)).join('---\n'),
      );

      const clusters = [
        { name: 'dev', environment: 'dev' as const },
        { name: 'prod', environment: 'prod' as const },
      ];
      github = new GitHubEmulator({ tokens: { 'portal-token': 'portal-bot' } });
      await github.start();
      // dev is a real API server with the quota controller; prod cannot be reached
      kube = await startKubeTestEnv({ clusters: ['dev'] });
      const api = kube.clusters.dev.api;
      for (const [name, team] of [
        ['payments-live', 'payments'],
        ['billing-live', 'billing'],
      ]) {
        await api.request('POST', '/api/v1/namespaces', {
          apiVersion: 'v1',
          kind: 'Namespace',
          metadata: {
            name,
            labels: { [LABELS.managedBy]: MANAGED_BY, [LABELS.owner]: team },
          },
        });
        await api.request('POST', `/api/v1/namespaces/${name}/resourcequotas`, {
          apiVersion: 'v1',
          kind: 'ResourceQuota',
          metadata: { name: 'quota' },
          spec: { hard: { pods: '5', 'requests.cpu': '2' } },
        });
      }
      // a pod counts against the quota even without a kubelet to run it (admitted once the controller manager has
      // made the namespace's default service account)
      const pod = () =>
        api.request('POST', '/api/v1/namespaces/payments-live/pods', {
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: { name: 'web' },
          spec: {
            containers: [
              {
                name: 'web',
                image: 'registry.example/web:1',
                resources: { requests: { cpu: '500m' }, limits: { cpu: '1' } },
              },
            ],
          },
        });
      await waitUntil(
        'the pod is admitted',
        () =>
          pod().then(
            () => true,
            () => false,
          ),
        { timeoutMs: 60_000, intervalMs: 500 },
      );
      // Nodes exist here only as API objects: no kubelet runs to register them, report their capacity or run pods.
      // They are created with the capacity a kubelet would report, for the clusters' capacity.
      await registerNodes(api, [
        { name: 'node-a', cpu: '4', memory: '16Gi' },
        { name: 'node-b', cpu: '8', memory: '32Gi' },
      ]);
      // a VM of payments as the portal renders it, created through the API (KubeVirt's CRDs are installed, KubeVirt
      // and CDI do not run): its instance and Running status written as virt-controller would, its root disk's
      // DataVolume as CDI would
      const [vm] = vmObjects(
        parseRequest({
          kind: 'vm',
          cluster: 'dev',
          namespace: 'payments-live',
          name: 'payments-vm',
          requester: USERS.payments,
          purpose: 'Live state',
          cpu: 2,
          memory: '4Gi',
          rootDisk: {
            size: '10Gi',
            source: { type: 'http', url: 'https://images.example/a.qcow2' },
          },
        }) as VmRequest,
        { [LABELS.managedBy]: MANAGED_BY, [LABELS.owner]: 'payments' },
        {},
      );
      await api.request(
        'POST',
        '/apis/kubevirt.io/v1/namespaces/payments-live/virtualmachines',
        vm,
      );
      await api.request(
        'POST',
        '/apis/cdi.kubevirt.io/v1beta1/namespaces/payments-live/datavolumes',
        {
          apiVersion: 'cdi.kubevirt.io/v1beta1',
          kind: 'DataVolume',
          metadata: { name: 'payments-vm-rootdisk' },
          spec: {
            source: { http: { url: 'https://images.example/a.qcow2' } },
            storage: { resources: { requests: { storage: '10Gi' } } },
          },
        },
      );
      await api.apply(
        {
          apiVersion: 'cdi.kubevirt.io/v1beta1',
          kind: 'DataVolume',
          metadata: {
            name: 'payments-vm-rootdisk',
            namespace: 'payments-live',
          },
          status: {
            phase: 'Succeeded',
            progress: '100.0%',
            claimName: 'payments-vm-rootdisk',
            conditions: [{ type: 'Ready', status: 'True', reason: 'Ready' }],
          },
        } as any,
        { subresource: 'status' },
      );
      await emulateVmRunning(
        api,
        'payments-live',
        'payments-vm',
        '10.244.0.17',
      );
      await github.createRepo('acme/gitops', {
        files: gitopsSeed(clusters),
        collaborators: ['alice', 'bob-lead', 'platform-lead'],
      });

      const backend = await startTestBackend({
        features: [
          permissionPlugin,
          portalPermissionPolicyModule,
          catalogPlugin,
          catalogModuleTemplateKind,
          teamRepositoryTemplates,
          scaffolderPlugin,
          scaffolderModuleProvisioning,
          provisioningPlugin,
          inspectableProvisioning,
          userInfoFromSignIn,
          authWithPluginActor,
          // a request without a token is unauthenticated (the test double would make it a default user)
          mockServices.httpAuth.factory({
            defaultCredentials: mockCredentials.none(),
          }),
          mockServices.rootConfig.factory({
            data: {
              ...portalTestConfig({
                github,
                baseUrl: 'http://portal.test',
                provisioning: { platformTeam: PLATFORM_TEAM },
                clusters: clusters.map(c =>
                  c.name === 'dev'
                    ? { ...c, ...clusterConnection(kube.clusters.dev) }
                    : {
                        ...c,
                        url: 'https://127.0.0.1:1',
                        auth: { type: 'serviceAccountToken', token: 't' },
                      },
                ),
              }),
              permission: { enabled: true },
              catalog: {
                rules: [
                  {
                    allow: [
                      'Component',
                      'System',
                      'API',
                      'Resource',
                      'Location',
                    ],
                  },
                ],
                // the portal's own location, which allows templates: the one location templates are trusted from
                locations: [
                  {
                    type: 'file',
                    target: catalogFile,
                    rules: [
                      { allow: ['Group', 'User', 'Template', 'Location'] },
                    ],
                  },
                ],
              },
            },
          }),
        ],
      });
      server = backend.server;
      // the catalog has read the location and the team repository
      const refs = [
        'template/default/log-hello',
        'template/default/spoofed-describe',
        'group/default/billing',
        'user/default/jdoe',
      ];
      const read = async (ref: string) =>
        (
          await as(
            USERS.platform,
            request(server).get(`/api/catalog/entities/by-name/${ref}`),
          )
        ).status === 200;
      await waitUntil(
        'the test catalog',
        async () => (await Promise.all(refs.map(read))).every(Boolean),
        { timeoutMs: 60_000, intervalMs: 250 },
      );
    });
    afterAll(async () => {
      await github?.stop();
      await kube?.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    });

    const preview = (user: string, body: Record<string, unknown>) =>
      as(user, request(server).post('/api/provisioning/preview')).send({
        request: body,
      });
    const namespaceRequest = (
      team: string,
      environment: 'dev' | 'prod' = 'dev',
    ) => ({
      kind: 'namespace',
      cluster: environment,
      name: `${team}-${environment}-app`,
      team: `group:default/${team}`,
      environment,
      purpose: 'Service development',
      quota: { tier: 'S' },
    });
    const decommission = {
      kind: 'decommission',
      cluster: 'dev',
      namespace: 'billing-dev',
      purpose: 'Not needed any more',
    };

    async function runTask(user: string, template: string) {
      const created = await as(
        user,
        request(server).post('/api/scaffolder/v2/tasks'),
      ).send({ templateRef: `template:default/${template}`, values: {} });
      if (created.status !== 201) return { status: created.status, created };
      let task: any;
      await waitUntil(
        `task ${created.body.id}`,
        async () => {
          task = (
            await as(
              user,
              request(server).get(
                `/api/scaffolder/v2/tasks/${created.body.id}`,
              ),
            )
          ).body;
          return ['completed', 'failed', 'cancelled'].includes(task.status);
        },
        { timeoutMs: 30_000, intervalMs: 200 },
      );
      const events = await as(
        user,
        request(server).get(
          `/api/scaffolder/v2/tasks/${created.body.id}/events`,
        ),
      );
      const log = (events.body as any[])
        .map(e => e.body?.message)
        .filter(Boolean)
        .join('\n');
      return {
        status: created.status,
        id: created.body.id as string,
        task,
        log,
      };
    }

    describe('provisioning requests', () => {
      it('lets a payments user preview a namespace for payments', async () => {
        const res = await preview(USERS.payments, namespaceRequest('payments'));
        expect(res.status).toBe(200);
        expect(res.body.title).toBe(
          'Namespace payments-dev-app on dev for payments',
        );
      });

      it('refuses a payments user a namespace for billing, from the permission policy', async () => {
        const res = await preview(USERS.payments, namespaceRequest('billing'));
        expect(res.status).toBe(403);
        expect(res.body.error.message).toBe(
          "team: user:default/jdoe is not allowed provisioning.request.namespace.create for 'group:default/billing'",
        );
      });

      it('lets a payments user ask for prod for payments, but never for billing', async () => {
        expect(
          (await preview(USERS.payments, namespaceRequest('payments', 'prod')))
            .status,
        ).toBe(200);
        const res = await preview(
          USERS.payments,
          namespaceRequest('billing', 'prod'),
        );
        expect(res.status).toBe(403);
        expect(res.body.error.message).toContain("for 'group:default/billing'");
      });

      it("refuses a payments user the decommission of billing's namespace", async () => {
        const res = await preview(USERS.payments, decommission);
        expect(res.status).toBe(403);
        expect(res.body.error.message).toContain("'billing-dev'");
      });

      it('lets the platform team request for any team, prod and decommission included', async () => {
        expect(
          (await preview(USERS.platform, namespaceRequest('billing'))).status,
        ).toBe(200);
        expect(
          (await preview(USERS.platform, namespaceRequest('billing', 'prod')))
            .status,
        ).toBe(200);
        const res = await preview(USERS.platform, decommission);
        expect(res.status).toBe(200);
        expect(res.body.title).toContain('billing-dev');
      });
    });

    describe('live namespace state', () => {
      const state = (user: string | undefined, cluster: string, ns: string) => {
        const req = request(server).get(
          `/api/provisioning/clusters/${cluster}/namespaces/${ns}/state`,
        );
        return user ? as(user, req) : req;
      };
      const hidden = (cluster: string, ns: string) => ({
        error: expect.objectContaining({
          name: 'NotFoundError',
          message: `no namespace '${ns}' on cluster '${cluster}' that you may read`,
        }),
      });

      it("lets a team read its own namespace's quota usage, read from the real quota controller", async () => {
        let body: any;
        await waitUntil(
          'the quota controller counted the pod',
          async () => {
            const res = await state(USERS.payments, 'dev', 'payments-live');
            body = res.body;
            return (
              res.status === 200 &&
              body.quotas[0]?.resources.find((r: any) => r.resource === 'pods')
                ?.used === '1'
            );
          },
          { timeoutMs: 60_000, intervalMs: 500 },
        );
        expect(body).toMatchObject({
          cluster: 'dev',
          name: 'payments-live',
          team: 'group:default/payments',
          phase: 'Active',
          quotas: [
            {
              name: 'quota',
              resources: [
                {
                  resource: 'pods',
                  hard: '5',
                  used: '1',
                  ratio: 0.2,
                  exceeded: false,
                },
                {
                  resource: 'requests.cpu',
                  hard: '2',
                  used: '500m',
                  ratio: 0.25,
                  exceeded: false,
                },
              ],
            },
          ],
          pods: { byPhase: { Pending: 1 } },
        });
        expect(body.pods.items).toEqual([
          { name: 'web', phase: 'Pending', ready: false, restarts: 0 },
        ]);
        // every source says how old it is, and nobody but the platform team reads a cluster's own errors
        expect(body.sources.map((s: any) => s.kind)).toContain(
          'resourcequotas',
        );
        for (const source of body.sources) {
          expect(source.lastError).toBeUndefined();
          expect(['synced', 'not-installed']).toContain(source.state);
        }
      });

      it("answers another team's namespace exactly as one that does not exist", async () => {
        const other = await state(USERS.payments, 'dev', 'billing-live');
        const missing = await state(USERS.payments, 'dev', 'no-such-ns');
        expect([other.status, missing.status]).toEqual([404, 404]);
        expect(other.body).toMatchObject(hidden('dev', 'billing-live'));
        expect(missing.body).toMatchObject(hidden('dev', 'no-such-ns'));
        // unmanaged namespaces and unknown clusters are not there either
        expect((await state(USERS.payments, 'dev', 'kube-system')).status).toBe(
          404,
        );
        expect(
          (await state(USERS.payments, 'elsewhere', 'payments-live')).status,
        ).toBe(404);
      });

      it('lets the billing team read its own, and the platform team read every namespace', async () => {
        expect((await state(USERS.billing, 'dev', 'billing-live')).status).toBe(
          200,
        );
        expect(
          (await state(USERS.billing, 'dev', 'payments-live')).status,
        ).toBe(404);
        for (const ns of ['payments-live', 'billing-live'])
          expect((await state(USERS.platform, 'dev', ns)).status).toBe(200);
      });

      it('refuses an unauthenticated caller', async () => {
        expect((await state(undefined, 'dev', 'payments-live')).status).toBe(
          401,
        );
      });

      const get = (user: string | undefined, route: string) => {
        const req = request(server).get(`/api/provisioning${route}`);
        return user ? as(user, req) : req;
      };
      /** Backstage's answer to a request without a token, with the path inside the plugin. */
      const missingCredentials = (url: string) => ({
        error: { name: 'AuthenticationError', message: 'Missing credentials' },
        request: { method: 'GET', url },
        response: { statusCode: 401 },
      });
      /** Every field as it is, but the ages: they move with every bookmark. */
      const withoutAges = (body: unknown): unknown =>
        JSON.parse(
          JSON.stringify(body, (key, value) =>
            key === 'lastSyncedAt' || key === 'lastHeardAt' ? undefined : value,
          ),
        );
      const age = {
        lastSyncedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        lastHeardAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      };
      /** The quota controller has counted the pod of payments-live. */
      const quotaCounted = () =>
        waitUntil(
          'the quota controller counted the pod',
          async () =>
            (
              await state(USERS.platform, 'dev', 'payments-live')
            ).body.quotas?.[0]?.resources.find(
              (r: any) => r.resource === 'pods',
            )?.used === '1',
          { timeoutMs: 60_000, intervalMs: 500 },
        );

      describe('GET /clusters', () => {
        // the nodes (4 + 8 cores, 16 + 32Gi, 110 pods each) against the quotas of payments-live and billing-live
        // (2 cores and 5 pods each, no memory) and the launcher pod of payments-vm (2 vCPU, 4Gi): 200m CPU, 5m for
        // the console log sidecar; 4Gi + KubeVirt's overhead (297,795,585 bytes for 2 vCPU and 4Gi) + 35M
        const devCapacity = {
          resources: [
            {
              resource: 'cpu',
              allocatable: '12',
              quotas: '4',
              unboundedNamespaces: 0,
              vms: '205m',
              quotasRatio: 0.3333,
              vmsRatio: 0.017,
            },
            {
              resource: 'memory',
              allocatable: '48Gi',
              quotas: '0',
              unboundedNamespaces: 2,
              vms: '4627762881',
              quotasRatio: 0,
              vmsRatio: 0.0897,
            },
            {
              resource: 'pods',
              allocatable: '220',
              quotas: '10',
              unboundedNamespaces: 0,
              vms: '1',
              quotasRatio: 0.0454,
              vmsRatio: 0.0045,
            },
          ],
          nodes: 2,
          unschedulableNodes: 0,
          namespaces: 2,
          vms: 1,
          unsizedVms: 0,
          incomplete: [],
        };
        // prod never answered: nothing is known of it, which is not the same as nothing being there
        const prodCapacity = {
          resources: ['cpu', 'memory', 'pods'].map(resource => ({
            resource,
            unboundedNamespaces: 0,
          })),
          nodes: 0,
          unschedulableNodes: 0,
          namespaces: 0,
          vms: 0,
          unsizedVms: 0,
          incomplete: [
            'nodes',
            'namespaces',
            'resourcequotas',
            'virtualmachines',
            'virtualmachineinstances',
          ],
        };
        const clusters = (prodMessage: string) => ({
          items: [
            {
              name: 'dev',
              title: 'dev',
              environment: 'dev',
              storageClasses: [],
              networks: [],
              health: 'ok',
              state: 'synced',
              ...age,
              capacity: devCapacity,
            },
            {
              name: 'prod',
              title: 'prod',
              environment: 'prod',
              storageClasses: [],
              networks: [],
              health: 'unreachable',
              state: 'unreachable',
              errorType: 'UNREACHABLE',
              message: prodMessage,
              capacity: prodCapacity,
            },
          ],
        });

        it('gives every team the health and capacity of every cluster, from the cache, in words anyone may read', async () => {
          await quotaCounted();
          const payments = await get(USERS.payments, '/clusters');
          expect(payments.status).toBe(200);
          expect(payments.body).toEqual(
            clusters("cluster 'prod' cannot be reached right now"),
          );
          // capacity is a sum over every team: no team reads more, or less, than another
          const billing = await get(USERS.billing, '/clusters');
          expect(billing.status).toBe(200);
          expect(withoutAges(billing.body)).toEqual(withoutAges(payments.body));
        });

        it("shows the platform team the clusters' own errors", async () => {
          const res = await get(USERS.platform, '/clusters');
          expect(res.status).toBe(200);
          expect(res.body).toEqual(clusters('fetch failed: bad port'));
        });

        it('refuses an unauthenticated caller', async () => {
          const res = await get(undefined, '/clusters');
          expect(res.status).toBe(401);
          expect(res.body).toEqual(missingCredentials('/clusters'));
        });
      });

      describe('GET /clusters/:cluster/namespaces/:namespace/vms/:vm/state', () => {
        const vmState = (
          user: string | undefined,
          cluster: string,
          ns: string,
          vm: string,
        ) => get(user, `/clusters/${cluster}/namespaces/${ns}/vms/${vm}/state`);
        const noVm = (cluster: string, ns: string, vm: string) => ({
          error: {
            name: 'NotFoundError',
            message: `no VM '${vm}' in namespace '${ns}' on cluster '${cluster}' that you may read`,
          },
          request: {
            method: 'GET',
            // as Backstage's error handler puts it: the path inside the plugin
            url: `/clusters/${cluster}/namespaces/${ns}/vms/${vm}/state`,
          },
          response: { statusCode: 404 },
        });
        const paymentsVm = {
          cluster: 'dev',
          namespace: 'payments-live',
          team: 'group:default/payments',
          name: 'payments-vm',
          runStrategy: 'Always',
          printableStatus: 'Running',
          health: { state: 'ready' },
          phase: 'Running',
          node: 'emulated-node',
          ips: ['10.244.0.17'],
          cpu: 2,
          memory: '4Gi',
          disks: [
            {
              name: 'rootdisk',
              dataVolume: 'payments-vm-rootdisk',
              health: { state: 'ready', reason: 'Ready' },
              phase: 'Succeeded',
            },
          ],
          createdAt: expect.any(String),
          dataVolumes: [
            {
              name: 'payments-vm-rootdisk',
              phase: 'Succeeded',
              progress: '100.0%',
              health: { state: 'ready', reason: 'Ready' },
              source: 'http',
              size: '10Gi',
              claimName: 'payments-vm-rootdisk',
              createdAt: expect.any(String),
            },
          ],
          sources: [
            'namespaces',
            'virtualmachines',
            'virtualmachineinstances',
            'datavolumes',
          ].map(kind => ({
            cluster: 'dev',
            kind,
            state: 'synced',
            objects: expect.any(Number),
            ...age,
          })),
        };

        it('lets the owning team read its VM with its instance, disks and DataVolumes', async () => {
          const res = await vmState(
            USERS.payments,
            'dev',
            'payments-live',
            'payments-vm',
          );
          expect(res.status).toBe(200);
          expect(res.body).toEqual(paymentsVm);
        });

        it("answers another team's VM exactly as one that does not exist", async () => {
          const other = await vmState(
            USERS.billing,
            'dev',
            'payments-live',
            'payments-vm',
          );
          const missing = await vmState(
            USERS.billing,
            'dev',
            'payments-live',
            'no-such-vm',
          );
          expect([other.status, missing.status]).toEqual([404, 404]);
          expect(other.body).toEqual(
            noVm('dev', 'payments-live', 'payments-vm'),
          );
          expect(missing.body).toEqual(
            noVm('dev', 'payments-live', 'no-such-vm'),
          );
        });

        it('lets the platform team read every VM', async () => {
          const res = await vmState(
            USERS.platform,
            'dev',
            'payments-live',
            'payments-vm',
          );
          expect(res.status).toBe(200);
          expect(res.body).toEqual(paymentsVm);
        });

        it('refuses an unauthenticated caller', async () => {
          const res = await vmState(
            undefined,
            'dev',
            'payments-live',
            'payments-vm',
          );
          expect(res.status).toBe(401);
          expect(res.body).toEqual(
            missingCredentials(
              '/clusters/dev/namespaces/payments-live/vms/payments-vm/state',
            ),
          );
        });

        it('answers an unknown VM, namespace or cluster as not found, the same for the owner', async () => {
          for (const [cluster, ns, vm] of [
            ['dev', 'payments-live', 'no-such-vm'],
            ['dev', 'no-such-ns', 'payments-vm'],
            ['dev', 'kube-system', 'payments-vm'],
            ['elsewhere', 'payments-live', 'payments-vm'],
          ]) {
            const res = await vmState(USERS.payments, cluster, ns, vm);
            expect(res.status).toBe(404);
            expect(res.body).toEqual(noVm(cluster, ns, vm));
          }
        });
      });

      describe('GET /teams/:team/summary', () => {
        const summary = (user: string | undefined, team: string) =>
          get(user, `/teams/${encodeURIComponent(team)}/summary`);
        const prod = (message: string) => ({
          cluster: 'prod',
          health: 'unreachable',
          state: 'unreachable',
          errorType: 'UNREACHABLE',
          message,
          namespaces: [],
          vms: { total: 0, byStatus: {} },
        });
        const publicProd = prod("cluster 'prod' cannot be reached right now");
        const teamOn = (
          team: string,
          namespaces: unknown[],
          vms: { total: number; byStatus: Record<string, number> },
          prodCluster: unknown = publicProd,
        ) => ({
          team,
          clusters: [
            {
              cluster: 'dev',
              health: 'ok',
              state: 'synced',
              ...age,
              namespaces,
              vms,
            },
            prodCluster,
          ],
        });
        // one pod of 500m counted against 5 pods and 2 cores: CPU is the closer to its limit
        const paymentsLive = {
          name: 'payments-live',
          phase: 'Active',
          quota: {
            quota: 'quota',
            resource: 'requests.cpu',
            hard: '2',
            used: '500m',
            ratio: 0.25,
            exceeded: false,
          },
          vms: { total: 1, byStatus: { Running: 1 } },
        };
        const billingLive = {
          name: 'billing-live',
          phase: 'Active',
          quota: {
            quota: 'quota',
            resource: 'pods',
            hard: '5',
            used: '0',
            ratio: 0,
            exceeded: false,
          },
          vms: { total: 0, byStatus: {} },
        };

        it('gives a team its namespaces with quota and VMs, by short name or by ref', async () => {
          await quotaCounted();
          for (const team of ['payments', 'group:default/payments']) {
            const res = await summary(USERS.payments, team);
            expect(res.status).toBe(200);
            expect(res.body).toEqual(
              teamOn('group:default/payments', [paymentsLive], {
                total: 1,
                byStatus: { Running: 1 },
              }),
            );
          }
        });

        it("answers another team's summary as a team with no namespaces, like a team that does not exist", async () => {
          const other = await summary(USERS.billing, 'payments');
          const unknown = await summary(USERS.billing, 'no-such-team');
          expect([other.status, unknown.status]).toEqual([200, 200]);
          const empty = { total: 0, byStatus: {} };
          expect(other.body).toEqual(
            teamOn('group:default/payments', [], empty),
          );
          expect(unknown.body).toEqual(
            teamOn('group:default/no-such-team', [], empty),
          );
          // the billing team still reads its own
          expect((await summary(USERS.billing, 'billing')).body).toEqual(
            teamOn('group:default/billing', [billingLive], empty),
          );
        });

        it("lets the platform team read every team's summary, with the clusters' own errors", async () => {
          await quotaCounted();
          const platformProd = prod('fetch failed: bad port');
          expect((await summary(USERS.platform, 'payments')).body).toEqual(
            teamOn(
              'group:default/payments',
              [paymentsLive],
              { total: 1, byStatus: { Running: 1 } },
              platformProd,
            ),
          );
          expect((await summary(USERS.platform, 'billing')).body).toEqual(
            teamOn(
              'group:default/billing',
              [billingLive],
              { total: 0, byStatus: {} },
              platformProd,
            ),
          );
        });

        it('refuses an unauthenticated caller', async () => {
          const res = await summary(undefined, 'payments');
          expect(res.status).toBe(401);
          expect(res.body).toEqual(
            missingCredentials('/teams/payments/summary'),
          );
        });

        it('refuses a ref that is not a team, naming the rule', async () => {
          for (const [team, message] of [
            [
              'user:default/jdoe',
              "team: must be a group entity ref like 'group:default/name'",
            ],
            [
              'Payments_Team',
              "team: team name 'Payments_Team' must be a DNS-1123 label: lower-case letters, digits and '-', starting and ending with a letter or digit",
            ],
          ]) {
            const res = await summary(USERS.payments, team);
            expect(res.status).toBe(400);
            expect(res.body.error).toMatchObject({
              name: 'InputError',
              message,
            });
          }
        });
      });

      it('makes no Kubernetes call per read: the calls do not grow with the number of reads', async () => {
        await quotaCounted();
        const kinds = new Set<string>(CLUSTER_STATE_KINDS);
        /** The API server's own count of LIST and GET requests on the kinds the cache holds, from its metrics. */
        const apiServerReads = async () => {
          const text: string = await kube.clusters.dev.api.get('/metrics');
          let total = 0;
          for (const line of text.split('\n')) {
            if (!line.startsWith('apiserver_request_total{')) continue;
            const labels = Object.fromEntries(
              [...line.matchAll(/(\w+)="([^"]*)"/g)].map(m => [m[1], m[2]]),
            );
            if (
              (labels.verb === 'LIST' || labels.verb === 'GET') &&
              kinds.has(labels.resource)
            )
              total += Number(line.slice(line.lastIndexOf(' ') + 1));
          }
          return total;
        };
        const cacheCalls = () => {
          const { lists, watches, expired } = provisioning.state.calls('dev');
          return { lists, watches, expired };
        };
        const paths = [
          '/clusters',
          '/clusters/dev/namespaces/payments-live/state',
          '/clusters/dev/namespaces/payments-live/vms/payments-vm/state',
          '/teams/payments/summary',
        ];
        const readAll = async (times: number) => {
          for (let round = 0; round < times; round += 10)
            await Promise.all(
              Array.from({ length: 10 }, (_, i) =>
                get(
                  i % 2 ? USERS.platform : USERS.payments,
                  paths[(round + i) % paths.length],
                ).expect(200),
              ),
            );
        };
        // a direct read, as GET /clusters used to make one per call (a namespace GET per cluster): the metric sees it
        const probeBefore = await apiServerReads();
        for (let i = 0; i < 20; i++)
          await provisioning.clusters.lookupNamespace('dev', 'kube-system');
        const probed = (await apiServerReads()) - probeBefore;
        expect(probed).toBeGreaterThanOrEqual(20);

        const before = { cache: cacheCalls(), api: await apiServerReads() };
        await readAll(200);
        const after200 = { cache: cacheCalls(), api: await apiServerReads() };
        await readAll(800);
        const after1000 = { cache: cacheCalls(), api: await apiServerReads() };
        // eslint-disable-next-line no-console
        console.log(
          `Kubernetes calls on dev: ${probed} API server reads for 20 probes as GET /clusters made them; ` +
            `cache ${JSON.stringify(before.cache)} before, ${JSON.stringify(
              after200.cache,
            )} after 200 reads, ` +
            `${JSON.stringify(
              after1000.cache,
            )} after 1,000; API server LIST+GET on the cached kinds: ` +
            `${before.api}, ${after200.api}, ${after1000.api}`,
        );
        expect(after200.cache).toEqual(before.cache);
        expect(after1000.cache).toEqual(before.cache);
        expect(after200.api - before.api).toBe(0);
        expect(after1000.api - before.api).toBe(0);
      });
    });

    describe('catalog', () => {
      it('lets signed-in users read the catalog', async () => {
        const res = await as(
          USERS.payments,
          request(server).get(
            '/api/catalog/entities/by-name/group/default/billing',
          ),
        );
        expect(res.status).toBe(200);
      });

      it("shows a team's namespace entities to the team and the platform team only, like their live state", async () => {
        const status = async (user: string, team: string) =>
          (
            await as(
              user,
              request(server).get(
                `/api/catalog/entities/by-name/resource/default/dev.${team}-live`,
              ),
            )
          ).status;
        await waitUntil(
          'the namespace entities are in the catalog',
          async () => (await status(USERS.platform, 'billing')) === 200,
          { timeoutMs: 30_000, intervalMs: 250 },
        );
        expect(await status(USERS.payments, 'payments')).toBe(200);
        expect(await status(USERS.payments, 'billing')).toBe(404);
        expect(await status(USERS.billing, 'billing')).toBe(200);
        expect(await status(USERS.platform, 'payments')).toBe(200);
        const listed = await as(
          USERS.payments,
          request(server)
            .get('/api/catalog/entities/by-query')
            .query({ filter: `spec.type=${NAMESPACE_ENTITY_TYPE}` }),
        );
        expect(listed.body.items.map((e: any) => e.metadata.name)).toEqual([
          'dev.payments-live',
        ]);
      });

      it('refuses a payments user to register a location; the platform team may', async () => {
        const location = {
          type: 'url',
          target:
            'https://github.example/payments/app/blob/main/catalog-info.yaml',
        };
        expect(
          (
            await as(
              USERS.payments,
              request(server).post('/api/catalog/locations'),
            ).send(location)
          ).status,
        ).toBe(403);
        expect(
          (
            await as(
              USERS.platform,
              request(server).post('/api/catalog/locations'),
            ).send(location)
          ).status,
        ).toBe(201);
      });

      it('refuses a payments user to delete an entity', async () => {
        const { body: entity } = await as(
          USERS.platform,
          request(server).get('/api/catalog/entities/by-name/user/default/bob'),
        );
        expect(
          (
            await as(
              USERS.payments,
              request(server).delete(
                `/api/catalog/entities/by-uid/${entity.metadata.uid}`,
              ),
            )
          ).status,
        ).toBe(403);
      });
    });

    describe('scaffolder', () => {
      it('runs a platform template with a provisioning action for a payments user', async () => {
        const run = await runTask(USERS.payments, 'describe-namespace');
        expect(run.status).toBe(201);
        expect(run.task.status).toBe('completed');
      });

      it('refuses a payments user a non-provisioning action; the platform team may run it', async () => {
        const denied = await runTask(USERS.payments, 'log-hello');
        expect(denied.task.status).toBe('failed');
        expect(denied.log).toContain('Unauthorized action: debug:log');
        const allowed = await runTask(USERS.platform, 'log-hello');
        expect(allowed.task.status).toBe('completed');
        expect(allowed.log).toContain('hello');
      });

      it('hides templates the platform team does not own, and templates from a team repository, from users', async () => {
        expect(
          (await runTask(USERS.payments, 'payments-describe')).status,
        ).toBe(404);
        expect((await runTask(USERS.payments, 'spoofed-describe')).status).toBe(
          404,
        );
        const list = await as(
          USERS.payments,
          request(server).get('/api/catalog/entities?filter=kind=template'),
        );
        expect(list.body.map((e: any) => e.metadata.name).sort()).toEqual([
          'describe-namespace',
          'log-hello',
        ]);
        expect(
          (await runTask(USERS.platform, 'spoofed-describe')).task.status,
        ).toBe('completed');
      });

      it("shows a user their own tasks and not another's", async () => {
        const run = await runTask(USERS.payments, 'describe-namespace');
        expect(
          (
            await as(
              USERS.billing,
              request(server).get(`/api/scaffolder/v2/tasks/${run.id}`),
            )
          ).status,
        ).toBe(403);
      });

      it('allows exactly the actions of the provisioning module', async () => {
        const res = await as(
          USERS.platform,
          request(server).get('/api/scaffolder/v2/actions'),
        );
        const installed = (res.body as Array<{ id: string }>)
          .map(a => a.id)
          .filter(id => id.startsWith('provisioning:'));
        expect(installed.sort()).toEqual([...PROVISIONING_ACTION_IDS].sort());
      });
    });

    describe('unauthenticated callers', () => {
      it('get 401 from the provisioning API, the catalog and the scaffolder', async () => {
        expect(
          (
            await request(server)
              .post('/api/provisioning/preview')
              .send({ request: namespaceRequest('payments') })
          ).status,
        ).toBe(401);
        expect(
          (await request(server).get('/api/catalog/entities')).status,
        ).toBe(401);
        expect(
          (
            await request(server).post('/api/scaffolder/v2/tasks').send({
              templateRef: 'template:default/describe-namespace',
              values: {},
            })
          ).status,
        ).toBe(401);
      });

      it('get 401 from the permission backend, and a policy asked without a user denies', async () => {
        const res = await request(server)
          .post('/api/permission/authorize')
          .send({
            items: [{ id: '1', permission: catalogLocationCreatePermission }],
          });
        expect(res.status).toBe(401);
        const policy = new PortalPermissionPolicy({
          platformTeam: PLATFORM_TEAM,
          templateLocations: [],
          userInfo: mockServices.userInfo(),
        });
        expect(
          await policy.handle({ permission: catalogEntityReadPermission }),
        ).toEqual({ result: 'DENY' });
      });
    });
  },
);
