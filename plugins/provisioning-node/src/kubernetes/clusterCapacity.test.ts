import { parsePlatformSettings } from '@kubeportal/plugin-provisioning-common';
import {
  cachedClusterCapacity,
  clusterCapacity,
  vmMeantToRun,
  vmSize,
} from './clusterCapacity';
import {
  fixedClusterState,
  instance,
  managedNamespace,
  node,
  quota,
  virtualMachine,
} from './__fixtures__/cachedObjects';

/** KubeVirt as it is installed by default: console log sidecar on, amd64, no extra overhead ratio. */
const overhead = parsePlatformSettings({}).vmOverhead;

const namespaces = ['team-a', 'team-b', 'team-c'].map(name =>
  managedNamespace(name, 'payments'),
);
const nodes = [
  node('node-1', {
    allocatable: { cpu: '3800m', memory: '15Gi', pods: '110' },
    capacity: { cpu: '4', memory: '16Gi', pods: '110' },
  }),
  // no allocatable reported: its capacity counts
  node('node-2', { capacity: { cpu: '4', memory: '16Gi', pods: '110' } }),
  // cordoned: takes no new pods, so it adds no room
  node(
    'node-3',
    { allocatable: { cpu: '64', memory: '256Gi', pods: '110' } },
    true,
  ),
];
const resourceQuotas = [
  quota('team-a', 'big', {
    'requests.cpu': '4',
    'requests.memory': '8Gi',
    pods: '20',
  }),
  // the API server enforces every quota of a namespace: the smallest wins
  quota('team-a', 'cpu-cap', { 'requests.cpu': '2' }),
  // a scoped quota bounds only some pods, not the namespace
  quota('team-a', 'best-effort', { pods: '1' }, { scopes: ['BestEffort'] }),
  // the API server's older spelling of the request keys
  quota('team-c', 'legacy', { cpu: '1', memory: '2Gi', pods: '10' }),
  // not a managed namespace: not counted
  quota('kube-system', 'system', { 'requests.cpu': '100' }),
];
const virtualMachines = [
  virtualMachine('team-a', 'db', { cores: 2, memory: '4Gi' }),
  virtualMachine('team-a', 'stopped', {
    cores: 8,
    memory: '32Gi',
    runStrategy: 'Halted',
  }),
  // started by hand: its instance runs
  virtualMachine('team-b', 'manual', {
    cores: 1,
    memory: '1Gi',
    runStrategy: 'Manual',
  }),
  virtualMachine('team-b', 'no-size', {}),
  virtualMachine('elsewhere', 'foreign', { cores: 4, memory: '8Gi' }),
];
const virtualMachineInstances = [instance('team-b', 'manual', 'Running')];

