import { QuotaValues, VmOverheadSettings } from './config';
import {
  VM_CPU_REQUEST_PER_VCPU,
  virtLauncherResources,
} from './manifests/virtLauncher';
import {
  describeQuantity,
  NANOS_PER_UNIT,
  parseQuantity,
  QuantityKind,
} from './quantity';
import {
  QuotaFieldName,
  quotaAmount,
  quotaField,
  STORAGE_CLASS_QUOTA_FIELDS,
  storageClassQuotaKey,
} from './quotaFields';
import { ownValue } from './validation';

/** What VMs need from their namespace's quota. */
export interface VmFootprint {
  name: string;
  cpu: number;
  memory: string;
  disks: Array<{ size: string; storageClass?: string }>;
}

/** One quota key the VMs of a namespace do not fit in. */
export interface QuotaShortfall {
  /** The ResourceQuota key, e.g. `requests.memory`. */
  resource: string;
  needed: bigint;
  allowed: bigint;
  kind: QuantityKind;
  /** One sentence saying by how much it does not fit. */
  message: string;
}

/**
 * Checks that the VMs of a namespace fit inside its quota: what their virt-launcher pods request and limit (see
 * `virtLauncherResources`) against the memory and CPU keys, storage in total and per class, PVC and pod counts. Returns
 * what does not fit, and by how much; an empty list when everything fits.
 */
export function vmQuotaShortfalls(
  vms: VmFootprint[],
  quota: QuotaValues,
  overhead: VmOverheadSettings,
): QuotaShortfall[] {
  return vmQuotaUse(vms, quota, overhead)
    .filter(use => use.needed > use.allowed)
    .map(({ resource, needed, allowed, kind, what }) => ({
      resource,
      needed,
      allowed,
      kind,
      message: `${resource}: the VMs need ${describeQuantity(
        needed,
        kind,
      )} (${what}) but the quota allows ${describeQuantity(
        allowed,
        kind,
      )}: ${describeQuantity(needed - allowed, kind)} short`,
    }));
}

/** What the VMs of a namespace take of one quota key, and what the key allows. */
export interface QuotaUse {
  /** The ResourceQuota key, e.g. `requests.memory`. */
  resource: string;
  needed: bigint;
  allowed: bigint;
  kind: QuantityKind;
  /** What is counted, e.g. `guest memory plus virt-launcher overhead`. */
  what: string;
}

/**
 * What the VMs of a namespace take of each quota key they count against (see `vmQuotaShortfalls`): their
 * virt-launcher pods' requests and limits, their disks in total and per storage class, one PVC per disk and one pod
 * per VM.
 */
