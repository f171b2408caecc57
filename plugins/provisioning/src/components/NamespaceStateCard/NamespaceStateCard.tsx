import { InfoCard, Link } from '@backstage/core-components';
import {
  useApi,
  useApiHolder,
  useRouteRef,
} from '@backstage/frontend-plugin-api';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import { namespaceSignalChannel } from '@kubeportal/plugin-provisioning-common';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Chip from '@mui/material/Chip';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import useAsync from 'react-use/esm/useAsync';
import {
  Health,
  NamespaceLiveState,
  provisioningApiRef,
  QuotaUsage,
  StateSource,
} from '../../api';
import { useLiveRead, useNow } from '../../hooks';
import { requestRouteRef } from '../../routes';
import { isNotFound } from '../backendError';
import { LiveReadAlerts } from '../LiveReadAlerts';
import {
  byUpdateNewestFirst,
  requestIdFilter,
  toRequestSummary,
} from '../RequestPage/requestEntities';
import { QuotaBar, quotaColour, quotaText } from './QuotaBar';

/**
 * How often the card reads the state again without a signal (a dropped signal connection): the backend answers
 * from its cache, and pushes a signal when the namespace changes.
 */
export const REFRESH_MS = 60_000;
/** How often the age of the data is written again. */
export const TICK_MS = 10_000;
/** Data older than this is called stale. */
export const STALE_MS = 120_000;

/**
 * How old a timestamp is, in words: "12 s ago", "3 min ago", "26 h ago", and in days beyond 48 hours ("3 d ago");
 * "unknown" for a time that does not parse.
 */
export function age(iso: string, now: number): string {
  const time = Date.parse(iso);
  if (Number.isNaN(time)) return 'unknown';
  const seconds = Math.max(0, Math.round((now - time) / 1000));
  if (seconds < 60) return `${seconds} s ago`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  if (hours <= 48) return `${hours} h ago`;
  return `${Math.round(hours / 24)} d ago`;
}

/**
 * How old the data of a view is, as a sentence: "Data from 15 s ago"; "No data from the cluster yet" when the
 * cluster was never heard from; "Data of unknown age" when the time does not parse.
 */
export function dataAge(heard: string | undefined, now: number): string {
  if (!heard) return 'No data from the cluster yet';
  const words = age(heard, now);
  return words === 'unknown' ? 'Data of unknown age' : `Data from ${words}`;
}

/**
 * How fresh the answer is: when the cluster was last heard from (the oldest of the sources the answer was read
 * from), and a problem when a source is not in sync or has not been heard from for `STALE_MS`.
 */
export function freshness(
  sources: StateSource[],
  now: number,
): { heard?: string; problem?: string } {
  const used = sources.filter(s => s.state !== 'not-installed');
  const heard = used
    .map(s => s.lastHeardAt)
    .filter((t): t is string => !!t)
    .sort()[0];
  const broken = used.find(s => s.state !== 'synced');
  if (broken)
    return {
      heard,
      problem: `${broken.kind}: ${broken.state}${
        broken.message ? ` (${broken.message})` : ''
      }`,
    };
  if (heard && now - Date.parse(heard) > STALE_MS)
    return { heard, problem: `no news from the cluster since ${heard}` };
  return { heard };
}

const HEALTH_COLOUR = {
  ready: 'success',
  'not-ready': 'error',
  unknown: 'default',
} as const;

/** A health chip from an object's own conditions: never green for something that merely exists. */
export const HealthChip = (props: { label: string; health: Health }) => (
  <Chip
    size="small"
    color={HEALTH_COLOUR[props.health.state]}
    label={`${props.label}: ${
      props.health.state === 'ready'
        ? 'Ready'
        : props.health.reason ?? props.health.state
    }`}
    title={props.health.message}
  />
);

/** The bounds of a LimitRange item, in the order Kubernetes applies them. */
const LIMIT_BOUNDS = [
  ['default', 'default'],
  ['defaultRequest', 'default request'],
  ['min', 'min'],
  ['max', 'max'],
  ['maxLimitRequestRatio', 'max limit/request ratio'],
] as const;

/**
 * One item of a LimitRange in words: "Container: default cpu 500m, memory 512Mi; default request cpu 100m; max
 * cpu 2".
 */
export function limitText(limit: Record<string, unknown>): string {
  const bounds = LIMIT_BOUNDS.flatMap(([key, label]) => {
    const values = limit[key];
    if (!values || typeof values !== 'object') return [];
    const entries = Object.entries(values as Record<string, unknown>);
    return entries.length === 0
      ? []
      : [`${label} ${entries.map(([k, v]) => `${k} ${v}`).join(', ')}`];
  });
  const type = typeof limit.type === 'string' ? limit.type : 'Limit';
  return `${type}: ${bounds.length > 0 ? bounds.join('; ') : 'no bounds'}`;
}

