import { useEntity } from '@backstage/plugin-catalog-react';
import { CATALOG_KEYS } from '@kubeportal/plugin-provisioning-common';
import Alert from '@mui/material/Alert';
import { NamespaceLink, NamespaceStateCard } from './NamespaceStateCard';

/** The types of entity links the card shows: the namespace's GitOps folder, and its request's page. */
const CARD_LINK_TYPES = ['gitops', 'provisioning-request'];

/** The links of a namespace entity that the card shows (`metadata.links` of the types above). */
export function namespaceLinksOfEntity(entity: {
  metadata: { links?: NamespaceLink[] };
}): NamespaceLink[] {
  return (entity.metadata.links ?? []).filter(
    link => link.type !== undefined && CARD_LINK_TYPES.includes(link.type),
  );
}

/** The cluster and namespace a catalog entity of the portal stands for, from its annotations. */
export function namespaceOfEntity(entity: {
  metadata: { annotations?: Record<string, string> };
}): { cluster: string; namespace: string } | undefined {
  const cluster = entity.metadata.annotations?.[CATALOG_KEYS.cluster];
  const namespace = entity.metadata.annotations?.[CATALOG_KEYS.namespace];
  return cluster && namespace ? { cluster, namespace } : undefined;
}

/** The namespace state card on a namespace entity's page (a `Resource` of type `kubernetes-namespace`). */
export const EntityNamespaceStateCard = () => {
  const { entity } = useEntity();
  const target = namespaceOfEntity(entity);
  if (!target)
    return (
      <Alert severity="warning">
        This entity does not name its cluster and namespace (annotations{' '}
        {CATALOG_KEYS.cluster} and {CATALOG_KEYS.namespace}).
      </Alert>
    );
  return (
    <NamespaceStateCard
      cluster={target.cluster}
      namespace={target.namespace}
      title="Live state"
      links={namespaceLinksOfEntity(entity)}
    />
  );
};
