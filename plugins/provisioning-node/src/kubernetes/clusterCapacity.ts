import {
  CapacityResource as CommonCapacityResource,
  CapacityUse as CommonCapacityUse,
  ClusterCapacity as CommonClusterCapacity,
  formatQuantity,
  NANOS_PER_UNIT,
  parseQuantity,
  virtLauncherResources,
  VmOverheadSettings,
} from '@kubeportal/plugin-provisioning-common';
import {
  CachedObject,
  ClusterStateCache,
  ClusterStateKind,
} from './ClusterStateCache';

type Json = Record<string, any>;

/** @public */
export type CapacityResource = CommonCapacityResource;
/** @public */
export type CapacityUse = CommonCapacityUse;
/** @public */
export type ClusterCapacity = CommonClusterCapacity<ClusterStateKind>;

/** The cached objects a capacity is computed from. @public */
export interface CapacityInput {
  nodes: CachedObject[];
  /** The managed namespaces (the cache holds only those unless told otherwise). */
  namespaces: CachedObject[];
  resourceQuotas: CachedObject[];
  virtualMachines: CachedObject[];
  virtualMachineInstances: CachedObject[];
  incomplete?: ClusterStateKind[];
}

const QUOTA_KEYS: Record<CapacityResource, string[]> = {
  // `cpu` and `memory` are the API server's older spellings of the request keys
  cpu: ['requests.cpu', 'cpu'],
  memory: ['requests.memory', 'memory'],
  pods: ['pods'],
};

const RESOURCES: CapacityResource[] = ['cpu', 'memory', 'pods'];

const RUNS = new Set(['Always', 'RerunOnFailure', 'Once']);
const INSTANCE_DONE = new Set(['Succeeded', 'Failed']);

/** A quantity in nano-units, or undefined when it is missing or not a quantity. */
function nanosOf(value: unknown): bigint | undefined {
  if (typeof value !== 'string' && typeof value !== 'number') return undefined;
  try {
    return parseQuantity(String(value));
  } catch {
    return undefined;
  }
}

function spell(nanos: bigint, resource: CapacityResource): string {
  if (resource === 'pods') return String(nanos / NANOS_PER_UNIT);
  return formatQuantity(nanos, resource === 'cpu' ? 'cpu' : 'bytes');
}

function ratio(part: bigint, whole: bigint): number | undefined {
  if (whole === 0n) return part === 0n ? 0 : undefined;
  return Number((part * 10_000n) / whole) / 10_000;
}

/**
 * Whether a VM is meant to run, so its launcher pod takes room: a run strategy that starts it (`Always`,
 * `RerunOnFailure`, `Once`), the older `running: true`, or (for `Manual` and no strategy) an instance that has not
 * finished.
 */
export function vmMeantToRun(
  vm: CachedObject,
  instance: CachedObject | undefined,
): boolean {
  const strategy = vm.spec?.runStrategy as string | undefined;
  if (strategy && RUNS.has(strategy)) return true;
  if (strategy === 'Halted') return false;
  if (vm.spec?.running === true) return true;
  return (
    instance !== undefined &&
    !INSTANCE_DONE.has(String(instance.status?.phase ?? ''))
  );
}

/** A VM's vCPUs (cores × sockets × threads) and guest memory, as the portal renders them; undefined without. */
export function vmSize(
  vm: CachedObject,
): { cpu: number; memory: string } | undefined {
  const domain = ((vm.spec as Json | undefined)?.template?.spec?.domain ??
    {}) as Json;
  const cores = Number(domain.cpu?.cores ?? 0);
  const memory = (domain.memory?.guest ??
    domain.resources?.requests?.memory) as string | undefined;
  if (!Number.isInteger(cores) || cores < 1 || !memory) return undefined;
  if (nanosOf(memory) === undefined) return undefined;
  const times = (value: unknown) =>
    Number.isInteger(Number(value)) && Number(value) >= 1 ? Number(value) : 1;
  return {
    cpu: cores * times(domain.cpu?.sockets) * times(domain.cpu?.threads),
    memory,
  };
}

/**
 * A cluster's capacity from cached objects, without I/O: allocatable CPU, memory and pods summed over the
 * schedulable nodes, against the quotas of the managed namespaces (per namespace the smallest unscoped quota on
 * each resource) and the virt-launcher pods of the VMs meant to run (`virtLauncherResources` with the clusters'
 * KubeVirt settings; one pod each). Quotas and VMs outside the given namespaces are not counted.
 */
