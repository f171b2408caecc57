/**
 * Requests the actions' examples use (and their tests run). No requester, cost centre or approvers: those come
 * from the signed-in user and the team's catalog entry.
 */
export const exampleNamespaceRequest = {
  kind: 'namespace',
  cluster: 'dev',
  name: 'payments-dev',
  team: 'group:default/payments',
  environment: 'dev',
  purpose: 'Payment service development',
  quota: { tier: 'S' },
  networkPolicy: { preset: 'ingress', allowEgressTo: [] },
  access: [{ group: 'sg-payments-dev', role: 'edit' }],
};

export const exampleVmRequest = {
  kind: 'vm',
  cluster: 'dev',
  namespace: 'payments-dev',
  name: 'legacy-db',
  purpose: 'Legacy database moved from OpenVZ',
  cpu: 2,
  memory: '2Gi',
  rootDisk: {
    size: '20Gi',
    storageClass: 'fast',
    source: { type: 'http', url: 'https://images.example.com/rhel9.qcow2' },
  },
};
