/**
 * Quick fixes for the diagnostics of ./diagnostics.ts. Each fix is driven by the diagnostic's `data`
 * (`FixData`); positions are taken from the current document, so a fix never edits stale coordinates.
 */
import { CodeActionKind, type CodeAction, type Diagnostic, type Range, type TextEdit } from 'vscode-languageserver-types';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { parseBlockAt, parseScript } from '../script/parser';
import type { FixData } from './diagnosticCodes';
import type { LanguageSettings } from './types';

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}

/** Validates `data` that came back from the client (it is untrusted JSON). */
function fixData(diagnostic: Diagnostic): FixData | undefined {
  const data = diagnostic.data as Record<string, unknown> | undefined;
  if (!data || typeof data !== 'object') return undefined;
  switch (data.fix) {
    case 'replace':
      return isStringArray(data.replacements) && data.replacements.length > 0 ? { fix: 'replace', replacements: data.replacements } : undefined;
    case 'insertHeaders':
      return isStringArray(data.headers) && data.headers.length > 0 ? { fix: 'insertHeaders', headers: data.headers } : undefined;
    case 'defineVariable':
      return typeof data.name === 'string' && /^[A-Za-z_][\w.-]*$/.test(data.name) ? { fix: 'defineVariable', name: data.name } : undefined;
    case 'deleteLine':
    case 'deleteRange':
    case 'commentLine':
    case 'moveActionFirst':
    case 'splitBlock':
    case 'lineBreak':
      return { fix: data.fix };
    default:
      return undefined;
  }
}

function intersects(a: Range, b: Range): boolean {
  const before = (x: Range['start'], y: Range['start']): boolean => x.line < y.line || (x.line === y.line && x.character < y.character);
  return !before(a.end, b.start) && !before(b.end, a.start);
}

function isValidRange(document: TextDocument, range: Range): boolean {
  const ok = (p: Range['start']): boolean =>
    Number.isInteger(p?.line) && Number.isInteger(p?.character) && p.line >= 0 && p.character >= 0 && p.line < document.lineCount;
  return ok(range?.start) && ok(range?.end);
}

function eol(document: TextDocument): string {
  return document.getText().includes('\r\n') ? '\r\n' : '\n';
}

/** The range covering line `line` and its line break (or the break before it on the last line). */
function wholeLine(document: TextDocument, line: number): Range {
  if (line + 1 < document.lineCount) return { start: { line, character: 0 }, end: { line: line + 1, character: 0 } };
  const end = document.positionAt(document.getText().length);
  if (line === 0) return { start: { line, character: 0 }, end };
  return { start: { line: line - 1, character: lineStartText(document, line - 1).length }, end };
}

function lineStartText(document: TextDocument, line: number): string {
  return document.getText({ start: { line, character: 0 }, end: { line: line + 1, character: 0 } }).replace(/[\r\n]+$/, '');
}

function action(title: string, diagnostic: Diagnostic, document: TextDocument, edits: TextEdit[], isPreferred = false): CodeAction {
  const codeAction: CodeAction = {
    title,
    kind: CodeActionKind.QuickFix,
    diagnostics: [diagnostic],
    edit: { changes: { [document.uri]: edits } },
  };
  if (isPreferred) codeAction.isPreferred = true;
  return codeAction;
}

