import { Node, Parser } from 'commonmark';
import {
  escapeMarkdown,
  markdownCode,
  markdownCodeBlock,
  markdownQuote,
  plainText,
} from './markdown';

const parse = (markdown: string) => new Parser().parse(markdown);

function descendants(root: Node): Node[] {
  const out: Node[] = [];
  const walker = root.walker();
  for (let step = walker.next(); step; step = walker.next())
    if (step.entering && step.node !== root) out.push(step.node);
  return out;
}

/** What a reader sees: the text of every text and code node, line breaks as `\n`, joiners removed. */
function rendered(root: Node): string {
  return descendants(root)
    .map(n => {
      if (n.type === 'text' || n.type === 'code') return n.literal;
      if (
        n.type === 'softbreak' ||
        n.type === 'linebreak' ||
        (n.type === 'paragraph' && n.prev)
      )
        return '\n';
      return '';
    })
    .join('')
    .replace(/\u200d/g, '');
}

const HOSTILE = [
  '# heading',
  '## Cost',
  '---',
  '===',
  '- item',
  '+ item',
  '* item',
  '1. item',
  '2) item',
  '> quote',
  '    indented code',
  '```js',
  '~~~',
  '</details>',
  '<details><summary>open</summary>',
  '<!-- hide the rest',
  '<https://evil.example>',
  '[link](javascript:alert(1))',
  '![image](https://evil.example/a.png)',
  '&lt;script&gt; &#35;1',
  '| a | b |',
  '*emphasis* _emphasis_ ~~strike~~ `code` $x$',
  'ends with a backslash \\',
];

describe('escapeMarkdown', () => {
  it.each(HOSTILE)(
    'keeps %j a single paragraph of plain text that reads as typed',
    text => {
      const doc = parse(escapeMarkdown(text));
      expect(doc.firstChild?.type).toBe('paragraph');
      expect(doc.firstChild?.next).toBeNull();
      expect(
        descendants(doc)
          .map(n => n.type)
          .filter(t => t !== 'text'),
      ).toEqual(['paragraph']);
      expect(rendered(doc)).toBe(text.trim());
    },
  );

  it('turns every kind of line break into a space, so text cannot leave its line', () => {
    expect(
      escapeMarkdown('a\rb\r\nc\nd\u2028e\u2029f\u0085g\u000bh\u000ci'),
    ).toBe('a b c d e f g h i');
  });

  it('drops control characters and bidirectional overrides', () => {
    expect(escapeMarkdown('a\u0000b\u001b[31mc\u007f\u202eevil\u2066')).toBe(
      'ab\\[31mcevil',
    );
  });

  it('neutralises mentions, issue references and bare addresses with a zero-width joiner', () => {
    const text = rendered(
      parse(
        escapeMarkdown(
          '@jdoe @acme/everyone #12 GH-3 gh-4 https://evil.example www.evil.example a@b.example',
        ),
      ),
    );
    expect(text).toBe(
      '@jdoe @acme/everyone #12 GH-3 gh-4 https://evil.example www.evil.example a@b.example',
    );
    const raw = escapeMarkdown('@acme/everyone #12 GH-3 https://x www.x');
    expect(raw).not.toMatch(/@[a-z]|#\d|GH-\d|:\/\/|www\./i);
  });

  it('leaves ordinary text readable', () => {
    expect(
      escapeMarkdown('Payment service - 2 cores / 4 cores, 57.00 EUR'),
    ).toBe('Payment service - 2 cores / 4 cores, 57.00 EUR');
    expect(escapeMarkdown('-5.00 EUR')).toBe('-5.00 EUR');
  });
});

describe('markdownCodeBlock', () => {
  it.each([
    '+ a\n- b',
    '```\n### Files\n```',
    'a ```` b\n~~~\n</details>',
    '@acme/everyone #1 https://example.com',
    '',
  ])('puts %j in one code block that no fence closes early', text => {
    const doc = parse(`before\n\n${markdownCodeBlock(text, 'diff')}\n\nafter`);
    const blocks = descendants(doc).filter(n => n.type === 'code_block');
    expect(blocks.map(b => [b.info, b.literal])).toEqual([
      ['diff', text === '' ? '\n' : `${text}\n`],
    ]);
    expect(
      descendants(doc)
        .filter(n => n.type === 'text')
        .map(n => n.literal),
    ).toEqual(['before', 'after']);
  });

  it('drops an info string that is not a plain word', () => {
    expect(markdownCodeBlock('x', 'diff `x`')).toBe('```\nx\n```');
  });
});

describe('markdownCode', () => {
  it.each([
    'plain',
    'a`b',
    '`',
    '``x``',
    'ends with `',
    '` x `',
    'a ``` b',
    '<!-- x -->',
    '@acme/everyone',
  ])('puts %j in one code span that no backtick closes early', text => {
    const doc = parse(`before ${markdownCode(text)} after`);
    const codes = descendants(doc).filter(n => n.type === 'code');
    expect(codes.map(c => c.literal)).toEqual([text]);
    expect(rendered(doc)).toBe(`before ${text} after`);
  });

  it('keeps multi-line text on one line', () => {
    expect(markdownCode('a\r\n# b')).toBe('`a # b`');
  });

  it('escapes text with a pipe instead of using code in a table cell', () => {
    expect(markdownCode('payments', { tableCell: true })).toBe('`payments`');
    expect(markdownCode('a|b', { tableCell: true })).toBe('a\\|b');
  });
});

describe('markdownQuote', () => {
  it('keeps every line of the text inside one block quote', () => {
    const text =
      'first\rsecond\r\n\r\n# third\u2028---\n```\n<details>\n\n\n\nlast';
    const doc = parse(`${markdownQuote(text)}\n\nafter`);
    expect(doc.firstChild?.type).toBe('block_quote');
    expect(doc.firstChild?.next?.type).toBe('paragraph');
    expect(doc.firstChild?.next?.next).toBeNull();
    const inside = descendants(doc.firstChild!).map(n => n.type);
    expect(new Set(inside)).toEqual(
      new Set(['paragraph', 'text', 'softbreak']),
    );
    expect(rendered(doc.firstChild!)).toBe(
      'first\nsecond\n# third\n---\n```\n<details>\nlast',
    );
  });

  it('quotes empty text as an empty quote', () => {
    expect(markdownQuote('\r\n')).toBe('>');
  });
});

describe('plainText', () => {
  it('gives one line without mentions, references or code', () => {
    const title = plainText(
      'Fix @acme/everyone #1\r\nGH-2 `rm -rf`\u2028https://evil.example',
    );
    expect(title).not.toMatch(/[\r\n\u2028`]|@[a-z]|#\d|GH-\d|:\/\//i);
    expect(title.replace(/\u200d/g, '')).toBe(
      "Fix @acme/everyone #1 GH-2 'rm -rf' https://evil.example",
    );
  });

  it('cuts long text to the limit with an ellipsis', () => {
    const title = plainText('x'.repeat(1000));
    expect(Array.from(title)).toHaveLength(256);
    expect(title.endsWith('…')).toBe(true);
  });
});
