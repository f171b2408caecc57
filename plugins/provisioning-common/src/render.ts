import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import { ClusterFacts, PlatformSettings, QuotaValues } from './config';
import { vmQuotaShortfalls, VmFootprint } from './capacity';
import { CostBreakdown, formatMoney, quotaCost } from './cost';
import {
  CLUSTER_PLATFORM_ENTRY,
  CODEOWNERS_PATH,
  clusterKustomizationPath,
  clusterNamespaceEntry,
  namespaceDir,
  namespaceKustomizationPath,
  NAMESPACE_FILES,
  namespacePlatformPath,
  namespacesIn,
  platformKustomizationPath,
  platformNamespaceEntry,
  TEAM_FILES,
  teamComponentEntry,
  teamDir,
  vmFileName,
  vmPath,
} from './gitops/layout';
import {
  formatKustomization,
  KustomizationFile,
  parseKustomization,
  updateClusterKustomization,
  updateList,
  updatePlatformKustomization,
} from './gitops/kustomization';
import { readCodeowners, updateCodeowners } from './gitops/codeowners';
import { RepositoryFileError } from './gitops/errors';
import { NamespaceState, readNamespace, VmState } from './gitops/state';
import { spendChange, spendDir, spendEntryPath } from './gitops/spend';
import { ANNOTATIONS, LABELS, MANAGED_BY } from './labels';
import {
  accessRoleBindings,
  baselineNetworkPolicies,
  limitRangeObject,
  LIMIT_RANGE_NAME,
  namespaceNetworkPolicies,
  REQUEST_RECORD,
  requestRecordGenerator,
  resourceQuotaObject,
} from './manifests/namespace';
import { toYamlDocuments } from './manifests/serialize';
import { namespacePlatformObjects } from './manifests/tenancy';
import { FileChange, KubeObject, RepoSnapshot } from './manifests/types';
import { vmObjects } from './manifests/vm';
import { liveObjectId, requestId, toLabelValue } from './names';
import {
  limitRangeProblems,
  quotaProblems,
  resolveQuota,
} from './requests/rules';
import {
  DecommissionRequest,
  NamespaceRequest,
  ProvisioningRequest,
  QuotaChangeRequest,
  QuotaChoice,
  VmRequest,
} from './requests/schemas';
import { describeQuantity, parseQuantity } from './quantity';
import { describeQuotaValue, QuotaFieldName, quotaField } from './quotaFields';
import { FieldProblem, formatProblems, ownValue } from './validation';

/** Access an AD group gets in every namespace of a team (from the team's catalog entry). */
export type TeamAccess = Array<{
  group: string;
  role: 'admin' | 'edit' | 'view';
}>;

/** What the renderer needs beside the request: settings, the repository as it is, and team facts. */
export interface RenderContext {
  settings: PlatformSettings;
  repo: RepoSnapshot;
  /** Team-wide access by team name, written into the team's defaults component when it is first created. */
  teamAccess?: Record<string, TeamAccess>;
  /**
   * GitHub logins that own the team's folders in CODEOWNERS: the team's project leads and the platform team's,
   * from the catalog (never from the request). Empty leaves a new namespace folder without owners, which
   * `validateRepository` refuses.
   */
  codeowners?: string[];
}

/** A line of the request summary (shown in the form and the pull request). */
export interface SummaryRow {
  label: string;
  value: string;
}

/** What a request renders to. */
export interface RenderResult {
  requestId: string;
  /** The kind of change, which names the branch: `create`, `change-quota` or `decommission`. */
  action: 'create' | 'change-quota' | 'decommission';
  /** One-line title for the pull request. */
  title: string;
  cluster: string;
  namespace: string;
  /** Owning team name. */
  team: string;
  changes: FileChange[];
  summary: SummaryRow[];
  /** The namespace's quota after the change (none after a namespace decommission). */
  quota?: QuotaValues;
  /** Monthly cost of the namespace before and after the change. */
  cost: { before: CostBreakdown; after: CostBreakdown; currency: string };
}

const EMPTY_COST: CostBreakdown = {
  cpu: 0n,
  memory: 0n,
  storage: 0n,
  vms: 0n,
  total: 0n,
};

const header = (id: string, what: string) =>
  ` ${what}. Rendered by the provisioning portal for request ${id}; change it through the portal.`;

