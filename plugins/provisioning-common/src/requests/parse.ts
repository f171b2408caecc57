import { InputError } from '@backstage/errors';
import { z } from 'zod';
import type { LimitRangeValues, QuotaValues } from '../config';
import { parseQuantity, quantityKindProblem } from '../quantity';
import { QUOTA_FIELDS } from '../quotaFields';
import {
  formatProblems,
  ownValue,
  zodProblems,
  FieldProblem,
} from '../validation';
import {
  decommissionRequestSchema,
  namespaceRequestSchema,
  ProvisioningRequest,
  quotaChangeRequestSchema,
  vmRequestSchema,
} from './schemas';

const byKind: Record<string, z.ZodTypeAny> = {
  namespace: namespaceRequestSchema,
  vm: vmRequestSchema,
  'quota-change': quotaChangeRequestSchema,
  decommission: decommissionRequestSchema,
};

/**
 * Drops what a form leaves for a field nobody filled in (empty strings, null, undefined), at any depth, so an
 * optional field left blank reads as absent rather than as an invalid value.
 */
export function dropBlankFields(value: unknown): unknown {
  if (Array.isArray(value))
    return value
      .filter(v => v !== '' && v !== null && v !== undefined)
      .map(dropBlankFields);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .filter(([, v]) => v !== '' && v !== null && v !== undefined)
        .map(([k, v]) => [k, dropBlankFields(v)]),
    );
  }
  return value;
}

/** Quota fields that, at 0, refuse every pod: the limit range gives each container a CPU and memory request and limit. */
const BLOCKING_WHEN_ZERO = new Set([
  'requestsCpu',
  'limitsCpu',
  'requestsMemory',
  'limitsMemory',
]);

/**
 * Quantities of a custom quota that Kubernetes would round when it uses them (CPU finer than a millicore, bytes not
 * whole; see `quantityKindProblem`), and CPU or memory quotas of 0, which leave the namespace unable to run any pod.
 */
function quotaQuantityProblems(
  quota: QuotaValues,
  path: string,
): FieldProblem[] {
  const problems: FieldProblem[] = [];
  for (const { field, hardKey, unit } of QUOTA_FIELDS) {
    if (unit === 'count') continue;
    const value = String(quota[field]);
    const rule = quantityKindProblem(value, unit);
    if (rule)
      problems.push({
        path: `${path}.${field}`,
        message: `'${value}' ${rule}`,
      });
    else if (BLOCKING_WHEN_ZERO.has(field) && parseQuantity(value) === 0n) {
      problems.push({
        path: `${path}.${field}`,
        message: `must be more than 0: a quota of ${hardKey} 0 refuses every pod`,
      });
    }
  }
  for (const [storageClass, perClass] of Object.entries(quota.storageClasses)) {
    if (perClass.requestsStorage === undefined) continue;
    const rule = quantityKindProblem(perClass.requestsStorage, 'bytes');
    if (rule)
      problems.push({
        path: `${path}.storageClasses.${storageClass}.requestsStorage`,
        message: `'${perClass.requestsStorage}' ${rule}`,
      });
  }
  return problems;
}

/** Quantities of a limit range that Kubernetes would round when it uses them (see `quantityKindProblem`). */
function limitRangeQuantityProblems(
  values: LimitRangeValues,
  path: string,
): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const pairs: Array<
    [string, Partial<Record<'cpu' | 'memory', string>> | undefined]
  > = [
    ['defaultRequest', values.defaultRequest],
    ['default', values.default],
    ['maxPerPod', values.maxPerPod],
  ];
  for (const [name, pair] of pairs) {
    for (const resource of ['cpu', 'memory'] as const) {
      const value = pair?.[resource];
      if (value === undefined) continue;
      const rule = quantityKindProblem(
        value,
        resource === 'cpu' ? 'cpu' : 'bytes',
      );
      if (rule)
        problems.push({
          path: `${path}.${name}.${resource}`,
          message: `'${value}' ${rule}`,
        });
    }
  }
  return problems;
}

/** Rules on the quantities of a parsed request that its schema cannot see: the kind of each value. */
function requestQuantityProblems(request: ProvisioningRequest): FieldProblem[] {
  const problems: FieldProblem[] = [];
  if (
    (request.kind === 'namespace' || request.kind === 'quota-change') &&
    'custom' in request.quota
  ) {
    problems.push(
      ...quotaQuantityProblems(request.quota.custom, 'quota.custom'),
    );
  }
  if (request.kind === 'namespace' && request.limitRange) {
    problems.push(
      ...limitRangeQuantityProblems(request.limitRange, 'limitRange'),
    );
  }
  return problems;
}

/** Checks a request (blank form fields dropped first); returns it parsed, or every field problem found. */
export function checkRequest(
  rawInput: unknown,
):
  | { request: ProvisioningRequest; problems: [] }
  | { request?: undefined; problems: FieldProblem[] } {
  const input = dropBlankFields(rawInput);
  const kind = (input as { kind?: unknown } | null)?.kind;
  const schema = typeof kind === 'string' ? ownValue(byKind, kind) : undefined;
  if (!schema) {
    return {
      problems: [
        {
          path: 'kind',
          message: `must be one of ${Object.keys(byKind)
            .map(k => `'${k}'`)
            .join(', ')}`,
        },
      ],
    };
  }
  const result = schema.safeParse(input);
  if (!result.success) return { problems: zodProblems(result.error) };
  const request = result.data as ProvisioningRequest;
  const problems = requestQuantityProblems(request);
  if (problems.length > 0) return { problems };
  return { request, problems: [] };
}

/** Parses a request or throws an `InputError` naming every field and rule that failed. */
export function parseRequest(input: unknown): ProvisioningRequest {
  const { request, problems } = checkRequest(input);
  if (!request)
    throw new InputError(`Invalid request: ${formatProblems(problems)}`);
  return request;
}
