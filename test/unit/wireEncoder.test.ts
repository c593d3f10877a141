import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeAction, encodeBanner, encodeMessage, MAX_LINE_BYTES, MAX_LINES } from '../../core/src/wire/encoder';
import { AmiDecoder, amiVersionFromBanner } from '../../core/src/wire/decoder';
import { AmiProtocolError, type AmiMessage } from '../../core/src/wire/types';

function decode(bytes: Buffer, expectBanner = false): AmiMessage[] {
  const out: AmiMessage[] = [];
  const decoder = new AmiDecoder((m) => out.push(m), {}, { expectBanner });
  decoder.push(bytes);
  decoder.end();
  return out;
}

/** Asserts an 'encode' AmiProtocolError whose message matches every pattern. */
function assertRefused(run: () => unknown, ...patterns: RegExp[]): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof AmiProtocolError, `not an AmiProtocolError: ${String(error)}`);
    assert.equal(error.code, 'encode');
    for (const pattern of patterns) assert.match(error.message, pattern);
    return true;
  });
}

test('encodes Name: value lines and a closing blank line, repeats kept, from pairs or a record', () => {
  assert.equal(
    encodeAction([
      ['Action', 'Originate'],
      ['Variable', 'A=1'],
      ['Variable', 'B=2'],
      ['Empty', ''],
    ]).toString(),
    'Action: Originate\r\nVariable: A=1\r\nVariable: B=2\r\nEmpty: \r\n\r\n',
  );
  assert.equal(encodeAction({ Action: 'Ping', ActionID: 'p-1' }).toString(), 'Action: Ping\r\nActionID: p-1\r\n\r\n');
  assert.equal(encodeBanner('12.0.0').toString(), 'Asterisk Call Manager/12.0.0\r\n');
  assert.equal(amiVersionFromBanner(encodeBanner('9.0.0').toString()), '9.0.0');
});

test('refuses CR, LF and NUL in values and names, naming the header', () => {
  assertRefused(() => encodeAction([['Action', 'Ping'], ['Data', 'a\r\nAction: Command']]), /'Data'/, /carriage return/);
  assertRefused(() => encodeAction([['Data', 'line1\nline2']]), /'Data'/, /line feed/);
  assertRefused(() => encodeAction([['Secret', 'ab\0cd']]), /'Secret'/, /NUL/, /truncate/);
  assertRefused(() => encodeAction([['Bad\nName', 'v']]), /Bad\\nName/, /line feed/);
  assertRefused(() => encodeAction([['Na\0me', 'v']]), /NUL/);
  assertRefused(() => encodeAction([['', 'v']]), /empty name/);
  assertRefused(() => encodeAction([['A:B', 'v']]), /"A:B"/, /colon/);
  assertRefused(() => encodeAction([[' Action', 'Ping']]), /whitespace/);
  assertRefused(() => encodeMessage([['Output', 'x\ry']], { checkLimits: false }), /'Output'/);
});

test('refuses lines over 1022 bytes (UTF-8 bytes counted) and blocks over 128 lines', () => {
  const room = MAX_LINE_BYTES - 'Data: '.length;
  assert.equal(encodeAction([['Data', 'x'.repeat(room)]]).length, MAX_LINE_BYTES + 4);
  assertRefused(() => encodeAction([['Action', 'Ping'], ['Data', 'x'.repeat(room + 1)]]), /'Data'/, /1023-byte line/, /1022/);
  // 'é' is two bytes: a value that fits in characters but not in bytes is refused.
  assertRefused(() => encodeAction([['Data', 'é'.repeat(room / 2 + 1)]]), /'Data'/);
  const lines = Array.from({ length: MAX_LINES }, (_, k): [string, string] => [`H${k}`, 'v']);
  assert.ok(encodeAction(lines).length > 0);
  assertRefused(() => encodeAction([...lines, ['One', 'more']]), /129 header lines/, /128/);
  // Server-side output (a fake server) may exceed the read limits but still not break framing.
  assert.ok(encodeMessage([['Output', 'x'.repeat(5000)]], { checkLimits: false }).length > 5000);
  assertRefused(() => encodeBanner('twelve'), /twelve/);
});

test('round trip: encode then decode gives the same headers, whatever the value bytes', () => {
  const values = ['', ' leading space', 'trailing space ', 'a: b: c', 'Zoë 😀', '\u2028\ufeff\x1b[0m', 'tab\there', ':', 'x'.repeat(1000)];
  const headers = values.map((value, k): [string, string] => [`Header${k}`, value]);
  const action: Array<[string, string]> = [['Action', 'UserEvent'], ...headers, ['Dup', '1'], ['Dup', '2']];
  const encoded = Buffer.concat([encodeAction(action), encodeAction([['Action', 'Ping']])]);
  const messages = decode(encoded);
  assert.equal(messages.length, 2);
  assert.equal(messages[0].kind, 'action');
  assert.deepEqual(messages[0].headers(), action);
  assert.deepEqual(messages[0].getAll('dup'), ['1', '2']);
  assert.equal(messages[0].get('Header0'), '');
  assert.equal(messages[0].get('header1'), ' leading space');
  assert.equal(messages[0].raw.toString('utf8') + '\r\n', encodeAction(action).toString('utf8'));
  const served = Buffer.concat([encodeBanner('12.0.0'), encodeMessage([['Response', 'Success'], ['Ping', 'Pong']], { checkLimits: false })]);
  assert.deepEqual(
    decode(served, true).map((m) => m.kind),
    ['banner', 'response'],
  );
});
