import {
  CLUSTER_PLATFORM_ENTRY,
  clusterNamespaceEntry,
  platformNamespaceEntry,
  teamComponentEntry,
} from './layout';

describe('layout entries', () => {
  it('are the relative paths the cluster, platform and namespace kustomizations list, built from the layout paths', () => {
    expect(clusterNamespaceEntry('payments')).toBe('namespaces/payments');
    expect(CLUSTER_PLATFORM_ENTRY).toBe('platform');
    expect(platformNamespaceEntry('payments')).toBe('namespaces/payments.yaml');
    expect(teamComponentEntry('payments')).toBe('../../teams/payments');
  });
});
