import { LiveClusterHealth } from '@kubeportal/plugin-provisioning-common';
import { ClusterError } from './ClusterClients';
import {
  ClusterStateKindState,
  ClusterStateStatus,
  ClusterStateSummary,
} from './ClusterStateCache';

/**
 * Whether a cluster answers, as the cache last saw it, in the words a given user may read (the shape is shared
 * with the frontend).
 *
 * @public
 */
export interface ClusterHealth extends LiveClusterHealth {
  state: ClusterStateSummary;
  errorType?: ClusterError['errorType'];
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
