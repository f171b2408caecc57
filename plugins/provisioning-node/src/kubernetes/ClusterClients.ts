import { LoggerService } from '@backstage/backend-plugin-api';
import type { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
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

/**
 * Why a cluster could not answer, as Backstage's Kubernetes node library models it: a type to act on, the HTTP
 * status when there was one, and the cluster's own message (for the platform team; users get `publicMessage`).
 *
 * @public
 */
export interface ClusterError {
  errorType:
    | 'NOT_CONFIGURED'
    | 'BAD_CONFIGURATION'
    | 'UNAUTHORIZED'
    | 'FORBIDDEN'
    | 'TIMEOUT'
    | 'UNREACHABLE'
    | 'SERVER_ERROR';
  statusCode?: number;
  /** The cluster's or the client's message: may name addresses and accounts, so only for the platform team. */
  message: string;
}

/** A message about a cluster error that any user may see: no addresses, no account names. */
export function publicMessage(cluster: string, error: ClusterError): string {
  switch (error.errorType) {
    case 'NOT_CONFIGURED':
      return `cluster '${cluster}' is not configured in the portal`;
    case 'BAD_CONFIGURATION':
      return `the portal's connection settings for cluster '${cluster}' are wrong; the platform team has been told`;
    case 'UNAUTHORIZED':
    case 'FORBIDDEN':
      return `the portal is not allowed to read cluster '${cluster}'; the platform team has been told`;
    case 'TIMEOUT':
      return `cluster '${cluster}' did not answer in time`;
    default:
      return `cluster '${cluster}' cannot be reached right now`;
  }
}

/** The answer of one cluster to "is this namespace free?": free, taken, or the cluster could not say. */
export type NamespaceLookup =
  | { state: 'free' }
  | { state: 'taken'; labels: Record<string, string> }
  | { state: 'unreachable'; reason: string; error: ClusterError };

/** Builds the KubeConfig of one configured cluster (service-account token, kubeconfig context or in-cluster). */
export async function kubeConfigFor(
  cluster: ClusterConnection,
): Promise<KubeConfig> {
  const k8s = await loadClientNode();
  const kc = new k8s.KubeConfig();
  switch (cluster.auth.type) {
    case 'serviceAccountToken':
      kc.loadFromOptions({
        clusters: [
          {
            name: cluster.name,
            server: cluster.url!,
            caData: cluster.caData,
            skipTLSVerify: cluster.skipTLSVerify ?? false,
          },
        ],
        users: [{ name: `${cluster.name}-portal`, token: cluster.auth.token }],
        contexts: [
          {
            name: cluster.name,
            cluster: cluster.name,
            user: `${cluster.name}-portal`,
          },
        ],
        currentContext: cluster.name,
      });
      break;
    case 'kubeconfig':
      if (cluster.auth.path) kc.loadFromFile(cluster.auth.path);
      else kc.loadFromDefault();
      if (cluster.auth.context) {
        if (!kc.getContextObject(cluster.auth.context)) {
          throw new Error(
            `provisioning.clusters: cluster '${cluster.name}': kubeconfig has no context '${cluster.auth.context}'`,
          );
        }
        kc.setCurrentContext(cluster.auth.context);
      }
      break;
    default:
      kc.loadFromCluster();
  }
  return kc;
}

function statusMessage(error: unknown): string {
  const body = (error as { body?: unknown }).body;
  if (typeof body === 'string') {
    try {
      const parsed = JSON.parse(body) as { message?: string };
      if (parsed.message) return parsed.message;
    } catch {
      // not a Status body
    }
  }
  return (error as Error).message ?? String(error);
}

/** Maps a client-node failure to a typed cluster error. */
export function clusterErrorOf(error: unknown): ClusterError {
  const code = (error as { code?: number | string }).code;
  const message = statusMessage(error);
  if (typeof code === 'number') {
    if (code === 401)
      return {
        errorType: 'UNAUTHORIZED',
        statusCode: code,
        message: `${code}: ${message}`,
      };
    if (code === 403)
      return {
        errorType: 'FORBIDDEN',
        statusCode: code,
        message: `${code}: ${message}`,
      };
    return {
      errorType: code >= 500 ? 'SERVER_ERROR' : 'UNREACHABLE',
      statusCode: code,
      message: `${code}: ${message}`,
    };
  }
  const cause = (error as { cause?: { message?: string } }).cause?.message;
  return {
    errorType: 'UNREACHABLE',
    message:
      cause && !message.includes(cause) ? `${message}: ${cause}` : message,
  };
}

/**
 * The one cluster client factory of a backend: a client per configured cluster, built once and kept; every call
 * times out on its own, so one cluster that hangs or is misconfigured never holds up the others. Failures come
 * back as data (`ClusterError`), never as a thrown error that blanks a page.
 *
 * @public
 */
export class ClusterClients {
  private readonly core = new Map<string, Promise<CoreV1Api>>();

  constructor(
    readonly clusters: ClusterConnection[],
    private readonly options: {
      timeoutMs?: number;
      logger?: LoggerService;
    } = {},
  ) {}

  /** The connection settings of a cluster, or `undefined` when it is not configured. */
  connection(name: string): ClusterConnection | undefined {
    return this.clusters.find(c => c.name === name);
  }

  private coreApi(cluster: ClusterConnection): Promise<CoreV1Api> {
    let api = this.core.get(cluster.name);
    if (!api) {
      api = (async () => {
        const k8s = await loadClientNode();
        return (await kubeConfigFor(cluster)).makeApiClient(k8s.CoreV1Api);
      })();
      api.catch(() => this.core.delete(cluster.name));
      this.core.set(cluster.name, api);
    }
    return api;
  }

  /** Runs one call against one cluster with the timeout; a failure becomes a `ClusterError`. */
  private async call<T>(
    name: string,
    fn: (api: CoreV1Api) => Promise<T>,
  ): Promise<{ value: T } | { error: ClusterError }> {
    const cluster = this.connection(name);
    if (!cluster)
      return {
        error: {
          errorType: 'NOT_CONFIGURED',
          message: `cluster '${name}' is not in provisioning.clusters`,
        },
      };
    let api: CoreV1Api;
    try {
      api = await this.coreApi(cluster);
    } catch (error) {
      this.options.logger?.warn(
        `cluster ${name}: bad connection settings: ${(error as Error).message}`,
      );
      return {
        error: {
          errorType: 'BAD_CONFIGURATION',
          message: (error as Error).message,
        },
      };
    }
    const timeoutMs = this.options.timeoutMs ?? 5000;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<{ error: ClusterError }>(resolve => {
      timer = setTimeout(
        () =>
          resolve({
            error: {
              errorType: 'TIMEOUT',
              message: `no answer within ${timeoutMs} ms`,
            },
          }),
        timeoutMs,
      );
    });
    try {
      return await Promise.race([fn(api).then(value => ({ value })), timeout]);
    } catch (error) {
      return { error: clusterErrorOf(error) };
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Reads a namespace on a cluster. A 404 means free; any other failure is reported as the cluster being
   * unreachable (with the typed error), never as free.
   */
  async lookupNamespace(
    cluster: string,
    name: string,
  ): Promise<NamespaceLookup> {
    const result = await this.call(cluster, async api => {
      try {
        const ns = await api.readNamespace({ name });
        return { state: 'taken' as const, labels: ns.metadata?.labels ?? {} };
      } catch (error) {
        if ((error as { code?: number }).code === 404)
          return { state: 'free' as const };
        throw error;
      }
    });
    if ('error' in result)
      return {
        state: 'unreachable',
        reason: result.error.message,
        error: result.error,
      };
    return result.value;
  }
}
