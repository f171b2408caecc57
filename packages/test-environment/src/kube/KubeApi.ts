import https from 'node:https';

/** A Kubernetes API error: the HTTP status and the Status message the server sent. */
export class KubeApiError extends Error {
  constructor(
    readonly status: number,
    readonly reason: string,
    message: string,
  ) {
    super(message);
    this.name = 'KubeApiError';
  }
}

/**
 * A small REST client for one API server (bearer token, the server's own CA). Enough for the test environment's
 * set-up and its status writers; the portal itself uses @kubernetes/client-node.
 */
export class KubeApi {
  private readonly agent: https.Agent;

  constructor(
    readonly server: string,
    private readonly token: string,
    ca: string,
  ) {
    this.agent = new https.Agent({ ca, keepAlive: true });
  }

  async request<T = any>(
    method: string,
    path: string,
    body?: unknown,
    contentType = 'application/json',
  ): Promise<T> {
    const url = new URL(path, this.server);
    let payload: string | undefined;
    if (body !== undefined)
      payload = typeof body === 'string' ? body : JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const req = https.request(
        url,
        {
          method,
          agent: this.agent,
          headers: {
            authorization: `Bearer ${this.token}`,
            accept: 'application/json',
            ...(payload !== undefined
              ? {
                  'content-type': contentType,
                  'content-length': Buffer.byteLength(payload),
                }
              : {}),
          },
        },
        res => {
          const chunks: Buffer[] = [];
          res.on('data', c => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let parsed: any = text;
            try {
              parsed = text ? JSON.parse(text) : undefined;
            } catch {
              // not JSON (e.g. /readyz)
            }
            if ((res.statusCode ?? 500) >= 400) {
              reject(
                new KubeApiError(
                  res.statusCode ?? 500,
                  parsed?.reason ?? '',
                  parsed?.message ?? text,
                ),
              );
            } else {
              resolve(parsed as T);
            }
          });
        },
      );
      req.on('error', reject);
      if (payload !== undefined) req.write(payload);
      req.end();
    });
  }

  get<T = any>(path: string) {
    return this.request<T>('GET', path);
  }

  /** Server-side apply of one object (field manager `test-environment`). */
  apply<T = any>(
    object: {
      apiVersion: string;
      kind: string;
      metadata: { name: string; namespace?: string };
    },
    options: { subresource?: string } = {},
  ): Promise<T> {
    const path = `${resourcePath(
      object.apiVersion,
      object.kind,
      object.metadata.namespace,
    )}/${object.metadata.name}${
      options.subresource ? `/${options.subresource}` : ''
    }`;
    return this.request<T>(
      'PATCH',
      `${path}?fieldManager=test-environment&force=true`,
      object,
      'application/apply-patch+yaml',
    );
  }

  /** JSON merge patch of an object (leaves fields owned by others, and by earlier applies, alone). */
  mergePatch<T = any>(
    apiVersion: string,
    kind: string,
    name: string,
    namespace: string | undefined,
    patch: unknown,
  ): Promise<T> {
    return this.request<T>(
      'PATCH',
      `${resourcePath(apiVersion, kind, namespace)}/${name}`,
      patch,
      'application/merge-patch+json',
    );
  }

  close() {
    this.agent.destroy();
  }
}

const PLURALS: Record<string, string> = {
  Namespace: 'namespaces',
  // API objects only: no kubelet runs in the test environment (see `apply` with `subresource: 'status'` for capacity)
  Node: 'nodes',
  ResourceQuota: 'resourcequotas',
  LimitRange: 'limitranges',
  Pod: 'pods',
  Service: 'services',
  Secret: 'secrets',
  ServiceAccount: 'serviceaccounts',
  NetworkPolicy: 'networkpolicies',
  RoleBinding: 'rolebindings',
  ClusterRoleBinding: 'clusterrolebindings',
  ClusterRole: 'clusterroles',
  CustomResourceDefinition: 'customresourcedefinitions',
  VirtualMachine: 'virtualmachines',
  VirtualMachineInstance: 'virtualmachineinstances',
  DataVolume: 'datavolumes',
  Kustomization: 'kustomizations',
  GitRepository: 'gitrepositories',
};

/** REST path of a kind's collection, e.g. `/apis/kubevirt.io/v1/namespaces/a/virtualmachines`. */
export function resourcePath(
  apiVersion: string,
  kind: string,
  namespace?: string,
): string {
  const plural = PLURALS[kind];
  if (!plural) throw new Error(`resourcePath: unknown kind ${kind}`);
  const base = apiVersion.includes('/')
    ? `/apis/${apiVersion}`
    : `/api/${apiVersion}`;
  const clusterScoped = [
    'Namespace',
    'Node',
    'ClusterRoleBinding',
    'ClusterRole',
    'CustomResourceDefinition',
  ].includes(kind);
  return clusterScoped || !namespace
    ? `${base}/${plural}`
    : `${base}/namespaces/${namespace}/${plural}`;
}
