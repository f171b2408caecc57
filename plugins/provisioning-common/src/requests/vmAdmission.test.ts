import fc from 'fast-check';
import { vmInput } from '../__fixtures__/requests';
import { KubeObject } from '../manifests/types';
import { vmObjects } from '../manifests/vm';
import { checkRequest, parseRequest } from './parse';
import { VmRequest } from './schemas';
import {
  CLOUD_INIT_USER_DATA_MAX_BYTES,
  cloudInitUserDataProblems,
  KUBEVIRT_RUN_STRATEGIES,
  multusNetworkNameProblem,
  virtualMachineAdmissionProblems,
  vmAdmissionProblems,
} from './vmAdmission';

// Upstream sources the rules mirror (kubevirt/kubevirt unless said otherwise):
const VMI_ADMITTER =
  'pkg/virt-api/webhooks/validating-webhook/admitters/vmi-create-admitter.go';
const VMS_ADMITTER =
  'pkg/virt-api/webhooks/validating-webhook/admitters/vms-admitter.go';

const problemsOf = (change: Record<string, unknown>) =>
  checkRequest({ ...vmInput, ...change }).problems.map(
    p => `${p.path}: ${p.message}`,
  );
const vm = (change: Record<string, unknown> = {}) =>
  parseRequest({ ...vmInput, ...change }) as VmRequest;
const SECRET_ADVICE =
  '(value not shown): put secrets in a Secret and use userDataSecretRef';
const ED25519 =
  'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGb9ECFmNkX0kZr6V9xJ0Sx3l5Yp1dLx4ez7d5j1Z2jW';

/** The VirtualMachine the portal renders for a request. */
const machineOf = (request: VmRequest): KubeObject =>
  vmObjects(request, {}, {})[0];
/** A copy of a rendered VirtualMachine with its VMI template spec changed. */
function withTemplate(
  machine: KubeObject,
  change: (spec: any) => void,
): KubeObject {
  const copy = JSON.parse(JSON.stringify(machine));
  change(copy.spec.template.spec);
  return copy;
}

describe('vmAdmission: memory', () => {
  it(`refuses less than 1M, as ${VMI_ADMITTER} validateMemoryRequestsNegativeOrNull does`, () => {
    expect(problemsOf({ memory: '999999' })).toEqual([
      "memory: '999999' is less than 1M (1000000 bytes), the least memory KubeVirt accepts",
    ]);
    expect(problemsOf({ memory: '0' })).toEqual([
      "memory: '0' is less than 1M (1000000 bytes), the least memory KubeVirt accepts",
    ]);
    expect(problemsOf({ memory: '1M' })).toEqual([]);
  });

  it('refuses a fractional byte count, which quantity.go Value() would round up', () => {
    expect(problemsOf({ memory: '1000000.5' })).toEqual([
      "memory: '1000000.5' is not a whole number of bytes: Kubernetes would round it up to 1000001; write 1000001",
    ]);
    expect(problemsOf({ memory: '1.5Gi' })).toEqual([]);
  });

  it('does not report a memory the schema already refuses twice', () => {
    expect(problemsOf({ memory: '4GB' })).toEqual([
      "memory: '4GB' is not a Kubernetes quantity (a number with an optional suffix such as m, k, M, G, Ki, Mi, Gi, Ti, or an exponent like 1e3)",
    ]);
  });

  it(
    'renders its own requests and limits, so mutators/namespace-limits.go applyNamespaceLimitRangeValues copies no ' +
      `namespace default into the VMI for ${VMI_ADMITTER} validateMemoryLimitsNegativeOrNull / validateGuestMemoryLimit to refuse`,
    () => {
      // the fixture VM (2Gi, 2 vCPU): above the team's default limit range (512Mi, 500m), which no longer applies
      const resources = (machineOf(vm()).spec as any).template.spec.domain
        .resources;
      expect(resources).toEqual({
        requests: { memory: '2Gi', cpu: '200m' },
        limits: { memory: '2Gi', cpu: '2' },
      });
    },
  );

  it(`renders memory as guest and requests, and the rendered object passes ${VMI_ADMITTER}'s memory rules`, () => {
    const machine = machineOf(vm({ memory: '1.5Gi' }));
    expect((machine.spec as any).template.spec.domain).toMatchObject({
      memory: { guest: '1536Mi' },
      resources: {
        requests: { memory: '1536Mi' },
        limits: { memory: '1536Mi' },
      },
    });
    expect(virtualMachineAdmissionProblems(machine)).toEqual([]);
    const at = 'spec.template.spec';
    expect(
      virtualMachineAdmissionProblems(
        withTemplate(machine, s => {
          s.domain.resources.requests.memory = '999k';
        }),
      ),
    ).toEqual([
      {
        path: `${at}.domain.resources.requests.memory`,
        message: 'must be greater than or equal to 1M',
      },
    ]);
    expect(
      virtualMachineAdmissionProblems(
        withTemplate(machine, s => {
          s.domain.resources.limits = { memory: '1Gi', cpu: '1' };
        }),
      ),
    ).toEqual([
      {
        path: `${at}.domain.resources.requests.memory`,
        message: 'is greater than resources.limits.memory',
      },
      {
        path: `${at}.domain.memory.guest`,
        message: 'must be equal to or less than the memory limit',
      },
    ]);
    // ValidateVirtualMachineInstanceMandatoryFields: no memory at all
    expect(
      virtualMachineAdmissionProblems(
        withTemplate(machine, s => {
          delete s.domain.memory;
          delete s.domain.resources;
        }),
      ),
    ).toEqual([
      {
        path: `${at}.domain`,
        message:
          'no memory requested: set memory.guest, memory.hugepages.size or resources.requests.memory',
      },
    ]);
  });
});