function fail(problems: FieldProblem[]): never {
  throw new InputError(`Invalid request: ${formatProblems(problems)}`);
}

function failOnProblems(problems: FieldProblem[]) {
  if (problems.length > 0) fail(problems);
}

/** The cluster's facts; an unknown cluster adds its problem to `problems` and gives `undefined`. */
function clusterFacts(
  settings: PlatformSettings,
  cluster: string,
  problems: FieldProblem[],
): ClusterFacts | undefined {
  const facts = settings.clusters.find(c => c.name === cluster);
  if (!facts) {
    const known =
      settings.clusters.map(c => c.name).join(', ') || 'none configured';
    problems.push({
      path: 'cluster',
      message: `unknown cluster '${cluster}' (known: ${known})`,
    });
  }
  return facts;
}

/** The quota a request chooses, with every rule it breaks: an unknown tier, or values that contradict each other. */
function chosenQuota(
  choice: QuotaChoice,
  settings: PlatformSettings,
  problems: FieldProblem[],
): QuotaValues | undefined {
  const { quota, problems: tierProblems } = resolveQuota(choice, settings);
  problems.push(...tierProblems);
  if (quota) problems.push(...quotaProblems(quota));
  return quota;
}

/**
 * Runs `write` on a repository file the request changes; a file that cannot be parsed (its error message starts
 * with the path) becomes a `RepositoryFileError` naming it.
 */
function writingFile<T>(path: string, write: () => T): T {
  try {
    return write();
  } catch (error) {
    const message = (error as Error).message;
    if (RepositoryFileError.is(error) || !message?.startsWith(`${path}: `))
      throw error;
    throw new RepositoryFileError(path, {
      rule: message.slice(path.length + 2),
    });
  }
}

/** The cluster kustomization with namespace folders added or removed. */
function clusterKustomizationChange(
  repo: RepoSnapshot,
  cluster: string,
  change: { add?: string[]; remove?: string[] },
): FileChange {
  const path = clusterKustomizationPath(cluster);
  return {
    path,
    content: writingFile(path, () =>
      updateClusterKustomization(repo.get(path), path, cluster, change),
    ),
  };
}

/** The platform kustomization with namespace files added or removed. */
function platformKustomizationChange(
  repo: RepoSnapshot,
  cluster: string,
  change: { add?: string[]; remove?: string[] },
): FileChange {
  const path = platformKustomizationPath(cluster);
  return {
    path,
    content: writingFile(path, () =>
      updatePlatformKustomization(repo.get(path), path, cluster, change),
    ),
  };
}

const nameOf = (ref: string) => ref.slice(ref.indexOf('/') + 1);

function existingNamespace(
  repo: RepoSnapshot,
  cluster: string,
  namespace: string,
): NamespaceState {
  const state = readNamespace(repo, cluster, namespace);
  if (!state) {
    throw new NotFoundError(
      `namespace: '${namespace}' does not exist on cluster '${cluster}' in the GitOps repository (request the namespace first)`,
    );
  }
  return state;
}

function vmFootprints(vms: VmState[]): VmFootprint[] {
  return vms.map(vm => ({
    name: vm.name,
    cpu: vm.cpu,
    memory: vm.memory,
    disks: vm.disks,
  }));
}

/** What does not fit when `vms` run inside `quota`, as problems of the field at `path`. */
function fitProblems(
  vms: VmState[],
  quota: QuotaValues,
  settings: PlatformSettings,
  path: string,
): FieldProblem[] {
  return vmQuotaShortfalls(vmFootprints(vms), quota, settings.vmOverhead).map(
    s => ({ path, message: s.message }),
  );
}

/** How the summary groups the quota fields into rows; per-class storage rows follow `requestsStorage`'s row. */
const QUOTA_SUMMARY_ROWS: Array<{ label: string; fields: QuotaFieldName[] }> = [
  { label: 'CPU requests / limits', fields: ['requestsCpu', 'limitsCpu'] },
  {
    label: 'Memory requests / limits',
    fields: ['requestsMemory', 'limitsMemory'],
  },
  { label: 'Storage', fields: ['requestsStorage'] },
  {
    label: 'PVCs / pods / services',
    fields: ['persistentVolumeClaims', 'pods', 'services'],
  },
  {
    label: 'Load balancers / node ports',
    fields: ['loadBalancers', 'nodePorts'],
  },
];

