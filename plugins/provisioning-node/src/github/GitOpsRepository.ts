import { LoggerService } from '@backstage/backend-plugin-api';
import { CustomErrorBase } from '@backstage/errors';
import type { Octokit } from '@octokit/rest';
import { BlobCache } from './BlobCache';

/** Where the GitOps repository is: owner, name and the branch pull requests target. */
export interface GitOpsLocation {
  owner: string;
  repo: string;
  branch: string;
}

/** GitHub refused or failed a read of the GitOps repository; the message says what was read. */
export class GitOpsReadError extends CustomErrorBase {
  name = 'GitOpsReadError' as const;
}

/** The tree of one commit: every file path with its blob SHA. Immutable, like the commit. */
export interface RepositoryTree {
  commitSha: string;
  treeSha: string;
  /** Path to blob SHA, every file of the commit. */
  blobs: ReadonlyMap<string, string>;
}

/**
 * A snapshot of the GitOps repository at one commit: the paths of every file, and the text of the files a plan
 * asked for. `files` holds every file under the folders that were read, so `has` on it is exact there.
 */
export interface RepositorySnapshot {
  commitSha: string;
  treeSha: string;
  paths: ReadonlySet<string>;
  files: ReadonlyMap<string, string>;
}

const message = (error: unknown) =>
  String((error as { message?: string }).message ?? error).replace(
    / - https:\/\/docs\.github\.com\S*$/,
    '',
  );

/**
 * Reads the GitOps repository at a pinned commit. The head of the branch costs one call; the tree of a commit is
 * read once and kept (a commit never changes); blobs are read by SHA through a content-addressed cache shared by
 * every request, a few at a time. A warm plan on an unchanged branch therefore makes one call, and after a merge
 * it makes two plus one per blob that changed, whatever the size of the repository.
 *
 * @public
 */
export class GitOpsRepository {
  private readonly trees = new Map<string, Promise<RepositoryTree>>();
  private readonly cache: BlobCache;

  constructor(
    private readonly octokit: Octokit,
    readonly location: GitOpsLocation,
    private readonly options: {
      cache?: BlobCache;
      concurrency?: number;
      keepTrees?: number;
      logger?: LoggerService;
    } = {},
  ) {
    this.cache = options.cache ?? new BlobCache();
  }

  /** The commit SHA the branch points at now. */
  async head(): Promise<string> {
    const { owner, repo, branch } = this.location;
    try {
      const ref = await this.octokit.git.getRef({
        owner,
        repo,
        ref: `heads/${branch}`,
      });
      return ref.data.object.sha;
    } catch (error) {
      throw new GitOpsReadError(
        `Reading branch '${branch}' of ${owner}/${repo} failed: ${message(
          error,
        )}`,
        error,
      );
    }
  }

  /** Every file of a commit with its blob SHA (one call, then kept). */
  tree(commitSha: string): Promise<RepositoryTree> {
    let tree = this.trees.get(commitSha);
    if (!tree) {
      tree = this.readTree(commitSha);
      tree.catch(() => this.trees.delete(commitSha));
      this.trees.set(commitSha, tree);
      const keep = this.options.keepTrees ?? 8;
      for (const key of this.trees.keys()) {
        if (this.trees.size <= keep) break;
        this.trees.delete(key);
      }
    }
    return tree;
  }

  private async readTree(commitSha: string): Promise<RepositoryTree> {
    const { owner, repo } = this.location;
    let data;
    try {
      // a commit SHA is accepted where a tree SHA is expected: one call instead of commit + tree
      data = (
        await this.octokit.git.getTree({
          owner,
          repo,
          tree_sha: commitSha,
          recursive: 'true',
        })
      ).data;
    } catch (error) {
      throw new GitOpsReadError(
        `Reading the tree of ${owner}/${repo} at ${commitSha.slice(
          0,
          12,
        )} failed: ${message(error)}`,
        error,
      );
    }
    if (data.truncated) {
      throw new GitOpsReadError(
        `The tree of ${owner}/${repo} is larger than GitHub returns in one call (100,000 entries)`,
      );
    }
    const blobs = new Map<string, string>();
    for (const entry of data.tree)
      if (entry.type === 'blob' && entry.path && entry.sha)
        blobs.set(entry.path, entry.sha);
    return { commitSha, treeSha: data.sha, blobs };
  }

  /** The text of the given files of a tree: from the cache, the rest read a few at a time. */
  async read(
    tree: RepositoryTree,
    paths: Iterable<string>,
  ): Promise<Map<string, string>> {
    const { owner, repo } = this.location;
    const out = new Map<string, string>();
    const missing: Array<[string, string]> = [];
    for (const path of paths) {
      const sha = tree.blobs.get(path);
      if (!sha) continue;
      const text = this.cache.get(sha);
      if (text === undefined) missing.push([path, sha]);
      else out.set(path, text);
    }
    let next = 0;
    const worker = async () => {
      while (next < missing.length) {
        const [path, sha] = missing[next++];
        let content: string;
        try {
          content = (
            await this.octokit.git.getBlob({ owner, repo, file_sha: sha })
          ).data.content;
        } catch (error) {
          throw new GitOpsReadError(
            `Reading ${path} of ${owner}/${repo} failed: ${message(error)}`,
            error,
          );
        }
        const text = Buffer.from(content, 'base64').toString('utf8');
        this.cache.set(sha, text);
        out.set(path, text);
      }
    };
    await Promise.all(
      Array.from(
        { length: Math.min(this.options.concurrency ?? 8, missing.length) },
        worker,
      ),
    );
    return out;
  }

  /**
   * A snapshot at `commitSha` (default: the branch head now) holding the files `wanted` selects. Call `extend` on
   * the result to read more files of the same commit.
   */
  async snapshot(
    wanted: (path: string) => boolean,
    commitSha?: string,
  ): Promise<RepositorySnapshot> {
    const sha = commitSha ?? (await this.head());
    const tree = await this.tree(sha);
    const files = await this.read(tree, [...tree.blobs.keys()].filter(wanted));
    return {
      commitSha: sha,
      treeSha: tree.treeSha,
      paths: new Set(tree.blobs.keys()),
      files,
    };
  }

  /** The same snapshot with more files read (from the same commit). */
  async extend(
    snapshot: RepositorySnapshot,
    wanted: (path: string) => boolean,
  ): Promise<RepositorySnapshot> {
    const tree = await this.tree(snapshot.commitSha);
    const more = [...tree.blobs.keys()].filter(
      p => !snapshot.files.has(p) && wanted(p),
    );
    if (more.length === 0) return snapshot;
    const files = new Map(snapshot.files);
    for (const [path, text] of await this.read(tree, more))
      files.set(path, text);
    return { ...snapshot, files };
  }

  /** Cache statistics (blob hits and misses), for logs and benchmarks. */
  cacheStats() {
    return this.cache.stats();
  }
}
