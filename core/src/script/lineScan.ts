/**
 * What one line of an `.ami` script is, decided from offsets into the whole text with no string or node made:
 * the one place the line rules live. The parser's node builder (parser.ts, classify) reads the kind and offsets
 * from here; a caller that needs only a line's kind and parts can read them without a node being built.
 */

/** Line kinds (1–5 are the kinds of a block's lines). */
export const LINE_BLANK = 0;
export const LINE_HEADER = 1;
export const LINE_COMMENT = 2;
export const LINE_DIRECTIVE = 3;
export const LINE_EXPECT = 4;
export const LINE_INVALID = 5;
export const LINE_SEPARATOR = 6;
export const LINE_FILE_VARIABLE = 7;

/**
 * Where the parts of the line last scanned lie: absolute offsets into the text. `start`/`end` bound the line's
 * text with spaces trimmed (set unless blank). The others depend on the kind:
 * - header: `a` the colon, `b`/`c` the trimmed value;
 * - comment and separator: `a` where the text after the marker run starts (to `end`);
 * - directive: `a`/`b` the name, `c` where the value starts (to `end`);
 * - expect: `a` where the text after `@expect` starts (to `end`);
 * - file variable: `a`/`b` the name, `c` where the value starts (to `end`).
 */
export const scanned = { start: 0, end: 0, a: 0, b: 0, c: 0 };

const CODE_TAB = 9;
const CODE_SPACE = 32;
const CODE_HASH = 35;
const CODE_SEMICOLON = 59;
const CODE_AT = 64;
/** U+FEFF, skipped at the very start of the text. */
export const BOM = 0xfeff;

const FILE_VARIABLE = /^@([A-Za-z_][\w.-]*)\s*=(.*)$/;
/** `@expect` and what must follow it, from where the line's text starts (sticky; a line break is \s). */
const EXPECT_START = /@expect(?=\s|$)/iy;
const EXPECT_LENGTH = '@expect'.length;
const DIRECTIVE = /^[#;]\s*@([\w-]+)(.*)$/;
/** What a directive starts with, from where the line's text starts (sticky): plain comments skip DIRECTIVE. */
const DIRECTIVE_START = /[#;][^\S\r\n]*@[\w-]/y;
/** A header's name, optional `(suffix)` and colon, from where the line's text starts (sticky). */
const HEADER_NAME = /[A-Za-z0-9_-]+(?:\([^()\r\n]*\))?:/y;

function isSpace(code: number): boolean {
  return code === CODE_SPACE || code === CODE_TAB;
}

/** First index >= `from` that is not a space or tab. */
export function skipSpaces(text: string, from: number, limit: number): number {
  let index = from;
  while (index < limit && isSpace(text.charCodeAt(index))) index++;
  return index;
}

/** Index after the last non-space character before `to`. */
export function trimEnd(text: string, from: number, to: number): number {
  let index = to;
  while (index > from && isSpace(text.charCodeAt(index - 1))) index--;
  return index;
}

/** Where a comment's text starts: after the marker run (`#`, `##`, `;`...) and the spaces after it. */
function commentTextStart(text: string, start: number, end: number): number {
  const marker = text.charCodeAt(start);
  let index = start;
  while (index < end && text.charCodeAt(index) === marker) index++;
  return skipSpaces(text, index, end);
}

/**
 * The kind of the line `text[base, lineEnd)` on its own (block membership is the caller's), with its parts'
 * offsets left in {@link scanned}. A BOM at the text's very start is skipped.
 */
export function scanLine(text: string, base: number, lineEnd: number): number {
  const start = skipSpaces(text, base === 0 && text.charCodeAt(0) === BOM ? 1 : base, lineEnd);
  const end = trimEnd(text, start, lineEnd);
  if (start >= end) return LINE_BLANK;
  const found = scanned;
  found.start = start;
  found.end = end;
  const first = text.charCodeAt(start);

  if (first === CODE_HASH || first === CODE_SEMICOLON) {
    if (first === CODE_HASH && text.startsWith('###', start)) {
      found.a = commentTextStart(text, start, end);
      return LINE_SEPARATOR;
    }
    DIRECTIVE_START.lastIndex = start;
    if (DIRECTIVE_START.test(text)) {
      const body = text.slice(start, end);
      const directive = DIRECTIVE.exec(body);
      if (directive) {
        const nameStart = start + body.indexOf('@') + 1;
        const nameEnd = nameStart + directive[1].length;
        found.a = nameStart;
        found.b = nameEnd;
        // The value runs from here to end (c <= end: skipSpaces stops at end).
        found.c = skipSpaces(text, nameEnd, end);
        return LINE_DIRECTIVE;
      }
    }
    found.a = commentTextStart(text, start, end);
    return LINE_COMMENT;
  }

  if (first === CODE_AT) {
    EXPECT_START.lastIndex = start;
    if (EXPECT_START.test(text)) {
      found.a = skipSpaces(text, start + EXPECT_LENGTH, end);
      return LINE_EXPECT;
    }
    const variable = FILE_VARIABLE.exec(text.slice(start, end));
    if (variable) {
      const nameStart = start + 1;
      const nameEnd = nameStart + variable[1].length;
      found.a = nameStart;
      found.b = nameEnd;
      found.c = skipSpaces(text, text.indexOf('=', nameEnd) + 1, end);
      return LINE_FILE_VARIABLE;
    }
  }

  // Matched natively: the name, an optional `(suffix)` and the colon never cross a line break, so the match
  // stays inside the line without being bounded by `end`.
  HEADER_NAME.lastIndex = start;
  if (!HEADER_NAME.test(text)) return LINE_INVALID;
  const colon = HEADER_NAME.lastIndex - 1;
  const valueStart = skipSpaces(text, colon + 1, end);
  found.a = colon;
  found.b = valueStart;
  found.c = Math.max(valueStart, trimEnd(text, valueStart, end));
  return LINE_HEADER;
}
