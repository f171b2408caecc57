import { namespaceDir } from '../gitops/layout';
import { LABELS, MANAGED_BY } from '../labels';
import { toLabelValue } from '../names';
import { FLUX_NAMESPACE, GITOPS_SOURCE_NAME } from './flux';
import { namespaceObject } from './namespace';
import { KubeObject } from './types';

/**
 * Tenancy on the cluster: Flux applies each namespace folder with an account of that namespace's own, which is
 * bound in that namespace only, so a mistake merged into one folder cannot write into another namespace.
 */

/** The ClusterRole every namespace's applier account is bound to, in its own namespace only. */
export const NAMESPACE_APPLIER_ROLE = 'kubeportal-namespace-applier';
/** The RoleBinding, in the namespace, that grants the applier account `NAMESPACE_APPLIER_ROLE` there. */
export const NAMESPACE_APPLIER_BINDING = 'kubeportal-applier';

/**
 * Name of the Flux Kustomization that applies a namespace's folder, and of the service account (in `flux-system`)
 * it applies with: `ns-<namespace>`, cut and hashed when longer than a label value may be (Flux writes the name
 * into a label of every object it applies).
 */
export const namespaceSyncName = (namespace: string) =>
  toLabelValue(`ns-${namespace}`);

const APPLY = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'];

/**
 * What a namespace's applier may do in its namespace: exactly the kinds the portal writes into a namespace folder
 * (quota, limit range, network policies, role bindings to admin, edit and view, VMs, their services and disks),
 * nothing cluster-wide. Installed once per cluster with the Flux bootstrap (see `fluxSyncObjects`). KubeVirt
 * checks that whoever creates a VM may create the DataVolumes of its templates (and, for a clone, `datavolumes/
 * source` in the source namespace): a golden image namespace grants that to the appliers itself.
 */
export function namespaceApplierClusterRole(): KubeObject {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRole',
    metadata: {
      name: NAMESPACE_APPLIER_ROLE,
      labels: { [LABELS.managedBy]: MANAGED_BY },
    },
    rules: [
      {
        apiGroups: [''],
        resources: ['resourcequotas', 'limitranges', 'services'],
        verbs: APPLY,
      },
      {
        apiGroups: ['networking.k8s.io'],
        resources: ['networkpolicies'],
        verbs: APPLY,
      },
      {
        apiGroups: ['rbac.authorization.k8s.io'],
        resources: ['rolebindings'],
        verbs: APPLY,
      },
      // a RoleBinding to a role needs that role's permissions or `bind` on it: the access roles only
      {
        apiGroups: ['rbac.authorization.k8s.io'],
        resources: ['clusterroles'],
        verbs: ['bind'],
        resourceNames: ['admin', 'edit', 'view'],
      },
      {
        apiGroups: ['kubevirt.io'],
        resources: ['virtualmachines'],
        verbs: APPLY,
      },
      {
        apiGroups: ['cdi.kubevirt.io'],
        resources: ['datavolumes'],
        verbs: APPLY,
      },
      {
        apiGroups: ['cdi.kubevirt.io'],
        resources: ['datavolumes/source'],
        verbs: ['create'],
      },
    ],
  };
}

/**
 * The platform's objects of one namespace, applied with Flux's own account: the Namespace, the service account
 * its folder is applied with, that account's RoleBinding in the namespace, and the Flux Kustomization that applies
 * the folder as that account. Every object carries `labels`.
 */
export function namespacePlatformObjects(
  cluster: string,
  namespace: string,
  labels: Record<string, string>,
  annotations: Record<string, string>,
): KubeObject[] {
  const sync = namespaceSyncName(namespace);
  const account: KubeObject = {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: { name: sync, namespace: FLUX_NAMESPACE, labels },
    // an identity to impersonate, never a pod's: no token is mounted anywhere
    automountServiceAccountToken: false,
  };
  const binding: KubeObject = {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: { name: NAMESPACE_APPLIER_BINDING, namespace, labels },
    roleRef: {
      apiGroup: 'rbac.authorization.k8s.io',
      kind: 'ClusterRole',
      name: NAMESPACE_APPLIER_ROLE,
    },
    subjects: [
      { kind: 'ServiceAccount', name: sync, namespace: FLUX_NAMESPACE },
    ],
  };
  const kustomization: KubeObject = {
    apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
    kind: 'Kustomization',
    metadata: { name: sync, namespace: FLUX_NAMESPACE, labels },
    spec: {
      interval: '10m',
      retryInterval: '1m',
      path: `./${namespaceDir(cluster, namespace)}`,
      prune: true,
      serviceAccountName: sync,
      sourceRef: { kind: 'GitRepository', name: GITOPS_SOURCE_NAME },
      timeout: '2m',
    },
  };
  return [
    namespaceObject(namespace, labels, annotations),
    account,
    binding,
    kustomization,
  ];
}
