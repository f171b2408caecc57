import {
  AuthService,
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { JsonObject } from '@backstage/types';
import { CATALOG_KEYS } from '@kubeportal/plugin-provisioning-common';
import { GitHubEmulator } from '../github/GitHubEmulator';
import { ControlPlane } from '../kube/controlPlane';

/** How a `provisioning.clusters[]` entry reaches a control plane as its admin: URL, CA and token. */
export function clusterConnection(
  plane: Pick<ControlPlane, 'server' | 'caPem' | 'adminToken'>,
) {
  return {
    url: plane.server,
    caData: Buffer.from(plane.caPem).toString('base64'),
    auth: { type: 'serviceAccountToken' as const, token: plane.adminToken },
  };
}

/** Options of `portalTestConfig`. */
export interface PortalTestConfigOptions {
  github: GitHubEmulator;
  /** The portal's GitHub token, one the emulator knows (default `portal-token`). */
  token?: string;
  /** The GitOps repository, `owner/name` on the emulator (default `acme/gitops`, branch `main`). */
  repo?: string;
  /** `provisioning.clusters`: each entry's facts, with `clusterConnection(plane)` spread in for a real one. */
  clusters: JsonObject[];
  /** Further keys of the `provisioning` section (policy, platformTeam, ...). */
  provisioning?: JsonObject;
  /** `app.baseUrl`, when the configuration is the whole app's (default none). */
  baseUrl?: string;
}

/**
 * The configuration that points the portal at the GitHub emulator and the given clusters: the GitHub integration
 * with the portal's token, the GitOps repository and `provisioning.clusters`. Callers spread it into their own.
 */
export function portalTestConfig(options: PortalTestConfigOptions): JsonObject {
  const host = new URL(options.github.url).host;
  const [owner, repo] = (options.repo ?? 'acme/gitops').split('/');
  return {
    ...(options.baseUrl ? { app: { baseUrl: options.baseUrl } } : {}),
    integrations: {
      github: [
        {
          host,
          apiBaseUrl: options.github.url,
          token: options.token ?? 'portal-token',
        },
      ],
    },
    provisioning: {
      ...options.provisioning,
      gitops: { host, owner, repo, branch: 'main' },
      clusters: options.clusters,
    },
  };
}

/** A team's catalog Group with what the portal reads from it: project leads, AD groups and cost centre. */
export function teamGroup(
  name: string,
  leads: string,
  options: { costCentre?: string; adGroups?: string[] } = {},
): Entity {
  const adGroups = options.adGroups ?? [`sg-${name}`];
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: {
      name,
      namespace: 'default',
      annotations: {
        [CATALOG_KEYS.projectLeads]: leads,
        ...(adGroups.length > 0
          ? { [CATALOG_KEYS.adGroups]: adGroups.join(',') }
          : {}),
        [CATALOG_KEYS.costCentre]: options.costCentre ?? `CC-${name}`,
      },
    },
    spec: { type: 'team', children: [] },
  };
}

/**
 * The `userInfo` service of a test backend: who a signed-in user is comes from their token (Backstage's mock
 * credentials), and which teams they belong to from `teamsOf(user name)`, as the catalog would resolve it.
 */
export function userInfoFromTeams(teamsOf: (user: string) => string[]) {
  return createServiceFactory({
    service: coreServices.userInfo,
    deps: {},
    factory: () => ({
      getUserInfo: async (credentials: any) => {
        const user = credentials.principal.userEntityRef as string;
        return {
          userEntityRef: user,
          ownershipEntityRefs: [
            user,
            ...teamsOf(user.split('/')[1]).map(t => `group:default/${t}`),
          ],
        };
      },
    }),
  });
}

/**
 * The `auth` service of a test backend as in production, where a plugin calling another on a user's behalf sends
 * the user with itself as actor: the permission backend answers conditional decisions only to such callers (the
 * test double leaves the actor out).
 */
export const authWithPluginActor = createServiceFactory({
  service: coreServices.auth,
  deps: { plugin: coreServices.pluginMetadata },
  factory({ plugin }) {
    const auth = mockServices.auth({ pluginId: plugin.getId() });
    const getPluginRequestToken: AuthService['getPluginRequestToken'] =
      async options =>
        auth.isPrincipal(options.onBehalfOf, 'user')
          ? {
              token: mockCredentials.user.token(
                options.onBehalfOf.principal.userEntityRef,
                { actor: { subject: `plugin:${plugin.getId()}` } },
              ),
            }
          : auth.getPluginRequestToken(options);
    return Object.assign(auth, { getPluginRequestToken });
  },
});
