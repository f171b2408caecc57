import { Environment, PlatformSettings, QuotaValues } from './config';
import { formatMoney, toMicro } from './cost';
import { readCodeowners } from './gitops/codeowners';
import { CODEOWNERS_PATH, namespaceDir } from './gitops/layout';
import { applyChanges, readNamespace } from './gitops/state';
import { teamSpend } from './gitops/spend';
import { RepoSnapshot } from './manifests/types';
import { quotaFieldsAbove } from './quotaFields';
import { RenderResult } from './render';
import { ProvisioningRequest } from './requests/schemas';
import { ownValue } from './validation';
import { vmImageSourceProblems } from './vmImageSources';

/** One policy rule a request breaks. */
export interface PolicyViolation {
  /** Field path in the request, e.g. `quota.requestsCpu`. */
  path: string;
  /** Rule id, stable for dashboards: `max-quota`, `team-budget`, `storage-class`, `network`, `prod-expiry`, `prod-approvers`, `max-expiry`, `environment`, `vm-image-source`. */
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

function maxQuotaViolations(
  quota: QuotaValues,
  max: Partial<QuotaValues> | undefined,
  environment: Environment,
): PolicyViolation[] {
  return quotaFieldsAbove(quota, max).map(({ field, value, limit }) => ({
    path: `quota.${field.field}`,
    rule: 'max-quota',
    message: `${field.hardKey} ${value} is above the ${environment} maximum of ${limit}`,
  }));
}

const DAY_MS = 86_400_000;

/**
 * Checks a rendered request against the platform policy: per-environment maximum quota, the team's budget across
 * every cluster after the change, storage classes and networks the cluster offers, the environment matching the
 * cluster's, and the prod rules (no expiry, enough approvers). `today` is `YYYY-MM-DD` (kept as input: pure).
 * `team` gives the owning team's project leads from the catalog (who approves); without it, the approvers are
 * read from CODEOWNERS. The team's spend is read from its cost summary (see `teamSpend`).
 *
 * A malformed file the request does not read does not stop the check (`validateRepository` reports it); an
 * unreadable cost summary entry of the request's own team is a `team-budget` violation naming the file whenever
 * the change costs more. A malformed folder the request touches throws its `RepositoryFileError`.
 */
export function evaluatePolicy(
  request: ProvisioningRequest,
  result: RenderResult,
  repo: RepoSnapshot,
  settings: PlatformSettings,
  today: string,
  team?: { projectLeads: string[] },
): PolicyResult {
  const violations: PolicyViolation[] = [];
  const facts = settings.clusters.find(c => c.name === request.cluster);
  const after = applyChanges(repo, result.changes);
  const ns =
    readNamespace(after, result.cluster, result.namespace) ??
    readNamespace(repo, result.cluster, result.namespace);
  const environment: Environment =
    request.kind === 'namespace'
      ? request.environment
      : ns?.environment ?? facts?.environment ?? 'dev';

  if (
    facts &&
    request.kind === 'namespace' &&
    facts.environment !== request.environment
  ) {
    violations.push({
      path: 'environment',
      rule: 'environment',
      message: `${request.environment} namespaces do not belong on cluster '${facts.name}', which is ${facts.environment}`,
    });
  }
  if (
    (request.kind === 'namespace' || request.kind === 'quota-change') &&
    result.quota
  ) {
    violations.push(
      ...maxQuotaViolations(
        result.quota,
        ownValue(settings.policy.maxQuota, environment),
        environment,
      ),
    );
  }

  const allowedClasses = facts?.storageClasses ?? [];
  const classUse: Array<[string, string]> = [];
  if (
    (request.kind === 'namespace' || request.kind === 'quota-change') &&
    'custom' in request.quota
  ) {
    for (const storageClass of Object.keys(request.quota.custom.storageClasses))
      classUse.push([
        `quota.custom.storageClasses.${storageClass}`,
        storageClass,
      ]);
  }
  if (request.kind === 'vm') {
    if (request.rootDisk.storageClass)
      classUse.push(['rootDisk.storageClass', request.rootDisk.storageClass]);
    request.dataDisks.forEach(
      (d, i) =>
        d.storageClass &&
        classUse.push([`dataDisks[${i}].storageClass`, d.storageClass]),
    );
    if (
      request.network.type === 'multus' &&
      !(facts?.networks ?? []).includes(request.network.name)
    ) {
      violations.push({
        path: 'network.name',
        rule: 'network',
        message: `network '${
          request.network.name
        }' is not offered on cluster '${request.cluster}' (offered: ${
          (facts?.networks ?? []).join(', ') || 'none'
        })`,
      });
    }
    // the root disk's source follows the allow-list: another team's namespace or an unknown host is refused
    for (const problem of vmImageSourceProblems(
      request.namespace,
      request.rootDisk.source,
      settings.policy.vmImages,
    )) {
      violations.push({ ...problem, rule: 'vm-image-source' });
    }
  }
  for (const [path, storageClass] of classUse) {
    if (!allowedClasses.includes(storageClass)) {
      violations.push({
        path,
        rule: 'storage-class',
        message: `storage class '${storageClass}' is not offered on cluster '${
          request.cluster
        }' (offered: ${allowedClasses.join(', ') || 'none'})`,
      });
    }
  }

  if (request.kind === 'namespace' && request.expires) {
    if (environment === 'prod') {
      violations.push({
        path: 'expires',
        rule: 'prod-expiry',
        message: 'prod namespaces must not expire: leave the expiry date empty',
      });
    } else if (request.expires <= today) {
      violations.push({
        path: 'expires',
        rule: 'max-expiry',
        message: `must be after today (${today})`,
      });
    } else if (settings.policy.maxExpiryDays !== undefined) {
      const days = Math.round(
        (Date.parse(`${request.expires}T00:00:00Z`) -
          Date.parse(`${today}T00:00:00Z`)) /
          DAY_MS,
      );
      if (days > settings.policy.maxExpiryDays) {
        violations.push({
          path: 'expires',
          rule: 'max-expiry',
          message: `is ${days} days away; at most ${settings.policy.maxExpiryDays} are allowed`,
        });
      }
    }
  }
  if (environment === 'prod' && request.kind !== 'decommission') {
    const approvers = team
      ? new Set(team.projectLeads).size
      : readCodeowners(repo.get(CODEOWNERS_PATH)).get(
          namespaceDir(result.cluster, result.namespace),
        )?.length ?? 0;
    if (approvers < settings.policy.prodMinApprovers) {
      violations.push({
        path: request.kind === 'namespace' ? 'team' : 'namespace',
        rule: 'prod-approvers',
        message: `prod changes need at least ${
          settings.policy.prodMinApprovers
        } project leads to approve; team '${result.team}' has ${approvers} ${
          team ? 'in the catalog' : 'in CODEOWNERS'
        }`,
      });
    }
  }

  // The team's spend is its cost summary after the change (gitops/spend.ts): only the team's own entries are
  // read, and an unreadable entry leaves the spend unknown, which a change that costs more must not pass unchecked.
  const spend = teamSpend(after, result.team);
  const teamMonthlyAfter = spend.total;
  const budgetSetting =
    ownValue(settings.policy.teamBudgets, result.team) ??
    settings.policy.defaultTeamBudget;
  const teamBudget =
    budgetSetting === undefined ? undefined : toMicro(budgetSetting);
  const costsMore = result.cost.after.total > result.cost.before.total;
  const budgetPath = request.kind === 'vm' ? 'name' : 'quota';
  if (teamBudget !== undefined && teamMonthlyAfter > teamBudget && costsMore) {
    violations.push({
      path: budgetPath,
      rule: 'team-budget',
      message: `team '${result.team}' would spend ${formatMoney(
        teamMonthlyAfter,
        settings.prices.currency,
      )} a month, above its budget of ${formatMoney(
        teamBudget,
        settings.prices.currency,
      )}`,
    });
  }
  if (teamBudget !== undefined && costsMore) {
    for (const problem of spend.problems) {
      violations.push({
        path: budgetPath,
        rule: 'team-budget',
        message: `the budget of team '${result.team}' cannot be checked: ${problem.path}: ${problem.message}`,
      });
    }
  }
  return { violations, team: result.team, teamMonthlyAfter, teamBudget };
}