describe('vmAdmission: CPU', () => {
  it(`renders only cores, so ${VMI_ADMITTER}'s sockets, threads and dedicated-placement rules (validateCPUHotplug, validateCpuPinning) cannot fire`, () => {
    expect(
      (machineOf(vm({ cpu: 64 })).spec as any).template.spec.domain.cpu,
    ).toEqual({ cores: 64 });
    expect(problemsOf({ cpu: 65 })).toEqual([
      'cpu: Number must be less than or equal to 64',
    ]);
  });
});

describe('vmAdmission: run strategy', () => {
  it(`accepts only run strategies in ${VMS_ADMITTER} validRunStrategies (validateRunStrategy)`, () => {
    for (const strategy of ['Always', 'RerunOnFailure', 'Manual', 'Halted']) {
      expect(KUBEVIRT_RUN_STRATEGIES).toContain(strategy);
      expect(problemsOf({ runStrategy: strategy })).toEqual([]);
    }
    expect(problemsOf({ runStrategy: 'Sometimes-maybe' })).toEqual([
      "runStrategy: Invalid enum value. Expected 'Always' | 'RerunOnFailure' | 'Manual' | 'Halted', received 'Sometimes-maybe'",
    ]);
    expect(
      vmAdmissionProblems({
        ...vm(),
        runStrategy: 'Sometimes' as VmRequest['runStrategy'],
      }),
    ).toEqual([
      {
        path: 'runStrategy',
        message:
          "'Sometimes' is not a run strategy KubeVirt knows (Halted, Manual, Always, RerunOnFailure, Once)",
      },
    ]);
    const machine = machineOf(vm());
    expect(
      virtualMachineAdmissionProblems({
        ...machine,
        spec: { ...(machine.spec as object), runStrategy: 'Sometimes' },
      }),
    ).toEqual([
      { path: 'spec.runStrategy', message: 'Invalid RunStrategy (Sometimes)' },
    ]);
    expect(
      virtualMachineAdmissionProblems({
        ...machine,
        spec: { ...(machine.spec as object), running: true },
      }),
    ).toEqual([
      {
        path: 'spec.running',
        message: 'Running and RunStrategy are mutually exclusive',
      },
    ]);
  });
});

