import {
  renderInTestApp,
  TestApiProvider,
} from '@backstage/frontend-test-utils';
import { screen } from '@testing-library/react';
import { provisioningApiRef } from '../../api';
import { fakeProvisioningApi } from '../../__fixtures__/fakeApi';
import { ProvisioningPage } from './ProvisioningPage';

describe('ProvisioningPage', () => {
  it('shows that the backend answers', async () => {
    const api = fakeProvisioningApi();
    await renderInTestApp(
      <TestApiProvider apis={[[provisioningApiRef, api]]}>
        <ProvisioningPage />
      </TestApiProvider>,
    );
    expect(
      await screen.findByText('Provisioning backend: ok'),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/becomes a pull request on the GitOps/),
    ).toBeInTheDocument();
  });

  it('shows the error when the backend fails', async () => {
    const api = fakeProvisioningApi({
      getHealth: async () => {
        throw new Error('backend is down');
      },
    });
    await renderInTestApp(
      <TestApiProvider apis={[[provisioningApiRef, api]]}>
        <ProvisioningPage />
      </TestApiProvider>,
    );
    expect(
      await screen.findByText('Error: backend is down'),
    ).toBeInTheDocument();
  });
});