function quotaRows(quota: QuotaValues): SummaryRow[] {
  const rows: SummaryRow[] = [];
  for (const { label, fields } of QUOTA_SUMMARY_ROWS) {
    rows.push({
      label,
      value: fields
        .map(field => describeQuotaValue(quotaField(field).unit, quota[field]))
        .join(' / '),
    });
    if (!fields.includes('requestsStorage')) continue;
    for (const [storageClass, perClass] of Object.entries(
      quota.storageClasses,
    ).sort(([a], [b]) => a.localeCompare(b))) {
      if (perClass.requestsStorage !== undefined) {
        rows.push({
          label: `Storage (${storageClass})`,
          value: describeQuotaValue(
            quotaField('requestsStorage').unit,
            perClass.requestsStorage,
          ),
        });
      }
    }
  }
  return rows;
}

/** The team defaults component: baseline network policy, default limit range, team access. */
function teamComponentFiles(
  cluster: string,
  team: string,
  context: RenderContext,
  id: string,
): FileChange[] {
  const dir = teamDir(cluster, team);
  const labels = { [LABELS.teamDefault]: team };
  const access = ownValue(context.teamAccess, team) ?? [];
  const files: FileChange[] = [
    {
      path: `${dir}/${TEAM_FILES.networkPolicies}`,
      content: toYamlDocuments(
        baselineNetworkPolicies(
          context.settings.teamDefaults.dnsNamespace,
          labels,
        ),
        header(id, `Network policy baseline of team ${team}`),
      ),
    },
    {
      path: `${dir}/${TEAM_FILES.limitRange}`,
      content: toYamlDocuments(
        [limitRangeObject(context.settings.teamDefaults.limitRange, labels)],
        header(id, `Default limit range of team ${team}`),
      ),
    },
  ];
  const bindings = accessRoleBindings(access, labels, { namePrefix: 'team' });
  if (bindings.length > 0) {
    files.push({
      path: `${dir}/${TEAM_FILES.roleBindings}`,
      content: toYamlDocuments(bindings, header(id, `Access of team ${team}`)),
    });
  }
  // Team objects take request id and requester from the namespace that includes them: from its request record
  // (the Namespace object itself is the platform's, outside the folder).
  const replacements = (
    [
      ['requestId', LABELS.requestId],
      ['requester', LABELS.requester],
    ] as const
  ).map(([field, key]) => ({
    source: {
      kind: 'ConfigMap',
      name: REQUEST_RECORD.name,
      fieldPath: `data.${REQUEST_RECORD.keys[field]}`,
    },
    targets: [
      {
        select: { labelSelector: `${LABELS.teamDefault}=${team}` },
        fieldPaths: [`metadata.labels.[${key}]`],
        options: { create: true },
      },
    ],
  }));
  const component: KustomizationFile = {
    apiVersion: 'kustomize.config.k8s.io/v1alpha1',
    kind: 'Component',
    resources: files.map(f => f.path.slice(dir.length + 1)).sort(),
    replacements,
  };
  files.unshift({
    path: `${dir}/${TEAM_FILES.kustomization}`,
    content: formatKustomization(
      component,
      ` Defaults every namespace of team ${team} on cluster ${cluster} inherits. Maintained by the provisioning portal.`,
    ),
  });
  return files;
}

