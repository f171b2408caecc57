import { KubeApi, KubeApiError } from './KubeApi';

/**
 * Writers that play the controllers that do not run in the test environment. Each writes through the real API
 * (status subresources), never by faking responses. Only KubeVirt's virt-controller is emulated in the local
 * portal; Flux and the quota controller run for real there.
 */

/** Marks a Flux Kustomization Ready at a revision, as kustomize-controller does after applying it. */
export async function markKustomizationReady(
  api: KubeApi,
  namespace: string,
  name: string,
  revision: string,
): Promise<void> {
  const now = new Date().toISOString();
  await api.apply(
    {
      apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
      kind: 'Kustomization',
      metadata: { name, namespace },
      status: {
        observedGeneration: 1,
        lastAppliedRevision: revision,
        lastAttemptedRevision: revision,
        conditions: [
          {
            type: 'Ready',
            status: 'True',
            reason: 'ReconciliationSucceeded',
            message: `Applied revision: ${revision}`,
            lastTransitionTime: now,
            observedGeneration: 1,
          },
        ],
      },
    } as any,
    { subresource: 'status' },
  );
}

/**
 * Emulated virt-controller: creates the VirtualMachineInstance of a VM and sets both to Running with an IP,
 * as KubeVirt does once the VM's pod runs.
 */
export async function emulateVmRunning(
  api: KubeApi,
  namespace: string,
  vmName: string,
  ip: string,
): Promise<void> {
  const vm = await api.get(
    `/apis/kubevirt.io/v1/namespaces/${namespace}/virtualmachines/${vmName}`,
  );
  const template = vm.spec.template;
  try {
    await api.request(
      'POST',
      `/apis/kubevirt.io/v1/namespaces/${namespace}/virtualmachineinstances`,
      {
        apiVersion: 'kubevirt.io/v1',
        kind: 'VirtualMachineInstance',
        metadata: {
          name: vmName,
          namespace,
          labels: template.metadata?.labels ?? {},
          ownerReferences: [
            {
              apiVersion: 'kubevirt.io/v1',
              kind: 'VirtualMachine',
              name: vmName,
              uid: vm.metadata.uid,
              controller: true,
              blockOwnerDeletion: true,
            },
          ],
        },
        spec: template.spec,
      },
    );
  } catch (error) {
    if (!(error instanceof KubeApiError && error.status === 409)) throw error;
  }
  const now = new Date().toISOString();
  await api.apply(
    {
      apiVersion: 'kubevirt.io/v1',
      kind: 'VirtualMachineInstance',
      metadata: { name: vmName, namespace },
      status: {
        phase: 'Running',
        nodeName: 'emulated-node',
        interfaces: [
          {
            name: template.spec.networks?.[0]?.name ?? 'default',
            ipAddress: ip,
            ipAddresses: [ip],
          },
        ],
        conditions: [
          { type: 'Ready', status: 'True', lastTransitionTime: now },
        ],
      },
    } as any,
    { subresource: 'status' },
  );
  await api.apply(
    {
      apiVersion: 'kubevirt.io/v1',
      kind: 'VirtualMachine',
      metadata: { name: vmName, namespace },
      status: {
        printableStatus: 'Running',
        ready: true,
        created: true,
        conditions: [
          { type: 'Ready', status: 'True', lastTransitionTime: now },
        ],
      },
    } as any,
    { subresource: 'status' },
  );
}

/**
 * Creates a pod with resource requests and limits, so the real quota controller counts it (no kubelet runs,
 * so it stays Pending, which is enough for quota usage).
 */
export async function createPodWithRequests(
  api: KubeApi,
  namespace: string,
  name: string,
  resources: {
    requests: Record<string, string>;
    limits?: Record<string, string>;
  },
): Promise<void> {
  await api.request('POST', `/api/v1/namespaces/${namespace}/pods`, {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace },
    spec: {
      containers: [
        {
          name: 'app',
          image: 'registry.invalid/app:1',
          resources: {
            requests: resources.requests,
            limits: resources.limits ?? resources.requests,
          },
        },
      ],
    },
  });
}

/** A node as a kubelet would register it: its name and what it reports it can hold. */
export interface EmulatedNode {
  name: string;
  cpu: string;
  memory: string;
  pods?: string;
}

/**
 * Emulated kubelet registration: creates each Node and writes the capacity and allocatable a kubelet would report.
 * No kubelet runs in the test environment, so nodes exist only as API objects (nothing is scheduled on them); the
 * portal's cluster capacity reads them like real ones. Idempotent.
 */
export async function registerNodes(
  api: KubeApi,
  nodes: EmulatedNode[],
): Promise<void> {
  for (const node of nodes) {
    const resources = {
      cpu: node.cpu,
      memory: node.memory,
      pods: node.pods ?? '110',
    };
    try {
      await api.request('POST', '/api/v1/nodes', {
        apiVersion: 'v1',
        kind: 'Node',
        metadata: {
          name: node.name,
          labels: { 'kubernetes.io/hostname': node.name },
        },
      });
    } catch (error) {
      if (!(error instanceof KubeApiError && error.status === 409)) throw error;
    }
    await api.apply(
      {
        apiVersion: 'v1',
        kind: 'Node',
        metadata: { name: node.name },
        status: { capacity: resources, allocatable: resources },
      } as any,
      { subresource: 'status' },
    );
  }
}
