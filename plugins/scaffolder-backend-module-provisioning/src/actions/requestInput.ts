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
  .describe('Ignored when it is the signed-in user; any other user is refused. The requester is always the task initiator.');

/**
 * The `request` input of the provisioning actions: the request schema of each kind, as the template form collects
 * it, so the actions page and the template editor list every field with its description. The requester and the
 * cost centre come from the server (the initiator and the team's catalog entry), not from the input.
 *
 * The scaffolder builds the actions' JSON schema from it with its own zod copy; the schema objects are zod 3
 * objects either way, so the actions pass it as the type of the `z` they are given (`z.unknown()`'s type).
 */
export const requestInputSchema = z
  .discriminatedUnion('kind', [
    namespaceRequestSchema.omit({ requester: true, costCentre: true }).extend({
      requester: requesterNote,
      costCentre: z.string().optional().describe("Taken from the team's catalog entry; a different value is refused"),
    }),
    vmRequestSchema.innerType().omit({ requester: true }).extend({ requester: requesterNote }),
    quotaChangeRequestSchema.omit({ requester: true }).extend({ requester: requesterNote }),
    decommissionRequestSchema.omit({ requester: true }).extend({ requester: requesterNote }),
  ])
  .describe(
    'The request: kind (namespace, vm, quota-change, decommission) and its fields. Checked against the request schemas, the policy and the cluster; every broken rule is reported with its field.',
  );
