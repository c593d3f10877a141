import { MarkupKind, type Hover, type Position, type Range } from 'vscode-languageserver-types';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import {
  getCatalogue,
  type ActionDoc,
  type ApplicationDoc,
  type Catalogue,
  type EnumValueDoc,
  type EventDoc,
  type FunctionDoc,
  type ParamDoc,
  type SeeAlso,
} from '../catalogue/index';
import { existsIn, findParam, headerValueKind, resultFieldsOf, targetBranch, universalParam } from '../catalogue/queries';
import { blockAround, getDefinitions, lineText } from './documents';
import { liveHeaderKind, liveMarkdown, liveValueAt } from './live';
import type { LanguageSettings } from './types';
import { ownValue } from '../text/ownKeys';

const headerLine = /^(\s*)([A-Za-z0-9_-]+(?:\([^)]*\))?)(\s*:\s*)(.*?)\s*$/;
const expectEventLine = /^(\s*@expect\s+event\s*:\s*)([\w-]+)(.*)$/i;

const builtinDocs: Record<string, string> = {
  $uuid: 'Built-in: a fresh random UUID each time the block is sent.',
  $timestamp: 'Built-in: the current time in Unix seconds.',
  $env: 'Built-in: `{{$env NAME}}` is the value of the environment variable NAME of the editor or CLI process.',
  $prompt: 'Built-in: `{{$prompt Label}}` asks the user for a value when the block runs.',
};

/**
 * Hover at a position: the action (on `Action:`), a header of the block's action, an enumerated value, a dialplan
 * application (Originate `Application:`), a function (Getvar/Setvar `Variable:`), an event (`@expect Event:`,
 * `Filter: Event: X`), or a `{{variable}}` with where its value comes from. Parses only the block around the line.
 */
export function doHover(
  document: TextDocument,
  position: Position,
  settings?: LanguageSettings,
  catalogue: Catalogue = getCatalogue(),
): Hover | null {
  const line = lineText(document, position.line);
  const at = position.character;
  const trimmed = line.trimStart();
  if (trimmed.startsWith('#') || trimmed.startsWith(';')) return null;
  const branch = targetBranch(catalogue, settings?.asteriskVersion);
  const range = (start: number, end: number): Range => ({
    start: { line: position.line, character: start },
    end: { line: position.line, character: end },
  });
  const markdown = (value: string, start: number, end: number): Hover => ({
    contents: { kind: MarkupKind.Markdown, value },
    range: range(start, end),
  });

  for (const match of line.matchAll(/\{\{(.*?)(\}\}|$)/g)) {
    const start = match.index ?? 0;
    const end = start + match[0].length;
    if (at < start || at > end) continue;
    const text = variableMarkdown(document, match[1].trim(), catalogue, settings);
    return text ? markdown(text, start, end) : null;
  }

  const expectEvent = expectEventLine.exec(line);
  if (expectEvent) {
    const nameStart = expectEvent[1].length;
    const nameEnd = nameStart + expectEvent[2].length;
    const event = catalogue.event(expectEvent[2]);
    if (!event) return null;
    if (at >= nameStart && at <= nameEnd) return markdown(eventMarkdown(event, branch), nameStart, nameEnd);
    for (const field of expectEvent[3].matchAll(/([\w-]+)=/g)) {
      const start = nameEnd + (field.index ?? 0);
      const end = start + field[1].length;
      const doc = event.fields.find((f) => f.name.toLowerCase() === field[1].toLowerCase());
      if (doc && at >= start && at <= end) return markdown(fieldMarkdown(doc, event), start, end);
    }
    return null;
  }

  const header = headerLine.exec(line);
  if (!header) return null;
  const nameStart = header[1].length;
  const nameEnd = nameStart + header[2].length;
  const valueStart = nameEnd + header[3].length;
  const valueEnd = valueStart + header[4].length;
  const name = header[2];
  const value = header[4];
  const isAction = name.toLowerCase() === 'action';
  const actionName = isAction ? value : blockAround(document, position.line)?.action;
  const action = actionName ? catalogue.action(actionName) : undefined;

  if (at >= nameStart && at <= nameEnd) {
    if (isAction) return action ? markdown(actionMarkdown(action, branch), nameStart, nameEnd) : null;
    const param = headerParam(action, name, branch) ?? universalParam(name);
    return param ? markdown(paramMarkdown(param, action, branch), nameStart, nameEnd) : null;
  }
  if (at < valueStart || at > valueEnd) return null;
  const live = liveHover(document, position.line, actionName, name, value, settings, catalogue);
  if (live) {
    // The live state first, then what the catalogue says about the value (an application's docs) or the header.
    const documented = catalogueValueHover(catalogue, actionName, action, name, value, branch, valueStart, valueEnd, markdown);
    const docs = documented && typeof documented.contents === 'object' && 'value' in documented.contents ? `\n\n---\n\n${documented.contents.value}` : '';
    return markdown(live + docs, valueStart, valueEnd);
  }
  return catalogueValueHover(catalogue, actionName, action, name, value, branch, valueStart, valueEnd, markdown);
}

