import { PlatformSettings } from '../config';
import { vmQuotaShortfalls } from '../capacity';
import { costPerTeam, formatMoney, namespaceCost, toMicro } from '../cost';
import { quotaFieldsAbove } from '../quotaFields';
import { RepoSnapshot } from '../manifests/types';
import { RepositoryFileError } from './errors';
import { readCodeowners } from './codeowners';
import { parseKustomization } from './kustomization';
import {
  CLUSTER_PLATFORM_ENTRY,
  CODEOWNERS_PATH,
  clusterKustomizationPath,
  clusterNamespaceEntry,
  clustersIn,
  namespaceDir,
  namespacePlatformPath,
  namespacesIn,
  platformDir,
  platformKustomizationPath,
  platformNamespaceEntry,
} from './layout';
import { parseYamlDocuments } from '../manifests/serialize';
import { namespaceSyncName } from '../manifests/tenancy';
import { NamespaceState, readNamespace } from './state';
import {
  parseSpendEntry,
  parseSpendEntryPath,
  SPEND_ROOT,
  spendDir,
  spendEntryPath,
} from './spend';
import { ownValue } from '../validation';

/**
 * A namespace folder must be applied by a Flux Kustomization with the namespace's own account: any other account
 * (Flux's own, another namespace's) could write outside the namespace.
 */
function applierProblems(
  text: string,
  path: string,
  cluster: string,
  namespace: string,
): RepositoryProblem[] {
  let documents: unknown[];
  try {
    documents = parseYamlDocuments(text, path);
  } catch {
    return []; // reading the namespace reports the syntax error
  }
  const folder = `./${namespaceDir(cluster, namespace)}`;
  type FluxKustomization = {
    kind?: unknown;
    spec?: { path?: unknown; serviceAccountName?: unknown };
  } | null;
  const appliers = (documents as FluxKustomization[]).filter(
    d =>
      d?.kind === 'Kustomization' &&
      String(d.spec?.path ?? '').replace(/\/$/, '') === folder,
  );
  if (appliers.length === 0)
    return [
      {
        path,
        message: `has no Flux Kustomization with path ${folder}, so Flux does not apply the namespace folder`,
      },
    ];
  const account = namespaceSyncName(namespace);
  return appliers
    .filter(k => k?.spec?.serviceAccountName !== account)
    .map(k => ({
      path,
      message: `applies ${folder} as '${String(
        k?.spec?.serviceAccountName ?? "the controller's default account",
      )}': it must be the namespace's own account '${account}'`,
    }));
}

/** One problem found in the GitOps repository: the file (or folder) and what is wrong. */
export interface RepositoryProblem {
  path: string;
  message: string;
}

/**
 * The pure part of `validate`: every cluster known to the settings, every namespace folder listed by its cluster
 * kustomization and readable, its platform file listed by the platform kustomization and applying the folder with
 * the namespace's own account, the policy (maximum quotas, budgets, storage classes, prod rules), VMs within their
 * quota, the teams' cost summaries true to their namespaces, and CODEOWNERS naming owners for every namespace
 * folder and cost summary folder (and nothing else). The command line adds the
 * kustomize build and the schema checks.
 */
