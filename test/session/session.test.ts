/**
 * AmiSession on its own (no sockets): recorded bytes in through receive(), written bytes collected, time
 * driven by a ManualClock.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { ManualClock } from '../../core/src/session/clock';
import { AmiActionError, AmiConnectError } from '../../core/src/session/errors';
import { EventQueue } from '../../core/src/session/eventQueue';
import { AmiSession, isPermissionDenied, type AmiCredentials, type SessionOptions } from '../../core/src/session/session';
import { loadCaptures } from './captureIndex';
import { ReplyTemplate } from './replyTemplate';

const captures = loadCaptures();
const BANNER = captures.get('01-banner')!.received;

/** The recorded answer to `recordedId` in `captureName`, with the ActionID replaced by `newId`. */
function recorded(captureName: string, recordedId: string, newId: string | undefined, withAsync = false): Buffer {
  const exchange = captures.get(captureName)!.exchanges.find((e) => e.actionId === recordedId);
  assert.ok(exchange, `${captureName} ${recordedId}`);
  const writes = new ReplyTemplate(exchange, [], { includeAsync: withAsync }).render({ actionId: newId, allowEvent: () => true });
  return Buffer.concat(writes.map((w) => w.data));
}

interface Harness {
  session: AmiSession;
  clock: ManualClock;
  written: Buffer[];
  closed: () => boolean;
  logs: string[];
  traces: Array<['in' | 'out', Buffer]>;
  /** The ActionID of the n-th written action (1-based). */
  idOf: (n: number) => string;
  lastWritten: () => string;
}

function harness(credentials: Partial<AmiCredentials> = {}, options: SessionOptions = {}, queue?: EventQueue): Harness {
  const clock = new ManualClock(1_000_000);
  const written: Buffer[] = [];
  let isClosed = false;
  const logs: string[] = [];
  const traces: Array<['in' | 'out', Buffer]> = [];
  const session = new AmiSession(
    { username: 'dev', secret: 'devsecret', events: 'off', ...credentials },
    { write: (data) => written.push(data), close: () => (isClosed = true) },
    { clock, actionIdPrefix: 't', log: (line) => logs.push(line), trace: (d, b) => traces.push([d, b]), ...options },
    queue,
  );
  return {
    session,
    clock,
    written,
    closed: () => isClosed,
    logs,
    traces,
    idOf: (n) => /ActionID: (\S+)/.exec(written[n - 1].toString())![1],
    lastWritten: () => written[written.length - 1].toString(),
  };
}

/** A session logged in with the recorded 10-coreshowchannels-empty login (Events: off). */
async function loggedIn(options: SessionOptions = {}, queue?: EventQueue): Promise<Harness> {
  const h = harness({}, options, queue);
  h.session.receive(BANNER);
  h.session.receive(recorded('10-coreshowchannels-empty', 'login', h.idOf(1)));
  await h.session.ready;
  return h;
}

