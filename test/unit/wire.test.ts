import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { AmiDecoder, amiVersionFromBanner, type DecoderOptions } from '../../core/src/wire/decoder';
import { AmiProtocolError, type AmiMessage, type DecoderLimits } from '../../core/src/wire/types';

const CAPTURES = join(__dirname, '..', '..', '..', 'shared', 'ami-captures');

/** Received-bytes captures: NN-name.txt (not .meta/.sent, not the manager-show-* folders). */
const receivedCaptures = readdirSync(CAPTURES)
  .filter((name) => /^[0-9].*\.txt$/.test(name) && !name.endsWith('.meta.txt') && !name.endsWith('.sent.txt'))
  .sort();
const sentCaptures = readdirSync(CAPTURES)
  .filter((name) => /^[0-9].*\.sent\.txt$/.test(name))
  .sort();

interface Snapshot {
  kind: string;
  raw: string;
  headers: Array<[string, string]>;
  output?: string[];
}

function snapshot(message: AmiMessage): Snapshot {
  const result: Snapshot = { kind: message.kind, raw: message.raw.toString('latin1'), headers: message.headers() };
  if (message.output) result.output = message.output;
  return result;
}

function decodeChunks(chunks: Buffer[], limits?: Partial<DecoderLimits>, options?: DecoderOptions): Snapshot[] {
  const out: Snapshot[] = [];
  const decoder = new AmiDecoder((message) => out.push(snapshot(message)), limits, options);
  for (const chunk of chunks) decoder.push(chunk);
  decoder.end();
  return out;
}

function decodeMessages(bytes: Buffer, options?: DecoderOptions): AmiMessage[] {
  const out: AmiMessage[] = [];
  const decoder = new AmiDecoder((message) => out.push(message), {}, options);
  decoder.push(bytes);
  decoder.end();
  return out;
}

function byteByByte(bytes: Buffer): Buffer[] {
  return [...bytes].map((byte) => Buffer.from([byte]));
}

/** The read chunking recorded in NN-name.meta.txt (`RECV off= N len= M` lines). */
function recordedChunks(name: string, bytes: Buffer): Buffer[] {
  const meta = readFileSync(join(CAPTURES, name.replace(/\.txt$/, '.meta.txt')), 'latin1');
  const chunks: Buffer[] = [];
  let expected = 0;
  for (const match of meta.matchAll(/RECV\s+off=\s*(\d+)\s+len=\s*(\d+)/g)) {
    const off = Number(match[1]);
    const len = Number(match[2]);
    assert.equal(off, expected, `${name}: timeline offsets are contiguous`);
    chunks.push(bytes.subarray(off, off + len));
    expected = off + len;
  }
  assert.equal(expected, bytes.length, `${name}: timeline covers the whole capture`);
  return chunks;
}

test('captures: whole, recorded read chunking and byte by byte give the same messages, which rebuild the bytes', () => {
  assert.ok(receivedCaptures.length >= 30, `found ${receivedCaptures.length} captures`);
  for (const name of receivedCaptures) {
    const bytes = readFileSync(join(CAPTURES, name));
    const whole = decodeChunks([bytes]);
    assert.equal(whole[0].kind, 'banner', name);
    assert.equal(whole[0].raw, 'Asterisk Call Manager/12.0.0\r\n', name);
    // The captures are clean CRLF: every other message ends at a CRLFCRLF.
    const terminators = bytes.toString('latin1').split('\r\n\r\n').length - 1;
    assert.equal(whole.length, terminators + 1, `${name}: message count`);
    const rebuilt = whole.map((m, k) => (k === 0 ? m.raw : `${m.raw}\r\n`)).join('');
    assert.equal(rebuilt, bytes.toString('latin1'), `${name}: raw bytes rebuild the capture`);
    for (const message of whole.slice(1)) {
      assert.ok(message.kind === 'response' || message.kind === 'event', `${name}: kind ${message.kind}`);
      assert.equal(message.kind, message.raw.startsWith('Event:') ? 'event' : 'response', name);
    }
    assert.deepEqual(decodeChunks(recordedChunks(name, bytes)), whole, `${name}: recorded chunking`);
    assert.deepEqual(decodeChunks(byteByByte(bytes)), whole, `${name}: byte by byte`);
  }
});

