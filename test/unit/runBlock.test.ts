/**
 * The block runner against the fake Asterisk (real captures, real TCP on 127.0.0.1) through the real AmiSession.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { namedResultOf, runBlock } from '../../core/src/run/runner';
import { FakeAmiServer } from '../session/fakeAmiServer';
import { useFakeServerSessions } from '../session/helpers';

const fake = useFakeServerSessions();
const login = fake.login;

test('a plain action: success with the response headers and the wire ActionID in what was sent', async () => {
  const session = await login({ username: 'dev', secret: 'devsecret', events: 'off' });
  const result = await runBlock([['Action', 'CoreSettings']], {}, session);
  assert.equal(result.status, 'success');
  assert.equal(result.action, 'CoreSettings');
  assert.ok(result.actionId.length > 0);
  assert.deepEqual(result.sent, [['Action', 'CoreSettings'], ['ActionID', result.actionId]]);
  assert.ok(result.response?.some(([name, value]) => name === 'AsteriskVersion' && value === '23.4.1'));
  assert.equal(typeof result.durationMs, 'number');
  session.close();
});

test('an unresolved variable refuses to send and names it; nothing reaches the server', async () => {
  const session = await login({ username: 'dev', secret: 'devsecret', events: 'off' });
  const before = fake.server().requestsHandled;
  const result = await runBlock(
    [
      ['Action', 'Originate'],
      ['Channel', 'PJSIP/{{phone}}'],
    ],
    { fileVariables: {} },
    session,
  );
  assert.equal(result.status, 'refused');
  assert.match(result.error ?? '', /Channel: \{\{phone\}\} is not defined/);
  assert.equal(fake.server().requestsHandled, before);
  session.close();
});

test('a list action collects its items; an error response is an error with the server message', async () => {
  const session = await login({ username: 'dev', secret: 'devsecret', events: 'off' });
  const list = await runBlock([['Action', 'CoreShowChannels']], {}, session);
  assert.equal(list.status, 'success');
  assert.equal(list.listIncomplete, undefined);
  assert.ok(list.response?.some(([n, v]) => n === 'EventList' && v === 'start'));
  const status = await runBlock([['Action', 'Status'], ['Channel', 'Local/500@test-00000017;1']], {}, session);
  assert.equal(status.status, 'success');
  assert.ok(status.items.length >= 1, 'list items collected');
  assert.equal(status.items[0].find(([n]) => n === 'Event')?.[1], 'Status');
  const unknown = await runBlock([['Action', 'NoSuchAction']], {}, session);
  assert.equal(unknown.status, 'error');
  assert.match(unknown.error ?? '', /Invalid\/unknown command/i);
  session.close();
});

test('permission denied is reported as such', async () => {
  const session = await login({ username: 'ro', secret: 'rosecret', events: 'off' });
  const result = await runBlock(
    [
      ['Action', 'Originate'],
      ['Channel', 'Local/100@test'],
      ['Application', 'Wait'],
      ['Data', '1'],
    ],
    {},
    session,
  );
  assert.equal(result.status, 'error');
  assert.equal(result.permissionDenied, true);
  assert.match(result.error ?? '', /Permission denied: .*Originate/);
  session.close();
});

test('a named Originate feeds a later block: {{call.ActionID}} and events tied by ActionID', async () => {
  const session = await login({ username: 'dev', secret: 'devsecret', events: 'on' });
  // Events may arrive before the response resolves the run (same TCP read): keep them all, match afterwards.
  const seen: Array<{ actionId?: string; name: string; headers: Array<[string, string]> }> = [];
  const subscription = session.onEvent((event) => {
    seen.push({ actionId: event.get('ActionID'), name: event.get('Event') ?? '', headers: event.headers() });
  });
  const tied = (): typeof seen => seen.filter((event) => event.actionId === call.actionId);
  const call = await runBlock(
    [
      ['Action', 'Originate'],
      ['Channel', 'Local/100@test'],
      ['Context', 'test'],
      ['Exten', '200'],
      ['Priority', '1'],
      ['Async', 'true'],
      ['ActionID', 'my-own-id'],
    ],
    {},
    session,
    {},
  );
  assert.equal(call.status, 'success');
  assert.equal(call.userActionId, 'my-own-id');
  assert.ok(!call.sent.some(([, value]) => value === 'my-own-id'), 'the user ActionID is replaced on the wire');
  const deadline = Date.now() + 5000;
  while (!tied().some((event) => event.name === 'OriginateResponse') && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  subscription.dispose();
  const originateResponse = tied().find((event) => event.name === 'OriginateResponse');
  assert.ok(originateResponse, 'the OriginateResponse carries the Originate ActionID');
  const named = new Map([['call', namedResultOf(call, tied())]]);
  const followUp = await runBlock(
    [
      ['Action', 'Ping'],
      ['ActionID', '{{call.ActionID}}-ping'],
    ],
    { named },
    session,
  );
  assert.equal(followUp.status, 'success');
  assert.equal(followUp.userActionId, `${call.actionId}-ping`);
  const uniqueid = originateResponse.headers.find(([n]) => n === 'Uniqueid')?.[1];
  const variables = await runBlock([['Action', 'Ping'], ['X', '{{call.events.OriginateResponse.Uniqueid}}']], { named }, { send: async () => { throw new Error('offline'); } });
  assert.deepEqual(variables.sent.find(([n]) => n === 'X'), ['X', uniqueid]);
  session.close();
});

test('a closed session fails the run with the reason, never throws', async () => {
  const session = await login({ username: 'dev', secret: 'devsecret', events: 'off' });
  session.close();
  const result = await runBlock([['Action', 'Ping']], {}, session);
  assert.equal(result.status, 'failed');
  assert.match(result.error ?? '', /Not sent: the session is closed/);
});

test('a list cut off by the server closing is failed and flagged as incomplete', async () => {
  const cutting = new FakeAmiServer({ timeScale: 0, closeMidList: 'Status' });
  const cuttingPort = await cutting.start();
  try {
    const session = await fake.loginAt(cuttingPort, { username: 'dev', secret: 'devsecret', events: 'off' });
    const result = await runBlock([['Action', 'Status'], ['Channel', 'Local/500@test-00000017;1']], {}, session);
    assert.equal(result.status, 'failed');
    assert.match(result.listIncomplete ?? '', /while its list was arriving/);
  } finally {
    await cutting.stop();
  }
});

test('beforeSend sees the substituted headers and can cancel: nothing reaches the server', async () => {
  const session = await login({ username: 'dev', secret: 'devsecret', events: 'off' });
  const before = fake.server().requestsHandled;
  let seen: ReadonlyArray<readonly [string, string]> = [];
  const result = await runBlock(
    [
      ['Action', 'Originate'],
      ['Channel', 'Local/100@test'],
      ['Application', '{{app}}'],
      ['Data', 'id'],
    ],
    { fileVariables: { app: 'System' } },
    session,
    {
      beforeSend: async (headers) => {
        seen = headers;
        return false;
      },
    },
  );
  assert.equal(result.status, 'refused');
  assert.equal(result.cancelled, true);
  assert.deepEqual(seen.find(([name]) => name === 'Application'), ['Application', 'System'], 'the hook sees the value a variable hid');
  assert.equal(fake.server().requestsHandled, before);
  const confirmed = await runBlock([['Action', 'Ping']], {}, session, { beforeSend: async () => true });
  assert.equal(confirmed.status, 'success');
  session.close();
});
