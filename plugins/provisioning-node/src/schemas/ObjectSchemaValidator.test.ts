import {
  applyChanges,
  fluxSyncObjects,
  parsePlatformSettings,
  parseRequest,
  parseYamlDocuments,
  renderRequest,
  RepoSnapshot,
} from '@kubeportal/plugin-provisioning-common';
import { ObjectSchemaValidator } from './ObjectSchemaValidator';

const settings = parsePlatformSettings({
  clusters: [
    {
      name: 'dev',
      environment: 'dev',
      storageClasses: ['fast'],
      networks: ['vlan-100'],
      ingressNamespace: 'ingress-nginx',
    },
  ],
});

const namespace = {
  kind: 'namespace',
  cluster: 'dev',
  name: 'payments',
  team: 'payments',
  requester: 'jdoe',
  environment: 'dev',
  costCentre: 'CC-1',
  purpose: 'tests',
  quota: {
    custom: {
      requestsCpu: '2',
      limitsCpu: '4',
      requestsMemory: '8Gi',
      limitsMemory: '8Gi',
      requestsStorage: '100Gi',
      storageClasses: {
        fast: { requestsStorage: '50Gi', persistentVolumeClaims: 4 },
      },
      persistentVolumeClaims: 10,
      pods: 20,
      services: 4,
      loadBalancers: 1,
      nodePorts: 1,
    },
  },
  limitRange: {
    defaultRequest: { cpu: '100m', memory: '128Mi' },
    default: { cpu: '1', memory: '1Gi' },
    maxPerPod: { cpu: '2' },
  },
  networkPolicy: { preset: 'ingress', allowEgressTo: ['shared'] },
  access: [{ group: 'sg-a', role: 'admin' }],
};

const vm = (overrides: Record<string, unknown>) => ({
  kind: 'vm',
  cluster: 'dev',
  namespace: 'payments',
  name: 'legacy',
  requester: 'jdoe',
  purpose: 'tests',
  cpu: 1,
  memory: '1Gi',
  rootDisk: {
    size: '10Gi',
    source: { type: 'http', url: 'https://images.example/rhel9.qcow2' },
  },
  ...overrides,
});

describe('ObjectSchemaValidator', () => {
  const validator = ObjectSchemaValidator.fromFolders();

  it('knows the core kinds and the KubeVirt, CDI and Flux custom resources', () => {
    expect(validator.knownKinds()).toEqual(
      expect.arrayContaining([
        'v1/Namespace',
        'kubevirt.io/v1/VirtualMachine',
        'kubevirt.io/v1/VirtualMachineInstance',
        'cdi.kubevirt.io/v1beta1/DataVolume',
        'kustomize.toolkit.fluxcd.io/v1/Kustomization',
        'source.toolkit.fluxcd.io/v1/GitRepository',
      ]),
    );
  });

  it('accepts every object the renderer writes', () => {
    let repo: RepoSnapshot = new Map();
    repo = applyChanges(
      repo,
      renderRequest(parseRequest(namespace), {
        settings,
        repo,
        teamAccess: { payments: [{ group: 'sg-p', role: 'view' }] },
      }).changes,
    );
    const vms = [
      vm({}),
      vm({
        name: 'multus',
        network: { type: 'multus', name: 'vlan-100' },
        exposure: { type: 'ClusterIP', ports: [{ name: 'http', port: 80 }] },
        rootDisk: {
          size: '10Gi',
          storageClass: 'fast',
          source: {
            type: 'registry',
            url: 'docker://quay.io/containerdisks/fedora:40',
          },
        },
      }),
      vm({
        name: 'clone',
        dataDisks: [{ name: 'data', size: '1Gi' }],
        cloudInit: { userDataSecretRef: 'legacy-userdata' },
        rootDisk: {
          size: '10Gi',
          source: { type: 'pvc', namespace: 'images', name: 'rhel9' },
        },
      }),
    ];
    for (const input of vms)
      repo = applyChanges(
        repo,
        renderRequest(parseRequest(input), { settings, repo }).changes,
      );
    const objects = [...repo]
      // Kubernetes objects only: kustomizations and the teams' cost summaries are not applied to a cluster
      .filter(
        ([file]) =>
          file.startsWith('clusters/') &&
          file.endsWith('.yaml') &&
          !file.endsWith('kustomization.yaml'),
      )
      .flatMap(([file, text]) =>
        parseYamlDocuments(text, file).map(o => ({ file, o: o as any })),
      );
    objects.push(
      ...fluxSyncObjects({
        cluster: 'dev',
        url: 'http://127.0.0.1:1/gitops.git',
      }).map(o => ({ file: 'flux', o: o as any })),
    );
    const kinds = new Set<string>();
    for (const { file, o } of objects) {
      // team defaults carry no namespace until kustomize sets it; schemas do not require one
      expect({ file, kind: o.kind, problems: validator.validate(o) }).toEqual({
        file,
        kind: o.kind,
        problems: [],
      });
      kinds.add(o.kind);
    }
    expect([...kinds].sort()).toEqual([
      'GitRepository',
      'Kustomization',
      'LimitRange',
      'Namespace',
      'NetworkPolicy',
      'ResourceQuota',
      'RoleBinding',
      'Service',
      'ServiceAccount',
      'VirtualMachine',
    ]);
  });

  it('validates DataVolumes as CDI defines them', () => {
    const dv = {
      apiVersion: 'cdi.kubevirt.io/v1beta1',
      kind: 'DataVolume',
      metadata: { name: 'd' },
      spec: {
        source: { blank: {} },
        storage: { resources: { requests: { storage: '1Gi' } } },
      },
    };
    expect(validator.validate(dv)).toEqual([]);
    expect(
      validator.validate({
        ...dv,
        spec: { ...dv.spec, sourceRef: { kind: 3 } },
      }),
    ).toEqual([
      "spec.sourceRef: must have required property 'name'",
      'spec.sourceRef.kind: must be string',
    ]);
  });

  it('refuses broken objects with field paths', () => {
    const broken = {
      apiVersion: 'kubevirt.io/v1',
      kind: 'VirtualMachine',
      metadata: { name: 'x' },
      spec: {
        template: {
          spec: { domain: { cpu: { cores: 'two' }, devices: {}, typo: true } },
        },
      },
    };
    expect(validator.validate(broken)).toEqual([
      "spec.template.spec.domain: unknown field 'typo'",
      'spec.template.spec.domain.cpu.cores: must be integer',
    ]);
    expect(
      validator.validate({
        apiVersion: 'v1',
        kind: 'ResourceQuota',
        metadata: { name: 'q' },
        spec: { hard: 'lots' },
      }),
    ).toEqual(['spec.hard: must be object']);
    expect(
      validator.validate({
        apiVersion: 'example.com/v1',
        kind: 'Thing',
        metadata: { name: 't' },
      }),
    ).toEqual(['(root): no schema known for example.com/v1/Thing']);
  });
});
