/**
 * The questions every language feature asks the catalogue, answered in one place so completion, hover,
 * diagnostics and formatting agree: which branch is targeted, which parameter a header is (numbered families
 * included), what a header's value names, which values an enumeration accepts, what a named block's results are.
 */
import type { Catalogue } from './index';
import type { ActionDoc, ParamDoc } from './types';
import { ownCopy } from '../text/detach';

/** The branch to check against: the setting (`20` or `20.5.1`), else the catalogue's newest (`known` false then). */
export function resolveBranch(catalogue: Catalogue, version: string | undefined): { branch: string; known: boolean } {
  if (version === undefined || version.trim() === '') return { branch: catalogue.newestBranch, known: true };
  const trimmed = version.trim();
  if (catalogue.branches.includes(trimmed)) return { branch: trimmed, known: true };
  const major = trimmed.split('.')[0];
  if (catalogue.branches.includes(major)) return { branch: major, known: true };
  return { branch: catalogue.newestBranch, known: false };
}

/** The branch the user targets: the setting when the catalogue knows it, else the newest branch. */
export function targetBranch(catalogue: Catalogue, version: string | undefined): string {
  return resolveBranch(catalogue, version).branch;
}

/** True when `item` exists in `branch` (items without branch data exist everywhere). */
export function existsIn(item: { branches?: readonly string[] }, branch: string): boolean {
  return !item.branches || item.branches.length === 0 || item.branches.includes(branch);
}

/** Lower-cased names, remembered: a large file repeats the same few header names thousands of times. */
const lowerCaseNames = new Map<string, string>();
const MAX_LOWER_CASE_NAMES = 4096;

/** `name.toLowerCase()`, remembered for the first few thousand distinct names. */
export function lowerCaseName(name: string): string {
  const lower = lowerCaseNames.get(name);
  if (lower !== undefined) return lower;
  if (lowerCaseNames.size >= MAX_LOWER_CASE_NAMES) return name.toLowerCase();
  // Kept for the process's lifetime: names cut from a document are copied, so they do not keep its text alive.
  const key = ownCopy(name);
  const lowered = key.toLowerCase();
  lowerCaseNames.set(key, lowered);
  return lowered;
}

interface ParamIndex {
  /** Parameters by lower-cased name; more than one when the docs spell a header differently per branch. */
  byName: Map<string, ParamDoc[]>;
  /** Numbered families: `Action-000000` matches `Action-000123`; `UnitAmount(0)` matches `UnitAmount(3)`. */
  patterns: Array<{ pattern: RegExp; param: ParamDoc }>;
}

const paramIndexes = new WeakMap<ActionDoc, ParamIndex>();

