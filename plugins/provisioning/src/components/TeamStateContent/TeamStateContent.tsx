import {
  EmptyState,
  InfoCard,
  Link,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi, useRouteRef } from '@backstage/frontend-plugin-api';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import {
  liveObjectId,
  TeamClusterSummary,
  TeamNamespaceSummary,
  VmCounts,
} from '@kubeportal/plugin-provisioning-common';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Chip from '@mui/material/Chip';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import Typography from '@mui/material/Typography';
import { provisioningApiRef } from '../../api';
import { useLiveRead, useNow } from '../../hooks';
import { rootRouteRef } from '../../routes';
import { backendErrorText } from '../backendError';
import {
  ClusterHealthLine,
  clusterHealthWord,
  CLUSTER_STATE_REFRESH_MS,
} from '../ClusterOverviewPage';
import {
  QuotaBar,
  quotaColour,
  quotaText,
  TICK_MS,
} from '../NamespaceStateCard';

/** Where the empty state sends a team to ask for its first namespace, when the plugin's page is not bound. */
const PROVISIONING_PATH = '/provisioning';

/** The catalog entity of a managed namespace: a `Resource` in `default` named `<cluster>.<namespace>`. */
export function namespaceEntityRef(cluster: string, namespace: string) {
  return {
    kind: 'Resource',
    namespace: 'default',
    name: liveObjectId(cluster, namespace),
  };
}

/**
 * The namespace's quota resource closest to its limit, as a small gauge: amber from 80%, red from 95% and when more
 * is used than allowed (also of a quota of 0, which has no percentage); no bar when there is no share to draw.
 */
const QuotaGauge = (props: { quota: TeamNamespaceSummary['quota'] }) => {
  const { quota } = props;
  if (!quota)
    return (
      <Typography variant="body2" color="text.secondary">
        no quota counted
      </Typography>
    );
  return (
    <Box sx={{ minWidth: 160 }} title={`quota ${quota.quota}`}>
      <Typography
        variant="body2"
        color={quotaColour(quota) === 'error' ? 'error' : undefined}
      >
        {quota.resource}: {quotaText(quota)}
      </Typography>
      <QuotaBar usage={quota} />
    </Box>
  );
};

/** VMs by KubeVirt's status, or "none". */
const VmCountChips = (props: { vms: VmCounts }) => {
  const statuses = Object.entries(props.vms.byStatus).sort(([a], [b]) =>
    a.localeCompare(b),
  );
  if (props.vms.total === 0)
    return (
      <Typography variant="body2" color="text.secondary">
        none
      </Typography>
    );
  return (
    <Box sx={{ display: 'flex', gap: 0.5, flexWrap: 'wrap' }}>
      {statuses.map(([status, count]) => (
        <Chip
          key={status}
          size="small"
          color={status === 'Running' ? 'success' : 'default'}
          label={`${status}: ${count}`}
        />
      ))}
    </Box>
  );
};

/** One cluster of the team: its health, and the team's namespaces there. */
const TeamClusterCard = (props: {
  cluster: TeamClusterSummary;
  now: number;
}) => {
  const { cluster } = props;
  return (
    <InfoCard
      title={cluster.cluster}
      subheader={`${cluster.namespaces.length} namespace${
        cluster.namespaces.length === 1 ? '' : 's'
      }, ${cluster.vms.total} VM${cluster.vms.total === 1 ? '' : 's'}`}
    >
      <Box data-testid={`team-cluster-${cluster.cluster}`}>
        <ClusterHealthLine cluster={cluster} now={props.now} />
        {clusterHealthWord(cluster) === 'unreachable' && (
          <Typography variant="body2" sx={{ mt: 1 }}>
            {cluster.lastHeardAt
              ? `What is shown here is the last the portal read from ${cluster.cluster}; `
              : `The portal has not read anything from ${cluster.cluster} yet; `}
            the team may have namespaces there it does not know of.
          </Typography>
        )}
        {cluster.namespaces.length > 0 && (
          <Table
            size="small"
            aria-label={`Namespaces on ${cluster.cluster}`}
            sx={{ mt: 1 }}
          >
            <TableHead>
              <TableRow>
                <TableCell>Namespace</TableCell>
                <TableCell>Phase</TableCell>
                <TableCell>Environment</TableCell>
                <TableCell>Quota closest to its limit</TableCell>
                <TableCell>VMs</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {cluster.namespaces.map(ns => (
                <TableRow key={ns.name}>
                  <TableCell component="th" scope="row">
                    <EntityRefLink
                      entityRef={namespaceEntityRef(cluster.cluster, ns.name)}
                    >
                      {ns.name}
                    </EntityRefLink>
                  </TableCell>
                  <TableCell>{ns.phase ?? 'unknown'}</TableCell>
                  <TableCell>{ns.environment ?? '—'}</TableCell>
                  <TableCell>
                    <QuotaGauge quota={ns.quota} />
                  </TableCell>
                  <TableCell>
                    <VmCountChips vms={ns.vms} />
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        )}
      </Box>
    </InfoCard>
  );
};

/**
 * A team's namespaces and VMs on every cluster, from `GET /teams/<team>/summary`, read again every 30 s: per
 * cluster its health and how old the data is, then each namespace (linking to its catalog page) with its phase,
 * environment, the quota resource closest to its limit and its VMs by status. Clusters where the team has nothing
 * are left out unless they are not healthy (the team may have namespaces there the portal cannot see now).
 */
export const TeamStateContent = (props: { team: string }) => {
  const api = useApi(provisioningApiRef);
  const provisioningLink = useRouteRef(rootRouteRef);
  const { value, error } = useLiveRead(
    () => api.getTeamSummary(props.team),
    [api, props.team],
    { refreshMs: CLUSTER_STATE_REFRESH_MS },
  );
  const now = useNow(TICK_MS);
  if (!value && error) return <ResponseErrorPanel error={error} />;
  if (!value) return <Progress />;
  const shown = value.clusters.filter(
    c => c.namespaces.length > 0 || clusterHealthWord(c) !== 'ok',
  );
  const hasNamespaces = value.clusters.some(c => c.namespaces.length > 0);
  return (
    <Box sx={{ display: 'flex', flexDirection: 'column', gap: 2 }}>
      {error && (
        <Alert severity="warning">
          Could not read the team's namespaces again ({backendErrorText(error)}
          ): showing the last answer.
        </Alert>
      )}
      {!hasNamespaces && (
        <EmptyState
          missing="data"
          title="This team has no namespaces the portal manages"
          description="Ask for a namespace, with its quota, on the Provisioning page."
          action={
            <Link to={provisioningLink?.() ?? PROVISIONING_PATH}>
              Go to Provisioning
            </Link>
          }
        />
      )}
      {shown.map(cluster => (
        <TeamClusterCard key={cluster.cluster} cluster={cluster} now={now} />
      ))}
    </Box>
  );
};
