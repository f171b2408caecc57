import {
  ANNOTATIONS,
  Condition,
  Health,
  LiveNamespaceState,
  LiveVmState,
  LiveWorkload,
  QuotaUsage,
  FLUX_NAMESPACE,
  LABELS,
  namespaceSyncName,
  parseQuantity,
  toEntityRef,
} from '@kubeportal/plugin-provisioning-common';
import {
  CachedObject,
  ClusterStateCache,
  ClusterStateKind,
  ClusterStateKindStatus,
} from './ClusterStateCache';

type Json = Record<string, any>;

export type { Condition, Health, QuotaUsage };

/** Everything the portal shows of one namespace, with the cache's own status of each source. */
export type NamespaceState = LiveNamespaceState<ClusterStateKindStatus>;
/** A virtual machine of the namespace, from its VirtualMachine and (when running) its VirtualMachineInstance. */
export type VmState = LiveVmState;

/** An object's health from its `Ready` condition. */
export function healthOf(object: CachedObject | undefined): Health {
  const conditions = (object?.status?.conditions ?? []) as Condition[];
  const ready = conditions.find(c => c.type === 'Ready');
  if (!ready) return { state: 'unknown' };
  return {
    state: ready.status === 'True' ? 'ready' : 'not-ready',
    ...(ready.reason ? { reason: ready.reason } : {}),
    ...(ready.message ? { message: ready.message } : {}),
  };
}

/**
 * A Deployment or StatefulSet as the card shows it: replicas wanted and ready, and its health from what its
 * controller reports. A Deployment is ready when its `Available` condition is True and every wanted replica is
 * ready and on the current template, not ready when `Available` or `Progressing` is False; a StatefulSet (no such
 * conditions) when its controller has seen the current spec and every wanted replica is ready and updated. During
 * a rollout (old replicas still ready, new ones not yet) it is not ready. Before the controller has reported,
 * unknown.
 */
export function workloadState(
  kind: 'Deployment' | 'StatefulSet',
  object: CachedObject,
): LiveWorkload {
  const status = (object.status ?? {}) as Json;
  const desired = (object.spec?.replicas as number | undefined) ?? 1;
  const ready = (status.readyReplicas as number | undefined) ?? 0;
  const conditions = (status.conditions ?? []) as Condition[];
  const observed =
    status.observedGeneration !== undefined &&
    (object.metadata.generation === undefined ||
      status.observedGeneration >= object.metadata.generation);
  let health: Health = { state: 'unknown' };
  const failing = conditions.find(
    c =>
      (c.type === 'Available' || c.type === 'Progressing') &&
      c.status === 'False',
  );
  if (failing)
    health = {
      state: 'not-ready',
      ...(failing.reason ? { reason: failing.reason } : {}),
      ...(failing.message ? { message: failing.message } : {}),
    };
  else if (observed) {
    const updated = status.updatedReplicas as number | undefined;
    if (ready < desired)
      health = {
        state: 'not-ready',
        reason: 'ReplicasNotReady',
        message: `${ready} of ${desired} replicas ready`,
      };
    else if (updated !== undefined && updated < desired)
      health = {
        state: 'not-ready',
        reason: 'RollingOut',
        message: `${updated} of ${desired} replicas on the current template`,
      };
    else if (
      kind === 'StatefulSet' ||
      conditions.some(c => c.type === 'Available' && c.status === 'True')
    )
      health = { state: 'ready' };
  }
  return {
    kind,
    name: object.metadata.name,
    desired,
    ready,
    ...(status.updatedReplicas !== undefined
      ? { upToDate: status.updatedReplicas as number }
      : {}),
    health,
  };
}

/** used / hard and whether used is over hard; no ratio of nothing allowed (JSON has no infinity). */
function ratioOf(
  hard: string,
  used: string,
): { ratio?: number; exceeded: boolean } | undefined {
  try {
    const h = parseQuantity(hard);
    const u = parseQuantity(used);
    if (h === 0n)
      return u === 0n ? { ratio: 0, exceeded: false } : { exceeded: true };
    return { ratio: Number((u * 10_000n) / h) / 10_000, exceeded: u > h };
  } catch {
    return undefined;
  }
}

const KINDS_READ: ClusterStateKind[] = [
  'namespaces',
  'resourcequotas',
  'limitranges',
  'pods',
  'deployments',
  'statefulsets',
  'events',
  'persistentvolumeclaims',
  'virtualmachines',
  'virtualmachineinstances',
  'datavolumes',
  'kustomizations',
];

/**
 * Every resource of one cached ResourceQuota, sorted by key: what it allows (`status.hard`, else `spec.hard` before
 * the quota controller has counted) and what is used (`0` until counted), with their ratio.
 */
export function quotaUsages(quota: CachedObject): QuotaUsage[] {
  const hard = (quota.status?.hard ?? quota.spec?.hard ?? {}) as Record<
    string,
    string
  >;
  const used = (quota.status?.used ?? {}) as Record<string, string>;
  return Object.keys(hard)
    .sort()
    .map(resource => {
      return {
        resource,
        hard: hard[resource],
        used: used[resource] ?? '0',
        ...ratioOf(hard[resource], used[resource] ?? '0'),
      };
    });
}

/**
 * One VM as the portal shows it, from its cached VirtualMachine, its VirtualMachineInstance when there is one, and
 * the DataVolumes of its namespace by name (for the health and phase of its disks).
 */
