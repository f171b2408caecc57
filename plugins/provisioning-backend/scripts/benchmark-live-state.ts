/*
 * Benchmark: the live state of a namespace, served by the portal from its watch cache, against the same
 * entities served by Backstage's own Kubernetes backend, which asks the clusters on every request.
 *
 * Real control planes (etcd, kube-apiserver and kube-controller-manager each, from the test environment, with the
 * KubeVirt, CDI and Flux CRDs) are seeded with managed namespaces shaped as the portal renders them (the Namespace,
 * its applier account and binding, its Flux Kustomization marked Ready, a ResourceQuota and a LimitRange, all with
 * the portal's labels and `backstage.io/kubernetes-id: <cluster>.<namespace>`), KubeVirt VMs rendered by the
 * portal's `vmObjects` with their root-disk DataVolumes, and a few Pending pods. One Backstage test backend runs
 * the provisioning backend plugin and `@backstage/plugin-kubernetes-backend` over the same clusters, behind the
 * real permission backend. Measured: the cache's Kubernetes calls at start, idle and under load; its heap and
 * objects; p50/p95/p99 and throughput of both per-namespace endpoints under the same closed-loop clients; the
 * Kubernetes calls of both, counted by the API servers' audit logs per identity (each backend has its own token).
 *
 * Sizes come from the environment (defaults in brackets): BENCH_CLUSTERS [8: what fits on the 2 cores and 24 GiB
 * of this machine kind beside the load; at these sizes each control plane holds about 0.6 GiB and takes about 3 % of
 * a core when idle, and more planes only add idle CPU that both backends compete with], BENCH_NAMESPACES [2000],
 * BENCH_VMS [700], BENCH_PODS_EVERY [10] (two Pending pods in every n-th namespace, 0 for none),
 * BENCH_CLIENTS [50], BENCH_IDLE_SECONDS and BENCH_LOAD_SECONDS [120 each: the cache re-opens a watch that has been
 * silent for two minutes (the events watch: the API server serves events without its watch cache, so without
 * bookmarks), and a window of that length holds one round of those re-opens whatever the load],
 * BENCH_WARMUP_SECONDS [5], BENCH_SEED_CONCURRENCY [48], BENCH_LOG_LEVEL [none], BENCH_PROFILE_DIR [none: where to
 * write a CPU profile of the backend's thread during each measured load, `<dir>/portal.cpuprofile` and
 * `<dir>/backstage.cpuprofile`].
 *
 * Run: yarn workspace @kubeportal/plugin-provisioning-backend benchmark
 * (the script runs node with --expose-gc, for the heap figures).
 */
import {
  coreServices,
  createBackendModule,
  createServiceFactory,
  LifecycleService,
  LifecycleServiceShutdownHook,
  LoggerService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import kubernetesPlugin from '@backstage/plugin-kubernetes-backend';
import permissionPlugin from '@backstage/plugin-permission-backend';
import {
  AuthorizeResult,
  isPermission,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import {
  PermissionPolicy,
  PolicyQuery,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import {
  KUBERNETES_ANNOTATIONS,
  NAMESPACE_ENTITY_TYPE,
  NamespaceEntityProvider,
} from '@kubeportal/plugin-catalog-backend-module-provisioning';
import {
  ANNOTATIONS,
  FLUX_NAMESPACE,
  KubeObject,
  LABELS,
  limitRangeObject,
  LiveNamespaceState,
  MANAGED_BY,
  namespaceApplierClusterRole,
  namespacePlatformObjects,
  parsePlatformSettings,
  parseRequest,
  provisioningNamespaceReadPermission,
  requestId,
  resourceQuotaObject,
  toLabelValue,
  vmObjects,
  VmRequest,
} from '@kubeportal/plugin-provisioning-common';
import {
  CLUSTER_STATE_KINDS,
  createProvisioningConditionalDecision,
  createProvisioningService,
  loadClientNode,
  ProvisioningService,
  provisioningConditions,
  provisioningServiceRef,
} from '@kubeportal/plugin-provisioning-node';
import {
  clusterConnection,
  ControlPlane,
  emulateVmRunning,
  KubeApi,
  KubeApiError,
  KubeTestEnv,
  markKustomizationReady,
  resourcePath,
  startKubeTestEnv,
  userInfoFromTeams,
  waitUntil,
  authWithPluginActor,
} from '@kubeportal/test-environment';
import fs from 'node:fs';
import http from 'node:http';
import { Session } from 'node:inspector/promises';
import { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { Worker } from 'node:worker_threads';
import { z } from 'zod';
import { provisioningPlugin } from '../src/plugin';

// ---------------------------------------------------------------------------------------------------------------
// Settings

const positiveInt = (fallback: number) =>
  z.coerce.number().int().positive().default(fallback);
const settingsSchema = z.object({
  BENCH_CLUSTERS: z.coerce.number().int().min(1).max(16).default(8),
  BENCH_NAMESPACES: positiveInt(2000),
  BENCH_VMS: z.coerce.number().int().min(0).default(700),
  BENCH_PODS_EVERY: z.coerce.number().int().min(0).default(10),
  BENCH_CLIENTS: positiveInt(50),
  BENCH_LOAD_SECONDS: positiveInt(120),
  BENCH_IDLE_SECONDS: positiveInt(120),
  BENCH_WARMUP_SECONDS: z.coerce.number().int().min(0).default(5),
  BENCH_SEED_CONCURRENCY: positiveInt(48),
  BENCH_LOG_LEVEL: z.enum(['none', 'error', 'warn', 'info']).default('none'),
  BENCH_PROFILE_DIR: z.string().min(1).optional(),
});

function readSettings() {
  const parsed = settingsSchema.safeParse(process.env);
  if (!parsed.success)
    throw new Error(
      `benchmark settings: ${parsed.error.issues
        .map(i => `${i.path.join('.')}: ${i.message}`)
        .join('; ')}`,
    );
  const s = parsed.data;
  if (s.BENCH_VMS > s.BENCH_NAMESPACES)
    throw new Error(
      'benchmark settings: BENCH_VMS: must be at most BENCH_NAMESPACES (one VM a namespace at most)',
    );
  return {
    clusters: s.BENCH_CLUSTERS,
    namespaces: s.BENCH_NAMESPACES,
    vms: s.BENCH_VMS,
    podsEvery: s.BENCH_PODS_EVERY,
    clients: s.BENCH_CLIENTS,
    loadMs: s.BENCH_LOAD_SECONDS * 1000,
    idleMs: s.BENCH_IDLE_SECONDS * 1000,
    warmupMs: s.BENCH_WARMUP_SECONDS * 1000,
    seedConcurrency: s.BENCH_SEED_CONCURRENCY,
    logLevel: s.BENCH_LOG_LEVEL,
    profileDir: s.BENCH_PROFILE_DIR,
  };
}
type Settings = ReturnType<typeof readSettings>;

const PLATFORM_TEAM = 'group:default/platform';
/** The signed-in user both endpoints are asked as: a member of the platform team, which may read every namespace. */
const READER = 'user:default/platform-admin';
/** The identities of the two backends on every cluster; the audit logs count their calls apart. */
const PORTAL_USER = 'bench-portal';
const BACKSTAGE_USER = 'bench-backstage';
const NAMESPACES_PER_TEAM = 10;
const PODS_PER_NAMESPACE = 2;
const NODES_PER_CLUSTER = 3;
/** Backstage's Kubernetes plugin finds a namespace's objects by this label (the portal renders it). */
const KUBERNETES_ID = KUBERNETES_ANNOTATIONS.id;
const ENVIRONMENTS = ['dev', 'staging', 'prod'] as const;
const TARGETS = { p95Ratio: 20 };

// ---------------------------------------------------------------------------------------------------------------
// Small helpers

const out = (line = '') => process.stdout.write(`${line}\n`);
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));
const pad = (n: number, width: number) => String(n).padStart(width, '0');
const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

const silentLogger: LoggerService = {
  error() {},
  warn() {},
  info() {},
  debug() {},
  child: () => silentLogger,
};

/** Runs `fn` over `items` with at most `limit` at a time; stops handing out work after the first failure. */
async function inParallel<T>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  let failure: unknown;
  const lanes = Array.from(
    { length: Math.min(limit, items.length) },
    async () => {
      while (failure === undefined && next < items.length) {
        const item = items[next++];
        try {
          await fn(item);
        } catch (error) {
          failure ??= error;
        }
      }
    },
  );
  await Promise.all(lanes);
  if (failure !== undefined) throw failure;
}

/** Heap in use after two full collections (node runs with --expose-gc). */
function heapUsed(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc)
    throw new Error(
      'global.gc is not available: run node with --expose-gc (the package script does)',
    );
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

/** Resident memory and CPU time of every process started under this one (the control planes), from /proc. */
function descendants(): {
  count: number;
  rssBytes: number;
  cpuSeconds: number;
} {
  const parentOf = new Map<number, number>();
  const stats = new Map<number, { rss: number; cpu: number }>();
  const pageSize = 4096;
  const ticks = 100;
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      // the command name is in parentheses and may hold spaces: the fields after it are split safely
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const pid = Number(entry);
      parentOf.set(pid, Number(fields[1]));
      stats.set(pid, {
        cpu: (Number(fields[11]) + Number(fields[12])) / ticks,
        rss: Number(fields[21]) * pageSize,
      });
    } catch {
      // the process ended while we looked
    }
  }
  const mine = new Set<number>([process.pid]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const [pid, parent] of parentOf)
      if (!mine.has(pid) && mine.has(parent)) {
        mine.add(pid);
        grew = true;
      }
  }
  mine.delete(process.pid);
  let rssBytes = 0;
  let cpuSeconds = 0;
  for (const pid of mine) {
    rssBytes += stats.get(pid)?.rss ?? 0;
    cpuSeconds += stats.get(pid)?.cpu ?? 0;
  }
  return { count: mine.size, rssBytes, cpuSeconds };
}

