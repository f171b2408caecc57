import {
  LifecycleService,
  LoggerService,
  SchedulerService,
  SchedulerServiceTaskRunner,
} from '@backstage/backend-plugin-api';
import {
  DeferredEntity,
  EntityProvider,
  EntityProviderConnection,
} from '@backstage/plugin-catalog-node';
import {
  CachedObject,
  ClusterStateCache,
  ClusterStateChange,
  ClusterStateKind,
  ClusterStateKindStatus,
  ProvisioningService,
} from '@kubeportal/plugin-provisioning-node';
import { namespaceEntityName, resourceRef, vmEntityName } from './entityNames';
import {
  isPortalManaged,
  LiveEntityContext,
  toNamespaceEntity,
  toVmEntity,
} from './namespaceEntity';

/** The kinds this provider turns into entities. */
const KINDS: ClusterStateKind[] = ['namespaces', 'virtualmachines'];

/** A namespace (no `vm`) or a VM of one, on a cluster: what one entity stands for. */
interface Subject {
  cluster: string;
  namespace: string;
  vm?: string;
}

/** An entity this provider has handed to the catalog, with what it stands for and its content. */
interface Emitted extends Subject {
  json: string;
}

/** A kind's objects can be believed: it is in sync, or it was listed once and the cache holds what it last saw. */
const listedOnce = (status: ClusterStateKindStatus) =>
  status.state === 'synced' ||
  status.state === 'not-installed' ||
  status.lastSyncedAt !== undefined;

const count = (n: number) => `${n} ${n === 1 ? 'entity' : 'entities'}`;

/** What one cluster gives for a full refresh. */
interface ClusterEntities {
  cluster: string;
  /** Every kind was listed at least once: the entities are all there are (or were, when last seen). */
  complete: boolean;
  /** Kinds that are not in sync now, with their state. */
  problems: ClusterStateKindStatus[];
  entities: Map<string, { deferred: DeferredEntity; subject: Subject }>;
}

/** The changes of one delta mutation against what the catalog holds: entities whose content did not change are left out. */
class DeltaBuilder {
  readonly added: Array<{
    ref: string;
    deferred: DeferredEntity;
    emitted: Emitted;
  }> = [];
  readonly removed: Array<{ ref: string; locationKey: string }> = [];

  constructor(private readonly emitted: ReadonlyMap<string, Emitted>) {}

  upsert(ref: string, subject: Subject, deferred: DeferredEntity) {
    const json = JSON.stringify(deferred.entity);
    if (this.emitted.get(ref)?.json === json) return;
    this.added.push({ ref, deferred, emitted: { ...subject, json } });
  }

  remove(ref: string, locationKey: string) {
    this.removed.push({ ref, locationKey });
  }
}

/** Options of the provider besides the provisioning service. */
export interface NamespaceEntityProviderOptions {
  logger: LoggerService;
  scheduler: SchedulerService;
  /** The plugin's lifecycle: the provider stops following the cache when the backend stops. */
  lifecycle: LifecycleService;
  /**
   * Also emit namespaces and VMs without the portal's `app.kubernetes.io/managed-by=kubeportal` label. Default
   * false. The provisioning service's cache holds only managed namespaces unless it was created with its own
   * `includeUnmanaged`.
   */
  includeUnmanaged?: boolean;
  /** How long changes from the cache are gathered into one delta mutation. Default 500 ms. */
  deltaDelayMs?: number;
}

/**
 * Emits each managed namespace and each KubeVirt VirtualMachine in one, on every configured cluster, as a catalog
 * `Resource` (`kubernetes-namespace`, `virtual-machine`), read from the live-state cache of the provisioning
 * service (no Kubernetes call of its own). See `toNamespaceEntity` and `toVmEntity` for what an entity carries.
 *
 * - A full mutation on the schedule `provisioning.schedules.namespaces`, and once when the cache has first heard
 *   from every cluster.
 * - Between them, delta mutations from the cache's changes: a namespace or VM added, changed or deleted on a
 *   cluster is upserted or removed at once (gathered for `deltaDelayMs`); an entity whose content did not change
 *   is not sent again.
 * - A cluster that is down, or forbids a kind, keeps the entities last seen (the cache holds the last objects);
 *   a cluster never listed since the backend started cannot say what it holds, so the full mutation waits (it
 *   would delete that cluster's entities) and the other clusters' entities are upserted as a delta instead. Both
 *   are logged.
 *
 * @public
 */
