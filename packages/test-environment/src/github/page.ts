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
  }>;
}

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
.body { border: 1px solid #d0d7de; border-radius: 6px; padding: 12px; white-space: pre-wrap; }
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
  const options = repo.collaborators
    .filter(c => c !== pull.user)
    .map(c => `<option>${escape(c)}</option>`)
    .join('');
  const actions =
    pull.state === 'open'
      ? `<form method="post" action="/_emulator/repos/${repo.full}/pulls/${
          pull.number
        }/approve"><select name="login" aria-label="Reviewer">${options}</select> <button type="submit">Approve</button></form>
         <form method="post" action="/_emulator/repos/${repo.full}/pulls/${
          pull.number
        }/merge"><input type="hidden" name="login" value="${escape(
          repo.collaborators.find(c => c !== pull.user) ?? pull.user,
        )}"><button class="merge" type="submit">Merge pull request</button></form>`
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
    <div class="body">${escape(pull.body ?? '')}</div>
    <h3>Reviews</h3><ul>${reviews || '<li>None yet</li>'}</ul>
    <div>${actions}</div>
    <h3>Files changed</h3><pre class="diff">${colourDiff(diff)}</pre>`;
  return layout(`${pull.title} #${pull.number}`, content);
}
