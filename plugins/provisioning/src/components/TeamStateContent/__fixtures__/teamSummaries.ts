import type { TeamSummary } from '@kubeportal/plugin-provisioning-common';

/** An ISO time `seconds` before `now`. */
const before = (now: number, seconds: number) =>
  new Date(now - seconds * 1000).toISOString();

/**
 * payments: two namespaces on dev-rack-a (one near its CPU limit, one over its memory limit, one without a quota),
 * while prod-rack-b cannot be reached, and the team has nothing on edge-c.
 */
export const paymentsSummary = (now: number = Date.now()): TeamSummary => ({
  team: 'group:default/payments',
  clusters: [
    {
      cluster: 'dev-rack-a',
      health: 'ok',
      state: 'synced',
      lastSyncedAt: before(now, 300),
      lastHeardAt: before(now, 8),
      namespaces: [
        {
          name: 'payments-api',
          phase: 'Active',
          environment: 'dev',
          requestId: 'dev-rack-a.ns.payments-api',
          quota: {
            resource: 'requests.cpu',
            hard: '4',
            used: '3400m',
            ratio: 0.85,
            quota: 'payments-api',
          },
          vms: { total: 3, byStatus: { Running: 2, Stopped: 1 } },
        },
        {
          name: 'payments-batch',
          phase: 'Active',
          environment: 'dev',
          quota: {
            resource: 'requests.memory',
            hard: '8Gi',
            used: '8Gi',
            ratio: 1,
            quota: 'payments-batch',
          },
          vms: { total: 1, byStatus: { ErrorUnschedulable: 1 } },
        },
        {
          name: 'payments-sandbox',
          phase: 'Terminating',
          vms: { total: 0, byStatus: {} },
        },
      ],
      vms: {
        total: 4,
        byStatus: { Running: 2, Stopped: 1, ErrorUnschedulable: 1 },
      },
    },
    {
      cluster: 'prod-rack-b',
      health: 'unreachable',
      state: 'reconnecting',
      errorType: 'TIMEOUT',
      message: "cluster 'prod-rack-b' did not answer within 10 s",
      lastSyncedAt: before(now, 900),
      lastHeardAt: before(now, 600),
      namespaces: [
        {
          name: 'payments-prod',
          phase: 'Active',
          environment: 'prod',
          quota: {
            resource: 'pods',
            hard: '50',
            used: '10',
            ratio: 0.2,
            quota: 'payments-prod',
          },
          vms: { total: 0, byStatus: {} },
        },
      ],
      vms: { total: 0, byStatus: {} },
    },
    {
      cluster: 'edge-c',
      health: 'ok',
      state: 'synced',
      lastHeardAt: before(now, 5),
      namespaces: [],
      vms: { total: 0, byStatus: {} },
    },
  ],
});

/** search: a team with no namespaces anywhere, while edge-c has never answered. */
export const searchSummary = (now: number = Date.now()): TeamSummary => ({
  team: 'group:default/search',
  clusters: [
    {
      cluster: 'dev-rack-a',
      health: 'ok',
      state: 'synced',
      lastHeardAt: before(now, 8),
      namespaces: [],
      vms: { total: 0, byStatus: {} },
    },
    {
      cluster: 'edge-c',
      health: 'unreachable',
      state: 'starting',
      message: "cluster 'edge-c' has not answered yet",
      namespaces: [],
      vms: { total: 0, byStatus: {} },
    },
  ],
});