// ---------------------------------------------------------------------------------------------------------------
// What is seeded

interface NamespacePlan {
  index: number;
  cluster: string;
  name: string;
  team: string;
  environment: (typeof ENVIRONMENTS)[number];
}
interface VmPlan {
  index: number;
  namespace: NamespacePlan;
  name: string;
  running: boolean;
}

const clusterName = (i: number) => `cluster-${i + 1}`;

function plan(settings: Settings) {
  const clusters = Array.from({ length: settings.clusters }, (_, i) =>
    clusterName(i),
  );
  const namespaces: NamespacePlan[] = Array.from(
    { length: settings.namespaces },
    (_, index) => {
      const cluster = index % settings.clusters;
      return {
        index,
        cluster: clusters[cluster],
        name: `ns-${pad(index, 4)}`,
        team: `team-${pad(Math.floor(index / NAMESPACES_PER_TEAM), 3)}`,
        environment: ENVIRONMENTS[cluster % ENVIRONMENTS.length],
      };
    },
  );
  // spread over the namespaces, at most one each; every other one running (as virt-controller would report it)
  const vms: VmPlan[] = Array.from({ length: settings.vms }, (_, index) => ({
    index,
    namespace:
      namespaces[Math.floor((index * settings.namespaces) / settings.vms)],
    name: `vm-${pad(index, 4)}`,
    running: index % 2 === 0,
  }));
  const withPods =
    settings.podsEvery > 0
      ? namespaces.filter(ns => ns.index % settings.podsEvery === 0)
      : [];
  return { clusters, namespaces, vms, withPods };
}
type Plan = ReturnType<typeof plan>;

const platformSettings = parsePlatformSettings();

/** The labels the portal's renderer puts on a namespace's objects (namespace labels and the request's). */
function namespaceLabels(ns: NamespacePlan): Record<string, string> {
  return {
    [LABELS.owner]: ns.team,
    [LABELS.costCentre]: toLabelValue(`CC-${ns.team}`),
    [LABELS.environment]: ns.environment,
    [LABELS.managedBy]: MANAGED_BY,
    [KUBERNETES_ID]: `${ns.cluster}.${ns.name}`,
    [LABELS.requestId]: requestId(ns.cluster, 'namespace', ns.name),
    [LABELS.requester]: `lead-${ns.team}`,
  };
}

function namespaceAnnotations(ns: NamespacePlan): Record<string, string> {
  return {
    [ANNOTATIONS.ownerRef]: `group:default/${ns.team}`,
    [ANNOTATIONS.requesterRef]: `user:default/lead-${ns.team}`,
    [ANNOTATIONS.purpose]: `Benchmark namespace ${ns.name} of ${ns.team}`,
  };
}

/** Counts the seeding requests, for the seeding rate. */
let seedRequests = 0;

async function create(
  api: KubeApi,
  object: KubeObject,
): Promise<{ metadata: { uid: string } }> {
  seedRequests += 1;
  return api.request(
    'POST',
    resourcePath(object.apiVersion, object.kind, object.metadata.namespace),
    object,
  );
}

async function createOnce(api: KubeApi, object: KubeObject) {
  try {
    await create(api, object);
  } catch (error) {
    if (!(error instanceof KubeApiError && error.status === 409)) throw error;
  }
}

/** Cluster-wide objects: Flux's namespace, the applier role, read access for both backends, nodes with capacity. */
async function seedCluster(plane: ControlPlane) {
  const api = plane.api;
  await createOnce(api, {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: FLUX_NAMESPACE },
  });
  await createOnce(api, namespaceApplierClusterRole());
  await createOnce(api, {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRole',
    metadata: { name: 'live-state-reader' },
    rules: [
      { apiGroups: ['*'], resources: ['*'], verbs: ['get', 'list', 'watch'] },
    ],
  });
  await createOnce(api, {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: { name: 'live-state-readers' },
    roleRef: {
      apiGroup: 'rbac.authorization.k8s.io',
      kind: 'ClusterRole',
      name: 'live-state-reader',
    },
    subjects: [PORTAL_USER, BACKSTAGE_USER].map(name => ({
      apiGroup: 'rbac.authorization.k8s.io',
      kind: 'User',
      name,
    })),
  });
  // No kubelet runs: nodes exist only as API objects, with the capacity a kubelet would report.
  for (let i = 0; i < NODES_PER_CLUSTER; i++) {
    const name = `${plane.name}-node-${i + 1}`;
    const resources = { cpu: '32', memory: '256Gi', pods: '110' };
    await createOnce(api, {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name, labels: { 'kubernetes.io/hostname': name } },
    });
    const status = {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name },
      status: { capacity: resources, allocatable: resources },
    };
    seedRequests += 1;
    await api.apply(status, { subresource: 'status' });
  }
}

