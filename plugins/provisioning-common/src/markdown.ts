/**
 * User text in GitHub markdown. Everything a requester types (purpose, names, AD groups, cost centre) and every
 * value read back from the repository reaches a pull request through these functions, so it stays text: it
 * cannot end a quote or a table row, start a heading, list, fence or HTML block, make a link, mention a person or
 * a team, or link an issue. All of them share one normalisation of line breaks and control characters and one
 * neutralisation of mentions and references; `escapeMarkdown` is the escaping itself.
 */

/** Every line break CommonMark or GitHub might honour: CRLF, CR, LF, VT, FF, NEL, LINE and PARAGRAPH SEPARATOR. */
const LINE_BREAK = /\r\n|[\n\r\v\f\u0085\u2028\u2029]/;
/** Other control characters and the invisible bidirectional controls that make text read differently than it is. */
const INVISIBLE = /[\p{Cc}\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]/gu;
/** Joins what GitHub would link (`@name`, `#1`, `GH-1`, `https://`, `www.`) without changing how it reads. */
const ZWJ = '\u200d';
/** Characters with a meaning anywhere in a markdown line (HTML, entities, emphasis, code, links, tables, math). */
const INLINE_SPECIAL = /[\\`*_[\]<>&|~#$]/g;

/** Splits text into lines on every kind of line break; each line without control characters or padding. */
function normalizedLines(text: string): string[] {
  return String(text)
    .split(LINE_BREAK)
    .map(line =>
      line
        .replace(/\t/g, ' ')
        .replace(INVISIBLE, '')
        .replace(/ {2,}/g, ' ')
        .trim(),
    );
}

/** One line of text: every line break becomes a space. */
function normalizedLine(text: string): string {
  return normalizedLines(text)
    .filter(line => line !== '')
    .join(' ');
}

/**
 * Breaks what GitHub turns into notifications or links inside plain text: mentions (`@user`, `@org/team`), issue
 * and pull request references (`#1`, `GH-1`) and bare addresses (`https://…`, `www.…`, `a@b.example`). A
 * zero-width joiner goes after the trigger, so the text looks the same but no longer matches.
 */
function neutralizeReferences(line: string): string {
  return line
    .replace(/@(?=[\p{L}\p{N}_])/gu, `@${ZWJ}`)
    .replace(/#(?=\p{N})/gu, `#${ZWJ}`)
    .replace(/\bGH(?=-\p{N})/giu, match => `${match}${ZWJ}`)
    .replace(/:(?=\/\/)/g, `:${ZWJ}`)
    .replace(/\b(www)\./gi, `$1${ZWJ}.`);
}

/** Escapes what only means something at the start of a line: list markers, setext underlines, thematic breaks. */
function escapeLineStart(line: string): string {
  return line
    .replace(/^([-+=])(?=[\s\-+=]|$)/, '\\$1')
    .replace(/^(\p{N}{1,9})([.)])(?=\s|$)/u, '$1\\$2');
}

/**
 * Escapes user text for any inline position of a markdown document: a paragraph, a heading, a table cell, a list
 * item or a quoted line. The result is one line (line breaks and control characters become spaces or go), every
 * character with a markdown or HTML meaning is backslash-escaped (so `<details>`, `<!--`, `[a](javascript:…)`,
 * `# heading`, `---`, `| cell |` and backticks render as the characters typed), and mentions and references are
 * neutralised (see above). Rendered, it reads as the text given.
 */
export function escapeMarkdown(text: string): string {
  return escapeLineStart(
    neutralizeReferences(normalizedLine(text)).replace(INLINE_SPECIAL, '\\$&'),
  );
}

/**
 * Puts text in an inline code span. The fence is one backtick longer than the longest run of backticks in the
 * text, so no backtick inside closes it; line breaks become spaces. GitHub neither links nor notifies inside
 * code. In a table cell (`tableCell`), text with a pipe is escaped as by `escapeMarkdown` instead, since GitHub
 * splits cells on pipes even inside code.
 */
export function markdownCode(
  text: string,
  options: { tableCell?: boolean } = {},
): string {
  const content = normalizedLine(text);
  if (options.tableCell && content.includes('|'))
    return escapeMarkdown(content);
  if (content === '') return '` `';
  const longestRun = Math.max(
    0,
    ...(content.match(/`+/g) ?? []).map(run => run.length),
  );
  const fence = '`'.repeat(longestRun + 1);
  const pad = /^[` ]|[` ]$/.test(content) ? ' ' : '';
  return `${fence}${pad}${content}${pad}${fence}`;
}

/**
 * Puts multi-line text in a fenced code block (`info` is the language, e.g. `diff`). The fence is a run of
 * backticks longer than any run in the text, so no line inside closes it; control characters are removed and
 * line breaks become LF. GitHub neither links nor notifies inside code.
 */
export function markdownCodeBlock(text: string, info = ''): string {
  const lines = String(text)
    .split(LINE_BREAK)
    .map(line => line.replace(/\t/g, '    ').replace(INVISIBLE, ''));
  const body = lines.join('\n');
  const longestRun = Math.max(
    2,
    ...(body.match(/`+/g) ?? []).map(run => run.length),
  );
  const fence = '`'.repeat(longestRun + 1);
  return `${fence}${/^[a-z]+$/.test(info) ? info : ''}\n${body}\n${fence}`;
}

/**
 * Quotes multi-line user text as a markdown block quote: each line escaped as by `escapeMarkdown` and prefixed
 * with `> `, runs of empty lines kept as one empty quoted line. Nothing in it can end the quote early.
 */
export function markdownQuote(text: string): string {
  const lines: string[] = [];
  for (const line of normalizedLines(text)) {
    if (line === '' && (lines.length === 0 || lines[lines.length - 1] === '>'))
      continue;
    lines.push(line === '' ? '>' : `> ${escapeMarkdown(line)}`);
  }
  while (lines.length > 0 && lines[lines.length - 1] === '>') lines.pop();
  return lines.length === 0 ? '>' : lines.join('\n');
}

/**
 * User text for a place that shows plain text but still links references, such as a pull request title or a
 * commit subject: one line, no control characters, mentions and references neutralised, backticks (which GitHub
 * renders as code in titles) replaced by quotes, and cut to `maxLength` characters with an ellipsis.
 */
export function plainText(text: string, maxLength = 256): string {
  const line = neutralizeReferences(normalizedLine(text)).replace(/`/g, "'");
  const chars = Array.from(line);
  return chars.length <= maxLength
    ? line
    : `${chars
        .slice(0, maxLength - 1)
        .join('')
        .trimEnd()}…`;
}
