export {
  NamespaceStateCard,
  NamespaceStateView,
  HealthChip,
  freshness,
  gaugeColour,
  age,
} from './NamespaceStateCard';
