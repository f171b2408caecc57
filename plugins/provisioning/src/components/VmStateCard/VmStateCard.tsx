import { InfoCard, Link } from '@backstage/core-components';
import { useApi, useRouteRef } from '@backstage/frontend-plugin-api';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import { namespaceSignalChannel } from '@kubeportal/plugin-provisioning-common';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Chip from '@mui/material/Chip';
import LinearProgress from '@mui/material/LinearProgress';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import Typography from '@mui/material/Typography';
import { ReactNode } from 'react';
import { provisioningApiRef } from '../../api';
import type { VmLiveState } from '../../api/ProvisioningApi';
import { useLiveRead, useNow } from '../../hooks';
import { requestRouteRef } from '../../routes';
import { isNotFound } from '../backendError';
import { LiveReadAlerts } from '../LiveReadAlerts';
import {
  age,
  dataAge,
  freshness,
  HealthChip,
  REFRESH_MS,
  TICK_MS,
} from '../NamespaceStateCard';
import { refName } from '../RequestPage/requestEntities';

/** What an empty field shows: a dash, never a blank. */
const NONE = '—';

type DataVolume = VmLiveState['dataVolumes'][number];
type Disk = VmLiveState['disks'][number];

/** One labelled fact of the VM: a dash when it has no value. */
const Fact = (props: { label: string; children?: ReactNode }) => (
  <TableRow>
    <TableCell component="th" scope="row" sx={{ width: '10em' }}>
      {props.label}
    </TableCell>
    <TableCell>
      {props.children === undefined ||
      props.children === null ||
      props.children === ''
        ? NONE
        : props.children}
    </TableCell>
  </TableRow>
);

/** A DataVolume's import or clone progress as CDI reports it (`45.50%`), as a bar with its text. */
const DataVolumeProgress = ({ dataVolume }: { dataVolume: DataVolume }) => {
  if (!dataVolume.progress) return <>{NONE}</>;
  const percent = Number.parseFloat(dataVolume.progress);
  return (
    <Box sx={{ minWidth: '8em' }}>
      <Typography variant="body2">{dataVolume.progress}</Typography>
      {Number.isFinite(percent) && (
        <LinearProgress
          variant="determinate"
          value={Math.max(0, Math.min(100, percent))}
          aria-label={`${dataVolume.name} progress`}
        />
      )}
    </Box>
  );
};

/** One row of the disks table: the disk, and the DataVolume behind it when it has one. */
const DiskRow = (props: { disk?: Disk; dataVolume?: DataVolume }) => {
  const { disk, dataVolume } = props;
  const dataVolumeName = disk?.dataVolume ?? dataVolume?.name;
  const health = dataVolume?.health ?? disk?.health;
  return (
    <TableRow>
      <TableCell component="th" scope="row">
        {disk?.name ?? NONE}
      </TableCell>
      <TableCell>{dataVolumeName ?? NONE}</TableCell>
      <TableCell>{dataVolume?.phase ?? disk?.phase ?? NONE}</TableCell>
      <TableCell>
        {dataVolume ? <DataVolumeProgress dataVolume={dataVolume} /> : NONE}
      </TableCell>
      <TableCell>
        {health && <HealthChip label="DataVolume" health={health} />}
        {!health && dataVolumeName && (
          <Chip size="small" label="DataVolume: not seen" />
        )}
        {!health && !dataVolumeName && NONE}
      </TableCell>
      <TableCell>{dataVolume?.source ?? NONE}</TableCell>
      <TableCell>{dataVolume?.size ?? NONE}</TableCell>
      <TableCell>{dataVolume?.storageClass ?? NONE}</TableCell>
    </TableRow>
  );
};

/**
 * The VM's disks, each with the DataVolume behind it, then the DataVolumes the VM owns that no disk uses (a
 * template not yet in use): CDI's phase, import progress and health, the kind of source, size and storage class.
 */
