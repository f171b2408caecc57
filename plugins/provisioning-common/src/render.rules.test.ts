import { namespaceInput, settings, vmInput, decommissionVmInput } from './__fixtures__/requests';
import { applyChanges } from './gitops/state';
import { parseRequest } from './requests/parse';
import { renderRequest } from './render';

const custom = {
  requestsCpu: '2', limitsCpu: '4', requestsMemory: '4Gi', limitsMemory: '8Gi', requestsStorage: '50Gi',
  storageClasses: {}, persistentVolumeClaims: 5, pods: 20, services: 5, loadBalancers: 0, nodePorts: 0,
};
const render = (input: Record<string, unknown>, repo = new Map<string, string>()) =>
  renderRequest(parseRequest(input), { settings, repo });

describe('renderRequest rules', () => {
  it.each<[string, Record<string, unknown>, string]>([
    ['unknown cluster', { cluster: 'qa' }, "cluster: unknown cluster 'qa' (known: dev, prod)"],
    ['unknown tier', { quota: { tier: 'XXL' } }, "quota.tier: unknown tier 'XXL' (known: S, M, L, XL)"],
    ['cpu requests above limits', { limitRange: undefined, quota: { custom: { ...custom, requestsCpu: '6' } } }, 'quota.requestsCpu: must not exceed limitsCpu (6 > 4)'],
    ['memory requests above limits', { limitRange: undefined, quota: { custom: { ...custom, requestsMemory: '9Gi' } } }, 'quota.requestsMemory: must not exceed limitsMemory (9Gi > 8Gi)'],
    ['class storage above total', { limitRange: undefined, quota: { custom: { ...custom, storageClasses: { fast: { requestsStorage: '60Gi' } } } } }, 'quota.storageClasses.fast.requestsStorage: must not exceed requestsStorage (60Gi > 50Gi)'],
    ['class PVCs above total', { limitRange: undefined, quota: { custom: { ...custom, storageClasses: { fast: { persistentVolumeClaims: 6 } } } } }, 'quota.storageClasses.fast.persistentVolumeClaims: must not exceed persistentVolumeClaims (6 > 5)'],
    ['load balancers above services', { limitRange: undefined, quota: { custom: { ...custom, loadBalancers: 6 } } }, 'quota.loadBalancers: must not exceed services (6 > 5)'],
    ['node ports above services', { limitRange: undefined, quota: { custom: { ...custom, nodePorts: 6 } } }, 'quota.nodePorts: must not exceed services (6 > 5)'],
    ['default request above default limit', { limitRange: { defaultRequest: { cpu: '2', memory: '1Gi' }, default: { cpu: '1', memory: '1Gi' } } }, 'limitRange.defaultRequest.cpu: must not exceed default.cpu (2 > 1)'],
    ['default limit above pod maximum', { limitRange: { defaultRequest: { cpu: '1', memory: '1Gi' }, default: { cpu: '1', memory: '2Gi' }, maxPerPod: { memory: '1Gi' } } }, 'limitRange.default.memory: must not exceed maxPerPod.memory (2Gi > 1Gi)'],
    ['default limit above quota', { limitRange: { defaultRequest: { cpu: '1', memory: '1Gi' }, default: { cpu: '1', memory: '16Gi' } } }, "limitRange.default.memory: must not exceed the quota's limits.memory (16Gi > 8Gi)"],
  ])('namespace: %s', (_name, change, message) => {
    expect(() => render({ ...namespaceInput, ...change })).toThrow(`Invalid request: ${message}`);
  });

  it('needs an ingress namespace for the ingress preset', () => {
    expect(() => render({ ...namespaceInput, cluster: 'prod', environment: 'prod', expires: undefined })).toThrow(
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
    expect(() => render(decommissionVmInput, repo)).toThrow("vmName: VM 'legacy-db' does not exist in namespace 'payments-dev' on cluster 'dev'");
  });

  it('refuses user data that is not a cloud-config mapping', () => {
    const repo = applyChanges(new Map(), render(namespaceInput).changes);
    expect(() => render({ ...vmInput, cloudInit: { userData: '- just\n- a list\n', sshPublicKeys: [] } }, repo)).toThrow(
      'Invalid request: cloudInit.userData: must be a cloud-config mapping',
    );
  });
});
