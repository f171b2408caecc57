import {
  applyChanges,
  parsePlatformSettings,
  parseRequest,
  parseYamlDocuments,
  renderRequest,
} from '@kubeportal/plugin-provisioning-common';
import { execFileSync, spawnSync } from 'node:child_process';
import {
  createPodWithRequests,
  emulateVmRunning,
  markKustomizationReady,
} from './emulatedControllers';
import { KubeApiError } from './KubeApi';
import { KubeTestEnv, startKubeTestEnv } from './kubeTestEnv';
import { describeWithKube } from '../availability';

jest.setTimeout(300_000);

const settings = parsePlatformSettings({
  clusters: [{ name: 'dev', environment: 'dev', storageClasses: ['fast'] }],
});

describeWithKube('startKubeTestEnv', () => {
  let env: KubeTestEnv;

  beforeAll(async () => {
    env = await startKubeTestEnv({
      clusters: ['dev'],
      users: [{ name: 'jdoe', groups: ['sg-payments-dev'] }],
    });
  });
  afterAll(async () => {
    await env?.stop();
  });

  const api = () => env.clusters.dev.api;

  it('serves a real API with the portal CRDs installed, reachable with kubectl', () => {
    const out = execFileSync(
      'kubectl',
      [
        '--kubeconfig',
        env.clusters.dev.kubeconfigPath,
        'get',
        'crd',
        '-o',
        'name',
      ],
      { encoding: 'utf8' },
    );
    expect(out.split('\n').filter(Boolean)).toEqual(
      expect.arrayContaining([
        'customresourcedefinition.apiextensions.k8s.io/virtualmachines.kubevirt.io',
        'customresourcedefinition.apiextensions.k8s.io/virtualmachineinstances.kubevirt.io',
        'customresourcedefinition.apiextensions.k8s.io/datavolumes.cdi.kubevirt.io',
        'customresourcedefinition.apiextensions.k8s.io/kustomizations.kustomize.toolkit.fluxcd.io',
        'customresourcedefinition.apiextensions.k8s.io/gitrepositories.source.toolkit.fluxcd.io',
      ]),
    );
  });

  it('computes real quota usage from pods and refuses pods over quota', async () => {
    await api().request('POST', '/api/v1/namespaces', {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'quota-test' },
    });
    await api().request(
      'POST',
      '/api/v1/namespaces/quota-test/resourcequotas',
      {
        apiVersion: 'v1',
        kind: 'ResourceQuota',
        metadata: { name: 'quota' },
        spec: {
          hard: {
            'requests.cpu': '1',
            'requests.memory': '2Gi',
            'limits.cpu': '2',
            'limits.memory': '4Gi',
            pods: '5',
          },
        },
      },
    );
    // the quota controller must have computed status.hard before admission counts against it
    await waitFor(
      async () =>
        (
          await api().get('/api/v1/namespaces/quota-test/resourcequotas/quota')
        ).status?.hard?.pods === '5',
    );
    await createPodWithRequests(api(), 'quota-test', 'app-1', {
      requests: { cpu: '500m', memory: '1Gi' },
    });
    const used = await waitFor(async () => {
      const quota = await api().get(
        '/api/v1/namespaces/quota-test/resourcequotas/quota',
      );
      return quota.status?.used?.pods === '1' ? quota.status.used : undefined;
    });
    expect(used).toMatchObject({
      pods: '1',
      'requests.cpu': '500m',
      'requests.memory': '1Gi',
    });
    await expect(
      createPodWithRequests(api(), 'quota-test', 'too-big', {
        requests: { cpu: '8', memory: '1Gi' },
      }),
    ).rejects.toThrow(/exceeded quota: quota, requested: .*requests\.cpu=8/);
  });

  /** The Namespace, ResourceQuota and VM `legacy` (with its NodePort Service) the portal renders for `namespace`. */
  function renderedNamespaceAndVm(namespace: string): any[] {
    let repo = new Map<string, string>();
    repo = applyChanges(
      repo,
      renderRequest(
        parseRequest({
          kind: 'namespace',
          cluster: 'dev',
          name: namespace,
          team: 'payments',
          requester: 'jdoe',
          environment: 'dev',
          costCentre: 'cc',
          purpose: 'test',
          quota: { tier: 'M' },
        }),
        { settings, repo },
      ).changes,
    );
    const vmChanges = renderRequest(
      parseRequest({
        kind: 'vm',
        cluster: 'dev',
        namespace,
        name: 'legacy',
        requester: 'jdoe',
        purpose: 'test',
        cpu: 2,
        memory: '2Gi',
        rootDisk: {
          size: '10Gi',
          storageClass: 'fast',
          source: { type: 'http', url: 'https://images.example/a.qcow2' },
        },
        dataDisks: [{ name: 'data', size: '5Gi' }],
        exposure: {
          type: 'NodePort',
          ports: [{ name: 'ssh', port: 22, nodePort: 30022 }],
        },
      }),
      { settings, repo },
    ).changes;
    return [
      // the Namespace is in the platform's file of the namespace (with the Flux objects that apply its folder)
      ...parseYamlDocuments(
        repo.get(`clusters/dev/platform/namespaces/${namespace}.yaml`)!,
        'ns',
      ).filter(o => (o as { kind?: string }).kind === 'Namespace'),
      ...parseYamlDocuments(
        repo.get(`clusters/dev/namespaces/${namespace}/resourcequota.yaml`)!,
        'quota',
      ),
      ...parseYamlDocuments(
        vmChanges.find(c => c.path.endsWith('vm-legacy.yaml'))!.content!,
        'vm',
      ),
    ] as any[];
  }

  it('accepts a rendered namespace and VM, and refuses a broken VM with field paths', async () => {
    const objects = renderedNamespaceAndVm('payments');
    for (const object of objects) await api().apply(object);
    const vm = await api().get(
      '/apis/kubevirt.io/v1/namespaces/payments/virtualmachines/legacy',
    );
    expect(
      vm.spec.dataVolumeTemplates.map((t: any) => t.metadata.name),
    ).toEqual(['legacy-rootdisk', 'legacy-data']);

    const broken = structuredClone(
      objects.find(o => o.kind === 'VirtualMachine'),
    );
    broken.metadata.name = 'broken';
    broken.spec.template.spec.domain.cpu.cores = 'two';
    const error = await api()
      .request(
        'POST',
        '/apis/kubevirt.io/v1/namespaces/payments/virtualmachines',
        broken,
      )
      .catch(e => e);
    expect(error).toBeInstanceOf(KubeApiError);
    expect(error.status).toBe(422);
    expect(error.message).toContain('spec.template.spec.domain.cpu.cores');
  });

  it('emulates virt-controller and Flux status through the status subresources', async () => {
    // its own namespace and VM; the Service is left out, as its node port may be taken by another test's
    for (const object of renderedNamespaceAndVm('payments-status').filter(
      o => o.kind !== 'Service',
    ))
      await api().apply(object);
    await emulateVmRunning(api(), 'payments-status', 'legacy', '10.0.0.15');
    const vmi = await api().get(
      '/apis/kubevirt.io/v1/namespaces/payments-status/virtualmachineinstances/legacy',
    );
    expect(vmi.status).toMatchObject({
      phase: 'Running',
      interfaces: [{ ipAddress: '10.0.0.15' }],
    });
    const vm = await api().get(
      '/apis/kubevirt.io/v1/namespaces/payments-status/virtualmachines/legacy',
    );
    expect(vm.status).toMatchObject({
      printableStatus: 'Running',
      ready: true,
    });

    await api().request('POST', '/api/v1/namespaces', {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'flux-system' },
    });
    await api().request(
      'POST',
      '/apis/kustomize.toolkit.fluxcd.io/v1/namespaces/flux-system/kustomizations',
      {
        apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
        kind: 'Kustomization',
        metadata: { name: 'cluster-dev' },
        spec: {
          interval: '1m',
          path: './clusters/dev',
          prune: true,
          sourceRef: { kind: 'GitRepository', name: 'gitops' },
        },
      },
    );
    await markKustomizationReady(
      api(),
      'flux-system',
      'cluster-dev',
      'main@sha1:0123456789abcdef',
    );
    const ks = await api().get(
      '/apis/kustomize.toolkit.fluxcd.io/v1/namespaces/flux-system/kustomizations/cluster-dev',
    );
    expect(ks.status.lastAppliedRevision).toBe('main@sha1:0123456789abcdef');
    expect(ks.status.conditions[0]).toMatchObject({
      type: 'Ready',
      status: 'True',
    });
  });

  it('gives test users their own identity and no rights until bound', async () => {
    await api().request('POST', '/api/v1/namespaces', {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'identity-test' },
    });
    const user = env.clusters.dev.users.jdoe;
    const canI = () =>
      spawnSync(
        'kubectl',
        [
          '--server',
          env.clusters.dev.server,
          '--token',
          user.token,
          '--insecure-skip-tls-verify',
          'auth',
          'can-i',
          'list',
          'pods',
          '-n',
          'identity-test',
        ],
        { encoding: 'utf8' },
      ).stdout.trim();
    expect(canI()).toBe('no');
    await api().request(
      'POST',
      '/apis/rbac.authorization.k8s.io/v1/namespaces/identity-test/rolebindings',
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'RoleBinding',
        metadata: { name: 'access-edit' },
        roleRef: {
          apiGroup: 'rbac.authorization.k8s.io',
          kind: 'ClusterRole',
          name: 'edit',
        },
        subjects: [
          {
            apiGroup: 'rbac.authorization.k8s.io',
            kind: 'Group',
            name: 'sg-payments-dev',
          },
        ],
      },
    );
    expect(canI()).toBe('yes');
  });
});

async function waitFor<T>(
  check: () => Promise<T | undefined | false>,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    // a failing check is retried, but its error is kept: a timeout says why the condition never held
    let value: T | undefined | false;
    try {
      value = await check();
    } catch (error) {
      lastError = error;
      value = undefined;
    }
    if (value) return value as T;
    if (Date.now() > deadline)
      throw new Error(
        `timed out after ${timeoutMs} ms${
          lastError ? `; last error: ${(lastError as Error).message}` : ''
        }`,
      );
    await new Promise(r => setTimeout(r, 250));
  }
}
