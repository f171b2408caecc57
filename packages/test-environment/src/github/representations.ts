/**
 * JSON shapes of the GitHub REST API, complete enough to satisfy GitHub's published OpenAPI description (the tests
 * check every response against it).
 */

/** Builds GitHub resource URLs for one emulator. */
export class Urls {
  constructor(readonly api: string, readonly web: string) {}
  user(login: string) {
    return `${this.api}/users/${login}`;
  }
  repo(full: string) {
    return `${this.api}/repos/${full}`;
  }
}

const node = (kind: string, id: number | string) =>
  Buffer.from(`${kind}:${id}`).toString('base64');

/** Deterministic numeric id of a user login. */
export function userId(login: string): number {
  let h = 7;
  for (const c of login) h = (h * 31 + c.charCodeAt(0)) % 1_000_000;
  return 1000 + h;
}

export function simpleUser(
  urls: Urls,
  login: string,
  type: 'User' | 'Organization' = 'User',
) {
  const api = urls.user(login);
  return {
    login,
    id: userId(login),
    node_id: node('User', login),
    avatar_url: `${urls.web}/avatars/${login}`,
    gravatar_id: '',
    url: api,
    html_url: `${urls.web}/${login}`,
    followers_url: `${api}/followers`,
    following_url: `${api}/following{/other_user}`,
    gists_url: `${api}/gists{/gist_id}`,
    starred_url: `${api}/starred{/owner}{/repo}`,
    subscriptions_url: `${api}/subscriptions`,
    organizations_url: `${api}/orgs`,
    repos_url: `${api}/repos`,
    events_url: `${api}/events{/privacy}`,
    received_events_url: `${api}/received_events`,
    type,
    site_admin: false,
  };
}

/** A team of an organisation, as GitHub represents it (`@org/slug` in CODEOWNERS). */
export function team(urls: Urls, org: string, slug: string) {
  const id = userId(`team:${org}/${slug}`);
  return {
    id,
    node_id: node('Team', id),
    url: `${urls.api}/organizations/${userId(org)}/team/${id}`,
    html_url: `${urls.web}/orgs/${org}/teams/${slug}`,
    name: slug,
    slug,
    description: null,
    privacy: 'closed',
    notification_setting: 'notifications_enabled',
    permission: 'push',
    members_url: `${urls.api}/organizations/${userId(
      org,
    )}/team/${id}/members{/member}`,
    repositories_url: `${urls.api}/organizations/${userId(
      org,
    )}/team/${id}/repos`,
    type: 'organization' as const,
    parent: null,
  };
}

export interface RepoRecord {
  id: number;
  owner: string;
  name: string;
  defaultBranch: string;
  createdAt: string;
  private: boolean;
}

export function repository(
  urls: Urls,
  repo: RepoRecord,
  openIssues: number,
  pushedAt: string,
) {
  const full = `${repo.owner}/${repo.name}`;
  const api = urls.repo(full);
  const link = (suffix: string) => `${api}${suffix}`;
  return {
    id: repo.id,
    node_id: node('Repository', repo.id),
    name: repo.name,
    full_name: full,
    owner: simpleUser(urls, repo.owner, 'Organization'),
    private: repo.private,
    html_url: `${urls.web}/${full}`,
    description: 'GitOps repository',
    fork: false,
    url: api,
    archive_url: link('/{archive_format}{/ref}'),
    assignees_url: link('/assignees{/user}'),
    blobs_url: link('/git/blobs{/sha}'),
    branches_url: link('/branches{/branch}'),
    collaborators_url: link('/collaborators{/collaborator}'),
    comments_url: link('/comments{/number}'),
    commits_url: link('/commits{/sha}'),
    compare_url: link('/compare/{base}...{head}'),
    contents_url: link('/contents/{+path}'),
    contributors_url: link('/contributors'),
    deployments_url: link('/deployments'),
    downloads_url: link('/downloads'),
    events_url: link('/events'),
    forks_url: link('/forks'),
    git_commits_url: link('/git/commits{/sha}'),
    git_refs_url: link('/git/refs{/sha}'),
    git_tags_url: link('/git/tags{/sha}'),
    git_url: `${urls.web.replace(/^http/, 'git')}/${full}.git`,
    issue_comment_url: link('/issues/comments{/number}'),
    issue_events_url: link('/issues/events{/number}'),
    issues_url: link('/issues{/number}'),
    keys_url: link('/keys{/key_id}'),
    labels_url: link('/labels{/name}'),
    languages_url: link('/languages'),
    merges_url: link('/merges'),
    milestones_url: link('/milestones{/number}'),
    notifications_url: link('/notifications{?since,all,participating}'),
    pulls_url: link('/pulls{/number}'),
    releases_url: link('/releases{/id}'),
    ssh_url: `git@emulator:${full}.git`,
    stargazers_url: link('/stargazers'),
    statuses_url: link('/statuses/{sha}'),
    subscribers_url: link('/subscribers'),
    subscription_url: link('/subscription'),
    tags_url: link('/tags'),
    teams_url: link('/teams'),
    trees_url: link('/git/trees{/sha}'),
    clone_url: `${urls.web}/git/${full}.git`,
    mirror_url: null,
    hooks_url: link('/hooks'),
    svn_url: `${urls.web}/${full}`,
    homepage: null,
    language: null,
    forks_count: 0,
    forks: 0,
    stargazers_count: 0,
    watchers_count: 0,
    watchers: 0,
    size: 0,
    default_branch: repo.defaultBranch,
    open_issues_count: openIssues,
    open_issues: openIssues,
    is_template: false,
    topics: [],
    has_issues: true,
    has_projects: false,
    has_wiki: false,
    has_pages: false,
    has_downloads: false,
    has_discussions: false,
    archived: false,
    disabled: false,
    visibility: repo.private ? 'private' : 'public',
    pushed_at: pushedAt,
    created_at: repo.createdAt,
    updated_at: pushedAt,
    permissions: {
      admin: true,
      maintain: true,
      push: true,
      triage: true,
      pull: true,
    },
    allow_merge_commit: true,
    allow_squash_merge: false,
    allow_rebase_merge: false,
    license: null,
    network_count: 0,
    subscribers_count: 0,
  };
}

