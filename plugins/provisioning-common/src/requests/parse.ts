import { InputError } from '@backstage/errors';
import { z } from 'zod';
import { formatProblems, zodProblems, FieldProblem } from '../validation';
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
  if (Array.isArray(value)) return value.filter(v => v !== '' && v !== null && v !== undefined).map(dropBlankFields);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .filter(([, v]) => v !== '' && v !== null && v !== undefined)
        .map(([k, v]) => [k, dropBlankFields(v)]),
    );
  }
  return value;
}

/** Checks a request (blank form fields dropped first); returns it parsed, or every field problem found. */
export function checkRequest(
  rawInput: unknown,
): { request: ProvisioningRequest; problems: [] } | { request?: undefined; problems: FieldProblem[] } {
  const input = dropBlankFields(rawInput);
  const kind = (input as { kind?: unknown } | null)?.kind;
  const schema = typeof kind === 'string' ? byKind[kind] : undefined;
  if (!schema) {
    return {
      problems: [
        { path: 'kind', message: `must be one of ${Object.keys(byKind).map(k => `'${k}'`).join(', ')}` },
      ],
    };
  }
  const result = schema.safeParse(input);
  if (!result.success) return { problems: zodProblems(result.error) };
  return { request: result.data as ProvisioningRequest, problems: [] };
}

/** Parses a request or throws an `InputError` naming every field and rule that failed. */
export function parseRequest(input: unknown): ProvisioningRequest {
  const { request, problems } = checkRequest(input);
  if (!request) throw new InputError(`Invalid request: ${formatProblems(problems)}`);
  return request;
}
