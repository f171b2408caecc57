import {
  decommissionRequestSchema,
  namespaceRequestSchema,
  quotaChangeRequestSchema,
  vmRequestSchema,
} from '@kubeportal/plugin-provisioning-common';
import { z } from 'zod';

const requesterNote = z
  .string()
  .optional()
  .describe(
    'Ignored when it is the signed-in user; any other user is refused. The requester is always the task initiator.',
  );

/**
 * The same schema for documentation and the scaffolder's first check of a template's input: every field with its
 * type and description, but blank values (what a template renders for an empty form field) and extra keys are let
 * through, because the request is then parsed strictly by the request schema itself, after blank fields are
 * dropped, with a message naming the field and the rule (the scaffolder's own JSON-schema message would only say
 * "is not any of subschema 0, 1, 2, 3").
 */
export function lenient(schema: z.ZodTypeAny): z.ZodTypeAny {
  const def = schema._def as {
    typeName: z.ZodFirstPartyTypeKind;
    description?: string;
  };
  const describe = (out: z.ZodTypeAny) =>
    def.description ? out.describe(def.description) : out;
  const blank = z.union([z.literal(''), z.null()]);
  switch (def.typeName) {
    case z.ZodFirstPartyTypeKind.ZodObject: {
      const shape = (schema as z.ZodObject<z.ZodRawShape>).shape;
      return describe(
        z
          .object(
            Object.fromEntries(
              Object.entries(shape).map(([key, value]) => [
                key,
                lenient(value),
              ]),
            ),
          )
          .passthrough(),
      );
    }
    case z.ZodFirstPartyTypeKind.ZodEffects:
      return describe(
        lenient((schema as z.ZodEffects<z.ZodTypeAny>).innerType()),
      );
    case z.ZodFirstPartyTypeKind.ZodOptional:
      return describe(
        lenient((schema as z.ZodOptional<z.ZodTypeAny>).unwrap()).optional(),
      );
    case z.ZodFirstPartyTypeKind.ZodNullable:
      return describe(
        lenient((schema as z.ZodNullable<z.ZodTypeAny>).unwrap()).nullable(),
      );
    case z.ZodFirstPartyTypeKind.ZodDefault:
      return describe(
        lenient(
          (schema as z.ZodDefault<z.ZodTypeAny>).removeDefault(),
        ).optional(),
      );
    case z.ZodFirstPartyTypeKind.ZodArray:
      return describe(
        z.union([
          z.array(lenient((schema as z.ZodArray<z.ZodTypeAny>).element)),
          blank,
        ]),
      );
    case z.ZodFirstPartyTypeKind.ZodRecord:
      return describe(
        z.record(z.string(), lenient((schema as z.ZodRecord).valueSchema)),
      );
    case z.ZodFirstPartyTypeKind.ZodDiscriminatedUnion:
    case z.ZodFirstPartyTypeKind.ZodUnion: {
      const options = [
        ...(schema as z.ZodUnion<[z.ZodTypeAny, z.ZodTypeAny]>).options,
      ].map(lenient);
      return describe(z.union([options[0], options[1], ...options.slice(2)]));
    }
    default:
      return describe(z.union([schema, blank]));
  }
}

/**
 * The `request` input of the provisioning actions: the request schema of each kind, as the template form collects
 * it, so the actions page and the template editor list every field with its description (see `lenient` for why
 * blank values pass this first check). The requester, the cost centre and the environment come from the server (the
 * initiator, the team's catalog entry and the cluster's configuration), not from the input.
 *
 * The scaffolder builds the actions' JSON schema from it with its own zod copy; the schema objects are zod 3
 * objects either way, so the actions pass it as the type of the `z` they are given (`z.unknown()`'s type).
 */
export const requestInputSchema = z
  .union([
    lenient(
      namespaceRequestSchema.omit({
        requester: true,
        costCentre: true,
        environment: true,
      }),
    ).and(
      z.object({
        requester: requesterNote,
        environment: z
          .string()
          .optional()
          .describe(
            "Taken from the cluster's configuration; a different value is a policy violation",
          ),
        costCentre: z
          .string()
          .optional()
          .describe(
            "Taken from the team's catalog entry; a different value is refused",
          ),
      }),
    ),
    lenient(vmRequestSchema.innerType().omit({ requester: true })).and(
      z.object({ requester: requesterNote }),
    ),
    lenient(quotaChangeRequestSchema.omit({ requester: true })).and(
      z.object({ requester: requesterNote }),
    ),
    lenient(decommissionRequestSchema.omit({ requester: true })).and(
      z.object({ requester: requesterNote }),
    ),
  ])
  .describe(
    'The request: kind (namespace, vm, quota-change, decommission) and its fields. Checked against the request schemas, the policy and the cluster; every broken rule is reported with its field.',
  );

/**
 * The `updateOpenRequest` input of the provisioning actions: the requester's explicit choice (in the form's preview)
 * to replace the files of their own open pull request for the same request. Blank (an unset form field) means no.
 */
export const updateOpenRequestInput = z
  .union([z.boolean(), z.literal(''), z.null()])
  .optional()
  .describe(
    "True to update the requester's own open pull request for the same request (its files are replaced, its approvals dismissed, and a comment lists the change); otherwise an open one stops the request",
  );

/** Whether the input chose to update the open pull request. */
export const choosesUpdate = (value: unknown): boolean => value === true;
