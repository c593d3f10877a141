/**
 * Syntax tree of an `.ami` script (docs/script-format.md). Produced by `parseScript`,
 * which never throws. Positions are LSP-style: zero-based line and UTF-16 character offsets.
 *
 * The ranges of line nodes (headers, comments, directives, expectations, invalid lines, variable references)
 * are read-only and built on each read from the line and character numbers the node keeps: a 10,000-block file
 * has ~50,000 lines, and eager Range objects made most of the parse's memory and GC time. Read `line` when only
 * the line number is needed.
 *
 * A whole-file parse keeps each block's summary (index, range, title, name, action) but builds its line nodes on
 * first read and keeps only recent blocks' nodes (parser.ts, LazyBlock), rebuilding them when read again: nodes
 * of two reads are equal but not the same objects, so compare them by value (line, text), not identity.
 */

export interface Position {
  line: number;
  character: number;
}

export interface Range {
  start: Position;
  end: Position;
}

/** `Name: value`. `value` is trimmed; ranges let features point at the name or the value alone. */
export interface HeaderLine {
  kind: 'header';
  /** Zero-based line of the node (the line of all its ranges). */
  readonly line: number;
  name: string;
  value: string;
  readonly range: Range;
  readonly nameRange: Range;
  readonly valueRange: Range;
  /** `{{...}}` references inside the value (one shared empty array when there are none: do not modify). */
  readonly variables: readonly VariableRef[];
}

/** `# text` or `; text` (not a directive). */
export interface CommentLine {
  kind: 'comment';
  /** Zero-based line of the node (the line of all its ranges). */
  readonly line: number;
  text: string;
  readonly range: Range;
}

/** `# @name value` (or any `# @word rest`). */
export interface DirectiveLine {
  kind: 'directive';
  /** Zero-based line of the node (the line of all its ranges). */
  readonly line: number;
  name: string;
  value: string;
  readonly range: Range;
  readonly nameRange: Range;
  readonly valueRange: Range;
}

/** `@expect Response: Success`, `@expect Event: Name K=V within 5s`, `@expect List: >=N`. Never sent. */
export interface ExpectLine {
  kind: 'expect';
  /** Zero-based line of the node (the line of all its ranges). */
  readonly line: number;
  /** Text after `@expect`, trimmed. */
  text: string;
  readonly range: Range;
  readonly textRange: Range;
  /** `{{...}}` references in the text (a shared empty array when there are none: do not modify). */
  readonly variables: readonly VariableRef[];
}

/** A line inside a block that is none of the above (no colon, bad name...): kept so it can be reported. */
export interface InvalidLine {
  kind: 'invalid';
  /** Zero-based line of the node (the line of all its ranges). */
  readonly line: number;
  text: string;
  readonly range: Range;
}

export type BlockLine = HeaderLine | CommentLine | DirectiveLine | ExpectLine | InvalidLine;

/** `{{name}}` or `{{$builtin args}}`. */
export interface VariableRef {
  /** Text between the braces, trimmed (e.g. `call.Channel`, `$uuid`, `$env HOME`). */
  name: string;
  /** Zero-based line of the reference. */
  readonly line: number;
  /** Range of the whole `{{...}}`. */
  readonly range: Range;
  /** Range of the name only. */
  readonly nameRange: Range;
  /** False when the closing `}}` is missing. */
  closed: boolean;
}

/** A run of non-blank lines: one AMI action. */
export interface Block {
  /** Zero-based index among the file's blocks. */
  index: number;
  /** From the first line (including leading comments/directives) to the last non-blank line. */
  readonly range: Range;
  /** Comment lines directly above the first header, joined: the block's title (may be empty). */
  title: string;
  /** Value of `# @name`, if any. */
  name?: string;
  /** The `Action:` header value when the first header is `Action`, else undefined. */
  action?: string;
  /** The `Action:` header line, if present (first header). */
  actionHeader?: HeaderLine;
  /** The block's lines in file order. The node lists are read-only (empty ones are one shared array). */
  readonly lines: readonly BlockLine[];
  /** Headers in file order (what would be sent, before variable substitution). */
  readonly headers: readonly HeaderLine[];
  readonly directives: readonly DirectiveLine[];
  readonly expectations: readonly ExpectLine[];
}

/** `@name = value` outside any block. */
export interface FileVariable {
  name: string;
  value: string;
  range: Range;
  nameRange: Range;
  valueRange: Range;
}

/** `###` separator lines (optionally with a title). */
export interface Separator {
  title: string;
  range: Range;
}

export interface Script {
  blocks: Block[];
  fileVariables: FileVariable[];
  separators: Separator[];
  /** Comments outside any block. */
  comments: CommentLine[];
  /** Number of lines in the text. */
  lineCount: number;
}
