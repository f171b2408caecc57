import { ConfigReader } from '@backstage/config';
import { readProvisioningConfig } from './provisioningConfig';

const readClusterConnections = (config: ConfigReader) =>
  readProvisioningConfig(config).clusters;

describe('readClusterConnections', () => {
  it('reads clusters with defaults', () => {
    const clusters = readClusterConnections(
      new ConfigReader({
        provisioning: {
          clusters: [
            {
              name: 'dev',
              environment: 'dev',
              url: 'https://127.0.0.1:6443',
              auth: { type: 'serviceAccountToken', token: 'secret' },
            },
            {
              name: 'prod',
              environment: 'prod',
              auth: { type: 'kubeconfig', context: 'prod' },
            },
          ],
        },
      }),
    );
    expect(clusters.map(c => c.name)).toEqual(['dev', 'prod']);
    expect(clusters[0].storageClasses).toEqual([]);
  });

  it('names the config path and the rule on bad input', () => {
    expect(() =>
      readClusterConnections(
        new ConfigReader({
          provisioning: {
            clusters: [
              {
                name: 'Dev',
                environment: 'qa',
                auth: { type: 'serviceAccountToken', token: 't' },
              },
            ],
          },
        }),
      ),
    ).toThrow(
      "Invalid configuration: provisioning.clusters[0].name: must be a DNS-1123 label; provisioning.clusters[0].environment: Invalid enum value. Expected 'dev' | 'staging' | 'prod', received 'qa'",
    );
  });

  it('needs a URL with a service-account token', () => {
    expect(() =>
      readClusterConnections(
        new ConfigReader({
          provisioning: {
            clusters: [
              {
                name: 'dev',
                environment: 'dev',
                auth: { type: 'serviceAccountToken', token: 't' },
              },
            ],
          },
        }),
      ),
    ).toThrow(
      'provisioning.clusters[0].url: is required when auth.type is serviceAccountToken',
    );
  });

  it('refuses a cluster defined twice', () => {
    const cluster = {
      name: 'dev',
      environment: 'dev',
      auth: { type: 'inCluster' },
    };
    expect(() =>
      readClusterConnections(
        new ConfigReader({ provisioning: { clusters: [cluster, cluster] } }),
      ),
    ).toThrow("provisioning.clusters[1].name: cluster 'dev' is defined twice");
  });

  it('accepts a configuration without clusters', () => {
    expect(readClusterConnections(new ConfigReader({}))).toEqual([]);
  });
});

describe('provisioning.liveState', () => {
  it('holds only the portal’s namespaces and opens them to no one else, by default', () => {
    expect(readProvisioningConfig(new ConfigReader({})).liveState).toEqual({
      includeUnmanaged: false,
      readableByAll: [],
    });
  });

  it('reads the environments readable by all once each', () => {
    expect(
      readProvisioningConfig(
        new ConfigReader({
          provisioning: {
            liveState: {
              includeUnmanaged: true,
              readableByAll: ['dev', 'staging', 'dev'],
            },
          },
        }),
      ).liveState,
    ).toEqual({ includeUnmanaged: true, readableByAll: ['dev', 'staging'] });
  });

  it('names the field and the rule of an unknown environment', () => {
    expect(() =>
      readProvisioningConfig(
        new ConfigReader({
          provisioning: { liveState: { readableByAll: ['qa'] } },
        }),
      ),
    ).toThrow(
      /provisioning\.liveState\.readableByAll\[0\]: .*'dev' \| 'staging' \| 'prod'/,
    );
  });
});

describe('provisioning.gitops.webhookSecret', () => {
  const gitops = { owner: 'acme', repo: 'gitops' };

  it('is read with the GitOps repository, and absent when not configured', () => {
    expect(
      readProvisioningConfig(
        new ConfigReader({
          provisioning: { gitops: { ...gitops, webhookSecret: 's3cret' } },
        }),
      ).gitops,
    ).toEqual({
      host: 'github.com',
      owner: 'acme',
      repo: 'gitops',
      branch: 'main',
      webhookSecret: 's3cret',
    });
    expect(
      readProvisioningConfig(new ConfigReader({ provisioning: { gitops } }))
        .gitops?.webhookSecret,
    ).toBeUndefined();
  });

  it('refuses an empty secret, naming the path', () => {
    expect(() =>
      readProvisioningConfig(
        new ConfigReader({
          provisioning: { gitops: { ...gitops, webhookSecret: '' } },
        }),
      ),
    ).toThrow('provisioning.gitops.webhookSecret: must not be empty');
  });
});
