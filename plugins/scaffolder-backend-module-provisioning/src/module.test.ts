import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { scaffolderModuleProvisioning } from './module';

describe('scaffolderModuleProvisioning', () => {
  const start = async (data: object) => {
    const addActions = jest.fn();
    await startTestBackend({
      extensionPoints: [[scaffolderActionsExtensionPoint, { addActions }]],
      features: [
        scaffolderModuleProvisioning,
        catalogServiceMock.factory(),
        mockServices.rootConfig.factory({ data }),
      ],
    });
    return addActions.mock.calls.flat().map((a: { id: string }) => a.id);
  };
  const clusters = [
    { name: 'dev', environment: 'dev', auth: { type: 'inCluster' } },
  ];

  it('registers the provisioning actions with the scaffolder', async () => {
    const ids = await start({
      integrations: { github: [{ host: 'github.example', token: 't' }] },
      provisioning: {
        clusters,
        gitops: { host: 'github.example', owner: 'acme', repo: 'gitops' },
      },
    });
    expect(ids).toEqual([
      'provisioning:request:describe',
      'provisioning:request:validate',
      'provisioning:request:render',
      'provisioning:github:pull-request',
    ]);
  });

  it('installs only the describe action without a GitOps repository', async () => {
    expect(await start({ provisioning: { clusters } })).toEqual([
      'provisioning:request:describe',
    ]);
  });

  it('refuses to start when the GitOps host has no GitHub integration, naming the config path', async () => {
    await expect(
      start({
        provisioning: {
          clusters,
          gitops: { host: 'github.example', owner: 'acme', repo: 'gitops' },
        },
      }),
    ).rejects.toThrow(
      "provisioning.gitops.host: integrations.github has no entry for host 'github.example'",
    );
  });
});
