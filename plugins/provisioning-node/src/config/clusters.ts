import { z } from 'zod';

const dnsLabel = z
  .string()
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'must be a DNS-1123 label')
  .max(63);

const authSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('serviceAccountToken'),
    token: z.string().min(1),
  }),
  z.object({
    type: z.literal('kubeconfig'),
    path: z.string().min(1).optional(),
    context: z.string().min(1).optional(),
  }),
  z.object({ type: z.literal('inCluster') }),
]);

/** How the portal reaches one cluster, as written under `provisioning.clusters[]`. */
export const clusterConnectionSchema = z
  .object({
    name: dnsLabel,
    title: z.string().optional(),
    environment: z.enum(['dev', 'staging', 'prod']),
    site: z.string().min(1).optional(),
    url: z.string().url().optional(),
    caData: z.string().min(1).optional(),
    skipTLSVerify: z.boolean().optional(),
    auth: authSchema,
    storageClasses: z.array(z.string().min(1)).default([]),
    networks: z.array(z.string().min(1)).default([]),
    ingressNamespace: z.string().min(1).optional(),
  })
  .superRefine((cluster, ctx) => {
    if (cluster.auth.type === 'serviceAccountToken' && !cluster.url) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['url'],
        message: 'is required when auth.type is serviceAccountToken',
      });
    }
  });

/** One cluster's connection settings, validated. */
export type ClusterConnection = z.infer<typeof clusterConnectionSchema>;
