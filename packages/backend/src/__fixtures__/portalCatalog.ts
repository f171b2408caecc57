import { Entity } from '@backstage/catalog-model';

/** Teams of the test portal: two product teams and the platform team, with what the planner reads from them. */
const team = (name: string, lead: string, costCentre: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: {
    name,
    annotations: {
      'provisioning.kubeportal.io/project-leads': lead,
      'provisioning.kubeportal.io/ad-groups': `sg-${name}`,
      'provisioning.kubeportal.io/cost-centre': costCentre,
    },
  },
  spec: { type: 'team', children: [] },
});

const user = (name: string, group: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'User',
  metadata: { name },
  spec: { memberOf: [group] },
});

const template = (
  name: string,
  owner: string,
  step: { action: string; input: Record<string, string> },
): Entity => ({
  apiVersion: 'scaffolder.backstage.io/v1beta3',
  kind: 'Template',
  metadata: { name, title: name },
  spec: {
    owner,
    type: 'provisioning',
    parameters: [],
    steps: [{ id: 'only', name: step.action, ...step }],
  },
});

/** Users of the test portal, each in one team. */
export const USERS = {
  payments: 'user:default/jdoe',
  billing: 'user:default/bob',
  platform: 'user:default/pat',
} as const;

/** Everything in the portal's own catalog location (trusted for templates). */
export const trustedCatalog: Entity[] = [
  team('payments', 'alice', 'CC-1234'),
  team('billing', 'bob-lead', 'CC-9'),
  team('platform', 'platform-lead', 'CC-0'),
  user('jdoe', 'payments'),
  user('bob', 'billing'),
  user('pat', 'platform'),
  // platform-owned templates: one with a provisioning action, one with a generic scaffolder action
  template('describe-namespace', 'group:default/platform', {
    action: 'provisioning:request:describe',
    input: { cluster: 'dev', kind: 'namespace', namespace: 'payments-dev' },
  }),
  template('log-hello', 'group:default/platform', {
    action: 'debug:log',
    input: { message: 'hello' },
  }),
  // a template in the trusted location that the platform team does not own
  template('payments-describe', 'group:default/payments', {
    action: 'provisioning:request:describe',
    input: { cluster: 'dev', kind: 'namespace', namespace: 'payments-dev' },
  }),
];

/** Where a team's own repository would be registered from: not a location trusted for templates. */
export const TEAM_REPOSITORY_LOCATION =
  'url:https://github.example/payments/app/blob/main/catalog-info.yaml';

/** A template from a team's repository that claims the platform team as its owner. */
export const spoofedTemplate: Entity = {
  ...template('spoofed-describe', 'group:default/platform', {
    action: 'provisioning:request:describe',
    input: { cluster: 'dev', kind: 'namespace', namespace: 'payments-dev' },
  }),
  metadata: {
    name: 'spoofed-describe',
    namespace: 'default',
    annotations: {
      'backstage.io/managed-by-location': TEAM_REPOSITORY_LOCATION,
      'backstage.io/managed-by-origin-location': TEAM_REPOSITORY_LOCATION,
    },
  },
};
