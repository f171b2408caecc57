import { z } from 'zod';
import { Environment, ENVIRONMENTS, QuotaValues } from '../config';
import { ANNOTATIONS, LABELS } from '../labels';
import { parseYamlDocuments } from '../manifests/serialize';
import { dns1123SubdomainProblem } from '../names';
import { RepoSnapshot } from '../manifests/types';
import {
  parseStorageClassQuotaKey,
  QuotaField,
  QUOTA_FIELDS,
  quotaField,
  QuotaUnit,
  quotaValueFromHard,
} from '../quotaFields';
import { formatPath, ownValue, quantity } from '../validation';
import { RepositoryFileError, RepositoryFileProblem } from './errors';
import { KustomizationFile, kustomizationSchema } from './kustomization';
import {
  NAMESPACE_FILES,
  namespaceDir,
  namespaceKustomizationPath,
  namespacePlatformPath,
  namespacesIn,
} from './layout';

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

const namespaceKustomizationLabels = z
  .array(z.object({ pairs: labelsSchema }).passthrough())
  .optional();

const quotaSchema = z.object({
  kind: z.literal('ResourceQuota'),
  spec: z.object({
    hard: z.record(
      z.string(),
      z.union([z.string(), z.number()]).transform(String),
    ),
  }),
});

const namespaceSchema = z.object({
  kind: z.literal('Namespace'),
  metadata: z.object({
    name: z.string(),
    labels: labelsSchema.optional(),
    annotations: labelsSchema.optional(),
  }),
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
              resources: z.object({
                requests: z.object({ storage: quantity() }),
              }),
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
          memory: z.object({ guest: quantity() }).optional(),
          resources: z
            .object({ requests: z.object({ memory: quantity() }).partial() })
            .partial()
            .optional(),
        }),
      }),
    }),
  }),
});

/** Parses one object of a repository file; throws a `RepositoryFileError` naming every field that breaks `schema`. */
function parseObject<S extends z.ZodTypeAny>(
  schema: S,
  value: unknown,
  path: string,
  fieldPrefix: Array<string | number> = [],
): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) {
    throw new RepositoryFileError(
      path,
      result.error.issues.map(issue => ({
        field: formatPath([...fieldPrefix, ...issue.path]) || undefined,
        rule: issue.message,
      })),
    );
  }
  return result.data;
}

/** The YAML documents of a repository file; a syntax error becomes a `RepositoryFileError` naming the file. */
function parseYamlFile(text: string, path: string): unknown[] {
  try {
    return parseYamlDocuments(text, path);
  } catch (error) {
    const message = (error as Error).message;
    throw new RepositoryFileError(path, {
      rule: message.startsWith(`${path}: `)
        ? message.slice(path.length + 2)
        : message,
    });
  }
}

/** Reads a kustomization file of the repository; problems are `RepositoryFileError`s with the field. */
function readKustomizationFile(text: string, path: string): KustomizationFile {
  const documents = parseYamlFile(text, path);
  if (documents.length > 1)
    throw new RepositoryFileError(path, {
      rule: `must hold one YAML document (has ${documents.length})`,
    });
  return parseObject(kustomizationSchema, documents[0] ?? null, path);
}

/**
 * The problems of a ResourceQuota's `spec.hard` values: each key the portal reads must hold a quantity (a whole
 * number for counts). Field paths are `spec.hard.<key>`.
 */
export function quotaHardProblems(
  hard: Record<string, string>,
): RepositoryFileProblem[] {
  const problems: RepositoryFileProblem[] = [];
  for (const [key, text] of Object.entries(hard)) {
    const perClass = parseStorageClassQuotaKey(key);
    const unit = perClass
      ? quotaField(perClass.field).unit
      : QUOTA_FIELDS.find(f => f.hardKey === key)?.unit;
    if (unit === undefined) continue;
    const read = quotaValueFromHard(unit, text);
    if ('rule' in read)
      problems.push({ field: `spec.hard.${key}`, rule: read.rule });
  }
  return problems;
}

/**
 * Turns a ResourceQuota's `spec.hard` back into quota values (keys as in `QUOTA_FIELDS`; a missing key reads as
 * zero, a missing limit as its request). Values are not checked: see `quotaHardProblems`.
 */
