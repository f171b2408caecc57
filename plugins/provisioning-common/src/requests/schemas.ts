import { z } from 'zod';
import {
  ENVIRONMENTS,
  limitRangeValuesSchema,
  quotaValuesSchema,
} from '../config';
import { namespaceNameProblem } from '../names';
import {
  dnsLabel,
  entityRef,
  isoDate,
  quantity,
  storageClassName,
} from '../validation';
import {
  MAX_SSH_KEY_LENGTH,
  MAX_USER_DATA_LENGTH,
  MULTUS_NETWORK_NAME_MAX,
  vmAdmissionProblems,
} from './vmAdmission';

const namespaceName = () =>
  z.string().superRefine((value, ctx) => {
    const problem = namespaceNameProblem(value);
    if (problem)
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: problem });
  });

const tierChoiceSchema = z
  .object({
    tier: z
      .string()
      .min(1, 'must name a tier')
      .describe('Name of a tier defined by the platform team (S, M, L, XL)'),
  })
  .strict();
const customChoiceSchema = z.object({ custom: quotaValuesSchema }).strict();

/** A field left out reads `is required` rather than zod's `Required`; every other rule keeps its own message. */
const requiredFieldMessages: z.ZodErrorMap = (issue, ctx) =>
  issue.code === z.ZodIssueCode.invalid_type &&
  issue.received === z.ZodParsedType.undefined
    ? { message: 'is required' }
    : { message: ctx.defaultError };

/**
 * A quota: a named tier from configuration (`{ tier: 'M' }`), or explicit values (`{ custom: { ... } }`). The shape
 * is chosen by its one key, so a problem inside it names the deepest field (`quota.custom.services: is required`);
 * a value of neither shape is told what the two shapes are.
 */
export const quotaChoiceSchema = z.unknown().transform((value, ctx) => {
  const keys =
    value !== null && typeof value === 'object' && !Array.isArray(value)
      ? Object.keys(value)
      : [];
  let shape: typeof customChoiceSchema | typeof tierChoiceSchema | undefined;
  if (keys.includes('custom') && !keys.includes('tier'))
    shape = customChoiceSchema;
  if (keys.includes('tier') && !keys.includes('custom'))
    shape = tierChoiceSchema;
  if (!shape) {
    ctx.addIssue({
      code: z.ZodIssueCode.custom,
      message:
        "must name a tier ({ tier: 'M' }) or give custom values ({ custom: { requestsCpu, ... } })",
    });
    return z.NEVER;
  }
  const result = shape.safeParse(value, { errorMap: requiredFieldMessages });
  if (!result.success) {
    for (const issue of result.error.issues) ctx.addIssue(issue);
    return z.NEVER;
  }
  return result.data;
});
/** A quota choice. */
export type QuotaChoice = z.infer<typeof quotaChoiceSchema>;

/** Most namespaces one namespace may open connections to. */
export const MAX_EGRESS_NAMESPACES = 20;
/** Most AD groups one namespace request may grant access to. */
export const MAX_ACCESS_GROUPS = 20;

/** Network policy of a namespace, on top of the team baseline (deny all but same namespace and DNS). */
export const networkPolicySchema = z
  .object({
    preset: z
      .enum(['isolated', 'ingress'])
      .default('isolated')
      .describe(
        'isolated: same-namespace traffic only; ingress: also from the ingress controller',
      ),
    allowEgressTo: z
      .array(namespaceName())
      .max(
        MAX_EGRESS_NAMESPACES,
        `must list at most ${MAX_EGRESS_NAMESPACES} namespaces`,
      )
      .default([])
      .describe('Namespaces this one may open connections to'),
  })
  .strict();

/** Access for AD groups: each mapped to a cluster role. */
export const accessSchema = z
  .array(
    z
      .object({
        group: z
          .string()
          .min(1)
          .max(256)
          .regex(
            /^[^\s:,]+$/,
            'must be an AD group name without spaces, commas or colons',
          ),
        role: z.enum(['admin', 'edit', 'view']),
      })
      .strict(),
  )
  .max(MAX_ACCESS_GROUPS, `must list at most ${MAX_ACCESS_GROUPS} groups`)
  .default([]);

