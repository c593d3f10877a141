import { test } from 'node:test';
import assert from 'node:assert/strict';
import { format } from '../../core/src/language/format';
import { amiDocument, applyEdits } from './languageFixtures';

const options = { tabSize: 2, insertSpaces: true };

function formatted(text: string): string {
  const document = amiDocument(text);
  return applyEdits(document, format(document, undefined, options));
}

test('normalises Name: value spacing, trailing spaces and header casing; keeps values', () => {
  const input = [
    '# Call   ',
    'action:Originate',
    '  channel :   Local/100@test  ',
    'CONTEXT:test',
    'exten:  200',
    'variable: A=  b  c',
    'ChanVariable(PJSIP/x):1',
    'Async:',
    'actionid: {{$uuid}}',
    '@expect Response: Success   ',
    '',
    'Action: NoSuchAction',
    'weird-Header:  Value:with:colons',
  ].join('\n');
  const expected = [
    '# Call',
    'Action: Originate',
    'Channel: Local/100@test',
    'Context: test',
    'Exten: 200',
    'Variable: A=  b  c',
    'ChanVariable(PJSIP/x): 1',
    'Async:',
    'ActionID: {{$uuid}}',
    '@expect Response: Success',
    '',
    'Action: NoSuchAction',
    'weird-Header: Value:with:colons',
  ].join('\n');
  assert.equal(formatted(input), expected);
});

test('collapses runs of blank lines to one, and trailing blank lines to the final line break', () => {
  assert.equal(formatted('Action: Ping\n\n\n\n  \nAction: CoreStatus\n\n\n'), 'Action: Ping\n\nAction: CoreStatus\n');
  assert.equal(formatted('Action: Ping\r\n\r\n\r\nAction: CoreStatus\r\n'), 'Action: Ping\r\n\r\nAction: CoreStatus\r\n');
  assert.equal(formatted('\n\n\nAction: Ping'), '\nAction: Ping');
  assert.equal(formatted('action:ping\r\r\raction:ping'), 'Action: ping\r\rAction: ping');
});

test('formatting is idempotent', () => {
  const inputs = [
    'action:originate\n channel : x \n\n\n\n# c  \n@v = 1  \n\n\naction: ping\n\n',
    'Action: Ping\n\n  \n\t\nAction: Ping',
    '',
    '\n\n',
    '\uFEFFaction:ping\n',
    'garbage line\n:: nothing\nAction: Ping\nActionID : 1',
  ];
  for (const input of inputs) {
    const once = formatted(input);
    const document = amiDocument(once);
    assert.deepEqual(format(document, undefined, options), [], `second format of ${JSON.stringify(input)} changed ${JSON.stringify(once)}`);
  }
});

test('range formatting touches only the lines in the range', () => {
  const text = 'action:ping\n\n\n\naction:ping\nactionid :1\n';
  const document = amiDocument(text);
  const edits = format(document, { start: { line: 4, character: 0 }, end: { line: 5, character: 5 } }, options);
  assert.equal(applyEdits(document, edits), 'action:ping\n\n\n\nAction: ping\nActionID: 1\n');
});

test('an already formatted document gives no edits', () => {
  const document = amiDocument('# Title\nAction: Originate\nChannel: x\n\nAction: Ping\n');
  assert.deepEqual(format(document, undefined, options), []);
});

test('formatting random mixes of lines is idempotent and never changes a header value', () => {
  const pool = [
    'action:originate', ' Channel :  Local/1@x ', 'variable:A=1', '', '  ', '# t ', '; c', '# @name n ', '### s',
    '@v = 1', '@expect Event: X within 1s ', 'garbage', 'Exten:\t200\t', 'x(y):z', '\t', 'ActionID:a:b',
  ];
  let seed = 42;
  const random = (n: number): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  for (let round = 0; round < 200; round++) {
    const lines = Array.from({ length: 1 + random(14) }, () => pool[random(pool.length)]);
    const input = lines.join(random(2) ? '\n' : '\r\n');
    const once = formatted(input);
    const document = amiDocument(once);
    assert.deepEqual(format(document, undefined, options), [], `not idempotent for ${JSON.stringify(input)}`);
    const values = (text: string): string[] =>
      text.split(/\r?\n/).flatMap((l) => /^\s*[A-Za-z0-9_-]+(?:\([^()]*\))?\s*:(.*)$/.exec(l)?.[1].trim() ?? []);
    assert.deepEqual(values(once), values(input), `values changed for ${JSON.stringify(input)}`);
  }
});