export function vmQuotaUse(
  vms: VmFootprint[],
  quota: QuotaValues,
  overhead: VmOverheadSettings,
): QuotaUse[] {
  let memory = 0n;
  let memoryLimit = 0n;
  let cpu = 0n;
  let cpuLimit = 0n;
  let storage = 0n;
  let pvcs = 0n;
  const perClass = new Map<string, { storage: bigint; pvcs: bigint }>();
  for (const vm of vms) {
    const launcher = virtLauncherResources(vm.cpu, vm.memory, overhead);
    memory += launcher.requests.memory;
    memoryLimit += launcher.limits.memory;
    cpu += launcher.requests.cpu;
    cpuLimit += launcher.limits.cpu;
    for (const disk of vm.disks) {
      const size = parseQuantity(disk.size);
      storage += size;
      pvcs += NANOS_PER_UNIT;
      if (disk.storageClass) {
        const entry = perClass.get(disk.storageClass) ?? {
          storage: 0n,
          pvcs: 0n,
        };
        entry.storage += size;
        entry.pvcs += NANOS_PER_UNIT;
        perClass.set(disk.storageClass, entry);
      }
    }
  }
  const sidecarPart = overhead.serialConsoleLog
    ? ', with the console log sidecar'
    : '';
  const launcherPart = `virt-launcher overhead${sidecarPart}`;
  const quotaCheck = (
    field: QuotaFieldName,
    needed: bigint,
    what: string,
  ): [string, bigint, bigint, QuantityKind, string] => {
    const { hardKey, unit } = quotaField(field);
    return [hardKey, needed, quotaAmount(quota[field]), unit, what];
  };
  const checks: Array<[string, bigint, bigint, QuantityKind, string]> = [
    quotaCheck('requestsMemory', memory, `guest memory plus ${launcherPart}`),
    quotaCheck(
      'limitsMemory',
      memoryLimit,
      `guest memory plus ${launcherPart}`,
    ),
    quotaCheck(
      'requestsCpu',
      cpu,
      `${VM_CPU_REQUEST_PER_VCPU} per vCPU${sidecarPart}`,
    ),
    quotaCheck(
      'limitsCpu',
      cpuLimit,
      `one core per vCPU, the VM's CPU limit${sidecarPart}`,
    ),
    quotaCheck('requestsStorage', storage, 'all VM disks'),
    quotaCheck('persistentVolumeClaims', pvcs, 'one per VM disk'),
    quotaCheck(
      'pods',
      BigInt(vms.length) * NANOS_PER_UNIT,
      'one virt-launcher pod per VM',
    ),
  ];
  for (const [storageClass, used] of [...perClass].sort(([a], [b]) =>
    a.localeCompare(b),
  )) {
    const limits = ownValue(quota.storageClasses, storageClass);
    for (const field of STORAGE_CLASS_QUOTA_FIELDS) {
      const limit = limits?.[field];
      if (limit === undefined) continue;
      const needed = field === 'requestsStorage' ? used.storage : used.pvcs;
      checks.push([
        storageClassQuotaKey(storageClass, field),
        needed,
        quotaAmount(limit),
        quotaField(field).unit,
        `VM disks of class ${storageClass}`,
      ]);
    }
  }
  return checks.map(([resource, needed, allowed, kind, what]) => ({
    resource,
    needed,
    allowed,
    kind,
    what,
  }));
}

/** One VM size offered in the form. */
export interface VmSize {
  cpu: number;
  memory: string;
}

/** The VM sizes the form offers, smallest first; any other size can still be typed. */
export const VM_SIZES: readonly VmSize[] = [
  { cpu: 1, memory: '1Gi' },
  { cpu: 1, memory: '2Gi' },
  { cpu: 2, memory: '2Gi' },
  { cpu: 2, memory: '4Gi' },
  { cpu: 4, memory: '8Gi' },
  { cpu: 8, memory: '16Gi' },
];

/** The quota keys a VM's size counts against (its disks are checked with the rest of the request). */
const COMPUTE_KEYS = new Set([
  'requests.cpu',
  'limits.cpu',
  'requests.memory',
  'limits.memory',
  'pods',
]);

/**
 * The room a namespace's quota leaves for one more VM (what its VMs do not take of CPU, memory and pods), and which
 * sizes fit in it with KubeVirt's overhead; a size that does not fit says by how much.
 */
export function vmRoom(
  vms: VmFootprint[],
  quota: QuotaValues,
  overhead: VmOverheadSettings,
  sizes: readonly VmSize[] = VM_SIZES,
): {
  room: Array<{ resource: string; left: string }>;
  sizes: Array<VmSize & { fits: boolean; shortfall?: string }>;
} {
  const room = vmQuotaUse(vms, quota, overhead)
    .filter(use => COMPUTE_KEYS.has(use.resource))
    .map(use => ({
      resource: use.resource,
      left: describeQuantity(
        use.allowed > use.needed ? use.allowed - use.needed : 0n,
        use.kind,
      ),
    }));
  return {
    room,
    sizes: sizes.map(size => {
      const short = vmQuotaShortfalls(
        [...vms, { name: 'new', ...size, disks: [] }],
        quota,
        overhead,
      ).filter(s => COMPUTE_KEYS.has(s.resource));
      return short.length === 0
        ? { ...size, fits: true }
        : {
            ...size,
            fits: false,
            shortfall: short
              .map(
                s =>
                  `${s.resource} ${describeQuantity(
                    s.needed - s.allowed,
                    s.kind,
                  )} short`,
              )
              .join(', '),
          };
    }),
  };
}