function renderNamespace(
  request: NamespaceRequest,
  context: RenderContext,
): RenderResult {
  const { settings, repo } = context;
  // Every rule the request breaks is collected and reported at once.
  const problems: FieldProblem[] = [];
  const facts = clusterFacts(settings, request.cluster, problems);
  const chosen = chosenQuota(request.quota, settings, problems);
  if (request.limitRange)
    problems.push(...limitRangeProblems(request.limitRange, chosen));
  if (
    facts &&
    request.networkPolicy.preset === 'ingress' &&
    !facts.ingressNamespace
  ) {
    problems.push({
      path: 'networkPolicy.preset',
      message: `'ingress' needs an ingress namespace, and cluster '${facts.name}' has none configured`,
    });
  }

  const team = nameOf(request.team);
  const id = requestId(request.cluster, 'namespace', request.name);
  const existing = readNamespace(repo, request.cluster, request.name);
  if (existing && existing.team !== team) {
    failOnProblems(problems);
    throw new ConflictError(
      `name: namespace '${request.name}' already exists on cluster '${request.cluster}' and belongs to team '${existing.team}'`,
    );
  }
  if (existing && chosen)
    problems.push(...fitProblems(existing.vms, chosen, settings, 'quota'));
  if (!facts || !chosen || problems.length > 0) fail(problems);
  const quota = chosen;

  const dir = namespaceDir(request.cluster, request.name);
  const objectLabels = {
    [LABELS.requestId]: id,
    [LABELS.requester]: toLabelValue(nameOf(request.requester)),
  };
  const annotations = {
    [ANNOTATIONS.ownerRef]: request.team,
    [ANNOTATIONS.requesterRef]: request.requester,
    [ANNOTATIONS.purpose]: request.purpose,
  };
  const files = new Map<string, string>();
  files.set(
    NAMESPACE_FILES.quota,
    toYamlDocuments(
      [resourceQuotaObject(request.name, quota, objectLabels)],
      header(id, `Quota of namespace ${request.name}`),
    ),
  );
  if (request.limitRange) {
    files.set(
      NAMESPACE_FILES.limitRangePatch,
      toYamlDocuments(
        [limitRangeObject(request.limitRange, objectLabels)],
        header(
          id,
          `Limit range of namespace ${request.name}, replacing the team default`,
        ),
      ),
    );
  }
  const policies = namespaceNetworkPolicies(
    request.name,
    {
      ingressNamespace:
        request.networkPolicy.preset === 'ingress'
          ? facts.ingressNamespace
          : undefined,
      allowEgressTo: request.networkPolicy.allowEgressTo,
    },
    objectLabels,
  );
  if (policies.length > 0)
    files.set(
      NAMESPACE_FILES.networkPolicies,
      toYamlDocuments(
        policies,
        header(id, `Network policy of namespace ${request.name}`),
      ),
    );
  const bindings = accessRoleBindings(request.access, objectLabels, {
    namePrefix: 'access',
    namespace: request.name,
  });
  if (bindings.length > 0)
    files.set(
      NAMESPACE_FILES.roleBindings,
      toYamlDocuments(
        bindings,
        header(id, `Access to namespace ${request.name}`),
      ),
    );

  // VM files stay: they belong to their own requests.
  const vmEntries = (existing?.vms ?? []).map(vm => vmFileName(vm.name));
  const namespaceLabels: Record<string, string> = {
    [LABELS.owner]: team,
    [LABELS.costCentre]: toLabelValue(request.costCentre),
    [LABELS.environment]: request.environment,
    [LABELS.managedBy]: MANAGED_BY,
    [LABELS.kubernetesId]: liveObjectId(request.cluster, request.name),
    ...(request.expires ? { [LABELS.expires]: request.expires } : {}),
  };
  const kustomization: KustomizationFile = {
    apiVersion: 'kustomize.config.k8s.io/v1beta1',
    kind: 'Kustomization',
    namespace: request.name,
    labels: [
      {
        pairs: Object.fromEntries(
          Object.entries(namespaceLabels).sort(([a], [b]) =>
            a.localeCompare(b),
          ),
        ),
      },
    ],
    resources: updateList(
      [],
      [
        ...[...files.keys()].filter(f => f !== NAMESPACE_FILES.limitRangePatch),
        ...vmEntries,
      ],
    ),
    components: [teamComponentEntry(team)],
    configMapGenerator: [
      requestRecordGenerator(
        objectLabels[LABELS.requestId],
        objectLabels[LABELS.requester],
      ),
    ],
    ...(request.limitRange
      ? {
          patches: [
            {
              path: NAMESPACE_FILES.limitRangePatch,
              target: { kind: 'LimitRange', name: LIMIT_RANGE_NAME },
            },
          ],
        }
      : {}),
  };
  files.set(
    NAMESPACE_FILES.kustomization,
    formatKustomization(
      kustomization,
      header(id, `Namespace ${request.name} of team ${team}`),
    ),
  );

  const changes: FileChange[] = [];
  for (const [file, content] of [...files].sort(([a], [b]) =>
    a.localeCompare(b),
  ))
    changes.push({ path: `${dir}/${file}`, content });
  // Files of an earlier rendering that this one no longer has (e.g. the access was removed).
  for (const file of Object.values(NAMESPACE_FILES)) {
    if (!files.has(file) && repo.has(`${dir}/${file}`))
      changes.push({ path: `${dir}/${file}`, content: null });
  }
  if (
    !repo.has(`${teamDir(request.cluster, team)}/${TEAM_FILES.kustomization}`)
  ) {
    changes.push(...teamComponentFiles(request.cluster, team, context, id));
  }
  // the Namespace and the account that applies the folder are the platform's: Flux applies them with its own account
  changes.push({
    path: namespacePlatformPath(request.cluster, request.name),
    content: toYamlDocuments(
      namespacePlatformObjects(
        request.cluster,
        request.name,
        { ...namespaceLabels, ...objectLabels },
        annotations,
      ),
      header(
        id,
        `Namespace ${request.name}, and the account Flux applies its folder with`,
      ),
    ),
  });
  changes.push(
    platformKustomizationChange(repo, request.cluster, {
      add: [platformNamespaceEntry(request.name)],
    }),
  );
  changes.push(
    clusterKustomizationChange(repo, request.cluster, {
      add: [clusterNamespaceEntry(request.name), CLUSTER_PLATFORM_ENTRY],
    }),
  );
  const owners = context.codeowners ?? [];
  changes.push({
    path: CODEOWNERS_PATH,
    content: updateCodeowners(
      updateCodeowners(repo.get(CODEOWNERS_PATH), dir, owners),
      spendDir(team),
      owners,
    ),
  });

  const vmCount = existing?.vms.length ?? 0;
  return {
    requestId: id,
    action: 'create',
    title: `Namespace ${request.name} on ${request.cluster} for ${team}`,
    cluster: request.cluster,
    namespace: request.name,
    team,
    changes: sortChanges(changes),
    quota,
    summary: [
      { label: 'Request', value: id },
      {
        label: 'Namespace',
        value: `${request.name} on ${request.cluster} (${request.environment})`,
      },
      { label: 'Team', value: request.team },
      { label: 'Requester', value: request.requester },
      { label: 'Cost centre', value: request.costCentre },
      {
        label: 'Quota',
        value:
          'tier' in request.quota ? `tier ${request.quota.tier}` : 'custom',
      },
      ...quotaRows(quota),
      {
        label: 'Network policy',
        value: [
          request.networkPolicy.preset,
          ...request.networkPolicy.allowEgressTo.map(n => `egress to ${n}`),
        ].join(', '),
      },
      {
        label: 'Access',
        value:
          request.access.map(a => `${a.group}: ${a.role}`).join(', ') ||
          'team defaults only',
      },
      { label: 'Expires', value: request.expires ?? 'never' },
      {
        label: 'Approvers',
        value:
          (context.codeowners ?? []).map(login => `@${login}`).join(', ') ||
          'none in the catalog',
      },
    ],
    cost: {
      before: existing
        ? quotaCost(existing.quota, vmCount, settings.prices)
        : EMPTY_COST,
      after: quotaCost(quota, vmCount, settings.prices),
      currency: settings.prices.currency,
    },
  };
}

