import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { formatMoney } from '@kubeportal/plugin-provisioning-common';
import { PlannerFactory } from '../planner';
import { REQUEST_INPUT_DESCRIPTION } from './requestInput';
import { validateExamples } from './validateRequest.examples';

/**
 * `provisioning:request:validate`: checks a request against the schemas, the policy and live facts (the name is
 * free on the cluster and in open pull requests). Fails listing every violation.
 *
 * @public
 */
export function createValidateRequestAction(options: { planner: PlannerFactory }) {
  return createTemplateAction({
    id: 'provisioning:request:validate',
    description: 'Checks a provisioning request against the schemas, the platform policy, the cluster and open pull requests.',
    examples: validateExamples,
    supportsDryRun: true,
    schema: {
      input: { request: z => z.record(z.string(), z.unknown()).describe(REQUEST_INPUT_DESCRIPTION) },
      output: {
        requestId: z => z.string().describe('Stable id of the request'),
        monthlyCost: z => z.string().describe('Monthly cost of the namespace after the change'),
      },
    },
    async handler(ctx) {
      const planner = await options.planner(() => ctx.getInitiatorCredentials());
      const plan = await planner.plan(ctx.input.request);
      const live = await planner.liveProblems(plan);
      const violations = [
        ...plan.policy.violations.map(v => `${v.path}: ${v.message} [${v.rule}]`),
        ...live.map(p => `${p.path}: ${p.message}`),
      ];
      if (violations.length > 0) {
        throw new InputError(`The request breaks ${violations.length} rule${violations.length === 1 ? '' : 's'}: ${violations.join('; ')}`);
      }
      ctx.logger.info(`Request ${plan.result.requestId} passes every check`);
      ctx.output('requestId', plan.result.requestId);
      ctx.output('monthlyCost', formatMoney(plan.result.cost.after.total, plan.result.cost.currency));
    },
  });
}
