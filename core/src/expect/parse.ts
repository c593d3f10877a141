/**
 * The one parser of `@expect` texts, shared by the editor's diagnostics and the runners. Never throws.
 * Grammar (case-insensitive keywords):
 *   Response: <Word>
 *   Event: <Name> [Header=value | Header="value with spaces"]... [within <N>s|<N>ms]
 *   List: <N> | >=<N>
 * `{{variables}}` stay intact inside tokens (they may contain spaces, e.g. `{{$env NAME}}`).
 */
import type { EventExpectation, Expectation, ExpectParse, ExpectSyntaxError, FieldCondition, ListOperator } from './types';

/** Default wait of `@expect Event:` without `within`. */
export const DEFAULT_EVENT_WITHIN_MS = 5000;
/** Longest `within` accepted (one hour): a typo like `within 5000s` is caught. */
export const MAX_WITHIN_MS = 3_600_000;
/** `Response:` values Asterisk sends (others parse, but the diagnostics may warn). */
export const KNOWN_RESPONSE_STATUSES: readonly string[] = ['Success', 'Error', 'Goodbye', 'Follows'];
/** Expectation kinds, as written. */
export const EXPECT_KINDS: readonly string[] = ['Response', 'Event', 'List'];

const USAGE = 'use "@expect Response: Success", "@expect Event: Name [Header=value ...] [within 5s]" or "@expect List: N" / ">=N"';

interface Token {
  text: string;
  start: number;
  end: number;
}

function fail(code: ExpectSyntaxError['code'], message: string, start: number, end: number): ExpectParse {
  return { ok: false, error: { code, message, start, end: Math.max(end, start) } };
}

/**
 * Splits on spaces, keeping `{{...}}` and `"..."` (with `\"` and `\\` escapes) inside one token.
 * Returns the index of an unterminated quote as an error.
 */
function tokenize(text: string, from: number): { tokens: Token[] } | { quoteAt: number } {
  const tokens: Token[] = [];
  let index = from;
  while (index < text.length) {
    while (index < text.length && (text[index] === ' ' || text[index] === '\t')) index++;
    if (index >= text.length) break;
    const start = index;
    let value = '';
    while (index < text.length && text[index] !== ' ' && text[index] !== '\t') {
      if (text.startsWith('{{', index)) {
        const close = text.indexOf('}}', index + 2);
        const end = close < 0 ? text.length : close + 2;
        value += text.slice(index, end);
        index = end;
      } else if (text[index] === '"') {
        const quoteAt = index;
        index++;
        let closed = false;
        while (index < text.length) {
          const char = text[index];
          if (char === '\\' && (text[index + 1] === '"' || text[index + 1] === '\\')) {
            value += text[index + 1];
            index += 2;
          } else if (char === '"') {
            closed = true;
            index++;
            break;
          } else {
            value += char;
            index++;
          }
        }
        if (!closed) return { quoteAt };
      } else {
        value += text[index];
        index++;
      }
    }
    tokens.push({ text: value, start, end: index });
  }
  return { tokens };
}

const NAME = /^(?:[A-Za-z][\w-]*|\{\{[^}]*\}\})$/;
const FIELD_NAME = /^[A-Za-z][\w-]*(?:\([^()]*\))?$/;
const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m)$/i;

/** Parses durations: `5s`, `500ms`, `1.5s`, `2m` (`within` takes s and ms only). Undefined when not one. */
export function parseDuration(text: string): number | undefined {
  const match = DURATION.exec(text.trim());
  if (!match) return undefined;
  const amount = Number(match[1]);
  const unit = match[2].toLowerCase();
  const ms = unit === 'ms' ? amount : unit === 's' ? amount * 1000 : amount * 60_000;
  return Number.isFinite(ms) ? Math.round(ms) : undefined;
}

/** Formats milliseconds the way `within` is written: `5s`, `500ms`, `1.5s`. */
export function formatWithin(ms: number): string {
  return ms % 1000 === 0 || ms >= 10_000 ? `${+(ms / 1000).toFixed(1)}s` : ms > 1000 ? `${+(ms / 1000).toFixed(2)}s` : `${ms}ms`;
}