/** The namespace kustomization with VM files added to or removed from its resources (sorted, no duplicates). */
function namespaceResourcesChange(
  repo: RepoSnapshot,
  cluster: string,
  namespace: string,
  team: string,
  change: { add?: string[]; remove?: string[] },
): FileChange {
  const path = namespaceKustomizationPath(cluster, namespace);
  const kustomization = parseKustomization(repo.get(path)!, path);
  return {
    path,
    content: formatKustomization(
      {
        ...kustomization,
        resources: updateList(
          kustomization.resources,
          change.add ?? [],
          change.remove ?? [],
        ),
      },
      header(
        requestId(cluster, 'namespace', namespace),
        `Namespace ${namespace} of team ${team}`,
      ),
    ),
  };
}

function renderVm(request: VmRequest, context: RenderContext): RenderResult {
  const { settings, repo } = context;
  const problems: FieldProblem[] = [];
  const facts = clusterFacts(settings, request.cluster, problems);
  const id = requestId(request.cluster, 'vm', request.namespace, request.name);
  const labels = {
    [LABELS.requestId]: id,
    [LABELS.requester]: toLabelValue(nameOf(request.requester)),
  };
  const annotations = {
    [ANNOTATIONS.requesterRef]: request.requester,
    [ANNOTATIONS.purpose]: request.purpose,
  };
  let objects: KubeObject[] = [];
  try {
    objects = vmObjects(request, labels, annotations);
  } catch (error) {
    problems.push({
      path: 'cloudInit.userData',
      message: (error as Error).message.replace(/^cloudInit\.userData /, ''),
    });
  }
  // an unknown cluster has no namespace to check the VM against
  if (!facts) fail(problems);
  const ns = existingNamespace(repo, request.cluster, request.namespace);
  const path = vmPath(request.cluster, request.namespace, request.name);
  const previous = ns.vms.find(vm => vm.name === request.name);
  if (
    previous &&
    previous.requestId !== undefined &&
    previous.requestId !== id
  ) {
    failOnProblems(problems);
    throw new ConflictError(
      `name: VM '${request.name}' already exists in namespace '${request.namespace}' (request ${previous.requestId})`,
    );
  }
  const footprint: VmState = {
    name: request.name,
    cpu: request.cpu,
    memory: request.memory,
    disks: [
      {
        name: 'rootdisk',
        size: request.rootDisk.size,
        storageClass: request.rootDisk.storageClass,
      },
      ...request.dataDisks.map(d => ({
        name: d.name,
        size: d.size,
        storageClass: d.storageClass,
      })),
    ],
  };
  const vms = [...ns.vms.filter(vm => vm.name !== request.name), footprint];
  problems.push(...fitProblems(vms, ns.quota, settings, 'memory'));
  failOnProblems(problems);

  const changes: FileChange[] = [
    {
      path,
      content: toYamlDocuments(
        objects,
        header(
          id,
          `Virtual machine ${request.name} in namespace ${request.namespace}`,
        ),
      ),
    },
    namespaceResourcesChange(
      repo,
      request.cluster,
      request.namespace,
      ns.team,
      { add: [vmFileName(request.name)] },
    ),
  ];
  const disks = footprint.disks
    .map(
      d => `${d.name} ${d.size}${d.storageClass ? ` (${d.storageClass})` : ''}`,
    )
    .join(', ');
  return {
    requestId: id,
    action: 'create',
    title: `VM ${request.name} in ${request.namespace} on ${request.cluster}`,
    cluster: request.cluster,
    namespace: request.namespace,
    team: ns.team,
    changes: sortChanges(changes),
    quota: ns.quota,
    summary: [
      { label: 'Request', value: id },
      {
        label: 'Virtual machine',
        value: `${request.name} in ${request.namespace} on ${request.cluster}`,
      },
      { label: 'Team', value: ns.team },
      { label: 'Requester', value: request.requester },
      {
        label: 'vCPU / memory',
        value: `${request.cpu} / ${describeQuantity(
          parseQuantity(request.memory),
          'bytes',
        )}`,
      },
      { label: 'Run strategy', value: request.runStrategy },
      { label: 'Root disk source', value: describeSource(request) },
      { label: 'Disks', value: disks },
      {
        label: 'Network',
        value:
          request.network.type === 'pod'
            ? 'pod network'
            : `Multus network ${request.network.name}`,
      },
      {
        label: 'Exposure',
        value:
          request.exposure.type === 'none'
            ? 'none'
            : `${request.exposure.type} ${request.exposure.ports
                .map(p => `${p.name}:${p.port}`)
                .join(', ')}`,
      },
      {
        label: 'SSH keys',
        value: String(request.cloudInit.sshPublicKeys.length),
      },
    ],
    cost: {
      before: quotaCost(ns.quota, ns.vms.length, settings.prices),
      after: quotaCost(ns.quota, vms.length, settings.prices),
      currency: settings.prices.currency,
    },
  };
}

