import { mockCredentials } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { catalogTeams } from './catalogTeams';

describe('catalogTeams', () => {
  const catalog = catalogServiceMock({
    entities: [
      {
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Group',
        metadata: {
          name: 'payments',
          namespace: 'default',
          annotations: {
            'provisioning.kubeportal.io/project-leads': 'alice, bob',
            'provisioning.kubeportal.io/ad-groups':
              'sg-payments-dev,sg-payments-ops',
            'provisioning.kubeportal.io/cost-centre': ' CC-1234 ',
          },
        },
        spec: { type: 'team', children: [] },
      },
      {
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'User',
        metadata: { name: 'jdoe', namespace: 'default' },
        spec: {},
      },
    ],
  });
  const teams = catalogTeams(catalog, mockCredentials.user());

  it('reads project leads, AD groups and the cost centre from the group annotations', async () => {
    await expect(teams.getTeam('group:default/payments')).resolves.toEqual({
      ref: 'group:default/payments',
      projectLeads: ['alice', 'bob'],
      adGroups: ['sg-payments-dev', 'sg-payments-ops'],
      costCentre: 'CC-1234',
    });
  });

  it('knows no team for a missing group or another kind', async () => {
    await expect(teams.getTeam('group:default/nope')).resolves.toBeUndefined();
    await expect(teams.getTeam('user:default/jdoe')).resolves.toBeUndefined();
  });
});
