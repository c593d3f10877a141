import {
  CompletionItemKind,
  CompletionItemTag,
  InsertTextFormat,
  MarkupKind,
  type Command,
  type CompletionItem,
  type CompletionList,
  type Position,
  type Range,
} from 'vscode-languageserver-types';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { getCatalogue, type ActionDoc, type Catalogue, type ParamDoc } from '../catalogue/index';
import type { Block } from '../script/types';
import { ACTION_ID_PARAM, existsIn, headerValueKind, resultFieldsOf, targetBranch } from '../catalogue/queries';
import { blockAround, getDefinitions, lineText } from './documents';
import { actionMarkdown, applicationMarkdown, eventMarkdown, functionMarkdown, paramMarkdown } from './hover';
import { liveCompletionItems, liveHeaderKind } from './live';
import type { LanguageSettings } from './types';

/** Reopens the suggest widget after inserting `Name: ` so the value can be picked next (VS Code command). */
const triggerSuggest: Command = { title: 'Suggest', command: 'editor.action.triggerSuggest' };

/** Outcomes of `@expect Response:` that Asterisk sends. */
const responseValues = ['Success', 'Error', 'Goodbye', 'Follows'];

/** Built-in variables, as `{{$name ...}}`. */
const builtinVariables: { label: string; snippet: string; doc: string }[] = [
  { label: '$uuid', snippet: '\\$uuid', doc: 'A fresh random UUID each time the block is sent.' },
  { label: '$timestamp', snippet: '\\$timestamp', doc: 'The current time in Unix seconds.' },
  { label: '$env', snippet: '\\$env ${1:NAME}', doc: 'The value of an environment variable of the editor or CLI process.' },
  { label: '$prompt', snippet: '\\$prompt ${1:Label}', doc: 'Asks the user for a value when the block runs.' },
];

const headerLinePrefix = /^(\s*)([A-Za-z0-9_-]+(?:\([^)]*\))?)\s*:(\s*)(.*)$/;
const namePrefix = /^\s*([A-Za-z0-9_-]*)$/;

/**
 * Completion at a position. Only the block around the cursor is parsed; file variables and named blocks come
 * from a cheap scan. Actions and headers that do not exist in the target branch (`settings.asteriskVersion`)
 * are still offered (a user may write for another server) but sorted last and tagged deprecated, with the
 * branches they exist in as detail; action snippets are offered only for actions of the target branch.
 */
export function doComplete(
  document: TextDocument,
  position: Position,
  settings?: LanguageSettings,
  catalogue: Catalogue = getCatalogue(),
): CompletionList {
  const context = new CompletionContext(document, position, settings, catalogue);
  const items = context.complete();
  return { isIncomplete: context.incomplete, items };
}

class CompletionContext {
  readonly line: string;
  readonly prefix: string;
  readonly branch: string;
  /** Set when live values were left out: the editor must ask again as the user types. */
  incomplete = false;

  constructor(
    readonly document: TextDocument,
    readonly position: Position,
    readonly settings: LanguageSettings | undefined,
    readonly catalogue: Catalogue,
  ) {
    this.line = lineText(document, position.line);
    this.prefix = this.line.slice(0, position.character);
    this.branch = targetBranch(catalogue, settings?.asteriskVersion);
  }

  complete(): CompletionItem[] {
    const trimmed = this.prefix.trimStart();
    if (trimmed.startsWith('#') || trimmed.startsWith(';')) return this.completeCommentLine();
    const open = this.prefix.lastIndexOf('{{');
    if (open !== -1 && !this.prefix.includes('}}', open)) return this.completeVariable(open + 2);
    if (/^@expect\b/i.test(trimmed)) return this.completeExpect();
    if (/^@[\w-]*$/.test(trimmed)) return this.expectKeywordItems(this.wordRange(this.prefix.indexOf('@'), /[\w-]/));
    const header = headerLinePrefix.exec(this.prefix);
    if (header) {
      const items = this.completeValue(header[2], this.prefix.length - header[4].length);
      // `Name:|` without a space: the value goes in as ` value`, the way the formatter writes it.
      if (header[3] === '') for (const item of items) if (item.textEdit) item.textEdit.newText = ` ${item.textEdit.newText}`;
      return items;
    }
    if (namePrefix.test(this.prefix)) return this.completeName();
    return [];
  }

  /** Range from `start` on the cursor's line to the end of the word the cursor is in. */
  wordRange(start: number, wordChar: RegExp = /[A-Za-z0-9_()-]/): Range {
    let end = this.position.character;
    while (end < this.line.length && wordChar.test(this.line[end])) end++;
    return this.range(start, end);
  }