const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('AmiSession: banner and login', () => {
  it('reads the AMI version from the banner and logs in with a plain secret', async () => {
    const h = harness();
    h.session.receive(BANNER);
    assert.equal(h.session.amiVersion, '12.0.0');
    assert.equal(h.lastWritten(), 'Action: Login\r\nActionID: t-1\r\nUsername: dev\r\nSecret: devsecret\r\nEvents: off\r\n\r\n');
    h.session.receive(recorded('10-coreshowchannels-empty', 'login', 't-1'));
    assert.deepEqual(await h.session.ready, { amiVersion: '12.0.0' });
    assert.equal(h.session.isReady, true);
  });

  it('logs in with MD5: Challenge, then Key = md5(challenge + secret)', async () => {
    const h = harness({ authType: 'md5' });
    h.session.receive(BANNER);
    assert.equal(h.lastWritten(), 'Action: Challenge\r\nActionID: t-1\r\nAuthType: MD5\r\n\r\n');
    h.session.receive(recorded('03-login-md5', 'chal', 't-1'));
    await flush();
    const key = createHash('md5').update('124487494devsecret').digest('hex');
    assert.equal(h.lastWritten(), `Action: Login\r\nActionID: t-2\r\nAuthType: MD5\r\nUsername: dev\r\nKey: ${key}\r\nEvents: off\r\n\r\n`);
    h.session.receive(recorded('03-login-md5', 'login-md5', 't-2'));
    assert.equal((await h.session.ready).amiVersion, '12.0.0');
  });

  for (const [name, id] of [['04-login-wrong-password', 'badlogin'], ['04b-login-unknown-user', 'nouser'], ['03b-login-md5-wrong-key', 'login-md5-bad']] as const) {
    it(`fails with auth-failed on ${name} and closes`, async () => {
      const h = harness({ authType: name.startsWith('03b') ? 'md5' : 'plain' });
      h.session.receive(BANNER);
      if (name.startsWith('03b')) {
        h.session.receive(recorded(name, 'chal', 't-1'));
        await flush();
      }
      h.session.receive(recorded(name, id, h.idOf(h.written.length)));
      await assert.rejects(h.session.ready, (error: AmiConnectError) => {
        assert.equal(error.code, 'auth-failed');
        assert.equal(error.retryable, false);
        assert.match(error.message, /Login as "dev" failed \(Authentication failed\): check the username and secret/);
        return true;
      });
      assert.equal(h.closed(), true);
    });
  }

  it('refuses a peer that does not greet like Asterisk', async () => {
    const h = harness();
    h.session.receive(Buffer.from('SSH-2.0-OpenSSH_9.6\r\n'));
    await assert.rejects(h.session.ready, (error: AmiConnectError) => error.code === 'protocol' && /check the host and port/.test(error.message));
    assert.equal(h.closed(), true);
  });

  it('closes with a clear error when a message exceeds the size cap, failing what is pending', async () => {
    const h = await loggedIn({ limits: { maxMessageBytes: 4096 } });
    let reason: AmiConnectError | undefined;
    h.session.onClosed((r) => (reason = r));
    const pending = h.session.send([['Action', 'Ping']]);
    h.session.receive(Buffer.from(`Event: UserEvent\r\nUserEvent: Big\r\nData: ${'x'.repeat(8000)}\r\n\r\n`));
    assert.equal(reason?.code, 'protocol');
    assert.match(reason.message, /cannot read/);
    assert.equal(h.closed(), true);
    await assert.rejects(pending, (error: AmiActionError) => error.code === 'disconnected');
    assert.equal(h.session.pendingCount, 0);
  });

  it('times out a login that gets no banner', async () => {
    const h = harness({}, { loginTimeoutMs: 5000 });
    h.clock.advance(5000);
    await assert.rejects(h.session.ready, (error: AmiConnectError) => error.code === 'timeout' && /No AMI banner within 5 s/.test(error.message));
  });

  it('reports a close before the login finished', async () => {
    const h = harness();
    h.session.receive(BANNER);
    h.session.transportClosed();
    await assert.rejects(h.session.ready, (error: AmiConnectError) => error.code === 'closed' && /before the login finished/.test(error.message));
    assert.equal(h.session.pendingCount, 0);
  });
});

