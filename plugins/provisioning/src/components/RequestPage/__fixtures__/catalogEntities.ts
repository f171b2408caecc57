import type { Entity } from '../requestEntities';

/**
 * Request entities as the catalog module's RequestEntityProvider writes them (see its tests), with the relations
 * the catalog adds, and the provisioning templates of `templates/`.
 */
export function requestEntity(options: {
  action: 'create' | 'change-quota' | 'decommission';
  id: string;
  title: string;
  status: string;
  statusText: string;
  team: string;
  requester?: string;
  cluster: string;
  namespace: string;
  vm?: string;
  pull: number;
  openedAt?: string;
  updatedAt: string;
}): Entity {
  const url = `https://github.example/acme/gitops/pull/${options.pull}`;
  const team = `group:default/${options.team}`;
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: {
      namespace: 'default',
      name: `${options.action}.${options.id}`,
      title: options.title,
      description: `${options.statusText} · ${options.title}${
        options.requester
          ? `, requested by ${options.requester.split('/').pop()}`
          : ''
      }`,
      annotations: {
        'provisioning.kubeportal.io/request-id': options.id,
        'provisioning.kubeportal.io/status': options.status,
        'provisioning.kubeportal.io/pull-request': url,
      },
      labels: { 'provisioning.kubeportal.io/status': options.status },
      tags: ['provisioning', options.status],
      links: [{ url, title: `Pull request #${options.pull}` }],
    },
    spec: {
      type: 'provisioning-request',
      owner: team,
      dependsOn: [`resource:default/${options.cluster}`],
      action: options.action,
      cluster: options.cluster,
      namespace: options.namespace,
      ...(options.vm ? { vm: options.vm } : {}),
      ...(options.requester ? { requester: options.requester } : {}),
      ...(options.openedAt ? { openedAt: options.openedAt } : {}),
      updatedAt: options.updatedAt,
    },
    relations: [
      { type: 'ownedBy', targetRef: team },
      { type: 'dependsOn', targetRef: `resource:default/${options.cluster}` },
    ],
  };
}

/** jdoe's namespace (merged), then a quota change of it (open), both owned by payments. */
export const paymentsCreated = requestEntity({
  action: 'create',
  id: 'dev-rack-a.ns.payments-api',
  title: 'Namespace payments-api on dev-rack-a',
  status: 'merged',
  statusText: 'Merged',
  team: 'payments',
  requester: 'user:default/jdoe',
  cluster: 'dev-rack-a',
  namespace: 'payments-api',
  pull: 12,
  openedAt: '2026-11-02T09:15:00Z',
  updatedAt: '2026-11-03T10:00:00Z',
});

export const paymentsQuota = requestEntity({
  action: 'change-quota',
  id: 'dev-rack-a.ns.payments-api',
  title: 'Quota of payments-api on dev-rack-a',
  status: 'changes-requested',
  statusText: 'Changes requested',
  team: 'payments',
  requester: 'user:default/jdoe',
  cluster: 'dev-rack-a',
  namespace: 'payments-api',
  pull: 31,
  openedAt: '2026-11-20T14:03:00Z',
  updatedAt: '2026-11-21T08:30:00Z',
});

/** A colleague's VM in a payments namespace: jdoe sees it through the team. */
export const paymentsVm = requestEntity({
  action: 'create',
  id: 'dev-rack-a.vm.payments-api.legacy-crm',
  title: 'VM legacy-crm in payments-api',
  status: 'approved',
  statusText: 'Approved',
  team: 'payments',
  requester: 'user:default/asmith',
  cluster: 'dev-rack-a',
  namespace: 'payments-api',
  vm: 'legacy-crm',
  pull: 40,
  updatedAt: '2026-11-22T16:45:00Z',
});

/** jdoe asked for a namespace for another team (billing), which rejected it. */
export const billingByJdoe = requestEntity({
  action: 'create',
  id: 'prod-rack-b.ns.billing-reports',
  title: 'Namespace billing-reports on prod-rack-b',
  status: 'rejected',
  statusText: 'Rejected',
  team: 'billing',
  requester: 'user:default/jdoe',
  cluster: 'prod-rack-b',
  namespace: 'billing-reports',
  pull: 35,
  updatedAt: '2026-11-15T12:00:00Z',
});

/** Someone else's request for another team: not jdoe's to see on the landing page. */
export const othersRequest = requestEntity({
  action: 'create',
  id: 'dev-rack-a.ns.search',
  title: 'Namespace search on dev-rack-a',
  status: 'pull-request-open',
  statusText: 'Pull request open',
  team: 'search',
  requester: 'user:default/bob',
  cluster: 'dev-rack-a',
  namespace: 'search',
  pull: 50,
  updatedAt: '2026-11-23T07:00:00Z',
});

const template = (
  name: string,
  title: string,
  description: string,
  type: string,
): Entity => ({
  apiVersion: 'scaffolder.backstage.io/v1beta3',
  kind: 'Template',
  metadata: { namespace: 'default', name, title, description },
  spec: { type, owner: 'group:default/platform', steps: [] },
});

export const templates = [
  template(
    'provisioning-namespace',
    'Kubernetes namespace',
    'A namespace with quotas, network policy and access for your groups.',
    'provisioning',
  ),
  template(
    'provisioning-virtual-machine',
    'Virtual machine (KubeVirt)',
    'A KubeVirt virtual machine in one of your namespaces.',
    'provisioning',
  ),
  template(
    'create-react-app',
    'React website',
    'Not a provisioning template.',
    'website',
  ),
];
