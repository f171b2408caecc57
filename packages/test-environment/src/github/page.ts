import MarkdownIt from 'markdown-it';
import { ProtectionReport } from './branchProtection';
import { BareRepo } from './git';
import { PullRecord, RepoRecord } from './representations';

/** What the page needs to know. */
export interface PageState {
  repos: Array<{
    full: string;
    git: BareRepo;
    record: RepoRecord;
    pulls: PullRecord[];
    collaborators: string[];
    /** Where an open pull request stands against its base branch's protection; `undefined` when it is not protected. */
    protection(pull: PullRecord): Promise<ProtectionReport | undefined>;
  }>;
}

/**
 * Pull request bodies and comments as GitHub shows them: GitHub Flavored Markdown (CommonMark with tables and
 * strikethrough, markdown-it's default preset). The body is the requester's text, so raw HTML is not passed
 * through (it shows as text) and markdown-it's link check drops `javascript:` and similar URLs.
 */
const markdown = new MarkdownIt('default', { html: false, linkify: false });

const escape = (text: string) =>
  text.replace(
    /[&<>"']/g,
    c =>
      ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[
        c
      ]!),
  );

const STYLE = `
body { font-family: system-ui, sans-serif; margin: 0; color: #1f2328; }
header { background: #24292f; color: #fff; padding: 12px 24px; font-weight: 600; }
main { padding: 16px 24px; max-width: 1100px; }
a { color: #0969da; text-decoration: none; }
.state { display: inline-block; padding: 2px 10px; border-radius: 12px; color: #fff; font-size: 13px; }
.open { background: #1f883d; } .merged { background: #8250df; } .closed { background: #cf222e; }
table { border-collapse: collapse; } td, th { padding: 6px 10px; border-bottom: 1px solid #d0d7de; text-align: left; }
pre.diff { background: #f6f8fa; padding: 12px; overflow-x: auto; font-size: 12px; }
.add { color: #116329; } .del { color: #82071e; } .hunk { color: #8250df; }
.body { border: 1px solid #d0d7de; border-radius: 6px; padding: 0 12px; }
.comment { margin-top: 12px; }
.body table { border-collapse: collapse; margin: 8px 0; }
.body th, .body td { border: 1px solid #d0d7de; padding: 2px 8px; }
.body pre { background: #f6f8fa; padding: 8px; overflow-x: auto; }
ul.protection { list-style: none; padding-left: 0; } ul.protection li { margin: 4px 0; }
.met::before { content: '\\2713  '; color: #1f883d; } .unmet::before { content: '\\2717  '; color: #cf222e; }
.blocked { color: #cf222e; }
button[disabled] { opacity: 0.5; cursor: not-allowed; }
form { display: inline-block; margin-right: 12px; }
button { padding: 6px 14px; border-radius: 6px; border: 1px solid #1f883d; background: #1f883d; color: #fff; cursor: pointer; }
button.merge { background: #8250df; border-color: #8250df; }
.label { background: #ddf4ff; border-radius: 10px; padding: 1px 8px; margin-right: 4px; font-size: 12px; }
`;

