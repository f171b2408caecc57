import YAML from 'yaml';
import { canonicalQuantity, parseQuantity } from '../quantity';
import { VmRequest } from '../requests/schemas';
import { LABELS } from '../labels';
import { KubeObject } from './types';
import { VM_CPU_REQUEST_PER_VCPU } from './virtLauncher';

/** The CPU request of a VM with `cores` vCPUs, in canonical form (`200m`, `1`, `1200m`). */
export function vmCpuRequest(cores: number): string {
  return canonicalQuantity(
    `${(parseQuantity(VM_CPU_REQUEST_PER_VCPU) * BigInt(cores)) / 1_000_000n}m`,
    'cpu',
  );
}

/** Name of the DataVolume of a VM's disk. */
export const diskVolumeName = (vm: string, disk: string) => `${vm}-${disk}`;

/** The cloud-config user data of a VM: the requester's, with the SSH keys and host name merged in. */
export function cloudConfig(vm: VmRequest): string | undefined {
  const { userData, sshPublicKeys } = vm.cloudInit;
  if (userData === undefined && sshPublicKeys.length === 0) return undefined;
  let config: Record<string, unknown> = {};
  if (userData !== undefined && userData.trim() !== '') {
    const parsed = YAML.parse(userData);
    if (
      parsed !== null &&
      (typeof parsed !== 'object' || Array.isArray(parsed))
    ) {
      throw new TypeError('cloudInit.userData must be a cloud-config mapping');
    }
    config = { ...(parsed ?? {}) };
  }
  config.hostname ??= vm.name;
  if (sshPublicKeys.length > 0) {
    const existing = Array.isArray(config.ssh_authorized_keys)
      ? (config.ssh_authorized_keys as string[])
      : [];
    config.ssh_authorized_keys = [...new Set([...existing, ...sshPublicKeys])];
  }
  return `#cloud-config\n${YAML.stringify(config, { lineWidth: 0 })}`;
}

function dataVolumeSource(
  source: VmRequest['rootDisk']['source'],
): Record<string, unknown> {
  switch (source.type) {
    case 'pvc':
      return { pvc: { namespace: source.namespace, name: source.name } };
    case 'http':
      return { http: { url: source.url } };
    default:
      return { registry: { url: source.url } };
  }
}

function cloudInitVolumeOf(
  vm: VmRequest,
  userData: string | undefined,
): Record<string, unknown> | undefined {
  if (vm.cloudInit.userDataSecretRef) {
    return {
      name: 'cloudinitdisk',
      cloudInitNoCloud: { secretRef: { name: vm.cloudInit.userDataSecretRef } },
    };
  }
  if (userData !== undefined)
    return { name: 'cloudinitdisk', cloudInitNoCloud: { userData } };
  return undefined;
}

function storage(size: string, storageClass?: string): Record<string, unknown> {
  return {
    resources: { requests: { storage: canonicalQuantity(size, 'bytes') } },
    ...(storageClass ? { storageClassName: storageClass } : {}),
  };
}

/** Builds the VirtualMachine (with its DataVolume templates) and, when exposed, its Service. */
export function vmObjects(
  vm: VmRequest,
  labels: Record<string, string>,
  annotations: Record<string, string>,
): KubeObject[] {
  const source = dataVolumeSource(vm.rootDisk.source);
  const dataVolumeTemplates = [
    {
      metadata: { name: diskVolumeName(vm.name, 'rootdisk') },
      spec: {
        source,
        storage: storage(vm.rootDisk.size, vm.rootDisk.storageClass),
      },
    },
    ...vm.dataDisks.map(disk => ({
      metadata: { name: diskVolumeName(vm.name, disk.name) },
      spec: {
        source: { blank: {} },
        storage: storage(disk.size, disk.storageClass),
      },
    })),
  ];
  const diskNames = ['rootdisk', ...vm.dataDisks.map(d => d.name)];
  const userData = cloudConfig(vm);
  const cloudInitVolume = cloudInitVolumeOf(vm, userData);
  const networkName = vm.network.type === 'pod' ? 'default' : 'net0';
  // The request id goes on to the instance and its launcher pod, so one selector finds every object of the VM (its
  // catalog entity's `backstage.io/kubernetes-label-selector`).
  const podLabels = {
    'kubevirt.io/domain': vm.name,
    'kubevirt.io/vm': vm.name,
    ...(labels[LABELS.requestId]
      ? { [LABELS.requestId]: labels[LABELS.requestId] }
      : {}),
  };
  const memory = canonicalQuantity(vm.memory, 'bytes');

  const machine: KubeObject = {
    apiVersion: 'kubevirt.io/v1',
    kind: 'VirtualMachine',
    metadata: { name: vm.name, namespace: vm.namespace, labels, annotations },
    spec: {
      runStrategy: vm.runStrategy,
      dataVolumeTemplates,
      template: {
        metadata: { labels: podLabels },
        spec: {
          domain: {
            cpu: { cores: vm.cpu },
            memory: { guest: memory },
            // Explicit requests and limits: KubeVirt copies the namespace's default limit range into a VM that sets
            // none (namespace-limits.go applyNamespaceLimitRangeValues) and then refuses guest memory above that
            // limit, and a 500m default CPU limit would throttle every vCPU; the quota check counts these values.
            resources: {
              requests: { memory, cpu: vmCpuRequest(vm.cpu) },
              limits: { memory, cpu: String(vm.cpu) },
            },
            devices: {
              disks: [
                ...diskNames.map(name => ({ name, disk: { bus: 'virtio' } })),
                ...(cloudInitVolume
                  ? [{ name: 'cloudinitdisk', disk: { bus: 'virtio' } }]
                  : []),
              ],
              interfaces: [
                vm.network.type === 'pod'
                  ? { name: networkName, masquerade: {} }
                  : { name: networkName, bridge: {} },
              ],
            },
          },
          networks: [
            vm.network.type === 'pod'
              ? { name: networkName, pod: {} }
              : { name: networkName, multus: { networkName: vm.network.name } },
          ],
          volumes: [
            ...diskNames.map(name => ({
              name,
              dataVolume: { name: diskVolumeName(vm.name, name) },
            })),
            ...(cloudInitVolume ? [cloudInitVolume] : []),
          ],
        },
      },
    },
  };
  if (vm.exposure.type === 'none') return [machine];
  const service: KubeObject = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: vm.name, namespace: vm.namespace, labels, annotations },
    spec: {
      type: vm.exposure.type,
      selector: { 'kubevirt.io/domain': vm.name },
      ports: vm.exposure.ports.map(p => ({
        name: p.name,
        protocol: 'TCP',
        port: p.port,
        targetPort: p.port,
        ...(p.nodePort !== undefined ? { nodePort: p.nodePort } : {}),
      })),
    },
  };
  return [machine, service];
}