describe('vmAdmission: disks, volumes and DataVolumes', () => {
  it(`refuses a disk name used twice or reserved (${VMI_ADMITTER} validateDiskName, validateVolumes)`, () => {
    expect(
      problemsOf({
        dataDisks: [
          { name: 'data', size: '1Gi' },
          { name: 'data', size: '1Gi' },
        ],
      }),
    ).toEqual(["dataDisks[1].name: 'data' is used twice or reserved"]);
    expect(
      problemsOf({ dataDisks: [{ name: 'cloudinitdisk', size: '1Gi' }] }),
    ).toEqual(["dataDisks[0].name: 'cloudinitdisk' is used twice or reserved"]);
  });

  it(`refuses a disk name that is no DNS-1123 label (${VMI_ADMITTER} validateDiskNameAsContainerName)`, () => {
    expect(
      problemsOf({ dataDisks: [{ name: 'Data_1', size: '1Gi' }] }),
    ).toEqual([
      "dataDisks[0].name: must be a DNS-1123 label: lower-case letters, digits and '-', starting and ending with a letter or digit",
    ]);
  });

  it('keeps every DataVolume name <vm>-<disk> a DNS-1123 subdomain (CDI pkg/apiserver/webhooks/datavolume-validate.go validateDataVolumeName)', () => {
    const longest = vm({
      name: 'v'.repeat(63),
      dataDisks: [{ name: 'd'.repeat(63), size: '1Gi' }],
    });
    expect(vmAdmissionProblems(longest)).toEqual([]);
    const machine = machineOf(longest);
    expect(
      (machine.spec as any).dataVolumeTemplates[1].metadata.name,
    ).toHaveLength(127);
    expect(virtualMachineAdmissionProblems(machine)).toEqual([]);
    const tooLong = JSON.parse(JSON.stringify(machine));
    tooLong.spec.dataVolumeTemplates[1].metadata.name = 'x'.repeat(254);
    tooLong.spec.template.spec.volumes[1].dataVolume.name = 'x'.repeat(254);
    expect(virtualMachineAdmissionProblems(tooLong)).toEqual([
      {
        path: 'spec.dataVolumeTemplates[1].metadata.name',
        message: 'must be at most 253 characters (has 254)',
      },
    ]);
  });

  it('refuses a disk of 0 bytes (CDI datavolume-validate.go validateStorageSize) or of a fractional byte count', () => {
    expect(
      problemsOf({
        rootDisk: {
          size: '0',
          source: { type: 'http', url: 'https://img.example/a.qcow2' },
        },
      }),
    ).toEqual([
      'rootDisk.size: must be more than 0: CDI refuses an empty disk',
    ]);
    expect(
      problemsOf({
        dataDisks: [
          { name: 'data', size: '0.5Ki' },
          { name: 'logs', size: '10.5' },
        ],
      }),
    ).toEqual([
      "dataDisks[1].size: '10.5' is not a whole number of bytes: Kubernetes would round it up to 11; write 11",
    ]);
  });

  it('refuses a storage class that is no DNS-1123 subdomain (Kubernetes pkg/apis/core/validation ValidatePersistentVolumeClaimSpec, ValidateClassName)', () => {
    expect(
      problemsOf({
        dataDisks: [{ name: 'data', size: '1Gi', storageClass: 'Fast_SSD' }],
      }),
    ).toEqual([
      "dataDisks[0].storageClass: storage class name must be a DNS-1123 subdomain: lower-case letters, digits, '-' and '.', starting and ending with a letter or digit",
    ]);
    expect(
      problemsOf({
        dataDisks: [{ name: 'data', size: '1Gi', storageClass: 'fast.ssd' }],
      }),
    ).toEqual([]);
  });

  it(`renders a volume for each disk and a disk for each volume, all referenced (${VMI_ADMITTER} validateBootOrder, validateVirtualMachineInstanceSpecVolumeDisks, validateVolumes; ${VMS_ADMITTER} validateDataVolumeTemplate)`, () => {
    const machine = machineOf(vm());
    const at = 'spec.template.spec';
    expect(
      virtualMachineAdmissionProblems(
        withTemplate(machine, s => {
          s.volumes.splice(1, 1);
        }),
      ),
    ).toEqual([
      {
        path: `${at}.domain.devices.disks[1].name`,
        message: "'data' not found among the volumes",
      },
      {
        path: 'spec.dataVolumeTemplates[1]',
        message: "must be referenced in the VMI template's 'volumes' list",
      },
    ]);
    expect(
      virtualMachineAdmissionProblems(
        withTemplate(machine, s => {
          s.domain.devices.disks.splice(1, 1);
        }),
      ),
    ).toEqual([
      {
        path: `${at}.volumes[1].name`,
        message: "'data' not found among the disks",
      },
    ]);
    expect(
      virtualMachineAdmissionProblems(
        withTemplate(machine, s => {
          s.domain.devices.disks[1].name = 'rootdisk';
          s.volumes[1].name = 'rootdisk';
        }),
      ),
    ).toEqual([
      {
        path: `${at}.domain.devices.disks[1].name`,
        message: `${at}.domain.devices.disks[1] and ${at}.domain.devices.disks[0] must not have the same name`,
      },
      {
        path: `${at}.volumes[1].name`,
        message: `${at}.volumes[1] and ${at}.volumes[0] must not have the same name`,
      },
    ]);
    expect(
      virtualMachineAdmissionProblems(
        withTemplate(machine, s => {
          s.volumes[0].persistentVolumeClaim = { claimName: 'x' };
        }),
      ),
    ).toEqual([
      {
        path: `${at}.volumes[0]`,
        message: 'must have exactly one source type set',
      },
    ]);
  });

  it(`renders every disk on the virtio bus (${VMI_ADMITTER} validateBusSupport refuses ide and unknown buses)`, () => {
    const machine = machineOf(vm());
    for (const disk of (machine.spec as any).template.spec.domain.devices.disks)
      expect(disk.disk.bus).toBe('virtio');
    expect(
      virtualMachineAdmissionProblems(
        withTemplate(machine, s => {
          s.domain.devices.disks[0].disk.bus = 'ide';
        }),
      ),
    ).toEqual([
      {
        path: 'spec.template.spec.domain.devices.disks[0].disk.bus',
        message:
          'unrecognized bus ide, must be one of: virtio, sata, scsi, usb',
      },
    ]);
  });
});

