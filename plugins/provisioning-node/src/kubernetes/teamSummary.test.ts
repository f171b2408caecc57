import { teamSummary } from './teamSummary';
import {
  fixedClusterState,
  managedNamespace,
  quota,
  virtualMachine,
} from './__fixtures__/cachedObjects';

const state = fixedClusterState({
  dev: {
    objects: {
      namespaces: [
        managedNamespace('payments-web', 'payments'),
        managedNamespace('payments-db', 'payments'),
        managedNamespace('billing-web', 'billing'),
      ],
      resourcequotas: [
        quota(
          'payments-web',
          'quota',
          { pods: '10', 'requests.cpu': '2' },
          { used: { pods: '3', 'requests.cpu': '1500m' } },
        ),
        quota(
          'payments-web',
          'storage',
          { 'requests.storage': '100Gi' },
          { used: { 'requests.storage': '10Gi' } },
        ),
        // not counted by the quota controller yet: nothing is used
        quota('payments-db', 'quota', { pods: '10' }),
        // storage frozen at 0 under what is used: closer to its limit than any ratio
        quota(
          'payments-db',
          'frozen',
          { 'requests.storage': '0' },
          { used: { 'requests.storage': '5Gi' } },
        ),
      ],
      virtualmachines: [
        virtualMachine('payments-web', 'a', { printableStatus: 'Running' }),
        virtualMachine('payments-web', 'b', { printableStatus: 'Running' }),
        virtualMachine('payments-db', 'c', { printableStatus: 'Stopped' }),
        virtualMachine('payments-db', 'd'),
        virtualMachine('billing-web', 'e', { printableStatus: 'Running' }),
      ],
    },
  },
  prod: {
    objects: {},
    status: {
      state: 'unreachable',
      message: "cluster 'prod' cannot be reached right now",
    },
    kinds: {
      namespaces: {
        state: 'unreachable',
        lastSyncedAt: undefined,
        lastHeardAt: undefined,
        message: "cluster 'prod' cannot be reached right now",
        lastError: {
          at: '2026-01-01T00:00:00.000Z',
          error: {
            errorType: 'UNREACHABLE',
            message: 'connect ECONNREFUSED 10.0.0.9:6443',
          },
        },
      },
    },
  },
});

const everything = { may: () => true, ownWords: false };

describe('teamSummary', () => {
  it("lists a team's namespaces per cluster with the quota closest to its limit and VMs by status", () => {
    const summary = teamSummary(state, 'group:default/payments', everything);
    expect(summary.team).toBe('group:default/payments');
    expect(summary.clusters[0]).toEqual({
      cluster: 'dev',
      health: 'ok',
      state: 'synced',
      lastSyncedAt: '2026-01-01T00:00:00.000Z',
      lastHeardAt: '2026-01-01T00:00:00.000Z',
      namespaces: [
        {
          name: 'payments-db',
          phase: 'Active',
          environment: 'dev',
          quota: {
            quota: 'frozen',
            resource: 'requests.storage',
            hard: '0',
            used: '5Gi',
            exceeded: true,
          },
          vms: { total: 2, byStatus: { Stopped: 1, Unknown: 1 } },
        },
        {
          name: 'payments-web',
          phase: 'Active',
          environment: 'dev',
          quota: {
            quota: 'quota',
            resource: 'requests.cpu',
            hard: '2',
            used: '1500m',
            ratio: 0.75,
            exceeded: false,
          },
          vms: { total: 2, byStatus: { Running: 2 } },
        },
      ],
      vms: { total: 4, byStatus: { Running: 2, Stopped: 1, Unknown: 1 } },
    });
  });

  it('reports a cluster that does not answer, and serves the others', () => {
    const summary = teamSummary(state, 'group:default/payments', everything);
    expect(summary.clusters[1]).toEqual({
      cluster: 'prod',
      health: 'unreachable',
      state: 'unreachable',
      errorType: 'UNREACHABLE',
      message: "cluster 'prod' cannot be reached right now",
      namespaces: [],
      vms: { total: 0, byStatus: {} },
    });
    expect(
      teamSummary(state, 'group:default/payments', {
        ...everything,
        ownWords: true,
      }).clusters[1].message,
    ).toBe('connect ECONNREFUSED 10.0.0.9:6443');
  });

  it('leaves out every namespace the caller may not read, so an unreadable team looks like an empty one', () => {
    const asked: string[] = [];
    const onlyWeb = teamSummary(state, 'group:default/payments', {
      ownWords: false,
      may: ns => {
        asked.push(`${ns.cluster}/${ns.name} ${ns.team}`);
        return ns.name === 'payments-web';
      },
    });
    expect(asked).toEqual([
      'dev/payments-db group:default/payments',
      'dev/payments-web group:default/payments',
    ]);
    expect(onlyWeb.clusters[0].namespaces.map(n => n.name)).toEqual([
      'payments-web',
    ]);
    expect(onlyWeb.clusters[0].vms.total).toBe(2);

    const unreadable = teamSummary(state, 'group:default/payments', {
      ownWords: false,
      may: () => false,
    });
    const unknown = teamSummary(state, 'group:default/nobody', everything);
    expect(unreadable.clusters).toEqual(unknown.clusters);
    expect(unreadable.clusters[0].namespaces).toEqual([]);
  });
});
