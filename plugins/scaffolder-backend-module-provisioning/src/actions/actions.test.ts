import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { GitOpsPullRequestWriter, RequestPlanner, TeamFacts } from '@kubeportal/plugin-provisioning-node';
import { describeWithKube, GitHubEmulator, KubeTestEnv, startKubeTestEnv } from '@kubeportal/test-environment';
import { Octokit } from '@octokit/rest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import yaml from 'yaml';
import { PlannerFactory } from '../planner';
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
  'clusters/dev/kustomization.yaml': 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: []\n',
  'clusters/prod/kustomization.yaml': 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: []\n',
};
const teams: Record<string, TeamFacts> = {
  'group:default/payments': { projectLeads: ['alice'], adGroups: ['sg-payments-dev'] },
  'group:default/billing': { projectLeads: [], adGroups: [] },
};

describeWithKube('provisioning actions (GitHub emulator, real API server)', () => {
  let github: GitHubEmulator;
  let env: KubeTestEnv;
  let planner: PlannerFactory;
  let workspace: string;

  beforeAll(async () => {
    github = new GitHubEmulator({ tokens: { 'portal-token': 'portal-bot' } });
    await github.start();
    env = await startKubeTestEnv({ clusters: ['dev'], controllerManager: false });
    const dev = env.clusters.dev;
    const config = new ConfigReader({
      provisioning: {
        gitops: { host: 'github.example', owner: 'acme', repo: 'gitops', branch: 'main' },
        clusters: [
          { name: 'dev', environment: 'dev', url: dev.server, caData: Buffer.from(dev.caPem).toString('base64'), auth: { type: 'serviceAccountToken', token: dev.adminToken }, storageClasses: ['fast'], ingressNamespace: 'ingress-nginx' },
          { name: 'prod', environment: 'prod', url: 'https://127.0.0.1:1', auth: { type: 'serviceAccountToken', token: 'x' } },
        ],
      },
    });
    const octokit = new Octokit({ baseUrl: github.url, auth: 'portal-token', request: { retries: 0 } });
    planner = async () =>
      RequestPlanner.fromConfig(config, {
        teams: { getTeam: async ref => teams[ref] },
        logger: mockServices.logger.mock(),
        writerFactory: async () => new GitOpsPullRequestWriter(octokit, { retry: { minDelayMs: 1 } }),
      });
  });
  afterAll(async () => {
    await github?.stop();
    await env?.stop();
  });
  beforeEach(async () => {
    await github.createRepo(FULL, { files: seed, collaborators: ['alice'] }).catch(() => undefined);
    workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'workspace-'));
  });

  const context = (input: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
    createMockActionContext({ input: input as any, workspacePath: workspace, ...extra });

  it.each(renderExamples.map(e => [e.description, e.example]))('render runs its example: %s', async (_d, example) => {
    const ctx = context(yaml.parse(example).steps[0].input);
    await createRenderRequestAction({ planner }).handler(ctx as any);
    expect(ctx.output).toHaveBeenCalledWith('requestId', 'dev.ns.payments-dev');
    expect(ctx.output).toHaveBeenCalledWith('monthlyCost', '57.00 EUR');
    expect(fs.readFileSync(path.join(workspace, 'gitops/clusters/dev/namespaces/payments-dev/namespace.yaml'), 'utf8')).toContain('name: payments-dev');
  });

  it.each(validateExamples.slice(0, 1).map(e => [e.description, e.example]))('validate runs its example: %s', async (_d, example) => {
    const ctx = context(yaml.parse(example).steps[0].input);
    await createValidateRequestAction({ planner }).handler(ctx as any);
    expect(ctx.output).toHaveBeenCalledWith('requestId', 'dev.ns.payments-dev');
  });

  it.each(pullRequestExamples.map(e => [e.description, e.example]))('pull request runs its example, and a re-run updates the same one: %s', async (_d, example) => {
    const input = yaml.parse(example).steps[0].input;
    github.resetCalls();
    const first = context(input);
    await createOpenPullRequestAction({ planner, portalUrl: 'http://portal.test' }).handler(first as any);
    const pulls = github.pulls(FULL);
    expect(pulls).toHaveLength(1);
    expect(pulls[0]).toMatchObject({ head: 'provisioning/create/dev.ns.payments-dev', requestedReviewers: ['alice'], labels: ['provisioning', 'kind:namespace', 'cluster:dev', 'team:payments'] });
    expect(pulls[0].body).toContain('[Open in the portal](http://portal.test/provisioning/requests/dev.ns.payments-dev)');
    expect(first.output).toHaveBeenCalledWith('pullRequestNumber', 1);
    expect(first.output).toHaveBeenCalledWith('pullRequestUrl', expect.stringMatching(/\/ui\/acme\/gitops\/pull\/1$/));
    const writes = Object.entries(github.calls()).filter(([k]) => !k.startsWith('GET')).reduce((n, [, v]) => n + v, 0);
    expect(writes).toBe(6); // tree, commit, ref, pull, reviewers, labels

    const second = context({ request: { ...input.request, purpose: 'Payment service development and load tests' } });
    await createOpenPullRequestAction({ planner }).handler(second as any);
    expect(github.pulls(FULL)).toHaveLength(1);
    expect(github.pulls(FULL)[0].body).toContain('load tests');
  });

  it('refuses a name taken on the cluster and a name asked for in another open pull request', async () => {
    await env.clusters.dev.api.request('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'taken' } });
    const taken = context({ request: { ...exampleNamespaceRequest, name: 'taken' } });
    await expect(createValidateRequestAction({ planner }).handler(taken as any)).rejects.toThrow("The request breaks 1 rule: name: namespace 'taken' already exists on cluster 'dev'");
    // the pull request of the previous test is this request's own branch: no conflict with itself
    await createValidateRequestAction({ planner }).handler(context({ request: exampleNamespaceRequest }) as any);
    // another open pull request that writes into the same namespace folder is a conflict
    const octokit = new Octokit({ baseUrl: github.url, auth: 'portal-token' });
    await new GitOpsPullRequestWriter(octokit).openOrUpdate({
      owner: 'acme', repo: 'gitops', base: 'main', branch: 'provisioning/manual/hand-made', title: 'by hand', body: '', commitMessage: 'by hand',
      changes: [{ path: 'clusters/dev/namespaces/billing-dev/namespace.yaml', content: 'kind: Namespace\n' }], reviewers: [], labels: [],
    });
    const clash = context({ request: { ...exampleNamespaceRequest, name: 'billing-dev' } });
    await expect(createValidateRequestAction({ planner }).handler(clash as any)).rejects.toThrow(
      /^The request breaks 1 rule: name: namespace 'billing-dev' is already requested in pull request #2 \(http.*\/ui\/acme\/gitops\/pull\/2\)$/,
    );
    const quotaChange = context({ request: { kind: 'decommission', cluster: 'dev', namespace: 'payments-dev', requester: 'jdoe', purpose: 'x' } });
    await expect(createValidateRequestAction({ planner }).handler(quotaChange as any)).rejects.toThrow("namespace: 'payments-dev' does not exist on cluster 'dev' in the GitOps repository");
  });

  it('reports a cluster that cannot be asked, and policy violations, all at once', async () => {
    const ctx = context({ request: { ...exampleNamespaceRequest, cluster: 'prod', environment: 'dev', networkPolicy: { preset: 'isolated' } } });
    await expect(createValidateRequestAction({ planner }).handler(ctx as any)).rejects.toThrow(
      /^The request breaks 2 rules: environment: dev namespaces do not belong on cluster 'prod', which is prod \[environment\]; cluster: cluster 'prod' could not be asked whether 'payments-dev' is free: /,
    );
  });

  it('fails with a clear message when the team has no project leads, and writes nothing', async () => {
    github.resetCalls();
    const ctx = context({ request: { ...exampleNamespaceRequest, name: 'billing-dev', team: 'group:default/billing' } });
    await expect(createOpenPullRequestAction({ planner }).handler(ctx as any)).rejects.toThrow(
      "team 'billing' has no project leads in the catalog (annotation provisioning.kubeportal.io/project-leads on its group), so nobody could approve the pull request",
    );
    expect(Object.keys(github.calls()).filter(k => !k.startsWith('GET'))).toEqual([]);
  });

  it('writes nothing on a dry run', async () => {
    github.resetCalls();
    const ctx = Object.assign(context({ request: { ...exampleNamespaceRequest, name: 'dry-run-ns' } }), { isDryRun: true });
    await createOpenPullRequestAction({ planner }).handler(ctx as any);
    expect(ctx.output).toHaveBeenCalledWith('branch', 'provisioning/create/dev.ns.dry-run-ns');
    expect(Object.keys(github.calls()).filter(k => !k.startsWith('GET'))).toEqual([]);
  });

  it('names the field of a bad request', async () => {
    const ctx = context({ request: { ...exampleVmRequest, memory: 'lots' } });
    await expect(createRenderRequestAction({ planner }).handler(ctx as any)).rejects.toThrow("Invalid request: memory: 'lots' is not a Kubernetes quantity");
  });
});
