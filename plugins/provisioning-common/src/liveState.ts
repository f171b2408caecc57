/**
 * The live state of namespaces and VMs as the portal reads it back from the clusters: one shape for the backend
 * that assembles it and the frontend that shows it.
 */

/** One resource of a ResourceQuota: what it allows and what is used, as the quota controller reports it. */
export interface QuotaUsage {
  /** The ResourceQuota key, e.g. `requests.cpu`. */
  resource: string;
  hard: string;
  used: string;
  /**
   * used / hard (0 when nothing is allowed and nothing used; over 1 when over); absent when not a quantity, and
   * when something is used of nothing allowed (`exceeded` says so).
   */
  ratio?: number;
  /** More is used than allowed (the quota was lowered below what runs); absent when not a quantity. */
  exceeded?: boolean;
}

/** A condition as Kubernetes objects report it (`status.conditions[]`). */
export interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
}

/** The health of an object from its own conditions, never from its mere existence. */
export interface Health {
  /** `ready`: the Ready condition is True; `not-ready`: it is False; `unknown`: no such condition (yet). */
  state: 'ready' | 'not-ready' | 'unknown';
  reason?: string;
  message?: string;
}

/** A virtual machine of the namespace, from its VirtualMachine and (when running) its VirtualMachineInstance. */
export interface LiveVmState {
  name: string;
  runStrategy?: string;
  /** KubeVirt's own summary: Running, Stopped, Provisioning, ErrorUnschedulable, ... */
  printableStatus?: string;
  health: Health;
  /** The instance's phase (Pending, Scheduling, Running, Succeeded, Failed), when there is an instance. */
  phase?: string;
  node?: string;
  ips: string[];
  cpu?: number;
  memory?: string;
  disks: Array<{
    name: string;
    dataVolume?: string;
    health?: Health;
    phase?: string;
  }>;
  createdAt?: string;
}

/** A Deployment or StatefulSet of the namespace: replicas wanted and ready, health from its controller's report. */
export interface LiveWorkload {
  kind: 'Deployment' | 'StatefulSet';
  name: string;
  /** `spec.replicas` (1 when not set, as the API server defaults it). */
  desired: number;
  ready: number;
  /** Replicas on the current template, when the controller reports it. */
  upToDate?: number;
  health: Health;
}

/** The state of one kind on one cluster that an answer was read from, with how old it is. */
export interface StateSource {
  kind: string;
  state: string;
  /** Objects held now. */
  objects: number;
  /** When a full LIST last completed (ISO 8601). */
  lastSyncedAt?: string;
  /** When the server was last heard from (ISO 8601). */
  lastHeardAt?: string;
  /** What is wrong, in words any user may see. */
  message?: string;
}

/**
 * Everything the portal shows of one namespace, read from the backend's watch cache, with how old each part is:
 * the answer of `GET /clusters/<cluster>/namespaces/<namespace>/state`, shared by the backend and the frontend.
 */
export interface LiveNamespaceState<S extends StateSource = StateSource> {
  cluster: string;
  name: string;
  /** The owning team's group ref, from the namespace's labels. */
  team?: string;
  requestId?: string;
  environment?: string;
  phase?: string;
  createdAt?: string;
  quotas: Array<{ name: string; resources: QuotaUsage[] }>;
  limitRanges: Array<{ name: string; limits: Array<Record<string, any>> }>;
  pods: {
    byPhase: Record<string, number>;
    items: Array<{
      name: string;
      phase?: string;
      node?: string;
      ready: boolean;
      restarts: number;
      owner?: string;
    }>;
  };
  /** Deployments and StatefulSets, what teams run in the namespace. */
  workloads: LiveWorkload[];
  warnings: Array<{
    reason?: string;
    message?: string;
    object?: string;
    count?: number;
    lastSeen?: string;
  }>;
  volumes: Array<{
    name: string;
    phase?: string;
    storageClass?: string;
    size?: string;
  }>;
  vms: LiveVmState[];
  /** The Flux Kustomization that applies the namespace's folder, with its health and last applied revision. */
  sync?: { name: string; health: Health; lastAppliedRevision?: string };
  /** The state of every kind the answer was read from: a stale or unreachable one says so. */
  sources: S[];
}

/** A CDI DataVolume of a VM: the import or clone behind one of its disks, with its own health. */
export interface LiveDataVolume {
  name: string;
  /** CDI's phase: Pending, ImportScheduled, ImportInProgress, Succeeded, Failed, ... */
  phase?: string;
  /** Import or clone progress as CDI reports it, e.g. `45.50%`. */
  progress?: string;
  health: Health;
  /** The kind of source only (`registry`, `http`, `pvc`, `blank`): a source URL can carry credentials. */
  source?: string;
  size?: string;
  storageClass?: string;
  /** The PersistentVolumeClaim that holds the disk, once CDI has made it. */
  claimName?: string;
  createdAt?: string;
}

/**
 * One VM as its card shows it, with its DataVolumes and its namespace's team: the answer of
 * `GET /clusters/<cluster>/namespaces/<namespace>/vms/<vm>/state`.
 */
