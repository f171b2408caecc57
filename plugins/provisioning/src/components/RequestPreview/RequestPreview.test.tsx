import {
  renderInTestApp,
  TestApiProvider,
} from '@backstage/frontend-test-utils';
import { fireEvent, screen } from '@testing-library/react';
import { provisioningApiRef } from '../../api';
import { fakeProvisioningApi } from '../../__fixtures__/fakeApi';
import { namespaceRequestFromForm } from './namespaceRequest';
import { RequestPreview } from './RequestPreview';

describe('RequestPreview', () => {
  const form = {
    cluster: 'resource:default/dev',
    name: 'payments-dev',
    team: 'group:default/payments',
    environment: 'dev',
    quota: { tier: 'S' },
    networkPreset: 'isolated',
  };

  it('builds the request the namespace template builds', () => {
    expect(namespaceRequestFromForm(form)).toMatchObject({
      kind: 'namespace',
      cluster: 'dev',
      name: 'payments-dev',
      quota: { tier: 'S' },
      networkPolicy: { preset: 'isolated', allowEgressTo: [] },
    });
  });

  it('shows the files, the cost and the policy result', async () => {
    const preview = jest.fn(fakeProvisioningApi().preview);
    await renderInTestApp(
      <TestApiProvider
        apis={[[provisioningApiRef, fakeProvisioningApi({ preview })]]}
      >
        <RequestPreview
          {...({
            schema: { title: 'Preview' },
            formContext: { formData: form },
            onChange: jest.fn(),
            uiSchema: {},
          } as any)}
        />
      </TestApiProvider>,
    );
    fireEvent.click(
      screen.getByRole('button', { name: 'Preview the pull request' }),
    );
    expect(
      await screen.findByText(
        'clusters/dev/namespaces/payments-dev/namespace.yaml',
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        /monthly cost 0.00 EUR → 57.00 EUR; team after this change 57.00 EUR of 1000.00 EUR\. All checks pass\./,
      ),
    ).toBeInTheDocument();
    expect(preview).toHaveBeenCalledWith(
      expect.objectContaining({ kind: 'namespace', name: 'payments-dev' }),
    );
  });

  it('shows why a request cannot be rendered', async () => {
    const api = fakeProvisioningApi({
      preview: async () => {
        throw new Error("name: 'default' is a reserved namespace");
      },
    });
    await renderInTestApp(
      <TestApiProvider apis={[[provisioningApiRef, api]]}>
        <RequestPreview
          {...({
            schema: {},
            formContext: { formData: form },
            onChange: jest.fn(),
            uiSchema: {},
          } as any)}
        />
      </TestApiProvider>,
    );
    fireEvent.click(
      screen.getByRole('button', { name: 'Preview the pull request' }),
    );
    expect(
      await screen.findByText("name: 'default' is a reserved namespace"),
    ).toBeInTheDocument();
  });
});