export function vmState(
  vm: CachedObject,
  instance: CachedObject | undefined,
  dataVolumes: ReadonlyMap<string, CachedObject>,
): VmState {
  const template = ((vm.spec as Json | undefined)?.template?.spec ??
    {}) as Json;
  const domain = (template.domain ?? {}) as Json;
  const volumes = (template.volumes ?? []) as Json[];
  const interfaces = (instance?.status?.interfaces ?? []) as Json[];
  return {
    name: vm.metadata.name,
    runStrategy: vm.spec?.runStrategy as string | undefined,
    printableStatus: vm.status?.printableStatus as string | undefined,
    health: healthOf(vm),
    ...(instance
      ? {
          phase: instance.status?.phase as string | undefined,
          node: instance.status?.nodeName as string | undefined,
        }
      : {}),
    ips: interfaces.flatMap(
      i =>
        (i.ipAddresses as string[] | undefined) ??
        (i.ipAddress ? [i.ipAddress as string] : []),
    ),
    cpu: (domain.cpu?.cores ?? undefined) as number | undefined,
    memory: (domain.memory?.guest ?? domain.resources?.requests?.memory) as
      | string
      | undefined,
    disks: volumes.map(v => {
      const dvName = v.dataVolume?.name as string | undefined;
      const dv = dvName ? dataVolumes.get(dvName) : undefined;
      return {
        name: v.name as string,
        ...(dvName ? { dataVolume: dvName } : {}),
        ...(dv
          ? {
              health: healthOf(dv),
              phase: dv.status?.phase as string | undefined,
            }
          : {}),
      };
    }),
    createdAt: vm.metadata.creationTimestamp,
  };
}

/** The team that owns a cached namespace (its owner-ref annotation, else its owner label), as a group ref. */
export function namespaceTeam(ns: CachedObject): string | undefined {
  const ref = ns.metadata.annotations?.[ANNOTATIONS.ownerRef];
  if (ref) return ref;
  const owner = ns.metadata.labels?.[LABELS.owner];
  return owner ? toEntityRef('group', owner) : undefined;
}

/**
 * Assembles one namespace's state from the cache: quota usage per resource, limit ranges, pods by phase, recent
 * warning events, volumes, VMs with their instances and disks, and the Flux Kustomization that applies it. Makes
 * no Kubernetes call. `undefined` when the cache holds no such (managed) namespace.
 */
export function namespaceState(
  cache: ClusterStateCache,
  cluster: string,
  name: string,
): NamespaceState | undefined {
  const namespace = cache.get(cluster, 'namespaces', undefined, name).item;
  if (!namespace) return undefined;
  const list = (kind: ClusterStateKind) =>
    cache.list(cluster, kind, name).items;

  const quotas = list('resourcequotas').map(q => ({
    name: q.metadata.name,
    resources: quotaUsages(q),
  }));

  const pods = list('pods').map(p => {
    const statuses = (p.status?.containerStatuses ?? []) as Json[];
    return {
      name: p.metadata.name,
      phase: p.status?.phase as string | undefined,
      node: p.spec?.nodeName as string | undefined,
      ready: statuses.length > 0 && statuses.every(s => s.ready === true),
      restarts: statuses.reduce((n, s) => n + (s.restartCount ?? 0), 0),
      owner: p.metadata.ownerReferences?.[0]
        ? `${p.metadata.ownerReferences[0].kind}/${p.metadata.ownerReferences[0].name}`
        : undefined,
    };
  });
  const byPhase: Record<string, number> = {};
  for (const pod of pods) {
    const phase = pod.phase ?? 'Unknown';
    byPhase[phase] = (byPhase[phase] ?? 0) + 1;
  }

  const workloads = [
    ...list('deployments').map(d => workloadState('Deployment', d)),
    ...list('statefulsets').map(d => workloadState('StatefulSet', d)),
  ];

  const dataVolumes = new Map(
    list('datavolumes').map(dv => [dv.metadata.name, dv] as const),
  );
  const instances = new Map(
    list('virtualmachineinstances').map(i => [i.metadata.name, i] as const),
  );
  const vms: VmState[] = list('virtualmachines').map(vm =>
    vmState(vm, instances.get(vm.metadata.name), dataVolumes),
  );

  const sync = cache.get(
    cluster,
    'kustomizations',
    FLUX_NAMESPACE,
    namespaceSyncName(name),
  ).item;

  return {
    cluster,
    name,
    team: namespaceTeam(namespace),
    requestId: namespace.metadata.labels?.[LABELS.requestId],
    environment: namespace.metadata.labels?.[LABELS.environment],
    phase: namespace.status?.phase as string | undefined,
    createdAt: namespace.metadata.creationTimestamp,
    quotas,
    limitRanges: list('limitranges').map(l => ({
      name: l.metadata.name,
      limits: (l.spec?.limits ?? []) as Json[],
    })),
    pods: { byPhase, items: pods },
    workloads,
    warnings: list('events').map(e => ({
      reason: e.reason as string | undefined,
      message: e.message as string | undefined,
      object: (e.involvedObject as Json | undefined)
        ? `${(e.involvedObject as Json).kind}/${
            (e.involvedObject as Json).name
          }`
        : undefined,
      count: e.count as number | undefined,
      lastSeen: (e.lastTimestamp ?? e.eventTime) as string | undefined,
    })),
    volumes: list('persistentvolumeclaims').map(pvc => ({
      name: pvc.metadata.name,
      phase: pvc.status?.phase as string | undefined,
      storageClass: pvc.spec?.storageClassName as string | undefined,
      size: ((pvc.status as Json | undefined)?.capacity?.storage ??
        (pvc.spec as Json | undefined)?.resources?.requests?.storage) as
        | string
        | undefined,
    })),
    vms,
    ...(sync
      ? {
          sync: {
            name: sync.metadata.name,
            health: healthOf(sync),
            lastAppliedRevision: sync.status?.lastAppliedRevision as
              | string
              | undefined,
          },
        }
      : {}),
    sources: KINDS_READ.map(kind => cache.kindStatus(cluster, kind)),
  };
}
