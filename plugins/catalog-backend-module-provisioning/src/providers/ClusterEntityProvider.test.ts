import { SchedulerServiceTaskInvocationDefinition } from '@backstage/backend-plugin-api';
import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { EntityProviderConnection } from '@backstage/plugin-catalog-node';
import { readProvisioningConfig } from '@kubeportal/plugin-provisioning-node';
import { ClusterEntityProvider } from './ClusterEntityProvider';

describe('ClusterEntityProvider', () => {
  const config = new ConfigReader({
    provisioning: {
      platformTeam: 'group:default/platform-team',
      clusters: [
        {
          name: 'dev',
          environment: 'dev',
          site: 'rack-a',
          auth: { type: 'inCluster' },
        },
        { name: 'prod', environment: 'prod', auth: { type: 'inCluster' } },
      ],
    },
  });

  it('applies every configured cluster as a Resource entity on its scheduled refresh', async () => {
    const applyMutation = jest.fn();
    const connection: EntityProviderConnection = {
      applyMutation,
      refresh: jest.fn(),
    };
    const taskRunner = {
      run: jest.fn(async (task: SchedulerServiceTaskInvocationDefinition) => {
        await task.fn(new AbortController().signal);
      }),
    };
    const scheduler = mockServices.scheduler.mock({
      createScheduledTaskRunner: jest.fn(() => taskRunner),
    });
    const provider = ClusterEntityProvider.fromConfig(
      readProvisioningConfig(config),
      { logger: mockServices.logger.mock(), scheduler },
    );
    // the schedule comes from configuration (provisioning.schedules.clusters), with its default
    expect(scheduler.createScheduledTaskRunner).toHaveBeenCalledWith({
      frequency: { seconds: 300 },
      timeout: { seconds: 60 },
    });
    await provider.connect(connection);

    expect(taskRunner.run).toHaveBeenCalledWith(
      expect.objectContaining({ id: 'provisioning-clusters:refresh' }),
    );
    const mutation = applyMutation.mock.calls[0][0];
    expect(mutation.type).toBe('full');
    expect(mutation.entities.map((e: any) => e.entity.metadata.name)).toEqual([
      'dev',
      'prod',
    ]);
    expect(mutation.entities[0].entity).toMatchObject({
      kind: 'Resource',
      metadata: {
        description: 'Kubernetes cluster dev (dev, rack-a)',
        tags: ['dev', 'kubernetes'],
      },
      spec: {
        type: 'kubernetes-cluster',
        owner: 'group:default/platform-team',
      },
    });
  });

  it('refuses bad cluster configuration at start-up, as a server error naming the config path', () => {
    let error: Error | undefined;
    try {
      readProvisioningConfig(
        new ConfigReader({
          provisioning: {
            clusters: [{ name: 'dev', auth: { type: 'inCluster' } }],
          },
        }),
      );
    } catch (e) {
      error = e as Error;
    }
    expect(error).toMatchObject({
      name: 'ProvisioningConfigError',
      message: expect.stringContaining('provisioning.clusters[0].environment'),
    });
  });
});
