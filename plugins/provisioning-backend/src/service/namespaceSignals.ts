import { LoggerService } from '@backstage/backend-plugin-api';
import { SignalsService } from '@backstage/plugin-signals-node';
import {
  ClusterStateCache,
  ClusterStateChange,
  ClusterStateKind,
  namespaceTeam,
} from '@kubeportal/plugin-provisioning-node';
import {
  FLUX_NAMESPACE,
  namespaceSignalChannel,
  namespaceSyncName,
} from '@kubeportal/plugin-provisioning-common';

/** The kinds a namespace's state is read from: a change to any of them changes what its page shows. */
const NAMESPACE_KINDS = new Set<ClusterStateKind>([
  'namespaces',
  'resourcequotas',
  'limitranges',
  'pods',
  'deployments',
  'statefulsets',
  'events',
  'persistentvolumeclaims',
  'virtualmachines',
  'virtualmachineinstances',
  'datavolumes',
  'kustomizations',
]);

/**
 * The namespace a change concerns: the namespace itself, an object in it, or the Flux Kustomization that applies it
 * (named by `namespaceSyncName` in Flux's namespace).
 */
function namespaceOfChange(
  change: ClusterStateChange,
  state: ClusterStateCache,
): string | undefined {
  const { metadata } = change.object;
  if (change.kind === 'namespaces') return metadata.name;
  if (change.kind === 'kustomizations') {
    if (metadata.namespace !== FLUX_NAMESPACE) return undefined;
    return state
      .list(change.cluster, 'namespaces')
      .items.find(ns => namespaceSyncName(ns.metadata.name) === metadata.name)
      ?.metadata.name;
  }
  return metadata.namespace;
}

/**
 * Tells open pages that a namespace changed: one signal per namespace at most every `intervalMs` (default 1 s),
 * on the channel `namespaceSignalChannel(cluster, namespace)`, to the namespace's team and the platform team. The
 * signal carries no state: the page reads it again through the permission-checked API. Returns the unsubscribe.
 */
export function publishNamespaceChanges(options: {
  state: ClusterStateCache;
  signals: SignalsService;
  platformTeam: string;
  logger: LoggerService;
  intervalMs?: number;
}): () => void {
  const pending = new Map<string, ReturnType<typeof setTimeout>>();
  const unsubscribe = options.state.subscribe(change => {
    if (!NAMESPACE_KINDS.has(change.kind)) return;
    const namespace = namespaceOfChange(change, options.state);
    if (!namespace) return;
    const key = `${change.cluster}/${namespace}`;
    if (pending.has(key)) return;
    pending.set(
      key,
      setTimeout(() => {
        pending.delete(key);
        const ns =
          change.kind === 'namespaces'
            ? change.object
            : options.state.get(
                change.cluster,
                'namespaces',
                undefined,
                namespace,
              ).item;
        const team = ns ? namespaceTeam(ns) : undefined;
        if (!team) return; // not a namespace of the portal's
        options.signals
          .publish({
            recipients: {
              type: 'user',
              entityRef: [team, options.platformTeam],
            },
            channel: namespaceSignalChannel(change.cluster, namespace),
            message: {
              cluster: change.cluster,
              namespace,
              changedAt: new Date().toISOString(),
            },
          })
          .catch(error =>
            options.logger.warn(
              `Could not signal a change of namespace ${key}: ${error}`,
            ),
          );
      }, options.intervalMs ?? 1_000),
    );
  });
  return () => {
    unsubscribe();
    for (const timer of pending.values()) clearTimeout(timer);
    pending.clear();
  };
}