const DisksTable = ({ state }: { state: VmLiveState }) => {
  const byName = new Map(state.dataVolumes.map(dv => [dv.name, dv] as const));
  const onDisks = new Set(state.disks.map(d => d.dataVolume));
  const unused = state.dataVolumes.filter(dv => !onDisks.has(dv.name));
  if (state.disks.length === 0 && unused.length === 0)
    return <Typography variant="body2">No disks.</Typography>;
  return (
    <Table size="small" aria-label={`Disks of ${state.name}`}>
      <TableHead>
        <TableRow>
          <TableCell>Disk</TableCell>
          <TableCell>DataVolume</TableCell>
          <TableCell>Phase</TableCell>
          <TableCell>Progress</TableCell>
          <TableCell>Health</TableCell>
          <TableCell>Source</TableCell>
          <TableCell>Size</TableCell>
          <TableCell>Storage class</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {state.disks.map(disk => (
          <DiskRow
            key={`disk-${disk.name}`}
            disk={disk}
            dataVolume={
              disk.dataVolume ? byName.get(disk.dataVolume) : undefined
            }
          />
        ))}
        {unused.map(dv => (
          <DiskRow key={`dv-${dv.name}`} dataVolume={dv} />
        ))}
      </TableBody>
    </Table>
  );
};

/** The request that made the VM: a link to its page in the portal when that page is mounted. */
const RequestLink = ({ requestId }: { requestId: string }) => {
  const requestLink = useRouteRef(requestRouteRef);
  return requestLink ? (
    <Link to={requestLink({ requestId })}>{requestId}</Link>
  ) : (
    <>{requestId}</>
  );
};

/** The card's body for one state of a VM. */
export const VmStateView = ({
  state,
  now,
}: {
  state: VmLiveState;
  now: number;
}) => {
  const { heard, problem } = freshness(state.sources, now);
  return (
    <Box>
      <Box sx={{ display: 'flex', gap: 1, flexWrap: 'wrap', mb: 1 }}>
        <Chip
          size="small"
          label={`Power: ${state.printableStatus ?? 'unknown'}`}
        />
        <HealthChip label="VM" health={state.health} />
        <Typography variant="caption" sx={{ alignSelf: 'center' }}>
          {dataAge(heard, now)}
        </Typography>
      </Box>
      {problem && (
        <Alert severity="warning" sx={{ mb: 1 }}>
          Stale: {problem}
        </Alert>
      )}
      <Table size="small" aria-label={`Facts of ${state.name}`}>
        <TableBody>
          <Fact label="Power state">{state.printableStatus}</Fact>
          <Fact label="Run strategy">{state.runStrategy}</Fact>
          <Fact label="Phase">{state.phase}</Fact>
          <Fact label="vCPU">{state.cpu}</Fact>
          <Fact label="Memory">{state.memory}</Fact>
          <Fact label="IPs">{state.ips.join(', ')}</Fact>
          <Fact label="Node">{state.node}</Fact>
          <Fact label="Created">
            {state.createdAt && (
              <span title={state.createdAt}>{age(state.createdAt, now)}</span>
            )}
          </Fact>
          <Fact label="Namespace">{state.namespace}</Fact>
          <Fact label="Team">
            {state.team && (
              <EntityRefLink entityRef={state.team}>
                {refName(state.team)}
              </EntityRefLink>
            )}
          </Fact>
          <Fact label="Request">
            {state.requestId && <RequestLink requestId={state.requestId} />}
          </Fact>
        </TableBody>
      </Table>
      <Typography variant="subtitle2" sx={{ mt: 1 }}>
        Disks
      </Typography>
      <DisksTable state={state} />
    </Box>
  );
};

/**
 * Live state of one KubeVirt virtual machine, read from the portal's watch cache: power state and run strategy,
 * the instance's phase, size, IPs and node, its disks with each DataVolume's phase, import progress and health,
 * and how old the data is. Reads again when the backend signals a change of the VM's namespace (and every minute
 * should a signal be lost), without a reload of the page; a failed re-read keeps the last answer and says so.
 */
export const VmStateCard = (props: {
  cluster: string;
  namespace: string;
  vm: string;
  title?: string;
}) => {
  const api = useApi(provisioningApiRef);
  // a change of the VM, its instance or its DataVolumes is pushed on its namespace's channel
  const { value, error } = useLiveRead(
    () => api.getVmState(props.cluster, props.namespace, props.vm),
    [api, props.cluster, props.namespace, props.vm],
    {
      signalChannel: namespaceSignalChannel(props.cluster, props.namespace),
      refreshMs: REFRESH_MS,
      drops: isNotFound,
    },
  );
  const now = useNow(TICK_MS);
  return (
    <InfoCard title={props.title ?? `Live state of ${props.vm}`}>
      <LiveReadAlerts
        value={value}
        error={error}
        what={props.vm}
        notFound={
          <>
            VM {props.vm} is not in namespace {props.namespace} on cluster{' '}
            {props.cluster} (or you may not read it): it appears here once Flux
            has applied it.
          </>
        }
      />
      {value && <VmStateView state={value} now={now} />}
    </InfoCard>
  );
};
