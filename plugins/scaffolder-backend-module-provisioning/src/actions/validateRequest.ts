import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { formatMoney } from '@kubeportal/plugin-provisioning-common';
import {
  describeProblems,
  RequestPlanner,
} from '@kubeportal/plugin-provisioning-node';
import { Initiator } from '../identity';
import { userFacing } from './userFacing';
import {
  choosesUpdate,
  requestInputSchema,
  updateOpenRequestInput,
} from './requestInput';
import { validateExamples } from './validateRequest.examples';

/**
 * `provisioning:request:validate`: plans the request on the GitOps branch as it is now and checks it against the
 * schemas, the policy and live facts (the name is free on the cluster and in open pull requests). Fails listing
 * every violation. The plan is kept, so the render and pull-request steps of the same task use the same one.
 *
 * @public
 */
export function createValidateRequestAction(options: {
  planner: RequestPlanner;
  initiator: Initiator;
}) {
  return createTemplateAction({
    id: 'provisioning:request:validate',
    description:
      'Checks a provisioning request against the schemas, the platform policy, the cluster and open pull requests.',
    examples: validateExamples,
    supportsDryRun: true,
    schema: {
      input: {
        request: z =>
          requestInputSchema as unknown as ReturnType<typeof z.unknown>,
        updateOpenRequest: z =>
          updateOpenRequestInput as unknown as ReturnType<typeof z.unknown>,
      },
      output: {
        requestId: z => z.string().describe('Stable id of the request'),
        monthlyCost: z =>
          z.string().describe('Monthly cost of the namespace after the change'),
        baseSha: z =>
          z
            .string()
            .describe('Commit of the GitOps branch the request was checked on'),
      },
    },
    async handler(ctx) {
      // a refusal reaches the task log as its message, without a stack trace
      await userFacing(async () => {
        const who = await options.initiator(
          await ctx.getInitiatorCredentials(),
        );
        const plan = await options.planner.plan(ctx.input.request, who, {
          updateOpenRequest: choosesUpdate(ctx.input.updateOpenRequest),
        });
        if (plan.problems.length > 0)
          throw new InputError(describeProblems(plan.problems));
        ctx.logger.info(
          `Request ${
            plan.result.requestId
          } passes every check at ${plan.base.sha.slice(0, 12)}`,
        );
        ctx.output('requestId', plan.result.requestId);
        ctx.output(
          'monthlyCost',
          formatMoney(plan.result.cost.after.total, plan.result.cost.currency),
        );
        ctx.output('baseSha', plan.base.sha);
      });
    },
  });
}
