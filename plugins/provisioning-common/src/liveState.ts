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
  /** used / hard (0 when nothing is allowed and nothing used; over 1 when over); absent when not a quantity. */
  ratio?: number;
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
