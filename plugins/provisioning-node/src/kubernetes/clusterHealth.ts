import { ClusterError } from './ClusterClients';
import {
  ClusterStateKindState,
  ClusterStateStatus,
  ClusterStateSummary,
} from './ClusterStateCache';

/**
 * Whether a cluster answers, as the cache last saw it, in the words a given user may read. `ok` when the portal
 * reads it (every kind listed and watched, or some of them: `state` is then `degraded` and `message` says what
 * fails); `unreachable` when nothing answers, the portal is refused, or nothing has answered yet.
 *
 * @public
 */
export interface ClusterHealth {
  health: 'ok' | 'unreachable';
  /** The cache's summary state of the cluster. */
  state: ClusterStateSummary;
  /** What failed, as a type to act on; only while something fails. */
  errorType?: ClusterError['errorType'];
  /**
   * What is wrong: for the platform team the cluster's own words (addresses, accounts), for everybody else words
   * any user may see; absent while all is well.
   */
  message?: string;
  /** How old the data is: the oldest completed list, and the last word from the server (ISO 8601). */
  lastSyncedAt?: string;
  lastHeardAt?: string;
}

/** The states that say most about a failing cluster, most serious first. */
const SERIOUSNESS: ClusterStateKindState[] = [
  'unreachable',
  'forbidden',
  'reconnecting',
];

/**
 * A cluster's health from its cached status, without I/O. The most serious failing kind speaks for the cluster;
 * the platform team (`ownWords`) reads its last error as the cluster put it.
 */
export function clusterHealth(
  status: ClusterStateStatus,
  options: { ownWords: boolean },
): ClusterHealth {
  const ok =
    status.state === 'synced' || status.kinds.some(k => k.state === 'synced');
  const failing = SERIOUSNESS.map(state =>
    status.kinds.find(k => k.state === state),
  ).find(Boolean);
  const age = {
    ...(status.lastSyncedAt ? { lastSyncedAt: status.lastSyncedAt } : {}),
    ...(status.lastHeardAt ? { lastHeardAt: status.lastHeardAt } : {}),
  };
  if (!failing) {
    if (ok) return { health: 'ok', state: status.state, ...age };
    return {
      health: 'unreachable',
      state: status.state,
      message: `cluster '${status.cluster}' has not answered yet`,
      ...age,
    };
  }
  const error = failing.lastError?.error;
  const message =
    options.ownWords && error
      ? error.message
      : failing.message ?? status.message;
  return {
    health: ok ? 'ok' : 'unreachable',
    state: status.state,
    ...(error ? { errorType: error.errorType } : {}),
    ...(message ? { message } : {}),
    ...age,
  };
}
