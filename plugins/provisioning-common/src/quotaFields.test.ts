import { quotaValuesSchema, QuotaValues } from './config';
import { quotaFromHard } from './gitops/state';
import { quotaHard } from './manifests/namespace';
import {
  describeQuotaValue,
  parseStorageClassQuotaKey,
  QUOTA_FIELDS,
  quotaFieldsAbove,
  quotaValueFromHard,
  storageClassQuotaKey,
} from './quotaFields';

const quota: QuotaValues = {
  requestsCpu: '1500m',
  limitsCpu: '3',
  requestsMemory: '6Gi',
  limitsMemory: '12Gi',
  requestsStorage: '100Gi',
  storageClasses: {
    fast: { requestsStorage: '20Gi', persistentVolumeClaims: 2 },
    standard: { persistentVolumeClaims: 4 },
  },
  persistentVolumeClaims: 8,
  pods: 30,
  services: 6,
  loadBalancers: 1,
  nodePorts: 2,
};

describe('QUOTA_FIELDS', () => {
  it('lists every quota value once (storage classes have their own keys), each with its own spec.hard key', () => {
    const schemaFields = Object.keys(quotaValuesSchema.shape).filter(
      key => key !== 'storageClasses',
    );
    expect(QUOTA_FIELDS.map(f => f.field).sort()).toEqual(schemaFields.sort());
    expect(new Set(QUOTA_FIELDS.map(f => f.hardKey)).size).toBe(
      QUOTA_FIELDS.length,
    );
    expect(QUOTA_FIELDS.every(f => f.label && f.description)).toBe(true);
  });

  it('writes spec.hard in table order and reads it back to the same values', () => {
    const hard = quotaHard(quota);
    expect(Object.keys(hard)).toEqual([
      'requests.cpu',
      'limits.cpu',
      'requests.memory',
      'limits.memory',
      'requests.storage',
      'persistentvolumeclaims',
      'pods',
      'services',
      'services.loadbalancers',
      'services.nodeports',
      'fast.storageclass.storage.k8s.io/requests.storage',
      'fast.storageclass.storage.k8s.io/persistentvolumeclaims',
      'standard.storageclass.storage.k8s.io/persistentvolumeclaims',
    ]);
    expect(hard['requests.cpu']).toBe('1500m');
    expect(hard['services.loadbalancers']).toBe('1');
    expect(quotaFromHard(hard)).toEqual(quota);
  });

  it('reads a missing limit as its request and other missing keys as zero', () => {
    expect(
      quotaFromHard({
        'requests.cpu': '2',
        'requests.memory': '4Gi',
        pods: '1k',
      }),
    ).toEqual({
      requestsCpu: '2',
      limitsCpu: '2',
      requestsMemory: '4Gi',
      limitsMemory: '4Gi',
      requestsStorage: '0',
      storageClasses: {},
      persistentVolumeClaims: 0,
      pods: 1000,
      services: 0,
      loadBalancers: 0,
      nodePorts: 0,
    });
  });

  it('builds and parses per-storage-class keys', () => {
    expect(storageClassQuotaKey('ceph-rbd', 'requestsStorage')).toBe(
      'ceph-rbd.storageclass.storage.k8s.io/requests.storage',
    );
    expect(
      parseStorageClassQuotaKey(
        'ceph-rbd.storageclass.storage.k8s.io/persistentvolumeclaims',
      ),
    ).toEqual({
      storageClass: 'ceph-rbd',
      field: 'persistentVolumeClaims',
    });
    expect(
      parseStorageClassQuotaKey('ceph-rbd.storageclass.storage.k8s.io/pods'),
    ).toBeUndefined();
    expect(
      parseStorageClassQuotaKey(
        '.storageclass.storage.k8s.io/requests.storage',
      ),
    ).toBeUndefined();
    expect(parseStorageClassQuotaKey('requests.storage')).toBeUndefined();
  });

  it('checks values read from spec.hard by unit', () => {
    expect(quotaValueFromHard('cpu', '500m')).toEqual({ value: '500m' });
    expect(quotaValueFromHard('count', '1e2')).toEqual({ value: 100 });
    expect(quotaValueFromHard('count', '1500m')).toEqual({
      rule: "'1500m' must be a whole number",
    });
    expect(quotaValueFromHard('bytes', 'lots')).toEqual({
      rule: expect.stringContaining("'lots' is not a Kubernetes quantity"),
    });
  });

  it('compares against a maximum field by field, quantities exactly', () => {
    const above = quotaFieldsAbove(quota, {
      requestsCpu: '1.5',
      limitsMemory: '12287Mi',
      loadBalancers: 0,
      pods: 30,
    });
    expect(
      above.map(a => `${a.field.hardKey} ${a.value} > ${a.limit}`),
    ).toEqual(['limits.memory 12Gi > 12287Mi', 'services.loadbalancers 1 > 0']);
    expect(quotaFieldsAbove(quota, undefined)).toEqual([]);
  });

  it('describes values for people', () => {
    expect(
      QUOTA_FIELDS.map(f => describeQuotaValue(f.unit, quota[f.field])),
    ).toEqual([
      '1.5 cores',
      '3 cores',
      '6 GiB',
      '12 GiB',
      '100 GiB',
      '8',
      '30',
      '6',
      '1',
      '2',
    ]);
  });
});
