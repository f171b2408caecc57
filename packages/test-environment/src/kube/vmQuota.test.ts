import {
  parsePlatformSettings,
  parseQuantity,
  resourceQuotaObject,
  vmQuotaShortfalls,
} from '@kubeportal/plugin-provisioning-common';
import { describeWithKube } from '../availability';
import { waitUntil } from '../process';
import { KubeApiError } from './KubeApi';
import { KubeTestEnv, startKubeTestEnv } from './kubeTestEnv';

jest.setTimeout(240_000);

/**
 * The VM quota pre-check against the real quota admission. For each VM, the pod KubeVirt would create for it is
 * built here from KubeVirt's own rules, not from the code under test: the `compute` container with the rendered CPU
 * request (100m per vCPU) and limit (one core per vCPU) and the guest memory plus the overhead below as memory
 * request and limit, and the `guest-console-log` native sidecar with KubeVirt's built-in 5m/35M requests and
 * 15m/60M limits. The API server, with the rendered quota of tier S (2 CPU / 4 CPU, 4Gi / 8Gi), admits it exactly
 * when the pre-check says the VM fits.
 *
 * The overheads are KubeVirt's GetMemoryOverhead worked out by hand: page tables ceil(guest / 1000) * 1000 / 512
 * (whole bytes) + 220Mi for the launcher's processes + 8Mi per vCPU + 8Mi IOThread + 32Mi video RAM.
 */
describeWithKube('VM quota pre-check and the real quota admission', () => {
  let env: KubeTestEnv;
  const settings = parsePlatformSettings({});
  const tier = settings.tiers.S;
  const MI = 1024 * 1024;

  beforeAll(async () => {
    env = await startKubeTestEnv({ clusters: ['dev'] });
  });
  afterAll(() => env?.stop());

  const cases = [
    // 7755777 + 268Mi; with the sidecar's 35M the pod asks 235,839 bytes less than 4Gi
    {
      name: 'last-mebibyte-that-fits',
      cpu: 1,
      memory: '3787Mi',
      overhead: 7755777 + 268 * MI,
      expected: 'admitted',
    },
    // 7757824 + 268Mi: 814,784 bytes over requests.memory
    {
      name: 'one-mebibyte-more',
      cpu: 1,
      memory: '3788Mi',
      overhead: 7757824 + 268 * MI,
      expected: 'refused',
    },
    // 2097152 + 284Mi; CPU limits 3 cores + 15m
    {
      name: 'three-vcpus',
      cpu: 3,
      memory: '1Gi',
      overhead: 2097152 + 284 * MI,
      expected: 'admitted',
    },
    // 2097152 + 292Mi; CPU limits 4 cores + the sidecar's 15m: over limits.cpu by 15m
    {
      name: 'four-vcpus',
      cpu: 4,
      memory: '1Gi',
      overhead: 2097152 + 292 * MI,
      expected: 'refused',
    },
  ];

  it.each(cases)(
    'the virt-launcher pod of $name is $expected, as the pre-check predicts',
    async vm => {
      const api = env.clusters.dev.api;
      const namespace = `vmq-${vm.name}`;
      await api.request('POST', '/api/v1/namespaces', {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: namespace },
      });
      await api.request(
        'POST',
        `/api/v1/namespaces/${namespace}/resourcequotas`,
        resourceQuotaObject(namespace, tier, {}),
      );
      // quota admission counts against the status the quota controller computes first
      await waitUntil(
        'the quota status',
        async () =>
          Boolean(
            (
              await api.get(
                `/api/v1/namespaces/${namespace}/resourcequotas/quota`,
              )
            ).status?.hard,
          ),
        { timeoutMs: 60_000, intervalMs: 250 },
      );

      const predicted =
        vmQuotaShortfalls(
          [{ name: vm.name, cpu: vm.cpu, memory: vm.memory, disks: [] }],
          tier,
          settings.vmOverhead,
        ).length === 0
          ? 'admitted'
          : 'refused';
      const computeMemory = String(
        Number(parseQuantity(vm.memory) / 1_000_000_000n) + vm.overhead,
      );
      const created = await api
        .request('POST', `/api/v1/namespaces/${namespace}/pods`, {
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: { name: `virt-launcher-${vm.name}`, namespace },
          spec: {
            initContainers: [
              {
                name: 'guest-console-log',
                image: 'registry.invalid/virt-launcher:1',
                restartPolicy: 'Always',
                resources: {
                  requests: { cpu: '5m', memory: '35M' },
                  limits: { cpu: '15m', memory: '60M' },
                },
              },
            ],
            containers: [
              {
                name: 'compute',
                image: 'registry.invalid/virt-launcher:1',
                resources: {
                  requests: { cpu: `${vm.cpu * 100}m`, memory: computeMemory },
                  limits: { cpu: String(vm.cpu), memory: computeMemory },
                },
              },
            ],
          },
        })
        .then(
          () => 'admitted',
          (error: unknown) =>
            error instanceof KubeApiError &&
            /exceeded quota/.test(error.message)
              ? 'refused'
              : Promise.reject(error),
        );
      expect({ vm: vm.name, created, predicted }).toEqual({
        vm: vm.name,
        created: vm.expected,
        predicted: vm.expected,
      });
    },
  );
});
