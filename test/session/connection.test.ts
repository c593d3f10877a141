/**
 * AmiConnection's reconnect policy with a fake transport and a ManualClock: jittered backoff capped at 60 s,
 * one attempt at a time, no reconnect after an authentication failure, nothing replayed.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { backoffDelay } from '../../core/src/session/backoff';
import { ManualClock } from '../../core/src/session/clock';
import { AmiConnection, type ConnectionOptions, type ConnectionState, type TransportHandlers } from '../../core/src/session/connection';
import { AmiActionError, AmiConnectError } from '../../core/src/session/errors';
import { loadCaptures } from './captureIndex';

const captures = loadCaptures();
const received = (name: string): Buffer => captures.get(name)!.received;
const BANNER = received('01-banner');
/** 10-coreshowchannels-empty's Login answer, with the ActionID our session will generate (c-1). */
const LOGIN_OK = Buffer.from(
  received('10-coreshowchannels-empty').subarray(30, 102).toString('latin1').replace('ActionID: login', 'ActionID: c-1'),
  'latin1',
);
const LOGIN_FAILED = Buffer.from(
  received('04-login-wrong-password').subarray(30).toString('latin1').replace('ActionID: badlogin', 'ActionID: c-1'),
  'latin1',
);

interface FakeLink {
  handlers: TransportHandlers;
  written: Buffer[];
  closed: boolean;
}

function setup(options: Partial<ConnectionOptions> = {}, random = () => 0.5) {
  const clock = new ManualClock(0);
  const links: FakeLink[] = [];
  const states: ConnectionState[] = [];
  const connection = new AmiConnection({
    credentials: { username: 'dev', secret: 'devsecret', events: 'off' },
    clock,
    random,
    actionIdPrefix: 'c',
    keepaliveIntervalMs: 0,
    transport: (handlers) => {
      const link: FakeLink = { handlers, written: [], closed: false };
      links.push(link);
      return {
        write: (data) => link.written.push(data),
        close: () => {
          if (link.closed) return;
          link.closed = true;
          handlers.onClose();
        },
      };
    },
    ...options,
  });
  connection.onState((state) => states.push(state));
  /** The newest link opens, greets and accepts the login. */
  const accept = (): void => {
    const link = links[links.length - 1];
    link.handlers.onOpen();
    link.handlers.onData(BANNER);
    link.handlers.onData(LOGIN_OK);
  };
  const refuse = (): void => {
    const link = links[links.length - 1];
    link.handlers.onError(new AmiConnectError('Connection refused by 127.0.0.1:5038: check...', 'refused'));
    link.closed = true;
    link.handlers.onClose();
  };
  return { clock, links, states, connection, accept, refuse };
}

const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('backoffDelay', () => {
  it('doubles from 1 s with equal jitter and never exceeds 60 s', () => {
    assert.deepEqual([0, 1, 2, 3].map((n) => backoffDelay(n, () => 0)), [500, 1000, 2000, 4000]);
    assert.deepEqual([0, 1, 2, 3].map((n) => backoffDelay(n, () => 1)), [1000, 2000, 4000, 8000]);
    for (let attempt = 0; attempt < 200; attempt++) {
      const delay = backoffDelay(attempt, Math.random);
      assert.ok(delay <= 60_000 && delay >= Math.min(30_000, 500 * 2 ** attempt), `attempt ${attempt}: ${delay}`);
    }
    assert.equal(backoffDelay(50, () => 1), 60_000);
    assert.equal(backoffDelay(50, () => 0), 30_000);
  });
});

