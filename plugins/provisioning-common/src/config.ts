import { z } from 'zod';
import { dnsLabel, quantity, storageClassName } from './validation';
import { vmImageSourcesSchema } from './vmImageSources';

/** Environments a cluster or namespace belongs to. */
export const ENVIRONMENTS = ['dev', 'staging', 'prod'] as const;
/** dev, staging or prod. */
export type Environment = (typeof ENVIRONMENTS)[number];

/** Most storage classes one quota may name. */
export const MAX_QUOTA_STORAGE_CLASSES = 16;

/** Explicit quota values. Every field is a Kubernetes quantity or count. */
export const quotaValuesSchema = z
  .object({
    requestsCpu: quantity().describe(
      'Sum of CPU requests of all pods (requests.cpu)',
    ),
    limitsCpu: quantity().describe('Sum of CPU limits (limits.cpu)'),
    requestsMemory: quantity().describe(
      'Sum of memory requests (requests.memory)',
    ),
    limitsMemory: quantity().describe('Sum of memory limits (limits.memory)'),
    requestsStorage: quantity().describe(
      'Total storage requested by PVCs (requests.storage)',
    ),
    storageClasses: z
      .record(
        storageClassName(),
        z
          .object({
            requestsStorage: quantity().optional(),
            persistentVolumeClaims: z.number().int().nonnegative().optional(),
          })
          .strict(),
      )
      .refine(
        classes => Object.keys(classes).length <= MAX_QUOTA_STORAGE_CLASSES,
        {
          message: `must name at most ${MAX_QUOTA_STORAGE_CLASSES} storage classes`,
        },
      )
      .default({})
      .describe('Storage per storage class'),
    persistentVolumeClaims: z
      .number()
      .int()
      .nonnegative()
      .describe('Number of PVCs'),
    pods: z.number().int().positive().describe('Number of pods'),
    services: z.number().int().nonnegative().describe('Number of services'),
    loadBalancers: z
      .number()
      .int()
      .nonnegative()
      .default(0)
      .describe('Services of type LoadBalancer'),
    nodePorts: z
      .number()
      .int()
      .nonnegative()
      .default(0)
      .describe('Services of type NodePort'),
  })
  .strict();
/** Explicit quota values, parsed. */
export type QuotaValues = z.infer<typeof quotaValuesSchema>;

const limitPairSchema = z
  .object({ cpu: quantity(), memory: quantity() })
  .strict();

/** Limit-range values: default request and limit per container, maximum per pod. */
export const limitRangeValuesSchema = z
  .object({
    defaultRequest: limitPairSchema.describe(
      'Request given to a container that sets none',
    ),
    default: limitPairSchema.describe(
      'Limit given to a container that sets none',
    ),
    maxPerPod: limitPairSchema
      .partial()
      .optional()
      .describe('Largest total limit a pod may have'),
  })
  .strict();
/** Limit-range values, parsed. */
export type LimitRangeValues = z.infer<typeof limitRangeValuesSchema>;

/** The platform facts of one cluster that requests are checked against (no connection details). */
export const clusterFactsSchema = z.object({
  name: dnsLabel(),
  title: z.string().optional(),
  environment: z.enum(ENVIRONMENTS),
  site: z.string().optional(),
  storageClasses: z.array(z.string().min(1)).default([]),
  networks: z.array(z.string().min(1)).default([]),
  ingressNamespace: z.string().min(1).optional(),
});
/** One cluster's platform facts. */
export type ClusterFacts = z.infer<typeof clusterFactsSchema>;

/** Prices per month, in `currency`; decimals allowed. */
export const priceTableSchema = z
  .object({
    currency: z.string().min(1).default('EUR'),
    cpuCoreMonth: z.number().nonnegative(),
    memoryGiBMonth: z.number().nonnegative(),
    storageGiBMonth: z
      .record(storageClassName(), z.number().nonnegative())
      .default({})
      .describe('Price per GiB and month, per storage class name'),
    defaultStorageGiBMonth: z.number().nonnegative(),
    vmMonth: z.number().nonnegative().describe('Surcharge per virtual machine'),
  })
  .strict();
/** The price table. */
export type PriceTable = z.infer<typeof priceTableSchema>;

/** Policy: limits that requests must stay within. */
export const policySchema = z
  .object({
    maxQuota: z
      .record(z.enum(ENVIRONMENTS), quotaValuesSchema.partial())
      .default({})
      .describe('Per environment, the largest quota one namespace may have'),
    teamBudgets: z
      .record(dnsLabel(), z.number().nonnegative())
      .default({})
      .describe('Monthly budget per team name (a DNS-1123 label)'),
    defaultTeamBudget: z
      .number()
      .nonnegative()
      .optional()
      .describe('Budget of a team not listed in teamBudgets'),
    prodMinApprovers: z.number().int().min(1).default(2),
    maxExpiryDays: z
      .number()
      .int()
      .positive()
      .optional()
      .describe('Longest expiry allowed outside prod'),
    vmImages: vmImageSourcesSchema
      .default({})
      .describe('Where VM root disks may be cloned or imported from'),
  })
  .strict();
