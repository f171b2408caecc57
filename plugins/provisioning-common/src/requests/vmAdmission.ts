/**
 * What KubeVirt refuses, the form refuses. The admission rules of KubeVirt (virt-api's validating webhooks), CDI
 * and the Kubernetes API server that apply to what the portal renders for a VM request, carried over so that a VM
 * those webhooks would refuse never reaches a pull request. Each rule names the upstream code it mirrors.
 *
 * - `vmAdmissionProblems` checks a parsed VM request and reports request field paths (`dataDisks[1].name`); the VM
 *   request schema runs it.
 * - `cloudInitUserDataProblems` parses cloud-config user data and reports secrets in any form (issue 14).
 * - `virtualMachineAdmissionProblems` checks a rendered (or read back) VirtualMachine object the way the webhooks
 *   do, and reports manifest field paths.
 *
 * Pure functions, no I/O.
 */
import YAML from 'yaml';
import type { KubeObject } from '../manifests/types';
import { cloudConfig, diskVolumeName } from '../manifests/vm';
import { dns1123LabelProblem, dns1123SubdomainProblem } from '../names';
import {
  parseQuantity,
  quantityKindProblem,
  quantityProblem,
} from '../quantity';
import type { FieldProblem } from '../validation';
import type { VmRequest } from './schemas';

/**
 * Largest inline cloud-init user data KubeVirt accepts, in bytes: `cloudInitUserMaxLen` in kubevirt/kubevirt
 * `pkg/virt-api/webhooks/validating-webhook/admitters/vmi-create-admitter.go` (checked by `validateVolumes`).
 */
export const CLOUD_INIT_USER_DATA_MAX_BYTES = 2048;

/**
 * Smallest memory request KubeVirt accepts: `validateMemoryRequestsNegativeOrNull` in vmi-create-admitter.go
 * refuses a `resources.requests.memory` below `1M` (10^6 bytes).
 */
export const VM_MEMORY_MINIMUM = '1M';

/** Run strategies KubeVirt accepts: `validRunStrategies` in vms-admitter.go (`validateRunStrategy`). */
export const KUBEVIRT_RUN_STRATEGIES: readonly string[] = [
  'Halted',
  'Manual',
  'Always',
  'RerunOnFailure',
  'Once',
];

/** Longest SSH public key line a VM request may give (an 8192-bit RSA key is about 1400 characters). */
export const MAX_SSH_KEY_LENGTH = 4096;

/** Longest inline user data a VM request may give for parsing; what KubeVirt limits is the rendered user data. */
export const MAX_USER_DATA_LENGTH = 32 * 1024;

/** Disk (and volume) names the renderer uses itself: the root disk and the cloud-init disk. */
export const RESERVED_DISK_NAMES: readonly string[] = [
  'rootdisk',
  'cloudinitdisk',
];

/** Disk buses KubeVirt accepts for a disk (`validateBusSupport` in vmi-create-admitter.go; `ide` is refused). */
const KUBEVIRT_DISK_BUSES = ['virtio', 'sata', 'scsi', 'usb'];

const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

const utf8Length = (text: string) => new TextEncoder().encode(text).length;

const plural = (count: number, one: string, many = `${one}s`) =>
  `${count} ${count === 1 ? one : many}`;

// The request schema checks syntax (quantities, DNS labels) itself; these rules skip a value it already refuses, so
// no problem is reported twice.
const isQuantity = (value: string) => quantityProblem(value) === undefined;
const isLabel = (value: string) => dns1123LabelProblem(value) === undefined;

// ---------------------------------------------------------------------------------------------------------------
// Memory

