import {
  applyChanges,
  KubeObject,
  namespaceSyncName,
  parsePlatformSettings,
  parseRequest,
  renderRequest,
  RepoSnapshot,
} from '@kubeportal/plugin-provisioning-common';
import { Octokit } from '@octokit/rest';
import YAML from 'yaml';
import { describeWithKube } from '../availability';
import { ensureBinaries } from '../binaries';
import { GitHubEmulator } from '../github/GitHubEmulator';
import { KubeApi, KubeApiError } from '../kube/KubeApi';
import { KubeTestEnv, startKubeTestEnv } from '../kube/kubeTestEnv';
import { waitUntil } from '../process';
import {
  FluxControllers,
  requestReconcile,
  startFlux,
  syncClusterFromGit,
  waitForKustomizationReady,
} from './flux';

jest.setTimeout(420_000);

const settings = parsePlatformSettings({
  clusters: [{ name: 'dev', environment: 'dev' }],
});
const namespaceOf = (name: string, team: string, group: string) => ({
  kind: 'namespace',
  cluster: 'dev',
  name,
  team,
  requester: 'jdoe',
  environment: 'dev',
  costCentre: 'cc',
  purpose: 'tenancy test',
  quota: { tier: 'S' },
  access: [{ group, role: 'edit' }],
});
const R = { owner: 'acme', repo: 'gitops' };

/** The Ready condition of a Flux Kustomization and the revisions it attempted and applied. */
async function kustomizationState(api: KubeApi, name: string) {
  const ks = await api.get(
    `/apis/kustomize.toolkit.fluxcd.io/v1/namespaces/flux-system/kustomizations/${name}`,
  );
  const ready = (ks.status?.conditions ?? []).find(
    (c: any) => c.type === 'Ready',
  );
  return {
    ready,
    attempted: String(ks.status?.lastAttemptedRevision ?? ''),
    applied: String(ks.status?.lastAppliedRevision ?? ''),
  };
}

async function absent(api: KubeApi, path: string): Promise<boolean> {
  try {
    await api.get(path);
    return false;
  } catch (error) {
    if (error instanceof KubeApiError && error.status === 404) return true;
    throw error;
  }
}

/** What Flux applied in a namespace: each object with its resourceVersion (changes when anything is written). */
async function appliedIn(
  api: KubeApi,
  namespace: string,
): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const [kind, path] of [
    ['ResourceQuota', `/api/v1/namespaces/${namespace}/resourcequotas`],
    ['LimitRange', `/api/v1/namespaces/${namespace}/limitranges`],
    [
      'NetworkPolicy',
      `/apis/networking.k8s.io/v1/namespaces/${namespace}/networkpolicies`,
    ],
    [
      'RoleBinding',
      `/apis/rbac.authorization.k8s.io/v1/namespaces/${namespace}/rolebindings`,
    ],
  ]) {
    for (const item of (await api.get(path)).items)
      out[`${kind}/${item.metadata.name}`] = item.metadata.resourceVersion;
  }
  return out;
}

/** Commits file changes straight onto main of the emulator's repository, as a merged pull request would. */
async function commitTo(
  github: GitHubEmulator,
  changes: Array<{ path: string; content: string | null }>,
  message: string,
): Promise<string> {
  const octokit = new Octokit({ baseUrl: github.url, auth: 'portal-token' });
  const main = (await octokit.git.getRef({ ...R, ref: 'heads/main' })).data
    .object.sha;
  const baseTree = (await octokit.git.getCommit({ ...R, commit_sha: main }))
    .data.tree.sha;
  const tree = await octokit.git.createTree({
    ...R,
    base_tree: baseTree,
    tree: changes.map(c => ({
      path: c.path,
      mode: '100644' as const,
      type: 'blob' as const,
      ...(c.content === null ? { sha: null } : { content: c.content }),
    })),
  });
  const commit = await octokit.git.createCommit({
    ...R,
    message,
    tree: tree.data.sha,
    parents: [main],
  });
  await octokit.git.updateRef({
    ...R,
    ref: 'heads/main',
    sha: commit.data.sha,
  });
  return commit.data.sha;
}

