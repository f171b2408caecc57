/**
 * The GitOps repository contract: where each object lives. `clusters/<cluster>/kustomization.yaml` builds the
 * cluster's whole desired state; each namespace has its own folder and kustomization, its VMs beside it; team
 * defaults are kustomize Components that the team's namespaces include.
 *
 * Flux applies a cluster in two kinds of parts, each with its own identity: `clusters/<cluster>/platform` with
 * Flux's own account (the Namespace objects and, per namespace, the account that applies its folder, that
 * account's RoleBinding and the Flux Kustomization), and each namespace folder with that namespace's own account,
 * which is bound in that namespace only. The platform folder has no CODEOWNERS line of its own: it belongs to the
 * platform team (the file's default owners), so no team's approval can change what Flux's account applies.
 */

/** Folder of a cluster. */
export const clusterDir = (cluster: string) => `clusters/${cluster}`;
/** The kustomization that builds a cluster's whole state. */
export const clusterKustomizationPath = (cluster: string) =>
  `${clusterDir(cluster)}/kustomization.yaml`;
/** Folder of a namespace. */
export const namespaceDir = (cluster: string, namespace: string) =>
  `${clusterDir(cluster)}/namespaces/${namespace}`;
/** The namespace's kustomization. */
export const namespaceKustomizationPath = (
  cluster: string,
  namespace: string,
) => `${namespaceDir(cluster, namespace)}/kustomization.yaml`;
/** The platform part of a cluster: what Flux applies with its own account. */
export const platformDir = (cluster: string) =>
  `${clusterDir(cluster)}/platform`;
/** The kustomization of the platform part (the path of the cluster's bootstrap Flux Kustomization). */
export const platformKustomizationPath = (cluster: string) =>
  `${platformDir(cluster)}/kustomization.yaml`;
/** The platform's file of a namespace: the Namespace object and the account, binding and Flux Kustomization that apply its folder. */
export const namespacePlatformPath = (cluster: string, namespace: string) =>
  `${platformDir(cluster)}/namespaces/${namespace}.yaml`;
/** Folder of a team's defaults component on a cluster. */
export const teamDir = (cluster: string, team: string) =>
  `${clusterDir(cluster)}/teams/${team}`;
/** A VM's file, beside its namespace's other files. */
export const vmFileName = (vm: string) => `vm-${vm}.yaml`;
/** The VM file's path. */
export const vmPath = (cluster: string, namespace: string, vm: string) =>
  `${namespaceDir(cluster, namespace)}/${vmFileName(vm)}`;
/** CODEOWNERS at the repository root. */
export const CODEOWNERS_PATH = 'CODEOWNERS';

/** A path written relative to a folder, as kustomizations refer to their resources and components. */
function relative(fromDir: string, to: string): string {
  const from = fromDir.split('/');
  const target = to.split('/');
  let same = 0;
  while (
    same < from.length &&
    same < target.length &&
    from[same] === target[same]
  )
    same++;
  return [...from.slice(same).map(() => '..'), ...target.slice(same)].join('/');
}
// any cluster, namespace or team name gives the same relative entries: they are built from the paths above
const ANY = 'x';
/** The cluster kustomization's entry of a namespace folder (`namespaces/<ns>`). */
export const clusterNamespaceEntry = (namespace: string) =>
  relative(clusterDir(ANY), namespaceDir(ANY, namespace));
/** The cluster kustomization's entry of its platform part (`platform`). */
export const CLUSTER_PLATFORM_ENTRY = relative(
  clusterDir(ANY),
  platformDir(ANY),
);
/** The platform kustomization's entry of a namespace's platform file (`namespaces/<ns>.yaml`). */
export const platformNamespaceEntry = (namespace: string) =>
  relative(platformDir(ANY), namespacePlatformPath(ANY, namespace));
/** How a namespace kustomization includes its team's defaults component (`../../teams/<team>`). */
export const teamComponentEntry = (team: string) =>
  relative(namespaceDir(ANY, ANY), teamDir(ANY, team));

/** Files of a namespace folder that the namespace request owns (VM files are owned by VM requests). */
export const NAMESPACE_FILES = {
  kustomization: 'kustomization.yaml',
  /**
   * Where earlier versions kept the Namespace object, which now lives in the platform's file of the namespace
   * (`namespacePlatformPath`). Listed so that a re-render removes a leftover copy.
   */
  namespace: 'namespace.yaml',
  quota: 'resourcequota.yaml',
  limitRangePatch: 'limitrange-patch.yaml',
  networkPolicies: 'networkpolicies.yaml',
  roleBindings: 'rolebindings.yaml',
} as const;

/** Files of a team component folder. */
export const TEAM_FILES = {
  kustomization: 'kustomization.yaml',
  networkPolicies: 'networkpolicies.yaml',
  limitRange: 'limitrange.yaml',
  roleBindings: 'rolebindings.yaml',
} as const;

const NS_PATH = /^clusters\/([a-z0-9-]+)\/namespaces\/([a-z0-9-]+)\/([^/]+)$/;

/** Splits a path inside a namespace folder; `undefined` for other paths. */
export function parseNamespacePath(
  path: string,
): { cluster: string; namespace: string; file: string } | undefined {
  const match = NS_PATH.exec(path);
  return match
    ? { cluster: match[1], namespace: match[2], file: match[3] }
    : undefined;
}

/** Lists the namespaces of a cluster present in a snapshot, sorted. */
export function namespacesIn(
  paths: Iterable<string>,
  cluster: string,
): string[] {
  const found = new Set<string>();
  for (const path of paths) {
    const parsed = parseNamespacePath(path);
    if (
      parsed &&
      parsed.cluster === cluster &&
      parsed.file === NAMESPACE_FILES.kustomization
    )
      found.add(parsed.namespace);
  }
  return [...found].sort();
}

/** Lists the clusters that have a kustomization in a snapshot, sorted. */
export function clustersIn(paths: Iterable<string>): string[] {
  const found = new Set<string>();
  for (const path of paths) {
    const match = /^clusters\/([a-z0-9-]+)\/kustomization\.yaml$/.exec(path);
    if (match) found.add(match[1]);
  }
  return [...found].sort();
}