describe('clusterCapacity', () => {
  it('sums allocatable from nodes against quotas and the launcher pods of running VMs', () => {
    const capacity = clusterCapacity(
      {
        nodes,
        namespaces,
        resourceQuotas,
        virtualMachines,
        virtualMachineInstances,
      },
      overhead,
    );
    // VMs: db 2 vCPU / 4Gi and manual 1 vCPU / 1Gi. CPU: 100m per vCPU plus 5m for the console log sidecar
    // each, 205m + 105m. Memory: guest memory + KubeVirt's overhead (page tables, 220Mi of processes, 8Mi per
    // vCPU, 8Mi IOThread, 32Mi video) + 35M sidecar: 4Gi + 297,795,585 + 35M and 1Gi + 283,115,520 + 35M.
    expect(capacity).toEqual({
      resources: [
        {
          resource: 'cpu',
          allocatable: '7800m',
          quotas: '3',
          unboundedNamespaces: 1,
          vms: '310m',
          quotasRatio: 0.3846,
          vmsRatio: 0.0397,
        },
        {
          resource: 'memory',
          allocatable: '31Gi',
          quotas: '10Gi',
          unboundedNamespaces: 1,
          vms: '6019620225',
          quotasRatio: 0.3225,
          vmsRatio: 0.1808,
        },
        {
          resource: 'pods',
          allocatable: '220',
          quotas: '30',
          unboundedNamespaces: 1,
          vms: '2',
          quotasRatio: 0.1363,
          vmsRatio: 0.009,
        },
      ],
      nodes: 2,
      unschedulableNodes: 1,
      namespaces: 3,
      vms: 2,
      unsizedVms: 1,
      incomplete: [],
    });
  });

  it('says what it does not know instead of answering zero', () => {
    const capacity = clusterCapacity(
      {
        nodes: [],
        namespaces,
        resourceQuotas,
        virtualMachines: [],
        virtualMachineInstances: [],
        incomplete: ['nodes'],
      },
      overhead,
    );
    expect(capacity.incomplete).toEqual(['nodes']);
    expect(capacity.resources[0]).toEqual({
      resource: 'cpu',
      quotas: '3',
      unboundedNamespaces: 1,
      vms: '0',
    });
    // VMs never listed: what they ask for is not known, so it is left out rather than said to be 0
    const noVms = clusterCapacity(
      {
        nodes: [],
        namespaces,
        resourceQuotas,
        virtualMachines: [],
        virtualMachineInstances: [],
        incomplete: ['virtualmachines'],
      },
      overhead,
    );
    expect(noVms.resources[0]).toEqual({
      resource: 'cpu',
      allocatable: '0',
      quotas: '3',
      unboundedNamespaces: 1,
    });
  });

  it('counts a cluster without nodes as having no room, and an empty one as using none', () => {
    const capacity = clusterCapacity(
      {
        nodes: [],
        namespaces,
        resourceQuotas,
        virtualMachines: [],
        virtualMachineInstances: [],
      },
      overhead,
    );
    expect(capacity.resources[0]).toMatchObject({
      allocatable: '0',
      quotas: '3',
      vmsRatio: 0,
    });
    // 3 cores promised on no node at all: no finite ratio, so none is given
    expect(capacity.resources[0].quotasRatio).toBeUndefined();
  });

  it('reads from the cache, and names the kinds never listed', () => {
    const state = fixedClusterState({
      dev: {
        objects: {
          nodes,
          namespaces,
          resourcequotas: resourceQuotas,
          virtualmachines: virtualMachines,
        },
        kinds: {
          // never allowed to list nodes: unknown, not zero
          nodes: { state: 'forbidden', lastSyncedAt: undefined },
          // instances not installed: none held, none missing (the Manual VM is then not counted)
          virtualmachineinstances: {
            state: 'not-installed',
            lastSyncedAt: undefined,
          },
        },
      },
    });
    const capacity = cachedClusterCapacity(state, 'dev', overhead);
    expect(capacity.incomplete).toEqual(['nodes']);
    expect(capacity.resources.map(r => r.allocatable)).toEqual([
      undefined,
      undefined,
      undefined,
    ]);
    expect(capacity.vms).toBe(1);
  });
});

describe('vmMeantToRun', () => {
  it.each([
    ['Always', undefined, true],
    ['RerunOnFailure', undefined, true],
    ['Once', undefined, true],
    ['Halted', 'Running', false],
    ['Manual', undefined, false],
    ['Manual', 'Running', true],
    ['Manual', 'Succeeded', false],
  ])(
    'runStrategy %s with an instance %s: %s',
    (runStrategy, phase, expected) => {
      const vm = virtualMachine('a', 'vm', {
        runStrategy,
        cores: 1,
        memory: '1Gi',
      });
      expect(
        vmMeantToRun(vm, phase ? instance('a', 'vm', phase) : undefined),
      ).toBe(expected);
    },
  );
});

describe('vmSize', () => {
  it('multiplies cores by sockets and threads, and needs a memory size', () => {
    const vm = virtualMachine('a', 'vm', { cores: 2, memory: '2Gi' });
    (vm.spec as any).template.spec.domain.cpu.sockets = 2;
    expect(vmSize(vm)).toEqual({ cpu: 4, memory: '2Gi' });
    expect(vmSize(virtualMachine('a', 'vm', { cores: 2 }))).toBeUndefined();
    expect(
      vmSize(virtualMachine('a', 'vm', { cores: 2, memory: 'lots' })),
    ).toBeUndefined();
  });
});
