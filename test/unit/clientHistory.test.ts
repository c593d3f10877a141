/** Run history (bounded, redacted, survives a restart, damaged entries dropped) and a result as a text document. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HISTORY_KEY, MAX_HISTORY, MAX_ROWS_PER_ENTRY, RunHistory, type HistoryStorage } from '../../client/src/run/history';
import { resultDocumentName, runAsDocument } from '../../client/src/panel/resultText';
import type { RunView } from '../../protocol/src/webviewMessages';

function memory(): HistoryStorage & { data: Map<string, unknown> } {
  const data = new Map<string, unknown>();
  return {
    data,
    get: <T>(key: string) => (data.has(key) ? (JSON.parse(JSON.stringify(data.get(key))) as T) : undefined),
    update: (key: string, value: unknown) => {
      data.set(key, JSON.parse(JSON.stringify(value)));
      return Promise.resolve();
    },
  };
}

function run(id: string, extra: Partial<RunView> = {}): RunView {
  return {
    id, title: `call ${id}`, action: 'Originate', source: 'calls.ami:3', connection: 'lab', actionId: `a-${id}`, startedAt: Date.UTC(2026, 11, 6, 6, 0, 0),
    durationMs: 4, status: 'success', sent: [['Action', 'Originate'], ['Channel', 'Local/100@test']], response: [['Response', 'Success']], items: [], events: [], ...extra,
  };
}

test('history: newest first, bounded, kept across a restart, redacted', async () => {
  const storage = memory();
  const history = new RunHistory(storage);
  for (let i = 0; i < MAX_HISTORY + 5; i++) await history.record(run(`r${i}`), 'file:///w/calls.ami', 0, 'Action: Originate\nChannel: Local/100@test');
  assert.equal(history.list().length, MAX_HISTORY);
  assert.equal(history.list()[0].run.id, `r${MAX_HISTORY + 4}`);
  await history.record(run('secret', { sent: [['Action', 'Login'], ['Secret', 'hunter2']], items: Array.from({ length: MAX_ROWS_PER_ENTRY + 3 }, () => [['Event', 'X']]) }), 'file:///w/a.ami', 2, 'Action: Login\nSecret: hunter2');
  assert.ok(!JSON.stringify(storage.data.get(HISTORY_KEY)).includes('hunter2'), 'no secret reaches the storage');
  const again = new RunHistory(storage);
  const entry = again.get('secret');
  assert.ok(entry);
  assert.equal(entry.run.items.length, MAX_ROWS_PER_ENTRY);
  assert.deepEqual(entry.trimmed, { items: 3, events: 0 });
  assert.equal(entry.blockText, 'Action: Login\nSecret: ********');
  assert.equal(again.list()[0].run.id, 'secret');
});

test('history: a damaged stored value is dropped, not trusted', () => {
  const storage = memory();
  storage.data.set(HISTORY_KEY, [{ uri: 1 }, { run: { id: 'x' }, uri: 'u', blockIndex: 0, blockText: '' }, 'junk']);
  assert.deepEqual(new RunHistory(storage).list(), []);
  storage.data.set(HISTORY_KEY, { not: 'a list' });
  assert.deepEqual(new RunHistory(storage).list(), []);
});

test('a result as text: status with expectations, sent, response, list, completion, events with their clock', () => {
  const text = runAsDocument(
    run('t', {
      expectations: [{ source: 'Event: Hangup within 5s', status: 'fail', detail: 'expected Event: Hangup within 5s, got no Hangup event' }],
      items: [[['Event', 'CoreShowChannel'], ['Channel', 'Local/100@test-01;1']]],
      complete: [['Event', 'CoreShowChannelsComplete'], ['ListItems', '1']],
      events: [
        { seq: 1, time: Date.UTC(2026, 11, 6, 6, 0, 1), name: 'Newchannel', headers: [['Event', 'Newchannel'], ['Timestamp', '1796536801.000123']] },
        { seq: 2, time: Date.UTC(2026, 11, 6, 6, 0, 2), name: 'Hangup', headers: [['Event', 'Hangup']] },
      ],
    }),
  );
  assert.match(text, /^# call t — Originate on lab\n# FAILED \(server answered success; an expectation failed\) in 4 ms · calls\.ami:3/);
  assert.match(text, /## Expectations\n✗ @expect Event: Hangup within 5s — expected Event: Hangup within 5s, got no Hangup event/);
  assert.match(text, /## Sent\nAction: Originate\nChannel: Local\/100@test\n/);
  assert.match(text, /## List \(1 item\)\nEvent: CoreShowChannel\nChannel: Local\/100@test-01;1\n/);
  assert.match(text, /## List complete\nEvent: CoreShowChannelsComplete\nListItems: 1\n/);
  assert.match(text, /# server 1796536801\.000123\nEvent: Newchannel/);
  assert.match(text, /# received 2026-12-06T06:00:02\.000Z\nEvent: Hangup/);
  assert.equal(resultDocumentName({ title: 'Call 200 / test', action: 'Originate', startedAt: Date.UTC(2026, 11, 6, 6, 0, 0) }), 'Call 200 _ test 2026-12-06T06-00-00-000.txt');
});

test('a result as text heads its headers by what became of them: not sent, or a request still pending', () => {
  const declined = runAsDocument(run('d', { status: 'refused', actionId: '', response: undefined, error: 'cancelled: not confirmed' }));
  assert.match(declined, /## Not sent\nAction: Originate\n/);
  assert.doesNotMatch(declined, /## Sent/);
  assert.match(runAsDocument(run('p', { status: 'pending', response: undefined })), /## Request\nAction: Originate\n/);
});
