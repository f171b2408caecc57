import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import {
  createGitHubClient,
  createProvisioningService,
  GitOpsPullRequestWriter,
  provisioningRuleset,
  RequestAccess,
  RequestPlanner,
  TeamFacts,
} from '@kubeportal/plugin-provisioning-node';
import {
  clusterConnection,
  describeWithKube,
  GitHubEmulator,
  KubeTestEnv,
  startKubeTestEnv,
} from '@kubeportal/test-environment';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import yaml from 'yaml';
import { Initiator } from '../identity';
import { exampleNamespaceRequest, exampleVmRequest } from './exampleRequests';
import { createOpenPullRequestAction } from './openPullRequest';
import { pullRequestExamples } from './openPullRequest.examples';
import { createRenderRequestAction } from './renderRequest';
import { renderExamples } from './renderRequest.examples';
import { createValidateRequestAction } from './validateRequest';
import { validateExamples } from './validateRequest.examples';

jest.setTimeout(120_000);

const FULL = 'acme/gitops';
const seed = {
  'clusters/dev/kustomization.yaml':
    'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: []\n',
  'clusters/prod/kustomization.yaml':
    'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: []\n',
};
const teams: Record<string, TeamFacts> = {
  'group:default/payments': {
    ref: 'group:default/payments',
    projectLeads: ['alice'],
    adGroups: ['sg-payments-dev'],
    costCentre: 'CC-1234',
  },
  'group:default/billing': {
    ref: 'group:default/billing',
    projectLeads: [],
    adGroups: [],
    costCentre: 'CC-9',
  },
  'group:default/platform': {
    ref: 'group:default/platform',
    projectLeads: ['platform-lead'],
    adGroups: [],
    costCentre: 'CC-0',
  },
};
/** Who runs the task: from the server, as the scaffolder's initiator credentials would say. */
const as =
  (user: string, groups: string[]): Initiator =>
  async () => ({
    requester: {
      userEntityRef: `user:default/${user}`,
      ownershipEntityRefs: [
        `user:default/${user}`,
        ...groups.map(g => `group:default/${g}`),
      ],
    },
    teams: {
      getTeam: async ref => teams[ref],
      getGitHubLogin: async ref => ref.split('/')[1],
    },
    // the permission policy's own tests are in packages/backend; here every request kind is allowed
    access: await RequestAccess.of(
      mockCredentials.user(`user:default/${user}`),
      {
        permissions: mockServices.permissions(),
        rules: provisioningRuleset(),
        clusters: [
          { name: 'dev', environment: 'dev' },
          { name: 'prod', environment: 'prod' },
        ],
      },
    ),
  });
const jdoe = as('jdoe', ['payments', 'billing']);

