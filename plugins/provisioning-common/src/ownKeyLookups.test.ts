import { InputError } from '@backstage/errors';
import { namespaceInput, settings } from './__fixtures__/requests';
import { quotaCost } from './cost';
import { quotaFromHard } from './gitops/state';
import { validateRepository } from './gitops/validateRepository';
import { applyChanges } from './gitops/state';
import { evaluatePolicy } from './policy';
import { renderRequest } from './render';
import { parseRequest } from './requests/parse';
import { resolveQuota } from './requests/rules';

/**
 * Names a request, the configuration or a repository file can choose that every object answers from
 * `Object.prototype`. Each lookup by such a name must find what was configured, or nothing, never the prototype.
 */
const PROTOTYPE_KEYS = [
  'constructor',
  '__proto__',
  'toString',
  'hasOwnProperty',
  'valueOf',
];

const custom = {
  requestsCpu: '2',
  limitsCpu: '4',
  requestsMemory: '4Gi',
  limitsMemory: '8Gi',
  requestsStorage: '50Gi',
  persistentVolumeClaims: 5,
  pods: 20,
  services: 5,
};

describe('lookups by a name someone else chose', () => {
  it.each(PROTOTYPE_KEYS)(
    'a tier named %j is an unknown tier, reported on quota.tier',
    tier => {
      expect(resolveQuota({ tier }, settings).problems).toEqual([
        {
          path: 'quota.tier',
          message: `unknown tier '${tier}' (known: ${Object.keys(
            settings.tiers,
          ).join(', ')})`,
        },
      ]);
      const render = () =>
        renderRequest(parseRequest({ ...namespaceInput, quota: { tier } }), {
          settings,
          repo: new Map(),
        });
      expect(render).toThrow(InputError);
      expect(render).toThrow(`quota.tier: unknown tier '${tier}'`);
    },
  );

  it('a storage class named constructor costs the default price and is reported by the policy on its field', () => {
    const request = parseRequest({
      ...namespaceInput,
      limitRange: undefined,
      quota: {
        custom: {
          ...custom,
          storageClasses: { constructor: { requestsStorage: '10Gi' } },
        },
      },
    });
    const result = renderRequest(request, { settings, repo: new Map() });
    expect(result.cost.after.storage).toBe(
      quotaCost({ ...result.quota!, storageClasses: {} }, 0, settings.prices)
        .storage,
    );
    const policy = evaluatePolicy(
      request,
      result,
      new Map(),
      settings,
      '2026-11-24',
    );
    expect(policy.violations).toEqual([
      expect.objectContaining({
        path: 'quota.custom.storageClasses.constructor',
        rule: 'storage-class',
      }),
    ]);
  });

  it('a team named constructor has no configured budget and no configured access', () => {
    const request = parseRequest({
      ...namespaceInput,
      team: 'group:default/constructor',
    });
    const result = renderRequest(request, {
      settings,
      repo: new Map(),
      teamAccess: {},
    });
    expect(result.changes.map(c => c.path)).not.toContain(
      'clusters/dev/teams/constructor/rolebindings.yaml',
    );
    const policy = evaluatePolicy(
      request,
      result,
      new Map(),
      settings,
      '2026-11-24',
    );
    expect(policy.teamBudget).toBeUndefined();
    const repo = applyChanges(new Map(), result.changes);
    expect(() =>
      validateRepository(repo, settings, '2026-11-24'),
    ).not.toThrow();
  });

  it('a ResourceQuota key naming a prototype key as storage class neither pollutes objects nor loses the class', () => {
    try {
      const quota = quotaFromHard({
        'requests.storage': '50Gi',
        '__proto__.storageclass.storage.k8s.io/requests.storage': '1Gi',
        'constructor.storageclass.storage.k8s.io/requests.storage': '2Gi',
      });
      expect(({} as Record<string, unknown>).requestsStorage).toBeUndefined();
      expect(Object.keys(quota.storageClasses)).toEqual(['constructor']);
      expect(
        Object.getOwnPropertyDescriptor(quota.storageClasses, 'constructor')
          ?.value,
      ).toEqual({ requestsStorage: '2Gi' });
    } finally {
      delete (Object.prototype as Record<string, unknown>).requestsStorage;
      delete (Object as unknown as Record<string, unknown>).requestsStorage;
    }
  });
});