export function clusterCapacity(
  input: CapacityInput,
  overhead: VmOverheadSettings,
): ClusterCapacity {
  const allocatable: Record<CapacityResource, bigint> = {
    cpu: 0n,
    memory: 0n,
    pods: 0n,
  };
  let nodes = 0;
  let unschedulableNodes = 0;
  for (const node of input.nodes) {
    if (node.spec?.unschedulable === true) {
      unschedulableNodes += 1;
      continue;
    }
    nodes += 1;
    const status = (node.status ?? {}) as Json;
    for (const resource of RESOURCES)
      allocatable[resource] +=
        nanosOf(status.allocatable?.[resource]) ??
        nanosOf(status.capacity?.[resource]) ??
        0n;
  }

  const managed = new Set(input.namespaces.map(ns => ns.metadata.name));
  const quotas: Record<CapacityResource, bigint> = {
    cpu: 0n,
    memory: 0n,
    pods: 0n,
  };
  const unbounded: Record<CapacityResource, number> = {
    cpu: 0,
    memory: 0,
    pods: 0,
  };
  const byNamespace = new Map<string, CachedObject[]>();
  for (const quota of input.resourceQuotas) {
    const ns = quota.metadata.namespace;
    // a scoped quota (BestEffort, PriorityClass, ...) bounds only some pods: it does not bound the namespace
    if (
      !ns ||
      !managed.has(ns) ||
      quota.spec?.scopes ||
      quota.spec?.scopeSelector
    )
      continue;
    byNamespace.set(ns, [...(byNamespace.get(ns) ?? []), quota]);
  }
  for (const ns of managed) {
    for (const resource of RESOURCES) {
      let smallest: bigint | undefined;
      for (const quota of byNamespace.get(ns) ?? []) {
        const hard = (quota.status?.hard ?? quota.spec?.hard ?? {}) as Json;
        for (const key of QUOTA_KEYS[resource]) {
          const amount = nanosOf(hard[key]);
          if (
            amount !== undefined &&
            (smallest === undefined || amount < smallest)
          )
            smallest = amount;
        }
      }
      if (smallest === undefined) unbounded[resource] += 1;
      else quotas[resource] += smallest;
    }
  }

  const instances = new Map(
    input.virtualMachineInstances.map(
      i => [`${i.metadata.namespace}/${i.metadata.name}`, i] as const,
    ),
  );
  const vms: Record<CapacityResource, bigint> = {
    cpu: 0n,
    memory: 0n,
    pods: 0n,
  };
  let vmCount = 0;
  let unsizedVms = 0;
  for (const vm of input.virtualMachines) {
    const ns = vm.metadata.namespace;
    if (!ns || !managed.has(ns)) continue;
    const instance = instances.get(`${ns}/${vm.metadata.name}`);
    if (!vmMeantToRun(vm, instance)) continue;
    const size = vmSize(vm);
    if (!size) {
      unsizedVms += 1;
      continue;
    }
    const launcher = virtLauncherResources(size.cpu, size.memory, overhead);
    vms.cpu += launcher.requests.cpu;
    vms.memory += launcher.requests.memory;
    vms.pods += NANOS_PER_UNIT;
    vmCount += 1;
  }

  const incomplete = input.incomplete ?? [];
  const known = (...kinds: ClusterStateKind[]) =>
    kinds.every(kind => !incomplete.includes(kind));
  // a figure fed by a kind never listed is not known: left out, never 0
  const nodesKnown = known('nodes');
  const quotasKnown = known('namespaces', 'resourcequotas');
  const vmsKnown = known('virtualmachines', 'virtualmachineinstances');
  return {
    resources: RESOURCES.map(resource => {
      const quotasRatio =
        nodesKnown && quotasKnown
          ? ratio(quotas[resource], allocatable[resource])
          : undefined;
      const vmsRatio =
        nodesKnown && vmsKnown
          ? ratio(vms[resource], allocatable[resource])
          : undefined;
      return {
        resource,
        ...(nodesKnown
          ? { allocatable: spell(allocatable[resource], resource) }
          : {}),
        ...(quotasKnown ? { quotas: spell(quotas[resource], resource) } : {}),
        unboundedNamespaces: unbounded[resource],
        ...(vmsKnown ? { vms: spell(vms[resource], resource) } : {}),
        ...(quotasRatio === undefined ? {} : { quotasRatio }),
        ...(vmsRatio === undefined ? {} : { vmsRatio }),
      };
    }),
    nodes,
    unschedulableNodes,
    namespaces: managed.size,
    vms: vmCount,
    unsizedVms,
    incomplete,
  };
}

const CAPACITY_KINDS: ClusterStateKind[] = [
  'nodes',
  'namespaces',
  'resourcequotas',
  'virtualmachines',
  'virtualmachineinstances',
];

/**
 * `clusterCapacity` over what the cache holds for one cluster now; makes no Kubernetes call. A kind never listed
 * yet (or never allowed) is named in `incomplete`.
 */
export function cachedClusterCapacity(
  cache: Pick<ClusterStateCache, 'list'>,
  cluster: string,
  overhead: VmOverheadSettings,
): ClusterCapacity {
  const read = (kind: ClusterStateKind) => cache.list(cluster, kind);
  const lists = Object.fromEntries(
    CAPACITY_KINDS.map(kind => [kind, read(kind)] as const),
  ) as Record<string, ReturnType<typeof read>>;
  const incomplete = CAPACITY_KINDS.filter(kind => {
    const { status } = lists[kind];
    return status.state !== 'not-installed' && !status.lastSyncedAt;
  });
  return clusterCapacity(
    {
      nodes: lists.nodes.items,
      namespaces: lists.namespaces.items,
      resourceQuotas: lists.resourcequotas.items,
      virtualMachines: lists.virtualmachines.items,
      virtualMachineInstances: lists.virtualmachineinstances.items,
      incomplete,
    },
    overhead,
  );
}
