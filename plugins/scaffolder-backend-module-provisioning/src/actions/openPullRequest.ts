import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { RequestPlanner } from '@kubeportal/plugin-provisioning-node';
import { InputError } from '@backstage/errors';
import { describeProblems } from '@kubeportal/plugin-provisioning-node';
import { Initiator } from '../identity';
import { userFacing } from './userFacing';
import {
  choosesUpdate,
  requestInputSchema,
  updateOpenRequestInput,
} from './requestInput';
import { pullRequestExamples } from './openPullRequest.examples';

/**
 * `provisioning:github:pull-request`: opens (or, on a re-run, updates) the request's pull request on the GitOps
 * repository with the Git Data API, reviewed by the owning team's project leads and labelled. It always runs the
 * policy and live checks of the plan it writes, whatever the template did before; the pull request's parent is
 * the planned commit, and a branch that moved meanwhile means a new plan. Idempotent: the branch derives from the
 * request id, and the checkpoint key from the request id and the planned commit.
 *
 * @public
 */
export function createOpenPullRequestAction(options: {
  planner: RequestPlanner;
  initiator: Initiator;
  portalUrl?: string;
}) {
  return createTemplateAction({
    id: 'provisioning:github:pull-request',
    description:
      'Opens or updates the pull request of a provisioning request on the GitOps repository, after checking it.',
    examples: pullRequestExamples,
    supportsDryRun: true,
    schema: {
      input: {
        request: z =>
          requestInputSchema as unknown as ReturnType<typeof z.unknown>,
        updateOpenRequest: z =>
          updateOpenRequestInput as unknown as ReturnType<typeof z.unknown>,
      },
      output: {
        pullRequestUrl: z => z.string().describe('Pull request on GitHub'),
        pullRequestNumber: z => z.number(),
        branch: z => z.string(),
        requestId: z => z.string(),
        dismissedApprovals: z =>
          z
            .array(z.string())
            .describe('Approvals dismissed because the files changed'),
      },
    },
    async handler(ctx) {
      // a refusal reaches the task log as its message, without a stack trace
      await userFacing(async () => {
        const who = await options.initiator(
          await ctx.getInitiatorCredentials(),
        );
        if (ctx.isDryRun) {
          const plan = await options.planner.plan(ctx.input.request, who, {
            updateOpenRequest: choosesUpdate(ctx.input.updateOpenRequest),
          });
          if (plan.problems.length > 0)
            throw new InputError(describeProblems(plan.problems));
          ctx.logger.info(
            `Dry run: would write ${plan.result.changes.length} files to branch ${plan.branch} of ${plan.gitops.owner}/${plan.gitops.repo}`,
          );
          ctx.output('requestId', plan.result.requestId);
          ctx.output('branch', plan.branch);
          ctx.output('pullRequestUrl', '');
          ctx.output('pullRequestNumber', 0);
          ctx.output('dismissedApprovals', []);
          return;
        }
        const plan = await options.planner.plan(ctx.input.request, who, {
          updateOpenRequest: choosesUpdate(ctx.input.updateOpenRequest),
        });
        const links = {
          portal: options.portalUrl
            ? `${options.portalUrl}/provisioning/requests/${plan.result.requestId}`
            : undefined,
          task:
            options.portalUrl && ctx.task?.id
              ? `${options.portalUrl}/create/tasks/${ctx.task.id}`
              : undefined,
        };
        const pull = await ctx.checkpoint({
          key: `provisioning.pull-request.${plan.result.requestId}.${plan.base.sha}`,
          fn: async () => {
            const written = await options.planner.openPullRequest(
              ctx.input.request,
              who,
              links,
              { updateOpenRequest: choosesUpdate(ctx.input.updateOpenRequest) },
            );
            return {
              url: written.pull.url,
              number: written.pull.number,
              branch: written.plan.branch,
              dismissedApprovals: written.pull.dismissedApprovals,
            };
          },
        });
        ctx.logger.info(`Pull request #${pull.number}: ${pull.url}`);
        if (pull.dismissedApprovals.length > 0)
          ctx.logger.info(
            `Approvals dismissed because the files changed: ${pull.dismissedApprovals.join(
              ', ',
            )}`,
          );
        ctx.output('requestId', plan.result.requestId);
        ctx.output('branch', pull.branch);
        ctx.output('pullRequestUrl', pull.url);
        ctx.output('pullRequestNumber', pull.number);
        ctx.output('dismissedApprovals', pull.dismissedApprovals);
      });
    },
  });
}
