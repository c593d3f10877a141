/** One branch's XML dump to actions, events, applications and functions (catalogue generator). */
import { DOMParser } from '@xmldom/xmldom';
import type { Element } from '@xmldom/xmldom';
import type { ActionDoc, ApplicationDoc, Branch, EnumValueDoc, EventDoc, FunctionDoc, ParamDoc, SeeAlso } from '../../core/src/catalogue/types';
import { attr, childElements, collapse, descendants, firstChild, isTrue, rawText } from './xml';
import { blocks, codeSpan, inlineChildren, markdown, optionSignature, shorten, tidy } from './markdown';

/** Description caps for applications and functions (characters of Markdown). */
const APP_DESCRIPTION_MAX = 600;
const APP_PARAM_DESCRIPTION_MAX = 200;
const APP_ENUM_DESCRIPTION_MAX = 120;

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

export function parseBranch(xml: string, branch: Branch, file: string): BranchDocs {
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
