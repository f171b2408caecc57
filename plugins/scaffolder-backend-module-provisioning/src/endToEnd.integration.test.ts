import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import scaffolderPlugin from '@backstage/plugin-scaffolder-backend';
import { namespaceSyncName } from '@kubeportal/plugin-provisioning-common';
import {
  clusterConnection,
  createGitOpsRepository,
  describeWithKube,
  ensureBinaries,
  FluxControllers,
  GitHubEmulator,
  KubeApiError,
  KubeTestEnv,
  requestReconcile,
  startFlux,
  startKubeTestEnv,
  syncClusterFromGit,
  waitForKustomizationReady,
  waitUntil,
  portalTestConfig,
  teamGroup,
  userInfoFromTeams,
} from '@kubeportal/test-environment';
import {
  portalTemplates,
  runTemplateTask,
} from './__testUtils__/scaffolderTasks';
import { scaffolderModuleProvisioning } from './module';

jest.setTimeout(600_000);

/**
 * Every request kind for real: the template runs through the real scaffolder backend, the pull request it opened
 * is approved and merged on the emulator, real Flux applies the merge commit to a real control plane (with
 * kube-controller-manager, so namespaces finalize and quotas are computed), and the test reads the objects back.
 */
describeWithKube('every request kind from the form to the cluster', () => {
  const FULL = 'acme/gitops';
  let github: GitHubEmulator;
  let env: KubeTestEnv;
  let flux: FluxControllers;
  let server: any;

  beforeAll(async () => {
    github = new GitHubEmulator({ tokens: { 'portal-token': 'portal-bot' } });
    await github.start();
    // seeded and protected as the local environment's: merging needs a code owner's approval
    await createGitOpsRepository(github, FULL);
    env = await startKubeTestEnv({ clusters: ['dev'] });
    flux = await startFlux(env.clusters.dev, await ensureBinaries());
    await syncClusterFromGit(env.clusters.dev, {
      url: github.cloneUrl(FULL),
      interval: '10m',
    });
    await waitForKustomizationReady(env.clusters.dev.api, 'cluster-dev');
    const dev = env.clusters.dev;
    const backend = await startTestBackend({
      features: [
        scaffolderPlugin,
        scaffolderModuleProvisioning,
        catalogServiceMock.factory({
          entities: [
            ...portalTemplates(),
            teamGroup('payments', 'alice'),
            teamGroup('platform', 'platform-lead'),
          ],
        }),
        userInfoFromTeams(() => ['payments']),
        mockServices.rootConfig.factory({
          data: portalTestConfig({
            github,
            baseUrl: 'http://portal.test',
            provisioning: {
              policy: { vmImages: { hosts: ['images.example.com'] } },
            },
            clusters: [
              {
                name: 'dev',
                environment: 'dev',
                storageClasses: ['standard', 'fast'],
                ingressNamespace: 'ingress-nginx',
                ...clusterConnection(dev),
              },
            ],
          }),
        }),
      ],
    });
    server = backend.server;
  });
  afterAll(async () => {
    await flux?.stop();
    await env?.stop();
    await github?.stop();
  });

  /** Runs a template as jdoe; anything but a completed task fails the test with the task's log. */
  async function runTask(template: string, values: Record<string, unknown>) {
    const { task, log } = await runTemplateTask(
      server,
      template,
      values,
      'user:default/jdoe',
    );
    if (task.status !== 'completed')
      throw new Error(`task ${template} ${task.status}:\n${log}`);
  }

  /**
   * Approves the pull request of a branch as the platform lead (a code owner of every file: the seeded CODEOWNERS
   * gives it everything, and the portal names it beside the team's lead on each namespace folder), merges it as the
   * team's project lead, then asks Flux to apply it.
   */
  async function mergeAndApply(branch: string): Promise<string> {
    const open = github.pulls(FULL).filter(p => p.state === 'open');
    expect(open.map(p => p.head)).toContain(branch);
    const pull = open.find(p => p.head === branch);
    await github.approve(FULL, pull!.number, 'platform-lead');
    const sha = await github.merge(FULL, pull!.number, 'alice');
    const api = env.clusters.dev.api;
    await requestReconcile(api, 'GitRepository', 'gitops');
    await requestReconcile(api, 'Kustomization', 'cluster-dev');
    await waitForKustomizationReady(api, 'cluster-dev', { sha });
    return sha;
  }

  const api = () => env.clusters.dev.api;
  const gone = async (p: string) =>
    api()
      .get(p)
      .then(
        () => false,
        (e: unknown) => e instanceof KubeApiError && e.status === 404,
      );

  it('namespace, VM, quota change and decommission reach the cluster as requested', async () => {
    // 1. a namespace: Flux's platform part creates it, its own Kustomization applies its folder as its account
    await runTask('provisioning-namespace', {
      cluster: 'dev',
      name: 'payments-e2e',
      team: 'group:default/payments',
      purpose: 'End to end',
      quota: { tier: 'M' },
      networkPreset: 'isolated',
      allowEgressTo: [],
      access: [{ group: 'sg-payments', role: 'edit' }],
    });
    let sha = await mergeAndApply('provisioning/create/dev.ns.payments-e2e');
    await requestReconcile(
      api(),
      'Kustomization',
      namespaceSyncName('payments-e2e'),
    );
    await waitForKustomizationReady(api(), namespaceSyncName('payments-e2e'), {
      sha,
    });
    const quota = await api().get(
      '/api/v1/namespaces/payments-e2e/resourcequotas/quota',
    );
    expect(quota.spec.hard).toMatchObject({
      'requests.cpu': '4',
      'requests.memory': '16Gi',
    });
    // one RoleBinding per role, named after it, binding the requested AD group to that cluster role
    const binding = await api().get(
      '/apis/rbac.authorization.k8s.io/v1/namespaces/payments-e2e/rolebindings/access-edit',
    );
    expect({ roleRef: binding.roleRef, subjects: binding.subjects }).toEqual({
      roleRef: {
        apiGroup: 'rbac.authorization.k8s.io',
        kind: 'ClusterRole',
        name: 'edit',
      },
      subjects: [
        {
          apiGroup: 'rbac.authorization.k8s.io',
          kind: 'Group',
          name: 'sg-payments',
        },
      ],
    });

    // 2. a VM in it: the VirtualMachine with its DataVolume template
    await runTask('provisioning-virtual-machine', {
      cluster: 'dev',
      namespace: 'payments-e2e',
      name: 'legacy-db',
      purpose: 'Legacy database',
      size: { cpu: 1, memory: '1Gi' },
      runStrategy: 'Halted',
      imageSource: 'http',
      imageName: 'https://images.example.com/rhel9.qcow2',
      rootDiskSize: '10Gi',
      storageClass: 'fast',
      dataDisks: [],
      sshPublicKeys: [],
      exposure: 'none',
      ports: [],
    });
    sha = await mergeAndApply(
      'provisioning/create/dev.vm.payments-e2e.legacy-db',
    );
    await requestReconcile(
      api(),
      'Kustomization',
      namespaceSyncName('payments-e2e'),
    );
    await waitForKustomizationReady(api(), namespaceSyncName('payments-e2e'), {
      sha,
    });
    const vm = await api().get(
      '/apis/kubevirt.io/v1/namespaces/payments-e2e/virtualmachines/legacy-db',
    );
    expect(vm.spec.template.spec.domain.resources).toEqual({
      requests: { memory: '1Gi', cpu: '100m' },
      limits: { memory: '1Gi', cpu: '1' },
    });

    // 3. a quota change: the quota's hard values change on the cluster
    await runTask('provisioning-quota-change', {
      cluster: 'dev',
      namespace: 'payments-e2e',
      quota: { tier: 'L' },
      purpose: 'More',
    });
    sha = await mergeAndApply('provisioning/change-quota/dev.ns.payments-e2e');
    await requestReconcile(
      api(),
      'Kustomization',
      namespaceSyncName('payments-e2e'),
    );
    await waitForKustomizationReady(api(), namespaceSyncName('payments-e2e'), {
      sha,
    });
    await waitUntil(
      'the new quota',
      async () =>
        (
          await api().get(
            '/api/v1/namespaces/payments-e2e/resourcequotas/quota',
          )
        ).spec.hard['requests.cpu'] === '8',
      {
        timeoutMs: 60_000,
        intervalMs: 500,
      },
    );

    // 4. decommission: Flux prunes the namespace's Kustomization and the namespace, which finalizes with its VM
    await runTask('provisioning-decommission', {
      cluster: 'dev',
      namespace: 'payments-e2e',
      purpose: 'Done',
    });
    await mergeAndApply('provisioning/decommission/dev.ns.payments-e2e');
    await waitUntil(
      'the namespace pruned and finalized',
      () => gone('/api/v1/namespaces/payments-e2e'),
      { timeoutMs: 180_000, intervalMs: 1000 },
    );
    expect(
      await gone(
        `/apis/kustomize.toolkit.fluxcd.io/v1/namespaces/flux-system/kustomizations/${namespaceSyncName(
          'payments-e2e',
        )}`,
      ),
    ).toBe(true);
  });
});