/** A namespace's objects as the portal renders them; the Flux Kustomization marked Ready as Flux would. */
async function seedNamespace(api: KubeApi, ns: NamespacePlan) {
  const labels = namespaceLabels(ns);
  const [namespace, ...platformObjects] = namespacePlatformObjects(
    ns.cluster,
    ns.name,
    labels,
    namespaceAnnotations(ns),
  );
  await create(api, namespace);
  for (const object of platformObjects) await create(api, object);
  const sync = platformObjects.find(o => o.kind === 'Kustomization')!;
  seedRequests += 1;
  await markKustomizationReady(
    api,
    FLUX_NAMESPACE,
    sync.metadata.name,
    'main@sha1:0123456789abcdef0123456789abcdef01234567',
  );
  const objectLabels = labels;
  await create(
    api,
    resourceQuotaObject(ns.name, platformSettings.tiers.S, objectLabels),
  );
  await create(
    api,
    limitRangeObject(
      platformSettings.teamDefaults.limitRange,
      objectLabels,
      ns.name,
    ),
  );
}

/** A VM rendered by the portal, its root disk's DataVolume as CDI would make it, and for some a running instance. */
async function seedVm(api: KubeApi, vm: VmPlan) {
  const ns = vm.namespace;
  const request = parseRequest({
    kind: 'vm',
    cluster: ns.cluster,
    namespace: ns.name,
    name: vm.name,
    requester: `user:default/lead-${ns.team}`,
    purpose: `Benchmark VM ${vm.name}`,
    cpu: [1, 2, 4][vm.index % 3],
    memory: ['2Gi', '4Gi', '8Gi'][vm.index % 3],
    runStrategy: vm.running ? 'Always' : 'Halted',
    rootDisk: {
      size: '20Gi',
      source: { type: 'http', url: 'https://images.example/rhel9.qcow2' },
    },
  }) as VmRequest;
  const [machine] = vmObjects(
    request,
    {
      ...namespaceLabels(ns),
      [LABELS.requestId]: requestId(ns.cluster, 'vm', ns.name, vm.name),
    },
    {
      [ANNOTATIONS.ownerRef]: `group:default/${ns.team}`,
      [ANNOTATIONS.purpose]: `Benchmark VM ${vm.name}`,
    },
  );
  const created = await create(api, machine);
  const [template] = (
    machine.spec as {
      dataVolumeTemplates: Array<{
        metadata: { name: string };
        spec: Record<string, unknown>;
      }>;
    }
  ).dataVolumeTemplates;
  // what KubeVirt creates from the VM's template, owned by the VM
  const dataVolume = {
    apiVersion: 'cdi.kubevirt.io/v1beta1',
    kind: 'DataVolume',
    metadata: {
      name: template.metadata.name,
      namespace: ns.name,
      ownerReferences: [
        {
          apiVersion: 'kubevirt.io/v1',
          kind: 'VirtualMachine',
          name: vm.name,
          uid: created.metadata.uid,
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
    },
    spec: template.spec,
  };
  await create(api, dataVolume);
  const imported = {
    apiVersion: 'cdi.kubevirt.io/v1beta1',
    kind: 'DataVolume',
    metadata: { name: template.metadata.name, namespace: ns.name },
    status: {
      phase: 'Succeeded',
      progress: '100.0%',
      claimName: template.metadata.name,
      conditions: [{ type: 'Ready', status: 'True', reason: 'Ready' }],
    },
  };
  seedRequests += 1;
  await api.apply(imported, { subresource: 'status' });
  if (vm.running) {
    seedRequests += 4;
    await emulateVmRunning(
      api,
      ns.name,
      vm.name,
      `10.${128 + Math.floor(vm.index / 65536)}.${Math.floor(
        (vm.index % 65536) / 256,
      )}.${vm.index % 256}`,
    );
  }
}

/**
 * Pods a team deployed itself, with the kubernetes-id label. Admission takes them once the controller manager has
 * made the namespace's default service account and the quota controller has counted the quota; no scheduler or
 * kubelet runs, so they stay Pending.
 */
async function seedPods(api: KubeApi, ns: NamespacePlan) {
  for (let k = 0; k < PODS_PER_NAMESPACE; k++) {
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: `web-${k}`,
        namespace: ns.name,
        labels: {
          app: 'web',
          [KUBERNETES_ID]: `${ns.cluster}.${ns.name}`,
        },
      },
      spec: {
        containers: [{ name: 'web', image: 'registry.example/web:1' }],
      },
    };
    await waitUntil(
      `pod ${ns.name}/web-${k} admitted`,
      async () => {
        try {
          await create(api, pod);
          return true;
        } catch (error) {
          if (error instanceof KubeApiError && error.status === 409)
            return true;
          // not yet: the service account or the quota's first count is missing
          if (
            error instanceof KubeApiError &&
            (error.status === 403 || error.status === 404)
          )
            return false;
          throw error;
        }
      },
      { timeoutMs: 300_000, intervalMs: 1000 },
    );
  }
}

async function seed(kube: KubeTestEnv, p: Plan, settings: Settings) {
  const api = (cluster: string) => kube.clusters[cluster].api;
  const phases: Array<{ what: string; ms: number }> = [];
  const timed = async (what: string, fn: () => Promise<void>) => {
    const started = Date.now();
    await fn();
    phases.push({ what, ms: Date.now() - started });
  };
  const started = Date.now();
  await timed('clusters (Flux namespace, roles, nodes)', () =>
    inParallel(p.clusters, p.clusters.length, c =>
      seedCluster(kube.clusters[c]),
    ),
  );
  await timed(`${p.namespaces.length} namespaces with their objects`, () =>
    inParallel(p.namespaces, settings.seedConcurrency, ns =>
      seedNamespace(api(ns.cluster), ns),
    ),
  );
  await timed(`${p.vms.length} VMs with their DataVolumes`, () =>
    inParallel(p.vms, settings.seedConcurrency, vm =>
      seedVm(api(vm.namespace.cluster), vm),
    ),
  );
  await timed(`${p.withPods.length * PODS_PER_NAMESPACE} pods`, () =>
    inParallel(p.withPods, settings.seedConcurrency, ns =>
      seedPods(api(ns.cluster), ns),
    ),
  );
  return { ms: Date.now() - started, phases };
}

// ---------------------------------------------------------------------------------------------------------------
// Counting Kubernetes calls: the API servers' audit logs, one event per request as it arrives, of our two users

const AUDIT_POLICY = {
  apiVersion: 'audit.k8s.io/v1',
  kind: 'Policy',
  omitStages: ['ResponseStarted', 'ResponseComplete', 'Panic'],
  rules: [
    { level: 'Metadata', users: [PORTAL_USER, BACKSTAGE_USER] },
    { level: 'None' },
  ],
};

