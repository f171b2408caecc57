import { mockServices } from '@backstage/backend-test-utils';
import { SchedulerServiceTaskInvocationDefinition } from '@backstage/backend-plugin-api';
import { GitOpsPullRequestWriter } from '@kubeportal/plugin-provisioning-node';
import { GitHubEmulator } from '@kubeportal/test-environment';
import { Octokit } from '@octokit/rest';
import { RequestEntityProvider } from './RequestEntityProvider';

describe('RequestEntityProvider', () => {
  let github: GitHubEmulator;
  let writer: GitOpsPullRequestWriter;
  beforeAll(async () => {
    github = new GitHubEmulator({ tokens: { t: 'portal-bot' } });
    await github.start();
    await github.createRepo('acme/gitops', { files: { 'README.md': 'x\n' }, collaborators: ['alice'] });
    writer = new GitOpsPullRequestWriter(new Octokit({ baseUrl: github.url, auth: 't' }));
  });
  afterAll(() => github.stop());

  const open = (branch: string, labels: string[]) =>
    writer.openOrUpdate({
      owner: 'acme', repo: 'gitops', base: 'main', branch, title: `Request ${branch}`, body: '', commitMessage: 'x',
      changes: [{ path: `${branch}.txt`, content: 'x\n' }], reviewers: ['alice'], labels,
    });

  it('follows each request from pull request to merge', async () => {
    await open('provisioning/create/dev.ns.payments', ['provisioning', 'kind:namespace', 'cluster:dev', 'team:payments']);
    const second = await open('provisioning/create/dev.ns.billing', ['provisioning', 'kind:namespace', 'cluster:dev', 'team:billing']);
    await open('provisioning/change-quota/dev.ns.payments', ['provisioning', 'kind:quota-change', 'cluster:dev', 'team:payments']);
    await github.approve('acme/gitops', 1, 'alice');
    await github.merge('acme/gitops', 1, 'alice');
    await github.approve('acme/gitops', second.number, 'alice');

    const applyMutation = jest.fn();
    const provider = new RequestEntityProvider({
      gitops: { host: 'github.example', owner: 'acme', repo: 'gitops', branch: 'main' },
      writer: async () => writer,
      logger: mockServices.logger.mock(),
      taskRunner: { run: async (task: SchedulerServiceTaskInvocationDefinition) => { await task.fn(new AbortController().signal); } },
    });
    await provider.connect({ applyMutation, refresh: jest.fn() });
    const entities = applyMutation.mock.calls[0][0].entities.map((e: any) => e.entity);
    const summary = entities
      .map((e: any) => `${e.metadata.name} ${e.metadata.annotations['provisioning.kubeportal.io/status']} ${e.spec.owner} ${e.spec.dependsOn}`)
      .sort();
    expect(summary).toEqual([
      'change-quota.dev.ns.payments pull-request-open group:default/payments resource:default/dev',
      'create.dev.ns.billing approved group:default/billing resource:default/dev',
      'create.dev.ns.payments merged group:default/payments resource:default/dev',
    ]);
    const merged = entities.find((e: any) => e.metadata.name === 'create.dev.ns.payments');
    expect(merged.metadata.annotations['provisioning.kubeportal.io/merge-commit']).toMatch(/^[0-9a-f]{40}$/);
    expect(merged.metadata.links[0].url).toMatch(/\/ui\/acme\/gitops\/pull\/1$/);
  });

  it('keeps the last state when GitHub fails', async () => {
    const applyMutation = jest.fn();
    const logger = mockServices.logger.mock();
    const provider = new RequestEntityProvider({
      gitops: { host: 'github.example', owner: 'acme', repo: 'missing', branch: 'main' },
      writer: async () => writer,
      logger,
      taskRunner: { run: async (task: SchedulerServiceTaskInvocationDefinition) => { await task.fn(new AbortController().signal); } },
    });
    await provider.connect({ applyMutation, refresh: jest.fn() });
    expect(applyMutation).not.toHaveBeenCalled();
    expect(logger.error).toHaveBeenCalledWith('provisioning-requests refresh failed; keeping the last state', expect.any(Error));
  });
});