export interface LiveVirtualMachineState<S extends StateSource = StateSource>
  extends LiveVmState {
  cluster: string;
  namespace: string;
  /** The owning team's group ref, from the namespace's labels (the VM's team is its namespace's). */
  team?: string;
  requestId?: string;
  dataVolumes: LiveDataVolume[];
  /** The state of every kind the answer was read from: a stale or unreachable one says so. */
  sources: S[];
}

/**
 * Whether a cluster answers, as the backend's cache last saw it, in the words a given user may read. `ok` when the
 * portal reads it (every kind, or some of them: `state` is then `degraded` and `message` says what fails);
 * `unreachable` when nothing answers, the portal is refused, or nothing has answered yet.
 */
export interface LiveClusterHealth {
  health: 'ok' | 'unreachable';
  /** The cache's summary of the cluster: starting, synced, degraded, reconnecting, unreachable, forbidden. */
  state:
    | 'starting'
    | 'synced'
    | 'degraded'
    | 'reconnecting'
    | 'unreachable'
    | 'forbidden';
  /** What failed, as a type to act on (`TIMEOUT`, `FORBIDDEN`, ...); only while something fails. */
  errorType?: string;
  /**
   * What is wrong: for the platform team the cluster's own words (addresses, accounts), for everybody else words
   * any user may see; absent while all is well.
   */
  message?: string;
  /** How old the data is: the oldest completed list, and the last word from the server (ISO 8601). */
  lastSyncedAt?: string;
  lastHeardAt?: string;
}

/** The resources a cluster's capacity is counted in. */
export type CapacityResource = 'cpu' | 'memory' | 'pods';

/**
 * One resource of a cluster: what its nodes can hold against what the quotas of managed namespaces allow and what
 * the VMs that are meant to run ask for. Amounts are Kubernetes quantities (`8`, `1500m`, `16Gi`; pods as a count).
 */
export interface CapacityUse {
  resource: CapacityResource;
  /** Sum of `status.allocatable` over the schedulable nodes; absent while the nodes have not been read. */
  allocatable?: string;
  /**
   * Sum over the managed namespaces of what their quotas allow (`requests.cpu`, `requests.memory`, `pods`); a
   * namespace with several quotas counts the smallest, as the API server enforces all of them. Absent while the
   * namespaces or quotas have never been listed (not known, which is not 0).
   */
  quotas?: string;
  /** Managed namespaces with no quota on this resource: what they may ask for is not bounded, and not counted. */
  unboundedNamespaces: number;
  /** What the virt-launcher pods of the VMs meant to run request (one pod each); absent while VMs are not known. */
  vms?: string;
  /** quotas / allocatable (over 1: the quotas promise more than the nodes hold); absent without allocatable. */
  quotasRatio?: number;
  /** vms / allocatable; absent without allocatable. */
  vmsRatio?: number;
}

/**
 * A cluster's capacity from its cached Node, Namespace, ResourceQuota, VirtualMachine and VirtualMachineInstance
 * objects. The quota and VM figures are shown side by side, never added: a VM's launcher pod runs inside its
 * namespace's quota, so the sum would count it twice.
 */
export interface ClusterCapacity<K extends string = string> {
  resources: CapacityUse[];
  /** Nodes counted (schedulable), and cordoned nodes left out. */
  nodes: number;
  unschedulableNodes: number;
  /** Managed namespaces whose quotas were summed. */
  namespaces: number;
  /** VMs meant to run whose launcher pods were counted. */
  vms: number;
  /** VMs meant to run whose size could not be read (no `cpu.cores` or memory): not counted. */
  unsizedVms: number;
  /**
   * Kinds whose objects have never been listed (starting, forbidden, unreachable since start): the figures they
   * feed are not known, not zero. A kind whose API is not installed counts as empty, not as missing.
   */
  incomplete: K[];
}

/** VMs counted by KubeVirt's `printableStatus` (`Unknown` when it has none yet). */
export interface VmCounts {
  total: number;
  byStatus: Record<string, number>;
}

/** One namespace of a team at a glance. */
export interface TeamNamespaceSummary {
  name: string;
  phase?: string;
  environment?: string;
  requestId?: string;
  /**
   * The quota resource closest to its limit (the highest used/hard over all of the namespace's quotas), with the
   * quota it belongs to (something used of nothing allowed counts as closest); absent when the namespace has no
   * quota in quantities.
   */
  quota?: QuotaUsage & { quota: string };
  vms: VmCounts;
}

/** A team on one cluster: the cluster's health as the cache sees it, and the team's namespaces there. */
export interface TeamClusterSummary extends LiveClusterHealth {
  cluster: string;
  namespaces: TeamNamespaceSummary[];
  /** The VMs of those namespaces. */
  vms: VmCounts;
}

/** A team's namespaces and VMs on every cluster: the answer of `GET /teams/<team>/summary`. */
export interface TeamSummary {
  /** The team's group ref, e.g. `group:default/payments`. */
  team: string;
  clusters: TeamClusterSummary[];
}
