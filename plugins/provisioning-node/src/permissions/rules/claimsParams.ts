/** Parameters of the ownership rules: the claims (entity refs) the resource's team is matched against. */
export type ClaimsParams = {
  claims: string[];
};

const jsonSchema = () => ({
  type: 'object',
  properties: {
    claims: {
      type: 'array',
      items: { type: 'string' },
      description: 'Group entity refs, usually the user ownership entity refs',
    },
  },
  required: ['claims'],
  additionalProperties: false,
});

/**
 * Schema of `ClaimsParams` in the Standard Schema form the permission framework reads (validation and JSON Schema
 * for the rule's metadata). Written out because the framework's own zod is a major version ahead of the one this
 * package uses, and the two zod types do not mix.
 */
export const claimsParamsSchema = {
  '~standard': {
    version: 1 as const,
    vendor: 'kubeportal',
    validate(value: unknown) {
      const claims = (value as { claims?: unknown } | null)?.claims;
      if (
        typeof value !== 'object' ||
        value === null ||
        !Array.isArray(claims) ||
        claims.some(c => typeof c !== 'string')
      ) {
        return {
          issues: [
            { message: 'must be { claims: string[] }', path: ['claims'] },
          ],
        };
      }
      return { value: { claims: [...claims] as string[] } };
    },
    jsonSchema: { input: jsonSchema, output: jsonSchema },
    types: undefined as unknown as {
      input: ClaimsParams;
      output: ClaimsParams;
    },
  },
};
