import { LoggerService } from '@backstage/backend-plugin-api';
import { NotFoundError } from '@backstage/errors';
import {
  LABELS,
  MANAGED_BY,
  PORTAL_DOMAIN,
} from '@kubeportal/plugin-provisioning-common';
import type {
  KubeConfig,
  KubernetesListObject,
  KubernetesObject,
  ListWatch,
  Watch,
} from '@kubernetes/client-node';
import { ClusterConnection } from '../config/clusters';
import type { ProvisioningConfig } from '../config/provisioningConfig';
import {
  ClusterError,
  clusterErrorOf,
  kubeConfigFor,
  loadClientNode,
  publicMessage,
} from './ClusterClients';

type ClientNode = typeof import('@kubernetes/client-node');
type Json = Record<string, unknown>;

/**
 * The kinds the portal keeps live, one watch each per cluster. Secrets are not among them and cannot be asked for:
 * the portal never lists or watches them.
 *
 * @public
 */
export const CLUSTER_STATE_KINDS = [
  'namespaces',
  'resourcequotas',
  'limitranges',
  'pods',
  'deployments',
  'statefulsets',
  'events',
  'persistentvolumeclaims',
  'nodes',
  'virtualmachines',
  'virtualmachineinstances',
  'datavolumes',
  'kustomizations',
] as const;

/** One kind the cache holds, by its resource name. @public */
export type ClusterStateKind = (typeof CLUSTER_STATE_KINDS)[number];

/**
 * Where the watch of one kind on one cluster stands:
 * - `starting`: nothing listed yet;
 * - `synced`: listed, and the watch is open (reads are current);
 * - `reconnecting`: the watch broke or the server answered with an error; a retry is scheduled with backoff, reads
 *   hold what was last seen;
 * - `unreachable`: the cluster could not be reached at all (refused, reset, timed out, bad settings); retried with
 *   backoff, reads hold what was last seen;
 * - `not-installed`: the API does not exist on this cluster (a CRD that is not installed, or removed); nothing is
 *   held; checked again rarely;
 * - `forbidden`: the portal's identity may not list the kind (401/403); checked again every few minutes, reads hold
 *   what was last seen.
 *
 * @public
 */
export type ClusterStateKindState =
  | 'starting'
  | 'synced'
  | 'reconnecting'
  | 'unreachable'
  | 'not-installed'
  | 'forbidden';

/**
 * One cluster at a glance: `synced` when every installed kind is, `degraded` when some are not, and the failing
 * state itself when every installed kind fails the same way.
 *
 * @public
 */
export type ClusterStateSummary =
  | 'starting'
  | 'synced'
  | 'degraded'
  | 'reconnecting'
  | 'unreachable'
  | 'forbidden';

/** Metadata kept of a cached object; timestamps are the API's RFC 3339 strings. @public */
export interface CachedObjectMeta {
  name: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: Array<{ kind: string; name: string }>;
}

/**
 * An object as the cache holds it: the JSON the API server sent, trimmed to the fields the portal shows, with
 * `apiVersion` and `kind` always set. Shared by every reader: treat it as read-only.
 *
 * @public
 */
export interface CachedObject {
  apiVersion: string;
  kind: string;
  metadata: CachedObjectMeta;
  spec?: Json;
  status?: Json;
  [field: string]: unknown;
}

/** The state of one kind on one cluster: part of every read. @public */
export interface ClusterStateKindStatus {
  cluster: string;
  kind: ClusterStateKind;
  state: ClusterStateKindState;
  /** Objects held now. */
  objects: number;
  /** When a full LIST last completed (ISO 8601). */
  lastSyncedAt?: string;
  /** When the server was last heard from: a LIST, a watch event or a bookmark (ISO 8601). */
  lastHeardAt?: string;
  /** When the next attempt is due, while one is scheduled (ISO 8601). */
  nextAttemptAt?: string;
  /** What is wrong, in words any user may see (no addresses, no account names); absent while all is well. */
  message?: string;
  /** The last failure with the cluster's own words, for the platform team; kept after recovery. */
  lastError?: { at: string; error: ClusterError };
}

/** Kubernetes calls made for one kind: LIST requests (one per page), watch requests started, 410s seen. @public */
export interface ClusterStateCallCounts {
  lists: number;
  watches: number;
  /** Watches answered with 410 Gone (resourceVersion compacted away), each followed by a re-list. */
  expired: number;
}

/** One cluster: its summary state and every kind's status. @public */
export interface ClusterStateStatus {
  cluster: string;
  state: ClusterStateSummary;
  /** The most serious problem, in words any user may see. */
  message?: string;
  /** The oldest `lastSyncedAt` over the installed kinds: how old the oldest list behind the data is. */
  lastSyncedAt?: string;
  /** The latest `lastHeardAt` over the kinds. */
  lastHeardAt?: string;
  kinds: ClusterStateKindStatus[];
}

/** A change to a cached object, for signals and catalog deltas. @public */
export interface ClusterStateChange {
  cluster: string;
  kind: ClusterStateKind;
  type: 'add' | 'update' | 'delete';
  object: CachedObject;
}

/** Timers and time, injectable so tests can drive backoff without waiting. @public */
export interface ClusterStateClock {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** Options of the cache; every duration has a default suited to production. @public */
export interface ClusterStateCacheOptions {
  logger?: LoggerService;
  /** Kinds to hold; default all of `CLUSTER_STATE_KINDS`. */
  kinds?: ReadonlyArray<ClusterStateKind>;
  /** Hold every namespace, not only those labelled `app.kubernetes.io/managed-by=kubeportal`. Default false. */
  includeUnmanaged?: boolean;
  /** Warning events kept per namespace, newest first. Default 20. */
  maxEventsPerNamespace?: number;
  /** Reconnect backoff after a failure: full jitter over `base * 2^(attempt-1)`, capped. Default 1 s and 60 s. */
  backoff?: { baseMs?: number; maxMs?: number };
  /** How often a kind whose API is not installed is checked again. Default 10 minutes. */
  notInstalledRecheckMs?: number;
  /** How often a kind the portal may not read (401/403), or a cluster with bad settings, is tried again. Default 3 minutes. */
  forbiddenRecheckMs?: number;
  /** Time limit of one LIST page. Default 30 s. */
  listTimeoutMs?: number;
  /**
   * A watch that sends nothing for this long is cut and re-opened from its resourceVersion. Longer than the API
   * server's bookmark period (about a minute) so quiet kinds are not re-opened needlessly. Default 2 minutes.
   */
  watchIdleTimeoutMs?: number;
  /** Objects per LIST page. Default 500. */
  pageSize?: number;
  clock?: ClusterStateClock;
  /** Random numbers in [0, 1) for the jitter. Default `Math.random`. */
  random?: () => number;
}

/**
 * The delay before reconnect attempt `attempt` (1, 2, ...): "full jitter", a uniform pick between 0 and
 * `min(max, base * 2^(attempt-1))`, so clusters and kinds that failed together do not come back together.
 *
 * @public
 */
export function backoffDelay(
  attempt: number,
  random: () => number,
  options: { baseMs: number; maxMs: number },
): number {
  const ceiling = Math.min(
    options.maxMs,
    options.baseMs * 2 ** Math.max(0, attempt - 1),
  );
  return Math.floor(random() * ceiling);
}

// ---------------------------------------------------------------------------------------------------------------
// Trimming: only what the portal shows is stored. Whitelists, so a field added upstream (or a cloud-init secret in
// a VM's volumes) never slips into memory or into an answer.

const asObject = (value: unknown): Json | undefined =>
  value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Json)
    : undefined;

