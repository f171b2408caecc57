import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import scaffolderPlugin from '@backstage/plugin-scaffolder-backend';
import {
  applyChanges,
  parsePlatformSettings,
  parseRequest,
  renderRequest,
  RepoSnapshot,
} from '@kubeportal/plugin-provisioning-common';
import {
  clusterConnection,
  describeWithKube,
  GitHubEmulator,
  KubeTestEnv,
  startKubeTestEnv,
  portalTestConfig,
  teamGroup,
  userInfoFromTeams,
} from '@kubeportal/test-environment';
import {
  portalTemplates,
  runTemplateTask,
} from './__testUtils__/scaffolderTasks';
import { scaffolderModuleProvisioning } from './module';

jest.setTimeout(240_000);

/**
 * The templates a user runs, through the real scaffolder backend, against the emulator and a real API server:
 * every template works for its own team, and each way a hostile user could reach another team's resources or the
 * portal's GitHub token is refused with nothing written (no branch, no pull request, no file, no changed review).
 */
const memberships: Record<string, string[]> = {
  jdoe: ['payments'],
  alice: ['payments'],
  mallory: ['billing'],
};

/** A template that tries to use the portal's GitHub token for a generic GitHub action. */
const hostileTemplate: Entity = {
  apiVersion: 'scaffolder.backstage.io/v1beta3',
  kind: 'Template',
  metadata: { name: 'push-anything', namespace: 'default' },
  spec: {
    owner: 'group:default/billing',
    type: 'service',
    parameters: [],
    steps: [
      {
        id: 'push',
        name: 'Push',
        action: 'github:repo:push',
        input: { repoUrl: 'github.example?owner=acme&repo=gitops' },
      },
      {
        id: 'pr',
        name: 'PR',
        action: 'publish:github:pull-request',
        input: {
          repoUrl: 'github.example?owner=acme&repo=gitops',
          branchName: 'evil',
          title: 'x',
          description: 'x',
        },
      },
    ],
  },
};