describeWithKube(
  'tenants stay apart on the cluster: real Flux applies each namespace folder with its own account',
  () => {
    let env: KubeTestEnv;
    let flux: FluxControllers;
    let github: GitHubEmulator;
    let repo: RepoSnapshot = new Map();
    const commitToMain = (
      changes: Array<{ path: string; content: string | null }>,
      message: string,
    ) => commitTo(github, changes, message);

    beforeAll(async () => {
      github = new GitHubEmulator({ tokens: { 'portal-token': 'portal-bot' } });
      await github.start();
      // two teams' namespaces, rendered by the real renderer
      for (const input of [
        namespaceOf('alpha', 'team-a', 'sg-team-a'),
        namespaceOf('bravo', 'team-b', 'sg-team-b'),
      ]) {
        repo = applyChanges(
          repo,
          renderRequest(parseRequest(input), {
            settings,
            repo,
            codeowners: ['alice'],
          }).changes,
        );
      }
      await github.createRepo('acme/gitops', {
        files: Object.fromEntries(repo),
        collaborators: ['alice'],
      });
      env = await startKubeTestEnv({
        clusters: ['dev'],
        controllerManager: false,
      });
      flux = await startFlux(env.clusters.dev, await ensureBinaries());
      // every test starts from the repository applied: the platform Kustomization and both namespace folders Ready
      await syncClusterFromGit(env.clusters.dev, {
        url: github.cloneUrl('acme/gitops'),
      });
      const platform = await waitForKustomizationReady(
        env.clusters.dev.api,
        'cluster-dev',
      );
      const first = platform.status.lastAppliedRevision.split(':')[1];
      for (const ns of ['alpha', 'bravo'])
        await waitForKustomizationReady(
          env.clusters.dev.api,
          namespaceSyncName(ns),
          { sha: first },
        );
    });
    afterAll(async () => {
      await flux?.stop();
      await env?.stop();
      await github?.stop();
    });

    it("refuses a commit in team A's folder that writes into team B's namespace, and leaves both teams' objects as they were", async () => {
      const api = env.clusters.dev.api;
      const platform = await waitForKustomizationReady(api, 'cluster-dev');
      const first = platform.status.lastAppliedRevision.split(':')[1];
      for (const ns of ['alpha', 'bravo']) {
        const folder = await waitForKustomizationReady(
          api,
          namespaceSyncName(ns),
          { sha: first },
        );
        expect(folder.spec.serviceAccountName).toBe(`ns-${ns}`);
      }
      const alphaBefore = await appliedIn(api, 'alpha');
      const bravoBefore = await appliedIn(api, 'bravo');
      // each namespace's objects came from its own Kustomization; the platform's binding of its applier from Flux's
      expect(Object.keys(bravoBefore).sort()).toEqual([
        'LimitRange/defaults',
        'NetworkPolicy/allow-dns',
        'NetworkPolicy/allow-same-namespace',
        'NetworkPolicy/default-deny',
        'ResourceQuota/quota',
        'RoleBinding/access-edit',
        'RoleBinding/kubeportal-applier',
      ]);
      expect(
        (await api.get('/api/v1/namespaces/bravo/resourcequotas/quota'))
          .metadata.labels['kustomize.toolkit.fluxcd.io/name'],
      ).toBe('ns-bravo');
      // the request record the team defaults take their labels from is local config: Flux drops it too
      expect(
        await absent(
          api,
          '/api/v1/namespaces/bravo/configmaps/kubeportal-request',
        ),
      ).toBe(true);
      expect(
        (
          await api.get(
            '/apis/rbac.authorization.k8s.io/v1/namespaces/bravo/rolebindings/kubeportal-applier',
          )
        ).metadata.labels['kustomize.toolkit.fluxcd.io/name'],
      ).toBe('cluster-dev');

      // A merged mistake in team A's folder: a RoleBinding giving team A's group admin, aimed at team B's namespace.
      // The kustomization's `namespace:` field would move a plain object back into alpha (kustomize's own fence); a
      // replacement runs after it, so a hand-edited kustomization can still aim it at bravo. Only the identity stops it.
      const kustomizationPath =
        'clusters/dev/namespaces/alpha/kustomization.yaml';
      const kustomization = YAML.parse(repo.get(kustomizationPath)!);
      kustomization.resources.push('handover.yaml');
      kustomization.replacements = [
        {
          source: {
            kind: 'RoleBinding',
            name: 'handover',
            fieldPath: 'metadata.annotations.[example.com/target-namespace]',
          },
          targets: [
            {
              select: { kind: 'RoleBinding', name: 'handover' },
              fieldPaths: ['metadata.namespace'],
            },
          ],
        },
      ];
      const handover = {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'RoleBinding',
        metadata: {
          name: 'handover',
          namespace: 'bravo',
          annotations: { 'example.com/target-namespace': 'bravo' },
        },
        roleRef: {
          apiGroup: 'rbac.authorization.k8s.io',
          kind: 'ClusterRole',
          name: 'admin',
        },
        subjects: [
          {
            apiGroup: 'rbac.authorization.k8s.io',
            kind: 'Group',
            name: 'sg-team-a',
          },
        ],
      };
      const mistake = await commitToMain(
        [
          { path: kustomizationPath, content: YAML.stringify(kustomization) },
          {
            path: 'clusters/dev/namespaces/alpha/handover.yaml',
            content: YAML.stringify(handover),
          },
        ],
        'alpha: hand over to team B',
      );

      await requestReconcile(api, 'GitRepository', 'gitops');
      let alpha = await kustomizationState(api, 'ns-alpha');
      await waitUntil(
        'ns-alpha to attempt the commit',
        async () => {
          alpha = await kustomizationState(api, 'ns-alpha');
          return (
            alpha.attempted.endsWith(mistake) && alpha.ready?.status === 'False'
          );
        },
        { timeoutMs: 120_000, intervalMs: 500 },
      );
      // the actual Flux message, for the record
      // eslint-disable-next-line no-console
      console.log(
        `ns-alpha Ready=${alpha.ready.status} ${alpha.ready.reason}: ${alpha.ready.message}`,
      );
      expect(alpha.ready.message).toMatch(/RoleBinding\/bravo\/handover/);
      expect(alpha.ready.message).toMatch(/forbidden/i);
      expect(alpha.ready.message).toContain(
        'User "system:serviceaccount:flux-system:ns-alpha"',
      );
      expect(alpha.ready.message).toContain('in the namespace "bravo"');
      // team A keeps what was applied before the mistake: nothing pruned, nothing half-applied
      expect(alpha.applied.endsWith(first)).toBe(true);

      // team B: its Kustomization applies the new revision, and nothing of B was written by A
      await waitForKustomizationReady(api, 'ns-bravo', { sha: mistake });
      await waitForKustomizationReady(api, 'cluster-dev', { sha: mistake });
      expect(
        await absent(
          api,
          '/apis/rbac.authorization.k8s.io/v1/namespaces/bravo/rolebindings/handover',
        ),
      ).toBe(true);
      expect(await appliedIn(api, 'bravo')).toEqual(bravoBefore);
      // team A's objects stay applied and unchanged; the handover was not applied in alpha either
      expect(await appliedIn(api, 'alpha')).toEqual(alphaBefore);
      expect(
        await absent(
          api,
          '/apis/rbac.authorization.k8s.io/v1/namespaces/alpha/rolebindings/handover',
        ),
      ).toBe(true);
    });

    it('applies nothing for a Kustomization that names no account (the lockdown: it acts as flux-system:default)', async () => {
      const api = env.clusters.dev.api;
      const noAccount: KubeObject = {
        apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
        kind: 'Kustomization',
        metadata: { name: 'no-account', namespace: 'flux-system' },
        spec: {
          interval: '10m',
          path: './clusters/dev/namespaces/bravo',
          prune: false,
          sourceRef: { kind: 'GitRepository', name: 'gitops' },
          timeout: '1m',
        },
      };
      await api.apply(noAccount);
      let state = await kustomizationState(api, 'no-account');
      await waitUntil(
        'no-account to fail',
        async () => {
          state = await kustomizationState(api, 'no-account');
          return (
            state.ready?.status === 'False' &&
            /forbidden/i.test(state.ready.message)
          );
        },
        { timeoutMs: 120_000, intervalMs: 500 },
      );
      expect(state.ready.message).toContain(
        'User "system:serviceaccount:flux-system:default"',
      );
    });

    it("decommissions team B's namespace: Flux's platform Kustomization removes it with its applier, team A untouched", async () => {
      const api = env.clusters.dev.api;
      const alphaBefore = await appliedIn(api, 'alpha');
      const decommission = renderRequest(
        parseRequest({
          kind: 'decommission',
          cluster: 'dev',
          namespace: 'bravo',
          requester: 'jdoe',
          purpose: 'tenancy test done',
        }),
        { settings, repo },
      );
      const sha = await commitToMain(
        decommission.changes,
        'Decommission bravo',
      );
      await requestReconcile(api, 'GitRepository', 'gitops');
      await waitForKustomizationReady(api, 'cluster-dev', { sha });
      await waitUntil(
        'the Kustomization of bravo and its account to be gone',
        async () =>
          (await absent(
            api,
            '/apis/kustomize.toolkit.fluxcd.io/v1/namespaces/flux-system/kustomizations/ns-bravo',
          )) &&
          (await absent(
            api,
            '/api/v1/namespaces/flux-system/serviceaccounts/ns-bravo',
          )),
        { timeoutMs: 120_000, intervalMs: 500 },
      );
      // no kube-controller-manager here: the namespace is deleted, and would finalize with one
      const bravo = await api
        .get('/api/v1/namespaces/bravo')
        .catch(e =>
          e instanceof KubeApiError && e.status === 404
            ? undefined
            : Promise.reject(e),
        );
      expect(
        bravo === undefined || bravo.metadata.deletionTimestamp !== undefined,
      ).toBe(true);
      expect(await appliedIn(api, 'alpha')).toEqual(alphaBefore);
    });
  },
);
