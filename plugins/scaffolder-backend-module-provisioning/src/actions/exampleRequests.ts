/** Requests the actions' examples use (and their tests run). */
export const exampleNamespaceRequest = {
  kind: 'namespace',
  cluster: 'dev',
  name: 'payments-dev',
  team: 'group:default/payments',
  requester: 'user:default/jdoe',
  environment: 'dev',
  costCentre: 'CC-1234',
  purpose: 'Payment service development',
  quota: { tier: 'S' },
  networkPolicy: { preset: 'ingress', allowEgressTo: [] },
  access: [{ group: 'sg-payments-dev', role: 'edit' }],
  approvers: ['alice'],
};

export const exampleVmRequest = {
  kind: 'vm',
  cluster: 'dev',
  namespace: 'payments-dev',
  name: 'legacy-db',
  requester: 'user:default/jdoe',
  purpose: 'Legacy database moved from OpenVZ',
  cpu: 2,
  memory: '2Gi',
  rootDisk: { size: '20Gi', storageClass: 'fast', source: { type: 'http', url: 'https://images.example.com/rhel9.qcow2' } },
};
