/**
 * CODEOWNERS as GitHub reads it: the first of `.github/CODEOWNERS`, `CODEOWNERS` and `docs/CODEOWNERS` on the base
 * branch; one rule a line (a gitignore-like pattern, then owners); the last matching rule wins; a rule without
 * owners leaves its paths without code owners.
 */

/** Where GitHub looks for the file, in the order it looks. */
export const CODEOWNERS_LOCATIONS = [
  '.github/CODEOWNERS',
  'CODEOWNERS',
  'docs/CODEOWNERS',
] as const;

/** One line of a CODEOWNERS file. */
export interface CodeownersRule {
  pattern: string;
  /** As written: `@login`, `@org/team` or an e-mail address. */
  owners: string[];
  regex: RegExp;
}

/** The regular expression of a pattern segment: `*` and `?` stay within a folder, `\#` is a literal `#`. */
function segmentSource(segment: string): string {
  let out = '';
  for (let i = 0; i < segment.length; i++) {
    const c = segment[i];
    if (c === '\\' && i + 1 < segment.length) {
      out += segment[++i].replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    } else if (c === '*') out += '[^/]*';
    else if (c === '?') out += '[^/]';
    else out += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  return out;
}

/**
 * A pattern as GitHub matches it: like gitignore (a slash at the start or in the middle anchors it at the root,
 * otherwise it matches at any depth; `**` spans folders; a folder's pattern covers everything below it), except
 * that `folder/*` covers the folder's direct files only, as GitHub documents.
 */
export function patternRegex(pattern: string): RegExp {
  const trimmed = pattern.replace(/\/+$/, '');
  const directoryOnly = pattern.endsWith('/');
  const anchored = trimmed.includes('/');
  const segments = trimmed.replace(/^\//, '').split('/');
  let source = '';
  segments.forEach((segment, i) => {
    const last = i === segments.length - 1;
    if (segment === '**') {
      // leading `**/` and inner `/**/`: any folders (or none); trailing `/**`: everything inside
      source += last ? '.*' : '(?:[^/]+/)*';
      return;
    }
    source += segmentSource(segment) + (last ? '' : '/');
  });
  const prefix = anchored ? '^' : '^(?:.*/)?';
  const endsWithStar = /(^|\/)\*$/.test(trimmed);
  let suffix = '(?:/.*)?$';
  if (directoryOnly) suffix = '/.*$';
  else if (endsWithStar || trimmed.endsWith('/**')) suffix = '$';
  return new RegExp(`${prefix}${source}${suffix}`);
}

/** The rules of a CODEOWNERS file; comments, blank lines and `!` patterns (not supported by GitHub) are left out. */
export function parseCodeowners(text: string): CodeownersRule[] {
  const rules: CodeownersRule[] = [];
  for (const raw of text.split('\n')) {
    // a `#` starts a comment unless escaped
    const line = raw.replace(/(^|[^\\])#.*$/, '$1').trim();
    if (!line || line.startsWith('!')) continue;
    const [pattern, ...owners] = line.split(/\s+/);
    rules.push({ pattern, owners, regex: patternRegex(pattern) });
  }
  return rules;
}

/** The owners of a path: those of the last matching rule; none when no rule matches. */
export function ownersOf(rules: CodeownersRule[], filePath: string): string[] {
  for (let i = rules.length - 1; i >= 0; i--)
    if (rules[i].regex.test(filePath)) return rules[i].owners;
  return [];
}
