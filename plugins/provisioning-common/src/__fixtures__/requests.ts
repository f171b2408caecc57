import { parsePlatformSettings } from '../config';

/** Platform settings of the tests: two clusters, default tiers and prices, a budget and prod maximums. */
export const settings = parsePlatformSettings({
  clusters: [
    {
      name: 'dev',
      environment: 'dev',
      site: 'rack-a',
      storageClasses: ['standard', 'fast'],
      networks: ['vlan-100'],
      ingressNamespace: 'ingress-nginx',
    },
    {
      name: 'prod',
      environment: 'prod',
      site: 'rack-b',
      storageClasses: ['ceph-rbd'],
      networks: [],
    },
  ],
  policy: {
    maxQuota: {
      dev: { requestsCpu: '16', limitsCpu: '32', requestsMemory: '64Gi' },
      prod: { requestsCpu: '32' },
    },
    teamBudgets: { payments: 1000 },
    prodMinApprovers: 2,
    maxExpiryDays: 365,
  },
});

/** A namespace request as a form sends it. */
export const namespaceInput = {
  kind: 'namespace',
  cluster: 'dev',
  name: 'payments-dev',
  team: 'group:default/payments',
  requester: 'user:default/jdoe',
  environment: 'dev',
  costCentre: 'CC-1234',
  purpose: 'Payment service development',
  quota: { tier: 'S' },
  limitRange: {
    defaultRequest: { cpu: '200m', memory: '256Mi' },
    default: { cpu: '1', memory: '1Gi' },
    maxPerPod: { cpu: '2', memory: '4Gi' },
  },
  networkPolicy: { preset: 'ingress', allowEgressTo: ['shared-db'] },
  access: [
    { group: 'sg-payments-dev', role: 'edit' },
    { group: 'sg-payments-ops', role: 'admin' },
    { group: 'sg-auditors', role: 'view' },
  ],
  expires: '2027-06-30',
};

/** A VM request for that namespace. */
export const vmInput = {
  kind: 'vm',
  cluster: 'dev',
  namespace: 'payments-dev',
  name: 'legacy-db',
  requester: 'user:default/jdoe',
  purpose: 'Legacy Oracle host moved from OpenVZ',
  cpu: 2,
  memory: '2Gi',
  runStrategy: 'Always',
  rootDisk: {
    size: '20Gi',
    storageClass: 'fast',
    source: { type: 'pvc', namespace: 'golden-images', name: 'rhel9' },
  },
  dataDisks: [{ name: 'data', size: '10Gi', storageClass: 'standard' }],
  network: { type: 'pod' },
  cloudInit: {
    userData: '#cloud-config\npackages:\n  - nginx\n',
    sshPublicKeys: [
      'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGb9ECFmNkX0kZr6V9xJ0Sx3l5Yp1dLx4ez7d5j1Z2jW jdoe@laptop',
    ],
  },
  exposure: {
    type: 'NodePort',
    ports: [{ name: 'ssh', port: 22, nodePort: 30022 }],
  },
};

/** A quota change for that namespace. */
export const quotaChangeInput = {
  kind: 'quota-change',
  cluster: 'dev',
  namespace: 'payments-dev',
  requester: 'user:default/jdoe',
  purpose: 'Load tests need more memory',
  quota: { tier: 'M' },
};

/** Decommission of the VM, then of the namespace. */
export const decommissionVmInput = {
  kind: 'decommission',
  cluster: 'dev',
  namespace: 'payments-dev',
  vmName: 'legacy-db',
  requester: 'user:default/jdoe',
  purpose: 'Migrated to a container',
};

export const decommissionNamespaceInput = {
  kind: 'decommission',
  cluster: 'dev',
  namespace: 'payments-dev',
  requester: 'user:default/jdoe',
  purpose: 'Project finished',
};
