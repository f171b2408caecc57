import { z } from 'zod';
import { Environment, ENVIRONMENTS, QuotaValues } from '../config';
import { ANNOTATIONS, LABELS } from '../labels';
import { parseYamlDocuments } from '../manifests/serialize';
import { RepoSnapshot } from '../manifests/types';
import { formatProblems, zodProblems } from '../validation';
import { parseKustomization } from './kustomization';
import { NAMESPACE_FILES, namespaceDir, namespaceKustomizationPath, namespacesIn } from './layout';

/** A VM as read back from the GitOps repository. */
export interface VmState {
  name: string;
  cpu: number;
  memory: string;
  disks: Array<{ name: string; size: string; storageClass?: string }>;
  requestId?: string;
}

/** A namespace as read back from the GitOps repository. */
export interface NamespaceState {
  cluster: string;
  name: string;
  team: string;
  teamRef?: string;
  costCentre: string;
  environment: Environment;
  expires?: string;
  requestId?: string;
  requester?: string;
  quota: QuotaValues;
  vms: VmState[];
}

const labelsSchema = z.record(z.string(), z.string());

const namespaceKustomizationLabels = z.array(z.object({ pairs: labelsSchema }).passthrough()).optional();

const quotaSchema = z.object({
  kind: z.literal('ResourceQuota'),
  spec: z.object({ hard: z.record(z.string(), z.union([z.string(), z.number()]).transform(String)) }),
});

const namespaceSchema = z.object({
  kind: z.literal('Namespace'),
  metadata: z.object({ name: z.string(), labels: labelsSchema.optional(), annotations: labelsSchema.optional() }),
});

const vmSchema = z.object({
  kind: z.literal('VirtualMachine'),
  metadata: z.object({ name: z.string(), labels: labelsSchema.optional() }),
  spec: z.object({
    dataVolumeTemplates: z
      .array(
        z.object({
          metadata: z.object({ name: z.string() }),
          spec: z.object({
            storage: z.object({
              resources: z.object({ requests: z.object({ storage: z.union([z.string(), z.number()]).transform(String) }) }),
              storageClassName: z.string().optional(),
            }),
          }),
        }),
      )
      .default([]),
    template: z.object({
      spec: z.object({
        domain: z.object({
          cpu: z.object({ cores: z.number().int().positive() }).optional(),
          memory: z.object({ guest: z.union([z.string(), z.number()]).transform(String) }).optional(),
          resources: z
            .object({ requests: z.object({ memory: z.union([z.string(), z.number()]).transform(String) }).partial() })
            .partial()
            .optional(),
        }),
      }),
    }),
  }),
});

function parseObject<S extends z.ZodTypeAny>(schema: S, value: unknown, where: string): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw new Error(`${where}: ${formatProblems(zodProblems(result.error))}`);
  return result.data;
}

/** Turns a ResourceQuota's `spec.hard` back into quota values. */
export function quotaFromHard(hard: Record<string, string>): QuotaValues {
  const storageClasses: QuotaValues['storageClasses'] = {};
  for (const [key, value] of Object.entries(hard)) {
    const match = /^(.+)\.storageclass\.storage\.k8s\.io\/(requests\.storage|persistentvolumeclaims)$/.exec(key);
    if (!match) continue;
    storageClasses[match[1]] ??= {};
    if (match[2] === 'requests.storage') storageClasses[match[1]].requestsStorage = value;
    else storageClasses[match[1]].persistentVolumeClaims = Number(value);
  }
  return {
    requestsCpu: hard['requests.cpu'] ?? '0',
    limitsCpu: hard['limits.cpu'] ?? hard['requests.cpu'] ?? '0',
    requestsMemory: hard['requests.memory'] ?? '0',
    limitsMemory: hard['limits.memory'] ?? hard['requests.memory'] ?? '0',
    requestsStorage: hard['requests.storage'] ?? '0',
    storageClasses,
    persistentVolumeClaims: Number(hard.persistentvolumeclaims ?? 0),
    pods: Number(hard.pods ?? 0),
    services: Number(hard.services ?? 0),
    loadBalancers: Number(hard['services.loadbalancers'] ?? 0),
    nodePorts: Number(hard['services.nodeports'] ?? 0),
  };
}