describe('vmAdmission: names', () => {
  it(`keeps the VM name, which becomes the host name, a DNS-1123 label of at most 63 (${VMI_ADMITTER} validateHostNameNotConformingToDNSLabelRules)`, () => {
    expect(problemsOf({ name: 'v'.repeat(64) })).toEqual([
      'name: must be at most 63 characters (has 64)',
    ]);
    const machine = machineOf(vm());
    expect(
      virtualMachineAdmissionProblems(
        withTemplate(machine, s => {
          s.hostname = 'Not_A_Label';
        }),
      ),
    ).toEqual([
      {
        path: 'spec.template.spec.hostname',
        message:
          'spec.template.spec.hostname does not conform to the kubernetes DNS_LABEL rules',
      },
    ]);
  });

  it('refuses exposing a VM whose name starts with a digit: its Service name must be a DNS-1035 label (Kubernetes pkg/apis/core/validation ValidateServiceName)', () => {
    expect(problemsOf({ name: '1db' })).toEqual([
      "name: '1db' must start with a letter to be exposed: its Service name must be a DNS-1035 label",
    ]);
    expect(problemsOf({ name: '1db', exposure: { type: 'none' } })).toEqual([]);
  });
});

describe('vmAdmission: networks', () => {
  it('accepts a Multus network as [namespace/]name (pkg/network/multus/nad.go NetAttachDefNamespacedName, pkg/network/admitter/netsource.go validateMultusNetworkSource)', () => {
    expect(
      problemsOf({ network: { type: 'multus', name: 'vlan-100' } }),
    ).toEqual([]);
    expect(
      problemsOf({ network: { type: 'multus', name: 'net-ns/vlan.100' } }),
    ).toEqual([]);
    expect(
      problemsOf({ network: { type: 'multus', name: 'Net/vlan' } }),
    ).toEqual([
      "network.name: must be [namespace/]name: the namespace 'Net' must be a DNS-1123 label: lower-case letters, digits and '-', starting and ending with a letter or digit",
    ]);
    expect(multusNetworkNameProblem('ns/a/b')).toBe(
      "must be [namespace/]name: the name 'a/b' must be a DNS-1123 subdomain: lower-case letters, digits, '-' and '.', starting and ending with a letter or digit",
    );
    expect(multusNetworkNameProblem('ns/')).toBe(
      "must be [namespace/]name: the name '' must not be empty",
    );
    // a blank form field reads as absent
    expect(problemsOf({ network: { type: 'multus', name: '' } })).toEqual([
      'network.name: Required',
    ]);
    expect(multusNetworkNameProblem('')).toBe(
      'must name a NetworkAttachmentDefinition',
    );
  });

  it('renders interfaces and networks that match one to one, masquerade only on the pod network (pkg/network/admitter netiface.go, netsource.go, binding.go)', () => {
    const pod = machineOf(vm());
    const multus = machineOf(
      vm({ network: { type: 'multus', name: 'vlan-100' } }),
    );
    expect(virtualMachineAdmissionProblems(pod)).toEqual([]);
    expect(virtualMachineAdmissionProblems(multus)).toEqual([]);
    const at = 'spec.template.spec';
    // validateMasqueradeBinding
    expect(
      virtualMachineAdmissionProblems(
        withTemplate(multus, s => {
          s.domain.devices.interfaces[0] = { name: 'net0', masquerade: {} };
        }),
      ),
    ).toEqual([
      {
        path: `${at}.domain.devices.interfaces[0].name`,
        message: 'Masquerade interface only implemented with pod network',
      },
    ]);
    // validateInterfacesAssignedToNetworks and validateNetworksAssignedToInterfaces
    expect(
      virtualMachineAdmissionProblems(
        withTemplate(pod, s => {
          s.networks[0].name = 'other';
        }),
      ),
    ).toEqual([
      {
        path: `${at}.domain.devices.interfaces[0].name`,
        message: "'default' not found among the networks",
      },
      {
        path: `${at}.networks[0].name`,
        message: "'other' not found among the interfaces",
      },
    ]);
    // validateSinglePodNetwork, validateNetworkNameUnique, validateInterfaceNameUnique
    expect(
      virtualMachineAdmissionProblems(
        withTemplate(pod, s => {
          s.networks.push({ name: 'default', pod: {} });
          s.domain.devices.interfaces.push({ name: 'default', masquerade: {} });
        }),
      ),
    ).toEqual([
      {
        path: `${at}.interfaces`,
        message: 'more than one interface is connected to a pod network',
      },
      {
        path: `${at}.networks[1].name`,
        message: 'Network with name "default" already exists',
      },
      {
        path: `${at}.domain.devices.interfaces[1].name`,
        message: 'Only one interface can be connected to one specific network',
      },
    ]);
    // validateMultusNetworkSource, validateSingleNetworkSource, validateInterfaceNameFormat
    expect(
      virtualMachineAdmissionProblems(
        withTemplate(multus, s => {
          s.networks[0].multus = { networkName: '' };
        }),
      ),
    ).toEqual([
      {
        path: `${at}.networks[0]`,
        message: 'CNI delegating plugin must have a networkName',
      },
    ]);
    expect(
      virtualMachineAdmissionProblems(
        withTemplate(pod, s => {
          s.networks[0].multus = { networkName: 'x' };
        }),
      ),
    ).toEqual([
      {
        path: `${at}.networks[0]`,
        message: 'should have only one network type',
      },
    ]);
    expect(
      virtualMachineAdmissionProblems(
        withTemplate(pod, s => {
          s.networks[0].name = 'a b';
          s.domain.devices.interfaces[0].name = 'a b';
        }),
      ),
    ).toEqual([
      {
        path: `${at}.domain.devices.interfaces[0].name`,
        message:
          'Network interface name can only contain alphabetical characters, numbers, dashes (-) or underscores (_)',
      },
    ]);
  });
});