const asArray = (value: unknown): unknown[] =>
  Array.isArray(value) ? value : [];

/** The listed keys of an object that are set; `undefined` when none are. */
function pick(source: unknown, keys: readonly string[]): Json | undefined {
  const object = asObject(source);
  if (!object) return undefined;
  const out: Json = {};
  for (const key of keys) if (object[key] !== undefined) out[key] = object[key];
  return Object.keys(out).length > 0 ? out : undefined;
}

/** Drops undefined values, and the whole object when nothing is left. */
function compact(object: Json): Json | undefined {
  const out: Json = {};
  for (const [key, value] of Object.entries(object))
    if (value !== undefined) out[key] = value;
  return Object.keys(out).length > 0 ? out : undefined;
}

const mapList = (
  value: unknown,
  fn: (item: unknown) => Json | undefined,
): Json[] | undefined => {
  if (!Array.isArray(value)) return undefined;
  return value.map(item => fn(item) ?? {});
};

const CONDITION_KEYS = [
  'type',
  'status',
  'reason',
  'message',
  'lastTransitionTime',
  'observedGeneration',
] as const;
const conditions = (value: unknown) =>
  mapList(value, c => pick(c, CONDITION_KEYS));

/**
 * Metadata the portal reads. Annotations only where `portalAnnotations` is set, and then only the portal's own
 * (purpose, owner and requester refs): others can be large (kubectl's last-applied copy of the whole object).
 */
function trimMetadata(
  source: unknown,
  options: { portalAnnotations: boolean },
): CachedObjectMeta {
  const meta = asObject(source) ?? {};
  const annotations = Object.entries(asObject(meta.annotations) ?? {}).filter(
    ([key]) => options.portalAnnotations && key.startsWith(`${PORTAL_DOMAIN}/`),
  );
  return compact({
    name: meta.name,
    namespace: meta.namespace,
    uid: meta.uid,
    resourceVersion: meta.resourceVersion,
    generation: meta.generation,
    creationTimestamp: meta.creationTimestamp,
    deletionTimestamp: meta.deletionTimestamp,
    labels: meta.labels,
    annotations:
      annotations.length > 0 ? Object.fromEntries(annotations) : undefined,
    ownerReferences: mapList(meta.ownerReferences, ref =>
      pick(ref, ['kind', 'name']),
    ),
  }) as unknown as CachedObjectMeta;
}

const containers = (value: unknown) =>
  mapList(value, c => pick(c, ['name', 'resources']));

function trimPod(o: Json): Json {
  const spec = asObject(o.spec) ?? {};
  const status = asObject(o.status) ?? {};
  return {
    spec: compact({
      nodeName: spec.nodeName,
      containers: containers(spec.containers),
      initContainers: containers(spec.initContainers),
    }),
    status: compact({
      phase: status.phase,
      reason: status.reason,
      startTime: status.startTime,
      conditions: conditions(status.conditions),
      containerStatuses: mapList(status.containerStatuses, s => {
        const state = asObject(asObject(s)?.state);
        return compact({
          ...pick(s, ['name', 'ready', 'restartCount']),
          state: state
            ? compact({
                waiting: pick(state.waiting, ['reason']),
                running: pick(state.running, ['startedAt']),
                terminated: pick(state.terminated, ['reason', 'exitCode']),
              })
            : undefined,
        });
      }),
    }),
  };
}

function trimEvent(o: Json): Json {
  return {
    involvedObject: pick(o.involvedObject, [
      'apiVersion',
      'kind',
      'name',
      'namespace',
      'uid',
    ]),
    reason: o.reason,
    message: o.message,
    type: o.type,
    count: o.count,
    firstTimestamp: o.firstTimestamp,
    lastTimestamp: o.lastTimestamp,
    eventTime: o.eventTime,
    series: pick(o.series, ['count', 'lastObservedTime']),
    source: pick(o.source, ['component']),
  };
}

const workloadStatus = (o: Json) =>
  compact({
    ...pick(o.status, [
      'replicas',
      'readyReplicas',
      'availableReplicas',
      'updatedReplicas',
      'currentReplicas',
      'observedGeneration',
    ]),
    conditions: conditions(asObject(o.status)?.conditions),
  });

/** Whether an API group is an extension's (a CRD's): anything but the core group and the `*.k8s.io` built-ins. */
function isExtensionApi(apiVersion: string): boolean {
  const group = apiVersion.includes('/') ? apiVersion.split('/')[0] : '';
  return (
    group !== '' &&
    group !== 'apps' &&
    group !== 'batch' &&
    !group.endsWith('.k8s.io')
  );
}

