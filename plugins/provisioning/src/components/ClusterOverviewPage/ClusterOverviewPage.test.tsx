import { renderInTestApp } from '@backstage/frontend-test-utils';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { act, screen, within } from '@testing-library/react';
import { ClusterSummary, ProvisioningApi, provisioningApiRef } from '../../api';
import { liveCatalogEntities } from './__fixtures__/catalogEntities';
import { clusterFixtures, devRackA } from './__fixtures__/clusters';
import {
  CLUSTER_STATE_REFRESH_MS,
  ClusterOverviewPage,
} from './ClusterOverviewPage';

const apiAnswering = (...answers: ClusterSummary[][]) => {
  const getClusters = jest.fn<Promise<ClusterSummary[]>, []>();
  for (const answer of answers) getClusters.mockResolvedValueOnce(answer);
  getClusters.mockResolvedValue(answers[answers.length - 1]);
  return {
    getClusters,
    api: { getClusters } as Partial<ProvisioningApi> as ProvisioningApi,
  };
};

const mountedRoutes = {
  '/catalog/:namespace/:kind/:name': entityRouteRef as any,
};

const renderPage = async (
  api: ProvisioningApi,
  catalogApi: any = catalogApiMock({ entities: liveCatalogEntities }),
) => {
  renderInTestApp(<ClusterOverviewPage />, {
    apis: [[provisioningApiRef, api], catalogApi],
    mountedRoutes,
  });
  await screen.findByTestId('cluster-dev-rack-a');
};

const card = (cluster: string) =>
  within(screen.getByTestId(`cluster-${cluster}`));

/** The rows of a cluster's team table: team, namespaces, VMs, and the team's link. */
const teamRows = async (cluster: string) => {
  const table = await card(cluster).findByRole('table', {
    name: `Teams on ${cluster}`,
  });
  return within(table)
    .getAllByRole('row')
    .slice(1)
    .map(row => ({
      cells: [
        within(row).getByRole('rowheader'),
        ...within(row).getAllByRole('cell'),
      ].map(c => c.textContent),
      link: within(row).getByRole('link').getAttribute('href'),
    }));
};

const cell = (cluster: string, id: string) =>
  card(cluster).getByTestId(id).textContent;