describe('vmAdmission: cloud-init', () => {
  it(`refuses user data that renders to more than ${CLOUD_INIT_USER_DATA_MAX_BYTES} bytes (${VMI_ADMITTER} validateVolumes, cloudInitUserMaxLen)`, () => {
    const packages = Array.from(
      { length: 200 },
      (_, i) => `  - package-${i}`,
    ).join('\n');
    const [problem] = problemsOf({
      cloudInit: { userData: `#cloud-config\npackages:\n${packages}\n` },
    });
    expect(problem).toMatch(
      /^cloudInit\.userData: renders to \d+ bytes of user data \(with the host name and 0 SSH keys merged in\); KubeVirt accepts at most 2048 inline/,
    );
    // the SSH keys alone can push the rendered user data over the limit
    const keys = Array.from(
      { length: 16 },
      (_, i) => `${ED25519} user${i}@host`,
    );
    expect(problemsOf({ cloudInit: { sshPublicKeys: keys } })).toEqual([]);
    const longKeys = keys.map(k => `${k} ${'x'.repeat(60)}`);
    expect(problemsOf({ cloudInit: { sshPublicKeys: longKeys } })[0]).toMatch(
      /^cloudInit\.sshPublicKeys: renders to \d+ bytes of user data \(with the host name and 16 SSH keys merged in\)/,
    );
    // counted in bytes, as Go's len() does: 700 three-byte characters are 2100 bytes
    expect(
      problemsOf({
        cloudInit: {
          userData: `#cloud-config\nbootcmd:\n  - echo ${'€'.repeat(700)}\n`,
        },
      })[0],
    ).toMatch(/renders to 21\d\d bytes/);
    // the rendered manifest is checked the same way
    const machine = machineOf(vm());
    expect(
      virtualMachineAdmissionProblems(
        withTemplate(machine, s => {
          s.volumes[2].cloudInitNoCloud.userData = 'x'.repeat(2049);
        }),
      ),
    ).toEqual([
      {
        path: 'spec.template.spec.volumes[2].cloudInitNoCloud',
        message: 'userdata exceeds 2048 byte limit',
      },
    ]);
  });

  it(`refuses user data and a user data Secret together (${VMI_ADMITTER} validateVolumes: "must have only one userdatasource set")`, () => {
    expect(
      problemsOf({
        cloudInit: { userData: '#cloud-config\n', userDataSecretRef: 'ud' },
      }),
    ).toEqual([
      'cloudInit.userDataSecretRef: set either userData or userDataSecretRef, not both',
    ]);
    const machine = machineOf(vm());
    expect(
      virtualMachineAdmissionProblems(
        withTemplate(machine, s => {
          s.volumes[2].cloudInitNoCloud.secretRef = { name: 'ud' };
        }),
      ),
    ).toEqual([
      {
        path: 'spec.template.spec.volumes[2].cloudInitNoCloud',
        message: 'must have only one userdatasource set',
      },
    ]);
  });

  it('refuses SSH keys with a user data Secret: the renderer (manifests/vm.ts cloudInitVolumeOf) could not merge them and would drop them', () => {
    expect(
      problemsOf({
        cloudInit: { userDataSecretRef: 'ud', sshPublicKeys: [ED25519] },
      }),
    ).toEqual([
      'cloudInit.sshPublicKeys: cannot be merged into user data kept in a Secret: put the keys in the Secret (ssh_authorized_keys), or use userData',
    ]);
    expect(problemsOf({ cloudInit: { userDataSecretRef: 'ud' } })).toEqual([]);
  });

  it('refuses user data that is not valid YAML, naming the line but not echoing it', () => {
    const problems = cloudInitUserDataProblems(
      '#cloud-config\npackages:\n  - nginx\npassword: [hunter2\n',
    );
    expect(problems).toHaveLength(1);
    expect(problems[0].message).toMatch(
      /^is not valid YAML at line \d+, column \d+: /,
    );
    expect(problems[0].message).not.toContain('hunter2');
    expect(
      cloudInitUserDataProblems('#cloud-config\nusers: []\nusers: []\n')[0]
        .message,
    ).toMatch(
      /^is not valid YAML at line 3, column 1: Map keys must be unique/,
    );
  });

  it('refuses other user-data formats and anything but a mapping (the renderer merges host name and keys into a mapping)', () => {
    expect(cloudInitUserDataProblems('#!/bin/bash\necho hi\n')).toEqual([
      {
        path: 'cloudInit.userData',
        message:
          "starts with '#!/bin/bash': only #cloud-config is supported inline (the portal merges the host name and SSH keys into it); put scripts and multi-part user data in a Secret and use userDataSecretRef",
      },
    ]);
    expect(
      cloudInitUserDataProblems(
        'Content-Type: multipart/mixed; boundary="x"\n',
      )[0].message,
    ).toMatch(/^starts with 'Content-Type: multipart\/mixed;'/);
    expect(cloudInitUserDataProblems('#cloud-config\n- a\n- list\n')).toEqual([
      {
        path: 'cloudInit.userData',
        message:
          'must be a cloud-config mapping (key: value lines under #cloud-config): the portal merges the host name and SSH keys into it',
      },
    ]);
    expect(cloudInitUserDataProblems('#cloud-config\n')).toEqual([]);
    expect(
      cloudInitUserDataProblems(
        '#cloud-config\npackages: [nginx]\nruncmd:\n  - systemctl enable --now nginx\nchpasswd: { expire: false }\nssh_pwauth: false\n',
      ),
    ).toEqual([]);
  });

  it.each<[string, string, string[]]>([
    [
      'plain_text_passwd',
      '#cloud-config\nusers:\n  - name: a\n    plain_text_passwd: hunter2\n',
      ['a password', 'users[0].plain_text_passwd'],
    ],
    [
      'hashed_passwd',
      '#cloud-config\nusers:\n  - name: a\n    hashed_passwd: $6$rounds=4096$salt$hash\n',
      ['a password', 'users[0].hashed_passwd'],
    ],
    [
      'passwd in a flow sequence',
      '#cloud-config\nusers: [{name: a, passwd: hunter2}]\n',
      ['a password', 'users[0].passwd'],
    ],
    [
      'password in a flow mapping',
      '#cloud-config\n{password: hunter2}\n',
      ['a password', 'password'],
    ],
    [
      'upper-case key',
      '#cloud-config\nPassword: hunter2\n',
      ['a password', 'Password'],
    ],
    [
      'chpasswd list',
      '#cloud-config\nchpasswd: {list: "root:hunter2"}\n',
      ['passwords', 'chpasswd.list'],
    ],
    [
      'chpasswd list block',
      '#cloud-config\nchpasswd:\n  list: |\n    root:hunter2\n  expire: false\n',
      ['passwords', 'chpasswd.list'],
    ],
    [
      'chpasswd users',
      '#cloud-config\nchpasswd:\n  users:\n    - {name: root, password: hunter2, type: text}\n',
      ['a password', 'chpasswd.users[0].password'],
    ],
    [
      'legacy chpasswd string',
      '#cloud-config\nchpasswd: "root:hunter2"\n',
      ['passwords', 'chpasswd'],
    ],
    [
      'password-setting command',
      '#cloud-config\nruncmd:\n  - echo "root:hunter2" | chpasswd\n',
      ['a password-setting command', 'runcmd[0]'],
    ],
    [
      'useradd -p',
      '#cloud-config\nruncmd:\n  - [sh, -c, "useradd -m -p hunter2 bob"]\n',
      ['a password-setting command', 'runcmd[0][2]'],
    ],
    [
      'password in a file written',
      '#cloud-config\nwrite_files:\n  - path: /etc/app.conf\n    content: |\n      user=app\n      password=hunter2\n',
      ['a password', 'write_files[0].content'],
    ],
    [
      'PEM private key',
      '#cloud-config\nwrite_files:\n  - content: |\n      -----BEGIN RSA PRIVATE KEY-----\n      hunter2\n',
      ['a private key', 'write_files[0].content'],
    ],
    [
      'host private key',
      '#cloud-config\nssh_keys:\n  ed25519_private: |\n    -----BEGIN OPENSSH PRIVATE KEY-----\n    hunter2\n',
      ['a private key', 'ssh_keys.ed25519_private'],
    ],
    [
      'private key in a comment',
      '#cloud-config\n# -----BEGIN EC PRIVATE KEY----- hunter2\npackages: [nginx]\n',
      ['a private key', 'a comment'],
    ],
    [
      'alias of a secret',
      '#cloud-config\nx: &p hunter2\nusers: [{name: a, passwd: *p}]\n',
      ['a password', 'users[0].passwd'],
    ],
  ])(
    'finds a secret given as %s, says where, never shows it (issue 14)',
    (_form, userData, [what, where]) => {
      const problems = checkRequest({
        ...vmInput,
        cloudInit: { userData },
      }).problems;
      const place = where === 'a comment' ? 'in a comment' : `at '${where}'`;
      expect(problems).toEqual([
        {
          path: 'cloudInit.userData',
          message: `holds ${what} ${place} ${SECRET_ADVICE}`,
        },
      ]);
      expect(problems[0].message).not.toContain('hunter2');
    },
  );

  it('reports every secret found', () => {
    expect(
      cloudInitUserDataProblems(
        '#cloud-config\npassword: a\nusers: [{name: b, plain_text_passwd: c}]\n',
      ).map(p => p.message),
    ).toEqual([
      `holds a password at 'password' ${SECRET_ADVICE}`,
      `holds a password at 'users[0].plain_text_passwd' ${SECRET_ADVICE}`,
    ]);
    // an empty password field holds nothing
    expect(
      cloudInitUserDataProblems(
        '#cloud-config\npassword:\nusers: [{name: b, lock_passwd: true}]\n',
      ),
    ).toEqual([]);
  });
});

