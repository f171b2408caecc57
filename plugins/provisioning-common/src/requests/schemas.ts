import { z } from 'zod';
import { ENVIRONMENTS, limitRangeValuesSchema, quotaValuesSchema } from '../config';
import { namespaceNameProblem } from '../names';
import { dnsLabel, entityRef, isoDate, quantity } from '../validation';

const namespaceName = () =>
  z.string().superRefine((value, ctx) => {
    const problem = namespaceNameProblem(value);
    if (problem) ctx.addIssue({ code: z.ZodIssueCode.custom, message: problem });
  });

const githubLogin = z
  .string()
  .regex(/^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/, 'must be a GitHub user name');

/** A quota: a named tier from configuration, or explicit values. */
export const quotaChoiceSchema = z.union(
  [
    z.object({ tier: z.string().min(1, 'must name a tier').describe('Name of a tier defined by the platform team (S, M, L, XL)') }).strict(),
    z.object({ custom: quotaValuesSchema }).strict(),
  ],
  { errorMap: () => ({ message: "must name a tier ({ tier: 'M' }) or give custom values ({ custom: { requestsCpu, ... } })" }) },
);
/** A quota choice. */
export type QuotaChoice = z.infer<typeof quotaChoiceSchema>;

/** Network policy of a namespace, on top of the team baseline (deny all but same namespace and DNS). */
export const networkPolicySchema = z
  .object({
    preset: z
      .enum(['isolated', 'ingress'])
      .default('isolated')
      .describe('isolated: same-namespace traffic only; ingress: also from the ingress controller'),
    allowEgressTo: z.array(namespaceName()).default([]).describe('Namespaces this one may open connections to'),
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
          .regex(/^[^\s:,]+$/, 'must be an AD group name without spaces, commas or colons'),
        role: z.enum(['admin', 'edit', 'view']),
      })
      .strict(),
  )
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
    costCentre: z.string().trim().min(1).max(63).regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'must be letters, digits, ., _ or -'),
    quota: quotaChoiceSchema,
    limitRange: limitRangeValuesSchema.optional().describe('Overrides the team defaults'),
    networkPolicy: networkPolicySchema.default({}),
    access: accessSchema,
    expires: isoDate().optional(),
    approvers: z
      .array(githubLogin)
      .min(1, 'must name at least one project lead (GitHub user) to approve')
      .describe('Project leads who approve pull requests for this namespace'),
  })
  .strict();
/** A namespace request. */
export type NamespaceRequest = z.infer<typeof namespaceRequestSchema>;

const dataVolumeSourceSchema = z.discriminatedUnion('type', [
  z
    .object({
      type: z.literal('pvc'),
      namespace: namespaceName().describe('Namespace of the golden image PVC'),
      name: dnsLabel().describe('Name of the golden image PVC'),
    })
    .strict(),
  z.object({ type: z.literal('http'), url: z.string().url().regex(/^https?:\/\//, 'must be an http(s) URL') }).strict(),
  z
    .object({
      type: z.literal('registry'),
      url: z.string().regex(/^docker:\/\/[^\s]+$/, "must be a container image URL starting with 'docker://'"),
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
    namespace: namespaceName().describe('Namespace the VM runs in (must exist in the GitOps repository)'),
    name: dnsLabel().describe('VM name (also its host name)'),
    cpu: z.number().int().min(1).max(64).describe('vCPU count'),
    memory: quantity().describe('Guest memory, e.g. 4Gi'),
    runStrategy: z.enum(['Always', 'RerunOnFailure', 'Manual', 'Halted']).default('Always'),
    rootDisk: z
      .object({
        size: quantity(),
        storageClass: z.string().min(1).optional(),
        source: dataVolumeSourceSchema,
      })
      .strict(),
    dataDisks: z
      .array(
        z
          .object({
            name: dnsLabel(),
            size: quantity(),
            storageClass: z.string().min(1).optional(),
          })
          .strict(),
      )
      .max(8)
      .default([]),
    network: z
      .discriminatedUnion('type', [
        z.object({ type: z.literal('pod') }).strict(),
        z.object({ type: z.literal('multus'), name: z.string().min(1).describe('NetworkAttachmentDefinition') }).strict(),
      ])
      .default({ type: 'pod' }),
    cloudInit: z
      .object({
        userData: z
          .string()
          .max(32 * 1024)
          .optional()
          .describe('cloud-config user data; no secrets (use userDataSecretRef)'),
        userDataSecretRef: dnsLabel().optional().describe('Secret in the namespace holding user data with secrets'),
        sshPublicKeys: z.array(z.string().trim().regex(SSH_PUBLIC_KEY, 'must be an SSH public key (e.g. ssh-ed25519 AAAA...)')).default([]),
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
              .min(1, 'must list at least one port'),
          })
          .strict(),
      ])
      .default({ type: 'none' }),
    expires: isoDate().optional(),
  })
  .strict()
  .superRefine((vm, ctx) => {
    const names = new Set<string>();
    vm.dataDisks.forEach((disk, i) => {
      if (disk.name === 'rootdisk' || disk.name === 'cloudinitdisk' || names.has(disk.name)) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['dataDisks', i, 'name'], message: `'${disk.name}' is used twice or reserved` });
      }
      names.add(disk.name);
    });
    if (vm.cloudInit.userData !== undefined && vm.cloudInit.userDataSecretRef !== undefined) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['cloudInit', 'userDataSecretRef'],
        message: 'set either userData or userDataSecretRef, not both',
      });
    }
    const userData = vm.cloudInit.userData ?? '';
    if (/-----BEGIN [A-Z ]*PRIVATE KEY-----|(^|\n)\s*(password|passwd|chpasswd)\s*:/i.test(userData)) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['cloudInit', 'userData'],
        message: 'must not contain private keys or passwords: put them in a Secret and use userDataSecretRef',
      });
    }
    if (vm.exposure.type === 'ClusterIP' && vm.exposure.ports.some(p => p.nodePort !== undefined)) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['exposure', 'ports'], message: 'nodePort is only allowed with type NodePort' });
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
    vmName: dnsLabel().optional().describe('Only this VM; the whole namespace when absent'),
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
export type ProvisioningRequest = NamespaceRequest | VmRequest | QuotaChangeRequest | DecommissionRequest;
/** The request kinds. */
export type ProvisioningRequestKind = ProvisioningRequest['kind'];
