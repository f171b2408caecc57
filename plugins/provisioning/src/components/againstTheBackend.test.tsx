import {
  renderInTestApp,
  TestApiProvider,
} from '@backstage/frontend-test-utils';
import { describeWithKube } from '@kubeportal/test-environment';
import { signalApiRef } from '@backstage/plugin-signals-react';
import {
  act,
  fireEvent,
  screen,
  waitFor,
  within,
} from '@testing-library/react';
import {
  ProvisioningApi,
  ProvisioningClient,
  provisioningApiRef,
} from '../api';
import { RealBackend, startRealBackend } from '../__testUtils__/realBackend';
import { ClusterPicker } from './ClusterPicker';
import { ProvisioningPage } from './ProvisioningPage';
import { QuotaTierPicker } from './QuotaTierPicker';
import { NameField } from './NameField';
import { NamespacePicker } from './NamespacePicker';
import { NamespaceStateCard } from './NamespaceStateCard';
import {
  namespaceRequestFromForm,
  previewFieldProblem,
  RequestPreview,
} from './RequestPreview';
import { VmSizePicker } from './VmSizePicker';

jest.setTimeout(120_000);

/**
 * The app's API client and the scaffolder field extensions against the real provisioning backend (the plugin
 * started with Backstage's test backend, the GitHub emulator and a real API server): what the user sees comes from
 * the backend's own answers, not from a fake that restates its rules.
 */
