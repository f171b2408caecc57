import { Environment, PlatformSettings, QuotaValues } from './config';
import { formatMoney, teamCost, toMicro } from './cost';
import { readCodeowners } from './gitops/codeowners';
import { CODEOWNERS_PATH, clustersIn, namespaceDir } from './gitops/layout';
import { applyChanges, readAllNamespaces, readNamespace } from './gitops/state';
import { RepoSnapshot } from './manifests/types';
import { parseQuantity } from './quantity';
import { RenderResult } from './render';
import { ProvisioningRequest } from './requests/schemas';

/** One policy rule a request breaks. */
export interface PolicyViolation {
  /** Field path in the request, e.g. `quota.requestsCpu`. */
  path: string;
  /** Rule id, stable for dashboards: `max-quota`, `team-budget`, `storage-class`, `network`, `prod-expiry`, `prod-approvers`, `max-expiry`, `environment`. */
  rule: string;
  message: string;
}

/** The outcome of a policy check, with the team's spend for the pull request body. */
export interface PolicyResult {
  violations: PolicyViolation[];
  team: string;
  teamMonthlyAfter: bigint;
  teamBudget?: bigint;
}

const QUANTITY_FIELDS: Array<[keyof QuotaValues, string, 'quantity' | 'count']> = [
  ['requestsCpu', 'requests.cpu', 'quantity'],
  ['limitsCpu', 'limits.cpu', 'quantity'],
  ['requestsMemory', 'requests.memory', 'quantity'],
  ['limitsMemory', 'limits.memory', 'quantity'],
  ['requestsStorage', 'requests.storage', 'quantity'],
  ['persistentVolumeClaims', 'persistentvolumeclaims', 'count'],
  ['pods', 'pods', 'count'],
  ['services', 'services', 'count'],
  ['loadBalancers', 'services.loadbalancers', 'count'],
  ['nodePorts', 'services.nodeports', 'count'],
];

function maxQuotaViolations(quota: QuotaValues, max: Partial<QuotaValues> | undefined, environment: Environment): PolicyViolation[] {
  if (!max) return [];
  const out: PolicyViolation[] = [];
  for (const [field, key, type] of QUANTITY_FIELDS) {
    const limit = max[field];
    if (limit === undefined) continue;
    const over =
      type === 'quantity'
        ? parseQuantity(quota[field] as string) > parseQuantity(limit as string)
        : (quota[field] as number) > (limit as number);
    if (over) {
      out.push({
        path: `quota.${field}`,
        rule: 'max-quota',
        message: `${key} ${quota[field]} is above the ${environment} maximum of ${limit}`,
      });
    }
  }
  return out;
}

const DAY_MS = 86_400_000;

/**
 * Checks a rendered request against the platform policy: per-environment maximum quota, the team's budget across
 * every cluster after the change, storage classes and networks the cluster offers, the environment matching the
 * cluster's, and the prod rules (no expiry, enough approvers). `today` is `YYYY-MM-DD` (kept as input: pure).
 */