describe('AmiSession: actions', () => {
  it('sends its own ActionID, keeps the user one visible, and resolves with the response', async () => {
    const h = await loggedIn();
    const sent = h.session.send([['Action', 'Ping'], ['ActionID', 'ping-42']]);
    assert.equal(h.lastWritten(), 'Action: Ping\r\nActionID: t-2\r\n\r\n');
    h.session.receive(recorded('06-ping', 'ping-1', 't-2'));
    const result = await sent;
    assert.equal(result.actionId, 't-2');
    assert.equal(result.userActionId, 'ping-42');
    assert.equal(result.success, true);
    assert.equal(result.response.get('Ping'), 'Pong');
    assert.equal(h.session.aliasOf('t-2'), 'ping-42');
    assert.equal(h.session.pendingCount, 0);
  });

  it('resolves a list with its items and checks ListItems', async () => {
    const h = await loggedIn();
    const live = h.session.send([['Action', 'CoreShowChannels']]);
    const empty = h.session.send([['Action', 'CoreShowChannels']]);
    h.session.receive(recorded('19-coreshowchannels-live', 'csc-live', 't-2'));
    h.session.receive(recorded('10-coreshowchannels-empty', 'csc-empty', 't-3'));
    const [a, b] = await Promise.all([live, empty]);
    assert.equal(a.events.length, 2);
    assert.deepEqual(a.events.map((e) => e.get('Event')), ['CoreShowChannel', 'CoreShowChannel']);
    assert.equal(a.complete?.get('Event'), 'CoreShowChannelsComplete');
    assert.equal(a.listStatus, 'complete');
    assert.equal(a.warning, undefined);
    assert.equal(b.events.length, 0);
    assert.equal(b.complete?.get('ListItems'), '0');
    assert.equal(h.session.pendingCount, 0);
  });

  it('warns when ListItems disagrees, and handles a cancelled list', async () => {
    const h = await loggedIn();
    const sent = h.session.send([['Action', 'Status']]);
    const bytes = recorded('20-status', 'st-all', 't-2').toString('latin1').replace('ListItems: 2', 'ListItems: 3');
    h.session.receive(Buffer.from(bytes, 'latin1'));
    const result = await sent;
    assert.equal(result.warning, 'ListItems says 3 but 2 item(s) arrived.');

    const cancelled = h.session.send([['Action', 'Status']]);
    h.session.receive(Buffer.from('Response: Success\r\nActionID: t-3\r\nEventList: start\r\n\r\nEvent: StatusComplete\r\nActionID: t-3\r\nEventList: cancelled\r\n\r\n'));
    assert.equal((await cancelled).listStatus, 'cancelled');
  });

  it('resolves Error responses (permission denied, Command errors) with success false', async () => {
    const h = await loggedIn();
    const denied = h.session.send([['Action', 'CoreStatus']]);
    const command = h.session.send([['Action', 'Command'], ['Command', 'this is not a cli command']]);
    h.session.receive(recorded('25-permission-denied-ro-user', 'ro-corestatus', 't-2', true));
    h.session.receive(recorded('13-command-errors', 'cmd-bad', 't-3'));
    const a = await denied;
    assert.equal(a.success, false);
    assert.equal(isPermissionDenied(a.response), true);
    const b = await command;
    assert.equal(b.success, false);
    assert.match(b.response.getAll('Output')[0], /^No such command 'this is not a cli command'/);
    assert.deepEqual(h.session.events.drain().map((e) => e.get('Event')), ['RequestNotAllowed']);
  });

  it('keeps every Output line of Command output', async () => {
    const h = await loggedIn();
    const sent = h.session.send([['Action', 'Command'], ['Command', 'core show channels']]);
    h.session.receive(recorded('12-command-core-show-channels', 'cmd-ch-live', 't-2'));
    const result = await sent;
    assert.equal(result.success, true);
    assert.ok(result.response.getAll('Output').length >= 3);
  });

  it('accepts the legacy Response: Follows command framing (Asterisk before 14)', async () => {
    const h = await loggedIn();
    const sent = h.session.send([['Action', 'Command'], ['Command', 'core show uptime']]);
    // Framing from docs/protocol.md (older servers): raw output lines, then --END COMMAND--.
    h.session.receive(Buffer.from('Response: Follows\r\nPrivilege: Command\r\nActionID: t-2\r\nSystem uptime: 5 minutes\r\n\r\nLast reload: 1 minute\r\n--END COMMAND--\r\n\r\n'));
    const result = await sent;
    assert.equal(result.success, true);
    assert.equal(result.response.kind, 'follows');
    assert.deepEqual(result.response.output, ['System uptime: 5 minutes', '', 'Last reload: 1 minute']);
  });

  it('pairs pipelined answers by ActionID, and an answer without ActionID with the oldest pending action', async () => {
    const h = await loggedIn();
    const actions = ['Ping', 'CoreStatus', 'NoSuchThing', 'Getvar', 'Ping'].map((action) => h.session.send([['Action', action]]));
    const recordedIds = ['p1', 'p2', 'p3', 'p4', 'p5'];
    const bytes = Buffer.concat(recordedIds.map((id, k) => recorded('28-pipelined-and-split-writes', id, `t-${k + 2}`)));
    // Answers in a different order than sent, and the last one without ActionID.
    const noId = Buffer.from(bytes.toString('latin1').replace('ActionID: t-2\r\n', ''), 'latin1');
    h.session.receive(noId);
    const results = await Promise.all(actions);
    assert.deepEqual(results.map((r) => r.success), [true, true, false, true, true]);
    assert.equal(results[0].response.get('Ping'), 'Pong');
    assert.equal(results[2].response.get('Message')?.startsWith('Invalid/unknown command: NoSuchThing'), true);
  });

  it('decodes answers split at every byte boundary', async () => {
    const bytes = recorded('19-coreshowchannels-live', 'csc-live', 't-2');
    for (let split = 1; split < bytes.length; split += 7) {
      const h = await loggedIn();
      const sent = h.session.send([['Action', 'CoreShowChannels']]);
      h.session.receive(bytes.subarray(0, split));
      h.session.receive(bytes.subarray(split));
      assert.equal((await sent).events.length, 2, `split at ${split}`);
    }
    const h = await loggedIn();
    const sent = h.session.send([['Action', 'CoreShowChannels']]);
    for (let k = 0; k < bytes.length; k++) h.session.receive(bytes.subarray(k, k + 1));
    assert.equal((await sent).events.length, 2);
  });

  it('routes events and unmatched responses to the event stream', async () => {
    const h = await loggedIn();
    const seen: string[] = [];
    h.session.onEvent((event) => seen.push(event.get('Event') ?? `response ${event.get('ActionID')}`));
    const sent = h.session.send([['Action', 'Originate'], ['Channel', 'Local/100@test'], ['Async', 'true'], ['ActionID', 'orig-1']]);
    h.session.receive(recorded('16-originate-local-exten-async', 'orig-1', 't-2', true));
    h.session.receive(Buffer.from('Response: Success\r\nActionID: nobody\r\nPing: Pong\r\n\r\n'));
    assert.equal((await sent).success, true);
    assert.ok(seen.includes('OriginateResponse'));
    assert.equal(seen.length, 36);
    assert.equal(seen[35], 'response nobody');
    const originateResponse = h.session.events.drain().find((e) => e.get('Event') === 'OriginateResponse')!;
    assert.equal(originateResponse.get('ActionID'), 't-2');
    assert.equal(h.session.aliasOf('t-2'), 'orig-1');
  });

  it('refuses headers that would break the message, naming the header', async () => {
    const h = await loggedIn();
    await assert.rejects(h.session.send([['Action', 'Setvar'], ['Value', 'a\r\nAction: Shutdown']]), (error: AmiActionError) => {
      assert.equal(error.code, 'encode');
      assert.match(error.message, /'Value'/);
      return true;
    });
    assert.equal(h.written.length, 1, 'nothing written');
    assert.equal(h.session.pendingCount, 0);
  });

  it('times out an action, forgets it, and passes a late answer to the event stream', async () => {
    const h = await loggedIn({ actionTimeoutMs: 3000 });
    const sent = h.session.send([['Action', 'Ping']]);
    h.clock.advance(2999);
    assert.equal(h.session.pendingCount, 1);
    h.clock.advance(1);
    await assert.rejects(sent, (error: AmiActionError) => error.code === 'timeout' && /no response within 3 s/.test(error.message));
    assert.equal(h.session.pendingCount, 0);
    h.session.receive(recorded('06-ping', 'ping-1', 't-2'));
    assert.equal(h.session.events.size, 1);
  });

  it('keeps at most maxInFlight actions on the wire; the rest wait in order', async () => {
    const h = await loggedIn({ maxInFlight: 2 });
    const sends = [1, 2, 3, 4].map(() => h.session.send([['Action', 'Ping']]));
    assert.equal(h.written.length, 3);
    h.session.receive(recorded('06-ping', 'ping-1', 't-2'));
    assert.equal(h.written.length, 4);
    assert.equal(h.idOf(4), 't-4');
    h.session.receive(Buffer.concat(['t-3', 't-4'].map((id) => recorded('06-ping', 'ping-1', id))));
    h.session.receive(recorded('06-ping', 'ping-1', 't-5'));
    assert.equal((await Promise.all(sends)).length, 4);
    assert.equal(h.session.pendingCount, 0);
  });
});