describe('AmiConnection', () => {
  it('connects, reports the AMI version, and sends', async () => {
    const { connection, accept, states, links } = setup();
    connection.start();
    accept();
    await flush();
    assert.deepEqual(states, [{ kind: 'connecting', attempt: 0 }, { kind: 'connected', amiVersion: '12.0.0' }]);
    const ping = connection.send([['Action', 'Ping']]);
    assert.equal(links[0].written[1].toString(), 'Action: Ping\r\nActionID: c-2\r\n\r\n');
    links[0].handlers.onData(Buffer.from('Response: Success\r\nActionID: c-2\r\nPing: Pong\r\n\r\n'));
    assert.equal((await ping).success, true);
  });

  it('retries refused connections with growing jittered delays capped at 60 s, one attempt at a time', async () => {
    const { connection, clock, links, states, refuse, accept } = setup({}, () => 0.5);
    connection.start();
    const delays: number[] = [];
    for (let k = 0; k < 10; k++) {
      refuse();
      const state = connection.state;
      assert.equal(state.kind, 'retrying');
      if (state.kind !== 'retrying') return;
      delays.push(state.inMs);
      assert.match(state.reason, /Connection refused/);
      assert.equal(clock.pendingTimers, 1, 'exactly one timer: the retry');
      clock.advance(state.inMs - 1);
      assert.equal(links.length, k + 1, 'no attempt before the delay');
      clock.advance(1);
      assert.equal(links.length, k + 2, 'one new attempt');
    }
    assert.deepEqual(delays, [750, 1500, 3000, 6000, 12_000, 24_000, 45_000, 45_000, 45_000, 45_000]);
    // While an attempt is in progress (up to its connect timeout), nothing else starts.
    clock.advance(9_999);
    assert.equal(links.length, 11);
    assert.equal(connection.state.kind, 'connecting');
    accept();
    await flush();
    assert.equal(connection.state.kind, 'connected');
    // After a link that stayed up 30 s the backoff starts again from the beginning.
    clock.advance(30_000);
    links[10].closed = true;
    links[10].handlers.onClose();
    const state = connection.state as ConnectionState;
    assert.equal(state.kind === 'retrying' && state.inMs, 750);
    assert.ok(states.some((s) => s.kind === 'connected'));
  });

  it('a server that drops every link 1 s after login: the backoff keeps growing (reset only after a stable link)', async () => {
    const { connection, clock, links, accept } = setup({}, () => 0.5);
    connection.start();
    const delays: number[] = [];
    let elapsed = 0;
    while (elapsed < 600_000) {
      accept();
      await flush();
      assert.equal(connection.state.kind, 'connected');
      clock.advance(1000);
      const link = links[links.length - 1];
      link.closed = true;
      link.handlers.onClose();
      const state = connection.state as ConnectionState;
      assert.equal(state.kind, 'retrying');
      if (state.kind !== 'retrying') return;
      delays.push(state.inMs);
      clock.advance(state.inMs);
      elapsed += 1000 + state.inMs;
    }
    assert.deepEqual(delays.slice(0, 7), [750, 1500, 3000, 6000, 12_000, 24_000, 45_000]);
    // Before the fix every delay was 750 ms: ~36 logins a minute. Now at most ~1.3 a minute once capped.
    const logins = links.length;
    assert.ok(logins <= 20, `${logins} logins in 10 minutes`);
  });

  it('jitters: different random draws give different delays within [step/2, step]', () => {
    const seen = new Set<number>();
    for (const r of [0, 0.25, 0.5, 0.99]) {
      const { connection, refuse } = setup({}, () => r);
      connection.start();
      refuse();
      const state = connection.state;
      if (state.kind === 'retrying') seen.add(state.inMs);
    }
    assert.equal(seen.size, 4);
    for (const delay of seen) assert.ok(delay >= 500 && delay <= 1000);
  });

  it('does not reconnect after an authentication failure', async () => {
    const { connection, clock, links } = setup();
    const connected = connection.whenConnected();
    connection.start();
    links[0].handlers.onOpen();
    links[0].handlers.onData(BANNER);
    links[0].handlers.onData(LOGIN_FAILED);
    await assert.rejects(connected, (error: AmiConnectError) => error.code === 'auth-failed');
    assert.equal(connection.state.kind, 'failed');
    clock.advance(10 * 60_000);
    assert.equal(links.length, 1);
    await assert.rejects(connection.whenConnected(), (error: AmiConnectError) => error.code === 'auth-failed');
  });

  it('fails pending actions on a drop and never replays them on the new connection', async () => {
    const { connection, clock, links, accept } = setup();
    connection.start();
    accept();
    await flush();
    const pending = connection.send([['Action', 'Originate'], ['Channel', 'Local/100@test']]);
    links[0].closed = true;
    links[0].handlers.onClose();
    await assert.rejects(pending, (error: AmiActionError) => error.code === 'disconnected' && /not retried/.test(error.message));
    await assert.rejects(connection.send([['Action', 'Ping']]), (error: AmiActionError) => error.code === 'not-connected' && /reconnecting in 1 s/.test(error.message));
    clock.advance(750);
    accept();
    await flush();
    assert.equal(connection.state.kind, 'connected');
    assert.equal(links[1].written.length, 1, 'only the Login on the new connection');
    assert.match(links[1].written[0].toString(), /^Action: Login/);
  });

  it('reconnectNow() skips the wait (once), and restarts after a failure', async () => {
    const { connection, links, refuse, accept } = setup({ reconnect: false });
    connection.start();
    refuse();
    assert.equal(connection.state.kind, 'failed');
    connection.reconnectNow();
    connection.reconnectNow();
    assert.equal(links.length, 2, 'one attempt, even when asked twice');
    accept();
    await flush();
    assert.equal(connection.state.kind, 'connected');

    const retrying = setup();
    retrying.connection.start();
    retrying.refuse();
    assert.equal(retrying.connection.state.kind, 'retrying');
    retrying.connection.reconnectNow();
    assert.equal(retrying.links.length, 2);
    assert.equal(retrying.clock.pendingTimers > 0, true);
    retrying.clock.advance(5000);
    assert.equal(retrying.links.length, 2, 'the cancelled retry timer does not start another attempt');
  });

  it('times out a connect that never opens, then retries', () => {
    const { connection, clock, links } = setup({ connectTimeoutMs: 3000 });
    connection.start();
    clock.advance(3000);
    const state = connection.state;
    assert.equal(state.kind, 'retrying');
    assert.match(state.kind === 'retrying' ? state.reason : '', /Timed out connecting to the server after 3 s/);
    assert.equal(links[0].closed, true);
  });

  it('with reconnect: false, a loss is final', () => {
    const { connection, refuse, clock, links } = setup({ reconnect: false });
    connection.start();
    refuse();
    assert.equal(connection.state.kind, 'failed');
    clock.advance(120_000);
    assert.equal(links.length, 1);
  });

  it('close() during a retry cancels it; close() when connected logs off', async () => {
    const a = setup();
    a.connection.start();
    a.refuse();
    await a.connection.close();
    assert.equal(a.connection.state.kind, 'closed');
    a.clock.advance(120_000);
    assert.equal(a.links.length, 1);

    const b = setup();
    b.connection.start();
    b.accept();
    await flush();
    const closing = b.connection.close();
    assert.equal(b.links[0].written[1].toString(), 'Action: Logoff\r\nActionID: c-2\r\n\r\n');
    b.links[0].handlers.onData(Buffer.from('Response: Goodbye\r\nActionID: c-2\r\nMessage: Thanks for all the fish.\r\n\r\n'));
    await closing;
    assert.equal(b.connection.state.kind, 'closed');
    b.clock.advance(120_000);
    assert.equal(b.links.length, 1);
  });
});
