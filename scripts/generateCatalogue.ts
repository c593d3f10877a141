/**
 * Generates core/src/catalogue/data/catalogue.json from Asterisk's XML documentation.
 *
 * Inputs (build time only; nothing at run time reads ../shared):
 * - <shared>/asterisk/asterisk-docs-<branch>.xml, one dump per Asterisk branch (XInclude already resolved).
 * - <shared>/ami-captures/manager-show-event/*.txt, the live Asterisk 23 `manager show event X` help.
 *
 * Choices:
 * - Text comes from the newest branch that documents an item; `branches` lists every branch that does.
 *   A parameter carries `branches` only when it exists in fewer branches than its parent.
 * - Events documented several times (several modules or instances) are merged: fields are the union in
 *   first-seen order, classes the union of EVENT_FLAG_* classes.
 * - The XML dump is the source of event fields. Where the live 23 help lists a field that the 23 XML lacks
 *   for that event (fields the source pulls in through xi:include), the field name is merged in at generation
 *   time, marked for branch 23 only, with no description (the help text is plain and may be wrapped).
 *   With the provided dumps nothing needs merging (they hold the included fields; the 23 XML even has one
 *   field the 23.4.1 help lacks, TransportDetail ExternalSignalingHostname); the merge is a safeguard, and
 *   test/unit/catalogue.test.ts reports every difference.
 * - Channel snapshot blocks (`<prefix>Uniqueid` + `<prefix>Linkedid`) also get `<prefix>ChanVariable`
 *   (one header per manager.conf `channelvars` entry): Asterisk appends it in code, so no XML documents it.
 * - `repeatable`: set by `multiple="yes"` (FAX events' FileName, application arguments), when the parameter
 *   text says several headers are allowed (REPEATABLE_TEXT), or when the parameter is on the short
 *   REPEATABLE_EXPLICIT list (actions that read every occurrence in code).
 * - Applications and functions keep short text: the first paragraphs of the description (capped) and the
 *   first paragraph of each parameter, so that the file stays compact.
 *
 * - Markdown: XML indentation is collapsed; in plain text `\`, `*`, backticks and tag-like `<` are escaped so
 *   that renderers (hover, CLI) show them literally.
 *
 * Usage: `npx tsx scripts/generateCatalogue.ts [sharedDir]` (default ../shared next to the repository).
 */
import { readdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DOMParser } from '@xmldom/xmldom';
import type { Element, Node } from '@xmldom/xmldom';
import type {
  ActionDoc,
  ApplicationDoc,
  Branch,
  CatalogueData,
  EnumValueDoc,
  EventDoc,
  FunctionDoc,
  ParamDoc,
  SeeAlso,
} from '../core/src/catalogue/types';

const ELEMENT_NODE = 1;
const TEXT_NODE = 3;
const CDATA_SECTION_NODE = 4;

/** Description caps for applications and functions (characters of Markdown). */
const APP_DESCRIPTION_MAX = 600;
const APP_PARAM_DESCRIPTION_MAX = 200;
const APP_ENUM_DESCRIPTION_MAX = 120;

/** Parameter text that says the header may be given more than once. */
const REPEATABLE_TEXT =
  /\bmultiple\s+\S+\s+headers?\s+(?:are|is|may be|can be)\s+(?:allowed|given|used|specified)|\b(?:may|can)\s+be\s+(?:specified|given|repeated|used)\s+(?:multiple|several|more than one)\s+times?|\bmore than once\b/i;

/**
 * Parameters whose action reads every occurrence (astman_get_variables) but whose text does not say so,
 * and UserEvent's placeholder for any number of arbitrary headers.
 */
const REPEATABLE_EXPLICIT: ReadonlyArray<readonly [action: string, param: string]> = [
  ['PJSIPNotify', 'Variable'],
  ['SIPnotify', 'Variable'],
  ['UserEvent', 'HeaderN'],
];

const CHAN_VARIABLE_DESCRIPTION =
  'A channel variable named in manager.conf `channelvars`, as `name=value`; one header per variable.';

// ---------------------------------------------------------------------------------------------------------
// XML helpers

function isElement(node: Node): node is Element {
  return node.nodeType === ELEMENT_NODE;
}

