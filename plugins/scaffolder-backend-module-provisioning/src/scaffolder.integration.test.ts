import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  clusterConnection,
  describeWithKube,
  GitHubEmulator,
  KubeTestEnv,
  portalTestConfig,
  startKubeTestEnv,
  teamGroup,
  userInfoFromTeams,
} from '@kubeportal/test-environment';
import { execFileSync } from 'node:child_process';
import scaffolderPlugin from '@backstage/plugin-scaffolder-backend';
import {
  portalTemplates,
  runTemplateTask,
} from './__testUtils__/scaffolderTasks';
import { scaffolderModuleProvisioning } from './module';

jest.setTimeout(180_000);

const templates = portalTemplates();

const entities: Entity[] = [
  ...templates,
  teamGroup('payments', 'alice', {
    costCentre: 'CC-1234',
    adGroups: ['sg-payments-dev'],
  }),
  teamGroup('platform', 'platform-lead', { costCentre: 'CC-0', adGroups: [] }),
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'User',
    metadata: {
      name: 'jdoe',
      namespace: 'default',
      annotations: { 'github.com/user-login': 'jdoe' },
    },
    spec: { memberOf: ['payments'] },
  },
];

const seed = {
  'clusters/dev/kustomization.yaml':
    'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: []\n',
};

describeWithKube(
  'namespace template through the real scaffolder backend',
  () => {
    let github: GitHubEmulator;
    let env: KubeTestEnv;
    let server: any;

    beforeAll(async () => {
      github = new GitHubEmulator({ tokens: { 'portal-token': 'portal-bot' } });
      await github.start();
      await github.createRepo('acme/gitops', {
        files: seed,
        collaborators: ['alice', 'platform-lead'],
      });
      env = await startKubeTestEnv({
        clusters: ['dev'],
        controllerManager: false,
      });
      const dev = env.clusters.dev;
      const backend = await startTestBackend({
        features: [
          scaffolderPlugin,
          scaffolderModuleProvisioning,
          catalogServiceMock.factory({ entities }),
          // who the initiator is and which teams they belong to: from the server, as sign-in resolved them
          userInfoFromTeams(user => (user === 'jdoe' ? ['payments'] : [])),
          mockServices.rootConfig.factory({
            data: portalTestConfig({
              github,
              baseUrl: 'http://portal.test',
              clusters: [
                {
                  name: 'dev',
                  environment: 'dev',
                  ingressNamespace: 'ingress-nginx',
                  ...clusterConnection(dev),
                },
              ],
            }),
          }),
        ],
      });
      server = backend.server;
    });
    afterAll(async () => {
      await github?.stop();
      await env?.stop();
    });

    const runTask = (
      values: Record<string, unknown>,
      user = 'user:default/jdoe',
    ) => runTemplateTask(server, 'provisioning-namespace', values, user);

    const values = {
      cluster: 'dev',
      name: 'payments-dev',
      team: 'group:default/payments',
      purpose: 'Payment service development',
      quota: { tier: 'S' },
      networkPreset: 'ingress',
      allowEgressTo: [],
      access: [{ group: 'sg-payments-dev', role: 'edit' }],
    };

    it('goes from the form to a reviewed pull request, and a re-run updates it', async () => {
      github.resetCalls();
      const { task, log } = await runTask(values);
      expect({ status: task.status, log }).toMatchObject({
        status: 'completed',
      });
      const pulls = github.pulls('acme/gitops');
      expect(pulls).toHaveLength(1);
      expect(pulls[0]).toMatchObject({
        title: 'Namespace payments-dev on dev for payments',
        head: 'provisioning/create/dev.ns.payments-dev',
        requestedReviewers: ['alice'],
        labels: [
          'provisioning',
          'kind:namespace',
          'cluster:dev',
          'team:payments',
        ],
      });
      const files = execFileSync(
        'git',
        [
          '-C',
          github.gitDir('acme/gitops'),
          'ls-tree',
          '-r',
          '--name-only',
          'provisioning/create/dev.ns.payments-dev',
        ],
        { encoding: 'utf8' },
      )
        .trim()
        .split('\n');
      expect(files).toEqual([
        '.kubeportal/spend/payments/dev/payments-dev.yaml',
        'CODEOWNERS',
        'clusters/dev/kustomization.yaml',
        'clusters/dev/namespaces/payments-dev/kustomization.yaml',
        'clusters/dev/namespaces/payments-dev/networkpolicies.yaml',
        'clusters/dev/namespaces/payments-dev/resourcequota.yaml',
        'clusters/dev/namespaces/payments-dev/rolebindings.yaml',
        'clusters/dev/platform/kustomization.yaml',
        'clusters/dev/platform/namespaces/payments-dev.yaml',
        'clusters/dev/teams/payments/kustomization.yaml',
        'clusters/dev/teams/payments/limitrange.yaml',
        'clusters/dev/teams/payments/networkpolicies.yaml',
        'clusters/dev/teams/payments/rolebindings.yaml',
      ]);
      const writes = Object.fromEntries(
        Object.entries(github.calls()).filter(([k]) => !k.startsWith('GET')),
      );
      expect(writes).toEqual({
        'POST /repos/{owner}/{repo}/git/trees': 1,
        'POST /repos/{owner}/{repo}/git/commits': 1,
        'POST /repos/{owner}/{repo}/git/refs': 1,
        'POST /repos/{owner}/{repo}/pulls': 1,
        'POST /repos/{owner}/{repo}/pulls/{pull_number}/requested_reviewers': 1,
        'POST /repos/{owner}/{repo}/issues/{issue_number}/labels': 1,
      });

      const changed = {
        ...values,
        purpose: 'Payment service development, now with load tests',
      };
      // without the preview's explicit choice, the open pull request stops the task and is left as it is
      const refused = await runTask(changed);
      expect(refused.task.status).toBe('failed');
      expect(refused.log).toContain(
        'name: you already asked for this in pull request #1',
      );
      expect(github.pulls('acme/gitops')[0].body).not.toContain('load tests');

      const again = await runTask({
        ...changed,
        preview: { ready: true, updateOpenRequest: true },
      });
      expect(again.task.status).toBe('completed');
      expect(github.pulls('acme/gitops')[0].comments).toHaveLength(1);
      expect(github.pulls('acme/gitops')).toHaveLength(1);
      expect(github.pulls('acme/gitops')[0].body).toContain(
        'now with load tests',
      );
    });

    it('refuses a user who is not in the team, and writes nothing', async () => {
      github.resetCalls();
      const { task, log } = await runTask(
        { ...values, name: 'not-theirs' },
        'user:default/mallory',
      );
      expect(task.status).toBe('failed');
      expect(log).toContain(
        "team: user:default/mallory is not a member of 'group:default/payments' and cannot request for it",
      );
      expect(
        Object.keys(github.calls()).filter(k => !k.startsWith('GET')),
      ).toEqual([]);
    });

    it('fails with the message a user would see, and writes nothing, on a policy violation', async () => {
      github.resetCalls();
      const { task, log } = await runTask({
        ...values,
        name: 'payments-prod',
        expires: '2020-01-01',
      });
      expect(task.status).toBe('failed');
      expect(log).toMatch(
        /^The request breaks 1 rule: expires: must be after today \(\d{4}-\d{2}-\d{2}\) \[max-expiry\]$/m,
      );
      // the message, not a stack trace
      expect(log).not.toMatch(/^\s+at /m);
      expect(
        Object.keys(github.calls()).filter(k => !k.startsWith('GET')),
      ).toEqual([]);
    });
  },
);