describeWithKube(
  'provisioning actions (GitHub emulator, real API server)',
  () => {
    let github: GitHubEmulator;
    let env: KubeTestEnv;
    let planner: RequestPlanner;
    let workspace: string;

    beforeAll(async () => {
      env = await startKubeTestEnv({
        clusters: ['dev'],
        controllerManager: false,
      });
    });
    afterAll(async () => {
      await env?.stop();
    });
    // every test gets its own emulator, repository, planner and workspace: no pull requests, branches or call
    // counts carry over from an earlier test
    beforeEach(async () => {
      github = new GitHubEmulator({ tokens: { 'portal-token': 'portal-bot' } });
      await github.start();
      await github.createRepo(FULL, {
        files: seed,
        collaborators: ['alice', 'platform-lead'],
      });
      const dev = env.clusters.dev;
      const config = new ConfigReader({
        provisioning: {
          gitops: {
            host: 'github.example',
            owner: 'acme',
            repo: 'gitops',
            branch: 'main',
          },
          clusters: [
            {
              name: 'dev',
              environment: 'dev',
              storageClasses: ['fast'],
              ingressNamespace: 'ingress-nginx',
              ...clusterConnection(dev),
            },
            {
              name: 'prod',
              environment: 'prod',
              url: 'https://127.0.0.1:1',
              auth: { type: 'serviceAccountToken', token: 'x' },
            },
          ],
        },
      });
      const octokit = createGitHubClient({
        baseUrl: github.url,
        token: 'portal-token',
        retryBaseMs: 1,
        writeIntervalMs: 0,
      });
      planner = createProvisioningService(config, {
        logger: mockServices.logger.mock(),
        octokit,
        clusterTimeoutMs: 2000,
      }).gitops!.planner;
      workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'workspace-'));
    });
    afterEach(async () => {
      await github?.stop();
      if (workspace) fs.rmSync(workspace, { recursive: true, force: true });
    });

    const context = (
      input: Record<string, unknown>,
      extra: Record<string, unknown> = {},
    ) =>
      createMockActionContext({
        input: input as any,
        workspacePath: workspace,
        ...extra,
      });
    const writes = () =>
      Object.entries(github.calls())
        .filter(([k]) => !k.startsWith('GET'))
        .reduce((n, [, v]) => n + v, 0);

    it.each(renderExamples.map(e => [e.description, e.example]))(
      'render runs its example: %s',
      async (_d, example) => {
        const ctx = context(yaml.parse(example).steps[0].input);
        await createRenderRequestAction({ planner, initiator: jdoe }).handler(
          ctx as any,
        );
        expect(ctx.output).toHaveBeenCalledWith(
          'requestId',
          'dev.ns.payments-dev',
        );
        expect(ctx.output).toHaveBeenCalledWith('monthlyCost', '57.00 EUR');
        const ns = fs.readFileSync(
          path.join(
            workspace,
            'gitops/clusters/dev/platform/namespaces/payments-dev.yaml',
          ),
          'utf8',
        );
        expect(ns).toContain('name: payments-dev');
        // requester and cost centre come from the server: the initiator and the team's catalog entry
        expect(ns).toContain(
          'provisioning.kubeportal.io/requester-ref: user:default/jdoe',
        );
        const kustomization = fs.readFileSync(
          path.join(
            workspace,
            'gitops/clusters/dev/namespaces/payments-dev/kustomization.yaml',
          ),
          'utf8',
        );
        expect(kustomization).toContain(
          'provisioning.kubeportal.io/cost-centre: cc-1234',
        ); // CC-1234 as a label value
        // the owners of the folder come from the catalog: the team's project leads with the platform's
        expect(
          fs.readFileSync(path.join(workspace, 'gitops/CODEOWNERS'), 'utf8'),
        ).toContain(
          '/clusters/dev/namespaces/payments-dev/ @alice @platform-lead',
        );
      },
    );

    it.each(validateExamples.slice(0, 1).map(e => [e.description, e.example]))(
      'validate runs its example: %s',
      async (_d, example) => {
        const ctx = context(yaml.parse(example).steps[0].input);
        await createValidateRequestAction({ planner, initiator: jdoe }).handler(
          ctx as any,
        );
        expect(ctx.output).toHaveBeenCalledWith(
          'requestId',
          'dev.ns.payments-dev',
        );
        // the commit it checked is the head of main in the emulator's repository
        expect(ctx.output).toHaveBeenCalledWith(
          'baseSha',
          execFileSync(
            'git',
            ['-C', github.gitDir(FULL), 'rev-parse', 'refs/heads/main'],
            { encoding: 'utf8' },
          ).trim(),
        );
      },
    );

    it('validate, render and pull request share one plan: one read of the branch head each, on the same commit', async () => {
      const input = {
        request: { ...exampleNamespaceRequest, name: 'shared-plan' },
      };
      github.resetCalls();
      await createValidateRequestAction({ planner, initiator: jdoe }).handler(
        context(input) as any,
      );
      const first = { ...github.calls() };
      github.resetCalls();
      await createRenderRequestAction({ planner, initiator: jdoe }).handler(
        context(input) as any,
      );
      expect(github.calls()).toEqual({
        'GET /repos/{owner}/{repo}/git/ref/{+ref}': 1,
      });
      // the first step read the head, its tree, one file and the open pull requests, once each
      expect(first).toEqual({
        'GET /repos/{owner}/{repo}/git/ref/{+ref}': 1,
        'GET /repos/{owner}/{repo}/git/trees/{tree_sha}': 1,
        'GET /repos/{owner}/{repo}/git/blobs/{file_sha}': 1,
        'GET /repos/{owner}/{repo}/pulls': 1,
      });
    });

    it.each(pullRequestExamples.map(e => [e.description, e.example]))(
      'pull request runs its example, and a re-run updates the same one: %s',
      async (_d, example) => {
        const input = yaml.parse(example).steps[0].input;
        github.resetCalls();
        const first = context(input);
        await createOpenPullRequestAction({
          planner,
          initiator: jdoe,
          portalUrl: 'http://portal.test',
        }).handler(first as any);
        const pulls = github.pulls(FULL);
        expect(pulls).toHaveLength(1);
        expect(pulls[0]).toMatchObject({
          head: 'provisioning/create/dev.ns.payments-dev',
          requestedReviewers: ['alice'],
          labels: [
            'provisioning',
            'kind:namespace',
            'cluster:dev',
            'team:payments',
          ],
        });
        expect(pulls[0].body).toContain(
          '[Open in the portal](http://portal.test/provisioning/requests/dev.ns.payments-dev)',
        );
        expect(first.output).toHaveBeenCalledWith('pullRequestNumber', 1);
        expect(first.output).toHaveBeenCalledWith(
          'pullRequestUrl',
          expect.stringMatching(/\/ui\/acme\/gitops\/pull\/1$/),
        );
        expect(writes()).toBe(6); // tree, commit, ref, pull, reviewers, labels

        await github.approve(FULL, 1, 'alice');
        const changed = {
          ...input.request,
          purpose: 'Payment service development and load tests',
        };
        // an open pull request is never rewritten silently: without the choice to update it, nothing is written
        github.resetCalls();
        await expect(
          createOpenPullRequestAction({ planner, initiator: jdoe }).handler(
            context({ request: changed }) as any,
          ),
        ).rejects.toThrow(
          /name: you already asked for this in pull request #1 \(\S+\/pull\/1\), which is still open: choose to update it/,
        );
        expect(writes()).toBe(0);

        const second = context({ request: changed, updateOpenRequest: true });
        await createOpenPullRequestAction({ planner, initiator: jdoe }).handler(
          second as any,
        );
        expect(github.pulls(FULL)).toHaveLength(1);
        expect(github.pulls(FULL)[0].body).toContain('load tests');
        // the pull request says what changed: the namespace's platform file carries the purpose
        const comments = github.pulls(FULL)[0].comments.map(c => c.body);
        expect(comments).toHaveLength(1);
        expect(comments[0]).toContain(
          '**Updated through the portal** by `user:default/jdoe` (request `dev.ns.payments-dev`): 1 file changed.',
        );
        expect(comments[0]).toContain(
          '- `clusters/dev/platform/namespaces/payments-dev.yaml`: changed',
        );
        expect(comments[0]).toMatch(/^\+.*load tests/m);
        expect(comments[0]).toContain(
          'The approvals of `alice` were dismissed',
        );
        // the files changed, so the approval no longer stands
        expect(second.output).toHaveBeenCalledWith('dismissedApprovals', [
          'alice',
        ]);
        expect(github.pulls(FULL)[0].reviews.map(r => r.state)).toEqual([
          'DISMISSED',
        ]);
      },
    );

    it('plans again on the new head when the branch moved between validate and pull request', async () => {
      const input = {
        request: { ...exampleNamespaceRequest, name: 'moving-base' },
      };
      await createValidateRequestAction({ planner, initiator: jdoe }).handler(
        context(input) as any,
      );
      const checked = (
        await planner.plan(input.request, await jdoe(undefined as any))
      ).base.sha;
      // someone merges meanwhile
      const octokit = createGitHubClient({
        baseUrl: github.url,
        token: 'portal-token',
        writeIntervalMs: 0,
      });
      const repo = { owner: 'acme', repo: 'gitops' };
      const headCommit = await octokit.git.getCommit({
        ...repo,
        commit_sha: checked,
      });
      const tree = await octokit.git.createTree({
        ...repo,
        base_tree: headCommit.data.tree.sha,
        tree: [
          {
            path: 'README.md',
            mode: '100644',
            type: 'blob',
            content: 'meanwhile\n',
          },
        ],
      });
      const merged = await octokit.git.createCommit({
        ...repo,
        message: 'Meanwhile',
        tree: tree.data.sha,
        parents: [checked],
      });
      await octokit.git.updateRef({
        ...repo,
        ref: 'heads/main',
        sha: merged.data.sha,
      });
      const ctx = context(input);
      await createOpenPullRequestAction({ planner, initiator: jdoe }).handler(
        ctx as any,
      );
      const pull = github
        .pulls(FULL)
        .find(p => p.head === 'provisioning/create/dev.ns.moving-base')!;
      expect(
        await new GitOpsPullRequestWriter(octokit).branchOwner(
          'acme',
          'gitops',
          pull.head,
        ),
      ).toMatchObject({ requester: 'user:default/jdoe' });
      const git = (...args: string[]) =>
        execFileSync('git', ['-C', github.gitDir(FULL), ...args], {
          encoding: 'utf8',
        }).trim();
      expect(git('rev-parse', `refs/heads/${pull.head}^`)).toBe(
        merged.data.sha,
      );
    });

    it('refuses a name taken on the cluster and a name asked for in another open pull request', async () => {
      await env.clusters.dev.api.request('POST', '/api/v1/namespaces', {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: 'taken' },
      });
      const taken = context({
        request: { ...exampleNamespaceRequest, name: 'taken' },
      });
      await expect(
        createValidateRequestAction({ planner, initiator: jdoe }).handler(
          taken as any,
        ),
      ).rejects.toThrow(
        "The request breaks 1 rule: name: namespace 'taken' already exists on cluster 'dev': choose another name [name-free]",
      );
      // an open pull request of this very request is the requester's own: named, and theirs to update when they choose
      await createOpenPullRequestAction({ planner, initiator: jdoe }).handler(
        context({ request: exampleNamespaceRequest }) as any,
      );
      await expect(
        createValidateRequestAction({ planner, initiator: jdoe }).handler(
          context({ request: exampleNamespaceRequest }) as any,
        ),
      ).rejects.toThrow(
        /^The request breaks 1 rule: name: you already asked for this in pull request #1 \(\S+\/pull\/1\), which is still open: choose to update it \(its files are replaced and its approvals dismissed\), or wait until it is merged or closed \[open-request\]$/,
      );
      // choosing to update it with exactly what it holds changes nothing, which is said rather than written
      await expect(
        createValidateRequestAction({ planner, initiator: jdoe }).handler(
          context({
            request: exampleNamespaceRequest,
            updateOpenRequest: true,
          }) as any,
        ),
      ).rejects.toThrow(
        /^The request breaks 1 rule: name: pull request #1 \(\S+\/pull\/1\) already holds exactly this request: there is nothing to update \[open-request\]$/,
      );
      // an open pull request of another user for the same request is a conflict
      await createOpenPullRequestAction({ planner, initiator: jdoe }).handler(
        context({
          request: { ...exampleNamespaceRequest, name: 'payments-qa' },
        }) as any,
      );
      // the same request by a teammate: the branch belongs to jdoe, which validate says before anything is written
      const clash = context({
        request: { ...exampleNamespaceRequest, name: 'payments-qa' },
      });
      await expect(
        createValidateRequestAction({
          planner,
          initiator: as('carol', ['payments']),
        }).handler(clash as any),
      ).rejects.toThrow(
        /^The request breaks 1 rule: name: this request is already open in pull request #2 \(http:\/\/127\.0\.0\.1:\d+\/ui\/acme\/gitops\/pull\/2\) by user:default\/jdoe; only its requester can change it \[open-request\]$/,
      );

      const decommission = context({
        request: {
          kind: 'decommission',
          cluster: 'dev',
          namespace: 'payments-dev',
          purpose: 'x',
        },
      });
      await expect(
        createValidateRequestAction({ planner, initiator: jdoe }).handler(
          decommission as any,
        ),
      ).rejects.toThrow(
        "namespace: 'payments-dev' does not exist on cluster 'dev' in the GitOps repository",
      );
    });

    it('reports a cluster that cannot be asked, and policy violations, all at once, without addresses', async () => {
      const ctx = context({
        request: {
          ...exampleNamespaceRequest,
          cluster: 'prod',
          environment: 'dev',
          networkPolicy: { preset: 'isolated' },
        },
      });
      const error = await createValidateRequestAction({
        planner,
        initiator: jdoe,
      })
        .handler(ctx as any)
        .catch(e => e);
      expect(error.message).toMatch(
        /^The request breaks 2 rules: environment: dev namespaces do not belong on cluster 'prod', which is prod \[environment\]; cluster: cluster 'prod' cannot be reached right now, so whether 'payments-dev' is free cannot be checked \[cluster-reachable\]$/,
      );
      expect(error.message).not.toContain('127.0.0.1');
    });

    it('refuses a team without project leads, and writes nothing', async () => {
      github.resetCalls();
      const ctx = context({
        request: {
          ...exampleNamespaceRequest,
          name: 'billing-dev',
          team: 'group:default/billing',
          access: [],
        },
      });
      await expect(
        createOpenPullRequestAction({ planner, initiator: jdoe }).handler(
          ctx as any,
        ),
      ).rejects.toThrow(
        "team: team 'billing' has no project leads in the catalog (annotation provisioning.kubeportal.io/project-leads on its group), so nobody could approve the pull request [project-leads]",
      );
      expect(writes()).toBe(0);
    });

    it('writes nothing on a dry run', async () => {
      github.resetCalls();
      const ctx = Object.assign(
        context({
          request: { ...exampleNamespaceRequest, name: 'dry-run-ns' },
        }),
        { isDryRun: true },
      );
      await createOpenPullRequestAction({ planner, initiator: jdoe }).handler(
        ctx as any,
      );
      expect(ctx.output).toHaveBeenCalledWith(
        'branch',
        'provisioning/create/dev.ns.dry-run-ns',
      );
      expect(writes()).toBe(0);
    });

    describe('identity comes from the server', () => {
      it("refuses to take over another team's pull request for the same name", async () => {
        await createOpenPullRequestAction({ planner, initiator: jdoe }).handler(
          context({
            request: { ...exampleNamespaceRequest, name: 'contested' },
          }) as any,
        );
        const pull = github
          .pulls(FULL)
          .find(p => p.head === 'provisioning/create/dev.ns.contested')!;
        await github.approve(FULL, pull.number, 'alice');
        github.resetCalls();
        // a platform member may act for any team, but not on a branch that belongs to another user
        const ctx = context({
          request: {
            ...exampleNamespaceRequest,
            name: 'contested',
            team: 'group:default/billing',
            access: [],
          },
        });
        await expect(
          createOpenPullRequestAction({
            planner,
            initiator: as('pat', ['platform', 'billing']),
          }).handler(ctx as any),
        ).rejects.toThrow(
          /^The request breaks 2 rules: name: this request is already open in pull request #1 \(http:\/\/127\.0\.0\.1:\d+\/ui\/acme\/gitops\/pull\/1\) by user:default\/jdoe; only its requester can change it \[open-request\]; team: team 'billing' has no project leads in the catalog \(annotation provisioning\.kubeportal\.io\/project-leads on its group\), so nobody could approve the pull request \[project-leads\]$/,
        );
        expect(writes()).toBe(0);
        const after = github.pulls(FULL).find(p => p.number === pull.number)!;
        expect(after.labels).toEqual([
          'provisioning',
          'kind:namespace',
          'cluster:dev',
          'team:payments',
        ]);
        expect(after.reviews.map(r => r.state)).toEqual(['APPROVED']);
      });
    });
  },
);

