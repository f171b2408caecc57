import {
  renderInTestApp,
  TestApiProvider,
} from '@backstage/frontend-test-utils';
import { fireEvent, screen } from '@testing-library/react';
import { provisioningApiRef } from '../../api';
import { fakeProvisioningApi } from '../../__fixtures__/fakeApi';
import { QuotaTierPicker } from './QuotaTierPicker';

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

describe('QuotaTierPicker', () => {
  it('offers the configured tiers with their monthly cost', async () => {
    const onChange = jest.fn();
    await renderInTestApp(
      <TestApiProvider apis={[[provisioningApiRef, fakeProvisioningApi()]]}>
        <QuotaTierPicker
          {...fieldProps(onChange)}
          schema={{ title: 'Quota tier' }}
        />
      </TestApiProvider>,
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
      <TestApiProvider apis={[[provisioningApiRef, fakeProvisioningApi()]]}>
        <QuotaTierPicker
          {...fieldProps(onChange, {} as any)}
          schema={{ title: 'Quota', default: { tier: 'S' } }}
        />
      </TestApiProvider>,
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
      <TestApiProvider apis={[[provisioningApiRef, fakeProvisioningApi()]]}>
        <QuotaTierPicker
          {...fieldProps(onChange, { custom } as any)}
          schema={{ title: 'Quota' }}
        />
      </TestApiProvider>,
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

  it('checks custom values as they are typed and shows the cost', async () => {
    const custom = {
      requestsCpu: '6',
      limitsCpu: '4',
      requestsMemory: '4Gi',
      limitsMemory: '8Gi',
      requestsStorage: '50Gi',
      persistentVolumeClaims: 5,
      pods: 20,
      services: 5,
    };
    await renderInTestApp(
      <TestApiProvider apis={[[provisioningApiRef, fakeProvisioningApi()]]}>
        <QuotaTierPicker
          {...fieldProps(jest.fn(), { custom } as any)}
          schema={{ title: 'Quota' }}
        />
      </TestApiProvider>,
    );
    expect(
      await screen.findByText('must not exceed limitsCpu (6 > 4)'),
    ).toBeInTheDocument();
  });
});
