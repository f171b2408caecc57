import { LoggerService } from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { CustomErrorBase } from '@backstage/errors';
import {
  DefaultGithubCredentialsProvider,
  ScmIntegrations,
} from '@backstage/integration';
import {
  Environment,
  ENVIRONMENTS,
  FieldProblem,
  formatProblems,
  PlatformSettings,
  parsePlatformSettings,
  zodProblems,
} from '@kubeportal/plugin-provisioning-common';
import type { Octokit } from '@octokit/rest';
import { z, ZodError } from 'zod';
import { createGitHubClient } from '../github/githubClient';
import { ClusterConnection, clusterConnectionSchema } from './clusters';

/**
 * The configuration is wrong: a server error (500) naming the config path and the rule, raised at start-up.
 *
 * @public
 */
export class ProvisioningConfigError extends CustomErrorBase {
  name = 'ProvisioningConfigError' as const;
}

/** Where the GitOps repository is, under `provisioning.gitops`. */
export interface GitOpsRepositoryConfig {
  /** GitHub host as in `integrations.github[].host` (github.com, a GHE host). */
  host: string;
  owner: string;
  repo: string;
  /** Branch pull requests target. */
  branch: string;
  /**
   * The GitHub login the portal writes as: its pull requests' author. Default: asked of GitHub with the token
   * (`GET /user`); a GitHub App must set it, as `<app-slug>[bot]`.
   */
  author?: string;
  /**
   * The secret GitHub signs the repository's webhook deliveries with (`X-Hub-Signature-256`). Without it the
   * portal's webhook route refuses every delivery: unsigned events are never accepted.
   */
  webhookSecret?: string;
}

/** A schedule under `provisioning.schedules.<task>`: how often, and how long one run may take. */
export interface TaskSchedule {
  frequency: { seconds: number };
  timeout: { seconds: number };
}

/** Everything the portal reads under `provisioning`, validated once at start-up. */
export interface ProvisioningConfig {
  /** The GitOps repository; absent when the portal only shows clusters. */
  gitops?: GitOpsRepositoryConfig;
  /** Catalog group of the platform team: co-owner of every folder, administers the portal. */
  platformTeam: string;
  /** Tiers, prices, policy, team defaults, VM overhead and cluster facts. */
  settings: PlatformSettings;
  /** How to reach each cluster. */
  clusters: ClusterConnection[];
  /** Schedules of the portal's background tasks. */
  schedules: {
    clusters: TaskSchedule;
    requests: TaskSchedule;
    /** The polling fallback for missed webhooks: request statuses from the pull requests (default every 120 s). */
    requestStatus: TaskSchedule;
    /** Full refresh of the namespace and VM entities from the live-state cache (changes arrive as deltas). */
    namespaces: TaskSchedule;
  };
  /** How many form checks (names, previews, namespace lists) one user may ask for per minute (default 60). */
  formChecksPerMinute: number;
  /** What the portal reads back from the clusters, and who sees it. */
  liveState: {
    /**
     * Hold and publish every namespace, not only those the portal created (`app.kubernetes.io/managed-by:
     * kubeportal`). Default false.
     */
    includeUnmanaged: boolean;
    /**
     * Environments whose namespaces' and VMs' live state (and catalog entities) every signed-in user may read;
     * elsewhere only the owning team and the platform team. Default none.
     */
    readableByAll: Environment[];
  };
  /** The portal's own address (`app.baseUrl`), for links in pull requests. */
  portalUrl?: string;
}

const nameRule = /^[A-Za-z0-9_.-]+$/;
const gitopsSchema = z
  .object({
    host: z.string().min(1).default('github.com'),
    owner: z
      .string()
      .min(1)
      .max(100)
      .regex(nameRule, 'must be a GitHub owner name'),
    repo: z
      .string()
      .min(1)
      .max(100)
      .regex(nameRule, 'must be a GitHub repository name'),
    branch: z
      .string()
      .min(1)
      .max(255)
      .regex(/^(?!.*\.\.)[A-Za-z0-9._/-]+$/, 'must be a branch name')
      .default('main'),
    author: z
      .string()
      .min(1)
      .max(100)
      .regex(
        /^[A-Za-z0-9-]+(\[bot\])?$/,
        'must be a GitHub login (an app is <slug>[bot])',
      )
      .optional(),
    webhookSecret: z.string().min(1, 'must not be empty').optional(),
  })
  .strict();

const scheduleSchema = (seconds: number, timeout: number) =>
  z
    .object({
      frequencySeconds: z.number().int().min(5).default(seconds),
      timeoutSeconds: z.number().int().min(1).default(timeout),
    })
    .strict()
    .default({})
    .transform(s => ({
      frequency: { seconds: s.frequencySeconds },
      timeout: { seconds: s.timeoutSeconds },
    }));

