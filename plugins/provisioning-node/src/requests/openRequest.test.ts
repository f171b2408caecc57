import { Node, Parser } from 'commonmark';
import {
  changesNothing,
  compareWithOpenRequest,
  lineDiff,
  MAX_COMMENT_CHARS,
  updateComment,
} from './openRequest';

const texts = (markdown: string) => {
  const out: Array<{ type: string; literal: string | null }> = [];
  const walker = new Parser().parse(markdown).walker();
  for (let step = walker.next(); step; step = walker.next()) {
    const node: Node = step.node;
    if (step.entering && node.literal !== null)
      out.push({ type: node.type, literal: node.literal });
  }
  return out;
};

describe('what updating an open pull request changes', () => {
  it('compares each file the update writes with the pull request, and names what it no longer touches', () => {
    const pull = new Map<string, string | undefined>([
      ['a.yaml', 'x: 1\ny: 2\n'],
      ['b.yaml', 'same\n'],
      ['gone.yaml', undefined],
      ['old.yaml', 'kept by the pull request only\n'],
    ]);
    const files = compareWithOpenRequest(pull, [
      { path: 'a.yaml', content: 'x: 1\ny: 3\n' },
      { path: 'b.yaml', content: 'same\n' },
      { path: 'gone.yaml', content: null },
      { path: 'new.yaml', content: 'n: 1\n' },
    ]);
    expect(files).toEqual([
      {
        path: 'a.yaml',
        change: 'changed',
        diff: '@@ -1,2 +1,2 @@\n x: 1\n-y: 2\n+y: 3',
      },
      { path: 'b.yaml', change: 'unchanged' },
      { path: 'gone.yaml', change: 'unchanged' },
      { path: 'new.yaml', change: 'added', diff: '@@ -0,0 +1,1 @@\n+n: 1' },
      { path: 'old.yaml', change: 'dropped' },
    ]);
    expect(changesNothing(files)).toBe(false);
    expect(changesNothing(files.filter(f => f.change === 'unchanged'))).toBe(
      true,
    );
    expect(lineDiff('a\n', 'a\n')).toBe('');
  });

  it('writes a comment that lists the change, whose diffs and names cannot break out of their code', () => {
    const hostile = '```\n@everyone #1 <script>\n```';
    const body = updateComment({
      requester: 'user:default/jdoe',
      requestId: 'dev.ns.payments-dev',
      files: [
        {
          path: 'clusters/dev/platform/namespaces/payments-dev.yaml',
          change: 'changed',
          diff: `@@ -1 +1 @@\n-purpose: old\n+purpose: ${hostile}`,
        },
      ],
      dismissedApprovals: ['alice'],
    });
    const nodes = texts(body);
    // the diff is one code block holding the hostile text as it is
    expect(nodes.filter(n => n.type === 'code_block')).toEqual([
      {
        type: 'code_block',
        literal: `@@ -1 +1 @@\n-purpose: old\n+purpose: ${hostile}\n`,
      },
    ]);
    expect(nodes.filter(n => n.type === 'html_inline')).toEqual([]);
    expect(body).toContain('The approvals of `alice` were dismissed');
  });

  it('stays under GitHub’s comment limit however many files and lines change', () => {
    const files = Array.from({ length: 500 }, (_, i) => ({
      path: `clusters/dev/namespaces/ns-${i}/${'x'.repeat(200)}.yaml`,
      change: 'changed' as const,
      diff: `@@ -1 +1 @@\n-${'a'.repeat(300)}\n+${'\t'.repeat(300)}`,
    }));
    const body = updateComment({
      requester: 'user:default/jdoe',
      requestId: 'r',
      files,
      dismissedApprovals: [],
    });
    expect(body.length).toBeLessThanOrEqual(MAX_COMMENT_CHARS);
    expect(body).toContain('- and 400 more files');
    expect(body).toContain('are too long for a comment');
  });
});
