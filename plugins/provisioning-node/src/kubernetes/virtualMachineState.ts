import {
  LABELS,
  LiveDataVolume,
  LiveVirtualMachineState,
} from '@kubeportal/plugin-provisioning-common';
import {
  CachedObject,
  ClusterStateCache,
  ClusterStateKind,
  ClusterStateKindStatus,
} from './ClusterStateCache';
import { healthOf, namespaceTeam, vmState } from './namespaceState';

type Json = Record<string, any>;

/** @public */
export type DataVolumeState = LiveDataVolume;
/** One VM as its card shows it: `VmState`, its DataVolumes, and the namespace's team. @public */
export type VirtualMachineState =
  LiveVirtualMachineState<ClusterStateKindStatus>;

const KINDS_READ: ClusterStateKind[] = [
  'namespaces',
  'virtualmachines',
  'virtualmachineinstances',
  'datavolumes',
];

/** A cached DataVolume as the VM card shows it. */
export function dataVolumeState(dv: CachedObject): DataVolumeState {
  const spec = (dv.spec ?? {}) as Json;
  const storage = (spec.storage ?? spec.pvc ?? {}) as Json;
  const source = Object.keys((spec.source ?? {}) as Json)[0];
  return {
    name: dv.metadata.name,
    phase: dv.status?.phase as string | undefined,
    progress: dv.status?.progress as string | undefined,
    health: healthOf(dv),
    ...(source ? { source } : {}),
    size: storage.resources?.requests?.storage as string | undefined,
    storageClass: storage.storageClassName as string | undefined,
    claimName: dv.status?.claimName as string | undefined,
    createdAt: dv.metadata.creationTimestamp,
  };
}

/** The DataVolumes a VM uses: its volumes' and templates' names, and those it owns, in that order. */
function dataVolumesOf(vm: CachedObject, all: CachedObject[]): CachedObject[] {
  const spec = (vm.spec ?? {}) as Json;
  const names = new Set<string>([
    ...((spec.template?.spec?.volumes ?? []) as Json[])
      .map(v => v.dataVolume?.name as string | undefined)
      .filter((n): n is string => Boolean(n)),
    ...((spec.dataVolumeTemplates ?? []) as Json[])
      .map(t => t.metadata?.name as string | undefined)
      .filter((n): n is string => Boolean(n)),
  ]);
  const byName = new Map(all.map(dv => [dv.metadata.name, dv] as const));
  const used = [...names]
    .map(name => byName.get(name))
    .filter((dv): dv is CachedObject => Boolean(dv));
  const owned = all.filter(
    dv =>
      !names.has(dv.metadata.name) &&
      dv.metadata.ownerReferences?.some(
        o => o.kind === 'VirtualMachine' && o.name === vm.metadata.name,
      ),
  );
  return [...used, ...owned];
}

/**
 * Assembles one VM's state from the cache: power state, phase, node, IPs, size, disks with their DataVolumes, and
 * the team of its namespace. Makes no Kubernetes call. `undefined` when the cache holds no such managed namespace
 * or no such VM in it.
 */
export function virtualMachineState(
  cache: Pick<ClusterStateCache, 'get' | 'list' | 'kindStatus'>,
  cluster: string,
  namespace: string,
  name: string,
): VirtualMachineState | undefined {
  const ns = cache.get(cluster, 'namespaces', undefined, namespace).item;
  if (!ns) return undefined;
  const vm = cache.get(cluster, 'virtualmachines', namespace, name).item;
  if (!vm) return undefined;
  const instance = cache.get(
    cluster,
    'virtualmachineinstances',
    namespace,
    name,
  ).item;
  const dataVolumes = dataVolumesOf(
    vm,
    cache.list(cluster, 'datavolumes', namespace).items,
  );
  return {
    cluster,
    namespace,
    team: namespaceTeam(ns),
    requestId: vm.metadata.labels?.[LABELS.requestId],
    ...vmState(
      vm,
      instance,
      new Map(dataVolumes.map(dv => [dv.metadata.name, dv] as const)),
    ),
    dataVolumes: dataVolumes.map(dataVolumeState),
    sources: KINDS_READ.map(kind => cache.kindStatus(cluster, kind)),
  };
}