function fixesFor(document: TextDocument, diagnostic: Diagnostic, data: FixData): CodeAction[] {
  const range = diagnostic.range;
  const line = range.start.line;
  switch (data.fix) {
    case 'replace': {
      const current = document.getText(range);
      const options = data.replacements.filter((replacement) => replacement !== current);
      // A single candidate (or a pure casing fix) is safe to apply with the "auto fix" command.
      return options.map((replacement, index) =>
        action(`Change to "${replacement}"`, diagnostic, document, [{ range, newText: replacement }], index === 0 && (options.length === 1 || current.toLowerCase() === replacement.toLowerCase())),
      );
    }
    case 'insertHeaders': {
      const block = parseBlockAt(document.getText(), line, document.offsetAt({ line, character: 0 }));
      const last = block?.headers[block.headers.length - 1];
      if (!block || !last) return [];
      const present = new Set(block.headers.map((h) => h.name.toLowerCase()));
      const headers = data.headers.filter((name) => !present.has(name.toLowerCase()));
      if (headers.length === 0) return [];
      const indent = lineStartText(document, last.range.start.line).match(/^[ \t]*/)?.[0] ?? '';
      const lastLineEnd = { line: last.range.start.line, character: lineStartText(document, last.range.start.line).length };
      const newText = headers.map((name) => `${eol(document)}${indent}${name}: `).join('');
      const title = headers.length === 1 ? `Add the missing header "${headers[0]}"` : `Add the missing headers ${headers.map((h) => `"${h}"`).join(', ')}`;
      return [action(title, diagnostic, document, [{ range: { start: lastLineEnd, end: lastLineEnd }, newText }], true)];
    }
    case 'deleteLine': {
      const code = String(diagnostic.code ?? '');
      const title = code === 'ami-secret-in-file' ? 'Remove the secret from the file' : 'Remove this line';
      return [action(title, diagnostic, document, [{ range: wholeLine(document, line), newText: '' }], true)];
    }
    case 'lineBreak': {
      if (document.getText(range) !== '\r') return [];
      return [action('Replace the lone CR with a line break', diagnostic, document, [{ range, newText: eol(document) }], true)];
    }
    case 'deleteRange': {
      const text = document.getText(range);
      const title = text.length === 1 ? `Remove the character U+${text.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}` : 'Remove it';
      return [action(title, diagnostic, document, [{ range, newText: '' }], true)];
    }
    case 'commentLine': {
      const indent = lineStartText(document, line).match(/^[ \t]*/)?.[0].length ?? 0;
      const at = { line, character: indent };
      return [action('Turn this line into a comment', diagnostic, document, [{ range: { start: at, end: at }, newText: '# ' }])];
    }
    case 'splitBlock': {
      const at = { line, character: 0 };
      return [action('Start a new block here (insert a blank line)', diagnostic, document, [{ range: { start: at, end: at }, newText: eol(document) }], true)];
    }
    case 'moveActionFirst': {
      const block = parseBlockAt(document.getText(), line, document.offsetAt({ line, character: 0 }));
      const first = block?.headers[0];
      if (!block || !first || first.range.start.line === line) return [];
      const actionLine = lineStartText(document, line);
      const at = { line: first.range.start.line, character: 0 };
      return [
        action('Move "Action:" to the top of the block', diagnostic, document, [
          { range: { start: at, end: at }, newText: `${actionLine}${eol(document)}` },
          { range: wholeLine(document, line), newText: '' },
        ], true),
      ];
    }
    case 'defineVariable': {
      const script = parseScript(document.getText());
      const lastVariable = script.fileVariables.filter((v) => v.range.start.line < (script.blocks[0]?.range.start.line ?? Infinity)).pop();
      const newLine = eol(document);
      if (lastVariable) {
        const end = { line: lastVariable.range.start.line, character: lineStartText(document, lastVariable.range.start.line).length };
        return [action(`Define "@${data.name}" at the top of the file`, diagnostic, document, [{ range: { start: end, end }, newText: `${newLine}@${data.name} = ` }])];
      }
      const top = { line: 0, character: document.getText().startsWith('\uFEFF') ? 1 : 0 };
      return [action(`Define "@${data.name}" at the top of the file`, diagnostic, document, [{ range: { start: top, end: top }, newText: `@${data.name} = ${newLine}${newLine}` }])];
    }
  }
}

/**
 * The quick fixes for one diagnostic, whatever `range` was asked for; [] when it is not an `ami` diagnostic
 * with usable data. Exported for tests (it may throw on a bug; `computeCodeActions` contains that).
 */
export function codeActionsFor(document: TextDocument, diagnostic: Diagnostic): CodeAction[] {
  if (diagnostic.source !== 'ami' || !isValidRange(document, diagnostic.range)) return [];
  const data = fixData(diagnostic);
  return data ? fixesFor(document, diagnostic, data) : [];
}

/**
 * Quick fixes for the `ami` diagnostics (from the request context) that touch `range`. Diagnostics from other
 * sources, or with missing/malformed `data`, are skipped. Never throws.
 */
export function computeCodeActions(document: TextDocument, range: Range, diagnostics: Diagnostic[], _settings?: LanguageSettings): CodeAction[] {
  const actions: CodeAction[] = [];
  for (const diagnostic of diagnostics) {
    try {
      if (diagnostic.source !== 'ami' || !isValidRange(document, diagnostic.range) || !intersects(diagnostic.range, range)) continue;
      actions.push(...codeActionsFor(document, diagnostic));
    } catch {
      // A malformed diagnostic from the client must not break the other fixes.
    }
  }
  return actions;
}