function memoryProblems(vm: VmRequest): FieldProblem[] {
  if (!isQuantity(vm.memory)) return [];
  // Whole bytes: quantity.go Value() rounds a fractional byte count up, so the VM would get another value.
  const kind = quantityKindProblem(vm.memory, 'bytes');
  if (kind) return [{ path: 'memory', message: `'${vm.memory}' ${kind}` }];
  // vmi-create-admitter.go validateMemoryRequestsNegativeOrNull: requests.memory below 1M is refused. The portal
  // renders the memory as both memory.guest and resources.requests.memory; 0 would give a VM that cannot boot.
  if (parseQuantity(vm.memory) < parseQuantity(VM_MEMORY_MINIMUM)) {
    return [
      {
        path: 'memory',
        message: `'${vm.memory}' is less than ${VM_MEMORY_MINIMUM} (1000000 bytes), the least memory KubeVirt accepts`,
      },
    ];
  }
  return [];
}

// ---------------------------------------------------------------------------------------------------------------
// Disks, volumes and DataVolumes

function diskProblems(vm: VmRequest): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const disks = [
    { path: 'rootDisk', name: 'rootdisk', size: vm.rootDisk.size },
    ...vm.dataDisks.map((disk, i) => ({
      path: `dataDisks[${i}]`,
      name: disk.name,
      size: disk.size,
    })),
  ];
  const seen = new Set<string>();
  disks.forEach((disk, i) => {
    // vmi-create-admitter.go validateDiskName / validateVolumes: disk and volume names must be unique; the
    // renderer names the root disk and the cloud-init disk itself.
    if (
      i > 0 &&
      (RESERVED_DISK_NAMES.includes(disk.name) || seen.has(disk.name))
    ) {
      problems.push({
        path: `${disk.path}.name`,
        message: `'${disk.name}' is used twice or reserved`,
      });
    }
    seen.add(disk.name);
    // vmi-create-admitter.go validateDiskNameAsContainerName wants each disk name to be a DNS-1123 label: the
    // schema's dnsLabel checks that. CDI datavolume-validate.go validateDataVolumeName: the DataVolume
    // `<vm>-<disk>` (also its PVC's name) must be a DNS-1123 subdomain of at most 253 characters.
    if (isLabel(vm.name) && isLabel(disk.name)) {
      const dataVolume = diskVolumeName(vm.name, disk.name);
      const subdomain = dns1123SubdomainProblem(dataVolume);
      if (subdomain)
        problems.push({
          path: `${disk.path}.name`,
          message: `gives the DataVolume name '${dataVolume}', which ${subdomain}`,
        });
    }
    // Whole bytes (quantity.go Value() rounds up) and CDI datavolume-validate.go validateStorageSize: a size of 0
    // is refused ("size can't be equal or less than zero").
    if (isQuantity(disk.size)) {
      const kind = quantityKindProblem(disk.size, 'bytes');
      if (kind)
        problems.push({
          path: `${disk.path}.size`,
          message: `'${disk.size}' ${kind}`,
        });
      else if (parseQuantity(disk.size) === 0n)
        problems.push({
          path: `${disk.path}.size`,
          message: 'must be more than 0: CDI refuses an empty disk',
        });
    }
  });
  return problems;
}

// ---------------------------------------------------------------------------------------------------------------
// Networks

/**
 * Checks a Multus network name `[namespace/]name`: KubeVirt splits it at the first `/`
 * (`NetAttachDefNamespacedName` in `pkg/network/multus/nad.go`) and looks the NetworkAttachmentDefinition up by
 * that namespace (a DNS-1123 label) and name (a DNS-1123 subdomain); `validateMultusNetworkSource` in
 * `pkg/network/admitter/netsource.go` refuses an empty one.
 */
export function multusNetworkNameProblem(value: string): string | undefined {
  if (value.length === 0) return 'must name a NetworkAttachmentDefinition';
  const slash = value.indexOf('/');
  const namespace = slash >= 0 ? value.slice(0, slash) : undefined;
  const name = slash >= 0 ? value.slice(slash + 1) : value;
  if (namespace !== undefined) {
    const problem = dns1123LabelProblem(namespace);
    if (problem)
      return `must be [namespace/]name: the namespace '${namespace}' ${problem}`;
  }
  const problem = dns1123SubdomainProblem(name);
  if (problem) return `must be [namespace/]name: the name '${name}' ${problem}`;
  return undefined;
}