function paramIndex(action: ActionDoc): ParamIndex {
  let index = paramIndexes.get(action);
  if (index) return index;
  index = { byName: new Map(), patterns: [] };
  for (const param of action.params) {
    const lower = param.name.toLowerCase();
    const same = index.byName.get(lower);
    if (same) same.push(param);
    else index.byName.set(lower, [param]);
    const numbered = /^(.*)-0{6}$/.exec(param.name);
    if (numbered) index.patterns.push({ pattern: new RegExp(`^${escapeRegExp(numbered[1])}-\\d{6}$`, 'i'), param });
    const indexed = /^(.*)\(0\)$/.exec(param.name);
    if (indexed) index.patterns.push({ pattern: new RegExp(`^${escapeRegExp(indexed[1])}\\(\\d+\\)$`, 'i'), param });
  }
  paramIndexes.set(action, index);
  return index;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A header resolved to its catalogue parameter. */
export interface ParamMatch {
  param: ParamDoc;
  /** False for a numbered-family match (`Action-000001` is `Action-000000`). */
  exact: boolean;
}

/**
 * The catalogue parameter a header name stands for, if any: the same name in any casing (when documented twice,
 * once per branch, the one of `branch`), else a numbered family member.
 */
export function findParam(action: ActionDoc, headerName: string, branch?: string): ParamMatch | undefined {
  const index = paramIndex(action);
  const named = index.byName.get(lowerCaseName(headerName));
  if (named) {
    const param = (branch !== undefined && named.length > 1 ? named.find((p) => existsIn(p, branch)) : undefined) ?? named[0];
    return exactMatch(param);
  }
  for (const entry of index.patterns) if (entry.pattern.test(headerName)) return { param: entry.param, exact: false };
  return undefined;
}

/** One frozen exact match per parameter: checking a large file asks for the same few thousands of times. */
const exactMatches = new Map<ParamDoc, ParamMatch>();

function exactMatch(param: ParamDoc): ParamMatch {
  let match = exactMatches.get(param);
  if (match === undefined) {
    match = Object.freeze({ param, exact: true });
    exactMatches.set(param, match);
  }
  return match;
}

/** Headers every action accepts, whether or not its docs list them (lower-cased). */
export const UNIVERSAL_HEADERS: ReadonlySet<string> = new Set(['action', 'actionid']);

/** `ActionID`, documented here because not every action's docs list it. */
export const ACTION_ID_PARAM: ParamDoc = {
  name: 'ActionID',
  description: 'Correlates the response and events with this action. Added by the runner when absent.',
};

/** The documentation of a header every action accepts (`ActionID`) when an action's docs omit it. */
export function universalParam(headerName: string): ParamDoc | undefined {
  return headerName.toLowerCase() === 'actionid' ? ACTION_ID_PARAM : undefined;
}

/** Enumerations in the documentation that list examples rather than every allowed value. */
const OPEN_ENUMS = new Set(['moduleload.module', 'updateconfig.options-000000']);
const TRUE_VALUES = ['yes', 'true', 'y', 't', '1', 'on'];
const FALSE_VALUES = ['no', 'false', 'n', 'f', '0', 'off'];
const BOOLEAN_VALUES = new Set([...TRUE_VALUES, ...FALSE_VALUES]);

/** Per action, per parameter: its closed list, or null when it has none (one lookup per map on every check). */
const closedEnums = new WeakMap<ActionDoc, Map<ParamDoc, string[] | null>>();

/** Values an enumerated parameter accepts, or undefined when it is not a closed list we can check (remembered). */
export function closedEnum(action: ActionDoc, param: ParamDoc): string[] | undefined {
  let known = closedEnums.get(action);
  if (!known) closedEnums.set(action, (known = new Map<ParamDoc, string[] | null>()));
  const remembered = known.get(param);
  if (remembered !== undefined) return remembered ?? undefined;
  const values = computeClosedEnum(action, param);
  known.set(param, values ?? null);
  return values;
}

function computeClosedEnum(action: ActionDoc, param: ParamDoc): string[] | undefined {
  if (!param.enum || param.enum.length === 0) return undefined;
  if (OPEN_ENUMS.has(`${action.name}.${param.name}`.toLowerCase())) return undefined;
  const names = param.enum.map((value) => value.name);
  if (!names.every((name) => /^[\w.+-]+$/.test(name))) return undefined;
  return names;
}

/** An enumeration's values lower-cased, and whether all are yes/no spellings, per value list. */
const acceptedValues = new WeakMap<readonly string[], { lower: Set<string>; boolean: boolean }>();

/** True when `value` is one of `allowed` (any casing; any yes/no spelling when `allowed` is a yes/no list). */
export function valueAccepted(allowed: readonly string[], value: string): boolean {
  let accepted = acceptedValues.get(allowed);
  if (!accepted) {
    const lower = new Set(allowed.map((name) => name.toLowerCase()));
    accepted = { lower, boolean: [...lower].every((name) => BOOLEAN_VALUES.has(name)) };
    acceptedValues.set(allowed, accepted);
  }
  const lower = value.toLowerCase();
  if (accepted.lower.has(lower)) return true;
  // Asterisk reads yes/no style options with ast_true/ast_false, which accept every spelling.
  if (accepted.boolean) return BOOLEAN_VALUES.has(lower);
  return false;
}

/** What a header's value names, for completion and hover. */
export type HeaderValueKind =
  | { kind: 'action' }
  | { kind: 'application' }
  | { kind: 'function' }
  | { kind: 'eventFilter' }
  | { kind: 'enum'; param: ParamDoc }
  | { kind: 'boolean'; param: ParamDoc };

/**
 * What the value of `headerName` in a block of `actionName` is: an action name (`Action:`), a dialplan
 * application (Originate's `Application:`), a dialplan function or variable (Getvar/Setvar `Variable:`), an
 * event filter (Filter's `Filter: Event: X`), an enumerated value, or a boolean the docs ask for as `true`.
 */
export function headerValueKind(
  catalogue: Catalogue,
  actionName: string | undefined,
  headerName: string,
  branch?: string,
): HeaderValueKind | undefined {
  const header = headerName.toLowerCase();
  if (header === 'action') return { kind: 'action' };
  if (!actionName) return undefined;
  const actionLower = actionName.toLowerCase();
  const action = catalogue.action(actionName);
  const param = action ? findParam(action, headerName, branch)?.param : undefined;
  if (header === 'application' && param) return { kind: 'application' };
  if (header === 'variable' && (actionLower === 'getvar' || actionLower === 'setvar')) return { kind: 'function' };
  if (header === 'filter' && actionLower === 'filter') return { kind: 'eventFilter' };
  if (param?.enum?.length) return { kind: 'enum', param };
  if (param?.description && /\btrue\b/i.test(param.description)) {
    return { kind: 'boolean', param };
  }
  return undefined;
}

/** A value a named block makes available as `{{name.path}}`. */
export interface ResultField {
  path: string;
  /** Where it comes from, for display. */
  source: string;
  description?: string;
  /** Sort rank: response headers first, then event fields, then `events.X.Y` paths. */
  rank: number;
}

/**
 * The results of a block of `actionName`: its response's Response, ActionID and Message, and the fields of
 * the events it documents (as `Field` and as `events.<Event>.<Field>`).
 */
export function resultFieldsOf(catalogue: Catalogue, actionName: string | undefined): ResultField[] {
  const fields: ResultField[] = [
    { path: 'Response', source: 'Response header', description: '`Success`, `Error` or `Goodbye`.', rank: 0 },
    { path: 'ActionID', source: 'Response header', description: 'The ActionID that was sent.', rank: 0 },
    { path: 'Message', source: 'Response header', description: 'The message Asterisk returned.', rank: 0 },
  ];
  const action = actionName ? catalogue.action(actionName) : undefined;
  if (!action) return fields;
  const eventNames = new Set<string>(action.responseEvents ?? []);
  for (const ref of action.seeAlso ?? []) if (ref.type === 'managerEvent') eventNames.add(ref.name);
  const seen = new Set(fields.map((f) => f.path.toLowerCase()));
  const nested: ResultField[] = [];
  for (const eventName of eventNames) {
    const event = catalogue.event(eventName);
    if (!event) continue;
    for (const field of event.fields) {
      const source = `${event.name} event`;
      nested.push({ path: `events.${event.name}.${field.name}`, source, description: field.description, rank: 2 });
      if (seen.has(field.name.toLowerCase())) continue;
      seen.add(field.name.toLowerCase());
      fields.push({ path: field.name, source, description: field.description, rank: 1 });
    }
  }
  return [...fields, ...nested];
}
