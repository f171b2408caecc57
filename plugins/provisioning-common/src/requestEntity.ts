import { z } from 'zod';
import { labelValueProblem, REQUEST_ACTIONS } from './names';
import { dnsLabel, entityRef, FieldProblem, zodProblems } from './validation';

/**
 * The catalog entity of a provisioning request, as the catalog module writes it and the portal's pages read it: a
 * `Resource` of type `provisioning-request`, its status as a label and annotation (`CATALOG_KEYS.requestStatus`),
 * its facts in `spec`. Each of these facts is defined here once, with the parser of the spec.
 */

/** Entity `spec.type` of provisioning requests. */
export const REQUEST_ENTITY_TYPE = 'provisioning-request';

/** How many days a closed request's pull request stays in the catalog (open ones stay while they are open). */
export const REQUEST_ENTITY_RECENT_DAYS = 90;

/** Where a request stands, as far as GitHub knows: from its pull request opened to merged or rejected. */
export const REQUEST_STATUSES = [
  'pull-request-open',
  'changes-requested',
  'approved',
  'merged',
  'rejected',
] as const;

/** One of `REQUEST_STATUSES`. */
export type RequestStatus = (typeof REQUEST_STATUSES)[number];

/** Each status as people read it (the start of a request entity's description, the portal's status chip). */
export const REQUEST_STATUS_TEXT: Readonly<Record<RequestStatus, string>> = {
  'pull-request-open': 'Pull request open',
  'changes-requested': 'Changes requested',
  approved: 'Approved',
  merged: 'Merged',
  rejected: 'Rejected',
};

/** Whether a value (an entity's status label or annotation, say) is one of `REQUEST_STATUSES`. */
export function isRequestStatus(value: unknown): value is RequestStatus {
  return REQUEST_STATUSES.some(status => status === value);
}

/** A time as GitHub writes it, ISO 8601: `2026-11-20T14:03:00Z`. */
const isoTime = () =>
  z.string({ required_error: 'is required' }).datetime({
    offset: true,
    message: 'must be an ISO 8601 time like 2026-11-20T14:03:00Z',
  });

/** A label value that is not empty (the `kind:` label of a pull request). */
const labelValue = () =>
  z
    .string()
    .min(1, 'must not be empty')
    .superRefine((value, ctx) => {
      const problem = labelValueProblem(value);
      if (problem)
        ctx.addIssue({ code: z.ZodIssueCode.custom, message: problem });
    });

/**
 * The facts of a request that its entity carries in `spec` next to `type`, `owner` and `dependsOn`, for the portal's
 * pages and for catalog filters (`spec.requester`, `spec.cluster`, ...). Fields that cannot be told are left out.
 */
export const requestEntityFactsSchema = z.object({
  action: z
    .enum(REQUEST_ACTIONS, { required_error: 'is required' })
    .describe('What the request does: from the request branch'),
  requestKind: labelValue()
    .optional()
    .describe(
      "`namespace`, `vm`, `quota-change` or `decommission`: from the pull request's `kind:` label",
    ),
  cluster: dnsLabel().optional().describe('The cluster the request is for'),
  namespace: dnsLabel().optional().describe('The namespace it is about'),
  vm: dnsLabel().optional().describe('The VM it is about, for a VM'),
  requester: entityRef('user')
    .optional()
    .describe(
      "Catalog ref of the user who asked, as recorded on the request branch's head commit",
    ),
  openedAt: isoTime().optional().describe('When the pull request was opened'),
  updatedAt: isoTime().describe('When the pull request last changed'),
});

/**
 * The facts of a request entity's `spec` (see `requestEntityFactsSchema`). A type rather than an interface, so that
 * it is a `JsonObject` as entity specs must be.
 */
export type RequestEntityFacts = z.infer<typeof requestEntityFactsSchema>;

/** The whole `spec` of a request entity: a `Resource` spec of type `provisioning-request` with the request's facts. */
export const requestEntitySpecSchema = requestEntityFactsSchema.extend({
  type: z.literal(REQUEST_ENTITY_TYPE, {
    errorMap: () => ({ message: `must be '${REQUEST_ENTITY_TYPE}'` }),
  }),
  owner: z
    .string({ required_error: 'is required' })
    .min(1, 'must not be empty')
    .describe('Ref of the owning team'),
  dependsOn: z
    .array(z.string())
    .optional()
    .describe("Ref of the cluster's entity, when the cluster is known"),
});

/** The `spec` of a request entity, parsed (see `requestEntitySpecSchema`). */
export type RequestEntitySpec = z.infer<typeof requestEntitySpecSchema>;

/**
 * Parses the `spec` of a request entity: the typed spec (fields it does not know are dropped), or every problem
 * found, with its field path as in the entity (`spec.updatedAt: is required`).
 */
export function parseRequestEntitySpec(
  spec: unknown,
):
  | { spec: RequestEntitySpec; problems: [] }
  | { spec?: undefined; problems: FieldProblem[] } {
  const result = requestEntitySpecSchema.safeParse(spec);
  return result.success
    ? { spec: result.data, problems: [] }
    : { problems: zodProblems(result.error, ['spec']) };
}

/** The catalog filter key of a request entity's spec field: `spec.requester` for `requester`. */
export function requestEntitySpecKey<K extends keyof RequestEntitySpec>(
  field: K,
): `spec.${K}` {
  return `spec.${field}`;
}