test('captures: every split point into two chunks gives the same messages', () => {
  for (const name of receivedCaptures) {
    const bytes = readFileSync(join(CAPTURES, name));
    const whole = decodeChunks([bytes]);
    const wholeKeys = whole.map((m) => `${m.kind}\0${m.raw}`);
    for (let split = 1; split < bytes.length; split++) {
      const chunks = [bytes.subarray(0, split), bytes.subarray(split)];
      // Kind and exact bytes at every split; decoded headers in full for a sample of split points.
      if (split % 97 === 0) {
        assert.deepEqual(decodeChunks(chunks), whole, `${name} split ${split}`);
        continue;
      }
      const keys: string[] = [];
      const decoder = new AmiDecoder((m) => keys.push(`${m.kind}\0${m.raw.toString('latin1')}`));
      for (const chunk of chunks) decoder.push(chunk);
      decoder.end();
      if (keys.length !== wholeKeys.length || keys.some((key, k) => key !== wholeKeys[k])) {
        assert.deepEqual(keys, wholeKeys, `${name}: split at ${split}`);
      }
    }
  }
});

test('headers: values after the first colon, repeats kept in order, empty values, case-insensitive names', () => {
  const messages = decodeMessages(readFileSync(join(CAPTURES, '15-userevent.txt')));
  const userEvent = messages.find((m) => m.get('Event') === 'UserEvent');
  assert.ok(userEvent);
  assert.equal(userEvent.kind, 'event');
  assert.equal(userEvent.get('Colon'), 'a:b: c');
  assert.equal(userEvent.get('dup'), 'first');
  assert.deepEqual(userEvent.getAll('DUP'), ['first', 'second']);
  assert.equal(userEvent.get('Empty'), '');
  assert.equal(userEvent.get('Missing'), undefined);
  assert.deepEqual(userEvent.getAll('Missing'), []);
  assert.deepEqual(userEvent.headers(), [
    ['Event', 'UserEvent'],
    ['Privilege', 'user,all'],
    ['UserEvent', 'MyEvent'],
    ['Header1', 'value one'],
    ['Colon', 'a:b: c'],
    ['Dup', 'first'],
    ['Dup', 'second'],
    ['Empty', ''],
    ['ActionID', 'ue-1'],
  ]);
  // A name that is a prefix of another must not match it (Event vs EventTV, UserEvent vs User).
  assert.equal(userEvent.get('User'), undefined);
  assert.equal(userEvent.get('UserEvent'), 'MyEvent');
});

test('kinds: OriginateResponse is an event; Command output keeps every Output line with its padding', () => {
  const originate = decodeMessages(readFileSync(join(CAPTURES, '16-originate-local-exten-async.txt')));
  const originateResponse = originate.find((m) => m.get('Event') === 'OriginateResponse');
  assert.ok(originateResponse);
  assert.equal(originateResponse.kind, 'event');
  assert.equal(originateResponse.get('Response'), 'Success');

  const version = decodeMessages(readFileSync(join(CAPTURES, '11-command-core-show-version.txt')));
  const command = version.find((m) => m.get('Message') === 'Command output follows');
  assert.ok(command);
  assert.equal(command.kind, 'response');
  assert.ok(command.getAll('Output').length >= 1);

  const errors = decodeMessages(readFileSync(join(CAPTURES, '13-command-errors.txt')));
  const help = errors.find((m) => m.get('ActionID') === 'cmd-help');
  assert.ok(help);
  const lines = help.getAll('Output');
  assert.equal(lines.length, 18);
  assert.equal(lines[0], 'dialplan add extension         -- Add new extension into context');
  const bad = errors.find((m) => m.get('ActionID') === 'cmd-bad');
  assert.equal(bad?.get('Response'), 'Error');
  assert.match(bad?.get('Output') ?? '', /^No such command/);
});

