import { ProvisioningRequest } from '../requests/schemas';
import {
  CODEOWNERS_PATH,
  clusterKustomizationPath,
  namespaceDir,
  namespacePlatformPath,
  parseNamespacePath,
  platformKustomizationPath,
  teamDir,
  NAMESPACE_FILES,
} from './layout';
import { spendDir } from './spend';

/**
 * The files of the GitOps repository a request reads, as a test on paths: the cluster and platform kustomizations,
 * CODEOWNERS, the namespace's folder and its platform file (its Namespace object) and, once its team is known, the
 * team's defaults on that cluster and the team's cost summary. A decommission also reads every namespace kustomization of the cluster (to know whether the team's
 * defaults are still used). Nothing else: the reads of a plan do not grow with the repository.
 */
export function requestReadSet(
  request: ProvisioningRequest,
  team?: string,
): (path: string) => boolean {
  const namespace =
    request.kind === 'namespace' ? request.name : request.namespace;
  const folder = `${namespaceDir(request.cluster, namespace)}/`;
  const teamFolder = team ? `${teamDir(request.cluster, team)}/` : undefined;
  const spend = team ? `${spendDir(team)}/` : undefined;
  const single = new Set([
    CODEOWNERS_PATH,
    clusterKustomizationPath(request.cluster),
    platformKustomizationPath(request.cluster),
    namespacePlatformPath(request.cluster, namespace),
  ]);
  return path => {
    if (single.has(path) || path.startsWith(folder)) return true;
    if (teamFolder && path.startsWith(teamFolder)) return true;
    if (spend && path.startsWith(spend)) return true;
    if (request.kind === 'decommission') {
      const parsed = parseNamespacePath(path);
      return (
        parsed?.cluster === request.cluster &&
        parsed.file === NAMESPACE_FILES.kustomization
      );
    }
    return false;
  };
}
