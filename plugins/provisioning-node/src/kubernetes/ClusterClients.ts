import { InputError } from '@backstage/errors';
import type { KubeConfig } from '@kubernetes/client-node';
import { ClusterConnection } from '../config/clusters';

type ClientNode = typeof import('@kubernetes/client-node');

/**
 * `@kubernetes/client-node` is ESM-only and the backend builds to CommonJS. Node 22 can `require()` ESM that has
 * no top-level await, and Jest's transform turns it into CommonJS; a dynamic `import()` would fail under Jest.
 */
export async function loadClientNode(): Promise<ClientNode> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('@kubernetes/client-node');
}

/** Builds the KubeConfig of one configured cluster (service-account token, kubeconfig context or in-cluster). */
export async function kubeConfigFor(cluster: ClusterConnection): Promise<KubeConfig> {
  const k8s = await loadClientNode();
  const kc = new k8s.KubeConfig();
  switch (cluster.auth.type) {
    case 'serviceAccountToken':
      kc.loadFromOptions({
        clusters: [{ name: cluster.name, server: cluster.url!, caData: cluster.caData, skipTLSVerify: cluster.skipTLSVerify ?? false }],
        users: [{ name: `${cluster.name}-portal`, token: cluster.auth.token }],
        contexts: [{ name: cluster.name, cluster: cluster.name, user: `${cluster.name}-portal` }],
        currentContext: cluster.name,
      });
      break;
    case 'kubeconfig':
      if (cluster.auth.path) kc.loadFromFile(cluster.auth.path);
      else kc.loadFromDefault();
      if (cluster.auth.context) {
        if (!kc.getContextObject(cluster.auth.context)) {
          throw new InputError(`provisioning.clusters: cluster '${cluster.name}': kubeconfig has no context '${cluster.auth.context}'`);
        }
        kc.setCurrentContext(cluster.auth.context);
      }
      break;
    default:
      kc.loadFromCluster();
  }
  return kc;
}

/** The answer of one cluster to "is this namespace free?": free, taken, or the cluster could not say. */
export type NamespaceLookup = { state: 'free' } | { state: 'taken'; labels: Record<string, string> } | { state: 'unreachable'; reason: string };

/**
 * Reads a namespace on a cluster. A 404 means free; any other failure is reported as the cluster being
 * unreachable (with the reason), never as free.
 */
export async function lookupNamespace(cluster: ClusterConnection, name: string): Promise<NamespaceLookup> {
  const k8s = await loadClientNode();
  const api = (await kubeConfigFor(cluster)).makeApiClient(k8s.CoreV1Api);
  try {
    const ns = await api.readNamespace({ name });
    return { state: 'taken', labels: ns.metadata?.labels ?? {} };
  } catch (error) {
    const code = (error as { code?: number }).code;
    if (code === 404) return { state: 'free' };
    const body = (error as { body?: unknown }).body;
    let reason = (error as Error).message;
    if (typeof body === 'string') {
      try {
        reason = JSON.parse(body).message ?? reason;
      } catch {
        // not a Status body
      }
    }
    return { state: 'unreachable', reason: code ? `${code}: ${reason}` : reason };
  }
}
