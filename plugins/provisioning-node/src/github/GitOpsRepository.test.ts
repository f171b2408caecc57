import { GitHubEmulator } from '@kubeportal/test-environment';
import type { Octokit } from '@octokit/rest';
import { BlobCache } from './BlobCache';
import { createGitHubClient } from './githubClient';
import { GitOpsRepository } from './GitOpsRepository';

describe('GitOpsRepository', () => {
  let github: GitHubEmulator;
  let octokit: Octokit;
  const files: Record<string, string> = { CODEOWNERS: '* @platform\n' };
  for (let c = 0; c < 3; c++) {
    files[`clusters/c${c}/kustomization.yaml`] = 'resources: []\n';
    for (let n = 0; n < 20; n++)
      files[
        `clusters/c${c}/namespaces/ns${n}/kustomization.yaml`
      ] = `namespace: ns${n}\n`;
  }

  beforeAll(async () => {
    github = new GitHubEmulator({ tokens: { t: 'portal-bot' } });
    await github.start();
    await github.createRepo('acme/gitops', { files });
    octokit = createGitHubClient({
      baseUrl: github.url,
      token: 't',
      writeIntervalMs: 0,
    });
  });
  afterAll(() => github.stop());

  const location = { owner: 'acme', repo: 'gitops', branch: 'main' };
  const wanted = (path: string) =>
    path === 'CODEOWNERS' || path.startsWith('clusters/c1/namespaces/ns3/');

  it('reads the head, the tree and only the wanted files; warm, only the head', async () => {
    const repository = new GitOpsRepository(octokit, location);
    github.resetCalls();
    const cold = await repository.snapshot(wanted);
    expect([...cold.files.keys()].sort()).toEqual([
      'CODEOWNERS',
      'clusters/c1/namespaces/ns3/kustomization.yaml',
    ]);
    expect(cold.paths.size).toBe(64);
    expect(github.totalCalls()).toBe(4); // ref, tree, two blobs
    github.resetCalls();
    const warm = await repository.snapshot(wanted);
    expect(warm.commitSha).toBe(cold.commitSha);
    expect(github.calls()).toEqual({
      'GET /repos/{owner}/{repo}/git/ref/{+ref}': 1,
    });
  });

  it('after a change reads the new tree and only the blobs that changed, pinned to the commit it read', async () => {
    const cache = new BlobCache();
    const repository = new GitOpsRepository(octokit, location, { cache });
    const before = await repository.snapshot(wanted);
    const head = (await octokit.git.getRef({ ...location, ref: 'heads/main' }))
      .data.object.sha;
    const tree = await octokit.git.createTree({
      ...location,
      base_tree: before.treeSha,
      tree: [
        {
          path: 'CODEOWNERS',
          mode: '100644',
          type: 'blob',
          content: '* @platform @alice\n',
        },
      ],
    });
    const commit = await octokit.git.createCommit({
      ...location,
      message: 'owners',
      tree: tree.data.sha,
      parents: [head],
    });
    await octokit.git.updateRef({
      ...location,
      ref: 'heads/main',
      sha: commit.data.sha,
    });
    github.resetCalls();
    const after = await repository.snapshot(wanted);
    expect(after.commitSha).toBe(commit.data.sha);
    expect(after.files.get('CODEOWNERS')).toBe('* @platform @alice\n');
    expect(github.totalCalls()).toBe(3); // ref, tree, the one changed blob
    // the older snapshot stays what it was, and can be extended from its own commit
    const extended = await repository.extend(
      before,
      path => path === 'clusters/c2/kustomization.yaml',
    );
    expect(extended.commitSha).toBe(before.commitSha);
    expect(extended.files.get('CODEOWNERS')).toBe('* @platform\n');
    expect(extended.files.get('clusters/c2/kustomization.yaml')).toBe(
      'resources: []\n',
    );
  });

  it('names the repository and what failed', async () => {
    const repository = new GitOpsRepository(octokit, {
      ...location,
      repo: 'missing',
    });
    await expect(repository.head()).rejects.toThrow(
      "Reading branch 'main' of acme/missing failed: Not Found",
    );
  });
});

describe('BlobCache', () => {
  it('keeps the most recently used blobs within its bound', () => {
    const cache = new BlobCache(40); // 20 characters
    cache.set('a', '0123456789');
    cache.set('b', '0123456789');
    expect(cache.get('a')).toBe('0123456789'); // a is now the most recent
    cache.set('c', '0123456789');
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBe('0123456789');
    expect(cache.get('c')).toBe('0123456789');
    cache.set('huge', 'x'.repeat(100));
    expect(cache.get('huge')).toBeUndefined();
    expect(cache.stats()).toMatchObject({ entries: 2, bytes: 40 });
  });
});
