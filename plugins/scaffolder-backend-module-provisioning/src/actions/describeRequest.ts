import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  dns1123LabelProblem,
  namespaceDir,
  namespaceNameProblem,
  requestBranch,
  requestId,
  vmPath,
} from '@kubeportal/plugin-provisioning-common';
import { examples } from './describeRequest.examples';

/**
 * `provisioning:request:describe`: derives the stable request id, branch and GitOps folder of a request, so a
 * template can show them before anything is written and re-runs land on the same branch.
 *
 * @public
 */
export function createDescribeRequestAction() {
  return createTemplateAction({
    id: 'provisioning:request:describe',
    description:
      'Derives the stable id, pull-request branch and GitOps folder of a namespace or virtual machine request.',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        cluster: z =>
          z.string().describe('Target cluster name (DNS-1123 label)'),
        kind: z => z.enum(['namespace', 'vm']).describe('What is requested'),
        namespace: z => z.string().describe('Namespace name'),
        vmName: z => z.string().optional().describe('VM name, for kind vm'),
        action: z =>
          z
            .enum(['create', 'change-quota', 'decommission'])
            .default('create')
            .describe('What the request does to the object'),
      },
      output: {
        requestId: z =>
          z.string().describe('Stable request id (a label value)'),
        branch: z => z.string().describe('Branch of the pull request'),
        path: z => z.string().describe('GitOps folder or file of the object'),
      },
    },
    async handler(ctx) {
      const { cluster, kind, namespace, vmName, action } = ctx.input;
      const problems = [
        ['cluster', dns1123LabelProblem(cluster)],
        ['namespace', namespaceNameProblem(namespace)],
        ...(kind === 'vm'
          ? [
              [
                'vmName',
                vmName === undefined
                  ? 'is required for kind vm'
                  : dns1123LabelProblem(vmName),
              ],
            ]
          : []),
      ].filter(([, problem]) => problem !== undefined);
      if (problems.length > 0) {
        throw new InputError(
          problems.map(([field, problem]) => `${field} ${problem}`).join('; '),
        );
      }
      const id = requestId(cluster, kind, namespace, vmName);
      ctx.output('requestId', id);
      ctx.output('branch', requestBranch(id, action ?? 'create'));
      ctx.output(
        'path',
        kind === 'vm'
          ? vmPath(cluster, namespace, vmName!)
          : namespaceDir(cluster, namespace),
      );
    },
  });
}
