/**
 * `{{variable}}` resolution for running blocks (docs/script-format.md "Variables"). Pure: the
 * environment, the prompt, the clock and the UUID source are passed in, so the CLI and tests reuse it as is.
 * Sources, most specific first: named block results, file variables, profile variables, built-ins.
 */
import { ownValue } from '../text/ownKeys';

/** Results a `# @name` block exposes to later blocks. */
export interface NamedResult {
  actionId: string;
  /** Final response headers (absent when the action failed before a response). */
  response?: ReadonlyArray<readonly [string, string]>;
  /** List items, in order. */
  items: ReadonlyArray<ReadonlyArray<readonly [string, string]>>;
  /** Events correlated to the block (same ActionID...), in arrival order. */
  events: ReadonlyArray<{ name: string; headers: ReadonlyArray<readonly [string, string]> }>;
}

export interface VariableSources {
  /** Named block results by name (matched case-insensitively). */
  named?: ReadonlyMap<string, NamedResult>;
  /** `@name = value` lines of the file (values may themselves use variables). */
  fileVariables?: Readonly<Record<string, string>>;
  /** The active connection profile's `variables`. */
  profileVariables?: Readonly<Record<string, string>>;
  /** `{{$env NAME}}`; absent means no environment is available. */
  env?: (name: string) => string | undefined;
  /** `{{$prompt Label}}`: asks the user; undefined means cancelled. */
  prompt?: (label: string) => Promise<string | undefined>;
  /** Milliseconds since the epoch (for `{{$timestamp}}`). */
  now?: () => number;
  uuid?: () => string;
}

export type Resolution = { ok: true; value: string } | { ok: false; error: string };

/**
 * A script's `@name = value` lines as VariableSources' `fileVariables`. Without a prototype: in a plain object,
 * `@__proto__ = x` would set the prototype (a string is ignored) instead of defining the variable.
 */
export function fileVariableValues(variables: ReadonlyArray<{ readonly name: string; readonly value: string }>): Record<string, string> {
  const values = Object.create(null) as Record<string, string>;
  for (const variable of variables) values[variable.name] = variable.value;
  return values;
}

/** The `{{...}}` references in a text, in order: the trimmed inner text, and whether it was closed. */
export function findVariables(text: string): Array<{ name: string; start: number; end: number; closed: boolean }> {
  const found: Array<{ name: string; start: number; end: number; closed: boolean }> = [];
  let from = 0;
  while (from < text.length) {
    const start = text.indexOf('{{', from);
    if (start < 0) break;
    const close = text.indexOf('}}', start + 2);
    if (close < 0) {
      found.push({ name: text.slice(start + 2).trim(), start, end: text.length, closed: false });
      break;
    }
    found.push({ name: text.slice(start + 2, close).trim(), start, end: close + 2, closed: true });
    from = close + 2;
  }
  return found;
}

function lookupHeader(headers: ReadonlyArray<readonly [string, string]> | undefined, name: string): string | undefined {
  if (!headers) return undefined;
  const lower = name.toLowerCase();
  for (const [key, value] of headers) if (key.toLowerCase() === lower) return value;
  return undefined;
}

function lookupRecord(record: Readonly<Record<string, string>> | undefined, name: string): string | undefined {
  if (!record) return undefined;
  const exact = ownValue(record, name);
  if (exact !== undefined) return exact;
  const lower = name.toLowerCase();
  for (const key of Object.keys(record)) if (key.toLowerCase() === lower) return record[key];
  return undefined;
}

function findNamed(named: ReadonlyMap<string, NamedResult> | undefined, name: string): NamedResult | undefined {
  if (!named) return undefined;
  const direct = named.get(name);
  if (direct) return direct;
  const lower = name.toLowerCase();
  for (const [key, value] of named) if (key.toLowerCase() === lower) return value;
  return undefined;
}

/**
 * `call.Response`, `call.ActionID`, `call.Channel` (response header, else the first correlated event or item
 * that has it), `call.events.OriginateResponse.Uniqueid`, `call.items.0.Channel`.
 */
function resolveNamed(result: NamedResult, blockName: string, path: string[]): Resolution {
  const full = `${blockName}.${path.join('.')}`;
  if (path.length === 1) {
    const [field] = path;
    if (field.toLowerCase() === 'actionid') return { ok: true, value: result.actionId };
    const fromResponse = lookupHeader(result.response, field);
    if (fromResponse !== undefined) return { ok: true, value: fromResponse };
    for (const event of result.events) {
      const value = lookupHeader(event.headers, field);
      if (value !== undefined) return { ok: true, value };
    }
    for (const item of result.items) {
      const value = lookupHeader(item, field);
      if (value !== undefined) return { ok: true, value };
    }
    return { ok: false, error: `{{${full}}}: block "${blockName}" has no header ${field} in its response or events` };
  }
  if (path.length === 3 && path[0].toLowerCase() === 'events') {
    const [, eventName, field] = path;
    const lowerEvent = eventName.toLowerCase();
    const events = result.events.filter((event) => event.name.toLowerCase() === lowerEvent);
    if (events.length === 0) return { ok: false, error: `{{${full}}}: no ${eventName} event has arrived for block "${blockName}" yet` };
    for (const event of events) {
      const value = lookupHeader(event.headers, field);
      if (value !== undefined) return { ok: true, value };
    }
    return { ok: false, error: `{{${full}}}: the ${eventName} event of block "${blockName}" has no header ${field}` };
  }
  if (path.length === 3 && path[0].toLowerCase() === 'items') {
    const [, indexText, field] = path;
    const index = Number(indexText);
    if (!/^\d+$/.test(indexText) || index >= result.items.length) {
      return { ok: false, error: `{{${full}}}: block "${blockName}" has ${result.items.length} list items; index ${indexText} does not exist` };
    }
    const value = lookupHeader(result.items[index], field);
    return value !== undefined ? { ok: true, value } : { ok: false, error: `{{${full}}}: list item ${index} has no header ${field}` };
  }
  return {
    ok: false,
    error: `{{${full}}}: use ${blockName}.Header, ${blockName}.events.EventName.Header or ${blockName}.items.N.Header`,
  };
}

