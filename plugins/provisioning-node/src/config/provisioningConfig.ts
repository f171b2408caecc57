import { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { DefaultGithubCredentialsProvider, ScmIntegrations } from '@backstage/integration';
import { PlatformSettings, formatProblems, parsePlatformSettings, zodProblems } from '@kubeportal/plugin-provisioning-common';
import type { Octokit } from '@octokit/rest';
import { z, ZodError } from 'zod';
import { readClusterConnections } from './clusters';

/** Where the GitOps repository is, under `provisioning.gitops`. */
export interface GitOpsRepositoryConfig {
  /** GitHub host as in `integrations.github[].host` (github.com, a GHE host). */
  host: string;
  owner: string;
  repo: string;
  /** Branch pull requests target. */
  branch: string;
}

const gitopsSchema = z.object({
  host: z.string().min(1).default('github.com'),
  owner: z.string().min(1),
  repo: z.string().min(1),
  branch: z.string().min(1).default('main'),
});

/** Reads `provisioning.gitops`; the error names the config path. */
export function readGitOpsConfig(config: Config): GitOpsRepositoryConfig {
  const raw = config.getOptional('provisioning.gitops');
  if (raw === undefined) throw new InputError('Missing configuration: provisioning.gitops (host, owner, repo, branch) says where the GitOps repository is');
  const parsed = gitopsSchema.safeParse(raw);
  if (!parsed.success) throw new InputError(`Invalid configuration: ${formatProblems(zodProblems(parsed.error, ['provisioning', 'gitops']))}`);
  return parsed.data;
}

/**
 * Reads the platform settings the pure core needs from `provisioning.*` (tiers, prices, policy, team defaults,
 * VM overhead; cluster facts from `provisioning.clusters`), filling defaults. Errors name the config path.
 */
export function readPlatformSettings(config: Config): PlatformSettings {
  const clusters = readClusterConnections(config).map(c => ({
    name: c.name,
    title: c.title,
    environment: c.environment,
    site: c.site,
    storageClasses: c.storageClasses,
    networks: c.networks,
    ingressNamespace: c.ingressNamespace,
  }));
  const section = (key: string) => config.getOptional(`provisioning.${key}`);
  try {
    return parsePlatformSettings({
      clusters,
      tiers: section('tiers') as any,
      prices: section('prices') as any,
      policy: section('policy') as any,
      teamDefaults: section('teamDefaults') as any,
      vmOverhead: section('vmOverhead') as any,
      portalUrl: config.getOptionalString('app.baseUrl'),
    });
  } catch (error) {
    if (error instanceof ZodError) throw new InputError(`Invalid configuration: ${formatProblems(zodProblems(error, ['provisioning']))}`);
    throw error;
  }
}

/**
 * Creates an Octokit for a GitHub host from `integrations.github` (token or GitHub App), with its API base URL,
 * so github.com and GitHub Enterprise work alike.
 */
export async function createOctokit(config: Config, gitops: GitOpsRepositoryConfig): Promise<Octokit> {
  const integrations = ScmIntegrations.fromConfig(config);
  const integration = integrations.github.byHost(gitops.host);
  if (!integration) {
    throw new InputError(`Missing configuration: integrations.github has no entry for host '${gitops.host}' (provisioning.gitops.host)`);
  }
  const provider = DefaultGithubCredentialsProvider.fromIntegrations(integrations);
  const url = `https://${gitops.host}/${gitops.owner}/${gitops.repo}`;
  const { token } = await provider.getCredentials({ url });
  if (!token) {
    throw new InputError(`Missing configuration: no token or GitHub App for ${gitops.owner}/${gitops.repo} on ${gitops.host} in integrations.github`);
  }
  // ESM-only package: required (Node 22 loads ESM through require; see loadClientNode)
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { Octokit: OctokitClass } = require('@octokit/rest') as typeof import('@octokit/rest');
  return new OctokitClass({ baseUrl: integration.config.apiBaseUrl, auth: token, request: { retries: 0 } });
}
