import {
  BackstageCredentials,
  BackstageUserPrincipal,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { PolicyDecision } from '@backstage/plugin-permission-common';
import { createConditionAuthorizer } from '@backstage/plugin-permission-node';
import { provisioningNamespaceReadPermission } from '@kubeportal/plugin-provisioning-common';
import type { ProvisioningNamespaceRuleset } from './RequestAccess';
import { ProvisioningNamespaceResource } from './resource';

/**
 * Whether one user may read the live state of namespaces: one question to the permission framework per request
 * (`provisioning.namespace.read`), evaluated here against each namespace and the team that owns it, as the
 * catalog evaluates conditional decisions against its entities. Every endpoint that answers with cluster state
 * passes each namespace it would return through `may`.
 */
export class NamespaceReadAccess {
  private readonly authorizer: (
    decision: PolicyDecision,
    resource: ProvisioningNamespaceResource | undefined,
  ) => boolean;

  private constructor(
    private readonly decision: PolicyDecision,
    rules: ProvisioningNamespaceRuleset,
    private readonly environmentOf: (cluster: string) => string | undefined,
  ) {
    this.authorizer = createConditionAuthorizer(rules);
  }

  /** Asks the permission framework once, on behalf of the signed-in user. */
  static async of(
    credentials: BackstageCredentials<BackstageUserPrincipal>,
    options: {
      permissions: PermissionsService;
      rules: ProvisioningNamespaceRuleset;
      /** The configured environment of a cluster (rules may decide on it). */
      environmentOf(cluster: string): string | undefined;
    },
  ): Promise<NamespaceReadAccess> {
    const [decision] = await options.permissions.authorizeConditional(
      [{ permission: provisioningNamespaceReadPermission }],
      { credentials },
    );
    return new NamespaceReadAccess(
      decision,
      options.rules,
      options.environmentOf,
    );
  }

  /** Whether the user may read this namespace of this team. */
  may(namespace: { cluster: string; name: string; team: string }): boolean {
    return this.authorizer(this.decision, {
      team: namespace.team,
      namespace: {
        cluster: namespace.cluster,
        name: namespace.name,
        environment: this.environmentOf(namespace.cluster),
      },
    });
  }
}
