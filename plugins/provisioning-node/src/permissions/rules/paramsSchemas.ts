/** Parameters of the ownership rules: the claims (entity refs) the resource's team is matched against. */
export type ClaimsParams = {
  claims: string[];
};

/** Parameters of the environment rule: the environments whose namespaces match. */
export type EnvironmentsParams = {
  environments: string[];
};

/**
 * Schema of rule parameters made of one list of strings, in the Standard Schema form the permission framework
 * reads (validation and JSON Schema for the rule's metadata). Written out because the framework's own zod is a
 * major version ahead of the one this package uses, and the two zod types do not mix.
 */
function stringListParamsSchema<K extends string>(key: K, description: string) {
  const jsonSchema = () => ({
    type: 'object',
    properties: {
      [key]: { type: 'array', items: { type: 'string' }, description },
    },
    required: [key],
    additionalProperties: false,
  });
  return {
    '~standard': {
      version: 1 as const,
      vendor: 'kubeportal',
      validate(value: unknown) {
        const list = (value as Record<string, unknown> | null)?.[key];
        if (
          typeof value !== 'object' ||
          value === null ||
          !Array.isArray(list) ||
          list.some(c => typeof c !== 'string')
        ) {
          return {
            issues: [{ message: `must be { ${key}: string[] }`, path: [key] }],
          };
        }
        return { value: { [key]: [...list] } as Record<K, string[]> };
      },
      jsonSchema: { input: jsonSchema, output: jsonSchema },
      types: undefined as unknown as {
        input: Record<K, string[]>;
        output: Record<K, string[]>;
      },
    },
  };
}

/** Schema of `ClaimsParams`. */
export const claimsParamsSchema = stringListParamsSchema(
  'claims',
  'Group entity refs, usually the user ownership entity refs',
);

/** Schema of `EnvironmentsParams`. */
export const environmentsParamsSchema = stringListParamsSchema(
  'environments',
  'Environments (dev, staging, prod) of the clusters whose namespaces match',
);
