import { requestId } from '@kubeportal/plugin-provisioning-common';
import {
  requesterRef,
  requestSubject,
  requestTitle,
  statusOf,
} from './requestEntity';

describe('requestSubject', () => {
  it('takes the full names from the title when they give the id back', () => {
    const id = requestId(
      'dev-rack-a',
      'vm',
      'payments-api-with-a-rather-long-name',
      'legacy-crm-with-a-long-name-too',
    );
    expect(
      requestSubject(
        id,
        'VM legacy-crm-with-a-long-name-too in payments-api-with-a-rather-long-name on dev-rack-a',
      ),
    ).toEqual({
      cluster: 'dev-rack-a',
      namespace: 'payments-api-with-a-rather-long-name',
      vm: 'legacy-crm-with-a-long-name-too',
    });
  });

  it('splits a short id when the title was edited, and gives up on a shortened one', () => {
    expect(requestSubject('dev.ns.payments', 'Urgent: payments')).toEqual({
      cluster: 'dev',
      namespace: 'payments',
    });
    expect(
      requestSubject('dev.vm.payments.crm', 'Namespace other on dev for x'),
    ).toEqual({ cluster: 'dev', namespace: 'payments', vm: 'crm' });
    const shortened = requestId(
      'dev-rack-a',
      'vm',
      'payments-api-with-a-rather-long-name',
      'legacy-crm-with-a-long-name-too',
    );
    expect(requestSubject(shortened, 'Edited on GitHub')).toBeUndefined();
    expect(
      ['dev.xx.payments', 'dev.ns', 'dev.vm.payments', 'dev.ns.a.b'].map(id =>
        requestSubject(id, 'x'),
      ),
    ).toEqual([undefined, undefined, undefined, undefined]);
  });
});

describe('requestTitle', () => {
  it('is short and has no request id', () => {
    const ns = { cluster: 'dev-rack-a', namespace: 'payments-api' };
    const vm = { ...ns, vm: 'legacy-crm' };
    expect([
      requestTitle('create', ns, {}),
      requestTitle('create', vm, {}),
      requestTitle('change-quota', ns, {}),
      requestTitle('decommission', ns, {}),
      requestTitle('decommission', vm, {}),
    ]).toEqual([
      'Namespace payments-api on dev-rack-a',
      'VM legacy-crm in payments-api',
      'Quota of payments-api on dev-rack-a',
      'Decommission namespace payments-api on dev-rack-a',
      'Decommission VM legacy-crm in payments-api',
    ]);
  });

  it('says what kind of request it is when the names are unknown', () => {
    expect([
      requestTitle('create', undefined, {
        kind: 'namespace',
        cluster: 'dev-rack-a',
      }),
      requestTitle('create', undefined, { kind: 'vm' }),
      requestTitle('change-quota', undefined, { cluster: 'dev' }),
      requestTitle('decommission', undefined, {}),
      requestTitle('create', undefined, {}),
      requestTitle('create', undefined, { kind: 'constructor' }),
    ]).toEqual([
      'Namespace request on dev-rack-a',
      'VM request',
      'Quota change on dev',
      'Decommission',
      'Provisioning request',
      'Provisioning request',
    ]);
  });
});

describe('requesterRef', () => {
  it('accepts user refs only', () => {
    expect(requesterRef('user:default/jdoe')).toBe('user:default/jdoe');
    expect(requesterRef('jdoe')).toBe('user:default/jdoe');
    expect(requesterRef('group:default/payments')).toBeUndefined();
    expect(requesterRef('user:default/')).toBeUndefined();
    expect(requesterRef(undefined)).toBeUndefined();
  });
});

describe('statusOf', () => {
  it('puts merged before closed, and changes requested before approvals', () => {
    const pull = {
      state: 'open' as const,
      merged: false,
      approvedBy: [] as string[],
      changesRequestedBy: [] as string[],
    };
    expect([
      statusOf(pull),
      statusOf({ ...pull, approvedBy: ['alice'] }),
      statusOf({
        ...pull,
        approvedBy: ['alice'],
        changesRequestedBy: ['bob'],
      }),
      statusOf({ ...pull, state: 'closed' }),
      statusOf({ ...pull, state: 'closed', merged: true }),
    ]).toEqual([
      'pull-request-open',
      'approved',
      'changes-requested',
      'rejected',
      'merged',
    ]);
  });
});
