import type { FormattingOptions, Range, TextEdit } from 'vscode-languageserver-types';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { getCatalogue, type Catalogue } from '../catalogue/index';
import type { Script } from '../script/types';
import { existsIn } from '../catalogue/queries';
import { getScript } from './documents';

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
  // Header lines, and lines that are headers but for spaces before the colon, by line number.
  const headerLines = new Map<number, Map<string, string>>();
  for (const block of script.blocks) {
    if (block.range.end.line < firstLine || block.range.start.line > lastLine) continue;
    const names = canonicalNames(catalogue, block.action);
    for (const line of block.lines) {
      if (line.kind === 'header' || line.kind === 'invalid') headerLines.set(line.range.start.line, names);
    }
  }

  // Same line breaks as TextDocument and the parser: CRLF, LF, or a lone CR.
  const lines = document.getText().split(/\r\n|\r|\n/);
  const lineText = (line: number): string => lines[line] ?? '';
  const edits: TextEdit[] = [];
  const replaceLine = (line: number, oldText: string, newText: string): void => {
    if (oldText === newText) return;
    edits.push({ range: { start: { line, character: 0 }, end: { line, character: oldText.length } }, newText });
  };
  let line = firstLine;
  while (line <= lastLine) {
    const text = lineText(line);
    if (text.trim() !== '') {
      const names = headerLines.get(line);
      replaceLine(line, text, (names && formatHeader(text, names)) || text.trimEnd());
      line++;
      continue;
    }
    let runEnd = line;
    while (runEnd + 1 <= lastLine && lineText(runEnd + 1).trim() === '') runEnd++;
    if (runEnd === document.lineCount - 1) {
      // Blank lines at the end: keep only the final line break (nothing when the whole document is blank).
      const end = { line: runEnd, character: lineText(runEnd).length };
      if (runEnd > line || text !== '') edits.push({ range: { start: { line, character: 0 }, end }, newText: '' });
    } else {
      replaceLine(line, text, '');
      if (runEnd > line) {
        edits.push({ range: { start: { line: line + 1, character: 0 }, end: { line: runEnd + 1, character: 0 } }, newText: '' });
      }
    }
    line = runEnd + 1;
  }
  return edits;
}

/** Canonical spellings of the headers a block of `actionName` may have, by lower-cased name. */
function canonicalNames(catalogue: Catalogue, actionName: string | undefined): Map<string, string> {
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
  return names;
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
