import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { NotAllowedError } from '@backstage/errors';
import {
  AuthorizeResult,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import {
  parseRequest,
  ProvisioningNamespacePermission,
  provisioningPermissions,
  ProvisioningRequest,
} from '@kubeportal/plugin-provisioning-common';
import {
  createProvisioningConditionalDecision,
  provisioningConditions,
} from './conditionExports';
import { provisioningRuleset, RequestAccess } from './RequestAccess';

const rules = provisioningRuleset();
const clusters = [
  { name: 'dev', environment: 'dev' as const },
  { name: 'prod', environment: 'prod' as const },
];
const claims = ['user:default/jdoe', 'group:default/payments'];

/** A policy as the portal's: requests for own teams, changes to own namespaces, and prod refused outright when asked. */
function access(decide: (name: string) => PolicyDecision) {
  const permissions = mockServices.permissions.mock({
    authorizeConditional: async queries =>
      queries.map(q => decide(q.permission.name)) as any,
  });
  return RequestAccess.of(mockCredentials.user('user:default/jdoe'), {
    permissions,
    rules,
    clusters,
  });
}
const permission = (name: string) =>
  provisioningPermissions.find(
    p => p.name === name,
  ) as ProvisioningNamespacePermission;
const teamPolicy = (name: string): PolicyDecision =>
  createProvisioningConditionalDecision(
    permission(name),
    name === 'provisioning.request.namespace.create' ||
      name === 'provisioning.request.prod'
      ? provisioningConditions.isTeamMember({ claims })
      : provisioningConditions.isNamespaceOwner({ claims }),
  );

const namespaceInput = (team: string, environment = 'dev') => ({
  kind: 'namespace',
  cluster: environment === 'prod' ? 'prod' : 'dev',
  name: 'x-dev',
  team,
  environment,
});
const decommission = parseRequest({
  kind: 'decommission',
  cluster: 'dev',
  requester: 'user:default/jdoe',
  purpose: 'gone',
  namespace: 'billing-dev',
}) as ProvisioningRequest;

describe('RequestAccess', () => {
  it('lets a new namespace be asked for an own team, before anything is read', async () => {
    const a = await access(teamPolicy);
    expect(() =>
      a.precheck(namespaceInput('group:default/payments')),
    ).not.toThrow();
    expect(() => a.precheck(namespaceInput('payments', 'prod'))).not.toThrow();
  });

  it('refuses a new namespace for another team, naming the permission and the team', async () => {
    const a = await access(teamPolicy);
    expect(() => a.precheck(namespaceInput('billing'))).toThrow(
      new NotAllowedError(
        "team: user:default/jdoe is not allowed provisioning.request.namespace.create for 'group:default/billing'",
      ),
    );
  });

  it('refuses prod outright when the policy denies it, whatever the team', async () => {
    const a = await access(name =>
      name === 'provisioning.request.prod'
        ? { result: AuthorizeResult.DENY }
        : teamPolicy(name),
    );
    expect(() =>
      a.precheck({
        kind: 'quota-change',
        cluster: 'prod',
        namespace: 'payments-prod',
      }),
    ).toThrow(/provisioning\.request\.prod for any team/);
    expect(() =>
      a.precheck({
        kind: 'quota-change',
        cluster: 'dev',
        namespace: 'payments-dev',
      }),
    ).not.toThrow();
  });

  it('decides a change over the namespace and the team that owns it in the repository', async () => {
    const a = await access(teamPolicy);
    expect(() =>
      a.check({
        request: decommission,
        team: { ref: 'group:default/billing' },
      }),
    ).toThrow(
      "namespace: user:default/jdoe is not allowed provisioning.request.decommission.create for namespace 'billing-dev' on cluster 'dev' of 'group:default/billing'",
    );
    expect(() =>
      a.check({
        request: decommission,
        team: { ref: 'group:default/payments' },
      }),
    ).not.toThrow();
  });

  it('leaves a namespace that does not exist to the plan, unless the kind is refused outright', async () => {
    const allowed = await access(teamPolicy);
    expect(() =>
      allowed.check({ request: decommission, team: { ref: '' } }),
    ).not.toThrow();
    const denied = await access(name =>
      name === 'provisioning.namespace.decommission'
        ? { result: AuthorizeResult.DENY }
        : teamPolicy(name),
    );
    expect(() =>
      denied.check({ request: decommission, team: { ref: '' } }),
    ).toThrow(/provisioning\.namespace\.decommission/);
  });

  it('allows everything the policy allows', async () => {
    const a = await access(() => ({ result: AuthorizeResult.ALLOW }));
    expect(() => a.precheck(namespaceInput('billing', 'prod'))).not.toThrow();
    expect(() =>
      a.check({
        request: decommission,
        team: { ref: 'group:default/billing' },
      }),
    ).not.toThrow();
  });
});