function trimVirtualMachine(o: Json): Json {
  const spec = asObject(o.spec) ?? {};
  const template = asObject(asObject(spec.template)?.spec) ?? {};
  const domain = asObject(template.domain) ?? {};
  const status = asObject(o.status) ?? {};
  return {
    spec: compact({
      runStrategy: spec.runStrategy,
      running: spec.running,
      template: {
        metadata: pick(asObject(spec.template)?.metadata, ['labels']),
        spec: compact({
          domain: compact({
            cpu: domain.cpu,
            memory: domain.memory,
            resources: domain.resources,
            devices: compact({
              disks: mapList(asObject(domain.devices)?.disks, d =>
                pick(d, ['name', 'bootOrder']),
              ),
              interfaces: mapList(asObject(domain.devices)?.interfaces, i =>
                pick(i, ['name', 'model']),
              ),
            }),
          }),
          networks: template.networks,
          // volume sources by reference only: cloud-init data can hold passwords and keys
          volumes: mapList(template.volumes, v =>
            compact({
              name: asObject(v)?.name,
              dataVolume: pick(asObject(v)?.dataVolume, ['name']),
              persistentVolumeClaim: pick(asObject(v)?.persistentVolumeClaim, [
                'claimName',
              ]),
              containerDisk: pick(asObject(v)?.containerDisk, ['image']),
            }),
          ),
        }),
      },
      dataVolumeTemplates: mapList(spec.dataVolumeTemplates, t =>
        compact({
          metadata: pick(asObject(t)?.metadata, ['name']),
          spec: trimDataVolumeSpec(asObject(t)?.spec),
        }),
      ),
    }),
    status: compact({
      printableStatus: status.printableStatus,
      ready: status.ready,
      created: status.created,
      conditions: conditions(status.conditions),
    }),
  };
}

function trimDataVolumeSpec(value: unknown): Json | undefined {
  const spec = asObject(value);
  if (!spec) return undefined;
  const storage = (v: unknown) =>
    pick(v, ['storageClassName', 'accessModes', 'volumeMode', 'resources']);
  const source = asObject(spec.source);
  return compact({
    // the kind of source only: URLs can carry credentials
    source: source
      ? Object.fromEntries(Object.keys(source).map(kind => [kind, {}]))
      : undefined,
    storage: storage(spec.storage),
    pvc: storage(spec.pvc),
  });
}

/** How to reach, select and trim each kind. */
interface KindSpec {
  apiVersion: string;
  kind: string;
  plural: string;
  /** For messages: what a person calls it. */
  title: string;
  fieldSelector?: string;
  /** Kinds whose annotations the portal reads (only its own are kept). */
  annotations?: boolean;
  trim?(object: Json): Json;
}

const KIND_SPECS: Record<ClusterStateKind, KindSpec> = {
  namespaces: {
    apiVersion: 'v1',
    kind: 'Namespace',
    plural: 'namespaces',
    title: 'Namespaces',
    annotations: true,
    trim: o => ({ status: pick(o.status, ['phase']) }),
  },
  resourcequotas: {
    apiVersion: 'v1',
    kind: 'ResourceQuota',
    plural: 'resourcequotas',
    title: 'ResourceQuotas',
    trim: o => ({
      spec: pick(o.spec, ['hard', 'scopes', 'scopeSelector']),
      status: pick(o.status, ['hard', 'used']),
    }),
  },
  limitranges: {
    apiVersion: 'v1',
    kind: 'LimitRange',
    plural: 'limitranges',
    title: 'LimitRanges',
    trim: o => ({ spec: pick(o.spec, ['limits']) }),
  },
  pods: {
    apiVersion: 'v1',
    kind: 'Pod',
    plural: 'pods',
    title: 'Pods',
    trim: trimPod,
  },
  deployments: {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    plural: 'deployments',
    title: 'Deployments',
    trim: o => ({
      spec: pick(o.spec, ['replicas', 'paused']),
      status: workloadStatus(o),
    }),
  },
  statefulsets: {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    plural: 'statefulsets',
    title: 'StatefulSets',
    trim: o => ({
      spec: pick(o.spec, ['replicas', 'serviceName']),
      status: workloadStatus(o),
    }),
  },
  events: {
    apiVersion: 'v1',
    kind: 'Event',
    plural: 'events',
    title: 'Warning events',
    fieldSelector: 'type=Warning',
    trim: trimEvent,
  },
  persistentvolumeclaims: {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    plural: 'persistentvolumeclaims',
    title: 'PersistentVolumeClaims',
    trim: o => ({
      spec: pick(o.spec, [
        'storageClassName',
        'accessModes',
        'volumeMode',
        'volumeName',
        'resources',
      ]),
      status: compact({
        ...pick(o.status, ['phase', 'capacity', 'accessModes']),
        conditions: conditions(asObject(o.status)?.conditions),
      }),
    }),
  },
  nodes: {
    apiVersion: 'v1',
    kind: 'Node',
    plural: 'nodes',
    title: 'Nodes',
    trim: o => ({
      spec: pick(o.spec, ['unschedulable', 'taints']),
      status: compact({
        ...pick(o.status, ['capacity', 'allocatable', 'addresses']),
        conditions: conditions(asObject(o.status)?.conditions),
        nodeInfo: pick(asObject(o.status)?.nodeInfo, [
          'kubeletVersion',
          'architecture',
          'osImage',
        ]),
      }),
    }),
  },
  virtualmachines: {
    apiVersion: 'kubevirt.io/v1',
    kind: 'VirtualMachine',
    plural: 'virtualmachines',
    title: 'KubeVirt VirtualMachines',
    annotations: true,
    trim: trimVirtualMachine,
  },
  virtualmachineinstances: {
    apiVersion: 'kubevirt.io/v1',
    kind: 'VirtualMachineInstance',
    plural: 'virtualmachineinstances',
    title: 'KubeVirt VirtualMachineInstances',
    trim: o => {
      const domain = asObject(asObject(o.spec)?.domain) ?? {};
      const status = asObject(o.status) ?? {};
      return {
        spec: compact({
          domain: pick(domain, ['cpu', 'memory', 'resources']),
        }),
        status: compact({
          phase: status.phase,
          nodeName: status.nodeName,
          interfaces: mapList(status.interfaces, i =>
            pick(i, ['name', 'ipAddress', 'ipAddresses']),
          ),
          conditions: conditions(status.conditions),
        }),
      };
    },
  },
  datavolumes: {
    apiVersion: 'cdi.kubevirt.io/v1beta1',
    kind: 'DataVolume',
    plural: 'datavolumes',
    title: 'CDI DataVolumes',
    annotations: true,
    trim: o => ({
      spec: trimDataVolumeSpec(o.spec),
      status: compact({
        ...pick(o.status, ['phase', 'progress', 'claimName']),
        conditions: conditions(asObject(o.status)?.conditions),
      }),
    }),
  },
  kustomizations: {
    apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
    kind: 'Kustomization',
    plural: 'kustomizations',
    title: 'Flux Kustomizations',
    annotations: true,
    trim: o => ({
      spec: pick(o.spec, [
        'path',
        'sourceRef',
        'interval',
        'prune',
        'suspend',
        'serviceAccountName',
        'targetNamespace',
      ]),
      // the inventory (every applied object) is left out: large and not shown
      status: compact({
        ...pick(o.status, [
          'lastAppliedRevision',
          'lastAttemptedRevision',
          'observedGeneration',
        ]),
        conditions: conditions(asObject(o.status)?.conditions),
      }),
    }),
  },
};

