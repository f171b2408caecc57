import {
  applyChanges,
  namespaceSyncName,
  parsePlatformSettings,
  parseRequest,
  renderRequest,
} from '@kubeportal/plugin-provisioning-common';
import { Octokit } from '@octokit/rest';
import { ensureBinaries } from '../binaries';
import { GitHubEmulator } from '../github/GitHubEmulator';
import { KubeTestEnv, startKubeTestEnv } from '../kube/kubeTestEnv';
import { describeWithKube } from '../availability';
import {
  FluxControllers,
  requestReconcile,
  startFlux,
  syncClusterFromGit,
  waitForKustomizationReady,
} from './flux';

jest.setTimeout(300_000);

const settings = parsePlatformSettings({
  clusters: [{ name: 'dev', environment: 'dev' }],
});
const namespace = {
  kind: 'namespace',
  cluster: 'dev',
  name: 'payments',
  team: 'payments',
  requester: 'jdoe',
  environment: 'dev',
  costCentre: 'cc',
  purpose: 'flux test',
  quota: { tier: 'S' },
};

describeWithKube(
  'real Flux controllers syncing from the GitHub emulator',
  () => {
    let env: KubeTestEnv;
    let flux: FluxControllers;
    let github: GitHubEmulator;

    beforeAll(async () => {
      github = new GitHubEmulator({ tokens: { 'portal-token': 'portal-bot' } });
      await github.start();
      const repo = applyChanges(
        new Map(),
        renderRequest(parseRequest(namespace), { settings, repo: new Map() })
          .changes,
      );
      await github.createRepo('acme/gitops', {
        files: Object.fromEntries(repo),
        collaborators: ['alice'],
      });
      env = await startKubeTestEnv({ clusters: ['dev'] });
      flux = await startFlux(env.clusters.dev, await ensureBinaries());
    });
    afterAll(async () => {
      await flux?.stop();
      await env?.stop();
      await github?.stop();
    });

    it('applies clusters/dev, then a merged pull request', async () => {
      const api = env.clusters.dev.api;
      await syncClusterFromGit(env.clusters.dev, {
        url: github.cloneUrl('acme/gitops'),
      });
      const first = await waitForKustomizationReady(api, 'cluster-dev');
      expect(first.status.lastAppliedRevision).toMatch(
        /^main@sha1:[0-9a-f]{40}$/,
      );
      // the platform part (Flux's own account) creates the namespace; the namespace's own Kustomization applies its folder
      const ns = await api.get('/api/v1/namespaces/payments');
      expect(ns.metadata.labels).toMatchObject({
        'provisioning.kubeportal.io/owner': 'payments',
        'kustomize.toolkit.fluxcd.io/name': 'cluster-dev',
      });
      const folder = await waitForKustomizationReady(
        api,
        namespaceSyncName('payments'),
        { sha: first.status.lastAppliedRevision.split(':')[1] },
      );
      expect(folder.spec.serviceAccountName).toBe('ns-payments');
      const quota = await api.get(
        '/api/v1/namespaces/payments/resourcequotas/quota',
      );
      expect(quota.spec.hard['requests.cpu']).toBe('2');
      expect(quota.metadata.labels).toMatchObject({
        'kustomize.toolkit.fluxcd.io/name': 'ns-payments',
      });

      // a change through a pull request: the tree, commit, branch and merge are real git objects
      const octokit = new Octokit({
        baseUrl: github.url,
        auth: 'portal-token',
      });
      const R = { owner: 'acme', repo: 'gitops' };
      const main = (await octokit.git.getRef({ ...R, ref: 'heads/main' })).data
        .object.sha;
      const baseTree = (await octokit.git.getCommit({ ...R, commit_sha: main }))
        .data.tree.sha;
      const quotaChange = renderRequest(
        parseRequest({
          kind: 'quota-change',
          cluster: 'dev',
          namespace: 'payments',
          requester: 'jdoe',
          purpose: 'more',
          quota: { tier: 'M' },
        }),
        {
          settings,
          repo: applyChanges(
            new Map(),
            renderRequest(parseRequest(namespace), {
              settings,
              repo: new Map(),
            }).changes,
          ),
        },
      );
      const tree = await octokit.git.createTree({
        ...R,
        base_tree: baseTree,
        tree: quotaChange.changes.map(c => ({
          path: c.path,
          mode: '100644' as const,
          type: 'blob' as const,
          content: c.content!,
        })),
      });
      const commit = await octokit.git.createCommit({
        ...R,
        message: 'Quota M',
        tree: tree.data.sha,
        parents: [main],
      });
      await octokit.git.createRef({
        ...R,
        ref: 'refs/heads/quota',
        sha: commit.data.sha,
      });
      const pull = await octokit.pulls.create({
        ...R,
        title: 'Quota M',
        head: 'quota',
        base: 'main',
      });
      await github.approve('acme/gitops', pull.data.number, 'alice');
      const merged = await github.merge(
        'acme/gitops',
        pull.data.number,
        'alice',
      );

      const started = Date.now();
      await requestReconcile(api, 'GitRepository', 'gitops');
      await waitForKustomizationReady(api, 'cluster-dev', { sha: merged });
      await waitForKustomizationReady(api, namespaceSyncName('payments'), {
        sha: merged,
      });
      const applied = Date.now() - started;
      expect(
        (await api.get('/api/v1/namespaces/payments/resourcequotas/quota')).spec
          .hard['requests.cpu'],
      ).toBe('4');
      expect(applied).toBeLessThan(60_000);
    });
  },
);