/** Reads one VM file's VirtualMachine. */
export function readVm(text: string, path: string): VmState | undefined {
  const vm = parseYamlDocuments(text, path).find(d => (d as { kind?: string })?.kind === 'VirtualMachine');
  if (!vm) return undefined;
  const parsed = parseObject(vmSchema, vm, path);
  const domain = parsed.spec.template.spec.domain;
  const memory = domain.memory?.guest ?? domain.resources?.requests?.memory;
  if (!memory) throw new Error(`${path}: spec.template.spec.domain.memory.guest: is missing`);
  const prefix = `${parsed.metadata.name}-`;
  return {
    name: parsed.metadata.name,
    cpu: domain.cpu?.cores ?? 1,
    memory,
    disks: parsed.spec.dataVolumeTemplates.map(t => ({
      name: t.metadata.name.startsWith(prefix) ? t.metadata.name.slice(prefix.length) : t.metadata.name,
      size: t.spec.storage.resources.requests.storage,
      ...(t.spec.storage.storageClassName ? { storageClass: t.spec.storage.storageClassName } : {}),
    })),
    requestId: parsed.metadata.labels?.[LABELS.requestId],
  };
}

/** Reads a namespace folder back; `undefined` when the namespace is not in the snapshot. */
export function readNamespace(repo: RepoSnapshot, cluster: string, namespace: string): NamespaceState | undefined {
  const kustomizationPath = namespaceKustomizationPath(cluster, namespace);
  const kustomizationText = repo.get(kustomizationPath);
  if (kustomizationText === undefined) return undefined;
  const kustomization = parseKustomization(kustomizationText, kustomizationPath);
  const labelBlocks = parseObject(namespaceKustomizationLabels, kustomization.labels, `${kustomizationPath} labels`) ?? [];
  const pairs: Record<string, string> = Object.assign({}, ...labelBlocks.map(b => b.pairs));
  const dir = namespaceDir(cluster, namespace);

  const nsPath = `${dir}/${NAMESPACE_FILES.namespace}`;
  const nsText = repo.get(nsPath);
  if (nsText === undefined) throw new Error(`${nsPath}: is missing (the namespace folder has a kustomization)`);
  const nsObject = parseObject(namespaceSchema, parseYamlDocuments(nsText, nsPath)[0], nsPath);

  const quotaPath = `${dir}/${NAMESPACE_FILES.quota}`;
  const quotaText = repo.get(quotaPath);
  const quota = quotaText
    ? quotaFromHard(parseObject(quotaSchema, parseYamlDocuments(quotaText, quotaPath)[0], quotaPath).spec.hard)
    : quotaFromHard({});

  const vms: VmState[] = [];
  for (const entry of (kustomization.resources ?? []).filter(r => /^vm-[a-z0-9-]+\.yaml$/.test(r)).sort()) {
    const path = `${dir}/${entry}`;
    const text = repo.get(path);
    if (text === undefined) throw new Error(`${kustomizationPath}: resources lists ${entry}, which does not exist`);
    const vm = readVm(text, path);
    if (vm) vms.push(vm);
  }

  const environment = pairs[LABELS.environment];
  const nsLabels = nsObject.metadata.labels ?? {};
  return {
    cluster,
    name: namespace,
    team: pairs[LABELS.owner] ?? nsLabels[LABELS.owner] ?? '',
    teamRef: nsObject.metadata.annotations?.[ANNOTATIONS.ownerRef],
    costCentre: pairs[LABELS.costCentre] ?? '',
    environment: (ENVIRONMENTS as readonly string[]).includes(environment) ? (environment as Environment) : 'dev',
    expires: pairs[LABELS.expires],
    requestId: nsLabels[LABELS.requestId],
    requester: nsLabels[LABELS.requester],
    quota,
    vms,
  };
}

/** Every namespace of every cluster in a snapshot. */
export function readAllNamespaces(repo: RepoSnapshot, clusters: string[]): NamespaceState[] {
  return clusters.flatMap(cluster =>
    namespacesIn(repo.keys(), cluster).map(ns => readNamespace(repo, cluster, ns)!),
  );
}

/** Applies file changes to a snapshot, returning the new snapshot (the input is not modified). */
export function applyChanges(repo: RepoSnapshot, changes: Array<{ path: string; content: string | null }>): Map<string, string> {
  const next = new Map(repo);
  for (const change of changes) {
    if (change.content === null) next.delete(change.path);
    else next.set(change.path, change.content);
  }
  return next;
}
