import { virtualMachineState } from './virtualMachineState';
import {
  fixedClusterState,
  instance,
  managedNamespace,
  virtualMachine,
} from './__fixtures__/cachedObjects';

const rootDisk = {
  apiVersion: 'cdi.kubevirt.io/v1beta1',
  kind: 'DataVolume',
  metadata: {
    name: 'db-rootdisk',
    namespace: 'payments-web',
    ownerReferences: [{ kind: 'VirtualMachine', name: 'db' }],
  },
  spec: {
    source: { registry: {} },
    storage: {
      storageClassName: 'fast',
      resources: { requests: { storage: '20Gi' } },
    },
  },
  status: {
    phase: 'ImportInProgress',
    progress: '45.50%',
    claimName: 'db-rootdisk',
    conditions: [
      { type: 'Ready', status: 'False', reason: 'ImportInProgress' },
    ],
  },
};
/** A DataVolume another VM owns: not this VM's. */
const otherDisk = {
  ...rootDisk,
  metadata: {
    name: 'cache-rootdisk',
    namespace: 'payments-web',
    ownerReferences: [{ kind: 'VirtualMachine', name: 'cache' }],
  },
};

const state = fixedClusterState({
  dev: {
    objects: {
      namespaces: [managedNamespace('payments-web', 'payments')],
      virtualmachines: [
        virtualMachine('payments-web', 'db', {
          cores: 2,
          memory: '4Gi',
          printableStatus: 'Provisioning',
        }),
      ],
      virtualmachineinstances: [instance('payments-web', 'db', 'Pending')],
      datavolumes: [rootDisk, otherDisk],
    },
  },
});

describe('virtualMachineState', () => {
  it('reads one VM with its instance, its DataVolumes and its namespace team', () => {
    const vm = virtualMachineState(state, 'dev', 'payments-web', 'db');
    expect(vm).toMatchObject({
      cluster: 'dev',
      namespace: 'payments-web',
      team: 'group:default/payments',
      name: 'db',
      runStrategy: 'Always',
      printableStatus: 'Provisioning',
      health: { state: 'unknown' },
      phase: 'Pending',
      node: 'node-1',
      cpu: 2,
      memory: '4Gi',
      disks: [
        {
          name: 'rootdisk',
          dataVolume: 'db-rootdisk',
          phase: 'ImportInProgress',
          health: { state: 'not-ready', reason: 'ImportInProgress' },
        },
      ],
      dataVolumes: [
        {
          name: 'db-rootdisk',
          phase: 'ImportInProgress',
          progress: '45.50%',
          health: { state: 'not-ready', reason: 'ImportInProgress' },
          source: 'registry',
          size: '20Gi',
          storageClass: 'fast',
          claimName: 'db-rootdisk',
        },
      ],
    });
    expect(vm?.sources.map(s => s.kind)).toEqual([
      'namespaces',
      'virtualmachines',
      'virtualmachineinstances',
      'datavolumes',
    ]);
  });

  it('finds no VM that is not there, nor one in a namespace the cache does not hold', () => {
    expect(
      virtualMachineState(state, 'dev', 'payments-web', 'nope'),
    ).toBeUndefined();
    expect(
      virtualMachineState(state, 'dev', 'kube-system', 'db'),
    ).toBeUndefined();
  });
});
