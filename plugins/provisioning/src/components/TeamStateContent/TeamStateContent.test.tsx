import { renderInTestApp } from '@backstage/frontend-test-utils';
import {
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import type { TeamSummary } from '@kubeportal/plugin-provisioning-common';
import { act, screen, within } from '@testing-library/react';
import { ReactElement } from 'react';
import { ProvisioningApi, provisioningApiRef } from '../../api';
import { rootRouteRef } from '../../routes';
import { CLUSTER_STATE_REFRESH_MS } from '../ClusterOverviewPage';
import { paymentsSummary, searchSummary } from './__fixtures__/teamSummaries';
import { EntityTeamStateContent } from './EntityTeamStateContent';
import { TeamStateContent } from './TeamStateContent';

const apiAnswering = (summary: TeamSummary) => {
  const getTeamSummary = jest.fn(async (_team: string) => summary);
  return {
    getTeamSummary,
    api: { getTeamSummary } as Partial<ProvisioningApi> as ProvisioningApi,
  };
};

const render = (element: ReactElement, api: ProvisioningApi) =>
  renderInTestApp(element, {
    apis: [[provisioningApiRef, api]],
    mountedRoutes: {
      '/provisioning': rootRouteRef,
      '/catalog/:namespace/:kind/:name': entityRouteRef as any,
    },
  });

const clusterCard = (cluster: string) =>
  within(screen.getByTestId(`team-cluster-${cluster}`));

/** The namespace rows of a cluster: name, link, phase, environment, quota, VMs; and the gauge's value and colour. */
const namespaceRows = (cluster: string) =>
  clusterCard(cluster)
    .getAllByRole('row')
    .slice(1)
    .map(row => {
      const cells = [
        within(row).getByRole('rowheader'),
        ...within(row).getAllByRole('cell'),
      ];
      const gauge = within(row).queryByRole('progressbar');
      return {
        cells: cells.map(c => c.textContent),
        link: within(row).getByRole('link').getAttribute('href'),
        gauge: gauge && {
          value: gauge.getAttribute('aria-valuenow'),
          colour: /colo(u)?r(Success|Warning|Error)/.exec(gauge.className)?.[2],
        },
      };
    });

describe('TeamStateContent', () => {
  it("lists the team's namespaces per cluster, linked to their pages, with the quota closest to its limit and VMs by status", async () => {
    const { api, getTeamSummary } = apiAnswering(paymentsSummary());
    render(<TeamStateContent team="group:default/payments" />, api);
    await screen.findByTestId('team-cluster-dev-rack-a');
    expect(getTeamSummary).toHaveBeenCalledWith('group:default/payments');
    expect(
      clusterCard('dev-rack-a').getByText('Health: ok'),
    ).toBeInTheDocument();
    expect(screen.getByText('3 namespaces, 4 VMs')).toBeInTheDocument();
    expect(namespaceRows('dev-rack-a')).toEqual([
      {
        cells: [
          'payments-api',
          'Active',
          'dev',
          'requests.cpu: 3400m of 4 (85%)',
          'Running: 2Stopped: 1',
        ],
        link: '/catalog/default/resource/dev-rack-a.payments-api',
        gauge: { value: '85', colour: 'Warning' },
      },
      {
        cells: [
          'payments-batch',
          'Active',
          'dev',
          'requests.memory: 8Gi of 8Gi (100%)',
          'ErrorUnschedulable: 1',
        ],
        link: '/catalog/default/resource/dev-rack-a.payments-batch',
        gauge: { value: '100', colour: 'Error' },
      },
      {
        cells: [
          'payments-sandbox',
          'Terminating',
          '—',
          'no quota counted',
          'none',
        ],
        link: '/catalog/default/resource/dev-rack-a.payments-sandbox',
        gauge: null,
      },
    ]);
    // a cluster where the team has nothing and which is healthy is left out
    expect(screen.queryByTestId('team-cluster-edge-c')).toBeNull();
    expect(
      screen.queryByText('This team has no namespaces the portal manages'),
    ).toBeNull();
  });

  it('shows a quota used beyond a limit of 0 as over the limit in red, and no bar for a quota without a share', async () => {
    const summary = paymentsSummary();
    const [api, batch, sandbox] = summary.clusters[0].namespaces;
    api.quota = { ...api.quota!, ratio: 0.7998, used: '3199m' };
    batch.quota = {
      resource: 'requests.storage',
      hard: '0',
      used: '5Gi',
      exceeded: true,
      quota: 'frozen',
    };
    sandbox.quota = {
      resource: 'count/widgets.example.com',
      hard: 'lots',
      used: 'some',
      quota: 'widgets',
    };
    render(
      <TeamStateContent team="group:default/payments" />,
      apiAnswering(summary).api,
    );
    await screen.findByTestId('team-cluster-dev-rack-a');
    expect(
      namespaceRows('dev-rack-a').map(row => [row.cells[3], row.gauge]),
    ).toEqual([
      // 79.98%: 79%, and green as 79% is
      ['requests.cpu: 3199m of 4 (79%)', { value: '79', colour: 'Success' }],
      [
        'requests.storage: 5Gi of 0 (over the limit)',
        { value: '100', colour: 'Error' },
      ],
      ['count/widgets.example.com: some of lots', null],
    ]);
  });

  it("shows an unreachable cluster's message with the last namespaces read from it, and the other clusters all the same", async () => {
    render(
      <TeamStateContent team="group:default/payments" />,
      apiAnswering(paymentsSummary()).api,
    );
    await screen.findByTestId('team-cluster-prod-rack-b');
    expect(
      clusterCard('prod-rack-b').getByText('Health: unreachable'),
    ).toBeInTheDocument();
    expect(
      clusterCard('prod-rack-b').getByText(
        "cluster 'prod-rack-b' did not answer within 10 s",
      ),
    ).toBeInTheDocument();
    expect(
      clusterCard('prod-rack-b').getByText('Data from 10 min ago'),
    ).toBeInTheDocument();
    expect(
      clusterCard('prod-rack-b').getByText(
        /the team may have namespaces there/,
      ),
    ).toBeInTheDocument();
    expect(namespaceRows('prod-rack-b')).toEqual([
      {
        cells: [
          'payments-prod',
          'Active',
          'prod',
          'pods: 10 of 50 (20%)',
          'none',
        ],
        link: '/catalog/default/resource/prod-rack-b.payments-prod',
        gauge: { value: '20', colour: 'Success' },
      },
    ]);
    expect(namespaceRows('dev-rack-a')).toHaveLength(3);
  });

  it('says so when the team has no namespaces, links to the Provisioning page, and still names a cluster it cannot see', async () => {
    render(
      <TeamStateContent team="group:default/search" />,
      apiAnswering(searchSummary()).api,
    );
    expect(
      await screen.findByText('This team has no namespaces the portal manages'),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('link', { name: 'Go to Provisioning' }),
    ).toHaveAttribute('href', '/provisioning');
    expect(screen.queryByTestId('team-cluster-dev-rack-a')).toBeNull();
    expect(
      clusterCard('edge-c').getByText("cluster 'edge-c' has not answered yet"),
    ).toBeInTheDocument();
    expect(
      clusterCard('edge-c').getByText(
        'The portal has not read anything from edge-c yet; the team may have namespaces there it does not know of.',
      ),
    ).toBeInTheDocument();
    expect(
      clusterCard('edge-c').getByText('Never heard from'),
    ).toBeInTheDocument();
  });

  it('reads the summary again every 30 s without a reload', async () => {
    jest.useFakeTimers();
    try {
      const first = paymentsSummary();
      const later = paymentsSummary();
      later.clusters[0].namespaces[0].vms = {
        total: 4,
        byStatus: { Running: 4 },
      };
      const getTeamSummary = jest
        .fn<Promise<TeamSummary>, [string]>()
        .mockResolvedValueOnce(first)
        .mockResolvedValue(later);
      render(<TeamStateContent team="group:default/payments" />, {
        getTeamSummary,
      } as Partial<ProvisioningApi> as ProvisioningApi);
      expect(
        await clusterCardAsync('dev-rack-a', 'Running: 2'),
      ).toBeInTheDocument();
      await act(async () => {
        jest.advanceTimersByTime(CLUSTER_STATE_REFRESH_MS);
      });
      expect(getTeamSummary).toHaveBeenCalledTimes(2);
      expect(
        await clusterCardAsync('dev-rack-a', 'Running: 4'),
      ).toBeInTheDocument();
    } finally {
      jest.useRealTimers();
    }
  });
});

async function clusterCardAsync(cluster: string, text: string) {
  await screen.findByTestId(`team-cluster-${cluster}`);
  return clusterCard(cluster).findByText(text);
}

describe('EntityTeamStateContent', () => {
  it('reads the summary of the Group entity whose page it is on', async () => {
    const { api, getTeamSummary } = apiAnswering(paymentsSummary());
    render(
      <EntityProvider
        entity={{
          apiVersion: 'backstage.io/v1alpha1',
          kind: 'Group',
          metadata: { name: 'payments', namespace: 'default' },
          spec: { type: 'team', children: [] },
        }}
      >
        <EntityTeamStateContent />
      </EntityProvider>,
      api,
    );
    await screen.findByTestId('team-cluster-dev-rack-a');
    expect(getTeamSummary).toHaveBeenCalledWith('group:default/payments');
  });

  it('reads nothing on an entity that is not a team', async () => {
    const { api, getTeamSummary } = apiAnswering(paymentsSummary());
    render(
      <EntityProvider
        entity={{
          apiVersion: 'backstage.io/v1alpha1',
          kind: 'User',
          metadata: { name: 'jdoe', namespace: 'default' },
          spec: {},
        }}
      >
        <EntityTeamStateContent />
      </EntityProvider>,
      api,
    );
    expect(
      await screen.findByText(/shown for teams \(Group entities\) only/),
    ).toBeInTheDocument();
    expect(getTeamSummary).not.toHaveBeenCalled();
  });
});