function describeSource(request: VmRequest): string {
  const source = request.rootDisk.source;
  if (source.type === 'pvc')
    return `clone of PVC ${source.namespace}/${source.name}`;
  return `${source.type} import from ${source.url}`;
}

function renderQuotaChange(
  request: QuotaChangeRequest,
  context: RenderContext,
): RenderResult {
  const { settings, repo } = context;
  const problems: FieldProblem[] = [];
  const facts = clusterFacts(settings, request.cluster, problems);
  const chosen = chosenQuota(request.quota, settings, problems);
  // an unknown cluster has no namespace to check the quota against
  if (!facts) fail(problems);
  const ns = existingNamespace(repo, request.cluster, request.namespace);
  if (chosen) problems.push(...fitProblems(ns.vms, chosen, settings, 'quota'));
  if (!chosen || problems.length > 0) fail(problems);
  const quota = chosen;
  const id = requestId(request.cluster, 'namespace', request.namespace);
  const labels = {
    [LABELS.requestId]: id,
    [LABELS.requester]: toLabelValue(nameOf(request.requester)),
  };
  const path = `${namespaceDir(request.cluster, request.namespace)}/${
    NAMESPACE_FILES.quota
  }`;
  return {
    requestId: id,
    action: 'change-quota',
    title: `Quota of ${request.namespace} on ${request.cluster}`,
    cluster: request.cluster,
    namespace: request.namespace,
    team: ns.team,
    changes: [
      {
        path,
        content: toYamlDocuments(
          [resourceQuotaObject(request.namespace, quota, labels)],
          header(id, `Quota of namespace ${request.namespace}`),
        ),
      },
    ],
    quota,
    summary: [
      { label: 'Request', value: id },
      {
        label: 'Namespace',
        value: `${request.namespace} on ${request.cluster}`,
      },
      { label: 'Team', value: ns.team },
      { label: 'Requester', value: request.requester },
      { label: 'Reason', value: request.purpose },
      {
        label: 'Quota',
        value:
          'tier' in request.quota ? `tier ${request.quota.tier}` : 'custom',
      },
      ...quotaRows(quota),
    ],
    cost: {
      before: quotaCost(ns.quota, ns.vms.length, settings.prices),
      after: quotaCost(quota, ns.vms.length, settings.prices),
      currency: settings.prices.currency,
    },
  };
}

