import {
  renderInTestApp,
  TestApiProvider,
} from '@backstage/frontend-test-utils';
import { describeWithKube } from '@kubeportal/test-environment';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import {
  ProvisioningApi,
  ProvisioningClient,
  provisioningApiRef,
} from '../api';
import { RealBackend, startRealBackend } from '../__testUtils__/realBackend';
import { ClusterPicker } from './ClusterPicker';
import { ProvisioningPage } from './ProvisioningPage';
import { QuotaTierPicker } from './QuotaTierPicker';
import { namespaceRequestFromForm, RequestPreview } from './RequestPreview';

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
      expect(options.map(o => o.textContent)).toEqual([
        'dev — dev, rack-a',
        'prod — prod, rack-b (unreachable)',
      ]);
      expect(options[1]).toHaveAttribute('aria-disabled', 'true');
      fireEvent.click(options[0]);
      expect(onChange).toHaveBeenCalledWith('dev');
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
      cluster: 'resource:default/dev',
      name: 'payments-web',
      team: 'group:default/payments',
      environment: 'dev',
      purpose: 'Web shop of the payments team',
      quota: { tier: 'S' },
      networkPreset: 'isolated',
    };
    const previewField = (formData: object) => (
      <RequestPreview
        {...({
          schema: { title: 'Preview' },
          formContext: { formData },
          onChange: jest.fn(),
          uiSchema: {},
        } as any)}
      />
    );

    it('builds the request the namespace template builds', () => {
      expect(namespaceRequestFromForm(form)).toMatchObject({
        kind: 'namespace',
        cluster: 'dev',
        name: 'payments-web',
        quota: { tier: 'S' },
        networkPolicy: { preset: 'isolated', allowEgressTo: [] },
      });
    });

    it("shows the backend's plan: its files, the cost and the policy result", async () => {
      const plan = await api.preview(namespaceRequestFromForm(form));
      await renderInTestApp(withApi(previewField(form)));
      fireEvent.click(
        screen.getByRole('button', { name: 'Preview the pull request' }),
      );
      expect(
        await screen.findByText(
          'clusters/dev/namespaces/payments-web/kustomization.yaml',
        ),
      ).toBeInTheDocument();
      expect(plan.cost.before).toBe('0.00 EUR');
      expect(plan.cost.after).toBe('57.00 EUR');
      expect(
        screen.getByText(
          new RegExp(
            `monthly cost 0.00 EUR → 57.00 EUR; team after this change ${plan.cost.teamAfter}`,
          ),
        ),
      ).toBeInTheDocument();
      expect(plan.files.map(f => f.path)).toContain(
        'clusters/dev/namespaces/payments-web/kustomization.yaml',
      );
    });

    it('shows why the backend cannot render a request, in its words', async () => {
      const bad = { ...form, name: 'default' };
      const answer: string[] = await api
        .preview(namespaceRequestFromForm(bad))
        .then(
          plan => plan.problems.map(p => p.message),
          error => [error.body.error.message],
        );
      expect(answer.join('\n')).toMatch(/default/);
      await renderInTestApp(withApi(previewField(bad)));
      fireEvent.click(
        screen.getByRole('button', { name: 'Preview the pull request' }),
      );
      for (const message of answer) {
        expect(
          await screen.findByText(message, { exact: false }),
        ).toBeInTheDocument();
      }
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