/** Trims one object as the API server sent it to what the cache stores. */
function trimObject(spec: KindSpec, source: unknown): CachedObject {
  const object = asObject(source) ?? {};
  const rest = spec.trim ? spec.trim(object) : {};
  return compact({
    apiVersion: spec.apiVersion,
    kind: spec.kind,
    metadata: trimMetadata(object.metadata, {
      portalAnnotations: spec.annotations ?? false,
    }),
    ...rest,
  }) as unknown as CachedObject;
}

/** Newest first: the series' last sighting, then the last, event and first time stamps, then creation. */
function eventTime(event: CachedObject): number {
  const series = asObject(event.series);
  for (const value of [
    series?.lastObservedTime,
    event.lastTimestamp,
    event.eventTime,
    event.firstTimestamp,
    event.metadata.creationTimestamp,
  ]) {
    if (typeof value === 'string') {
      const time = Date.parse(value);
      if (!Number.isNaN(time)) return time;
    }
  }
  return 0;
}

const newestFirst = (a: CachedObject, b: CachedObject) =>
  eventTime(b) - eventTime(a) || a.metadata.name.localeCompare(b.metadata.name);

const byNamespaceAndName = (a: CachedObject, b: CachedObject) =>
  (a.metadata.namespace ?? '').localeCompare(b.metadata.namespace ?? '') ||
  a.metadata.name.localeCompare(b.metadata.name);

/**
 * client-node types metadata time stamps as `Date`, but its watch hands over the JSON as sent (strings), and so
 * does our list: what `ListWatch` stores is our `CachedObject`. These two functions are that boundary.
 */
const toStored = (object: CachedObject) =>
  object as unknown as KubernetesObject;
const fromStored = (object: KubernetesObject) =>
  object as unknown as CachedObject;

/** A client-node failure (a list's `ApiException`, a watch's `statusCode` error, a timeout) as a cluster error. */
function toClusterError(error: unknown, timeoutMs: number): ClusterError {
  const failure = (error ?? {}) as {
    name?: string;
    code?: unknown;
    statusCode?: unknown;
    message?: string;
  };
  if (failure.name === 'TimeoutError')
    return {
      errorType: 'TIMEOUT',
      message: `no answer within ${timeoutMs} ms`,
    };
  if (
    typeof failure.statusCode === 'number' &&
    typeof failure.code !== 'number'
  )
    return clusterErrorOf({
      code: failure.statusCode,
      message: failure.message,
    });
  return clusterErrorOf(error);
}

// ---------------------------------------------------------------------------------------------------------------

interface Settings {
  includeUnmanaged: boolean;
  maxEventsPerNamespace: number;
  backoff: { baseMs: number; maxMs: number };
  notInstalledRecheckMs: number;
  forbiddenRecheckMs: number;
  listTimeoutMs: number;
  watchIdleTimeoutMs: number;
  pageSize: number;
}

/** What the per-kind watchers share: settings, time, the client library, and where changes go. */
interface Shared {
  settings: Settings;
  clock: ClusterStateClock;
  random: () => number;
  logger?: LoggerService;
  k8s(): ClientNode;
  /** A delay that ends early when the cache stops (for ListWatch's own reconnect pauses). */
  delay(ms: number): Promise<void>;
  changed(change: ClusterStateChange): void;
  statusChanged(status: ClusterStateKindStatus): void;
}

/** One cluster's connection, built once (on first use) from its settings and shared by all its kinds. */
class ClusterConnectionState {
  private kubeConfig?: Promise<KubeConfig>;

  constructor(readonly connection: ClusterConnection) {}

  get name() {
    return this.connection.name;
  }

  config(): Promise<KubeConfig> {
    if (!this.kubeConfig) {
      const built = kubeConfigFor(this.connection);
      built.catch(() => {
        // bad settings (a missing kubeconfig file, an unknown context): built again on the next attempt
        if (this.kubeConfig === built) this.kubeConfig = undefined;
      });
      this.kubeConfig = built;
    }
    return this.kubeConfig;
  }
}

/**
 * The `Watch` that `ListWatch` drives, with what `ListWatch` cannot be told: ask for bookmarks, trim objects on the
 * way in, and report connects, events and ends to the kind's bookkeeping. Refuses to open a watch once the cache
 * has stopped (ListWatch may still call it after a pending pause).
 */
interface WatchHooks {
  open(): boolean;
  event(
    phase: string,
    object: unknown,
    forward: (phase: string, object: unknown, raw?: unknown) => void,
    raw?: unknown,
  ): void;
  connected(): void;
  ended(error: unknown): void;
}

function bookmarkingWatch(
  k8s: ClientNode,
  kubeConfig: KubeConfig,
  idleTimeoutMs: number,
  hooks: WatchHooks,
): Watch {
  class BookmarkingWatch extends k8s.Watch {
    constructor() {
      super(kubeConfig);
      // Watch cuts a stream silent for 30 s (its private `requestTimeoutMs`), less than the API server's bookmark
      // period: every quiet kind would be re-opened twice a minute. Longer than a bookmark period, it still finds
      // a dead connection.
      Reflect.set(this, 'requestTimeoutMs', idleTimeoutMs);
    }

    async watch(
      path: string,
      queryParams: Record<string, string | number | boolean | undefined>,
      callback: (phase: string, apiObj: unknown, watchObj?: unknown) => void,
      done: (err: unknown) => void,
    ): Promise<AbortController> {
      if (!hooks.open()) return new AbortController();
      let ended = false;
      const end = (error: unknown) => {
        ended = true;
        hooks.ended(error);
        done(error);
      };
      try {
        const controller = await super.watch(
          path,
          { ...queryParams, allowWatchBookmarks: true },
          (phase, object, raw) => hooks.event(phase, object, callback, raw),
          end,
        );
        if (!ended) hooks.connected();
        return controller;
      } catch (error) {
        // authentication could not be applied (an exec plugin failed): an error like any other
        if (!ended) end(error);
        return new AbortController();
      }
    }
  }
  return new BookmarkingWatch();
}

