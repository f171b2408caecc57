/**
 * Label and annotation keys that every object the portal renders carries. Defined once here and used by the
 * renderer, the GitOps validator, the catalog provider and the live-state API alike.
 */

/** Prefix of the portal's own label and annotation keys. */
export const PORTAL_DOMAIN = 'provisioning.kubeportal.io';

/** Label keys (values must be valid label values: at most 63 characters of `[A-Za-z0-9_.-]`). */
export const LABELS = {
  /** Name of the owning catalog group. */
  owner: `${PORTAL_DOMAIN}/owner`,
  /** Name of the catalog user who asked for the object. */
  requester: `${PORTAL_DOMAIN}/requester`,
  /** Stable id of the request that created the object. */
  requestId: `${PORTAL_DOMAIN}/request-id`,
  /** Cost centre the object is charged to. */
  costCentre: `${PORTAL_DOMAIN}/cost-centre`,
  /** dev, staging or prod. */
  environment: `${PORTAL_DOMAIN}/environment`,
  /** Expiry date (YYYY-MM-DD), only where set. */
  expires: `${PORTAL_DOMAIN}/expires`,
  /** On team-default objects: the team whose defaults they are. */
  teamDefault: `${PORTAL_DOMAIN}/team-default`,
  /** Always `kubeportal`. */
  managedBy: 'app.kubernetes.io/managed-by',
  /**
   * Backstage's own label, on every object of a namespace's folder: `<cluster>.<namespace>` (`liveObjectId`), the
   * name of the namespace's catalog entity, so Backstage's Kubernetes tab finds the objects by the entity's
   * `backstage.io/kubernetes-id` annotation. Workloads that teams deploy themselves show there once they carry it.
   */
  kubernetesId: 'backstage.io/kubernetes-id',
} as const;

/** Annotation keys (free-form values). */
export const ANNOTATIONS = {
  /** Full catalog entity ref of the owning group, e.g. `group:default/payments`. */
  ownerRef: `${PORTAL_DOMAIN}/owner-ref`,
  /** Full catalog entity ref of the requester, e.g. `user:default/jdoe`. */
  requesterRef: `${PORTAL_DOMAIN}/requester-ref`,
  /** What the object is for, in the requester's words. */
  purpose: `${PORTAL_DOMAIN}/purpose`,
} as const;

/** Keys of the portal's catalog entities (clusters, namespaces, VMs, requests, groups), as labels or annotations. */
export const CATALOG_KEYS = {
  /** On a catalog Group: GitHub logins of the project leads who approve the team's pull requests (comma-separated). */
  projectLeads: `${PORTAL_DOMAIN}/project-leads`,
  /** On a catalog Group: the cost centre the team's namespaces are charged to. */
  costCentre: `${PORTAL_DOMAIN}/cost-centre`,
  /** On a catalog Group: the team's AD groups (comma-separated). */
  adGroups: `${PORTAL_DOMAIN}/ad-groups`,
  /** On a cluster entity: its rack or site. */
  site: `${PORTAL_DOMAIN}/site`,
  /** On a request entity: where the request stands. */
  requestStatus: `${PORTAL_DOMAIN}/status`,
  /** On a request entity: namespace, vm, quota-change or decommission. */
  requestKind: `${PORTAL_DOMAIN}/kind`,
  /** On a request entity: its pull request. */
  pullRequest: `${PORTAL_DOMAIN}/pull-request`,
  /** On a request entity: the merge commit, once merged. */
  mergeCommit: `${PORTAL_DOMAIN}/merge-commit`,
  /** On a request entity: who approved its pull request. */
  approvedBy: `${PORTAL_DOMAIN}/approved-by`,
  /** On a namespace or VM entity: the name of the cluster it lives on (as in `provisioning.clusters`). */
  cluster: `${PORTAL_DOMAIN}/cluster`,
  /** On a namespace or VM entity: the Kubernetes namespace's name. */
  namespace: `${PORTAL_DOMAIN}/namespace`,
  /** On a VM entity: the KubeVirt VirtualMachine's name. */
  vm: `${PORTAL_DOMAIN}/vm`,
} as const;

/** Value of the `app.kubernetes.io/managed-by` label on everything the portal renders. */
export const MANAGED_BY = 'kubeportal';

/** Catalog `spec.type` of the entities of live namespaces (kind `Resource`). */
export const NAMESPACE_ENTITY_TYPE = 'kubernetes-namespace';
/** Catalog `spec.type` of the entities of live KubeVirt VMs (kind `Resource`). */
export const VM_ENTITY_TYPE = 'virtual-machine';
