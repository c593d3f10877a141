/**
 * The fake AMI server against the real captures: it must answer the recorded requests with the recorded bytes.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import { FIXTURE_CAPTURES_DIR, RequestReader, loadCaptures, parseTimeline } from './captureIndex';
import { FakeAmiServer } from './fakeAmiServer';
import { ReplyTemplate } from './replyTemplate';
import { messageHeads, rawConnect } from './helpers';

const SHARED_CAPTURES = join(__dirname, '..', '..', '..', 'shared', 'ami-captures');
const BENCH_FILE = join(__dirname, '..', '..', '..', 'shared', 'bench', 'ami-stream-2000-calls.raw.gz');
const captures = loadCaptures();

/** Sends a scenario's recorded requests (one write per recorded SEND) and returns what came back. */
async function replayScenario(port: number, name: string): Promise<Buffer> {
  const capture = captures.get(name);
  assert.ok(capture, name);
  const client = await rawConnect(port);
  await client.waitFor('Asterisk Call Manager/12.0.0\r\n');
  for (const entry of capture.timeline) {
    if (entry.dir !== 'SEND') continue;
    client.socket.write(capture.sent.subarray(entry.off, entry.off + entry.len));
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  const closed = await client.closed(capture.timeline.some((e) => e.dir === 'SEND') ? 5000 : 200);
  if (!closed) client.socket.destroy();
  return client.received();
}

describe('capture fixtures', () => {
  it('are byte-identical to ../shared/ami-captures (when present)', (t) => {
    if (!existsSync(SHARED_CAPTURES)) return t.skip('../shared/ami-captures is not here');
    const shared = readdirSync(SHARED_CAPTURES).filter((f) => /^\d.*\.txt$/.test(f)).sort();
    const copied = readdirSync(FIXTURE_CAPTURES_DIR).sort();
    assert.deepEqual(copied, shared);
    for (const file of shared) {
      assert.ok(readFileSync(join(FIXTURE_CAPTURES_DIR, file)).equals(readFileSync(join(SHARED_CAPTURES, file))), file);
    }
  });

  it('pair every recorded request that got an answer with its response', () => {
    assert.equal(captures.size, 33);
    let paired = 0;
    for (const capture of captures.values()) {
      for (const exchange of capture.exchanges) {
        if (exchange.actionId !== undefined && capture.messages.some((m) => m.fields.get('ActionID') === exchange.actionId)) {
          assert.ok(exchange.reply.length > 0, `${capture.name} ${exchange.actionId}`);
          assert.equal(exchange.reply[0].kind, 'response');
          paired++;
        }
      }
    }
    assert.ok(paired > 100, `paired ${paired}`);
    const list = captures.get('19-coreshowchannels-live')!.exchanges.find((e) => e.actionId === 'csc-live')!;
    assert.deepEqual(
      list.reply.map((m) => m.fields.lines[0]),
      ['Response: Success', 'Event: CoreShowChannel', 'Event: CoreShowChannel', 'Event: CoreShowChannelsComplete'],
    );
  });

  it('reads the .meta.txt timelines', () => {
    const timeline = parseTimeline(readFileSync(join(FIXTURE_CAPTURES_DIR, '28-pipelined-and-split-writes.meta.txt'), 'utf8'));
    assert.deepEqual(timeline[0], { t: 0.001, dir: 'RECV', off: 0, len: 30 });
    assert.equal(timeline.filter((e) => e.dir === 'SEND').length, 9);
    assert.deepEqual(timeline[timeline.length - 1], { t: 1.203, dir: 'EOF', off: 802, len: 0 });
  });
});

describe('reply templates', () => {
  it('cut answers at the recorded read boundaries and keep the recorded delays', () => {
    const p1 = captures.get('28-pipelined-and-split-writes')!.exchanges.find((e) => e.actionId === 'p1')!;
    const writes = new ReplyTemplate(p1).render({ actionId: 'mine', allowEvent: () => true });
    // Asterisk's first read after the pipelined write was 19 bytes: "Response: Success\r\n".
    assert.deepEqual(writes.map((w) => w.data.toString()), ['Response: Success\r\n', 'ActionID: mine\r\nPing: Pong\r\nTimestamp: 1795393229.652121\r\n\r\n']);

    const originate = captures.get('16-originate-local-exten-async')!.exchanges.find((e) => e.actionId === 'orig-1')!;
    const stream = new ReplyTemplate(originate).render({ actionId: undefined, allowEvent: () => true });
    assert.equal(stream[0].data.toString(), 'Response: Success\r\nMessage: Originate successfully queued\r\n\r\n');
    assert.deepEqual([...new Set(stream.map((w) => w.delayMs))], [0, 502, 1503]);
    assert.equal(Buffer.concat(stream.slice(1).map((w) => w.data)).toString().includes('ActionID: orig-1'), false);
  });
});

describe('RequestReader (Asterisk-like request framing)', () => {
  it('accepts LF-only lines, no space after the colon, and requests split anywhere', () => {
    const bytes = Buffer.from('Action:Ping\r\nActionID: a\r\n\r\nAction: Ping\nActionID: lf\n\n\r\n');
    for (let split = 0; split <= bytes.length; split++) {
      const reader = new RequestReader();
      const requests = [...reader.push(bytes.subarray(0, split)), ...reader.push(bytes.subarray(split))];
      assert.equal(requests.length, 3, `split ${split}`);
      assert.equal(requests[0].get('action'), 'Ping');
      assert.equal(requests[1].get('ActionID'), 'lf');
      assert.equal(requests[2].lines.length, 0);
    }
  });
});

describe('fake AMI server (interactive)', () => {
  let server: FakeAmiServer;
  let port: number;
  before(async () => {
    server = new FakeAmiServer({ timeScale: 0 });
    port = await server.start();
  });
  after(() => server.stop());

  // Scenarios whose every answer comes from the same recording: the bytes must match exactly.
  const identical = [
    '01-banner', '02-login-plaintext', '04-login-wrong-password', '04b-login-unknown-user', '05-not-authenticated',
    '06-ping', '07-coresettings', '08-corestatus', '09-listcommands', '09b-listcommands-ro-user',
    '10-coreshowchannels-empty', '11-command-core-show-version', '12-command-core-show-channels', '13-command-errors',
    '14-events-eventmask', '19-coreshowchannels-live', '20-status', '21-getvar-setvar', '22-db-put-get-del',
    '23-unknown-action', '24-missing-headers-and-malformed', '26-logoff', '26b-logoff-unauthenticated',
    '28-pipelined-and-split-writes',
  ];
  for (const name of identical) {
    it(`answers ${name}'s requests with its recorded bytes`, async () => {
      const received = await replayScenario(port, name);
      assert.equal(received.toString('latin1'), captures.get(name)!.received.toString('latin1'));
    });
  }

  // Here some values differ (login events from another recording, fresh Uniqueids, timestamps): same messages.
  for (const name of ['15-userevent', '16-originate-local-exten-async', '17-originate-local-app-playback-async', '18-originate-sync-and-failures', '25-permission-denied-ro-user', '27-actionid-echo']) {
    it(`answers ${name}'s requests with the recorded messages`, async () => {
      const received = await replayScenario(port, name);
      assert.deepEqual(messageHeads(received), messageHeads(captures.get(name)!.received));
    });
  }

  it('logs in with MD5 against a fresh challenge, and refuses a wrong key then closes', async () => {
    for (const [secret, expected] of [['devsecret', 'Authentication accepted'], ['wrong', 'Authentication failed']] as const) {
      const client = await rawConnect(port);
      client.socket.write('Action: Challenge\r\nActionID: c\r\nAuthType: MD5\r\n\r\n');
      await client.waitFor('Challenge: ');
      const challenge = /Challenge: (\d+)/.exec(client.received().toString())![1];
      const key = createHash('md5').update(challenge + secret).digest('hex');
      client.socket.write(`Action: Login\r\nActionID: l\r\nAuthType: MD5\r\nUsername: dev\r\nKey: ${key}\r\nEvents: off\r\n\r\n`);
      await client.waitFor(expected);
      if (expected === 'Authentication failed') assert.equal(await client.closed(), true);
      else client.socket.destroy();
    }
  });

  it('denies write actions to the ro user like Asterisk (response and RequestNotAllowed event)', async () => {
    const client = await rawConnect(port);
    client.socket.write('Action: Login\r\nUsername: ro\r\nSecret: rosecret\r\n\r\nAction: Hangup\r\nActionID: h1\r\nChannel: x\r\n\r\nAction: Ping\r\nActionID: p1\r\n\r\n');
    await client.waitFor('ActionID: p1');
    const text = client.received().toString();
    assert.match(text, /Response: Error\r\nActionID: h1\r\nMessage: Permission denied\r\n\r\n/);
    assert.match(text, /Event: RequestNotAllowed\r\n[^]*RequestType: Action: Hangup\r\n/);
    assert.match(text, /Response: Success\r\nActionID: p1\r\nPing: Pong/);
    client.socket.destroy();
  });

  it('answers an action it never recorded exactly like 23-unknown-action, with the action name', async () => {
    const client = await rawConnect(port);
    client.socket.write('Action: Login\r\nUsername: dev\r\nSecret: devsecret\r\nEvents: off\r\n\r\nAction: QueueStatus\r\nActionID: q-1\r\n\r\n');
    await client.waitFor('ActionID: q-1');
    await client.waitFor('commands.\r\n\r\n');
    assert.ok(
      client.received().toString().endsWith(
        'Response: Error\r\nActionID: q-1\r\nMessage: Invalid/unknown command: QueueStatus. Use Action: ListCommands to show available commands.\r\n\r\n',
      ),
    );
    client.socket.destroy();
  });

  it('replays the Originate event stream with fresh Uniqueids and the client ActionID on OriginateResponse', async () => {
    const client = await rawConnect(port);
    client.socket.write('Action: Login\r\nUsername: dev\r\nSecret: devsecret\r\n\r\n');
    client.socket.write('Action: Originate\r\nActionID: my-orig\r\nChannel: Local/100@test\r\nContext: test\r\nExten: 200\r\nPriority: 1\r\nAsync: true\r\n\r\n');
    await client.waitFor('Event: Cdr');
    await client.waitFor('Event: DeviceStateChange\r\nPrivilege: call,all\r\nDevice: Local/100@test\r\nState: NOT_INUSE');
    const text = client.received().toString();
    assert.match(text, /Event: OriginateResponse\r\nPrivilege: call,all\r\nActionID: my-orig\r\nResponse: Success/);
    assert.doesNotMatch(text, /1795393207\.31/);
    client.socket.destroy();
  });

  it('answers a stray blank line and a request without Action like Asterisk', async () => {
    const client = await rawConnect(port);
    client.socket.write('Action: Login\r\nUsername: dev\r\nSecret: devsecret\r\nEvents: off\r\n\r\n\r\nFoo: bar\r\nActionID: x\r\n\r\n');
    await client.waitFor('ActionID: x\r\nMessage: Missing action in request\r\n\r\n');
    assert.match(client.received().toString(), /accepted\r\n\r\nResponse: Error\r\nMessage: Missing action in request\r\n\r\n/);
    client.socket.destroy();
  });
});

describe('fake AMI server (other modes)', () => {
  it('replays one scenario verbatim, whatever is sent, and can stop in the middle of a list', async () => {
    const capture = captures.get('19-coreshowchannels-live')!;
    const full = new FakeAmiServer({ scenario: '19-coreshowchannels-live', timeScale: 0 });
    const fullPort = await full.start();
    const client = await rawConnect(fullPort);
    assert.equal(await client.closed(), true);
    assert.ok(client.received().equals(capture.received));
    await full.stop();

    const cut = capture.received.indexOf('Event: CoreShowChannel\r\n') + 30;
    const truncated = new FakeAmiServer({ scenario: '19-coreshowchannels-live', timeScale: 0, truncateAt: cut });
    const truncatedPort = await truncated.start();
    const client2 = await rawConnect(truncatedPort);
    assert.equal(await client2.closed(), true);
    assert.ok(client2.received().equals(capture.received.subarray(0, cut)));
    await truncated.stop();
  });

  it('streams the bench file after a real login', async (t) => {
    if (!existsSync(BENCH_FILE)) return t.skip('bench file not present');
    const server = new FakeAmiServer({ streamFile: BENCH_FILE, timeScale: 0 });
    const port = await server.start();
    const client = await rawConnect(port);
    try {
      client.socket.write('Action: Login\r\nActionID: l\r\nUsername: dev\r\nSecret: devsecret\r\nEvents: off\r\n\r\n');
      const bench = gunzipSync(readFileSync(BENCH_FILE));
      const tail = bench.subarray(bench.indexOf('\r\n\r\n') + 4);
      await client.waitFor(tail.subarray(tail.length - 200).toString('latin1'), 30_000);
      const received = client.received();
      assert.ok(received.subarray(received.length - tail.length).equals(tail));
    } finally {
      // Also on a timeout: a stream still being written would starve the tests after this one.
      client.socket.destroy();
      await server.stop();
    }
  });

  it('live mode sends recorded call events with fresh ids to logged-in clients', async () => {
    const server = new FakeAmiServer({ liveIntervalMs: 50, timeScale: 0 });
    const port = await server.start();
    const client = await rawConnect(port);
    client.socket.write('Action: Login\r\nUsername: dev\r\nSecret: devsecret\r\nEvents: call\r\n\r\n');
    await client.waitFor('Event: Hangup');
    const text = client.received().toString();
    assert.match(text, /Event: Newchannel\r\nPrivilege: call,all\r\nChannel: Local\/100@test-[0-9a-f]{8};1/);
    assert.doesNotMatch(text, /Event: Newexten/, 'dialplan-class events are filtered by Events: call');
    client.socket.destroy();
    await server.stop();
  });
});
