import { ProvisioningApi } from '../api';

/** A ProvisioningApi answering from fixed data; override what a test needs. */
export function fakeProvisioningApi(
  overrides: Partial<ProvisioningApi> = {},
): ProvisioningApi {
  return {
    getHealth: async () => ({ status: 'ok' }),
    getClusters: async () => [
      {
        name: 'dev',
        title: 'dev',
        environment: 'dev',
        site: 'rack-a',
        storageClasses: ['fast'],
        networks: [],
        health: 'ok',
      },
      {
        name: 'prod',
        title: 'prod',
        environment: 'prod',
        site: 'rack-b',
        storageClasses: [],
        networks: [],
        health: 'unreachable',
        message: 'connect ECONNREFUSED',
      },
    ],
    getTiers: async () => [
      {
        name: 'S',
        quota: {
          requestsCpu: '2',
          requestsMemory: '4Gi',
          requestsStorage: '50Gi',
          pods: 20,
        },
        monthlyCost: '57.00 EUR',
      },
      {
        name: 'M',
        quota: {
          requestsCpu: '4',
          requestsMemory: '16Gi',
          requestsStorage: '200Gi',
          pods: 50,
        },
        monthlyCost: '148.00 EUR',
      },
    ],
    preview: async request => ({
      requestId: `dev.ns.${request.name}`,
      title: `Namespace ${request.name} on dev for payments`,
      branch: `provisioning/create/dev.ns.${request.name}`,
      files: [
        {
          path: `clusters/dev/namespaces/${request.name}/namespace.yaml`,
          content: `kind: Namespace\nmetadata:\n  name: ${request.name}\n`,
        },
      ],
      summary: [],
      cost: {
        before: '0.00 EUR',
        after: '57.00 EUR',
        teamAfter: '57.00 EUR',
        teamBudget: '1000.00 EUR',
      },
      violations: [],
      problems: [],
      baseSha: '0000000000000000000000000000000000000000',
    }),
    checkQuota: async quota =>
      'custom' in quota && quota.custom.requestsCpu === '6'
        ? {
            problems: [
              {
                path: 'quota.requestsCpu',
                message: 'must not exceed limitsCpu (6 > 4)',
              },
            ],
          }
        : { problems: [], monthlyCost: '57.00 EUR' },
    ...overrides,
  };
}
