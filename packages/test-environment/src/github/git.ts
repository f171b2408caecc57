import { execFile, spawn } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { promisify } from 'node:util';

const run = promisify(execFile);

const STATUS_NAMES: Record<string, string> = {
  A: 'added',
  D: 'removed',
  M: 'modified',
};

/** A git command failed; `stderr` says why. */
export class GitError extends Error {
  constructor(message: string, readonly stderr: string) {
    super(message);
    this.name = 'GitError';
  }
}

/** Plumbing on one bare repository: every object the emulator reports is a real git object. */
export class BareRepo {
  constructor(readonly dir: string) {}

  static async init(dir: string, defaultBranch = 'main'): Promise<BareRepo> {
    await run('git', [
      'init',
      '--bare',
      '--quiet',
      `--initial-branch=${defaultBranch}`,
      dir,
    ]);
    await run('git', ['-C', dir, 'config', 'http.receivepack', 'true']);
    await run('git', [
      '-C',
      dir,
      'config',
      'uploadpack.allowReachableSHA1InWant',
      'true',
    ]);
    return new BareRepo(dir);
  }

  async git(
    args: string[],
    options: { input?: string | Buffer; env?: NodeJS.ProcessEnv } = {},
  ): Promise<string> {
    return new Promise((resolve, reject) => {
      const child = spawn('git', ['-C', this.dir, ...args], {
        env: { ...process.env, GIT_TERMINAL_PROMPT: '0', ...options.env },
      });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      child.stdout.on('data', d => out.push(d));
      child.stderr.on('data', d => err.push(d));
      child.on('error', reject);
      child.on('close', code => {
        const stderr = Buffer.concat(err).toString('utf8');
        if (code === 0) resolve(Buffer.concat(out).toString('utf8'));
        else
          reject(
            new GitError(`git ${args[0]} failed: ${stderr.trim()}`, stderr),
          );
      });
      if (options.input !== undefined) child.stdin.end(options.input);
      else child.stdin.end();
    });
  }

  /** The sha a ref points to, or undefined. */
  async resolveRef(ref: string): Promise<string | undefined> {
    try {
      return (
        (
          await this.git([
            'rev-parse',
            '--verify',
            '--quiet',
            `${ref}^{commit}`,
          ])
        ).trim() || undefined
      );
    } catch {
      return undefined;
    }
  }

  async refs(prefix = 'refs/'): Promise<Array<{ ref: string; sha: string }>> {
    const out = await this.git([
      'for-each-ref',
      '--format=%(refname) %(objectname)',
      prefix,
    ]);
    return out
      .split('\n')
      .filter(Boolean)
      .map(line => {
        const [ref, sha] = line.split(' ');
        return { ref, sha };
      });
  }

  async objectType(sha: string): Promise<string | undefined> {
    try {
      return (await this.git(['cat-file', '-t', sha])).trim();
    } catch {
      return undefined;
    }
  }

  async writeBlob(content: Buffer): Promise<string> {
    return (
      await this.git(['hash-object', '-w', '--stdin'], { input: content })
    ).trim();
  }

