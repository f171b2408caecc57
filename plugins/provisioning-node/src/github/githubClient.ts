import { LoggerService } from '@backstage/backend-plugin-api';
import type { Octokit } from '@octokit/rest';

/** How the GitHub client waits and retries. Production uses the defaults; tests shorten the waits. */
export interface GitHubClientOptions {
  /** API base URL, e.g. `https://api.github.com` or `https://ghe.example.net/api/v3`. */
  baseUrl: string;
  /**
   * The token of each call: a fixed token, or a function asked before every call (GitHub App installation
   * tokens expire after an hour; `@backstage/integration` caches and renews them).
   */
  token: string | (() => Promise<string>);
  logger?: LoggerService;
  /** Retries of a failed call (5xx, network errors) and of a rate-limited one. Default 4. */
  retries?: number;
  /** Base of the backoff of `@octokit/plugin-retry`, in ms (it waits base * attempt²). Default 1000. */
  retryBaseMs?: number;
  /** Longest wait for a rate limit to lift, in seconds; beyond it the call fails. Default 60. */
  maxRateLimitWaitSeconds?: number;
  /**
   * Least time between two writes (POST, PATCH, PUT, DELETE), as GitHub asks of integrations to stay clear of the
   * secondary rate limit: default 1000 ms, and three times as long between writes that notify people (opening a
   * pull request, requesting reviewers). Tests and benchmarks against the emulator may set 0.
   */
  writeIntervalMs?: number;
}

/**
 * An Octokit with GitHub's own retry and throttling plugins: 5xx answers and dropped connections are retried with
 * backoff (`@octokit/plugin-retry`); the primary rate limit waits for its reset and the secondary one for its
 * `retry-after` (`@octokit/plugin-throttling`), each at most `maxRateLimitWaitSeconds`; writes are paced one a
 * second (those that notify people, one in three seconds), as GitHub asks. The token is asked for on
 * every call, so GitHub App tokens are renewed as they expire.
 *
 * @public
 */
export function createGitHubClient(options: GitHubClientOptions): Octokit {
  // ESM-only packages: required (Node 22 loads ESM through require; Jest transforms them)
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { Octokit: OctokitClass } =
    require('@octokit/rest') as typeof import('@octokit/rest');
  const { retry } =
    require('@octokit/plugin-retry') as typeof import('@octokit/plugin-retry');
  const { throttling } =
    require('@octokit/plugin-throttling') as typeof import('@octokit/plugin-throttling');
  /* eslint-enable @typescript-eslint/no-require-imports */
  const retries = options.retries ?? 4;
  const maxWait = options.maxRateLimitWaitSeconds ?? 60;
  const logger = options.logger;
  const onLimit =
    (kind: string) =>
    (
      retryAfter: number,
      request: { method: string; url: string },
      _octokit: unknown,
      retryCount: number,
    ) => {
      if (retryCount >= retries || retryAfter > maxWait) {
        logger?.warn(
          `GitHub ${kind} rate limit on ${request.method} ${request.url}: giving up after ${retryCount} retries (reset in ${retryAfter} s)`,
        );
        return false;
      }
      logger?.warn(
        `GitHub ${kind} rate limit on ${request.method} ${request.url}: retrying in ${retryAfter} s`,
      );
      return true;
    };
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const Bottleneck =
    require('bottleneck/light') as typeof import('bottleneck').default;
  const paced =
    options.writeIntervalMs === undefined
      ? {}
      : {
          write: new Bottleneck.Group({
            maxConcurrent: 1,
            minTime: options.writeIntervalMs,
          }),
          notifications: new Bottleneck.Group({
            maxConcurrent: 1,
            minTime: options.writeIntervalMs * 3,
          }),
        };
  const WithPlugins = OctokitClass.plugin(retry, throttling);
  const octokit = new WithPlugins({
    baseUrl: options.baseUrl,
    retry: { retries, retryAfterBaseValue: options.retryBaseMs ?? 1000 },
    throttle: {
      onRateLimit: onLimit('primary'),
      onSecondaryRateLimit: onLimit('secondary'),
      ...paced,
    },
    log: {
      debug: () => {},
      info: () => {},
      warn: (m: string) => logger?.warn(m),
      error: (m: string) => logger?.error(m),
    },
  });
  const token = options.token;
  octokit.hook.before('request', async request => {
    const value = typeof token === 'string' ? token : await token();
    request.headers.authorization = `token ${value}`;
  });
  return octokit as unknown as Octokit;
}
