import { PlatformSettings } from './config';
import { formatMoney } from './cost';
import { PolicyResult } from './policy';
import { RenderResult } from './render';
import { ProvisioningRequest } from './requests/schemas';

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** Labels of a request's pull request. */
export function pullRequestLabels(request: ProvisioningRequest, result: RenderResult): string[] {
  return ['provisioning', `kind:${request.kind}`, `cluster:${result.cluster}`, `team:${result.team}`];
}

/**
 * The pull request body: who asks for what, a table of the quota and summary rows, the monthly cost and the
 * team's spend after the change against its budget, the policy result, the files, and links back to the portal.
 */
export function pullRequestBody(
  request: ProvisioningRequest,
  result: RenderResult,
  policy: PolicyResult,
  settings: PlatformSettings,
  links: { portal?: string; task?: string } = {},
): string {
  const currency = settings.prices.currency;
  const delta = result.cost.after.total - result.cost.before.total;
  const lines = [
    `## ${result.title}`,
    '',
    `Requested by \`${request.requester}\` for team \`${result.team}\` on cluster \`${result.cluster}\`.`,
    '',
    `> ${request.purpose.replace(/\n/g, '\n> ')}`,
    '',
    '| | |',
    '| --- | --- |',
    ...result.summary.map(row => `| ${cell(row.label)} | ${cell(row.value)} |`),
    '',
    '### Cost',
    '',
    '| | monthly |',
    '| --- | --- |',
    `| namespace before | ${formatMoney(result.cost.before.total, currency)} |`,
    `| namespace after | ${formatMoney(result.cost.after.total, currency)} |`,
    `| change | ${delta >= 0n ? '+' : ''}${formatMoney(delta, currency)} |`,
    `| team \`${policy.team}\` after this change | ${formatMoney(policy.teamMonthlyAfter, currency)}${policy.teamBudget !== undefined ? ` of ${formatMoney(policy.teamBudget, currency)} budget` : ''} |`,
    '',
    '### Policy',
    '',
    ...(policy.violations.length === 0
      ? ['All policy checks passed.']
      : policy.violations.map(v => `- **${v.rule}** \`${v.path}\`: ${v.message}`)),
    '',
    '### Files',
    '',
    ...result.changes.map(c => `- ${c.content === null ? 'delete' : 'write'} \`${c.path}\``),
    '',
    '---',
    `Request \`${result.requestId}\`.${links.portal ? ` [Open in the portal](${links.portal})` : ''}${links.task ? ` · [Task log](${links.task})` : ''}`,
    'Approve this pull request to provision; Flux applies it to the cluster after the merge.',
  ];
  return `${lines.join('\n')}\n`;
}