describe('vmAdmission: exposure', () => {
  const ports = (list: unknown[]) => ({
    exposure: { type: 'NodePort', ports: list },
  });

  it('refuses a port name, port or node port used twice (Kubernetes pkg/apis/core/validation validateServicePort, ValidateService)', () => {
    expect(
      problemsOf(
        ports([
          { name: 'ssh', port: 22 },
          { name: 'ssh', port: 2222 },
        ]),
      ),
    ).toEqual(["exposure.ports[1].name: 'ssh' is used twice"]);
    expect(
      problemsOf(
        ports([
          { name: 'ssh', port: 22 },
          { name: 'alt', port: 22 },
        ]),
      ),
    ).toEqual(['exposure.ports[1].port: 22 is used twice']);
    expect(
      problemsOf(
        ports([
          { name: 'ssh', port: 22, nodePort: 30022 },
          { name: 'web', port: 80, nodePort: 30022 },
        ]),
      ),
    ).toEqual(['exposure.ports[1].nodePort: 30022 is used twice']);
  });

  it('refuses a node port on a ClusterIP Service (ValidateService: may not be used when type is ClusterIP)', () => {
    expect(
      problemsOf({
        exposure: {
          type: 'ClusterIP',
          ports: [{ name: 'ssh', port: 22, nodePort: 30022 }],
        },
      }),
    ).toEqual(['exposure.ports: nodePort is only allowed with type NodePort']);
  });
});

