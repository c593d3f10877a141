/**
 * Error-tolerant parser for `.ami` scripts (docs/script-format.md).
 *
 * Line breaks follow LSP/TextDocument rules (CR LF, LF and a lone CR all end a line), so every range is in the
 * same coordinates as the editor's document. Nothing here throws: every line becomes some node, and lines that
 * fit no rule become `InvalidLine`s for the diagnostics to explain.
 */
import { lowerCaseName } from '../catalogue/queries';
import { ownCopy } from '../text/detach';
import {
  BOM,
  LINE_BLANK,
  LINE_COMMENT,
  LINE_DIRECTIVE,
  LINE_EXPECT,
  LINE_FILE_VARIABLE,
  LINE_HEADER,
  LINE_INVALID,
  LINE_SEPARATOR,
  scanLine,
  scanned,
  skipSpaces,
  trimEnd,
} from './lineScan';
import type {
  Block,
  BlockLine,
  CommentLine,
  DirectiveLine,
  ExpectLine,
  FileVariable,
  HeaderLine,
  InvalidLine,
  Range,
  Script,
  Separator,
  VariableRef,
} from './types';

/** What one line is on its own; block lines are returned as themselves to keep allocations low. */
type Classified =
  | BlockLine
  | { kind: 'blank' }
  | { kind: 'separator'; node: Separator }
  | { kind: 'fileVariable'; node: FileVariable; text: string; line: number; start: number; end: number };

const BLANK: Classified = { kind: 'blank' };