/** What needs only the emulator: refusals before any cluster is asked. Runs without a control plane. */
describe('provisioning actions (GitHub emulator only)', () => {
  let github: GitHubEmulator;
  let planner: RequestPlanner;
  let workspace: string;

  beforeAll(async () => {
    github = new GitHubEmulator({ tokens: { 'portal-token': 'portal-bot' } });
    await github.start();
    await github.createRepo(FULL, {
      files: seed,
      collaborators: ['alice', 'platform-lead'],
    });
    const config = new ConfigReader({
      provisioning: {
        gitops: {
          host: 'github.example',
          owner: 'acme',
          repo: 'gitops',
          branch: 'main',
        },
        // no control plane here: nothing in these tests reaches the cluster
        clusters: [
          {
            name: 'dev',
            environment: 'dev',
            url: 'https://127.0.0.1:1',
            auth: { type: 'serviceAccountToken', token: 'x' },
            storageClasses: ['fast'],
          },
        ],
      },
    });
    const octokit = createGitHubClient({
      baseUrl: github.url,
      token: 'portal-token',
      retryBaseMs: 1,
      writeIntervalMs: 0,
    });
    planner = createProvisioningService(config, {
      logger: mockServices.logger.mock(),
      octokit,
      clusterTimeoutMs: 500,
    }).gitops!.planner;
  });
  afterAll(() => github?.stop());
  beforeEach(() => {
    workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'workspace-'));
  });
  afterEach(() => {
    fs.rmSync(workspace, { recursive: true, force: true });
  });

  const context = (input: Record<string, unknown>) =>
    createMockActionContext({ input: input as any, workspacePath: workspace });
  const writes = () =>
    Object.entries(github.calls())
      .filter(([k]) => !k.startsWith('GET'))
      .reduce((n, [, v]) => n + v, 0);

  it('names the field of a bad request', async () => {
    const ctx = context({ request: { ...exampleVmRequest, memory: 'lots' } });
    await expect(
      createRenderRequestAction({ planner, initiator: jdoe }).handler(
        ctx as any,
      ),
    ).rejects.toThrow(
      "Invalid request: memory: 'lots' is not a Kubernetes quantity",
    );
  });

  it('refuses a request for a team the user is not in, before anything is read or written', async () => {
    github.resetCalls();
    const ctx = context({
      request: { ...exampleNamespaceRequest, name: 'not-mine' },
    });
    await expect(
      createOpenPullRequestAction({
        planner,
        initiator: as('mallory', ['billing']),
      }).handler(ctx as any),
    ).rejects.toThrow(
      "team: user:default/mallory is not a member of 'group:default/payments' and cannot request for it",
    );
    expect(writes()).toBe(0);
  });

  it('refuses a requester in the input that is not the signed-in user', async () => {
    const ctx = context({
      request: {
        ...exampleNamespaceRequest,
        name: 'spoofed',
        requester: 'user:default/alice',
      },
    });
    await expect(
      createValidateRequestAction({ planner, initiator: jdoe }).handler(
        ctx as any,
      ),
    ).rejects.toThrow(
      "requester: requests are made as the signed-in user (user:default/jdoe), not as 'user:default/alice'",
    );
  });

  it('refuses a cost centre other than the team', async () => {
    const ctx = context({
      request: {
        ...exampleNamespaceRequest,
        name: 'cheap',
        costCentre: 'CC-OTHER',
      },
    });
    await expect(
      createValidateRequestAction({ planner, initiator: jdoe }).handler(
        ctx as any,
      ),
    ).rejects.toThrow(
      "costCentre: team 'payments' is charged to 'CC-1234' in the catalog; the request cannot choose another",
    );
  });
});