/** The live state of a header's value on the connected server, as Markdown, or undefined. */
function liveHover(
  document: TextDocument,
  line: number,
  actionName: string | undefined,
  headerName: string,
  value: string,
  settings: LanguageSettings | undefined,
  catalogue: Catalogue,
): string | undefined {
  const live = settings?.live;
  if (!live || live.isEmpty || !actionName) return undefined;
  const kind = liveHeaderKind(catalogue, actionName, headerName);
  if (!kind) return undefined;
  const found = liveValueAt(live, kind, blockAround(document, line), value);
  return found ? liveMarkdown(found, (settings?.now ?? Date.now)(), live.connection) : undefined;
}

function catalogueValueHover(
  catalogue: Catalogue,
  actionName: string | undefined,
  action: ActionDoc | undefined,
  name: string,
  value: string,
  branch: string,
  valueStart: number,
  valueEnd: number,
  markdown: (value: string, start: number, end: number) => Hover,
): Hover | null {
  const kind = headerValueKind(catalogue, actionName, name, branch);
  switch (kind?.kind) {
    case 'action':
      return action ? markdown(actionMarkdown(action, branch), valueStart, valueEnd) : null;
    case 'application': {
      const app = catalogue.application(value.split(/[(,\s]/)[0]);
      return app ? markdown(applicationMarkdown(app), valueStart, valueEnd) : null;
    }
    case 'function': {
      const fnName = /^[\w-]+/.exec(value)?.[0] ?? '';
      const fn = catalogue.function(fnName);
      return fn ? markdown(functionMarkdown(fn), valueStart, valueStart + fnName.length) : null;
    }
    case 'eventFilter': {
      const filter = /^(!?\s*Event:\s*)([\w-]+)/i.exec(value);
      const event = filter ? catalogue.event(filter[2]) : undefined;
      if (!filter || !event) return null;
      const start = valueStart + filter[1].length;
      return markdown(eventMarkdown(event, branch), start, start + filter[2].length);
    }
    case 'enum': {
      const enumValue = kind.param.enum?.find((v) => v.name.toLowerCase() === value.toLowerCase());
      if (enumValue) return markdown(enumValueMarkdown(enumValue, kind.param, action), valueStart, valueEnd);
      break;
    }
    default:
      break;
  }
  const param = headerParam(action, name, branch);
  return param ? markdown(paramMarkdown(param, action, branch), valueStart, valueEnd) : null;
}

/** The catalogue parameter of header `name` in `action` (numbered families included). */
function headerParam(action: ActionDoc | undefined, name: string, branch: string): ParamDoc | undefined {
  return action ? findParam(action, name, branch)?.param : undefined;
}

function variableMarkdown(
  document: TextDocument,
  name: string,
  catalogue: Catalogue,
  settings: LanguageSettings | undefined,
): string | undefined {
  if (name === '') return undefined;
  const builtin = ownValue(builtinDocs, name.split(/\s/)[0]);
  if (builtin) return builtin;
  const definitions = getDefinitions(document);
  const dot = name.indexOf('.');
  if (dot !== -1) {
    const blockName = name.slice(0, dot);
    const named = definitions.namedBlocks.find((b) => b.name.toLowerCase() === blockName.toLowerCase());
    if (named) {
      const path = name.slice(dot + 1);
      const field = resultFieldsOf(catalogue, named.action()).find((f) => f.path.toLowerCase() === path.toLowerCase());
      const lines = [
        `**${name}**: result \`${path}\` of block \`${blockName}\`${named.action() ? ` (${named.action()})` : ''}, line ${named.nameRange().start.line + 1}`,
      ];
      if (field) lines.push('', `From the ${field.source}.${field.description ? ` ${field.description}` : ''}`);
      return lines.join('\n');
    }
  }
  const fileVariable = definitions.fileVariables.find((v) => v.name.toLowerCase() === name.toLowerCase());
  if (fileVariable) {
    return `**${name}** = \`${fileVariable.value}\`\n\nFile variable, line ${fileVariable.range.start.line + 1}`;
  }
  const profileValue = settings?.profileVariables?.[name];
  if (profileValue !== undefined) return `**${name}** = \`${profileValue}\`\n\nVariable of the active connection profile`;
  return `**${name}** is not defined: add \`@${name} = value\` above the blocks, name a block with \`# @name\`, or define it in the connection profile.`;
}

const markdownCache = new WeakMap<object, Map<string, string>>();

/** Documentation text is built once per catalogue entry and branch: completion lists show hundreds of them. */
function cached(item: object, branch: string, build: () => string): string {
  let byBranch = markdownCache.get(item);
  if (!byBranch) markdownCache.set(item, (byBranch = new Map<string, string>()));
  let text = byBranch.get(branch);
  if (text === undefined) byBranch.set(branch, (text = build()));
  return text;
}

/** Markdown for an AMI action: synopsis, description, headers table, since, branches, see-also. */
export function actionMarkdown(action: ActionDoc, branch: string): string {
  return cached(action, branch, () => buildActionMarkdown(action, branch));
}

function buildActionMarkdown(action: ActionDoc, branch: string): string {
  const parts = [`**${action.name}** (AMI action)`, '', action.synopsis];
  if (action.description) parts.push('', action.description);
  const params = action.params.filter((p) => p.name.toLowerCase() !== 'actionid');
  if (params.length > 0) {
    parts.push('', '| Header | Required | Default | Description |', '|---|---|---|---|');
    const ordered = [...params.filter((p) => p.required), ...params.filter((p) => !p.required)];
    for (const param of ordered) {
      const notHere = existsIn(param, branch) ? '' : ` (not in ${branch})`;
      parts.push(
        `| ${cell(param.name)}${notHere} | ${param.required ? 'yes' : 'no'} | ${cell(param.default ?? '')} | ${cell(firstSentence(param.description ?? ''))} |`,
      );
    }
  }
  parts.push('', ...availability(action, branch, 'action'));
  const footer = [];
  if (action.since?.length) footer.push(`Since: ${action.since.join(', ')}`);
  if (action.module) footer.push(`Module: ${action.module}`);
  if (footer.length) parts.push('', footer.join(' · '));
  if (action.seeAlso?.length) parts.push('', `See also: ${seeAlso(action.seeAlso)}`);
  return parts.join('\n');
}

/** Markdown for a header of an action. */
export function paramMarkdown(param: ParamDoc, action: ActionDoc | undefined, branch: string): string {
  const flags = [param.required ? 'required' : 'optional'];
  if (param.repeatable) flags.push('may repeat');
  const owner = action ? ` of \`${action.name}\`` : '';
  const parts = [`**${param.name}**: header${owner}, ${flags.join(', ')}`];
  if (param.default !== undefined) parts.push('', `Default: \`${param.default}\``);
  if (param.description) parts.push('', param.description);
  if (param.enum?.length) {
    parts.push('', 'Values:');
    for (const value of param.enum) parts.push(`- \`${value.name}\`${value.description ? `: ${firstSentence(value.description)}` : ''}`);
  }
  if (param.branches?.length) parts.push('', ...availability({ branches: param.branches }, branch, 'header'));
  return parts.join('\n');
}

function enumValueMarkdown(value: EnumValueDoc, param: ParamDoc, action: ActionDoc | undefined): string {
  const owner = action ? ` of \`${action.name}\`` : '';
  const parts = [`**${value.name}**: value of \`${param.name}\`${owner}`];
  if (value.description) parts.push('', value.description);
  return parts.join('\n');
}

/** Markdown for an AMI event and its fields. */
export function eventMarkdown(event: EventDoc, branch: string): string {
  return cached(event, branch, () => buildEventMarkdown(event, branch));
}

function buildEventMarkdown(event: EventDoc, branch: string): string {
  const parts = [`**${event.name}** (AMI event)`, '', event.synopsis];
  if (event.description) parts.push('', event.description);
  if (event.fields.length) parts.push('', `Fields: ${event.fields.map((f) => `\`${f.name}\``).join(', ')}`);
  if (event.classes?.length) parts.push('', `Class: ${event.classes.join(', ')}`);
  parts.push('', ...availability(event, branch, 'event'));
  if (event.seeAlso?.length) parts.push('', `See also: ${seeAlso(event.seeAlso)}`);
  return parts.join('\n');
}

function fieldMarkdown(field: ParamDoc, event: EventDoc): string {
  const parts = [`**${field.name}**: field of the \`${event.name}\` event`];
  if (field.description) parts.push('', field.description);
  if (field.enum?.length) parts.push('', `Values: ${field.enum.map((v) => `\`${v.name}\``).join(', ')}`);
  return parts.join('\n');
}

/** Markdown for a dialplan application. */
export function applicationMarkdown(app: ApplicationDoc): string {
  return dialplanMarkdown(app, 'dialplan application');
}

/** Markdown for a dialplan function. */
export function functionMarkdown(fn: FunctionDoc): string {
  return dialplanMarkdown(fn, 'dialplan function');
}

function dialplanMarkdown(doc: ApplicationDoc | FunctionDoc, what: string): string {
  return cached(doc, '', () => buildDialplanMarkdown(doc, what));
}

function buildDialplanMarkdown(doc: ApplicationDoc | FunctionDoc, what: string): string {
  const parts = [`**${doc.name}** (${what})`, '', doc.synopsis];
  if (doc.syntax) parts.push('', '```', doc.syntax, '```');
  if (doc.description) parts.push('', doc.description);
  if (doc.branches.length) parts.push('', `Exists in: ${doc.branches.join(', ')}`);
  return parts.join('\n');
}

function availability(item: { branches?: readonly string[] }, branch: string, what: string): string[] {
  if (!item.branches?.length) return [];
  const lines = [`Exists in: ${item.branches.join(', ')}`];
  if (!item.branches.includes(branch)) lines.push('', `⚠️ This ${what} does not exist in Asterisk ${branch} (the target version).`);
  return lines;
}

function seeAlso(refs: SeeAlso[]): string {
  const kinds: Record<string, string> = { manager: 'action', managerEvent: 'event', application: 'application', function: 'function' };
  return refs.map((ref) => `\`${ref.name}\` (${kinds[ref.type] ?? ref.type})`).join(', ');
}

/** First sentence (or line) of Markdown text, for table cells and lists. */
function firstSentence(text: string): string {
  const firstParagraph = text.trim().split(/\n\s*\n/)[0].replace(/\s+/g, ' ');
  const sentence = /^(.*?[.!?])(\s|$)/.exec(firstParagraph)?.[1] ?? firstParagraph;
  return sentence.length > 160 ? `${sentence.slice(0, 157)}...` : sentence;
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}
