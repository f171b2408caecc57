import { AuthService, BackstageCredentials, UserInfoService } from '@backstage/backend-plugin-api';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { catalogTeams, requesterOf, Requester, TeamDirectory } from '@kubeportal/plugin-provisioning-node';

/** Who runs a task, from the server: the initiator's identity and the catalog read with their credentials. */
export type Initiator = (credentials: BackstageCredentials) => Promise<{ requester: Requester; teams: TeamDirectory }>;

/** The default: identity from the auth and user-info services, teams from the catalog. */
export function initiatorFromServices(services: { auth: AuthService; userInfo: UserInfoService; catalog: CatalogService }): Initiator {
  return async credentials => ({
    requester: await requesterOf(credentials, services),
    teams: catalogTeams(services.catalog, credentials),
  });
}