test('banner: alone, in the same read as the next message, and its AMI version', () => {
  const messages = decodeChunks([Buffer.from('Asterisk Call Manager/12.0.0\r\nResponse: Success\r\nMessage: Authentication accepted\r\n\r\n')]);
  assert.deepEqual(
    messages.map((m) => m.kind),
    ['banner', 'response'],
  );
  const [banner] = decodeMessages(readFileSync(join(CAPTURES, '01-banner.txt')));
  assert.equal(banner.kind, 'banner');
  assert.equal(amiVersionFromBanner(banner), '12.0.0');
  assert.equal(amiVersionFromBanner('Asterisk Call Manager/2.5.0'), '2.5.0');
  assert.equal(amiVersionFromBanner('SSH-2.0-OpenSSH_9.6'), undefined);
  // The banner is the first line only: a later identical line is an ordinary (unknown) message.
  const later = decodeChunks([Buffer.from('Asterisk Call Manager/12.0.0\r\nAsterisk Call Manager/12.0.0\r\n\r\n')]);
  assert.deepEqual(
    later.map((m) => m.kind),
    ['banner', 'unknown'],
  );
});

test('banner: a stream that is not AMI fails with bad-banner naming what arrived', () => {
  const decoder = new AmiDecoder(() => assert.fail('no message expected'));
  assert.throws(
    () => decoder.push(Buffer.from('HTTP/1.1 400 Bad Request\r\n\r\n')),
    (error: unknown) => error instanceof AmiProtocolError && error.code === 'bad-banner' && /HTTP\/1\.1 400/.test(error.message),
  );
  assert.throws(() => decoder.push(Buffer.from('Response: Success\r\n\r\n')), AmiProtocolError, 'the decoder stays failed');
});

test('line ends: bare LF, CRLF LF terminators and extra blank lines', () => {
  const variants = [
    'Response: Success\nActionID: a\n\nEvent: X\nK: v\n\n',
    'Response: Success\r\nActionID: a\r\n\nEvent: X\r\nK: v\r\n\n',
    '\r\n\r\nResponse: Success\r\nActionID: a\r\n\r\n\r\n\n\r\nEvent: X\r\nK: v\r\n\r\n\r\n',
    'Response: Success\nActionID: a\r\n\r\nEvent: X\r\nK: v\n\r\n',
  ];
  for (const text of variants) {
    const bytes = Buffer.from(text, 'latin1');
    for (let split = 0; split <= bytes.length; split++) {
      const messages = decodeChunks([bytes.subarray(0, split), bytes.subarray(split)], {}, { expectBanner: false });
      assert.deepEqual(
        messages.map((m) => [m.kind, m.headers]),
        [
          ['response', [['Response', 'Success'], ['ActionID', 'a']]],
          ['event', [['Event', 'X'], ['K', 'v']]],
        ],
        `${JSON.stringify(text)} split at ${split}`,
      );
    }
  }
});

test('sent captures decode as actions (LF-only lines, garbage line, stray blank line in 24-malformed)', () => {
  for (const name of sentCaptures) {
    const bytes = readFileSync(join(CAPTURES, name));
    if (bytes.length === 0) continue;
    const whole = decodeChunks([bytes], {}, { expectBanner: false });
    assert.ok(whole.length >= 1, name);
    assert.deepEqual(decodeChunks(byteByByte(bytes), {}, { expectBanner: false }), whole, `${name}: byte by byte`);
  }
  const malformed = decodeMessages(readFileSync(join(CAPTURES, '24-missing-headers-and-malformed.sent.txt')), { expectBanner: false });
  const lfOnly = malformed.find((m) => m.get('ActionID') === 'lf-only');
  assert.ok(lfOnly);
  assert.equal(lfOnly.kind, 'action');
  assert.equal(lfOnly.get('action'), 'Ping');
  assert.equal(lfOnly.raw.toString(), 'Action: Ping\nActionID: lf-only\n');
  const garbage = malformed.find((m) => m.get('ActionID') === 'garbage-line');
  assert.equal(garbage?.kind, 'unknown');
  assert.deepEqual(garbage?.headers()[0], ['', 'this line has no colon']);
  assert.equal(malformed.find((m) => m.get('ActionID') === 'nospace')?.get('Action'), 'Ping');
  assert.equal(malformed.find((m) => m.get('actionid') === 'lowercase-hdrs')?.get('ACTION'), 'ping');
  assert.equal(malformed.find((m) => m.get('ActionID') === 'noaction')?.kind, 'unknown');
  // The stray CRLF sent one second later is an extra blank line, not a message.
  assert.equal(malformed.filter((m) => m.get('Action') === 'Logoff').length, 1);
  assert.equal(malformed.length, 14);
});

