/**
 * AmiClient (node:net transport + core session) against the fake AMI server over real loopback sockets.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import * as net from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { AmiClient, connectAmi, type AmiClientOptions } from '../../node/src/amiClient';
import { AmiActionError, AmiConnectError } from '../../core/src/session/errors';
import { isPermissionDenied } from '../../core/src/session/session';
import type { AmiMessage } from '../../core/src/wire/types';
import { FakeAmiServer } from './fakeAmiServer';
import { until } from './helpers';

const BENCH_FILE = join(__dirname, '..', '..', '..', 'shared', 'bench', 'ami-stream-2000-calls.raw.gz');

describe('AmiClient against the fake server', () => {
  let server: FakeAmiServer;
  let port: number;
  const clients: AmiClient[] = [];
  const open = async (options: Partial<AmiClientOptions> = {}): Promise<AmiClient> => {
    const client = await connectAmi({
      host: '127.0.0.1',
      port,
      credentials: { username: 'dev', secret: 'devsecret', events: 'off' },
      reconnect: false,
      ...options,
    });
    clients.push(client);
    return client;
  };
  before(async () => {
    server = new FakeAmiServer({ timeScale: 0.05 });
    port = await server.start();
  });
  after(async () => {
    for (const client of clients) await client.close().catch(() => undefined);
    await server.stop();
  });

  it('logs in with a plain secret and with MD5, and reports the AMI version', async () => {
    const plain = await open();
    assert.deepEqual(plain.state, { kind: 'connected', amiVersion: '12.0.0' });
    const md5 = await open({ credentials: { username: 'dev', secret: 'devsecret', authType: 'md5' } });
    assert.equal(md5.state.kind, 'connected');
  });

  for (const [label, credentials] of [
    ['wrong secret', { username: 'dev', secret: 'nope' }],
    ['unknown user', { username: 'nobody', secret: 'x' }],
    ['wrong MD5 key', { username: 'dev', secret: 'nope', authType: 'md5' as const }],
  ] as const) {
    it(`fails the login on a ${label}, says what to check, and does not retry`, async () => {
      await assert.rejects(open({ credentials, reconnect: true }), (error: AmiConnectError) => {
        assert.equal(error.code, 'auth-failed');
        assert.match(error.message, /failed \(Authentication failed\): check the username and secret/);
        return true;
      });
    });
  }

  it('reports a refused port with what to check', async () => {
    const unused = net.createServer();
    await new Promise<void>((resolve) => unused.listen(0, '127.0.0.1', resolve));
    const freePort = (unused.address() as net.AddressInfo).port;
    await new Promise<void>((resolve) => unused.close(() => resolve()));
    await assert.rejects(open({ port: freePort }), (error: AmiConnectError) => {
      assert.equal(error.code, 'refused');
      assert.match(error.message, /Connection refused by 127\.0\.0\.1:\d+: check that Asterisk is running/);
      return true;
    });
  });

  it('shows permission denied for the ro user (and Ping still works)', async () => {
    const ro = await open({ credentials: { username: 'ro', secret: 'rosecret', events: 'off' } });
    const denied = await ro.send([['Action', 'Originate'], ['Channel', 'Local/100@test'], ['Application', 'Wait'], ['Data', '1']]);
    assert.equal(denied.success, false);
    assert.equal(isPermissionDenied(denied.response), true);
    assert.equal((await ro.send([['Action', 'Ping']])).response.get('Ping'), 'Pong');
  });

  it('returns Command output, lists with and without items, and unknown actions', async () => {
    const client = await open();
    const version = await client.send([['Action', 'Command'], ['Command', 'core show version']]);
    assert.match(version.response.getAll('Output').join('\n'), /Asterisk 23\.4\.1/);
    const empty = await client.send([['Action', 'CoreShowChannels'], ['ActionID', 'my-list']]);
    assert.equal(empty.events.length, Number(empty.complete?.get('ListItems')));
    assert.equal(empty.userActionId, 'my-list');
    assert.notEqual(empty.actionId, 'my-list');
    const one = await client.send([['Action', 'Status'], ['Channel', 'Local/500@test-00000017;1'], ['Variables', 'CALLVAR,CHANNEL(state)'], ['AllVariables', 'false']]);
    assert.equal(one.events.length, 1);
    assert.deepEqual(one.events[0].getAll('Variable'), ['CALLVAR=(null)', 'CHANNEL(state)=Up']);
    const tree = await client.send([['Action', 'DBGetTree'], ['Family', 'amitest']]);
    assert.equal(tree.events.length, 2);
    const unknown = await client.send([['Action', 'NoSuchThing']]);
    assert.equal(unknown.success, false);
    assert.match(unknown.response.get('Message') ?? '', /^Invalid\/unknown command: NoSuchThing\./);
  });

  it('pipelines many actions and pairs every answer', async () => {
    const client = await open({ maxInFlight: 8 });
    const actions = ['Ping', 'CoreStatus', 'NoSuchThing', 'CoreSettings', 'Ping', 'ListCommands', 'Status', 'DBGet'];
    const results = await Promise.all(Array.from({ length: 200 }, (_, k) => client.send([['Action', actions[k % actions.length]]])));
    assert.equal(results.length, 200);
    results.forEach((result, k) => assert.equal(result.action, actions[k % actions.length]));
    assert.equal(client.pendingCount, 0);
  });

  it('delivers the Originate event stream, OriginateResponse carrying the generated ActionID', async () => {
    const client = await open({ credentials: { username: 'dev', secret: 'devsecret', events: 'on' } });
    const events: AmiMessage[] = [];
    client.onEvent((event) => events.push(event));
    const result = await client.send([
      ['Action', 'Originate'], ['Channel', 'Local/100@test'], ['Context', 'test'], ['Exten', '200'],
      ['Priority', '1'], ['Async', 'true'], ['ActionID', 'my-call'],
    ]);
    assert.equal(result.response.get('Message'), 'Originate successfully queued');
    await until(() => events.some((e) => e.get('Event') === 'Cdr'), 5000, 'Cdr event');
    const originateResponse = events.find((e) => e.get('Event') === 'OriginateResponse');
    assert.equal(originateResponse?.get('ActionID'), result.actionId);
    assert.equal(client.aliasOf(result.actionId), 'my-call');
    assert.ok(client.events.size >= events.length - 2);
  });

  it('refuses an action with a line break in a value, before sending anything', async () => {
    const client = await open();
    await assert.rejects(client.send([['Action', 'UserEvent'], ['UserEvent', 'x\r\nAction: Shutdown']]), (error: AmiActionError) => error.code === 'encode');
    assert.equal((await client.send([['Action', 'Ping']])).success, true);
  });

  it('logs off: Goodbye, closed, nothing pending', async () => {
    const client = await open();
    await client.close();
    assert.equal(client.state.kind, 'closed');
    assert.equal(client.pendingCount, 0);
  });
});

describe('AmiClient: failures of the link', () => {
  it('fails a list action when the server closes mid-list, leaking nothing', async () => {
    const server = new FakeAmiServer({ timeScale: 0, closeMidList: 'DBGetTree' });
    const port = await server.start();
    const client = await connectAmi({ host: '127.0.0.1', port, credentials: { username: 'dev', secret: 'devsecret', events: 'off' }, reconnect: false });
    await assert.rejects(client.send([['Action', 'DBGetTree'], ['Family', 'amitest']]), (error: AmiActionError) => {
      assert.equal(error.code, 'disconnected');
      assert.match(error.message, /failed while its list was arriving \(1 item\(s\) so far\): The server closed the connection\. It was not retried\./);
      return true;
    });
    assert.equal(client.pendingCount, 0);
    assert.equal(client.state.kind, 'failed');
    await server.stop();
  });

  it('detects a dead link with keepalive and reconnects when the server is back', async () => {
    const server = new FakeAmiServer({ timeScale: 0 });
    const port = await server.start();
    const client = await connectAmi({
      host: '127.0.0.1',
      port,
      credentials: { username: 'dev', secret: 'devsecret', events: 'off' },
      keepaliveIntervalMs: 100,
      keepaliveTimeoutMs: 100,
      backoff: { initialMs: 50, maxMs: 200 },
    });
    const reasons: string[] = [];
    client.onState((state) => {
      if (state.kind === 'retrying') reasons.push(state.reason);
    });
    server.freeze();
    await until(() => reasons.length > 0, 5000, 'retrying');
    assert.match(reasons[0], /^Dead link: no answer to the keepalive Ping/);
    await server.stop();

    const revived = new FakeAmiServer({ timeScale: 0, port });
    await revived.start();
    await until(() => client.state.kind === 'connected', 10_000, 'reconnected');
    assert.equal((await client.send([['Action', 'Ping']])).success, true);
    await client.close();
    await revived.stop();
  });

  it('reconnects after the server drops the connection', async () => {
    const server = new FakeAmiServer({ timeScale: 0 });
    const port = await server.start();
    const client = await connectAmi({
      host: '127.0.0.1',
      port,
      credentials: { username: 'dev', secret: 'devsecret', events: 'off' },
      backoff: { initialMs: 20, maxMs: 100 },
    });
    const kinds: string[] = [];
    client.onState((state) => kinds.push(state.kind));
    server.dropAll();
    await until(() => kinds.includes('connected'), 5000, 'reconnected');
    assert.deepEqual(kinds.slice(0, 3), ['retrying', 'connecting', 'connected']);
    assert.equal(client.attempts, 2);
    await client.close();
    await server.stop();
  });

  it('keeps reading a fast event stream into a bounded queue and counts the drops', async (t) => {
    if (!existsSync(BENCH_FILE)) return t.skip('bench file not present');
    const server = new FakeAmiServer({ timeScale: 0, streamFile: BENCH_FILE });
    const port = await server.start();
    const client = new AmiClient({
      host: '127.0.0.1',
      port,
      credentials: { username: 'dev', secret: 'devsecret', events: 'on' },
      eventQueueCapacity: 1000,
      reconnect: false,
    });
    // Subscribe before start: events in the same read as the login answer are delivered before connectAmi resolves.
    let total = 0;
    client.onEvent(() => total++);
    client.start();
    // The file holds 54,003 events and one stray response after its own login answer; FullyBooted and
    // SuccessfulAuth come from our login: 54,006.
    await until(() => total >= 54_006, 30_000, 'all bench events');
    assert.equal(total, 54_006);
    assert.equal(client.events.size, 1000);
    assert.equal(client.events.dropped, total - 1000);
    await client.close();
    await server.stop();
  });
});
