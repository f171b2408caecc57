import {
  LABELS,
  QuotaUsage,
  TeamClusterSummary as CommonTeamClusterSummary,
  TeamNamespaceSummary,
  TeamSummary as CommonTeamSummary,
  VmCounts,
} from '@kubeportal/plugin-provisioning-common';
import { ClusterHealth, clusterHealth } from './clusterHealth';
import { ClusterStateCache } from './ClusterStateCache';
import { namespaceTeam, quotaUsages } from './namespaceState';

/** @public */
export type { VmCounts, TeamNamespaceSummary };
/** @public */
export type TeamClusterSummary = CommonTeamClusterSummary & ClusterHealth;
/** @public */
export interface TeamSummary extends CommonTeamSummary {
  clusters: TeamClusterSummary[];
}

/** How close a quota resource is to its limit: its ratio, and beyond any ratio when used of nothing allowed. */
const closeness = (usage: QuotaUsage) =>
  usage.ratio ?? (usage.exceeded ? Number.POSITIVE_INFINITY : 0);

function countVms(statuses: Array<string | undefined>): VmCounts {
  const byStatus: Record<string, number> = {};
  for (const status of statuses) {
    const key = status ?? 'Unknown';
    byStatus[key] = (byStatus[key] ?? 0) + 1;
  }
  return { total: statuses.length, byStatus };
}

/**
 * A team's summary from the cache, without a Kubernetes call: per configured cluster its health (`clusterHealth`,
 * the cluster's own words only with `ownWords`), and the managed namespaces the team owns that `may` lets the
 * caller read, each with its phase, the quota resource closest to its limit and its VMs by status. A namespace
 * `may` refuses is left out as if it did not exist, so a team the caller may not read looks like a team with no
 * namespaces.
 */
export function teamSummary(
  cache: Pick<ClusterStateCache, 'clusters' | 'list' | 'status'>,
  team: string,
  options: {
    may(namespace: { cluster: string; name: string; team: string }): boolean;
    ownWords: boolean;
  },
): TeamSummary {
  const wanted = team.toLocaleLowerCase('en-US');
  return {
    team,
    clusters: cache.clusters().map(cluster => {
      const namespaces = cache
        .list(cluster, 'namespaces')
        .items.filter(ns => {
          const owner = namespaceTeam(ns);
          return (
            owner !== undefined &&
            owner.toLocaleLowerCase('en-US') === wanted &&
            options.may({ cluster, name: ns.metadata.name, team: owner })
          );
        })
        .map(ns => {
          const name = ns.metadata.name;
          let quota: TeamNamespaceSummary['quota'];
          for (const q of cache.list(cluster, 'resourcequotas', name).items)
            for (const usage of quotaUsages(q))
              if (
                usage.exceeded !== undefined &&
                (quota === undefined || closeness(usage) > closeness(quota))
              )
                quota = { ...usage, quota: q.metadata.name };
          return {
            name,
            phase: ns.status?.phase as string | undefined,
            environment: ns.metadata.labels?.[LABELS.environment],
            requestId: ns.metadata.labels?.[LABELS.requestId],
            ...(quota ? { quota } : {}),
            vms: countVms(
              cache
                .list(cluster, 'virtualmachines', name)
                .items.map(
                  vm => vm.status?.printableStatus as string | undefined,
                ),
            ),
          };
        });
      const vms: VmCounts = { total: 0, byStatus: {} };
      for (const ns of namespaces) {
        vms.total += ns.vms.total;
        for (const [status, n] of Object.entries(ns.vms.byStatus))
          vms.byStatus[status] = (vms.byStatus[status] ?? 0) + n;
      }
      return {
        cluster,
        ...clusterHealth(cache.status(cluster), {
          ownWords: options.ownWords,
        }),
        namespaces,
        vms,
      };
    }),
  };
}