describe('AmiSession: disconnects, keepalive, shutdown', () => {
  it('fails a list action cut by a close, with what arrived, and leaks nothing', async () => {
    const h = await loggedIn();
    const sent = h.session.send([['Action', 'CoreShowChannels']]);
    const other = h.session.send([['Action', 'Ping']]);
    const bytes = recorded('19-coreshowchannels-live', 'csc-live', 't-2');
    h.session.receive(bytes.subarray(0, bytes.indexOf('Event: CoreShowChannel\r\n', 100) + 10));
    h.session.transportClosed();
    await assert.rejects(sent, (error: AmiActionError) => {
      assert.equal(error.code, 'disconnected');
      assert.match(error.message, /CoreShowChannels \(ActionID t-2\) failed while its list was arriving \(1 item\(s\) so far\): The server closed the connection\. It was not retried\./);
      return true;
    });
    await assert.rejects(other, (error: AmiActionError) => error.code === 'disconnected');
    assert.equal(h.session.pendingCount, 0);
    assert.equal(h.clock.pendingTimers, 0);
    await assert.rejects(h.session.send([['Action', 'Ping']]), (error: AmiActionError) => error.code === 'not-connected');
  });

  it('pings after silence and declares the link dead when Pong does not come', async () => {
    const h = await loggedIn({ keepaliveIntervalMs: 20_000, keepaliveTimeoutMs: 10_000 });
    let reason: AmiConnectError | undefined;
    h.session.onClosed((r) => (reason = r));
    h.clock.advance(20_000);
    assert.equal(h.lastWritten(), 'Action: Ping\r\nActionID: t-2\r\n\r\n');
    h.session.receive(recorded('06-ping', 'ping-1', 't-2'));
    await flush();
    h.clock.advance(19_999);
    assert.equal(h.written.length, 2, 'no ping while data flowed recently');
    h.clock.advance(1);
    assert.equal(h.written.length, 3);
    h.clock.advance(10_000);
    await flush();
    assert.equal(reason?.code, 'dead-link');
    assert.match(reason.message, /no answer to the keepalive Ping within 10 s/);
    assert.equal(h.closed(), true);
  });

  it('reports Event: Shutdown as the reason of the following close', async () => {
    const h = await loggedIn();
    let reason: AmiConnectError | undefined;
    h.session.onClosed((r) => (reason = r));
    // Shape from `manager show event Shutdown` (../shared/ami-captures/manager-show-event/Shutdown.txt).
    h.session.receive(Buffer.from('Event: Shutdown\r\nPrivilege: system,all\r\nShutdown: Cleanly\r\nRestart: True\r\n\r\n'));
    h.session.transportClosed();
    assert.equal(reason?.code, 'shutdown');
    assert.equal(reason?.retryable, true);
  });

  it('treats a Logoff sent as an action as a clean end, not a lost connection', async () => {
    const h = await loggedIn();
    let closedWith: AmiConnectError | undefined | 'open' = 'open';
    h.session.onClosed((r) => (closedWith = r));
    const goodbye = h.session.send([['Action', 'Logoff']]);
    h.session.receive(recorded('26-logoff', 'logoff-1', 't-2'));
    assert.equal((await goodbye).response.get('Response'), 'Goodbye');
    h.session.transportClosed();
    assert.equal(closedWith, undefined);
  });

  it('logs off: Goodbye, then closed without a reason', async () => {
    const h = await loggedIn();
    let closedWith: AmiConnectError | undefined | 'open' = 'open';
    h.session.onClosed((r) => (closedWith = r));
    const done = h.session.logoff();
    assert.equal(h.lastWritten(), 'Action: Logoff\r\nActionID: t-2\r\n\r\n');
    h.session.receive(recorded('26-logoff', 'logoff-1', 't-2'));
    await done;
    assert.equal(closedWith, undefined);
    assert.equal(h.closed(), true);
  });
});

