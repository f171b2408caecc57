import { ZodError } from 'zod';
import { MAX_QUOTA_STORAGE_CLASSES, parsePlatformSettings } from './config';
import { formatProblems, zodProblems } from './validation';

/** The field problems parsing these settings gives, as one message. */
function problemsOf(
  input: Parameters<typeof parsePlatformSettings>[0],
): string {
  try {
    parsePlatformSettings(input);
    return '';
  } catch (error) {
    if (error instanceof ZodError) return formatProblems(zodProblems(error));
    throw error;
  }
}

const prices = {
  currency: 'EUR',
  cpuCoreMonth: 20,
  memoryGiBMonth: 3,
  defaultStorageGiBMonth: 0.1,
  vmMonth: 15,
};

describe('platform settings maps', () => {
  it('accept team budgets and storage prices keyed by Kubernetes names', () => {
    const settings = parsePlatformSettings({
      policy: { teamBudgets: { payments: 1000, constructor: 5 } },
      prices: {
        ...prices,
        storageGiBMonth: { 'ceph-rbd': 0.2, 'gp3.csi.aws.com': 0.3 },
      },
    });
    expect(settings.policy.teamBudgets).toEqual({
      payments: 1000,
      constructor: 5,
    });
  });

  it.each(['..', 'Payments', 'a/b', '__proto__', 'toString'])(
    'refuse a team budget for %j, naming the key',
    team => {
      expect(
        problemsOf({
          policy: { teamBudgets: JSON.parse(JSON.stringify({ [team]: 1 })) },
        }),
      ).toContain(`policy.teamBudgets.${team}: must be a DNS-1123 label`);
    },
  );

  it.each(['toString', '__proto__', 'Fast'])(
    'refuse a storage price for %j, naming the key',
    storageClass => {
      expect(
        problemsOf({
          prices: {
            ...prices,
            storageGiBMonth: JSON.parse(`{${JSON.stringify(storageClass)}: 1}`),
          },
        }),
      ).toContain(
        `prices.storageGiBMonth.${storageClass}: storage class name must be a DNS-1123 subdomain`,
      );
    },
  );

  it('refuse a tier naming more storage classes than a quota may have', () => {
    const storageClasses = Object.fromEntries(
      Array.from({ length: MAX_QUOTA_STORAGE_CLASSES + 1 }, (_, i) => [
        `class-${i}`,
        {},
      ]),
    );
    const tier = {
      requestsCpu: '1',
      limitsCpu: '1',
      requestsMemory: '1Gi',
      limitsMemory: '1Gi',
      requestsStorage: '1Gi',
      storageClasses,
      persistentVolumeClaims: 1,
      pods: 1,
      services: 1,
    };
    expect(problemsOf({ tiers: { S: tier } })).toBe(
      `tiers.S.storageClasses: must name at most ${MAX_QUOTA_STORAGE_CLASSES} storage classes`,
    );
  });
});
