import { clusterDir } from '../gitops/layout';
import { KubeObject } from './types';

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
 * The GitRepository and Kustomization that make Flux apply `clusters/<cluster>` to a cluster (what a GitOps
 * bootstrap installs, and what the local test clusters use).
 */
export function fluxSyncObjects(options: FluxSyncOptions): KubeObject[] {
  const interval = options.interval ?? '1m';
  return [
    {
      apiVersion: 'source.toolkit.fluxcd.io/v1',
      kind: 'GitRepository',
      metadata: { name: 'gitops', namespace: 'flux-system' },
      spec: {
        interval,
        url: options.url,
        ref: { branch: options.branch ?? 'main' },
        ...(options.secretName ? { secretRef: { name: options.secretName } } : {}),
      },
    },
    {
      apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
      kind: 'Kustomization',
      metadata: { name: `cluster-${options.cluster}`, namespace: 'flux-system' },
      spec: {
        interval,
        path: `./${clusterDir(options.cluster)}`,
        prune: true,
        sourceRef: { kind: 'GitRepository', name: 'gitops' },
        timeout: '2m',
      },
    },
  ];
}