describeWithKube('the frontend against the real provisioning backend', () => {
  let backend: RealBackend;
  let api: ProvisioningApi;

  beforeAll(async () => {
    backend = await startRealBackend();
    api = backend.client('jdoe');
  });
  afterAll(() => backend?.stop());

  const withApi = (element: JSX.Element, client: ProvisioningApi = api) => (
    <TestApiProvider apis={[[provisioningApiRef, client]]}>
      {element}
    </TestApiProvider>
  );
  /** Custom quota values the backend refuses: more CPU requested than the limit allows. */
  const moreCpuRequestedThanLimit = {
    requestsCpu: '6',
    limitsCpu: '4',
    requestsMemory: '4Gi',
    limitsMemory: '8Gi',
    requestsStorage: '50Gi',
    persistentVolumeClaims: 5,
    pods: 20,
    services: 5,
  };
  const fieldProps = (onChange: jest.Mock, formData?: unknown) =>
    ({
      formData,
      onChange,
      required: true,
      rawErrors: [],
      schema: { title: 'Field' },
      idSchema: { $id: 'root_field' },
      uiSchema: {},
    } as any);

  describe('the client', () => {
    it('reads health, clusters and tiers', async () => {
      await expect(api.getHealth()).resolves.toEqual({ status: 'ok' });
      const clusters = await api.getClusters();
      expect(
        clusters.map(c => [c.name, c.environment, c.site, c.health]),
      ).toEqual([
        ['dev', 'dev', 'rack-a', 'ok'],
        ['prod', 'prod', 'rack-b', 'unreachable'],
      ]);
      expect((await api.getTiers()).map(t => t.name)).toEqual([
        'S',
        'M',
        'L',
        'XL',
      ]);
    });

    it("returns the backend's problems with their field paths", async () => {
      const check = await api.checkQuota({ custom: moreCpuRequestedThanLimit });
      expect(check.problems.map(p => p.path)).toEqual(['quota.requestsCpu']);
      expect(check.problems[0].message).toMatch(/limitsCpu/);
    });

    it('turns an answer that is not 2xx into an error with the status and the reason', async () => {
      const refused = await api
        .preview({ kind: 'namespace', cluster: 'dev', name: 'Not_A_Name' })
        .catch(error => error);
      expect(refused).toMatchObject({
        name: 'ResponseError',
        statusCode: 400,
      });
      expect(refused.body.error.message).toMatch(/name/);
    });
  });

  describe('names and namespaces', () => {
    it('checks a new name on the cluster, in the repository and by its rule', async () => {
      const check = (name: string) =>
        api
          .checkName({ kind: 'namespace', cluster: 'dev', name })
          .then(r =>
            r.problems.map(p => `${p.path} [${p.rule}]: ${p.message}`),
          );
      expect(await check('legacy-app')).toEqual([
        "name [name-free]: namespace 'legacy-app' already exists on cluster 'dev': choose another name",
      ]);
      expect(await check('payments-dev')).toEqual([
        "name [name-free]: namespace 'payments-dev' is already in the GitOps repository for cluster 'dev' (not yet applied): choose another name",
      ]);
      expect(await check('kube-stuff')).toEqual([
        expect.stringMatching(/^name \[name-format\]: kube-stuff /),
      ]);
      expect(await check('payments-web')).toEqual([]);
      const vm = await api.checkName({
        kind: 'vm',
        cluster: 'dev',
        namespace: 'payments-dev',
        name: 'legacy-db',
      });
      expect(vm.problems).toEqual([]);
    });

    it("lists only the namespaces of the user's teams, with the room for a VM", async () => {
      const [mine] = await api.getNamespaces('dev');
      expect(mine).toMatchObject({
        cluster: 'dev',
        name: 'payments-dev',
        team: 'payments',
        environment: 'dev',
        vms: [],
      });
      // tier S, no VM yet: requests 2 cores / 4Gi, limits 4 cores / 8Gi, 20 pods
      expect(mine.room).toEqual([
        { resource: 'requests.memory', left: '4 GiB' },
        { resource: 'limits.memory', left: '8 GiB' },
        { resource: 'requests.cpu', left: '2 cores' },
        { resource: 'limits.cpu', left: '4 cores' },
        { resource: 'pods', left: '20' },
      ]);
      // 2 vCPU / 4Gi: 4Gi + 284Mi + 35M requested is more than the 4Gi of tier S
      expect(mine.sizes.map(s => [s.cpu, s.memory, s.fits])).toEqual([
        [1, '1Gi', true],
        [1, '2Gi', true],
        [2, '2Gi', true],
        [2, '4Gi', false],
        [4, '8Gi', false],
        [8, '16Gi', false],
      ]);
      expect(await api.getNamespaces('prod')).toEqual([]);
      expect(await backend.client('mallory').getNamespaces()).toEqual([]);
    });
  });

  describe('ClusterPicker', () => {
    it('lists clusters with environment and site, and disables the unreachable ones', async () => {
      const onChange = jest.fn();
      await renderInTestApp(
        withApi(<ClusterPicker {...fieldProps(onChange)} />),
      );
      const picker = await screen.findByRole('combobox');
      // disabled until the backend has answered
      await waitFor(() =>
        expect(picker).not.toHaveAttribute('aria-disabled', 'true'),
      );
      fireEvent.mouseDown(picker);
      const options = within(await screen.findByRole('listbox')).getAllByRole(
        'option',
      );
      // the platform team reads the clusters' own messages; everybody else a generic reason
      expect(options.map(o => o.textContent)).toEqual([
        'dev — dev, rack-a · reachable',
        "prod — prod, rack-b · unreachable: cluster 'prod' cannot be reached right now",
      ]);
      expect(options[1]).toHaveAttribute('aria-disabled', 'true');
      fireEvent.click(options[0]);
      expect(onChange).toHaveBeenCalledWith('dev');
    });

    it("says the chosen cluster's environment and whether it answers", async () => {
      await renderInTestApp(
        withApi(<ClusterPicker {...fieldProps(jest.fn(), 'dev')} />),
      );
      expect(
        await screen.findByText(
          "dev: dev environment at rack-a, reachable now. The request's environment is the cluster's.",
        ),
      ).toBeInTheDocument();
    });
  });

  describe('QuotaTierPicker', () => {
    it('offers the configured tiers with their monthly cost', async () => {
      const onChange = jest.fn();
      await renderInTestApp(
        withApi(
          <QuotaTierPicker
            {...fieldProps(onChange)}
            schema={{ title: 'Quota tier' }}
          />,
        ),
      );
      const medium = await screen.findByLabelText(
        'M: 4 CPU, 16Gi memory, 200Gi storage, 50 pods — 148.00 EUR a month',
      );
      fireEvent.click(medium);
      expect(onChange).toHaveBeenCalledWith({ tier: 'M' });
      fireEvent.click(screen.getByLabelText('Custom values'));
      expect(onChange).toHaveBeenLastCalledWith({
        custom: expect.objectContaining({
          requestsCpu: '2',
          requestsMemory: '4Gi',
          pods: 20,
        }),
      });
    });

    it('takes the template default when the form has no quota yet', async () => {
      const onChange = jest.fn();
      await renderInTestApp(
        withApi(
          <QuotaTierPicker
            {...fieldProps(onChange, {})}
            schema={{ title: 'Quota', default: { tier: 'S' } }}
          />,
        ),
      );
      expect(onChange).toHaveBeenCalledWith({ tier: 'S' });
    });

    it('offers every quota field for custom values, services and load balancers included', async () => {
      const onChange = jest.fn();
      const custom = {
        requestsCpu: '2',
        limitsCpu: '4',
        requestsMemory: '4Gi',
        limitsMemory: '8Gi',
        requestsStorage: '50Gi',
        persistentVolumeClaims: 5,
        pods: 20,
        services: 5,
        loadBalancers: 1,
        nodePorts: 2,
      };
      await renderInTestApp(
        withApi(
          <QuotaTierPicker
            {...fieldProps(onChange, { custom })}
            schema={{ title: 'Quota' }}
          />,
        ),
      );
      // every field of the quota table, in its order, each showing its value
      const expected = [
        ['CPU requests', '2'],
        ['CPU limits', '4'],
        ['Memory requests', '4Gi'],
        ['Memory limits', '8Gi'],
        ['Storage', '50Gi'],
        ['PVCs', '5'],
        ['Pods', '20'],
        ['Services', '5'],
        ['Load balancers', '1'],
        ['Node ports', '2'],
      ];
      const fields = (await screen.findAllByRole(
        'textbox',
      )) as HTMLInputElement[];
      expect(fields.map(field => field.value)).toEqual(
        expected.map(([, value]) => value),
      );
      expect(expected.map(([label]) => screen.getByLabelText(label))).toEqual(
        fields,
      );
      fireEvent.change(screen.getByLabelText('Node ports'), {
        target: { value: '3' },
      });
      expect(onChange).toHaveBeenLastCalledWith({
        custom: { ...custom, nodePorts: 3 },
      });
    });

    it("shows the backend's check of custom values as they are typed", async () => {
      const custom = moreCpuRequestedThanLimit;
      const { problems } = await api.checkQuota({ custom });
      await renderInTestApp(
        withApi(
          <QuotaTierPicker
            {...fieldProps(jest.fn(), { custom })}
            schema={{ title: 'Quota' }}
          />,
        ),
      );
      expect(problems).toHaveLength(1);
      expect(await screen.findByText(problems[0].message)).toBeInTheDocument();
    });
  });

  describe('RequestPreview', () => {
    const form = {
      cluster: 'dev',
      name: 'payments-web',
      team: 'group:default/payments',
      purpose: 'Web shop of the payments team',
      quota: { tier: 'S' },
      networkPreset: 'isolated',
    };
    const previewField = (formData: object, onChange = jest.fn()) => (
      <RequestPreview
        {...({
          schema: { title: 'Preview' },
          formContext: { formData },
          onChange,
          uiSchema: { 'ui:options': { kind: 'namespace' } },
        } as any)}
      />
    );

    it('builds the request the namespace template builds, without the environment', () => {
      expect(namespaceRequestFromForm(form)).toEqual({
        kind: 'namespace',
        cluster: 'dev',
        name: 'payments-web',
        team: 'group:default/payments',
        purpose: 'Web shop of the payments team',
        expires: undefined,
        quota: { tier: 'S' },
        networkPolicy: { preset: 'isolated', allowEgressTo: [] },
        access: [],
      });
    });

    it('checks the request as soon as the step opens, and says it is ready only when the task will pass', async () => {
      const plan = await api.preview(namespaceRequestFromForm(form));
      expect(plan).toMatchObject({
        ready: true,
        problems: [],
        openRequest: null,
      });
      const onChange = jest.fn();
      await renderInTestApp(withApi(previewField(form, onChange)));
      expect(await screen.findByText('Ready to submit')).toBeInTheDocument();
      expect(
        screen.getByText(
          'clusters/dev/namespaces/payments-web/kustomization.yaml',
        ),
      ).toBeInTheDocument();
      expect(plan.cost.after).toBe('57.00 EUR');
      expect(screen.getByTestId('preview-verdict')).toHaveTextContent(
        `Monthly cost 0.00 EUR → 57.00 EUR; team after this change ${plan.cost.teamAfter}`,
      );
      // the environment came from the cluster
      expect(
        plan.files.find(
          f => f.path === 'clusters/dev/platform/namespaces/payments-web.yaml',
        )?.content,
      ).toMatch(/provisioning\.kubeportal\.io\/environment: dev/);
      // nothing is ready while it is checked; then the value says ready for this request on this commit
      expect(onChange.mock.calls[0][0]).toEqual({
        ready: false,
        updateOpenRequest: false,
      });
      expect(onChange).toHaveBeenLastCalledWith({
        ready: true,
        checked: `${plan.requestId}@${plan.baseSha}`,
        updateOpenRequest: false,
      });
      expect(
        previewFieldProblem(onChange.mock.calls.at(-1)[0]),
      ).toBeUndefined();
    });

    it('blocks the review with each problem on its field: a name taken on the cluster and a prod cluster that cannot be asked', async () => {
      const taken = { ...form, name: 'legacy-app' };
      const onChange = jest.fn();
      await renderInTestApp(withApi(previewField(taken, onChange)));
      expect(
        await screen.findByText('Not ready to submit: 1 problem'),
      ).toBeInTheDocument();
      const verdict = screen.getByTestId('preview-verdict');
      expect(within(verdict).getByRole('listitem')).toHaveTextContent(
        "Name: namespace 'legacy-app' already exists on cluster 'dev': choose another name",
      );
      const value = onChange.mock.calls.at(-1)[0];
      expect(value).toMatchObject({ ready: false, updateOpenRequest: false });
      expect(previewFieldProblem(value)).toBe(
        'The request does not pass its checks yet: fix the problems the preview lists, then check again',
      );
    });

    it('shows why the backend cannot plan a request at all, in its words', async () => {
      const bad = { ...form, team: 'group:default/billing' };
      const refused = await api
        .preview(namespaceRequestFromForm(bad))
        .catch(error => error.body.error.message);
      expect(refused).toBe(
        "team: user:default/jdoe is not a member of 'group:default/billing' and cannot request for it",
      );
      await renderInTestApp(withApi(previewField(bad)));
      expect(await screen.findByText(refused)).toBeInTheDocument();
      expect(screen.getByText('Not ready to submit')).toBeInTheDocument();
    });
  });

  describe('NameField', () => {
    it('says as it is typed that a name is taken on the chosen cluster', async () => {
      await renderInTestApp(
        withApi(
          <NameField
            {...({
              ...fieldProps(jest.fn(), 'legacy-app'),
              schema: { title: 'Namespace name' },
              uiSchema: { 'ui:options': { check: 'namespace' } },
              formContext: { formData: { cluster: 'dev' } },
            } as any)}
          />,
        ),
      );
      expect(
        await screen.findByText(
          "namespace 'legacy-app' already exists on cluster 'dev': choose another name",
        ),
      ).toBeInTheDocument();
    });
  });

  describe('NamespacePicker and VmSizePicker', () => {
    const vmForm = { cluster: 'dev', namespace: 'payments-dev' };

    it("offers the user's namespaces on the chosen cluster with the room each leaves", async () => {
      const onChange = jest.fn();
      await renderInTestApp(
        withApi(
          <NamespacePicker
            {...({
              ...fieldProps(onChange),
              formContext: { formData: { cluster: 'dev' } },
            } as any)}
          />,
        ),
      );
      const picker = await screen.findByRole('combobox');
      await waitFor(() =>
        expect(picker).not.toHaveAttribute('aria-disabled', 'true'),
      );
      fireEvent.mouseDown(picker);
      const options = within(await screen.findByRole('listbox')).getAllByRole(
        'option',
      );
      expect(options.map(o => o.textContent)).toEqual([
        'payments-dev — team payments; room left: 4 GiB memory, 4 cores CPU limit',
      ]);
      fireEvent.click(options[0]);
      expect(onChange).toHaveBeenCalledWith('payments-dev');
    });

    it('offers the VM sizes that fit the namespace and says why the others do not', async () => {
      const onChange = jest.fn();
      await renderInTestApp(
        withApi(
          <VmSizePicker
            {...({
              ...fieldProps(onChange, { cpu: 2, memory: '2Gi' }),
              schema: { title: 'Size' },
              formContext: { formData: vmForm },
            } as any)}
          />,
        ),
      );
      const fits = await screen.findByLabelText('2 vCPU, 2Gi — fits');
      expect(fits).toBeChecked();
      const tooBig = screen.getByLabelText(
        /^2 vCPU, 4Gi — does not fit: requests\.memory \S+ MiB short$/,
      );
      expect(tooBig).toBeDisabled();
      fireEvent.click(screen.getByLabelText('1 vCPU, 1Gi — fits'));
      expect(onChange).toHaveBeenLastCalledWith({ cpu: 1, memory: '1Gi' });
      expect(
        screen.getByText(
          'Namespace payments-dev: room left: 4 GiB memory, 4 cores CPU limit',
        ),
      ).toBeInTheDocument();
    });
  });

  describe('NamespaceStateCard', () => {
    it('shows the quota used by the pods as counted by the real quota controller, with its colour', async () => {
      // the quota controller updates status.used shortly after start
      await waitFor(
        async () => {
          const state = await api.getNamespaceState('dev', 'payments-live');
          expect(
            state.quotas[0].resources.find(r => r.resource === 'requests.cpu')
              ?.used,
          ).toBe('900m');
        },
        { timeout: 60_000, interval: 500 },
      );
      await renderInTestApp(
        withApi(<NamespaceStateCard cluster="dev" namespace="payments-live" />),
      );
      const cpu = await screen.findByTestId('quota-requests.cpu');
      expect(cpu).toHaveTextContent('requests.cpu900m of 1 (90%)');
      // 90%: amber
      expect(within(cpu).getByRole('progressbar').className).toMatch(
        /colorWarning/,
      );
      expect(screen.getByTestId('quota-pods')).toHaveTextContent(
        'pods1 of 4 (25%)',
      );
      expect(screen.getByText('Pending: 1')).toBeInTheDocument();
      // no Flux here: said so, never a green tick
      expect(screen.getByText('Flux: not seen')).toBeInTheDocument();
      expect(screen.getByText(/^Data from \d+ s ago$/)).toBeInTheDocument();
    });

    it('reads again once per signal of its namespace, not in a loop', async () => {
      // the browser's signal connection is the edge replaced here: the test hands the card its messages
      const listeners = new Map<string, (message: any) => void>();
      const signals = {
        subscribe: (channel: string, onMessage: (m: any) => void) => {
          listeners.set(channel, onMessage);
          return { unsubscribe: () => listeners.delete(channel) };
        },
      };
      const reads: string[] = [];
      const counting: ProvisioningApi = Object.create(api);
      counting.getNamespaceState = (cluster, namespace) => {
        reads.push(`${cluster}/${namespace}`);
        return api.getNamespaceState(cluster, namespace);
      };
      await renderInTestApp(
        <TestApiProvider
          apis={[
            [provisioningApiRef, counting],
            [signalApiRef, signals],
          ]}
        >
          <NamespaceStateCard cluster="dev" namespace="payments-live" />
        </TestApiProvider>,
      );
      await screen.findByTestId('quota-pods');
      expect(reads).toEqual(['dev/payments-live']);
      const signal = listeners.get('provisioning:namespace:dev:payments-live');
      expect(signal).toBeDefined();
      act(() =>
        signal!({ cluster: 'dev', namespace: 'payments-live', changedAt: 'x' }),
      );
      await waitFor(() => expect(reads).toHaveLength(2));
      // no further reads follow on their own
      await new Promise(r => setTimeout(r, 1_500));
      expect(reads).toHaveLength(2);
    });

    it('says so when the namespace is not on the cluster (yet), without an error', async () => {
      await renderInTestApp(
        withApi(<NamespaceStateCard cluster="dev" namespace="payments-next" />),
      );
      expect(
        await screen.findByText(
          /Namespace payments-next is not on cluster dev yet \(or you may not read it\)/,
        ),
      ).toBeInTheDocument();
    });
  });

  describe('ProvisioningPage', () => {
    it('shows that the backend answers', async () => {
      await renderInTestApp(withApi(<ProvisioningPage />));
      expect(
        await screen.findByText('Provisioning backend: ok'),
      ).toBeInTheDocument();
      expect(
        screen.getByText(/becomes a pull request on the GitOps/),
      ).toBeInTheDocument();
    });

    it('shows the error when the backend cannot be reached', async () => {
      const unreachable = new ProvisioningClient({
        discoveryApi: { getBaseUrl: async () => 'http://127.0.0.1:1/api/x' },
        fetchApi: { fetch: (input, init) => fetch(input, init) },
      });
      await renderInTestApp(withApi(<ProvisioningPage />, unreachable));
      expect(
        await screen.findByText('Error: fetch failed'),
      ).toBeInTheDocument();
    });
  });
});