  range(start: number, end: number): Range {
    const line = this.position.line;
    return { start: { line, character: start }, end: { line, character: end } };
  }

  /** The block the cursor's line belongs to; on a blank line, the block that ends right above it. */
  currentBlock(): { block: Block | undefined; blankLine: boolean } {
    const blankLine = this.line.trim() === '';
    const line = blankLine ? this.position.line - 1 : this.position.line;
    return { block: blockAround(this.document, line), blankLine };
  }

  // `# @name`: the only directive so far.
  completeCommentLine(): CompletionItem[] {
    const directive = /^(\s*#\s*@)([\w-]*)$/.exec(this.prefix);
    if (!directive) return [];
    return [
      {
        label: '@name',
        kind: CompletionItemKind.Keyword,
        detail: 'Names the block so later blocks can use its results as {{name.Field}}',
        filterText: 'name',
        textEdit: { range: this.wordRange(directive[1].length, /[\w-]/), newText: 'name ' },
      },
    ];
  }

  completeExpect(): CompletionItem[] {
    const prefix = this.prefix;
    const keyword = /^(\s*@expect\s+)([\w-]*)$/i.exec(prefix);
    if (keyword) {
      return ['Response', 'Event', 'List'].map((kind) => ({
        label: `${kind}:`,
        kind: CompletionItemKind.Keyword,
        textEdit: { range: this.wordRange(keyword[1].length, /[\w:-]/), newText: `${kind}: ` },
        command: kind === 'List' ? undefined : triggerSuggest,
      }));
    }
    const response = /^(\s*@expect\s+response\s*:\s*)([\w-]*)$/i.exec(prefix);
    if (response) {
      const range = this.wordRange(response[1].length, /[\w-]/);
      return responseValues.map((value, index) => ({
        label: value,
        kind: CompletionItemKind.EnumMember,
        sortText: String(index),
        textEdit: { range, newText: value },
      }));
    }
    const event = /^(\s*@expect\s+event\s*:\s*)([\w-]*)$/i.exec(prefix);
    if (event) return this.eventItems(this.wordRange(event[1].length, /[\w-]/));
    const fieldValue = /^\s*@expect\s+event\s*:\s*([\w-]+)\s+(?:.*\s)?([\w-]+)=([\w-]*)$/i.exec(prefix);
    if (fieldValue) {
      const field = this.catalogue.event(fieldValue[1])?.fields.find((f) => f.name.toLowerCase() === fieldValue[2].toLowerCase());
      const range = this.wordRange(prefix.length - fieldValue[3].length, /[\w-]/);
      return (field?.enum ?? []).map((value) => ({
        label: value.name,
        kind: CompletionItemKind.EnumMember,
        documentation: value.description ? { kind: MarkupKind.Markdown, value: value.description } : undefined,
        textEdit: { range, newText: value.name },
      }));
    }
    const field = /^\s*@expect\s+event\s*:\s*([\w-]+)\s+(?:.*\s)?([\w-]*)$/i.exec(prefix);
    if (field) {
      const range = this.wordRange(prefix.length - field[2].length, /[\w-]/);
      const items: CompletionItem[] = (this.catalogue.event(field[1])?.fields ?? []).map((f) => ({
        label: `${f.name}=`,
        kind: CompletionItemKind.Field,
        documentation: f.description ? { kind: MarkupKind.Markdown, value: f.description } : undefined,
        textEdit: { range, newText: `${f.name}=` },
      }));
      items.push({
        label: 'within',
        kind: CompletionItemKind.Keyword,
        detail: 'How long to wait for the event (default 5s)',
        insertTextFormat: InsertTextFormat.Snippet,
        textEdit: { range, newText: 'within ${1:5}${2|s,ms|}' },
        sortText: 'z',
      });
      return items;
    }
    return [];
  }

  expectKeywordItems(range: Range): CompletionItem[] {
    return ['Response', 'Event', 'List'].map((kind) => ({
      label: `@expect ${kind}:`,
      kind: CompletionItemKind.Keyword,
      detail: 'Expectation checked when the block runs (never sent)',
      filterText: `@expect ${kind}`,
      sortText: `~${kind}`,
      textEdit: { range, newText: `@expect ${kind}: ` },
      command: kind === 'List' ? undefined : triggerSuggest,
    }));
  }

  eventItems(range: Range): CompletionItem[] {
    return this.catalogue.data.events.map((event) => {
      const inBranch = existsIn(event, this.branch);
      return {
        label: event.name,
        kind: CompletionItemKind.Event,
        detail: event.synopsis,
        documentation: { kind: MarkupKind.Markdown, value: eventMarkdown(event, this.branch) },
        sortText: inBranch ? '0' : '1',
        tags: inBranch ? undefined : [CompletionItemTag.Deprecated],
        textEdit: { range, newText: event.name },
      };
    });
  }

  completeValue(headerName: string, valueStart: number): CompletionItem[] {
    const valueEnd = Math.max(this.position.character, this.line.trimEnd().length);
    const range = this.range(valueStart, valueEnd);
    const { block } = this.currentBlock();
    const actionName = headerName.toLowerCase() === 'action' ? undefined : block?.action;
    const catalogueItems = this.catalogueValues(headerName, valueStart, valueEnd, range, actionName);
    const live = this.liveValues(headerName, range, block, actionName);
    if (live.length === 0) return catalogueItems;
    // A value both know (an application) is offered once, as live, with the catalogue's documentation.
    const byLabel = new Map(catalogueItems.map((item) => [item.label, item]));
    for (const item of live) {
      const documented = byLabel.get(item.label);
      if (!documented) continue;
      byLabel.delete(item.label);
      if (documented.documentation) item.documentation = documented.documentation;
    }
    return [...live, ...byLabel.values()];
  }

  /** Values of the connected server for this header, when the catalogue says it takes them and the user may run the action. */
  liveValues(headerName: string, range: Range, block: Block | undefined, actionName: string | undefined): CompletionItem[] {
    const live = this.settings?.live;
    if (!live || live.isEmpty || !actionName) return [];
    const allowed = this.settings?.allowedActions;
    if (allowed && !allowed.has(actionName.toLowerCase())) return [];
    const kind = liveHeaderKind(this.catalogue, actionName, headerName);
    if (!kind) return [];
    const typed = this.prefix.slice(range.start.character);
    const result = liveCompletionItems(live, kind, block, range, (this.settings?.now ?? Date.now)(), typed);
    if (result.incomplete) this.incomplete = true;
    return result.items;
  }

  catalogueValues(headerName: string, valueStart: number, valueEnd: number, range: Range, actionName: string | undefined): CompletionItem[] {
    const kind = headerValueKind(this.catalogue, actionName, headerName, this.branch);
    const typed = this.prefix.slice(valueStart);
    switch (kind?.kind) {
      case 'action':
        return this.actionItems(range);
      case 'application':
        return this.catalogue.data.applications.map((app) => ({
          label: app.name,
          kind: CompletionItemKind.Function,
          detail: app.synopsis,
          documentation: { kind: MarkupKind.Markdown, value: applicationMarkdown(app) },
          tags: existsIn(app, this.branch) ? undefined : [CompletionItemTag.Deprecated],
          textEdit: { range, newText: app.name },
        }));
      case 'function':
        if (typed.includes('(')) return [];
        return this.catalogue.data.functions.map((fn) => ({
          label: fn.name,
          kind: CompletionItemKind.Function,
          detail: fn.syntax ?? fn.synopsis,
          documentation: { kind: MarkupKind.Markdown, value: functionMarkdown(fn) },
          tags: existsIn(fn, this.branch) ? undefined : [CompletionItemTag.Deprecated],
          textEdit: { range: this.range(valueStart, this.position.character), newText: `${fn.name}(` },
        }));
      case 'eventFilter': {
        const match = /^(!?\s*Event:\s*)[\w-]*$/i.exec(typed);
        return match ? this.eventItems(this.range(valueStart + match[1].length, valueEnd)) : [];
      }
      case 'enum':
        return kind.param.enum!.map((value, index) => ({
          label: value.name,
          kind: CompletionItemKind.EnumMember,
          detail: `${kind.param.name} value`,
          documentation: value.description ? { kind: MarkupKind.Markdown, value: value.description } : undefined,
          sortText: String(index).padStart(4, '0'),
          textEdit: { range, newText: value.name },
        }));
      case 'boolean':
        return ['true', 'false'].map((value) => ({
          label: value,
          kind: CompletionItemKind.Value,
          textEdit: { range, newText: value },
        }));
      default:
        return [];
    }
  }

  actionItems(range: Range): CompletionItem[] {
    const allowed = this.settings?.allowedActions;
    return this.catalogue.data.actions.map((action) => {
      const inBranch = existsIn(action, this.branch);
      const permitted = !allowed || allowed.has(action.name.toLowerCase());
      let detail = action.synopsis;
      if (!inBranch) detail = `Not in Asterisk ${this.branch} (exists in ${action.branches.join(', ')})`;
      else if (!permitted) detail = `Not permitted for the connected user. ${action.synopsis}`;
      return {
        label: action.name,
        kind: CompletionItemKind.Function,
        detail,
        documentation: { kind: MarkupKind.Markdown, value: actionMarkdown(action, this.branch) },
        sortText: !inBranch ? '2' : permitted ? '0' : '1',
        tags: inBranch ? undefined : [CompletionItemTag.Deprecated],
        textEdit: { range, newText: action.name },
      };
    });
  }

  completeName(): CompletionItem[] {
    const wordStart = this.prefix.length - this.prefix.trimStart().length;
    const range = this.wordRange(wordStart);
    const hasColon = /^[A-Za-z0-9_()-]*\s*:/.test(this.line.slice(wordStart));
    const { block, blankLine } = this.currentBlock();
    const actionLine = block?.actionHeader?.range.start.line;
    if (block && actionLine !== undefined && actionLine < this.position.line) {
      const items = this.headerItems(block, range, hasColon);
      if (!hasColon) items.push(...this.expectKeywordItems(range));
      return items;
    }
    if (block?.actionHeader) return []; // above the Action line: nothing may come first
    const items: CompletionItem[] = [
      {
        label: 'Action',
        kind: CompletionItemKind.Property,
        detail: 'The action to send (always the first header)',
        sortText: '0',
        textEdit: { range, newText: hasColon ? 'Action' : 'Action: ' },
        command: hasColon ? undefined : triggerSuggest,
      },
    ];
    if (hasColon) return items;
    items.push(...this.snippetItems(range));
    if (blankLine || this.prefix.trim() === '') {
      items.push({
        label: '# @name',
        kind: CompletionItemKind.Keyword,
        detail: 'Name the block so later blocks can use its results',
        filterText: 'name',
        sortText: '~name',
        insertTextFormat: InsertTextFormat.Snippet,
        textEdit: { range, newText: '# @name ${1:name}' },
      });
    }
    return items;
  }

  headerItems(block: Block, range: Range, hasColon: boolean): CompletionItem[] {
    const action = block.action ? this.catalogue.action(block.action) : undefined;
    const present = new Set(
      block.headers.filter((h) => h.range.start.line !== this.position.line).map((h) => h.name.toLowerCase()),
    );
    const params: ParamDoc[] = action ? [...action.params] : [];
    if (!params.some((p) => p.name.toLowerCase() === 'actionid')) params.push(ACTION_ID_PARAM);
    // Some actions document one header twice with different casing per branch (MixMonitor Options/options).
    const inBranchNames = new Set(params.filter((p) => existsIn(p, this.branch)).map((p) => p.name.toLowerCase()));
    const items: CompletionItem[] = [];
    for (const param of params) {
      const lower = param.name.toLowerCase();
      if (lower === 'action' || (present.has(lower) && !param.repeatable)) continue;
      const inBranch = existsIn(param, this.branch);
      if (!inBranch && inBranchNames.has(lower)) continue;
      const rank = !inBranch ? '3' : lower === 'actionid' ? '2' : param.required ? '0' : '1';
      const valueKind = headerValueKind(this.catalogue, action?.name, param.name, this.branch);
      items.push({
        label: param.name,
        kind: CompletionItemKind.Property,
        detail: headerDetail(param, inBranch, this.branch),
        documentation: { kind: MarkupKind.Markdown, value: paramMarkdown(param, action, this.branch) },
        sortText: `${rank}${param.name.toLowerCase()}`,
        tags: inBranch ? undefined : [CompletionItemTag.Deprecated],
        textEdit: { range, newText: hasColon ? param.name : `${param.name}: ` },
        command: !hasColon && valueKind ? triggerSuggest : undefined,
      });
    }
    return items;
  }

  /** One snippet per action of the target branch: `Action: X` plus its required headers as tab stops. */
  snippetItems(range: Range): CompletionItem[] {
    return this.catalogue.data.actions
      .filter((action) => existsIn(action, this.branch))
      .map((action) => ({
        label: `${action.name} (snippet)`,
        kind: CompletionItemKind.Snippet,
        detail: action.synopsis,
        documentation: { kind: MarkupKind.Markdown, value: actionMarkdown(action, this.branch) },
        filterText: action.name,
        sortText: `5${action.name.toLowerCase()}`,
        insertTextFormat: InsertTextFormat.Snippet,
        textEdit: { range, newText: actionSnippet(action, this.branch) },
      }));
  }

  completeVariable(nameStart: number): CompletionItem[] {
    let start = nameStart;
    while (this.line[start] === ' ') start++;
    start = Math.min(start, this.position.character);
    const range = this.wordRange(start, /[\w.$-]/);
    const closed = this.line.slice(range.end.character).trimStart().startsWith('}}');
    const close = closed ? '' : '}}';
    const typed = this.prefix.slice(start);
    const definitions = getDefinitions(this.document);
    const items: CompletionItem[] = [];
    const dot = typed.indexOf('.');
    if (dot !== -1) {
      const blockName = typed.slice(0, dot);
      const named = definitions.namedBlocks.find((b) => b.name.toLowerCase() === blockName.toLowerCase());
      if (!named) return [];
      for (const field of resultFieldsOf(this.catalogue, named.action())) {
        items.push({
          label: `${blockName}.${field.path}`,
          kind: CompletionItemKind.Field,
          detail: field.source,
          documentation: field.description ? { kind: MarkupKind.Markdown, value: field.description } : undefined,
          sortText: `${field.rank}${field.path.toLowerCase()}`,
          textEdit: { range, newText: `${blockName}.${field.path}${close}` },
        });
      }
      return items;
    }
    const seen = new Set<string>();
    for (const variable of definitions.fileVariables) {
      if (seen.has(variable.name)) continue;
      seen.add(variable.name);
      items.push({
        label: variable.name,
        kind: CompletionItemKind.Variable,
        detail: `File variable = ${variable.value}`,
        sortText: `0${variable.name}`,
        textEdit: { range, newText: `${variable.name}${close}` },
      });
    }
    // Naming the action costs a look at each block: skipped for files with very many named blocks.
    const withAction = definitions.namedBlocks.length <= 200;
    for (const named of definitions.namedBlocks) {
      if (seen.has(`${named.name}.`)) continue;
      seen.add(`${named.name}.`);
      const action = withAction ? named.action() : undefined;
      items.push({
        label: `${named.name}.`,
        kind: CompletionItemKind.Module,
        detail: `Results of block ${named.name}${action ? ` (${action})` : ''}`,
        sortText: `1${named.name}`,
        textEdit: { range, newText: `${named.name}.` },
        command: triggerSuggest,
      });
    }
    for (const [name, value] of Object.entries(this.settings?.profileVariables ?? {})) {
      if (seen.has(name)) continue;
      seen.add(name);
      items.push({
        label: name,
        kind: CompletionItemKind.Variable,
        detail: `Profile variable = ${value}`,
        sortText: `2${name}`,
        textEdit: { range, newText: `${name}${close}` },
      });
    }
    for (const builtin of builtinVariables) {
      items.push({
        label: builtin.label,
        kind: CompletionItemKind.Constant,
        detail: 'Built-in',
        documentation: builtin.doc,
        filterText: builtin.label,
        sortText: `3${builtin.label}`,
        insertTextFormat: InsertTextFormat.Snippet,
        textEdit: { range, newText: `${builtin.snippet}${close}` },
      });
    }
    return items;
  }
}

function headerDetail(param: ParamDoc, inBranch: boolean, branch: string): string {
  const parts = [param.required ? 'required' : 'optional'];
  if (param.repeatable) parts.push('repeatable');
  if (param.default !== undefined) parts.push(`default ${param.default}`);
  if (!inBranch) parts.push(`not in Asterisk ${branch} (exists in ${param.branches?.join(', ')})`);
  return parts.join(', ');
}

/** Escapes text for a snippet choice (`${1|a,b|}`): `$`, `}`, `\`, `,` and `|` are special. */
function escapeChoice(text: string): string {
  return text.replace(/[$}\\,|]/g, (c) => `\\${c}`);
}

/** `Action: X` and the action's required headers as numbered tab stops (enum values as choices). */
export function actionSnippet(action: ActionDoc, branch: string): string {
  const lines = [`Action: ${action.name}`];
  let stop = 1;
  for (const param of action.params) {
    const lower = param.name.toLowerCase();
    if (!param.required || lower === 'action' || lower === 'actionid' || !existsIn(param, branch)) continue;
    const choices = param.enum?.map((value) => escapeChoice(value.name)).filter((name) => name !== '');
    const placeholder = choices?.length ? `\${${stop}|${choices.join(',')}|}` : `\${${stop}}`;
    lines.push(`${param.name}: ${placeholder}`);
    stop++;
  }
  return `${lines.join('\n')}$0`;
}
