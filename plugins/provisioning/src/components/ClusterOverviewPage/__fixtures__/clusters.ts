import type { ClusterSummary } from '../../../api';

/** An ISO time `seconds` before `now`. */
const before = (now: number, seconds: number) =>
  new Date(now - seconds * 1000).toISOString();

/**
 * dev-rack-a, read in full: its quotas promise more CPU than its nodes hold (48 of 32 cores), one namespace has
 * no CPU quota, one node is cordoned.
 */
export const devRackA = (now: number): ClusterSummary => ({
  name: 'dev-rack-a',
  title: 'Development, rack A',
  environment: 'dev',
  site: 'Frankfurt',
  storageClasses: ['ceph-block'],
  networks: ['pod-network'],
  health: 'ok',
  state: 'synced',
  lastSyncedAt: before(now, 300),
  lastHeardAt: before(now, 12),
  capacity: {
    resources: [
      {
        resource: 'cpu',
        allocatable: '32',
        quotas: '48',
        unboundedNamespaces: 1,
        vms: '12500m',
        quotasRatio: 1.5,
        vmsRatio: 0.3906,
      },
      {
        resource: 'memory',
        allocatable: '128Gi',
        quotas: '96Gi',
        unboundedNamespaces: 0,
        vms: '40Gi',
        quotasRatio: 0.75,
        vmsRatio: 0.3125,
      },
      {
        resource: 'pods',
        allocatable: '330',
        quotas: '200',
        unboundedNamespaces: 0,
        vms: '6',
        quotasRatio: 0.606,
        vmsRatio: 0.0181,
      },
    ],
    nodes: 3,
    unschedulableNodes: 1,
    namespaces: 5,
    vms: 6,
    unsizedVms: 0,
    incomplete: [],
  },
});

/**
 * prod-rack-b, read in part: the portal may not list VirtualMachines there, so what the VMs request is not known
 * (the backend leaves it out); its nodes, namespaces and quotas are.
 */
export const prodRackB = (now: number): ClusterSummary => ({
  name: 'prod-rack-b',
  title: 'Production, rack B',
  environment: 'prod',
  site: 'Amsterdam',
  storageClasses: ['ceph-block'],
  networks: ['pod-network'],
  health: 'ok',
  state: 'degraded',
  errorType: 'FORBIDDEN',
  message: 'virtualmachines: the portal may not list them on prod-rack-b',
  lastSyncedAt: before(now, 600),
  lastHeardAt: before(now, 20),
  capacity: {
    resources: [
      {
        resource: 'cpu',
        allocatable: '64',
        quotas: '40',
        unboundedNamespaces: 0,
        quotasRatio: 0.625,
      },
      {
        resource: 'memory',
        allocatable: '256Gi',
        quotas: '160Gi',
        unboundedNamespaces: 0,
        quotasRatio: 0.625,
      },
      {
        resource: 'pods',
        allocatable: '660',
        quotas: '300',
        unboundedNamespaces: 0,
        quotasRatio: 0.4545,
      },
    ],
    nodes: 6,
    unschedulableNodes: 0,
    namespaces: 8,
    vms: 0,
    unsizedVms: 0,
    incomplete: ['virtualmachines'],
  },
});

/**
 * edge-c, which has never answered: nothing of its capacity is known. The backend leaves out the quota and VM
 * figures and sends counts of 0, which are not known either.
 */
export const edgeC = (now: number): ClusterSummary => ({
  name: 'edge-c',
  title: 'Edge site C',
  environment: 'staging',
  site: 'Lisbon',
  storageClasses: [],
  networks: [],
  health: 'unreachable',
  state: 'unreachable',
  errorType: 'TIMEOUT',
  message: "cluster 'edge-c' did not answer within 10 s",
  lastHeardAt: before(now, 3 * 3600),
  capacity: {
    resources: [
      { resource: 'cpu', unboundedNamespaces: 0 },
      { resource: 'memory', unboundedNamespaces: 0 },
      { resource: 'pods', unboundedNamespaces: 0 },
    ],
    nodes: 0,
    unschedulableNodes: 0,
    namespaces: 0,
    vms: 0,
    unsizedVms: 0,
    incomplete: [
      'nodes',
      'namespaces',
      'resourcequotas',
      'virtualmachines',
      'virtualmachineinstances',
    ],
  },
});

/** The three clusters as `GET /clusters` answers them at `now`. */
export const clusterFixtures = (now: number = Date.now()): ClusterSummary[] => [
  devRackA(now),
  prodRackB(now),
  edgeC(now),
];
