import LinearProgress from '@mui/material/LinearProgress';
import { QuotaUsage } from '../../api';

/** Share of a quota used, in whole percent rounded down: what is shown and what the colour is chosen by. */
export function quotaPercent(ratio: number): number {
  // ratio * 100 in floating point: 0.29 * 100 is 28.999999999999996, which is 29%
  return Math.floor(ratio * 100 + 1e-9);
}

/**
 * The colour of a quota gauge from its ratio, by the percent shown: green below 80%, amber from 80%, red from 95%
 * (so 0.7998 shows 79% in green, and 0.8 shows 80% in amber).
 */
export function gaugeColour(ratio: number): 'success' | 'warning' | 'error' {
  const percent = quotaPercent(ratio);
  if (percent >= 95) return 'error';
  if (percent >= 80) return 'warning';
  return 'success';
}

/**
 * The colour of a quota resource: red when more is used than allowed (also when that has no ratio: something used
 * of nothing allowed), else by its ratio; `undefined` without a ratio, where there is nothing to draw.
 */
export function quotaColour(
  usage: Pick<QuotaUsage, 'ratio' | 'exceeded'>,
): 'success' | 'warning' | 'error' | undefined {
  if (usage.exceeded) return 'error';
  return usage.ratio === undefined ? undefined : gaugeColour(usage.ratio);
}

/** "3200m of 4 (80%)", "5Gi of 0 (over the limit)", "12 of 10 (120%, over the limit)". */
export function quotaText(usage: QuotaUsage): string {
  const notes = [
    ...(usage.ratio === undefined ? [] : [`${quotaPercent(usage.ratio)}%`]),
    ...(usage.exceeded ? ['over the limit'] : []),
  ];
  return `${usage.used} of ${usage.hard}${
    notes.length > 0 ? ` (${notes.join(', ')})` : ''
  }`;
}

/** A quota resource as a bar; none when it has no ratio and is not over (nothing to draw, not an empty green bar). */
export const QuotaBar = ({ usage }: { usage: QuotaUsage }) => {
  const colour = quotaColour(usage);
  if (!colour) return null;
  const percent = usage.exceeded
    ? 100
    : Math.min(100, quotaPercent(usage.ratio ?? 0));
  return (
    <LinearProgress
      variant="determinate"
      value={percent}
      color={colour}
      aria-label={`${usage.resource} used`}
      aria-valuetext={quotaText(usage)}
    />
  );
};
