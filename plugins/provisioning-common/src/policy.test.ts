import { namespaceInput, settings, vmInput } from './__fixtures__/requests';
import { applyChanges } from './gitops/state';
import { RepoSnapshot } from './manifests/types';
import { evaluatePolicy } from './policy';
import { parseRequest } from './requests/parse';
import { renderRequest } from './render';
import { formatMoney } from './cost';

const TODAY = '2026-11-24';

function check(input: Record<string, unknown>, repo: RepoSnapshot = new Map()) {
  const request = parseRequest(input);
  const result = renderRequest(request, { settings, repo });
  return evaluatePolicy(request, result, repo, settings, TODAY);
}
const rulesOf = (input: Record<string, unknown>, repo?: RepoSnapshot) =>
  check(input, repo).violations.map(v => `${v.path} [${v.rule}]: ${v.message}`);

describe('evaluatePolicy', () => {
  it('passes a request within every rule and reports the team spend', () => {
    const result = check(namespaceInput);
    expect(result.violations).toEqual([]);
    expect(formatMoney(result.teamMonthlyAfter, 'EUR')).toBe('57.00 EUR');
    expect(formatMoney(result.teamBudget!, 'EUR')).toBe('1000.00 EUR');
  });

  it('refuses quotas above the environment maximum, naming each key', () => {
    const custom = {
      requestsCpu: '20', limitsCpu: '40', requestsMemory: '128Gi', limitsMemory: '128Gi', requestsStorage: '10Gi',
      persistentVolumeClaims: 2, pods: 10, services: 2,
    };
    expect(rulesOf({ ...namespaceInput, limitRange: undefined, quota: { custom } })).toEqual([
      'quota.requestsCpu [max-quota]: requests.cpu 20 is above the dev maximum of 16',
      'quota.limitsCpu [max-quota]: limits.cpu 40 is above the dev maximum of 32',
      'quota.requestsMemory [max-quota]: requests.memory 128Gi is above the dev maximum of 64Gi',
    ]);
    // the XL tier sits exactly on the dev maximum, which is allowed
    expect(rulesOf({ ...namespaceInput, quota: { tier: 'XL' } })).toEqual([]);
  });

  it('refuses a dev namespace on a prod cluster, expiry in prod and too few prod approvers', () => {
    expect(rulesOf({ ...namespaceInput, cluster: 'prod', networkPolicy: { preset: 'isolated' } })).toEqual([
      "environment [environment]: dev namespaces do not belong on cluster 'prod', which is prod",
    ]);
    expect(rulesOf({ ...namespaceInput, cluster: 'prod', environment: 'prod', networkPolicy: { preset: 'isolated' } })).toEqual([
      'expires [prod-expiry]: prod namespaces must not expire: leave the expiry date empty',
      'approvers [prod-approvers]: prod changes need at least 2 approvers; 1 is named',
    ]);
  });

  it('bounds expiry dates', () => {
    expect(rulesOf({ ...namespaceInput, expires: '2026-11-24' })).toEqual(['expires [max-expiry]: must be after today (2026-11-24)']);
    expect(rulesOf({ ...namespaceInput, expires: '2028-01-01' })).toEqual(['expires [max-expiry]: is 403 days away; at most 365 are allowed']);
  });

  it('checks storage classes and networks against the cluster', () => {
    const repo = applyChanges(new Map(), renderRequest(parseRequest(namespaceInput), { settings, repo: new Map() }).changes);
    expect(
      rulesOf({ ...vmInput, rootDisk: { ...vmInput.rootDisk, storageClass: 'gold' }, network: { type: 'multus', name: 'vlan-999' } }, repo),
    ).toEqual([
      "network.name [network]: network 'vlan-999' is not offered on cluster 'dev' (offered: vlan-100)",
      "rootDisk.storageClass [storage-class]: storage class 'gold' is not offered on cluster 'dev' (offered: standard, fast)",
    ]);
  });

  it('keeps the team within its budget across clusters', () => {
    let repo: RepoSnapshot = new Map();
    const first = { ...namespaceInput, quota: { tier: 'L' } };
    repo = applyChanges(repo, renderRequest(parseRequest(first), { settings, repo }).changes);
    // L costs 8*20 + 32*3 + 500*0.1 = 306 EUR; three of them pass 1000, the fourth does not
    for (const name of ['payments-b', 'payments-c']) {
      const input = { ...first, name };
      expect(rulesOf(input, repo)).toEqual([]);
      repo = applyChanges(repo, renderRequest(parseRequest(input), { settings, repo }).changes);
    }
    expect(rulesOf({ ...first, name: 'payments-d' }, repo)).toEqual([
      "quota [team-budget]: team 'payments' would spend 1224.00 EUR a month, above its budget of 1000.00 EUR",
    ]);
    // another team is not affected
    expect(rulesOf({ ...first, name: 'billing', team: 'billing' }, repo)).toEqual([]);
  });
});