test('UTF-8 header names are matched after decoding', () => {
  const [message] = decodeMessages(Buffer.from('Event: UserEvent\r\nNäme: x\r\nnäme: y\r\n\r\n', 'utf8'), { expectBanner: false });
  assert.equal(message.get('Näme'), 'x');
  assert.deepEqual(message.getAll('NÄME'), ['x', 'y']);
  assert.equal(message.get('Nöme'), undefined);
});

test('UTF-8: a character straddling a split decodes whole; invalid bytes become U+FFFD', () => {
  const text = 'Event: Newchannel\r\nCallerIDName: Zoë 😀 Müller\r\nChannel: SIP/ünï-1\r\n\r\n';
  const bytes = Buffer.from(text, 'utf8');
  for (let split = 0; split <= bytes.length; split++) {
    const [message] = decodeChunks([bytes.subarray(0, split), bytes.subarray(split)], {}, { expectBanner: false });
    assert.equal(message.headers[1][1], 'Zoë 😀 Müller', `split at ${split}`);
  }
  const invalid = Buffer.concat([Buffer.from('Event: X\r\nCallerIDName: a'), Buffer.from([0xff, 0xc3, 0x28, 0xe2, 0x82]), Buffer.from('z\r\n\r\n')]);
  const [message] = decodeMessages(invalid, { expectBanner: false });
  assert.equal(message.get('CallerIDName'), 'a\ufffd\ufffd(\ufffdz');
});

/** Synthetic: Asterisk 23 no longer sends this framing (see docs/protocol.md "Command output"), servers before 14 did. */
const LEGACY_COMMAND =
  'Response: Follows\r\nPrivilege: Command\r\nActionID: cmd-1\r\n' +
  'Channel              Location             State   Application(Data)\n' +
  '\n' +
  'Response: not a header here\n' +
  '0 active channels\n' +
  '--END COMMAND--\r\n\r\n' +
  'Response: Follows\r\nPrivilege: Command\r\n' +
  'Asterisk 11.25.3 built by root--END COMMAND--\r\n\r\n' +
  'Response: Follows\r\nPrivilege: Command\r\n' +
  'echo --END COMMAND--\n' +
  'still output\n' +
  '\n' +
  '--END COMMAND--\r\n\r\n' +
  'Event: Hangup\r\nChannel: SIP/1\r\n\r\n';

test('legacy Response: Follows output until --END COMMAND--, blank lines inside, at every split', () => {
  const bytes = Buffer.from(LEGACY_COMMAND, 'latin1');
  const whole = decodeChunks([bytes], {}, { expectBanner: false });
  assert.deepEqual(
    whole.map((m) => m.kind),
    ['follows', 'follows', 'follows', 'event'],
  );
  assert.deepEqual(whole[0].output, ['Channel              Location             State   Application(Data)', '', 'Response: not a header here', '0 active channels']);
  assert.deepEqual(whole[1].output, ['Asterisk 11.25.3 built by root']);
  // A marker followed by more output is output; the message ends at a marker line followed by a blank line.
  assert.deepEqual(whole[2].output, ['echo --END COMMAND--', 'still output', '']);
  const [first] = decodeMessages(bytes, { expectBanner: false });
  assert.equal(first.get('ActionID'), 'cmd-1');
  assert.equal(first.get('privilege'), 'Command');
  assert.equal(first.getAll('Output').length, 4, 'output lines are served as Output headers too');
  for (let split = 0; split <= bytes.length; split++) {
    assert.deepEqual(decodeChunks([bytes.subarray(0, split), bytes.subarray(split)], {}, { expectBanner: false }), whole, `split at ${split}`);
  }
  assert.deepEqual(decodeChunks(byteByByte(bytes), {}, { expectBanner: false }), whole);
});

