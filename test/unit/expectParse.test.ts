/** The one `@expect` parser: every form of the script format, and errors that point at what to fix. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatExpectation, parseDuration, parseExpectation } from '../../core/src/expect/parse';
import { resolveExpectation } from '../../core/src/run/resolveExpectation';
import { parseScript } from '../../core/src/script/parser';

function ok(text: string) {
  const parsed = parseExpectation(text);
  if (!parsed.ok) throw new Error(`${text}: ${parsed.error.message}`);
  return parsed.expectation;
}

function span(text: string): string {
  const parsed = parseExpectation(text);
  if (!parsed.ok) throw new Error(`${text}: ${parsed.error.message}`);
  return text.slice(parsed.span.start, parsed.span.end);
}

function error(text: string) {
  const parsed = parseExpectation(text);
  if (parsed.ok) throw new Error(`${text} parsed`);
  return parsed.error;
}

test('Response: one status word, case kept, keyword case-insensitive', () => {
  assert.deepEqual(ok('Response: Success'), { kind: 'response', status: 'Success' });
  assert.deepEqual(ok('response:Goodbye'), { kind: 'response', status: 'Goodbye' });
  assert.deepEqual(ok('Response: {{expected}}'), { kind: 'response', status: '{{expected}}' });
  assert.equal(error('Response:').code, 'expect-response');
  assert.equal(error('Response: Success Error').code, 'expect-response');
});

test('Event: name, Header=value conditions, within (default 5 s)', () => {
  assert.deepEqual(ok('Event: OriginateResponse Response=Success within 5s'), {
    kind: 'event',
    event: 'OriginateResponse',
    fields: [{ name: 'Response', value: 'Success' }],
    withinMs: 5000,
    withinGiven: true,
  });
  assert.deepEqual(ok('Event: Hangup'), { kind: 'event', event: 'Hangup', fields: [], withinMs: 5000, withinGiven: false });
  assert.equal((ok('Event: Hangup within 500ms') as { withinMs: number }).withinMs, 500);
  assert.equal((ok('Event: Hangup within 1.5s') as { withinMs: number }).withinMs, 1500);
  assert.equal(error('Event: Hangup within 2 s').code, 'expect-within');
  assert.equal(error('Event: Hangup within 2m').code, 'expect-within');
  // Values: colons and semicolons as they are, quotes for spaces, variables (with spaces) kept whole.
  assert.deepEqual((ok('Event: Hangup Channel=Local/100@test-0000000f;1 Cause-txt="Normal Clearing"') as { fields: unknown }).fields, [
    { name: 'Channel', value: 'Local/100@test-0000000f;1' },
    { name: 'Cause-txt', value: 'Normal Clearing' },
  ]);
  assert.deepEqual((ok('Event: UserEvent Foo={{$env FOO VALUE}} Bar="a \\"b\\""') as { fields: unknown }).fields, [
    { name: 'Foo', value: '{{$env FOO VALUE}}' },
    { name: 'Bar', value: 'a "b"' },
  ]);
  assert.deepEqual((ok('Event: Newexten Variable(X)=y AppData=') as { fields: unknown }).fields, [
    { name: 'Variable(X)', value: 'y' },
    { name: 'AppData', value: '' },
  ]);
});

test('Event: errors name the fix and point at the offending text', () => {
  const text = 'Event: Hangup Cause';
  const field = error(text);
  assert.equal(field.code, 'expect-field');
  assert.equal(text.slice(field.start, field.end), 'Cause');
  assert.match(field.message, /not a Header=value condition/);
  const within = error('Event: Hangup within soon');
  assert.equal(within.code, 'expect-within');
  assert.match(within.message, /within 5s/);
  assert.equal(error('Event: Hangup within 0s').code, 'expect-within');
  assert.equal(error('Event: Hangup within 2h').code, 'expect-within');
  assert.equal(error('Event: Hangup within 5000s').code, 'expect-within');
  assert.match(error('Event: Hangup within 5s Cause=16').message, /must come last/);
  assert.equal(error('Event:').code, 'expect-event-name');
  assert.equal(error('Event: Cause=16').code, 'expect-event-name');
  assert.equal(error('Event: Hangup Cause="16').code, 'expect-quote');
});

test('List: N and >=N', () => {
  assert.deepEqual(ok('List: 3'), { kind: 'list', operator: '=', count: 3 });
  assert.deepEqual(ok('List: >=1'), { kind: 'list', operator: '>=', count: 1 });
  assert.deepEqual(ok('list: >= 2'), { kind: 'list', operator: '>=', count: 2 });
  assert.equal(error('List: > 2').code, 'expect-list');
  assert.equal(error('List: <5').code, 'expect-list');
  assert.equal(error('List: some').code, 'expect-list');
  assert.equal(error('List: -1').code, 'expect-list');
});

test('span locates the main word (for editor ranges)', () => {
  assert.equal(span('Response:  Goodbye '), 'Goodbye');
  assert.equal(span('Event: OriginateRespons Response=Success'), 'OriginateRespons');
  assert.equal(span('List:  >=1'), '>=1');
});

test('unknown kinds and a missing colon', () => {
  const unknown = error('Respons: Success');
  assert.equal(unknown.code, 'expect-kind');
  assert.equal(unknown.start, 0);
  assert.equal(unknown.end, 'Respons'.length);
  assert.match(unknown.message, /@expect Response: Success/);
  assert.equal(error('Response Success').code, 'expect-colon');
  assert.equal(error('').code, 'expect-kind');
  assert.equal(error('Header: x').code, 'expect-kind');
});

test('every @expect of the samples and fixtures parses', async () => {
  const { readdirSync, readFileSync } = await import('node:fs');
  const { join } = await import('node:path');
  const dirs = [join(__dirname, '..', '..', 'samples'), join(__dirname, '..', 'fixtures', 'scripts')];
  let count = 0;
  for (const dir of dirs) {
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.ami'))) {
      for (const block of parseScript(readFileSync(join(dir, file), 'utf8')).blocks) {
        for (const line of block.expectations) {
          const parsed = parseExpectation(line.text);
          assert.ok(parsed.ok, `${file}:${line.range.start.line + 1}: ${parsed.ok ? '' : parsed.error.message}`);
          count++;
        }
      }
    }
  }
  assert.ok(count >= 5, `only ${count} expectations found`);
});

test('formatExpectation writes the canonical form; parseDuration rejects junk', () => {
  assert.equal(formatExpectation(ok('event: Hangup cause=16')), 'Event: Hangup cause=16 within 5s');
  assert.equal(formatExpectation(ok('Event: X A="b c" within 250ms')), 'Event: X A="b c" within 250ms');
  assert.equal(formatExpectation(ok('List: >=2')), 'List: >=2');
  assert.equal(formatExpectation(ok('List: 2')), 'List: 2');
  assert.equal(parseDuration('5 seconds'), undefined);
  assert.equal(parseDuration('1e3s'), undefined);
});

test('resolveExpectation substitutes variables in the event, values and status, and names an unresolved one', async () => {
  const named = new Map([
    ['call', { actionId: 'a-1', items: [], events: [{ name: 'OriginateResponse', headers: [['Uniqueid', '1795393207.31'] as const] }] }],
  ]);
  const resolved = await resolveExpectation(ok('Event: {{ev}} Uniqueid={{call.events.OriginateResponse.Uniqueid}}'), {
    named,
    fileVariables: { ev: 'Hangup' },
  });
  assert.ok(resolved.ok);
  assert.deepEqual(resolved.expectation, { kind: 'event', event: 'Hangup', fields: [{ name: 'Uniqueid', value: '1795393207.31' }], withinMs: 5000, withinGiven: false });
  const missing = await resolveExpectation(ok('Event: Hangup Channel={{other.Channel}}'), { named });
  assert.ok(!missing.ok);
  assert.match(missing.error, /Channel=: \{\{other\.Channel\}\}/);
  assert.match(missing.error, /no block named "other"/);
});
