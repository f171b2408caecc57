import { useEntity } from '@backstage/plugin-catalog-react';
import { CATALOG_KEYS } from '@kubeportal/plugin-provisioning-common';
import Alert from '@mui/material/Alert';
import { VmStateCard } from './VmStateCard';

/** The cluster, namespace and VM a catalog entity of the portal stands for, from its annotations. */
export function vmOfEntity(entity: {
  metadata: { annotations?: Record<string, string> };
}): { cluster: string; namespace: string; vm: string } | undefined {
  const annotations = entity.metadata.annotations ?? {};
  const cluster = annotations[CATALOG_KEYS.cluster];
  const namespace = annotations[CATALOG_KEYS.namespace];
  const vm = annotations[CATALOG_KEYS.vm];
  return cluster && namespace && vm ? { cluster, namespace, vm } : undefined;
}

/** The VM state card on a VM entity's page (a `Resource` of type `virtual-machine`). */
export const EntityVmStateCard = () => {
  const { entity } = useEntity();
  const target = vmOfEntity(entity);
  if (!target)
    return (
      <Alert severity="warning">
        This entity does not name its cluster, namespace and VM (annotations{' '}
        {CATALOG_KEYS.cluster}, {CATALOG_KEYS.namespace} and {CATALOG_KEYS.vm}
        ).
      </Alert>
    );
  return (
    <VmStateCard
      cluster={target.cluster}
      namespace={target.namespace}
      vm={target.vm}
      title="Live state"
    />
  );
};
