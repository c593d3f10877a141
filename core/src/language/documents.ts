import type { TextDocument } from 'vscode-languageserver-textdocument';
import { isRunBreak, parseBlockAt } from '../script/parser';
import { peekScript } from '../script/scriptCache';
import type { Block, FileVariable, Position, Range, Script } from '../script/types';

/**
 * Shared document helpers for the language features. Whole-document features (symbols, folding, rename,
 * formatting) use a parse cached per document version; per-keystroke features (completion, hover) only parse
 * the block around the cursor and scan the text cheaply for file variables and named blocks.
 */

/** Text of one line without its line ending ('' past the end). */
export function lineText(document: TextDocument, line: number): string {
  if (line < 0 || line >= document.lineCount) return '';
  const text = document.getText({ start: { line, character: 0 }, end: { line: line + 1, character: 0 } });
  return text.replace(/\r?\n$/, '').replace(/\r$/, '');
}

/** A line that ends a block: blank, or a `###` separator. */
function endsBlock(text: string): boolean {
  const trimmed = text.trim();
  return trimmed === '' || trimmed.startsWith('###');
}

/**
 * The block containing `line`, parsed on its own (the cost is the block's size: the line's offset comes from
 * the document's line index). Undefined on a blank or separator line. Its `index` is -1.
 */
export function blockAround(document: TextDocument, line: number): Block | undefined {
  // Typing features come here first: let go of a whole-document parse of an older version.
  peekScript(document);
  if (line < 0 || line >= document.lineCount) return undefined;
  // The run around the line is found line by line and only its text is read: the server's document keeps its
  // text as lines and would have to join the whole file for getText() (server/src/lineDocument.ts).
  const endsRun = (at: number): boolean => isRunBreak(lineText(document, at), at === 0);
  if (endsRun(line)) return undefined;
  let first = line;
  while (first > 0 && !endsRun(first - 1)) first--;
  let last = line;
  while (last + 1 < document.lineCount && !endsRun(last + 1)) last++;
  // From the line above the run (a `###` separator there titles the block); below the document's first line,
  // after an empty line, so that a U+FEFF starting the part is not taken for the document's BOM.
  const from = Math.max(0, first - 1);
  const part = document.getText({ start: { line: from, character: 0 }, end: { line: last + 1, character: 0 } });
  return from === 0 ? parseBlockAt(part, line) : parseBlockAt(`\n${part}`, line, undefined, from - 1);
}

/** A block named with `# @name`, as found by a cheap scan. */
export interface NamedBlockInfo {
  name: string;
  /** Range of the name in the `# @name` line. */
  nameRange(): Range;
  /** The block's action, when its `Action:` line is found. Computed on demand to keep scans cheap. */
  action(): string | undefined;
}

/** A named block found by `scanDefinitions`: only the name and its offset are kept. */
class ScannedNamedBlock implements NamedBlockInfo {
  constructor(
    readonly name: string,
    private readonly text: string,
    private readonly offset: number,
    private readonly positionAt: (offset: number) => Position,
  ) {}

  nameRange(): Range {
    const start = this.positionAt(this.offset);
    return { start, end: { line: start.line, character: start.character + this.name.length } };
  }

  action(): string | undefined {
    return findActionBelow(this.text, this.offset);
  }
}

/** File variables and named blocks of a document. */
export interface Definitions {
  fileVariables: FileVariable[];
  namedBlocks: NamedBlockInfo[];
}

const definitionsCache = new WeakMap<TextDocument, { version: number; definitions: Definitions }>();

/**
 * File variables and named blocks. Uses the cached parse when it is current; otherwise scans the text with
 * the text's `@` characters (much cheaper than parsing a large file on every keystroke).
 */
export function getDefinitions(document: TextDocument): Definitions {
  const cached = definitionsCache.get(document);
  if (cached && cached.version === document.version) return cached.definitions;
  const script = peekScript(document);
  const definitions = script
    ? definitionsFromScript(script)
    : scanDefinitions(document.getText(), (offset) => document.positionAt(offset));
  definitionsCache.set(document, { version: document.version, definitions });
  return definitions;
}

/** Definitions from a full parse. */
export function definitionsFromScript(script: Script): Definitions {
  const namedBlocks: NamedBlockInfo[] = [];
  for (const block of script.blocks) {
    // block.name is the first `# @name` directive's value (non-empty): the directive (and its range) is looked up
    // only when asked for, so that the blocks' line nodes are not all built.
    const name = block.name;
    if (name === undefined) continue;
    const nameRange = (): Range => block.directives.find((d) => d.name.toLowerCase() === 'name' && d.value !== '')!.valueRange;
    namedBlocks.push({ name, nameRange, action: () => block.action });
  }
  return { fileVariables: script.fileVariables, namedBlocks };
}

