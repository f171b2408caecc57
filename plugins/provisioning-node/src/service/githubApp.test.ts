import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { GitHubEmulator } from '@kubeportal/test-environment';
import { generateKeyPairSync } from 'node:crypto';
import { createProvisioningService } from './provisioningService';

describe('GitHub App authentication (installation tokens through @backstage/integration)', () => {
  let github: GitHubEmulator;
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
  });
  const privateKeyPem = privateKey
    .export({ type: 'pkcs1', format: 'pem' })
    .toString();

  beforeAll(async () => {
    github = new GitHubEmulator({
      tokens: {},
      apps: [
        {
          appId: 4242,
          slug: 'kubeportal',
          publicKeyPem: publicKey
            .export({ type: 'spki', format: 'pem' })
            .toString(),
          installations: [{ id: 77, owner: 'acme' }],
        },
      ],
    });
    await github.start();
    await github.createRepo('acme/gitops', {
      files: { 'clusters/dev/kustomization.yaml': 'resources: []\n' },
      collaborators: ['alice'],
    });
  });
  afterAll(() => github.stop());

  const config = (key: string) =>
    new ConfigReader({
      integrations: {
        github: [
          {
            host: 'github.example',
            apiBaseUrl: github.url,
            apps: [
              {
                appId: 4242,
                privateKey: key,
                clientId: 'c',
                clientSecret: 's',
                webhookSecret: 'w',
              },
            ],
          },
        ],
      },
      provisioning: {
        gitops: {
          host: 'github.example',
          owner: 'acme',
          repo: 'gitops',
          branch: 'main',
          author: 'kubeportal[bot]',
        },
      },
    });

  it('reads and writes the GitOps repository as the app installation', async () => {
    const service = createProvisioningService(config(privateKeyPem), {
      logger: mockServices.logger.mock(),
    });
    const { repository, writer } = service.gitops!;
    const snapshot = await repository.snapshot(path =>
      path.startsWith('clusters/'),
    );
    expect(snapshot.files.get('clusters/dev/kustomization.yaml')).toBe(
      'resources: []\n',
    );
    const pull = await writer.openOrUpdate({
      owner: 'acme',
      repo: 'gitops',
      base: 'main',
      baseSha: snapshot.commitSha,
      baseTreeSha: snapshot.treeSha,
      branch: 'provisioning/create/dev.ns.app',
      requestedBy: {
        requestId: 'dev.ns.app',
        requester: 'user:default/jdoe',
        team: 'group:default/payments',
      },
      title: 'Namespace app on dev',
      body: 'x',
      commitMessage: 'x',
      changes: [
        {
          path: 'clusters/dev/namespaces/app/namespace.yaml',
          content: 'kind: Namespace\n',
        },
      ],
      reviewers: ['alice'],
      labels: ['provisioning'],
    });
    expect(github.pulls('acme/gitops')[pull.number - 1]).toMatchObject({
      user: 'kubeportal[bot]',
      requestedReviewers: ['alice'],
    });
    // one installation token, reused for every call (integration's cache)
    expect(github.issuedAppTokens).toHaveLength(1);
    expect(
      github.calls()['POST /app/installations/{installation_id}/access_tokens'],
    ).toBe(1);
  }, 30_000); // the production client paces writes as GitHub asks (1 s, 3 s for notifying ones)

  it('fails on every call, naming GitHub, when the app key is wrong', async () => {
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 })
      .privateKey.export({ type: 'pkcs1', format: 'pem' })
      .toString();
    const service = createProvisioningService(config(other), {
      logger: mockServices.logger.mock(),
    });
    await expect(service.gitops!.repository.head()).rejects.toThrow(
      /Reading branch 'main' of acme\/gitops failed: .*(credentials|JSON web token)/i,
    );
  });
});
