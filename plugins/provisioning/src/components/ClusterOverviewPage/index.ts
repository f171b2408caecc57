export {
  ClusterOverviewPage,
  ClusterOverview,
  ClusterHealthLine,
  CLUSTER_STATE_REFRESH_MS,
  capacityRows,
  clusterHealthWord,
  teamCounts,
} from './ClusterOverviewPage';
export type {
  CapacityFigure,
  CapacityRow,
  TeamCount,
} from './ClusterOverviewPage';