test('limits: an oversized message fails with message-too-large before the buffer grows past the cap', () => {
  const limit = 64 * 1024;
  const decoder = new AmiDecoder(() => undefined, { maxMessageBytes: limit }, { expectBanner: false });
  const line = Buffer.from(`X-Filler: ${'y'.repeat(1000)}\r\n`);
  let pushed = 0;
  assert.throws(
    () => {
      for (;;) {
        decoder.push(line);
        pushed += line.length;
        if (pushed > limit * 4) assert.fail('decoder kept growing');
      }
    },
    (error: unknown) => error instanceof AmiProtocolError && error.code === 'message-too-large' && error.message.includes(String(limit)),
  );
  assert.ok(pushed <= limit, `failed after ${pushed} bytes`);
  // One huge line without any line end is bounded too.
  const lineDecoder = new AmiDecoder(() => undefined, { maxMessageBytes: limit });
  assert.throws(() => {
    for (let k = 0; k < 100; k++) lineDecoder.push(Buffer.alloc(4096, 0x41));
  }, /exceeded 65536 bytes/);
  // A complete oversized message in one chunk fails as well.
  const big = Buffer.from(`Event: Big\r\nData: ${'z'.repeat(2000)}\r\n\r\n`);
  assert.throws(() => new AmiDecoder(() => undefined, { maxMessageBytes: 1000 }, { expectBanner: false }).push(big), /exceeded 1000 bytes/);
});

test('limits: too many header lines fails with too-many-headers; messages before it are delivered', () => {
  const received: string[] = [];
  const decoder = new AmiDecoder((m) => received.push(m.get('Event') ?? ''), { maxHeaders: 10 }, { expectBanner: false });
  const ok = `Event: Ok\r\n${'H: v\r\n'.repeat(9)}\r\n`;
  const tooMany = `Event: TooMany\r\n${'H: v\r\n'.repeat(10)}\r\n`;
  assert.throws(
    () => decoder.push(Buffer.from(ok + tooMany)),
    (error: unknown) => error instanceof AmiProtocolError && error.code === 'too-many-headers',
  );
  assert.deepEqual(received, ['Ok']);
  assert.throws(() => decoder.end(), AmiProtocolError);
});

test('end(): a message cut off by the end of the stream is reported, trailing blank lines are not', () => {
  const cut = new AmiDecoder(() => undefined);
  cut.push(Buffer.from('Asterisk Call Manager/12.0.0\r\nResponse: Success\r\nMessage: half'));
  assert.throws(
    () => cut.end(),
    (error: unknown) => error instanceof AmiProtocolError && error.code === 'truncated' && /Response: Success/.test(error.message),
  );
  const clean = new AmiDecoder(() => undefined);
  clean.push(Buffer.from('Asterisk Call Manager/12.0.0\r\nResponse: Goodbye\r\n\r\n\r\n'));
  clean.end();
});

test('an exception thrown by the consumer propagates; decoding resumes on the next push', () => {
  const bytes = Buffer.from('Event: A\r\n\r\nEvent: B\r\n\r\nEvent: C\r\n\r\n');
  const seen: string[] = [];
  const decoder = new AmiDecoder(
    (m) => {
      seen.push(m.get('Event') ?? '');
      if (m.get('Event') === 'A') throw new Error('consumer bug');
    },
    {},
    { expectBanner: false },
  );
  assert.throws(() => decoder.push(bytes), /consumer bug/);
  decoder.push(Buffer.from('Event: D\r\n\r\n'));
  assert.deepEqual(seen, ['A', 'B', 'C', 'D']);
});

test('accepts plain Uint8Array chunks', () => {
  const out: string[] = [];
  const decoder = new AmiDecoder((m) => out.push(`${m.kind}:${m.get('Event') ?? ''}`));
  decoder.push(new TextEncoder().encode('Asterisk Call Manager/12.0.0\r\nEvent: A\r\n'));
  decoder.push(new Uint8Array([13, 10]));
  decoder.end();
  assert.deepEqual(out, ['banner:', 'event:A']);
});

