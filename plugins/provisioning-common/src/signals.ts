/**
 * The signals channel of one namespace: the backend signals a change of the namespace on the cluster (its
 * objects, quota usage, pods, VMs), and open pages showing it read its state again.
 */
export const namespaceSignalChannel = (cluster: string, namespace: string) =>
  `provisioning:namespace:${cluster}:${namespace}`;
