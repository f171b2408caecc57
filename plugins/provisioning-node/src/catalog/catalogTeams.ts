import { BackstageCredentials } from '@backstage/backend-plugin-api';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import { CATALOG_KEYS } from '@kubeportal/plugin-provisioning-common';
import { TeamDirectory } from '../requests/RequestPlanner';


const list = (value: string | undefined) =>
  (value ?? '')
    .split(',')
    .map(v => v.trim())
    .filter(Boolean);

/** Teams from the catalog, read with the caller's credentials (project leads and AD groups from annotations). */
export function catalogTeams(catalog: CatalogService, credentials: BackstageCredentials): TeamDirectory {
  return {
    async getTeam(groupRef) {
      const group = await catalog.getEntityByRef(groupRef, { credentials });
      if (!group || group.kind.toLowerCase() !== 'group') return undefined;
      const annotations = group.metadata.annotations ?? {};
      return { projectLeads: list(annotations[CATALOG_KEYS.projectLeads]), adGroups: list(annotations[CATALOG_KEYS.adGroups]) };
    },
  };
}