function renderDecommission(
  request: DecommissionRequest,
  context: RenderContext,
): RenderResult {
  const { settings, repo } = context;
  const ns = existingNamespace(repo, request.cluster, request.namespace);
  const dir = namespaceDir(request.cluster, request.namespace);
  const before = quotaCost(ns.quota, ns.vms.length, settings.prices);
  if (request.vmName) {
    const vmName = request.vmName;
    if (!ns.vms.some(vm => vm.name === vmName)) {
      throw new NotFoundError(
        `vmName: VM '${vmName}' does not exist in namespace '${request.namespace}' on cluster '${request.cluster}'`,
      );
    }
    const id = requestId(request.cluster, 'vm', request.namespace, vmName);
    return {
      requestId: id,
      action: 'decommission',
      title: `Decommission VM ${vmName} in ${request.namespace} on ${request.cluster}`,
      cluster: request.cluster,
      namespace: request.namespace,
      team: ns.team,
      changes: sortChanges([
        {
          path: vmPath(request.cluster, request.namespace, vmName),
          content: null,
        },
        namespaceResourcesChange(
          repo,
          request.cluster,
          request.namespace,
          ns.team,
          { remove: [vmFileName(vmName)] },
        ),
      ]),
      quota: ns.quota,
      summary: [
        { label: 'Request', value: id },
        {
          label: 'Remove',
          value: `VM ${vmName} and its disks, in ${request.namespace} on ${request.cluster}`,
        },
        { label: 'Team', value: ns.team },
        { label: 'Requester', value: request.requester },
        { label: 'Reason', value: request.purpose },
      ],
      cost: {
        before,
        after: quotaCost(ns.quota, ns.vms.length - 1, settings.prices),
        currency: settings.prices.currency,
      },
    };
  }
  const id = requestId(request.cluster, 'namespace', request.namespace);
  const changes: FileChange[] = [...repo.keys()]
    .filter(p => p.startsWith(`${dir}/`))
    .map(path => ({ path, content: null }));
  // Flux's platform Kustomization then prunes the Namespace, its account and the Kustomization of its folder
  const platformFile = namespacePlatformPath(
    request.cluster,
    request.namespace,
  );
  if (repo.has(platformFile))
    changes.push({ path: platformFile, content: null });
  changes.push(
    platformKustomizationChange(repo, request.cluster, {
      remove: [platformNamespaceEntry(request.namespace)],
    }),
  );
  changes.push(
    clusterKustomizationChange(repo, request.cluster, {
      remove: [clusterNamespaceEntry(request.namespace)],
    }),
  );
  const ownEntry = spendEntryPath(ns.team, request.cluster, request.namespace);
  const lastOfTeam = ![...repo.keys()].some(
    p => p.startsWith(`${spendDir(ns.team)}/`) && p !== ownEntry,
  );
  const owners = readCodeowners(repo.get(CODEOWNERS_PATH));
  if (owners.has(dir) || (lastOfTeam && owners.has(spendDir(ns.team)))) {
    let codeowners = updateCodeowners(repo.get(CODEOWNERS_PATH), dir, []);
    if (lastOfTeam)
      codeowners = updateCodeowners(codeowners, spendDir(ns.team), []);
    changes.push({
      path: CODEOWNERS_PATH,
      content: codeowners === '' ? null : codeowners,
    });
  }
  // The team's defaults go when no other namespace of the cluster includes them. Another namespace whose
  // kustomization cannot be read might: its defaults stay (validateRepository reports the file).
  const component = teamComponentEntry(ns.team);
  const stillUsed = namespacesIn(repo.keys(), request.cluster).some(other => {
    if (other === request.namespace) return false;
    const path = namespaceKustomizationPath(request.cluster, other);
    try {
      return (
        parseKustomization(repo.get(path)!, path).components ?? []
      ).includes(component);
    } catch {
      return true;
    }
  });
  if (!stillUsed) {
    const tDir = teamDir(request.cluster, ns.team);
    changes.push(
      ...[...repo.keys()]
        .filter(p => p.startsWith(`${tDir}/`))
        .map(path => ({ path, content: null })),
    );
  }
  return {
    requestId: id,
    action: 'decommission',
    title: `Decommission namespace ${request.namespace} on ${request.cluster}`,
    cluster: request.cluster,
    namespace: request.namespace,
    team: ns.team,
    changes: sortChanges(changes),
    summary: [
      { label: 'Request', value: id },
      {
        label: 'Remove',
        value: `namespace ${request.namespace} on ${request.cluster}, with ${ns.vms.length} VM(s) and all its data`,
      },
      { label: 'Team', value: ns.team },
      { label: 'Requester', value: request.requester },
      { label: 'Reason', value: request.purpose },
    ],
    cost: { before, after: EMPTY_COST, currency: settings.prices.currency },
  };
}