function layout(title: string, content: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>${escape(
    title,
  )}</title><style>${STYLE}</style></head><body><header>GitHub emulator</header><main>${content}</main></body></html>`;
}

function stateBadge(pull: PullRecord): string {
  if (pull.merged) return '<span class="state merged">Merged</span>';
  return pull.state === 'open'
    ? '<span class="state open">Open</span>'
    : '<span class="state closed">Closed</span>';
}

function colourDiff(diff: string): string {
  return diff
    .split('\n')
    .map(line => {
      const text = escape(line);
      if (line.startsWith('+') && !line.startsWith('+++'))
        return `<span class="add">${text}</span>`;
      if (line.startsWith('-') && !line.startsWith('---'))
        return `<span class="del">${text}</span>`;
      if (line.startsWith('@@')) return `<span class="hunk">${text}</span>`;
      return text;
    })
    .join('\n');
}

/** A picker of collaborators that starts on `selected`, or on no one (the reviewer must be chosen). */
function picker(
  label: string,
  placeholder: string,
  logins: string[],
  selected?: string,
): string {
  const options = logins
    .map(
      login =>
        `<option value="${escape(login)}"${
          login === selected ? ' selected' : ''
        }>${escape(login)}</option>`,
    )
    .join('');
  return `<select name="login" aria-label="${label}" required><option value=""${
    selected ? '' : ' selected'
  } disabled>${placeholder}</option>${options}</select>`;
}

/** The base branch's protection: approvals, code-owner review, status checks, each met or not. */
function protectionSection(
  pull: PullRecord,
  report: ProtectionReport | undefined,
): string {
  if (!report)
    return `<h3>Branch protection</h3><p><code>${escape(
      pull.base,
    )}</code> is not protected.</p>`;
  const item = (met: boolean, html: string) =>
    `<li class="${met ? 'met' : 'unmet'}">${html}</li>`;
  const names = (logins: string[]) => logins.map(escape).join(', ');
  const lines: string[] = [];
  const reviews = report.reviews;
  if (reviews) {
    lines.push(
      item(
        reviews.approvedBy.length >= reviews.required,
        `Approvals: ${reviews.approvedBy.length} of ${
          reviews.required
        } required${
          reviews.approvedBy.length > 0 ? ` (${names(reviews.approvedBy)})` : ''
        }`,
      ),
    );
    if (reviews.changesRequestedBy.length > 0)
      lines.push(
        item(
          false,
          `Changes requested by ${names(reviews.changesRequestedBy)}`,
        ),
      );
    const owners = reviews.codeOwners;
    if (owners)
      lines.push(
        owners.waitingOn.length > 0
          ? item(
              false,
              `Code owner review: waiting on ${names(owners.waitingOn)}`,
            )
          : item(
              true,
              `Code owner review: ${
                owners.approvedBy.length > 0
                  ? `approved by ${names(owners.approvedBy)}`
                  : 'no changed file has a code owner'
              }`,
            ),
      );
  }
  for (const check of report.checks ?? [])
    lines.push(
      item(
        check.state === 'success',
        `Status check <code>${escape(check.context)}</code>: ${check.state}`,
      ),
    );
  if (report.upToDate !== undefined)
    lines.push(
      item(
        report.upToDate,
        report.upToDate
          ? `Up to date with <code>${escape(pull.base)}</code>`
          : `Behind <code>${escape(pull.base)}</code>`,
      ),
    );
  return `<h3>Branch protection of <code>${escape(
    pull.base,
  )}</code></h3><ul class="protection">${lines.join('')}</ul>`;
}

/**
 * Approve and Merge. The reviewer picker starts on no one; Merge acts as the latest approver (or whoever is chosen)
 * and is disabled, with GitHub's reasons, while the base branch's protection blocks it.
 */
function mergeBox(
  full: string,
  collaborators: string[],
  pull: PullRecord,
  report: ProtectionReport | undefined,
): string {
  const reviewers = collaborators.filter(c => c !== pull.user);
  const approver = [...pull.reviews]
    .reverse()
    .find(r => r.state === 'APPROVED')?.user;
  const blockers = report?.blockers ?? [];
  const action = (verb: string) =>
    `/_emulator/repos/${full}/pulls/${pull.number}/${verb}`;
  return `<form method="post" action="${action('approve')}">${picker(
    'Reviewer',
    'Choose a reviewer',
    reviewers,
  )} <button type="submit">Approve</button></form>
    <form method="post" action="${action('merge')}">${picker(
    'Merge as',
    'Merge as',
    collaborators,
    approver,
  )} <button class="merge" type="submit"${
    blockers.length > 0 ? ' disabled' : ''
  }>Merge pull request</button></form>${
    blockers.length > 0
      ? `<div class="blocked"><strong>Merging is blocked</strong><ul>${blockers
          .map(b => `<li>${escape(b.message)}</li>`)
          .join('')}</ul></div>`
      : ''
  }`;
}

/** Renders the emulator's page for a path; `undefined` when there is no such page. */
export async function renderPage(
  pathname: string,
  state: PageState,
): Promise<string | undefined> {
  if (pathname === '/') {
    const rows = state.repos
      .map(repo => {
        const pulls = repo.pulls
          .slice()
          .reverse()
          .map(
            p =>
              `<tr><td>${stateBadge(p)}</td><td><a href="/ui/${
                repo.full
              }/pull/${p.number}">#${p.number} ${escape(
                p.title,
              )}</a></td><td>${escape(p.user)}</td><td>${p.labels
                .map(l => `<span class="label">${escape(l)}</span>`)
                .join('')}</td></tr>`,
          )
          .join('');
        return `<h2>${escape(repo.full)}</h2><p>Clone: <code>/git/${escape(
          repo.full,
        )}.git</code></p><table><tr><th>State</th><th>Pull request</th><th>Author</th><th>Labels</th></tr>${
          pulls || '<tr><td colspan="4">No pull requests</td></tr>'
        }</table>`;
      })
      .join('');
    return layout(
      'Repositories',
      `<h1>Repositories</h1>${rows || '<p>No repositories</p>'}`,
    );
  }
  const match = /^\/ui\/([^/]+\/[^/]+)\/pull\/(\d+)$/.exec(pathname);
  if (!match) return undefined;
  const repo = state.repos.find(r => r.full === match[1]);
  const pull = repo?.pulls.find(p => p.number === Number(match[2]));
  if (!repo || !pull) return undefined;
  const head =
    pull.headSha ?? (await repo.git.resolveRef(`refs/heads/${pull.head}`));
  const base = await repo.git.resolveRef(`refs/heads/${pull.base}`);
  let diff = '';
  if (head && base) {
    const from =
      pull.merged && pull.mergeCommitSha
        ? (await repo.git.readCommit(pull.mergeCommitSha)).parents[0]
        : (await repo.git.mergeBase(base, head)) ?? base;
    diff = await repo.git.diff(from, head);
  }
  const report =
    pull.state === 'open' ? await repo.protection(pull) : undefined;
  const actions =
    pull.state === 'open'
      ? mergeBox(
          repo.full,
          // the owner is the organisation: it neither reviews nor merges
          repo.collaborators.filter(c => c !== repo.record.owner),
          pull,
          report,
        )
      : '';
  const reviews = pull.reviews
    .map(
      r =>
        `<li>${escape(r.user)}: <strong>${r.state}</strong>${
          r.body ? ` &mdash; ${escape(r.body)}` : ''
        }</li>`,
    )
    .join('');
  const content = `
    <p><a href="/">&larr; ${escape(repo.full)}</a></p>
    <h1>${escape(pull.title)} <span style="color:#656d76">#${
    pull.number
  }</span></h1>
    <p>${stateBadge(pull)} <strong>${escape(
    pull.user,
  )}</strong> wants to merge <code>${escape(
    pull.head,
  )}</code> into <code>${escape(pull.base)}</code>
       ${pull.labels
         .map(l => `<span class="label">${escape(l)}</span>`)
         .join('')}</p>
    <p>Reviewers requested: ${
      pull.requestedReviewers.map(escape).join(', ') || 'none'
    }</p>
    <div class="body">${markdown.render(pull.body ?? '')}</div>
    ${pull.comments
      .map(
        c =>
          `<div class="comment"><p><strong>${escape(
            c.user,
          )}</strong> commented</p><div class="body">${markdown.render(
            c.body,
          )}</div></div>`,
      )
      .join('')}
    <h3>Reviews</h3><ul>${reviews || '<li>None yet</li>'}</ul>
    ${pull.state === 'open' ? protectionSection(pull, report) : ''}
    <div>${actions}</div>
    <h3>Files changed</h3><pre class="diff">${colourDiff(diff)}</pre>`;
  return layout(`${pull.title} #${pull.number}`, content);
}
