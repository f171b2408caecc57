import {
  AuthService,
  BackstageCredentials,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { NotAllowedError } from '@backstage/errors';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import { CATALOG_KEYS } from '@kubeportal/plugin-provisioning-common';
import { Requester, TeamDirectory } from '../requests/RequestPlanner';

const list = (value: string | undefined) =>
  (value ?? '')
    .split(',')
    .map(v => v.trim())
    .filter(Boolean);

/** Where a catalog user's GitHub login is (Backstage's GitHub org provider writes it). */
export const GITHUB_LOGIN_ANNOTATION = 'github.com/user-login';

/**
 * Who the credentials belong to, from the server: the user entity and their ownership refs (the user and their
 * groups), as the auth backend resolved them at sign-in. Service and unauthenticated principals are refused.
 */
export async function requesterOf(
  credentials: BackstageCredentials,
  services: { auth: AuthService; userInfo: UserInfoService },
): Promise<Requester> {
  if (!services.auth.isPrincipal(credentials, 'user')) {
    throw new NotAllowedError(
      'Only signed-in users can make provisioning requests',
    );
  }
  const info = await services.userInfo.getUserInfo(credentials);
  return {
    userEntityRef: info.userEntityRef,
    ownershipEntityRefs: info.ownershipEntityRefs,
  };
}

/**
 * Teams from the catalog, read with the caller's credentials: project leads, AD groups and cost centre from the
 * group's annotations (one place: `CATALOG_KEYS`), and users' GitHub logins.
 */
export function catalogTeams(
  catalog: CatalogService,
  credentials: BackstageCredentials,
): TeamDirectory {
  return {
    async getTeam(groupRef) {
      const group = await catalog.getEntityByRef(groupRef, { credentials });
      if (!group || group.kind.toLowerCase() !== 'group') return undefined;
      const annotations = group.metadata.annotations ?? {};
      return {
        ref: stringifyEntityRef(group),
        projectLeads: list(annotations[CATALOG_KEYS.projectLeads]),
        adGroups: list(annotations[CATALOG_KEYS.adGroups]),
        costCentre: annotations[CATALOG_KEYS.costCentre]?.trim() || undefined,
      };
    },
    async getGitHubLogin(userRef) {
      const user = await catalog.getEntityByRef(userRef, { credentials });
      if (!user || user.kind.toLowerCase() !== 'user') return undefined;
      return (
        user.metadata.annotations?.[GITHUB_LOGIN_ANNOTATION]?.trim() ||
        undefined
      );
    },
  };
}
