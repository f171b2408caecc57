import {
  ANNOTATION_LOCATION,
  ANNOTATION_ORIGIN_LOCATION,
  ANNOTATION_SOURCE_LOCATION,
  EntityLink,
  parseEntityRef,
  ResourceEntity,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import {
  ANNOTATIONS,
  CATALOG_KEYS,
  escapeMarkdown,
  LABELS,
  labelValueProblem,
  MANAGED_BY,
  namespaceDir,
  vmPath,
  NAMESPACE_ENTITY_TYPE,
  VM_ENTITY_TYPE,
} from '@kubeportal/plugin-provisioning-common';
import {
  CachedObject,
  GitOpsRepositoryConfig,
  namespaceTeam,
} from '@kubeportal/plugin-provisioning-node';
import {
  clusterEntityRef,
  namespaceEntityName,
  resourceRef,
  vmEntityName,
} from './entityNames';

/**
 * The catalog entities of live cluster objects: each managed namespace and each of its KubeVirt VMs as a `Resource`,
 * built from the objects the live-state cache holds. Pure: no I/O.
 */

export { NAMESPACE_ENTITY_TYPE, VM_ENTITY_TYPE };

/**
 * Backstage's Kubernetes plugin finds an entity's objects by these: objects labelled `backstage.io/kubernetes-id`
 * with the annotation's value (or matching the label selector), in the annotated namespace, on the annotated
 * cluster (the `singleTenant` service locator; the others search every cluster). A namespace's objects carry the
 * id label (the renderer puts it on the namespace's folder); a VM's are found by its request id, which its
 * instance and launcher pod inherit.
 */
export const KUBERNETES_ANNOTATIONS = {
  id: LABELS.kubernetesId,
  labelSelector: 'backstage.io/kubernetes-label-selector',
  namespace: 'backstage.io/kubernetes-namespace',
  cluster: 'backstage.io/kubernetes-cluster',
} as const;

/** What the entities link to and who owns what nobody claims. */
export interface LiveEntityContext {
  /** Owner of a namespace without a valid team (only unmanaged namespaces lack one). */
  platformTeam: string;
  /** The GitOps repository, for links to each namespace's folder and each VM's file. */
  gitops?: GitOpsRepositoryConfig;
  /** The portal's address (`app.baseUrl`); without it the request page is linked by its path. */
  portalUrl?: string;
}

/** Whether the portal created the object: its `app.kubernetes.io/managed-by` label says `kubeportal`. */
export const isPortalManaged = (object: CachedObject) =>
  object.metadata.labels?.[LABELS.managedBy] === MANAGED_BY;

/** Longest purpose kept in a description, in characters (before escaping). */
const MAX_PURPOSE = 200;

/** Backstage's rule for tags. */
const TAG = /^[a-z0-9:+#]+(-[a-z0-9:+#]+)*$/;

/** The web address of a folder or file of the GitOps repository on its branch. */
export function gitopsWebUrl(
  gitops: GitOpsRepositoryConfig,
  kind: 'tree' | 'blob',
  path: string,
): string {
  return `https://${gitops.host}/${gitops.owner}/${gitops.repo}/${kind}/${gitops.branch}/${path}`;
}

/** The portal's page of a request (`/provisioning/requests/<id>`), absolute when the portal's address is known. */
export function requestPageUrl(
  requestId: string,
  portalUrl: string | undefined,
): string {
  return `${
    portalUrl?.replace(/\/+$/, '') ?? ''
  }/provisioning/requests/${encodeURIComponent(requestId)}`;
}

/** The owner of a namespace (and its VMs): its team as a full group or user ref, else the platform team. */
function ownerOf(namespace: CachedObject, platformTeam: string): string {
  const team = namespaceTeam(namespace);
  if (!team) return platformTeam;
  try {
    const ref = parseEntityRef(team, {
      defaultKind: 'group',
      defaultNamespace: 'default',
    });
    const kind = ref.kind.toLocaleLowerCase('en-US');
    if (kind === 'group' || kind === 'user') return stringifyEntityRef(ref);
  } catch {
    // not an entity ref: the platform team owns it, as it does an unclaimed namespace
  }
  return platformTeam;
}

/** The request id the object was created by, when it carries a valid one. */
function requestIdOf(object: CachedObject): string | undefined {
  const id = object.metadata.labels?.[LABELS.requestId];
  return id && !labelValueProblem(id) ? id : undefined;
}

/** The requester's purpose, on one line, cut and escaped for markdown (Backstage renders descriptions as such). */
function purposeOf(object: CachedObject): string | undefined {
  const purpose = object.metadata.annotations?.[ANNOTATIONS.purpose]?.trim();
  if (!purpose) return undefined;
  const chars = Array.from(purpose);
  return escapeMarkdown(
    chars.length <= MAX_PURPOSE
      ? purpose
      : `${chars
          .slice(0, MAX_PURPOSE - 1)
          .join('')
          .trimEnd()}…`,
  );
}

/** Environment label and tags, from the object's environment label when it is a valid tag. */
function environmentOf(object: CachedObject): string | undefined {
  const environment = object.metadata.labels?.[LABELS.environment];
  return environment && TAG.test(environment) ? environment : undefined;
}

function metadataOf(
  object: CachedObject,
  options: {
    name: string;
    title: string;
    description: string;
    cluster: string;
    namespace: string;
    vm?: string;
    /** How Backstage's Kubernetes plugin selects the objects; without it, by the entity's name as kubernetes-id. */
    labelSelector?: string;
    tag: string;
    links: EntityLink[];
    sourceFolder?: string;
  },
): ResourceEntity['metadata'] {
  const location = `provisioning:clusters/${options.cluster}`;
  const requestId = requestIdOf(object);
  const environment = environmentOf(object);
  return {
    name: options.name,
    title: options.title,
    description: options.description,
    annotations: {
      [ANNOTATION_LOCATION]: location,
      [ANNOTATION_ORIGIN_LOCATION]: location,
      ...(options.sourceFolder
        ? { [ANNOTATION_SOURCE_LOCATION]: `url:${options.sourceFolder}/` }
        : {}),
      ...(options.labelSelector
        ? { [KUBERNETES_ANNOTATIONS.labelSelector]: options.labelSelector }
        : { [KUBERNETES_ANNOTATIONS.id]: options.name }),
      [KUBERNETES_ANNOTATIONS.namespace]: options.namespace,
      [KUBERNETES_ANNOTATIONS.cluster]: options.cluster,
      [CATALOG_KEYS.cluster]: options.cluster,
      [CATALOG_KEYS.namespace]: options.namespace,
      ...(options.vm ? { [CATALOG_KEYS.vm]: options.vm } : {}),
      ...(requestId ? { [LABELS.requestId]: requestId } : {}),
    },
    ...(environment ? { labels: { [LABELS.environment]: environment } } : {}),
    tags: environment ? [environment, options.tag] : [options.tag],
    ...(options.links.length > 0 ? { links: options.links } : {}),
  };
}

function requestLink(
  object: CachedObject,
  context: LiveEntityContext,
): EntityLink[] {
  const id = requestIdOf(object);
  return id
    ? [
        {
          url: requestPageUrl(id, context.portalUrl),
          title: `Request ${id}`,
          type: 'provisioning-request',
        },
      ]
    : [];
}

/**
 * The entity of a namespace on a cluster: `<cluster>.<namespace>`, titled `<namespace> on <cluster>`, owned by its
 * team (`namespaceTeam`), depending on its cluster, linked to the request that created it and to its GitOps
 * folder, with Backstage's Kubernetes annotations and the portal's cluster and namespace names.
 */
export function toNamespaceEntity(
  cluster: string,
  namespace: CachedObject,
  context: LiveEntityContext,
): ResourceEntity {
  const name = namespace.metadata.name;
  const purpose = purposeOf(namespace);
  // only what the portal created lives in the GitOps repository
  const folder =
    context.gitops && isPortalManaged(namespace)
      ? gitopsWebUrl(context.gitops, 'tree', namespaceDir(cluster, name))
      : undefined;
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: metadataOf(namespace, {
      name: namespaceEntityName(cluster, name),
      title: `${name} on ${cluster}`,
      description: `Kubernetes namespace ${name} on cluster ${cluster}${
        purpose ? `: ${purpose}` : ''
      }`,
      cluster,
      namespace: name,
      tag: 'kubernetes',
      sourceFolder: folder,
      links: [
        ...requestLink(namespace, context),
        ...(folder
          ? [{ url: folder, title: 'GitOps folder', type: 'gitops' }]
          : []),
      ],
    }),
    spec: {
      type: NAMESPACE_ENTITY_TYPE,
      owner: ownerOf(namespace, context.platformTeam),
      dependsOn: [clusterEntityRef(cluster)],
    },
  };
}

/**
 * The entity of a KubeVirt VirtualMachine: `<cluster>.<namespace>.<vm>`, titled `<vm> in <namespace> on
 * <cluster>`, owned by its namespace's team, depending on its namespace's entity, linked to the request that created
 * it and to its file in the GitOps repository, with Backstage's Kubernetes annotations and the portal's cluster,
 * namespace and VM names.
 */
export function toVmEntity(
  cluster: string,
  vm: CachedObject,
  namespace: CachedObject,
  context: LiveEntityContext,
): ResourceEntity {
  const name = vm.metadata.name;
  const ns = namespace.metadata.name;
  const purpose = purposeOf(vm);
  // only what the portal created lives in the GitOps repository
  const gitops = isPortalManaged(vm) ? context.gitops : undefined;
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: metadataOf(vm, {
      name: vmEntityName(cluster, ns, name),
      title: `${name} in ${ns} on ${cluster}`,
      description: `KubeVirt virtual machine ${name} in namespace ${ns} on cluster ${cluster}${
        purpose ? `: ${purpose}` : ''
      }`,
      cluster,
      namespace: ns,
      vm: name,
      labelSelector: requestIdOf(vm)
        ? `${LABELS.requestId}=${requestIdOf(vm)}`
        : `kubevirt.io/domain=${name}`,
      tag: 'kubevirt',
      sourceFolder: gitops
        ? gitopsWebUrl(gitops, 'tree', namespaceDir(cluster, ns))
        : undefined,
      links: [
        ...requestLink(vm, context),
        ...(gitops
          ? [
              {
                url: gitopsWebUrl(gitops, 'blob', vmPath(cluster, ns, name)),
                title: 'GitOps file',
                type: 'gitops',
              },
            ]
          : []),
      ],
    }),
    spec: {
      type: VM_ENTITY_TYPE,
      owner: ownerOf(namespace, context.platformTeam),
      dependsOn: [resourceRef(namespaceEntityName(cluster, ns))],
    },
  };
}