/** A link of the namespace's catalog entity (`metadata.links`): its GitOps folder, the request that made it. */
export interface NamespaceLink {
  url: string;
  title?: string;
  /** `gitops` for the namespace's folder, `provisioning-request` for its request's page. */
  type?: string;
}

/** The link type of the request page among a namespace entity's links. */
const REQUEST_LINK_TYPE = 'provisioning-request';

/**
 * The pull request that created the namespace: the newest `create` request entity of its request id, read from the
 * catalog when the app has one; `undefined` while unknown (no catalog, none found, or the catalog failing: the
 * link is left out, the card stays).
 */
function useCreatingPullRequest(requestId: string | undefined) {
  const catalogApi = useApiHolder().get(catalogApiRef);
  const { value } = useAsync(async () => {
    if (!catalogApi || !requestId) return undefined;
    const { items } = await catalogApi.getEntities({
      filter: requestIdFilter(requestId),
    });
    return items
      .map(toRequestSummary)
      .filter(r => r.action === 'create' && r.pullRequest)
      .sort(byUpdateNewestFirst)[0]?.pullRequest;
  }, [catalogApi, requestId]);
  return value;
}

/**
 * Where to go from the namespace: its request's page in the portal, the pull request that created it, and the
 * links its catalog entity carries (its GitOps folder).
 */
const NamespaceLinks = (props: {
  requestId?: string;
  links: NamespaceLink[];
}) => {
  const requestRoute = useRouteRef(requestRouteRef);
  const pullRequest = useCreatingPullRequest(props.requestId);
  const entityRequestLink = props.links.find(l => l.type === REQUEST_LINK_TYPE);
  const request =
    props.requestId && requestRoute
      ? {
          url: requestRoute({ requestId: props.requestId }),
          title: `Request ${props.requestId}`,
        }
      : entityRequestLink;
  const shown = [
    ...(request ? [{ ...request, title: request.title ?? 'Request' }] : []),
    ...(pullRequest ? [pullRequest] : []),
    ...props.links
      .filter(l => l.type !== REQUEST_LINK_TYPE)
      .map(l => ({ url: l.url, title: l.title ?? l.url })),
  ];
  if (shown.length === 0) return null;
  return (
    <Stack
      direction="row"
      spacing={3}
      sx={{ mt: 2, flexWrap: 'wrap' }}
      component="nav"
      aria-label="Links of the namespace"
    >
      {shown.map(link => (
        <Link key={link.url} to={link.url}>
          {link.title}
        </Link>
      ))}
    </Stack>
  );
};

/** One quota resource: its name, what is used of what is allowed, and a bar when there is something to draw. */
const QuotaLine = ({ usage }: { usage: QuotaUsage }) => (
  <Box sx={{ mb: 1 }} data-testid={`quota-${usage.resource}`}>
    <Box sx={{ display: 'flex', justifyContent: 'space-between', gap: 1 }}>
      <Typography variant="body2">{usage.resource}</Typography>
      <Typography
        variant="body2"
        color={quotaColour(usage) === 'error' ? 'error' : undefined}
      >
        {quotaText(usage)}
      </Typography>
    </Box>
    <QuotaBar usage={usage} />
  </Box>
);

