/**
 * Catalog module of the provisioning portal: clusters, namespaces and virtual machines as catalog entities.
 *
 * @packageDocumentation
 */
export { catalogModuleProvisioning as default } from './module';
export {
  ClusterEntityProvider,
  CLUSTER_ENTITY_TYPE,
} from './providers/ClusterEntityProvider';
export { NamespaceEntityProvider } from './providers/NamespaceEntityProvider';
export type { NamespaceEntityProviderOptions } from './providers/NamespaceEntityProvider';
export {
  KUBERNETES_ANNOTATIONS,
  NAMESPACE_ENTITY_TYPE,
  VM_ENTITY_TYPE,
} from './providers/namespaceEntity';
export { RequestEntityProvider } from './providers/RequestEntityProvider';
export {
  REQUEST_ENTITY_TYPE,
  REQUEST_STATUS_TEXT,
  statusOf,
} from './providers/requestEntity';
export type {
  RequestEntity,
  RequestEntityFacts,
  RequestStatus,
} from './providers/requestEntity';
