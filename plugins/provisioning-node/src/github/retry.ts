import { LoggerService } from '@backstage/backend-plugin-api';

/** How the writer retries GitHub calls. */
export interface RetryOptions {
  /** Attempts after the first. Default 4. */
  retries?: number;
  /** First backoff; doubles each attempt (with jitter). Default 500 ms. */
  minDelayMs?: number;
  /** Longest single wait, also for `retry-after` and rate-limit resets. Default 60 s. */
  maxDelayMs?: number;
  /** Injectable for tests. */
  sleep?: (ms: number) => Promise<void>;
}

interface HttpLikeError {
  status?: number;
  message?: string;
  response?: { headers?: Record<string, string | undefined> };
}

/**
 * How long to wait before retrying a failed GitHub call, or `undefined` when it must not be retried:
 * 5xx, 429 and secondary rate limits (honouring `retry-after`), the primary rate limit (until
 * `x-ratelimit-reset`), and network errors are retried; other 4xx are not.
 */
export function retryDelay(error: unknown, attempt: number, options: Required<Omit<RetryOptions, 'sleep'>>): number | undefined {
  const err = error as HttpLikeError;
  const headers = err.response?.headers ?? {};
  const backoff = Math.min(options.maxDelayMs, options.minDelayMs * 2 ** attempt) * (0.75 + Math.random() * 0.5);
  const retryAfter = headers['retry-after'];
  if (retryAfter !== undefined && (err.status === 429 || err.status === 403)) {
    return Math.min(options.maxDelayMs, Number(retryAfter) * 1000);
  }
  if (err.status === 429) return backoff;
  if (err.status === 403) {
    if (headers['x-ratelimit-remaining'] === '0' && headers['x-ratelimit-reset']) {
      return Math.min(options.maxDelayMs, Math.max(0, Number(headers['x-ratelimit-reset']) * 1000 - Date.now()) + 1000);
    }
    if (/secondary rate limit/i.test(err.message ?? '')) return backoff;
    return undefined;
  }
  if (err.status === undefined || err.status >= 500) return backoff;
  return undefined;
}

/** Runs a call, retrying per `retryDelay`; the last error is thrown when attempts run out. */
export async function withRetries<T>(what: string, fn: () => Promise<T>, options: RetryOptions = {}, logger?: LoggerService): Promise<T> {
  const settings = { retries: options.retries ?? 4, minDelayMs: options.minDelayMs ?? 500, maxDelayMs: options.maxDelayMs ?? 60_000 };
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>(r => setTimeout(r, ms)));
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (error) {
      const delay = attempt < settings.retries ? retryDelay(error, attempt, settings) : undefined;
      if (delay === undefined) throw error;
      logger?.warn(`GitHub ${what} failed (${(error as HttpLikeError).status ?? 'network'}); retrying in ${Math.round(delay)} ms`);
      await sleep(delay);
    }
  }
}
