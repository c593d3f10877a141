/**
 * Secrets by value in the editor's paths: a connection registers its secret, and the panel's session log
 * (what "Save session…" writes) and the runner's results never carry it, whatever header or text it hides in.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SessionLog } from '../../client/src/panel/sessionLog';
import { runBlock } from '../../core/src/run/runner';
import { ManualClock } from '../../core/src/session/clock';
import { AmiConnection } from '../../core/src/session/connection';
import { AmiDecoder } from '../../core/src/wire/decoder';
import { forgetSecrets, REDACTED, redactSecretValues } from '../../core/src/wire/redact';
import type { AmiMessage } from '../../core/src/wire/types';

const SECRET = 'pbx-Secr3t!';

function message(text: string): AmiMessage {
  const messages: AmiMessage[] = [];
  new AmiDecoder((m) => messages.push(m), {}, { expectBanner: false }).push(Buffer.from(text, 'utf8'));
  return messages[0];
}

test('a connection registers its secret: from then on it is redacted by value everywhere', () => {
  forgetSecrets();
  assert.equal(redactSecretValues(`x ${SECRET} y`), `x ${SECRET} y`);
  new AmiConnection({
    credentials: { username: 'ops', secret: SECRET },
    clock: new ManualClock(0),
    transport: () => ({ write: () => undefined, close: () => undefined }),
  });
  assert.equal(redactSecretValues(`x ${SECRET} y`), `x ${REDACTED} y`);
});

test('Save session: a secret echoed in an event (any header name), a list item, a run error or a tied event is redacted', () => {
  forgetSecrets();
  new AmiConnection({ credentials: { username: 'ops', secret: SECRET }, transport: () => ({ write: () => undefined, close: () => undefined }) });
  const log = new SessionLog(1000, () => undefined);
  log.addEvent([['Event', 'UserEvent'], ['UserEvent', 'x'], ['Password', SECRET], ['Val', SECRET], ['Note', `it is ${SECRET}`]]);
  log.upsertRun({
    id: 'r1',
    title: 'List',
    action: 'CoreShowChannels',
    source: 'a.ami:1',
    connection: 'lab',
    actionId: 'aw-1',
    startedAt: 0,
    status: 'failed',
    error: `failed: the server said ${SECRET}`,
    sent: [['Action', 'CoreShowChannels'], ['Secret', 'other-secret']],
    response: [['Response', 'Success'], ['Message', SECRET]],
    items: [[['Event', 'CoreShowChannel'], ['ApplicationData', `Dial(${SECRET})`]]],
    events: [{ seq: 1, time: 0, name: 'UserEvent', headers: [['Event', 'UserEvent'], ['Token', 'tok-1'], ['Val', SECRET]] }],
  });
  const saved = JSON.stringify(log.toSaved('lab'));
  assert.ok(!saved.includes(SECRET), saved);
  assert.ok(!saved.includes('other-secret') && !saved.includes('tok-1'), 'by name: Secret, Token');
  assert.ok(saved.includes(`"Dial(${REDACTED})"`));
  const shown = JSON.stringify(log.snapshot());
  assert.ok(!shown.includes(SECRET), 'the panel never receives it either');
});

test('runBlock: the server\'s error Message and a failure text are redacted by value', async () => {
  forgetSecrets();
  new AmiConnection({ credentials: { username: 'ops', secret: SECRET }, transport: () => ({ write: () => undefined, close: () => undefined }) });
  const error = await runBlock([['Action', 'Getvar'], ['Variable', 'X']], {}, {
    send: async () => ({
      action: 'Getvar',
      actionId: 'aw-1',
      response: message(`Response: Error\r\nActionID: aw-1\r\nMessage: bad ${SECRET}\r\n\r\n`),
      events: [],
      success: false,
    }),
  });
  assert.equal(error.error, `bad ${REDACTED}`);
  assert.deepEqual(error.response?.[2], ['Message', `bad ${REDACTED}`]);
  const failed = await runBlock([['Action', 'Ping']], {}, {
    send: async () => {
      throw new Error(`link lost while ${SECRET} was echoed`);
    },
  });
  assert.equal(failed.error, `link lost while ${REDACTED} was echoed`);
});

test('connection and action errors never carry a remembered secret (notifications, logs, reports build on them)', async () => {
  const { AmiActionError, AmiConnectError } = await import('../../core/src/session/errors');
  forgetSecrets();
  new AmiConnection({ credentials: { username: 'ops', secret: SECRET }, transport: () => ({ write: () => undefined, close: () => undefined }) });
  assert.equal(new AmiConnectError(`Login as "ops" failed (bad secret ${SECRET})`, 'auth-failed').message, `Login as "ops" failed (bad secret ${REDACTED})`);
  assert.equal(new AmiActionError(`x ${SECRET}`, 'timeout', 'Ping', undefined).message, `x ${REDACTED}`);
});
