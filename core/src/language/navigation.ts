import type { LocationLink, Position, Range, TextEdit, WorkspaceEdit } from 'vscode-languageserver-types';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { blockAtLine } from '../script/parser';
import type { Block, FileVariable, Script, VariableRef } from '../script/types';
import { contains, getScript } from './documents';

/** A name that rename and go-to-definition act on. */
type Target =
  | { kind: 'fileVariable'; name: string; range: Range }
  | { kind: 'block'; name: string; range: Range };

/** Thrown by `doRename` when the new name cannot be used; the message says what to type instead. */
export class RenameError extends Error {}

const validName = /^[A-Za-z_][\w-]*$/;

/** Every `{{...}}` of the script, with the block it is in. */
function* allReferences(script: Script): Generator<VariableRef> {
  for (const block of script.blocks) yield* blockReferences(block);
}

function* blockReferences(block: Block): Generator<VariableRef> {
  for (const line of block.lines) {
    if (line.kind === 'header' || line.kind === 'expect') yield* line.variables;
  }
}

/** Named blocks and file variables by lower-cased name (names match case-insensitively at run time). */
interface Names {
  blocks: Map<string, Block>;
  variables: Map<string, FileVariable>;
}

const namesCache = new WeakMap<Script, Names>();

function namesOf(script: Script): Names {
  let names = namesCache.get(script);
  if (!names) {
    names = { blocks: new Map(), variables: new Map() };
    for (const block of script.blocks) {
      const key = block.name?.toLowerCase();
      if (key !== undefined && !names.blocks.has(key)) names.blocks.set(key, block);
    }
    for (const variable of script.fileVariables) {
      const key = variable.name.toLowerCase();
      if (!names.variables.has(key)) names.variables.set(key, variable);
    }
    namesCache.set(script, names);
  }
  return names;
}

/** What `ref` points at: a named block's results (`{{call.X}}`), else a file variable. */
function resolveReference(script: Script, ref: VariableRef): Target | undefined {
  const dot = ref.name.indexOf('.');
  if (dot > 0) {
    const name = ref.name.slice(0, dot);
    if (namesOf(script).blocks.has(name.toLowerCase())) {
      const start = ref.nameRange.start;
      return { kind: 'block', name, range: { start, end: { line: start.line, character: start.character + name.length } } };
    }
  }
  if (namesOf(script).variables.has(ref.name.toLowerCase())) return { kind: 'fileVariable', name: ref.name, range: ref.nameRange };
  return undefined;
}

/** The renameable name at `position`: in a `{{reference}}`, an `@name = value` line or a `# @name` directive. */
function targetAt(script: Script, position: Position): Target | undefined {
  for (const variable of script.fileVariables) {
    if (contains(variable.nameRange, position)) return { kind: 'fileVariable', name: variable.name, range: variable.nameRange };
  }
  const block = blockAtLine(script, position.line);
  if (!block) return undefined;
  for (const directive of block.directives) {
    if (directive.name.toLowerCase() === 'name' && directive.value !== '' && contains(directive.valueRange, position)) {
      return { kind: 'block', name: directive.value, range: directive.valueRange };
    }
  }
  for (const ref of blockReferences(block)) {
    if (!contains(ref.range, position)) continue;
    const target = resolveReference(script, ref);
    return target && contains(target.range, position) ? target : undefined;
  }
  return undefined;
}

/** Where the target is defined: the whole definition (`@x = ...` line, or the block) and its name in it. */
function definitionOf(script: Script, target: Target): { range: Range; nameRange: Range } | undefined {
  const key = target.name.toLowerCase();
  if (target.kind === 'fileVariable') {
    const variable = namesOf(script).variables.get(key);
    return variable && { range: variable.range, nameRange: variable.nameRange };
  }
  const block = namesOf(script).blocks.get(key);
  const directive = block?.directives.find((d) => d.name.toLowerCase() === 'name' && d.value.toLowerCase() === key);
  return block && directive && { range: block.range, nameRange: directive.valueRange };
}

/**
 * Go to definition on `{{x}}` (the `@x = ...` line), `{{call.Field}}` (the block named `call`), or on a
 * definition's own name. As links: `targetSelectionRange` is the name (`x` of `@x`, `call` of `# @name call`),
 * `targetRange` the whole definition, `originSelectionRange` the name under the cursor.
 */
export function findDefinition(document: TextDocument, position: Position, script: Script = getScript(document)): LocationLink[] {
  let target: Target | undefined;
  let origin: Range | undefined;
  const block = blockAtLine(script, position.line);
  for (const ref of block ? blockReferences(block) : []) {
    if (!contains(ref.range, position)) continue;
    // Anywhere in `{{call.Response}}`, the field name included.
    target = resolveReference(script, ref);
    origin = ref.nameRange;
    break;
  }
  if (!origin) {
    target = targetAt(script, position);
    origin = target?.range;
  }
  const definition = target && definitionOf(script, target);
  if (!origin || !definition) return [];
  return [
    {
      originSelectionRange: origin,
      targetUri: document.uri,
      targetRange: definition.range,
      targetSelectionRange: definition.nameRange,
    },
  ];
}

/** The range of the renameable name at `position` (a file variable or a named block), or null. */
export function prepareRename(document: TextDocument, position: Position, script: Script = getScript(document)): Range | null {
  return targetAt(script, position)?.range ?? null;
}

/**
 * Renames the file variable or named block at `position`: its definition and every reference.
 * Returns null when nothing renameable is there; throws RenameError when `newName` is not a valid name.
 */
export function doRename(
  document: TextDocument,
  position: Position,
  newName: string,
  script: Script = getScript(document),
): WorkspaceEdit | null {
  const target = targetAt(script, position);
  if (!target) return null;
  if (!validName.test(newName)) {
    throw new RenameError(
      `"${newName}" cannot name a ${target.kind === 'block' ? 'block' : 'variable'}: use letters, digits, "_" and "-", starting with a letter or "_".`,
    );
  }
  const edits: TextEdit[] = [];
  const key = target.name.toLowerCase();
  if (target.kind === 'fileVariable') {
    for (const variable of script.fileVariables) {
      if (variable.name.toLowerCase() === key) edits.push({ range: variable.nameRange, newText: newName });
    }
  } else {
    for (const block of script.blocks) {
      for (const directive of block.directives) {
        if (directive.name.toLowerCase() === 'name' && directive.value.toLowerCase() === key) {
          edits.push({ range: directive.valueRange, newText: newName });
        }
      }
    }
  }
  for (const ref of allReferences(script)) {
    const resolved = resolveReference(script, ref);
    if (resolved && resolved.kind === target.kind && resolved.name.toLowerCase() === key) {
      edits.push({ range: resolved.range, newText: newName });
    }
  }
  return { changes: { [document.uri]: edits } };
}
