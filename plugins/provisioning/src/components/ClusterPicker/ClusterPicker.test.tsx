import {
  renderInTestApp,
  TestApiProvider,
} from '@backstage/frontend-test-utils';
import { fireEvent, screen, within } from '@testing-library/react';
import { provisioningApiRef } from '../../api';
import { fakeProvisioningApi } from '../../__fixtures__/fakeApi';
import { ClusterPicker } from './ClusterPicker';

const fieldProps = (onChange: jest.Mock, formData?: string) =>
  ({
    formData,
    onChange,
    required: true,
    rawErrors: [],
    schema: { title: 'Cluster' },
    idSchema: { $id: 'root_cluster' },
    uiSchema: {},
  } as any);

describe('ClusterPicker', () => {
  it('lists clusters with environment and site, and disables the unreachable ones', async () => {
    const onChange = jest.fn();
    await renderInTestApp(
      <TestApiProvider apis={[[provisioningApiRef, fakeProvisioningApi()]]}>
        <ClusterPicker {...fieldProps(onChange)} />
      </TestApiProvider>,
    );
    fireEvent.mouseDown(await screen.findByRole('combobox'));
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