/** A ListWatch with the number of objects it holds. */
type CountingListWatch = ListWatch<KubernetesObject> & {
  held: { count: number };
};

/**
 * One kind on one cluster: a client-node `ListWatch` (list, watch from the list's resourceVersion, re-list on 410
 * and reconcile deletions), and around it what ListWatch leaves to its user: reconnecting after an error with
 * backoff, telling a missing API or a refusal from an outage, and the bookkeeping every read reports.
 */
class KindWatcher {
  private state: ClusterStateKindState = 'starting';
  private lastSyncedAt?: string;
  private lastHeardAt?: string;
  private nextAttemptAt?: string;
  private message?: string;
  private lastError?: { at: string; error: ClusterError };
  /** Failures since the last good list or event: the backoff exponent. */
  private attempts = 0;
  private timer?: unknown;
  private listWatch?: ListWatch<KubernetesObject>;
  /** The count of the current ListWatch's objects. */
  private held = { count: 0 };
  /** When the list whose items ListWatch is applying completed; becomes `lastSyncedAt` once the watch is open. */
  private listedAt?: string;
  /** The current watch stream was open before it failed (a cut, not a refusal). */
  private streamWasOpen = false;
  private stopped = false;
  private readonly abort = new AbortController();
  readonly calls: ClusterStateCallCounts = {
    lists: 0,
    watches: 0,
    expired: 0,
  };
  private readonly spec: KindSpec;
  private readonly path: string;
  private readonly labelSelector?: string;

  constructor(
    private readonly cluster: ClusterConnectionState,
    readonly kind: ClusterStateKind,
    private readonly shared: Shared,
  ) {
    this.spec = KIND_SPECS[kind];
    this.path = `${this.spec.apiVersion.includes('/') ? '/apis' : '/api'}/${
      this.spec.apiVersion
    }/${this.spec.plural}`;
    if (kind === 'namespaces' && !shared.settings.includeUnmanaged)
      this.labelSelector = `${LABELS.managedBy}=${MANAGED_BY}`;
  }

  private now(): string {
    return new Date(this.shared.clock.now()).toISOString();
  }

  start(): void {
    void this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.clearTimer();
    this.abort.abort();
    await this.listWatch?.stop();
  }

  items(namespace?: string): CachedObject[] {
    const items = (this.listWatch?.list(namespace) ?? []).map(fromStored);
    return items.sort(
      this.kind === 'events' ? newestFirst : byNamespaceAndName,
    );
  }

  item(namespace: string | undefined, name: string): CachedObject | undefined {
    const found = this.listWatch?.get(name, namespace);
    return found ? fromStored(found) : undefined;
  }

  status(): ClusterStateKindStatus {
    return {
      cluster: this.cluster.name,
      kind: this.kind,
      state: this.state,
      objects: this.listWatch ? this.held.count : 0,
      ...(this.lastSyncedAt ? { lastSyncedAt: this.lastSyncedAt } : {}),
      ...(this.lastHeardAt ? { lastHeardAt: this.lastHeardAt } : {}),
      ...(this.nextAttemptAt ? { nextAttemptAt: this.nextAttemptAt } : {}),
      ...(this.message ? { message: this.message } : {}),
      ...(this.lastError ? { lastError: this.lastError } : {}),
    };
  }

  private setState(state: ClusterStateKindState, message?: string) {
    const changed = state !== this.state || message !== this.message;
    this.state = state;
    this.message = message;
    if (changed) this.shared.statusChanged(this.status());
  }

  private clearTimer() {
    if (this.timer !== undefined) this.shared.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.nextAttemptAt = undefined;
  }

  private schedule(ms: number) {
    this.clearTimer();
    this.nextAttemptAt = new Date(this.shared.clock.now() + ms).toISOString();
    this.timer = this.shared.clock.setTimeout(() => {
      this.timer = undefined;
      this.nextAttemptAt = undefined;
      void this.connect();
    }, ms);
  }

  /** Starts (or restarts) the ListWatch: from its last resourceVersion when it has one, else with a LIST. */
  private async connect(): Promise<void> {
    if (this.stopped) return;
    let listWatch = this.listWatch;
    if (!listWatch) {
      let kubeConfig: KubeConfig;
      try {
        kubeConfig = await this.cluster.config();
      } catch (error) {
        this.fail(undefined, {
          errorType: 'BAD_CONFIGURATION',
          message: (error as Error).message,
        });
        return;
      }
      if (this.stopped) return;
      const created = this.createListWatch(kubeConfig);
      listWatch = created;
      this.listWatch = created;
      this.held = created.held;
    }
    try {
      await listWatch.start();
    } catch (error) {
      this.onError(listWatch, error);
    }
  }

  private createListWatch(kubeConfig: KubeConfig): CountingListWatch {
    const k8s = this.shared.k8s();
    const watch = bookmarkingWatch(
      k8s,
      kubeConfig,
      this.shared.settings.watchIdleTimeoutMs,
      {
        open: () => {
          if (this.stopped) return false;
          this.calls.watches += 1;
          this.streamWasOpen = false;
          return true;
        },
        event: (phase, object, forward, raw) =>
          this.onWatchEvent(phase, object, forward, raw),
        connected: () => this.onWatchConnected(),
        ended: error => this.onWatchEnded(error),
      },
    );
    const listWatch: ListWatch<KubernetesObject> = new k8s.ListWatch(
      this.path,
      watch,
      () => this.list(kubeConfig),
      false,
      this.labelSelector,
      this.spec.fieldSelector,
      { delayFn: ms => this.shared.delay(ms) },
    );
    const emit = (type: ClusterStateChange['type']) => (o: KubernetesObject) =>
      this.shared.changed({
        cluster: this.cluster.name,
        kind: this.kind,
        type,
        object: fromStored(o),
      });
    // how many objects it holds, counted as they come and go (ListWatch's own list() copies them all)
    const held = { count: 0 };
    listWatch.on(k8s.ADD, object => {
      held.count += 1;
      emit('add')(object);
    });
    listWatch.on(k8s.UPDATE, emit('update'));
    listWatch.on(k8s.DELETE, object => {
      held.count -= 1;
      emit('delete')(object);
    });
    listWatch.on(k8s.ERROR, error => this.onError(listWatch, error));
    return Object.assign(listWatch, { held });
  }

