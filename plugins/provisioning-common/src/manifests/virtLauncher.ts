import { VmOverheadSettings } from '../config';
import { NANOS_PER_UNIT, parseQuantity } from '../quantity';

/** CPU the virt-launcher pod requests per vCPU (KubeVirt's default CPU allocation ratio of 10). */
export const VM_CPU_REQUEST_PER_VCPU = '100m';

const MI = 1024n * 1024n;
const NANOS = NANOS_PER_UNIT;

/**
 * KubeVirt's fixed per-VM overhead: the `ps` RSS of virt-launcher-monitor (25Mi), virt-launcher (100Mi), virtlogd
 * (25Mi), virtqemud (40Mi) and QEMU itself (30Mi), in bytes.
 */
const PROCESS_OVERHEAD = (25n + 100n + 25n + 40n + 30n) * MI;
/** Per vCPU, and once for the IOThread. */
const PER_VCPU = 8n * MI;
const IOTHREAD = 8n * MI;
/** Video RAM of the graphics device KubeVirt attaches unless the VM says otherwise (the portal never does). */
const GRAPHICS = 32n * MI;
/** Two 64Mi UEFI pflash devices on arm64. */
const ARM64_PFLASH = 128n * MI;

/** The `guest-console-log` sidecar KubeVirt adds when serial console logging is on (its built-in resources). */
const CONSOLE_LOG_SIDECAR = {
  requests: { cpu: parseQuantity('5m'), memory: parseQuantity('35M') },
  limits: { cpu: parseQuantity('15m'), memory: parseQuantity('60M') },
};

/** Whole bytes of a quantity, rounded up like `Quantity.Value()`. */
function bytesOf(quantity: string): bigint {
  return (parseQuantity(quantity) + NANOS - 1n) / NANOS;
}

/** Bytes rounded up to whole kilobytes, counted in kilobytes, like `Quantity.ScaledValue(resource.Kilo)`. */
function kiloUp(bytes: bigint): bigint {
  return (bytes + 999n) / 1000n;
}

/**
 * The memory KubeVirt adds to a VM's guest memory for its virt-launcher pod, in nano-units of bytes: KubeVirt's
 * `GetMemoryOverhead` (kubevirt/kubevirt, the KVM launcher's hypervisor resources; before the hypervisor split, in
 * `pkg/virt-controller/services/renderresources.go`) for the VMs the portal renders (`cpu.cores`, explicit memory
 * requests, no dedicated CPUs, probes, TPM, SEV, VFIO devices or downward metrics):
 * - page tables: the guest memory rounded up to kilobytes, divided by 512, in whole bytes;
 * - the launcher's processes (220Mi), 8Mi per vCPU, 8Mi for the IOThread, 32Mi of video RAM, 128Mi of UEFI flash
 *   on arm64;
 * - multiplied last by the cluster's `additionalGuestMemoryOverheadRatio`, the way KubeVirt does it: the overhead
 *   rounded up to kilobytes, times the ratio minus one, truncated, added back in kilobytes.
 */
export function vmMemoryOverhead(
  cpu: number,
  memory: string,
  settings: VmOverheadSettings,
): bigint {
  const pageTables = (kiloUp(bytesOf(memory)) * 1000n) / 512n;
  let overhead =
    pageTables +
    PROCESS_OVERHEAD +
    PER_VCPU * BigInt(Math.max(cpu, 1)) +
    IOTHREAD +
    GRAPHICS +
    (settings.architecture === 'arm64' ? ARM64_PFLASH : 0n);
  const ratio = settings.additionalGuestMemoryOverheadRatio;
  if (ratio !== undefined) {
    const addition = Math.trunc(Number(kiloUp(overhead)) * (Number(ratio) - 1));
    overhead += BigInt(addition) * 1000n;
  }
  return overhead * NANOS;
}

/** What one VM's virt-launcher pod requests and limits, in nano-units: what the namespace's quota is charged. */
export interface LauncherResources {
  requests: { cpu: bigint; memory: bigint };
  limits: { cpu: bigint; memory: bigint };
}

/**
 * The pod KubeVirt creates for a VM the portal rendered: the `compute` container with the VM's CPU request (100m per
 * vCPU) and limit (one core per vCPU), its guest memory plus `vmMemoryOverhead` as memory request and limit, and the
 * `guest-console-log` sidecar when the cluster logs serial consoles (`serialConsoleLog`; KubeVirt's default).
 */
export function virtLauncherResources(
  cpu: number,
  memory: string,
  settings: VmOverheadSettings,
): LauncherResources {
  const podMemory =
    parseQuantity(memory) + vmMemoryOverhead(cpu, memory, settings);
  const sidecar = settings.serialConsoleLog
    ? CONSOLE_LOG_SIDECAR
    : {
        requests: { cpu: 0n, memory: 0n },
        limits: { cpu: 0n, memory: 0n },
      };
  return {
    requests: {
      cpu:
        parseQuantity(VM_CPU_REQUEST_PER_VCPU) * BigInt(cpu) +
        sidecar.requests.cpu,
      memory: podMemory + sidecar.requests.memory,
    },
    limits: {
      cpu: NANOS * BigInt(cpu) + sidecar.limits.cpu,
      memory: podMemory + sidecar.limits.memory,
    },
  };
}
