import { parsePlatformSettings, vmOverheadSchema } from '../config';
import { virtLauncherResources, vmMemoryOverhead } from './virtLauncher';

const MI = 1024 * 1024;
const settings = (vmOverhead: Record<string, unknown> = {}) =>
  parsePlatformSettings({ vmOverhead }).vmOverhead;
const bytes = (nanos: bigint) => Number(nanos / 1_000_000_000n);

/**
 * Expected values worked out by hand from KubeVirt's GetMemoryOverhead (kubevirt/kubevirt, the KVM launcher's
 * hypervisor resources), not from the code under test:
 *   page tables = ceil(guest / 1000) * 1000 / 512, truncated to whole bytes
 *   + 25Mi virt-launcher-monitor + 100Mi virt-launcher + 25Mi virtlogd + 40Mi virtqemud + 30Mi qemu
 *   + 8Mi per vCPU + 8Mi IOThread + 32Mi video RAM (+ 128Mi UEFI flash on arm64)
 *   then, with additionalGuestMemoryOverheadRatio r: + trunc(ceil(overhead / 1000) * (r - 1)) * 1000
 */
describe("KubeVirt's virt-launcher memory overhead", () => {
  it.each([
    {
      // 2147484000 / 512 = 4194304; 4194304 + (220 + 16 + 8 + 32)Mi
      vm: '2 vCPU, 2Gi',
      cpu: 2,
      memory: '2Gi',
      config: {},
      expected: 4194304 + 276 * MI,
    },
    {
      // 8589935000 / 512 = 16777216; 16777216 + (220 + 32 + 8 + 32)Mi = 322961408; ceil(/1000) = 322962; x 0.5
      vm: '4 vCPU, 8Gi, ratio 1.5',
      cpu: 4,
      memory: '8Gi',
      config: { additionalGuestMemoryOverheadRatio: '1.5' },
      expected: 322961408 + 161481 * 1000,
    },
    {
      // 10^9 / 512 = 1953125; + (220 + 8 + 8 + 32 + 128)Mi
      vm: '1 vCPU, 1000M on arm64',
      cpu: 1,
      memory: '1000M',
      config: { architecture: 'arm64' },
      expected: 1953125 + 396 * MI,
    },
    {
      // 1610613000 / 512 = 3145728.5 -> 3145728; + (220 + 24 + 8 + 32)Mi = 300941312; 300942 x 0.2 = 60188.4 -> 60188
      vm: '3 vCPU, 1536Mi, ratio 1.2',
      cpu: 3,
      memory: '1536Mi',
      config: { additionalGuestMemoryOverheadRatio: '1.2' },
      expected: 300941312 + 60188 * 1000,
    },
  ])('$vm', ({ cpu, memory, config, expected }) => {
    expect(bytes(vmMemoryOverhead(cpu, memory, settings(config)))).toBe(
      expected,
    );
  });

  it("charges the pod with the compute container and KubeVirt's console log sidecar", () => {
    const guestPlusOverhead = 2 * 1024 * MI + 4194304 + 276 * MI;
    expect(virtLauncherResources(2, '2Gi', settings())).toEqual({
      requests: {
        cpu: 205_000_000n, // 2 x 100m + 5m
        memory: BigInt(guestPlusOverhead + 35_000_000) * 1_000_000_000n,
      },
      limits: {
        cpu: 2_015_000_000n, // 2 cores + 15m
        memory: BigInt(guestPlusOverhead + 60_000_000) * 1_000_000_000n,
      },
    });
    expect(
      virtLauncherResources(2, '2Gi', settings({ serialConsoleLog: false })),
    ).toEqual({
      requests: {
        cpu: 200_000_000n,
        memory: BigInt(guestPlusOverhead) * 1_000_000_000n,
      },
      limits: {
        cpu: 2_000_000_000n,
        memory: BigInt(guestPlusOverhead) * 1_000_000_000n,
      },
    });
  });

  it('refuses a ratio KubeVirt would refuse and the old model keys, naming the field', () => {
    const problems = (vmOverhead: Record<string, unknown>) =>
      vmOverheadSchema
        .safeParse(vmOverhead)
        .error?.issues.map(i => `${i.path.join('.')}: ${i.message}`);
    expect(problems({ additionalGuestMemoryOverheadRatio: '0.9' })).toEqual([
      'additionalGuestMemoryOverheadRatio: must be at least 1',
    ]);
    expect(problems({ additionalGuestMemoryOverheadRatio: 'lots' })).toEqual([
      'additionalGuestMemoryOverheadRatio: must be a decimal number such as "1.2"',
    ]);
    expect(problems({ staticOverhead: '220Mi' })).toEqual([
      ": Unrecognized key(s) in object: 'staticOverhead'",
    ]);
  });
});