export function validateRepository(
  repo: RepoSnapshot,
  settings: PlatformSettings,
  today: string,
): RepositoryProblem[] {
  const problems: RepositoryProblem[] = [];
  const namespaces: NamespaceState[] = [];
  const folders = new Set<string>();
  for (const cluster of clustersIn(repo.keys())) {
    const facts = settings.clusters.find(c => c.name === cluster);
    const clusterPath = clusterKustomizationPath(cluster);
    if (!facts) {
      problems.push({
        path: clusterPath,
        message: `cluster '${cluster}' is not in the portal's configuration`,
      });
    }
    let listed: string[] = [];
    try {
      listed =
        parseKustomization(repo.get(clusterPath)!, clusterPath).resources ?? [];
    } catch (error) {
      problems.push({
        path: clusterPath,
        message: (error as Error).message.replace(`${clusterPath}: `, ''),
      });
    }
    const platformPath = platformKustomizationPath(cluster);
    let platformListed: string[] = [];
    if (repo.has(platformPath)) {
      try {
        platformListed =
          parseKustomization(repo.get(platformPath)!, platformPath).resources ??
          [];
      } catch (error) {
        problems.push({
          path: platformPath,
          message: (error as Error).message.replace(`${platformPath}: `, ''),
        });
      }
      if (!listed.includes(CLUSTER_PLATFORM_ENTRY)) {
        problems.push({
          path: clusterPath,
          message: `does not list platform, so the cluster's whole desired state lacks its Namespaces`,
        });
      }
    }
    const clusterNamespaces = namespacesIn(repo.keys(), cluster);
    for (const path of [...repo.keys()]
      .filter(p => p.startsWith(`${platformDir(cluster)}/namespaces/`))
      .sort()) {
      const ns = path
        .slice(`${platformDir(cluster)}/namespaces/`.length)
        .replace(/\.yaml$/, '');
      if (!clusterNamespaces.includes(ns))
        problems.push({
          path,
          message: `has no namespace folder (${namespaceDir(cluster, ns)})`,
        });
    }
    for (const ns of clusterNamespaces) {
      const dir = namespaceDir(cluster, ns);
      folders.add(dir);
      if (!listed.includes(clusterNamespaceEntry(ns))) {
        problems.push({
          path: dir,
          message: `is not listed in ${clusterPath}, which builds the cluster's whole desired state`,
        });
      }
      const nsPlatformPath = namespacePlatformPath(cluster, ns);
      if (repo.has(nsPlatformPath)) {
        if (!platformListed.includes(platformNamespaceEntry(ns))) {
          problems.push({
            path: nsPlatformPath,
            message: `is not listed in ${platformPath}, so Flux neither creates the namespace nor applies its folder`,
          });
        }
        problems.push(
          ...applierProblems(
            repo.get(nsPlatformPath)!,
            nsPlatformPath,
            cluster,
            ns,
          ),
        );
      }
      let state: NamespaceState | undefined;
      try {
        state = readNamespace(repo, cluster, ns);
      } catch (error) {
        if (!RepositoryFileError.is(error)) {
          problems.push({ path: dir, message: (error as Error).message });
          continue;
        }
        // every problem of the file, each with the file's path
        for (const problem of error.problems) {
          problems.push({
            path: error.path,
            message: problem.field
              ? `${problem.field}: ${problem.rule}`
              : problem.rule,
          });
        }
        continue;
      }
      if (!state) continue;
      namespaces.push(state);
      if (!state.team)
        problems.push({
          path: `${dir}/kustomization.yaml`,
          message: 'has no owner label',
        });
      if (facts && state.environment !== facts.environment) {
        problems.push({
          path: dir,
          message: `is a ${state.environment} namespace on ${facts.environment} cluster '${cluster}'`,
        });
      }
      for (const { field, value, limit } of quotaFieldsAbove(
        state.quota,
        ownValue(settings.policy.maxQuota, state.environment),
      )) {
        problems.push({
          path: `${dir}/resourcequota.yaml`,
          message: `${field.hardKey} ${value} is above the ${state.environment} maximum of ${limit}`,
        });
      }
      const classes = facts?.storageClasses ?? [];
      for (const storageClass of Object.keys(state.quota.storageClasses)) {
        if (!classes.includes(storageClass))
          problems.push({
            path: `${dir}/resourcequota.yaml`,
            message: `storage class '${storageClass}' is not offered on cluster '${cluster}'`,
          });
      }
      for (const vm of state.vms) {
        for (const disk of vm.disks) {
          if (disk.storageClass && !classes.includes(disk.storageClass)) {
            problems.push({
              path: `${dir}/vm-${vm.name}.yaml`,
              message: `disk ${disk.name}: storage class '${disk.storageClass}' is not offered on cluster '${cluster}'`,
            });
          }
        }
      }
      for (const shortfall of vmQuotaShortfalls(
        state.vms,
        state.quota,
        settings.vmOverhead,
      )) {
        problems.push({ path: dir, message: shortfall.message });
      }
      if (state.expires !== undefined) {
        if (state.environment === 'prod')
          problems.push({
            path: `${dir}/kustomization.yaml`,
            message: 'prod namespaces must not expire',
          });
        else if (state.expires < today)
          problems.push({
            path: dir,
            message: `expired on ${state.expires}: decommission it or extend the expiry`,
          });
      }
    }
  }

  const owners = readCodeowners(repo.get(CODEOWNERS_PATH));
  for (const dir of [...folders].sort()) {
    const lead = owners.get(dir);
    if (!lead || lead.length === 0) {
      problems.push({
        path: CODEOWNERS_PATH,
        message: `has no owners for /${dir}/`,
      });
      continue;
    }
    const state = namespaces.find(
      ns => namespaceDir(ns.cluster, ns.name) === dir,
    );
    if (
      state?.environment === 'prod' &&
      lead.length < settings.policy.prodMinApprovers
    ) {
      problems.push({
        path: CODEOWNERS_PATH,
        message: `/${dir}/ is prod and needs at least ${settings.policy.prodMinApprovers} owners (has ${lead.length})`,
      });
    }
  }
  // The teams' cost summaries: one true entry per readable namespace, nothing else; each team's folder owned.
  const expected = new Map(
    namespaces.map(ns => [spendEntryPath(ns.team, ns.cluster, ns.name), ns]),
  );
  const unreadableFolders = new Set(
    problems
      .map(p => p.path)
      .filter(p => p.startsWith('clusters/'))
      .map(p => p.split('/').slice(0, 4).join('/')),
  );
  const spendTeams = new Set<string>();
  for (const path of [...repo.keys()]
    .filter(p => p.startsWith(`${SPEND_ROOT}/`))
    .sort()) {
    const where = parseSpendEntryPath(path);
    if (!where) {
      problems.push({
        path,
        message:
          'is not a cost summary entry (.kubeportal/spend/<team>/<cluster>/<namespace>.yaml)',
      });
      continue;
    }
    spendTeams.add(where.team);
    const ns = expected.get(path);
    if (!ns) {
      if (
        !unreadableFolders.has(namespaceDir(where.cluster, where.namespace))
      ) {
        problems.push({
          path,
          message: `summarises namespace '${where.namespace}' on cluster '${where.cluster}' for team '${where.team}', which the repository does not have`,
        });
      }
      continue;
    }
    let entry;
    try {
      entry = parseSpendEntry(repo.get(path)!, path);
    } catch (error) {
      problems.push({
        path,
        message: (error as Error).message.slice(path.length + 2),
      });
      continue;
    }
    const actual = namespaceCost(ns, settings.prices);
    if (
      entry.monthly.total !== actual.total ||
      entry.currency !== settings.prices.currency
    ) {
      problems.push({
        path,
        message: `says ${formatMoney(
          entry.monthly.total,
          entry.currency,
        )} a month, but the namespace costs ${formatMoney(
          actual.total,
          settings.prices.currency,
        )}`,
      });
    }
  }
  for (const [path, ns] of expected) {
    if (!repo.has(path))
      problems.push({
        path,
        message: `is missing: the cost summary of team '${ns.team}' lacks namespace '${ns.name}' on cluster '${ns.cluster}'`,
      });
  }
  for (const team of [...spendTeams].sort()) {
    const dir = spendDir(team);
    folders.add(dir);
    if (!owners.get(dir)?.length)
      problems.push({
        path: CODEOWNERS_PATH,
        message: `has no owners for /${dir}/`,
      });
  }

  for (const dir of [...owners.keys()].sort()) {
    if (!folders.has(dir))
      problems.push({
        path: CODEOWNERS_PATH,
        message: `names owners for /${dir}/, which does not exist`,
      });
  }

  for (const { team, monthly } of costPerTeam(namespaces, settings.prices)) {
    const budget =
      ownValue(settings.policy.teamBudgets, team) ??
      settings.policy.defaultTeamBudget;
    if (budget !== undefined && monthly > toMicro(budget)) {
      problems.push({
        path: 'clusters/',
        message: `team '${team}' spends ${formatMoney(
          monthly,
          settings.prices.currency,
        )} a month, above its budget of ${formatMoney(
          toMicro(budget),
          settings.prices.currency,
        )}`,
      });
    }
  }
  return problems;
}