  /** A full LIST, page by page, with the same selectors as the watch; objects trimmed, events capped. */
  private async list(
    kubeConfig: KubeConfig,
  ): Promise<KubernetesListObject<KubernetesObject>> {
    const items: CachedObject[] = [];
    let resourceVersion = '';
    let continueToken: string | undefined;
    do {
      const page = await this.listPage(kubeConfig, continueToken);
      for (const item of asArray(page.items))
        items.push(trimObject(this.spec, item));
      const meta = asObject(page.metadata) ?? {};
      resourceVersion =
        typeof meta.resourceVersion === 'string' ? meta.resourceVersion : '';
      continueToken =
        typeof meta.continue === 'string' && meta.continue
          ? meta.continue
          : undefined;
    } while (continueToken);
    this.listedAt = this.now();
    this.lastHeardAt = this.listedAt;
    this.attempts = 0;
    const kept = this.kind === 'events' ? this.newestEvents(items) : items;
    return { metadata: { resourceVersion }, items: kept.map(toStored) };
  }

  /**
   * One LIST request through client-node's own request pipeline (KubeConfig authentication, its undici
   * dispatcher), read as the JSON the server sent so listed and watched objects have one shape.
   */
  private async listPage(
    kubeConfig: KubeConfig,
    continueToken?: string,
  ): Promise<Json> {
    const k8s = this.shared.k8s();
    const server = kubeConfig.getCurrentCluster()?.server;
    if (!server) throw new Error('the kubeconfig has no current cluster');
    const url = new URL(`${server.replace(/\/$/, '')}${this.path}`);
    if (this.labelSelector)
      url.searchParams.set('labelSelector', this.labelSelector);
    if (this.spec.fieldSelector)
      url.searchParams.set('fieldSelector', this.spec.fieldSelector);
    url.searchParams.set('limit', String(this.shared.settings.pageSize));
    this.streamWasOpen = false;
    if (continueToken) url.searchParams.set('continue', continueToken);
    const request = new k8s.RequestContext(url.toString(), k8s.HttpMethod.GET);
    request.setHeaderParam('Accept', 'application/json');
    await kubeConfig.applySecurityAuthentication(request);
    request.setSignal(
      AbortSignal.any([
        this.abort.signal,
        AbortSignal.timeout(this.shared.settings.listTimeoutMs),
      ]),
    );
    this.calls.lists += 1;
    try {
      const response = await new k8s.IsomorphicFetchHttpLibrary()
        .send(request)
        .toPromise();
      const body = await response.body.text();
      if (response.httpStatusCode < 200 || response.httpStatusCode > 299)
        throw new k8s.ApiException(
          response.httpStatusCode,
          `LIST ${this.path}`,
          body,
          response.headers,
        );
      return JSON.parse(body) as Json;
    } finally {
      // client-node makes a dispatcher per request; close it so no idle socket outlives the list
      await request
        .getDispatcher()
        ?.destroy()
        .catch(() => undefined);
    }
  }

  /** The newest `maxEventsPerNamespace` of each namespace. */
  private newestEvents(events: CachedObject[]): CachedObject[] {
    const byNamespace = new Map<string, CachedObject[]>();
    for (const event of events) {
      const namespace = event.metadata.namespace ?? '';
      byNamespace.set(namespace, [
        ...(byNamespace.get(namespace) ?? []),
        event,
      ]);
    }
    return [...byNamespace.values()].flatMap(list =>
      list
        .sort(newestFirst)
        .slice(0, this.shared.settings.maxEventsPerNamespace),
    );
  }

  private onWatchEvent(
    phase: string,
    object: unknown,
    forward: (phase: string, object: unknown, raw?: unknown) => void,
    raw?: unknown,
  ) {
    if (this.stopped) return;
    this.lastHeardAt = this.now();
    if (phase === 'BOOKMARK' || phase === 'ERROR') {
      if (phase === 'ERROR' && asObject(object)?.code === 410) {
        this.calls.expired += 1;
        this.shared.logger?.info(
          `${this.spec.title}: resourceVersion expired (410), listing again`,
        );
      }
      // a bookmark carries only a resourceVersion; ListWatch takes it as its new starting point
      forward(phase, object, raw);
      return;
    }
    const trimmed = trimObject(this.spec, object);
    forward(phase, toStored(trimmed), raw);
    this.attempts = 0;
    if (this.kind === 'events' && phase !== 'DELETED')
      this.evictOldEvents(trimmed, forward);
  }

  /**
   * Keeps a namespace's warning events bounded: past the limit the oldest is removed as a deletion, which ListWatch
   * applies like any other. It carries the resourceVersion of the event that pushed it out, so ListWatch's
   * resume point does not move backwards.
   */
  private evictOldEvents(
    added: CachedObject,
    forward: (phase: string, object: unknown) => void,
  ) {
    const events = this.items(added.metadata.namespace);
    for (const old of events.slice(
      this.shared.settings.maxEventsPerNamespace,
    )) {
      forward(
        'DELETED',
        toStored({
          ...old,
          metadata: {
            ...old.metadata,
            resourceVersion: added.metadata.resourceVersion,
          },
        }),
      );
    }
  }

  private onWatchConnected() {
    if (this.stopped) return;
    this.streamWasOpen = true;
    if (this.listedAt) {
      this.lastSyncedAt = this.listedAt;
      this.listedAt = undefined;
    }
    this.setState('synced');
  }

  private onWatchEnded(error: unknown) {
    if (this.stopped || !error) return;
    if ((error as { name?: string }).name === 'TimeoutError') {
      // A stream silent for the idle timeout: ListWatch re-opens it at once from its resourceVersion (one watch
      // call, no list). Not an error: the API server sends no bookmarks for a kind it serves without its watch
      // cache (events), so a quiet one is cut every period. A cut that was a dead connection shows when the
      // re-open fails, which reports it.
      this.shared.logger?.debug(
        `${this.spec.title} on cluster ${this.cluster.name}: the watch was silent for ${this.shared.settings.watchIdleTimeoutMs} ms, re-opening it`,
      );
    }
  }

  private recordError(error: ClusterError) {
    this.lastError = { at: this.now(), error };
  }

