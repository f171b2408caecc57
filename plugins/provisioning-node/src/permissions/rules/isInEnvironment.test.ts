import { isInEnvironment } from './isInEnvironment';

describe('isInEnvironment', () => {
  const params = { environments: ['dev', 'staging'] };

  it('allows an existing namespace on a cluster of the environments, whoever owns it', () => {
    expect(
      isInEnvironment.apply(
        {
          team: 'group:default/billing',
          namespace: {
            cluster: 'dev-a',
            name: 'billing-dev',
            environment: 'dev',
          },
        },
        params,
      ),
    ).toBe(true);
  });

  it('refuses a namespace of another environment, or whose environment is not known', () => {
    expect(
      isInEnvironment.apply(
        {
          team: 'group:default/billing',
          namespace: {
            cluster: 'prod-a',
            name: 'billing',
            environment: 'prod',
          },
        },
        params,
      ),
    ).toBe(false);
    expect(
      isInEnvironment.apply(
        {
          team: 'group:default/billing',
          namespace: { cluster: 'x', name: 'billing' },
        },
        params,
      ),
    ).toBe(false);
  });

  it('refuses a team without a namespace', () => {
    expect(
      isInEnvironment.apply({ team: 'group:default/billing' }, params),
    ).toBe(false);
  });

  it('filters a list by the environment of existing namespaces', () => {
    expect(isInEnvironment.toQuery(params)).toEqual({
      key: 'namespace.environment',
      values: ['dev', 'staging'],
    });
  });
});