interface CallCount {
  total: number;
  byVerb: Record<string, number>;
  byResource: Record<string, number>;
  /** Every call: verb, resource, cluster and when it arrived (epoch ms); kept for the portal's few calls only. */
  calls: Array<{ verb: string; resource: string; cluster: string; at: number }>;
}
type Marks = Map<string, number>;

class AuditCalls {
  constructor(private readonly files: Map<string, string>) {}

  static flags(dir: string, clusters: string[]): Record<string, string[]> {
    const policy = path.join(dir, 'audit-policy.json');
    fs.writeFileSync(policy, JSON.stringify(AUDIT_POLICY));
    return Object.fromEntries(
      clusters.map(c => [
        c,
        [
          `--audit-policy-file=${policy}`,
          `--audit-log-path=${path.join(dir, `audit-${c}.log`)}`,
          '--audit-log-maxsize=0',
        ],
      ]),
    );
  }

  static of(dir: string, clusters: string[]) {
    return new AuditCalls(
      new Map(clusters.map(c => [c, path.join(dir, `audit-${c}.log`)])),
    );
  }

  mark(): Marks {
    return new Map(
      [...this.files].map(([c, file]) => [
        c,
        fs.existsSync(file) ? fs.statSync(file).size : 0,
      ]),
    );
  }

  /** Calls per user made since `marks`, over every cluster. */
  async since(marks: Marks): Promise<Map<string, CallCount>> {
    const counts = new Map<string, CallCount>();
    for (const [cluster, file] of this.files) {
      if (!fs.existsSync(file)) continue;
      const lines = readline.createInterface({
        input: fs.createReadStream(file, { start: marks.get(cluster) ?? 0 }),
        crlfDelay: Infinity,
      });
      for await (const line of lines) {
        if (!line) continue;
        const event = JSON.parse(line) as {
          user?: { username?: string };
          verb?: string;
          objectRef?: { resource?: string };
          requestReceivedTimestamp?: string;
        };
        const user = event.user?.username ?? '?';
        const count = counts.get(user) ?? {
          total: 0,
          byVerb: {},
          byResource: {},
          calls: [],
        };
        count.total += 1;
        const verb = event.verb ?? '?';
        count.byVerb[verb] = (count.byVerb[verb] ?? 0) + 1;
        const resource = event.objectRef?.resource ?? '(non-resource)';
        count.byResource[resource] = (count.byResource[resource] ?? 0) + 1;
        if (user === PORTAL_USER)
          count.calls.push({
            verb,
            resource,
            cluster,
            at: Date.parse(event.requestReceivedTimestamp ?? ''),
          });
        counts.set(user, count);
      }
    }
    return counts;
  }
}

const totalOf = (counts: Map<string, CallCount>, user: string) =>
  counts.get(user)?.total ?? 0;
const verbsOf = (counts: Map<string, CallCount>, user: string) =>
  Object.entries(counts.get(user)?.byVerb ?? {})
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([verb, n]) => `${n} ${verb}`)
    .join(', ') || 'none';

// ---------------------------------------------------------------------------------------------------------------
// Load: closed-loop clients in a worker thread, so the backend's own thread is not the one that sends

interface LoadTarget {
  path: string;
  body?: string;
}
interface LoadResult {
  latencies: Float64Array;
  statuses: Record<string, number>;
  bytes: number;
  elapsedMs: number;
}