function parseEvent(text: string, from: number): ExpectParse {
  const split = tokenize(text, from);
  if ('quoteAt' in split) return fail('expect-quote', 'a quoted value is missing its closing "', split.quoteAt, text.length);
  const tokens = split.tokens;
  if (tokens.length === 0) {
    return fail('expect-event-name', 'name the event: "@expect Event: Hangup" (optionally Header=value ... within 5s)', from, text.length);
  }
  const [name, ...rest] = tokens;
  if (!NAME.test(text.slice(name.start, name.end)) || name.text.includes('=')) {
    return fail('expect-event-name', `"${text.slice(name.start, name.end)}" is not an event name: start with the event, e.g. "@expect Event: Hangup Cause=16"`, name.start, name.end);
  }
  const fields: FieldCondition[] = [];
  let withinMs = DEFAULT_EVENT_WITHIN_MS;
  let withinGiven = false;
  for (let k = 0; k < rest.length; k++) {
    const token = rest[k];
    if (token.text.toLowerCase() === 'within' && !text.slice(token.start, token.end).includes('=')) {
      // `within 5s` or `within 500ms`, last on the line.
      const durationText = rest[k + 1]?.text ?? '';
      const last = k + 1;
      const ms = /^\d+(\.\d+)?(s|ms)$/.test(durationText) ? parseDuration(durationText) : undefined;
      const end = rest[last]?.end ?? token.end;
      if (ms === undefined) {
        return fail('expect-within', 'write the wait as "within 5s" or "within 500ms"', token.start, end);
      }
      if (ms <= 0 || ms > MAX_WITHIN_MS) {
        return fail('expect-within', `the wait must be more than 0 and at most 1 hour (got ${durationText})`, token.start, end);
      }
      if (last !== rest.length - 1) {
        return fail('expect-within', '"within ..." must come last', rest[last + 1].start, rest[rest.length - 1].end);
      }
      withinMs = ms;
      withinGiven = true;
      break;
    }
    const raw = text.slice(token.start, token.end);
    const equals = raw.indexOf('=');
    const fieldName = equals > 0 ? raw.slice(0, equals) : '';
    if (equals <= 0 || !FIELD_NAME.test(fieldName)) {
      // One error for the rest of the line: that is what needs rewriting.
      return fail('expect-field', `"${raw}" is not a Header=value condition (e.g. Cause=16, Channel="PJSIP/100-0001"; no spaces around =)`, token.start, rest[rest.length - 1].end);
    }
    // The token's text has quotes removed; the value is what follows the first "=".
    fields.push({ name: fieldName, value: token.text.slice(token.text.indexOf('=') + 1) });
  }
  const expectation: EventExpectation = { kind: 'event', event: name.text, fields, withinMs, withinGiven };
  return { ok: true, expectation, span: { start: name.start, end: name.end } };
}

function parseList(text: string, from: number): ExpectParse {
  const body = text.slice(from).trim();
  const match = /^(>=)?\s*(\d+)$/.exec(body);
  if (!match) {
    return fail('expect-list', 'write the item count as "@expect List: 3" or "@expect List: >=1"', from, text.length);
  }
  const count = Number(match[2]);
  if (!Number.isSafeInteger(count)) return fail('expect-list', 'the item count is too large', from, text.length);
  const start = from + (text.length - from - text.slice(from).trimStart().length);
  return { ok: true, expectation: { kind: 'list', operator: (match[1] ?? '=') as ListOperator, count }, span: { start, end: text.trimEnd().length } };
}

function parseResponse(text: string, from: number): ExpectParse {
  const split = tokenize(text, from);
  if ('quoteAt' in split) return fail('expect-quote', 'a quoted value is missing its closing "', split.quoteAt, text.length);
  const tokens = split.tokens;
  if (tokens.length !== 1 || !NAME.test(text.slice(tokens[0].start, tokens[0].end))) {
    return fail('expect-response', `write one status: "@expect Response: Success" (or ${KNOWN_RESPONSE_STATUSES.slice(1).join(', ')})`, from, text.length);
  }
  return { ok: true, expectation: { kind: 'response', status: tokens[0].text }, span: { start: tokens[0].start, end: tokens[0].end } };
}

/** Parses the text after `@expect` (ExpectLine.text). Offsets in errors index into `text`. */
export function parseExpectation(text: string): ExpectParse {
  const head = /^\s*([A-Za-z]*)\s*(:?)/.exec(text);
  const keyword = head?.[1] ?? '';
  const keywordStart = text.length - text.trimStart().length;
  if (keyword === '') return fail('expect-kind', `say what to expect: ${USAGE}`, 0, text.length);
  const kind = EXPECT_KINDS.find((k) => k.toLowerCase() === keyword.toLowerCase());
  if (!kind) {
    return fail('expect-kind', `unknown expectation "${keyword}": ${USAGE}`, keywordStart, keywordStart + keyword.length);
  }
  if (head?.[2] !== ':') {
    return fail('expect-colon', `put a colon after ${kind}: "@expect ${kind}: ..."`, keywordStart, keywordStart + keyword.length);
  }
  const from = (head?.[0].length ?? 0);
  switch (kind) {
    case 'Response':
      return parseResponse(text, from);
    case 'Event':
      return parseEvent(text, from);
    default:
      return parseList(text, from);
  }
}

/** The expectation written back in canonical form (`Event: Hangup Cause=16 within 10s`). */
export function formatExpectation(expectation: Expectation): string {
  switch (expectation.kind) {
    case 'response':
      return `Response: ${expectation.status}`;
    case 'list':
      return `List: ${expectation.operator === '=' ? '' : expectation.operator}${expectation.count}`;
    case 'event': {
      const fields = expectation.fields.map((f) => `${f.name}=${/[\s"]/.test(f.value) || f.value === '' ? JSON.stringify(f.value) : f.value}`);
      return [`Event: ${expectation.event}`, ...fields, `within ${formatWithin(expectation.withinMs)}`].join(' ');
    }
  }
}
