import YAML from 'yaml';
import { z } from 'zod';
import { toYaml } from '../manifests/serialize';
import { formatProblems, zodProblems } from '../validation';

const patchSchema = z
  .object({
    path: z.string().optional(),
    patch: z.string().optional(),
    target: z.record(z.string(), z.unknown()).optional(),
  })
  .passthrough();

/** The parts of a kustomization file the portal reads and writes; other keys are kept as they are. */
export const kustomizationSchema = z
  .object({
    apiVersion: z.string(),
    kind: z.enum(['Kustomization', 'Component']),
    namespace: z.string().optional(),
    resources: z.array(z.string()).optional(),
    components: z.array(z.string()).optional(),
    patches: z.array(patchSchema).optional(),
  })
  .passthrough();
/** A kustomization file's content. */
export type KustomizationFile = z.infer<typeof kustomizationSchema>;

/** Parses a kustomization file; the error names the file and the field. */
export function parseKustomization(
  text: string,
  path: string,
): KustomizationFile {
  let raw: unknown;
  try {
    raw = YAML.parse(text);
  } catch (error) {
    throw new Error(`${path}: not valid YAML: ${(error as Error).message}`);
  }
  const result = kustomizationSchema.safeParse(raw);
  if (!result.success)
    throw new Error(`${path}: ${formatProblems(zodProblems(result.error))}`);
  return result.data;
}

const ORDER = [
  'apiVersion',
  'kind',
  'metadata',
  'namespace',
  'labels',
  'resources',
  'components',
  'patches',
  'replacements',
];

/** Serialises a kustomization with a stable key order and a header comment. */
export function formatKustomization(
  value: KustomizationFile,
  header: string,
): string {
  const out: Record<string, unknown> = {};
  for (const key of ORDER) if (value[key] !== undefined) out[key] = value[key];
  for (const key of Object.keys(value))
    if (!(key in out) && value[key] !== undefined) out[key] = value[key];
  return toYaml(out, header);
}

/** Sorted, de-duplicated list: entries added, entries removed. */
export function updateList(
  list: string[] | undefined,
  add: string[],
  remove: string[] = [],
): string[] {
  const set = new Set(list ?? []);
  for (const entry of remove) set.delete(entry);
  for (const entry of add) set.add(entry);
  return [...set].sort();
}

/** Header comment of the cluster kustomization. */
export const clusterKustomizationHeader = (cluster: string) =>
  ` Desired state of cluster ${cluster}: every namespace folder below and the platform part. Maintained by the provisioning portal.`;

/** Header comment of the platform kustomization of a cluster. */
export const platformKustomizationHeader = (cluster: string) =>
  ` What Flux applies on cluster ${cluster} with its own account: each namespace, and the account its folder is applied with. Maintained by the provisioning portal.`;

function updateResources(
  existing: string | undefined,
  path: string,
  header: string,
  change: { add?: string[]; remove?: string[] },
): string {
  const current: KustomizationFile = existing
    ? parseKustomization(existing, path)
    : {
        apiVersion: 'kustomize.config.k8s.io/v1beta1',
        kind: 'Kustomization',
        resources: [],
      };
  const resources = updateList(
    current.resources,
    change.add ?? [],
    change.remove ?? [],
  );
  return formatKustomization({ ...current, resources }, header);
}

/**
 * Adds or removes namespace folders (and the platform part) in a cluster kustomization (creating it when absent).
 * Entries are kept sorted and never duplicated; resources the portal did not write are kept.
 */
export function updateClusterKustomization(
  existing: string | undefined,
  path: string,
  cluster: string,
  change: { add?: string[]; remove?: string[] },
): string {
  return updateResources(
    existing,
    path,
    clusterKustomizationHeader(cluster),
    change,
  );
}

/** Adds or removes namespace files in a cluster's platform kustomization, as `updateClusterKustomization` does. */
export function updatePlatformKustomization(
  existing: string | undefined,
  path: string,
  cluster: string,
  change: { add?: string[]; remove?: string[] },
): string {
  return updateResources(
    existing,
    path,
    platformKustomizationHeader(cluster),
    change,
  );
}
