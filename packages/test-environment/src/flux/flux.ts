import {
  FLUX_CONTROLLER_ACCOUNT,
  FLUX_NAMESPACE,
  fluxSyncObjects,
  KubeObject,
  namespaceApplierClusterRole,
} from '@kubeportal/plugin-provisioning-common';
import fs from 'node:fs';
import path from 'node:path';
import { BinaryPaths } from '../binaries';
import { ControlPlane } from '../kube/controlPlane';
import { KubeApi, KubeApiError } from '../kube/KubeApi';
import { freePort, ManagedProcess, startProcess, waitUntil } from '../process';

/** Flux's source- and kustomize-controller running for one control plane. */
export interface FluxControllers {
  processes: ManagedProcess[];
  stop(): Promise<void>;
}

async function ensureNamespace(api: KubeApi, name: string) {
  try {
    await api.request('POST', '/api/v1/namespaces', {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name },
    });
  } catch (error) {
    if (!(error instanceof KubeApiError && error.status === 409)) throw error;
  }
}

/**
 * The flags of Flux's multi-tenancy lockdown (kustomize-controller v1.9.6 `main.go` and fluxcd/pkg `acl`, `auth`):
 * a Kustomization may not refer to a source in another namespace, nor build remote bases, and one that names no
 * service account impersonates `default` of its own namespace, which has no rights; so only what names an account
 * bound for it gets applied.
 */
export const KUSTOMIZE_CONTROLLER_LOCKDOWN = [
  '--no-cross-namespace-refs=true',
  '--no-remote-bases=true',
  '--default-service-account=default',
];

/**
 * What Flux's install gives kustomize-controller: its own service account, bound to cluster-admin. Under the
 * lockdown the controller acts as it only where a Kustomization names it (the cluster's platform part).
 */
async function installControllerAccount(api: KubeApi) {
  await api.apply({
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: { name: FLUX_CONTROLLER_ACCOUNT, namespace: FLUX_NAMESPACE },
  });
  const binding: KubeObject = {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: { name: `cluster-reconciler-${FLUX_NAMESPACE}` },
    roleRef: {
      apiGroup: 'rbac.authorization.k8s.io',
      kind: 'ClusterRole',
      name: 'cluster-admin',
    },
    subjects: [
      {
        kind: 'ServiceAccount',
        name: FLUX_CONTROLLER_ACCOUNT,
        namespace: FLUX_NAMESPACE,
      },
    ],
  };
  await api.apply(binding);
}

/**
 * Starts the real Flux source-controller and kustomize-controller (built from Go modules) as plain processes
 * against a control plane, kustomize-controller with the multi-tenancy lockdown, and waits until both report
 * healthy. The processes run with the admin kubeconfig, which may impersonate; every Kustomization applies as the
 * service account it names.
 */