test('messages stay valid after later pushes reuse or replace the buffers', () => {
  const kept: AmiMessage[] = [];
  const decoder = new AmiDecoder((m) => kept.push(m), { maxHeaders: 50 }, { expectBanner: false });
  const expected: string[] = [];
  let stream = '';
  for (let k = 0; k < 3000; k++) {
    const value = `value-${k}-${'x'.repeat(k % 37)}`;
    expected.push(value);
    stream += `Event: E${k}\r\nUniqueid: ${value}\r\n${'Pad: p\r\n'.repeat(k % 7)}\r\n`;
  }
  const bytes = Buffer.from(stream);
  for (let at = 0; at < bytes.length; at += 777) decoder.push(bytes.subarray(at, at + 777));
  decoder.end();
  assert.deepEqual(
    kept.map((m) => m.get('uniqueid')),
    expected,
  );
});

/** Deterministic PRNG (mulberry32) so a fuzz failure can be replayed. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Messages and the error (if any) from decoding `chunks`. */
function decodeOutcome(chunks: Buffer[], limits: Partial<DecoderLimits>, options: DecoderOptions): { messages: Snapshot[]; failed: boolean } {
  const messages: Snapshot[] = [];
  const decoder = new AmiDecoder((m) => messages.push(snapshot(m)), limits, options);
  try {
    for (const chunk of chunks) decoder.push(chunk);
    decoder.end();
    return { messages, failed: false };
  } catch (error) {
    if (!(error instanceof AmiProtocolError)) throw error;
    return { messages, failed: true };
  }
}

test('fuzz: hostile bytes at random splits never throw anything but AmiProtocolError, and never hang', () => {
  const pieces = [
    'Event: X\r\n', 'Response: Follows\r\n', '--END COMMAND--', '\r\n', '\n', '\r', '\0', '\x1b[31m', '\ufeff',
    '\u2028', ':', ': ', 'Asterisk Call Manager/12.0.0\r\n', 'Output: \r\n', 'K: \xff\xfe\r\n', 'H'.repeat(3000),
  ];
  for (let seed = 1; seed <= 300; seed++) {
    const next = random(seed);
    const parts: Buffer[] = [];
    for (let k = 0; k < 40; k++) {
      if (next() < 0.3) {
        const length = Math.floor(next() * 200);
        parts.push(Buffer.from(Array.from({ length }, () => Math.floor(next() * 256))));
      } else {
        parts.push(Buffer.from(pieces[Math.floor(next() * pieces.length)], 'utf8'));
      }
    }
    const bytes = Buffer.concat(parts);
    // Differential: random chunking gives the same messages (and fails or not) as one chunk.
    const limits = { maxMessageBytes: 4096, maxHeaders: 64 };
    const options = { expectBanner: seed % 2 === 0 };
    const whole = decodeOutcome([bytes], limits, options);
    const chunks: Buffer[] = [];
    for (let at = 0; at < bytes.length; ) {
      const size = 1 + Math.floor(next() * 100);
      chunks.push(bytes.subarray(at, at + size));
      at += size;
    }
    const split = decodeOutcome(chunks, limits, options);
    assert.equal(split.failed, whole.failed, `seed ${seed}: failure differs`);
    assert.deepEqual(split.messages, whole.messages, `seed ${seed}: messages differ`);
    const decoder = new AmiDecoder(
      (m) => {
        m.headers();
        m.get('Event');
        m.getAll('Output');
        void m.raw;
      },
      { maxMessageBytes: 4096, maxHeaders: 64 },
      { expectBanner: seed % 2 === 0 },
    );
    try {
      let at = 0;
      while (at < bytes.length) {
        const size = 1 + Math.floor(next() * 300);
        decoder.push(bytes.subarray(at, at + size));
        at += size;
      }
      decoder.end();
    } catch (error) {
      if (!(error instanceof AmiProtocolError)) throw error;
    }
  }
});