  /** ListWatch stopped on an error (not a 410, which it handles): decide what it means and when to try again. */
  private onError(listWatch: ListWatch<KubernetesObject>, error: unknown) {
    if (this.stopped || listWatch !== this.listWatch) return;
    this.fail(
      listWatch,
      toClusterError(error, this.shared.settings.listTimeoutMs),
    );
  }

  private fail(
    listWatch: ListWatch<KubernetesObject> | undefined,
    error: ClusterError,
  ) {
    const { settings, logger } = this.shared;
    this.recordError(error);
    const where = `${this.spec.title} on cluster ${this.cluster.name}`;
    // only an extension's API (a CRD) can be missing: a 404 on a built-in kind (a proxy in front of a cluster that is
    // gone) is a cluster that cannot be reached, and what was seen is kept
    if (error.statusCode === 404 && isExtensionApi(this.spec.apiVersion)) {
      // the API is not there (a CRD not installed, or removed): drop what was held, look again rarely
      this.listWatch = undefined;
      if (listWatch) {
        void listWatch.stop();
        for (const object of listWatch.list())
          this.shared.changed({
            cluster: this.cluster.name,
            kind: this.kind,
            type: 'delete',
            object: fromStored(object),
          });
      }
      this.schedule(settings.notInstalledRecheckMs);
      logger?.info(
        `${where}: not installed (${this.spec.apiVersion} ${this.spec.plural}); checking again in ${settings.notInstalledRecheckMs} ms`,
      );
      this.setState(
        'not-installed',
        `${this.spec.title} (${this.spec.apiVersion}) are not installed on cluster '${this.cluster.name}'`,
      );
      return;
    }
    if (
      error.errorType === 'UNAUTHORIZED' ||
      error.errorType === 'FORBIDDEN' ||
      error.errorType === 'BAD_CONFIGURATION'
    ) {
      // waiting does not help until someone changes a binding or the settings: try again every few minutes
      this.schedule(settings.forbiddenRecheckMs);
      logger?.warn(
        `${where}: ${error.message}; trying again in ${settings.forbiddenRecheckMs} ms`,
      );
      this.setState(
        error.errorType === 'BAD_CONFIGURATION' ? 'unreachable' : 'forbidden',
        publicMessage(this.cluster.name, error),
      );
      return;
    }
    this.attempts += 1;
    const delay = backoffDelay(
      this.attempts,
      this.shared.random,
      settings.backoff,
    );
    this.schedule(delay);
    logger?.warn(
      `${where}: ${error.message}; reconnecting in ${delay} ms (attempt ${this.attempts})`,
    );
    const noAnswer = error.statusCode === undefined && !this.streamWasOpen;
    this.setState(
      noAnswer ? 'unreachable' : 'reconnecting',
      publicMessage(this.cluster.name, error),
    );
  }
}

const SUMMARY_ORDER: ClusterStateKindState[] = [
  'unreachable',
  'forbidden',
  'reconnecting',
  'starting',
];

/**
 * Live state of every configured cluster: one watch-backed cache per cluster and kind, built on client-node's
 * `ListWatch`. Reads are served from memory, so the number of Kubernetes calls depends on the clusters and their
 * changes, never on how many people look (`calls()` counts them). Every read carries the state of what it read:
 * a cluster that is down, forbids access or lacks an API is reported as such, and the others are served.
 *
 * Secrets are never listed or watched; objects are trimmed to the fields the portal shows before they are stored.
 *
 * @public
 */
export class ClusterStateCache {
  private readonly watchers = new Map<
    string,
    Map<ClusterStateKind, KindWatcher>
  >();
  private readonly listeners = new Set<(change: ClusterStateChange) => void>();
  private readonly statusListeners = new Set<
    (status: ClusterStateKindStatus) => void
  >();
  private readonly delays = new Set<{ handle: unknown; resolve: () => void }>();
  private readonly clock: ClusterStateClock;
  private client?: ClientNode;
  private started = false;
  private stopped = false;

  /** A cache over the clusters of the validated configuration. */
  static fromConfig(
    config: ProvisioningConfig,
    options: ClusterStateCacheOptions = {},
  ): ClusterStateCache {
    return new ClusterStateCache(config.clusters, {
      includeUnmanaged: config.liveState.includeUnmanaged,
      ...options,
    });
  }

  constructor(
    clusters: ReadonlyArray<ClusterConnection>,
    private readonly options: ClusterStateCacheOptions = {},
  ) {
    this.clock = options.clock ?? {
      now: () => Date.now(),
      setTimeout: (callback, ms) => setTimeout(callback, ms),
      clearTimeout: handle =>
        clearTimeout(handle as ReturnType<typeof setTimeout>),
    };
    const settings: Settings = {
      includeUnmanaged: options.includeUnmanaged ?? false,
      maxEventsPerNamespace: options.maxEventsPerNamespace ?? 20,
      backoff: {
        baseMs: options.backoff?.baseMs ?? 1000,
        maxMs: options.backoff?.maxMs ?? 60_000,
      },
      notInstalledRecheckMs: options.notInstalledRecheckMs ?? 10 * 60_000,
      forbiddenRecheckMs: options.forbiddenRecheckMs ?? 3 * 60_000,
      listTimeoutMs: options.listTimeoutMs ?? 30_000,
      watchIdleTimeoutMs: options.watchIdleTimeoutMs ?? 120_000,
      pageSize: options.pageSize ?? 500,
    };
    const kinds = options.kinds ?? CLUSTER_STATE_KINDS;
    for (const connection of clusters) {
      const cluster = new ClusterConnectionState(connection);
      const logger = options.logger?.child({ cluster: connection.name });
      const byKind = new Map<ClusterStateKind, KindWatcher>();
      for (const kind of kinds) {
        if (!(kind in KIND_SPECS))
          throw new Error(`ClusterStateCache: unknown kind '${kind}'`);
        byKind.set(
          kind,
          new KindWatcher(cluster, kind, {
            settings,
            clock: this.clock,
            random: options.random ?? Math.random,
            logger: logger?.child({ kind }),
            k8s: () => {
              if (!this.client)
                throw new Error('ClusterStateCache: start() was not called');
              return this.client;
            },
            delay: ms => this.delay(ms),
            changed: change => this.notify(this.listeners, change),
            statusChanged: status => this.notify(this.statusListeners, status),
          }),
        );
      }
      this.watchers.set(connection.name, byKind);
    }
  }

