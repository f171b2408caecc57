import { Node, Parser } from 'commonmark';
import { namespaceInput, settings } from './__fixtures__/requests';
import { evaluatePolicy, PolicyResult } from './policy';
import { pullRequestBody, pullRequestTitle } from './pullRequest';
import { renderRequest, RenderResult } from './render';
import { parseRequest } from './requests/parse';
import { NamespaceRequest } from './requests/schemas';

const PORTAL = 'http://portal/requests/dev.ns.payments-dev';

function plan(input: unknown = namespaceInput) {
  const request = parseRequest(input) as NamespaceRequest;
  const result = renderRequest(request, {
    settings,
    repo: new Map(),
    codeowners: ['alice'],
  });
  const policy = evaluatePolicy(
    request,
    result,
    new Map(),
    settings,
    '2026-11-24',
  );
  return { request, result, policy };
}

function descendants(root: Node): Node[] {
  const out: Node[] = [];
  const walker = root.walker();
  for (let step = walker.next(); step; step = walker.next())
    if (step.entering && step.node !== root) out.push(step.node);
  return out;
}

function children(node: Node): Node[] {
  const out: Node[] = [];
  for (let child = node.firstChild; child; child = child.next) out.push(child);
  return out;
}

/** What a reader sees of a node: its text, line breaks as spaces, the zero-width joiners removed. */
const textOf = (node: Node) =>
  descendants(node)
    .map(n => {
      if (n.type === 'text' || n.type === 'code') return n.literal;
      return n.type === 'softbreak' || n.type === 'linebreak' ? ' ' : '';
    })
    .join('')
    .replace(/\u200d/g, '');

/** Text compared without white space, joiners and the control characters the escaping drops. */
const visible = (text: string) =>
  text.replace(
    /[\s\p{Cc}\u200d\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]/gu,
    '',
  );

/** Pipes that split a GitHub table row: those not escaped by a backslash (read left to right, as GitHub does). */
function cellSeparators(line: string): number {
  let count = 0;
  for (let i = 0; i < line.length; i++) {
    if (line[i] === '\\') i++;
    else if (line[i] === '|') count++;
  }
  return count;
}

/**
 * Checks that a body has the structure `pullRequestBody` gives every request, whatever text went in: the same
 * top-level blocks in the same order, the four section headings, one quote, one link (the portal's), the policy
 * and file lists with one item per entry, no HTML, no code block, no image, no mention or reference left as
 * text GitHub would link, and table rows of exactly two cells.
 */
