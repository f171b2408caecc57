import { BackstageCredentials, LoggerService } from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { catalogTeams, RequestPlanner } from '@kubeportal/plugin-provisioning-node';

/** Builds the planner an action uses for one task. */
export type PlannerFactory = (credentials: () => Promise<BackstageCredentials>) => Promise<RequestPlanner>;

/** The default factory: configuration plus the catalog, read with the task initiator's credentials. */
export function defaultPlannerFactory(config: Config, catalog: CatalogService, logger: LoggerService): PlannerFactory {
  return async credentials => RequestPlanner.fromConfig(config, { teams: catalogTeams(catalog, await credentials()), logger });
}
