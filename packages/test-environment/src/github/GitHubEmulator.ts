import { createVerify, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import {
  BranchProtection,
  BranchProtectionRequest,
  PRE_RECEIVE_HOOK,
  PROTECTED_BRANCHES_DOCS,
  ProtectionReport,
  StatusRecord,
  directUpdateRefusal,
  evaluateProtection,
  hookRules,
  parseProtectionRequest,
  protectionJson,
} from './branchProtection';
import { CODEOWNERS_LOCATIONS, parseCodeowners } from './codeowners';
import { BareRepo } from './git';
import { serveGitHttp } from './gitHttp';
import { renderPage } from './page';
import {
  CommentRecord,
  PullRecord,
  RepoRecord,
  ReviewRecord,
  Urls,
  gitCommit,
  gitRef,
  label,
  pullBranch,
  repository,
  simpleUser,
  userId,
} from './representations';
import {
  WebhookDispatcher,
  defineWebhookRoutes,
  pushPayload,
  webhookReview,
} from './webhooks';

/** An HTTP error in GitHub's shape: `{ message, documentation_url, status }`. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
    readonly errors?: unknown[],
    readonly documentationUrl = 'https://docs.github.com/rest',
  ) {
    super(message);
  }
}

/** Options of the emulator. */
export interface GitHubEmulatorOptions {
  /** Folder for the bare repositories and state; default a new temporary folder. */
  dir?: string;
  /** Bearer tokens to user logins. */
  tokens: Record<string, string>;
  /** Webhook deliveries (pull_request, pull_request_review, push). */
  webhook?: { url: string; secret: string };
  port?: number;
  /** Time added to every API call before it is answered, as a network round trip to GitHub would (benchmarks). Default 0. */
  latencyMs?: number;
  /**
   * GitHub Apps: the app authenticates with a JWT signed by its private key (RS256, `iss` = app id), lists its
   * installations and gets installation tokens (one hour), which then act as `<slug>[bot]`.
   */
  apps?: GitHubAppOptions[];
  /**
   * Teams of organisations, `org/slug` to member logins: a CODEOWNERS owner `@org/slug` and a protection's
   * `restrictions.teams` stand for these members. More with `addTeam`.
   */
  teams?: Record<string, string[]>;
}

/** A GitHub App the emulator knows. */
export interface GitHubAppOptions {
  appId: number;
  slug: string;
  /** PEM of the app's public key (the private key stays with the client). */
  publicKeyPem: string;
  installations: Array<{ id: number; owner: string; suspended?: boolean }>;
}

/** A call to the emulator, as counted: `METHOD /route/{template}`. */
export type CallKey = string;

interface Route {
  method: string;
  template: string;
  regex: RegExp;
  names: string[];
  handler: (ctx: RequestContext) => Promise<Response>;
}

interface Response {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/** GitHub's `Link` header of a paged list: next and last pages, as Octokit's paginate follows them. */
function pageLinks(
  url: string,
  query: URLSearchParams,
  page: number,
  perPage: number,
  total: number,
): Record<string, string> {
  const last = Math.max(1, Math.ceil(total / perPage));
  if (last <= 1) return {};
  const at = (n: number) => {
    const q = new URLSearchParams(query);
    q.set('page', String(n));
    q.set('per_page', String(perPage));
    return `<${url}?${q}>`;
  };
  const links = [
    ...(page < last
      ? [`${at(page + 1)}; rel="next"`, `${at(last)}; rel="last"`]
      : []),
    ...(page > 1
      ? [`${at(1)}; rel="first"`, `${at(page - 1)}; rel="prev"`]
      : []),
  ];
  return links.length > 0 ? { link: links.join(', ') } : {};
}

interface RequestContext {
  params: Record<string, string>;
  query: URLSearchParams;
  body: any;
  user: string;
}

interface RepoState {
  record: RepoRecord;
  git: BareRepo;
  pulls: PullRecord[];
  labels: string[];
  collaborators: Set<string>;
  pushedAt: string;
  /** Protected branches (by name) and their rules. */
  protections: Map<string, BranchProtection>;
  /** Commit statuses by commit sha, oldest first. */
  statuses: Map<string, StatusRecord[]>;
}

const now = () => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');

/**
 * The one GraphQL query the emulator answers: the one Backstage's `publish:github:pull-request` sends (through
 * octokit-plugin-create-pull-request 5) to learn whether the branch exists and has an open pull request.
 */
const REF_PULL_REQUESTS_QUERY = `query ($owner: String!, $repo: String!, $head: String!) {
  repository(name: $repo, owner: $owner) {
    ref(qualifiedName: $head) {
      associatedPullRequests(first: 1, states: OPEN) {
        edges { node { id number url } }
      }
    }
  }
}`;

/** A GraphQL document without the white space that does not change its meaning. */
const normalizeGraphql = (query: string) =>
  query
    .replace(/\s+/g, ' ')
    .replace(/ ?([{}():,!$=]) ?/g, '$1')
    .trim();

/** GraphQL's `locations` entry of the first `token` in a query (1-based line and column). */
function graphqlLocation(
  query: string,
  token: string,
): { line: number; column: number } {
  const lines = query.slice(0, Math.max(0, query.indexOf(token))).split('\n');
  return { line: lines.length, column: lines[lines.length - 1].length + 1 };
}

/**
 * A GitHub REST emulator over real bare git repositories: the Git Data API, contents, pull requests with real
 * merges, requested reviewers, reviews, labels, issue comments, commit statuses and signed webhooks. Branch
 * protection as GitHub models it: a protected base branch refuses merges (405, GitHub's words) without the required
 * approvals, a code owner's approval (CODEOWNERS of the base branch) or the required status checks; pushes to a pull
 * request's head dismiss its approvals when the protection says so; direct updates of a protected branch are
 * refused, through the API and over git push. It checks tokens like GitHub (401), answers 404/422/409/405 where
 * GitHub does, can be rate limited (403/429 with `x-ratelimit-*` and `retry-after`) or made to fail with 5xx, counts
 * calls per endpoint, serves the repositories over git smart HTTP under `/git/`, and has a small page at `/` that
 * shows a pull request (its body as markdown), where it stands against the protection, and Approve and Merge buttons.
 */
export class GitHubEmulator {
  private server?: http.Server;
  private readonly repos = new Map<string, RepoState>();
  private readonly routes: Route[] = [];
  private readonly callCounts = new Map<CallKey, number>();
  private nextId = 1;
  private rateLimit?: {
    remaining: number;
    limit: number;
    secondary: boolean;
    retryAfterSeconds: number;
    resetSeconds: number;
  };
  private failures: Array<{
    status: number;
    match?: RegExp;
    when: 'before' | 'after' | 'drop';
  }> = [];
  /** Installation tokens handed out to GitHub Apps, oldest first (for assertions). */
  readonly issuedAppTokens: string[] = [];
  /** Repository webhooks (`/repos/{owner}/{repo}/hooks`) and the emulator-wide one; deliveries run after the answer. */
  private readonly webhooks = new WebhookDispatcher(() => this.urls);
  readonly dir: string;
  /** Whether `dir` is a temporary folder this emulator made (and so removes on `stop()`). */
  private readonly ownsDir: boolean;
  private readonly tokens: Record<string, string>;
  /** Teams, `org/slug` to member logins. */
  private readonly teams = new Map<string, string[]>();
  urls = new Urls('http://127.0.0.1:0', 'http://127.0.0.1:0');
  /** Hook for tests: record each request's route, status and body (used to check responses against the OpenAPI). */
  onResponse?: (call: {
    method: string;
    template: string;
    status: number;
    body: unknown;
  }) => void;

  /** Verifies a GitHub App JWT (RS256, `iss` = app id, not expired); `undefined` when it is not one. */
  private appFromJwt(token: string): GitHubAppOptions | undefined {
    const parts = token.split('.');
    if (parts.length !== 3) return undefined;
    let header: { alg?: string };
    let payload: { iss?: string | number; exp?: number; iat?: number };
    try {
      header = JSON.parse(Buffer.from(parts[0], 'base64url').toString('utf8'));
      payload = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
    } catch {
      return undefined;
    }
    if (header.alg !== 'RS256') return undefined;
    const app = (this.options.apps ?? []).find(
      a => String(a.appId) === String(payload.iss),
    );
    if (!app) return undefined;
    const valid = createVerify('RSA-SHA256')
      .update(`${parts[0]}.${parts[1]}`)
      .verify(app.publicKeyPem, Buffer.from(parts[2], 'base64url'));
    const seconds = Math.floor(Date.now() / 1000);
    // GitHub refuses JWTs that expire more than ten minutes ahead or have expired
    if (
      !valid ||
      !payload.exp ||
      payload.exp < seconds ||
      payload.exp > seconds + 660
    )
      return undefined;
    return app;
  }

  constructor(private readonly options: GitHubEmulatorOptions) {
    this.ownsDir = options.dir === undefined;
    this.dir =
      options.dir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'github-emulator-'));
    this.tokens = { ...options.tokens };
    for (const [slug, members] of Object.entries(options.teams ?? {}))
      this.teams.set(slug, [...members]);
    this.webhooks.appHook = options.webhook;
    this.defineRoutes();
  }

  /** Starts listening on loopback; returns the API base URL. */
  async start(): Promise<string> {
    this.server = http.createServer((req, res) => {
      this.handle(req, res).catch(error => {
        if (!res.headersSent)
          res.writeHead(500, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            message: `emulator error: ${(error as Error).message}`,
          }),
        );
      });
    });
    await new Promise<void>(resolve =>
      this.server!.listen(this.options.port ?? 0, '127.0.0.1', resolve),
    );
    const { port } = this.server.address() as { port: number };
    this.urls = new Urls(
      `http://127.0.0.1:${port}`,
      `http://127.0.0.1:${port}`,
    );
    return this.urls.api;
  }

  async stop(): Promise<void> {
    await this.webhooks.settled();
    await new Promise<void>(resolve =>
      this.server ? this.server.close(() => resolve()) : resolve(),
    );
    this.server?.closeAllConnections?.();
    // the repositories live in a temporary folder made by the constructor; a folder passed as `options.dir` is the caller's
    if (this.ownsDir)
      fs.rmSync(this.dir, { recursive: true, force: true, maxRetries: 3 });
  }

  /** The API base URL (for Octokit's `baseUrl`). */
  get url(): string {
    return this.urls.api;
  }

  /** Clone URL of a repository over git smart HTTP. */
  cloneUrl(fullName: string): string {
    return `${this.urls.web}/git/${fullName}.git`;
  }

  /** Path of a repository's bare git folder (for `git log` in tests). */
  gitDir(fullName: string): string {
    return this.repo(fullName).git.dir;
  }

  setWebhook(webhook: { url: string; secret: string } | undefined) {
    this.webhooks.appHook = webhook;
  }

  /** Each webhook delivery attempt's outcome, oldest first: event, action, HTTP status or network error. */
  get deliveries(): ReadonlyArray<{
    event: string;
    action?: string;
    status: number | string;
  }> {
    return this.webhooks.outcomes;
  }

  /** Resolves when every webhook delivery queued so far (they run after the API answer) has been attempted. */
  webhooksSettled(): Promise<void> {
    return this.webhooks.settled();
  }

  addToken(token: string, login: string) {
    this.tokens[token] = login;
  }

  /** Adds (or replaces) a team of an organisation: `slug` is `org/team`, as CODEOWNERS names it without the `@`. */
  addTeam(slug: string, members: string[]) {
    if (!/^[^/\s]+\/[^/\s]+$/.test(slug))
      throw new Error(`team ${slug}: expected org/team`);
    this.teams.set(slug, [...members]);
  }

  /**
   * Protects a branch with GitHub's `PUT .../branches/{branch}/protection` body (checked as that endpoint checks
   * it), as a repository administrator does in GitHub's settings.
   */
  async protectBranch(
    fullName: string,
    branch: string,
    protection: BranchProtectionRequest,
  ): Promise<void> {
    await this.setProtection(this.repo(fullName), branch, protection);
  }

  /**
   * Creates a repository with an initial commit of `files` on the default branch. `collaborators` are the users
   * reviews may be requested from (the owner's team in GitHub terms).
   */
  async createRepo(
    fullName: string,
    options: {
      files?: Record<string, string>;
      collaborators?: string[];
      defaultBranch?: string;
      private?: boolean;
    } = {},
  ): Promise<void> {
    const [owner, name] = fullName.split('/');
    if (this.repos.has(fullName))
      throw new HttpError(422, `Repository ${fullName} already exists`);
    const git = await BareRepo.init(
      path.join(this.dir, owner, `${name}.git`),
      options.defaultBranch ?? 'main',
    );
    const record: RepoRecord = {
      id: this.nextId++,
      owner,
      name,
      defaultBranch: options.defaultBranch ?? 'main',
      createdAt: now(),
      private: options.private ?? true,
    };
    // every blob through one `git hash-object`: a process per file runs out of file descriptors on large repositories
    const files = Object.entries(
      options.files ?? { 'README.md': `# ${name}\n` },
    );
    const staging = fs.mkdtempSync(
      path.join(os.tmpdir(), 'github-emulator-blobs-'),
    );
    let shas: string[];
    try {
      const staged = files.map(([, content], i) => {
        const file = path.join(staging, String(i));
        fs.writeFileSync(file, content);
        return file;
      });
      shas =
        files.length === 0
          ? []
          : (
              await git.git(
                ['hash-object', '-w', '--no-filters', '--stdin-paths'],
                { input: `${staged.join('\n')}\n` },
              )
            )
              .trim()
              .split('\n');
    } finally {
      fs.rmSync(staging, { recursive: true, force: true });
    }
    const entries = files.map(([file], i) => ({
      path: file,
      mode: '100644',
      sha: shas[i],
    }));
    const tree = await git.writeTree(undefined, entries);
    const commit = await git.commitTree(tree, [], 'Initial commit', {
      name: 'GitHub Emulator',
      email: 'emulator@users.noreply.invalid',
    });
    await git.updateRef(`refs/heads/${record.defaultBranch}`, commit);
    fs.mkdirSync(path.join(git.dir, 'hooks'), { recursive: true });
    fs.writeFileSync(
      path.join(git.dir, 'hooks', 'pre-receive'),
      PRE_RECEIVE_HOOK,
      {
        mode: 0o755,
      },
    );
    this.repos.set(fullName, {
      record,
      git,
      pulls: [],
      labels: [],
      collaborators: new Set([owner, ...(options.collaborators ?? [])]),
      pushedAt: now(),
      protections: new Map(),
      statuses: new Map(),
    });
  }

  /** Calls per endpoint since the last reset, e.g. `{ 'POST /repos/{owner}/{repo}/git/trees': 1 }`. */
  calls(): Record<CallKey, number> {
    return Object.fromEntries(
      [...this.callCounts].sort(([a], [b]) => a.localeCompare(b)),
    );
  }

  totalCalls(): number {
    return [...this.callCounts.values()].reduce((a, b) => a + b, 0);
  }

  resetCalls() {
    this.callCounts.clear();
  }

  /**
   * Rate limits the API: after `remaining` more calls, answer 403 (primary limit, `x-ratelimit-remaining: 0`) or,
   * with `secondary`, 429 with `retry-after`. `undefined` lifts the limit.
   */
  setRateLimit(limit?: {
    remaining: number;
    secondary?: boolean;
    retryAfterSeconds?: number;
    resetSeconds?: number;
  }) {
    this.rateLimit = limit
      ? {
          remaining: limit.remaining,
          limit: 5000,
          secondary: limit.secondary ?? false,
          retryAfterSeconds: limit.retryAfterSeconds ?? 1,
          resetSeconds: limit.resetSeconds ?? 60,
        }
      : undefined;
  }

  /** Makes the next `count` calls (matching `match` on `METHOD path`, if given) fail with `status`. */
  failNext(count: number, status = 502, match?: RegExp) {
    for (let i = 0; i < count; i++)
      this.failures.push({ status, match, when: 'before' });
  }

  /**
   * Makes the next `count` matching calls succeed and then lose their reply: the write is applied, the client
   * gets `status` (a reply lost on the way, as a proxy or load balancer in front of GitHub can produce).
   */
  loseReplyOfNext(count: number, match?: RegExp, status = 502) {
    for (let i = 0; i < count; i++)
      this.failures.push({ status, match, when: 'after' });
  }

  /** Drops the connection of the next `count` matching calls before they are handled (no reply at all). */
  dropNext(count: number, match?: RegExp) {
    for (let i = 0; i < count; i++)
      this.failures.push({ status: 0, match, when: 'drop' });
  }

  /** Pull requests of a repository (for assertions). */
  pulls(fullName: string): ReadonlyArray<Readonly<PullRecord>> {
    return this.repo(fullName).pulls;
  }

  /** Approves a pull request as `login` (what a project lead does in GitHub). */
  async approve(
    fullName: string,
    number: number,
    login: string,
    body = 'Approved',
  ): Promise<void> {
    await this.submitReview(
      this.repo(fullName),
      this.pull(fullName, number),
      login,
      'APPROVE',
      body,
    );
  }

  /** Merges a pull request as `login`; refused (405) as on GitHub while the base branch's protection blocks it. */
  async merge(
    fullName: string,
    number: number,
    login: string,
  ): Promise<string> {
    const result = await this.mergePull(
      this.repo(fullName),
      this.pull(fullName, number),
      login,
      {},
    );
    return (result.body as { sha: string }).sha;
  }

  private repo(fullName: string): RepoState {
    const repo = this.repos.get(fullName);
    if (!repo) throw new HttpError(404, 'Not Found');
    return repo;
  }

  private pull(fullName: string, number: number): PullRecord {
    const pull = this.repo(fullName).pulls.find(p => p.number === number);
    if (!pull) throw new HttpError(404, 'Not Found');
    return pull;
  }

  private route(method: string, template: string, handler: Route['handler']) {
    const names: string[] = [];
    const pattern = template.replace(/\{(\+?)(\w+)\}/g, (_m, plus, name) => {
      names.push(name);
      return plus ? '(.+)' : '([^/]+)';
    });
    this.routes.push({
      method,
      template,
      regex: new RegExp(`^${pattern}$`),
      names,
      handler,
    });
  }

  private async handle(
    req: http.IncomingMessage,
    res: http.ServerResponse,
  ): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://emulator');
    if (url.pathname.startsWith('/git/')) {
      const pathInfo = url.pathname.slice('/git'.length);
      const pushed = /^\/([^/]+)\/([^/]+)\.git\/git-receive-pack$/.exec(
        pathInfo,
      );
      const repo =
        req.method === 'POST' && pushed
          ? this.repos.get(`${pushed[1]}/${pushed[2]}`)
          : undefined;
      const before = repo ? await repo.git.refs('refs/heads/') : undefined;
      await serveGitHttp(
        req,
        res,
        this.dir,
        pathInfo,
        url.search.replace(/^\?/, ''),
        repo && before ? () => this.afterGitPush(repo, before, req) : undefined,
      );
      return;
    }
    if (
      url.pathname === '/' ||
      url.pathname.startsWith('/_emulator/') ||
      url.pathname.startsWith('/ui/')
    ) {
      await this.handleUi(req, res, url);
      return;
    }
    if (this.options.latencyMs)
      await new Promise(resolve => setTimeout(resolve, this.options.latencyMs));
    const route = this.routes.find(
      r => r.method === req.method && r.regex.test(url.pathname),
    );
    const template = route?.template ?? url.pathname;
    const key = `${req.method} ${template}`;
    this.callCounts.set(key, (this.callCounts.get(key) ?? 0) + 1);
    const headers: Record<string, string> = {
      'content-type': 'application/json; charset=utf-8',
      'x-github-api-version-selected': '2022-11-28',
      'x-github-request-id': randomUUID(),
    };
    const send = (
      status: number,
      body: unknown,
      extra: Record<string, string> = {},
    ) => {
      this.onResponse?.({
        method: req.method ?? 'GET',
        template,
        status,
        body,
      });
      res.writeHead(status, { ...headers, ...extra });
      res.end(body === undefined ? undefined : JSON.stringify(body));
    };
    try {
      const auth = req.headers.authorization;
      if (!auth) throw new HttpError(401, 'Requires authentication');
      const token = auth.replace(/^(token|bearer)\s+/i, '');
      const app = this.appFromJwt(token);
      const user = app ? `app:${app.appId}` : this.tokens[token];
      if (!user) throw new HttpError(401, 'Bad credentials');
      // an app's JWT reaches only the /app endpoints; installation tokens act as the app's bot user
      if (app && !url.pathname.startsWith('/app/') && url.pathname !== '/app') {
        throw new HttpError(401, 'A JSON web token could not be decoded');
      }
      if (!app && url.pathname.startsWith('/app/'))
        throw new HttpError(401, 'A JSON web token could not be decoded');
      if (this.rateLimit) {
        const reset = String(
          Math.floor(Date.now() / 1000) + this.rateLimit.resetSeconds,
        );
        headers['x-ratelimit-limit'] = String(this.rateLimit.limit);
        headers['x-ratelimit-reset'] = reset;
        headers['x-ratelimit-resource'] = 'core';
        if (this.rateLimit.remaining <= 0) {
          headers['x-ratelimit-remaining'] = this.rateLimit.secondary
            ? '4999'
            : '0';
          if (this.rateLimit.secondary) {
            throw new HttpError(
              429,
              'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
              { 'retry-after': String(this.rateLimit.retryAfterSeconds) },
            );
          }
          throw new HttpError(
            403,
            `API rate limit exceeded for user ID ${userId(user)}.`,
          );
        }
        this.rateLimit.remaining--;
        headers['x-ratelimit-remaining'] = String(
          this.rateLimit.secondary ? 4999 : this.rateLimit.remaining,
        );
      }
      const failure = this.failures.findIndex(
        f => !f.match || f.match.test(`${req.method} ${url.pathname}`),
      );
      const injected =
        failure >= 0 ? this.failures.splice(failure, 1)[0] : undefined;
      if (injected?.when === 'drop') {
        req.socket.destroy();
        return;
      }
      if (injected?.when === 'before') {
        throw new HttpError(
          injected.status,
          injected.status === 502 ? 'Server Error' : 'Service Unavailable',
        );
      }
      if (!route) throw new HttpError(404, 'Not Found');
      const match = route.regex.exec(url.pathname)!;
      const params = Object.fromEntries(
        route.names.map((n, i) => [n, decodeURIComponent(match[i + 1])]),
      );
      const body = await readJson(req);
      const result = await route.handler({
        params,
        query: url.searchParams,
        body,
        user,
      });
      if (injected?.when === 'after') {
        // the write happened; its reply is lost
        throw new HttpError(injected.status, 'Server Error');
      }
      send(result.status, result.body, result.headers);
    } catch (error) {
      if (error instanceof HttpError) {
        send(
          error.status,
          {
            message: error.message,
            documentation_url: error.documentationUrl,
            status: String(error.status),
            ...(error.errors ? { errors: error.errors } : {}),
          },
          error.headers,
        );
      } else if (error instanceof SyntaxError) {
        send(400, {
          message: 'Problems parsing JSON',
          documentation_url: 'https://docs.github.com/rest',
          status: '400',
        });
      } else {
        throw error;
      }
    }
  }

  private async handleUi(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    url: URL,
  ): Promise<void> {
    if (req.method === 'POST') {
      const form = new URLSearchParams(await readText(req));
      const match =
        /^\/_emulator\/repos\/([^/]+\/[^/]+)\/pulls\/(\d+)\/(approve|merge)$/.exec(
          url.pathname,
        );
      if (!match) {
        res.writeHead(404).end('not found');
        return;
      }
      const [, full, number, action] = match;
      const login = form.get('login') ?? '';
      if (!login) {
        res
          .writeHead(422, { 'content-type': 'text/plain' })
          .end(
            action === 'approve'
              ? 'Choose the reviewer who approves.'
              : 'Choose who merges.',
          );
        return;
      }
      try {
        if (action === 'approve')
          await this.approve(full, Number(number), login);
        else await this.merge(full, Number(number), login);
        res.writeHead(303, { location: `/ui/${full}/pull/${number}` }).end();
      } catch (error) {
        res
          .writeHead((error as HttpError).status ?? 500, {
            'content-type': 'text/plain',
          })
          .end((error as Error).message);
      }
      return;
    }
    const html = await renderPage(url.pathname, {
      repos: [...this.repos.values()].map(r => ({
        full: `${r.record.owner}/${r.record.name}`,
        git: r.git,
        record: r.record,
        pulls: r.pulls,
        collaborators: [...r.collaborators],
        protection: pull => this.protectionReport(r, pull),
      })),
    });
    if (html === undefined)
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    else
      res
        .writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
        .end(html);
  }

  private repoJson(repo: RepoState) {
    return repository(
      this.urls,
      repo.record,
      repo.pulls.filter(p => p.state === 'open').length,
      repo.pushedAt,
    );
  }

  private async pullJson(repo: RepoState, pull: PullRecord, full = true) {
    const name = `${repo.record.owner}/${repo.record.name}`;
    const api = `${this.urls.repo(name)}/pulls/${pull.number}`;
    const issue = `${this.urls.repo(name)}/issues/${pull.number}`;
    const html = `${this.urls.web}/ui/${name}/pull/${pull.number}`;
    const headSha =
      pull.headSha ??
      (await repo.git.resolveRef(`refs/heads/${pull.head}`)) ??
      '0'.repeat(40);
    const baseSha =
      (await repo.git.resolveRef(`refs/heads/${pull.base}`)) ?? '0'.repeat(40);
    const openIssues = repo.pulls.filter(p => p.state === 'open').length;
    const json: Record<string, unknown> = {
      url: api,
      id: pull.id,
      node_id: Buffer.from(`PullRequest:${pull.id}`).toString('base64'),
      html_url: html,
      diff_url: `${html}.diff`,
      patch_url: `${html}.patch`,
      issue_url: issue,
      commits_url: `${api}/commits`,
      review_comments_url: `${api}/comments`,
      review_comment_url: `${this.urls.repo(name)}/pulls/comments{/number}`,
      comments_url: `${issue}/comments`,
      statuses_url: `${this.urls.repo(name)}/statuses/${headSha}`,
      number: pull.number,
      state: pull.state,
      locked: false,
      title: pull.title,
      user: simpleUser(this.urls, pull.user),
      body: pull.body,
      labels: pull.labels.map(l => label(this.urls, name, labelId(l), l)),
      milestone: null,
      active_lock_reason: null,
      created_at: pull.createdAt,
      updated_at: pull.updatedAt,
      closed_at: pull.closedAt,
      merged_at: pull.mergedAt ?? null,
      merge_commit_sha: pull.mergeCommitSha,
      assignee: null,
      assignees: [],
      requested_reviewers: pull.requestedReviewers.map(l =>
        simpleUser(this.urls, l),
      ),
      requested_teams: [],
      head: pullBranch(
        this.urls,
        repo.record,
        openIssues,
        repo.pushedAt,
        pull.head,
        headSha,
      ),
      base: pullBranch(
        this.urls,
        repo.record,
        openIssues,
        repo.pushedAt,
        pull.base,
        baseSha,
      ),
      _links: {
        self: { href: api },
        html: { href: html },
        issue: { href: issue },
        comments: { href: `${issue}/comments` },
        review_comments: { href: `${api}/comments` },
        review_comment: {
          href: `${this.urls.repo(name)}/pulls/comments{/number}`,
        },
        commits: { href: `${api}/commits` },
        statuses: { href: `${this.urls.repo(name)}/statuses/${headSha}` },
      },
      author_association: 'MEMBER',
      auto_merge: null,
      draft: pull.draft,
    };
    if (!full) return json;
    const mergeBase = (await repo.git.mergeBase(baseSha, headSha)) ?? baseSha;
    const stats = await repo.git.diffStat(mergeBase, headSha).catch(() => []);
    const mergeable =
      pull.state === 'open'
        ? (await repo.git.mergeTree(baseSha, headSha)) !== undefined
        : null;
    return {
      ...json,
      merged: pull.merged,
      mergeable,
      rebaseable: false,
      mergeable_state: await this.mergeableState(repo, pull, mergeable),
      merged_by: pull.mergedBy ? simpleUser(this.urls, pull.mergedBy) : null,
      comments: pull.comments.length,
      review_comments: 0,
      maintainer_can_modify: false,
      commits: await repo.git.commitCount(mergeBase, headSha).catch(() => 0),
      additions: stats.reduce((n, s) => n + s.additions, 0),
      deletions: stats.reduce((n, s) => n + s.deletions, 0),
      changed_files: stats.length,
    };
  }

  private reviewJson(repo: RepoState, pull: PullRecord, review: ReviewRecord) {
    const name = `${repo.record.owner}/${repo.record.name}`;
    const html = `${this.urls.web}/ui/${name}/pull/${pull.number}`;
    const api = `${this.urls.repo(name)}/pulls/${pull.number}`;
    return {
      id: review.id,
      node_id: Buffer.from(`Review:${review.id}`).toString('base64'),
      user: simpleUser(this.urls, review.user),
      body: review.body,
      state: review.state,
      html_url: `${html}#review-${review.id}`,
      pull_request_url: api,
      _links: {
        html: { href: `${html}#review-${review.id}` },
        pull_request: { href: api },
      },
      submitted_at: review.submittedAt,
      commit_id: review.commitId,
      author_association: 'MEMBER',
    };
  }

  private commentJson(
    repo: RepoState,
    pull: PullRecord,
    comment: CommentRecord,
  ) {
    const name = `${repo.record.owner}/${repo.record.name}`;
    return {
      id: comment.id,
      node_id: Buffer.from(`IssueComment:${comment.id}`).toString('base64'),
      url: `${this.urls.repo(name)}/issues/comments/${comment.id}`,
      html_url: `${this.urls.web}/ui/${name}/pull/${pull.number}#comment-${comment.id}`,
      body: comment.body,
      user: simpleUser(this.urls, comment.user),
      created_at: comment.createdAt,
      updated_at: comment.updatedAt,
      issue_url: `${this.urls.repo(name)}/issues/${pull.number}`,
      author_association: 'MEMBER',
    };
  }

  /** Queues a webhook event of the repository; it is delivered after the current API call is answered. */
  private async deliver(
    repo: RepoState,
    event: string,
    payload: Record<string, unknown>,
  ) {
    this.webhooks.dispatch(
      {
        fullName: `${repo.record.owner}/${repo.record.name}`,
        id: repo.record.id,
      },
      event,
      payload,
    );
  }

  /** A ref was created, moved or deleted: GitHub's `push` event. */
  private async pushed(
    repo: RepoState,
    ref: string,
    before: string | undefined,
    after: string | undefined,
    user: string,
  ) {
    const full = `${repo.record.owner}/${repo.record.name}`;
    // a push payload runs git (commits, changed files): only for a hook that wants it
    if (!this.webhooks.wants({ fullName: full, id: repo.record.id }, 'push'))
      return;
    await this.deliver(
      repo,
      'push',
      await pushPayload({
        git: repo.git,
        urls: this.urls,
        fullName: `${repo.record.owner}/${repo.record.name}`,
        repository: this.repoJson(repo),
        sender: simpleUser(this.urls, user),
        ref,
        before,
        after,
      }),
    );
  }

  private async pullEvent(
    repo: RepoState,
    pull: PullRecord,
    action: string,
    sender: string,
    /** `before` and `after` of a `synchronize` */
    extra: Record<string, unknown> = {},
  ) {
    await this.deliver(repo, 'pull_request', {
      action,
      number: pull.number,
      ...extra,
      pull_request: await this.pullJson(repo, pull),
      repository: this.repoJson(repo),
      sender: simpleUser(this.urls, sender),
    });
  }

  private async submitReview(
    repo: RepoState,
    pull: PullRecord,
    user: string,
    event: string,
    body: string,
  ) {
    if (pull.state !== 'open')
      throw new HttpError(422, 'Unprocessable Entity', {}, [
        'Can not review a closed pull request',
      ]);
    const states: Record<string, ReviewRecord['state']> = {
      APPROVE: 'APPROVED',
      REQUEST_CHANGES: 'CHANGES_REQUESTED',
      COMMENT: 'COMMENTED',
    };
    const state = states[event];
    if (!state)
      throw new HttpError(422, 'Unprocessable Entity', {}, [
        `event must be one of APPROVE, REQUEST_CHANGES, COMMENT`,
      ]);
    if (state !== 'COMMENTED' && user === pull.user) {
      throw new HttpError(422, 'Unprocessable Entity', {}, [
        `Review Can not ${
          event === 'APPROVE' ? 'approve' : 'request changes on'
        } your own pull request`,
      ]);
    }
    if (state === 'CHANGES_REQUESTED' && !body)
      throw new HttpError(422, 'Unprocessable Entity', {}, [
        'Review body is required when requesting changes',
      ]);
    const review: ReviewRecord = {
      id: this.nextId++,
      user,
      state,
      body,
      commitId: (await repo.git.resolveRef(`refs/heads/${pull.head}`)) ?? '',
      submittedAt: now(),
    };
    pull.reviews.push(review);
    pull.requestedReviewers = pull.requestedReviewers.filter(r => r !== user);
    pull.updatedAt = now();
    await this.deliver(repo, 'pull_request_review', {
      action: 'submitted',
      review: webhookReview(this.reviewJson(repo, pull, review)),
      pull_request: await this.pullJson(repo, pull, false),
      repository: this.repoJson(repo),
      sender: simpleUser(this.urls, user),
    });
    return review;
  }

  /**
   * `POST /graphql`, answering `REF_PULL_REQUESTS_QUERY` only, in GitHub's shapes: HTTP 200 with `data`, and
   * `errors` for a missing variable (`Variable $x of type String! was provided invalid value`) or an unknown
   * repository (`NOT_FOUND`, `repository: null`). `ref(qualifiedName:)` takes a full ref name, or a short one looked
   * up as a branch, then as a tag; its `associatedPullRequests` are the open pull requests with it as their head.
   * Any other document is answered with an error that says what the emulator serves.
   */
  private async graphql(
    body: { query?: unknown; variables?: Record<string, unknown> } | undefined,
  ): Promise<Response> {
    const query = typeof body?.query === 'string' ? body.query : '';
    if (normalizeGraphql(query) !== normalizeGraphql(REF_PULL_REQUESTS_QUERY)) {
      return {
        status: 200,
        body: {
          errors: [
            {
              message: `The GitHub emulator answers one GraphQL query only (a ref's open pull requests, as publish:github:pull-request asks); not: ${normalizeGraphql(
                query,
              ).slice(0, 200)}`,
            },
          ],
        },
      };
    }
    const variables = body?.variables ?? {};
    const invalid = ['owner', 'repo', 'head'].filter(
      name => typeof variables[name] !== 'string',
    );
    if (invalid.length > 0) {
      return {
        status: 200,
        body: {
          errors: invalid.map(name => ({
            extensions: {
              value: variables[name] ?? null,
              problems: [
                { path: [], explanation: 'Expected value to not be null' },
              ],
            },
            locations: [graphqlLocation(query, `$${name}`)],
            message: `Variable $${name} of type String! was provided invalid value`,
          })),
        },
      };
    }
    const full = `${variables.owner}/${variables.repo}`;
    const repo = this.repos.get(full);
    if (!repo) {
      return {
        status: 200,
        body: {
          data: { repository: null },
          errors: [
            {
              type: 'NOT_FOUND',
              path: ['repository'],
              locations: [graphqlLocation(query, 'repository')],
              message: `Could not resolve to a Repository with the name '${full}'.`,
            },
          ],
        },
      };
    }
    const head = String(variables.head);
    const candidates = [
      ...(head.startsWith('refs/') ? [head] : []),
      `refs/heads/${head}`,
      `refs/tags/${head}`,
    ];
    const existing = new Set((await repo.git.refs()).map(r => r.ref));
    const ref = candidates.find(c => existing.has(c));
    if (!ref)
      return { status: 200, body: { data: { repository: { ref: null } } } };
    const branch = ref.startsWith('refs/heads/')
      ? ref.slice('refs/heads/'.length)
      : undefined;
    const open = repo.pulls
      .filter(p => p.state === 'open' && p.head === branch)
      .sort((a, b) => a.number - b.number)
      .slice(0, 1);
    const edges = await Promise.all(
      open.map(async pull => {
        const json = await this.pullJson(repo, pull, false);
        return {
          node: { id: json.node_id, number: pull.number, url: json.html_url },
        };
      }),
    );
    return {
      status: 200,
      body: {
        data: { repository: { ref: { associatedPullRequests: { edges } } } },
      },
    };
  }

  private async mergePull(
    repo: RepoState,
    pull: PullRecord,
    user: string,
    body: {
      sha?: string;
      commit_title?: string;
      commit_message?: string;
      merge_method?: string;
    },
  ): Promise<Response> {
    if (pull.state !== 'open')
      throw new HttpError(405, 'Pull Request is not mergeable');
    if (body.merge_method && body.merge_method !== 'merge')
      throw new HttpError(
        405,
        `${body.merge_method} merges are not allowed on this repository.`,
      );
    const headSha = await repo.git.resolveRef(`refs/heads/${pull.head}`);
    const baseSha = await repo.git.resolveRef(`refs/heads/${pull.base}`);
    if (!headSha || !baseSha)
      throw new HttpError(422, 'Unprocessable Entity', {}, [
        'Head or base branch is missing',
      ]);
    if (body.sha && body.sha !== headSha)
      throw new HttpError(
        409,
        'Head branch was modified. Review and try the merge again.',
      );
    const tree = await repo.git.mergeTree(baseSha, headSha);
    if (!tree) throw new HttpError(405, 'Pull Request is not mergeable');
    const report = await this.protectionReport(repo, pull, user);
    if (report && report.blockers.length > 0)
      throw new HttpError(
        405,
        report.blockers[0].message,
        {},
        undefined,
        PROTECTED_BRANCHES_DOCS,
      );
    const title =
      body.commit_title ??
      `Merge pull request #${pull.number} from ${repo.record.owner}/${pull.head}`;
    const message = body.commit_message
      ? `${title}\n\n${body.commit_message}`
      : `${title}\n\n${pull.title}`;
    const sha = await repo.git.commitTree(tree, [baseSha, headSha], message, {
      name: user,
      email: `${user}@users.noreply.invalid`,
    });
    await repo.git.updateRef(`refs/heads/${pull.base}`, sha, baseSha);
    Object.assign(pull, {
      state: 'closed',
      merged: true,
      mergedBy: user,
      mergedAt: now(),
      closedAt: now(),
      updatedAt: now(),
      mergeCommitSha: sha,
      headSha,
    });
    repo.pushedAt = now();
    // GitHub sends the push of the merge commit, then the closed pull request
    await this.pushed(repo, `refs/heads/${pull.base}`, baseSha, sha, user);
    await this.pullEvent(repo, pull, 'closed', user);
    return {
      status: 200,
      body: { sha, merged: true, message: 'Pull Request successfully merged' },
    };
  }

  /** Members of a team named `@org/team` (or `org/team`) of the repository's organisation; `undefined` for none. */
  private teamMembers(repo: RepoState, owner: string): string[] | undefined {
    const slug = owner.replace(/^@/, '');
    if (slug.split('/')[0] !== repo.record.owner) return undefined;
    return this.teams.get(slug);
  }

  /** The bot login of a GitHub App, as its installation tokens act. */
  private appBot(appId: number): string | undefined {
    const app = (this.options.apps ?? []).find(a => a.appId === appId);
    return app ? `${app.slug}[bot]` : undefined;
  }

  /** The first CODEOWNERS GitHub finds on a commit (`.github/`, the root, `docs/`); empty when there is none. */
  private async codeownersText(repo: RepoState, commit: string) {
    for (const location of CODEOWNERS_LOCATIONS) {
      const [entry] = await repo.git.lsTree(commit, false, location);
      if (entry?.path === location && entry.type === 'blob')
        return (await repo.git.readBlob(entry.sha)).toString('utf8');
    }
    return '';
  }

  /**
   * Where an open pull request stands against its base branch's protection; `undefined` when the base is not
   * protected. With `merger`, the push restrictions are checked for that user too.
   */
  private async protectionReport(
    repo: RepoState,
    pull: PullRecord,
    merger?: string,
  ): Promise<ProtectionReport | undefined> {
    const protection = repo.protections.get(pull.base);
    if (!protection || pull.state !== 'open') return undefined;
    const headSha = await repo.git.resolveRef(`refs/heads/${pull.head}`);
    const baseSha = await repo.git.resolveRef(`refs/heads/${pull.base}`);
    if (!headSha || !baseSha) return undefined;
    const ownersMatter =
      protection.requiredPullRequestReviews?.requireCodeOwnerReviews ?? false;
    const mergeBase = (await repo.git.mergeBase(baseSha, headSha)) ?? baseSha;
    return evaluateProtection({
      protection,
      org: repo.record.owner,
      author: pull.user,
      merger,
      lastPushedBy: pull.lastPushedBy ?? pull.user,
      headSha,
      reviews: pull.reviews,
      canWrite: login => repo.collaborators.has(login),
      teamMembers: owner => this.teamMembers(repo, owner),
      appBot: appId => this.appBot(appId),
      changedFiles: ownersMatter
        ? (await repo.git.diffStat(mergeBase, headSha)).map(f => f.path)
        : [],
      codeowners: ownersMatter
        ? parseCodeowners(await this.codeownersText(repo, baseSha))
        : [],
      statuses: repo.statuses.get(headSha) ?? [],
      upToDate: await repo.git.isAncestor(baseSha, headSha),
    });
  }

  /** GitHub's `mergeable_state`: `dirty` on conflicts, `behind` or `blocked` by the base's protection, else `clean`. */
  private async mergeableState(
    repo: RepoState,
    pull: PullRecord,
    mergeable: boolean | null,
  ): Promise<string> {
    if (mergeable === false) return 'dirty';
    const report = await this.protectionReport(repo, pull);
    if (!report || report.blockers.length === 0) return 'clean';
    return report.blockers.every(b => b.rule === 'up-to-date')
      ? 'behind'
      : 'blocked';
  }

  /** Sets a branch's protection from a GitHub request body; 404 for a missing branch, 422 for a bad body. */
  private async setProtection(
    repo: RepoState,
    branch: string,
    body: unknown,
  ): Promise<BranchProtection> {
    if (!(await repo.git.resolveRef(`refs/heads/${branch}`)))
      throw new HttpError(404, 'Branch not found');
    const parsed = parseProtectionRequest(body, {
      teamExists: slug =>
        this.teamMembers(repo, `${repo.record.owner}/${slug}`) !== undefined,
      appExists: slug => (this.options.apps ?? []).some(a => a.slug === slug),
    });
    if ('refusal' in parsed) {
      const { refusal } = parsed;
      throw refusal.kind === 'invalid'
        ? new HttpError(422, refusal.message)
        : new HttpError(422, 'Validation Failed', {}, refusal.errors);
    }
    repo.protections.set(branch, parsed.protection);
    this.writeHookRules(repo);
    return parsed.protection;
  }

  /** What the pre-receive hook refuses to git pushes, rewritten whenever a protection changes. */
  private writeHookRules(repo: RepoState) {
    fs.writeFileSync(
      path.join(repo.git.dir, 'emulator-protected-refs'),
      hookRules(repo.protections),
    );
  }

  /**
   * Refuses (422, or `status` given) a direct update of a protected branch by `user`, as GitHub does: the rules
   * of `directUpdateRefusal`. Branches that are not protected pass.
   */
  private async refuseDirectUpdate(
    repo: RepoState,
    ref: string,
    user: string,
    update: { from: string; to?: string },
    status = 422,
  ) {
    const branch = ref.replace(/^refs\/heads\//, '');
    const protection = repo.protections.get(branch);
    if (!protection || branch === ref) return;
    const refusal = directUpdateRefusal(protection, {
      user,
      deletion: update.to === undefined,
      force:
        update.to !== undefined &&
        !(await repo.git.isAncestor(update.from, update.to)),
      statuses: update.to ? repo.statuses.get(update.to) ?? [] : [],
      org: repo.record.owner,
      teamMembers: owner => this.teamMembers(repo, owner),
      appBot: appId => this.appBot(appId),
    });
    if (refusal)
      throw new HttpError(
        status,
        `Protected branch update failed for ${ref}. ${refusal}`,
        {},
        undefined,
        PROTECTED_BRANCHES_DOCS,
      );
  }

  /**
   * Whether moving a pull request's head from `before` to `after` changes what merging it would produce (GitHub
   * keeps approvals over pushes that do not modify the code, such as merging the base branch in).
   */
  private async changesWhatMerges(
    repo: RepoState,
    base: string,
    before: string,
    after: string,
  ): Promise<boolean> {
    const baseSha = await repo.git.resolveRef(`refs/heads/${base}`);
    const merged = baseSha
      ? await Promise.all([
          repo.git.mergeTree(baseSha, before),
          repo.git.mergeTree(baseSha, after),
        ])
      : [undefined, undefined];
    if (merged[0] && merged[1]) return merged[0] !== merged[1];
    const [a, b] = await Promise.all([
      repo.git.readCommit(before),
      repo.git.readCommit(after),
    ]);
    return a.tree !== b.tree;
  }

  /**
   * A branch moved (ref update, contents API, git push) from `before` to `after`: its open pull requests are
   * synchronized, and where their base's protection dismisses stale reviews and the push changes the code, their
   * approvals become DISMISSED (each with a `pull_request_review` `dismissed` delivery), as on GitHub.
   */
  private async headMoved(
    repo: RepoState,
    branch: string,
    before: string,
    after: string,
    user: string,
  ) {
    repo.pushedAt = now();
    await this.pushed(repo, `refs/heads/${branch}`, before, after, user);
    for (const pull of repo.pulls.filter(
      p => p.state === 'open' && p.head === branch,
    )) {
      pull.updatedAt = now();
      pull.lastPushedBy = user;
      const rules = repo.protections.get(pull.base)?.requiredPullRequestReviews;
      if (
        rules?.dismissStaleReviews &&
        (await this.changesWhatMerges(repo, pull.base, before, after))
      ) {
        for (const review of pull.reviews.filter(r => r.state === 'APPROVED')) {
          review.state = 'DISMISSED';
          await this.deliver(repo, 'pull_request_review', {
            action: 'dismissed',
            review: webhookReview(this.reviewJson(repo, pull, review)),
            pull_request: await this.pullJson(repo, pull, false),
            repository: this.repoJson(repo),
            sender: simpleUser(this.urls, user),
          });
        }
      }
      await this.pullEvent(repo, pull, 'synchronize', user, {
        before,
        after,
      });
    }
  }

  /** A branch was deleted: its open pull requests close, as on GitHub. */
  private async branchDeleted(repo: RepoState, branch: string) {
    for (const pull of repo.pulls.filter(
      p => p.state === 'open' && p.head === branch,
    )) {
      Object.assign(pull, {
        state: 'closed',
        closedAt: now(),
        updatedAt: now(),
        headSha: await repo.git.resolveRef(`refs/heads/${pull.base}`),
      });
    }
  }

  /**
   * After a git push over smart HTTP (the pre-receive hook has refused what protections forbid): every moved
   * branch is handled like a ref update through the API. The pusher is the user of the token in the request's
   * basic credentials, or else the login of the new head's committer e-mail.
   */
  private async afterGitPush(
    repo: RepoState,
    before: Array<{ ref: string; sha: string }>,
    req: http.IncomingMessage,
  ) {
    const old = new Map(before.map(r => [r.ref, r.sha]));
    const current = new Map(
      (await repo.git.refs('refs/heads/')).map(r => [r.ref, r.sha]),
    );
    const basic = /^basic\s+(.+)$/i.exec(req.headers.authorization ?? '');
    const token = basic
      ? Buffer.from(basic[1], 'base64').toString('utf8').split(':')[1]
      : undefined;
    for (const ref of new Set([...old.keys(), ...current.keys()])) {
      const from = old.get(ref);
      const to = current.get(ref);
      if (from === to) continue;
      const branch = ref.slice('refs/heads/'.length);
      repo.pushedAt = now();
      const user =
        (token ? this.tokens[token] : undefined) ??
        loginOf((await repo.git.readCommit((to ?? from)!)).committer.email);
      if (!to) {
        await this.pushed(repo, ref, from, undefined, user);
        await this.branchDeleted(repo, branch);
        continue;
      }
      if (!from) {
        await this.pushed(repo, ref, undefined, to, user);
        continue;
      }
      await this.headMoved(repo, branch, from, to, user);
    }
  }

  private statusJson(repo: RepoState, status: StatusRecord) {
    const full = `${repo.record.owner}/${repo.record.name}`;
    return {
      url: `${this.urls.repo(full)}/statuses/${status.sha}`,
      avatar_url: `${this.urls.web}/avatars/${status.creator}`,
      id: status.id,
      node_id: Buffer.from(`StatusContext:${status.id}`).toString('base64'),
      state: status.state,
      description: status.description,
      target_url: status.targetUrl,
      context: status.context,
      created_at: status.createdAt,
      updated_at: status.createdAt,
    };
  }

  private defineRoutes() {
    const R = '/repos/{owner}/{repo}';
    const repoOf = (ctx: RequestContext) =>
      this.repo(`${ctx.params.owner}/${ctx.params.repo}`);
    const fullOf = (ctx: RequestContext) =>
      `${ctx.params.owner}/${ctx.params.repo}`;
    const pullOf = (ctx: RequestContext) =>
      this.pull(
        fullOf(ctx),
        Number(ctx.params.pull_number ?? ctx.params.issue_number),
      );
    const invalid = (message: string, field?: string, resource = 'Resource') =>
      new HttpError(
        422,
        message,
        {},
        field ? [{ resource, field, code: 'invalid' }] : undefined,
      );

    this.route('GET', '/app/installations', async ctx => {
      const app = (this.options.apps ?? []).find(
        a => `app:${a.appId}` === ctx.user,
      )!;
      return {
        status: 200,
        body: app.installations.map(i => ({
          id: i.id,
          account: simpleUser(this.urls, i.owner),
          app_id: app.appId,
          app_slug: app.slug,
          target_type: 'Organization',
          repository_selection: 'all',
          permissions: {
            contents: 'write',
            pull_requests: 'write',
            metadata: 'read',
          },
          events: ['pull_request', 'pull_request_review', 'push'],
          suspended_at: i.suspended ? now() : null,
          created_at: '2020-01-01T00:00:00Z',
          updated_at: '2020-01-01T00:00:00Z',
          access_tokens_url: `${this.urls.api}/app/installations/${i.id}/access_tokens`,
          repositories_url: `${this.urls.api}/installation/repositories`,
          html_url: `${this.urls.web}/organizations/${i.owner}/settings/installations/${i.id}`,
        })),
      };
    });
    this.route(
      'POST',
      '/app/installations/{installation_id}/access_tokens',
      async ctx => {
        const app = (this.options.apps ?? []).find(
          a => `app:${a.appId}` === ctx.user,
        )!;
        const installation = app.installations.find(
          i => String(i.id) === ctx.params.installation_id,
        );
        if (!installation) throw new HttpError(404, 'Not Found');
        if (installation.suspended)
          throw new HttpError(403, 'This installation has been suspended');
        const token = `ghs_${randomUUID().replace(/-/g, '')}`;
        this.tokens[token] = `${app.slug}[bot]`;
        this.issuedAppTokens.push(token);
        return {
          status: 201,
          body: {
            token,
            expires_at: new Date(Date.now() + 3600_000)
              .toISOString()
              .replace(/\.\d{3}Z$/, 'Z'),
            permissions: {
              contents: 'write',
              pull_requests: 'write',
              metadata: 'read',
            },
            repository_selection: 'all',
          },
        };
      },
    );
    this.route('GET', '/user', async ctx => {
      // as on GitHub: an installation token is not a user
      if (ctx.user.endsWith('[bot]'))
        throw new HttpError(403, 'Resource not accessible by integration');
      return {
        status: 200,
        body: {
          ...simpleUser(this.urls, ctx.user),
          name: ctx.user,
          company: null,
          blog: '',
          location: null,
          email: null,
          hireable: null,
          bio: null,
          twitter_username: null,
          public_repos: 0,
          public_gists: 0,
          followers: 0,
          following: 0,
          created_at: '2020-01-01T00:00:00Z',
          updated_at: '2020-01-01T00:00:00Z',
        },
      };
    });
    this.route('GET', '/rate_limit', async () => ({
      status: 200,
      body: {
        resources: {
          core: {
            limit: 5000,
            remaining: this.rateLimit?.remaining ?? 5000,
            reset: Math.floor(Date.now() / 1000) + 3600,
            used: 0,
          },
        },
        rate: {
          limit: 5000,
          remaining: this.rateLimit?.remaining ?? 5000,
          reset: Math.floor(Date.now() / 1000) + 3600,
          used: 0,
        },
      },
    }));
    this.route('GET', R, async ctx => ({
      status: 200,
      body: this.repoJson(repoOf(ctx)),
    }));
    this.route('POST', '/graphql', async ctx => this.graphql(ctx.body));
    defineWebhookRoutes(this.route.bind(this), this.webhooks, {
      find: fullName => {
        const repo = this.repo(fullName);
        return { fullName, id: repo.record.id };
      },
      context: (fullName, sender) => ({
        repository: this.repoJson(this.repo(fullName)),
        sender: simpleUser(this.urls, sender),
      }),
    });

    this.route('GET', `${R}/git/ref/{+ref}`, async ctx => {
      const repo = repoOf(ctx);
      const sha = (await repo.git.refs(`refs/${ctx.params.ref}`)).find(
        r => r.ref === `refs/${ctx.params.ref}`,
      )?.sha;
      if (!sha) throw new HttpError(404, 'Not Found');
      return {
        status: 200,
        body: gitRef(this.urls, fullOf(ctx), `refs/${ctx.params.ref}`, sha),
      };
    });
    this.route('GET', `${R}/git/matching-refs/{+ref}`, async ctx => {
      const repo = repoOf(ctx);
      const refs = (await repo.git.refs()).filter(r =>
        r.ref.startsWith(`refs/${ctx.params.ref}`),
      );
      return {
        status: 200,
        body: refs.map(r => gitRef(this.urls, fullOf(ctx), r.ref, r.sha)),
      };
    });
    this.route('POST', `${R}/git/refs`, async ctx => {
      const repo = repoOf(ctx);
      const { ref, sha } = ctx.body ?? {};
      if (typeof ref !== 'string' || !/^refs\/.+\/.+/.test(ref))
        throw invalid(
          "Reference name must start with 'refs/' and have at least two slashes.",
          'ref',
          'Reference',
        );
      if ((await repo.git.objectType(sha)) !== 'commit')
        throw invalid('Object does not exist', 'sha', 'Reference');
      if (await repo.git.resolveRef(ref))
        throw new HttpError(422, 'Reference already exists');
      await repo.git.updateRef(ref, sha);
      repo.pushedAt = now();
      await this.pushed(repo, ref, undefined, sha, ctx.user);
      return { status: 201, body: gitRef(this.urls, fullOf(ctx), ref, sha) };
    });
    this.route('PATCH', `${R}/git/refs/{+ref}`, async ctx => {
      const repo = repoOf(ctx);
      const ref = `refs/${ctx.params.ref}`;
      const current = await repo.git.resolveRef(ref);
      if (!current) throw new HttpError(422, 'Reference does not exist');
      const { sha, force } = ctx.body ?? {};
      if ((await repo.git.objectType(sha)) !== 'commit')
        throw invalid('Object does not exist', 'sha', 'Reference');
      if (!force && !(await repo.git.isAncestor(current, sha)))
        throw new HttpError(422, 'Update is not a fast forward');
      await this.refuseDirectUpdate(repo, ref, ctx.user, {
        from: current,
        to: sha,
      });
      await repo.git.updateRef(ref, sha, current);
      repo.pushedAt = now();
      if (!ref.startsWith('refs/heads/') && current !== sha)
        await this.pushed(repo, ref, current, sha, ctx.user);
      if (ref.startsWith('refs/heads/') && current !== sha)
        await this.headMoved(
          repo,
          ref.slice('refs/heads/'.length),
          current,
          sha,
          ctx.user,
        );
      return { status: 200, body: gitRef(this.urls, fullOf(ctx), ref, sha) };
    });
    this.route('DELETE', `${R}/git/refs/{+ref}`, async ctx => {
      const repo = repoOf(ctx);
      const ref = `refs/${ctx.params.ref}`;
      const current = await repo.git.resolveRef(ref);
      if (!current) throw new HttpError(422, 'Reference does not exist');
      await this.refuseDirectUpdate(repo, ref, ctx.user, { from: current });
      await repo.git.deleteRef(ref);
      await this.pushed(repo, ref, current, undefined, ctx.user);
      if (ref.startsWith('refs/heads/'))
        await this.branchDeleted(repo, ref.slice('refs/heads/'.length));
      return { status: 204 };
    });

    this.route('POST', `${R}/git/blobs`, async ctx => {
      const repo = repoOf(ctx);
      const { content, encoding = 'utf-8' } = ctx.body ?? {};
      if (typeof content !== 'string')
        throw invalid(
          'Invalid request.\n\n"content" wasn\'t supplied.',
          'content',
          'Blob',
        );
      const sha = await repo.git.writeBlob(
        Buffer.from(content, encoding === 'base64' ? 'base64' : 'utf8'),
      );
      return {
        status: 201,
        body: { sha, url: `${this.urls.repo(fullOf(ctx))}/git/blobs/${sha}` },
      };
    });
    this.route('GET', `${R}/git/blobs/{file_sha}`, async ctx => {
      const repo = repoOf(ctx);
      if ((await repo.git.objectType(ctx.params.file_sha)) !== 'blob')
        throw new HttpError(404, 'Not Found');
      const content = await repo.git.readBlob(ctx.params.file_sha);
      return {
        status: 200,
        body: {
          sha: ctx.params.file_sha,
          node_id: Buffer.from(`Blob:${ctx.params.file_sha}`).toString(
            'base64',
          ),
          size: content.length,
          url: `${this.urls.repo(fullOf(ctx))}/git/blobs/${
            ctx.params.file_sha
          }`,
          content: content.toString('base64'),
          encoding: 'base64',
        },
      };
    });
    this.route('POST', `${R}/git/trees`, async ctx => {
      const repo = repoOf(ctx);
      const { tree, base_tree } = ctx.body ?? {};
      if (!Array.isArray(tree))
        throw invalid('Invalid tree info', 'tree', 'Tree');
      if (base_tree && (await repo.git.objectType(base_tree)) !== 'tree')
        throw invalid('base_tree is not a valid tree oid', 'base_tree', 'Tree');
      const entries: Array<{ path: string; mode: string; sha: string | null }> =
        [];
      for (const [i, entry] of tree.entries()) {
        if (
          typeof entry?.path !== 'string' ||
          entry.path.startsWith('/') ||
          entry.path.includes('//')
        )
          throw invalid(
            `tree.path contains a malformed path component`,
            `tree[${i}].path`,
            'Tree',
          );
        if (
          !['100644', '100755', '040000', '160000', '120000'].includes(
            entry.mode,
          )
        )
          throw invalid(
            `tree[${i}].mode must be one of 100644, 100755, 040000, 160000, 120000`,
            `tree[${i}].mode`,
            'Tree',
          );
        if (typeof entry.content === 'string') {
          entries.push({
            path: entry.path,
            mode: entry.mode,
            sha: await repo.git.writeBlob(Buffer.from(entry.content)),
          });
        } else if (entry.sha === null) {
          entries.push({ path: entry.path, mode: entry.mode, sha: null });
        } else {
          if (!(await repo.git.objectType(entry.sha)))
            throw invalid(
              `tree.sha ${entry.sha} is not a valid blob`,
              `tree[${i}].sha`,
              'Tree',
            );
          entries.push({ path: entry.path, mode: entry.mode, sha: entry.sha });
        }
      }
      const sha = await repo.git.writeTree(base_tree, entries);
      return {
        status: 201,
        body: await this.treeJson(repo, fullOf(ctx), sha, false),
      };
    });
    this.route('GET', `${R}/git/trees/{tree_sha}`, async ctx => {
      const repo = repoOf(ctx);
      const sha =
        (await repo.git.objectType(ctx.params.tree_sha)) === 'commit'
          ? (await repo.git.readCommit(ctx.params.tree_sha)).tree
          : ctx.params.tree_sha;
      if ((await repo.git.objectType(sha)) !== 'tree')
        throw new HttpError(404, 'Not Found');
      const recursive =
        ctx.query.has('recursive') &&
        !['0', 'false'].includes(ctx.query.get('recursive') ?? '');
      return {
        status: 200,
        body: await this.treeJson(repo, fullOf(ctx), sha, recursive),
      };
    });
    this.route('POST', `${R}/git/commits`, async ctx => {
      const repo = repoOf(ctx);
      const { message, tree, parents = [], author, committer } = ctx.body ?? {};
      if (typeof message !== 'string')
        throw invalid(
          'Invalid request.\n\n"message" wasn\'t supplied.',
          'message',
          'Commit',
        );
      if ((await repo.git.objectType(tree)) !== 'tree')
        throw invalid('Tree SHA does not exist', 'tree', 'Commit');
      for (const parent of parents)
        if ((await repo.git.objectType(parent)) !== 'commit')
          throw invalid(
            'Parent SHA does not exist or is not a commit object',
            'parents',
            'Commit',
          );
      const who = author ?? {
        name: ctx.user,
        email: `${ctx.user}@users.noreply.invalid`,
      };
      const sha = await repo.git.commitTree(
        tree,
        parents,
        message,
        who,
        committer ?? who,
      );
      return {
        status: 201,
        body: gitCommit(this.urls, fullOf(ctx), await repo.git.readCommit(sha)),
      };
    });
    this.route('GET', `${R}/git/commits/{commit_sha}`, async ctx => {
      const repo = repoOf(ctx);
      if ((await repo.git.objectType(ctx.params.commit_sha)) !== 'commit')
        throw new HttpError(404, 'Not Found');
      return {
        status: 200,
        body: gitCommit(
          this.urls,
          fullOf(ctx),
          await repo.git.readCommit(ctx.params.commit_sha),
        ),
      };
    });

    // branch protection: GitHub answers 404 "Branch not found" for a missing branch, "Branch not protected" for one without rules
    const protectedBranchOf = async (ctx: RequestContext) => {
      const repo = repoOf(ctx);
      const branch = ctx.params.branch;
      if (!(await repo.git.resolveRef(`refs/heads/${branch}`)))
        throw new HttpError(404, 'Branch not found');
      return { repo, branch, protection: repo.protections.get(branch) };
    };
    const appOf = (slug: string) => {
      const app = (this.options.apps ?? []).find(a => a.slug === slug)!;
      return { id: app.appId, slug: app.slug };
    };
    this.route('GET', `${R}/branches/{+branch}/protection`, async ctx => {
      const { branch, protection } = await protectedBranchOf(ctx);
      if (!protection) throw new HttpError(404, 'Branch not protected');
      return {
        status: 200,
        body: protectionJson(this.urls, fullOf(ctx), branch, protection, appOf),
      };
    });
    this.route('PUT', `${R}/branches/{+branch}/protection`, async ctx => {
      const { repo, branch } = await protectedBranchOf(ctx);
      const protection = await this.setProtection(repo, branch, ctx.body);
      return {
        status: 200,
        body: protectionJson(this.urls, fullOf(ctx), branch, protection, appOf),
      };
    });
    this.route('DELETE', `${R}/branches/{+branch}/protection`, async ctx => {
      const { repo, branch, protection } = await protectedBranchOf(ctx);
      if (!protection) throw new HttpError(404, 'Branch not protected');
      repo.protections.delete(branch);
      this.writeHookRules(repo);
      return { status: 204 };
    });

    this.route('POST', `${R}/statuses/{sha}`, async ctx => {
      const repo = repoOf(ctx);
      const sha = await repo.git.resolveRef(ctx.params.sha);
      if (!sha || !sha.startsWith(ctx.params.sha.toLowerCase()))
        throw new HttpError(422, `No commit found for SHA: ${ctx.params.sha}`);
      const {
        state,
        target_url: targetUrl = null,
        description = null,
        context = 'default',
      } = ctx.body ?? {};
      if (!['error', 'failure', 'pending', 'success'].includes(state))
        throw new HttpError(422, 'Validation Failed', {}, [
          {
            resource: 'Status',
            code: 'custom',
            field: 'state',
            message: 'state is not included in the list',
          },
        ]);
      if (typeof context !== 'string' || !context)
        throw invalid('Validation Failed', 'context', 'Status');
      const status: StatusRecord = {
        id: this.nextId++,
        sha,
        state,
        context,
        description: description === null ? null : String(description),
        targetUrl: targetUrl === null ? null : String(targetUrl),
        creator: ctx.user,
        createdAt: now(),
      };
      repo.statuses.set(sha, [...(repo.statuses.get(sha) ?? []), status]);
      for (const pull of repo.pulls.filter(p => p.state === 'open'))
        if ((await repo.git.resolveRef(`refs/heads/${pull.head}`)) === sha)
          pull.updatedAt = now();
      return {
        status: 201,
        body: {
          ...this.statusJson(repo, status),
          creator: simpleUser(this.urls, status.creator),
        },
      };
    });
    // the combined status: the latest status per context; failure if any failed or errored, pending while any is pending or none was posted
    this.route('GET', `${R}/commits/{+ref}/status`, async ctx => {
      const repo = repoOf(ctx);
      const sha =
        (await repo.git.resolveRef(`refs/heads/${ctx.params.ref}`)) ??
        (await repo.git.resolveRef(`refs/tags/${ctx.params.ref}`)) ??
        (await repo.git.resolveRef(ctx.params.ref));
      if (!sha)
        throw new HttpError(404, `No commit found for SHA: ${ctx.params.ref}`);
      const latest = new Map<string, StatusRecord>();
      for (const status of repo.statuses.get(sha) ?? [])
        latest.set(status.context, status);
      const statuses = [...latest.values()];
      const states = new Set(statuses.map(st => st.state));
      let state = 'success';
      if (states.has('failure') || states.has('error')) state = 'failure';
      else if (statuses.length === 0 || states.has('pending'))
        state = 'pending';
      const full = fullOf(ctx);
      return {
        status: 200,
        body: {
          state,
          statuses: statuses.map(st => this.statusJson(repo, st)),
          sha,
          total_count: statuses.length,
          repository: this.repoJson(repo),
          commit_url: `${this.urls.repo(full)}/commits/${sha}`,
          url: `${this.urls.repo(full)}/commits/${sha}/status`,
        },
      };
    });

    this.route('GET', `${R}/commits`, async ctx => {
      const repo = repoOf(ctx);
      const from = ctx.query.get('sha') ?? repo.record.defaultBranch;
      const head =
        (await repo.git.resolveRef(`refs/heads/${from}`)) ??
        (await repo.git.resolveRef(from));
      if (!head) throw new HttpError(404, 'Not Found');
      const perPage = Math.min(Number(ctx.query.get('per_page') ?? 30), 100);
      const shas = (
        await repo.git.git(['rev-list', `--max-count=${perPage}`, head])
      )
        .trim()
        .split('\n')
        .filter(Boolean);
      const full = fullOf(ctx);
      const body = await Promise.all(
        shas.map(async sha => {
          const commit = await repo.git.readCommit(sha);
          const git = gitCommit(this.urls, full, commit);
          return {
            sha,
            node_id: git.node_id,
            url: `${this.urls.repo(full)}/commits/${sha}`,
            html_url: git.html_url,
            comments_url: `${this.urls.repo(full)}/commits/${sha}/comments`,
            commit: {
              author: commit.author,
              committer: commit.committer,
              message: commit.message,
              tree: git.tree,
              url: git.url,
              comment_count: 0,
              verification: git.verification,
            },
            author: simpleUser(this.urls, loginOf(commit.author.email)),
            committer: simpleUser(this.urls, loginOf(commit.committer.email)),
            parents: git.parents,
          };
        }),
      );
      return { status: 200, body };
    });
    this.route('GET', `${R}/contents/{+path}`, async ctx =>
      this.contents(
        repoOf(ctx),
        fullOf(ctx),
        ctx.params.path,
        ctx.query.get('ref') ?? undefined,
      ),
    );
    this.route('GET', `${R}/contents`, async ctx =>
      this.contents(
        repoOf(ctx),
        fullOf(ctx),
        '',
        ctx.query.get('ref') ?? undefined,
      ),
    );
    this.route('PUT', `${R}/contents/{+path}`, async ctx => {
      const repo = repoOf(ctx);
      const { message, content, sha, branch } = ctx.body ?? {};
      const ref = `refs/heads/${branch ?? repo.record.defaultBranch}`;
      const head = await repo.git.resolveRef(ref);
      if (!head) throw new HttpError(404, `Branch ${branch} not found`);
      const commit = await repo.git.readCommit(head);
      const existing = (
        await repo.git.lsTree(commit.tree, false, ctx.params.path)
      ).find(e => e.path === ctx.params.path);
      if (existing && existing.sha !== sha)
        throw new HttpError(
          409,
          `${ctx.params.path} does not match ${sha ?? 'the sha you gave'}`,
        );
      if (!existing && sha)
        throw new HttpError(422, "sha wasn't supplied or does not match");
      const blob = await repo.git.writeBlob(
        Buffer.from(String(content ?? ''), 'base64'),
      );
      const tree = await repo.git.writeTree(commit.tree, [
        { path: ctx.params.path, mode: '100644', sha: blob },
      ]);
      const newSha = await repo.git.commitTree(
        tree,
        [head],
        String(message ?? `Update ${ctx.params.path}`),
        { name: ctx.user, email: `${ctx.user}@users.noreply.invalid` },
      );
      await this.refuseDirectUpdate(
        repo,
        ref,
        ctx.user,
        { from: head, to: newSha },
        409,
      );
      await repo.git.updateRef(ref, newSha, head);
      await this.headMoved(
        repo,
        ref.slice('refs/heads/'.length),
        head,
        newSha,
        ctx.user,
      );
      const file = await this.contents(
        repo,
        fullOf(ctx),
        ctx.params.path,
        newSha,
      );
      return {
        status: existing ? 200 : 201,
        body: {
          content: file.body,
          commit: gitCommit(
            this.urls,
            fullOf(ctx),
            await repo.git.readCommit(newSha),
          ),
        },
      };
    });

    this.route('GET', `${R}/pulls`, async ctx => {
      const repo = repoOf(ctx);
      const state = ctx.query.get('state') ?? 'open';
      const head = ctx.query.get('head');
      const base = ctx.query.get('base');
      const perPage = Math.min(Number(ctx.query.get('per_page') ?? 30), 100);
      const page = Number(ctx.query.get('page') ?? 1);
      const selected = repo.pulls
        .filter(p => state === 'all' || p.state === state)
        .filter(
          p =>
            !head ||
            `${repo.record.owner}:${p.head}` === head ||
            p.head === head,
        )
        .filter(p => !base || p.base === base)
        .sort((a, b) => b.number - a.number);
      const pageItems = selected.slice((page - 1) * perPage, page * perPage);
      return {
        status: 200,
        body: await Promise.all(
          pageItems.map(p => this.pullJson(repo, p, false)),
        ),
        headers: pageLinks(
          `${this.urls.repo(fullOf(ctx))}/pulls`,
          ctx.query,
          page,
          perPage,
          selected.length,
        ),
      };
    });
    this.route('POST', `${R}/pulls`, async ctx => {
      const repo = repoOf(ctx);
      const { title, head, base, body = null, draft = false } = ctx.body ?? {};
      if (!title) throw invalid('Validation Failed', 'title', 'PullRequest');
      const headBranch = String(head ?? '').replace(
        `${repo.record.owner}:`,
        '',
      );
      if (!(await repo.git.resolveRef(`refs/heads/${base}`)))
        throw invalid('Validation Failed', 'base', 'PullRequest');
      const headSha = await repo.git.resolveRef(`refs/heads/${headBranch}`);
      if (!headSha) throw invalid('Validation Failed', 'head', 'PullRequest');
      if (
        repo.pulls.some(
          p => p.state === 'open' && p.head === headBranch && p.base === base,
        )
      ) {
        throw new HttpError(422, 'Validation Failed', {}, [
          {
            resource: 'PullRequest',
            code: 'custom',
            message: `A pull request already exists for ${repo.record.owner}:${headBranch}.`,
          },
        ]);
      }
      const baseSha = (await repo.git.resolveRef(`refs/heads/${base}`))!;
      if (await repo.git.isAncestor(headSha, baseSha)) {
        throw new HttpError(422, 'Validation Failed', {}, [
          {
            resource: 'PullRequest',
            code: 'custom',
            message: `No commits between ${base} and ${headBranch}`,
          },
        ]);
      }
      const pull: PullRecord = {
        number: repo.pulls.length + 1,
        id: this.nextId++,
        title,
        body,
        user: ctx.user,
        head: headBranch,
        base,
        state: 'open',
        draft,
        merged: false,
        mergeCommitSha: null,
        closedAt: null,
        createdAt: now(),
        updatedAt: now(),
        requestedReviewers: [],
        labels: [],
        reviews: [],
        comments: [],
      };
      repo.pulls.push(pull);
      await this.pullEvent(repo, pull, 'opened', ctx.user);
      return { status: 201, body: await this.pullJson(repo, pull) };
    });
    this.route('GET', `${R}/pulls/{pull_number}`, async ctx => ({
      status: 200,
      body: await this.pullJson(repoOf(ctx), pullOf(ctx)),
    }));
    this.route('PATCH', `${R}/pulls/{pull_number}`, async ctx => {
      const repo = repoOf(ctx);
      const pull = pullOf(ctx);
      const { title, body, state, base } = ctx.body ?? {};
      if (title !== undefined) pull.title = title;
      if (body !== undefined) pull.body = body;
      if (base !== undefined) {
        if (!(await repo.git.resolveRef(`refs/heads/${base}`)))
          throw invalid('Validation Failed', 'base', 'PullRequest');
        pull.base = base;
      }
      let action = 'edited';
      if (state === 'closed' && pull.state === 'open') {
        Object.assign(pull, { state: 'closed', closedAt: now() });
        action = 'closed';
      }
      if (state === 'open' && pull.state === 'closed' && !pull.merged) {
        Object.assign(pull, { state: 'open', closedAt: null });
        action = 'reopened';
      }
      pull.updatedAt = now();
      await this.pullEvent(repo, pull, action, ctx.user);
      return { status: 200, body: await this.pullJson(repo, pull) };
    });
    this.route('PUT', `${R}/pulls/{pull_number}/merge`, async ctx =>
      this.mergePull(repoOf(ctx), pullOf(ctx), ctx.user, ctx.body ?? {}),
    );
    this.route('GET', `${R}/pulls/{pull_number}/merge`, async ctx =>
      pullOf(ctx).merged
        ? { status: 204 }
        : {
            status: 404,
            body: {
              message: 'Not Found',
              documentation_url: 'https://docs.github.com/rest',
            },
          },
    );
    this.route('GET', `${R}/pulls/{pull_number}/files`, async ctx => {
      const repo = repoOf(ctx);
      const pull = pullOf(ctx);
      const headSha =
        pull.headSha ?? (await repo.git.resolveRef(`refs/heads/${pull.head}`))!;
      const baseSha = (await repo.git.resolveRef(`refs/heads/${pull.base}`))!;
      const from = pull.merged
        ? (await repo.git.readCommit(pull.mergeCommitSha!)).parents[0]
        : (await repo.git.mergeBase(baseSha, headSha)) ?? baseSha;
      const stats = await repo.git.diffStat(from, headSha);
      return {
        status: 200,
        body: await Promise.all(
          stats.map(async s => {
            const blob =
              s.status === 'removed'
                ? '0'.repeat(40)
                : (await repo.git.lsTree(headSha, false, s.path))[0]?.sha ??
                  '0'.repeat(40);
            return {
              sha: blob,
              filename: s.path,
              status: s.status,
              additions: s.additions,
              deletions: s.deletions,
              changes: s.additions + s.deletions,
              blob_url: `${this.urls.web}/${fullOf(ctx)}/blob/${headSha}/${
                s.path
              }`,
              raw_url: `${this.urls.web}/${fullOf(ctx)}/raw/${headSha}/${
                s.path
              }`,
              contents_url: `${this.urls.repo(fullOf(ctx))}/contents/${
                s.path
              }?ref=${headSha}`,
            };
          }),
        ),
      };
    });
    this.route(
      'POST',
      `${R}/pulls/{pull_number}/requested_reviewers`,
      async ctx => {
        const repo = repoOf(ctx);
        const pull = pullOf(ctx);
        const reviewers: string[] = ctx.body?.reviewers ?? [];
        const unknown = reviewers.filter(r => !repo.collaborators.has(r));
        if (unknown.length > 0) {
          throw new HttpError(
            422,
            'Reviews may only be requested from collaborators. One or more of the users or teams you specified is not a collaborator of the ' +
              `${fullOf(ctx)} repository.`,
          );
        }
        if (reviewers.includes(pull.user))
          throw new HttpError(
            422,
            'Review cannot be requested from pull request author.',
          );
        pull.requestedReviewers = [
          ...new Set([...pull.requestedReviewers, ...reviewers]),
        ];
        pull.updatedAt = now();
        await this.pullEvent(repo, pull, 'review_requested', ctx.user);
        return { status: 201, body: await this.pullJson(repo, pull, false) };
      },
    );
    this.route(
      'GET',
      `${R}/pulls/{pull_number}/requested_reviewers`,
      async ctx => ({
        status: 200,
        body: {
          users: pullOf(ctx).requestedReviewers.map(l =>
            simpleUser(this.urls, l),
          ),
          teams: [],
        },
      }),
    );
    this.route('GET', `${R}/pulls/{pull_number}/reviews`, async ctx => {
      const repo = repoOf(ctx);
      const pull = pullOf(ctx);
      return {
        status: 200,
        body: pull.reviews.map(r => this.reviewJson(repo, pull, r)),
      };
    });
    this.route('POST', `${R}/pulls/{pull_number}/reviews`, async ctx => {
      const repo = repoOf(ctx);
      const pull = pullOf(ctx);
      const review = await this.submitReview(
        repo,
        pull,
        ctx.user,
        ctx.body?.event ?? 'COMMENT',
        ctx.body?.body ?? '',
      );
      return { status: 200, body: this.reviewJson(repo, pull, review) };
    });
    // GitHub: dismissing needs a message; only APPROVED and CHANGES_REQUESTED reviews can be dismissed.
    this.route(
      'PUT',
      `${R}/pulls/{pull_number}/reviews/{review_id}/dismissals`,
      async ctx => {
        const repo = repoOf(ctx);
        const pull = pullOf(ctx);
        const review = pull.reviews.find(
          r => r.id === Number(ctx.params.review_id),
        );
        if (!review) throw new HttpError(404, 'Not Found');
        if (typeof ctx.body?.message !== 'string' || !ctx.body.message)
          throw invalid('Validation Failed', 'message', 'PullRequestReview');
        if (review.state !== 'APPROVED' && review.state !== 'CHANGES_REQUESTED')
          throw new HttpError(422, 'Unprocessable Entity', {}, [
            'Can not dismiss a commented pull request review',
          ]);
        review.state = 'DISMISSED';
        pull.updatedAt = now();
        return { status: 200, body: this.reviewJson(repo, pull, review) };
      },
    );
    this.route('POST', `${R}/issues/{issue_number}/labels`, async ctx => {
      const repo = repoOf(ctx);
      const pull = pullOf(ctx);
      const labels: string[] = Array.isArray(ctx.body)
        ? ctx.body
        : ctx.body?.labels ?? [];
      if (
        labels.some(
          l => typeof l !== 'string' || l.length === 0 || l.length > 50,
        )
      )
        throw invalid('Validation Failed', 'labels', 'Label');
      for (const l of labels) if (!repo.labels.includes(l)) repo.labels.push(l);
      pull.labels = [...new Set([...pull.labels, ...labels])];
      pull.updatedAt = now();
      return {
        status: 200,
        body: pull.labels.map(l =>
          label(this.urls, fullOf(ctx), labelId(l), l),
        ),
      };
    });
    this.route('GET', `${R}/issues/{issue_number}/labels`, async ctx => ({
      status: 200,
      body: pullOf(ctx).labels.map(l =>
        label(this.urls, fullOf(ctx), labelId(l), l),
      ),
    }));
    this.route('POST', `${R}/issues/{issue_number}/comments`, async ctx => {
      const repo = repoOf(ctx);
      const pull = pullOf(ctx);
      if (typeof ctx.body?.body !== 'string' || !ctx.body.body)
        throw invalid('Validation Failed', 'body', 'IssueComment');
      const comment: CommentRecord = {
        id: this.nextId++,
        user: ctx.user,
        body: ctx.body.body,
        createdAt: now(),
        updatedAt: now(),
      };
      pull.comments.push(comment);
      return { status: 201, body: this.commentJson(repo, pull, comment) };
    });
    this.route('GET', `${R}/issues/{issue_number}/comments`, async ctx => {
      const repo = repoOf(ctx);
      const pull = pullOf(ctx);
      return {
        status: 200,
        body: pull.comments.map(c => this.commentJson(repo, pull, c)),
      };
    });
  }

  private async treeJson(
    repo: RepoState,
    full: string,
    sha: string,
    recursive: boolean,
  ) {
    const entries = await repo.git.lsTree(sha, recursive);
    return {
      sha,
      url: `${this.urls.repo(full)}/git/trees/${sha}`,
      truncated: false,
      tree: entries.map(e => ({
        path: e.path,
        mode: e.mode,
        type: e.type,
        sha: e.sha,
        ...(e.type === 'blob' ? { size: e.size } : {}),
        url: `${this.urls.repo(full)}/git/${
          e.type === 'tree' ? 'trees' : 'blobs'
        }/${e.sha}`,
      })),
    };
  }

  private async contents(
    repo: RepoState,
    full: string,
    filePath: string,
    ref?: string,
  ): Promise<Response> {
    const commitSha =
      (await repo.git.resolveRef(
        ref ?? `refs/heads/${repo.record.defaultBranch}`,
      )) ??
      (ref && (await repo.git.resolveRef(`refs/heads/${ref}`)));
    if (!commitSha)
      throw new HttpError(404, `No commit found for the ref ${ref}`);
    const tree = (await repo.git.readCommit(commitSha)).tree;
    const entryOf = (e: {
      mode: string;
      type: string;
      sha: string;
      size: number;
      path: string;
    }) => {
      const url = `${this.urls.repo(full)}/contents/${e.path}?ref=${
        ref ?? repo.record.defaultBranch
      }`;
      const gitUrl = `${this.urls.repo(full)}/git/${
        e.type === 'tree' ? 'trees' : 'blobs'
      }/${e.sha}`;
      const html = `${this.urls.web}/${full}/blob/${commitSha}/${e.path}`;
      return {
        type: e.type === 'tree' ? 'dir' : 'file',
        size: e.size,
        name: e.path.split('/').pop()!,
        path: e.path,
        sha: e.sha,
        url,
        git_url: gitUrl,
        html_url: html,
        download_url:
          e.type === 'tree'
            ? null
            : `${this.urls.web}/${full}/raw/${commitSha}/${e.path}`,
        _links: { self: url, git: gitUrl, html },
      };
    };
    if (filePath === '') {
      return {
        status: 200,
        body: (await repo.git.lsTree(tree, false)).map(entryOf),
      };
    }
    const [entry] = await repo.git.lsTree(tree, false, filePath);
    if (!entry || entry.path !== filePath) {
      const children = await repo.git.lsTree(tree, false, `${filePath}/`);
      if (children.length === 0) throw new HttpError(404, 'Not Found');
      return { status: 200, body: children.map(entryOf) };
    }
    if (entry.type === 'tree')
      return {
        status: 200,
        body: (await repo.git.lsTree(tree, false, `${filePath}/`)).map(entryOf),
      };
    const content = await repo.git.readBlob(entry.sha);
    return {
      status: 200,
      body: {
        ...entryOf(entry),
        encoding: 'base64',
        content: content.toString('base64'),
      },
    };
  }
}

/** The GitHub login a commit's e-mail stands for (`alice@users.noreply...` is alice). */
function loginOf(email: string): string {
  return (
    email
      .split('@')[0]
      .replace(/[^A-Za-z0-9-]+/g, '-')
      .replace(/^-+|-+$/g, '') || 'ghost'
  );
}

function labelId(name: string): number {
  return userId(`label:${name}`);
}

async function readText(req: http.IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function readJson(req: http.IncomingMessage): Promise<any> {
  const text = await readText(req);
  return text ? JSON.parse(text) : undefined;
}