function expectStructure(
  body: string,
  expected: { title: string; violations: number; files: number },
) {
  const doc = new Parser().parse(body);
  const blocks = children(doc);
  expect(blocks.map(b => b.type)).toEqual([
    'heading', // title
    'paragraph', // requested by
    'block_quote', // purpose
    'paragraph', // summary table
    'heading', // Cost
    'paragraph', // cost table
    'heading', // Policy
    expected.violations === 0 ? 'paragraph' : 'list',
    'heading', // Files
    'list',
    'thematic_break',
    'paragraph', // footer
  ]);
  const nodes = descendants(doc);
  const headings = nodes.filter(n => n.type === 'heading');
  expect(headings.map(h => h.level)).toEqual([2, 3, 3, 3]);
  expect(headings.slice(1).map(textOf)).toEqual(['Cost', 'Policy', 'Files']);
  expect(visible(textOf(headings[0]))).toBe(visible(expected.title));

  const types = new Set(nodes.map(n => n.type));
  for (const forbidden of [
    'html_block',
    'html_inline',
    'code_block',
    'image',
    'custom_block',
    'custom_inline',
  ]) {
    expect(types.has(forbidden as Node['type'])).toBe(false);
  }
  expect(nodes.filter(n => n.type === 'link').map(n => n.destination)).toEqual([
    PORTAL,
  ]);
  expect(nodes.filter(n => n.type === 'block_quote')).toHaveLength(1);
  expect(nodes.filter(n => n.type === 'thematic_break')).toHaveLength(1);
  const lists = nodes.filter(n => n.type === 'list');
  expect(lists.map(l => children(l).length)).toEqual(
    expected.violations === 0
      ? [expected.files]
      : [expected.violations, expected.files],
  );
  for (const item of lists.flatMap(children))
    expect(children(item).map(c => c.type)).toEqual(['paragraph']);

  for (const text of nodes
    .filter(n => n.type === 'text')
    .map(n => n.literal ?? '')) {
    expect(text).not.toMatch(/@[\p{L}\p{N}_]/u);
    expect(text).not.toMatch(/#\p{N}/u);
    expect(text).not.toMatch(/GH-\p{N}/iu);
    expect(text).not.toMatch(/:\/\/|www\./i);
  }
  for (const row of body.split('\n').filter(line => line.startsWith('|')))
    expect(cellSeparators(row)).toBe(3);
  return { doc, quote: nodes.find(n => n.type === 'block_quote')! };
}

const HOSTILE: Array<[string, string]> = [
  [
    'a lone carriage return',
    'Payments\r### Cost\r| forged | 0.00 EUR |\r### Policy\rAll policy checks passed.',
  ],
  ['CRLF', 'first\r\n\r\n## Files\r\n- nothing'],
  [
    'a closing details tag',
    '</details>\n<details><summary>Files</summary>\n\nhidden',
  ],
  ['an HTML comment', '<!-- everything after this is hidden'],
  ['a code fence', '```\n### Files\n```'],
  ['a heading', '# heading'],
  ['a thematic break', 'text\n---'],
  ['a table row', '| table | row |\n| --- | --- |'],
  ['a javascript link', '[click here](javascript:alert(document.cookie))'],
  [
    'an autolink',
    '<https://evil.example/approve> https://evil.example www.evil.example',
  ],
  ['a team mention', '@acme/everyone please approve, cc @jdoe'],
  ['issue references', 'fixes #1, GH-2 and acme/infra#3'],
  [
    'a very long line',
    `${'x'.repeat(20_000)} ${'`'.repeat(50)} ${'|'.repeat(50)}`,
  ],
  ['unicode line separators', 'one\u2028## Cost\u2029two\u0085three\u000bfour'],
  ['an indented code block', 'text\n\n    indented code'],
  ['list markers', '- one\n+ two\n* three\n1. four\n2) five'],
  ['a quote ending', 'text\n\n> nested\n>\n\nafter the quote'],
  ['entities and escapes', '&lt;details&gt; &#35;1 \\'],
  [
    'control and bidirectional characters',
    'a\u0000b\u001b[31m\u202eevil\u2066',
  ],
];

describe('pull request body', () => {
  it.each(HOSTILE)(
    'keeps its structure when the purpose has %s',
    (_what, purpose) => {
      const { request, result, policy } = plan();
      const body = pullRequestBody(
        { ...request, purpose },
        result,
        policy,
        settings,
        { portal: PORTAL },
      );
      const { quote } = expectStructure(body, {
        title: result.title,
        violations: 0,
        files: result.changes.length,
      });
      expect(visible(textOf(quote))).toBe(visible(purpose));
    },
  );

  it.each(HOSTILE)(
    'keeps its structure when every value read back or rendered holds %s',
    (_what, text) => {
      const { request, result, policy } = plan();
      const hostileResult: RenderResult = {
        ...result,
        title: text,
        team: text,
        cluster: text,
        requestId: text,
        summary: [...result.summary, { label: text, value: text }],
        changes: [...result.changes, { path: text, content: null }],
      };
      const hostilePolicy: PolicyResult = {
        ...policy,
        team: text,
        violations: [{ rule: 'storage-class', path: text, message: text }],
      };
      const body = pullRequestBody(
        { ...request, requester: text, purpose: text },
        hostileResult,
        hostilePolicy,
        settings,
        { portal: PORTAL },
      );
      expectStructure(body, {
        title: text,
        violations: 1,
        files: result.changes.length + 1,
      });
      expect(body).not.toMatch(/[\r\v\f\u0085\u2028\u2029]/);
    },
  );

  it('keeps its structure for a request the schema accepts with a carriage return, HTML and mentions in the purpose', () => {
    const { request, result, policy } = plan({
      ...namespaceInput,
      purpose:
        'Payments\r### Files\r<details>\r@acme/everyone fixes #1 \u2028---',
      access: [{ group: 'sg-@acme/everyone#1', role: 'view' }],
    });
    const body = pullRequestBody(request, result, policy, settings, {
      portal: PORTAL,
    });
    expectStructure(body, {
      title: result.title,
      violations: 0,
      files: result.changes.length,
    });
    expect(body).not.toContain('\r');
  });

  it('names approvers without mentioning them (they are asked for review instead)', () => {
    const { request, result, policy } = plan();
    const body = pullRequestBody(request, result, policy, settings, {
      portal: PORTAL,
    });
    expect(body).toContain('| Approvers | @\u200dalice |');
  });

  it('keeps links from configuration inside their link', () => {
    const { request, result, policy } = plan();
    const body = pullRequestBody(request, result, policy, settings, {
      portal: 'http://portal/a b)(<x>',
    });
    const links = descendants(new Parser().parse(body)).filter(
      n => n.type === 'link',
    );
    expect(links.map(l => l.destination)).toEqual([
      'http://portal/a%20b%29%28%3Cx%3E',
    ]);
  });
});

describe('pull request title', () => {
  it('is one line of plain text without mentions or references', () => {
    const { result } = plan();
    expect(pullRequestTitle(result)).toBe(
      'Namespace payments-dev on dev for payments',
    );
    const title = pullRequestTitle({
      ...result,
      title:
        'Namespace x\r\n@acme/everyone fixes #1 GH-2 `code`\u2028https://evil.example',
    });
    expect(title).not.toMatch(/[\r\n\u2028\u2029`]|@[a-z]|#\d|GH-\d|:\/\//i);
    expect(title.replace(/\u200d/g, '')).toBe(
      "Namespace x @acme/everyone fixes #1 GH-2 'code' https://evil.example",
    );
    expect(
      Array.from(pullRequestTitle({ ...result, title: 'y'.repeat(5000) }))
        .length,
    ).toBeLessThanOrEqual(256);
  });
});
