/*
 * The provisioning backend on its own, for frontend development and the frontend's tests: the real plugin, started
 * with Backstage's test backend, against the GitHub emulator (a GitOps repository with one namespace of team
 * payments) and a real API server built from Go modules. Started with `yarn start` in this folder, or by a test with
 * `node --require @backstage/cli/config/nodeTransform.cjs dev/index.ts`. When it is ready it prints one JSON line:
 * the backend's URL and, per user, the Authorization header Backstage's mock auth accepts for them.
 *
 * Clusters: dev (real, rack-a, with a namespace legacy-app made outside the portal, and payments-live of team payments
 * with a quota 90% used by a pod) and prod (rack-b, unreachable). Users: jdoe (team payments), alice (lead of payments),
 * mallory (team billing).
 */
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  applyChanges,
  LABELS,
  MANAGED_BY,
  parsePlatformSettings,
  parseRequest,
  renderRequest,
  RepoSnapshot,
} from '@kubeportal/plugin-provisioning-common';
import {
  clusterConnection,
  GitHubEmulator,
  portalTestConfig,
  startKubeTestEnv,
  teamGroup,
  userInfoFromTeams,
} from '@kubeportal/test-environment';
import { AddressInfo } from 'node:net';
import { provisioningPlugin } from '../src/plugin';

const memberships: Record<string, string[]> = {
  jdoe: ['payments'],
  alice: ['payments'],
  mallory: ['billing'],
};

async function main() {
  const github = new GitHubEmulator({
    tokens: { 'portal-token': 'portal-bot' },
  });
  await github.start();
  const settings = parsePlatformSettings({
    clusters: [
      { name: 'dev', environment: 'dev', storageClasses: ['fast'] },
      { name: 'prod', environment: 'prod' },
    ],
  });
  let repo: RepoSnapshot = new Map([
    [
      'clusters/dev/kustomization.yaml',
      'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: []\n',
    ],
  ]);
  repo = applyChanges(
    repo,
    renderRequest(
      parseRequest({
        kind: 'namespace',
        cluster: 'dev',
        name: 'payments-dev',
        team: 'payments',
        requester: 'user:default/alice',
        environment: 'dev',
        costCentre: 'CC-payments',
        purpose: 'Payments development',
        quota: { tier: 'S' },
      }),
      { settings, repo, codeowners: ['alice'] },
    ).changes,
  );
  await github.createRepo('acme/gitops', {
    files: Object.fromEntries(repo),
    collaborators: ['alice', 'bob'],
  });
  // with the controller manager: quotas report what is used, namespaces get their default service account
  const env = await startKubeTestEnv({ clusters: ['dev'] });
  // a namespace made outside the portal: its name is taken on the cluster
  await env.clusters.dev.api.request('POST', '/api/v1/namespaces', {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: 'legacy-app' },
  });
  // a namespace of team payments as Flux would have applied it, with a quota and a pod that counts against it
  const api = env.clusters.dev.api;
  await api.request('POST', '/api/v1/namespaces', {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: {
      name: 'payments-live',
      labels: { [LABELS.managedBy]: MANAGED_BY, [LABELS.owner]: 'payments' },
    },
  });
  await api.request('POST', '/api/v1/namespaces/payments-live/resourcequotas', {
    apiVersion: 'v1',
    kind: 'ResourceQuota',
    metadata: { name: 'quota' },
    spec: { hard: { pods: '4', 'requests.cpu': '1' } },
  });
  const pod = (name: string) =>
    api.request('POST', '/api/v1/namespaces/payments-live/pods', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name },
      spec: {
        containers: [
          {
            name: 'web',
            image: 'registry.example/web:1',
            resources: { requests: { cpu: '900m' }, limits: { cpu: '1' } },
          },
        ],
      },
    });
  // admitted once the controller manager has made the namespace's default service account
  for (let i = 0; ; i++) {
    try {
      await pod('web');
      break;
    } catch (error) {
      if (i > 120) throw error;
      await new Promise(r => setTimeout(r, 500));
    }
  }

  const { server } = await startTestBackend({
    features: [
      provisioningPlugin,
      catalogServiceMock.factory({
        entities: [
          teamGroup('payments', 'alice'),
          teamGroup('billing', 'bob'),
          teamGroup('platform', 'platform-lead'),
        ],
      }),
      userInfoFromTeams(user => memberships[user] ?? []),
      mockServices.rootConfig.factory({
        data: portalTestConfig({
          github,
          baseUrl: 'http://portal.test',
          provisioning: { platformTeam: 'group:default/platform' },
          clusters: [
            {
              name: 'dev',
              environment: 'dev',
              site: 'rack-a',
              storageClasses: ['fast'],
              ...clusterConnection(env.clusters.dev),
            },
            {
              name: 'prod',
              environment: 'prod',
              site: 'rack-b',
              url: 'https://127.0.0.1:1',
              auth: { type: 'serviceAccountToken', token: 'unused' },
            },
          ],
        }),
      }),
    ],
  });

  const stop = async () => {
    server.close();
    await github.stop();
    await env.stop();
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);

  const { port } = server.address() as AddressInfo;
  process.stdout.write(
    `${JSON.stringify({
      url: `http://127.0.0.1:${port}`,
      authorization: Object.fromEntries(
        Object.keys(memberships).map(user => [
          user,
          mockCredentials.user.header(`user:default/${user}`),
        ]),
      ),
    })}\n`,
  );
}

main().catch(error => {
  process.stderr.write(`${error?.stack ?? error}\n`);
  process.exit(1);
});