export function evaluatePolicy(
  request: ProvisioningRequest,
  result: RenderResult,
  repo: RepoSnapshot,
  settings: PlatformSettings,
  today: string,
): PolicyResult {
  const violations: PolicyViolation[] = [];
  const facts = settings.clusters.find(c => c.name === request.cluster);
  const after = applyChanges(repo, result.changes);
  const ns = readNamespace(after, result.cluster, result.namespace) ?? readNamespace(repo, result.cluster, result.namespace);
  const environment: Environment = request.kind === 'namespace' ? request.environment : ns?.environment ?? facts?.environment ?? 'dev';

  if (facts && request.kind === 'namespace' && facts.environment !== request.environment) {
    violations.push({
      path: 'environment',
      rule: 'environment',
      message: `${request.environment} namespaces do not belong on cluster '${facts.name}', which is ${facts.environment}`,
    });
  }
  if ((request.kind === 'namespace' || request.kind === 'quota-change') && result.quota) {
    violations.push(...maxQuotaViolations(result.quota, settings.policy.maxQuota[environment], environment));
  }

  const allowedClasses = facts?.storageClasses ?? [];
  const classUse: Array<[string, string]> = [];
  if ((request.kind === 'namespace' || request.kind === 'quota-change') && 'custom' in request.quota) {
    for (const storageClass of Object.keys(request.quota.custom.storageClasses)) classUse.push([`quota.custom.storageClasses.${storageClass}`, storageClass]);
  }
  if (request.kind === 'vm') {
    if (request.rootDisk.storageClass) classUse.push(['rootDisk.storageClass', request.rootDisk.storageClass]);
    request.dataDisks.forEach((d, i) => d.storageClass && classUse.push([`dataDisks[${i}].storageClass`, d.storageClass]));
    if (request.network.type === 'multus' && !(facts?.networks ?? []).includes(request.network.name)) {
      violations.push({
        path: 'network.name',
        rule: 'network',
        message: `network '${request.network.name}' is not offered on cluster '${request.cluster}' (offered: ${(facts?.networks ?? []).join(', ') || 'none'})`,
      });
    }
  }
  for (const [path, storageClass] of classUse) {
    if (!allowedClasses.includes(storageClass)) {
      violations.push({
        path,
        rule: 'storage-class',
        message: `storage class '${storageClass}' is not offered on cluster '${request.cluster}' (offered: ${allowedClasses.join(', ') || 'none'})`,
      });
    }
  }

  if (request.kind === 'namespace' && request.expires) {
    if (environment === 'prod') {
      violations.push({ path: 'expires', rule: 'prod-expiry', message: 'prod namespaces must not expire: leave the expiry date empty' });
    } else if (request.expires <= today) {
      violations.push({ path: 'expires', rule: 'max-expiry', message: `must be after today (${today})` });
    } else if (settings.policy.maxExpiryDays !== undefined) {
      const days = Math.round((Date.parse(`${request.expires}T00:00:00Z`) - Date.parse(`${today}T00:00:00Z`)) / DAY_MS);
      if (days > settings.policy.maxExpiryDays) {
        violations.push({ path: 'expires', rule: 'max-expiry', message: `is ${days} days away; at most ${settings.policy.maxExpiryDays} are allowed` });
      }
    }
  }
  if (environment === 'prod' && request.kind !== 'decommission') {
    const approvers =
      request.kind === 'namespace'
        ? new Set(request.approvers).size
        : readCodeowners(repo.get(CODEOWNERS_PATH)).get(namespaceDir(result.cluster, result.namespace))?.length ?? 0;
    if (approvers < settings.policy.prodMinApprovers) {
      violations.push({
        path: request.kind === 'namespace' ? 'approvers' : 'namespace',
        rule: 'prod-approvers',
        message: `prod changes need at least ${settings.policy.prodMinApprovers} approvers; ${approvers} ${approvers === 1 ? 'is' : 'are'} named`,
      });
    }
  }

  const all = readAllNamespaces(after, clustersIn(after.keys()));
  const teamMonthlyAfter = teamCost(all, result.team, settings.prices);
  const budgetSetting = settings.policy.teamBudgets[result.team] ?? settings.policy.defaultTeamBudget;
  const teamBudget = budgetSetting === undefined ? undefined : toMicro(budgetSetting);
  if (teamBudget !== undefined && teamMonthlyAfter > teamBudget && result.cost.after.total > result.cost.before.total) {
    violations.push({
      path: request.kind === 'vm' ? 'name' : 'quota',
      rule: 'team-budget',
      message: `team '${result.team}' would spend ${formatMoney(teamMonthlyAfter, settings.prices.currency)} a month, above its budget of ${formatMoney(teamBudget, settings.prices.currency)}`,
    });
  }
  return { violations, team: result.team, teamMonthlyAfter, teamBudget };
}
