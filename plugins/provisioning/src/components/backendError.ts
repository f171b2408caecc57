import { ResponseError } from '@backstage/errors';

/** The status line `ResponseError` makes of an answer whose body is not the backend's JSON error. */
const GENERATED_PREFIX = 'Request failed with status ';

/**
 * An error as a user should read it: the backend's own words (`{ error: { message } }` of its JSON answer, which
 * `ResponseError` carries as its cause) followed by the HTTP status line, e.g. "cluster 'dev' cannot be reached
 * right now (Request failed with 503 Service Unavailable)"; else the error's own message (a network failure, or an
 * answer that is not the backend's, such as a proxy's HTML page).
 */
export function backendErrorText(error: Error): string {
  if (!ResponseError.is(error)) return error.message;
  const words = error.body.error?.message ?? error.cause?.message;
  return typeof words === 'string' &&
    words.length > 0 &&
    !words.startsWith(GENERATED_PREFIX)
    ? `${words} (${error.message})`
    : error.message;
}

/** The backend answered 404: what was asked for is not there, or the user may not read it. */
export function isNotFound(error: Error | undefined): boolean {
  if (!error) return false;
  if (ResponseError.is(error)) return error.statusCode === 404;
  return (
    (error as { response?: { status?: unknown } }).response?.status === 404
  );
}
