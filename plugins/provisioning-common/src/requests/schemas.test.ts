import { InputError } from '@backstage/errors';
import {
  namespaceInput,
  quotaChangeInput,
  vmInput,
  decommissionVmInput,
} from '../__fixtures__/requests';
import { checkRequest, parseRequest } from './parse';

const problemsOf = (input: unknown) =>
  checkRequest(input).problems.map(p => `${p.path}: ${p.message}`);

describe('request schemas', () => {
  it('accept the examples and fill defaults', () => {
    expect(checkRequest(namespaceInput).problems).toEqual([]);
    expect(checkRequest(vmInput).problems).toEqual([]);
    expect(checkRequest(quotaChangeInput).problems).toEqual([]);
    expect(checkRequest(decommissionVmInput).problems).toEqual([]);
    const ns = parseRequest({
      ...namespaceInput,
      team: 'payments',
      requester: 'jdoe',
      networkPolicy: undefined,
      access: undefined,
    });
    expect(ns).toMatchObject({
      team: 'group:default/payments',
      requester: 'user:default/jdoe',
      networkPolicy: { preset: 'isolated', allowEgressTo: [] },
      access: [],
    });
    const vm = parseRequest({
      ...vmInput,
      runStrategy: undefined,
      network: undefined,
      exposure: undefined,
      dataDisks: undefined,
      cloudInit: undefined,
    });
    expect(vm).toMatchObject({
      runStrategy: 'Always',
      network: { type: 'pod' },
      exposure: { type: 'none' },
      dataDisks: [],
    });
  });

  it('reads blank form fields as absent', () => {
    const vm = parseRequest({
      ...vmInput,
      rootDisk: {
        size: '10Gi',
        storageClass: '',
        source: {
          type: 'http',
          namespace: '',
          name: '',
          url: 'https://img.example/a.qcow2',
        },
      },
      cloudInit: { sshPublicKeys: [''] },
    });
    expect(vm).toMatchObject({
      rootDisk: {
        source: { type: 'http', url: 'https://img.example/a.qcow2' },
      },
      cloudInit: { sshPublicKeys: [] },
    });
    expect((vm as any).rootDisk.storageClass).toBeUndefined();
  });

  it('throws an InputError naming every field', () => {
    expect(() =>
      parseRequest({ ...namespaceInput, name: 'default', cluster: 'Dev' }),
    ).toThrow(InputError);
    expect(() =>
      parseRequest({ ...namespaceInput, name: 'default', cluster: 'Dev' }),
    ).toThrow(
      "Invalid request: cluster: must be a DNS-1123 label: lower-case letters, digits and '-', starting and ending with a letter or digit; name: 'default' is a reserved namespace",
    );
  });

  it.each<[string, Record<string, unknown>, string[]]>([
    [
      'unknown kind',
      { kind: 'bucket' },
      [
        "kind: must be one of 'namespace', 'vm', 'quota-change', 'decommission'",
      ],
    ],
    [
      'system namespace',
      { name: 'kube-public' },
      ["name: is reserved for system namespaces (prefix 'kube-')"],
    ],
    [
      'flux namespace',
      { name: 'flux-system' },
      ["name: 'flux-system' is a reserved namespace"],
    ],
    [
      'long name',
      { name: 'n'.repeat(64) },
      ['name: must be at most 63 characters (has 64)'],
    ],
    [
      'team ref of another kind',
      { team: 'user:default/jdoe' },
      ["team: must be a group entity ref like 'group:default/name'"],
    ],
    [
      'requester ref of another kind',
      { requester: 'group:default/x' },
      ["requester: must be a user entity ref like 'user:default/name'"],
    ],
    [
      'environment',
      { environment: 'qa' },
      [
        "environment: Invalid enum value. Expected 'dev' | 'staging' | 'prod', received 'qa'",
      ],
    ],
    [
      'cost centre',
      { costCentre: 'CC 12/3' },
      ['costCentre: must be letters, digits, ., _ or -'],
    ],
    ['empty purpose', { purpose: '  ' }, ['purpose: must say what it is for']],
    [
      'bad quantity',
      {
        quota: {
          custom: {
            requestsCpu: '2 cores',
            limitsCpu: '4',
            requestsMemory: '1Gi',
            limitsMemory: '1Gi',
            requestsStorage: '1Gi',
            persistentVolumeClaims: 1,
            pods: 1,
            services: 1,
          },
        },
      },
      [
        "quota.custom.requestsCpu: '2 cores' is not a Kubernetes quantity (a number with an optional suffix such as m, k, M, G, Ki, Mi, Gi, Ti, or an exponent like 1e3)",
      ],
    ],
    [
      'negative quantity',
      {
        quota: {
          custom: {
            requestsCpu: '-1',
            limitsCpu: '4',
            requestsMemory: '1Gi',
            limitsMemory: '1Gi',
            requestsStorage: '1Gi',
            persistentVolumeClaims: 1,
            pods: 1,
            services: 1,
          },
        },
      },
      ["quota.custom.requestsCpu: '-1' must not be negative"],
    ],
    [
      'quota with unknown key',
      {
        quota: {
          custom: {
            requestsCpu: '1',
            limitsCpu: '4',
            requestsMemory: '1Gi',
            limitsMemory: '1Gi',
            requestsStorage: '1Gi',
            persistentVolumeClaims: 1,
            pods: 1,
            services: 1,
            gpus: 2,
          },
        },
      },
      ["quota.custom: Unrecognized key(s) in object: 'gpus'"],
    ],
    [
      'bad limit range',
      {
        limitRange: {
          defaultRequest: { cpu: 'x', memory: '1Gi' },
          default: { cpu: '1', memory: '1Gi' },
        },
      },
      [
        "limitRange.defaultRequest.cpu: 'x' is not a Kubernetes quantity (a number with an optional suffix such as m, k, M, G, Ki, Mi, Gi, Ti, or an exponent like 1e3)",
      ],
    ],
    [
      'network preset',
      { networkPolicy: { preset: 'open' } },
      [
        "networkPolicy.preset: Invalid enum value. Expected 'isolated' | 'ingress', received 'open'",
      ],
    ],
    [
      'egress to a bad namespace',
      { networkPolicy: { allowEgressTo: ['Shared'] } },
      [
        "networkPolicy.allowEgressTo[0]: must be a DNS-1123 label: lower-case letters, digits and '-', starting and ending with a letter or digit",
      ],
    ],
    [
      'access role',
      { access: [{ group: 'sg-a', role: 'owner' }] },
      [
        "access[0].role: Invalid enum value. Expected 'admin' | 'edit' | 'view', received 'owner'",
      ],
    ],
    [
      'access group',
      { access: [{ group: 'CN=sg a,OU=x', role: 'view' }] },
      [
        'access[0].group: must be an AD group name without spaces, commas or colons',
      ],
    ],
    [
      'expiry date',
      { expires: '2027-02-30' },
      ['expires: must be a date written YYYY-MM-DD'],
    ],
    [
      'approvers in the form (they come from the catalog)',
      { approvers: ['mallory'] },
      ["(root): Unrecognized key(s) in object: 'approvers'"],
    ],
    [
      'unknown field',
      { colour: 'blue' },
      ["(root): Unrecognized key(s) in object: 'colour'"],
    ],
  ])('namespace: %s', (_name, change, messages) => {
    expect(problemsOf({ ...namespaceInput, ...change })).toEqual(messages);
  });

  it.each<[string, Record<string, unknown>, string[]]>([
    [
      'vCPU count',
      { cpu: 0 },
      ['cpu: Number must be greater than or equal to 1'],
    ],
    [
      'fractional vCPU',
      { cpu: 1.5 },
      ['cpu: Expected integer, received float'],
    ],
    [
      'memory',
      { memory: '4GB' },
      [
        "memory: '4GB' is not a Kubernetes quantity (a number with an optional suffix such as m, k, M, G, Ki, Mi, Gi, Ti, or an exponent like 1e3)",
      ],
    ],
    [
      'run strategy',
      { runStrategy: 'Sometimes-maybe' },
      [
        "runStrategy: Invalid enum value. Expected 'Always' | 'RerunOnFailure' | 'Manual' | 'Halted', received 'Sometimes-maybe'",
      ],
    ],
    [
      'image URL',
      {
        rootDisk: { size: '10Gi', source: { type: 'http', url: 'ftp://x/y' } },
      },
      ['rootDisk.source.url: must be an http(s) URL'],
    ],
    [
      'registry URL',
      {
        rootDisk: {
          size: '10Gi',
          source: { type: 'registry', url: 'quay.io/x' },
        },
      },
      [
        "rootDisk.source.url: must be a container image URL starting with 'docker://'",
      ],
    ],
    [
      'source type',
      { rootDisk: { size: '10Gi', source: { type: 's3' } } },
      [
        "rootDisk.source.type: Invalid discriminator value. Expected 'pvc' | 'http' | 'registry'",
      ],
    ],
    [
      'disk name twice',
      {
        dataDisks: [
          { name: 'data', size: '1Gi' },
          { name: 'data', size: '1Gi' },
        ],
      },
      ["dataDisks[1].name: 'data' is used twice or reserved"],
    ],
    [
      'reserved disk name',
      { dataDisks: [{ name: 'rootdisk', size: '1Gi' }] },
      ["dataDisks[0].name: 'rootdisk' is used twice or reserved"],
    ],
    [
      'private key in user data',
      {
        cloudInit: {
          userData:
            '#cloud-config\nwrite_files:\n  - content: |\n      -----BEGIN OPENSSH PRIVATE KEY-----\n',
        },
      },
      [
        "cloudInit.userData: holds a private key at 'write_files[0].content' (value not shown): put secrets in a Secret and use userDataSecretRef",
      ],
    ],
    [
      'password in user data',
      { cloudInit: { userData: '#cloud-config\npassword: hunter2\n' } },
      [
        "cloudInit.userData: holds a password at 'password' (value not shown): put secrets in a Secret and use userDataSecretRef",
      ],
    ],
    [
      'both user data and secret',
      { cloudInit: { userData: '#cloud-config\n', userDataSecretRef: 'ud' } },
      [
        'cloudInit.userDataSecretRef: set either userData or userDataSecretRef, not both',
      ],
    ],
    [
      'private key as SSH key',
      { cloudInit: { sshPublicKeys: ['-----BEGIN OPENSSH PRIVATE KEY-----'] } },
      [
        'cloudInit.sshPublicKeys[0]: must be an SSH public key (e.g. ssh-ed25519 AAAA...)',
      ],
    ],
    [
      'node port on ClusterIP',
      {
        exposure: {
          type: 'ClusterIP',
          ports: [{ name: 'ssh', port: 22, nodePort: 30022 }],
        },
      },
      ['exposure.ports: nodePort is only allowed with type NodePort'],
    ],
    [
      'node port range',
      {
        exposure: {
          type: 'NodePort',
          ports: [{ name: 'ssh', port: 22, nodePort: 8080 }],
        },
      },
      [
        'exposure.ports[0].nodePort: Number must be greater than or equal to 30000',
      ],
    ],
    [
      'no ports',
      { exposure: { type: 'NodePort', ports: [] } },
      ['exposure.ports: must list at least one port'],
    ],
  ])('vm: %s', (_name, change, messages) => {
    expect(problemsOf({ ...vmInput, ...change })).toEqual(messages);
  });

  it('names the deepest field of a quota choice, and the two shapes when it has neither', () => {
    const custom = {
      requestsCpu: '1',
      limitsCpu: '2',
      requestsMemory: '1Gi',
      limitsMemory: '2Gi',
      requestsStorage: '1Gi',
      persistentVolumeClaims: 1,
      pods: 1,
      services: 1,
    };
    const { services: _services, ...withoutServices } = custom;
    expect(
      problemsOf({ ...namespaceInput, quota: { custom: withoutServices } }),
    ).toEqual(['quota.custom.services: is required']);
    expect(
      problemsOf({
        ...quotaChangeInput,
        quota: { custom: { ...withoutServices, pods: 0 } },
      }),
    ).toEqual([
      'quota.custom.pods: Number must be greater than 0',
      'quota.custom.services: is required',
    ]);
    expect(problemsOf({ ...quotaChangeInput, quota: { tier: 3 } })).toEqual([
      'quota.tier: Expected string, received number',
    ]);
    const shapes =
      "quota: must name a tier ({ tier: 'M' }) or give custom values ({ custom: { requestsCpu, ... } })";
    expect(problemsOf({ ...quotaChangeInput, quota: { size: 'M' } })).toEqual([
      shapes,
    ]);
    expect(
      problemsOf({ ...quotaChangeInput, quota: { tier: 'M', custom } }),
    ).toEqual([shapes]);
    expect(problemsOf({ ...quotaChangeInput, quota: 'M' })).toEqual([shapes]);
    expect(problemsOf({ ...quotaChangeInput, quota: undefined })).toEqual([
      shapes,
    ]);
    // defaults inside the chosen shape still apply
    expect(
      parseRequest({ ...quotaChangeInput, quota: { custom } }),
    ).toMatchObject({
      quota: {
        custom: {
          ...custom,
          storageClasses: {},
          loadBalancers: 0,
          nodePorts: 0,
        },
      },
    });
  });

  it('quota change and decommission name their fields', () => {
    expect(problemsOf({ ...quotaChangeInput, quota: { tier: '' } })).toEqual([
      "quota: must name a tier ({ tier: 'M' }) or give custom values ({ custom: { requestsCpu, ... } })",
    ]);
    expect(problemsOf({ ...decommissionVmInput, vmName: 'Bad_Name' })).toEqual([
      "vmName: must be a DNS-1123 label: lower-case letters, digits and '-', starting and ending with a letter or digit",
    ]);
  });
});
