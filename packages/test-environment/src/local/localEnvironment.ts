import {
  clusterKustomizationHeader,
  platformKustomizationHeader,
  toYaml,
} from '@kubeportal/plugin-provisioning-common';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { clusterConnection } from '../backstage/portalTestBackend';
import { ensureBinaries } from '../binaries';
import { FluxControllers, startFlux, syncClusterFromGit } from '../flux/flux';
import { BranchProtectionRequest } from '../github/branchProtection';
import { GitHubEmulator } from '../github/GitHubEmulator';
import { EmulatedNode, registerNodes } from '../kube/emulatedControllers';
import { KubeTestEnv, startKubeTestEnv } from '../kube/kubeTestEnv';

/** The GitOps repository the local portal starts with. */
export const LOCAL_GITOPS_REPO = 'acme/gitops';

/** Platform settings of the local clusters (written into the seeded repository and the portal's config). */
export const LOCAL_CLUSTERS = [
  {
    name: 'dev',
    environment: 'dev',
    site: 'local-rack-a',
    storageClasses: ['standard', 'fast'],
    networks: ['vlan-100'],
    ingressNamespace: 'ingress-nginx',
  },
  {
    name: 'prod',
    environment: 'prod',
    site: 'local-rack-b',
    storageClasses: ['standard'],
    networks: [],
    ingressNamespace: 'ingress-nginx',
  },
] as const;

/**
 * The seeded GitOps repository: platform settings, a CODEOWNERS header and per cluster an empty platform part
 * (which Flux's Kustomization of the cluster applies from the start) listed by the cluster kustomization.
 */
export function seedFiles(): Record<string, string> {
  const files: Record<string, string> = {
    'README.md':
      '# GitOps repository\n\nDesired state of every cluster under `clusters/<cluster>/`, written by the provisioning portal.\n',
    '.kubeportal/platform.yaml': toYaml(
      { clusters: LOCAL_CLUSTERS },
      ' Platform settings the pull-request checks use (provisioning validate).',
    ),
    CODEOWNERS:
      '# Platform team owns everything not owned by a namespace below.\n* @platform-lead\n',
  };
  for (const cluster of LOCAL_CLUSTERS) {
    files[`clusters/${cluster.name}/kustomization.yaml`] = toYaml(
      {
        apiVersion: 'kustomize.config.k8s.io/v1beta1',
        kind: 'Kustomization',
        resources: ['platform'],
      },
      clusterKustomizationHeader(cluster.name),
    );
    files[`clusters/${cluster.name}/platform/kustomization.yaml`] = toYaml(
      {
        apiVersion: 'kustomize.config.k8s.io/v1beta1',
        kind: 'Kustomization',
        resources: [],
      },
      platformKustomizationHeader(cluster.name),
    );
  }
  return files;
}

/** Who has write access to the seeded GitOps repository: a team's project lead and the platform lead (its code owner). */
export const LOCAL_GITOPS_COLLABORATORS = ['alice', 'platform-lead'];

/**
 * The protection the portal relies on for the GitOps repository's branch, in the body of GitHub's
 * `PUT /repos/{owner}/{repo}/branches/{branch}/protection`: a pull request approved by a code owner of every
 * changed file (CODEOWNERS names the namespace folders' project leads and, for everything else, the platform lead),
 * approvals dismissed when the pull request changes afterwards, and no exception for administrators.
 * `required_status_checks` is null: nothing posts a commit status or check run on the GitOps repository (the
 * portal's policy checks run before the pull request opens, and their result is in its body), so requiring one
 * would block every merge.
 */
export const GITOPS_BRANCH_PROTECTION: BranchProtectionRequest = {
  required_status_checks: null,
  enforce_admins: true,
  required_pull_request_reviews: {
    dismiss_stale_reviews: true,
    require_code_owner_reviews: true,
    required_approving_review_count: 1,
  },
  restrictions: null,
};

/**
 * Creates the seeded GitOps repository (`seedFiles`) on an emulator, with its collaborators, and protects its
 * default branch with `GITOPS_BRANCH_PROTECTION`: what the local environment starts with, for tests that merge
 * as the portal's users would.
 */
export async function createGitOpsRepository(
  github: GitHubEmulator,
  fullName: string = LOCAL_GITOPS_REPO,
): Promise<void> {
  await github.createRepo(fullName, {
    files: seedFiles(),
    collaborators: LOCAL_GITOPS_COLLABORATORS,
  });
  await github.protectBranch(fullName, 'main', GITOPS_BRANCH_PROTECTION);
}

/** What the local portal runs against. */
export interface LocalEnvironment {
  github: GitHubEmulator;
  env?: KubeTestEnv;
  flux: FluxControllers[];
  /** app-config fragment pointing the portal at the emulator and the clusters. */
  appConfig: Record<string, unknown>;
  stop(): Promise<void>;
}

/** The nodes of the local clusters: API objects only (no kubelet runs), with the capacity a kubelet would report. */
const LOCAL_NODES: Record<string, EmulatedNode[]> = {
  dev: ['a', 'b'].map(n => ({
    name: `dev-node-${n}`,
    cpu: '8',
    memory: '32Gi',
  })),
  prod: ['a', 'b', 'c'].map(n => ({
    name: `prod-node-${n}`,
    cpu: '32',
    memory: '128Gi',
  })),
};