  /** The configured cluster names, in configuration order. */
  clusters(): string[] {
    return [...this.watchers.keys()];
  }

  /**
   * Starts every watch. Returns once they are under way, not once they are synced (a cluster that does not answer
   * must not hold up the backend's start); `settled()` waits for the first answers.
   */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    this.client = await loadClientNode();
    if (this.stopped) return;
    for (const byKind of this.watchers.values())
      for (const watcher of byKind.values()) watcher.start();
  }

  /**
   * Resolves once every kind of every cluster has had a first answer: synced, or failed in a reported way. Call it
   * after `start()`; it does not resolve for a cache stopped before then.
   */
  settled(): Promise<void> {
    const pending = () =>
      [...this.watchers.values()].some(byKind =>
        [...byKind.values()].some(w => w.status().state === 'starting'),
      );
    if (!pending()) return Promise.resolve();
    return new Promise(resolve => {
      const unsubscribe = this.subscribeStatus(() => {
        if (pending()) return;
        unsubscribe();
        resolve();
      });
    });
  }

  /** Stops every watch and list, clears every timer. The cache keeps what it held for reads but does not restart. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const delay of this.delays) {
      this.clock.clearTimeout(delay.handle);
      delay.resolve();
    }
    this.delays.clear();
    await Promise.all(
      [...this.watchers.values()].flatMap(byKind =>
        [...byKind.values()].map(watcher => watcher.stop()),
      ),
    );
  }

  /** Objects of a kind on a cluster (all namespaces, or one), with that kind's status. Events come newest first. */
  list(
    cluster: string,
    kind: ClusterStateKind,
    namespace?: string,
  ): { items: CachedObject[]; status: ClusterStateKindStatus } {
    const watcher = this.watcher(cluster, kind);
    return { items: watcher.items(namespace), status: watcher.status() };
  }

  /** One object by namespace (undefined for cluster-scoped kinds) and name, with that kind's status. */
  get(
    cluster: string,
    kind: ClusterStateKind,
    namespace: string | undefined,
    name: string,
  ): { item?: CachedObject; status: ClusterStateKindStatus } {
    const watcher = this.watcher(cluster, kind);
    const item = watcher.item(namespace, name);
    return { ...(item ? { item } : {}), status: watcher.status() };
  }

  /** One kind's status on a cluster, without reading its objects. */
  kindStatus(cluster: string, kind: ClusterStateKind): ClusterStateKindStatus {
    return this.watcher(cluster, kind).status();
  }

  /** A cluster's summary state and every kind's status. */
  status(cluster: string): ClusterStateStatus {
    const kinds = [...this.byKind(cluster).values()].map(w => w.status());
    const installed = kinds.filter(k => k.state !== 'not-installed');
    const states = new Set(installed.map(k => k.state));
    let state: ClusterStateSummary;
    if (installed.length === 0 || (states.size === 1 && states.has('synced')))
      state = 'synced';
    else if (states.size === 1 && !states.has('starting'))
      state = [...states][0] as ClusterStateSummary;
    else if (
      [...states].every(s => s === 'unreachable' || s === 'reconnecting')
    )
      state = 'unreachable';
    else if ([...states].every(s => s === 'starting' || s === 'synced'))
      state = 'starting';
    else state = 'degraded';
    const worst = SUMMARY_ORDER.map(s =>
      installed.find(k => k.state === s && k.message),
    ).find(Boolean);
    const synced = installed.map(k => k.lastSyncedAt);
    const heard = kinds.map(k => k.lastHeardAt).filter(Boolean) as string[];
    return {
      cluster,
      state,
      ...(worst?.message ? { message: worst.message } : {}),
      ...(synced.length > 0 && synced.every(Boolean)
        ? { lastSyncedAt: (synced as string[]).sort()[0] }
        : {}),
      ...(heard.length > 0 ? { lastHeardAt: heard.sort().reverse()[0] } : {}),
      kinds,
    };
  }

  /** Every cluster's status. */
  statuses(): ClusterStateStatus[] {
    return this.clusters().map(cluster => this.status(cluster));
  }

  /** Kubernetes calls made for a cluster so far, in total and per kind. Reads make none. */
  calls(cluster: string): ClusterStateCallCounts & {
    byKind: Partial<Record<ClusterStateKind, ClusterStateCallCounts>>;
  } {
    const byKind: Partial<Record<ClusterStateKind, ClusterStateCallCounts>> =
      {};
    const total: ClusterStateCallCounts = { lists: 0, watches: 0, expired: 0 };
    for (const [kind, watcher] of this.byKind(cluster)) {
      byKind[kind] = { ...watcher.calls };
      total.lists += watcher.calls.lists;
      total.watches += watcher.calls.watches;
      total.expired += watcher.calls.expired;
    }
    return { ...total, byKind };
  }

  /** Calls `listener` on every change of a cached object; returns the function that unsubscribes. */
  subscribe(listener: (change: ClusterStateChange) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** Calls `listener` when a kind's state or message changes; returns the function that unsubscribes. */
  subscribeStatus(
    listener: (status: ClusterStateKindStatus) => void,
  ): () => void {
    this.statusListeners.add(listener);
    return () => {
      this.statusListeners.delete(listener);
    };
  }

  private byKind(cluster: string): Map<ClusterStateKind, KindWatcher> {
    const byKind = this.watchers.get(cluster);
    if (!byKind)
      throw new NotFoundError(
        `cluster '${cluster}' is not configured in the portal`,
      );
    return byKind;
  }

  private watcher(cluster: string, kind: ClusterStateKind): KindWatcher {
    const watcher = this.byKind(cluster).get(kind);
    if (!watcher)
      throw new NotFoundError(
        `the portal does not keep '${kind}' of cluster '${cluster}'`,
      );
    return watcher;
  }

  private notify<T>(listeners: Set<(value: T) => void>, value: T) {
    for (const listener of listeners) {
      try {
        listener(value);
      } catch (error) {
        this.options.logger?.warn(
          `a cluster state listener failed: ${(error as Error).message}`,
        );
      }
    }
  }

  private delay(ms: number): Promise<void> {
    return new Promise(resolve => {
      if (this.stopped) {
        resolve();
        return;
      }
      const entry = {
        handle: undefined as unknown,
        resolve,
      };
      entry.handle = this.clock.setTimeout(() => {
        this.delays.delete(entry);
        resolve();
      }, ms);
      this.delays.add(entry);
    });
  }
}