const LOAD_WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const http = require('node:http');
const { port, method, headers, targets, clients, durationMs } = workerData;
const agent = new http.Agent({ keepAlive: true, maxSockets: clients });
const latencies = [];
const statuses = {};
let bytes = 0;
const since = started => Number(process.hrtime.bigint() - started) / 1e6;
function send(target) {
  return new Promise(resolve => {
    const started = process.hrtime.bigint();
    const body = target.body;
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        path: target.path,
        method,
        agent,
        headers: body
          ? { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }
          : headers,
      },
      res => {
        res.on('data', chunk => { bytes += chunk.length; });
        res.on('end', () => resolve({ status: String(res.statusCode), ms: since(started) }));
      },
    );
    req.on('error', error => resolve({ status: 'error ' + (error.code || error.message), ms: since(started) }));
    if (body) req.write(body);
    req.end();
  });
}
async function client(deadline) {
  while (Date.now() < deadline) {
    const target = targets[Math.floor(Math.random() * targets.length)];
    const { status, ms } = await send(target);
    latencies.push(ms);
    statuses[status] = (statuses[status] || 0) + 1;
  }
}
(async () => {
  const started = Date.now();
  const deadline = started + durationMs;
  await Promise.all(Array.from({ length: clients }, () => client(deadline)));
  const elapsedMs = Date.now() - started;
  agent.destroy();
  const array = Float64Array.from(latencies);
  parentPort.postMessage({ latencies: array, statuses, bytes, elapsedMs }, [array.buffer]);
})();
`;

const workers = new Set<Worker>();

function runLoad(options: {
  port: number;
  method: 'GET' | 'POST';
  targets: LoadTarget[];
  clients: number;
  durationMs: number;
}): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(LOAD_WORKER, {
      eval: true,
      workerData: {
        ...options,
        headers: {
          authorization: mockCredentials.user.header(READER),
          accept: 'application/json',
        },
      },
    });
    workers.add(worker);
    worker.once('message', result => resolve(result as LoadResult));
    worker.once('error', reject);
    worker.once('exit', code => {
      workers.delete(worker);
      if (code !== 0) reject(new Error(`the load worker exited with ${code}`));
    });
  });
}

interface LoadSummary {
  requests: number;
  ok: number;
  errors: string;
  throughput: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  bytesPerRequest: number;
}

function summarise(result: LoadResult): LoadSummary {
  const sorted = Float64Array.from(result.latencies).sort();
  const n = sorted.length;
  const at = (q: number) =>
    n === 0 ? NaN : sorted[Math.min(n - 1, Math.ceil(q * n) - 1)];
  const ok = result.statuses['200'] ?? 0;
  return {
    requests: n,
    ok,
    errors:
      Object.entries(result.statuses)
        .filter(([status]) => status !== '200')
        .map(([status, count]) => `${count} × ${status}`)
        .join(', ') || 'none',
    throughput: n / (result.elapsedMs / 1000),
    p50: at(0.5),
    p95: at(0.95),
    p99: at(0.99),
    max: n === 0 ? NaN : sorted[n - 1],
    bytesPerRequest: n === 0 ? 0 : result.bytes / n,
  };
}

/** Runs `fn` under the V8 CPU profiler of this thread when `dir` is set, and writes `<dir>/<name>.cpuprofile`. */
async function profiled<T>(
  dir: string | undefined,
  name: string,
  fn: () => Promise<T>,
): Promise<T> {
  if (!dir) return fn();
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  try {
    return await fn();
  } finally {
    const { profile } = await session.post('Profiler.stop');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(
      path.join(dir, `${name}.cpuprofile`),
      JSON.stringify(profile),
    );
    session.disconnect();
  }
}

// ---------------------------------------------------------------------------------------------------------------
// The backend: provisioning and Backstage's Kubernetes plugin over the same clusters, the real permission backend

/** The portal's rule for live state (as its permission policy has it); the platform team may do everything. */
class LiveStatePolicy implements PermissionPolicy {
  constructor(private readonly userInfo: UserInfoService) {}

  async handle(
    request: PolicyQuery,
    user?: PolicyQueryUser,
  ): Promise<PolicyDecision> {
    if (!user) return { result: AuthorizeResult.DENY };
    const { ownershipEntityRefs: claims } = await this.userInfo.getUserInfo(
      user.credentials,
    );
    if (claims.includes(PLATFORM_TEAM))
      return { result: AuthorizeResult.ALLOW };
    if (isPermission(request.permission, provisioningNamespaceReadPermission))
      return createProvisioningConditionalDecision(
        request.permission,
        provisioningConditions.isNamespaceOwner({ claims }),
      );
    return { result: AuthorizeResult.DENY };
  }
}

const livePolicyModule = createBackendModule({
  pluginId: 'permission',
  moduleId: 'live-state-benchmark-policy',
  register(env) {
    env.registerInit({
      deps: { policy: policyExtensionPoint, userInfo: coreServices.userInfo },
      async init({ policy, userInfo }) {
        policy.setPolicy(new LiveStatePolicy(userInfo));
      },
    });
  },
});

/** The catalog both plugins read: entities by ref from a map, as an indexed catalog answers (filled after sync). */
function mapCatalog(byRef: Map<string, Entity>) {
  const catalog = catalogServiceMock({ entities: [] });
  catalog.getEntityByRef = async entityRef =>
    byRef.get(
      typeof entityRef === 'string' ? entityRef : stringifyEntityRef(entityRef),
    );
  return createServiceFactory({
    service: catalogServiceRef,
    deps: {},
    factory: () => catalog,
  });
}

function backendConfig(kube: KubeTestEnv, p: Plan) {
  const planes = p.clusters.map(c => kube.clusters[c]);
  return {
    permission: { enabled: true },
    provisioning: {
      platformTeam: PLATFORM_TEAM,
      clusters: planes.map((plane, i) => ({
        name: plane.name,
        environment: ENVIRONMENTS[i % ENVIRONMENTS.length],
        ...clusterConnection(plane),
        auth: {
          type: 'serviceAccountToken',
          token: plane.users[PORTAL_USER].token,
        },
      })),
    },
    kubernetes: {
      // the entity's backstage.io/kubernetes-cluster annotation picks its one cluster (the others ask every cluster)
      serviceLocatorMethod: { type: 'singleTenant' },
      clusterLocatorMethods: [
        {
          type: 'config',
          clusters: planes.map(plane => ({
            name: plane.name,
            url: plane.server,
            caData: Buffer.from(plane.caPem).toString('base64'),
            authProvider: 'serviceAccount',
            serviceAccountToken: plane.users[BACKSTAGE_USER].token,
            // no metrics-server runs, and the portal shows no metrics either
            skipMetricsLookup: true,
          })),
        },
      ],
      // the kinds of the portal's namespace page that can be found by label in the namespace
      objectTypes: [
        'pods',
        'resourcequotas',
        'limitranges',
        'persistentvolumeclaims',
      ],
      customResources: [
        { group: 'kubevirt.io', apiVersion: 'v1', plural: 'virtualmachines' },
        {
          group: 'kubevirt.io',
          apiVersion: 'v1',
          plural: 'virtualmachineinstances',
        },
        {
          group: 'cdi.kubevirt.io',
          apiVersion: 'v1beta1',
          plural: 'datavolumes',
        },
      ],
    },
  };
}

/** The catalog's namespace entities, built by the portal's own entity provider from the synced cache. */
async function namespaceEntities(
  provisioning: ProvisioningService,
): Promise<Entity[]> {
  const hooks: LifecycleServiceShutdownHook[] = [];
  const lifecycle: LifecycleService = {
    addStartupHook() {},
    addShutdownHook(hook) {
      hooks.push(hook);
    },
  };
  const provider = NamespaceEntityProvider.fromConfig(provisioning, {
    logger: silentLogger,
    scheduler: mockServices.scheduler(),
    lifecycle,
  });
  let entities: Entity[] = [];
  await provider.connect({
    async applyMutation(mutation) {
      if (mutation.type === 'full')
        entities = mutation.entities.map(e => e.entity);
    },
    async refresh() {},
  });
  await provider.refresh();
  await provider.stop();
  return entities.filter(e => e.spec?.type === NAMESPACE_ENTITY_TYPE);
}

/** What Backstage's Kubernetes backend answers for an entity (the part read here). */
interface BackstageObjects {
  items?: Array<{
    cluster: { name: string };
    resources: Array<{ type: string; resources: unknown[] }>;
    errors: unknown[];
  }>;
}

// ---------------------------------------------------------------------------------------------------------------

interface Phase {
  ms: number;
  audit: Map<string, CallCount>;
  cache: { lists: number; watches: number; expired: number };
  /** CPU of the control planes. */
  cpuSeconds: number;
  /** CPU of this process: the backend and the clients' worker thread. */
  ownCpuSeconds: number;
}

/** Runs the benchmark; resolves to the exit code (1 when a target fails). */
async function main(): Promise<number> {
  const settings = readSettings();
  const p = plan(settings);
  const started = Date.now();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'live-state-bench-'));
  let kube: KubeTestEnv | undefined;
  let backend: Awaited<ReturnType<typeof startTestBackend>> | undefined;
  let stopping: Promise<void> | undefined;
  const stopAll = () =>
    (stopping ??= (async () => {
      for (const worker of workers) await worker.terminate();
      await backend?.stop().catch(error => {
        process.stderr.write(`stopping the backend: ${error}\n`);
      });
      await kube?.stop().catch(error => {
        process.stderr.write(`stopping the control planes: ${error}\n`);
      });
      fs.rmSync(dir, { recursive: true, force: true });
    })());
  // a terminal's Ctrl-C reaches yarn and this process alike, and yarn passes it on once more: stop only once
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) return;
    process.stderr.write(`\n${signal}: stopping everything\n`);
    void stopAll().finally(() => process.exit(130));
  };
  // Backstage's backend stops itself and exits on these signals (and on beforeExit), which would leave the control
  // planes' folders behind: this process stops the backend, then the control planes, and exits itself.
  const ownSignals = () => {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      process.removeAllListeners(signal);
      process.on(signal, onSignal);
    }
  };
  ownSignals();
  // a last resort if the process ends anyway: the supervisors stop the binaries with us, the folders go here
  process.once('exit', () => {
    for (const plane of Object.values(kube?.clusters ?? {}))
      fs.rmSync(plane.dir, { recursive: true, force: true });
    fs.rmSync(dir, { recursive: true, force: true });
  });

  try {
    out(
      `Live-state benchmark: ${p.clusters.length} control planes, ${
        p.namespaces.length
      } namespaces, ${p.vms.length} VMs, ${
        p.withPods.length * PODS_PER_NAMESPACE
      } pods; ${settings.clients} clients for ${seconds(
        settings.loadMs,
      )} per endpoint; Node ${process.version}, ${os.cpus().length} cores, ${(
        os.totalmem() /
        2 ** 30
      ).toFixed(0)} GiB.`,
    );
    out(
      'No kubelet, scheduler, KubeVirt or CDI runs: nodes are API objects with the capacity a kubelet would report, pods stay Pending, VM instances, DataVolumes and Flux Kustomizations get the status their controllers would write.',
    );

    // ---- control planes
    let t = Date.now();
    kube = await startKubeTestEnv({
      clusters: p.clusters,
      // bound to read everything by seedCluster
      users: [{ name: PORTAL_USER }, { name: BACKSTAGE_USER }],
      apiServerFlags: AuditCalls.flags(dir, p.clusters),
    });
    const audit = AuditCalls.of(dir, p.clusters);
    out(
      `Started ${
        p.clusters.length
      } control planes (etcd, kube-apiserver, kube-controller-manager each; KubeVirt, CDI and Flux CRDs) in ${seconds(
        Date.now() - t,
      )}.`,
    );

    // ---- seed
    const seeded = await seed(kube, p, settings);
    out(
      `Seeded in ${seconds(seeded.ms)}: ${seedRequests} requests (${(
        seedRequests /
        (seeded.ms / 1000)
      ).toFixed(0)}/s, at most ${
        settings.seedConcurrency
      } at a time); ${seeded.phases
        .map(ph => `${ph.what} ${seconds(ph.ms)}`)
        .join(', ')}.`,
    );
    const planes = descendants();
    out(
      `Control-plane processes: ${planes.count}, ${mib(
        planes.rssBytes,
      )} resident; ${mib(os.freemem())} of the machine free.`,
    );

    // ---- backend, the cache held back until the started backend's heap is measured
    let provisioning: ProvisioningService | undefined;
    let releaseCache!: () => void;
    const cacheReleased = new Promise<void>(resolve => {
      releaseCache = resolve;
    });
    let startCache: (() => Promise<void>) | undefined;
    const heldProvisioning = createServiceFactory({
      service: provisioningServiceRef,
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.rootLogger,
        lifecycle: coreServices.rootLifecycle,
      },
      factory: ({ config, logger, lifecycle }) => {
        const service = createProvisioningService(config, {
          logger: logger.child({ plugin: 'provisioning' }),
        });
        const state = service.state;
        const start = state.start.bind(state);
        startCache = start;
        // the plugin starts the cache during its init: hold that start until the benchmark releases it
        state.start = () => {
          void cacheReleased.then(start).catch(error => {
            process.stderr.write(`the cache did not start: ${error}\n`);
          });
          return Promise.resolve();
        };
        lifecycle.addShutdownHook(() => state.stop());
        provisioning = service;
        return service;
      },
    });
    const entitiesByRef = new Map<string, Entity>();
    const teamsOf = (user: string) =>
      user === READER.split('/')[1] ? ['platform'] : [];
    const config = backendConfig(kube, p);
    t = Date.now();
    backend = await startTestBackend({
      features: [
        provisioningPlugin,
        heldProvisioning,
        kubernetesPlugin,
        permissionPlugin,
        livePolicyModule,
        userInfoFromTeams(teamsOf),
        authWithPluginActor,
        mapCatalog(entitiesByRef),
        mockServices.rootLogger.factory({ level: settings.logLevel }),
        mockServices.rootConfig.factory({ data: config }),
      ],
    });
    ownSignals();
    const port = (backend.server.address() as AddressInfo).port;
    out(`Backend started in ${seconds(Date.now() - t)} (port ${port}).`);
    const service = provisioning!;
    // the client library is loaded by the cache's start: loaded now, its code is not counted as the cache's memory
    await loadClientNode();
    const heapBefore = heapUsed();

    const cacheCalls = () => {
      const total = { lists: 0, watches: 0, expired: 0 };
      for (const cluster of p.clusters) {
        const calls = service.state.calls(cluster);
        total.lists += calls.lists;
        total.watches += calls.watches;
        total.expired += calls.expired;
      }
      return total;
    };
    const cacheObjects = () =>
      p.clusters.reduce(
        (n, c) =>
          n + service.state.status(c).kinds.reduce((m, k) => m + k.objects, 0),
        0,
      );

    // ---- the cache's first sync
    const startMarks = audit.mark();
    t = Date.now();
    const cacheStartedAt = t;
    releaseCache();
    await startCache!();
    await service.state.settled();
    const syncMs = Date.now() - t;
    const notSynced = service.state
      .statuses()
      .flatMap(s => s.kinds)
      .filter(k => k.state !== 'synced');
    if (notSynced.length > 0)
      throw new Error(
        `the cache did not sync: ${notSynced
          .map(k => `${k.cluster}/${k.kind} ${k.state} ${k.message ?? ''}`)
          .join('; ')}`,
      );
    await sleep(2000);
    const heapAfter = heapUsed();
    const startCalls = cacheCalls();
    const startAudit = await audit.since(startMarks);
    const objects = cacheObjects();
    const objectsByKind = CLUSTER_STATE_KINDS.map(kind => [
      kind,
      p.clusters.reduce(
        (n, c) => n + service.state.kindStatus(c, kind).objects,
        0,
      ),
    ]).filter(([, n]) => n !== 0);
    out(
      `The cache synced ${p.clusters.length} clusters × ${
        CLUSTER_STATE_KINDS.length
      } kinds in ${seconds(syncMs)}: ${objects} objects (${objectsByKind
        .map(([kind, n]) => `${kind} ${n}`)
        .join(', ')}).`,
    );

    // ---- the catalog's entities, from the portal's own provider
    const entities = await namespaceEntities(service);
    for (const entity of entities)
      entitiesByRef.set(stringifyEntityRef(entity), entity);
    if (entities.length !== p.namespaces.length)
      throw new Error(
        `the entity provider made ${entities.length} namespace entities, not ${p.namespaces.length}`,
      );
    const entityOf = new Map(
      entities.map(e => [
        `${e.metadata.annotations?.[KUBERNETES_ANNOTATIONS.cluster]}/${
          e.metadata.annotations?.[KUBERNETES_ANNOTATIONS.namespace]
        }`,
        e,
      ]),
    );

    // ---- both endpoints answer, and show the same namespace's objects
    const portalPath = (ns: NamespacePlan) =>
      `/api/provisioning/clusters/${ns.cluster}/namespaces/${ns.name}/state`;
    const backstagePath = (entity: Entity) =>
      `/api/kubernetes/services/${encodeURIComponent(entity.metadata.name)}`;
    const backstageBody = (entity: Entity) =>
      JSON.stringify({ entity, auth: {} });
    const sample =
      p.namespaces.find(
        ns => p.withPods.includes(ns) && p.vms.some(vm => vm.namespace === ns),
      ) ?? p.namespaces[0];
    const sampleEntity = entityOf.get(`${sample.cluster}/${sample.name}`)!;
    const call = <T>(method: string, url: string, body?: string) =>
      new Promise<{ status: number; json: T }>((resolve, reject) => {
        const req = http.request(
          {
            host: '127.0.0.1',
            port,
            path: url,
            method,
            headers: {
              authorization: mockCredentials.user.header(READER),
              ...(body ? { 'content-type': 'application/json' } : {}),
            },
          },
          res => {
            const chunks: Buffer[] = [];
            res.on('data', c => chunks.push(c));
            res.on('end', () =>
              resolve({
                status: res.statusCode ?? 0,
                json: JSON.parse(Buffer.concat(chunks).toString('utf8')),
              }),
            );
          },
        );
        req.on('error', reject);
        if (body) req.write(body);
        req.end();
      });
    const portalSample = await call<LiveNamespaceState>(
      'GET',
      portalPath(sample),
    );
    const backstageSample = await call<BackstageObjects>(
      'POST',
      backstagePath(sampleEntity),
      backstageBody(sampleEntity),
    );
    if (portalSample.status !== 200 || backstageSample.status !== 200)
      throw new Error(
        `the endpoints do not answer: portal ${
          portalSample.status
        } ${JSON.stringify(portalSample.json).slice(0, 300)}; Backstage ${
          backstageSample.status
        } ${JSON.stringify(backstageSample.json).slice(0, 300)}`,
      );
    const state = portalSample.json;
    out(
      `${sample.cluster}/${sample.name}, the portal: ${
        state.quotas.length
      } quota, ${state.limitRanges.length} limit range, ${
        state.pods.items.length
      } pods, ${state.vms.length} VMs (${state.vms
        .map(vm => `${vm.name} ${vm.printableStatus ?? '-'}`)
        .join(', ')}), sync ${state.sync?.health?.state ?? 'none'}.`,
    );
    const clusterObjects = backstageSample.json.items?.[0];
    out(
      `${sample.cluster}/${sample.name}, Backstage (${
        sampleEntity.metadata.name
      }): ${
        clusterObjects
          ? clusterObjects.resources
              // custom resources come back in the configured order, and say nothing of their kind when empty
              .map(
                (r, i, all) =>
                  `${r.resources.length} ${
                    r.type === 'customresources'
                      ? config.kubernetes.customResources[
                          i - all.findIndex(x => x.type === 'customresources')
                        ]?.plural
                      : r.type
                  }`,
              )
              .join(', ')
          : 'nothing'
      }; errors: ${JSON.stringify(clusterObjects?.errors ?? [])}.`,
    );

    const portalTargets: LoadTarget[] = p.namespaces.map(ns => ({
      path: portalPath(ns),
    }));
    const backstageTargets: LoadTarget[] = p.namespaces.map(ns => {
      const entity = entityOf.get(`${ns.cluster}/${ns.name}`)!;
      return { path: backstagePath(entity), body: backstageBody(entity) };
    });
    const load = (which: 'portal' | 'backstage', durationMs: number) =>
      runLoad({
        port,
        method: which === 'portal' ? 'GET' : 'POST',
        targets: which === 'portal' ? portalTargets : backstageTargets,
        clients: settings.clients,
        durationMs,
      });

    // ---- warm-up, not counted: modules, JIT, connection pools
    if (settings.warmupMs > 0) {
      await load('portal', settings.warmupMs);
      await load('backstage', settings.warmupMs);
      out(`Warmed up both endpoints for ${seconds(settings.warmupMs)} each.`);
    }

    /** Kubernetes calls (audit logs and the cache's own count) and control-plane CPU over one phase. */
    const measure = async <T>(fn: () => Promise<T>) => {
      const marks = audit.mark();
      const cacheBefore = cacheCalls();
      const cpuBefore = descendants().cpuSeconds;
      const ownBefore = process.cpuUsage();
      const phaseStarted = Date.now();
      const result = await fn();
      const ms = Date.now() - phaseStarted;
      const own = process.cpuUsage(ownBefore);
      const cpuSeconds = descendants().cpuSeconds - cpuBefore;
      const cacheAfter = cacheCalls();
      // the audit log is written as requests arrive; a moment for the last lines
      await sleep(1000);
      const phase: Phase = {
        ms,
        audit: await audit.since(marks),
        cache: {
          lists: cacheAfter.lists - cacheBefore.lists,
          watches: cacheAfter.watches - cacheBefore.watches,
          expired: cacheAfter.expired - cacheBefore.expired,
        },
        cpuSeconds,
        ownCpuSeconds: (own.user + own.system) / 1e6,
      };
      return { phase, result };
    };

    out(`Idle for ${seconds(settings.idleMs)} ...`);
    const idle = (await measure(() => sleep(settings.idleMs))).phase;
    out(`The portal's endpoint under ${settings.clients} clients ...`);
    const portalRun = await measure(() =>
      profiled(settings.profileDir, 'portal', () =>
        load('portal', settings.loadMs),
      ),
    );
    out(`Backstage's endpoint under ${settings.clients} clients ...`);
    const backstageRun = await measure(() =>
      profiled(settings.profileDir, 'backstage', () =>
        load('backstage', settings.loadMs),
      ),
    );
    const portal = summarise(portalRun.result);
    const backstage = summarise(backstageRun.result);
    const stillSynced = service.state
      .statuses()
      .every(s => s.kinds.every(k => k.state === 'synced'));

    // ---- report
    const perMinute = (n: number, ms: number) => (n / (ms / 60_000)).toFixed(1);
    const ms1 = (v: number) => `${v.toFixed(1)} ms`;
    const cpu = (phase: Phase) =>
      `${(phase.cpuSeconds / (phase.ms / 1000)).toFixed(2)} cores; ${(
        phase.ownCpuSeconds /
        (phase.ms / 1000)
      ).toFixed(2)} cores`;
    const startTotal = totalOf(startAudit, PORTAL_USER);
    const table = [
      '| | portal (`GET /api/provisioning/.../state`, watch cache) | Backstage (`POST /api/kubernetes/services/:id`) |',
      '| --- | --- | --- |',
      `| Kubernetes calls at start | ${startTotal} (${verbsOf(
        startAudit,
        PORTAL_USER,
      )}; cache: ${startCalls.lists} lists, ${
        startCalls.watches
      } watches) | ${totalOf(startAudit, BACKSTAGE_USER)} |`,
      `| Kubernetes calls per minute, idle (${seconds(idle.ms)}) | ${perMinute(
        totalOf(idle.audit, PORTAL_USER),
        idle.ms,
      )} (cache: ${idle.cache.lists} lists, ${
        idle.cache.watches
      } watches) | ${perMinute(
        totalOf(idle.audit, BACKSTAGE_USER),
        idle.ms,
      )} |`,
      `| Kubernetes calls per minute, ${
        settings.clients
      } clients on the portal (${seconds(portalRun.phase.ms)}) | ${perMinute(
        totalOf(portalRun.phase.audit, PORTAL_USER),
        portalRun.phase.ms,
      )} (cache: ${portalRun.phase.cache.lists} lists, ${
        portalRun.phase.cache.watches
      } watches) | ${perMinute(
        totalOf(portalRun.phase.audit, BACKSTAGE_USER),
        portalRun.phase.ms,
      )} |`,
      `| Kubernetes calls per minute, ${
        settings.clients
      } clients on Backstage (${seconds(backstageRun.phase.ms)}) | ${perMinute(
        totalOf(backstageRun.phase.audit, PORTAL_USER),
        backstageRun.phase.ms,
      )} | ${perMinute(
        totalOf(backstageRun.phase.audit, BACKSTAGE_USER),
        backstageRun.phase.ms,
      )} (${verbsOf(backstageRun.phase.audit, BACKSTAGE_USER)}) |`,
      `| Kubernetes calls per request under load | ${(
        totalOf(portalRun.phase.audit, PORTAL_USER) / portal.requests
      ).toFixed(4)} | ${(
        totalOf(backstageRun.phase.audit, BACKSTAGE_USER) / backstage.requests
      ).toFixed(2)} |`,
      `| requests in ${seconds(settings.loadMs)} (errors) | ${
        portal.requests
      } (${portal.errors}) | ${backstage.requests} (${backstage.errors}) |`,
      `| throughput | ${portal.throughput.toFixed(
        0,
      )}/s | ${backstage.throughput.toFixed(0)}/s |`,
      `| latency p50 / p95 / p99 (max) | ${ms1(portal.p50)} / ${ms1(
        portal.p95,
      )} / ${ms1(portal.p99)} (${ms1(portal.max)}) | ${ms1(
        backstage.p50,
      )} / ${ms1(backstage.p95)} / ${ms1(backstage.p99)} (${ms1(
        backstage.max,
      )}) |`,
      `| answer size | ${(portal.bytesPerRequest / 1024).toFixed(1)} KiB | ${(
        backstage.bytesPerRequest / 1024
      ).toFixed(1)} KiB |`,
      `| CPU during the run: control planes; this process (backend and clients) | ${cpu(
        portalRun.phase,
      )} (idle: ${cpu(idle)}) | ${cpu(backstageRun.phase)} |`,
      `| cache heap: before sync / after sync (after gc) | ${mib(
        heapBefore,
      )} / ${mib(heapAfter)}: +${mib(
        heapAfter - heapBefore,
      )} for ${objects} objects (${(
        (heapAfter - heapBefore) /
        Math.max(1, objects)
      ).toFixed(0)} B each) | none kept |`,
    ];
    out();
    out(table.join('\n'));
    out();
    out(
      `Calls are counted by each API server's audit log (one event per request as it arrives), per identity: each backend has its own token. The cache's own count (ClusterStateCache.calls()) is shown beside the portal's. Backstage's Kubernetes backend runs with the singleTenant service locator (one cluster per entity), ${
        config.kubernetes.objectTypes.length +
        config.kubernetes.customResources.length
      } kinds (pods, quotas, limit ranges, PVCs, VMs, VM instances, DataVolumes), no metrics lookup; its catalog lookups are answered from a map (an indexed catalog, no HTTP hop), and no backend logs are written: all in its favour.`,
    );
    const portalCalls = (phase: Phase) => {
      const calls = phase.audit.get(PORTAL_USER)?.calls ?? [];
      if (calls.length === 0) return 'none';
      const byWhat = new Map<string, number[]>();
      for (const c of calls) {
        const key = `${c.verb} ${c.resource}`;
        byWhat.set(key, [...(byWhat.get(key) ?? []), c.at]);
      }
      return [...byWhat]
        .map(
          ([what, times]) =>
            `${times.length} ${what} (${Math.round(
              (Math.min(...times) - cacheStartedAt) / 1000,
            )}–${Math.round(
              (Math.max(...times) - cacheStartedAt) / 1000,
            )} s after the cache started)`,
        )
        .join(', ');
    };
    out(
      `The portal's Kubernetes calls, idle: ${portalCalls(
        idle,
      )}; under its load: ${portalCalls(
        portalRun.phase,
      )}; under Backstage's load: ${portalCalls(backstageRun.phase)}.`,
    );
    out(
      `Both are asked as ${READER} (platform team, allowed everything by the policy) through the real permission backend; the clients run in a worker thread of the same process, closed loop, random namespaces.`,
    );
    const finalPlanes = descendants();
    out(
      `Control planes at the end: ${mib(finalPlanes.rssBytes)} resident over ${
        finalPlanes.count
      } processes; the benchmark process ${mib(
        process.memoryUsage().rss,
      )}. Cache still synced after both runs: ${stillSynced ? 'yes' : 'NO'}.`,
    );

    const withErrors = service.state
      .statuses()
      .flatMap(st => st.kinds)
      .filter(k => k.lastError);
    const errorKinds = new Map<string, string[]>();
    for (const k of withErrors) {
      const key = `${k.kind}: ${k.lastError!.error.errorType} '${
        k.lastError!.error.message
      }'`;
      errorKinds.set(key, [...(errorKinds.get(key) ?? []), k.cluster]);
    }
    out(
      `Kinds whose status carries a last error at the end: ${
        [...errorKinds]
          .map(([what, clusters]) => `${what} on ${clusters.length} clusters`)
          .join('; ') || 'none'
      }.`,
    );
    const idleCalls = totalOf(idle.audit, PORTAL_USER);
    const loadCalls = totalOf(portalRun.phase.audit, PORTAL_USER);
    const loadVerbs = Object.keys(
      portalRun.phase.audit.get(PORTAL_USER)?.byVerb ?? {},
    );
    // a timer re-open that drifts past a window's edge may fall in one window and not the other: one per cluster
    const allowance = p.clusters.length;
    const results = [
      {
        name: `the portal's p95 at least ${TARGETS.p95Ratio} times lower than Backstage's`,
        pass: portal.p95 * TARGETS.p95Ratio <= backstage.p95,
        seen: `${ms1(portal.p95)} against ${ms1(backstage.p95)}: ${(
          backstage.p95 / portal.p95
        ).toFixed(1)} times`,
      },
      {
        name: `the portal's steady-state Kubernetes calls do not depend on the clients: under ${settings.clients} clients no more than idle over as long (plus ${allowance}, one timer re-open a cluster that may drift across a window's edge), and only watch re-opens`,
        pass:
          loadCalls <= idleCalls + allowance &&
          loadVerbs.every(verb => verb === 'watch') &&
          portalRun.phase.cache.lists === 0,
        seen: `${idleCalls} calls in ${seconds(
          idle.ms,
        )} idle, ${loadCalls} in ${seconds(
          portalRun.phase.ms,
        )} under load (${verbsOf(portalRun.phase.audit, PORTAL_USER)})`,
      },
      {
        name: 'every request of both runs answered 200',
        pass:
          portal.ok === portal.requests && backstage.ok === backstage.requests,
        seen: `portal ${portal.errors}, Backstage ${backstage.errors}`,
      },
    ];
    out();
    for (const r of results)
      out(`${r.pass ? 'PASS' : 'FAIL'}: ${r.name} (${r.seen})`);
    out();
    out(`Total time ${seconds(Date.now() - started)}.`);
    return results.some(r => !r.pass) ? 1 : 0;
  } finally {
    await stopAll();
  }
}

// exits explicitly: the backend's own beforeExit handler would otherwise exit with 0 whatever the results
main().then(
  code => process.exit(code),
  error => {
    process.stderr.write(`${error.stack ?? error}\n`);
    process.exit(1);
  },
);