const requestCommon = {
  cluster: dnsLabel().describe('Target cluster'),
  requester: entityRef('user').describe('Who asks (catalog user)'),
  purpose: z.string().trim().min(1, 'must say what it is for').max(500),
};

/** Request for a new namespace. */
export const namespaceRequestSchema = z
  .object({
    kind: z.literal('namespace'),
    ...requestCommon,
    name: namespaceName().describe('Namespace name'),
    team: entityRef('group').describe('Owning team (catalog group)'),
    environment: z.enum(ENVIRONMENTS),
    costCentre: z
      .string()
      .trim()
      .min(1)
      .max(63)
      .regex(
        /^[A-Za-z0-9][A-Za-z0-9_.-]*$/,
        'must be letters, digits, ., _ or -',
      ),
    quota: quotaChoiceSchema,
    limitRange: limitRangeValuesSchema
      .optional()
      .describe('Overrides the team defaults'),
    networkPolicy: networkPolicySchema.default({}),
    access: accessSchema,
    expires: isoDate().optional(),
  })
  .strict();
/** A namespace request. */
export type NamespaceRequest = z.infer<typeof namespaceRequestSchema>;

/** Longest image URL a VM request may give. */
const MAX_URL_LENGTH = 2048;
/** Most SSH keys, and most exposed ports, one VM request may list (KubeVirt's 2048-byte user data bounds keys too). */
const MAX_VM_SSH_KEYS = 16;
const MAX_VM_PORTS = 16;

/** A zod path from a field path such as `dataDisks[1].name`. */
const zodPath = (path: string): Array<string | number> =>
  path
    .split(/\.|\[(\d+)\]/)
    .filter(part => part !== undefined && part !== '')
    .map(part => (/^\d+$/.test(part) ? Number(part) : part));