describe('vmAdmission: list and string limits', () => {
  it('bounds every list of a VM request', () => {
    const keys = Array.from({ length: 17 }, (_, i) => `${ED25519} u${i}`);
    expect(problemsOf({ cloudInit: { sshPublicKeys: keys } })).toEqual([
      'cloudInit.sshPublicKeys: must list at most 16 keys',
    ]);
    const many = Array.from({ length: 17 }, (_, i) => ({
      name: `p${i}`,
      port: 1000 + i,
    }));
    expect(
      problemsOf({ exposure: { type: 'ClusterIP', ports: many } }),
    ).toEqual(['exposure.ports: must list at most 16 ports']);
    const disks = Array.from({ length: 9 }, (_, i) => ({
      name: `d${i}`,
      size: '1Gi',
    }));
    expect(problemsOf({ dataDisks: disks })).toEqual([
      'dataDisks: must list at most 8 data disks',
    ]);
  });

  it('bounds every string of a VM request', () => {
    expect(
      problemsOf({
        rootDisk: {
          size: '1Gi',
          source: {
            type: 'http',
            url: `https://img.example/${'a'.repeat(2048)}`,
          },
        },
      }),
    ).toEqual([
      'rootDisk.source.url: String must contain at most 2048 character(s)',
    ]);
    expect(
      problemsOf({
        cloudInit: { sshPublicKeys: [`${ED25519} ${'c'.repeat(4096)}`] },
      }),
    ).toEqual([
      'cloudInit.sshPublicKeys[0]: String must contain at most 4096 character(s)',
    ]);
    expect(
      problemsOf({
        network: { type: 'multus', name: `ns/${'n'.repeat(320)}` },
      }),
    ).toEqual(['network.name: String must contain at most 317 character(s)']);
    expect(
      problemsOf({
        dataDisks: [
          { name: 'data', size: '1Gi', storageClass: 's'.repeat(254) },
        ],
      }),
    ).toEqual([
      'dataDisks[0].storageClass: storage class name must be at most 253 characters (has 254)',
    ]);
  });
});