const MAX_DEPTH = 8;

/** Resolves one variable name (the text between the braces). Never throws. */
export async function resolveVariable(name: string, sources: VariableSources, depth = 0): Promise<Resolution> {
  if (name === '') return { ok: false, error: '{{}}: empty variable name' };
  if (name.startsWith('$')) return resolveBuiltin(name, sources);
  const dot = name.indexOf('.');
  if (dot > 0) {
    const blockName = name.slice(0, dot);
    const result = findNamed(sources.named, blockName);
    if (result) return resolveNamed(result, blockName, name.slice(dot + 1).split('.'));
  }
  const raw = lookupRecord(sources.fileVariables, name) ?? lookupRecord(sources.profileVariables, name);
  if (raw !== undefined) {
    if (depth >= MAX_DEPTH) return { ok: false, error: `{{${name}}}: variables refer to each other in a loop (or deeper than ${MAX_DEPTH})` };
    const expanded = await substitute(raw, sources, depth + 1);
    return expanded.ok ? expanded : { ok: false, error: `{{${name}}} uses ${expanded.error}` };
  }
  if (dot > 0) {
    const blockName = name.slice(0, dot);
    return {
      ok: false,
      error: `{{${name}}}: no block named "${blockName}" has run yet (run the block with "# @name ${blockName}" first)`,
    };
  }
  return {
    ok: false,
    error: `{{${name}}} is not defined: add "@${name} = value" to the file or "${name}" to the connection profile's variables`,
  };
}

async function resolveBuiltin(name: string, sources: VariableSources): Promise<Resolution> {
  const space = name.search(/\s/);
  const builtin = (space < 0 ? name : name.slice(0, space)).toLowerCase();
  const argument = space < 0 ? '' : name.slice(space + 1).trim();
  switch (builtin) {
    case '$uuid':
      return { ok: true, value: (sources.uuid ?? (() => globalThis.crypto.randomUUID()))() };
    case '$timestamp':
      return { ok: true, value: String(Math.floor((sources.now ?? Date.now)() / 1000)) };
    case '$env': {
      if (argument === '') return { ok: false, error: '{{$env}} needs a variable name: {{$env NAME}}' };
      const value = sources.env?.(argument);
      return value === undefined
        ? { ok: false, error: `{{$env ${argument}}}: the environment variable ${argument} is not set` }
        : { ok: true, value };
    }
    case '$prompt': {
      if (!sources.prompt) return { ok: false, error: `{{${name}}}: cannot ask for a value here (no prompt available)` };
      const value = await sources.prompt(argument || 'Value');
      return value === undefined ? { ok: false, error: `{{${name}}}: cancelled` } : { ok: true, value };
    }
    default:
      return { ok: false, error: `{{${name}}}: unknown built-in (use $uuid, $timestamp, $env NAME or $prompt Label)` };
  }
}

/** Replaces every `{{...}}` in a text; the first unresolved one makes it fail with its reason. */
export async function substitute(text: string, sources: VariableSources, depth = 0): Promise<Resolution> {
  const refs = findVariables(text);
  if (refs.length === 0) return { ok: true, value: text };
  let out = '';
  let last = 0;
  for (const ref of refs) {
    if (!ref.closed) return { ok: false, error: `"{{${ref.name}" is missing its closing "}}"` };
    const resolved = await resolveVariable(ref.name, sources, depth);
    if (!resolved.ok) return resolved;
    out += text.slice(last, ref.start) + resolved.value;
    last = ref.end;
  }
  return { ok: true, value: out + text.slice(last) };
}

export type HeaderSubstitution =
  | { ok: true; headers: Array<[string, string]> }
  | { ok: false; errors: Array<{ header: string; error: string }> };

/**
 * Substitutes variables in every header value. Collects every unresolved variable (so the user sees them all),
 * each naming its header. `$prompt` asks once per label within one call.
 */
export async function substituteHeaders(
  headers: ReadonlyArray<readonly [string, string]>,
  sources: VariableSources,
): Promise<HeaderSubstitution> {
  const asked = new Map<string, string | undefined>();
  const prompt = sources.prompt;
  const cachedSources: VariableSources = prompt
    ? {
        ...sources,
        prompt: async (label) => {
          if (!asked.has(label)) asked.set(label, await prompt(label));
          return asked.get(label);
        },
      }
    : sources;
  const out: Array<[string, string]> = [];
  const errors: Array<{ header: string; error: string }> = [];
  for (const [name, value] of headers) {
    const resolved = await substitute(value, cachedSources);
    if (resolved.ok) out.push([name, resolved.value]);
    else errors.push({ header: name, error: resolved.error });
  }
  return errors.length === 0 ? { ok: true, headers: out } : { ok: false, errors };
}
