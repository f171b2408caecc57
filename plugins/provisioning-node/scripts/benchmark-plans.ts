/*
 * Benchmark: plans requests through the real RequestPlanner on GitOps repositories of 10, 100, 1,000 and 2,000
 * namespaces across 20 clusters, served by the GitHub emulator, and prints the GitHub calls, wall time and blob
 * cache use of each plan, cold (a new service: empty caches) and warm (the same service, another request on the
 * same commit), with the targets checked.
 *
 * The repositories are rendered by the portal's own renderer (renderRequest + applyChanges, CODEOWNERS from the
 * catalog's project leads), ten namespaces a team, so CODEOWNERS, team folders and the per-team cost summary are
 * what the portal itself would have written. The clusters are configured with an address nothing listens on: the
 * live check of a new namespace then reports the cluster as unreachable (one problem in the plan), and the plan
 * is built all the same.
 *
 * Run: yarn workspace @kubeportal/plugin-provisioning-node benchmark
 */
import { LoggerService } from '@backstage/backend-plugin-api';
import { ConfigReader } from '@backstage/config';
import {
  applyChanges,
  parseRequest,
  renderRequest,
} from '@kubeportal/plugin-provisioning-common';
import { GitHubEmulator } from '@kubeportal/test-environment';
import {
  createGitHubClient,
  createProvisioningService,
  ProvisioningService,
  readProvisioningConfig,
  RequestPlan,
  RequestAuthorizer,
  Requester,
  TeamDirectory,
  TeamFacts,
} from '../src';

const SIZES = [10, 100, 1000, 2000];
const CLUSTERS = Array.from({ length: 20 }, (_, i) => ({
  name: `cluster-${String(i + 1).padStart(2, '0')}`,
  environment: i % 2 === 0 ? 'dev' : 'staging',
}));
const NAMESPACES_PER_TEAM = 10;
const TOKEN = 'bench-token';
const TODAY = '2026-11-25';
const TARGETS = { warmReadCalls: 5, coldMsAt2000: 2000 };
/** Open pull requests of the portal when the live checks are measured apart, on the largest repository. */
const OPEN_PULL_REQUESTS = 10;

const teamName = (index: number) =>
  `team-${String(Math.floor(index / NAMESPACES_PER_TEAM)).padStart(3, '0')}`;
const namespaceName = (index: number) => `ns-${String(index).padStart(4, '0')}`;
const clusterOf = (index: number) => CLUSTERS[index % CLUSTERS.length];
const leadOf = (team: string) => `lead-${team}`;

function config(repo: string) {
  return new ConfigReader({
    provisioning: {
      gitops: { host: 'github.bench', owner: 'acme', repo, branch: 'main' },
      // nothing listens on port 1: the live check gets "connection refused" at once
      clusters: CLUSTERS.map(c => ({
        ...c,
        url: 'https://127.0.0.1:1',
        auth: { type: 'serviceAccountToken', token: 'unused' },
        storageClasses: ['fast'],
        ingressNamespace: 'ingress-nginx',
      })),
    },
  });
}

