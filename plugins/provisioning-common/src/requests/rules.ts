import { LimitRangeValues, PlatformSettings, QuotaValues } from '../config';
import { parseQuantity } from '../quantity';
import { FieldProblem, ownValue } from '../validation';
import { QuotaChoice } from './schemas';

/** Resolves a quota choice to values: the named tier from settings, or the explicit values. */
export function resolveQuota(
  choice: QuotaChoice,
  settings: PlatformSettings,
  path = 'quota',
): { quota?: QuotaValues; problems: FieldProblem[] } {
  if ('custom' in choice) return { quota: choice.custom, problems: [] };
  const quota = ownValue(settings.tiers, choice.tier);
  if (!quota) {
    const known = Object.keys(settings.tiers).join(', ');
    return {
      problems: [
        {
          path: `${path}.tier`,
          message: `unknown tier '${choice.tier}' (known: ${known})`,
        },
      ],
    };
  }
  return { quota, problems: [] };
}

/** Rules inside one quota: requests never above limits; per-class storage never above the total. */
export function quotaProblems(
  quota: QuotaValues,
  path = 'quota',
): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const notAbove = (
    low: string,
    lowName: string,
    high: string,
    highName: string,
  ) => {
    if (
      parseQuantity(quota[low as keyof QuotaValues] as string) >
      parseQuantity(quota[high as keyof QuotaValues] as string)
    ) {
      problems.push({
        path: `${path}.${lowName}`,
        message: `must not exceed ${highName} (${
          quota[low as keyof QuotaValues]
        } > ${quota[high as keyof QuotaValues]})`,
      });
    }
  };
  notAbove('requestsCpu', 'requestsCpu', 'limitsCpu', 'limitsCpu');
  notAbove('requestsMemory', 'requestsMemory', 'limitsMemory', 'limitsMemory');
  const total = parseQuantity(quota.requestsStorage);
  for (const [storageClass, perClass] of Object.entries(quota.storageClasses)) {
    if (
      perClass.requestsStorage !== undefined &&
      parseQuantity(perClass.requestsStorage) > total
    ) {
      problems.push({
        path: `${path}.storageClasses.${storageClass}.requestsStorage`,
        message: `must not exceed requestsStorage (${perClass.requestsStorage} > ${quota.requestsStorage})`,
      });
    }
    if (
      perClass.persistentVolumeClaims !== undefined &&
      perClass.persistentVolumeClaims > quota.persistentVolumeClaims
    ) {
      problems.push({
        path: `${path}.storageClasses.${storageClass}.persistentVolumeClaims`,
        message: `must not exceed persistentVolumeClaims (${perClass.persistentVolumeClaims} > ${quota.persistentVolumeClaims})`,
      });
    }
  }
  if (quota.loadBalancers > quota.services) {
    problems.push({
      path: `${path}.loadBalancers`,
      message: `must not exceed services (${quota.loadBalancers} > ${quota.services})`,
    });
  }
  if (quota.nodePorts > quota.services) {
    problems.push({
      path: `${path}.nodePorts`,
      message: `must not exceed services (${quota.nodePorts} > ${quota.services})`,
    });
  }
  return problems;
}

/** Rules inside a limit range: default request not above default limit, default limit not above the pod maximum. */
export function limitRangeProblems(
  values: LimitRangeValues,
  quota: QuotaValues | undefined,
  path = 'limitRange',
): FieldProblem[] {
  const problems: FieldProblem[] = [];
  for (const resource of ['cpu', 'memory'] as const) {
    const request = parseQuantity(values.defaultRequest[resource]);
    const limit = parseQuantity(values.default[resource]);
    if (request > limit) {
      problems.push({
        path: `${path}.defaultRequest.${resource}`,
        message: `must not exceed default.${resource} (${values.defaultRequest[resource]} > ${values.default[resource]})`,
      });
    }
    const max = values.maxPerPod?.[resource];
    if (max !== undefined && limit > parseQuantity(max)) {
      problems.push({
        path: `${path}.default.${resource}`,
        message: `must not exceed maxPerPod.${resource} (${values.default[resource]} > ${max})`,
      });
    }
    if (quota) {
      const quotaLimit =
        resource === 'cpu' ? quota.limitsCpu : quota.limitsMemory;
      if (limit > parseQuantity(quotaLimit)) {
        problems.push({
          path: `${path}.default.${resource}`,
          message: `must not exceed the quota's limits.${resource} (${values.default[resource]} > ${quotaLimit})`,
        });
      }
    }
  }
  return problems;
}
