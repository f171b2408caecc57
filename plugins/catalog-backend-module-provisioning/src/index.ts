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
export {
  RequestEntityProvider,
  REQUEST_ENTITY_TYPE,
  statusOf,
} from './providers/RequestEntityProvider';
export type { RequestStatus } from './providers/RequestEntityProvider';
