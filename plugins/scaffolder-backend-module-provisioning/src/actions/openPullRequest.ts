import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { PlannerFactory } from '../planner';
import { REQUEST_INPUT_DESCRIPTION } from './requestInput';
import { pullRequestExamples } from './openPullRequest.examples';

/**
 * `provisioning:github:pull-request`: opens (or, on a re-run, updates) the request's pull request on the GitOps
 * repository with the Git Data API, reviewed by the owning team's project leads and labelled. Idempotent: the
 * branch derives from the request id, and the checkpoint key too.
 *
 * @public
 */
export function createOpenPullRequestAction(options: { planner: PlannerFactory; portalUrl?: string }) {
  return createTemplateAction({
    id: 'provisioning:github:pull-request',
    description: 'Opens or updates the pull request of a provisioning request on the GitOps repository.',
    examples: pullRequestExamples,
    supportsDryRun: true,
    schema: {
      input: { request: z => z.record(z.string(), z.unknown()).describe(REQUEST_INPUT_DESCRIPTION) },
      output: {
        pullRequestUrl: z => z.string().describe('Pull request on GitHub'),
        pullRequestNumber: z => z.number(),
        branch: z => z.string(),
        requestId: z => z.string(),
      },
    },
    async handler(ctx) {
      const planner = await options.planner(() => ctx.getInitiatorCredentials());
      const plan = await planner.plan(ctx.input.request);
      ctx.output('requestId', plan.result.requestId);
      ctx.output('branch', plan.branch);
      if (ctx.isDryRun) {
        ctx.logger.info(`Dry run: would write ${plan.result.changes.length} files to branch ${plan.branch} of ${plan.gitops.owner}/${plan.gitops.repo}`);
        ctx.output('pullRequestUrl', '');
        ctx.output('pullRequestNumber', 0);
        return;
      }
      const links = {
        portal: options.portalUrl ? `${options.portalUrl}/provisioning/requests/${plan.result.requestId}` : undefined,
        task: options.portalUrl && ctx.task?.id ? `${options.portalUrl}/create/tasks/${ctx.task.id}` : undefined,
      };
      const pull = await ctx.checkpoint({
        key: `provisioning.pull-request.${plan.result.requestId}`,
        fn: async () => {
          const result = await planner.openPullRequest(plan, links);
          return { url: result.url, number: result.number };
        },
      });
      ctx.logger.info(`Pull request #${pull.number}: ${pull.url}`);
      ctx.output('pullRequestUrl', pull.url);
      ctx.output('pullRequestNumber', pull.number);
    },
  });
}
