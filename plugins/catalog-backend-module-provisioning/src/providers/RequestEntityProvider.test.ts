import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { SchedulerServiceTaskInvocationDefinition } from '@backstage/backend-plugin-api';
import {
  createGitHubClient,
  createProvisioningService,
  GitOpsPullRequestWriter,
  ProvisioningService,
} from '@kubeportal/plugin-provisioning-node';
import { GitHubEmulator } from '@kubeportal/test-environment';
import { RequestEntityProvider } from './RequestEntityProvider';

describe('RequestEntityProvider', () => {
  let github: GitHubEmulator;
  let writer: GitOpsPullRequestWriter;
  let service: ProvisioningService;
  const config = (repo: string) =>
    new ConfigReader({
      provisioning: {
        gitops: { host: 'github.example', owner: 'acme', repo, branch: 'main' },
        schedules: { requests: { frequencySeconds: 10 } },
      },
    });

  beforeAll(async () => {
    github = new GitHubEmulator({ tokens: { t: 'portal-bot', m: 'mallory' } });
    await github.start();
    await github.createRepo('acme/gitops', {
      files: { 'README.md': 'x\n' },
      collaborators: ['alice', 'mallory'],
    });
    const octokit = createGitHubClient({
      baseUrl: github.url,
      token: 't',
      writeIntervalMs: 0,
    });
    writer = new GitOpsPullRequestWriter(octokit);
    service = createProvisioningService(config('gitops'), {
      logger: mockServices.logger.mock(),
      octokit,
    });
  });
  afterAll(() => github.stop());

  const open = async (
    branch: string,
    labels: string[],
    as: GitOpsPullRequestWriter = writer,
  ) => {
    const octokit = createGitHubClient({ baseUrl: github.url, token: 't' });
    const sha = (
      await octokit.git.getRef({
        owner: 'acme',
        repo: 'gitops',
        ref: 'heads/main',
      })
    ).data.object.sha;
    const tree = (
      await octokit.git.getCommit({
        owner: 'acme',
        repo: 'gitops',
        commit_sha: sha,
      })
    ).data.tree.sha;
    return as.openOrUpdate({
      owner: 'acme',
      repo: 'gitops',
      base: 'main',
      baseSha: sha,
      baseTreeSha: tree,
      branch,
      title: `Request ${branch}`,
      body: '',
      commitMessage: 'x',
      requestedBy: {
        requestId: branch.split('/').pop()!,
        requester: 'user:default/jdoe',
        team: 'group:default/payments',
      },
      changes: [{ path: `${branch}.txt`, content: 'x\n' }],
      reviewers: ['alice'],
      labels,
    });
  };
  const run = async (
    provisioning: ProvisioningService,
    logger = mockServices.logger.mock(),
  ) => {
    const applyMutation = jest.fn();
    const taskRunner = {
      run: async (task: SchedulerServiceTaskInvocationDefinition) => {
        await task.fn(new AbortController().signal);
      },
    };
    const scheduler = mockServices.scheduler.mock({
      createScheduledTaskRunner: jest.fn(() => taskRunner),
    });
    const provider = RequestEntityProvider.fromConfig(provisioning, {
      logger,
      scheduler,
    })!;
    await provider.connect({ applyMutation, refresh: jest.fn() });
    expect(scheduler.createScheduledTaskRunner).toHaveBeenCalledWith({
      frequency: { seconds: 10 },
      timeout: { seconds: 60 },
    });
    return applyMutation;
  };

  it('follows each request the portal opened from pull request to merge, and nothing else', async () => {
    await open('provisioning/create/dev.ns.payments', [
      'provisioning',
      'kind:namespace',
      'cluster:dev',
      'team:payments',
    ]);
    const second = await open('provisioning/create/dev.ns.billing', [
      'provisioning',
      'kind:namespace',
      'cluster:dev',
      'team:billing',
    ]);
    await open('provisioning/change-quota/dev.ns.payments', [
      'provisioning',
      'kind:quota-change',
      'cluster:dev',
      'team:payments',
    ]);
    // not the portal's: a pull request from another account, and a branch that is not a request branch
    await open(
      'provisioning/create/dev.ns.fake',
      ['provisioning', 'team:payments'],
      new GitOpsPullRequestWriter(
        createGitHubClient({
          baseUrl: github.url,
          token: 'm',
          writeIntervalMs: 0,
        }),
      ),
    );
    await open('provisioning/manual/Bad_Name', [
      'provisioning',
      'team:../../x',
    ]);
    await github.approve('acme/gitops', 1, 'alice');
    await github.merge('acme/gitops', 1, 'alice');
    await github.approve('acme/gitops', second.number, 'alice');

    const applyMutation = await run(service);
    const entities = applyMutation.mock.calls[0][0].entities.map(
      (e: any) => e.entity,
    );
    const summary = entities
      .map(
        (e: any) =>
          `${e.metadata.name} ${e.metadata.annotations['provisioning.kubeportal.io/status']} ${e.spec.owner} ${e.spec.dependsOn}`,
      )
      .sort();
    expect(summary).toEqual([
      'change-quota.dev.ns.payments pull-request-open group:default/payments resource:default/dev',
      'create.dev.ns.billing approved group:default/billing resource:default/dev',
      'create.dev.ns.payments merged group:default/payments resource:default/dev',
    ]);
    const merged = entities.find(
      (e: any) => e.metadata.name === 'create.dev.ns.payments',
    );
    expect(
      merged.metadata.annotations['provisioning.kubeportal.io/merge-commit'],
    ).toMatch(/^[0-9a-f]{40}$/);
    expect(merged.metadata.links[0].url).toMatch(
      /\/ui\/acme\/gitops\/pull\/1$/,
    );
  });

  it('reads every page of pull requests, not only the first hundred', async () => {
    await github.createRepo('acme/many', {
      files: { 'README.md': 'x\n' },
      collaborators: ['alice'],
    });
    const octokit = createGitHubClient({
      baseUrl: github.url,
      token: 't',
      writeIntervalMs: 0,
    });
    const many = createProvisioningService(config('many'), {
      logger: mockServices.logger.mock(),
      octokit,
    });
    const sha = (
      await octokit.git.getRef({
        owner: 'acme',
        repo: 'many',
        ref: 'heads/main',
      })
    ).data.object.sha;
    for (let i = 0; i < 105; i++) {
      await octokit.git.createRef({
        owner: 'acme',
        repo: 'many',
        ref: `refs/heads/provisioning/create/dev.ns.n${i}`,
        sha,
      });
      const commit = await octokit.git.createCommit({
        owner: 'acme',
        repo: 'many',
        message: `n${i}`,
        tree: (
          await octokit.git.getCommit({
            owner: 'acme',
            repo: 'many',
            commit_sha: sha,
          })
        ).data.tree.sha,
        parents: [sha],
      });
      await octokit.git.updateRef({
        owner: 'acme',
        repo: 'many',
        ref: `heads/provisioning/create/dev.ns.n${i}`,
        sha: commit.data.sha,
        force: true,
      });
      await octokit.pulls.create({
        owner: 'acme',
        repo: 'many',
        head: `provisioning/create/dev.ns.n${i}`,
        base: 'main',
        title: `n${i}`,
      });
    }
    const applyMutation = await run(many);
    expect(applyMutation.mock.calls[0][0].entities).toHaveLength(105);
  }, 120_000);

  it('shows changes requested and rejected, and keeps the last state through a 5xx', async () => {
    await github.createRepo('acme/states', {
      files: { 'README.md': 'x\n' },
      collaborators: ['alice'],
    });
    const octokit = createGitHubClient({
      baseUrl: github.url,
      token: 't',
      writeIntervalMs: 0,
      retries: 0,
    });
    const states = createProvisioningService(config('states'), {
      logger: mockServices.logger.mock(),
      octokit,
    });
    const statesWriter = new GitOpsPullRequestWriter(octokit);
    const openIn = async (branch: string) => {
      const sha = (
        await octokit.git.getRef({
          owner: 'acme',
          repo: 'states',
          ref: 'heads/main',
        })
      ).data.object.sha;
      const tree = (
        await octokit.git.getCommit({
          owner: 'acme',
          repo: 'states',
          commit_sha: sha,
        })
      ).data.tree.sha;
      return statesWriter.openOrUpdate({
        owner: 'acme',
        repo: 'states',
        base: 'main',
        baseSha: sha,
        baseTreeSha: tree,
        branch,
        title: branch,
        body: '',
        commitMessage: 'x',
        requestedBy: {
          requestId: branch.split('/').pop()!,
          requester: 'user:default/jdoe',
          team: 'group:default/payments',
        },
        changes: [{ path: `${branch}.txt`, content: 'x\n' }],
        reviewers: ['alice'],
        labels: ['team:payments', 'cluster:dev'],
      });
    };
    const changes = await openIn('provisioning/create/dev.ns.changes');
    const rejected = await openIn('provisioning/create/dev.ns.rejected');
    const alice = createGitHubClient({
      baseUrl: github.url,
      token: 'a',
      writeIntervalMs: 0,
    });
    github.addToken('a', 'alice');
    await alice.pulls.createReview({
      owner: 'acme',
      repo: 'states',
      pull_number: changes.number,
      event: 'REQUEST_CHANGES',
      body: 'Smaller quota, please',
    });
    await octokit.pulls.update({
      owner: 'acme',
      repo: 'states',
      pull_number: rejected.number,
      state: 'closed',
    });

    const logger = mockServices.logger.mock();
    const applyMutation = jest.fn();
    let refresh: () => Promise<void> = async () => {};
    const scheduler = mockServices.scheduler.mock({
      createScheduledTaskRunner: jest.fn(() => ({
        run: async (task: SchedulerServiceTaskInvocationDefinition) => {
          refresh = () =>
            Promise.resolve(task.fn(new AbortController().signal));
          await refresh();
        },
      })),
    });
    const provider = RequestEntityProvider.fromConfig(states, {
      logger,
      scheduler,
    })!;
    await provider.connect({ applyMutation, refresh: jest.fn() });
    const statusOf = (call: number) =>
      Object.fromEntries(
        applyMutation.mock.calls[call][0].entities.map((e: any) => [
          e.entity.metadata.name,
          e.entity.metadata.annotations['provisioning.kubeportal.io/status'],
        ]),
      );
    expect(statusOf(0)).toEqual({
      'create.dev.ns.changes': 'changes-requested',
      'create.dev.ns.rejected': 'rejected',
    });

    // GitHub answers 502 on the next refresh: nothing is replaced, the error is logged
    github.failNext(1, 502, /GET .*\/repos\/acme\/states\/pulls$/);
    await refresh();
    expect(applyMutation).toHaveBeenCalledTimes(1);
    expect(logger.error).toHaveBeenCalledWith(
      'provisioning-requests refresh failed; keeping the last state',
      expect.any(Error),
    );
  });

  it('keeps the last state when GitHub fails', async () => {
    const logger = mockServices.logger.mock();
    const missing = createProvisioningService(config('missing'), {
      logger,
      octokit: createGitHubClient({
        baseUrl: github.url,
        token: 't',
        retries: 0,
      }),
    });
    const applyMutation = await run(missing, logger);
    expect(applyMutation).not.toHaveBeenCalled();
    expect(logger.error).toHaveBeenCalledWith(
      'provisioning-requests refresh failed; keeping the last state',
      expect.any(Error),
    );
  });
});
