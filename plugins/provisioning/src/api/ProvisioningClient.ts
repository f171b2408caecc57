import { DiscoveryApi, FetchApi } from '@backstage/frontend-plugin-api';
import { ResponseError } from '@backstage/errors';
import {
  ClusterSummary,
  NameCheck,
  NamespaceLiveState,
  NamespaceSummary,
  NameTarget,
  ProvisioningApi,
  ProvisioningHealth,
  QuotaCheck,
  QuotaChoice,
  RequestPreview,
  TeamSummary,
  TierSummary,
  VmLiveState,
} from './ProvisioningApi';

/** Talks to the provisioning backend through the app's discovery and fetch APIs. */
export class ProvisioningClient implements ProvisioningApi {
  private readonly discoveryApi: DiscoveryApi;
  private readonly fetchApi: FetchApi;

  constructor(options: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {
    this.discoveryApi = options.discoveryApi;
    this.fetchApi = options.fetchApi;
  }

  async getHealth(): Promise<ProvisioningHealth> {
    return this.request<ProvisioningHealth>('/health');
  }

  async getClusters(): Promise<ClusterSummary[]> {
    return (await this.request<{ items: ClusterSummary[] }>('/clusters')).items;
  }

  async getTiers(): Promise<TierSummary[]> {
    return (await this.request<{ items: TierSummary[] }>('/tiers')).items;
  }

  async preview(
    request: Record<string, unknown>,
    options: { updateOpenRequest?: boolean } = {},
  ): Promise<RequestPreview> {
    return this.post<RequestPreview>('/preview', {
      request,
      ...(options.updateOpenRequest ? { updateOpenRequest: true } : {}),
    });
  }

  async checkName(target: NameTarget): Promise<NameCheck> {
    return this.post<NameCheck>('/names', target);
  }

  async getNamespaces(cluster?: string): Promise<NamespaceSummary[]> {
    const query = cluster ? `?cluster=${encodeURIComponent(cluster)}` : '';
    return (
      await this.request<{ items: NamespaceSummary[] }>(`/namespaces${query}`)
    ).items;
  }

  async getNamespaceState(
    cluster: string,
    namespace: string,
  ): Promise<NamespaceLiveState> {
    return this.request<NamespaceLiveState>(
      `/clusters/${encodeURIComponent(cluster)}/namespaces/${encodeURIComponent(
        namespace,
      )}/state`,
    );
  }

  async getVmState(
    cluster: string,
    namespace: string,
    vm: string,
  ): Promise<VmLiveState> {
    return this.request<VmLiveState>(
      `/clusters/${encodeURIComponent(cluster)}/namespaces/${encodeURIComponent(
        namespace,
      )}/vms/${encodeURIComponent(vm)}/state`,
    );
  }

  async getTeamSummary(team: string): Promise<TeamSummary> {
    return this.request<TeamSummary>(
      `/teams/${encodeURIComponent(team)}/summary`,
    );
  }

  async checkQuota(quota: QuotaChoice): Promise<QuotaCheck> {
    return this.post<QuotaCheck>('/quota', { quota });
  }

  private post<T>(path: string, body: unknown): Promise<T> {
    return this.request<T>(path, {
      method: 'POST',
      body: JSON.stringify(body),
      headers: { 'content-type': 'application/json' },
    });
  }

  private async request<T>(path: string, init?: RequestInit): Promise<T> {
    const baseUrl = await this.discoveryApi.getBaseUrl('provisioning');
    const response = await this.fetchApi.fetch(`${baseUrl}${path}`, init);
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return (await response.json()) as T;
  }
}
