import {
  mockApis,
  renderInTestApp,
  renderTestApp,
} from '@backstage/frontend-test-utils';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { screen, within } from '@testing-library/react';
import { ProvisioningApi, provisioningApiRef } from '../../api';
import { provisioningPlugin } from '../../plugin';
import { clustersRouteRef, requestRouteRef, rootRouteRef } from '../../routes';
import {
  billingByJdoe,
  othersRequest,
  paymentsCreated,
  paymentsQuota,
  paymentsVm,
  templates,
} from '../RequestPage/__fixtures__/catalogEntities';
import { ProvisioningPage } from './ProvisioningPage';

const entities = [
  paymentsCreated,
  paymentsQuota,
  paymentsVm,
  billingByJdoe,
  othersRequest,
  ...templates,
];

/** jdoe, member of payments (not of billing, not of search). */
const jdoe = mockApis.identity({
  userEntityRef: 'user:default/jdoe',
  ownershipEntityRefs: ['user:default/jdoe', 'group:default/payments'],
});

const healthy = {
  getHealth: async () => ({ status: 'ok' }),
} as Partial<ProvisioningApi> as ProvisioningApi;

/** Renders the page and waits for its health line (a small line, not a panel). */
const renderPage = async (
  options: {
    catalogApi?: any;
    identityApi?: any;
  } = {},
) => {
  const rendered = renderInTestApp(<ProvisioningPage />, {
    apis: [
      options.catalogApi ?? catalogApiMock({ entities }),
      options.identityApi ?? jdoe,
      [provisioningApiRef, healthy],
    ],
    mountedRoutes: {
      '/provisioning': rootRouteRef,
      '/provisioning/requests/:requestId': requestRouteRef,
      '/provisioning/clusters': clustersRouteRef,
      '/catalog/:namespace/:kind/:name': entityRouteRef as any,
    },
  });
  expect((await screen.findByText('Provisioning backend: ok')).tagName).toBe(
    'P',
  );
  return rendered;
};

/** The rows of the requests table: title, status, cluster, updated, pull request; and the rows' links. */
const requestRows = async () => {
  await screen.findByText("Your requests and your teams'");
  const [table] = screen.getAllByRole('table');
  expect(screen.getAllByRole('table')).toHaveLength(1);
  return within(table)
    .getAllByRole('row')
    .slice(1) // the header
    .map(row => {
      const cells = within(row).getAllByRole('cell');
      return {
        cells: cells.map(c => c.textContent),
        links: within(row)
          .getAllByRole('link')
          .map(a => a.getAttribute('href')),
      };
    });
};

