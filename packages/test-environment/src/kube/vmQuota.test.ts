import {
  DEFAULT_PLATFORM_SETTINGS,
  parsePlatformSettings,
  parseQuantity,
  resourceQuotaObject,
  vmCpuRequest,
  vmMemoryOverhead,
  vmQuotaShortfalls,
} from '@kubeportal/plugin-provisioning-common';
import { describeWithKube } from '../availability';
import { waitUntil } from '../process';
import { createPodWithRequests } from './emulatedControllers';
import { KubeApiError } from './KubeApi';
import { KubeTestEnv, startKubeTestEnv } from './kubeTestEnv';

jest.setTimeout(240_000);

/**
 * The VM quota pre-check against the real quota admission: for each VM, a pod shaped like its virt-launcher (the
 * VM's CPU request and limit as rendered, guest memory plus the estimated overhead as request and limit) is
 * created in a namespace with the rendered quota of tier S. The API server admits it exactly when the pre-check
 * says the VM fits.
 */
describeWithKube('VM quota pre-check and the real quota admission', () => {
  let env: KubeTestEnv;
  const settings = parsePlatformSettings({});
  const tier = settings.tiers.S;
  const nanosToQuantity = (nanos: bigint) => `${nanos / 1_000_000n}m`;

  beforeAll(async () => {
    env = await startKubeTestEnv({ clusters: ['dev'] });
  });
  afterAll(() => env?.stop());

  const cases = [
    { name: 'small', cpu: 1, memory: '1Gi' },
    { name: 'at-the-edge', cpu: 2, memory: '3584Mi' },
    { name: 'too-much-memory', cpu: 2, memory: '3840Mi' },
    { name: 'too-many-cpus', cpu: 5, memory: '1Gi' },
  ];

  it.each(cases)(
    'admits the virt-launcher pod of $name exactly when the pre-check says it fits',
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

      const fits =
        vmQuotaShortfalls(
          [{ name: vm.name, cpu: vm.cpu, memory: vm.memory, disks: [] }],
          tier,
          settings.vmOverhead,
        ).length === 0;
      const podMemory = nanosToQuantity(
        parseQuantity(vm.memory) +
          vmMemoryOverhead(vm.cpu, vm.memory, settings.vmOverhead),
      );
      const resources = {
        requests: { cpu: vmCpuRequest(vm.cpu), memory: podMemory },
        limits: { cpu: String(vm.cpu), memory: podMemory },
      };
      const created = await createPodWithRequests(
        api,
        namespace,
        `virt-launcher-${vm.name}`,
        resources,
      ).then(
        () => 'admitted',
        (error: unknown) =>
          error instanceof KubeApiError && /exceeded quota/.test(error.message)
            ? 'refused'
            : Promise.reject(error),
      );
      expect({ vm: vm.name, created }).toEqual({
        vm: vm.name,
        created: fits ? 'admitted' : 'refused',
      });
    },
  );

  it('covers both answers', () => {
    const answers = cases.map(
      vm =>
        vmQuotaShortfalls(
          [{ name: vm.name, cpu: vm.cpu, memory: vm.memory, disks: [] }],
          parsePlatformSettings(DEFAULT_PLATFORM_SETTINGS).tiers.S,
          settings.vmOverhead,
        ).length === 0,
    );
    expect(answers).toEqual([true, true, false, false]);
  });
});
