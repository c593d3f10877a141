import type { FormattingOptions, Range, TextEdit } from 'vscode-languageserver-types';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { getCatalogue, type Catalogue } from '../catalogue/index';
import type { BlockLine, Script } from '../script/types';
import { existsIn } from '../catalogue/queries';
import { getScript } from '../script/scriptCache';

/**
 * Formats the document (or the lines `range` touches): header lines become `Name: value` (no indentation, no
 * space before the colon, one after it, none trailing), header names take the catalogue's casing (the block
 * action's parameters, `Action`, `ActionID`), trailing spaces go from every line, and runs of blank lines shrink
 * to one (at the end of the file, to just the final line break). Values are never changed. Formatting twice gives no further edits.
 */
export function format(
  document: TextDocument,
  range: Range | undefined,
  _options: FormattingOptions,
  catalogue: Catalogue = getCatalogue(),
  script: Script = getScript(document),
): TextEdit[] {
  const firstLine = range ? range.start.line : 0;
  let lastLine = range ? range.end.line : document.lineCount - 1;
  if (range && range.end.character === 0 && range.end.line > range.start.line) lastLine--;
  lastLine = Math.min(lastLine, document.lineCount - 1);
  const text = document.getText();
  const edits: TextEdit[] = [];
  if (firstLine > lastLine) return edits;
  // Walks the lines and, in step, the blocks' header and invalid lines (both in file order), reading the text by
  // offsets: only lines that need an edit become strings (a 20 MB file has ~750,000 lines).
  const namesByAction = new Map<string | undefined, CanonicalNames>();
  const blocks = script.blocks;
  let blockIndex = 0;
  while (blockIndex < blocks.length && blocks[blockIndex].range.end.line < firstLine) blockIndex++;
  let lineIndex = 0;
  /** The block line at `line` that the formatter treats as a header, with its block's names. */
  const headerAt = (line: number): { node: BlockLine; names: CanonicalNames } | undefined => {
    while (blockIndex < blocks.length) {
      const block = blocks[blockIndex];
      if (block.range.end.line < line) {
        blockIndex++;
        lineIndex = 0;
        continue;
      }
      if (block.range.start.line > line) return undefined;
      const lines = block.lines;
      while (lineIndex < lines.length && lines[lineIndex].line < line) lineIndex++;
      const node = lines[lineIndex];
      if (!node || node.line !== line || (node.kind !== 'header' && node.kind !== 'invalid')) return undefined;
      let names = namesByAction.get(block.action);
      if (!names) namesByAction.set(block.action, (names = canonicalNames(catalogue, block.action)));
      return { node, names };
    }
    return undefined;
  };

  const lines = new LineCursor(text, document.offsetAt({ line: firstLine, character: 0 }), firstLine);
  const replaceLine = (line: number, oldText: string, newText: string): void => {
    if (oldText === newText) return;
    edits.push({ range: { start: { line, character: 0 }, end: { line, character: oldText.length } }, newText });
  };
  while (lines.line <= lastLine) {
    const line = lines.line;
    const start = lines.start;
    const end = lines.end;
    if (!isBlankSpan(text, start, end)) {
      const header = headerAt(line);
      if (header && !(header.node.kind === 'header' && isFormattedHeader(text, start, end, header.node.name, header.names))) {
        const lineText = text.slice(start, end);
        replaceLine(line, lineText, formatHeader(lineText, header.names.byLowerCase) || lineText.trimEnd());
      } else if (!header && endsWithWhitespace(text, start, end)) {
        const lineText = text.slice(start, end);
        replaceLine(line, lineText, lineText.trimEnd());
      }
      lines.next();
      continue;
    }
    // A run of blank lines.
    const runStartText = text.slice(start, end);
    let runEnd = line;
    let runEndLength = end - start;
    while (runEnd + 1 <= lastLine && lines.next() && isBlankSpan(text, lines.start, lines.end)) {
      runEnd++;
      runEndLength = lines.end - lines.start;
    }
    if (runEnd === document.lineCount - 1) {
      // Blank lines at the end: keep only the final line break (nothing when the whole document is blank).
      const endPosition = { line: runEnd, character: runEndLength };
      if (runEnd > line || runStartText !== '') edits.push({ range: { start: { line, character: 0 }, end: endPosition }, newText: '' });
    } else {
      replaceLine(line, runStartText, '');
      if (runEnd > line) {
        edits.push({ range: { start: { line: line + 1, character: 0 }, end: { line: runEnd + 1, character: 0 } }, newText: '' });
      }
    }
    // The run stopped at the range's end rather than on a line with text: step past its last line.
    if (lines.line === runEnd) lines.next();
  }
  return edits;
}