/** A `{{` later on the same line (sticky, from where a value starts). */
const BRACES_IN_LINE = /[^\r\n]*?\{\{/y;

/** A fresh single-line range (callers may keep or change it). */
function range(line: number, start: number, end: number): Range {
  return { start: { line, character: start }, end: { line, character: end } };
}

// Line nodes keep numbers and build their ranges on read: see the note in types.ts. All have one shape per
// class, so property reads stay monomorphic.

// `kind` lives on each class's prototype (declared below), not in every node; name and value ends are
// derived from the strings' lengths. A header is then 8 fields.
class HeaderNode implements HeaderLine {
  declare readonly kind: 'header';
  constructor(
    readonly line: number,
    readonly name: string,
    readonly value: string,
    /** @internal */ readonly startCharacter: number,
    private readonly valueStartCharacter: number,
    /** @internal */ readonly endCharacter: number,
    readonly variables: readonly VariableRef[],
  ) {}

  get range(): Range {
    return range(this.line, this.startCharacter, this.endCharacter);
  }

  get nameRange(): Range {
    return range(this.line, this.startCharacter, this.startCharacter + this.name.length);
  }

  get valueRange(): Range {
    return range(this.line, this.valueStartCharacter, this.valueStartCharacter + this.value.length);
  }
}

class CommentNode implements CommentLine {
  declare readonly kind: 'comment';
  constructor(
    readonly line: number,
    readonly text: string,
    private readonly startCharacter: number,
    private readonly endCharacter: number,
  ) {}

  get range(): Range {
    return range(this.line, this.startCharacter, this.endCharacter);
  }
}

class InvalidNode implements InvalidLine {
  declare readonly kind: 'invalid';
  constructor(
    readonly line: number,
    readonly text: string,
    private readonly startCharacter: number,
    private readonly endCharacter: number,
  ) {}

  get range(): Range {
    return range(this.line, this.startCharacter, this.endCharacter);
  }
}

class DirectiveNode implements DirectiveLine {
  declare readonly kind: 'directive';
  constructor(
    readonly line: number,
    readonly name: string,
    readonly value: string,
    private readonly startCharacter: number,
    private readonly nameStartCharacter: number,
    private readonly valueStartCharacter: number,
    private readonly endCharacter: number,
  ) {}

  get range(): Range {
    return range(this.line, this.startCharacter, this.endCharacter);
  }

  get nameRange(): Range {
    return range(this.line, this.nameStartCharacter, this.nameStartCharacter + this.name.length);
  }

  get valueRange(): Range {
    return range(this.line, this.valueStartCharacter, this.endCharacter);
  }
}

class ExpectNode implements ExpectLine {
  declare readonly kind: 'expect';
  constructor(
    readonly line: number,
    readonly text: string,
    private readonly startCharacter: number,
    private readonly textStartCharacter: number,
    private readonly endCharacter: number,
    readonly variables: readonly VariableRef[],
  ) {}

  get range(): Range {
    return range(this.line, this.startCharacter, this.endCharacter);
  }

  get textRange(): Range {
    return range(this.line, this.textStartCharacter, this.endCharacter);
  }
}

class VariableNode implements VariableRef {
  constructor(
    readonly line: number,
    readonly name: string,
    readonly closed: boolean,
    private readonly startCharacter: number,
    private readonly nameStartCharacter: number,
    private readonly nameEndCharacter: number,
    private readonly endCharacter: number,
  ) {}

  get range(): Range {
    return range(this.line, this.startCharacter, this.endCharacter);
  }

  get nameRange(): Range {
    return range(this.line, this.nameStartCharacter, this.nameEndCharacter);
  }
}

for (const [node, kind] of [
  [HeaderNode, 'header'],
  [CommentNode, 'comment'],
  [InvalidNode, 'invalid'],
  [DirectiveNode, 'directive'],
  [ExpectNode, 'expect'],
] as const) {
  Object.defineProperty(node.prototype, 'kind', { value: kind, enumerable: true });
}

/** `variables` of the many lines without a reference. */
const NO_VARIABLES: readonly VariableRef[] = Object.freeze([]);

/** `text.indexOf(pair, from)` limited to `[from, to)`, for a two-character `pair`; -1 when absent. */
function indexOfPair(text: string, first: number, second: number, from: number, to: number): number {
  for (let index = from; index + 1 < to; index++) {
    if (text.charCodeAt(index) === first && text.charCodeAt(index + 1) === second) return index;
  }
  return -1;
}

const CODE_OPEN_BRACE = 123;
const CODE_CLOSE_BRACE = 125;

/**
 * Walks the `{{name}}` references in `text[from, to)`: each `next()` finds one and leaves its offsets in the
 * fields, without making an object (the quick check reads names only; findVariables builds the nodes). An
 * unclosed `{{` runs to the next `{{` or to `to`.
 */
export class VariableScan {
  /** Where the reference found by `next()` starts (its `{{`) and ends (after `}}`, or where an unclosed one stops). */
  start = 0;
  end = 0;
  /** Its name, trimmed. */
  nameStart = 0;
  nameEnd = 0;
  closed = false;
  private text = '';
  private to = 0;
  private open = -1;
  /** The next `}}` is searched again only once we are past it, so a line of many unclosed `{{` stays linear. */
  private nextClose = -2;

  /** Starts a walk of `text[from, to)`. */
  reset(text: string, from: number, to: number): void {
    this.text = text;
    this.to = to;
    // Every search is bounded by `to`: an unbounded indexOf would rescan the rest of the file for each line.
    this.open = indexOfPair(text, CODE_OPEN_BRACE, CODE_OPEN_BRACE, from, to);
    this.nextClose = -2;
  }

  /** Finds the next reference; false when there is none (the walk then lets go of the text). */
  next(): boolean {
    const text = this.text;
    const to = this.to;
    const open = this.open;
    if (open === -1 || open >= to) {
      this.text = '';
      return false;
    }
    const nameStart = open + 2;
    if (this.nextClose !== -1 && this.nextClose < nameStart) {
      this.nextClose = indexOfPair(text, CODE_CLOSE_BRACE, CODE_CLOSE_BRACE, nameStart, to);
    }
    const close = this.nextClose;
    const nextOpen = indexOfPair(text, CODE_OPEN_BRACE, CODE_OPEN_BRACE, nameStart, to);
    const closed = close !== -1 && (nextOpen === -1 || close < nextOpen);
    const innerEnd = closed ? close : nextOpen === -1 ? to : nextOpen;
    const trimmedStart = skipSpaces(text, nameStart, innerEnd);
    this.start = open;
    this.end = closed ? close + 2 : innerEnd;
    this.nameStart = trimmedStart;
    this.nameEnd = Math.max(trimmedStart, trimEnd(text, trimmedStart, innerEnd));
    this.closed = closed;
    this.open = closed ? indexOfPair(text, CODE_OPEN_BRACE, CODE_OPEN_BRACE, close + 2, to) : nextOpen;
    return true;
  }
}

const variableScan = new VariableScan();

/**
 * Finds `{{name}}` references in `text[from, to)` of document line `line` (see {@link VariableScan}); an
 * unclosed one is returned with `closed: false`. `base` is the offset in `text` where the line starts
 * (characters in the ranges are relative to it).
 */
export function findVariables(text: string, line: number, from = 0, to = text.length, base = 0): VariableRef[] {
  // Made with its first reference: a list grown from empty by push reserves room for 16 more.
  let refs: VariableRef[] | undefined;
  const scan = variableScan;
  scan.reset(text, from, to);
  while (scan.next()) {
    const ref = new VariableNode(
      line,
      text.slice(scan.nameStart, scan.nameEnd),
      scan.closed,
      scan.start - base,
      scan.nameStart - base,
      scan.nameEnd - base,
      scan.end - base,
    );
    if (refs) refs.push(ref);
    else refs = [ref];
  }
  return refs ?? [];
}

/**
 * Header names seen before, by length and first and last character: a large file repeats a few names thousands
 * of times. A candidate is confirmed with a native startsWith, so a known name costs neither a character loop
 * (which runs in V8's interpreter on a file's first parse) nor a new string.
 */
const knownNames = new Map<number, string>();
const MAX_KNOWN_NAMES = 2048;
const MAX_INTERNED_LENGTH = 40;

/** `text.slice(start, end)`, as the same string object as an earlier equal name when there was one. */
export function internedName(text: string, start: number, end: number): string {
  const length = end - start;
  if (length > MAX_INTERNED_LENGTH || length <= 0) return text.slice(start, end);
  // A small integer (under 2^30): a larger number would be a new heap object per call in unoptimised code. Names
  // that share it (12 bits of each character) are told apart by the startsWith below.
  const key = (length << 24) | ((text.charCodeAt(start) & 0xfff) << 12) | (text.charCodeAt(end - 1) & 0xfff);
  const known = knownNames.get(key);
  if (known !== undefined && text.startsWith(known, start)) return known;
  // On a clash the first name keeps the slot; later ones are plain slices.
  if (known !== undefined || knownNames.size >= MAX_KNOWN_NAMES) return text.slice(start, end);
  // Kept for the server's lifetime: its own copy, not a view that would keep this document's text alive.
  const name = ownCopy(text.slice(start, end));
  knownNames.set(key, name);
  return name;
}

/** findVariables, with the shared empty array when there is none. */
function variablesIn(text: string, line: number, from: number, to: number, base: number): readonly VariableRef[] {
  // Most values have no `{{`: no list for those.
  // Searched natively and only to the line's end (a character loop per value ran in V8's interpreter on a
  // file's first parse): past `to` there are only the line's trailing spaces.
  if (to <= from) return NO_VARIABLES;
  BRACES_IN_LINE.lastIndex = from;
  if (!BRACES_IN_LINE.test(text)) return NO_VARIABLES;
  const refs = findVariables(text, line, from, to, base);
  return refs.length === 0 ? NO_VARIABLES : refs;
}

// Where the last classified line's text starts and ends (characters, spaces trimmed): read by the run
// builder for block ranges, so no node has to be asked for its range (a megamorphic getter call) per block.
let classifiedStart = 0;
let classifiedEnd = 0;

/**
 * Classifies the line `text[base, lineEnd)` on its own (block membership is decided by the caller), as a node:
 * the kind and offsets are {@link scanLine}'s.
 */
function classify(line: number, text: string, base: number, lineEnd: number): Classified {
  const kind = scanLine(text, base, lineEnd);
  if (kind === LINE_BLANK) return BLANK;
  const { start, end, a, b, c } = scanned;
  classifiedStart = start - base;
  classifiedEnd = end - base;
  switch (kind) {
    case LINE_HEADER:
      return new HeaderNode(line, internedName(text, start, a), text.slice(b, c), start - base, b - base, end - base, variablesIn(text, line, b, c, base));
    case LINE_COMMENT:
      return new CommentNode(line, text.slice(a, end), start - base, end - base);
    case LINE_DIRECTIVE:
      return new DirectiveNode(line, text.slice(a, b), text.slice(c, end), start - base, a - base, c - base, end - base);
    case LINE_EXPECT:
      return new ExpectNode(line, text.slice(a, end), start - base, a - base, end - base, variablesIn(text, line, a, end, base));
    case LINE_SEPARATOR:
      return { kind: 'separator', node: { title: text.slice(a, end), range: range(line, start - base, end - base) } };
    case LINE_FILE_VARIABLE: {
      const node: FileVariable = {
        name: text.slice(a, b),
        value: text.slice(c, end),
        range: range(line, start - base, end - base),
        nameRange: range(line, a - base, b - base),
        valueRange: range(line, c - base, Math.max(c, end) - base),
      };
      return { kind: 'fileVariable', node, text: text.slice(start, end), line, start: start - base, end: end - base };
    }
    default:
      return new InvalidNode(line, text.slice(start, end), start - base, end - base);
  }
}

/**
 * Collects a run of non-blank lines into a block; file variables and comment-only runs go to the given lists.
 * Reused for every run of a file, so its line list is a scratch array copied (to its exact size) into each block.
 */
class RunBuilder {
  private readonly lines: BlockLine[] = [];
  /** True once a line other than a comment was added: from there on the run is a block. */
  private blockStarted = false;
  private readonly bounds: BlockBounds = { startLine: 0, startCharacter: 0, endLine: 0, endCharacter: 0, startOffset: 0 };
  /** Offset in the text where the line being added starts (set by the caller before `add`). */
  lineOffset = 0;

  constructor(
    private readonly fileVariables: FileVariable[],
    private readonly looseComments: CommentLine[],
  ) {}

  /** Adds the line just classified (its bounds are `classifiedStart`/`classifiedEnd`). */
  add(item: Classified, line: number): void {
    if (item.kind === 'fileVariable') {
      if (this.blockStarted) {
        // Inside a block a file variable is not allowed: keep the line so it is reported.
        this.push(new InvalidNode(item.line, item.text, item.start, item.end), line);
      } else {
        // Comments gathered so far sit above a file variable, so they belong to no block.
        for (const line of this.lines) this.looseComments.push(line as CommentLine);
        this.lines.length = 0;
        this.fileVariables.push(item.node);
      }
      return;
    }
    if (item.kind === 'blank' || item.kind === 'separator') return;
    if (item.kind !== 'comment') this.blockStarted = true;
    this.push(item, line);
  }

  private push(item: BlockLine, line: number): void {
    const bounds = this.bounds;
    if (this.lines.length === 0) {
      bounds.startLine = line;
      bounds.startCharacter = classifiedStart;
      bounds.startOffset = this.lineOffset;
    }
    bounds.endLine = line;
    bounds.endCharacter = classifiedEnd;
    this.lines.push(item);
  }

  /** Ends the run and readies the builder for the next. `separatorAbove` is the `###` line right above the run. */
  finish(index: number, separatorAbove: Separator | undefined): Block | undefined {
    const parts = this.finishParts(separatorAbove);
    if (!parts) return undefined;
    const { startLine, startCharacter, endLine, endCharacter } = this.bounds;
    const block = blockOf(index, { start: { line: startLine, character: startCharacter }, end: { line: endLine, character: endCharacter } }, parts);
    releaseParts(parts);
    return block;
  }

  /** As `finish`, but only the block's parts (valid until the next block is finished), with no Block made. */
  finishParts(separatorAbove: Separator | undefined): BlockParts | undefined {
    const lines = this.lines;
    const isBlock = this.blockStarted;
    this.blockStarted = false;
    if (lines.length === 0) return undefined;
    if (!isBlock) {
      // Only comments (the block flag is set by the first other line).
      for (const line of lines) this.looseComments.push(line as CommentLine);
      lines.length = 0;
      return undefined;
    }
    const parts = blockParts(lines.slice(), separatorAbove);
    lines.length = 0;
    return parts;
  }
}

/** The node lists of blocks that have none of a kind (most have no directive or expectation). */
const NO_LINES: readonly never[] = Object.freeze([]);

/** The items of `lines` of one kind, `count` of them, in an array of exactly that size. */
function linesOfKind<T extends BlockLine>(lines: readonly BlockLine[], kind: T['kind'], count: number): readonly T[] {
  if (count === 0) return NO_LINES;
  const list = new Array<T>(count);
  let at = 0;
  for (let index = 0; index < lines.length; index++) if (lines[index].kind === kind) list[at++] = lines[index] as T;
  return list;
}

/** Where a block lies in the text (characters of its first and last line, trimmed). */
interface BlockBounds {
  startLine: number;
  startCharacter: number;
  endLine: number;
  endCharacter: number;
  /** Offset in the text of the block's first line. */
  startOffset: number;
}

/** What a block's lines make: its lists, title, name and `Action:` header (undefined when it does not start so). */
interface BlockParts {
  lines: readonly BlockLine[];
  headers: readonly HeaderLine[];
  directives: readonly DirectiveLine[];
  expectations: readonly ExpectLine[];
  title: string;
  name: string | undefined;
  actionHeader: HeaderLine | undefined;
}

/** The one BlockParts that blockParts fills: a whole-file parse makes no object per block that it does not keep. */
const scratchParts: BlockParts = { lines: NO_LINES, headers: NO_LINES, directives: NO_LINES, expectations: NO_LINES, title: '', name: undefined, actionHeader: undefined };

/** Empties the scratch parts once read: left filled, their nodes' strings would keep the last parsed text alive. */
function releaseParts(parts: BlockParts): void {
  parts.lines = parts.headers = parts.directives = parts.expectations = NO_LINES;
  parts.title = '';
  parts.name = parts.actionHeader = undefined;
}

/** `parts` as a Block. */
function blockOf(index: number, blockRange: Range, parts: BlockParts): Block {
  const { lines, headers, directives, expectations, title, name, actionHeader } = parts;
  // Action blocks (nearly all) get their fields in the literal: adding them afterwards costs each block an
  // extra out-of-object property store.
  const block: Block = actionHeader
    ? { index, range: blockRange, title, lines, headers, directives, expectations, action: actionHeader.value, actionHeader }
    : { index, range: blockRange, title, lines, headers, directives, expectations };
  if (name !== undefined) block.name = name;
  return block;
}

/**
 * A block's title, fed its lines before the first header in order: the comments right above the first header,
 * empty ones left out (one rule for blockParts, from nodes, and summarise, from line records).
 */
class BlockTitle {
  private title = '';
  private parts: string[] | undefined;

  /** A comment line whose text (after `#` or `;`) is `text`. */
  comment(text: string): void {
    if (text === '') return;
    if (this.title === '') this.title = text;
    else (this.parts ??= [this.title]).push(text);
  }

  /** A line that is not a header: the comments above it are not the title. */
  restart(): void {
    this.title = '';
    this.parts = undefined;
  }

  /** The title (the separator's above a block without one), and a fresh start for the next block. */
  take(separatorAbove: Separator | undefined): string {
    let title = this.parts ? this.parts.join(' ') : this.title;
    if (title === '' && separatorAbove) title = separatorAbove.title;
    // Shared by every parse for the process's lifetime: it must not keep this block's strings.
    this.restart();
    return title;
  }
}

const blockTitle = new BlockTitle();

/** Works out the parts of the block made of `lines` (kept by the parts); they are valid until the next call. */
function blockParts(lines: BlockLine[], separatorAbove: Separator | undefined): BlockParts {
  // Counted first, then each list made at its size and only for what a block has: most blocks are headers only
  // (their header list is `lines` itself) with no directive or expectation. Lists grown by push, and their
  // exact-size copies, were most of a first parse's garbage. Indexed loops here and in the checks: a cold for-of
  // allocates an iterator result per item, and the first parse of a file runs before V8 has optimised any of this.
  let headerCount = 0;
  let directiveCount = 0;
  let expectationCount = 0;
  let firstHeader: HeaderLine | undefined;
  const title = blockTitle;
  title.restart();
  let name: string | undefined;
  for (let at = 0; at < lines.length; at++) {
    const line = lines[at];
    switch (line.kind) {
      case 'header':
        if (headerCount++ === 0) firstHeader = line;
        break;
      case 'directive':
        directiveCount++;
        if (name === undefined && line.value !== '' && lowerCaseName(line.name) === 'name') name = line.value;
        break;
      case 'expect':
        expectationCount++;
        break;
      case 'comment':
        if (headerCount === 0) title.comment(line.text);
        break;
      case 'invalid':
        if (headerCount === 0) title.restart();
        break;
    }
  }
  const parts = scratchParts;
  parts.lines = lines;
  parts.headers = headerCount === lines.length ? (lines as readonly HeaderLine[]) : linesOfKind<HeaderLine>(lines, 'header', headerCount);
  parts.directives = linesOfKind<DirectiveLine>(lines, 'directive', directiveCount);
  parts.expectations = linesOfKind<ExpectLine>(lines, 'expect', expectationCount);
  parts.title = title.take(separatorAbove);
  parts.name = name;
  parts.actionHeader = firstHeader !== undefined && lowerCaseName(firstHeader.name) === 'action' ? firstHeader : undefined;
  return parts;
}

/** Calls `visit` for each line of `text` from `startOffset` (which must be a line start) numbered from `firstLine`. */
function forEachLine(
  text: string,
  startOffset: number,
  firstLine: number,
  visit: (line: number, lineStart: number, lineEnd: number) => boolean | void,
): void {
  let offset = startOffset;
  let line = firstLine;
  const length = text.length;
  // Line ends are found with the native indexOf (a per-character loop was the parse's largest cost on large
  // files); the next CR is looked up again only once passed, so files without CR pay for one search.
  let nextCr = -2;
  for (;;) {
    if (nextCr !== -1 && nextCr < offset) nextCr = text.indexOf('\r', offset);
    let end = text.indexOf('\n', offset);
    if (end === -1) end = length;
    if (nextCr !== -1 && nextCr < end) end = nextCr;
    if (visit(line, offset, end) === false) return;
    if (end >= length) return;
    offset = text.charCodeAt(end) === 13 && text.charCodeAt(end + 1) === 10 ? end + 2 : end + 1;
    line++;
  }
}

/** Numbers kept per line in {@link LineRecords.offsets}: the line's start, then scanLine's start, end, a, b, c. */
export const RECORD_STRIDE = 6;

/**
 * The lines of the run a whole-file parse is reading, as records (scanLine's kind and offsets, see lineScan.ts)
 * rather than nodes: blocks are summarised from them, and a checker may read them (ScriptParser's `onBlock`)
 * before the next run reuses them. All offsets are absolute offsets into the text.
 */
export class LineRecords {
  /** Kind of each line (lineScan.ts LINE_*), from index 0 to `count`. */
  kinds = new Uint8Array(64);
  /** {@link RECORD_STRIDE} numbers per line. */
  offsets = new Int32Array(64 * RECORD_STRIDE);
  count = 0;
  /** Document line of the first record. */
  firstLine = 0;
  /** True once a line other than a comment was added: from there on the run is a block. */
  blockStarted = false;
  /** Where the run lies (characters of its first and last line, trimmed). */
  readonly bounds: BlockBounds = { startLine: 0, startCharacter: 0, endLine: 0, endCharacter: 0, startOffset: 0 };

  /** Adds the line just scanned (its parts are in `scanned`) as kind `kind`. */
  push(kind: number, line: number, lineOffset: number): void {
    const at = this.count;
    if (at === this.kinds.length) this.grow();
    const { start, end, a, b, c } = scanned;
    const bounds = this.bounds;
    if (at === 0) {
      this.firstLine = line;
      bounds.startLine = line;
      bounds.startCharacter = start - lineOffset;
      bounds.startOffset = lineOffset;
    }
    bounds.endLine = line;
    bounds.endCharacter = end - lineOffset;
    this.kinds[at] = kind;
    const offsets = this.offsets;
    const slot = at * RECORD_STRIDE;
    offsets[slot] = lineOffset;
    offsets[slot + 1] = start;
    offsets[slot + 2] = end;
    offsets[slot + 3] = a;
    offsets[slot + 4] = b;
    offsets[slot + 5] = c;
    this.count = at + 1;
  }

  clear(): void {
    this.count = 0;
    this.blockStarted = false;
  }

  private grow(): void {
    const kinds = new Uint8Array(this.kinds.length * 2);
    kinds.set(this.kinds);
    const offsets = new Int32Array(this.offsets.length * 2);
    offsets.set(this.offsets);
    this.kinds = kinds;
    this.offsets = offsets;
  }
}

/** What a block's lazy form keeps besides its bounds. */
interface BlockSummary {
  kinds: string;
  title: string;
  name: string | undefined;
  action: string | undefined;
  /** Characters of the `Action:` header's range (on the line of the first header), or -1. */
  actionStart: number;
  actionEnd: number;
}

/** The one BlockSummary that summarise fills (copied into the block's own fields). */
const scratchSummary: BlockSummary = { kinds: '', title: '', name: undefined, action: undefined, actionStart: -1, actionEnd: -1 };

/** The summary of the block made of `records`: the same rules as blockParts, read from offsets. */
function summarise(records: LineRecords, text: string, separatorAbove: Separator | undefined): BlockSummary {
  const { kinds, offsets, count } = records;
  let headerCount = 0;
  let firstHeader = -1;
  const title = blockTitle;
  title.restart();
  let name: string | undefined;
  for (let at = 0; at < count; at++) {
    const slot = at * RECORD_STRIDE;
    switch (kinds[at]) {
      case LINE_HEADER:
        if (headerCount++ === 0) firstHeader = at;
        break;
      case LINE_DIRECTIVE: {
        const valueStart = offsets[slot + 5];
        const end = offsets[slot + 2];
        if (name === undefined && valueStart < end && lowerCaseName(internedName(text, offsets[slot + 3], offsets[slot + 4])) === 'name') {
          name = text.slice(valueStart, end);
        }
        break;
      }
      case LINE_COMMENT: {
        const textStart = offsets[slot + 3];
        const end = offsets[slot + 2];
        if (headerCount === 0 && textStart < end) title.comment(text.slice(textStart, end));
        break;
      }
      case LINE_INVALID:
        if (headerCount === 0) title.restart();
        break;
    }
  }
  const summary = scratchSummary;
  summary.kinds = kindsOfRecords(kinds, count);
  summary.title = title.take(separatorAbove);
  summary.name = name;
  summary.action = undefined;
  summary.actionStart = summary.actionEnd = -1;
  if (firstHeader !== -1) {
    const slot = firstHeader * RECORD_STRIDE;
    const start = offsets[slot + 1];
    if (lowerCaseName(internedName(text, start, offsets[slot + 3])) === 'action') {
      // Interned like header names: a large file names a few actions thousands of times.
      summary.action = internedName(text, offsets[slot + 4], offsets[slot + 5]);
      summary.actionStart = start - offsets[slot];
      summary.actionEnd = offsets[slot + 2] - offsets[slot];
    }
  }
  return summary;
}

/** The text of a whole-file parse, shared by its blocks. */
interface ParsedText {
  readonly text: string;
  /** False when the text has no CR at all (line ends are then found with indexOf). */
  readonly hasCr: boolean;
  /** The blocks that keep their line nodes (see KEPT_CONTENTS), a ring; `nextKept` is the slot to fill next. */
  readonly kept: Array<LazyBlock | undefined>;
  nextKept: number;
}

/** A block's line nodes, built from the text when asked for. */
interface BlockContent {
  readonly lines: readonly BlockLine[];
  readonly headers: readonly HeaderLine[];
  readonly directives: readonly DirectiveLine[];
  readonly expectations: readonly ExpectLine[];
  readonly actionHeader: HeaderLine | undefined;
}

/**
 * How many blocks of one parse keep their line nodes once built. A whole-file parse keeps every block's summary
 * (range, title, name, action) but only these blocks' nodes: retaining the nodes of every line (several objects
 * each) made the garbage collector copy and mark the whole tree again and again, which was most of the time to
 * parse a large file (20 MB: ~1.2 s retained against ~0.2 s not) and most of the server's memory. Nodes are rebuilt
 * from the text, identical, when a feature reads them again.
 */
const KEPT_CONTENTS = 256;

/**
 * A block of a whole-file parse: its summary is kept, its line nodes are built on first read (see KEPT_CONTENTS).
 * Plain (not #private) fields: the CLI derives blocks with Object.create, whose getters then run on the derivative.
 */
class LazyBlock implements Block {
  private cached: BlockContent | undefined;
  private readonly source: ParsedText;
  private readonly startOffset: number;
  private readonly separatorAbove: Separator | undefined;
  private readonly startLine: number;
  private readonly startCharacter: number;
  private readonly endLine: number;
  private readonly endCharacter: number;
  /** One letter per line (see {@link lineKinds}), so that outlines and folding need no nodes. */
  private readonly kinds: string;
  /** Characters of the `Action:` header's range (on the line of the first header), or -1. */
  private readonly actionStart: number;
  private readonly actionEnd: number;
  readonly index: number;
  readonly title: string;
  readonly name: string | undefined;
  readonly action: string | undefined;

  private constructor(index: number, summary: BlockSummary, bounds: Readonly<BlockBounds>, source: ParsedText, separatorAbove: Separator | undefined) {
    this.source = source;
    this.kinds = summary.kinds;
    this.actionStart = summary.actionStart;
    this.actionEnd = summary.actionEnd;
    this.index = index;
    this.title = summary.title;
    this.name = summary.name;
    this.action = summary.action;
    this.startOffset = bounds.startOffset;
    this.separatorAbove = separatorAbove;
    this.startLine = bounds.startLine;
    this.startCharacter = bounds.startCharacter;
    this.endLine = bounds.endLine;
    this.endCharacter = bounds.endCharacter;
  }

  /** The lazy form of the block whose lines are `records` (a run that is a block) in `source`; no node is made. */
  static fromRecords(index: number, records: LineRecords, source: ParsedText, separatorAbove: Separator | undefined): LazyBlock {
    const block = new LazyBlock(index, summarise(records, source.text, separatorAbove), records.bounds, source, separatorAbove);
    // The scratch lives as long as the process: it must not keep slices of this text (views of the whole text).
    scratchSummary.title = '';
    scratchSummary.name = scratchSummary.action = undefined;
    return block;
  }

  get range(): Range {
    return { start: { line: this.startLine, character: this.startCharacter }, end: { line: this.endLine, character: this.endCharacter } };
  }

  /** See {@link lineKinds}. */
  get lineKinds(): string {
    return this.kinds;
  }

  /** See {@link actionHeaderRange}. */
  get actionHeaderRange(): Range | undefined {
    if (this.actionStart === -1) return undefined;
    const line = this.startLine + this.kinds.indexOf('h');
    return { start: { line, character: this.actionStart }, end: { line, character: this.actionEnd } };
  }

  get lines(): readonly BlockLine[] {
    return this.content().lines;
  }

  get headers(): readonly HeaderLine[] {
    return this.content().headers;
  }

  get directives(): readonly DirectiveLine[] {
    return this.content().directives;
  }

  get expectations(): readonly ExpectLine[] {
    return this.content().expectations;
  }

  get actionHeader(): HeaderLine | undefined {
    return this.content().actionHeader;
  }

  private content(): BlockContent {
    const content = this.cached;
    if (content !== undefined) return content;
    const parts = this.build();
    const kept = this.keep(parts);
    releaseParts(parts);
    return kept;
  }

  /** The block parsed again from its lines in the text (the same rules as the whole-file parse). */
  private build(): BlockParts {
    const text = this.source.text;
    const length = text.length;
    const run = new RunBuilder([], []);
    const endLine = this.endLine;
    const noCr = !this.source.hasCr;
    let offset = this.startOffset;
    for (let line = this.startLine; ; line++) {
      // Line ends as in ScriptParser.step, but searched within the block: an unbounded search for a CR would scan
      // the rest of the file for every block.
      let end: number;
      if (noCr) {
        end = text.indexOf('\n', offset);
        if (end === -1) end = length;
      } else {
        end = lineEndAt(text, offset);
      }
      run.lineOffset = offset;
      run.add(classify(line, text, offset, end), line);
      if (line >= endLine || end >= length) break;
      offset = text.charCodeAt(end) === 13 && text.charCodeAt(end + 1) === 10 ? end + 2 : end + 1;
    }
    const parts = run.finishParts(this.separatorAbove);
    if (!parts) throw new Error(`block ${this.index} (line ${this.startLine + 1}) could not be rebuilt`);
    return parts;
  }

  private keep(parts: BlockParts): BlockContent {
    const content: BlockContent = {
      lines: parts.lines,
      headers: parts.headers,
      directives: parts.directives,
      expectations: parts.expectations,
      actionHeader: parts.actionHeader,
    };
    this.cached = content;
    // The ring belongs to the parse (not the module), so a dropped document's text goes with its blocks.
    const source = this.source;
    const evicted = source.kept[source.nextKept];
    if (evicted !== undefined && evicted !== this) evicted.cached = undefined;
    source.kept[source.nextKept] = this;
    source.nextKept = (source.nextKept + 1) % KEPT_CONTENTS;
    return content;
  }
}

const KIND_LETTERS: Readonly<Record<BlockLine['kind'], string>> = { header: 'h', comment: 'c', directive: 'd', expect: 'e', invalid: 'i' };

/** Kind letters by lineScan.ts code. */
const LETTERS_BY_CODE: readonly string[] = ['', 'h', 'c', 'd', 'e', 'i'];
/** Kinds strings of blocks of up to 16 lines, by their lines' kind codes (3 bits each): blocks repeat a few shapes. */
const knownKinds = new Map<number, string>();
const MAX_KNOWN_KINDS = 4096;

/** The kinds string (see {@link lineKinds}) of the `count` line kind codes in `codes`, shared by shape. */
function kindsOfRecords(codes: Uint8Array, count: number): string {
  let key = 0;
  if (count <= 16) {
    for (let index = 0; index < count; index++) key = key * 8 + codes[index];
    const known = knownKinds.get(key);
    if (known !== undefined) return known;
  }
  let kinds = '';
  for (let index = 0; index < count; index++) kinds += LETTERS_BY_CODE[codes[index]];
  if (count <= 16 && knownKinds.size < MAX_KNOWN_KINDS) knownKinds.set(key, kinds);
  return kinds;
}

function kindLetters(lines: readonly BlockLine[]): string {
  let kinds = '';
  for (let index = 0; index < lines.length; index++) kinds += KIND_LETTERS[lines[index].kind];
  return kinds;
}

/**
 * The kind of each of `block`'s lines, one letter per line in order (`h` header, `c` comment, `d` directive,
 * `e` expectation, `i` invalid): the block's lines are consecutive, so line `i` of the block is document line
 * `block.range.start.line + i`. Needs no line nodes for a block of a whole-file parse.
 */
export function lineKinds(block: Block): string {
  // Only a whole-file parse's blocks share their strings: another block is one block (parseBlockAt).
  return block instanceof LazyBlock ? block.lineKinds : kindLetters(block.lines);
}

/** `block.actionHeader?.range`, without building line nodes for a block of a whole-file parse. */
export function actionHeaderRange(block: Block): Range | undefined {
  return block instanceof LazyBlock ? block.actionHeaderRange : block.actionHeader?.range;
}

/**
 * Parses a whole `.ami` text. Never throws; every line ends up in a block, a file variable, a separator
 * or the loose comments.
 */
export function parseScript(text: string): Script {
  const parser = new ScriptParser(text);
  parser.step(Number.POSITIVE_INFINITY);
  return parser.script;
}

/**
 * parseScript in steps of a given number of lines, so a caller can let other work run between steps (a 20 MB
 * file takes seconds). `script` is complete once `step` returned true.
 */
export class ScriptParser {
  readonly script: Script = { blocks: [], fileVariables: [], separators: [], comments: [], lineCount: 0 };
  private readonly records = new LineRecords();
  private inRun = false;
  private separatorAbove: Separator | undefined;
  private pendingSeparator: Separator | undefined;
  private offset = 0;
  private line = 0;
  private nextCr = -2;
  private done = false;
  private source: ParsedText | undefined;

  /**
   * `onBlock` is called with each block as it is parsed, and its lines' records (valid until the call returns):
   * a checker can read the lines there without the nodes being built.
   */
  constructor(
    private readonly text: string,
    private readonly onBlock?: (block: Block, records: Readonly<LineRecords>) => void,
  ) {}

  /** Parses up to `maxLines` more lines; true when the whole text is parsed. */
  step(maxLines: number): boolean {
    if (this.done) return true;
    const text = this.text;
    const length = text.length;
    for (let count = 0; count < maxLines; count++) {
      const offset = this.offset;
      // Line ends are found with the native indexOf (a per-character loop was the parse's largest cost on large
      // files); the next CR is looked up again only once passed, so files without CR pay for one search.
      if (this.nextCr !== -1 && this.nextCr < offset) this.nextCr = text.indexOf('\r', offset);
      let end = text.indexOf('\n', offset);
      if (end === -1) end = length;
      if (this.nextCr !== -1 && this.nextCr < end) end = this.nextCr;
      this.addLine(this.line, offset, end);
      if (end >= length) {
        this.endRun();
        this.done = true;
        return true;
      }
      this.offset = text.charCodeAt(end) === 13 && text.charCodeAt(end + 1) === 10 ? end + 2 : end + 1;
      this.line++;
    }
    return false;
  }

  /** Records the line (no node is made for a block's lines: see LazyBlock). */
  private addLine(line: number, lineStart: number, lineEnd: number): void {
    this.script.lineCount = line + 1;
    const kind = scanLine(this.text, lineStart, lineEnd);
    if (kind === LINE_BLANK) {
      this.endRun();
      this.pendingSeparator = undefined;
      return;
    }
    if (kind === LINE_SEPARATOR) {
      this.endRun();
      // Rare lines: their node is made as parseBlockAt makes it.
      const item = classify(line, this.text, lineStart, lineEnd);
      if (item.kind === 'separator') {
        this.script.separators.push(item.node);
        this.pendingSeparator = item.node;
      }
      return;
    }
    if (!this.inRun) {
      this.inRun = true;
      this.separatorAbove = this.pendingSeparator;
      this.pendingSeparator = undefined;
    }
    const records = this.records;
    if (kind === LINE_FILE_VARIABLE) {
      // Inside a block a file variable is not allowed: the line stays there so it is reported.
      if (records.blockStarted) {
        records.push(LINE_INVALID, line, lineStart);
        return;
      }
      // Comments gathered so far sit above a file variable, so they belong to no block.
      this.looseComments();
      const item = classify(line, this.text, lineStart, lineEnd);
      if (item.kind === 'fileVariable') this.script.fileVariables.push(item.node);
      return;
    }
    if (kind !== LINE_COMMENT) records.blockStarted = true;
    records.push(kind, line, lineStart);
  }

  /** The run's records (all comments) as the script's loose comments. */
  private looseComments(): void {
    const records = this.records;
    for (let at = 0; at < records.count; at++) {
      const slot = at * RECORD_STRIDE;
      const lineOffset = records.offsets[slot];
      const comment = classify(records.firstLine + at, this.text, lineOffset, lineEndAt(this.text, lineOffset));
      this.script.comments.push(comment as CommentLine);
    }
    records.clear();
  }

  private endRun(): void {
    if (!this.inRun) return;
    this.inRun = false;
    const records = this.records;
    if (records.count === 0) return;
    if (!records.blockStarted) {
      this.looseComments();
      return;
    }
    this.source ??= { text: this.text, hasCr: this.text.indexOf('\r') !== -1, kept: new Array<LazyBlock | undefined>(KEPT_CONTENTS).fill(undefined), nextKept: 0 };
    const block = LazyBlock.fromRecords(this.script.blocks.length, records, this.source, this.separatorAbove);
    this.script.blocks.push(block);
    this.onBlock?.(block, records);
    records.clear();
  }
}

/** Offset where line `line` starts, or -1 when the text has fewer lines. */
function lineStartOffset(text: string, line: number): number {
  let offset = 0;
  for (let current = 0; current < line; current++) {
    let index = offset;
    const length = text.length;
    while (index < length) {
      const code = text.charCodeAt(index);
      if (code === 10 || code === 13) break;
      index++;
    }
    if (index >= length) return -1;
    offset = text.charCodeAt(index) === 13 && text.charCodeAt(index + 1) === 10 ? index + 2 : index + 1;
  }
  return offset;
}

/** Offset where the line before the one starting at `offset` starts (offset must be > 0). */
function previousLineStart(text: string, offset: number): number {
  let index = offset - 1;
  if (text.charCodeAt(index) === 10 && index > 0 && text.charCodeAt(index - 1) === 13) index--;
  while (index > 0) {
    const code = text.charCodeAt(index - 1);
    if (code === 10 || code === 13) break;
    index--;
  }
  return index;
}

function lineEndAt(text: string, offset: number): number {
  let end = offset;
  while (end < text.length) {
    const code = text.charCodeAt(end);
    if (code === 10 || code === 13) break;
    end++;
  }
  return end;
}

/**
 * Parses only the block that contains `line`, scanning up and down to the nearest blank or `###` line,
 * so the cost is the block's size (plus finding the line's offset, unless `lineOffset` — the offset where
 * `line` starts, e.g. from `TextDocument.offsetAt` — is given). Ranges are in document coordinates.
 * The returned block's `index` is -1: its position among all blocks is unknown without a full parse.
 * Returns undefined when the line is blank, a separator, or not part of a block. `text` may be a part of the
 * document that starts at line `firstLine`, holding the whole block and the line above it; a BOM at its start is
 * skipped as at the document's start, so a part that starts later must not begin with U+FEFF.
 */
export function parseBlockAt(text: string, line: number, lineOffset?: number, firstLine = 0): Block | undefined {
  try {
    if (line < firstLine) return undefined;
    const offset = lineOffset ?? lineStartOffset(text, line - firstLine);
    if (offset < 0 || offset > text.length) return undefined;
    if (offset > 0) {
      const before = text.charCodeAt(offset - 1);
      if (before !== 10 && before !== 13) return undefined;
    }
    const here = classify(line, text, offset, lineEndAt(text, offset));
    if (here.kind === 'blank' || here.kind === 'separator') return undefined;

    // Walk up to the first line of the run.
    let startLine = line;
    let startOffset = offset;
    let separatorAbove: Separator | undefined;
    while (startOffset > 0) {
      const previousOffset = previousLineStart(text, startOffset);
      const previous = classify(startLine - 1, text, previousOffset, lineEndAt(text, previousOffset));
      if (previous.kind === 'separator') separatorAbove = previous.node;
      if (previous.kind === 'blank' || previous.kind === 'separator') break;
      startLine--;
      startOffset = previousOffset;
    }

    const run = new RunBuilder([], []);
    forEachLine(text, startOffset, startLine, (lineNumber, lineStart, lineEnd) => {
      const item = classify(lineNumber, text, lineStart, lineEnd);
      if (item.kind === 'blank' || item.kind === 'separator') return false;
      run.add(item, lineNumber);
      return true;
    });
    const block = run.finish(-1, separatorAbove);
    if (!block || line < block.range.start.line || line > block.range.end.line) return undefined;
    return block;
  } catch {
    // Defensive: a bug here must never take the language server down.
    return undefined;
  }
}

/**
 * True when the line `text` (without its line break) ends a run of lines, as the parser sees it: blank (spaces and
 * tabs only, after a BOM on the document's first line) or a `###` separator.
 */
export function isRunBreak(text: string, isFirstLine: boolean): boolean {
  const start = skipSpaces(text, isFirstLine && text.charCodeAt(0) === BOM ? 1 : 0, text.length);
  return start >= trimEnd(text, start, text.length) || text.startsWith('###', start);
}

/** The block of `script` whose range contains `line` (binary search), if any. */
export function blockAtLine(script: Script, line: number): Block | undefined {
  const blocks = script.blocks;
  let low = 0;
  let high = blocks.length - 1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    const block = blocks[mid];
    if (line < block.range.start.line) high = mid - 1;
    else if (line > block.range.end.line) low = mid + 1;
    else return block;
  }
  return undefined;
}
