import { InfoCard, Progress } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { useSignal } from '@backstage/plugin-signals-react';
import { namespaceSignalChannel } from '@kubeportal/plugin-provisioning-common';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Chip from '@mui/material/Chip';
import LinearProgress from '@mui/material/LinearProgress';
import Typography from '@mui/material/Typography';
import { useEffect, useRef, useState } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import {
  Health,
  NamespaceLiveState,
  provisioningApiRef,
  QuotaUsage,
  StateSource,
} from '../../api';

/**
 * How often the card reads the state again without a signal (a dropped signal connection): the backend answers
 * from its cache, and pushes a signal when the namespace changes.
 */
export const REFRESH_MS = 60_000;
/** How often the age of the data is written again. */
const TICK_MS = 10_000;
/** Data older than this is called stale. */
export const STALE_MS = 120_000;

/** The colour of a quota gauge: over 95% is an error, over 80% a warning. */
export function gaugeColour(ratio: number): 'success' | 'warning' | 'error' {
  if (ratio >= 0.95) return 'error';
  if (ratio >= 0.8) return 'warning';
  return 'success';
}

/** "12 s ago", "3 min ago": how old a timestamp is, in words. */
export function age(iso: string | undefined, now: number): string {
  if (!iso) return 'never';
  const seconds = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (seconds < 60) return `${seconds} s ago`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  return `${Math.round(minutes / 60)} h ago`;
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

const Gauge = ({ usage }: { usage: QuotaUsage }) => {
  const ratio = usage.ratio ?? 0;
  return (
    <Box sx={{ mb: 1 }} data-testid={`quota-${usage.resource}`}>
      <Box sx={{ display: 'flex', justifyContent: 'space-between' }}>
        <Typography variant="body2">{usage.resource}</Typography>
        <Typography variant="body2">
          {usage.used} of {usage.hard}
          {usage.ratio === undefined ? '' : ` (${Math.round(ratio * 100)}%)`}
        </Typography>
      </Box>
      <LinearProgress
        variant="determinate"
        value={Math.min(100, ratio * 100)}
        color={gaugeColour(ratio)}
        aria-label={`${usage.resource} used`}
      />
    </Box>
  );
};

/** The card's body for one state. */
export const NamespaceStateView = ({
  state,
  now,
}: {
  state: NamespaceLiveState;
  now: number;
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
          Data from {age(heard, now)}
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
          <Gauge key={`${q.name}/${r.resource}`} usage={r} />
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
      {state.limitRanges.length > 0 && (
        <>
          <Typography variant="subtitle2" sx={{ mt: 1 }}>
            Limit ranges
          </Typography>
          {state.limitRanges.map(l => (
            <Typography variant="body2" key={l.name}>
              {l.name}:{' '}
              {l.limits
                .map(
                  limit =>
                    `${limit.type}${
                      limit.default
                        ? ` default ${Object.entries(limit.default)
                            .map(([k, v]) => `${k} ${v}`)
                            .join(', ')}`
                        : ''
                    }${
                      limit.max
                        ? `, max ${Object.entries(limit.max)
                            .map(([k, v]) => `${k} ${v}`)
                            .join(', ')}`
                        : ''
                    }`,
                )
                .join('; ')}
            </Typography>
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
              <HealthChip label="Ready" health={vm.health} />
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
    </Box>
  );
};

/**
 * Live state of one namespace, read from the portal's watch cache: a gauge per quota resource (green, amber from
 * 80%, red from 95%), limit ranges, pods by phase, VMs with their health, recent warnings, the Flux Kustomization
 * that applies it, and how old the data is. Reads again when the backend signals a change of the namespace (and
 * every minute should a signal be lost), without a reload of the page.
 */
export const NamespaceStateCard = (props: {
  cluster: string;
  namespace: string;
  title?: string;
}) => {
  const api = useApi(provisioningApiRef);
  const { value, loading, error, retry } = useAsyncRetry(
    () => api.getNamespaceState(props.cluster, props.namespace),
    [api, props.cluster, props.namespace],
  );
  const [now, setNow] = useState(Date.now());
  // a change of the namespace on the cluster is pushed: read again at once
  const { lastSignal } = useSignal(
    namespaceSignalChannel(props.cluster, props.namespace),
  );
  // each signal once: `retry` changes identity on every load, so it is called through a ref
  const retryRef = useRef(retry);
  retryRef.current = retry;
  useEffect(() => {
    if (lastSignal) retryRef.current();
  }, [lastSignal]);
  useEffect(() => {
    const tick = setInterval(() => setNow(Date.now()), TICK_MS);
    const fallback = setInterval(() => retryRef.current(), REFRESH_MS);
    return () => {
      clearInterval(tick);
      clearInterval(fallback);
    };
  }, []);
  const notFound =
    (error as { response?: { status?: number } } | undefined)?.response
      ?.status === 404;
  return (
    <InfoCard title={props.title ?? `Live state of ${props.namespace}`}>
      {!value && loading && <Progress />}
      {error && notFound && (
        <Alert severity="info">
          Namespace {props.namespace} is not on cluster {props.cluster} yet (or
          you may not read it): it appears here once Flux has applied it.
        </Alert>
      )}
      {error && !notFound && (
        <Alert severity="error">
          Could not read the state of {props.namespace}: {error.message}
        </Alert>
      )}
      {value && <NamespaceStateView state={value} now={now} />}
    </InfoCard>
  );
};
