import { ResponseError } from '@backstage/errors';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import {
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { signalApiRef } from '@backstage/plugin-signals-react';
import { CATALOG_KEYS } from '@kubeportal/plugin-provisioning-common';
import { act, screen, within } from '@testing-library/react';
import { ProvisioningApi, provisioningApiRef } from '../../api';
import type { VmLiveState } from '../../api/ProvisioningApi';
import { requestRouteRef } from '../../routes';
import importingFixture from './__fixtures__/importingVm.json';
import runningFixture from './__fixtures__/runningVm.json';
import staleFixture from './__fixtures__/staleVm.json';
import stoppedFixture from './__fixtures__/stoppedVm.json';
import { EntityVmStateCard } from './EntityVmStateCard';
import { VmStateCard } from './VmStateCard';

/** The backend's answers, as `GET /clusters/dev/namespaces/payments-dev/vms/<vm>/state` gives them. */
const running = runningFixture as VmLiveState;
const importing = importingFixture as VmLiveState;
const stopped = stoppedFixture as VmLiveState;
const stale = staleFixture as VmLiveState;

/** The clock of every test: the fixtures' sources were last heard from a few seconds before. */
const NOW = Date.parse('2025-06-02T10:00:00.000Z');

/** A provisioning API whose only method is `getVmState`, answering as given. */
const vmApi = (
  getVmState: ProvisioningApi['getVmState'],
): ProvisioningApi & { getVmState: jest.Mock } =>
  ({ getVmState: jest.fn(getVmState) } as Partial<ProvisioningApi> as any);

/** The error the client throws for a non-2xx answer, built from the backend's error body as the client builds it. */
const responseError = (status: number, statusText: string, message: string) =>
  ResponseError.fromResponse({
    status,
    statusText,
    ok: false,
    url: 'http://localhost:7007/api/provisioning/clusters/dev/namespaces/payments-dev/vms/legacy-crm/state',
    headers: new Headers({ 'content-type': 'application/json' }),
    text: async () =>
      JSON.stringify({
        error: {
          name: status === 404 ? 'NotFoundError' : 'Error',
          message,
        },
        request: { method: 'GET', url: '/clusters/dev/...' },
        response: { statusCode: status },
      }),
  } as unknown as Response);

/** A signal connection the test hands messages to, channel by channel. */
const signalsByHand = () => {
  const listeners = new Map<string, (message: any) => void>();
  return {
    listeners,
    api: {
      subscribe: (channel: string, onMessage: (m: any) => void) => {
        listeners.set(channel, onMessage);
        return { unsubscribe: () => listeners.delete(channel) };
      },
    },
  };
};

const mountedRoutes = {
  '/provisioning/requests/:requestId': requestRouteRef,
  '/catalog/:namespace/:kind/:name': entityRouteRef as any,
};

const renderCard = (
  api: ProvisioningApi,
  options: { vm?: string; signals?: object } = {},
) =>
  renderInTestApp(
    <VmStateCard
      cluster="dev"
      namespace="payments-dev"
      vm={options.vm ?? 'legacy-crm'}
    />,
    {
      apis: [
        [provisioningApiRef, api],
        ...(options.signals
          ? ([[signalApiRef, options.signals]] as const)
          : []),
      ],
      mountedRoutes,
    },
  );

/** The facts table of the VM, as label → text. */
const factsOf = async (vm: string) =>
  Object.fromEntries(
    within(await screen.findByRole('table', { name: `Facts of ${vm}` }))
      .getAllByRole('row')
      .map(row => [
        within(row).getByRole('rowheader').textContent,
        within(row).getByRole('cell').textContent,
      ]),
  );

/** The disks table, one array of cell texts per row (the header left out). */
const disksOf = (vm: string) =>
  within(screen.getByRole('table', { name: `Disks of ${vm}` }))
    .getAllByRole('row')
    .slice(1)
    .map(row =>
      [
        within(row).getByRole('rowheader'),
        ...within(row).getAllByRole('cell'),
      ].map(cell => cell.textContent),
    );

/** The MUI chip whose text is `label`. */
const chip = (label: string) =>
  screen.getByText(label).closest('[class*="MuiChip-root"]') as HTMLElement;

describe('VmStateCard', () => {
  beforeEach(() => {
    jest.spyOn(Date, 'now').mockReturnValue(NOW);
  });
  afterEach(() => {
    jest.restoreAllMocks();
  });

  it('shows a running VM: power state, phase, size, IPs, node, age, its disk with the DataVolume that succeeded, and links', async () => {
    const api = vmApi(async () => running);
    renderCard(api);
    expect(await factsOf('legacy-crm')).toEqual({
      'Power state': 'Running',
      'Run strategy': 'Always',
      Phase: 'Running',
      vCPU: '2',
      Memory: '4Gi',
      IPs: '10.244.1.17, fd00:10:244:1::11',
      Node: 'worker-2',
      Created: '26 h ago',
      Namespace: 'payments-dev',
      Team: 'payments',
      Request: 'dev-rack-a.vm.payments-dev.legacy-crm',
    });
    expect(api.getVmState).toHaveBeenCalledWith(
      'dev',
      'payments-dev',
      'legacy-crm',
    );
    expect(disksOf('legacy-crm')).toEqual([
      [
        'rootdisk',
        'legacy-crm-root',
        'Succeeded',
        '100.0%',
        'DataVolume: Ready',
        'registry',
        '30Gi',
        'ceph-block',
      ],
      // a cloud-init disk has no DataVolume: dashes, not blanks
      ['cloudinitdisk', '—', '—', '—', '—', '—', '—', '—'],
    ]);
    // ready from the VM's own Ready condition: green
    expect(chip('VM: Ready').className).toMatch(/colorSuccess/);
    expect(screen.getByText('Power: Running')).toBeInTheDocument();
    // the oldest source was heard 12 s before now; nothing is stale
    expect(screen.getByText('Data from 12 s ago')).toBeInTheDocument();
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
    expect(
      screen.getByRole('link', {
        name: 'dev-rack-a.vm.payments-dev.legacy-crm',
      }),
    ).toHaveAttribute(
      'href',
      '/provisioning/requests/dev-rack-a.vm.payments-dev.legacy-crm',
    );
    expect(screen.getByRole('link', { name: 'payments' })).toHaveAttribute(
      'href',
      '/catalog/default/group/payments',
    );
  });

  it('shows a DataVolume import in progress with its percentage, and the VM as not ready with the reason', async () => {
    renderCard(
      vmApi(async () => importing),
      { vm: 'reports-db' },
    );
    const facts = await factsOf('reports-db');
    expect(facts).toMatchObject({
      'Power state': 'Provisioning',
      Phase: '—',
      vCPU: '4',
      Memory: '8Gi',
      IPs: '—',
      Node: '—',
      Created: '8 min ago',
    });
    expect(disksOf('reports-db')).toEqual([
      [
        'rootdisk',
        'reports-db-root',
        'ImportInProgress',
        '45.50%',
        'DataVolume: TransferRunning',
        'http',
        '50Gi',
        'ceph-block',
      ],
    ]);
    const progress = screen.getByRole('progressbar', {
      name: 'reports-db-root progress',
    });
    // MUI rounds the value it announces
    expect(progress).toHaveAttribute('aria-valuenow', '46');
    expect(chip('DataVolume: TransferRunning').className).toMatch(/colorError/);
    expect(chip('DataVolume: TransferRunning')).toHaveAttribute(
      'title',
      'Import Running',
    );
    const vm = chip('VM: VMINotExists');
    expect(vm.className).toMatch(/colorError/);
    expect(vm).toHaveAttribute('title', 'VMI does not exist');
  });

  it('shows a stopped VM with dashes for what a stopped VM has not, and without a request link it does not have', async () => {
    renderCard(
      vmApi(async () => stopped),
      { vm: 'batch-runner' },
    );
    expect(await factsOf('batch-runner')).toEqual({
      'Power state': 'Stopped',
      'Run strategy': 'Halted',
      Phase: '—',
      vCPU: '—',
      Memory: '—',
      IPs: '—',
      Node: '—',
      Created: '—',
      Namespace: 'payments-dev',
      Team: 'payments',
      Request: '—',
    });
    expect(disksOf('batch-runner')).toEqual([
      ['containerdisk', '—', '—', '—', '—', '—', '—', '—'],
    ]);
    expect(screen.queryByRole('link', { name: /dev-rack-a/ })).toBeNull();
    // CDI not installed is no problem: the other sources are 30 s old
    expect(screen.getByText('Data from 30 s ago')).toBeInTheDocument();
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
  });

  it('shows a VM without a Ready condition as unknown, never green', async () => {
    renderCard(
      vmApi(async () => ({ ...running, health: { state: 'unknown' } })),
    );
    await factsOf('legacy-crm');
    const vm = chip('VM: unknown');
    expect(vm.className).toMatch(/colorDefault/);
    expect(vm.className).not.toMatch(/colorSuccess/);
    expect(screen.queryByText('VM: Ready')).toBeNull();
  });

  it('warns that the data is stale when a source is reconnecting, and still shows the data', async () => {
    renderCard(vmApi(async () => stale));
    expect(await screen.findByRole('alert')).toHaveTextContent(
      "Stale: virtualmachineinstances: reconnecting (cluster 'dev' did not answer in time)",
    );
    expect(screen.getByRole('alert').className).toMatch(/Warning/);
    // the oldest word from the cluster, 7 minutes before now
    expect(screen.getByText('Data from 7 min ago')).toBeInTheDocument();
    expect(await factsOf('legacy-crm')).toMatchObject({
      'Power state': 'Running',
      Node: 'worker-2',
      IPs: '10.244.1.17',
    });
  });

  it('warns that the data is stale when every source is synced but none was heard from for over two minutes', async () => {
    jest.spyOn(Date, 'now').mockReturnValue(NOW + 3 * 60_000);
    renderCard(vmApi(async () => running));
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'Stale: no news from the cluster since 2025-06-02T09:59:48.000Z',
    );
    expect(screen.getByText('Data from 3 min ago')).toBeInTheDocument();
    expect((await factsOf('legacy-crm')).Node).toBe('worker-2');
  });

  it('says the VM is not on the cluster or may not be read on a 404, without an error', async () => {
    const notFound = await responseError(
      404,
      'Not Found',
      "no VM 'legacy-crm' in namespace 'payments-dev' on cluster 'dev' that you may read",
    );
    renderCard(vmApi(() => Promise.reject(notFound)));
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent(
      'VM legacy-crm is not in namespace payments-dev on cluster dev (or you may not read it)',
    );
    expect(alert.className).toMatch(/Info/);
    expect(screen.queryByText(/Could not read/)).toBeNull();
    expect(screen.queryByRole('table')).toBeNull();
  });

  it("shows any other error in the backend's words", async () => {
    const unavailable = await responseError(
      503,
      'Service Unavailable',
      "cluster 'dev' cannot be reached right now",
    );
    renderCard(vmApi(() => Promise.reject(unavailable)));
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent(
      "Could not read the state of legacy-crm: cluster 'dev' cannot be reached right now (Request failed with 503 Service Unavailable)",
    );
    expect(alert.className).toMatch(/Error/);
    expect(screen.queryByRole('table')).toBeNull();
  });

  it('shows progress while the state is read', async () => {
    renderCard(vmApi(() => new Promise(() => {})));
    expect(
      await screen.findByRole('progressbar', { name: 'Loading' }),
    ).toBeInTheDocument();
    expect(screen.queryByRole('table')).toBeNull();
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it("reads again once per signal of the VM's namespace, and shows the new answer", async () => {
    const signals = signalsByHand();
    const done = {
      ...importing,
      disks: [{ ...importing.disks[0], phase: 'Succeeded' }],
      dataVolumes: [
        {
          ...importing.dataVolumes[0],
          phase: 'Succeeded',
          progress: '100.0%',
          health: { state: 'ready' as const },
        },
      ],
    };
    const api = vmApi(async () =>
      api.getVmState.mock.calls.length === 1 ? importing : done,
    );
    renderCard(api, { vm: 'reports-db', signals: signals.api });
    expect(await screen.findByText('45.50%')).toBeInTheDocument();
    expect(api.getVmState).toHaveBeenCalledTimes(1);
    const signal = signals.listeners.get(
      'provisioning:namespace:dev:payments-dev',
    );
    expect([...signals.listeners.keys()]).toEqual([
      'provisioning:namespace:dev:payments-dev',
    ]);
    act(() =>
      signal!({
        cluster: 'dev',
        namespace: 'payments-dev',
        changedAt: '2025-06-02T10:00:01.000Z',
      }),
    );
    expect(await screen.findByText('100.0%')).toBeInTheDocument();
    expect(disksOf('reports-db')[0]).toEqual([
      'rootdisk',
      'reports-db-root',
      'Succeeded',
      '100.0%',
      'DataVolume: Ready',
      'http',
      '50Gi',
      'ceph-block',
    ]);
    expect(api.getVmState).toHaveBeenCalledTimes(2);
    // no further reads follow on their own
    await new Promise(r => setTimeout(r, 1_500));
    expect(api.getVmState).toHaveBeenCalledTimes(2);
  });
});

describe('VmStateCard on a failed re-read', () => {
  beforeEach(() => {
    jest.spyOn(Date, 'now').mockReturnValue(NOW);
  });
  afterEach(() => {
    jest.restoreAllMocks();
  });

  it("keeps the last answer and says in the backend's words why it could not refresh", async () => {
    const signals = signalsByHand();
    const unavailable = await responseError(
      503,
      'Service Unavailable',
      "cluster 'dev' cannot be reached right now",
    );
    const api = vmApi(async () => {
      if (api.getVmState.mock.calls.length > 1) throw unavailable;
      return running;
    });
    renderCard(api, { signals: signals.api });
    expect((await factsOf('legacy-crm')).Node).toBe('worker-2');
    act(() =>
      signals.listeners.get('provisioning:namespace:dev:payments-dev')!({
        cluster: 'dev',
        namespace: 'payments-dev',
        changedAt: '2025-06-02T10:00:01.000Z',
      }),
    );
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent(
      "Could not refresh: cluster 'dev' cannot be reached right now (Request failed with 503 Service Unavailable). Showing the last answer.",
    );
    expect(alert.className).toMatch(/Warning/);
    expect((await factsOf('legacy-crm')).Node).toBe('worker-2');
    expect(api.getVmState).toHaveBeenCalledTimes(2);
  });
});

describe('EntityVmStateCard', () => {
  const vmEntity = (annotations: Record<string, string>) => ({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: { name: 'dev-payments-dev-legacy-crm', annotations },
    spec: { type: 'virtual-machine', owner: 'group:default/payments' },
  });

  beforeEach(() => {
    jest.spyOn(Date, 'now').mockReturnValue(NOW);
  });
  afterEach(() => {
    jest.restoreAllMocks();
  });

  it("reads the VM the entity's annotations name", async () => {
    const api = vmApi(async () => running);
    renderInTestApp(
      <EntityProvider
        entity={vmEntity({
          [CATALOG_KEYS.cluster]: 'dev',
          [CATALOG_KEYS.namespace]: 'payments-dev',
          [CATALOG_KEYS.vm]: 'legacy-crm',
        })}
      >
        <EntityVmStateCard />
      </EntityProvider>,
      { apis: [[provisioningApiRef, api]], mountedRoutes },
    );
    expect((await factsOf('legacy-crm')).Node).toBe('worker-2');
    expect(screen.getByText('Live state')).toBeInTheDocument();
    expect(api.getVmState).toHaveBeenCalledWith(
      'dev',
      'payments-dev',
      'legacy-crm',
    );
  });

  it('warns, without reading anything, when the entity does not name its VM', async () => {
    const api = vmApi(async () => running);
    renderInTestApp(
      <EntityProvider
        entity={vmEntity({
          [CATALOG_KEYS.cluster]: 'dev',
          [CATALOG_KEYS.namespace]: 'payments-dev',
        })}
      >
        <EntityVmStateCard />
      </EntityProvider>,
      { apis: [[provisioningApiRef, api]], mountedRoutes },
    );
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'This entity does not name its cluster, namespace and VM (annotations provisioning.kubeportal.io/cluster, provisioning.kubeportal.io/namespace and provisioning.kubeportal.io/vm).',
    );
    expect(api.getVmState).not.toHaveBeenCalled();
  });
});