describeWithKube(
  'templates and hostile users through the real scaffolder backend',
  () => {
    let github: GitHubEmulator;
    let env: KubeTestEnv;
    let server: any;
    const FULL = 'acme/gitops';

    beforeAll(async () => {
      github = new GitHubEmulator({ tokens: { 'portal-token': 'portal-bot' } });
      await github.start();
      // the GitOps repository as the portal left it: a payments namespace and a billing namespace on dev
      const settings = parsePlatformSettings({
        clusters: [
          {
            name: 'dev',
            environment: 'dev',
            storageClasses: ['fast'],
            ingressNamespace: 'ingress-nginx',
          },
        ],
      });
      let repo: RepoSnapshot = new Map([
        [
          'clusters/dev/kustomization.yaml',
          'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: []\n',
        ],
      ]);
      for (const [team, name, lead] of [
        ['payments', 'payments-dev', 'alice'],
        ['payments', 'payments-old', 'alice'],
        ['billing', 'billing-dev', 'bob'],
      ]) {
        const input = {
          kind: 'namespace',
          cluster: 'dev',
          name,
          team,
          requester: 'user:default/seed',
          environment: 'dev',
          costCentre: 'CC-1',
          purpose: 'seed',
          quota: { tier: 'M' },
        };
        repo = applyChanges(
          repo,
          renderRequest(parseRequest(input), {
            settings,
            repo,
            codeowners: [lead],
          }).changes,
        );
      }
      await github.createRepo(FULL, {
        files: Object.fromEntries(repo),
        collaborators: ['alice', 'bob', 'platform-lead'],
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
          catalogServiceMock.factory({
            entities: [
              ...portalTemplates(),
              hostileTemplate,
              teamGroup('payments', 'alice', { costCentre: 'CC-1234' }),
              teamGroup('billing', 'bob', { costCentre: 'CC-9' }),
              teamGroup('platform', 'platform-lead', { costCentre: 'CC-0' }),
              // alice leads payments and asks herself: she must not be her own reviewer
              {
                apiVersion: 'backstage.io/v1alpha1',
                kind: 'User',
                metadata: {
                  name: 'alice',
                  namespace: 'default',
                  annotations: { 'github.com/user-login': 'alice' },
                },
                spec: { memberOf: ['payments'] },
              },
            ],
          }),
          userInfoFromTeams(user => memberships[user] ?? []),
          mockServices.rootConfig.factory({
            data: portalTestConfig({
              github,
              baseUrl: 'http://portal.test',
              clusters: [
                {
                  name: 'dev',
                  environment: 'dev',
                  storageClasses: ['fast'],
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
      template: string,
      values: Record<string, unknown>,
      user: string,
    ) => runTemplateTask(server, template, values, `user:default/${user}`);

    const writes = () =>
      Object.keys(github.calls()).filter(k => !k.startsWith('GET'));
    const pullFor = (branch: string) =>
      github.pulls(FULL).find(p => p.head === branch);

    const vm = {
      cluster: 'dev',
      namespace: 'payments-dev',
      name: 'legacy-db',
      purpose: 'Legacy database moved from OpenVZ',
      size: { cpu: 1, memory: '1Gi' },
      runStrategy: 'Always',
      imageSource: 'pvc',
      imageNamespace: 'payments-dev',
      imageName: 'rhel9',
      rootDiskSize: '20Gi',
      storageClass: 'fast',
      dataDisks: [],
      sshPublicKeys: [],
      exposure: 'none',
      ports: [],
    };

    it('every template works for its own team: virtual machine, quota change, decommission', async () => {
      const vmRun = await runTask('provisioning-virtual-machine', vm, 'jdoe');

      expect({ status: vmRun.task.status, log: vmRun.log }).toMatchObject({
        status: 'completed',
      });
      expect(
        pullFor('provisioning/create/dev.vm.payments-dev.legacy-db'),
      ).toMatchObject({ requestedReviewers: ['alice'] });

      // the namespace folder now has an open pull request: another change of it waits for that one
      const blocked = await runTask(
        'provisioning-quota-change',
        {
          cluster: 'dev',
          namespace: 'payments-dev',
          quota: { tier: 'L' },
          purpose: 'Load tests',
        },
        'jdoe',
      );
      expect(blocked.log).toMatch(
        /namespace 'payments-dev' is already requested in pull request #\d+ .*: wait for it to be merged or closed/,
      );

      const quota = await runTask(
        'provisioning-quota-change',
        {
          cluster: 'dev',
          namespace: 'billing-dev',
          quota: { tier: 'L' },
          purpose: 'Load tests',
        },
        'mallory',
      );
      expect({ status: quota.task.status, log: quota.log }).toMatchObject({
        status: 'completed',
      });
      expect(
        pullFor('provisioning/change-quota/dev.ns.billing-dev'),
      ).toMatchObject({ requestedReviewers: ['bob'] });

      const decommission = await runTask(
        'provisioning-decommission',
        { cluster: 'dev', namespace: 'payments-old', purpose: 'Project ended' },
        'jdoe',
      );
      expect({
        status: decommission.task.status,
        log: decommission.log,
      }).toMatchObject({ status: 'completed' });
      expect(
        pullFor('provisioning/decommission/dev.ns.payments-old'),
      ).toMatchObject({
        title: 'Decommission namespace payments-old on dev',
        state: 'open',
        requestedReviewers: ['alice'],
        labels: [
          'provisioning',
          'kind:decommission',
          'cluster:dev',
          'team:payments',
        ],
      });
    });

    describe('a hostile user', () => {
      beforeEach(() => github.resetCalls());

      it("cannot put a VM into, change the quota of, or decommission another team's namespace", async () => {
        for (const [template, values, what] of [
          [
            'provisioning-virtual-machine',
            { ...vm, namespace: 'payments-dev', name: 'intruder' },
            'vm',
          ],
          [
            'provisioning-quota-change',
            {
              cluster: 'dev',
              namespace: 'payments-dev',
              quota: { tier: 'XL' },
              purpose: 'mine now',
            },
            'quota',
          ],
          [
            'provisioning-decommission',
            { cluster: 'dev', namespace: 'payments-dev', purpose: 'gone' },
            'decommission',
          ],
        ] as const) {
          const { task, log } = await runTask(template, values, 'mallory');
          expect({ what, status: task.status }).toEqual({
            what,
            status: 'failed',
          });
          expect(log).toContain(
            "namespace: 'payments-dev' on cluster 'dev' belongs to 'group:default/payments', and user:default/mallory is not a member",
          );
        }
        expect(writes()).toEqual([]);
      });

      it('cannot request a namespace for a team they are not in, nor name another requester or cost centre', async () => {
        const base = {
          cluster: 'dev',
          name: 'payments-evil',
          team: 'group:default/payments',
          purpose: 'x',
          quota: { tier: 'S' },
          networkPreset: 'isolated',
          allowEgressTo: [],
          access: [],
        };
        const { task, log } = await runTask(
          'provisioning-namespace',
          base,
          'mallory',
        );
        expect(task.status).toBe('failed');
        expect(log).toContain(
          "team: user:default/mallory is not a member of 'group:default/payments'",
        );
        expect(writes()).toEqual([]);
      });

      it("cannot take over another user's pull request for the same request, nor dismiss its approval", async () => {
        // jdoe's own pull request, made by this test, approved by the project lead
        const contested = { ...vm, name: 'contested-db' };
        const opened = await runTask(
          'provisioning-virtual-machine',
          contested,
          'jdoe',
        );
        expect({ status: opened.task.status, log: opened.log }).toMatchObject({
          status: 'completed',
        });
        const pull = pullFor(
          'provisioning/create/dev.vm.payments-dev.contested-db',
        )!;
        await github.approve(FULL, pull.number, 'alice');
        github.resetCalls();
        // mallory joins payments: still not the requester of that branch
        memberships.mallory = ['billing', 'payments'];
        try {
          const { task, log } = await runTask(
            'provisioning-virtual-machine',
            {
              ...contested,
              size: { cpu: 1, memory: '2Gi' },
              // even with the preview's choice to update it: the branch is not hers
              preview: { ready: true, updateOpenRequest: true },
            },
            'mallory',
          );
          expect(task.status).toBe('failed');
          expect(log).toMatch(
            /this request is already open in pull request #\d+ .* by user:default\/jdoe; only its requester can change it/,
          );
        } finally {
          memberships.mallory = ['billing'];
        }
        expect(writes()).toEqual([]);
        expect(
          pullFor(
            'provisioning/create/dev.vm.payments-dev.contested-db',
          )!.reviews.map(r => r.state),
        ).toEqual(['APPROVED']);
      });

      it("cannot clone another team's disk into a VM of their own", async () => {
        const { task, log } = await runTask(
          'provisioning-virtual-machine',
          {
            ...vm,
            namespace: 'billing-dev',
            name: 'thief',
            imageNamespace: 'payments-dev',
          },
          'mallory',
        );
        expect(task.status).toBe('failed');
        expect(log).toContain(
          "The request breaks 1 rule: rootDisk.source.namespace: cloning from namespace 'payments-dev' is not allowed: a VM clones from its own namespace ('billing-dev') or an image namespace (golden-images) [vm-image-source]",
        );
        expect(writes()).toEqual([]);
      });

      it('cannot approve their own request: a project lead who asks is not among the reviewers, and a lone lead is refused', async () => {
        const { task, log } = await runTask(
          'provisioning-virtual-machine',
          { ...vm, name: 'leads-own' },
          'alice',
        );
        expect(task.status).toBe('failed');
        expect(log).toContain(
          "the requester is the only project lead of team 'payments', and nobody approves their own request",
        );
        expect(writes()).toEqual([]);
      });

      it("cannot use the portal's GitHub token through generic GitHub actions: they are not installed", async () => {
        const { task, log } = await runTask('push-anything', {}, 'mallory');
        expect(task.status).toBe('failed');
        expect(log).toContain(
          "NotFoundError: Template action with ID 'github:repo:push' is not registered.",
        );
        expect(writes()).toEqual([]);
      });
    });
  },
);
