import { ResponseError } from '@backstage/errors';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { CATALOG_KEYS } from '@kubeportal/plugin-provisioning-common';
import { act, screen, within } from '@testing-library/react';
import {
  NamespaceLiveState,
  ProvisioningApi,
  provisioningApiRef,
} from '../../api';
import { requestRouteRef } from '../../routes';
import { requestEntity } from '../RequestPage/__fixtures__/catalogEntities';
import busyFixture from './__fixtures__/busyNamespace.json';
import emptyFixture from './__fixtures__/emptyNamespace.json';
import staleFixture from './__fixtures__/staleNamespace.json';
import { EntityNamespaceStateCard } from './EntityNamespaceStateCard';
import {
  age,
  dataAge,
  NamespaceStateCard,
  REFRESH_MS,
} from './NamespaceStateCard';
import { gaugeColour, quotaPercent } from './QuotaBar';

/**
 * The card against fixed answers of `GET /clusters/dev/namespaces/<namespace>/state`. What the real backend and
 * quota controller give (a 90% gauge, a 404, a re-read per signal) is tested in `../againstTheBackend.test.tsx`;
 * these are the cases a live cluster does not give on demand.
 */
const busy = busyFixture as NamespaceLiveState;
const empty = emptyFixture as NamespaceLiveState;
const stale = staleFixture as NamespaceLiveState;

/** The clock of every test: the fixtures' sources were last heard from a few seconds before. */
const NOW = Date.parse('2025-06-02T10:00:00.000Z');

const namespaceApi = (
  getNamespaceState: ProvisioningApi['getNamespaceState'],
): ProvisioningApi & { getNamespaceState: jest.Mock } =>
  ({
    getNamespaceState: jest.fn(getNamespaceState),
  } as Partial<ProvisioningApi> as any);

const renderCard = (api: ProvisioningApi, namespace = 'payments-dev') =>
  renderInTestApp(<NamespaceStateCard cluster="dev" namespace={namespace} />, {
    apis: [[provisioningApiRef, api]],
  });

/** The error the client throws for a non-2xx answer, built from the backend's error body as the client builds it. */
const responseError = (status: number, statusText: string, message: string) =>
  ResponseError.fromResponse({
    status,
    statusText,
    ok: false,
    url: 'http://localhost:7007/api/provisioning/clusters/dev/namespaces/payments-dev/state',
    headers: new Headers({ 'content-type': 'application/json' }),
    text: async () =>
      JSON.stringify({
        error: { name: status === 404 ? 'NotFoundError' : 'Error', message },
        request: {
          method: 'GET',
          url: '/clusters/dev/namespaces/payments-dev/state',
        },
        response: { statusCode: status },
      }),
  } as unknown as Response);

/** The busy namespace with one quota, of the given resources. */
const withQuota = (
  ...resources: NamespaceLiveState['quotas'][number]['resources']
) => ({
  ...busy,
  quotas: [{ name: 'compute', resources }],
});

/** The request entities of the busy namespace's request id: its creation (#7), then a quota change (#9). */
const busyRequests = [
  requestEntity({
    action: 'create',
    id: 'dev-rack-a.ns.payments-dev',
    title: 'Namespace payments-dev on dev',
    status: 'merged',
    statusText: 'Merged',
    team: 'payments',
    cluster: 'dev',
    namespace: 'payments-dev',
    pull: 7,
    updatedAt: '2025-05-20T07:00:00Z',
  }),
  requestEntity({
    action: 'change-quota',
    id: 'dev-rack-a.ns.payments-dev',
    title: 'Quota of payments-dev on dev',
    status: 'open',
    statusText: 'Open',
    team: 'payments',
    cluster: 'dev',
    namespace: 'payments-dev',
    pull: 9,
    updatedAt: '2025-06-01T07:00:00Z',
  }),
];

/** The card's link row, as [text, href] (an external link's text ends with what screen readers are told). */
const linkRow = async () =>
  within(
    await screen.findByRole('navigation', { name: 'Links of the namespace' }),
  )
    .getAllByRole('link')
    .map(a => [
      a.textContent?.replace(', Opens in a new window', ''),
      a.getAttribute('href'),
    ]);