const dataVolumeSourceSchema = z.discriminatedUnion('type', [
  z
    .object({
      type: z.literal('pvc'),
      namespace: namespaceName().describe('Namespace of the golden image PVC'),
      name: dnsLabel().describe('Name of the golden image PVC'),
    })
    .strict(),
  z
    .object({
      type: z.literal('http'),
      url: z
        .string()
        .max(MAX_URL_LENGTH)
        .url()
        .regex(/^https?:\/\//, 'must be an http(s) URL'),
    })
    .strict(),
  z
    .object({
      type: z.literal('registry'),
      url: z
        .string()
        .max(MAX_URL_LENGTH)
        .regex(
          /^docker:\/\/[^\s]+$/,
          "must be a container image URL starting with 'docker://'",
        ),
    })
    .strict(),
]);

const SSH_PUBLIC_KEY =
  /^(ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp(256|384|521)|sk-ssh-ed25519@openssh\.com|sk-ecdsa-sha2-nistp256@openssh\.com) [A-Za-z0-9+/]+={0,3}( [^\r\n]*)?$/;

/** Request for a new KubeVirt virtual machine in an existing namespace. */
export const vmRequestSchema = z
  .object({
    kind: z.literal('vm'),
    ...requestCommon,
    namespace: namespaceName().describe(
      'Namespace the VM runs in (must exist in the GitOps repository)',
    ),
    name: dnsLabel().describe('VM name (also its host name)'),
    cpu: z.number().int().min(1).max(64).describe('vCPU count'),
    memory: quantity().describe('Guest memory, e.g. 4Gi'),
    runStrategy: z
      .enum(['Always', 'RerunOnFailure', 'Manual', 'Halted'])
      .default('Always'),
    rootDisk: z
      .object({
        size: quantity(),
        storageClass: storageClassName().optional(),
        source: dataVolumeSourceSchema,
      })
      .strict(),
    dataDisks: z
      .array(
        z
          .object({
            name: dnsLabel(),
            size: quantity(),
            storageClass: storageClassName().optional(),
          })
          .strict(),
      )
      .max(8, 'must list at most 8 data disks')
      .default([]),
    network: z
      .discriminatedUnion('type', [
        z.object({ type: z.literal('pod') }).strict(),
        z
          .object({
            type: z.literal('multus'),
            name: z
              .string()
              .min(1)
              .max(MULTUS_NETWORK_NAME_MAX)
              .describe(
                'NetworkAttachmentDefinition, as name or namespace/name',
              ),
          })
          .strict(),
      ])
      .default({ type: 'pod' }),
    cloudInit: z
      .object({
        userData: z
          .string()
          .max(MAX_USER_DATA_LENGTH)
          .optional()
          .describe(
            '#cloud-config user data, at most 2048 bytes once rendered; no secrets (use userDataSecretRef)',
          ),
        userDataSecretRef: dnsLabel()
          .optional()
          .describe('Secret in the namespace holding user data with secrets'),
        sshPublicKeys: z
          .array(
            z
              .string()
              .trim()
              .max(MAX_SSH_KEY_LENGTH)
              .regex(
                SSH_PUBLIC_KEY,
                'must be an SSH public key (e.g. ssh-ed25519 AAAA...)',
              ),
          )
          .max(MAX_VM_SSH_KEYS, `must list at most ${MAX_VM_SSH_KEYS} keys`)
          .default([]),
      })
      .strict()
      .default({}),
    exposure: z
      .discriminatedUnion('type', [
        z.object({ type: z.literal('none') }).strict(),
        z
          .object({
            type: z.enum(['ClusterIP', 'NodePort']),
            ports: z
              .array(
                z
                  .object({
                    name: dnsLabel(),
                    port: z.number().int().min(1).max(65535),
                    nodePort: z.number().int().min(30000).max(32767).optional(),
                  })
                  .strict(),
              )
              .min(1, 'must list at least one port')
              .max(MAX_VM_PORTS, `must list at most ${MAX_VM_PORTS} ports`),
          })
          .strict(),
      ])
      .default({ type: 'none' }),
    expires: isoDate().optional(),
  })
  .strict()
  .superRefine((vm, ctx) => {
    // What KubeVirt, CDI and the API server would refuse in the rendered objects (see vmAdmission.ts).
    for (const problem of vmAdmissionProblems(vm)) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: zodPath(problem.path),
        message: problem.message,
      });
    }
  });
/** A VM request. */
export type VmRequest = z.infer<typeof vmRequestSchema>;

/** Request to change the quota of an existing namespace. */
export const quotaChangeRequestSchema = z
  .object({
    kind: z.literal('quota-change'),
    ...requestCommon,
    namespace: namespaceName(),
    quota: quotaChoiceSchema,
  })
  .strict();
/** A quota change request. */
export type QuotaChangeRequest = z.infer<typeof quotaChangeRequestSchema>;

/** Request to remove a namespace (with everything in it) or one VM. */
export const decommissionRequestSchema = z
  .object({
    kind: z.literal('decommission'),
    ...requestCommon,
    namespace: namespaceName(),
    vmName: dnsLabel()
      .optional()
      .describe('Only this VM; the whole namespace when absent'),
  })
  .strict();
/** A decommission request. */
export type DecommissionRequest = z.infer<typeof decommissionRequestSchema>;

/** Any request the portal understands, told apart by `kind`. */
export const provisioningRequestSchema = z.discriminatedUnion('kind', [
  namespaceRequestSchema,
  // discriminatedUnion needs plain objects: VM refinements run in parseRequest
  vmRequestSchema.innerType(),
  quotaChangeRequestSchema,
  decommissionRequestSchema,
]);
/** Any request. */
export type ProvisioningRequest =
  | NamespaceRequest
  | VmRequest
  | QuotaChangeRequest
  | DecommissionRequest;
/** The request kinds. */
export type ProvisioningRequestKind = ProvisioningRequest['kind'];
