import {
  isRequestStatus,
  parseRequestEntitySpec,
  REQUEST_STATUS_TEXT,
  REQUEST_STATUSES,
  requestEntitySpecKey,
} from './requestEntity';

/** A VM request's spec as the catalog module writes it. */
const vmSpec = {
  type: 'provisioning-request',
  owner: 'group:default/payments',
  dependsOn: ['resource:default/dev-rack-a'],
  action: 'create',
  requestKind: 'vm',
  cluster: 'dev-rack-a',
  namespace: 'payments-api',
  vm: 'legacy-crm',
  requester: 'user:default/jdoe',
  openedAt: '2026-11-20T14:03:00Z',
  updatedAt: '2026-11-21T08:30:00Z',
};

const problemsOf = (spec: unknown) =>
  parseRequestEntitySpec(spec).problems.map(p => `${p.path}: ${p.message}`);

describe('parseRequestEntitySpec', () => {
  it('reads a spec as the catalog module writes it, with every fact or only those it could tell', () => {
    expect(parseRequestEntitySpec(vmSpec)).toEqual({
      spec: vmSpec,
      problems: [],
    });
    const least = {
      type: 'provisioning-request',
      owner: 'group:default/platform',
      action: 'decommission',
      updatedAt: '2026-11-21T08:30:00.123+01:00',
    };
    expect(parseRequestEntitySpec(least)).toEqual({
      spec: least,
      problems: [],
    });
  });

  it('drops fields it does not know', () => {
    expect(
      parseRequestEntitySpec({ ...vmSpec, system: 'payments', extra: 1 }).spec,
    ).toEqual(vmSpec);
  });

  it('names every broken field by its path in the entity and the rule it breaks', () => {
    expect(
      problemsOf({
        type: 'kubernetes-cluster',
        owner: '',
        action: 'rename',
        requestKind: 'Not A Label!',
        cluster: 'Dev_Rack',
        vm: 7,
        requester: 'group:default/payments',
        openedAt: 'yesterday',
      }),
    ).toEqual([
      "spec.action: Invalid enum value. Expected 'create' | 'change-quota' | 'decommission', received 'rename'",
      "spec.requestKind: must be a label value: letters, digits, '-', '_' and '.', starting and ending with a letter or digit",
      "spec.cluster: must be a DNS-1123 label: lower-case letters, digits and '-', starting and ending with a letter or digit",
      'spec.vm: Expected string, received number',
      "spec.requester: must be a user entity ref like 'user:default/name'",
      'spec.openedAt: must be an ISO 8601 time like 2026-11-20T14:03:00Z',
      'spec.updatedAt: is required',
      "spec.type: must be 'provisioning-request'",
      'spec.owner: must not be empty',
    ]);
  });

  it('refuses a spec that is no object', () => {
    expect([problemsOf(undefined), problemsOf('vm')]).toEqual([
      ['spec: Required'],
      ['spec: Expected object, received string'],
    ]);
  });
});

describe('request statuses', () => {
  it('has words for each status, in the order a request goes through them', () => {
    expect(REQUEST_STATUSES.map(s => REQUEST_STATUS_TEXT[s])).toEqual([
      'Pull request open',
      'Changes requested',
      'Approved',
      'Merged',
      'Rejected',
    ]);
  });

  it('tells a status the portal knows from anything else', () => {
    expect(
      [
        'merged',
        'changes-requested',
        'Merged',
        'closed',
        '',
        undefined,
        'constructor',
        'toString',
      ].map(isRequestStatus),
    ).toEqual([true, true, false, false, false, false, false, false]);
  });
});

describe('requestEntitySpecKey', () => {
  it('is the catalog filter key of a spec field', () => {
    expect([
      requestEntitySpecKey('type'),
      requestEntitySpecKey('requester'),
    ]).toEqual(['spec.type', 'spec.requester']);
  });
});
