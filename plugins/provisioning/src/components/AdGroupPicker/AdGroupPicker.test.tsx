import {
  renderInTestApp,
  TestApiProvider,
} from '@backstage/frontend-test-utils';
import { identityApiRef } from '@backstage/frontend-plugin-api';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import { fireEvent, screen } from '@testing-library/react';
import { AdGroupPicker } from './AdGroupPicker';

describe('AdGroupPicker', () => {
  it('suggests the AD groups of the teams the user belongs to', async () => {
    const catalogApi = {
      getEntitiesByRefs: jest.fn(async () => ({
        items: [
          {
            metadata: {
              name: 'payments',
              annotations: {
                'provisioning.kubeportal.io/ad-groups':
                  'sg-payments-ops, sg-payments-dev',
              },
            },
          },
          {
            metadata: {
              name: 'platform',
              annotations: {
                'provisioning.kubeportal.io/ad-groups':
                  'sg-platform-admins,sg-payments-dev',
              },
            },
          },
        ],
      })),
    };
    const identityApi = {
      getBackstageIdentity: async () => ({
        type: 'user',
        userEntityRef: 'user:default/jdoe',
        ownershipEntityRefs: [
          'user:default/jdoe',
          'group:default/payments',
          'group:default/platform',
        ],
      }),
    };
    const onChange = jest.fn();
    await renderInTestApp(
      <TestApiProvider
        apis={[
          [catalogApiRef, catalogApi as any],
          [identityApiRef, identityApi as any],
        ]}
      >
        <AdGroupPicker
          {...({
            onChange,
            schema: { title: 'AD group' },
            uiSchema: {},
            rawErrors: [],
          } as any)}
        />
      </TestApiProvider>,
    );
    fireEvent.mouseDown(screen.getByLabelText('AD group'));
    expect(
      (await screen.findAllByRole('option')).map(o => o.textContent),
    ).toEqual(['sg-payments-dev', 'sg-payments-ops', 'sg-platform-admins']);
    expect(catalogApi.getEntitiesByRefs).toHaveBeenCalledWith({
      entityRefs: ['group:default/payments', 'group:default/platform'],
      fields: ['metadata.annotations'],
    });
    fireEvent.click(screen.getByRole('option', { name: 'sg-payments-ops' }));
    expect(onChange).toHaveBeenLastCalledWith('sg-payments-ops');
  });
});
