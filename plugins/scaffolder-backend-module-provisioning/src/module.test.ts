import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { scaffolderModuleProvisioning } from './module';

describe('scaffolderModuleProvisioning', () => {
  it('registers the provisioning actions with the scaffolder', async () => {
    const addActions = jest.fn();
    await startTestBackend({
      extensionPoints: [[scaffolderActionsExtensionPoint, { addActions }]],
      features: [
        scaffolderModuleProvisioning,
        catalogServiceMock.factory(),
        mockServices.rootConfig.factory({ data: { provisioning: { clusters: [{ name: 'dev', environment: 'dev', auth: { type: 'inCluster' } }] } } }),
      ],
    });
    const ids = addActions.mock.calls.flat().map((a: { id: string }) => a.id);
    expect(ids).toEqual(['provisioning:request:describe', 'provisioning:request:validate', 'provisioning:request:render', 'provisioning:github:pull-request']);
  });
});
