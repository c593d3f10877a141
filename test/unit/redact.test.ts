import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  forgetSecrets,
  isSecretHeader,
  REDACTED,
  redactBytes,
  redactedHeadersOf,
  redactHeaders,
  redactSecretValues,
  redactText,
  rememberSecret,
  StreamRedactor,
} from '../../core/src/wire/redact';
import { AmiDecoder } from '../../core/src/wire/decoder';
import type { AmiMessage } from '../../core/src/wire/types';

const CAPTURES = join(__dirname, '..', 'fixtures', 'ami-captures');

test('header lists: Secret and Key values are replaced, any case; empty values and other headers kept', () => {
  assert.ok(isSecretHeader('secret') && isSecretHeader('KEY') && isSecretHeader(' Secret '));
  assert.ok(!isSecretHeader('Keys') && !isSecretHeader('Keyword') && !isSecretHeader('Username') && !isSecretHeader('Passed'));
  for (const name of ['SecretKey', 'Password', 'passwd', 'DB_PASSWORD', 'X-Auth-Token', 'token', 'mysecret']) assert.ok(isSecretHeader(name), name);
  assert.deepEqual(
    redactHeaders([
      ['Action', 'Login'],
      ['Username', 'dev'],
      ['Secret', 'devsecret'],
      ['key', 'aed66044786b15f66e0e66842c8f735d'],
      ['Secret', ''],
    ]),
    [
      ['Action', 'Login'],
      ['Username', 'dev'],
      ['Secret', REDACTED],
      ['key', REDACTED],
      ['Secret', ''],
    ],
  );
  const messages: AmiMessage[] = [];
  const decoder = new AmiDecoder((m) => messages.push(m), {}, { expectBanner: false });
  decoder.push(Buffer.from('Action: Login\r\nUsername: dev\r\nSecret: devsecret\r\n\r\n'));
  assert.deepEqual(redactedHeadersOf(messages[0])[2], ['Secret', REDACTED]);
});

test('text and bytes: values redacted, line ends (CRLF or LF) and everything else kept', () => {
  const text = 'Action: Login\r\nUsername: dev\r\nSecret: devsecret\r\nsecret:nospace\nKEY : k\r\nSecretive: hidden\r\nKeyword: keep\r\nSecret: \r\n\r\n';
  const expected = `Action: Login\r\nUsername: dev\r\nSecret: ${REDACTED}\r\nsecret:${REDACTED}\nKEY : ${REDACTED}\r\nSecretive: ${REDACTED}\r\nKeyword: keep\r\nSecret: \r\n\r\n`;
  assert.equal(redactText(text), expected);
  assert.equal(redactBytes(Buffer.from(text, 'latin1')).toString('latin1'), expected);
  // Binary-safe: bytes that are not UTF-8 pass through untouched.
  const binary = Buffer.concat([Buffer.from([0xff, 0xfe, 0x0a]), Buffer.from('Key: \xff\xff\r\n', 'latin1')]);
  assert.deepEqual(redactBytes(binary), Buffer.concat([Buffer.from([0xff, 0xfe, 0x0a]), Buffer.from(`Key: ${REDACTED}\r\n`, 'latin1')]));
});

test('sent captures: no secret or MD5 key survives redaction', () => {
  const sent = readdirSync(CAPTURES).filter((name) => name.endsWith('.sent.txt'));
  let secretsSeen = 0;
  for (const name of sent) {
    const bytes = readFileSync(join(CAPTURES, name));
    const secrets = [...bytes.toString('latin1').matchAll(/^(?:Secret|Key): (.+)\r$/gim)].map((match) => match[1]);
    secretsSeen += secrets.length;
    const redacted = redactBytes(bytes).toString('latin1');
    for (const secret of secrets) assert.ok(!redacted.includes(`: ${secret}\r`), `${name}: ${secret} leaked`);
    assert.equal(redactText(bytes.toString('latin1')), redacted, name);
  }
  assert.ok(secretsSeen >= 20, `found ${secretsSeen} secrets`);
});