export function quotaFromHard(hard: Record<string, string>): QuotaValues {
  const read = (unit: QuotaUnit, text: string): string | number => {
    const value = quotaValueFromHard(unit, text);
    if ('value' in value) return value.value;
    return unit === 'count' ? Number(text) : text;
  };
  const valueOf = (entry: QuotaField): string | number => {
    const text = hard[entry.hardKey];
    if (text !== undefined) return read(entry.unit, text);
    if (entry.missingReadsAs) return valueOf(quotaField(entry.missingReadsAs));
    return entry.unit === 'count' ? 0 : '0';
  };
  const storageClasses: QuotaValues['storageClasses'] = {};
  for (const [key, text] of Object.entries(hard)) {
    const perClass = parseStorageClassQuotaKey(key);
    if (!perClass) continue;
    // A key like `__proto__.storageclass…` must not reach Object.prototype: only storage class names become keys.
    if (dns1123SubdomainProblem(perClass.storageClass)) continue;
    const entry =
      ownValue(storageClasses, perClass.storageClass) ??
      (storageClasses[perClass.storageClass] = {});
    if (perClass.field === 'requestsStorage') entry.requestsStorage = text;
    else entry.persistentVolumeClaims = read('count', text) as number;
  }
  const values = Object.fromEntries(
    QUOTA_FIELDS.map(entry => [entry.field, valueOf(entry)]),
  );
  return { ...(values as Omit<QuotaValues, 'storageClasses'>), storageClasses };
}

/** Reads one VM file's VirtualMachine; a malformed file throws a `RepositoryFileError` naming the file and field. */
export function readVm(text: string, path: string): VmState | undefined {
  const vm = parseYamlFile(text, path).find(
    d => (d as { kind?: string })?.kind === 'VirtualMachine',
  );
  if (!vm) return undefined;
  const parsed = parseObject(vmSchema, vm, path);
  const domain = parsed.spec.template.spec.domain;
  const memory = domain.memory?.guest ?? domain.resources?.requests?.memory;
  if (!memory)
    throw new RepositoryFileError(path, {
      field: 'spec.template.spec.domain.memory.guest',
      rule: 'is missing',
    });
  const prefix = `${parsed.metadata.name}-`;
  return {
    name: parsed.metadata.name,
    cpu: domain.cpu?.cores ?? 1,
    memory,
    disks: parsed.spec.dataVolumeTemplates.map(t => ({
      name: t.metadata.name.startsWith(prefix)
        ? t.metadata.name.slice(prefix.length)
        : t.metadata.name,
      size: t.spec.storage.resources.requests.storage,
      ...(t.spec.storage.storageClassName
        ? { storageClass: t.spec.storage.storageClassName }
        : {}),
    })),
    requestId: parsed.metadata.labels?.[LABELS.requestId],
  };
}

/** The Namespace object of a namespace's platform file (its first document when none is a Namespace, to name what is wrong). */
function readNamespaceObject(
  text: string,
  path: string,
): z.output<typeof namespaceSchema> {
  const documents = parseYamlFile(text, path);
  const namespace =
    documents.find(
      d => (d as { kind?: string } | null)?.kind === 'Namespace',
    ) ?? documents[0];
  return parseObject(namespaceSchema, namespace, path);
}

/** The label pairs of a namespace kustomization (`labels[].pairs`, merged), with the parsed kustomization. */
function readNamespaceKustomization(
  text: string,
  path: string,
): { kustomization: KustomizationFile; pairs: Record<string, string> } {
  const kustomization = readKustomizationFile(text, path);
  const labelBlocks =
    parseObject(namespaceKustomizationLabels, kustomization.labels, path, [
      'labels',
    ]) ?? [];
  return {
    kustomization,
    pairs: Object.assign({}, ...labelBlocks.map(b => b.pairs)),
  };
}

const ENVIRONMENT_FIELD = `labels[].pairs.${LABELS.environment}`;

/**
 * Reads a namespace folder back; `undefined` when the namespace is not in the snapshot. A folder the portal cannot
 * read (a file missing or malformed, quota values that are not quantities, no known environment label) throws a
 * `RepositoryFileError` naming the file and the field.
 */