const teamFacts = (team: string): TeamFacts => ({
  ref: `group:default/${team}`,
  projectLeads: [leadOf(team)],
  adGroups: [`sg-${team}`],
  costCentre: 'CC-1000',
});
const teams: TeamDirectory = {
  getTeam: async ref =>
    ref === 'group:default/platform'
      ? { ...teamFacts('platform'), projectLeads: ['platform-lead'] }
      : teamFacts(ref.replace(/^group:default\//, '')),
  getGitHubLogin: async () => 'bench',
};
/** Every request kind allowed (the permission policy is not what is measured here). */
const access: RequestAuthorizer = {
  precheck: () => undefined,
  check: () => undefined,
};
const requesterOf = (team: string): Requester => ({
  userEntityRef: 'user:default/bench',
  ownershipEntityRefs: ['user:default/bench', `group:default/${team}`],
});

const namespaceInput = (index: number, name: string) => {
  const cluster = clusterOf(index);
  const team = teamName(index);
  return {
    kind: 'namespace',
    cluster: cluster.name,
    name,
    team: `group:default/${team}`,
    environment: cluster.environment,
    purpose: `Benchmark namespace ${name}`,
    quota: { tier: 'S' },
    networkPolicy: { preset: 'ingress', allowEgressTo: [] },
    access: [{ group: `sg-${team}`, role: 'edit' }],
  };
};
const vmInput = (index: number, name: string) => ({
  kind: 'vm',
  cluster: clusterOf(index).name,
  namespace: namespaceName(index),
  name,
  purpose: `Benchmark VM ${name}`,
  cpu: 1,
  memory: '1Gi',
  rootDisk: {
    size: '10Gi',
    storageClass: 'fast',
    source: { type: 'http', url: 'https://images.example.com/rhel9.qcow2' },
  },
});

/** The repositories of every size, rendered namespace by namespace as the portal would have, as file maps. */
function renderRepositories(): Map<number, Map<string, string>> {
  const settings = readProvisioningConfig(config('render')).settings;
  let repo = new Map<string, string>([['README.md', '# GitOps\n']]);
  for (const c of CLUSTERS)
    repo.set(
      `clusters/${c.name}/kustomization.yaml`,
      'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: []\n',
    );
  const out = new Map<number, Map<string, string>>();
  const largest = Math.max(...SIZES);
  for (let i = 0; i < largest; i++) {
    const team = teamName(i);
    const request = parseRequest({
      ...namespaceInput(i, namespaceName(i)),
      requester: 'user:default/bench',
      costCentre: 'CC-1000',
    });
    const result = renderRequest(request, {
      settings,
      repo,
      teamAccess: { [team]: [{ group: `sg-${team}`, role: 'edit' }] },
      codeowners: [leadOf(team), 'platform-lead'],
    });
    repo = applyChanges(repo, result.changes);
    if (SIZES.includes(i + 1)) out.set(i + 1, repo);
  }
  return out;
}

const silentLogger: LoggerService = {
  error() {},
  warn() {},
  info() {},
  debug() {},
  child: () => silentLogger,
};

interface Measure {
  /** GET calls on the repository (branch head, trees, blobs). */
  reads: number;
  /** GET calls of the live checks (open pull requests, their files). */
  live: number;
  liveDetail: string;
  other: string[];
  ms: number;
  /** Time of the recursive tree call, when the plan made one. */
  treeMs?: number;
  hits: number;
  misses: number;
  plan: RequestPlan;
}

/** How long each GitHub call took as the client saw it, by route template (reset per plan). */
const timings: Array<{ route: string; ms: number }> = [];

function timedClient(baseUrl: string) {
  const client = createGitHubClient({
    baseUrl,
    token: TOKEN,
    writeIntervalMs: 0,
    retryBaseMs: 1,
  });
  client.hook.wrap('request', async (request, options) => {
    const started = process.hrtime.bigint();
    try {
      return await request(options);
    } finally {
      timings.push({
        route: `${options.method} ${options.url}`,
        ms: Number(process.hrtime.bigint() - started) / 1e6,
      });
    }
  });
  return client;
}

const isLiveCheck = (key: string) =>
  key.startsWith('GET /repos/{owner}/{repo}/pulls');
const isRepositoryRead = (key: string) =>
  key.startsWith('GET /repos/{owner}/{repo}/git/');

async function measure(
  github: GitHubEmulator,
  service: ProvisioningService,
  input: Record<string, unknown>,
  team: string,
): Promise<Measure> {
  const gitops = service.gitops!;
  const before = gitops.repository.cacheStats();
  github.resetCalls();
  timings.length = 0;
  const started = process.hrtime.bigint();
  const plan = await gitops.planner.plan(
    input,
    { requester: requesterOf(team), teams, access },
    { today: TODAY },
  );
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  const after = gitops.repository.cacheStats();
  const calls = Object.entries(github.calls());
  const count = (match: (key: string) => boolean) =>
    calls.reduce((n, [key, value]) => n + (match(key) ? value : 0), 0);
  return {
    reads: count(isRepositoryRead),
    live: count(isLiveCheck),
    liveDetail: calls
      .filter(([key]) => isLiveCheck(key))
      .map(([key, value]) => `${value} ${key}`)
      .join(', '),
    other: calls
      .filter(([key]) => !isRepositoryRead(key) && !isLiveCheck(key))
      .map(([key, value]) => `${value} ${key}`),
    ms,
    treeMs: timings.find(t => t.route.includes('/git/trees/'))?.ms,
    hits: after.hits - before.hits,
    misses: after.misses - before.misses,
    plan,
  };
}

interface Row {
  size: number;
  files: number;
  kind: string;
  cold: Measure;
  warm: Measure;
  otherTeam?: Measure;
}

async function main() {
  const github = new GitHubEmulator({ tokens: { [TOKEN]: 'portal-bot' } });
  await github.start();
  const rows: Row[] = [];
  let withOpenPulls: { size: number; open: number; warm: Measure } | undefined;
  try {
    let started = process.hrtime.bigint();
    const repositories = renderRepositories();
    const renderMs = Number(process.hrtime.bigint() - started) / 1e6;
    process.stdout.write(
      `Rendered the repositories with the portal's renderer in ${(
        renderMs / 1000
      ).toFixed(1)} s.\n`,
    );
    // the first round (10 namespaces) warms up the modules and the JIT and is not reported
    for (const [round, size] of [SIZES[0], ...SIZES].entries()) {
      const files = repositories.get(size)!;
      const repo = `gitops-${round}-${size}`;
      started = process.hrtime.bigint();
      await github.createRepo(`acme/${repo}`, {
        files: Object.fromEntries(files),
        collaborators: ['platform-lead', leadOf(teamName(0))],
      });
      if (round > 0)
        process.stdout.write(
          `Created acme/${repo} (${files.size} files) in ${(
            Number(process.hrtime.bigint() - started) / 1e9
          ).toFixed(1)} s.\n`,
        );
      // the requests of team-000 (its first namespace's cluster), and of the last team on another cluster (none
      // when the repository has one team)
      const own = 0;
      const other =
        size > NAMESPACES_PER_TEAM
          ? Math.floor((size - 1) / NAMESPACES_PER_TEAM) * NAMESPACES_PER_TEAM +
            1
          : undefined;
      const cases = [
        {
          kind: 'namespace',
          first: namespaceInput(own, 'bench-ns-a'),
          second: namespaceInput(own, 'bench-ns-b'),
          third:
            other === undefined
              ? undefined
              : namespaceInput(other, 'bench-ns-c'),
        },
        {
          kind: 'vm',
          first: vmInput(own, 'bench-vm-a'),
          second: vmInput(own, 'bench-vm-b'),
          third: other === undefined ? undefined : vmInput(other, 'bench-vm-c'),
        },
      ];
      for (const c of cases) {
        // a new service: empty tree and blob caches, no plans
        const service = createProvisioningService(config(repo), {
          logger: silentLogger,
          octokit: timedClient(github.url),
          clusterTimeoutMs: 1000,
        });
        const cold = await measure(github, service, c.first, teamName(own));
        const warm = await measure(github, service, c.second, teamName(own));
        const otherTeam =
          c.third && other !== undefined
            ? await measure(github, service, c.third, teamName(other))
            : undefined;
        if (round > 0)
          rows.push({
            size,
            files: files.size,
            kind: c.kind,
            cold,
            warm,
            otherTeam,
          });
      }
      if (round > 0 && size === Math.max(...SIZES)) {
        // the live checks read every open pull request of the portal: open some, then plan once more
        const service = createProvisioningService(config(repo), {
          logger: silentLogger,
          octokit: timedClient(github.url),
          clusterTimeoutMs: 1000,
        });
        const who = { requester: requesterOf(teamName(own)), teams };
        for (let k = 0; k < OPEN_PULL_REQUESTS; k++)
          await service.gitops!.planner.openPullRequest(
            vmInput(own, `bench-pr-${k}`),
            who,
          );
        await measure(
          github,
          service,
          vmInput(own, 'bench-vm-d'),
          teamName(own),
        );
        withOpenPulls = {
          size,
          open: OPEN_PULL_REQUESTS,
          warm: await measure(
            github,
            service,
            vmInput(own, 'bench-vm-e'),
            teamName(own),
          ),
        };
      }
    }
  } finally {
    await github.stop();
  }

  const cell = (m: Measure) => `${m.reads} / ${m.ms.toFixed(0)} ms`;
  const cache = (m: Measure) => `${m.hits}/${m.misses}`;
  const table = [
    '| namespaces (files) | request | cold: read calls / ms | warm: read calls / ms | blob cache hits/misses cold, warm | live-check calls cold, warm | first plan of another team: read calls / ms, cache hits/misses |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...rows.map(
      r =>
        `| ${r.size} (${r.files}) | ${r.kind} | ${cell(r.cold)} | ${cell(
          r.warm,
        )} | ${cache(r.cold)}, ${cache(r.warm)} | ${r.cold.live}, ${
          r.warm.live
        } | ${
          r.otherTeam
            ? `${cell(r.otherTeam)}, ${cache(r.otherTeam)}`
            : 'one team only'
        } |`,
    ),
  ];
  process.stdout.write(`\n${table.join('\n')}\n\n`);
  process.stdout.write(
    'Read calls: GET on git/ref, git/trees and git/blobs. Live-check calls: GET on pulls (the open pull requests of the portal and their files), counted apart.\n',
  );
  const others = [
    ...new Set(
      rows.flatMap(r =>
        [r.cold, r.warm, r.otherTeam].flatMap(m => m?.other ?? []),
      ),
    ),
  ];
  if (others.length > 0)
    process.stdout.write(`Other calls made: ${others.join(', ')}\n`);
  for (const r of rows.filter(x => x.size === Math.max(...SIZES))) {
    const m = r.cold;
    process.stdout.write(
      `Cold ${r.kind} plan on ${r.size} namespaces: ${m.ms.toFixed(
        0,
      )} ms, of which the recursive tree call ${
        m.treeMs?.toFixed(0) ?? '-'
      } ms; ` +
        `${m.plan.result.changes.length} files changed; problems: ${
          m.plan.problems.map(p => `${p.path}: ${p.message}`).join('; ') ||
          'none'
        }\n`,
    );
  }

  if (withOpenPulls) {
    const { size, open, warm } = withOpenPulls;
    process.stdout.write(
      `With ${open} open pull requests of the portal (${size} namespaces), a warm vm plan: ${
        warm.reads
      } read calls, ${warm.live} live-check calls (${
        warm.liveDetail
      }), ${warm.ms.toFixed(0)} ms\n`,
    );
  }

  const worstWarm = Math.max(...rows.map(r => r.warm.reads));
  const cold2000 = rows.filter(r => r.size === 2000).map(r => r.cold.ms);
  const results = [
    {
      name: `warm request at most ${TARGETS.warmReadCalls} read calls whatever the size`,
      pass: worstWarm <= TARGETS.warmReadCalls,
      seen: `worst ${worstWarm}`,
    },
    {
      name: `cold plan on 2,000 namespaces under ${TARGETS.coldMsAt2000} ms against the emulator`,
      pass: cold2000.every(ms => ms < TARGETS.coldMsAt2000),
      seen: cold2000.map(ms => `${ms.toFixed(0)} ms`).join(', '),
    },
  ];
  process.stdout.write('\n');
  for (const r of results)
    process.stdout.write(
      `${r.pass ? 'PASS' : 'FAIL'}: ${r.name} (${r.seen})\n`,
    );
  if (results.some(r => !r.pass)) process.exitCode = 1;
}

main().catch(error => {
  process.stderr.write(`${error.stack ?? error}\n`);
  process.exit(1);
});