/** The card's body for one state. */
export const NamespaceStateView = ({
  state,
  now,
  links = [],
}: {
  state: NamespaceLiveState;
  now: number;
  /** Links of the namespace's catalog entity to show with the request's (its GitOps folder). */
  links?: NamespaceLink[];
}) => {
  const { heard, problem } = freshness(state.sources, now);
  const phases = Object.entries(state.pods.byPhase);
  return (
    <Box>
      <Box sx={{ display: 'flex', gap: 1, flexWrap: 'wrap', mb: 1 }}>
        <Chip size="small" label={`Namespace: ${state.phase ?? 'unknown'}`} />
        {state.sync ? (
          <HealthChip label="Flux" health={state.sync.health} />
        ) : (
          <Chip size="small" label="Flux: not seen" />
        )}
        <Typography variant="caption" sx={{ alignSelf: 'center' }}>
          {dataAge(heard, now)}
        </Typography>
      </Box>
      {problem && (
        <Alert severity="warning" sx={{ mb: 1 }}>
          Stale: {problem}
        </Alert>
      )}
      <Typography variant="subtitle2">Quota</Typography>
      {state.quotas.length === 0 && (
        <Typography variant="body2">No quota in this namespace.</Typography>
      )}
      {state.quotas.map(q =>
        q.resources.map(r => (
          <QuotaLine key={`${q.name}/${r.resource}`} usage={r} />
        )),
      )}
      <Typography variant="subtitle2" sx={{ mt: 1 }}>
        Pods
      </Typography>
      <Box sx={{ display: 'flex', gap: 1, flexWrap: 'wrap' }}>
        {phases.length === 0 && (
          <Typography variant="body2">No pods.</Typography>
        )}
        {phases.map(([phase, count]) => (
          <Chip key={phase} size="small" label={`${phase}: ${count}`} />
        ))}
      </Box>
      {state.workloads.length > 0 && (
        <>
          <Typography variant="subtitle2" sx={{ mt: 1 }}>
            Workloads
          </Typography>
          {state.workloads.map(w => (
            <Box
              key={`${w.kind}/${w.name}`}
              data-testid={`workload-${w.kind}-${w.name}`}
              sx={{ display: 'flex', gap: 1, alignItems: 'center', mb: 0.5 }}
            >
              <Typography variant="body2">
                {w.kind} {w.name}: {w.ready} of {w.desired} ready
                {w.upToDate !== undefined && w.upToDate < w.desired
                  ? `, ${w.upToDate} up to date`
                  : ''}
              </Typography>
              <HealthChip label={w.kind} health={w.health} />
            </Box>
          ))}
        </>
      )}
      {state.limitRanges.length > 0 && (
        <>
          <Typography variant="subtitle2" sx={{ mt: 1 }}>
            Limit ranges
          </Typography>
          {state.limitRanges.map(l => (
            <Box key={l.name} data-testid={`limit-range-${l.name}`}>
              <Typography variant="body2">{l.name}</Typography>
              {l.limits.map((limit, i) => (
                <Typography variant="body2" key={i} sx={{ pl: 2 }}>
                  {limitText(limit)}
                </Typography>
              ))}
            </Box>
          ))}
        </>
      )}
      {state.vms.length > 0 && (
        <>
          <Typography variant="subtitle2" sx={{ mt: 1 }}>
            Virtual machines
          </Typography>
          {state.vms.map(vm => (
            <Box
              key={vm.name}
              sx={{ display: 'flex', gap: 1, alignItems: 'center', mb: 0.5 }}
            >
              <Typography variant="body2">
                {vm.name}: {vm.printableStatus ?? 'unknown'}
                {vm.node ? ` on ${vm.node}` : ''}
                {vm.ips.length > 0 ? `, ${vm.ips.join(', ')}` : ''}
              </Typography>
              <HealthChip label="VM" health={vm.health} />
            </Box>
          ))}
        </>
      )}
      <Typography variant="subtitle2" sx={{ mt: 1 }}>
        Recent warnings
      </Typography>
      {state.warnings.length === 0 ? (
        <Typography variant="body2">None.</Typography>
      ) : (
        state.warnings.slice(0, 5).map((w, i) => (
          <Typography variant="body2" key={`${w.object}-${i}`}>
            {w.lastSeen ? `${age(w.lastSeen, now)}: ` : ''}
            {w.object} {w.reason}: {w.message}
            {w.count && w.count > 1 ? ` (×${w.count})` : ''}
          </Typography>
        ))
      )}
      <NamespaceLinks requestId={state.requestId} links={links} />
    </Box>
  );
};

/**
 * Live state of one namespace, read from the portal's watch cache: a gauge per quota resource (green, amber from
 * 80%, red from 95% and when over the limit), limit ranges, pods by phase, VMs with their health, recent warnings,
 * the Flux Kustomization that applies it, how old the data is, and links to the request that made it, its pull
 * request and (given by the entity) its GitOps folder. Reads again when the backend signals a change of the
 * namespace (and every minute should a signal be lost), without a reload of the page; a failed re-read keeps the
 * last answer and says so.
 */
export const NamespaceStateCard = (props: {
  cluster: string;
  namespace: string;
  title?: string;
  /** Links of the namespace's catalog entity: its GitOps folder (type `gitops`), its request's page. */
  links?: NamespaceLink[];
}) => {
  const api = useApi(provisioningApiRef);
  const { value, error } = useLiveRead(
    () => api.getNamespaceState(props.cluster, props.namespace),
    [api, props.cluster, props.namespace],
    {
      signalChannel: namespaceSignalChannel(props.cluster, props.namespace),
      refreshMs: REFRESH_MS,
      drops: isNotFound,
    },
  );
  const now = useNow(TICK_MS);
  return (
    <InfoCard title={props.title ?? `Live state of ${props.namespace}`}>
      <LiveReadAlerts
        value={value}
        error={error}
        what={props.namespace}
        notFound={
          <>
            Namespace {props.namespace} is not on cluster {props.cluster} yet
            (or you may not read it): it appears here once Flux has applied it.
          </>
        }
      />
      {value && (
        <NamespaceStateView state={value} now={now} links={props.links} />
      )}
    </InfoCard>
  );
};
