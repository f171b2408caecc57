import fc from 'fast-check';
import {
  dns1123LabelProblem,
  dns1123SubdomainProblem,
  labelValueProblem,
  liveObjectId,
  namespaceNameProblem,
  requestBranch,
  requestId,
  toLabelValue,
} from './names';

describe('names', () => {
  it.each([
    ['payments', undefined],
    ['a', undefined],
    ['team-a-1', undefined],
    ['', 'must not be empty'],
    ['Payments', expect.stringContaining('DNS-1123 label')],
    ['-payments', expect.stringContaining('DNS-1123 label')],
    ['pay_ments', expect.stringContaining('DNS-1123 label')],
    ['a'.repeat(64), 'must be at most 63 characters (has 64)'],
  ])('dns1123LabelProblem(%j)', (value, expected) => {
    expect(dns1123LabelProblem(value)).toEqual(expected);
  });

  it('refuses reserved and system namespaces', () => {
    expect(namespaceNameProblem('kube-system')).toBe(
      "is reserved for system namespaces (prefix 'kube-')",
    );
    expect(namespaceNameProblem('default')).toBe(
      "'default' is a reserved namespace",
    );
    expect(namespaceNameProblem('flux-system')).toBe(
      "'flux-system' is a reserved namespace",
    );
    expect(namespaceNameProblem('payments-dev')).toBeUndefined();
  });

  it('makes label values from free text', () => {
    expect(toLabelValue('CC-1234 / Finance')).toBe('cc-1234-finance');
    const long = toLabelValue(`x${'y'.repeat(100)}`);
    expect(long.length).toBeLessThanOrEqual(63);
    expect(labelValueProblem(long)).toBeUndefined();
    expect(toLabelValue(`x${'y'.repeat(100)}`)).toBe(long);
    expect(toLabelValue(`x${'y'.repeat(101)}`)).not.toBe(long);
  });

  it('derives stable request ids and branches', () => {
    expect(requestId('dev', 'namespace', 'payments')).toBe('dev.ns.payments');
    expect(requestId('prod', 'vm', 'payments', 'legacy-db')).toBe(
      'prod.vm.payments.legacy-db',
    );
    const long = requestId('dev', 'vm', 'n'.repeat(63), 'v'.repeat(63));
    expect(long.length).toBeLessThanOrEqual(63);
    expect(labelValueProblem(long)).toBeUndefined();
    expect(requestBranch('dev.ns.payments', 'create')).toBe(
      'provisioning/create/dev.ns.payments',
    );
    expect(() => requestId('dev', 'vm', 'payments')).toThrow(
      'needs the VM name',
    );
  });
});

describe('names (properties)', () => {
  const label = fc.stringMatching(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/);

  it('accepts every DNS-1123 label and refuses anything with other characters', () => {
    fc.assert(
      fc.property(label, value => dns1123LabelProblem(value) === undefined),
    );
    fc.assert(
      fc.property(
        label,
        fc.constantFrom('_', '.', 'A', ' ', '/'),
        (value, bad) => dns1123LabelProblem(`${value}${bad}x`) !== undefined,
      ),
    );
  });

  it('derives request ids that are always valid, distinct label values', () => {
    fc.assert(
      fc.property(label, label, label, (cluster, ns, vm) => {
        const a = requestId(cluster, 'namespace', ns);
        const b = requestId(cluster, 'vm', ns, vm);
        return (
          labelValueProblem(a) === undefined &&
          labelValueProblem(b) === undefined &&
          a !== b
        );
      }),
    );
  });

  it('gives live namespaces and VMs ids that are valid label values, the same for the same object and distinct for two', () => {
    fc.assert(
      fc.property(label, label, label, label, (cluster, ns, vm, other) => {
        const ids = [
          liveObjectId(cluster, ns),
          liveObjectId(cluster, ns, vm),
          liveObjectId(cluster, ns, `${vm}-${other}`),
        ];
        return (
          ids.every(id => labelValueProblem(id) === undefined) &&
          new Set(ids).size === 3 &&
          liveObjectId(cluster, ns, vm) === ids[1]
        );
      }),
    );
    expect(liveObjectId('dev', 'payments-dev')).toBe('dev.payments-dev');
    expect(liveObjectId('dev', 'payments-dev', 'legacy-db')).toBe(
      'dev.payments-dev.legacy-db',
    );
  });

  it('makes a valid label value of any text', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 200 }),
        text => labelValueProblem(toLabelValue(text)) === undefined,
      ),
    );
  });
});

describe('dns1123SubdomainProblem', () => {
  it.each([
    ['fast', undefined],
    ['ceph-rbd', undefined],
    ['gp3.csi.aws.com', undefined],
    ['constructor', undefined],
    ['__proto__', expect.stringContaining('DNS-1123 subdomain')],
    ['toString', expect.stringContaining('DNS-1123 subdomain')],
    ['a..b', expect.stringContaining('DNS-1123 subdomain')],
    ['../x', expect.stringContaining('DNS-1123 subdomain')],
    ['', 'must not be empty'],
    ['a'.repeat(254), 'must be at most 253 characters (has 254)'],
  ])('dns1123SubdomainProblem(%j)', (value, expected) => {
    expect(dns1123SubdomainProblem(value)).toEqual(expected);
  });
});