describe('vmAdmission: rendered VirtualMachines', () => {
  const name = fc.stringMatching(/^[a-z]([-a-z0-9]{0,20}[a-z0-9])?$/);
  const request = fc.record({
    name,
    cpu: fc.integer({ min: 1, max: 64 }),
    memoryMi: fc.integer({ min: 1, max: 1 << 20 }),
    runStrategy: fc.constantFrom(
      'Always',
      'RerunOnFailure',
      'Manual',
      'Halted',
    ),
    disks: fc.uniqueArray(
      name.filter(n => n !== 'rootdisk' && n !== 'cloudinitdisk'),
      { maxLength: 8 },
    ),
    multus: fc.option(name, { nil: undefined }),
    userData: fc.constantFrom(
      undefined,
      '#cloud-config\npackages: [nginx]\n',
      '',
    ),
    secret: fc.boolean(),
    keys: fc.integer({ min: 0, max: 3 }),
  });

  it(`are admitted by the mirrored rules of ${VMS_ADMITTER} and ${VMI_ADMITTER} whenever the request is accepted (property)`, () => {
    fc.assert(
      fc.property(request, r => {
        const input = {
          ...vmInput,
          name: r.name,
          cpu: r.cpu,
          memory: `${r.memoryMi}Mi`,
          runStrategy: r.runStrategy,
          dataDisks: r.disks.map(d => ({ name: d, size: '1Gi' })),
          network: r.multus
            ? { type: 'multus', name: r.multus }
            : { type: 'pod' },
          cloudInit: r.secret
            ? { userDataSecretRef: 'user-data' }
            : {
                userData: r.userData,
                sshPublicKeys: Array.from(
                  { length: r.keys },
                  (_, i) => `${ED25519} k${i}`,
                ),
              },
        };
        const checked = checkRequest(input);
        expect(checked.problems).toEqual([]);
        expect(
          virtualMachineAdmissionProblems(
            machineOf(checked.request as VmRequest),
          ),
        ).toEqual([]);
      }),
      { numRuns: 150 },
    );
  });
});