/**
 * Starts the local default: a GitHub emulator with a seeded GitOps repository, and (unless `clusters: false`)
 * two real control planes, `dev` and `prod`, each with real Flux syncing `clusters/<name>` from it.
 */
export async function startLocalEnvironment(
  options: {
    clusters?: boolean;
    githubPort?: number;
    /** Where the portal's backend listens, for the repository's webhook (default http://localhost:7007). */
    backendUrl?: string;
  } = {},
): Promise<LocalEnvironment> {
  const github = new GitHubEmulator({
    tokens: {
      'portal-local-token': 'portal-bot',
      'alice-local-token': 'alice',
      'platform-lead-token': 'platform-lead',
    },
    port: options.githubPort,
  });
  await github.start();
  await createGitOpsRepository(github);
  // the repository's webhook, as a platform team sets it up on GitHub: the portal learns of reviews and merges
  // from it, with a secret made for this run
  const webhookSecret = randomBytes(24).toString('hex');
  const hooked = await fetch(`${github.url}/repos/${LOCAL_GITOPS_REPO}/hooks`, {
    method: 'POST',
    headers: {
      authorization: 'token platform-lead-token',
      'content-type': 'application/json',
    },
    body: JSON.stringify({
      name: 'web',
      active: true,
      events: ['pull_request', 'pull_request_review', 'push'],
      config: {
        url: `${(options.backendUrl ?? 'http://localhost:7007').replace(
          /\/$/,
          '',
        )}/api/provisioning/webhooks/github`,
        content_type: 'json',
        secret: webhookSecret,
      },
    }),
  });
  if (hooked.status !== 201)
    throw new Error(
      `could not add the GitOps repository's webhook: ${
        hooked.status
      } ${await hooked.text()}`,
    );
  const host = new URL(github.url).host;
  const flux: FluxControllers[] = [];
  let env: KubeTestEnv | undefined;
  const stop = async () => {
    await Promise.all(flux.map(f => f.stop()));
    await env?.stop();
    await github.stop();
  };
  try {
    const appConfig: Record<string, any> = {
      integrations: {
        github: [{ host, apiBaseUrl: github.url, token: 'portal-local-token' }],
      },
      provisioning: {
        gitops: {
          host,
          owner: 'acme',
          repo: 'gitops',
          branch: 'main',
          webhookSecret,
        },
      },
      // guest sign-in lives only in this local configuration, never in app-config.yaml
      auth: {
        providers: {
          guest: {
            userEntityRef: 'user:default/guest',
            dangerouslyAllowOutsideDevelopment: true,
          },
        },
      },
    };
    if (options.clusters !== false) {
      env = await startKubeTestEnv({
        clusters: LOCAL_CLUSTERS.map(c => c.name),
      });
      const binaries = await ensureBinaries();
      // nodes as API objects with the capacity a kubelet would report (no kubelet runs here), so the cluster
      // overview has something to hold the quotas against
      for (const [name, nodes] of Object.entries(LOCAL_NODES))
        await registerNodes(env.clusters[name].api, nodes);
      for (const cluster of Object.values(env.clusters)) {
        flux.push(await startFlux(cluster, binaries));
        await syncClusterFromGit(cluster, {
          url: github.cloneUrl(LOCAL_GITOPS_REPO),
        });
      }
      appConfig.provisioning.clusters = LOCAL_CLUSTERS.map(c => ({
        ...c,
        ...clusterConnection(env!.clusters[c.name]),
      }));
    }
    return { github, env, flux, appConfig, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * Command-line entry: starts the local environment, writes its app-config fragment to `configFile`, prints where
 * things are, and stops everything on SIGINT/SIGTERM.
 */
export async function main(argv: string[]): Promise<void> {
  const configFile = argv[0];
  const withClusters = !argv.includes('--no-clusters');
  const started = Date.now();
  const local = await startLocalEnvironment({
    clusters: withClusters,
    githubPort: Number(process.env.KUBEPORTAL_GITHUB_PORT ?? 7010),
    backendUrl: process.env.KUBEPORTAL_BACKEND_URL,
  });
  fs.mkdirSync(path.dirname(configFile), { recursive: true });
  fs.writeFileSync(
    configFile,
    `# Written by the local environment launcher; regenerated on every start.\n${YAML.stringify(
      local.appConfig,
    )}`,
    { mode: 0o600 },
  );
  const lines = [
    `GitHub emulator: ${local.github.url} (repository ${LOCAL_GITOPS_REPO}; pull requests at ${local.github.url}/)`,
    ...Object.values(local.env?.clusters ?? {}).map(
      c =>
        `cluster ${c.name}: ${c.server} (kubeconfig ${c.kubeconfigPath}), Flux syncing clusters/${c.name}`,
    ),
    `ready in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  ];
  process.stdout.write(
    `${lines.map(l => `[local-environment] ${l}`).join('\n')}\n`,
  );
  fs.writeFileSync(`${configFile}.ready`, lines.join('\n'));
  const shutdown = async () => {
    fs.rmSync(`${configFile}.ready`, { force: true });
    await local.stop();
    process.exit(0);
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

if (require.main === module) {
  main(process.argv.slice(2)).catch(error => {
    process.stderr.write(
      `[local-environment] failed: ${error.stack ?? error}\n`,
    );
    process.exit(1);
  });
}
