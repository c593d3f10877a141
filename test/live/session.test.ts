/**
 * The core session and node transport against a real Asterisk (npm run test:live): logins, permissions, lists,
 * Command output, an async Originate with the call's events, UserEvent, hangup causes and a real restart.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AmiClient } from '../../node/src/amiClient';
import type { ConnectionState } from '../../core/src/session';
import { waitForFullyBooted } from '../../scripts/asterisk/instance';
import { nextEvent, useLiveAsterisk } from './liveAsterisk';

const live = useLiveAsterisk();

describe('live Asterisk: login', () => {
  it('logs in with a plain secret and with MD5, and reads the AMI version', async () => {
    for (const authType of ['plain', 'md5'] as const) {
      const options = live.clientOptions(undefined, {});
      const client = await live.connect(undefined, { credentials: { ...options.credentials, authType } });
      const ping = await client.send([['Action', 'Ping']]);
      assert.equal(ping.success, true, `${authType}: ${ping.response.get('Message')}`);
      const state = client.state as ConnectionState;
      assert.equal(state.kind, 'connected');
      if (state.kind === 'connected') assert.match(state.amiVersion, /^\d+\.\d+\.\d+$/);
    }
  });

  it('a wrong secret fails once with a clear message and is not retried', async () => {
    const options = live.clientOptions();
    const client = new AmiClient({
      ...options,
      credentials: { ...options.credentials, secret: 'not-the-secret' },
      reconnect: true,
      backoff: { initialMs: 100, maxMs: 200 },
    });
    const states: ConnectionState[] = [];
    client.onState((state) => states.push(state));
    client.start();
    await assert.rejects(client.whenConnected(), (error: Error) => {
      assert.match(error.message, /authentication failed/i);
      return true;
    });
    // Long enough for several retries if the connection retried an authentication failure.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    assert.equal(client.attempts, 1, `states: ${states.map((s) => s.kind).join(' → ')}`);
    assert.equal(client.state.kind, 'failed');
    await client.close();
  });
});

describe('live Asterisk: permissions', () => {
  it('the read-only user lists the commands it may run and gets a clear Permission denied for Originate', async (t) => {
    const reader = live.target().reader;
    if (!reader) return t.skip('AMI_RO_USERNAME/AMI_RO_SECRET not set for the external Asterisk');
    const client = await live.connect(reader);
    const commands = await client.send([['Action', 'ListCommands']]);
    assert.equal(commands.success, true);
    const names = commands.response.headers().map(([name]) => name);
    assert.ok(names.includes('Ping') && names.includes('ListCommands'), names.join(','));
    assert.ok(!names.includes('Originate'), 'a read-only user must not see Originate');
    const originate = await client.send([
      ['Action', 'Originate'],
      ['Channel', 'Local/100@test'],
      ['Application', 'Wait'],
      ['Data', '1'],
    ]);
    assert.equal(originate.success, false);
    assert.match(originate.response.get('Message') ?? '', /permission denied/i);
  });
});

describe('live Asterisk: lists and commands', () => {
  it('CoreShowChannels while a call is up: items, and ListItems on the Complete event matches', async () => {
    const client = await live.connect();
    const started = await client.send([
      ['Action', 'Originate'],
      ['Channel', 'Local/500@test'],
      ['Application', 'Wait'],
      ['Data', '5'],
      ['Async', 'true'],
    ]);
    assert.equal(started.success, true, started.response.get('Message'));
    await nextEvent(client, (_, get) => get('Event') === 'Newexten' && get('Exten') === '500', 10_000, 'Newexten 500');
    const list = await client.send([['Action', 'CoreShowChannels']]);
    assert.equal(list.success, true);
    assert.equal(list.listStatus, 'complete');
    assert.ok(list.events.length >= 1, 'at least the Local channel');
    assert.equal(list.complete?.get('Event'), 'CoreShowChannelsComplete');
    assert.equal(Number(list.complete?.get('ListItems')), list.events.length);
    assert.equal(list.warning, undefined);
    await client.send([['Action', 'Hangup'], ['Channel', '/^Local\\/500@test/']]);
  });

  it('QueueStatus lists testq with its member and a matching ListItems', async () => {
    const client = await live.connect();
    const list = await client.send([['Action', 'QueueStatus'], ['Queue', 'testq']]);
    assert.equal(list.success, true);
    const params = list.events.filter((e) => e.get('Event') === 'QueueParams');
    const members = list.events.filter((e) => e.get('Event') === 'QueueMember');
    assert.equal(params.length, 1);
    assert.equal(params[0].get('Queue'), 'testq');
    assert.equal(members.length, 1);
    assert.match(members[0].get('Location') ?? members[0].get('Interface') ?? '', /Local\/600@test/);
    assert.equal(Number(list.complete?.get('ListItems')), list.events.length);
  });

  it('Command returns the CLI output line by line', async () => {
    const client = await live.connect();
    const result = await client.send([['Action', 'Command'], ['Command', 'core show version']]);
    assert.equal(result.success, true);
    const output = result.response.getAll('Output').join('\n');
    assert.match(output, /^Asterisk \d+\.\d+/);
  });
});

describe('live Asterisk: a call', () => {
  it('async Originate: OriginateResponse, the call events, the dialplan UserEvent and the hangup cause', async () => {
    const client = await live.connect();
    const seen: Array<Map<string, string>> = [];
    const subscription = client.onEvent((message) => seen.push(new Map(message.headers().map(([k, v]) => [k.toLowerCase(), v]))));
    const hungUp = nextEvent(client, (_, get) => get('Event') === 'Hangup' && /^Local\/100@test-.*;2$/.test(get('Channel') ?? ''), 15_000, 'Hangup of ;2');
    const result = await client.send([
      ['Action', 'Originate'],
      ['Channel', 'Local/100@test'],
      ['Context', 'test'],
      ['Exten', '200'],
      ['Priority', '1'],
      ['Async', 'true'],
    ]);
    assert.equal(result.success, true, result.response.get('Message'));
    const hangup = await hungUp;
    subscription.dispose();
    const names = seen.map((e) => e.get('event'));
    for (const name of ['Newchannel', 'OriginateResponse', 'UserEvent', 'Hangup']) assert.ok(names.includes(name), `${name} in ${names.join(',')}`);
    const response = seen.find((e) => e.get('event') === 'OriginateResponse')!;
    assert.equal(response.get('response'), 'Success');
    assert.equal(response.get('actionid'), result.actionId);
    const userEvent = seen.find((e) => e.get('event') === 'UserEvent')!;
    assert.equal(userEvent.get('userevent'), 'TestEvent');
    assert.equal(userEvent.get('foo'), 'bar');
    assert.equal(hangup.get('cause'), '16');
    assert.equal(hangup.get('cause-txt'), 'Normal Clearing');
    // timestampevents = yes on the instance: every event carries its own time.
    assert.ok(seen.every((e) => e.get('timestamp') === undefined || /^\d+\.\d+$/.test(e.get('timestamp')!)));
  });

  it('UserEvent sent by a client is echoed as an event with its headers', async () => {
    const client = await live.connect();
    const echoed = nextEvent(client, (_, get) => get('Event') === 'UserEvent' && get('UserEvent') === 'LiveProbe', 5000, 'UserEvent LiveProbe');
    const result = await client.send([['Action', 'UserEvent'], ['UserEvent', 'LiveProbe'], ['Probe', 'x: y']]);
    assert.equal(result.success, true);
    assert.equal((await echoed).get('probe'), 'x: y');
  });
});

describe('live Asterisk: restart', () => {
  it('after core restart now the connection comes back and an action runs within 2 s of FullyBooted', async (t) => {
    const target = live.target();
    if (!target.owned) return t.skip('AMI_HOST names an external Asterisk: not restarting it');
    // Default backoff, as the editor and the CLI use it.
    const client = new AmiClient({ ...live.clientOptions(), reconnect: true });
    client.start();
    await client.whenConnected();
    const states: string[] = [];
    client.onState((state) => states.push(state.kind));
    await target.cli('core restart now').catch(() => undefined);
    // The server's own FullyBooted, seen by a fresh probe login (restart() waits for it).
    await waitForFullyBooted(target.host, target.port, target.admin, 60_000);
    const bootedAt = Date.now();
    // What a Run does while the connection is retrying: connect now instead of waiting for the timer.
    client.reconnectNow();
    await client.whenConnected();
    const ping = await client.send([['Action', 'Ping']], { timeoutMs: 2000 });
    const elapsed = Date.now() - bootedAt;
    assert.equal(ping.success, true);
    assert.ok(elapsed <= 2000, `Ping answered ${elapsed} ms after FullyBooted`);
    assert.ok(states.includes('retrying') || states.includes('connecting'), `the link was lost: ${states.join(' → ')}`);
    await client.close();
  });
});
