import {
  AuthService,
  BackstageCredentials,
  BackstageUserPrincipal,
  HttpAuthService,
  LoggerService,
  PermissionsRegistryService,
  PermissionsService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import {
  InputError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  dropBlankFields,
  entityRef,
  formatMoney,
  quotaChoiceSchema,
  quotaCost,
  quotaProblems,
  resolveQuota,
  zodProblems,
} from '@kubeportal/plugin-provisioning-common';
import {
  cachedClusterCapacity,
  catalogTeams,
  clusterHealth,
  ClusterStateKindStatus,
  namespaceState,
  namespaceTeam,
  NamespaceReadAccess,
  ProvisioningService,
  requesterOf,
  teamSummary,
  virtualMachineState,
} from '@kubeportal/plugin-provisioning-node';
import express from 'express';
import { rateLimit } from 'express-rate-limit';
import Router from 'express-promise-router';
import { z } from 'zod';
import {
  provisioningNamespaceResourceRef,
  RequestAccess,
} from '@kubeportal/plugin-provisioning-node';

/** How long a user's read decision and platform membership are kept (see `reader`). */
const READER_TTL_MS = 5_000;
/** Users whose decisions are kept at most (beyond it, expired ones are dropped, then all). */
const MAX_READERS = 10_000;

/** Dependencies of the provisioning REST router. */
export interface RouterOptions {
  /** The backend's provisioning service: configuration read once, cluster clients, planner. */
  provisioning: ProvisioningService;
  logger: LoggerService;
  auth: AuthService;
  httpAuth: HttpAuthService;
  userInfo: UserInfoService;
  catalog: CatalogService;
  /** Decides the portal's permissions (`provisioning.request.*`) for the signed-in user. */
  permissions: PermissionsService;
  permissionsRegistry: PermissionsRegistryService;
}

const previewBody = z.object({
  request: z.record(z.string(), z.unknown()),
  updateOpenRequest: z.boolean().optional(),
});

const nameBody = z.object({
  kind: z.enum(['namespace', 'vm']),
  cluster: z.string().min(1),
  name: z.string().min(1),
  namespace: z.string().min(1).optional(),
});

/**
 * How long the first reads after start wait for every cluster's first answer (synced, or failed in a reported way).
 * Later reads never wait: they serve what the cache holds, with its state and age.
 */
const FIRST_ANSWER_WAIT_MS = 5000;

/** A kind's status as a user may see it: the cluster's own last error only for the platform team. */
function withoutOwnError(
  status: ClusterStateKindStatus,
  isPlatform: boolean,
): ClusterStateKindStatus {
  if (isPlatform || !status.lastError) return status;
  const { lastError: _ownWords, ...rest } = status;
  return rest;
}

/** Builds the provisioning REST router: health, clusters, tiers, request checks and preview, and live state. */
export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const {
    provisioning,
    logger,
    auth,
    httpAuth,
    userInfo,
    catalog,
    permissions,
    permissionsRegistry,
  } = options;
  // read and validated once, at start-up (createProvisioningService): a bad configuration stops the backend
  const { settings } = provisioning.config;
  const router = Router();
  router.use(express.json({ limit: '1mb' }));
  // Each form check reads GitHub (the shared reads last a few seconds): one user may ask for only so many a minute,
  // so nobody spends the portal's GitHub rate limit for everyone.
  const formChecks = rateLimit({
    windowMs: 60_000,
    limit: provisioning.config.formChecksPerMinute,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    keyGenerator: async req =>
      (await httpAuth.credentials(req, { allow: ['user'] })).principal
        .userEntityRef,
    handler: (_req, res, _next, limiter) => {
      res.status(429).json({
        error: {
          name: 'TooManyRequestsError',
          message: `at most ${limiter.limit} checks a minute per user: wait a minute and check again`,
        },
      });
    },
  });
  const requirePlanner = () => {
    const planner = provisioning.gitops?.planner;
    if (!planner)
      throw new ServiceUnavailableError(
        'provisioning.gitops is not configured, so requests cannot be checked',
      );
    return planner;
  };

  router.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });

  /** Starts the watches on first use, and waits (a bounded time) for the first answers of every cluster. */
  let firstAnswers: Promise<void> | undefined;
  const cacheReady = async () => {
    firstAnswers ??= provisioning.state
      .start()
      .then(() => provisioning.state.settled());
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      firstAnswers,
      new Promise<void>(resolve => {
        timer = setTimeout(resolve, FIRST_ANSWER_WAIT_MS);
      }),
    ]);
    clearTimeout(timer);
  };
  const isPlatformMember = async (
    credentials: BackstageCredentials<BackstageUserPrincipal>,
  ) =>
    (await userInfo.getUserInfo(credentials)).ownershipEntityRefs.includes(
      provisioning.config.platformTeam,
    );
  const environments = new Map(
    provisioning.config.clusters.map(c => [c.name, c.environment]),
  );
  const askNamespaceReadAccess = (
    credentials: BackstageCredentials<BackstageUserPrincipal>,
  ) =>
    NamespaceReadAccess.of(credentials, {
      permissions,
      rules: permissionsRegistry.getPermissionRuleset(
        provisioningNamespaceResourceRef,
      ),
      environmentOf: cluster => environments.get(cluster),
    });

  // A user's read decision and platform membership, kept for READER_TTL_MS: an open page reads every few seconds
  // and 50 of them would otherwise ask the permission backend 50 times a second for the same answer. A change of
  // the user's teams or of the policy takes effect within that time (teams change at a catalog refresh anyway).
  const readers = new Map<
    string,
    {
      at: number;
      reader: Promise<{ access: NamespaceReadAccess; isPlatform: boolean }>;
    }
  >();
  const reader = (
    credentials: BackstageCredentials<BackstageUserPrincipal>,
  ) => {
    const key = credentials.principal.userEntityRef;
    const now = Date.now();
    const kept = readers.get(key);
    if (kept && now - kept.at < READER_TTL_MS) return kept.reader;
    if (readers.size >= MAX_READERS)
      for (const [k, v] of readers)
        if (now - v.at >= READER_TTL_MS) readers.delete(k);
    if (readers.size >= MAX_READERS) readers.clear();
    const made = Promise.all([
      askNamespaceReadAccess(credentials),
      isPlatformMember(credentials),
    ]).then(([access, isPlatform]) => ({ access, isPlatform }));
    readers.set(key, { at: now, reader: made });
    // a failed ask is not kept: the next request asks again
    made.catch(() => {
      if (readers.get(key)?.reader === made) readers.delete(key);
    });
    return made;
  };

  /** Whether the caller may read a namespace the cache holds, decided on its owner alone. */
  const mayReadNamespace = (
    access: NamespaceReadAccess,
    cluster: string,
    name: string,
  ) => {
    const ns = provisioning.state.get(
      cluster,
      'namespaces',
      undefined,
      name,
    ).item;
    const team = ns ? namespaceTeam(ns) : undefined;
    return team !== undefined && access.may({ cluster, name, team });
  };

  // Clusters with their health and capacity, from the watch cache (no Kubernetes call per request): one that is
  // down or denies access is reported as such, the others are served. Only the platform team sees the clusters'
  // own error messages. Capacity is an aggregate over every team's namespaces and VMs; it names none of them.
  router.get('/clusters', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const ownWords = await isPlatformMember(credentials);
    await cacheReady();
    const items = provisioning.config.clusters.map(cluster => ({
      name: cluster.name,
      title: cluster.title ?? cluster.name,
      environment: cluster.environment,
      site: cluster.site,
      storageClasses: cluster.storageClasses,
      networks: cluster.networks,
      ...clusterHealth(provisioning.state.status(cluster.name), { ownWords }),
      capacity: cachedClusterCapacity(
        provisioning.state,
        cluster.name,
        settings.vmOverhead,
      ),
    }));
    res.json({ items });
  });

  router.get('/tiers', (_req, res) => {
    res.json({
      currency: settings.prices.currency,
      items: Object.entries(settings.tiers).map(([name, quota]) => ({
        name,
        quota,
        monthlyCost: formatMoney(
          quotaCost(quota, 0, settings.prices).total,
          settings.prices.currency,
        ),
      })),
    });
  });

  // Checks a quota choice as the form is filled in: every broken rule with its field, and the monthly cost.
  router.post('/quota', async (req, res) => {
    const parsed = quotaChoiceSchema.safeParse(
      dropBlankFields(req.body?.quota),
    );
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
      ...(rules.length === 0
        ? {
            monthlyCost: formatMoney(
              quotaCost(quota, 0, settings.prices).total,
              settings.prices.currency,
            ),
          }
        : {}),
    });
  });

  // The exact files a request's pull request would contain, with cost and policy, rendered by the same code.
  router.post('/preview', formChecks, async (req, res) => {
    const body = previewBody.safeParse(req.body);
    if (!body.success)
      throw new InputError(
        'request: the body must be { "request": { ... }, "updateOpenRequest"?: boolean }',
      );
    const planner = requirePlanner();
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const requester = await requesterOf(credentials, { auth, userInfo });
    // the portal's permissions (the kind, prod, decommission, for the team): the planner checks them before and after it reads the repository
    const rules = permissionsRegistry.getPermissionRuleset(
      provisioningNamespaceResourceRef,
    );
    const access = await RequestAccess.of(credentials, {
      permissions,
      rules,
      clusters: settings.clusters,
    });
    const plan = await planner.plan(
      body.data.request,
      { requester, teams: catalogTeams(catalog, credentials), access },
      // the live facts as they are now: what the user sees is what the task will find
      { updateOpenRequest: body.data.updateOpenRequest, fresh: true },
    );
    res.json({
      requestId: plan.result.requestId,
      title: plan.result.title,
      branch: plan.branch,
      files: plan.result.changes.map(c => ({
        path: c.path,
        content: c.content,
      })),
      summary: plan.result.summary,
      cost: {
        before: formatMoney(
          plan.result.cost.before.total,
          plan.result.cost.currency,
        ),
        after: formatMoney(
          plan.result.cost.after.total,
          plan.result.cost.currency,
        ),
        teamAfter: formatMoney(
          plan.policy.teamMonthlyAfter,
          plan.result.cost.currency,
        ),
        teamBudget:
          plan.policy.teamBudget === undefined
            ? null
            : formatMoney(plan.policy.teamBudget, plan.result.cost.currency),
      },
      baseSha: plan.base.sha,
      violations: plan.policy.violations,
      problems: plan.problems,
      // exactly what the task checks: it passes when this is true, for this request on this commit
      ready: plan.problems.length === 0,
      openRequest: plan.openRequest
        ? {
            number: plan.openRequest.number,
            url: plan.openRequest.url,
            files: plan.openRequest.files,
          }
        : null,
      updateOpenRequest: plan.updateOpenRequest,
    });
  });

  // A name as the form's first step has it: free on the cluster and in the repository, not in an open pull request.
  router.post('/names', formChecks, async (req, res) => {
    const body = nameBody.safeParse(req.body);
    if (!body.success)
      throw new InputError(
        `the body must be { kind: 'namespace' | 'vm', cluster, name, namespace? }: ${body.error.issues
          .map(i => `${i.path.join('.') || 'body'}: ${i.message}`)
          .join('; ')}`,
      );
    const planner = requirePlanner();
    if (!settings.clusters.some(c => c.name === body.data.cluster)) {
      res.json({
        problems: [
          {
            path: 'cluster',
            rule: 'cluster',
            message: `'${body.data.cluster}' is not one of the configured clusters`,
          },
        ],
        notices: [],
      });
      return;
    }
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const requester = await requesterOf(credentials, { auth, userInfo });
    res.json(await planner.checkName(body.data, requester));
  });

  // The namespaces of the user's teams, with the room each leaves for a VM and the VM sizes that fit.
  router.get('/namespaces', formChecks, async (req, res) => {
    const planner = requirePlanner();
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const requester = await requesterOf(credentials, { auth, userInfo });
    const cluster =
      typeof req.query.cluster === 'string' ? req.query.cluster : undefined;
    const items = await planner.namespacesOf(requester);
    res.json({
      items: cluster ? items.filter(ns => ns.cluster === cluster) : items,
    });
  });

  // Live state of one namespace, from the watch cache (no Kubernetes call per request): only for users the
  // permission policy lets read it; to everybody else it does not exist, so its existence does not leak.
  router.get(
    '/clusters/:cluster/namespaces/:namespace/state',
    async (req, res) => {
      const credentials = await httpAuth.credentials(req, { allow: ['user'] });
      const { cluster, namespace } = req.params;
      const notFound = () =>
        new NotFoundError(
          `no namespace '${namespace}' on cluster '${cluster}' that you may read`,
        );
      // the permission first, then only the namespace's owner: nothing is assembled for a caller who may not read
      // it, and a namespace that exists costs no more time to refuse than one that does not
      const { access, isPlatform } = await reader(credentials);
      if (!provisioning.state.clusters().includes(cluster)) throw notFound();
      await cacheReady();
      if (!mayReadNamespace(access, cluster, namespace)) throw notFound();
      const state = namespaceState(provisioning.state, cluster, namespace);
      if (!state?.team) throw notFound();
      res.json({
        ...state,
        // the clusters' own error messages (addresses, accounts) are the platform team's
        sources: state.sources.map(source =>
          withoutOwnError(source, isPlatform),
        ),
      });
    },
  );

  // Live state of one VM, with its DataVolumes and its namespace's team, under the namespace's rule: a VM in a
  // namespace the caller may not read, in a namespace that does not exist, or that does not exist, is one answer.
  router.get(
    '/clusters/:cluster/namespaces/:namespace/vms/:vm/state',
    async (req, res) => {
      const credentials = await httpAuth.credentials(req, { allow: ['user'] });
      const { cluster, namespace, vm } = req.params;
      const notFound = () =>
        new NotFoundError(
          `no VM '${vm}' in namespace '${namespace}' on cluster '${cluster}' that you may read`,
        );
      const { access, isPlatform } = await reader(credentials);
      if (!provisioning.state.clusters().includes(cluster)) throw notFound();
      await cacheReady();
      if (!mayReadNamespace(access, cluster, namespace)) throw notFound();
      const state = virtualMachineState(
        provisioning.state,
        cluster,
        namespace,
        vm,
      );
      if (!state?.team) throw notFound();
      res.json({
        ...state,
        sources: state.sources.map(source =>
          withoutOwnError(source, isPlatform),
        ),
      });
    },
  );

  // A team's namespaces and VMs on every cluster, from the watch cache: only the namespaces the caller may read.
  // A team whose namespaces the caller may read none of, and a team that does not exist, both answer as a team
  // with no namespaces, so neither the team's namespaces nor their number leak.
  router.get('/teams/:team/summary', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const team = entityRef('group').safeParse(req.params.team);
    if (!team.success)
      throw new InputError(
        `team: ${team.error.issues.map(i => i.message).join('; ')}`,
      );
    await cacheReady();
    const { access, isPlatform } = await reader(credentials);
    res.json(
      teamSummary(provisioning.state, team.data, {
        may: namespace => access.may(namespace),
        ownWords: isPlatform,
      }),
    );
  });

  logger.info(
    `Provisioning API ready with ${provisioning.clusters.clusters.length} clusters`,
  );
  return router;
}
