import { ensureBinaries } from '../binaries';
import { ControlPlane, startControlPlane } from './controlPlane';
import { crdFiles, installCrds } from './crds';
import { resolvePortalCrdFolders } from './portalSchemas';

/** A running set of test clusters. */
export interface KubeTestEnv {
  clusters: Record<string, ControlPlane>;
  /** Kubeconfig of the first cluster (the only one, usually). */
  kubeconfig: string;
  stop(): Promise<void>;
}

/** Options of the test environment. */
export interface KubeTestEnvOptions {
  /** Cluster names; default `['dev']`. */
  clusters?: string[];
  controllerManager?: boolean;
  users?: Array<{ name: string; groups?: string[] }>;
  /** Extra kube-apiserver flags per cluster name, e.g. `{ dev: ['--watch-cache=false'] }`. */
  apiServerFlags?: Record<string, string[]>;
}

/**
 * Starts real control planes (etcd, kube-apiserver, kube-controller-manager), one per cluster name, with the
 * KubeVirt, CDI and Flux CRDs installed. Builds the binaries first when the cache lacks them.
 */
export async function startKubeTestEnv(
  options: KubeTestEnvOptions = {},
): Promise<KubeTestEnv> {
  const binaries = await ensureBinaries();
  const names = options.clusters ?? ['dev'];
  const clusters: Record<string, ControlPlane> = {};
  const stop = async () => {
    await Promise.all(Object.values(clusters).map(c => c.stop()));
  };
  try {
    const started = await Promise.all(
      names.map(name =>
        startControlPlane({
          name,
          binaries,
          controllerManager: options.controllerManager,
          users: options.users,
          apiServerFlags: options.apiServerFlags?.[name],
        }),
      ),
    );
    for (const cluster of started) clusters[cluster.name] = cluster;
    const files = crdFiles([...resolvePortalCrdFolders(), binaries.fluxCrdDir]);
    await Promise.all(started.map(cluster => installCrds(cluster, files)));
  } catch (error) {
    await stop();
    throw error;
  }
  return { clusters, kubeconfig: clusters[names[0]].kubeconfig, stop };
}