/** One quota gauge: its text, the value it announces and its colour. */
const gauge = (resource: string) => {
  const box = screen.getByTestId(`quota-${resource}`);
  const bar = within(box).getByRole('progressbar', {
    name: `${resource} used`,
  });
  const colour = /MuiLinearProgress-color(Success|Warning|Error)\b/.exec(
    bar.className,
  )?.[1];
  return {
    text: box.textContent,
    value: bar.getAttribute('aria-valuenow'),
    colour,
  };
};

/** The MUI chip whose text is `label`. */
const chip = (label: string) =>
  screen.getByText(label).closest('[class*="MuiChip-root"]') as HTMLElement;

describe('NamespaceStateCard', () => {
  beforeEach(() => {
    jest.spyOn(Date, 'now').mockReturnValue(NOW);
  });
  afterEach(() => {
    jest.restoreAllMocks();
  });

  it('colours each quota gauge: green below 80%, amber from 80%, red from 95%', async () => {
    const api = namespaceApi(async () => busy);
    renderCard(api);
    await screen.findByTestId('quota-requests.cpu');
    expect(api.getNamespaceState).toHaveBeenCalledWith('dev', 'payments-dev');
    expect(
      [
        'limits.cpu',
        'limits.memory',
        'pods',
        'requests.cpu',
        'requests.memory',
        'persistentvolumeclaims',
        'requests.storage',
      ].map(gauge),
    ).toEqual([
      { text: 'limits.cpu3200m of 4 (80%)', value: '80', colour: 'Warning' },
      { text: 'limits.memory6Gi of 8Gi (75%)', value: '75', colour: 'Success' },
      { text: 'pods20 of 20 (100%)', value: '100', colour: 'Error' },
      { text: 'requests.cpu1900m of 2 (95%)', value: '95', colour: 'Error' },
      {
        text: 'requests.memory3236Mi of 4Gi (79%)',
        value: '79',
        colour: 'Success',
      },
      {
        text: 'persistentvolumeclaims2 of 10 (20%)',
        value: '20',
        colour: 'Success',
      },
      {
        text: 'requests.storage50Gi of 100Gi (50%)',
        value: '50',
        colour: 'Success',
      },
    ]);
  });

  it('lists the limit ranges with their defaults, default requests, minima and maxima', async () => {
    renderCard(
      namespaceApi(async () => ({
        ...busy,
        limitRanges: [
          ...busy.limitRanges,
          {
            name: 'floor',
            limits: [
              { type: 'Container', min: { cpu: '10m' } },
              { type: 'Pod', maxLimitRequestRatio: { cpu: '4' } },
            ],
          },
        ],
      })),
    );
    expect(await screen.findByText('Limit ranges')).toBeInTheDocument();
    expect(
      within(screen.getByTestId('limit-range-default-limits'))
        .getAllByText(/.+/)
        .map(line => line.textContent),
    ).toEqual([
      'default-limits',
      'Container: default cpu 500m, memory 512Mi; default request cpu 100m, memory 128Mi; max cpu 2, memory 4Gi',
      'PersistentVolumeClaim: max storage 50Gi',
    ]);
    expect(
      within(screen.getByTestId('limit-range-floor'))
        .getAllByText(/.+/)
        .map(line => line.textContent),
    ).toEqual([
      'floor',
      'Container: min cpu 10m',
      'Pod: max limit/request ratio cpu 4',
    ]);
  });

  it('counts the pods by phase', async () => {
    renderCard(namespaceApi(async () => busy));
    expect(await screen.findByText('Running: 3')).toBeInTheDocument();
    expect(screen.getByText('Pending: 1')).toBeInTheDocument();
    expect(screen.getByText('Failed: 1')).toBeInTheDocument();
    expect(screen.queryByText('No pods.')).toBeNull();
  });

  it('lists the Deployments and StatefulSets with replicas ready of wanted, and health from their controller', async () => {
    renderCard(namespaceApi(async () => busy));
    const web = await screen.findByTestId('workload-Deployment-web');
    expect(web.textContent).toBe(
      'Deployment web: 3 of 3 readyDeployment: Ready',
    );
    expect(chip('Deployment: Ready').className).toMatch(/colorSuccess/);
    expect(screen.getByTestId('workload-Deployment-worker').textContent).toBe(
      'Deployment worker: 0 of 2 readyDeployment: ProgressDeadlineExceeded',
    );
    expect(chip('Deployment: ProgressDeadlineExceeded').className).toMatch(
      /colorError/,
    );
    expect(chip('StatefulSet: ReplicasNotReady')).toHaveAttribute(
      'title',
      '0 of 1 replicas ready',
    );
  });

  it('shows the five newest warning events with their age, object, reason and repeat count', async () => {
    renderCard(namespaceApi(async () => busy));
    expect(await screen.findByText('Recent warnings')).toBeInTheDocument();
    for (const line of [
      '40 s ago: Pod/web-7d9f8c6b5-abcde BackOff: Back-off restarting failed container web in pod web-7d9f8c6b5-abcde (×12)',
      '2 min ago: Pod/importer-reports-db-root FailedScheduling: 0/3 nodes are available: 3 Insufficient memory.',
      '5 min ago: ReplicaSet/web-7d9f8c6b5 FailedCreate: exceeded quota: compute, requested: pods=1, used: pods=20, limited: pods=20 (×4)',
      '30 min ago: Job/migrate-db BackoffLimitExceeded: Job has reached the specified backoff limit',
      '2 h ago: Pod/web-7d9f8c6b5-abcde Unhealthy: Readiness probe failed: HTTP probe failed with statuscode: 503 (×30)',
    ])
      expect(screen.getByText(line)).toBeInTheDocument();
    // the sixth, oldest one is left out
    expect(screen.queryByText(/FailedMount/)).toBeNull();
    expect(screen.queryByText('None.')).toBeNull();
  });

  it("shows the VMs with their status, node and IPs, and each one's health from its conditions", async () => {
    renderCard(namespaceApi(async () => busy));
    const running = await screen.findByText(
      'legacy-crm: Running on worker-2, 10.244.1.17',
    );
    const provisioning = screen.getByText('reports-db: Provisioning');
    const chipOf = (line: HTMLElement) =>
      within(line.parentElement!)
        .getByText(/^VM: /)
        .closest('[class*="MuiChip-root"]')!;
    expect(chipOf(running)).toHaveTextContent('VM: Ready');
    expect(chipOf(running).className).toMatch(/colorSuccess/);
    // no Ready condition yet: unknown, not green
    expect(chipOf(provisioning)).toHaveTextContent('VM: unknown');
    expect(chipOf(provisioning).className).toMatch(/colorDefault/);
  });

  it('shows the Flux Kustomization as ready, and the data as fresh', async () => {
    renderCard(namespaceApi(async () => busy));
    await screen.findByTestId('quota-pods');
    expect(chip('Flux: Ready').className).toMatch(/colorSuccess/);
    expect(screen.getByText('Namespace: Active')).toBeInTheDocument();
    // the oldest source (events) was heard 15 s before now
    expect(screen.getByText('Data from 15 s ago')).toBeInTheDocument();
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('says so for a new namespace without quota, pods, limit ranges, VMs, warnings or Flux', async () => {
    renderCard(
      namespaceApi(async () => empty),
      'search-dev',
    );
    expect(
      await screen.findByText('No quota in this namespace.'),
    ).toBeInTheDocument();
    expect(screen.queryByRole('progressbar')).toBeNull();
    expect(screen.getByText('No pods.')).toBeInTheDocument();
    expect(screen.getByText('None.')).toBeInTheDocument();
    expect(screen.queryByText('Limit ranges')).toBeNull();
    expect(screen.queryByText('Virtual machines')).toBeNull();
    expect(screen.getByText('Flux: not seen')).toBeInTheDocument();
    // kinds that are not installed (KubeVirt, CDI, Flux) do not make the data stale
    expect(screen.getByText('Data from 20 s ago')).toBeInTheDocument();
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('warns that the data is stale when a source is reconnecting, still shows the data, and shows a failing Flux apply', async () => {
    renderCard(namespaceApi(async () => stale));
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent(
      "Stale: pods: reconnecting (cluster 'dev' did not answer in time)",
    );
    expect(alert.className).toMatch(/Warning/);
    // the pods were last heard from 10 minutes before now
    expect(screen.getByText('Data from 10 min ago')).toBeInTheDocument();
    expect(gauge('requests.cpu')).toEqual({
      text: 'requests.cpu500m of 2 (25%)',
      value: '25',
      colour: 'Success',
    });
    expect(screen.getByText('Running: 2')).toBeInTheDocument();
    const flux = chip('Flux: BuildFailed');
    expect(flux.className).toMatch(/colorError/);
    expect(flux).toHaveAttribute(
      'title',
      "kustomize build failed: accumulating resources: 'quota.yaml' not found",
    );
  });

  it("shows an error that is not a 404 as an error, in the backend's words with its status", async () => {
    const unavailable = await responseError(
      503,
      'Service Unavailable',
      "cluster 'dev' cannot be reached right now",
    );
    renderCard(namespaceApi(() => Promise.reject(unavailable)));
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent(
      "Could not read the state of payments-dev: cluster 'dev' cannot be reached right now (Request failed with 503 Service Unavailable)",
    );
    expect(alert.className).toMatch(/Error/);
    expect(screen.queryByText(/is not on cluster/)).toBeNull();
    expect(screen.queryByText('Quota')).toBeNull();
  });

  it('shows a resource used beyond a quota of 0 as over the limit in red, though it has no percentage', async () => {
    renderCard(
      namespaceApi(async () =>
        withQuota(
          {
            resource: 'requests.storage',
            hard: '0',
            used: '5Gi',
            exceeded: true,
          },
          {
            resource: 'pods',
            hard: '10',
            used: '12',
            ratio: 1.2,
            exceeded: true,
          },
        ),
      ),
    );
    await screen.findByTestId('quota-pods');
    expect(gauge('requests.storage')).toEqual({
      text: 'requests.storage5Gi of 0 (over the limit)',
      value: '100',
      colour: 'Error',
    });
    expect(gauge('pods')).toEqual({
      text: 'pods12 of 10 (120%, over the limit)',
      value: '100',
      colour: 'Error',
    });
  });

  it('draws no bar for a resource without a ratio that is not over its limit', async () => {
    renderCard(
      namespaceApi(async () =>
        withQuota(
          { resource: 'count/widgets.example.com', hard: 'lots', used: 'some' },
          {
            resource: 'pods',
            hard: '10',
            used: '0',
            ratio: 0,
            exceeded: false,
          },
        ),
      ),
    );
    const widgets = await screen.findByTestId(
      'quota-count/widgets.example.com',
    );
    expect(widgets).toHaveTextContent('count/widgets.example.comsome of lots');
    expect(within(widgets).queryByRole('progressbar')).toBeNull();
    // an empty quota still has its (empty, green) bar
    expect(gauge('pods')).toEqual({
      text: 'pods0 of 10 (0%)',
      value: '0',
      colour: 'Success',
    });
  });

  it('shows the percentage its colour is chosen by: 79% green just under 80%, 80% amber at 80%', async () => {
    renderCard(
      namespaceApi(async () =>
        withQuota(
          {
            resource: 'requests.cpu',
            hard: '10',
            used: '7998m',
            ratio: 0.7998,
            exceeded: false,
          },
          {
            resource: 'limits.cpu',
            hard: '10',
            used: '8',
            ratio: 0.8,
            exceeded: false,
          },
          {
            resource: 'requests.memory',
            hard: '100Gi',
            used: '94.99Gi',
            ratio: 0.9499,
            exceeded: false,
          },
        ),
      ),
    );
    await screen.findByTestId('quota-requests.cpu');
    expect(gauge('requests.cpu')).toEqual({
      text: 'requests.cpu7998m of 10 (79%)',
      value: '79',
      colour: 'Success',
    });
    expect(gauge('limits.cpu')).toEqual({
      text: 'limits.cpu8 of 10 (80%)',
      value: '80',
      colour: 'Warning',
    });
    expect(gauge('requests.memory')).toEqual({
      text: 'requests.memory94.99Gi of 100Gi (94%)',
      value: '94',
      colour: 'Warning',
    });
  });

  it('says there is no data from the cluster yet when no source was ever heard from', async () => {
    renderCard(
      namespaceApi(async () => ({
        ...empty,
        sources: empty.sources.map(({ lastHeardAt, ...source }) => source),
      })),
      'search-dev',
    );
    expect(
      await screen.findByText('No data from the cluster yet'),
    ).toBeInTheDocument();
    expect(screen.queryByText(/Data from/)).toBeNull();
  });

  it('links the request page, the pull request that created the namespace, and the GitOps folder', async () => {
    renderInTestApp(
      <NamespaceStateCard
        cluster="dev"
        namespace="payments-dev"
        links={[
          {
            url: 'https://github.example/acme/gitops/tree/main/clusters/dev/namespaces/payments-dev',
            title: 'GitOps folder',
            type: 'gitops',
          },
        ]}
      />,
      {
        apis: [
          [provisioningApiRef, namespaceApi(async () => busy)],
          catalogApiMock({ entities: busyRequests }),
        ],
        mountedRoutes: { '/provisioning/requests/:requestId': requestRouteRef },
      },
    );
    await screen.findByTestId('quota-pods');
    // the creation's pull request, not the later quota change's
    expect(await linkRow()).toEqual([
      [
        'Request dev-rack-a.ns.payments-dev',
        '/provisioning/requests/dev-rack-a.ns.payments-dev',
      ],
      ['Pull request #7', 'https://github.example/acme/gitops/pull/7'],
      [
        'GitOps folder',
        'https://github.example/acme/gitops/tree/main/clusters/dev/namespaces/payments-dev',
      ],
    ]);
  });

  it('keeps the request link and the card when the catalog cannot be asked for the pull request', async () => {
    renderInTestApp(
      <NamespaceStateCard cluster="dev" namespace="payments-dev" />,
      {
        apis: [
          [provisioningApiRef, namespaceApi(async () => busy)],
          catalogApiMock.mock({
            getEntities: jest
              .fn()
              .mockRejectedValue(new Error('catalog is down')),
          }),
        ],
        mountedRoutes: { '/provisioning/requests/:requestId': requestRouteRef },
      },
    );
    expect(await linkRow()).toEqual([
      [
        'Request dev-rack-a.ns.payments-dev',
        '/provisioning/requests/dev-rack-a.ns.payments-dev',
      ],
    ]);
    expect(screen.getByTestId('quota-pods')).toBeInTheDocument();
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('says a namespace not on the cluster (or not readable) is not there yet, without an error', async () => {
    const notFound = await responseError(
      404,
      'Not Found',
      "no namespace 'payments-next' on cluster 'dev' that you may read",
    );
    renderCard(
      namespaceApi(() => Promise.reject(notFound)),
      'payments-next',
    );
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent(
      'Namespace payments-next is not on cluster dev yet (or you may not read it)',
    );
    expect(alert.className).toMatch(/Info/);
    expect(screen.queryByText(/Could not read/)).toBeNull();
  });

  it("keeps the last answer when a re-read fails, and says why in the backend's words", async () => {
    jest.useFakeTimers({ doNotFake: ['Date'] });
    try {
      const unavailable = await responseError(
        503,
        'Service Unavailable',
        "cluster 'dev' cannot be reached right now",
      );
      const api = namespaceApi(async () => {
        if (api.getNamespaceState.mock.calls.length > 1) throw unavailable;
        return busy;
      });
      renderCard(api);
      await screen.findByTestId('quota-pods');
      await act(async () => {
        jest.advanceTimersByTime(REFRESH_MS);
      });
      expect(api.getNamespaceState).toHaveBeenCalledTimes(2);
      expect(
        await screen.findByText(
          "Could not refresh: cluster 'dev' cannot be reached right now (Request failed with 503 Service Unavailable). Showing the last answer.",
        ),
      ).toBeInTheDocument();
      expect(gauge('pods').text).toBe('pods20 of 20 (100%)');
    } finally {
      jest.useRealTimers();
    }
  });

  it('shows progress while the state is read', async () => {
    renderCard(namespaceApi(() => new Promise(() => {})));
    expect(
      await screen.findByRole('progressbar', { name: 'Loading' }),
    ).toBeInTheDocument();
    expect(screen.queryByText('Quota')).toBeNull();
    expect(screen.queryByRole('alert')).toBeNull();
  });
});

describe('EntityNamespaceStateCard', () => {
  const namespaceEntity = {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: {
      name: 'dev.payments-dev',
      annotations: {
        [CATALOG_KEYS.cluster]: 'dev',
        [CATALOG_KEYS.namespace]: 'payments-dev',
      },
      links: [
        {
          url: 'https://portal.example/provisioning/requests/dev-rack-a.ns.payments-dev',
          title: 'Request dev-rack-a.ns.payments-dev',
          type: 'provisioning-request',
        },
        {
          url: 'https://github.example/acme/gitops/tree/main/clusters/dev/namespaces/payments-dev',
          title: 'GitOps folder',
          type: 'gitops',
        },
        { url: 'https://grafana.example/d/ns', title: 'Dashboard' },
      ],
    },
    spec: { type: 'kubernetes-namespace', owner: 'group:default/payments' },
  };

  beforeEach(() => {
    jest.spyOn(Date, 'now').mockReturnValue(NOW);
  });
  afterEach(() => {
    jest.restoreAllMocks();
  });

  it("reads the namespace the entity's annotations name, and shows its GitOps folder beside the request links", async () => {
    const api = namespaceApi(async () => busy);
    renderInTestApp(
      <EntityProvider entity={namespaceEntity}>
        <EntityNamespaceStateCard />
      </EntityProvider>,
      {
        apis: [
          [provisioningApiRef, api],
          catalogApiMock({ entities: busyRequests }),
        ],
        mountedRoutes: { '/provisioning/requests/:requestId': requestRouteRef },
      },
    );
    expect(await screen.findByText('Live state')).toBeInTheDocument();
    expect(api.getNamespaceState).toHaveBeenCalledWith('dev', 'payments-dev');
    await screen.findByTestId('quota-pods');
    // the request page in the app, not the entity's absolute link to it; no link the card is not about
    expect(await linkRow()).toEqual([
      [
        'Request dev-rack-a.ns.payments-dev',
        '/provisioning/requests/dev-rack-a.ns.payments-dev',
      ],
      ['Pull request #7', 'https://github.example/acme/gitops/pull/7'],
      [
        'GitOps folder',
        'https://github.example/acme/gitops/tree/main/clusters/dev/namespaces/payments-dev',
      ],
    ]);
  });

  it("links the request by the entity's link when the app has no request page", async () => {
    renderInTestApp(
      <EntityProvider entity={namespaceEntity}>
        <EntityNamespaceStateCard />
      </EntityProvider>,
      { apis: [[provisioningApiRef, namespaceApi(async () => busy)]] },
    );
    await screen.findByTestId('quota-pods');
    expect(await linkRow()).toEqual([
      [
        'Request dev-rack-a.ns.payments-dev',
        'https://portal.example/provisioning/requests/dev-rack-a.ns.payments-dev',
      ],
      [
        'GitOps folder',
        'https://github.example/acme/gitops/tree/main/clusters/dev/namespaces/payments-dev',
      ],
    ]);
  });
});

describe('age', () => {
  const at = (secondsBefore: number) =>
    new Date(NOW - secondsBefore * 1000).toISOString();

  it('says how old a time is in seconds, minutes, hours, and days beyond 48 hours', () => {
    expect(age(at(12), NOW)).toBe('12 s ago');
    expect(age(at(3 * 60), NOW)).toBe('3 min ago');
    expect(age(at(59 * 60 + 50), NOW)).toBe('1 h ago');
    expect(age(at(26 * 3600), NOW)).toBe('26 h ago');
    expect(age(at(48 * 3600), NOW)).toBe('48 h ago');
    expect(age(at(72 * 3600), NOW)).toBe('3 d ago');
    expect(age(at(40 * 86400), NOW)).toBe('40 d ago');
    // a clock a little ahead of the browser's is not "in the future"
    expect(age(at(-5), NOW)).toBe('0 s ago');
  });

  it('says "unknown" for a time that does not parse, never NaN', () => {
    expect(age('yesterday-ish', NOW)).toBe('unknown');
    expect(dataAge('yesterday-ish', NOW)).toBe('Data of unknown age');
  });

  it('words data never heard from as such', () => {
    expect(dataAge(undefined, NOW)).toBe('No data from the cluster yet');
    expect(dataAge(at(15), NOW)).toBe('Data from 15 s ago');
  });
});

describe('gaugeColour', () => {
  it('is chosen by the percent shown, rounded down', () => {
    expect([0.7998, 0.8, 0.9499, 0.95, 1, 1.5].map(quotaPercent)).toEqual([
      79, 80, 94, 95, 100, 150,
    ]);
    expect([0.7998, 0.8, 0.9499, 0.95, 1, 1.5].map(gaugeColour)).toEqual([
      'success',
      'warning',
      'warning',
      'error',
      'error',
      'error',
    ]);
    // floating point: 0.29 * 100 is 28.999999999999996, still 29%
    expect(quotaPercent(0.29)).toBe(29);
  });
});
