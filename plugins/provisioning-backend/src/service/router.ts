import { HttpAuthService, LoggerService, RootConfigService } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { dropBlankFields, formatMoney, quotaChoiceSchema, quotaCost, quotaProblems, resolveQuota, zodProblems } from '@kubeportal/plugin-provisioning-common';
import { catalogTeams, ClusterConnection, lookupNamespace, readClusterConnections, readPlatformSettings, RequestPlanner } from '@kubeportal/plugin-provisioning-node';
import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';

/** Dependencies of the provisioning REST router. */
export interface RouterOptions {
  config: RootConfigService;
  logger: LoggerService;
  httpAuth: HttpAuthService;
  catalog: CatalogService;
}

const previewBody = z.object({ request: z.record(z.string(), z.unknown()) });

/** Builds the provisioning REST router: health, clusters, tiers and request preview. */
export async function createRouter(options: RouterOptions): Promise<express.Router> {
  const { config, logger, httpAuth, catalog } = options;
  // read and validated once, at start-up: a bad configuration names its path and stops the backend
  const settings = readPlatformSettings(config);
  const clusters: ClusterConnection[] = readClusterConnections(config);
  const router = Router();
  router.use(express.json({ limit: '1mb' }));

  router.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });

  // Clusters with their health; one that is down or denies access is reported as such, the others are served.
  router.get('/clusters', async (_req, res) => {
    const items = await Promise.all(
      clusters.map(async cluster => {
        const probe = await lookupNamespace(cluster, 'kube-system');
        return {
          name: cluster.name,
          title: cluster.title ?? cluster.name,
          environment: cluster.environment,
          site: cluster.site,
          storageClasses: cluster.storageClasses,
          networks: cluster.networks,
          health: probe.state === 'unreachable' ? 'unreachable' : 'ok',
          ...(probe.state === 'unreachable' ? { message: probe.reason } : {}),
        };
      }),
    );
    res.json({ items });
  });

  router.get('/tiers', (_req, res) => {
    res.json({
      currency: settings.prices.currency,
      items: Object.entries(settings.tiers).map(([name, quota]) => ({
        name,
        quota,
        monthlyCost: formatMoney(quotaCost(quota, 0, settings.prices).total, settings.prices.currency),
      })),
    });
  });

  // Checks a quota choice as the form is filled in: every broken rule with its field, and the monthly cost.
  router.post('/quota', async (req, res) => {
    const parsed = quotaChoiceSchema.safeParse(dropBlankFields(req.body?.quota));
    if (!parsed.success) {
      res.json({ problems: zodProblems(parsed.error, ['quota']) });
      return;
    }
    const { quota, problems } = resolveQuota(parsed.data, settings);
    if (!quota) {
      res.json({ problems });
      return;
    }
    const rules = quotaProblems(quota);
    res.json({
      problems: rules,
      ...(rules.length === 0 ? { monthlyCost: formatMoney(quotaCost(quota, 0, settings.prices).total, settings.prices.currency) } : {}),
    });
  });

  // The exact files a request's pull request would contain, with cost and policy, rendered by the same code.
  router.post('/preview', async (req, res) => {
    const body = previewBody.safeParse(req.body);
    if (!body.success) throw new InputError('request: the body must be { "request": { ... } }');
    const credentials = await httpAuth.credentials(req);
    const planner = RequestPlanner.fromConfig(config, { teams: catalogTeams(catalog, credentials), logger });
    const plan = await planner.plan(body.data.request);
    res.json({
      requestId: plan.result.requestId,
      title: plan.result.title,
      branch: plan.branch,
      files: plan.result.changes.map(c => ({ path: c.path, content: c.content })),
      summary: plan.result.summary,
      cost: {
        before: formatMoney(plan.result.cost.before.total, plan.result.cost.currency),
        after: formatMoney(plan.result.cost.after.total, plan.result.cost.currency),
        teamAfter: formatMoney(plan.policy.teamMonthlyAfter, plan.result.cost.currency),
        teamBudget: plan.policy.teamBudget === undefined ? null : formatMoney(plan.policy.teamBudget, plan.result.cost.currency),
      },
      violations: plan.policy.violations,
    });
  });

  logger.info(`Provisioning API ready with ${clusters.length} clusters`);
  return router;
}
