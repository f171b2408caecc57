import {
  Content,
  Header,
  InfoCard,
  Page,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import {
  CatalogApi,
  catalogApiRef,
  EntityRefLink,
} from '@backstage/plugin-catalog-react';
import {
  CapacityResource,
  CapacityUse,
  CATALOG_KEYS,
  ClusterCapacity,
  describeQuantity,
  LiveClusterHealth,
  NAMESPACE_ENTITY_TYPE,
  parseQuantity,
  QuantityKind,
  VM_ENTITY_TYPE,
} from '@kubeportal/plugin-provisioning-common';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Chip from '@mui/material/Chip';
import Grid from '@mui/material/Grid';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import Typography from '@mui/material/Typography';
import { useTheme } from '@mui/material/styles';
import { BarChart } from '@mui/x-charts/BarChart';
import { ChartsReferenceLine } from '@mui/x-charts/ChartsReferenceLine';
import { ClusterSummary, provisioningApiRef } from '../../api';
import { useLiveRead, useNow } from '../../hooks';
import { backendErrorText } from '../backendError';
import { dataAge, STALE_MS, TICK_MS } from '../NamespaceStateCard';

/**
 * How often the cluster overview and a team's tab read their data again, without a reload of the page: the backend
 * answers from its watch cache, so a read costs no Kubernetes call.
 */
export const CLUSTER_STATE_REFRESH_MS = 30_000;
/**
 * A cluster's health in one word: `unreachable` when the portal reads nothing from it, `degraded` when it reads
 * some kinds but not all (or the cache is catching up), `ok` otherwise.
 */
export function clusterHealthWord(
  cluster: LiveClusterHealth,
): 'ok' | 'degraded' | 'unreachable' {
  if (cluster.health === 'unreachable') return 'unreachable';
  return cluster.state === 'synced' && !cluster.message ? 'ok' : 'degraded';
}

const HEALTH_COLOUR = {
  ok: 'success',
  degraded: 'warning',
  unreachable: 'error',
} as const;

/** A cluster's health as a chip, with what is wrong beside it, and how old the data is. */
export const ClusterHealthLine = (props: {
  cluster: LiveClusterHealth;
  now: number;
}) => {
  const word = clusterHealthWord(props.cluster);
  const heard = props.cluster.lastHeardAt;
  const stale =
    word !== 'unreachable' &&
    heard !== undefined &&
    props.now - Date.parse(heard) > STALE_MS;
  return (
    <Box>
      <Box sx={{ display: 'flex', gap: 1, alignItems: 'center' }}>
        <Chip
          size="small"
          color={HEALTH_COLOUR[word]}
          label={`Health: ${word}`}
        />
        <Typography variant="caption">
          {heard
            ? `${dataAge(heard, props.now)}${stale ? ' (stale)' : ''}`
            : 'Never heard from'}
        </Typography>
      </Box>
      {props.cluster.message && (
        <Alert
          severity={word === 'unreachable' ? 'error' : 'warning'}
          sx={{ mt: 1 }}
        >
          {props.cluster.message}
        </Alert>
      )}
    </Box>
  );
};

const RESOURCE_LABEL: Record<CapacityResource, string> = {
  cpu: 'CPU',
  memory: 'Memory',
  pods: 'Pods',
};
const RESOURCE_KIND: Record<CapacityResource, QuantityKind> = {
  cpu: 'cpu',
  memory: 'bytes',
  pods: 'count',
};

/** The kinds each figure is computed from: while one of them has never been listed, the figure is not known. */
const FED_BY = {
  allocatable: ['nodes'],
  quotas: ['namespaces', 'resourcequotas'],
  vms: ['namespaces', 'virtualmachines', 'virtualmachineinstances'],
};

/** One figure of a resource: its amount in words and its share of allocatable, or why it is not known. */
export interface CapacityFigure {
  /** The amount in words (`48 cores`, `96 GiB`), or `unknown`. */
  text: string;
  /** The kinds not read yet that make it unknown. */
  missing: string[];
  /** Share of allocatable in percent, when both are known and allocatable is not zero. */
  percent?: number;
  /** More than the nodes hold (over 100%, or anything at all when nothing is allocatable). */
  overcommitted: boolean;
}

/** A capacity resource as the page shows it: allocatable against what the quotas promise and the VMs request. */
export interface CapacityRow {
  resource: CapacityResource;
  label: string;
  allocatable: CapacityFigure;
  quotas: CapacityFigure;
  vms: CapacityFigure;
  unboundedNamespaces: number;
}

function amountText(amount: string, resource: CapacityResource): string {
  try {
    return describeQuantity(parseQuantity(amount), RESOURCE_KIND[resource]);
  } catch {
    return amount;
  }
}

function nanosOf(amount: string | undefined): bigint | undefined {
  if (amount === undefined) return undefined;
  try {
    return parseQuantity(amount);
  } catch {
    return undefined;
  }
}

/**
 * One figure of a resource. `fedBy` are the kinds it is computed from and `missing` those of them never listed;
 * an amount the backend leaves out is not known either (never read as 0), and is said to wait for all of `fedBy`.
 */
function figure(
  amount: string | undefined,
  ratio: number | undefined,
  allocatable: string | undefined,
  missing: string[],
  fedBy: string[],
  resource: CapacityResource,
): CapacityFigure {
  if (missing.length > 0 || amount === undefined)
    return {
      text: 'unknown',
      missing: missing.length > 0 ? missing : fedBy,
      overcommitted: false,
    };
  const text = amountText(amount, resource);
  if (ratio !== undefined)
    return { text, missing, percent: ratio * 100, overcommitted: ratio > 1 };
  // no ratio with allocatable known: nothing is allocatable, so any amount at all is more than the nodes hold
  const part = nanosOf(amount);
  return {
    text,
    missing,
    overcommitted:
      allocatable !== undefined &&
      nanosOf(allocatable) === 0n &&
      part !== undefined &&
      part > 0n,
  };
}

/**
 * The rows of a capacity, with every figure that depends on a kind not read yet called unknown (never zero), and
 * quotas and VMs side by side, never added (a VM's launcher pod runs inside its namespace's quota).
 */
export function capacityRows(capacity: ClusterCapacity): CapacityRow[] {
  const missing = (kinds: string[]) =>
    kinds.filter(kind => capacity.incomplete.includes(kind));
  return capacity.resources.map((use: CapacityUse) => {
    const allocatableMissing = missing(FED_BY.allocatable);
    const allocatable =
      allocatableMissing.length > 0 ? undefined : use.allocatable;
    return {
      resource: use.resource,
      label: RESOURCE_LABEL[use.resource],
      allocatable: figure(
        allocatable,
        undefined,
        undefined,
        allocatableMissing,
        FED_BY.allocatable,
        use.resource,
      ),
      quotas: figure(
        use.quotas,
        allocatable === undefined ? undefined : use.quotasRatio,
        allocatable,
        missing(FED_BY.quotas),
        FED_BY.quotas,
        use.resource,
      ),
      vms: figure(
        use.vms,
        allocatable === undefined ? undefined : use.vmsRatio,
        allocatable,
        missing(FED_BY.vms),
        FED_BY.vms,
        use.resource,
      ),
      unboundedNamespaces: use.unboundedNamespaces,
    };
  });
}

const FigureCell = (props: { value: CapacityFigure; testId: string }) => (
  <TableCell data-testid={props.testId}>
    <Box
      sx={{ display: 'flex', gap: 1, alignItems: 'center', flexWrap: 'wrap' }}
    >
      <span>
        {props.value.text}
        {props.value.percent === undefined
          ? ''
          : ` (${Math.round(props.value.percent)}%)`}
      </span>
      {props.value.overcommitted && (
        <Chip size="small" color="error" label="Overcommitted" />
      )}
    </Box>
    {props.value.missing.length > 0 && (
      <Typography variant="caption" component="div">
        not read yet: {props.value.missing.join(', ')}
      </Typography>
    )}
  </TableCell>
);

/**
 * What the quotas promise and what the VMs request as a share of what the nodes hold, per resource, with a line at
 * 100%: a bar past the line is more than the cluster has.
 */
const CapacityChart = (props: { rows: CapacityRow[]; cluster: string }) => {
  const theme = useTheme();
  const known = props.rows.flatMap(r =>
    [r.quotas.percent, r.vms.percent].filter(
      (p): p is number => p !== undefined,
    ),
  );
  const percentLabel = (value: number | null) =>
    value === null ? 'unknown' : `${Math.round(value)}%`;
  const description = `Capacity of ${props.cluster}: ${props.rows
    .map(
      r =>
        `${r.label}: quotas ${percentLabel(
          r.quotas.percent ?? null,
        )}, VMs ${percentLabel(r.vms.percent ?? null)} of allocatable`,
    )
    .join('; ')}`;
  if (known.length === 0)
    return (
      <Typography variant="body2" role="img" aria-label={description}>
        No share of allocatable is known yet: see the figures below.
      </Typography>
    );
  const bar = (label: string, color: string, data: Array<number | null>) => ({
    label,
    data,
    color,
    valueFormatter: percentLabel,
    // the chart says it too: a bar past the line is labelled, not only coloured by where it ends
    barLabel: (item: { value: number | null }) =>
      item.value !== null && item.value > 100
        ? `${percentLabel(item.value)} overcommitted`
        : percentLabel(item.value),
    barLabelPlacement: 'outside' as const,
  });
  return (
    <Box role="img" aria-label={description}>
      <BarChart
        height={240}
        layout="horizontal"
        skipAnimation
        margin={{ right: 24 }}
        yAxis={[
          { scaleType: 'band', data: props.rows.map(r => r.label), width: 70 },
        ]}
        xAxis={[
          {
            min: 0,
            // room for the labels past the longest bar and for the line's own label
            max: Math.max(130, ...known.map(p => p * (p > 100 ? 1.6 : 1.2))),
            label: '% of allocatable (dashed line: what the nodes hold)',
          },
        ]}
        series={[
          bar(
            'Quotas promise',
            theme.palette.primary.main,
            props.rows.map(r => r.quotas.percent ?? null),
          ),
          bar(
            'VMs request',
            theme.palette.secondary.main,
            props.rows.map(r => r.vms.percent ?? null),
          ),
        ]}
      >
        <ChartsReferenceLine
          x={100}
          label="100%"
          labelAlign="end"
          lineStyle={{
            stroke: theme.palette.error.main,
            strokeDasharray: '4 2',
          }}
          labelStyle={{ fontSize: 11, fill: theme.palette.error.main }}
        />
      </BarChart>
    </Box>
  );
};

/** Capacity of one cluster: the chart, then the figures in words, with what they do not count. */
const ClusterCapacityView = (props: { cluster: ClusterSummary }) => {
  const { capacity } = props.cluster;
  const rows = capacityRows(capacity);
  const unbounded = rows.filter(r => r.unboundedNamespaces > 0);
  // a count from a kind never listed is not known, not zero
  const known = (
    count: number,
    kinds: string[],
    one: string,
    many: string = `${one}s`,
  ) =>
    kinds.some(kind => capacity.incomplete.includes(kind))
      ? `unknown ${many}`
      : `${count} ${count === 1 ? one : many}`;
  return (
    <Box>
      <CapacityChart rows={rows} cluster={props.cluster.name} />
      <Table size="small" aria-label={`Capacity of ${props.cluster.name}`}>
        <TableHead>
          <TableRow>
            <TableCell sx={{ whiteSpace: 'nowrap' }}>Resource</TableCell>
            <TableCell>Allocatable</TableCell>
            <TableCell>Quotas promise</TableCell>
            <TableCell>VMs request</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {rows.map(row => (
            <TableRow key={row.resource}>
              <TableCell
                component="th"
                scope="row"
                sx={{ whiteSpace: 'nowrap' }}
              >
                {row.label}
              </TableCell>
              <FigureCell
                value={row.allocatable}
                testId={`${row.resource}-allocatable`}
              />
              <FigureCell
                value={row.quotas}
                testId={`${row.resource}-quotas`}
              />
              <FigureCell value={row.vms} testId={`${row.resource}-vms`} />
            </TableRow>
          ))}
        </TableBody>
      </Table>
      <Typography variant="caption" component="p" sx={{ mt: 1 }}>
        Quotas and VMs are shown side by side, never added: a VM runs inside its
        namespace's quota.
      </Typography>
      <Typography variant="body2" component="p" sx={{ mt: 1 }}>
        {known(capacity.nodes, FED_BY.allocatable, 'schedulable node')}
        {capacity.unschedulableNodes > 0
          ? ` (${capacity.unschedulableNodes} cordoned, not counted)`
          : ''}
        ,{' '}
        {known(
          capacity.namespaces,
          FED_BY.quotas.slice(0, 1),
          'managed namespace',
        )}
        , {known(capacity.vms, FED_BY.vms, 'VM')} meant to run
        {capacity.unsizedVms > 0
          ? ` (and ${capacity.unsizedVms} of unknown size, not counted)`
          : ''}
        .
      </Typography>
      {unbounded.map(row => (
        <Typography
          key={row.resource}
          variant="body2"
          component="p"
          color="warning.main"
        >
          {row.unboundedNamespaces} namespace
          {row.unboundedNamespaces === 1 ? ' has' : 's have'} no quota on{' '}
          {row.resource}: what they may use is not bounded, and not counted.
        </Typography>
      ))}
    </Box>
  );
};

/** A team's namespaces and VMs on one cluster. */
export interface TeamCount {
  /** The owning team's entity ref. */
  team: string;
  namespaces: number;
  vms: number;
}

/**
 * Namespaces and VMs per team on one cluster, counted by the catalog (facets on `spec.owner` of the namespace and
 * VM entities the portal publishes for the cluster): aggregate counts, no entity read, and only of entities the
 * user may see in the catalog. Most namespaces first.
 */
export async function teamCounts(
  catalogApi: Pick<CatalogApi, 'getEntityFacets'>,
  cluster: string,
): Promise<TeamCount[]> {
  const owners = async (type: string) => {
    const { facets } = await catalogApi.getEntityFacets({
      filter: {
        kind: 'Resource',
        'spec.type': type,
        [`metadata.annotations.${CATALOG_KEYS.cluster}`]: cluster,
      },
      facets: ['spec.owner'],
    });
    return new Map(
      (facets['spec.owner'] ?? []).map(f => [f.value, f.count] as const),
    );
  };
  const [namespaces, vms] = await Promise.all([
    owners(NAMESPACE_ENTITY_TYPE),
    owners(VM_ENTITY_TYPE),
  ]);
  return [...new Set([...namespaces.keys(), ...vms.keys()])]
    .map(team => ({
      team,
      namespaces: namespaces.get(team) ?? 0,
      vms: vms.get(team) ?? 0,
    }))
    .sort(
      (a, b) =>
        b.namespaces - a.namespaces ||
        b.vms - a.vms ||
        a.team.localeCompare(b.team),
    );
}

/** Namespaces and VMs per team on one cluster, from the catalog; a failing catalog says so in the card alone. */
const TeamCounts = (props: { cluster: string }) => {
  const catalogApi = useApi(catalogApiRef);
  const { value, error } = useLiveRead(
    () => teamCounts(catalogApi, props.cluster),
    [catalogApi, props.cluster],
    { refreshMs: CLUSTER_STATE_REFRESH_MS },
  );
  if (!value && error)
    return (
      <Alert severity="warning">
        Could not count the teams' namespaces in the catalog:{' '}
        {backendErrorText(error)}
      </Alert>
    );
  if (!value) return <Progress />;
  if (value.length === 0)
    return (
      <Typography variant="body2">
        The catalog holds no namespace of a team on this cluster.
      </Typography>
    );
  return (
    <>
      <Table size="small" aria-label={`Teams on ${props.cluster}`}>
        <TableHead>
          <TableRow>
            <TableCell>Team</TableCell>
            <TableCell align="right">Namespaces</TableCell>
            <TableCell align="right">VMs</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {value.map(row => (
            <TableRow key={row.team}>
              <TableCell component="th" scope="row">
                <EntityRefLink entityRef={row.team} defaultKind="group" />
              </TableCell>
              <TableCell align="right">{row.namespaces}</TableCell>
              <TableCell align="right">{row.vms}</TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
      <Typography variant="caption" component="p" sx={{ mt: 1 }}>
        Counted by the catalog, which the portal refreshes from the clusters on
        its own schedule: it may lag the health and capacity above.
      </Typography>
    </>
  );
};

/** One cluster's card: where it is, its health and data age, its capacity, and its teams. */
const ClusterCard = (props: { cluster: ClusterSummary; now: number }) => {
  const { cluster } = props;
  const where = [
    cluster.title !== cluster.name ? cluster.name : undefined,
    cluster.environment,
    cluster.site,
  ]
    .filter(Boolean)
    .join(' · ');
  return (
    <InfoCard title={cluster.title} subheader={where}>
      <Box data-testid={`cluster-${cluster.name}`}>
        <ClusterHealthLine cluster={cluster} now={props.now} />
        <Typography variant="subtitle2" sx={{ mt: 2 }}>
          Capacity
        </Typography>
        <ClusterCapacityView cluster={cluster} />
        <Typography variant="subtitle2" sx={{ mt: 2 }}>
          Teams
        </Typography>
        <TeamCounts cluster={cluster.name} />
      </Box>
    </InfoCard>
  );
};

/** The clusters' cards, from one read of `GET /clusters`, read again every `CLUSTER_STATE_REFRESH_MS`. */
export const ClusterOverview = () => {
  const api = useApi(provisioningApiRef);
  const { value, error } = useLiveRead(() => api.getClusters(), [api], {
    refreshMs: CLUSTER_STATE_REFRESH_MS,
  });
  const now = useNow(TICK_MS);
  if (!value && error) return <ResponseErrorPanel error={error} />;
  if (!value) return <Progress />;
  return (
    <>
      {error && (
        <Alert severity="warning" sx={{ mb: 2 }}>
          Could not read the clusters again ({backendErrorText(error)}): showing
          the last answer.
        </Alert>
      )}
      {value.length === 0 && (
        <Typography>No clusters are configured.</Typography>
      )}
      <Grid container spacing={3}>
        {value.map(cluster => (
          <Grid item xs={12} lg={6} key={cluster.name}>
            <ClusterCard cluster={cluster} now={now} />
          </Grid>
        ))}
      </Grid>
    </>
  );
};

/**
 * The clusters the portal provisions on: each one's health and how old its data is, its capacity (what the nodes
 * hold against what the quotas promise and what the VMs request, overcommitment labelled), and its namespaces and
 * VMs per team as the catalog counts them; read again every 30 s without a reload.
 */
export const ClusterOverviewPage = () => (
  <Page themeId="tool">
    <Header
      title="Clusters"
      subtitle="Health and capacity of the clusters the portal provisions on"
    />
    <Content>
      <ClusterOverview />
    </Content>
  </Page>
);
