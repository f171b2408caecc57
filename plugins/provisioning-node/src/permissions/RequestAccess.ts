import {
  BackstageCredentials,
  BackstageUserPrincipal,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import {
  AuthorizeResult,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import {
  createConditionAuthorizer,
  PermissionRuleset,
} from '@backstage/plugin-permission-node';
import {
  Environment,
  permissionsForRequest,
  ProvisioningNamespacePermission,
  ProvisioningRequest,
  ProvisioningRequestKind,
  toEntityRef,
  provisioningRequestPermissions,
  provisioningDecommissionPermission,
  provisioningProdRequestPermission,
} from '@kubeportal/plugin-provisioning-common';
import {
  ProvisioningNamespaceQuery,
  ProvisioningNamespaceResource,
} from './resource';
import { provisioningPermissionRules } from './rules';

/**
 * The portal's own rules as a ruleset, for plugins other than the provisioning backend (whose permissions
 * registry holds them, with any a module adds): the scaffolder module asks with these.
 */
export function provisioningRuleset(): ProvisioningNamespaceRuleset {
  const rules = Object.values(provisioningPermissionRules) as Array<
    ReturnType<ProvisioningNamespaceRuleset['getRuleByName']>
  >;
  return {
    getRuleByName(name) {
      const rule = rules.find(r => r.name === name);
      if (!rule)
        throw new Error(`unknown provisioning permission rule '${name}'`);
      return rule;
    },
  };
}

/** The rules of the portal's resource type, as the permissions registry holds them (modules may add some). */
export type ProvisioningNamespaceRuleset = PermissionRuleset<
  ProvisioningNamespaceResource,
  ProvisioningNamespaceQuery,
  'provisioning-namespace'
>;

/** What a request needs to be authorized: the parts of a plan the permissions are decided over. */
export interface PlannedRequest {
  request: ProvisioningRequest;
  /** The owning team from the catalog and the GitOps repository; `ref` is empty when the namespace does not exist. */
  team: { ref: string };
}

const KINDS = Object.keys(
  provisioningRequestPermissions,
) as ProvisioningRequestKind[];
const ALL = [
  ...Object.values(provisioningRequestPermissions),
  provisioningProdRequestPermission,
  provisioningDecommissionPermission,
];

/** What a refusal names: the namespace with its team, the team, or any team for an outright refusal. */
function describe(resource: ProvisioningNamespaceResource | undefined): string {
  if (!resource) return 'any team';
  if (!resource.namespace) return `'${resource.team}'`;
  return `namespace '${resource.namespace.name}' on cluster '${resource.namespace.cluster}' of '${resource.team}'`;
}

/**
 * One user's access to provisioning requests, from one batched question to the permission framework: the
 * policy's decision for every request permission, evaluated here against the team or namespace a request
 * touches (as the catalog evaluates conditional decisions against its entities).
 *
 * Checked twice per request: `precheck` on the raw input before anything is read (a kind or prod refused
 * outright, and a new namespace for a team the user may not act for), then `check` on the plan, whose team of an
 * existing namespace comes from the GitOps repository.
 */
export class RequestAccess {
  private readonly authorizer: (
    decision: PolicyDecision,
    resource: ProvisioningNamespaceResource | undefined,
  ) => boolean;

  private constructor(
    private readonly user: string,
    private readonly decisions: Map<string, PolicyDecision>,
    rules: ProvisioningNamespaceRuleset,
    private readonly environmentOf: (
      cluster: string,
    ) => Environment | undefined,
  ) {
    this.authorizer = createConditionAuthorizer(rules);
  }

  /** Asks the permission framework, on behalf of the signed-in user, for every request permission at once. */
  static async of(
    credentials: BackstageCredentials<BackstageUserPrincipal>,
    options: {
      permissions: PermissionsService;
      rules: ProvisioningNamespaceRuleset;
      clusters: Array<{ name: string; environment: Environment }>;
    },
  ): Promise<RequestAccess> {
    const answers = await options.permissions.authorizeConditional(
      ALL.map(permission => ({ permission })),
      { credentials },
    );
    const decisions = new Map(
      ALL.map((permission, i) => [permission.name, answers[i]]),
    );
    const environments = new Map(
      options.clusters.map(c => [c.name, c.environment]),
    );
    return new RequestAccess(
      credentials.principal.userEntityRef,
      decisions,
      options.rules,
      cluster => environments.get(cluster),
    );
  }

  /**
   * Refuses, before the request is planned, what its input alone settles: a kind or prod refused whatever the
   * team, and a new namespace for a team the user may not request for. An input of no known kind passes (the
   * planner names what is wrong with it).
   */
  precheck(input: unknown): void {
    if (typeof input !== 'object' || input === null) return;
    const given = input as Record<string, unknown>;
    const kind = KINDS.find(k => k === given.kind);
    if (!kind) return;
    const prod =
      given.environment === 'prod' ||
      (typeof given.cluster === 'string' &&
        this.environmentOf(given.cluster) === 'prod');
    const needed = permissionsForRequest(kind, { prod });
    if (kind === 'namespace' && typeof given.team === 'string') {
      this.assert(needed, { team: toEntityRef('group', given.team) }, 'team');
    } else {
      this.assert(
        needed,
        undefined,
        kind === 'namespace' ? 'team' : 'namespace',
      );
    }
  }

  /** Refuses a planned request unless every permission it needs is granted over what it touches. */
  check(plan: PlannedRequest): void {
    const { request } = plan;
    const prod =
      (request.kind === 'namespace' && request.environment === 'prod') ||
      this.environmentOf(request.cluster) === 'prod';
    const needed = permissionsForRequest(request.kind, { prod });
    if (request.kind === 'namespace') {
      this.assert(
        needed,
        { team: plan.team.ref || toEntityRef('group', request.team) },
        'team',
      );
    } else if (plan.team.ref) {
      this.assert(
        needed,
        {
          team: plan.team.ref,
          namespace: { cluster: request.cluster, name: request.namespace },
        },
        'namespace',
      );
    } else {
      // the namespace does not exist: nothing owned is touched, and the plan names the missing namespace
      this.assert(needed, undefined, 'namespace');
    }
  }

  /** Without a resource only outright refusals count; with one, conditional decisions are applied to it. */
  private assert(
    needed: ProvisioningNamespacePermission[],
    resource: ProvisioningNamespaceResource | undefined,
    field: string,
  ): void {
    for (const permission of needed) {
      const decision = this.decisions.get(permission.name) ?? {
        result: AuthorizeResult.DENY,
      };
      const allowed = resource
        ? this.authorizer(decision, resource)
        : decision.result !== AuthorizeResult.DENY;
      if (!allowed) {
        throw new NotAllowedError(
          `${field}: ${this.user} is not allowed ${
            permission.name
          } for ${describe(resource)}`,
        );
      }
    }
  }
}
