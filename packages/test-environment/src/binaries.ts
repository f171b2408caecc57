import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { PACKAGE_ROOT } from './process';

const run = promisify(execFile);

/** Paths of the real binaries the test environment runs, built from Go modules and cached by version. */
export interface BinaryPaths {
  etcd: string;
  kubeApiserver: string;
  kubeControllerManager: string;
  sourceController: string;
  kustomizeController: string;
  fluxCrdDir: string;
  /** Mailpit, the SMTP server with an HTTP API that the tests read mail from. */
  mailpit: string;
}

/** Versions built by scripts/build-binaries.sh; keep the two in step. */
export const VERSIONS = {
  kube: 'v1.34.4',
  etcd: 'v3.6.4',
  fluxSource: 'v1.9.6',
  fluxKustomize: 'v1.9.6',
  mailpit: 'v1.27.11',
} as const;

/**
 * Builds the binaries on first use (several minutes, see the README) and returns their cached paths; later calls
 * return at once.
 */
export async function ensureBinaries(): Promise<BinaryPaths> {
  const script = path.join(PACKAGE_ROOT, 'scripts/build-binaries.sh');
  const { stdout } = await run('bash', [script], {
    maxBuffer: 16 * 1024 * 1024,
  });
  const cache = stdout.trim().split('\n').pop()!;
  return {
    etcd: path.join(cache, `etcd-${VERSIONS.etcd}`),
    kubeApiserver: path.join(cache, `kube-apiserver-${VERSIONS.kube}`),
    kubeControllerManager: path.join(
      cache,
      `kube-controller-manager-${VERSIONS.kube}`,
    ),
    sourceController: path.join(
      cache,
      `source-controller-${VERSIONS.fluxSource}`,
    ),
    kustomizeController: path.join(
      cache,
      `kustomize-controller-${VERSIONS.fluxKustomize}`,
    ),
    fluxCrdDir: path.join(
      cache,
      `flux-crds-${VERSIONS.fluxSource}-${VERSIONS.fluxKustomize}`,
    ),
    mailpit: path.join(cache, `mailpit-${VERSIONS.mailpit}`),
  };
}

/** Builds Mailpit alone on first use (about 40 s) and returns its cached path; later calls return at once. */
export async function ensureMailpit(): Promise<string> {
  const script = path.join(PACKAGE_ROOT, 'scripts/build-binaries.sh');
  const { stdout } = await run('bash', [script, 'mailpit'], {
    maxBuffer: 16 * 1024 * 1024,
  });
  const cache = stdout.trim().split('\n').pop()!;
  return path.join(cache, `mailpit-${VERSIONS.mailpit}`);
}
