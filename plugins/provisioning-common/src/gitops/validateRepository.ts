import { PlatformSettings, QuotaValues } from '../config';
import { vmQuotaShortfalls } from '../capacity';
import { costPerTeam, formatMoney, toMicro } from '../cost';
import { parseQuantity } from '../quantity';
import { RepoSnapshot } from '../manifests/types';
import { readCodeowners } from './codeowners';
import { parseKustomization } from './kustomization';
import { CODEOWNERS_PATH, clusterKustomizationPath, clustersIn, namespaceDir, namespacesIn } from './layout';
import { NamespaceState, readNamespace } from './state';

/** One problem found in the GitOps repository: the file (or folder) and what is wrong. */
export interface RepositoryProblem {
  path: string;
  message: string;
}

const MAX_KEYS: Array<[keyof QuotaValues, string]> = [
  ['requestsCpu', 'requests.cpu'],
  ['limitsCpu', 'limits.cpu'],
  ['requestsMemory', 'requests.memory'],
  ['limitsMemory', 'limits.memory'],
  ['requestsStorage', 'requests.storage'],
  ['persistentVolumeClaims', 'persistentvolumeclaims'],
  ['pods', 'pods'],
  ['services', 'services'],
  ['loadBalancers', 'services.loadbalancers'],
  ['nodePorts', 'services.nodeports'],
];

/**
 * The pure part of `validate`: every cluster known to the settings, every namespace folder listed by its cluster
 * kustomization and readable, the policy (maximum quotas, budgets, storage classes, prod rules), VMs within their
 * quota, and CODEOWNERS naming owners for every namespace folder (and nothing else). The command line adds the
 * kustomize build and the schema checks.
 */
export function validateRepository(repo: RepoSnapshot, settings: PlatformSettings, today: string): RepositoryProblem[] {
  const problems: RepositoryProblem[] = [];
  const namespaces: NamespaceState[] = [];
  const folders = new Set<string>();
  for (const cluster of clustersIn(repo.keys())) {
    const facts = settings.clusters.find(c => c.name === cluster);
    const clusterPath = clusterKustomizationPath(cluster);
    if (!facts) {
      problems.push({ path: clusterPath, message: `cluster '${cluster}' is not in the portal's configuration` });
    }
    let listed: string[] = [];
    try {
      listed = parseKustomization(repo.get(clusterPath)!, clusterPath).resources ?? [];
    } catch (error) {
      problems.push({ path: clusterPath, message: (error as Error).message.replace(`${clusterPath}: `, '') });
    }
    for (const ns of namespacesIn(repo.keys(), cluster)) {
      const dir = namespaceDir(cluster, ns);
      folders.add(dir);
      if (!listed.includes(`namespaces/${ns}`)) {
        problems.push({ path: dir, message: `is not listed in ${clusterPath}, so Flux does not apply it` });
      }
      let state: NamespaceState | undefined;
      try {
        state = readNamespace(repo, cluster, ns);
      } catch (error) {
        problems.push({ path: dir, message: (error as Error).message });
        continue;
      }
      if (!state) continue;
      namespaces.push(state);
      if (!state.team) problems.push({ path: `${dir}/kustomization.yaml`, message: 'has no owner label' });
      if (facts && state.environment !== facts.environment) {
        problems.push({ path: dir, message: `is a ${state.environment} namespace on ${facts.environment} cluster '${cluster}'` });
      }
      const max = settings.policy.maxQuota[state.environment];
      for (const [field, key] of MAX_KEYS) {
        const limit = max?.[field];
        if (limit === undefined) continue;
        const value = state.quota[field];
        const over = typeof value === 'number' ? value > (limit as number) : parseQuantity(value as string) > parseQuantity(limit as string);
        if (over) problems.push({ path: `${dir}/resourcequota.yaml`, message: `${key} ${value} is above the ${state.environment} maximum of ${limit}` });
      }
      const classes = facts?.storageClasses ?? [];
      for (const storageClass of Object.keys(state.quota.storageClasses)) {
        if (!classes.includes(storageClass)) problems.push({ path: `${dir}/resourcequota.yaml`, message: `storage class '${storageClass}' is not offered on cluster '${cluster}'` });
      }
      for (const vm of state.vms) {
        for (const disk of vm.disks) {
          if (disk.storageClass && !classes.includes(disk.storageClass)) {
            problems.push({ path: `${dir}/vm-${vm.name}.yaml`, message: `disk ${disk.name}: storage class '${disk.storageClass}' is not offered on cluster '${cluster}'` });
          }
        }
      }
      for (const shortfall of vmQuotaShortfalls(state.vms, state.quota, settings.vmOverhead)) {
        problems.push({ path: dir, message: shortfall.message });
      }
      if (state.expires !== undefined) {
        if (state.environment === 'prod') problems.push({ path: `${dir}/kustomization.yaml`, message: 'prod namespaces must not expire' });
        else if (state.expires < today) problems.push({ path: dir, message: `expired on ${state.expires}: decommission it or extend the expiry` });
      }
    }
  }

  const owners = readCodeowners(repo.get(CODEOWNERS_PATH));
  for (const dir of [...folders].sort()) {
    const lead = owners.get(dir);
    if (!lead || lead.length === 0) {
      problems.push({ path: CODEOWNERS_PATH, message: `has no owners for /${dir}/` });
      continue;
    }
    const state = namespaces.find(ns => namespaceDir(ns.cluster, ns.name) === dir);
    if (state?.environment === 'prod' && lead.length < settings.policy.prodMinApprovers) {
      problems.push({ path: CODEOWNERS_PATH, message: `/${dir}/ is prod and needs at least ${settings.policy.prodMinApprovers} owners (has ${lead.length})` });
    }
  }
  for (const dir of [...owners.keys()].sort()) {
    if (!folders.has(dir)) problems.push({ path: CODEOWNERS_PATH, message: `names owners for /${dir}/, which does not exist` });
  }

  for (const { team, monthly } of costPerTeam(namespaces, settings.prices)) {
    const budget = settings.policy.teamBudgets[team] ?? settings.policy.defaultTeamBudget;
    if (budget !== undefined && monthly > toMicro(budget)) {
      problems.push({
        path: 'clusters/',
        message: `team '${team}' spends ${formatMoney(monthly, settings.prices.currency)} a month, above its budget of ${formatMoney(toMicro(budget), settings.prices.currency)}`,
      });
    }
  }
  return problems;
}
