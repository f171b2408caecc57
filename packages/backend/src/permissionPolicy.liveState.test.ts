import { mockCredentials } from '@backstage/backend-test-utils';
import { permissionRules as catalogRules } from '@backstage/plugin-catalog-backend/alpha';
import { catalogEntityReadPermission } from '@backstage/plugin-catalog-common/alpha';
import { PolicyDecision } from '@backstage/plugin-permission-common';
import { createConditionAuthorizer } from '@backstage/plugin-permission-node';
import { provisioningPermissionRules } from '@kubeportal/plugin-provisioning-backend';
import {
  CATALOG_KEYS,
  NAMESPACE_ENTITY_TYPE,
  provisioningNamespaceReadPermission,
  VM_ENTITY_TYPE,
} from '@kubeportal/plugin-provisioning-common';
import { PortalPermissionPolicy } from './permissionPolicy';

/*
 * Who reads the live state of a namespace and the catalog entities of namespaces and VMs, decided by the policy
 * and applied with the same rules the provisioning backend and the catalog apply: the team that owns it, the
 * platform team, and everybody on the clusters of environments configured as readable by all.
 */

const PLATFORM = 'group:default/platform';
const teams: Record<string, string[]> = {
  'user:default/pat': ['user:default/pat', 'group:default/payments'],
  'user:default/bill': ['user:default/bill', 'group:default/billing'],
  'user:default/ops': ['user:default/ops', PLATFORM],
};

function policy(readableByAll?: {
  environments: string[];
  clusters: string[];
}) {
  return new PortalPermissionPolicy({
    platformTeam: PLATFORM,
    templateLocations: [],
    userInfo: {
      getUserInfo: async (credentials: any) => ({
        userEntityRef: credentials.principal.userEntityRef,
        ownershipEntityRefs: teams[credentials.principal.userEntityRef],
      }),
    },
    readableByAll,
  });
}

const decide = (p: PortalPermissionPolicy, user: string, permission: any) =>
  p.handle(
    { permission },
    { credentials: mockCredentials.user(user), info: undefined as any },
  );

const namespaceAuthorizer = createConditionAuthorizer(
  Object.values(provisioningPermissionRules),
);
const catalogAuthorizer = createConditionAuthorizer(
  Object.values(catalogRules) as any,
);

/** A namespace as the live-state endpoints put it to the rules: its team, and its cluster's environment. */
const namespace = (team: string, cluster: string, environment: string) => ({
  team: `group:default/${team}`,
  namespace: { cluster, name: `${team}-${cluster}`, environment },
});

/** A namespace or VM entity as the catalog module publishes it. */
const liveEntity = (type: string, team: string, cluster: string) => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Resource',
  metadata: {
    name: `${cluster}.${team}-${cluster}`,
    annotations: { [CATALOG_KEYS.cluster]: cluster },
  },
  spec: { type, owner: `group:default/${team}` },
  relations: [{ type: 'ownedBy', targetRef: `group:default/${team}` }],
});

async function mayRead(
  p: PortalPermissionPolicy,
  user: string,
  resource: ReturnType<typeof namespace>,
) {
  const decision = await decide(p, user, provisioningNamespaceReadPermission);
  return namespaceAuthorizer(decision as PolicyDecision, resource);
}

async function maySee(p: PortalPermissionPolicy, user: string, entity: any) {
  const decision = await decide(p, user, catalogEntityReadPermission);
  return catalogAuthorizer(decision as PolicyDecision, entity);
}

describe('live state: who reads which namespace', () => {
  const ownersOnly = policy();
  const devOpen = policy({ environments: ['dev'], clusters: ['dev-a'] });

  it('lets a team read its own namespaces and no other team read them, by default', async () => {
    expect(
      await mayRead(
        ownersOnly,
        'user:default/pat',
        namespace('payments', 'prod-a', 'prod'),
      ),
    ).toBe(true);
    expect(
      await mayRead(
        ownersOnly,
        'user:default/bill',
        namespace('payments', 'dev-a', 'dev'),
      ),
    ).toBe(false);
    expect(
      await mayRead(
        ownersOnly,
        'user:default/ops',
        namespace('payments', 'prod-a', 'prod'),
      ),
    ).toBe(true);
  });

  it('lets everybody read the namespaces of the environments readable by all, and only those', async () => {
    expect(
      await mayRead(
        devOpen,
        'user:default/bill',
        namespace('payments', 'dev-a', 'dev'),
      ),
    ).toBe(true);
    expect(
      await mayRead(
        devOpen,
        'user:default/bill',
        namespace('payments', 'prod-a', 'prod'),
      ),
    ).toBe(false);
    // a namespace whose cluster's environment is not known is not opened by the rule
    expect(
      await mayRead(devOpen, 'user:default/bill', {
        team: 'group:default/payments',
        namespace: { cluster: 'elsewhere', name: 'payments-x' },
      } as any),
    ).toBe(false);
    // a team without a namespace is nothing to read
    expect(
      await mayRead(devOpen, 'user:default/bill', {
        team: 'group:default/payments',
      } as any),
    ).toBe(false);
  });

  it('shows the catalog entities of namespaces and VMs exactly to those who may read their state', async () => {
    for (const type of [NAMESPACE_ENTITY_TYPE, VM_ENTITY_TYPE]) {
      const paymentsDev = liveEntity(type, 'payments', 'dev-a');
      const paymentsProd = liveEntity(type, 'payments', 'prod-a');
      expect(await maySee(ownersOnly, 'user:default/pat', paymentsProd)).toBe(
        true,
      );
      expect(await maySee(ownersOnly, 'user:default/bill', paymentsDev)).toBe(
        false,
      );
      expect(await maySee(ownersOnly, 'user:default/ops', paymentsProd)).toBe(
        true,
      );
      expect(await maySee(devOpen, 'user:default/bill', paymentsDev)).toBe(
        true,
      );
      expect(await maySee(devOpen, 'user:default/bill', paymentsProd)).toBe(
        false,
      );
    }
  });

  it('leaves every other entity readable by every signed-in user', async () => {
    const group = {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Group',
      metadata: { name: 'payments' },
      spec: { type: 'team', children: [] },
      relations: [],
    };
    const cluster = {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Resource',
      metadata: { name: 'prod-a' },
      spec: { type: 'kubernetes-cluster', owner: PLATFORM },
      relations: [{ type: 'ownedBy', targetRef: PLATFORM }],
    };
    expect(await maySee(ownersOnly, 'user:default/bill', group)).toBe(true);
    expect(await maySee(ownersOnly, 'user:default/bill', cluster)).toBe(true);
  });
});