export async function startFlux(
  cluster: ControlPlane,
  binaries: BinaryPaths,
): Promise<FluxControllers> {
  await ensureNamespace(cluster.api, FLUX_NAMESPACE);
  await installControllerAccount(cluster.api);
  const storage = path.join(cluster.dir, 'flux-storage');
  fs.mkdirSync(storage, { recursive: true });
  const [
    storagePort,
    sourceHealth,
    sourceMetrics,
    kustomizeHealth,
    kustomizeMetrics,
  ] = await Promise.all([
    freePort(),
    freePort(),
    freePort(),
    freePort(),
    freePort(),
  ]);
  // Each controller set works in its own temporary folder (kustomize-controller builds every revision in a fresh
  // `kustomization-*` folder under it): nothing another process does in the machine's /tmp can pull it away
  // mid-build, and it goes with the cluster's folder.
  const tmp = path.join(cluster.dir, 'flux-tmp');
  fs.mkdirSync(tmp, { recursive: true });
  const env = {
    KUBECONFIG: cluster.kubeconfigPath,
    RUNTIME_NAMESPACE: 'flux-system',
    TMPDIR: tmp,
  };
  const processes: ManagedProcess[] = [];
  const stop = async () => {
    for (const p of processes.reverse()) await p.stop();
  };
  try {
    processes.push(
      startProcess({
        name: `${cluster.name}/source-controller`,
        command: binaries.sourceController,
        args: [
          '--enable-leader-election=false',
          `--storage-path=${storage}`,
          `--storage-addr=127.0.0.1:${storagePort}`,
          `--storage-adv-addr=127.0.0.1:${storagePort}`,
          `--health-addr=127.0.0.1:${sourceHealth}`,
          `--metrics-addr=127.0.0.1:${sourceMetrics}`,
          '--log-level=info',
        ],
        env,
        logFile: path.join(cluster.dir, 'source-controller.log'),
      }),
      startProcess({
        name: `${cluster.name}/kustomize-controller`,
        command: binaries.kustomizeController,
        args: [
          '--enable-leader-election=false',
          `--health-addr=127.0.0.1:${kustomizeHealth}`,
          `--metrics-addr=127.0.0.1:${kustomizeMetrics}`,
          '--log-level=info',
          ...KUSTOMIZE_CONTROLLER_LOCKDOWN,
        ],
        env,
        logFile: path.join(cluster.dir, 'kustomize-controller.log'),
      }),
    );
    for (const [process, port] of [
      [processes[0], sourceHealth],
      [processes[1], kustomizeHealth],
    ] as const) {
      await waitUntil(
        `${process.name} ready`,
        async () =>
          (await fetch(`http://127.0.0.1:${port}/readyz`)).status === 200,
        { timeoutMs: 60_000, process },
      );
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { processes, stop };
}

/**
 * Points Flux at a cluster's folder of a git repository (the objects a GitOps bootstrap installs): the role each
 * namespace's applier account gets in its namespace, the GitRepository, and the Kustomization that applies
 * `clusters/<cluster>/platform` with Flux's own account.
 */
export async function syncClusterFromGit(
  cluster: ControlPlane,
  options: { url: string; branch?: string; interval?: string },
): Promise<void> {
  await cluster.api.apply(namespaceApplierClusterRole());
  for (const object of fluxSyncObjects({
    cluster: cluster.name,
    url: options.url,
    branch: options.branch,
    interval: options.interval ?? '30s',
  })) {
    await cluster.api.apply(object);
  }
}

/** Asks Flux to reconcile now, as its webhook receiver does on a push. */
export async function requestReconcile(
  api: KubeApi,
  kind: 'GitRepository' | 'Kustomization',
  name: string,
  namespace = 'flux-system',
): Promise<void> {
  const apiVersion =
    kind === 'GitRepository'
      ? 'source.toolkit.fluxcd.io/v1'
      : 'kustomize.toolkit.fluxcd.io/v1';
  // a merge patch, not an apply: an apply of only the annotation would drop the spec this manager applied
  await api.mergePatch(apiVersion, kind, name, namespace, {
    metadata: {
      annotations: {
        'reconcile.fluxcd.io/requestedAt': new Date().toISOString(),
      },
    },
  });
}

/** Waits until a Flux Kustomization is Ready at a revision that ends with `sha` (or any, when not given). */
export async function waitForKustomizationReady(
  api: KubeApi,
  name: string,
  options: { sha?: string; timeoutMs?: number; namespace?: string } = {},
): Promise<any> {
  let last: any;
  await waitUntil(
    `Kustomization ${name} Ready${
      options.sha ? ` at ${options.sha.slice(0, 8)}` : ''
    }`,
    async () => {
      last = await api.get(
        `/apis/kustomize.toolkit.fluxcd.io/v1/namespaces/${
          options.namespace ?? 'flux-system'
        }/kustomizations/${name}`,
      );
      const ready = (last.status?.conditions ?? []).find(
        (c: any) => c.type === 'Ready',
      );
      // Ready is read together with the revision it applied: a Ready status without one is not an answer yet
      const applied = String(last.status?.lastAppliedRevision ?? '');
      return (
        ready?.status === 'True' &&
        applied !== '' &&
        (!options.sha || applied.endsWith(options.sha))
      );
    },
    { timeoutMs: options.timeoutMs ?? 120_000, intervalMs: 500 },
  ).catch(error => {
    const ready = (last?.status?.conditions ?? []).find(
      (c: any) => c.type === 'Ready',
    );
    throw new Error(
      `${error.message}; last Ready condition: ${
        ready ? `${ready.status} ${ready.reason}: ${ready.message}` : 'none'
      }`,
    );
  });
  return last;
}