  async readBlob(sha: string): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      const child = spawn('git', ['-C', this.dir, 'cat-file', 'blob', sha]);
      const out: Buffer[] = [];
      child.stdout.on('data', d => out.push(d));
      child.on('close', code =>
        code === 0
          ? resolve(Buffer.concat(out))
          : reject(new GitError(`no blob ${sha}`, '')),
      );
    });
  }

  /** Entries of a tree (recursive lists blobs with full paths). */
  async lsTree(
    treeish: string,
    recursive: boolean,
    path?: string,
  ): Promise<
    Array<{
      mode: string;
      type: string;
      sha: string;
      size: number;
      path: string;
    }>
  > {
    const args = [
      'ls-tree',
      '-l',
      '-z',
      ...(recursive ? ['-r', '-t'] : []),
      treeish,
      ...(path ? ['--', path] : []),
    ];
    const out = await this.git(args);
    return out
      .split('\0')
      .filter(Boolean)
      .map(line => {
        const [meta, name] = line.split('\t');
        const [mode, type, sha, size] = meta.split(/\s+/);
        return {
          mode,
          type,
          sha,
          size: size === '-' ? 0 : Number(size),
          path: name,
        };
      });
  }

  /**
   * Writes a tree: start from `baseTree` (or empty), then set or remove paths. Entries with `sha: null` remove
   * the path.
   */
  async writeTree(
    baseTree: string | undefined,
    entries: Array<{ path: string; mode: string; sha: string | null }>,
  ): Promise<string> {
    const index = `${this.dir}/index-${
      process.pid
    }-${Date.now()}-${Math.random().toString(36).slice(2)}`;
    const env = { GIT_INDEX_FILE: index };
    try {
      if (baseTree) await this.git(['read-tree', baseTree], { env });
      else await this.git(['read-tree', '--empty'], { env });
      // mode 0 with the null sha removes a path from the index; works without a work tree
      const lines = entries.map(e =>
        e.sha === null
          ? `0 ${'0'.repeat(40)}\t${e.path}\0`
          : `${e.mode} ${e.sha}\t${e.path}\0`,
      );
      if (lines.length > 0)
        await this.git(['update-index', '--add', '-z', '--index-info'], {
          env,
          input: lines.join(''),
        });
      return (await this.git(['write-tree'], { env })).trim();
    } finally {
      await rm(index, { force: true });
    }
  }

  async commitTree(
    tree: string,
    parents: string[],
    message: string,
    author: { name: string; email: string; date?: string },
    committer = author,
  ): Promise<string> {
    const env = {
      GIT_AUTHOR_NAME: author.name,
      GIT_AUTHOR_EMAIL: author.email,
      GIT_COMMITTER_NAME: committer.name,
      GIT_COMMITTER_EMAIL: committer.email,
      ...(author.date ? { GIT_AUTHOR_DATE: author.date } : {}),
      ...(committer.date ? { GIT_COMMITTER_DATE: committer.date } : {}),
    };
    return (
      await this.git(
        ['commit-tree', tree, ...parents.flatMap(p => ['-p', p]), '-F', '-'],
        { env, input: message },
      )
    ).trim();
  }

  async readCommit(sha: string): Promise<{
    sha: string;
    tree: string;
    parents: string[];
    author: { name: string; email: string; date: string };
    committer: { name: string; email: string; date: string };
    message: string;
  }> {
    const out = await this.git([
      'show',
      '-s',
      '--format=%H%x00%T%x00%P%x00%an%x00%ae%x00%aI%x00%cn%x00%ce%x00%cI%x00%B',
      sha,
    ]);
    const [h, t, p, an, ae, ad, cn, ce, cd, ...message] = out.split('\0');
    return {
      sha: h,
      tree: t,
      parents: p ? p.split(' ') : [],
      author: {
        name: an,
        email: ae,
        date: new Date(ad).toISOString().replace('.000Z', 'Z'),
      },
      committer: {
        name: cn,
        email: ce,
        date: new Date(cd).toISOString().replace('.000Z', 'Z'),
      },
      message: message.join('\0').replace(/\n$/, ''),
    };
  }

  async updateRef(ref: string, sha: string, oldSha?: string): Promise<void> {
    await this.git(['update-ref', ref, sha, ...(oldSha ? [oldSha] : [])]);
  }

  async deleteRef(ref: string): Promise<void> {
    await this.git(['update-ref', '-d', ref]);
  }

  async isAncestor(ancestor: string, descendant: string): Promise<boolean> {
    try {
      await this.git(['merge-base', '--is-ancestor', ancestor, descendant]);
      return true;
    } catch {
      return false;
    }
  }

  /** A real three-way merge without a work tree; `undefined` on conflicts. */
  async mergeTree(base: string, head: string): Promise<string | undefined> {
    try {
      return (
        await this.git([
          'merge-tree',
          '--write-tree',
          '--no-messages',
          base,
          head,
        ])
      )
        .trim()
        .split('\n')[0];
    } catch {
      return undefined;
    }
  }

  async mergeBase(a: string, b: string): Promise<string | undefined> {
    try {
      return (await this.git(['merge-base', a, b])).trim();
    } catch {
      return undefined;
    }
  }

  /** Per-file stats between two commits: additions, deletions, status. */
  async diffStat(
    from: string,
    to: string,
  ): Promise<
    Array<{
      path: string;
      additions: number;
      deletions: number;
      status: string;
    }>
  > {
    const numstat = await this.git([
      'diff',
      '--numstat',
      '-z',
      '--no-renames',
      from,
      to,
    ]);
    const names = await this.git([
      'diff',
      '--name-status',
      '-z',
      '--no-renames',
      from,
      to,
    ]);
    const statusParts = names.split('\0').filter(Boolean);
    const statuses = new Map<string, string>();
    for (let i = 0; i < statusParts.length; i += 2)
      statuses.set(statusParts[i + 1], statusParts[i]);
    return numstat
      .split('\0')
      .filter(Boolean)
      .map(line => {
        const [add, del, path] = line.split('\t');
        return {
          path,
          additions: add === '-' ? 0 : Number(add),
          deletions: del === '-' ? 0 : Number(del),
          status: STATUS_NAMES[statuses.get(path) ?? 'M'] ?? 'modified',
        };
      });
  }

  async diff(from: string, to: string): Promise<string> {
    return this.git(['diff', '--no-renames', from, to]);
  }

  async commitCount(from: string, to: string): Promise<number> {
    return Number(
      (await this.git(['rev-list', '--count', `${from}..${to}`])).trim(),
    );
  }
}
