import { LABELS, MANAGED_BY } from '@kubeportal/plugin-provisioning-common';
import {
  CachedObject,
  ClusterStateCache,
  ClusterStateKind,
  ClusterStateKindStatus,
  ClusterStateStatus,
} from '../ClusterStateCache';

const SYNCED_AT = '2026-01-01T00:00:00.000Z';

/** A managed namespace of a team, as the cache holds it. */
export const managedNamespace = (name: string, team: string): CachedObject => ({
  apiVersion: 'v1',
  kind: 'Namespace',
  metadata: {
    name,
    labels: {
      [LABELS.managedBy]: MANAGED_BY,
      [LABELS.owner]: team,
      [LABELS.environment]: 'dev',
    },
  },
  status: { phase: 'Active' },
});

/** A ResourceQuota with what it allows and (once counted) what is used. */
export const quota = (
  namespace: string,
  name: string,
  hard: Record<string, string>,
  more: { used?: Record<string, string>; scopes?: string[] } = {},
): CachedObject => ({
  apiVersion: 'v1',
  kind: 'ResourceQuota',
  metadata: { name, namespace },
  spec: { hard, ...(more.scopes ? { scopes: more.scopes } : {}) },
  ...(more.used ? { status: { hard, used: more.used } } : {}),
});

/** A VM as the portal renders it: `cores` vCPUs, `memory` of guest memory, one DataVolume disk. */
export const virtualMachine = (
  namespace: string,
  name: string,
  options: {
    runStrategy?: string;
    cores?: number;
    memory?: string;
    printableStatus?: string;
  } = {},
): CachedObject => ({
  apiVersion: 'kubevirt.io/v1',
  kind: 'VirtualMachine',
  metadata: { name, namespace, creationTimestamp: SYNCED_AT },
  spec: {
    runStrategy: options.runStrategy ?? 'Always',
    template: {
      spec: {
        domain: {
          ...(options.cores === undefined
            ? {}
            : { cpu: { cores: options.cores } }),
          ...(options.memory === undefined
            ? {}
            : { memory: { guest: options.memory } }),
        },
        volumes: [
          { name: 'rootdisk', dataVolume: { name: `${name}-rootdisk` } },
        ],
      },
    },
    dataVolumeTemplates: [{ metadata: { name: `${name}-rootdisk` } }],
  },
  ...(options.printableStatus
    ? { status: { printableStatus: options.printableStatus } }
    : {}),
});

/** A VirtualMachineInstance in a phase. */
export const instance = (
  namespace: string,
  name: string,
  phase: string,
): CachedObject => ({
  apiVersion: 'kubevirt.io/v1',
  kind: 'VirtualMachineInstance',
  metadata: { name, namespace },
  status: { phase, nodeName: 'node-1' },
});

/** A Node with allocatable (or, without it, capacity) resources. */
export const node = (
  name: string,
  resources: {
    allocatable?: Record<string, string>;
    capacity?: Record<string, string>;
  },
  unschedulable = false,
): CachedObject => ({
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name },
  ...(unschedulable ? { spec: { unschedulable: true } } : {}),
  status: resources,
});

/** A kind's status: synced, unless told otherwise. */
export const kindStatus = (
  cluster: string,
  kind: ClusterStateKind,
  more: Partial<ClusterStateKindStatus> = {},
): ClusterStateKindStatus => ({
  cluster,
  kind,
  state: 'synced',
  objects: 0,
  lastSyncedAt: SYNCED_AT,
  lastHeardAt: SYNCED_AT,
  ...more,
});

/**
 * What a started cache answers, over fixed objects and statuses: for functions that read the cache (they take
 * `Pick<ClusterStateCache, ...>`), without an API server.
 */
export function fixedClusterState(
  clusters: Record<
    string,
    {
      objects: Partial<Record<ClusterStateKind, CachedObject[]>>;
      kinds?: Partial<
        Record<ClusterStateKind, Partial<ClusterStateKindStatus>>
      >;
      /** The cluster's summary; default synced, with the fixtures' time as its age. */
      status?: Omit<ClusterStateStatus, 'cluster' | 'kinds'>;
    }
  >,
): Pick<
  ClusterStateCache,
  'clusters' | 'list' | 'get' | 'status' | 'kindStatus'
> {
  const kindOf = (cluster: string, kind: ClusterStateKind) =>
    kindStatus(cluster, kind, clusters[cluster].kinds?.[kind]);
  const items = (cluster: string, kind: ClusterStateKind, namespace?: string) =>
    (clusters[cluster].objects[kind] ?? [])
      .filter(
        o => namespace === undefined || o.metadata.namespace === namespace,
      )
      // as the cache answers: by namespace, then name
      .sort(
        (a, b) =>
          (a.metadata.namespace ?? '').localeCompare(
            b.metadata.namespace ?? '',
          ) || a.metadata.name.localeCompare(b.metadata.name),
      );
  return {
    clusters: () => Object.keys(clusters),
    kindStatus: (cluster, kind) => kindOf(cluster, kind),
    list: (cluster, kind, namespace) => ({
      items: items(cluster, kind, namespace),
      status: kindOf(cluster, kind),
    }),
    get: (cluster, kind, namespace, name) => {
      const item = items(cluster, kind, namespace).find(
        o => o.metadata.name === name,
      );
      return { ...(item ? { item } : {}), status: kindOf(cluster, kind) };
    },
    status: cluster => ({
      cluster,
      ...(clusters[cluster].status ?? {
        state: 'synced',
        lastSyncedAt: SYNCED_AT,
        lastHeardAt: SYNCED_AT,
      }),
      kinds: Object.keys(clusters[cluster].kinds ?? {}).map(kind =>
        kindOf(cluster, kind as ClusterStateKind),
      ),
    }),
  };
}
