import { isTeamMember } from './isTeamMember';

const claims = ['user:default/jdoe', 'group:default/payments'];

describe('isTeamMember', () => {
  it('allows a request for a team the user belongs to', () => {
    expect(
      isTeamMember.apply({ team: 'group:default/payments' }, { claims }),
    ).toBe(true);
  });

  it('allows an existing namespace of that team', () => {
    expect(
      isTeamMember.apply(
        {
          team: 'group:default/payments',
          namespace: { cluster: 'dev', name: 'payments-dev' },
        },
        { claims },
      ),
    ).toBe(true);
  });

  it('refuses another team and its namespaces', () => {
    expect(
      isTeamMember.apply({ team: 'group:default/billing' }, { claims }),
    ).toBe(false);
    expect(
      isTeamMember.apply(
        {
          team: 'group:default/billing',
          namespace: { cluster: 'dev', name: 'billing-dev' },
        },
        { claims },
      ),
    ).toBe(false);
  });

  it('matches whole refs only', () => {
    expect(isTeamMember.apply({ team: 'group:default/pay' }, { claims })).toBe(
      false,
    );
    expect(
      isTeamMember.apply({ team: 'group:other/payments' }, { claims }),
    ).toBe(false);
  });

  it('filters a list by team', () => {
    expect(isTeamMember.toQuery({ claims })).toEqual({
      key: 'team',
      values: claims,
    });
  });
});