export function readNamespace(
  repo: RepoSnapshot,
  cluster: string,
  namespace: string,
): NamespaceState | undefined {
  const kustomizationPath = namespaceKustomizationPath(cluster, namespace);
  const kustomizationText = repo.get(kustomizationPath);
  if (kustomizationText === undefined) return undefined;
  const { kustomization, pairs } = readNamespaceKustomization(
    kustomizationText,
    kustomizationPath,
  );
  const environment = pairs[LABELS.environment];
  if (environment === undefined) {
    throw new RepositoryFileError(kustomizationPath, {
      field: ENVIRONMENT_FIELD,
      rule: `is missing (must be ${ENVIRONMENTS.join(', ')})`,
    });
  }
  if (!(ENVIRONMENTS as readonly string[]).includes(environment)) {
    throw new RepositoryFileError(kustomizationPath, {
      field: ENVIRONMENT_FIELD,
      rule: `'${environment}' is not an environment (must be ${ENVIRONMENTS.join(
        ', ',
      )})`,
    });
  }
  const dir = namespaceDir(cluster, namespace);

  const nsPath = namespacePlatformPath(cluster, namespace);
  const nsText = repo.get(nsPath);
  if (nsText === undefined)
    throw new RepositoryFileError(nsPath, {
      rule: 'is missing (the namespace folder has a kustomization)',
    });
  const nsObject = readNamespaceObject(nsText, nsPath);
  if (nsObject.metadata.name !== namespace) {
    throw new RepositoryFileError(nsPath, {
      field: 'metadata.name',
      rule: `'${nsObject.metadata.name}' must be '${namespace}', the name of its namespace folder`,
    });
  }

  const quotaPath = `${dir}/${NAMESPACE_FILES.quota}`;
  const quotaText = repo.get(quotaPath);
  let quota = quotaFromHard({});
  if (quotaText) {
    const hard = parseObject(
      quotaSchema,
      parseYamlFile(quotaText, quotaPath)[0],
      quotaPath,
    ).spec.hard;
    const problems = quotaHardProblems(hard);
    if (problems.length > 0) throw new RepositoryFileError(quotaPath, problems);
    quota = quotaFromHard(hard);
  }

  const vms: VmState[] = [];
  for (const entry of (kustomization.resources ?? [])
    .filter(r => /^vm-[a-z0-9-]+\.yaml$/.test(r))
    .sort()) {
    const path = `${dir}/${entry}`;
    const text = repo.get(path);
    if (text === undefined)
      throw new RepositoryFileError(kustomizationPath, {
        field: 'resources',
        rule: `lists ${entry}, which does not exist`,
      });
    const vm = readVm(text, path);
    if (vm) vms.push(vm);
  }

  const nsLabels = nsObject.metadata.labels ?? {};
  return {
    cluster,
    name: namespace,
    team: pairs[LABELS.owner] ?? nsLabels[LABELS.owner] ?? '',
    teamRef: nsObject.metadata.annotations?.[ANNOTATIONS.ownerRef],
    costCentre: pairs[LABELS.costCentre] ?? '',
    environment: environment as Environment,
    expires: pairs[LABELS.expires],
    requestId: nsLabels[LABELS.requestId],
    requester: nsLabels[LABELS.requester],
    quota,
    vms,
  };
}

/** A namespace folder the portal could not read. */
export interface UnreadableNamespace {
  cluster: string;
  name: string;
  /** The owning team, when its label can still be read from the kustomization or the Namespace. */
  team?: string;
  /** What is wrong, naming the file. */
  error: RepositoryFileError;
}

/** Every namespace of a snapshot: those read back, and those that could not be (each with its error). */
export interface NamespaceScan {
  namespaces: NamespaceState[];
  unreadable: UnreadableNamespace[];
}

/** The owner label of a namespace folder, read as far as its files allow; `undefined` when it cannot be read. */
function readableOwner(
  repo: RepoSnapshot,
  cluster: string,
  namespace: string,
): string | undefined {
  const attempt = (read: () => string | undefined) => {
    try {
      return read();
    } catch (error) {
      if (RepositoryFileError.is(error)) return undefined;
      throw error;
    }
  };
  const kustomizationPath = namespaceKustomizationPath(cluster, namespace);
  const nsPath = namespacePlatformPath(cluster, namespace);
  return (
    attempt(
      () =>
        readNamespaceKustomization(
          repo.get(kustomizationPath) ?? '',
          kustomizationPath,
        ).pairs[LABELS.owner],
    ) ??
    attempt(
      () =>
        readNamespaceObject(repo.get(nsPath) ?? '', nsPath).metadata.labels?.[
          LABELS.owner
        ],
    )
  );
}

/**
 * Reads every namespace of every cluster in a snapshot without stopping at a malformed one: a folder that throws a
 * `RepositoryFileError` is listed under `unreadable` (with its team when that can still be read), the others are
 * read back. For code that looks at other namespaces than the one a request touches.
 */
export function scanNamespaces(
  repo: RepoSnapshot,
  clusters: string[],
): NamespaceScan {
  const scan: NamespaceScan = { namespaces: [], unreadable: [] };
  for (const cluster of clusters) {
    for (const name of namespacesIn(repo.keys(), cluster)) {
      try {
        const state = readNamespace(repo, cluster, name);
        if (state) scan.namespaces.push(state);
      } catch (error) {
        if (!RepositoryFileError.is(error)) throw error;
        const team = readableOwner(repo, cluster, name);
        scan.unreadable.push({
          cluster,
          name,
          ...(team ? { team } : {}),
          error,
        });
      }
    }
  }
  return scan;
}

/** Every namespace of every cluster in a snapshot; throws the `RepositoryFileError` of the first unreadable one. */
export function readAllNamespaces(
  repo: RepoSnapshot,
  clusters: string[],
): NamespaceState[] {
  const { namespaces, unreadable } = scanNamespaces(repo, clusters);
  if (unreadable.length > 0) throw unreadable[0].error;
  return namespaces;
}

/** Applies file changes to a snapshot, returning the new snapshot (the input is not modified). */
export function applyChanges(
  repo: RepoSnapshot,
  changes: Array<{ path: string; content: string | null }>,
): Map<string, string> {
  const next = new Map(repo);
  for (const change of changes) {
    if (change.content === null) next.delete(change.path);
    else next.set(change.path, change.content);
  }
  return next;
}
