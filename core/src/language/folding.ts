import { FoldingRangeKind, type FoldingRange } from 'vscode-languageserver-types';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Script } from '../script/types';
import { lineKinds } from '../script/parser';
import { getScript } from '../script/scriptCache';

/**
 * Folding ranges: every block of more than one line, every run of two or more comment lines, and each
 * `###` section (from its separator to the last line before the next one).
 */
export function getFoldingRanges(document: TextDocument, script: Script = getScript(document)): FoldingRange[] {
  const ranges: FoldingRange[] = [];
  for (const block of script.blocks) {
    if (block.range.end.line > block.range.start.line) {
      ranges.push({ startLine: block.range.start.line, endLine: block.range.end.line });
    }
  }

  // `.line`, not `.range`: ranges are built on each read, and a large file has hundreds of thousands of lines.
  const commentLines = script.comments.map((c) => c.line);
  for (const block of script.blocks) {
    // From the line kinds: reading the nodes of every block would build them all (parser.ts, LazyBlock).
    const kinds = lineKinds(block);
    const first = block.range.start.line;
    for (let at = kinds.indexOf('c'); at !== -1; at = kinds.indexOf('c', at + 1)) commentLines.push(first + at);
  }
  commentLines.sort((a, b) => a - b);
  let runStart = -1;
  for (let i = 0; i < commentLines.length; i++) {
    if (runStart === -1) runStart = commentLines[i];
    const next = commentLines[i + 1];
    if (next !== commentLines[i] + 1) {
      if (commentLines[i] > runStart) ranges.push({ startLine: runStart, endLine: commentLines[i], kind: FoldingRangeKind.Comment });
      runStart = -1;
    }
  }

  const separators = script.separators;
  for (let i = 0; i < separators.length; i++) {
    const start = separators[i].range.start.line;
    const limit = i + 1 < separators.length ? separators[i + 1].range.start.line - 1 : script.lineCount - 1;
    let end = limit;
    while (end > start && document.getText({ start: { line: end, character: 0 }, end: { line: end + 1, character: 0 } }).trim() === '') end--;
    if (end > start) ranges.push({ startLine: start, endLine: end, kind: FoldingRangeKind.Region });
  }
  return ranges.sort((a, b) => a.startLine - b.startLine);
}