function childElements(el: Element, tag?: string): Element[] {
  const out: Element[] = [];
  for (let n = el.firstChild; n; n = n.nextSibling) {
    if (isElement(n) && (tag === undefined || n.nodeName === tag)) out.push(n);
  }
  return out;
}

function firstChild(el: Element, tag: string): Element | undefined {
  return childElements(el, tag)[0];
}

/** All descendant elements named `tag`, in document order. */
function descendants(el: Element, tag: string): Element[] {
  const out: Element[] = [];
  const walk = (parent: Element): void => {
    for (let n = parent.firstChild; n; n = n.nextSibling) {
      if (!isElement(n)) continue;
      if (n.nodeName === tag) out.push(n);
      walk(n);
    }
  };
  walk(el);
  return out;
}

function attr(el: Element, name: string): string | undefined {
  return el.hasAttribute(name) ? (el.getAttribute(name) ?? undefined) : undefined;
}

/** Asterisk's ast_true() over an attribute value. */
function isTrue(value: string | undefined): boolean {
  return value !== undefined && /^(yes|true|y|t|1|on)$/i.test(value.trim());
}

function collapse(text: string): string {
  return text.replace(/\s+/g, ' ');
}

function rawText(node: Node): string {
  if (node.nodeType === TEXT_NODE || node.nodeType === CDATA_SECTION_NODE) return node.nodeValue ?? '';
  let out = '';
  for (let n = node.firstChild; n; n = n.nextSibling) out += rawText(n);
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// Markdown conversion

/** Elements that render as blocks; everything else inside a block is inline. */
const BLOCK_TAGS = new Set(['para', 'enumlist', 'variablelist', 'optionlist', 'note', 'warning', 'example']);
/** Metadata or tech-specific detail that never goes into a description. */
const SKIPPED_TAGS = new Set(['since', 'synopsis', 'syntax', 'see-also', 'info', 'responses', 'argument']);

function escapeText(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\*/g, '\\*').replace(/`/g, '\\`').replace(/<(?=[A-Za-z/!])/g, '\\<');
}

function codeSpan(text: string): string {
  const t = collapse(text).trim();
  if (t === '') return '';
  return t.includes('`') ? `\`\` ${t} \`\`` : `\`${t}\``;
}

function emphasize(text: string): string {
  const t = text.trim();
  return t === '' ? '' : `*${t}*`;
}

function inline(node: Node): string {
  if (node.nodeType === TEXT_NODE || node.nodeType === CDATA_SECTION_NODE) {
    return escapeText(collapse(node.nodeValue ?? ''));
  }
  if (!isElement(node)) return '';
  switch (node.nodeName) {
    case 'literal':
    case 'filename':
    case 'directory':
    case 'astcli':
    case 'ref':
    case 'variable':
      return codeSpan(rawText(node));
    case 'replaceable':
    case 'emphasis':
      return emphasize(inlineChildren(node));
    default:
      if (SKIPPED_TAGS.has(node.nodeName)) return '';
      return inlineChildren(node);
  }
}

function inlineChildren(el: Element): string {
  let out = '';
  for (let n = el.firstChild; n; n = n.nextSibling) out += inline(n);
  return out;
}

function tidy(text: string): string {
  return text.replace(/ {2,}/g, ' ').trim();
}

function indent(block: string): string {
  return block
    .split('\n')
    .map((line) => (line === '' ? line : `  ${line}`))
    .join('\n');
}

function isListBlock(block: string): boolean {
  return block.startsWith('- ');
}

/** One bullet: a head line, then the item's other blocks indented under it. */
function bullet(head: string, body: string[]): string {
  let first = head;
  let rest = body;
  if (body.length > 0 && !isListBlock(body[0])) {
    first = `${head}: ${body[0]}`;
    rest = body.slice(1);
  }
  return `- ${first}${rest.map((b) => (isListBlock(b) ? '\n' : '\n\n') + indent(b)).join('')}`;
}

function listBlock(items: string[]): string[] {
  return items.length > 0 ? [items.join('\n')] : [];
}

function enumItems(enumlist: Element): string[] {
  return childElements(enumlist, 'enum').map((e) => bullet(codeSpan(attr(e, 'name') ?? ''), blocks(e)));
}

function optionSignature(option: Element): string {
  const args = childElements(option, 'argument').map((a) => attr(a, 'name') ?? '');
  const name = attr(option, 'name') ?? '';
  return args.length > 0 ? `${name}(${args.join(attr(option, 'argsep') ?? ',')})` : name;
}

function blockOf(el: Element): string[] {
  switch (el.nodeName) {
    case 'para': {
      return blocks(el);
    }
    case 'enumlist':
      return listBlock(enumItems(el));
    case 'variablelist':
      return listBlock(
        childElements(el, 'variable').map((v) => {
          const values = childElements(v, 'value').map((value) =>
            bullet(codeSpan(attr(value, 'name') ?? ''), tidy(inlineChildren(value)) ? [tidy(inlineChildren(value))] : []),
          );
          return bullet(codeSpan(attr(v, 'name') ?? ''), [...blocks(v), ...listBlock(values)]);
        }),
      );
    case 'optionlist':
      return listBlock(childElements(el, 'option').map((o) => bullet(codeSpan(optionSignature(o)), blocks(o))));
    case 'note':
    case 'warning': {
      const label = el.nodeName === 'note' ? 'Note' : 'Warning';
      const body = blocks(el).join('\n\n');
      return [`**${label}:** ${body}`.split('\n').map((line) => (line === '' ? '>' : `> ${line}`)).join('\n')];
    }
    case 'example': {
      const title = attr(el, 'title');
      const code = dedent(rawText(el));
      const fence = code.includes('```') ? '~~~' : '```';
      return [...(title ? [`*${escapeText(collapse(title).trim())}*`] : []), `${fence}\n${code}\n${fence}`];
    }
    default:
      return [];
  }
}

function dedent(text: string): string {
  const lines = text.replace(/\t/g, '    ').split('\n');
  while (lines.length > 0 && lines[0].trim() === '') lines.shift();
  while (lines.length > 0 && lines[lines.length - 1].trim() === '') lines.pop();
  const margin = Math.min(...lines.filter((l) => l.trim() !== '').map((l) => l.length - l.trimStart().length));
  return lines.map((l) => l.slice(Number.isFinite(margin) ? margin : 0).trimEnd()).join('\n');
}

/** Markdown blocks for an element's children: inline runs become paragraphs, block elements render. */
function blocks(el: Element, skip?: (child: Element) => boolean): string[] {
  const out: string[] = [];
  let run = '';
  const flush = (): void => {
    const text = tidy(run);
    if (text !== '') out.push(text);
    run = '';
  };
  for (let n = el.firstChild; n; n = n.nextSibling) {
    if (isElement(n)) {
      if (skip?.(n) || SKIPPED_TAGS.has(n.nodeName)) continue;
      if (BLOCK_TAGS.has(n.nodeName)) {
        flush();
        out.push(...blockOf(n));
        continue;
      }
      const listItem = n.nodeName === 'enum' || n.nodeName === 'variable' || n.nodeName === 'option' || n.nodeName === 'value';
      if (listItem && n.hasAttribute('name')) continue; // rendered by their lists; a bare <variable>X</variable> is inline

    }
    run += inline(n);
  }
  flush();
  return out;
}

function markdown(el: Element | undefined, skip?: (child: Element) => boolean): string | undefined {
  if (!el) return undefined;
  const text = blocks(el, skip).join('\n\n').trim();
  return text === '' ? undefined : text;
}

/** The first blocks of a Markdown text, as many as fit in `max` characters (at least one, then cut). */
function shorten(blocksIn: string[], max: number): string | undefined {
  let out = '';
  for (const block of blocksIn) {
    const next = out === '' ? block : `${out}\n\n${block}`;
    if (next.length > max) {
      if (out === '') out = cutText(block, max);
      else if (out.endsWith(':') && out.includes('\n\n')) out = out.slice(0, out.lastIndexOf('\n\n'));
      break;
    }
    out = next;
  }
  return out === '' ? undefined : out;
}

function cutText(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  let out = (space > max / 2 ? cut.slice(0, space) : cut).replace(/[\s,;:]+$/, '');
  // Never leave an unbalanced code span or fence behind.
  if ((out.match(/`/g) ?? []).length % 2 === 1) out = out.slice(0, out.lastIndexOf('`')).trimEnd();
  const stars = [...out.matchAll(/(?<!\\)\*/g)];
  if (stars.length % 2 === 1) out = out.slice(0, stars[stars.length - 1].index).trimEnd();
  return `${out}…`;
}

// ---------------------------------------------------------------------------------------------------------
// Per-branch extraction

function sinceOf(el: Element): string[] | undefined {
  const since = firstChild(el, 'since');
  if (!since) return undefined;
  const versions = childElements(since, 'version')
    .map((v) => collapse(rawText(v)).trim())
    .filter((v) => v !== '');
  return versions.length > 0 ? versions : undefined;
}

function synopsisOf(el: Element): string {
  const synopsis = firstChild(el, 'synopsis');
  return synopsis ? tidy(inlineChildren(synopsis)) : '';
}

function seeAlsoOf(el: Element): SeeAlso[] | undefined {
  const seeAlso = firstChild(el, 'see-also');
  if (!seeAlso) return undefined;
  const refs: SeeAlso[] = [];
  const seen = new Set<string>();
  for (const ref of childElements(seeAlso, 'ref')) {
    const name = collapse(rawText(ref)).trim();
    const type = attr(ref, 'type') ?? 'unknown';
    const key = `${type}\0${name}`;
    if (name === '' || seen.has(key)) continue;
    seen.add(key);
    refs.push({ type, name });
  }
  return refs.length > 0 ? refs : undefined;
}

function enumsOf(param: Element, short: boolean): EnumValueDoc[] | undefined {
  const values: EnumValueDoc[] = [];
  const seen = new Set<string>();
  const add = (name: string, description: string | undefined): void => {
    if (name === '' || seen.has(name)) return;
    seen.add(name);
    values.push(description ? { name, description } : { name });
  };
  for (const list of childElements(param, 'enumlist')) {
    for (const e of childElements(list, 'enum')) {
      const parts = blocks(e);
      add(attr(e, 'name') ?? '', short ? shorten(parts, APP_ENUM_DESCRIPTION_MAX) : parts.join('\n\n') || undefined);
    }
  }
  for (const list of childElements(param, 'optionlist')) {
    for (const o of childElements(list, 'option')) {
      const sig = optionSignature(o);
      const parts = blocks(o);
      const text = short ? shorten(parts, APP_ENUM_DESCRIPTION_MAX) : parts.join('\n\n') || undefined;
      add(attr(o, 'name') ?? '', sig !== attr(o, 'name') ? [codeSpan(sig), text].filter(Boolean).join(': ') : text);
    }
  }
  return values.length > 0 ? values : undefined;
}

/** A parameter: enumerated values go to `enum`, the rest of its text to `description`. */
function paramOf(p: Element, short: boolean): ParamDoc {
  const param: ParamDoc = { name: attr(p, 'name') ?? '' };
  if (isTrue(attr(p, 'required'))) param.required = true;
  const def = attr(p, 'default');
  if (def !== undefined && def !== '') param.default = def;
  let parts = blocks(p, (child) => child.nodeName === 'enumlist' || (short && child.nodeName === 'optionlist'));
  // Applications often document a compound parameter only on its first <argument>.
  const firstArgument = firstChild(p, 'argument');
  if (parts.length === 0 && firstArgument) parts = blocks(firstArgument);
  const description = short ? shorten(parts.slice(0, 1), APP_PARAM_DESCRIPTION_MAX) : parts.join('\n\n');
  if (description) param.description = description;
  const values = enumsOf(p, short);
  if (values) param.enum = values;
  if (isTrue(attr(p, 'multiple'))) param.repeatable = true;
  return param;
}

function paramsOf(el: Element, short: boolean): ParamDoc[] {
  const syntax = firstChild(el, 'syntax');
  if (!syntax) return [];
  const out: ParamDoc[] = [];
  const seen = new Set<string>();
  for (const p of childElements(syntax, 'parameter')) {
    const param = paramOf(p, short);
    if (param.name === '' || seen.has(param.name.toLowerCase())) continue;
    seen.add(param.name.toLowerCase());
    out.push(param);
  }
  return out;
}

/** The call syntax of an application or function: required arguments plain, optional ones in brackets. */
function syntaxLineOf(el: Element): string {
  const name = attr(el, 'name') ?? '';
  const syntax = firstChild(el, 'syntax');
  if (!syntax) return `${name}()`;
  const sep = attr(syntax, 'argsep') ?? ',';
  let out = '';
  childElements(syntax, 'parameter').forEach((p, index) => {
    const lead = index === 0 ? '' : sep;
    const text = argumentText(p);
    out += isTrue(attr(p, 'required')) ? `${lead}${text}` : `[${lead}${text}]`;
  });
  return `${name}(${out})`;
}

function argumentText(p: Element): string {
  const name = attr(p, 'name') ?? '';
  const sep = attr(p, 'argsep') ?? ',';
  const args = childElements(p, 'argument');
  let text = name;
  if (args.length > 0) {
    text = '';
    args.forEach((a, index) => {
      const lead = index === 0 ? '' : sep;
      const argName = attr(a, 'name') ?? '';
      const body = isTrue(attr(a, 'multiple')) ? `${argName}[${sep}...]` : argName;
      text += isTrue(attr(a, 'required')) || index === 0 ? `${lead}${body}` : `[${lead}${body}]`;
    });
  } else if (isTrue(attr(p, 'multiple'))) {
    text = `${name}[${sep}...]`;
  }
  return text;
}

/** One branch's items, keyed by lower-cased name. */
interface BranchDocs {
  actions: Map<string, ActionDoc>;
  events: Map<string, EventDoc>;
  applications: Map<string, ApplicationDoc>;
  functions: Map<string, FunctionDoc>;
}

function mergeParams(into: ParamDoc[], extra: ParamDoc[]): void {
  const names = new Set(into.map((p) => p.name.toLowerCase()));
  for (const p of extra) {
    if (!names.has(p.name.toLowerCase())) {
      names.add(p.name.toLowerCase());
      into.push(p);
    }
  }
}

function actionOf(el: Element, branch: Branch): ActionDoc {
  const action: ActionDoc = {
    name: attr(el, 'name') ?? '',
    synopsis: synopsisOf(el),
    branches: [branch],
    params: paramsOf(el, false),
  };
  const description = markdown(firstChild(el, 'description'));
  if (description) action.description = description;
  const since = sinceOf(el);
  if (since) action.since = since;
  const seeAlso = seeAlsoOf(el);
  if (seeAlso) action.seeAlso = seeAlso;
  const module = attr(el, 'module');
  if (module) action.module = module;
  const responses = firstChild(el, 'responses');
  if (responses) {
    const names = [...new Set(descendants(responses, 'managerEvent').map((e) => attr(e, 'name') ?? ''))].filter(Boolean);
    if (names.length > 0) action.responseEvents = names;
  }
  return action;
}

function classesOf(instance: Element): string[] {
  return (attr(instance, 'class') ?? '')
    .split(/[^A-Za-z_]+/)
    .filter((c) => c.startsWith('EVENT_FLAG_'))
    .map((c) => c.slice('EVENT_FLAG_'.length).toLowerCase());
}

/** Adds one `<managerEvent>` (all its instances) to the branch's events, merging with earlier ones. */
function addEvent(events: Map<string, EventDoc>, el: Element, branch: Branch): void {
  const name = attr(el, 'name') ?? '';
  if (name === '') return;
  let event = events.get(name.toLowerCase());
  for (const instance of childElements(el, 'managerEventInstance')) {
    if (!event) {
      event = { name, synopsis: '', branches: [branch], fields: [] };
      events.set(name.toLowerCase(), event);
    }
    if (!event.synopsis) event.synopsis = synopsisOf(instance);
    if (!event.description) {
      const description = markdown(firstChild(instance, 'description'));
      if (description) event.description = description;
    }
    if (!event.since) {
      const since = sinceOf(instance);
      if (since) event.since = since;
    }
    const seeAlso = seeAlsoOf(instance);
    if (seeAlso) {
      const known = new Set((event.seeAlso ?? []).map((s) => `${s.type}\0${s.name}`));
      event.seeAlso = [...(event.seeAlso ?? []), ...seeAlso.filter((s) => !known.has(`${s.type}\0${s.name}`))];
    }
    if (!event.module) {
      const module = attr(instance, 'module') ?? attr(el, 'module');
      if (module) event.module = module;
    }
    const classes = classesOf(instance);
    if (classes.length > 0) event.classes = [...new Set([...(event.classes ?? []), ...classes])].sort();
    mergeParams(event.fields, paramsOf(instance, false));
  }
}

function appOf(el: Element, branch: Branch): ApplicationDoc & FunctionDoc {
  const app: ApplicationDoc = {
    name: attr(el, 'name') ?? '',
    synopsis: synopsisOf(el),
    branches: [branch],
  };
  const description = firstChild(el, 'description');
  const text = description ? shorten(blocks(description), APP_DESCRIPTION_MAX) : undefined;
  if (text) app.description = text;
  const since = sinceOf(el);
  if (since) app.since = since;
  const seeAlso = seeAlsoOf(el);
  if (seeAlso) app.seeAlso = seeAlso;
  const module = attr(el, 'module');
  if (module) app.module = module;
  app.syntax = syntaxLineOf(el);
  const params = paramsOf(el, true);
  if (params.length > 0) app.params = params;
  return app;
}

function parseBranch(xml: string, branch: Branch, file: string): BranchDocs {
  const errors: string[] = [];
  let doc;
  try {
    doc = new DOMParser({
      onError: (level, message) => {
        if (level !== 'warning') errors.push(message);
      },
    }).parseFromString(xml, 'text/xml');
  } catch (error) {
    throw new Error(`${file}: invalid XML: ${(error as Error).message}`, { cause: error });
  }
  const root = doc.documentElement;
  if (!root || root.nodeName !== 'docs' || errors.length > 0) {
    throw new Error(`${file}: not an Asterisk documentation dump (<docs> root expected): ${errors.join('; ') || 'no <docs> root'}`);
  }
  const out: BranchDocs = { actions: new Map(), events: new Map(), applications: new Map(), functions: new Map() };
  for (const el of childElements(root)) {
    // Asterisk matches names case-insensitively, so branches that differ only in case share one item.
    const name = (attr(el, 'name') ?? '').toLowerCase();
    if (el.nodeName === 'manager') {
      const action = actionOf(el, branch);
      const existing = out.actions.get(name);
      if (existing) mergeParams(existing.params, action.params);
      else out.actions.set(name, action);
    } else if (el.nodeName === 'application' && !out.applications.has(name)) {
      out.applications.set(name, appOf(el, branch));
    } else if (el.nodeName === 'function' && !out.functions.has(name)) {
      out.functions.set(name, appOf(el, branch));
    }
  }
  // Events are documented on their own and inside actions' <responses>; take them all, in document order.
  for (const el of descendants(root, 'managerEvent')) addEvent(out.events, el, branch);
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// Merging branches

function compareNames(a: { name: string }, b: { name: string }): number {
  const x = a.name.toLowerCase();
  const y = b.name.toLowerCase();
  if (x !== y) return x < y ? -1 : 1;
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/**
 * Merges one kind of item across branches (oldest first): the newest branch's text wins, `branches` lists all
 * that have it; parameters are unioned (newest order first) and carry `branches` when not in all of the parent's.
 */
function mergeKind<T extends { name: string; branches: Branch[] }>(
  perBranch: ReadonlyArray<readonly [Branch, Map<string, T>]>,
  paramsKey: 'params' | 'fields' | undefined,
): T[] {
  const names = new Set<string>();
  for (const [, items] of perBranch) for (const name of items.keys()) names.add(name);
  const out: T[] = [];
  for (const name of names) {
    const present = perBranch.filter(([, items]) => items.has(name));
    const branches = present.map(([b]) => b);
    const newest = present[present.length - 1][1].get(name) as T;
    const item: T = { ...newest, branches };
    if (paramsKey) {
      const lists = present.map(([b, items]) => [b, ((items.get(name) as Record<string, unknown>)[paramsKey] ?? []) as ParamDoc[]] as const);
      const merged: ParamDoc[] = [];
      const seen = new Set<string>();
      for (const [, params] of [...lists].reverse()) {
        for (const p of params) {
          const key = p.name.toLowerCase();
          if (seen.has(key)) continue;
          seen.add(key);
          const inBranches = lists.filter(([, ps]) => ps.some((q) => q.name.toLowerCase() === key)).map(([b]) => b);
          merged.push(inBranches.length === branches.length ? { ...p } : { ...p, branches: inBranches });
        }
      }
      if (merged.length > 0 || paramsKey === 'fields' || 'params' in item) {
        (item as Record<string, unknown>)[paramsKey] = merged;
      }
    }
    out.push(item);
  }
  return out.sort(compareNames);
}

function markRepeatable(actions: ActionDoc[]): void {
  for (const action of actions) {
    for (const p of action.params) {
      const explicit = REPEATABLE_EXPLICIT.some(([a, n]) => a === action.name && n === p.name);
      if (explicit || (p.description !== undefined && REPEATABLE_TEXT.test(p.description))) p.repeatable = true;
    }
  }
}

/** Adds `<prefix>ChanVariable` to every channel snapshot block of an event (see the header comment). */
function addChanVariables(event: EventDoc): void {
  const names = new Set(event.fields.map((f) => f.name));
  const prefixes = event.fields
    .filter((f) => f.name.endsWith('Uniqueid'))
    .map((f) => f.name.slice(0, -'Uniqueid'.length))
    .filter((prefix) => names.has(`${prefix}Linkedid`) && names.has(`${prefix}Channel`));
  for (const prefix of prefixes) {
    const name = `${prefix}ChanVariable`;
    if (names.has(name)) continue;
    const linked = event.fields.findIndex((f) => f.name === `${prefix}Linkedid`);
    const field: ParamDoc = { name, description: CHAN_VARIABLE_DESCRIPTION, repeatable: true };
    event.fields.splice(linked + 1, 0, field);
    names.add(name);
  }
}

// ---------------------------------------------------------------------------------------------------------
// Live help (manager show event) from ../shared/ami-captures

/** The event name (first `Event:` line) and the field names of the [Syntax] section of a `manager show event X` response. */
export function liveEventFields(raw: string): { event: string; fields: string[] } {
  const lines = raw.split(/\r?\n/).map((l) => l.replace(/^Output: ?/, '').trim());
  const event = lines.map((l) => /^Event: (\S+)$/.exec(l)).find((m) => m !== null)?.[1] ?? '';
  const start = lines.indexOf('[Syntax]');
  if (start < 0) throw new Error(`manager show event ${event}: no [Syntax] section`);
  const fields: string[] = [];
  for (const line of lines.slice(start + 1)) {
    if (line === '') break;
    if (line === `Event: ${event}`) continue;
    const field = /^\[?([^:\]\s]+):?\]?\s*<value>$/.exec(line);
    if (field) fields.push(field[1]);
  }
  return { event, fields };
}

/** The live help's field names per event, from `<sharedDir>/ami-captures/manager-show-event`. */
export function readLiveEvents(sharedDir: string): Map<string, string[]> {
  const dir = join(sharedDir, 'ami-captures', 'manager-show-event');
  if (!existsSync(dir)) throw new Error(`${dir} is missing: the generator needs the live event help captures`);
  const out = new Map<string, string[]>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.txt') && !f.startsWith('_')).sort()) {
    const { event, fields } = liveEventFields(readFileSync(join(dir, file), 'latin1'));
    out.set(event || file.slice(0, -4), fields);
  }
  return out;
}

/** Adds live-help field names missing from the XML of the newest branch (see the header comment). */
function mergeLiveFields(events: EventDoc[], live: Map<string, string[]>, liveBranch: Branch): void {
  const byName = new Map(events.map((e) => [e.name.toLowerCase(), e]));
  for (const [name, fields] of live) {
    const event = byName.get(name.toLowerCase());
    if (!event || !event.branches.includes(liveBranch)) continue;
    const known = new Set(event.fields.filter((f) => !f.branches || f.branches.includes(liveBranch)).map((f) => f.name));
    for (const field of fields) {
      if (known.has(field)) continue;
      const older = event.fields.find((f) => f.name === field);
      if (older) older.branches = [...(older.branches ?? []), liveBranch];
      else event.fields.push({ name: field, branches: [liveBranch] });
      known.add(field);
    }
  }
}

// ---------------------------------------------------------------------------------------------------------
// Entry points

const COMMENT =
  'GENERATED by scripts/generateCatalogue.ts from Asterisk XML documentation (branches %BRANCHES%); do not edit, run `npm run generate`. ' +
  'Text derived from Asterisk documentation (GPL-2.0 source, CC BY-SA 3.0 US), see NOTICE.';

/** Options for generateCatalogue; the defaults produce the committed file. */
export interface GenerateOptions {
  /** Merge field names from the live `manager show event` help (default true). */
  mergeLiveEventFields?: boolean;
}

/** Reads the branch dumps in `<sharedDir>/asterisk` (and the live help captures) and builds the catalogue. */
export function generateCatalogue(sharedDir: string, options: GenerateOptions = {}): CatalogueData {
  const asteriskDir = join(sharedDir, 'asterisk');
  if (!existsSync(asteriskDir)) throw new Error(`${asteriskDir} is missing: pass the shared directory that holds asterisk/`);
  const files = readdirSync(asteriskDir)
    .map((f) => /^asterisk-docs-(\d+)\.xml$/.exec(f))
    .filter((m): m is RegExpExecArray => m !== null)
    .sort((a, b) => Number(a[1]) - Number(b[1]));
  if (files.length === 0) throw new Error(`${asteriskDir} holds no asterisk-docs-<branch>.xml file`);
  const parsed = files.map((m) => [m[1], parseBranch(readFileSync(join(asteriskDir, m[0]), 'utf8'), m[1], join(asteriskDir, m[0]))] as const);
  const branches = parsed.map(([b]) => b);

  const actions = mergeKind(parsed.map(([b, d]) => [b, d.actions] as const), 'params');
  markRepeatable(actions);
  const events = mergeKind(parsed.map(([b, d]) => [b, d.events] as const), 'fields');
  if (options.mergeLiveEventFields ?? true) mergeLiveFields(events, readLiveEvents(sharedDir), branches[branches.length - 1]);
  for (const event of events) addChanVariables(event);
  const applications = mergeKind(parsed.map(([b, d]) => [b, d.applications] as const), 'params');
  const functions = mergeKind(parsed.map(([b, d]) => [b, d.functions] as const), 'params');

  return {
    $comment: COMMENT.replace('%BRANCHES%', branches.join(', ')),
    branches,
    actions,
    events,
    applications,
    functions,
  };
}

/** The file's text: one JSON line per item, so that diffs stay reviewable. */
export function serializeCatalogue(data: CatalogueData): string {
  const list = (items: unknown[]): string => (items.length === 0 ? '[]' : `[\n${items.map((i) => JSON.stringify(i)).join(',\n')}\n]`);
  return (
    `{"$comment":${JSON.stringify(data.$comment)},\n"branches":${JSON.stringify(data.branches)},\n` +
    `"actions":${list(data.actions)},\n"events":${list(data.events)},\n` +
    `"applications":${list(data.applications)},\n"functions":${list(data.functions)}}\n`
  );
}

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Where the generated file lives in the repository. */
export const CATALOGUE_PATH = join(repoRoot, 'core', 'src', 'catalogue', 'data', 'catalogue.json');

/** The default shared directory: ../shared next to the repository. */
export const DEFAULT_SHARED_DIR = resolve(repoRoot, '..', 'shared');

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const sharedDir = resolve(process.argv[2] ?? DEFAULT_SHARED_DIR);
  const text = serializeCatalogue(generateCatalogue(sharedDir));
  writeFileSync(CATALOGUE_PATH, text);
  const data = JSON.parse(text) as CatalogueData;
  console.log(
    `wrote ${CATALOGUE_PATH}: ${data.actions.length} actions, ${data.events.length} events, ` +
      `${data.applications.length} applications, ${data.functions.length} functions, ${Buffer.byteLength(text)} bytes`,
  );
}
