import { BackstageCredentials } from '@backstage/backend-plugin-api';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import { TeamDirectory } from '../requests/RequestPlanner';

/** Annotation on a catalog Group: GitHub logins of the project leads who approve the team's pull requests. */
export const PROJECT_LEADS_ANNOTATION = 'provisioning.kubeportal.io/project-leads';
/** Annotation on a catalog Group: the team's AD groups (comma-separated). */
export const AD_GROUPS_ANNOTATION = 'provisioning.kubeportal.io/ad-groups';

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
      return { projectLeads: list(annotations[PROJECT_LEADS_ANNOTATION]), adGroups: list(annotations[AD_GROUPS_ANNOTATION]) };
    },
  };
}