const fileVariablePattern = /^@([A-Za-z_][\w.-]*)[ \t]*=[ \t]*(.*)$/;
const actionPattern = /^[ \t]*action[ \t]*:[ \t]*(\S+)/i;

function isBlank(code: number): boolean {
  return code === 32 || code === 9;
}

function isLineBreak(code: number): boolean {
  return code === 10 || code === 13;
}

/** Offset where the line containing `offset` ends (before its line break). */
function lineEndAt(text: string, offset: number): number {
  let end = offset;
  while (end < text.length && !isLineBreak(text.charCodeAt(end))) end++;
  return end;
}

/** True when `keyword` (lower case) stands at `offset`, in any case, followed by a blank or the line end. */
function isKeyword(text: string, offset: number, keyword: string): boolean {
  for (let i = 0; i < keyword.length; i++) {
    if ((text.charCodeAt(offset + i) | 0x20) !== keyword.charCodeAt(i)) return false;
  }
  const next = text.charCodeAt(offset + keyword.length);
  return Number.isNaN(next) || isBlank(next) || isLineBreak(next);
}

function isNameKeyword(text: string, offset: number): boolean {
  return isKeyword(text, offset, 'name');
}

/** True when only spaces/tabs (or a leading BOM) stand between the line start and `offset`. */
function startsLine(text: string, offset: number): boolean {
  let index = offset;
  while (index > 0 && isBlank(text.charCodeAt(index - 1))) index--;
  return index === 0 || isLineBreak(text.charCodeAt(index - 1)) || (index === 1 && text.charCodeAt(0) === 0xfeff);
}

/**
 * Cheap scan for `@name = value` lines and `# @name x` directives (with the following `Action:`), following
 * the parser's rules. It visits only the `@` characters of the text (found natively by indexOf), so it stays
 * in the low milliseconds on multi-megabyte files. A file variable line inside a block (which the parser
 * reports as invalid) is still listed: good enough for completion and hover.
 */
export function scanDefinitions(text: string, positionAt: (offset: number) => Position): Definitions {
  const fileVariables: FileVariable[] = [];
  const namedBlocks: NamedBlockInfo[] = [];
  for (let at = text.indexOf('@'); at !== -1; at = text.indexOf('@', at + 1)) {
    let before = at;
    while (before > 0 && isBlank(text.charCodeAt(before - 1))) before--;
    const marker = before > 0 ? text.charCodeAt(before - 1) : 0;
    if (startsLine(text, at)) {
      if (isKeyword(text, at + 1, 'expect')) continue;
      let end = lineEndAt(text, at);
      while (end > at && isBlank(text.charCodeAt(end - 1))) end--;
      const match = fileVariablePattern.exec(text.slice(at, end));
      if (!match) continue;
      const start = positionAt(at);
      const line = start.line;
      const nameStart = start.character + 1;
      const valueStart = start.character + match[0].length - match[2].length;
      fileVariables.push({
        name: match[1],
        value: match[2],
        range: { start, end: { line, character: start.character + match[0].length } },
        nameRange: { start: { line, character: nameStart }, end: { line, character: nameStart + match[1].length } },
        valueRange: { start: { line, character: valueStart }, end: { line, character: valueStart + match[2].length } },
      });
    } else if ((marker === 35 || marker === 59) && startsLine(text, before - 1) && isNameKeyword(text, at + 1)) {
      let valueStart = at + 5;
      let end = lineEndAt(text, valueStart);
      while (valueStart < end && isBlank(text.charCodeAt(valueStart))) valueStart++;
      while (end > valueStart && isBlank(text.charCodeAt(end - 1))) end--;
      if (end > valueStart) namedBlocks.push(new ScannedNamedBlock(text.slice(valueStart, end), text, valueStart, positionAt));
    }
  }
  return { fileVariables, namedBlocks };
}

/** The `Action:` value in the lines after `offset`, up to the end of the block. */
function findActionBelow(text: string, offset: number): string | undefined {
  let lineStart = lineEndAt(text, offset);
  for (let lines = 0; lines < 200 && lineStart < text.length; lines++) {
    lineStart += text.charCodeAt(lineStart) === 13 && text.charCodeAt(lineStart + 1) === 10 ? 2 : 1;
    const lineEnd = lineEndAt(text, lineStart);
    const line = text.slice(lineStart, lineEnd);
    if (endsBlock(line)) return undefined;
    const action = actionPattern.exec(line);
    if (action) return action[1];
    lineStart = lineEnd;
  }
  return undefined;
}

/** True when `position` lies within `range` (end inclusive, as a cursor right after a word is on it). */
export function contains(range: Range, position: Position): boolean {
  if (position.line < range.start.line || position.line > range.end.line) return false;
  if (position.line === range.start.line && position.character < range.start.character) return false;
  if (position.line === range.end.line && position.character > range.end.character) return false;
  return true;
}
