export {
  NamespaceStateCard,
  NamespaceStateView,
  HealthChip,
  freshness,
  age,
  dataAge,
  limitText,
  REFRESH_MS,
  TICK_MS,
  STALE_MS,
} from './NamespaceStateCard';
export type { NamespaceLink } from './NamespaceStateCard';
export {
  QuotaBar,
  gaugeColour,
  quotaColour,
  quotaPercent,
  quotaText,
} from './QuotaBar';
export {
  EntityNamespaceStateCard,
  namespaceLinksOfEntity,
  namespaceOfEntity,
} from './EntityNamespaceStateCard';
