import {
  AuthService,
  BackstageCredentials,
  BackstageUserPrincipal,
  PermissionsService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { ClusterFacts } from '@kubeportal/plugin-provisioning-common';
import {
  catalogTeams,
  provisioningRuleset,
  RequestAccess,
  requesterOf,
  Who,
} from '@kubeportal/plugin-provisioning-node';

/**
 * Who runs a task, from the server: the initiator's identity, what the permission framework lets them request,
 * and the catalog read with their credentials.
 */
export type Initiator = (credentials: BackstageCredentials) => Promise<Who>;

/** The default: identity from the auth and user-info services, permissions from the policy, teams from the catalog. */
export function initiatorFromServices(services: {
  auth: AuthService;
  userInfo: UserInfoService;
  catalog: CatalogService;
  permissions: PermissionsService;
  clusters: ClusterFacts[];
}): Initiator {
  const rules = provisioningRuleset();
  return async credentials => {
    const requester = await requesterOf(credentials, services);
    // requesterOf refuses anything but a user principal
    const user = credentials as BackstageCredentials<BackstageUserPrincipal>;
    return {
      requester,
      teams: catalogTeams(services.catalog, credentials),
      access: await RequestAccess.of(user, {
        permissions: services.permissions,
        rules,
        clusters: services.clusters,
      }),
    };
  };
}
