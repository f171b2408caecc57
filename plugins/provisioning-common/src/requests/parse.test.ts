import { namespaceInput, quotaChangeInput } from '../__fixtures__/requests';
import { checkRequest } from './parse';

const problemsOf = (input: unknown) =>
  checkRequest(input).problems.map(p => `${p.path}: ${p.message}`);
const custom = {
  requestsCpu: '2',
  limitsCpu: '4',
  requestsMemory: '4Gi',
  limitsMemory: '8Gi',
  requestsStorage: '50Gi',
  persistentVolumeClaims: 5,
  pods: 20,
  services: 5,
};

describe('checkRequest: quantities Kubernetes would round or that block every pod', () => {
  it('accepts whole millicores and whole bytes in a custom quota', () => {
    expect(
      problemsOf({
        ...quotaChangeInput,
        quota: {
          custom: { ...custom, requestsCpu: '1500m', requestsMemory: '1.5Gi' },
        },
      }),
    ).toEqual([]);
  });

  it('refuses CPU finer than a millicore and fractional bytes (quantity.go MilliValue and Value round up)', () => {
    expect(
      problemsOf({
        ...quotaChangeInput,
        quota: {
          custom: {
            ...custom,
            requestsCpu: '0.0001',
            requestsStorage: '10.5',
            storageClasses: { fast: { requestsStorage: '0.5' } },
          },
        },
      }),
    ).toEqual([
      "quota.custom.requestsCpu: '0.0001' is finer than a millicore: Kubernetes counts CPU in millicores and would use 1m; write 1m",
      "quota.custom.requestsStorage: '10.5' is not a whole number of bytes: Kubernetes would round it up to 11; write 11",
      "quota.custom.storageClasses.fast.requestsStorage: '0.5' is not a whole number of bytes: Kubernetes would round it up to 1; write 1",
    ]);
  });

  it('refuses a CPU or memory quota of 0, which refuses every pod (each container gets a request and limit from the limit range)', () => {
    expect(
      problemsOf({
        ...namespaceInput,
        quota: { custom: { ...custom, requestsCpu: '0', limitsMemory: '0Gi' } },
      }),
    ).toEqual([
      'quota.custom.requestsCpu: must be more than 0: a quota of requests.cpu 0 refuses every pod',
      'quota.custom.limitsMemory: must be more than 0: a quota of limits.memory 0 refuses every pod',
    ]);
    // no storage is a choice a namespace may make
    expect(
      problemsOf({
        ...namespaceInput,
        quota: {
          custom: {
            ...custom,
            requestsStorage: '0',
            persistentVolumeClaims: 0,
          },
        },
      }),
    ).toEqual([]);
  });

  it('refuses limit range values Kubernetes would round', () => {
    expect(
      problemsOf({
        ...namespaceInput,
        limitRange: {
          defaultRequest: { cpu: '100.5m', memory: '128Mi' },
          default: { cpu: '1', memory: '0.5' },
          maxPerPod: { cpu: '2', memory: '4Gi' },
        },
      }),
    ).toEqual([
      "limitRange.defaultRequest.cpu: '100.5m' is finer than a millicore: Kubernetes counts CPU in millicores and would use 101m; write 101m",
      "limitRange.default.memory: '0.5' is not a whole number of bytes: Kubernetes would round it up to 1; write 1",
    ]);
  });
});