describe('ClusterOverviewPage', () => {
  it("shows each cluster's health, where it is and how old its data is", async () => {
    await renderPage(apiAnswering(clusterFixtures()).api);
    expect(screen.getByText('Development, rack A')).toBeInTheDocument();
    expect(
      screen.getByText('dev-rack-a · dev · Frankfurt'),
    ).toBeInTheDocument();
    expect(card('dev-rack-a').getByText('Health: ok')).toBeInTheDocument();
    expect(card('dev-rack-a').getByText(/^Data from 1\d s ago$/)).toBeTruthy();
    expect(
      card('prod-rack-b').getByText('Health: degraded'),
    ).toBeInTheDocument();
    expect(
      card('prod-rack-b').getByText(
        'virtualmachines: the portal may not list them on prod-rack-b',
      ),
    ).toBeInTheDocument();
    expect(card('edge-c').getByText('Health: unreachable')).toBeInTheDocument();
  });

  it("shows an unreachable cluster's message, and the other clusters all the same", async () => {
    await renderPage(apiAnswering(clusterFixtures()).api);
    expect(
      card('edge-c').getByText("cluster 'edge-c' did not answer within 10 s"),
    ).toBeInTheDocument();
    expect(card('edge-c').getByText('Data from 3 h ago')).toBeInTheDocument();
    expect(cell('dev-rack-a', 'memory-allocatable')).toBe('128 GiB');
  });

  it('calls the data of a cluster not heard from for two minutes stale', async () => {
    const now = Date.now();
    const quiet: ClusterSummary = {
      ...devRackA(now),
      lastHeardAt: new Date(now - 5 * 60_000).toISOString(),
    };
    await renderPage(apiAnswering([quiet]).api);
    expect(card('dev-rack-a').getByText('Health: ok')).toBeInTheDocument();
    expect(
      card('dev-rack-a').getByText('Data from 5 min ago (stale)'),
    ).toBeInTheDocument();
  });

  it('labels a resource the quotas overcommit, with its share of allocatable, and no other', async () => {
    await renderPage(apiAnswering(clusterFixtures()).api);
    expect(cell('dev-rack-a', 'cpu-allocatable')).toBe('32 cores');
    expect(cell('dev-rack-a', 'cpu-quotas')).toBe(
      '48 cores (150%)Overcommitted',
    );
    expect(cell('dev-rack-a', 'cpu-vms')).toBe('12.5 cores (39%)');
    expect(cell('dev-rack-a', 'memory-quotas')).toBe('96 GiB (75%)');
    expect(cell('dev-rack-a', 'pods-quotas')).toBe('200 (61%)');
    expect(card('dev-rack-a').getAllByText('Overcommitted')).toHaveLength(1);
    expect(card('prod-rack-b').queryByText('Overcommitted')).toBeNull();
    expect(
      card('dev-rack-a').getByRole('img', {
        name: /^Capacity of dev-rack-a: CPU: quotas 150%, VMs 39% of allocatable/,
      }),
    ).toBeInTheDocument();
  });

  it('says what it does not count: namespaces without a quota, cordoned nodes', async () => {
    await renderPage(apiAnswering(clusterFixtures()).api);
    expect(
      card('dev-rack-a').getByText(
        '1 namespace has no quota on cpu: what they may use is not bounded, and not counted.',
      ),
    ).toBeInTheDocument();
    expect(
      card('dev-rack-a').getByText(
        /^3 schedulable nodes \(1 cordoned, not counted\)/,
      ),
    ).toBeInTheDocument();
  });

  it('calls figures from kinds not read yet unknown, never 0', async () => {
    await renderPage(apiAnswering(clusterFixtures()).api);
    // prod-rack-b may not list VirtualMachines: what they request is unknown, its quotas are known
    for (const resource of ['cpu', 'memory', 'pods'])
      expect(cell('prod-rack-b', `${resource}-vms`)).toBe(
        'unknownnot read yet: virtualmachines',
      );
    expect(cell('prod-rack-b', 'cpu-quotas')).toBe('40 cores (63%)');
    // edge-c has never answered: the backend's zeros are not shown as zeros
    for (const figure of ['allocatable', 'quotas', 'vms'])
      expect(cell('edge-c', `cpu-${figure}`)).toMatch(/^unknownnot read yet: /);
    expect(cell('edge-c', 'cpu-quotas')).toBe(
      'unknownnot read yet: namespaces, resourcequotas',
    );
    expect(
      card('edge-c').getByText(
        'unknown schedulable nodes, unknown managed namespaces, unknown VMs meant to run.',
      ),
    ).toBeInTheDocument();
    expect(card('edge-c').queryByText(/^0( cores)?\b/)).toBeNull();
    expect(
      card('edge-c').getByRole('img', {
        name: /CPU: quotas unknown, VMs unknown of allocatable/,
      }),
    ).toBeInTheDocument();
  });

  it('calls a figure the backend leaves out unknown, never 0, even when no kind is said to be missing', async () => {
    const now = Date.now();
    const partial = devRackA(now);
    partial.capacity.resources = partial.capacity.resources.map(
      ({ quotas, quotasRatio, vms, vmsRatio, ...use }) => use,
    );
    await renderPage(apiAnswering([partial]).api);
    expect(cell('dev-rack-a', 'cpu-allocatable')).toBe('32 cores');
    expect(cell('dev-rack-a', 'cpu-quotas')).toBe(
      'unknownnot read yet: namespaces, resourcequotas',
    );
    expect(cell('dev-rack-a', 'cpu-vms')).toBe(
      'unknownnot read yet: namespaces, virtualmachines, virtualmachineinstances',
    );
    expect(card('dev-rack-a').queryByText('Overcommitted')).toBeNull();
    expect(
      card('dev-rack-a').getByText(
        'No share of allocatable is known yet: see the figures below.',
      ),
    ).toBeInTheDocument();
  });

  it('shows the namespaces and VMs of each team on each cluster, as the catalog counts them', async () => {
    await renderPage(apiAnswering(clusterFixtures()).api);
    expect(await teamRows('dev-rack-a')).toEqual([
      {
        cells: ['payments', '2', '3'],
        link: '/catalog/default/group/payments',
      },
      { cells: ['search', '1', '1'], link: '/catalog/default/group/search' },
      {
        cells: ['billing', '1', '0'],
        link: '/catalog/default/group/billing',
      },
    ]);
    expect(await teamRows('prod-rack-b')).toEqual([
      {
        cells: ['payments', '1', '1'],
        link: '/catalog/default/group/payments',
      },
    ]);
    expect(
      await card('edge-c').findByText(
        'The catalog holds no namespace of a team on this cluster.',
      ),
    ).toBeInTheDocument();
  });

  it('keeps health and capacity when the catalog cannot count the teams', async () => {
    const failing = catalogApiMock.mock({
      getEntityFacets: jest
        .fn()
        .mockRejectedValue(new Error('catalog is down')),
    });
    await renderPage(apiAnswering(clusterFixtures()).api, failing);
    expect(
      await card('dev-rack-a').findByText(
        "Could not count the teams' namespaces in the catalog: catalog is down",
      ),
    ).toBeInTheDocument();
    expect(card('dev-rack-a').getByText('Health: ok')).toBeInTheDocument();
    expect(cell('dev-rack-a', 'cpu-allocatable')).toBe('32 cores');
  });

  it('reads the clusters again every 30 s without a reload, and keeps the last answer when a read fails', async () => {
    jest.useFakeTimers();
    try {
      const now = Date.now();
      const recovered = { ...devRackA(now), message: undefined };
      const down: ClusterSummary = {
        ...devRackA(now),
        health: 'unreachable',
        state: 'reconnecting',
        message: "cluster 'dev-rack-a' refused the connection",
      };
      const getClusters = jest
        .fn<Promise<ClusterSummary[]>, []>()
        .mockResolvedValueOnce([recovered])
        .mockResolvedValueOnce([down])
        .mockRejectedValueOnce(new Error('backend restarting'));
      await renderPage({
        getClusters,
      } as Partial<ProvisioningApi> as ProvisioningApi);
      expect(card('dev-rack-a').getByText('Health: ok')).toBeInTheDocument();
      expect(getClusters).toHaveBeenCalledTimes(1);

      await act(async () => {
        jest.advanceTimersByTime(CLUSTER_STATE_REFRESH_MS);
      });
      expect(getClusters).toHaveBeenCalledTimes(2);
      expect(
        await card('dev-rack-a').findByText('Health: unreachable'),
      ).toBeInTheDocument();

      await act(async () => {
        jest.advanceTimersByTime(CLUSTER_STATE_REFRESH_MS);
      });
      expect(getClusters).toHaveBeenCalledTimes(3);
      expect(
        await screen.findByText(
          /Could not read the clusters again \(backend restarting\)/,
        ),
      ).toBeInTheDocument();
      expect(
        card('dev-rack-a').getByText('Health: unreachable'),
      ).toBeInTheDocument();
    } finally {
      jest.useRealTimers();
    }
  });

  it('shows the error when the clusters cannot be read at all', async () => {
    renderInTestApp(<ClusterOverviewPage />, {
      apis: [
        [
          provisioningApiRef,
          {
            getClusters: async () => {
              throw new Error('provisioning backend is down');
            },
          } as Partial<ProvisioningApi> as ProvisioningApi,
        ],
        catalogApiMock({ entities: liveCatalogEntities }),
      ],
      mountedRoutes,
    });
    expect(
      (await screen.findAllByText(/provisioning backend is down/)).length,
    ).toBeGreaterThan(0);
    expect(screen.queryByTestId('cluster-dev-rack-a')).toBeNull();
  });
});