export class NamespaceEntityProvider implements EntityProvider {
  private connection?: EntityProviderConnection;
  private unsubscribe?: () => void;
  private stopped = false;
  /** Entities handed to the catalog, by entity ref: what a delta compares with and what it may remove. */
  private readonly emitted = new Map<string, Emitted>();
  /** Namespaces and VMs changed since the last delta, by `cluster/namespace[/vm]`. */
  private readonly dirty = new Map<string, Subject>();
  private flushTimer?: ReturnType<typeof setTimeout>;
  /** Full and delta mutations run one at a time, in order. */
  private queue: Promise<void> = Promise.resolve();
  private readonly kept = new Map<string, Set<ClusterStateKind>>();
  private readonly logger: LoggerService;

  /** Builds the provider over the shared provisioning service's cache and configuration. */
  static fromConfig(
    provisioning: ProvisioningService,
    options: NamespaceEntityProviderOptions,
  ): NamespaceEntityProvider {
    const provider = new NamespaceEntityProvider({
      state: provisioning.state,
      context: {
        platformTeam: provisioning.config.platformTeam,
        gitops: provisioning.config.gitops,
        portalUrl: provisioning.config.portalUrl,
      },
      logger: options.logger,
      taskRunner: options.scheduler.createScheduledTaskRunner(
        provisioning.config.schedules.namespaces,
      ),
      includeUnmanaged:
        options.includeUnmanaged ??
        provisioning.config.liveState.includeUnmanaged,
      deltaDelayMs: options.deltaDelayMs ?? 500,
    });
    options.lifecycle.addShutdownHook(() => provider.stop());
    return provider;
  }

  private constructor(
    private readonly options: {
      state: ClusterStateCache;
      context: LiveEntityContext;
      logger: LoggerService;
      taskRunner: SchedulerServiceTaskRunner;
      includeUnmanaged: boolean;
      deltaDelayMs: number;
    },
  ) {
    this.logger = options.logger.child({ provider: this.getProviderName() });
  }

  getProviderName(): string {
    return 'provisioning-namespaces';
  }

  /** Follows the cache's changes, starts the cache, and schedules the full refresh. */
  async connect(connection: EntityProviderConnection): Promise<void> {
    const { state, taskRunner } = this.options;
    this.connection = connection;
    this.unsubscribe ??= state.subscribe(change => this.onChange(change));
    await state.start();
    // the first full refresh that can remove what vanished while the backend was down: once every cluster answered
    void state.settled().then(() => this.refreshAndLog());
    await taskRunner.run({
      id: `${this.getProviderName()}:refresh`,
      fn: () => this.refreshAndLog(),
    });
  }

  /** Stops following the cache; changes no longer reach the catalog. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    this.dirty.clear();
  }

  /**
   * Replaces this provider's entities with those of every cluster's cached namespaces and VMs (a full mutation);
   * while a cluster has never been listed, upserts the others' instead (a delta) and says why.
   */
  async refresh(): Promise<void> {
    if (!this.connection)
      throw new Error(`${this.getProviderName()} is not connected yet`);
    await this.serialized(() => this.applyFull());
  }

  private async refreshAndLog(): Promise<void> {
    if (this.stopped) return;
    try {
      await this.refresh();
    } catch (error) {
      this.logger.error(
        `${this.getProviderName()} refresh failed; the catalog keeps the last state`,
        error as Error,
      );
    }
  }

