/*
 * Benchmark: opens pull requests with 1, 10, 100 and 500 files against the GitHub emulator, once with our GitOps
 * writer and once with Backstage's own publish:github:pull-request action on the same files, and prints the GitHub
 * calls and wall time of each side by side; then again with a per-call latency added in the emulator.
 *
 * Run: yarn workspace @kubeportal/plugin-scaffolder-backend-module-provisioning benchmark [--latency-ms 0,50]
 */
import { LoggerService } from '@backstage/backend-plugin-api';
import { ConfigReader } from '@backstage/config';
import { ScmIntegrations } from '@backstage/integration';
import { createPublishGithubPullRequestAction } from '@backstage/plugin-scaffolder-backend-module-github';
import {
  createGitHubClient,
  GitOpsPullRequestWriter,
} from '@kubeportal/plugin-provisioning-node';
import { GitHubEmulator } from '@kubeportal/test-environment';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const SIZES = [1, 10, 100, 500];
const TOKEN = 'bench-token';

function latencies(): number[] {
  const at = process.argv.indexOf('--latency-ms');
  const value = at >= 0 ? process.argv[at + 1] : '0,50';
  const parsed = (value ?? '').split(',').map(Number);
  if (parsed.length === 0 || parsed.some(n => !Number.isInteger(n) || n < 0))
    throw new Error(
      `--latency-ms: expected whole milliseconds separated by commas, got '${value}'`,
    );
  return parsed;
}

function files(count: number) {
  return Array.from({ length: count }, (_, i) => ({
    path: `clusters/dev/namespaces/bench/file-${String(i).padStart(
      3,
      '0',
    )}.yaml`,
    content: `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: file-${i}\ndata:\n  index: "${i}"\n`,
  }));
}

const elapsedMs = (started: bigint) =>
  Number(process.hrtime.bigint() - started) / 1e6;
const sum = (calls: Record<string, number>, match: (key: string) => boolean) =>
  Object.entries(calls).reduce(
    (n, [key, count]) => n + (match(key) ? count : 0),
    0,
  );

/**
 * A plain action context: `createMockActionContext` builds its spies with Jest, which a benchmark does not run
 * under. Errors the action logs (it logs, not throws, a failed reviewer request) are collected.
 */
function actionContext(
  workspacePath: string,
  input: Record<string, unknown>,
  logged: string[],
) {
  const logger: LoggerService = {
    info() {},
    debug() {},
    warn: message => {
      logged.push(`warn: ${message}`);
    },
    error: (message, meta) => {
      logged.push(
        `error: ${message}${meta instanceof Error ? `: ${meta.message}` : ''}`,
      );
    },
    child: () => logger,
  };
  const outputs: Record<string, unknown> = {};
  return {
    outputs,
    context: {
      input,
      workspacePath,
      logger,
      output: (name: string, value: unknown) => {
        outputs[name] = value;
      },
      isDryRun: false,
      checkpoint: async ({ fn }: { fn: () => Promise<unknown> }) => fn(),
      createTemporaryDirectory: async () =>
        fs.mkdtempSync(path.join(os.tmpdir(), 'bench-tmp-')),
      getInitiatorCredentials: async () => ({
        $$type: '@backstage/BackstageCredentials',
        principal: { type: 'user', userEntityRef: 'user:default/bench' },
      }),
      templateInfo: { entityRef: 'template:default/bench' },
    },
  };
}

interface Row {
  latencyMs: number;
  files: number;
  ours: { calls: number; ms: number };
  theirs: {
    calls: number;
    blobs: number;
    graphql: number;
    ms: number;
    outcome: string;
  };
}

