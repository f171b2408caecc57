/*
 * The portal's permission policy: who may do what in the catalog, the scaffolder and the provisioning API.
 */
import {
  BackstageCredentials,
  BackstageUserInfo,
  coreServices,
  createBackendModule,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { ANNOTATION_ORIGIN_LOCATION } from '@backstage/catalog-model';
import { Config } from '@backstage/config';
import {
  catalogConditions,
  createCatalogConditionalDecision,
} from '@backstage/plugin-catalog-backend/alpha';
import {
  catalogEntityReadPermission,
  catalogLocationReadPermission,
} from '@backstage/plugin-catalog-common/alpha';
import {
  AuthorizeResult,
  isPermission,
  PermissionCondition,
  PermissionCriteria,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import {
  PermissionPolicy,
  PolicyQuery,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import {
  createScaffolderActionConditionalDecision,
  createScaffolderTaskConditionalDecision,
  scaffolderActionConditions,
  scaffolderTaskConditions,
} from '@backstage/plugin-scaffolder-backend/alpha';
import {
  actionExecutePermission,
  taskCancelPermission,
  taskCreatePermission,
  taskReadPermission,
  templateParameterReadPermission,
  templateStepReadPermission,
} from '@backstage/plugin-scaffolder-common/alpha';
import {
  createProvisioningConditionalDecision,
  provisioningConditions,
} from '@kubeportal/plugin-provisioning-backend';
import {
  CATALOG_KEYS,
  NAMESPACE_ENTITY_TYPE,
  provisioningDecommissionPermission,
  provisioningDecommissionRequestPermission,
  provisioningNamespaceReadPermission,
  provisioningNamespaceRequestPermission,
  provisioningProdRequestPermission,
  provisioningQuotaChangeRequestPermission,
  provisioningVmRequestPermission,
  VM_ENTITY_TYPE,
} from '@kubeportal/plugin-provisioning-common';
import { provisioningServiceRef } from '@kubeportal/plugin-provisioning-node';
import path from 'node:path';

/**
 * The scaffolder actions users outside the platform team may run: every action of the provisioning module
 * (`provisioning:*`), listed one by one because the scaffolder's rule matches whole ids. A test checks the list
 * against the actions the module installs.
 */
export const PROVISIONING_ACTION_IDS: readonly [string, ...string[]] = [
  'provisioning:request:describe',
  'provisioning:request:validate',
  'provisioning:request:render',
  'provisioning:github:pull-request',
];

/** What the policy is configured with. */
export interface PortalPolicyOptions {
  /** The platform team's group ref (`provisioning.platformTeam`): allowed everything. */
  platformTeam: string;
  /**
   * Origin locations (`backstage.io/managed-by-origin-location`) whose templates users may run, from
   * `catalog.locations` entries that allow `Template` in their own rules.
   */
  templateLocations: string[];
  userInfo: UserInfoService;
  /**
   * Live state open to every signed-in user (`provisioning.liveState.readableByAll`): the environments, and the
   * clusters of those environments (the catalog's namespace and VM entities name their cluster).
   */
  readableByAll?: { environments: string[]; clusters: string[] };
}

/**
 * The locations trusted for templates: the `catalog.locations` entries of the portal's configuration (which only
 * the platform team changes) that allow `Template` in their own `rules`, as the catalog names their origin
 * (a `file` target resolved against the working directory, as the catalog resolves it).
 */
export function trustedTemplateLocations(config: Config): string[] {
  return (config.getOptionalConfigArray('catalog.locations') ?? [])
    .filter(location =>
      (location.getOptionalConfigArray('rules') ?? []).some(rule =>
        rule.getStringArray('allow').includes('Template'),
      ),
    )
    .map(location => {
      const type = location.getString('type');
      const target = location.getString('target');
      return `${type}:${type === 'file' ? path.resolve(target) : target}`;
    });
}

const ALLOW: PolicyDecision = { result: AuthorizeResult.ALLOW };
const DENY: PolicyDecision = { result: AuthorizeResult.DENY };

/**
 * The portal's policy:
 * - nobody unauthenticated; the platform team everything;
 * - catalog: signed-in users read, except templates they may not run; creating or deleting entities and
 *   locations is the platform team's;
 * - scaffolder: a user runs a template owned by the platform team that came from a trusted location, only with
 *   the provisioning actions, and reads and cancels their own tasks;
 * - provisioning: a user asks for new namespaces (also prod) for their own teams, and for VMs, quota changes
 *   and removals only in namespaces their teams own, and reads the live state (and the catalog entities) of
 *   those namespaces and their VMs only, plus those of the environments configured as readable by all;
 *   administration is the platform team's;
 * - anything else is denied.
 */
export class PortalPermissionPolicy implements PermissionPolicy {
  // one user lookup per authorization batch: the permission backend passes the same credentials to every item
  private readonly infos = new WeakMap<
    BackstageCredentials,
    Promise<BackstageUserInfo>
  >();

  constructor(private readonly options: PortalPolicyOptions) {}

  async handle(
    request: PolicyQuery,
    user?: PolicyQueryUser,
  ): Promise<PolicyDecision> {
    if (!user) return DENY;
    const { userEntityRef, ownershipEntityRefs: claims } = await this.userInfo(
      user.credentials,
    );
    if (claims.includes(this.options.platformTeam)) return ALLOW;
    const { permission } = request;

    // catalog
    if (isPermission(permission, catalogEntityReadPermission)) {
      return createCatalogConditionalDecision(
        permission,
        this.readableEntities(claims),
      );
    }
    if (isPermission(permission, catalogLocationReadPermission)) return ALLOW;

    // scaffolder: which template may be run is decided by reading it from the catalog (above)
    if (isPermission(permission, taskCreatePermission)) return ALLOW;
    if (
      isPermission(permission, templateParameterReadPermission) ||
      isPermission(permission, templateStepReadPermission)
    )
      return ALLOW;
    if (isPermission(permission, actionExecutePermission)) {
      const [first, ...more] = PROVISIONING_ACTION_IDS.map(actionId =>
        scaffolderActionConditions.hasActionId({ actionId }),
      );
      return createScaffolderActionConditionalDecision(permission, {
        anyOf: [first, ...more],
      });
    }
    if (
      isPermission(permission, taskReadPermission) ||
      isPermission(permission, taskCancelPermission)
    ) {
      return createScaffolderTaskConditionalDecision(
        permission,
        scaffolderTaskConditions.isTaskOwner({ createdBy: [userEntityRef] }),
      );
    }

    // provisioning: new namespaces for the user's teams; changes only to namespaces their teams own
    if (
      isPermission(permission, provisioningNamespaceRequestPermission) ||
      isPermission(permission, provisioningProdRequestPermission)
    ) {
      return createProvisioningConditionalDecision(
        permission,
        provisioningConditions.isTeamMember({ claims }),
      );
    }
    if (isPermission(permission, provisioningNamespaceReadPermission)) {
      const environments = this.options.readableByAll?.environments ?? [];
      const owner = provisioningConditions.isNamespaceOwner({ claims });
      return createProvisioningConditionalDecision(
        permission,
        environments.length > 0
          ? {
              anyOf: [
                owner,
                provisioningConditions.isInEnvironment({ environments }),
              ],
            }
          : owner,
      );
    }
    if (
      isPermission(permission, provisioningVmRequestPermission) ||
      isPermission(permission, provisioningQuotaChangeRequestPermission) ||
      isPermission(permission, provisioningDecommissionRequestPermission) ||
      isPermission(permission, provisioningDecommissionPermission)
    ) {
      return createProvisioningConditionalDecision(
        permission,
        provisioningConditions.isNamespaceOwner({ claims }),
      );
    }

    return DENY;
  }

  /**
   * Every entity but a template, and a template only when the platform team owns it and it came from a trusted
   * location. The entities of live namespaces and VMs only for the teams that own them, or on the clusters of
   * environments readable by all: the catalog shows what the live-state API would answer, and nothing more.
   */
  private readableEntities(
    claims: string[],
  ): PermissionCriteria<PermissionCondition<'catalog-entity'>> {
    const notTemplate = {
      not: catalogConditions.isEntityKind({ kinds: ['Template'] }),
    };
    const [first, ...more] = this.options.templateLocations.map(value =>
      catalogConditions.hasAnnotation({
        annotation: ANNOTATION_ORIGIN_LOCATION,
        value,
      }),
    );
    const templates: PermissionCriteria<PermissionCondition<'catalog-entity'>> =
      first
        ? {
            anyOf: [
              notTemplate,
              {
                allOf: [
                  catalogConditions.isEntityOwner({
                    claims: [this.options.platformTeam],
                  }),
                  { anyOf: [first, ...more] },
                ],
              },
            ],
          }
        : notTemplate;
    const liveEntity: PermissionCriteria<
      PermissionCondition<'catalog-entity'>
    > = {
      anyOf: [
        catalogConditions.hasSpec({
          key: 'type',
          value: NAMESPACE_ENTITY_TYPE,
        }),
        catalogConditions.hasSpec({ key: 'type', value: VM_ENTITY_TYPE }),
      ],
    };
    const openClusters: PermissionCriteria<
      PermissionCondition<'catalog-entity'>
    >[] = (this.options.readableByAll?.clusters ?? []).map(value =>
      catalogConditions.hasAnnotation({
        annotation: CATALOG_KEYS.cluster,
        value,
      }),
    );
    const live: PermissionCriteria<PermissionCondition<'catalog-entity'>> = {
      anyOf: [
        { not: liveEntity },
        catalogConditions.isEntityOwner({ claims }),
        ...openClusters,
      ],
    };
    return { allOf: [templates, live] };
  }

  private userInfo(
    credentials: BackstageCredentials,
  ): Promise<BackstageUserInfo> {
    let info = this.infos.get(credentials);
    if (!info) {
      info = this.options.userInfo.getUserInfo(credentials);
      this.infos.set(credentials, info);
    }
    return info;
  }
}

/**
 * Installs the portal's policy in the permission backend, in place of allow-all. The platform team comes from the
 * provisioning configuration, read once for the whole backend.
 */
export const portalPermissionPolicyModule = createBackendModule({
  pluginId: 'permission',
  moduleId: 'portal-policy',
  register(env) {
    env.registerInit({
      deps: {
        policy: policyExtensionPoint,
        config: coreServices.rootConfig,
        userInfo: coreServices.userInfo,
        provisioning: provisioningServiceRef,
      },
      async init({ policy, config, userInfo, provisioning }) {
        policy.setPolicy(
          new PortalPermissionPolicy({
            platformTeam: provisioning.config.platformTeam,
            templateLocations: trustedTemplateLocations(config),
            userInfo,
            readableByAll: {
              environments: provisioning.config.liveState.readableByAll,
              clusters: provisioning.config.clusters
                .filter(c =>
                  provisioning.config.liveState.readableByAll.includes(
                    c.environment,
                  ),
                )
                .map(c => c.name),
            },
          }),
        );
      },
    });
  },
});
