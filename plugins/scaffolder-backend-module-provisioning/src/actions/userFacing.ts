import { isError } from '@backstage/errors';

/**
 * Errors that are answers to the user (a broken rule, a refusal, a conflict, a cluster or GitHub that cannot be
 * reached): their message says what is wrong and what to do, and a stack trace would only bury it.
 */
const USER_FACING = new Set([
  'InputError',
  'NotAllowedError',
  'NotFoundError',
  'ConflictError',
  'ServiceUnavailableError',
  // GitHub answering with an error or not at all, said in the portal's words with the step that failed
  'GitHubPullRequestError',
  'GitOpsReadError',
]);

/**
 * Runs an action's work so that a failure the user must act on reaches the task log as its message only: the
 * scaffolder writes a failed step's `error.stack` to the log the user reads. Other errors (bugs) keep their stack.
 */
export async function userFacing<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (isError(error) && USER_FACING.has(error.name))
      Object.defineProperty(error, 'stack', {
        value: error.message,
        configurable: true,
        writable: true,
      });
    throw error;
  }
}
