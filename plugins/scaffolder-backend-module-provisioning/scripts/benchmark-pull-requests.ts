/*
 * Benchmark: opens pull requests with 1, 10, 100 and 500 files against the GitHub emulator and prints the GitHub
 * calls and wall time for each, for our GitOps writer and for Backstage's own publish:github:pull-request action
 * on the same files. Run: node --require @backstage/cli-node/config/nodeTransform.cjs scripts/benchmark-pull-requests.ts
 */
import { ConfigReader } from '@backstage/config';
import { ScmIntegrations } from '@backstage/integration';
import { createPublishGithubPullRequestAction } from '@backstage/plugin-scaffolder-backend-module-github';
import { GitOpsPullRequestWriter } from '@kubeportal/plugin-provisioning-node';
import { GitHubEmulator } from '@kubeportal/test-environment';
import { Octokit } from '@octokit/rest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const SIZES = [1, 10, 100, 500];

function files(count: number) {
  return Array.from({ length: count }, (_, i) => ({
    path: `clusters/dev/namespaces/bench/file-${String(i).padStart(3, '0')}.yaml`,
    content: `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: file-${i}\ndata:\n  index: "${i}"\n`,
  }));
}

/** A plain action context (the test utilities need Jest, which a benchmark does not run under). */
function actionContext(workspacePath: string, input: Record<string, unknown>) {
  const logger: any = { info() {}, warn() {}, error() {}, debug() {}, child: () => logger };
  return {
    input,
    workspacePath,
    logger,
    output() {},
    isDryRun: false,
    checkpoint: async ({ fn }: { fn: () => Promise<unknown> }) => fn(),
    createTemporaryDirectory: async () => fs.mkdtempSync(path.join(os.tmpdir(), 'bench-tmp-')),
    getInitiatorCredentials: async () => ({ $$type: '@backstage/BackstageCredentials', principal: { type: 'user', userEntityRef: 'user:default/bench' } }),
    templateInfo: { entityRef: 'template:default/bench' },
  };
}

async function main() {
  const github = new GitHubEmulator({ tokens: { 'bench-token': 'portal-bot' } });
  await github.start();
  const host = new URL(github.url).host;
  const octokit = new Octokit({ baseUrl: github.url, auth: 'bench-token', request: { retries: 0 } });
  const integrations = ScmIntegrations.fromConfig(new ConfigReader({ integrations: { github: [{ host, apiBaseUrl: github.url, token: 'bench-token' }] } }));
  const rows: string[] = [];
  for (const size of SIZES) {
    const repo = `acme/bench-${size}`;
    await github.createRepo(repo, { files: { 'README.md': '# bench\n' }, collaborators: ['alice'] });
    const changes = files(size);

    github.resetCalls();
    let started = process.hrtime.bigint();
    await new GitOpsPullRequestWriter(octokit).openOrUpdate({
      owner: 'acme', repo: `bench-${size}`, base: 'main', branch: 'provisioning/bench/ours', title: 'bench', body: 'bench',
      commitMessage: 'bench', changes, reviewers: ['alice'], labels: ['provisioning'],
    });
    const oursMs = Number(process.hrtime.bigint() - started) / 1e6;
    const oursCalls = github.totalCalls();

    const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-'));
    for (const file of changes) {
      fs.mkdirSync(path.dirname(path.join(workspace, file.path)), { recursive: true });
      fs.writeFileSync(path.join(workspace, file.path), file.content);
    }
    const action = createPublishGithubPullRequestAction({ integrations });
    github.resetCalls();
    started = process.hrtime.bigint();
    let theirs: string;
    try {
      await action.handler(
        actionContext(workspace, { repoUrl: `${host}?owner=acme&repo=bench-${size}`, branchName: 'backstage/bench', title: 'bench', description: 'bench', reviewers: ['alice'] }) as any,
      );
      theirs = `${github.totalCalls()} calls, ${(Number(process.hrtime.bigint() - started) / 1e6).toFixed(0)} ms`;
    } catch (error) {
      // The action goes through GitHub's GraphQL API at one step, which the emulator (REST only) does not serve:
      // report the REST calls made up to there, which already grow with the number of files (one blob each).
      const calls = github.calls();
      const graphql = calls['POST /graphql'] ? ' (stopped at its GraphQL call, which the emulator does not serve)' : '';
      theirs = `${github.totalCalls()} calls before failing${graphql}, ${calls['POST /repos/{owner}/{repo}/git/blobs'] ?? 0} of them blob uploads: ${(error as Error).message.split('\n')[0]}`;
    }
    fs.rmSync(workspace, { recursive: true, force: true });
    rows.push(`| ${size} | ${oursCalls} calls, ${oursMs.toFixed(0)} ms | ${theirs} |`);
  }
  await github.stop();
  const table = ['| files | provisioning:github:pull-request (GitOps writer) | publish:github:pull-request (Backstage) |', '| --- | --- | --- |', ...rows];
  process.stdout.write(`${table.join('\n')}\n`);
}

main().catch(error => {
  process.stderr.write(`${error.stack ?? error}\n`);
  process.exit(1);
});