const sectionSchema = z
  .object({
    platformTeam: z.string().default('group:default/platform'),
    gitops: gitopsSchema.optional(),
    clusters: z.array(clusterConnectionSchema).default([]),
    schedules: z
      .object({
        clusters: scheduleSchema(300, 60),
        requests: scheduleSchema(30, 60),
        requestStatus: scheduleSchema(120, 60),
        namespaces: scheduleSchema(600, 60),
      })
      .strict()
      .default({}),
    formChecksPerMinute: z
      .number()
      .int('must be a whole number')
      .min(1, 'must be at least 1')
      .default(60),
    liveState: z
      .object({
        includeUnmanaged: z.boolean().default(false),
        readableByAll: z.array(z.enum(ENVIRONMENTS)).default([]),
      })
      .strict()
      .default({}),
    tiers: z.unknown(),
    prices: z.unknown(),
    policy: z.unknown(),
    teamDefaults: z.unknown(),
    vmOverhead: z.unknown(),
  })
  .strict();

/** `platform`, `default/platform` and `group:default/platform` all name the same group. */
function groupRef(ref: string): string {
  const withoutKind = ref.replace(/^group:/, '');
  return `group:${
    withoutKind.includes('/') ? withoutKind : `default/${withoutKind}`
  }`;
}

function configError(problems: FieldProblem[]): ProvisioningConfigError {
  return new ProvisioningConfigError(
    `Invalid configuration: ${formatProblems(problems)}`,
  );
}

/**
 * Reads and validates everything under `provisioning` once. Every problem is reported with its config path
 * (`provisioning.clusters[0].url: is required when auth.type is serviceAccountToken`) as a
 * `ProvisioningConfigError`, so a backend with a bad configuration does not start.
 *
 * @public
 */
export function readProvisioningConfig(config: Config): ProvisioningConfig {
  const raw = config.getOptional('provisioning') ?? {};
  const parsed = sectionSchema.safeParse(raw);
  if (!parsed.success)
    throw configError(zodProblems(parsed.error, ['provisioning']));
  const section = parsed.data;
  const problems: FieldProblem[] = [];
  if (
    !/^(group:)?([a-z0-9-_.]+\/)?[A-Za-z0-9-_.]+$/.test(section.platformTeam)
  ) {
    problems.push({
      path: 'provisioning.platformTeam',
      message: "must be a group entity ref like 'group:default/platform'",
    });
  }
  const seen = new Set<string>();
  section.clusters.forEach((cluster, index) => {
    if (seen.has(cluster.name))
      problems.push({
        path: `provisioning.clusters[${index}].name`,
        message: `cluster '${cluster.name}' is defined twice`,
      });
    seen.add(cluster.name);
  });
  if (problems.length > 0) throw configError(problems);
  let settings: PlatformSettings;
  try {
    settings = parsePlatformSettings({
      clusters: section.clusters.map(c => ({
        name: c.name,
        title: c.title,
        environment: c.environment,
        site: c.site,
        storageClasses: c.storageClasses,
        networks: c.networks,
        ingressNamespace: c.ingressNamespace,
      })),
      tiers: section.tiers as never,
      prices: section.prices as never,
      policy: section.policy as never,
      teamDefaults: section.teamDefaults as never,
      vmOverhead: section.vmOverhead as never,
      portalUrl: config.getOptionalString('app.baseUrl'),
    });
  } catch (error) {
    if (error instanceof ZodError)
      throw configError(zodProblems(error, ['provisioning']));
    throw error;
  }
  return {
    gitops: section.gitops,
    platformTeam: groupRef(section.platformTeam),
    settings,
    clusters: section.clusters,
    schedules: section.schedules,
    formChecksPerMinute: section.formChecksPerMinute,
    liveState: {
      includeUnmanaged: section.liveState.includeUnmanaged,
      readableByAll: [...new Set(section.liveState.readableByAll)],
    },
    portalUrl: config.getOptionalString('app.baseUrl'),
  };
}

/**
 * Creates the one GitHub client of the GitOps repository from `integrations.github` (token or GitHub App, with
 * its API base URL, so github.com and GitHub Enterprise work alike). The host must be configured (checked now);
 * the token is asked of `@backstage/integration` on every call, which caches and renews App tokens.
 *
 * @public
 */
export function createGitOpsClient(
  config: Config,
  gitops: GitOpsRepositoryConfig,
  options: { logger?: LoggerService } = {},
): Octokit {
  const integrations = ScmIntegrations.fromConfig(config);
  const integration = integrations.github.byHost(gitops.host);
  if (!integration) {
    throw new ProvisioningConfigError(
      `Invalid configuration: provisioning.gitops.host: integrations.github has no entry for host '${gitops.host}'`,
    );
  }
  const provider =
    DefaultGithubCredentialsProvider.fromIntegrations(integrations);
  const url = `https://${gitops.host}/${gitops.owner}/${gitops.repo}`;
  return createGitHubClient({
    baseUrl: integration.config.apiBaseUrl ?? 'https://api.github.com',
    logger: options.logger,
    token: async () => {
      const { token } = await provider.getCredentials({ url });
      if (!token) {
        throw new ProvisioningConfigError(
          `Invalid configuration: integrations.github: no token or GitHub App for ${gitops.owner}/${gitops.repo} on ${gitops.host}`,
        );
      }
      return token;
    },
  });
}
