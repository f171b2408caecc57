import {
  markdownCode,
  markdownCodeBlock,
  plainText,
} from '@kubeportal/plugin-provisioning-common';
import { structuredPatch } from 'diff';

/** How one file of an open pull request would change if the request updated it. */
export interface FileChange {
  path: string;
  /** `added`: new in the pull request; `changed`: other content; `deleted`: the update deletes it; `dropped`: the pull request no longer touches it; `unchanged`. */
  change: 'added' | 'changed' | 'deleted' | 'dropped' | 'unchanged';
  /** A unified diff of the lines, from the pull request's version to the update's (context of two lines). */
  diff?: string;
}

/** The requester's own open pull request for the same request, and what updating it would change. */
export interface OpenRequest {
  number: number;
  url: string;
  headSha: string;
  files: FileChange[];
}

/** A hunk's range as unified diffs write it: an empty range starts at the line before it (`0,0` for an empty file). */
const range = (start: number, lines: number) =>
  `${lines === 0 ? start - 1 : start},${lines}`;

/** The lines that differ between two versions of a file, as unified-diff hunks without file headers. */
export function lineDiff(before: string, after: string): string {
  const patch = structuredPatch('a', 'b', before, after, '', '', {
    context: 2,
  });
  return patch.hunks
    .map(hunk =>
      [
        `@@ -${range(hunk.oldStart, hunk.oldLines)} +${range(
          hunk.newStart,
          hunk.newLines,
        )} @@`,
        ...hunk.lines.filter(line => !line.startsWith('\\')),
      ].join('\n'),
    )
    .join('\n');
}

/**
 * Compares what a request would write with what its open pull request holds now: each file the update writes or
 * deletes, and each file the pull request changes that the update no longer touches (it goes back to the base
 * branch's version).
 *
 * @param pullFiles - files the pull request changes now, with their content at its head (`undefined`: deleted)
 * @param changes - what the update writes (`null`: deletes)
 */
export function compareWithOpenRequest(
  pullFiles: ReadonlyMap<string, string | undefined>,
  changes: ReadonlyArray<{ path: string; content: string | null }>,
): FileChange[] {
  const out: FileChange[] = [];
  const written = new Set<string>();
  for (const { path, content } of changes) {
    written.add(path);
    const before = pullFiles.get(path);
    if (content === null) {
      out.push({
        path,
        change:
          pullFiles.has(path) && before === undefined ? 'unchanged' : 'deleted',
      });
    } else if (before === undefined) {
      out.push({ path, change: 'added', diff: lineDiff('', content) });
    } else if (before === content) {
      out.push({ path, change: 'unchanged' });
    } else {
      out.push({ path, change: 'changed', diff: lineDiff(before, content) });
    }
  }
  for (const path of pullFiles.keys())
    if (!written.has(path)) out.push({ path, change: 'dropped' });
  return out.sort((a, b) => a.path.localeCompare(b.path));
}

/** True when the update would leave the pull request's files exactly as they are. */
export function changesNothing(files: FileChange[]): boolean {
  return files.every(f => f.change === 'unchanged');
}

const WORDS: Record<FileChange['change'], string> = {
  added: 'added',
  changed: 'changed',
  deleted: 'deleted',
  dropped: 'no longer part of this request (back to the base branch)',
  unchanged: 'unchanged',
};

/** GitHub refuses comments over 65,536 characters: the whole comment stays under this. */
export const MAX_COMMENT_CHARS = 60_000;
/** At most this many files are listed one by one. */
const MAX_LISTED_FILES = 100;

/**
 * The comment the portal leaves on a pull request it updated: who updated it, each file that changed and how,
 * the line diffs, and whose approvals were dismissed. Every value from the request or the catalog is text, and
 * the whole comment stays under `MAX_COMMENT_CHARS` (files and diffs beyond it are named, not shown).
 */
export function updateComment(options: {
  requester: string;
  requestId: string;
  files: FileChange[];
  dismissedApprovals: string[];
}): string {
  const changed = options.files.filter(f => f.change !== 'unchanged');
  const head = [
    `**Updated through the portal** by ${markdownCode(
      options.requester,
    )} (request ${markdownCode(options.requestId)}): ${changed.length} file${
      changed.length === 1 ? '' : 's'
    } changed.`,
    '',
    ...changed
      .slice(0, MAX_LISTED_FILES)
      .map(f => `- ${markdownCode(f.path)}: ${WORDS[f.change]}`),
    ...(changed.length > MAX_LISTED_FILES
      ? [`- and ${changed.length - MAX_LISTED_FILES} more files`]
      : []),
  ];
  const tail =
    options.dismissedApprovals.length > 0
      ? [
          '',
          `The approvals of ${options.dismissedApprovals
            .map(login => markdownCode(plainText(login)))
            .join(
              ', ',
            )} were dismissed: the files changed, so the pull request needs a new review.`,
        ]
      : [];
  const size = (lines: string[]) => lines.join('\n').length + 1;
  let budget = MAX_COMMENT_CHARS - size(head) - size(tail) - 200;
  const diffs: string[] = [];
  for (const file of changed) {
    if (!file.diff) continue;
    const block = [
      '',
      markdownCode(file.path),
      '',
      markdownCodeBlock(file.diff, 'diff'),
    ];
    if (size(block) > budget) {
      diffs.push(
        '',
        `The diff of ${markdownCode(
          file.path,
        )} and the files after it are too long for a comment; see the pull request's files.`,
      );
      break;
    }
    budget -= size(block);
    diffs.push(...block);
  }
  return [...head, ...diffs, ...tail].join('\n');
}
