import {
  mockApis,
  renderInTestApp,
  renderTestApp,
} from '@backstage/frontend-test-utils';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { screen, within } from '@testing-library/react';
import { provisioningPlugin } from '../../plugin';
import { requestRouteRef, rootRouteRef } from '../../routes';
import {
  billingByJdoe,
  othersRequest,
  paymentsCreated,
  paymentsQuota,
  paymentsVm,
  templates,
} from './__fixtures__/catalogEntities';
import { RequestPage } from './RequestPage';

const catalog = catalogApiMock({
  entities: [
    paymentsCreated,
    paymentsQuota,
    paymentsVm,
    billingByJdoe,
    othersRequest,
    ...templates,
  ],
});

/** The routes the page links to, mounted where the app mounts them. */
const mountedRoutes = {
  '/provisioning': rootRouteRef,
  '/provisioning/requests/:requestId': requestRouteRef,
  '/catalog/:namespace/:kind/:name': entityRouteRef as any,
};

const renderRequestPage = (requestId: string, catalogApi: any = catalog) =>
  renderInTestApp(<RequestPage />, {
    apis: [catalogApi],
    mountPath: '/provisioning/requests/:requestId',
    initialRouteEntries: [`/provisioning/requests/${requestId}`],
    mountedRoutes,
  });

/** The facts table of a request card, as label → text. */
const factsOf = (title: string) =>
  Object.fromEntries(
    within(screen.getByRole('table', { name: `Facts of ${title}` }))
      .getAllByRole('row')
      .map(row => {
        const [label, value] = [
          within(row).getByRole('rowheader'),
          within(row).getByRole('cell'),
        ];
        return [label.textContent, value.textContent];
      }),
  );

const hrefOf = (container: HTMLElement, name: string | RegExp) =>
  within(container).getByRole('link', { name }).getAttribute('href');

describe('RequestPage', () => {
  it("shows each of a request id's pull requests, newest first, with status, facts and links", async () => {
    await renderRequestPage('dev-rack-a.ns.payments-api');

    await screen.findAllByRole('table', { name: /^Facts of / });
    const cards = screen.getAllByRole('region', { name: /on dev-rack-a$/ });
    expect(cards).toHaveLength(2);
    // the quota change (updated 2026-11-21) before the creation (updated 2026-11-03)
    expect(
      cards.map(card => [
        card.getAttribute('aria-label'),
        card.querySelector('[data-status]')?.textContent,
      ]),
    ).toEqual([
      ['Quota of payments-api on dev-rack-a', 'Changes requested'],
      ['Namespace payments-api on dev-rack-a', 'Merged'],
    ]);
    expect(factsOf('Quota of payments-api on dev-rack-a')).toEqual({
      Action: 'Change quota',
      Cluster: 'dev-rack-a',
      Namespace: 'payments-api',
      Team: 'payments',
      Requester: 'jdoe',
      Opened: '2026-11-20 14:03 UTC',
      Updated: '2026-11-21 08:30 UTC',
      'Request id': 'dev-rack-a.ns.payments-api',
    });
    const [quota, created] = cards;
    expect(
      [
        'Pull request #31 on GitHub, Opens in a new window',
        'Open in the catalog',
        'dev-rack-a',
        'payments',
        'jdoe',
      ].map(name => hrefOf(quota, name)),
    ).toEqual([
      'https://github.example/acme/gitops/pull/31',
      '/catalog/default/resource/change-quota.dev-rack-a.ns.payments-api',
      '/catalog/default/resource/dev-rack-a',
      '/catalog/default/group/payments',
      '/catalog/default/user/jdoe',
    ]);
    expect(
      hrefOf(created, 'Pull request #12 on GitHub, Opens in a new window'),
    ).toBe('https://github.example/acme/gitops/pull/12');
  });

  it('shows a VM request with its VM, and what is not known as unknown', async () => {
    await renderRequestPage('dev-rack-a.vm.payments-api.legacy-crm');
    const card = await screen.findByRole('region', {
      name: 'VM legacy-crm in payments-api',
    });
    expect(factsOf('VM legacy-crm in payments-api')).toEqual({
      Action: 'Create',
      Cluster: 'dev-rack-a',
      Namespace: 'payments-api',
      'Virtual machine': 'legacy-crm',
      Team: 'payments',
      Requester: 'asmith',
      Opened: 'unknown',
      Updated: '2026-11-22 16:45 UTC',
      'Request id': 'dev-rack-a.vm.payments-api.legacy-crm',
    });
    expect(card.querySelector('[data-status]')?.textContent).toBe('Approved');
  });

  it('says when the catalog has no such request, and why that may be', async () => {
    await renderRequestPage('dev.ns.gone');
    expect(
      await screen.findByText('No request dev.ns.gone'),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        'It may be older than 90 days, or the catalog has not read it from the GitOps repository yet: try again in a minute.',
      ),
    ).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Your requests' })).toHaveAttribute(
      'href',
      '/provisioning',
    );
    expect(screen.queryByRole('table')).not.toBeInTheDocument();
  });

  it("shows the catalog's error", async () => {
    const failing = catalogApiMock.mock({
      getEntities: jest
        .fn()
        .mockRejectedValue(
          new Error('catalog answered 503 Service Unavailable'),
        ),
    });
    await renderRequestPage('dev-rack-a.ns.payments-api', failing);
    expect(
      (
        await screen.findAllByText(
          'Error: catalog answered 503 Service Unavailable',
        )
      )[0],
    ).toBeInTheDocument();
    expect(screen.queryByText(/^No request/)).not.toBeInTheDocument();
    expect(failing.getEntities).toHaveBeenCalledWith({
      filter: {
        kind: 'Resource',
        'spec.type': 'provisioning-request',
        'metadata.annotations.provisioning.kubeportal.io/request-id':
          'dev-rack-a.ns.payments-api',
      },
    });
  });

  it('shows progress while the catalog answers', async () => {
    const slow = catalogApiMock.mock({
      getEntities: jest.fn(() => new Promise<never>(() => {})),
    });
    await renderRequestPage('dev-rack-a.ns.payments-api', slow);
    expect(await screen.findByRole('progressbar')).toBeInTheDocument();
    expect(screen.queryByRole('table')).not.toBeInTheDocument();
  });

  it("is where the pull request's 'Open in the portal' link lands in the app", async () => {
    renderTestApp({
      features: [provisioningPlugin],
      apis: [catalog, mockApis.identity()],
      initialRouteEntries: [
        '/provisioning/requests/dev-rack-a.ns.payments-api',
      ],
      mountedRoutes: {
        '/catalog/:namespace/:kind/:name': entityRouteRef as any,
      },
    });
    expect(
      await screen.findByRole('region', {
        name: 'Quota of payments-api on dev-rack-a',
      }),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('region', {
        name: 'Namespace payments-api on dev-rack-a',
      }),
    ).toBeInTheDocument();
  });
});
