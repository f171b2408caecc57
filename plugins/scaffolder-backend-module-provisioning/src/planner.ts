import { BackstageCredentials, LoggerService } from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { RequestPlanner, TeamDirectory } from '@kubeportal/plugin-provisioning-node';

/** Annotation on a catalog Group: GitHub logins of the project leads who approve the team's pull requests. */
export const PROJECT_LEADS_ANNOTATION = 'provisioning.kubeportal.io/project-leads';
/** Annotation on a catalog Group: the team's AD groups (comma-separated). */
export const AD_GROUPS_ANNOTATION = 'provisioning.kubeportal.io/ad-groups';

const list = (value: string | undefined) =>
  (value ?? '')
    .split(',')
    .map(v => v.trim())
    .filter(Boolean);

/** Teams from the catalog, read with the task initiator's credentials. */
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

/** Builds the planner an action uses for one task. */
export type PlannerFactory = (credentials: () => Promise<BackstageCredentials>) => Promise<RequestPlanner>;

/** The default factory: configuration plus the catalog. */
export function defaultPlannerFactory(config: Config, catalog: CatalogService, logger: LoggerService): PlannerFactory {
  return async credentials => RequestPlanner.fromConfig(config, { teams: catalogTeams(catalog, await credentials()), logger });
}