describe('ProvisioningPage', () => {
  it("lists the user's own requests and their teams', newest change first, with status and links", async () => {
    await renderPage();
    expect(await requestRows()).toEqual([
      {
        cells: [
          'VM legacy-crm in payments-api',
          'Approved',
          'dev-rack-a',
          '2026-11-22 16:45 UTC',
          'Pull request #40, Opens in a new window',
        ],
        links: [
          '/provisioning/requests/dev-rack-a.vm.payments-api.legacy-crm',
          'https://github.example/acme/gitops/pull/40',
        ],
      },
      {
        cells: [
          'Quota of payments-api on dev-rack-a',
          'Changes requested',
          'dev-rack-a',
          '2026-11-21 08:30 UTC',
          'Pull request #31, Opens in a new window',
        ],
        links: [
          '/provisioning/requests/dev-rack-a.ns.payments-api',
          'https://github.example/acme/gitops/pull/31',
        ],
      },
      {
        cells: [
          'Namespace billing-reports on prod-rack-b',
          'Rejected',
          'prod-rack-b',
          '2026-11-15 12:00 UTC',
          'Pull request #35, Opens in a new window',
        ],
        links: [
          '/provisioning/requests/prod-rack-b.ns.billing-reports',
          'https://github.example/acme/gitops/pull/35',
        ],
      },
      {
        cells: [
          'Namespace payments-api on dev-rack-a',
          'Merged',
          'dev-rack-a',
          '2026-11-03 10:00 UTC',
          'Pull request #12, Opens in a new window',
        ],
        links: [
          '/provisioning/requests/dev-rack-a.ns.payments-api',
          'https://github.example/acme/gitops/pull/12',
        ],
      },
    ]);
    // bob's request for the search team is not jdoe's
    expect(
      screen.queryByText('Namespace search on dev-rack-a'),
    ).not.toBeInTheDocument();
  });

  it('links to the provisioning templates with their titles and descriptions', async () => {
    await renderPage();
    const list = await screen.findByRole('list', {
      name: 'Provisioning templates',
    });
    expect(
      within(list)
        .getAllByRole('listitem')
        .map(item => [
          within(item).getByRole('link').textContent,
          within(item).getByRole('link').getAttribute('href'),
          within(item).getByText(/\.$/).textContent,
        ]),
    ).toEqual([
      [
        'Kubernetes namespace',
        '/create/templates/default/provisioning-namespace',
        'A namespace with quotas, network policy and access for your groups.',
      ],
      [
        'Virtual machine (KubeVirt)',
        '/create/templates/default/provisioning-virtual-machine',
        'A KubeVirt virtual machine in one of your namespaces.',
      ],
    ]);
    expect(screen.queryByText('React website')).not.toBeInTheDocument();
  });

  it('links to the cluster overview', async () => {
    await renderPage();
    expect(
      screen.getByRole('link', {
        name: "See the clusters' health and capacity",
      }),
    ).toHaveAttribute('href', '/provisioning/clusters');
  });

  it('says so when the user and their teams have no requests', async () => {
    await renderPage({
      identityApi: mockApis.identity({
        userEntityRef: 'user:default/newcomer',
        ownershipEntityRefs: ['user:default/newcomer', 'group:default/docs'],
      }),
    });
    expect(
      await screen.findByText(
        'No requests of yours or your teams in the last 90 days. Start one from a template.',
      ),
    ).toBeInTheDocument();
  });

  it("shows the catalog's error in place of the requests, and keeps the rest of the page", async () => {
    const failing = catalogApiMock.mock({
      getEntities: jest.fn(async (request?: { filter?: unknown }) => {
        if (JSON.stringify(request?.filter).includes('Template'))
          return { items: templates.slice(0, 1) };
        throw new Error('catalog answered 503 Service Unavailable');
      }),
    });
    await renderPage({ catalogApi: failing });
    expect(
      (
        await screen.findAllByText(
          'Error: catalog answered 503 Service Unavailable',
        )
      )[0],
    ).toBeInTheDocument();
    expect(
      await screen.findByRole('link', { name: 'Kubernetes namespace' }),
    ).toBeInTheDocument();
    expect(failing.getEntities).toHaveBeenCalledWith({
      filter: [
        {
          kind: 'Resource',
          'spec.type': 'provisioning-request',
          'spec.requester': 'user:default/jdoe',
        },
        {
          kind: 'Resource',
          'spec.type': 'provisioning-request',
          'relations.ownedBy': ['user:default/jdoe', 'group:default/payments'],
        },
      ],
    });
  });

  it('keeps the health line and the text when the catalog cannot be used at all', async () => {
    // React reports the error each section's boundary catches; that is the behaviour under test, not noise to show
    const consoleError = jest
      .spyOn(console, 'error')
      .mockImplementation(() => {});
    await renderInTestApp(<ProvisioningPage />, {
      apis: [[provisioningApiRef, healthy]],
    });
    expect(
      await screen.findByText('Provisioning backend: ok'),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/becomes a pull request on the GitOps/),
    ).toBeInTheDocument();
    expect(
      (await screen.findAllByText(/No implementation available for apiRef/))
        .length,
    ).toBeGreaterThan(0);
    // no cluster overview in this app: no link to it
    expect(
      screen.queryByRole('link', { name: /clusters' health/ }),
    ).not.toBeInTheDocument();
    consoleError.mockRestore();
  });

  it('is the plugin page at /provisioning, next to the request page and the cluster overview', async () => {
    renderTestApp({
      features: [provisioningPlugin],
      apis: [catalogApiMock({ entities }), jdoe, [provisioningApiRef, healthy]],
      initialRouteEntries: ['/provisioning'],
      mountedRoutes: {
        '/catalog/:namespace/:kind/:name': entityRouteRef as any,
      },
    });
    expect(
      await screen.findByRole('link', {
        name: 'Quota of payments-api on dev-rack-a',
      }),
    ).toHaveAttribute(
      'href',
      '/provisioning/requests/dev-rack-a.ns.payments-api',
    );
    expect(
      await screen.findByText('Provisioning backend: ok'),
    ).toBeInTheDocument();
    // the plugin's own cluster overview page
    expect(
      screen.getByRole('link', {
        name: "See the clusters' health and capacity",
      }),
    ).toHaveAttribute('href', '/provisioning/clusters');
  });
});