test('streaming: the same output as redactBytes at every split point and byte by byte', () => {
  const samples = [
    readFileSync(join(CAPTURES, '03-login-md5.sent.txt')),
    Buffer.from('Secret: a\rb\r\nKey:\r\nSecret: \r\n  secret  :  spaced\r\nkeyboard: x\r\nsec\r\nK\nSecret: last-no-eol', 'latin1'),
  ];
  for (const bytes of samples) assertStreamingEqualsWhole(bytes, redactBytes(bytes).toString('latin1'), 1);
});

test('streaming: a secret is never written before its line is known, and held bytes stay bounded', () => {
  const redactor = new StreamRedactor();
  let written = '';
  for (const piece of ['Action: Login\r\nSec', 'ret: dev', 'secret', '\r\n\r\n']) written += redactor.push(Buffer.from(piece)).toString();
  written += redactor.end().toString();
  assert.ok(!written.includes('devsecret'));
  assert.equal(written, `Action: Login\r\nSecret: ${REDACTED}\r\n\r\n`);
  // A long line of blanks cannot make the redactor hold memory without end.
  const spaces = new StreamRedactor();
  const out = spaces.push(Buffer.alloc(100_000, 0x20));
  assert.equal(out.length, 100_000);
});

test('by value: a remembered secret is replaced in any header, name, text and byte stream (split anywhere)', () => {
  forgetSecrets();
  try {
    rememberSecret('devsecret');
    rememberSecret('hunter22');
    rememberSecret('abc'); // too short to redact by value: left alone
    const hostile = 'Event: UserEvent\r\nUserEvent: x\r\nPassword: devsecret\r\nVal: devsecret\r\nOutput: the devsecret is devsecretdevsecret\r\nabc: abc\r\n\r\n';
    const expected = `Event: UserEvent\r\nUserEvent: x\r\nPassword: ${REDACTED}\r\nVal: ${REDACTED}\r\nOutput: the ${REDACTED} is ${REDACTED}${REDACTED}\r\nabc: abc\r\n\r\n`;
    assert.equal(redactText(hostile), expected);
    assert.equal(redactBytes(Buffer.from(hostile, 'latin1')).toString('latin1'), expected);
    assert.deepEqual(redactHeaders([['Val', 'x devsecret y'], ['hunter22', 'v']]), [['Val', `x ${REDACTED} y`], [REDACTED, 'v']]);
    assert.equal(redactSecretValues('Login as "dev" with devsecret failed'), `Login as "dev" with ${REDACTED} failed`);
    const bytes = Buffer.from(hostile + `Data: ${'x'.repeat(3000)}devsecret${'y'.repeat(2000)}\r\n`, 'latin1');
    const whole = redactBytes(bytes).toString('latin1');
    assert.ok(!whole.includes('devsecret'));
    assertStreamingEqualsWhole(bytes, whole, 7);
  } finally {
    forgetSecrets();
  }
});

test('streaming equals whole-buffer redaction on long names and long runs of leading blanks', () => {
  const lines = [];
  for (const blanks of [0, 1, 63, 64, 65, 200]) {
    for (const nameLength of [6, 60, 64, 65, 66, 120]) {
      const name = `${'x'.repeat(Math.max(0, nameLength - 6))}Secret`;
      lines.push(`${' '.repeat(blanks)}${name}: v${blanks}-${nameLength}\r\n`);
    }
  }
  const bytes = Buffer.from(lines.join(''), 'latin1');
  assertStreamingEqualsWhole(bytes, redactBytes(bytes).toString('latin1'), 13);
});

/** StreamRedactor gives `whole` for `bytes` split in two at every `step`th offset, and fed byte by byte. */
function assertStreamingEqualsWhole(bytes: Buffer, whole: string, step: number): void {
  for (let split = 0; split <= bytes.length; split += step) {
    const redactor = new StreamRedactor();
    const out = Buffer.concat([redactor.push(bytes.subarray(0, split)), redactor.push(bytes.subarray(split)), redactor.end()]);
    assert.equal(out.toString('latin1'), whole, `split at ${split}`);
  }
  const redactor = new StreamRedactor();
  const parts = [...bytes].map((byte) => redactor.push(Buffer.from([byte])));
  parts.push(redactor.end());
  assert.equal(Buffer.concat(parts).toString('latin1'), whole, 'byte by byte');
}