async function run(latencyMs: number): Promise<Row[]> {
  const github = new GitHubEmulator({
    tokens: { [TOKEN]: 'portal-bot' },
    latencyMs,
  });
  await github.start();
  const host = new URL(github.url).host;
  // the portal's own client (retry and throttling plugins); writes unpaced, as against any emulator
  const octokit = createGitHubClient({
    baseUrl: github.url,
    token: TOKEN,
    writeIntervalMs: 0,
    retryBaseMs: 1,
  });
  const integrations = ScmIntegrations.fromConfig(
    new ConfigReader({
      integrations: {
        github: [{ host, apiBaseUrl: github.url, token: TOKEN }],
      },
    }),
  );
  const rows: Row[] = [];
  try {
    // the first round (1 file) warms up both clients and the emulator and is not reported
    for (const [round, size] of [1, ...SIZES].entries()) {
      const name = `bench-${round}-${size}`;
      const full = `acme/${name}`;
      await github.createRepo(full, {
        files: { 'README.md': '# bench\n' },
        collaborators: ['alice'],
      });
      const changes = files(size);

      // ours: the base commit and its tree (which the plan reads in the portal), then the writer
      github.resetCalls();
      let started = process.hrtime.bigint();
      const baseSha = (
        await octokit.git.getRef({
          owner: 'acme',
          repo: name,
          ref: 'heads/main',
        })
      ).data.object.sha;
      const baseTreeSha = (
        await octokit.git.getCommit({
          owner: 'acme',
          repo: name,
          commit_sha: baseSha,
        })
      ).data.tree.sha;
      const pull = await new GitOpsPullRequestWriter(octokit).openOrUpdate({
        owner: 'acme',
        repo: name,
        base: 'main',
        baseSha,
        baseTreeSha,
        branch: 'provisioning/create/bench',
        requestedBy: {
          requestId: 'bench',
          requester: 'user:default/bench',
          team: 'group:default/bench',
        },
        title: 'bench',
        body: 'bench',
        commitMessage: 'bench',
        changes,
        reviewers: ['alice'],
        labels: ['provisioning'],
      });
      const ours = { calls: github.totalCalls(), ms: elapsedMs(started) };
      if (!pull.created)
        throw new Error(`our writer did not open a pull request on ${full}`);

      // theirs: the same files in a workspace, Backstage's action with the same reviewer
      const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-'));
      for (const file of changes) {
        fs.mkdirSync(path.dirname(path.join(workspace, file.path)), {
          recursive: true,
        });
        fs.writeFileSync(path.join(workspace, file.path), file.content);
      }
      const action = createPublishGithubPullRequestAction({ integrations });
      const logged: string[] = [];
      const { context, outputs } = actionContext(
        workspace,
        {
          repoUrl: `${host}?owner=acme&repo=${name}`,
          branchName: 'backstage/bench',
          title: 'bench',
          description: 'bench',
          reviewers: ['alice'],
        },
        logged,
      );
      github.resetCalls();
      started = process.hrtime.bigint();
      let outcome: string;
      try {
        // the fields of a task context the action uses; the rest (task id, secrets, signal) it does not read
        await action.handler(
          context as unknown as Parameters<typeof action.handler>[0],
        );
        const opened = github
          .pulls(full)
          .find(p => p.head === 'backstage/bench');
        if (!opened || outputs.pullRequestNumber !== opened.number)
          outcome = `no pull request found after the action (outputs ${JSON.stringify(
            outputs,
          )})`;
        else if (!opened.requestedReviewers.includes('alice'))
          outcome = `pull request #${
            opened.number
          } opened, reviewers not requested: ${logged.join('; ')}`;
        else
          outcome = `pull request #${opened.number} opened, review requested`;
      } catch (error) {
        const cause = (error as { cause?: Error }).cause;
        outcome = `failed: ${(error as Error).message}${
          cause ? `: ${cause.message}` : ''
        }`;
      }
      const ms = elapsedMs(started);
      const calls = github.calls();
      fs.rmSync(workspace, { recursive: true, force: true });
      if (round === 0) continue;
      rows.push({
        latencyMs,
        files: size,
        ours,
        theirs: {
          calls: github.totalCalls(),
          blobs: sum(
            calls,
            key => key === 'POST /repos/{owner}/{repo}/git/blobs',
          ),
          graphql: sum(calls, key => key === 'POST /graphql'),
          ms,
          outcome,
        },
      });
    }
  } finally {
    await github.stop();
  }
  return rows;
}

async function main() {
  const rows: Row[] = [];
  for (const latency of latencies()) rows.push(...(await run(latency)));
  const table = [
    '| latency per call | files | GitOps writer (provisioning:github:pull-request) | publish:github:pull-request (Backstage) | Backstage outcome |',
    '| --- | --- | --- | --- | --- |',
    ...rows.map(
      r =>
        `| ${r.latencyMs} ms | ${r.files} | ${
          r.ours.calls
        } calls, ${r.ours.ms.toFixed(0)} ms | ${r.theirs.calls} calls (${
          r.theirs.blobs
        } blob uploads, ${r.theirs.graphql} GraphQL), ${r.theirs.ms.toFixed(
          0,
        )} ms | ${r.theirs.outcome} |`,
    ),
  ];
  process.stdout.write(`${table.join('\n')}\n`);
  process.stdout.write(
    'GitOps writer calls include the 2 reads of the base commit (ref, commit) that a plan makes in the portal; it also adds labels (1 call), which the Backstage action is not asked to.\n',
  );
  if (
    rows.some(
      r =>
        !r.theirs.outcome.startsWith('pull request #') ||
        r.theirs.outcome.includes('not requested'),
    )
  )
    process.exitCode = 1;
}

main().catch(error => {
  process.stderr.write(`${error.stack ?? error}\n`);
  process.exit(1);
});
