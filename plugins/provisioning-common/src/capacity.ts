import { QuotaValues, VmOverheadSettings } from './config';
import { VM_CPU_REQUEST_PER_VCPU, vmMemoryOverhead } from './manifests/vm';
import { describeQuantity, NANOS_PER_UNIT, parseQuantity, QuantityKind } from './quantity';

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
 * Checks that the VMs of a namespace fit inside its quota: memory (guest plus virt-launcher overhead) against
 * requests.memory and limits.memory, CPU requests, storage in total and per class, PVC and pod counts. Returns
 * what does not fit, and by how much; an empty list when everything fits.
 */
export function vmQuotaShortfalls(vms: VmFootprint[], quota: QuotaValues, overhead: VmOverheadSettings): QuotaShortfall[] {
  let memory = 0n;
  let cpu = 0n;
  let storage = 0n;
  let pvcs = 0n;
  const perClass = new Map<string, { storage: bigint; pvcs: bigint }>();
  for (const vm of vms) {
    memory += parseQuantity(vm.memory) + vmMemoryOverhead(vm.cpu, vm.memory, overhead);
    cpu += parseQuantity(VM_CPU_REQUEST_PER_VCPU) * BigInt(vm.cpu);
    for (const disk of vm.disks) {
      const size = parseQuantity(disk.size);
      storage += size;
      pvcs += NANOS_PER_UNIT;
      if (disk.storageClass) {
        const entry = perClass.get(disk.storageClass) ?? { storage: 0n, pvcs: 0n };
        entry.storage += size;
        entry.pvcs += NANOS_PER_UNIT;
        perClass.set(disk.storageClass, entry);
      }
    }
  }
  const count = (n: number) => BigInt(n) * NANOS_PER_UNIT;
  const checks: Array<[string, bigint, bigint, QuantityKind, string]> = [
    ['requests.memory', memory, parseQuantity(quota.requestsMemory), 'bytes', 'guest memory plus virt-launcher overhead'],
    ['limits.memory', memory, parseQuantity(quota.limitsMemory), 'bytes', 'guest memory plus virt-launcher overhead'],
    ['requests.cpu', cpu, parseQuantity(quota.requestsCpu), 'cpu', `${VM_CPU_REQUEST_PER_VCPU} per vCPU`],
    ['requests.storage', storage, parseQuantity(quota.requestsStorage), 'bytes', 'all VM disks'],
    ['persistentvolumeclaims', pvcs, count(quota.persistentVolumeClaims), 'count', 'one per VM disk'],
    ['pods', count(vms.length), count(quota.pods), 'count', 'one virt-launcher pod per VM'],
  ];
  for (const [storageClass, used] of [...perClass].sort(([a], [b]) => a.localeCompare(b))) {
    const limits = quota.storageClasses[storageClass];
    if (limits?.requestsStorage !== undefined) {
      checks.push([`${storageClass}.storageclass.storage.k8s.io/requests.storage`, used.storage, parseQuantity(limits.requestsStorage), 'bytes', `VM disks of class ${storageClass}`]);
    }
    if (limits?.persistentVolumeClaims !== undefined) {
      checks.push([`${storageClass}.storageclass.storage.k8s.io/persistentvolumeclaims`, used.pvcs, count(limits.persistentVolumeClaims), 'count', `VM disks of class ${storageClass}`]);
    }
  }
  return checks
    .filter(([, needed, allowed]) => needed > allowed)
    .map(([resource, needed, allowed, kind, what]) => ({
      resource,
      needed,
      allowed,
      kind,
      message: `${resource}: the VMs need ${describeQuantity(needed, kind)} (${what}) but the quota allows ${describeQuantity(allowed, kind)}: ${describeQuantity(needed - allowed, kind)} short`,
    }));
}