  private serialized(fn: () => Promise<void>): Promise<void> {
    const run = this.queue.then(fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private locationKey(cluster: string): string {
    return `${this.getProviderName()}:${cluster}`;
  }

  private keeps(cluster: string, kind: ClusterStateKind): boolean {
    let kinds = this.kept.get(cluster);
    if (!kinds) {
      kinds = new Set(
        this.options.state.status(cluster).kinds.map(k => k.kind),
      );
      this.kept.set(cluster, kinds);
    }
    return kinds.has(kind);
  }

  private included(object: CachedObject): boolean {
    return this.options.includeUnmanaged || isPortalManaged(object);
  }

  private deferred(cluster: string, entity: DeferredEntity['entity']) {
    return { entity, locationKey: this.locationKey(cluster) };
  }

  /** The entities of one cluster from the cache, and whether they are all there is. */
  private clusterEntities(cluster: string): ClusterEntities {
    const { state, context } = this.options;
    const statuses = state
      .status(cluster)
      .kinds.filter(status => KINDS.includes(status.kind));
    const entities: ClusterEntities['entities'] = new Map();
    const add = (subject: Subject, entity: DeferredEntity['entity']) =>
      entities.set(resourceRef(entity.metadata.name), {
        subject,
        deferred: this.deferred(cluster, entity),
      });
    const namespaces = new Map(
      state
        .list(cluster, 'namespaces')
        .items.filter(ns => this.included(ns))
        .map(ns => [ns.metadata.name, ns]),
    );
    for (const [name, ns] of namespaces)
      add(
        { cluster, namespace: name },
        toNamespaceEntity(cluster, ns, context),
      );
    if (this.keeps(cluster, 'virtualmachines')) {
      for (const vm of state.list(cluster, 'virtualmachines').items) {
        const ns = namespaces.get(vm.metadata.namespace ?? '');
        if (!ns || !this.included(vm)) continue;
        add(
          { cluster, namespace: ns.metadata.name, vm: vm.metadata.name },
          toVmEntity(cluster, vm, ns, context),
        );
      }
    }
    return {
      cluster,
      complete: statuses.every(listedOnce),
      problems: statuses.filter(
        s => s.state !== 'synced' && s.state !== 'not-installed',
      ),
      entities,
    };
  }

  private async applyFull(): Promise<void> {
    const connection = this.connection!;
    const clusters = this.options.state
      .clusters()
      .map(cluster => this.clusterEntities(cluster));
    for (const { cluster, complete, problems, entities } of clusters) {
      if (problems.length === 0) continue;
      const what = problems
        .map(p => `${p.kind} ${p.state}${p.message ? ` (${p.message})` : ''}`)
        .join(', ');
      const message = complete
        ? `cluster '${cluster}' is not in sync (${what}): keeping the ${count(
            entities.size,
          )} last seen on it`
        : `cluster '${cluster}' has not been listed yet (${what}): its entities in the catalog stay as they are`;
      // right after the start every cluster is still starting: worth a note, not a warning
      if (problems.every(p => p.state === 'starting'))
        this.logger.info(message);
      else this.logger.warn(message);
    }
    const waiting = clusters.filter(c => !c.complete);
    if (waiting.length === 0) {
      const all = clusters.flatMap(c => [...c.entities]);
      await connection.applyMutation({
        type: 'full',
        entities: all.map(([, e]) => e.deferred),
      });
      this.emitted.clear();
      for (const [ref, e] of all)
        this.emitted.set(ref, {
          ...e.subject,
          json: JSON.stringify(e.deferred.entity),
        });
      this.logger.info(
        `${this.getProviderName()}: ${clusters
          .map(c => `${c.entities.size} on ${c.cluster}`)
          .join(', ')}`,
      );
      return;
    }
    // A full mutation would delete what the waiting clusters hold in the catalog: upsert the others instead, and
    // remove what this provider emitted on the complete ones and is gone.
    const delta = new DeltaBuilder(this.emitted);
    for (const c of clusters) {
      for (const [ref, e] of c.entities)
        delta.upsert(ref, e.subject, e.deferred);
      if (!c.complete) continue;
      for (const [ref, e] of this.emitted)
        if (e.cluster === c.cluster && !c.entities.has(ref))
          delta.remove(ref, this.locationKey(e.cluster));
    }
    const { added, removed } = await this.applyDeltaOf(delta);
    this.logger.info(
      `${this.getProviderName()}: full refresh postponed until ${waiting
        .map(c => `'${c.cluster}'`)
        .join(', ')} ${
        waiting.length === 1 ? 'has' : 'have'
      } been listed; upserted ${added}, removed ${removed} entities of the others`,
    );
  }

  /** Applies a delta when it changes anything, then records what the catalog now holds. */
  private async applyDeltaOf(
    delta: DeltaBuilder,
  ): Promise<{ added: number; removed: number }> {
    const { added, removed } = delta;
    if (added.length === 0 && removed.length === 0)
      return { added: 0, removed: 0 };
    await this.connection!.applyMutation({
      type: 'delta',
      added: added.map(a => a.deferred),
      removed: removed.map(r => ({
        entityRef: r.ref,
        locationKey: r.locationKey,
      })),
    });
    for (const a of added) this.emitted.set(a.ref, a.emitted);
    for (const r of removed) this.emitted.delete(r.ref);
    return { added: added.length, removed: removed.length };
  }

  private onChange(change: ClusterStateChange): void {
    if (this.stopped || !KINDS.includes(change.kind)) return;
    const { metadata } = change.object;
    const subject: Subject =
      change.kind === 'namespaces'
        ? { cluster: change.cluster, namespace: metadata.name }
        : {
            cluster: change.cluster,
            namespace: metadata.namespace ?? '',
            vm: metadata.name,
          };
    this.dirty.set(
      [subject.cluster, subject.namespace, subject.vm ?? ''].join('/'),
      subject,
    );
    this.flushTimer ??= setTimeout(() => {
      this.flushTimer = undefined;
      this.serialized(() => this.applyDelta()).catch(error =>
        this.logger.error(
          `${this.getProviderName()} delta failed; the next full refresh catches up`,
          error as Error,
        ),
      );
    }, this.options.deltaDelayMs);
  }

  /** The entity of a namespace or VM as the cache holds it now; `undefined` when there is none to show. */
  private entityOf(subject: Subject): DeferredEntity | undefined {
    const { state, context } = this.options;
    const { cluster, vm } = subject;
    const ns = state.get(
      cluster,
      'namespaces',
      undefined,
      subject.namespace,
    ).item;
    if (!ns || !this.included(ns)) return undefined;
    if (vm === undefined)
      return this.deferred(cluster, toNamespaceEntity(cluster, ns, context));
    if (!this.keeps(cluster, 'virtualmachines')) return undefined;
    const object = state.get(
      cluster,
      'virtualmachines',
      subject.namespace,
      vm,
    ).item;
    return object && this.included(object)
      ? this.deferred(cluster, toVmEntity(cluster, object, ns, context))
      : undefined;
  }

  private async applyDelta(): Promise<void> {
    if (this.stopped || !this.connection) return;
    const { state } = this.options;
    const subjects = new Map<string, Subject>();
    const put = (subject: Subject) =>
      subjects.set(
        resourceRef(
          subject.vm === undefined
            ? namespaceEntityName(subject.cluster, subject.namespace)
            : vmEntityName(subject.cluster, subject.namespace, subject.vm),
        ),
        subject,
      );
    for (const subject of this.dirty.values()) {
      put(subject);
      if (subject.vm !== undefined) continue;
      // a namespace's change is its VMs' too: their owner, and whether they are shown at all
      const { cluster, namespace } = subject;
      if (this.keeps(cluster, 'virtualmachines'))
        for (const vm of state.list(cluster, 'virtualmachines', namespace)
          .items)
          put({ cluster, namespace, vm: vm.metadata.name });
      for (const e of this.emitted.values())
        if (
          e.cluster === cluster &&
          e.namespace === namespace &&
          e.vm !== undefined
        )
          put({ cluster, namespace, vm: e.vm });
    }
    this.dirty.clear();
    const delta = new DeltaBuilder(this.emitted);
    for (const [ref, subject] of subjects) {
      const deferred = this.entityOf(subject);
      if (deferred) delta.upsert(ref, subject, deferred);
      else if (this.emitted.has(ref))
        delta.remove(ref, this.locationKey(subject.cluster));
    }
    const { added, removed } = await this.applyDeltaOf(delta);
    if (added > 0 || removed > 0)
      this.logger.debug(
        `${this.getProviderName()}: upserted ${added}, removed ${removed} entities`,
      );
  }
}
