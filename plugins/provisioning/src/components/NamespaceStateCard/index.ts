export {
  NamespaceStateCard,
  NamespaceStateView,
  HealthChip,
  freshness,
  gaugeColour,
  age,
} from './NamespaceStateCard';
export {
  EntityNamespaceStateCard,
  namespaceOfEntity,
} from './EntityNamespaceStateCard';
