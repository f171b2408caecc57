import { createHash } from 'node:crypto';
import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { SchedulerServiceTaskInvocationDefinition } from '@backstage/backend-plugin-api';
import {
  DefaultNamespaceEntityPolicy,
  EntityPolicies,
  FieldFormatEntityPolicy,
  NoForeignRootFieldsEntityPolicy,
  resourceEntityV1alpha1Validator,
  SchemaValidEntityPolicy,
} from '@backstage/catalog-model';
import { requestId } from '@kubeportal/plugin-provisioning-common';
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
    title = `Request ${branch}`,
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
      title,
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

  /** What the catalog itself checks of an entity from a provider (the default policies and the Resource schema). */
  const catalogPolicies = EntityPolicies.allOf([
    new SchemaValidEntityPolicy(),
    new DefaultNamespaceEntityPolicy(),
    new NoForeignRootFieldsEntityPolicy(),
    new FieldFormatEntityPolicy(),
  ]);

  it('follows each request the portal opened from pull request to merge, and nothing else', async () => {
    await open(
      'provisioning/create/dev.ns.payments',
      ['provisioning', 'kind:namespace', 'cluster:dev', 'team:payments'],
      writer,
      'Namespace payments on dev for payments',
    );
    const second = await open(
      'provisioning/create/dev.ns.billing',
      ['provisioning', 'kind:namespace', 'cluster:dev', 'team:billing'],
      writer,
      'Namespace billing on dev for billing',
    );
    await open(
      'provisioning/change-quota/dev.ns.payments',
      ['provisioning', 'kind:quota-change', 'cluster:dev', 'team:payments'],
      writer,
      'Quota of payments on dev',
    );
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
    expect(merged).toEqual({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Resource',
      metadata: {
        name: 'create.dev.ns.payments',
        title: 'Namespace payments on dev',
        description: 'Merged · Namespace payments on dev, requested by jdoe',
        annotations: {
          'backstage.io/managed-by-location': 'url:github.example/acme/gitops',
          'backstage.io/managed-by-origin-location':
            'url:github.example/acme/gitops',
          'provisioning.kubeportal.io/request-id': 'dev.ns.payments',
          'provisioning.kubeportal.io/status': 'merged',
          'provisioning.kubeportal.io/pull-request':
            merged.metadata.links[0].url,
          'provisioning.kubeportal.io/merge-commit':
            expect.stringMatching(/^[0-9a-f]{40}$/),
          'provisioning.kubeportal.io/approved-by': 'alice',
        },
        labels: {
          'provisioning.kubeportal.io/status': 'merged',
          'provisioning.kubeportal.io/kind': 'namespace',
        },
        tags: ['provisioning', 'merged'],
        links: [
          {
            url: expect.stringMatching(/\/ui\/acme\/gitops\/pull\/1$/),
            title: 'Pull request #1',
          },
        ],
      },
      spec: {
        type: 'provisioning-request',
        owner: 'group:default/payments',
        dependsOn: ['resource:default/dev'],
        action: 'create',
        requestKind: 'namespace',
        cluster: 'dev',
        namespace: 'payments',
        requester: 'user:default/jdoe',
        openedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
        updatedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
      },
    });
    expect(
      Object.fromEntries(
        entities.map((e: any) => [
          e.metadata.name,
          [e.metadata.title, e.metadata.description],
        ]),
      ),
    ).toEqual({
      'create.dev.ns.payments': [
        'Namespace payments on dev',
        'Merged · Namespace payments on dev, requested by jdoe',
      ],
      'create.dev.ns.billing': [
        'Namespace billing on dev',
        'Approved · Namespace billing on dev, requested by jdoe',
      ],
      'change-quota.dev.ns.payments': [
        'Quota of payments on dev',
        'Pull request open · Quota of payments on dev, requested by jdoe',
      ],
    });
    for (const entity of entities) {
      await expect(catalogPolicies.enforce(entity)).resolves.toMatchObject(
        entity,
      );
      await expect(resourceEntityV1alpha1Validator.check(entity)).resolves.toBe(
        true,
      );
    }
  });

  it('titles VMs, long names, decommissions and edited titles shortly, and reads each origin once', async () => {
    await github.createRepo('acme/titles', {
      files: { 'README.md': 'x\n' },
      collaborators: ['alice'],
    });
    const calls: string[] = [];
    const octokit = createGitHubClient({
      baseUrl: github.url,
      token: 't',
      writeIntervalMs: 0,
    });
    octokit.hook.before('request', options => {
      calls.push(
        `${options.method} ${options.url} ${
          options.pull_number ?? options.commit_sha ?? ''
        }`,
      );
    });
    const titles = createProvisioningService(config('titles'), {
      logger: mockServices.logger.mock(),
      octokit,
    });
    const titlesWriter = new GitOpsPullRequestWriter(octokit);
    const opened: Array<{ number: number; headSha: string }> = [];
    const openIn = async (
      id: string,
      action: string,
      title: string,
      labels: string[],
    ) => {
      const sha = (
        await octokit.git.getRef({
          owner: 'acme',
          repo: 'titles',
          ref: 'heads/main',
        })
      ).data.object.sha;
      const tree = (
        await octokit.git.getCommit({
          owner: 'acme',
          repo: 'titles',
          commit_sha: sha,
        })
      ).data.tree.sha;
      const pull = await titlesWriter.openOrUpdate({
        owner: 'acme',
        repo: 'titles',
        base: 'main',
        baseSha: sha,
        baseTreeSha: tree,
        branch: `provisioning/${action}/${id}`,
        title,
        body: '',
        commitMessage: 'x',
        requestedBy: {
          requestId: id,
          requester: 'user:default/jdoe',
          team: 'group:default/payments',
        },
        changes: [{ path: `${action}/${id}.txt`, content: 'x\n' }],
        reviewers: ['alice'],
        labels,
      });
      opened.push(pull);
      return pull;
    };
    const longNamespace = 'payments-api-with-a-rather-long-name';
    const longVm = 'legacy-crm-with-a-long-name-too';
    const longId = requestId('dev-rack-a', 'vm', longNamespace, longVm);
    expect(longId).toHaveLength(63); // shortened with a hash: the names are only in the title
    await openIn(
      'dev-rack-a.vm.payments-api.legacy-crm',
      'create',
      'VM legacy-crm in payments-api on dev-rack-a',
      ['provisioning', 'kind:vm', 'cluster:dev-rack-a', 'team:payments'],
    );
    await openIn(
      longId,
      'create',
      `VM ${longVm} in ${longNamespace} on dev-rack-a`,
      ['provisioning', 'kind:vm', 'cluster:dev-rack-a', 'team:payments'],
    );
    await openIn(
      'dev-rack-a.vm.payments-api.old-vm',
      'decommission',
      'Please remove the old VM (edited on GitHub)',
      ['provisioning', 'kind:decommission', 'cluster:dev-rack-a'],
    );
    await openIn(
      'dev-rack-a.ns.payments-api',
      'decommission',
      'Decommission namespace payments-api on dev-rack-a',
      // a label someone added by hand that is no label value: left out, not a broken entity
      ['provisioning', 'kind:Not A Label Value!', 'cluster:dev-rack-a'],
    );

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
    const provider = RequestEntityProvider.fromConfig(titles, {
      logger: mockServices.logger.mock(),
      scheduler,
    })!;
    calls.length = 0;
    await provider.connect({ applyMutation, refresh: jest.fn() });
    const entities = applyMutation.mock.calls[0][0].entities.map(
      (e: any) => e.entity,
    );
    const rows = (list: any[]) =>
      list
        .map(
          (e: any) =>
            `${e.metadata.name} | ${e.metadata.title} | ${
              e.metadata.description
            } | ${[e.spec.cluster, e.spec.namespace, e.spec.vm].join('/')} | ${
              e.metadata.labels['provisioning.kubeportal.io/kind']
            }`,
        )
        .sort();
    // the entity name of a long id: cut at 54 characters, with the start of the sha256 of the whole name
    const longName = `create.${longId}`;
    const longEntityName = `${longName.slice(0, 54)}-${createHash('sha256')
      .update(longName)
      .digest('hex')
      .slice(0, 8)}`;
    expect(rows(entities)).toEqual([
      `${longEntityName} | VM ${longVm} in ${longNamespace} | Pull request open · VM ${longVm} in ${longNamespace}, requested by jdoe | dev-rack-a/${longNamespace}/${longVm} | vm`,
      'create.dev-rack-a.vm.payments-api.legacy-crm | VM legacy-crm in payments-api | Pull request open · VM legacy-crm in payments-api, requested by jdoe | dev-rack-a/payments-api/legacy-crm | vm',
      'decommission.dev-rack-a.ns.payments-api | Decommission namespace payments-api on dev-rack-a | Pull request open · Decommission namespace payments-api on dev-rack-a, requested by jdoe | dev-rack-a/payments-api/ | undefined',
      'decommission.dev-rack-a.vm.payments-api.old-vm | Decommission VM old-vm in payments-api | Pull request open · Decommission VM old-vm in payments-api, requested by jdoe | dev-rack-a/payments-api/old-vm | decommission',
    ]);
    const long = entities.find((e: any) => e.spec.vm === longVm);
    expect(longEntityName).toHaveLength(63);
    expect(
      long.metadata.annotations['provisioning.kubeportal.io/request-id'],
    ).toBe(longId);
    for (const entity of entities) {
      await expect(catalogPolicies.enforce(entity)).resolves.toMatchObject(
        entity,
      );
      await expect(resourceEntityV1alpha1Validator.check(entity)).resolves.toBe(
        true,
      );
    }
    // paginated calls are logged with their whole address
    const listing = [
      `GET ${github.url}/repos/acme/titles/pulls?state=all&per_page=100&sort=updated&direction=desc `,
      ...opened.map(
        p =>
          `GET ${github.url}/repos/acme/titles/pulls/${p.number}/reviews?per_page=100 `,
      ),
    ];
    // the portal's login, the listing with each pull request's reviews, and each head commit once: the listing
    // has each pull request's opening time and head commit, so no pull request is read on its own
    expect([...calls].sort()).toEqual(
      [
        'GET /user ',
        ...listing,
        ...opened.map(
          p =>
            `GET /repos/{owner}/{repo}/git/commits/{commit_sha} ${p.headSha}`,
        ),
      ].sort(),
    );

    // the next refresh lists the pull requests again, but reads no origin again; names and titles are the same
    calls.length = 0;
    await refresh();
    expect([...calls].sort()).toEqual([...listing].sort());
    expect(
      rows(applyMutation.mock.calls[1][0].entities.map((e: any) => e.entity)),
    ).toEqual(rows(entities));
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
    const entities = applyMutation.mock.calls[0][0].entities.map(
      (e: any) => e.entity,
    );
    expect(entities).toHaveLength(105);
    // made by hand, without the portal's trailers: no requester is claimed
    const n7 = entities.find(
      (e: any) => e.metadata.name === 'create.dev.ns.n7',
    );
    expect([n7.metadata.description, n7.spec.requester]).toEqual([
      'Pull request open · Namespace n7 on dev',
      undefined,
    ]);
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

    // a new pull request whose head commit cannot be read: the refresh fails and says which, the next one shows it
    const third = await openIn('provisioning/create/dev.ns.third');
    github.failNext(
      1,
      502,
      new RegExp(`GET .*/repos/acme/states/git/commits/${third.headSha}$`),
    );
    await refresh();
    expect(applyMutation).toHaveBeenCalledTimes(1);
    expect(logger.error).toHaveBeenLastCalledWith(
      'provisioning-requests refresh failed; keeping the last state',
      expect.objectContaining({
        name: 'GitHubPullRequestError',
        message: expect.stringMatching(
          new RegExp(
            `^GitHub reading the head commit of pull request #${third.number} failed \\(502\\)`,
          ),
        ),
      }),
    );
    await refresh();
    expect(statusOf(1)).toEqual({
      'create.dev.ns.changes': 'changes-requested',
      'create.dev.ns.rejected': 'rejected',
      'create.dev.ns.third': 'pull-request-open',
    });
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
