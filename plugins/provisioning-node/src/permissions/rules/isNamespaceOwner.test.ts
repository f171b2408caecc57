import { isNamespaceOwner } from './isNamespaceOwner';

const claims = ['user:default/jdoe', 'group:default/payments'];

describe('isNamespaceOwner', () => {
  it('allows an existing namespace owned by a team of the user', () => {
    expect(
      isNamespaceOwner.apply(
        {
          team: 'group:default/payments',
          namespace: { cluster: 'prod', name: 'payments-prod' },
        },
        { claims },
      ),
    ).toBe(true);
  });

  it('refuses a namespace owned by another team', () => {
    expect(
      isNamespaceOwner.apply(
        {
          team: 'group:default/billing',
          namespace: { cluster: 'dev', name: 'billing-dev' },
        },
        { claims },
      ),
    ).toBe(false);
  });

  it('refuses a team without a namespace: there is nothing owned to change or remove', () => {
    expect(
      isNamespaceOwner.apply({ team: 'group:default/payments' }, { claims }),
    ).toBe(false);
  });

  it('filters a list by the owner of existing namespaces', () => {
    expect(isNamespaceOwner.toQuery({ claims })).toEqual({
      key: 'namespace.team',
      values: claims,
    });
  });
});
