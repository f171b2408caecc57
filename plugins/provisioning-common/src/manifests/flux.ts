import { platformDir } from '../gitops/layout';
import { KubeObject } from './types';

/** Namespace of Flux's controllers, its GitRepository and every Flux Kustomization the portal writes. */
export const FLUX_NAMESPACE = 'flux-system';
/** Name of the GitRepository the bootstrap creates; every Flux Kustomization of the portal reads from it. */
export const GITOPS_SOURCE_NAME = 'gitops';
/**
 * Flux's own service account, bound to cluster-admin by Flux's install: the platform part of a cluster is applied
 * with it. Named explicitly, since kustomize-controller runs with `--default-service-account` (Flux's
 * multi-tenancy lockdown), which makes every Kustomization that names no account impersonate one without rights.
 */
export const FLUX_CONTROLLER_ACCOUNT = 'kustomize-controller';

/** Options of the Flux objects that sync one cluster from the GitOps repository. */
export interface FluxSyncOptions {
  cluster: string;
  /** Clone URL of the GitOps repository (https). */
  url: string;
  branch?: string;
  /** Secret in flux-system with the Git credentials, if the repository is private. */
  secretName?: string;
  interval?: string;
}

/**
 * The GitRepository and Kustomization that make Flux apply a cluster (what a GitOps bootstrap installs, and what
 * the local test clusters use): the Kustomization applies `clusters/<cluster>/platform` with Flux's own account;
 * the Flux Kustomizations found there apply each namespace folder with that namespace's own account. Install
 * `namespaceApplierClusterRole()` beside them.
 */
export function fluxSyncObjects(options: FluxSyncOptions): KubeObject[] {
  const interval = options.interval ?? '1m';
  return [
    {
      apiVersion: 'source.toolkit.fluxcd.io/v1',
      kind: 'GitRepository',
      metadata: { name: GITOPS_SOURCE_NAME, namespace: FLUX_NAMESPACE },
      spec: {
        interval,
        url: options.url,
        ref: { branch: options.branch ?? 'main' },
        ...(options.secretName
          ? { secretRef: { name: options.secretName } }
          : {}),
      },
    },
    {
      apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
      kind: 'Kustomization',
      metadata: {
        name: `cluster-${options.cluster}`,
        namespace: FLUX_NAMESPACE,
      },
      spec: {
        interval,
        path: `./${platformDir(options.cluster)}`,
        prune: true,
        serviceAccountName: FLUX_CONTROLLER_ACCOUNT,
        sourceRef: { kind: 'GitRepository', name: GITOPS_SOURCE_NAME },
        timeout: '2m',
      },
    },
  ];
}