export function gitRef(urls: Urls, full: string, ref: string, sha: string) {
  return {
    ref,
    node_id: node('Ref', `${full}:${ref}`),
    url: `${urls.repo(full)}/git/${ref}`,
    object: {
      type: 'commit',
      sha,
      url: `${urls.repo(full)}/git/commits/${sha}`,
    },
  };
}

export function gitCommit(
  urls: Urls,
  full: string,
  commit: {
    sha: string;
    tree: string;
    parents: string[];
    author: { name: string; email: string; date: string };
    committer: { name: string; email: string; date: string };
    message: string;
  },
) {
  return {
    sha: commit.sha,
    node_id: node('Commit', commit.sha),
    url: `${urls.repo(full)}/git/commits/${commit.sha}`,
    html_url: `${urls.web}/${full}/commit/${commit.sha}`,
    author: commit.author,
    committer: commit.committer,
    tree: {
      sha: commit.tree,
      url: `${urls.repo(full)}/git/trees/${commit.tree}`,
    },
    message: commit.message,
    parents: commit.parents.map(sha => ({
      sha,
      url: `${urls.repo(full)}/git/commits/${sha}`,
      html_url: `${urls.web}/${full}/commit/${sha}`,
    })),
    verification: {
      verified: false,
      reason: 'unsigned',
      signature: null,
      payload: null,
      verified_at: null,
    },
  };
}

export function label(urls: Urls, full: string, id: number, name: string) {
  return {
    id,
    node_id: node('Label', id),
    url: `${urls.repo(full)}/labels/${encodeURIComponent(name)}`,
    name,
    description: '',
    color: 'ededed',
    default: false,
  };
}

export interface ReviewRecord {
  id: number;
  user: string;
  state: 'APPROVED' | 'CHANGES_REQUESTED' | 'COMMENTED' | 'DISMISSED';
  body: string;
  commitId: string;
  submittedAt: string;
}

export interface CommentRecord {
  id: number;
  user: string;
  body: string;
  createdAt: string;
  updatedAt: string;
}

export interface PullRecord {
  number: number;
  id: number;
  title: string;
  body: string | null;
  user: string;
  head: string;
  base: string;
  state: 'open' | 'closed';
  draft: boolean;
  merged: boolean;
  mergedBy?: string;
  mergedAt?: string;
  mergeCommitSha: string | null;
  closedAt: string | null;
  createdAt: string;
  updatedAt: string;
  requestedReviewers: string[];
  labels: string[];
  reviews: ReviewRecord[];
  comments: CommentRecord[];
  /** Head sha frozen at merge or close, so the branch may be deleted afterwards. */
  headSha?: string;
  /** Who moved the head last: the author until someone else pushes (for `require_last_push_approval`). */
  lastPushedBy?: string;
}

export function pullBranch(
  urls: Urls,
  repo: RepoRecord,
  openIssues: number,
  pushedAt: string,
  ref: string,
  sha: string,
) {
  return {
    label: `${repo.owner}:${ref}`,
    ref,
    sha,
    user: simpleUser(urls, repo.owner, 'Organization'),
    repo: repository(urls, repo, openIssues, pushedAt),
  };
}