/** Iterates the lines of `text` from a line start: CR LF, LF and a lone CR end a line, as in TextDocument. */
class LineCursor {
  start = 0;
  end = 0;
  /** True after the last line was passed. */
  done = false;

  constructor(
    private readonly text: string,
    offset: number,
    public line: number,
  ) {
    this.start = offset;
    this.end = lineEnd(text, offset);
  }

  /** Moves to the next line; false (and `done`) when there is none. */
  next(): boolean {
    const text = this.text;
    const end = this.end;
    this.line++;
    if (end >= text.length) {
      this.done = true;
      this.start = this.end = text.length;
      return false;
    }
    this.start = text.charCodeAt(end) === 13 && text.charCodeAt(end + 1) === 10 ? end + 2 : end + 1;
    this.end = lineEnd(text, this.start);
    return true;
  }
}

function lineEnd(text: string, from: number): number {
  let index = from;
  while (index < text.length) {
    const code = text.charCodeAt(index);
    if (code === 10 || code === 13) break;
    index++;
  }
  return index;
}

function isSpaceOrTab(code: number): boolean {
  return code === 32 || code === 9;
}

/** `text.slice(start, end).trim() === ''`, without the slice for plain ASCII lines. */
function isBlankSpan(text: string, start: number, end: number): boolean {
  let index = start;
  while (index < end && isSpaceOrTab(text.charCodeAt(index))) index++;
  if (index === end) return true;
  const code = text.charCodeAt(index);
  if (code > 32 && code < 127) return false;
  return text.slice(start, end).trim() === '';
}

/** True when trimEnd() would change the line. */
function endsWithWhitespace(text: string, start: number, end: number): boolean {
  if (end === start) return false;
  const last = text.charCodeAt(end - 1);
  if (last > 32 && last < 127) return false;
  const line = text.slice(start, end);
  return line.trimEnd() !== line;
}

/**
 * True when the header line `text[start, end)` is already `Name: value` with the canonical name (what
 * formatHeader would leave as it is), checked without allocating. Unusual lines answer false (and take the slow path).
 */
function isFormattedHeader(text: string, start: number, end: number, name: string, names: CanonicalNames): boolean {
  let index = start === 0 && text.charCodeAt(0) === 0xfeff ? 1 : start;
  if (!text.startsWith(name, index)) return false;
  index += name.length;
  if (text.charCodeAt(index) !== 58) return false;
  if (index + 1 < end) {
    if (text.charCodeAt(index + 1) !== 32) return false;
    const valueFirst = text.charCodeAt(index + 2);
    const last = text.charCodeAt(end - 1);
    if (!(valueFirst > 32 && valueFirst < 127 && last > 32 && last < 127)) return false;
  }
  // A name that is canonical, or not one the action knows (kept as written), needs no change.
  return names.canonical.has(name) || (!name.includes('(') && !names.byLowerCase.has(name.toLowerCase()));
}

/** A block action's header spellings: canonical by lower-cased name, and the set of canonical spellings. */
interface CanonicalNames {
  byLowerCase: Map<string, string>;
  canonical: Set<string>;
}

/** Canonical spellings of the headers a block of `actionName` may have, by lower-cased name. */
function canonicalNames(catalogue: Catalogue, actionName: string | undefined): CanonicalNames {
  const names = new Map<string, string>([
    ['action', 'Action'],
    ['actionid', 'ActionID'],
  ]);
  const action = actionName ? catalogue.action(actionName) : undefined;
  for (const param of action?.params ?? []) {
    // When a header is documented with two casings (one per branch), the newest branch's spelling wins.
    const key = param.name.toLowerCase();
    if (!names.has(key) || existsIn(param, catalogue.newestBranch)) names.set(key, param.name);
  }
  return { byLowerCase: names, canonical: new Set(names.values()) };
}

const headerPattern = /^(\uFEFF?)[ \t]*([A-Za-z0-9_-]+)(\([^()]*\))?[ \t]*:[ \t]*(.*?)[ \t]*$/;

/** `Name: value` with the canonical name casing; a `(suffix)` and the value are kept as written. */
function formatHeader(text: string, names: Map<string, string>): string | undefined {
  const match = headerPattern.exec(text);
  if (!match) return undefined;
  const [, bom, base, suffix = '', value] = match;
  const name = (names.get(base.toLowerCase()) ?? base) + suffix;
  return value === '' ? `${bom}${name}:` : `${bom}${name}: ${value}`;
}
