import { PlatformSettings } from './config';
import { formatMoney } from './cost';
import {
  escapeMarkdown,
  markdownCode,
  markdownQuote,
  plainText,
} from './markdown';
import { PolicyResult } from './policy';
import { RenderResult } from './render';
import { ProvisioningRequest } from './requests/schemas';

/** A link target from configuration, with the characters that would end a markdown link destination encoded. */
const linkTarget = (url: string) =>
  url.replace(
    /[\s()<>\\`]/g,
    c => `%${c.charCodeAt(0).toString(16).padStart(2, '0').toUpperCase()}`,
  );

/** Labels of a request's pull request. */
export function pullRequestLabels(
  request: ProvisioningRequest,
  result: RenderResult,
): string[] {
  return [
    'provisioning',
    `kind:${request.kind}`,
    `cluster:${result.cluster}`,
    `team:${result.team}`,
  ];
}

/**
 * The pull request title: the rendered title as plain text (one line, at most 256 characters, no mentions or
 * references GitHub would link).
 */
export function pullRequestTitle(result: RenderResult): string {
  return plainText(result.title);
}

/**
 * The pull request body: who asks for what, a table of the quota and summary rows, the monthly cost and the
 * team's spend after the change against its budget, the policy result, the files, and links back to the portal.
 * Every value in it passes `escapeMarkdown`, `markdownCode` or `markdownQuote`, so no request text can add or
 * hide a section, make a link, or mention anyone.
 */
export function pullRequestBody(
  request: ProvisioningRequest,
  result: RenderResult,
  policy: PolicyResult,
  settings: PlatformSettings,
  links: { portal?: string; task?: string } = {},
): string {
  const currency = settings.prices.currency;
  const money = (amount: bigint) =>
    escapeMarkdown(formatMoney(amount, currency));
  const delta = result.cost.after.total - result.cost.before.total;
  const lines = [
    `## ${escapeMarkdown(result.title)}`,
    '',
    `Requested by ${markdownCode(request.requester)} for team ${markdownCode(
      result.team,
    )} on cluster ${markdownCode(result.cluster)}.`,
    '',
    markdownQuote(request.purpose),
    '',
    '| | |',
    '| --- | --- |',
    ...result.summary.map(
      row => `| ${escapeMarkdown(row.label)} | ${escapeMarkdown(row.value)} |`,
    ),
    '',
    '### Cost',
    '',
    '| | monthly |',
    '| --- | --- |',
    `| namespace before | ${money(result.cost.before.total)} |`,
    `| namespace after | ${money(result.cost.after.total)} |`,
    `| change | ${delta >= 0n ? '+' : ''}${money(delta)} |`,
    `| team ${markdownCode(policy.team, {
      tableCell: true,
    })} after this change | ${money(policy.teamMonthlyAfter)}${
      policy.teamBudget !== undefined
        ? ` of ${money(policy.teamBudget)} budget`
        : ''
    } |`,
    '',
    '### Policy',
    '',
    ...(policy.violations.length === 0
      ? ['All policy checks passed.']
      : policy.violations.map(
          v =>
            `- **${escapeMarkdown(v.rule)}** ${markdownCode(
              v.path,
            )}: ${escapeMarkdown(v.message)}`,
        )),
    '',
    '### Files',
    '',
    ...result.changes.map(
      c =>
        `- ${c.content === null ? 'delete' : 'write'} ${markdownCode(c.path)}`,
    ),
    '',
    '---',
    `Request ${markdownCode(result.requestId)}.${
      links.portal ? ` [Open in the portal](${linkTarget(links.portal)})` : ''
    }${links.task ? ` · [Task log](${linkTarget(links.task)})` : ''}`,
    'Approve this pull request to provision; Flux applies it to the cluster after the merge.',
  ];
  return `${lines.join('\n')}\n`;
}