/** Longest Multus network name: a namespace (63), `/` and a NetworkAttachmentDefinition name (253). */
export const MULTUS_NETWORK_NAME_MAX = 63 + 1 + 253;

function networkProblems(vm: VmRequest): FieldProblem[] {
  if (
    vm.network.type !== 'multus' ||
    vm.network.name.length === 0 ||
    vm.network.name.length > MULTUS_NETWORK_NAME_MAX
  )
    return [];
  const problem = multusNetworkNameProblem(vm.network.name);
  return problem ? [{ path: 'network.name', message: problem }] : [];
}

// ---------------------------------------------------------------------------------------------------------------
// Cloud-init user data and its secrets (issue 14)

const SECRET_KEYS = new Set([
  'password',
  'passwd',
  'plain_text_passwd',
  'hashed_passwd',
]);
const PRIVATE_KEY = /-----BEGIN [A-Z0-9 ]*PRIVATE KEY( BLOCK)?-----/;
const SECRET_LINE =
  /(^|\n)\s*["']?(password|passwd|plain_text_passwd|hashed_passwd)["']?\s*[:=]\s*\S/i;
const PASSWORD_COMMAND =
  /\bchpasswd\b|\b(useradd|usermod)\b[^\n]*\s(-p|--password)\b|\bpasswd\b[^\n]*--stdin\b/;
const OTHER_USER_DATA_FORMAT =
  /^(#!|#include|#cloud-boothook|#part-handler|#upstart-job|#cloud-config-archive|#cloud-config-jsonp|content-type:)/i;

const isBlank = (value: unknown) =>
  value === null ||
  value === undefined ||
  value === '' ||
  (Array.isArray(value) && value.length === 0);

interface SecretFinding {
  what: string;
  where: string;
}

function findSecrets(value: unknown, at: string, found: SecretFinding[]): void {
  const where = at || '(document)';
  if (typeof value === 'string') {
    if (PRIVATE_KEY.test(value)) found.push({ what: 'a private key', where });
    else if (SECRET_LINE.test(value)) found.push({ what: 'a password', where });
    else if (PASSWORD_COMMAND.test(value))
      found.push({ what: 'a password-setting command', where });
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((item, i) => findSecrets(item, `${at}[${i}]`, found));
    return;
  }
  if (value === null || typeof value !== 'object') return;
  for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
    const path = at ? `${at}.${key}` : key;
    const name = key.toLowerCase();
    if (SECRET_KEYS.has(name)) {
      if (!isBlank(item)) found.push({ what: 'a password', where: path });
      continue;
    }
    if (name === 'chpasswd') {
      // Legacy `chpasswd: "user:password"` or a list of them; the mapping form keeps passwords in `list` or in
      // `users[].password` (found by the walk); `chpasswd: {expire: false}` alone holds none.
      if (typeof item === 'string' || Array.isArray(item)) {
        if (!isBlank(item)) found.push({ what: 'passwords', where: path });
        continue;
      }
      const list = (item as Record<string, unknown> | null)?.list;
      if (!isBlank(list))
        found.push({ what: 'passwords', where: `${path}.list` });
      findSecrets(
        Object.fromEntries(
          Object.entries((item as Record<string, unknown> | null) ?? {}).filter(
            ([k]) => k !== 'list',
          ),
        ),
        path,
        found,
      );
      continue;
    }
    findSecrets(item, path, found);
  }
}

function yamlErrorMessage(error: YAML.YAMLError): string {
  const position = error.linePos?.[0];
  // The library's message ends with a copy of the offending line; that could hold a secret, so it is cut off.
  const reason = error.message
    .split(/ at line \d+, column \d+/)[0]
    .replace(/[\s:]+$/, '');
  return position
    ? `is not valid YAML at line ${position.line}, column ${position.col}: ${reason}`
    : `is not valid YAML: ${reason}`;
}

/**
 * Checks cloud-config user data as the renderer uses it: a YAML mapping (`#cloud-config`) into which the host
 * name and SSH keys are merged. Refuses YAML that does not parse (naming the line), other user-data formats
 * (scripts, includes, MIME multi-part: those belong in a Secret), and secrets in any form, each reported with where
 * it was found (`users[0].plain_text_passwd`) but never its value: the keys `password`, `passwd`,
 * `plain_text_passwd`, `hashed_passwd` anywhere, `chpasswd` lists, password-setting commands, and PEM private keys
 * in any string or comment.
 */
export function cloudInitUserDataProblems(
  userData: string,
  path = 'cloudInit.userData',
): FieldProblem[] {
  const text = userData.replace(/^\uFEFF/, '');
  const firstLine = text.trimStart().split('\n', 1)[0].trim();
  if (OTHER_USER_DATA_FORMAT.test(firstLine)) {
    return [
      {
        path,
        message: `starts with '${firstLine.slice(
          0,
          30,
        )}': only #cloud-config is supported inline (the portal merges the host name and SSH keys into it); put scripts and multi-part user data in a Secret and use userDataSecretRef`,
      },
    ];
  }
  const document = YAML.parseDocument(text, { uniqueKeys: true });
  if (document.errors.length > 0)
    return [{ path, message: yamlErrorMessage(document.errors[0]) }];
  let config: unknown;
  try {
    config = document.toJS({ maxAliasCount: 100 });
  } catch (error) {
    return [
      { path, message: `is not usable YAML: ${(error as Error).message}` },
    ];
  }
  const problems: FieldProblem[] = [];
  if (
    config !== null &&
    config !== undefined &&
    (typeof config !== 'object' || Array.isArray(config))
  ) {
    problems.push({
      path,
      message:
        'must be a cloud-config mapping (key: value lines under #cloud-config): the portal merges the host name and SSH keys into it',
    });
  }
  const found: SecretFinding[] = [];
  findSecrets(config, '', found);
  if (PRIVATE_KEY.test(text) && !found.some(f => f.what === 'a private key'))
    found.push({ what: 'a private key', where: 'a comment' });
  for (const { what, where } of found) {
    problems.push({
      path,
      message: `holds ${what} ${
        where === 'a comment' ? 'in a comment' : `at '${where}'`
      } (value not shown): put secrets in a Secret and use userDataSecretRef`,
    });
  }
  return problems;
}

function cloudInitProblems(vm: VmRequest): FieldProblem[] {
  const { userData, userDataSecretRef, sshPublicKeys } = vm.cloudInit;
  // vmi-create-admitter.go validateVolumes: a cloudInitNoCloud volume "must have only one userdatasource set".
  if (userData !== undefined && userDataSecretRef !== undefined) {
    return [
      {
        path: 'cloudInit.userDataSecretRef',
        message: 'set either userData or userDataSecretRef, not both',
      },
    ];
  }
  // The renderer only uses the Secret then (manifests/vm.ts cloudInitVolumeOf): the keys would silently vanish.
  if (userDataSecretRef !== undefined && sshPublicKeys.length > 0) {
    return [
      {
        path: 'cloudInit.sshPublicKeys',
        message:
          'cannot be merged into user data kept in a Secret: put the keys in the Secret (ssh_authorized_keys), or use userData',
      },
    ];
  }
  if (userData !== undefined) {
    const problems = cloudInitUserDataProblems(userData);
    if (problems.length > 0) return problems;
  }
  if (userDataSecretRef !== undefined) return [];
  // Values the schema refuses for their length are not rendered to be measured again.
  if (
    (userData?.length ?? 0) > MAX_USER_DATA_LENGTH ||
    sshPublicKeys.some(key => key.length > MAX_SSH_KEY_LENGTH)
  )
    return [];
  // vmi-create-admitter.go validateVolumes: userdata over cloudInitUserMaxLen (2048 bytes) is refused. What counts
  // is the rendered user data, with the host name and the SSH keys merged in.
  const rendered = cloudConfig(vm);
  if (rendered === undefined) return [];
  const bytes = utf8Length(rendered);
  if (bytes <= CLOUD_INIT_USER_DATA_MAX_BYTES) return [];
  return [
    {
      path:
        userData !== undefined
          ? 'cloudInit.userData'
          : 'cloudInit.sshPublicKeys',
      message:
        `renders to ${bytes} bytes of user data (with the host name and ${plural(
          sshPublicKeys.length,
          'SSH key',
        )} merged in); ` +
        `KubeVirt accepts at most ${CLOUD_INIT_USER_DATA_MAX_BYTES} inline: shorten it, or put it in a Secret and use userDataSecretRef`,
    },
  ];
}

// ---------------------------------------------------------------------------------------------------------------
// Exposure (the Service)

function exposureProblems(vm: VmRequest): FieldProblem[] {
  if (vm.exposure.type === 'none') return [];
  const problems: FieldProblem[] = [];
  // Kubernetes pkg/apis/core/validation/validation.go: ValidateServiceName is NameIsDNS1035Label (must start with a
  // letter); the Service takes the VM's name.
  if (isLabel(vm.name) && !DNS1035_LABEL.test(vm.name)) {
    problems.push({
      path: 'name',
      message: `'${vm.name}' must start with a letter to be exposed: its Service name must be a DNS-1035 label`,
    });
  }
  // ValidateService: "may not be used when `type` is 'ClusterIP'".
  if (
    vm.exposure.type === 'ClusterIP' &&
    vm.exposure.ports.some(p => p.nodePort !== undefined)
  ) {
    problems.push({
      path: 'exposure.ports',
      message: 'nodePort is only allowed with type NodePort',
    });
  }
  const names = new Set<string>();
  const ports = new Set<number>();
  const nodePorts = new Set<number>();
  vm.exposure.ports.forEach((port, i) => {
    // validateServicePort: port names are unique; ValidateService: (protocol, port) and (protocol, nodePort) pairs
    // are unique. Every rendered port is TCP.
    if (names.has(port.name))
      problems.push({
        path: `exposure.ports[${i}].name`,
        message: `'${port.name}' is used twice`,
      });
    if (ports.has(port.port))
      problems.push({
        path: `exposure.ports[${i}].port`,
        message: `${port.port} is used twice`,
      });
    if (port.nodePort !== undefined && nodePorts.has(port.nodePort)) {
      problems.push({
        path: `exposure.ports[${i}].nodePort`,
        message: `${port.nodePort} is used twice`,
      });
    }
    names.add(port.name);
    ports.add(port.port);
    if (port.nodePort !== undefined) nodePorts.add(port.nodePort);
  });
  return problems;
}

/**
 * Every admission rule that applies to what the portal renders for a VM request, checked on the parsed request.
 * Returns the problems with request field paths, in field order; empty when KubeVirt, CDI and the API server would
 * accept the rendered objects, as far as they can be judged without the cluster. The rendered VM sets its own
 * requests and limits, so KubeVirt does not copy the namespace's default limit range into it
 * (namespace-limits.go applyNamespaceLimitRangeValues fills only missing values).
 */
export function vmAdmissionProblems(vm: VmRequest): FieldProblem[] {
  const problems: FieldProblem[] = [];
  // vms-admitter.go validateRunStrategy: "Invalid RunStrategy". The schema's enum is a subset; kept as a guard.
  if (!KUBEVIRT_RUN_STRATEGIES.includes(vm.runStrategy)) {
    problems.push({
      path: 'runStrategy',
      message: `'${
        vm.runStrategy
      }' is not a run strategy KubeVirt knows (${KUBEVIRT_RUN_STRATEGIES.join(
        ', ',
      )})`,
    });
  }
  problems.push(
    ...memoryProblems(vm),
    ...diskProblems(vm),
    ...networkProblems(vm),
    ...cloudInitProblems(vm),
    ...exposureProblems(vm),
  );
  return problems;
}

// ---------------------------------------------------------------------------------------------------------------
// A rendered VirtualMachine, checked the way the webhooks check it

interface Named {
  name?: unknown;
  [field: string]: unknown;
}

const asArray = (value: unknown): Named[] =>
  Array.isArray(value) ? (value as Named[]) : [];
const asObject = (value: unknown): Record<string, unknown> =>
  value && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
const nameOf = (item: Named) =>
  typeof item.name === 'string' ? item.name : '';

function uniqueNames(
  items: Named[],
  path: string,
  problems: FieldProblem[],
): void {
  const first = new Map<string, number>();
  items.forEach((item, i) => {
    const name = nameOf(item);
    const other = first.get(name);
    if (other !== undefined)
      problems.push({
        path: `${path}[${i}].name`,
        message: `${path}[${i}] and ${path}[${other}] must not have the same name`,
      });
    else first.set(name, i);
  });
}

const VOLUME_SOURCES = [
  'persistentVolumeClaim',
  'sysprep',
  'cloudInitNoCloud',
  'cloudInitConfigDrive',
  'containerDisk',
  'ephemeral',
  'emptyDisk',
  'hostDisk',
  'dataVolume',
  'configMap',
  'secret',
  'downwardAPI',
  'serviceAccount',
  'downwardMetrics',
  'memoryDump',
];

function quantityOf(value: unknown): bigint | undefined {
  if (value === undefined || value === null) return undefined;
  try {
    return parseQuantity(String(value));
  } catch {
    return undefined;
  }
}

/**
 * Checks a VirtualMachine object the way KubeVirt's validating webhooks would (vms-admitter.go
 * `ValidateVirtualMachineSpec` and the VMI spec rules of vmi-create-admitter.go and `pkg/network/admitter`), for the
 * parts the portal renders: run strategy, disks, volumes and DataVolume templates, interfaces and networks, memory,
 * host name and inline cloud-init. Returns problems with manifest field paths (`spec.template.spec.volumes[2]`).
 */
export function virtualMachineAdmissionProblems(
  machine: KubeObject,
): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const spec = asObject(machine.spec);
  const template = asObject(spec.template);
  const vmi = asObject(template.spec);
  const domain = asObject(vmi.domain);
  const devices = asObject(domain.devices);
  const at = 'spec.template.spec';

  // vms-admitter.go validateRunStrategy
  if (spec.running !== undefined && spec.runStrategy !== undefined) {
    problems.push({
      path: 'spec.running',
      message: 'Running and RunStrategy are mutually exclusive',
    });
  }
  if (spec.running === undefined && spec.runStrategy === undefined) {
    problems.push({
      path: 'spec.running',
      message: 'One of Running or RunStrategy must be specified',
    });
  }
  if (
    spec.runStrategy !== undefined &&
    !KUBEVIRT_RUN_STRATEGIES.includes(String(spec.runStrategy))
  ) {
    problems.push({
      path: 'spec.runStrategy',
      message: `Invalid RunStrategy (${String(spec.runStrategy)})`,
    });
  }

  // vmi-create-admitter.go validateHostNameNotConformingToDNSLabelRules
  if (
    typeof vmi.hostname === 'string' &&
    vmi.hostname !== '' &&
    dns1123LabelProblem(vmi.hostname)
  ) {
    problems.push({
      path: `${at}.hostname`,
      message: `${at}.hostname does not conform to the kubernetes DNS_LABEL rules`,
    });
  }

  // Memory: validateMemoryRequestsNegativeOrNull, validateMemoryLimitsNegativeOrNull, validateGuestMemoryLimit,
  // ValidateVirtualMachineInstanceMandatoryFields.
  const resources = asObject(domain.resources);
  const requested = quantityOf(asObject(resources.requests).memory);
  const limit = quantityOf(asObject(resources.limits).memory);
  const guest = quantityOf(asObject(domain.memory).guest);
  if (
    requested !== undefined &&
    requested > 0n &&
    requested < parseQuantity(VM_MEMORY_MINIMUM)
  ) {
    problems.push({
      path: `${at}.domain.resources.requests.memory`,
      message: 'must be greater than or equal to 1M',
    });
  }
  if (
    limit !== undefined &&
    limit > 0n &&
    requested !== undefined &&
    requested > limit
  ) {
    problems.push({
      path: `${at}.domain.resources.requests.memory`,
      message: 'is greater than resources.limits.memory',
    });
  }
  if (
    limit !== undefined &&
    limit > 0n &&
    guest !== undefined &&
    guest > limit
  ) {
    problems.push({
      path: `${at}.domain.memory.guest`,
      message: 'must be equal to or less than the memory limit',
    });
  }
  if (
    !requested &&
    guest === undefined &&
    asObject(domain.memory).hugepages === undefined
  ) {
    problems.push({
      path: `${at}.domain`,
      message:
        'no memory requested: set memory.guest, memory.hugepages.size or resources.requests.memory',
    });
  }

  // Disks: validateDisks (validateDiskName, validateDiskNameAsContainerName, validateBusSupport).
  const disks = asArray(devices.disks);
  uniqueNames(disks, `${at}.domain.devices.disks`, problems);
  disks.forEach((disk, i) => {
    const label = dns1123LabelProblem(nameOf(disk));
    if (label)
      problems.push({
        path: `${at}.domain.devices.disks[${i}].name`,
        message: label,
      });
    const target = ['disk', 'lun', 'cdrom'].find(t => disk[t] !== undefined);
    const bus = target ? asObject(disk[target]).bus : undefined;
    if (
      bus !== undefined &&
      bus !== '' &&
      !KUBEVIRT_DISK_BUSES.includes(String(bus))
    ) {
      problems.push({
        path: `${at}.domain.devices.disks[${i}].${target}.bus`,
        message: `unrecognized bus ${String(
          bus,
        )}, must be one of: ${KUBEVIRT_DISK_BUSES.join(', ')}`,
      });
    }
  });

  // Volumes: validateVolumes (unique names, one source, cloud-init user data size and sources).
  const volumes = asArray(vmi.volumes);
  uniqueNames(volumes, `${at}.volumes`, problems);
  volumes.forEach((volume, i) => {
    const sources = VOLUME_SOURCES.filter(
      source => volume[source] !== undefined,
    );
    if (sources.length !== 1)
      problems.push({
        path: `${at}.volumes[${i}]`,
        message: 'must have exactly one source type set',
      });
    for (const source of ['cloudInitNoCloud', 'cloudInitConfigDrive']) {
      if (volume[source] === undefined) continue;
      const cloudInit = asObject(volume[source]);
      // JSON names: the Go field UserDataSecretRef is `secretRef`.
      const userDataSources = [
        'userData',
        'userDataBase64',
        'secretRef',
      ].filter(k => !isBlank(cloudInit[k]));
      const networkDataSources = [
        'networkData',
        'networkDataBase64',
        'networkDataSecretRef',
      ].filter(k => !isBlank(cloudInit[k]));
      if (userDataSources.length > 1)
        problems.push({
          path: `${at}.volumes[${i}].${source}`,
          message: 'must have only one userdatasource set',
        });
      if (userDataSources.length === 0 && networkDataSources.length === 0) {
        problems.push({
          path: `${at}.volumes[${i}].${source}`,
          message:
            'must have at least one userdatasource or one networkdatasource set',
        });
      }
      if (
        typeof cloudInit.userData === 'string' &&
        utf8Length(cloudInit.userData) > CLOUD_INIT_USER_DATA_MAX_BYTES
      ) {
        problems.push({
          path: `${at}.volumes[${i}].${source}`,
          message: `userdata exceeds ${CLOUD_INIT_USER_DATA_MAX_BYTES} byte limit`,
        });
      }
    }
  });

  // Every disk has a volume (validateBootOrder) and every volume a disk (validateVirtualMachineInstanceSpecVolumeDisks).
  const volumeNames = new Set(volumes.map(nameOf));
  const diskNames = new Set(disks.map(nameOf));
  disks.forEach((disk, i) => {
    if (!volumeNames.has(nameOf(disk)) && disk.cdrom === undefined) {
      problems.push({
        path: `${at}.domain.devices.disks[${i}].name`,
        message: `'${nameOf(disk)}' not found among the volumes`,
      });
    }
  });
  volumes.forEach((volume, i) => {
    if (volume.memoryDump === undefined && !diskNames.has(nameOf(volume))) {
      problems.push({
        path: `${at}.volumes[${i}].name`,
        message: `'${nameOf(volume)}' not found among the disks`,
      });
    }
  });

  // vms-admitter.go validateDataVolumeTemplate, and CDI validateDataVolumeName.
  asArray(spec.dataVolumeTemplates).forEach((dataVolume, i) => {
    const name = nameOf(asObject(dataVolume.metadata) as Named);
    if (name === '') {
      problems.push({
        path: `spec.dataVolumeTemplates[${i}].metadata.name`,
        message: "'name' field must not be empty",
      });
      return;
    }
    const subdomain = dns1123SubdomainProblem(name);
    if (subdomain)
      problems.push({
        path: `spec.dataVolumeTemplates[${i}].metadata.name`,
        message: subdomain,
      });
    const referenced = volumes.some(
      volume =>
        asObject(volume.dataVolume).name === name ||
        asObject(volume.persistentVolumeClaim).claimName === name,
    );
    if (!referenced)
      problems.push({
        path: `spec.dataVolumeTemplates[${i}]`,
        message: "must be referenced in the VMI template's 'volumes' list",
      });
  });

  // Networks: pkg/network/admitter (netsource.go, netiface.go, binding.go).
  const networks = asArray(vmi.networks);
  const interfaces = asArray(devices.interfaces);
  const pods = networks.filter(network => network.pod !== undefined);
  if (pods.length > 1)
    problems.push({
      path: `${at}.interfaces`,
      message: 'more than one interface is connected to a pod network',
    });
  networks.forEach((network, i) => {
    const kinds = ['pod', 'multus'].filter(k => network[k] !== undefined);
    if (kinds.length !== 1)
      problems.push({
        path: `${at}.networks[${i}]`,
        message:
          kinds.length === 0
            ? 'should have a network type'
            : 'should have only one network type',
      });
    if (
      network.multus !== undefined &&
      isBlank(asObject(network.multus).networkName)
    ) {
      problems.push({
        path: `${at}.networks[${i}]`,
        message: 'CNI delegating plugin must have a networkName',
      });
    }
  });
  const networkFirst = new Map<string, number>();
  networks.forEach((network, i) => {
    if (networkFirst.has(nameOf(network)))
      problems.push({
        path: `${at}.networks[${i}].name`,
        message: `Network with name "${nameOf(network)}" already exists`,
      });
    else networkFirst.set(nameOf(network), i);
  });
  const interfaceNames = new Set<string>();
  interfaces.forEach((iface, i) => {
    const name = nameOf(iface);
    if (interfaceNames.has(name))
      problems.push({
        path: `${at}.domain.devices.interfaces[${i}].name`,
        message: 'Only one interface can be connected to one specific network',
      });
    interfaceNames.add(name);
    if (!/^[A-Za-z0-9-_]+$/.test(name)) {
      problems.push({
        path: `${at}.domain.devices.interfaces[${i}].name`,
        message:
          'Network interface name can only contain alphabetical characters, numbers, dashes (-) or underscores (_)',
      });
    }
    const network = networks[networkFirst.get(name) ?? -1];
    if (!network)
      problems.push({
        path: `${at}.domain.devices.interfaces[${i}].name`,
        message: `'${name}' not found among the networks`,
      });
    else if (iface.masquerade !== undefined && network.pod === undefined) {
      problems.push({
        path: `${at}.domain.devices.interfaces[${i}].name`,
        message: 'Masquerade interface only implemented with pod network',
      });
    }
  });
  networks.forEach((network, i) => {
    if (!interfaceNames.has(nameOf(network)))
      problems.push({
        path: `${at}.networks[${i}].name`,
        message: `'${nameOf(network)}' not found among the interfaces`,
      });
  });
  return problems;
}