/** Policy settings. */
export type PolicySettings = z.infer<typeof policySchema>;

/** Defaults every namespace of a team inherits through its team component. */
export const teamDefaultsSchema = z
  .object({
    limitRange: limitRangeValuesSchema,
    dnsNamespace: z.string().default('kube-system'),
  })
  .strict();
/** Team defaults. */
export type TeamDefaults = z.infer<typeof teamDefaultsSchema>;

const DECIMAL = /^\d+(\.\d+)?$/;

/**
 * The settings of the clusters' KubeVirt that decide what a VM's virt-launcher pod asks of its namespace's quota
 * (see `virtLauncherResources`); they must match the KubeVirt CR of the clusters.
 */
export const vmOverheadSchema = z
  .object({
    /** KubeVirt's `spec.configuration.additionalGuestMemoryOverheadRatio`, a decimal of at least 1. */
    additionalGuestMemoryOverheadRatio: z
      .string()
      .regex(DECIMAL, 'must be a decimal number such as "1.2"')
      // only a decimal is compared: a malformed ratio gets the message above alone
      .refine(
        ratio => !DECIMAL.test(ratio) || Number(ratio) >= 1,
        'must be at least 1',
      )
      .optional(),
    /** False when the KubeVirt CR sets `virtualMachineOptions.disableSerialConsoleLog`. */
    serialConsoleLog: z.boolean().default(true),
    /** CPU architecture of the nodes that run VMs. */
    architecture: z.enum(['amd64', 'arm64']).default('amd64'),
  })
  .strict();
/** VM overhead settings. */
export type VmOverheadSettings = z.infer<typeof vmOverheadSchema>;

/** The platform team's settings under `provisioning` that the pure core needs. */
export const platformSettingsSchema = z
  .object({
    clusters: z.array(clusterFactsSchema).default([]),
    tiers: z.record(z.string().regex(/^[A-Za-z0-9-]+$/), quotaValuesSchema),
    prices: priceTableSchema,
    policy: policySchema.default({}),
    teamDefaults: teamDefaultsSchema,
    vmOverhead: vmOverheadSchema.default({}),
    portalUrl: z.string().url().default('http://localhost:3000'),
  })
  .strict();
/** Validated platform settings. */
export type PlatformSettings = z.infer<typeof platformSettingsSchema>;
/** Platform settings as written in configuration (before defaults). */
export type PlatformSettingsInput = z.input<typeof platformSettingsSchema>;

/** Settings used when the configuration sets none: four tiers, a price table and a conservative policy. */
export const DEFAULT_PLATFORM_SETTINGS: PlatformSettingsInput = {
  tiers: {
    S: {
      requestsCpu: '2',
      limitsCpu: '4',
      requestsMemory: '4Gi',
      limitsMemory: '8Gi',
      requestsStorage: '50Gi',
      persistentVolumeClaims: 5,
      pods: 20,
      services: 5,
      loadBalancers: 0,
      nodePorts: 0,
    },
    M: {
      requestsCpu: '4',
      limitsCpu: '8',
      requestsMemory: '16Gi',
      limitsMemory: '32Gi',
      requestsStorage: '200Gi',
      persistentVolumeClaims: 10,
      pods: 50,
      services: 10,
      loadBalancers: 1,
      nodePorts: 2,
    },
    L: {
      requestsCpu: '8',
      limitsCpu: '16',
      requestsMemory: '32Gi',
      limitsMemory: '64Gi',
      requestsStorage: '500Gi',
      persistentVolumeClaims: 20,
      pods: 100,
      services: 20,
      loadBalancers: 2,
      nodePorts: 4,
    },
    XL: {
      requestsCpu: '16',
      limitsCpu: '32',
      requestsMemory: '64Gi',
      limitsMemory: '128Gi',
      requestsStorage: '1Ti',
      persistentVolumeClaims: 40,
      pods: 200,
      services: 40,
      loadBalancers: 4,
      nodePorts: 8,
    },
  },
  prices: {
    currency: 'EUR',
    cpuCoreMonth: 20,
    memoryGiBMonth: 3,
    storageGiBMonth: {},
    defaultStorageGiBMonth: 0.1,
    vmMonth: 15,
  },
  teamDefaults: {
    limitRange: {
      defaultRequest: { cpu: '100m', memory: '128Mi' },
      default: { cpu: '500m', memory: '512Mi' },
    },
  },
};

/**
 * Parses platform settings, filling every setting not given from `DEFAULT_PLATFORM_SETTINGS`. Throws the zod
 * error; callers turn it into field problems.
 */
export function parsePlatformSettings(
  input: Partial<PlatformSettingsInput> = {},
): PlatformSettings {
  return platformSettingsSchema.parse({
    ...DEFAULT_PLATFORM_SETTINGS,
    ...Object.fromEntries(
      Object.entries(input).filter(([, v]) => v !== undefined),
    ),
  });
}
