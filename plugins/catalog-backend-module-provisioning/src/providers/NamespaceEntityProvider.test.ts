import {
  LoggerService,
  SchedulerServiceTaskInvocationDefinition,
} from '@backstage/backend-plugin-api';
import { mockServices } from '@backstage/backend-test-utils';
import {
  DefaultNamespaceEntityPolicy,
  Entity,
  EntityPolicies,
  FieldFormatEntityPolicy,
  NoForeignRootFieldsEntityPolicy,
  resourceEntityV1alpha1Validator,
  SchemaValidEntityPolicy,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import {
  EntityProviderConnection,
  EntityProviderMutation,
} from '@backstage/plugin-catalog-node';
import {
  ANNOTATIONS,
  LABELS,
  MANAGED_BY,
} from '@kubeportal/plugin-provisioning-common';
import {
  CachedObject,
  ClusterClients,
  ClusterConnection,
  ClusterStateCache,
  ClusterStateChange,
  ProvisioningService,
  readProvisioningConfig,
} from '@kubeportal/plugin-provisioning-node';
import {
  clusterConnection,
  ControlPlane,
  describeWithKube,
  freePort,
  KubeTestEnv,
  startKubeTestEnv,
  waitUntil,
} from '@kubeportal/test-environment';
import { ClusterEntityProvider } from './ClusterEntityProvider';
import { NamespaceEntityProvider } from './NamespaceEntityProvider';
import { toNamespaceEntity, toVmEntity } from './namespaceEntity';

jest.setTimeout(300_000);

const until = (what: string, check: () => boolean, timeoutMs = 30_000) =>
  waitUntil(what, async () => check(), { timeoutMs, intervalMs: 50 });

/** The catalog as far as one provider's mutations go: entities by ref, each with its location key. */
class CatalogModel implements EntityProviderConnection {
  readonly entities = new Map<
    string,
    { entity: Entity; locationKey?: string }
  >();
  readonly mutations: EntityProviderMutation[] = [];

  async applyMutation(mutation: EntityProviderMutation): Promise<void> {
    this.mutations.push(mutation);
    if (mutation.type === 'full') {
      this.entities.clear();
      for (const e of mutation.entities)
        this.entities.set(stringifyEntityRef(e.entity), e);
      return;
    }
    for (const e of mutation.added)
      this.entities.set(stringifyEntityRef(e.entity), e);
    for (const e of mutation.removed)
      this.entities.delete(
        'entityRef' in e ? e.entityRef : stringifyEntityRef(e.entity),
      );
  }

  async refresh(): Promise<void> {}

  names(): string[] {
    return [...this.entities.values()].map(e => e.entity.metadata.name).sort();
  }

  get(name: string): Entity | undefined {
    return this.entities.get(`resource:default/${name}`)?.entity;
  }

  fulls(): number {
    return this.mutations.filter(m => m.type === 'full').length;
  }

  /** The delta mutations from the `from`-th mutation on, as the names they add and the refs they remove. */
  deltasSince(from: number) {
    return this.mutations.slice(from).map(m =>
      m.type === 'full'
        ? { full: m.entities.length }
        : {
            added: m.added.map(a => a.entity.metadata.name),
            removed: m.removed,
          },
    );
  }
}

/** A logger that keeps its lines. */
function recordingLogger() {
  const lines: string[] = [];
  const logger: LoggerService = {
    error: message => lines.push(`error: ${message}`),
    warn: message => lines.push(`warn: ${message}`),
    info: message => lines.push(`info: ${message}`),
    debug: () => {},
    child: () => logger,
  };
  return { logger, lines };
}

/** What the catalog itself checks of an entity from a provider (the default policies and the Resource schema). */
const catalogPolicies = EntityPolicies.allOf([
  new SchemaValidEntityPolicy(),
  new DefaultNamespaceEntityPolicy(),
  new NoForeignRootFieldsEntityPolicy(),
  new FieldFormatEntityPolicy(),
]);

const managed = { [LABELS.managedBy]: MANAGED_BY };

describe('namespace and VM entities (no control plane)', () => {
  const context = { platformTeam: 'group:default/platform' };
  const object = (
    kind: string,
    name: string,
    labels: Record<string, string>,
    namespace?: string,
  ): CachedObject => ({
    apiVersion: kind === 'Namespace' ? 'v1' : 'kubevirt.io/v1',
    kind,
    metadata: { name, ...(namespace ? { namespace } : {}), labels },
  });

  it('names long namespaces and VMs validly and stably, the VM depending on its namespace by that name', async () => {
    const cluster = 'dev-rack-a-with-a-long-cluster-name';
    const nsName = `payments-${'x'.repeat(54)}`;
    const ns = object('Namespace', nsName, {
      ...managed,
      [LABELS.owner]: 'payments',
    });
    const vm = object(
      'VirtualMachine',
      `crm-${'y'.repeat(59)}`,
      managed,
      nsName,
    );
    const nsEntity = toNamespaceEntity(cluster, ns, context);
    const vmEntity = toVmEntity(cluster, vm, ns, context);
    expect([nsEntity.metadata.name, vmEntity.metadata.name]).toEqual([
      'dev-rack-a-with-a-long-cluster-name.payments-xxxxxxxxx-b4d098a9',
      'dev-rack-a-with-a-long-cluster-name.payments-xxxxxxxxx-6897558f',
    ]);
    expect(toNamespaceEntity(cluster, ns, context)).toEqual(nsEntity);
    expect(vmEntity.spec.dependsOn).toEqual([
      `resource:default/${nsEntity.metadata.name}`,
    ]);
    for (const entity of [nsEntity, vmEntity]) {
      await expect(catalogPolicies.enforce(entity)).resolves.toMatchObject(
        entity,
      );
      await expect(resourceEntityV1alpha1Validator.check(entity)).resolves.toBe(
        true,
      );
    }
  });

  it('gives a namespace with an owner that is no entity ref to the platform team', () => {
    const ns = object('Namespace', 'odd', managed);
    ns.metadata.annotations = { [ANNOTATIONS.ownerRef]: 'component:a/b/c' };
    expect(toNamespaceEntity('dev', ns, context).spec.owner).toBe(
      'group:default/platform',
    );
    ns.metadata.annotations = { [ANNOTATIONS.ownerRef]: 'user:jdoe' };
    expect(toNamespaceEntity('dev', ns, context).spec.owner).toBe(
      'user:default/jdoe',
    );
  });
});

describeWithKube('NamespaceEntityProvider against real control planes', () => {
  let env: KubeTestEnv;
  let dev: ControlPlane;
  let prod: ControlPlane;
  const shutdowns: Array<() => Promise<void> | void> = [];
  const caches: ClusterStateCache[] = [];

  const connection = (plane: ControlPlane): ClusterConnection => ({
    name: plane.name,
    environment: plane.name === 'prod' ? 'prod' : 'dev',
    storageClasses: [],
    networks: [],
    ...clusterConnection(plane),
  });

  const createNamespace = (
    plane: ControlPlane,
    name: string,
    labels: Record<string, string>,
    annotations: Record<string, string> = {},
  ) =>
    plane.api.request('POST', '/api/v1/namespaces', {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name, labels, annotations },
    });

  /** A VirtualMachine created through the API, as Flux would apply it (no virt-controller acts on it). */
  const createVm = (
    plane: ControlPlane,
    namespace: string,
    name: string,
    labels: Record<string, string>,
    annotations: Record<string, string> = {},
  ) =>
    plane.api.request(
      'POST',
      `/apis/kubevirt.io/v1/namespaces/${namespace}/virtualmachines`,
      {
        apiVersion: 'kubevirt.io/v1',
        kind: 'VirtualMachine',
        metadata: { name, namespace, labels, annotations },
        spec: {
          runStrategy: 'Halted',
          template: {
            spec: {
              domain: {
                cpu: { cores: 1 },
                memory: { guest: '1Gi' },
                devices: {},
              },
            },
          },
        },
      },
    );

  /**
   * A provider over its own cache of these clusters, connected to a catalog model; its schedule runs once, at
   * connect (as Backstage's does first), so every later full mutation is one the test asks for or the one after
   * the cache's first answers.
   */
  const startProvider = async (
    clusters: ClusterConnection[],
    options: { includeUnmanaged?: boolean; catalog?: CatalogModel } = {},
  ) => {
    const settings = readProvisioningConfig(
      new ConfigReader({
        app: { baseUrl: 'http://portal.test' },
        provisioning: {
          platformTeam: 'group:default/platform',
          gitops: {
            host: 'github.example',
            owner: 'acme',
            repo: 'gitops',
            branch: 'main',
          },
          clusters,
        },
      }),
    );
    const state = new ClusterStateCache(settings.clusters, {
      kinds: ['namespaces', 'virtualmachines'],
      includeUnmanaged: options.includeUnmanaged,
      backoff: { baseMs: 200, maxMs: 2000 },
    });
    caches.push(state);
    const provisioning: ProvisioningService = {
      config: settings,
      clusters: new ClusterClients(settings.clusters),
      state,
    };
    const taskRunner = {
      run: jest.fn(async (task: SchedulerServiceTaskInvocationDefinition) => {
        await task.fn(new AbortController().signal);
      }),
    };
    const scheduler = mockServices.scheduler.mock({
      createScheduledTaskRunner: jest.fn(() => taskRunner),
    });
    const hooks: Array<() => Promise<void> | void> = [];
    const lifecycle = mockServices.lifecycle.mock({
      addShutdownHook: jest.fn(hook => {
        hooks.push(hook);
      }),
    });
    const { logger, lines } = recordingLogger();
    const provider = NamespaceEntityProvider.fromConfig(provisioning, {
      logger,
      scheduler,
      lifecycle,
      includeUnmanaged: options.includeUnmanaged,
      deltaDelayMs: 100,
    });
    const shutdown = async () => {
      for (const hook of hooks.splice(0)) await hook();
    };
    shutdowns.push(shutdown);
    const catalog = options.catalog ?? new CatalogModel();
    await provider.connect(catalog);
    return {
      provider,
      catalog,
      state,
      lines,
      scheduler,
      taskRunner,
      shutdown,
      settings,
    };
  };

  beforeAll(async () => {
    // the controller manager's namespace controller finalizes a deleted namespace
    env = await startKubeTestEnv({
      clusters: ['dev', 'prod'],
      controllerManager: true,
    });
    dev = env.clusters.dev;
    prod = env.clusters.prod;
    await createNamespace(
      dev,
      'payments-api',
      {
        ...managed,
        [LABELS.owner]: 'payments',
        [LABELS.requestId]: 'dev.ns.payments-api',
        [LABELS.environment]: 'dev',
        [LABELS.requester]: 'jdoe',
      },
      {
        [ANNOTATIONS.ownerRef]: 'group:default/payments',
        [ANNOTATIONS.purpose]: 'Checkout <b>API</b> for *shops*',
      },
    );
    // no owner-ref annotation: the team comes from the owner label
    await createNamespace(dev, 'billing-reports', {
      ...managed,
      [LABELS.owner]: 'billing',
      [LABELS.requestId]: 'dev.ns.billing-reports',
      [LABELS.environment]: 'dev',
    });
    // not created through the portal
    await createNamespace(dev, 'scratch', { purpose: 'experiments' });
    await createNamespace(prod, 'ledger', {
      ...managed,
      [LABELS.owner]: 'billing',
      [LABELS.requestId]: 'prod.ns.ledger',
      [LABELS.environment]: 'prod',
    });
    // the labels a rendered VM carries: its request's, and its namespace folder's (kustomize adds them)
    await createVm(
      dev,
      'payments-api',
      'legacy-crm',
      {
        ...managed,
        [LABELS.owner]: 'payments',
        [LABELS.environment]: 'dev',
        [LABELS.requestId]: 'dev.vm.payments-api.legacy-crm',
      },
      { [ANNOTATIONS.purpose]: 'The old CRM' },
    );
    // made by hand in a portal namespace, and a portal-looking VM in a namespace the portal did not create
    await createVm(dev, 'payments-api', 'hand-made', {});
    await createVm(dev, 'scratch', 'stray', managed);
  });

  afterAll(async () => {
    for (const shutdown of shutdowns) await shutdown();
    await Promise.all(caches.map(cache => cache.stop()));
    await env?.stop();
  });

  describe('one provider over dev and prod, followed through changes', () => {
    let started: Awaited<ReturnType<typeof startProvider>>;

    beforeAll(async () => {
      started = await startProvider([connection(dev), connection(prod)]);
      await until('the first full mutation', () => started.catalog.fulls() > 0);
    });

    it('publishes each managed namespace and its portal VMs with owners, relations, links and Kubernetes annotations', async () => {
      const { catalog, scheduler, taskRunner, lines, settings } = started;
      expect(scheduler.createScheduledTaskRunner).toHaveBeenCalledWith({
        frequency: { seconds: 600 },
        timeout: { seconds: 60 },
      });
      expect(taskRunner.run).toHaveBeenCalledWith(
        expect.objectContaining({ id: 'provisioning-namespaces:refresh' }),
      );
      // the unmanaged namespace, the VM made by hand and the VM in the unmanaged namespace are left out
      expect(catalog.names()).toEqual([
        'dev.billing-reports',
        'dev.payments-api',
        'dev.payments-api.legacy-crm',
        'prod.ledger',
      ]);
      expect(catalog.get('dev.payments-api')).toEqual({
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Resource',
        metadata: {
          name: 'dev.payments-api',
          title: 'payments-api on dev',
          description:
            'Kubernetes namespace payments-api on cluster dev: Checkout \\<b\\>API\\</b\\> for \\*shops\\*',
          annotations: {
            'backstage.io/managed-by-location': 'provisioning:clusters/dev',
            'backstage.io/managed-by-origin-location':
              'provisioning:clusters/dev',
            'backstage.io/source-location':
              'url:https://github.example/acme/gitops/tree/main/clusters/dev/namespaces/payments-api/',
            'backstage.io/kubernetes-id': 'dev.payments-api',
            'backstage.io/kubernetes-namespace': 'payments-api',
            'backstage.io/kubernetes-cluster': 'dev',
            'provisioning.kubeportal.io/cluster': 'dev',
            'provisioning.kubeportal.io/namespace': 'payments-api',
            'provisioning.kubeportal.io/request-id': 'dev.ns.payments-api',
          },
          labels: { 'provisioning.kubeportal.io/environment': 'dev' },
          tags: ['dev', 'kubernetes'],
          links: [
            {
              url: 'http://portal.test/provisioning/requests/dev.ns.payments-api',
              title: 'Request dev.ns.payments-api',
              type: 'provisioning-request',
            },
            {
              url: 'https://github.example/acme/gitops/tree/main/clusters/dev/namespaces/payments-api',
              title: 'GitOps folder',
              type: 'gitops',
            },
          ],
        },
        spec: {
          type: 'kubernetes-namespace',
          owner: 'group:default/payments',
          dependsOn: ['resource:default/dev'],
        },
      });
      expect(catalog.get('dev.payments-api.legacy-crm')).toEqual({
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Resource',
        metadata: {
          name: 'dev.payments-api.legacy-crm',
          title: 'legacy-crm in payments-api on dev',
          description:
            'KubeVirt virtual machine legacy-crm in namespace payments-api on cluster dev: The old CRM',
          annotations: {
            'backstage.io/managed-by-location': 'provisioning:clusters/dev',
            'backstage.io/managed-by-origin-location':
              'provisioning:clusters/dev',
            'backstage.io/source-location':
              'url:https://github.example/acme/gitops/tree/main/clusters/dev/namespaces/payments-api/',
            'backstage.io/kubernetes-label-selector':
              'provisioning.kubeportal.io/request-id=dev.vm.payments-api.legacy-crm',
            'backstage.io/kubernetes-namespace': 'payments-api',
            'backstage.io/kubernetes-cluster': 'dev',
            'provisioning.kubeportal.io/cluster': 'dev',
            'provisioning.kubeportal.io/namespace': 'payments-api',
            'provisioning.kubeportal.io/vm': 'legacy-crm',
            'provisioning.kubeportal.io/request-id':
              'dev.vm.payments-api.legacy-crm',
          },
          labels: { 'provisioning.kubeportal.io/environment': 'dev' },
          tags: ['dev', 'kubevirt'],
          links: [
            {
              url: 'http://portal.test/provisioning/requests/dev.vm.payments-api.legacy-crm',
              title: 'Request dev.vm.payments-api.legacy-crm',
              type: 'provisioning-request',
            },
            {
              url: 'https://github.example/acme/gitops/blob/main/clusters/dev/namespaces/payments-api/vm-legacy-crm.yaml',
              title: 'GitOps file',
              type: 'gitops',
            },
          ],
        },
        spec: {
          type: 'virtual-machine',
          owner: 'group:default/payments',
          dependsOn: ['resource:default/dev.payments-api'],
        },
      });
      // owners from the owner-ref annotation or the owner label; each depends on its cluster or its namespace
      expect(
        Object.fromEntries(
          [...catalog.entities.values()].map(({ entity, locationKey }) => [
            entity.metadata.name,
            [
              entity.metadata.title,
              entity.spec?.type,
              entity.spec?.owner,
              entity.spec?.dependsOn,
              locationKey,
            ],
          ]),
        ),
      ).toEqual({
        'dev.billing-reports': [
          'billing-reports on dev',
          'kubernetes-namespace',
          'group:default/billing',
          ['resource:default/dev'],
          'provisioning-namespaces:dev',
        ],
        'dev.payments-api': [
          'payments-api on dev',
          'kubernetes-namespace',
          'group:default/payments',
          ['resource:default/dev'],
          'provisioning-namespaces:dev',
        ],
        'dev.payments-api.legacy-crm': [
          'legacy-crm in payments-api on dev',
          'virtual-machine',
          'group:default/payments',
          ['resource:default/dev.payments-api'],
          'provisioning-namespaces:dev',
        ],
        'prod.ledger': [
          'ledger on prod',
          'kubernetes-namespace',
          'group:default/billing',
          ['resource:default/prod'],
          'provisioning-namespaces:prod',
        ],
      });

      // every dependsOn names an entity the catalog has: the cluster entities of ClusterEntityProvider, the
      // namespace entities of this provider
      const clusterCatalog = new CatalogModel();
      await ClusterEntityProvider.fromConfig(settings, {
        logger: mockServices.logger.mock(),
        scheduler: started.scheduler,
      }).connect(clusterCatalog);
      const known = new Set([
        ...clusterCatalog.entities.keys(),
        ...catalog.entities.keys(),
      ]);
      const dependencies = [...catalog.entities.values()].flatMap(
        e => e.entity.spec?.dependsOn as string[],
      );
      expect(dependencies.filter(ref => !known.has(ref))).toEqual([]);

      for (const { entity } of catalog.entities.values()) {
        await expect(catalogPolicies.enforce(entity)).resolves.toMatchObject(
          entity,
        );
        await expect(
          resourceEntityV1alpha1Validator.check(entity),
        ).resolves.toBe(true);
      }
      expect(lines.filter(l => !l.startsWith('info:'))).toEqual([]);
    });

    it('adds, updates and removes entities by delta as the clusters change, without waiting for the schedule', async () => {
      const { catalog } = started;
      const fulls = catalog.fulls();
      let from = catalog.mutations.length;

      // a namespace created on the cluster appears
      await createNamespace(dev, 'orders', {
        ...managed,
        [LABELS.owner]: 'payments',
        [LABELS.environment]: 'dev',
      });
      await until('orders in the catalog', () => !!catalog.get('dev.orders'));
      expect(catalog.deltasSince(from)).toEqual([
        { added: ['dev.orders'], removed: [] },
      ]);
      expect(catalog.entities.get('resource:default/dev.orders')).toEqual({
        entity: expect.objectContaining({
          spec: {
            type: 'kubernetes-namespace',
            owner: 'group:default/payments',
            dependsOn: ['resource:default/dev'],
          },
        }),
        locationKey: 'provisioning-namespaces:dev',
      });

      // a new owner label is a new owner, for the namespace and its VMs; the VM's entity changes with it
      from = catalog.mutations.length;
      await dev.api.request(
        'PATCH',
        '/api/v1/namespaces/payments-api',
        {
          metadata: {
            labels: { [LABELS.owner]: 'checkout' },
            annotations: { [ANNOTATIONS.ownerRef]: null },
          },
        },
        'application/merge-patch+json',
      );
      await until(
        'payments-api owned by checkout',
        () =>
          catalog.get('dev.payments-api')?.spec?.owner ===
          'group:default/checkout',
      );
      expect(catalog.deltasSince(from)).toEqual([
        {
          added: ['dev.payments-api', 'dev.payments-api.legacy-crm'],
          removed: [],
        },
      ]);
      expect(catalog.get('dev.payments-api.legacy-crm')?.spec?.owner).toBe(
        'group:default/checkout',
      );

      // a VM deleted on the cluster disappears
      from = catalog.mutations.length;
      await dev.api.request(
        'DELETE',
        '/apis/kubevirt.io/v1/namespaces/payments-api/virtualmachines/legacy-crm',
      );
      await until(
        'legacy-crm gone from the catalog',
        () => !catalog.get('dev.payments-api.legacy-crm'),
      );
      expect(catalog.deltasSince(from)).toEqual([
        {
          added: [],
          removed: [
            {
              entityRef: 'resource:default/dev.payments-api.legacy-crm',
              locationKey: 'provisioning-namespaces:dev',
            },
          ],
        },
      ]);

      // a namespace deleted on the cluster disappears once the namespace controller has finalized it; while it
      // terminates its entity does not change, so nothing is sent
      from = catalog.mutations.length;
      await dev.api.request('DELETE', '/api/v1/namespaces/billing-reports');
      await until(
        'billing-reports gone from the catalog',
        () => !catalog.get('dev.billing-reports'),
        90_000,
      );
      expect(catalog.deltasSince(from)).toEqual([
        {
          added: [],
          removed: [
            {
              entityRef: 'resource:default/dev.billing-reports',
              locationKey: 'provisioning-namespaces:dev',
            },
          ],
        },
      ]);
      expect(catalog.names()).toEqual([
        'dev.orders',
        'dev.payments-api',
        'prod.ledger',
      ]);
      // all of it by delta: the schedule did not run
      expect(catalog.fulls()).toBe(fulls);
      // and a full refresh now agrees with what the deltas made
      const before = new Map(catalog.entities);
      await started.provider.refresh();
      expect(catalog.mutations[catalog.mutations.length - 1].type).toBe('full');
      expect(catalog.entities).toEqual(before);
    });

    it("keeps a cluster's entities while its API server is down, serves the other cluster meanwhile, and catches up", async () => {
      const { catalog, state, lines, provider } = started;
      const before = catalog.names();
      await prod.stopApiServer();
      try {
        await until(
          'prod unreachable',
          () =>
            state
              .status('prod')
              .kinds.every(kind => kind.state === 'unreachable'),
          60_000,
        );
        const logged = lines.length;
        await provider.refresh();
        const last = catalog.mutations[catalog.mutations.length - 1];
        expect(last.type).toBe('full');
        expect(catalog.names()).toEqual(before);
        expect(catalog.get('prod.ledger')?.spec?.owner).toBe(
          'group:default/billing',
        );
        expect(lines.slice(logged)).toEqual([
          "warn: cluster 'prod' is not in sync (namespaces unreachable (cluster 'prod' cannot be reached right now), virtualmachines unreachable (cluster 'prod' cannot be reached right now)): keeping the 1 entity last seen on it",
          'info: provisioning-namespaces: 2 on dev, 1 on prod',
        ]);

        // dev is followed all along
        await createNamespace(dev, 'late', {
          ...managed,
          [LABELS.owner]: 'billing',
        });
        await until('late in the catalog', () => !!catalog.get('dev.late'));
        expect(catalog.get('prod.ledger')).toBeDefined();
      } finally {
        await prod.startApiServer();
      }
      await until(
        'prod synced again',
        () => state.status('prod').state === 'synced',
        60_000,
      );
      const logged = lines.length;
      await provider.refresh();
      expect(catalog.names()).toEqual([
        'dev.late',
        'dev.orders',
        'dev.payments-api',
        'prod.ledger',
      ]);
      expect(lines.slice(logged)).toEqual([
        'info: provisioning-namespaces: 3 on dev, 1 on prod',
      ]);
    });

    it('stops following the cache when the backend stops', async () => {
      const { catalog, state, shutdown } = started;
      await shutdown();
      const seen: ClusterStateChange[] = [];
      const unsubscribe = state.subscribe(change => seen.push(change));
      try {
        const from = catalog.mutations.length;
        await createNamespace(dev, 'after-stop', managed);
        await until('the cache sees after-stop', () =>
          seen.some(c => c.object.metadata.name === 'after-stop'),
        );
        // longer than the provider gathers changes for
        await new Promise(resolve => setTimeout(resolve, 1000));
        expect(catalog.mutations.length).toBe(from);
        expect(catalog.get('dev.after-stop')).toBeUndefined();
      } finally {
        unsubscribe();
      }
    });
  });

  it('with a cluster never listed since start, leaves its entities alone and upserts the others by delta', async () => {
    const gone: ClusterConnection = {
      ...connection(dev),
      name: 'gone',
      url: `https://127.0.0.1:${await freePort()}`,
    };
    // what the catalog holds from before the backend started
    const catalog = new CatalogModel();
    const kept = {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Resource',
      metadata: { name: 'gone.kept' },
      spec: { type: 'kubernetes-namespace', owner: 'group:default/platform' },
    };
    await catalog.applyMutation({
      type: 'full',
      entities: [{ entity: kept, locationKey: 'provisioning-namespaces:gone' }],
    });
    const { state, lines } = await startProvider([connection(dev), gone], {
      catalog,
    });
    await state.settled();
    await until('the refresh after the first answers', () =>
      lines.some(l => l.includes("postponed until 'gone' has been listed")),
    );
    expect(catalog.fulls()).toBe(1);
    expect(catalog.names()).toEqual([
      'dev.after-stop',
      'dev.late',
      'dev.orders',
      'dev.payments-api',
      'gone.kept',
    ]);
    expect(
      lines.filter(l => l.includes('postponed') || l.startsWith('warn:')),
    ).toEqual(
      expect.arrayContaining([
        "warn: cluster 'gone' has not been listed yet (namespaces unreachable (cluster 'gone' cannot be reached right now), virtualmachines unreachable (cluster 'gone' cannot be reached right now)): its entities in the catalog stay as they are",
        expect.stringMatching(
          /^info: provisioning-namespaces: full refresh postponed until 'gone' has been listed; upserted \d+, removed 0 entities of the others$/,
        ),
      ]),
    );
  });

  it('with includeUnmanaged, publishes every namespace and VM the cache holds, unclaimed ones owned by the platform team', async () => {
    const { catalog } = await startProvider([connection(dev)], {
      includeUnmanaged: true,
    });
    await until('the first full mutation', () => catalog.fulls() > 0);
    const namespaces = (await dev.api.get('/api/v1/namespaces')).items.map(
      (ns: { metadata: { name: string } }) => ns.metadata.name,
    );
    const vms = (
      await dev.api.get('/apis/kubevirt.io/v1/virtualmachines')
    ).items.map(
      (vm: { metadata: { name: string; namespace: string } }) =>
        `dev.${vm.metadata.namespace}.${vm.metadata.name}`,
    );
    expect(vms.sort()).toEqual([
      'dev.payments-api.hand-made',
      'dev.scratch.stray',
    ]);
    expect(catalog.names()).toEqual(
      [...namespaces.map((ns: string) => `dev.${ns}`), ...vms].sort(),
    );
    expect(
      ['dev.scratch', 'dev.scratch.stray', 'dev.payments-api.hand-made'].map(
        name => catalog.get(name)?.spec?.owner,
      ),
    ).toEqual([
      'group:default/platform',
      'group:default/platform',
      'group:default/checkout',
    ]);
    // not in the GitOps repository, not requested: nothing to link to
    expect(catalog.get('dev.scratch')?.metadata).toEqual(
      expect.objectContaining({
        description: 'Kubernetes namespace scratch on cluster dev',
        tags: ['kubernetes'],
      }),
    );
    expect(catalog.get('dev.scratch')?.metadata.links).toBeUndefined();
    expect(
      catalog.get('dev.scratch')?.metadata.annotations?.[
        'backstage.io/source-location'
      ],
    ).toBeUndefined();
  });
});
