import { resolveSafeChildPath } from '@backstage/backend-plugin-api';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  describeCostChange,
  formatMoney,
} from '@kubeportal/plugin-provisioning-common';
import fs from 'node:fs/promises';
import path from 'node:path';
import { RequestPlanner } from '@kubeportal/plugin-provisioning-node';
import { Initiator } from '../identity';
import { userFacing } from './userFacing';
import {
  choosesUpdate,
  requestInputSchema,
  updateOpenRequestInput,
} from './requestInput';
import { renderExamples } from './renderRequest.examples';

/**
 * `provisioning:request:render`: renders a request against the GitOps repository (the task's plan: the same
 * commit the validate step checked) and writes the files into the task workspace; outputs the file list, the
 * cost and a summary.
 *
 * @public
 */
export function createRenderRequestAction(options: {
  planner: RequestPlanner;
  initiator: Initiator;
}) {
  return createTemplateAction({
    id: 'provisioning:request:render',
    description:
      'Renders a provisioning request into GitOps files in the workspace, with its cost and summary.',
    examples: renderExamples,
    supportsDryRun: true,
    schema: {
      input: {
        request: z =>
          requestInputSchema as unknown as ReturnType<typeof z.unknown>,
        updateOpenRequest: z =>
          updateOpenRequestInput as unknown as ReturnType<typeof z.unknown>,
        targetPath: z =>
          z
            .string()
            .default('gitops')
            .describe('Workspace folder to write the files into'),
      },
      output: {
        requestId: z => z.string(),
        files: z =>
          z
            .array(
              z.object({
                path: z.string(),
                action: z.enum(['write', 'delete']),
              }),
            )
            .describe('Files of the change'),
        monthlyCost: z => z.string().describe('Monthly cost after the change'),
        costChange: z =>
          z.string().describe('Monthly cost before -> after (change)'),
        summary: z => z.string().describe('Markdown table of the request'),
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
        const target = resolveSafeChildPath(
          ctx.workspacePath,
          ctx.input.targetPath ?? 'gitops',
        );
        for (const change of plan.result.changes) {
          const file = resolveSafeChildPath(target, change.path);
          if (change.content === null) {
            await fs.rm(file, { force: true });
          } else {
            await fs.mkdir(path.dirname(file), { recursive: true });
            await fs.writeFile(file, change.content);
          }
        }
        ctx.output('requestId', plan.result.requestId);
        ctx.output(
          'files',
          plan.result.changes.map(c => ({
            path: c.path,
            action:
              c.content === null ? ('delete' as const) : ('write' as const),
          })),
        );
        ctx.output(
          'monthlyCost',
          formatMoney(plan.result.cost.after.total, plan.result.cost.currency),
        );
        ctx.output('costChange', describeCostChange(plan.result));
        ctx.output(
          'summary',
          [
            '| | |',
            '| --- | --- |',
            ...plan.result.summary.map(r => `| ${r.label} | ${r.value} |`),
          ].join('\n'),
        );
      });
    },
  });
}
