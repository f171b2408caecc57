import { InputError } from '@backstage/errors';
import {
  decommissionNamespaceInput,
  decommissionVmInput,
  namespaceInput,
  quotaChangeInput,
  settings,
  vmInput,
} from './__fixtures__/requests';
import { applyChanges } from './gitops/state';
import { parseRequest } from './requests/parse';
import { renderRequest } from './render';

const custom = {
  requestsCpu: '2',
  limitsCpu: '4',
  requestsMemory: '4Gi',
  limitsMemory: '8Gi',
  requestsStorage: '50Gi',
  storageClasses: {},
  persistentVolumeClaims: 5,
  pods: 20,
  services: 5,
  loadBalancers: 0,
  nodePorts: 0,
};
const render = (
  input: Record<string, unknown>,
  repo = new Map<string, string>(),
) => renderRequest(parseRequest(input), { settings, repo });

describe('renderRequest rules', () => {
  it.each<[string, Record<string, unknown>, string]>([
    [
      'unknown cluster',
      { cluster: 'qa' },
      "cluster: unknown cluster 'qa' (known: dev, prod)",
    ],
    [
      'unknown tier',
      { quota: { tier: 'XXL' } },
      "quota.tier: unknown tier 'XXL' (known: S, M, L, XL)",
    ],
    [
      'cpu requests above limits',
      {
        limitRange: undefined,
        quota: { custom: { ...custom, requestsCpu: '6' } },
      },
      'quota.requestsCpu: must not exceed limitsCpu (6 > 4)',
    ],
    [
      'memory requests above limits',
      {
        limitRange: undefined,
        quota: { custom: { ...custom, requestsMemory: '9Gi' } },
      },
      'quota.requestsMemory: must not exceed limitsMemory (9Gi > 8Gi)',
    ],
    [
      'class storage above total',
      {
        limitRange: undefined,
        quota: {
          custom: {
            ...custom,
            storageClasses: { fast: { requestsStorage: '60Gi' } },
          },
        },
      },
      'quota.storageClasses.fast.requestsStorage: must not exceed requestsStorage (60Gi > 50Gi)',
    ],
    [
      'class PVCs above total',
      {
        limitRange: undefined,
        quota: {
          custom: {
            ...custom,
            storageClasses: { fast: { persistentVolumeClaims: 6 } },
          },
        },
      },
      'quota.storageClasses.fast.persistentVolumeClaims: must not exceed persistentVolumeClaims (6 > 5)',
    ],
    [
      'load balancers above services',
      {
        limitRange: undefined,
        quota: { custom: { ...custom, loadBalancers: 6 } },
      },
      'quota.loadBalancers: must not exceed services (6 > 5)',
    ],
    [
      'node ports above services',
      { limitRange: undefined, quota: { custom: { ...custom, nodePorts: 6 } } },
      'quota.nodePorts: must not exceed services (6 > 5)',
    ],
    [
      'default request above default limit',
      {
        limitRange: {
          defaultRequest: { cpu: '2', memory: '1Gi' },
          default: { cpu: '1', memory: '1Gi' },
        },
      },
      'limitRange.defaultRequest.cpu: must not exceed default.cpu (2 > 1)',
    ],
    [
      'default limit above pod maximum',
      {
        limitRange: {
          defaultRequest: { cpu: '1', memory: '1Gi' },
          default: { cpu: '1', memory: '2Gi' },
          maxPerPod: { memory: '1Gi' },
        },
      },
      'limitRange.default.memory: must not exceed maxPerPod.memory (2Gi > 1Gi)',
    ],
    [
      'default limit above quota',
      {
        limitRange: {
          defaultRequest: { cpu: '1', memory: '1Gi' },
          default: { cpu: '1', memory: '16Gi' },
        },
      },
      "limitRange.default.memory: must not exceed the quota's limits.memory (16Gi > 8Gi)",
    ],
  ])('namespace: %s', (_name, change, message) => {
    expect(() => render({ ...namespaceInput, ...change })).toThrow(
      `Invalid request: ${message}`,
    );
  });

  it('needs an ingress namespace for the ingress preset', () => {
    expect(() =>
      render({
        ...namespaceInput,
        cluster: 'prod',
        environment: 'prod',
        expires: undefined,
      }),
    ).toThrow(
      "networkPolicy.preset: 'ingress' needs an ingress namespace, and cluster 'prod' has none configured",
    );
  });

  it('refuses a namespace that belongs to another team, and objects that are not there', () => {
    const repo = applyChanges(new Map(), render(namespaceInput).changes);
    expect(() => render({ ...namespaceInput, team: 'billing' }, repo)).toThrow(
      "name: namespace 'payments-dev' already exists on cluster 'dev' and belongs to team 'payments'",
    );
    expect(() => render(vmInput)).toThrow(
      "namespace: 'payments-dev' does not exist on cluster 'dev' in the GitOps repository (request the namespace first)",
    );
    expect(() => render(decommissionVmInput, repo)).toThrow(
      "vmName: VM 'legacy-db' does not exist in namespace 'payments-dev' on cluster 'dev'",
    );
  });

  it('reports every problem of a request at once', () => {
    expect(() =>
      render({
        ...namespaceInput,
        cluster: 'prod',
        environment: 'prod',
        expires: undefined,
        quota: { tier: 'XXL' },
        limitRange: {
          defaultRequest: { cpu: '2', memory: '1Gi' },
          default: { cpu: '1', memory: '1Gi' },
        },
      }),
    ).toThrow(
      new InputError(
        "Invalid request: quota.tier: unknown tier 'XXL' (known: S, M, L, XL); " +
          'limitRange.defaultRequest.cpu: must not exceed default.cpu (2 > 1); ' +
          "networkPolicy.preset: 'ingress' needs an ingress namespace, and cluster 'prod' has none configured",
      ),
    );
    expect(() =>
      render({
        ...namespaceInput,
        quota: { custom: { ...custom, requestsCpu: '6', loadBalancers: 6 } },
        limitRange: {
          defaultRequest: { cpu: '1', memory: '1Gi' },
          default: { cpu: '1', memory: '16Gi' },
        },
      }),
    ).toThrow(
      'Invalid request: quota.requestsCpu: must not exceed limitsCpu (6 > 4); quota.loadBalancers: must not exceed services (6 > 5); ' +
        "limitRange.default.memory: must not exceed the quota's limits.memory (16Gi > 8Gi)",
    );
    expect(() =>
      render({ ...quotaChangeInput, cluster: 'qa', quota: { tier: 'XXL' } }),
    ).toThrow(
      "Invalid request: cluster: unknown cluster 'qa' (known: dev, prod); quota.tier: unknown tier 'XXL' (known: S, M, L, XL)",
    );
  });

  it('reports quota rules and VMs that would not fit together', () => {
    const withNamespace = applyChanges(
      new Map(),
      render(namespaceInput).changes,
    );
    const withVm = applyChanges(
      withNamespace,
      render(vmInput, withNamespace).changes,
    );
    const small = {
      ...custom,
      requestsCpu: '6',
      requestsMemory: '1Gi',
      limitsMemory: '1Gi',
    };
    for (const input of [
      { ...namespaceInput, limitRange: undefined, quota: { custom: small } },
      { ...quotaChangeInput, quota: { custom: small } },
    ]) {
      let message = '';
      try {
        render(input, withVm);
      } catch (error) {
        message = (error as Error).message;
      }
      expect(
        message
          .split('; ')
          .map(problem => problem.replace(/: the VMs need .*/, '')),
      ).toEqual([
        'Invalid request: quota.requestsCpu: must not exceed limitsCpu (6 > 4)',
        'quota: requests.memory',
        'quota: limits.memory',
      ]);
    }
  });

  it('decommissions past a malformed kustomization of another namespace, keeping the team defaults it may use', () => {
    let repo = applyChanges(new Map(), render(namespaceInput).changes);
    repo = applyChanges(
      repo,
      render({ ...namespaceInput, name: 'payments-qa' }, repo).changes,
    );
    repo.set(
      'clusters/dev/namespaces/payments-qa/kustomization.yaml',
      'resources: [',
    );
    const changes = render(decommissionNamespaceInput, repo).changes;
    expect(
      changes.some(
        c =>
          c.path.startsWith('clusters/dev/namespaces/payments-dev/') &&
          c.content === null,
      ),
    ).toBe(true);
    expect(changes.some(c => c.path.startsWith('clusters/dev/teams/'))).toBe(
      false,
    );
  });

  it('summarises every quota field', () => {
    const quota = {
      ...custom,
      limitsCpu: '4500m',
      storageClasses: {
        standard: { persistentVolumeClaims: 2 },
        fast: { requestsStorage: '20Gi' },
      },
      loadBalancers: 1,
    };
    const summary = render({
      ...namespaceInput,
      limitRange: undefined,
      quota: { custom: quota },
    }).summary;
    expect(
      summary.slice(
        summary.findIndex(row => row.label === 'Quota'),
        summary.findIndex(row => row.label === 'Network policy'),
      ),
    ).toEqual([
      { label: 'Quota', value: 'custom' },
      { label: 'CPU requests / limits', value: '2 cores / 4.5 cores' },
      { label: 'Memory requests / limits', value: '4 GiB / 8 GiB' },
      { label: 'Storage', value: '50 GiB' },
      { label: 'Storage (fast)', value: '20 GiB' },
      { label: 'PVCs / pods / services', value: '5 / 20 / 5' },
      { label: 'Load balancers / node ports', value: '1 / 0' },
    ]);
  });

  it('names a malformed file the request writes', () => {
    const repo = applyChanges(new Map(), render(namespaceInput).changes);
    repo.set('clusters/dev/kustomization.yaml', 'kind: Kustomization\n');
    expect(() =>
      render({ ...namespaceInput, name: 'payments-qa' }, repo),
    ).toThrow(
      expect.objectContaining({
        name: 'RepositoryFileError',
        path: 'clusters/dev/kustomization.yaml',
        message: 'clusters/dev/kustomization.yaml: apiVersion: Required',
      }),
    );
  });

  it('refuses user data that is not a cloud-config mapping', () => {
    const repo = applyChanges(new Map(), render(namespaceInput).changes);
    expect(() =>
      render(
        {
          ...vmInput,
          cloudInit: { userData: '- just\n- a list\n', sshPublicKeys: [] },
        },
        repo,
      ),
    ).toThrow(
      'Invalid request: cloudInit.userData: must be a cloud-config mapping',
    );
  });
});