describe('AmiSession: event queue and redaction', () => {
  it('never stops reading: a full queue drops the oldest events and counts them', async () => {
    const queue = new EventQueue(5);
    const h = await loggedIn({}, queue);
    let readable = 0;
    queue.onReadable(() => readable++);
    h.session.receive(recorded('16-originate-local-exten-async', 'orig-1', 'x', true).subarray(0));
    // 36 events arrived (the response has an unknown ActionID here and is an event too).
    assert.equal(queue.size, 5);
    assert.equal(queue.dropped, 31);
    assert.equal(readable, 1);
    const kept = queue.drain();
    assert.equal(kept[kept.length - 1].get('Event'), 'DeviceStateChange');
    assert.equal(queue.size, 0);
  });

  it('a queue of capacity 0 keeps nothing (events only through onEvent)', async () => {
    const queue = new EventQueue(0);
    const h = await loggedIn({}, queue);
    let seen = 0;
    h.session.onEvent(() => seen++);
    h.session.receive(recorded('16-originate-local-exten-async', 'orig-1', 'x', true));
    assert.equal(seen, 36);
    assert.equal(queue.size, 0);
    assert.equal(queue.dropped, 0);
    assert.throws(() => new EventQueue(-1), /integer >= 0/);
  });

  it('redacts Secret and Key in logs and traces', async () => {
    const plain = await loggedIn();
    const md5 = harness({ authType: 'md5' });
    md5.session.receive(BANNER);
    md5.session.receive(recorded('03-login-md5', 'chal', 't-1'));
    await flush();
    for (const h of [plain, md5]) {
      const text = h.logs.join('\n') + h.traces.map(([, b]) => b.toString()).join('');
      assert.doesNotMatch(text, /devsecret/);
      assert.doesNotMatch(text, /Key: [0-9a-f]{32}/);
      assert.match(text, /(Secret|Key): \*{8}/);
      assert.ok(h.written.some((b) => /Secret: devsecret|Key: [0-9a-f]{32}/.test(b.toString())), 'the wire itself has the secret');
    }
    assert.ok(plain.traces.some(([d, b]) => d === 'in' && b.includes('Authentication accepted')));
  });
});