/** Compares strings by code unit, the same on every machine and locale. */
function byteOrder(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

function sortChanges(changes: FileChange[]): FileChange[] {
  const byPath = new Map<string, FileChange>();
  for (const change of changes) byPath.set(change.path, change);
  return [...byPath.values()].sort((a, b) => byteOrder(a.path, b.path));
}

/**
 * Renders a parsed request against the repository as it is: the files to write or delete, a summary and the
 * cost before and after. Pure and deterministic: the same inputs give byte-identical files. Throws `InputError`
 * (a rule broken, with the field), `NotFoundError` (the namespace or VM is not there) or `ConflictError` (the
 * name belongs to someone else).
 */
export function renderRequest(
  request: ProvisioningRequest,
  context: RenderContext,
): RenderResult {
  let result: RenderResult;
  switch (request.kind) {
    case 'namespace':
      result = renderNamespace(request, context);
      break;
    case 'vm':
      result = renderVm(request, context);
      break;
    case 'quota-change':
      result = renderQuotaChange(request, context);
      break;
    case 'decommission':
      result = renderDecommission(request, context);
      break;
    default:
      throw new InputError(`kind: unknown request kind`);
  }
  // the team's cost summary follows every change of the namespace (see gitops/spend.ts)
  const removed =
    request.kind === 'decommission' && request.vmName === undefined;
  const spend = spendChange(
    result.team,
    result.cluster,
    result.namespace,
    removed ? undefined : result.cost.after,
    result.cost.currency,
  );
  if (spend.content === null && !context.repo.has(spend.path)) return result;
  return { ...result, changes: sortChanges([...result.changes, spend]) };
}

/** The monthly cost of a render result, formatted: `before -> after (+delta)`. */
export function describeCostChange(result: RenderResult): string {
  const { before, after, currency } = result.cost;
  const delta = after.total - before.total;
  return `${formatMoney(before.total, currency)} -> ${formatMoney(
    after.total,
    currency,
  )} (${delta >= 0n ? '+' : ''}${formatMoney(delta, currency)})`;
}
