import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AmiDecoder } from '../../core/src/wire/decoder';
import type { AmiMessage } from '../../core/src/wire/types';
import { LiveState } from '../../core/src/live/liveState';
import { buildPbxTree, reconcileRows, rowActionBlock, type PbxRow } from '../../client/src/live/pbxTree';
import { parseScript } from '../../core/src/script/parser';

function events(text: string): AmiMessage[] {
  const out: AmiMessage[] = [];
  const decoder = new AmiDecoder((message) => out.push(message));
  decoder.push(Buffer.from(`Asterisk Call Manager/12.0.0\r\n${text.trim().replace(/\n/g, '\r\n')}\r\n\r\n`, 'latin1'));
  return out.filter((message) => message.kind === 'event');
}

function pbx(): LiveState {
  let now = 10_000;
  const state = new LiveState({ now: () => now++ });
  for (const event of events(`Event: Newchannel
Channel: Local/500@test-00000001;1
ChannelStateDesc: Up
Uniqueid: 1.1
Linkedid: 1.1

Event: Newchannel
Channel: Local/500@test-00000001;2
ChannelStateDesc: Up
Uniqueid: 1.2
Linkedid: 1.1

Event: Newchannel
Channel: PJSIP/bob-00000002
ChannelStateDesc: Ring
Uniqueid: 2.1
Linkedid: 2.1

Event: QueueMemberAdded
Queue: testq
Interface: Local/100@test
MemberName: Agent
Status: 1
Paused: 0

Event: QueueCallerJoin
Queue: testq
Channel: PJSIP/bob-00000002
Position: 1

Event: ParkedCall
ParkeeChannel: PJSIP/carol-3
Parkinglot: default
ParkingSpace: 701`)) state.applyEvent(event);
  return state;
}

const find = (rows: PbxRow[], id: string): PbxRow | undefined => {
  for (const row of rows) {
    if (row.id === id) return row;
    const inner = find(row.children ?? [], id);
    if (inner) return inner;
  }
  return undefined;
};

test('the view groups channels by call (Linkedid) and lists queues with members and waiting callers', () => {
  const rows = buildPbxTree(pbx(), undefined, { now: 20_000 });
  assert.deepEqual(rows.map((row) => [row.label, row.description]), [['Channels', '3'], ['Queues', '1'], ['Bridges', '0'], ['Parked calls', '1'], ['Counters', undefined]]);
  const calls = rows[0].children!;
  assert.deepEqual(calls.map((call) => [call.label, call.children!.length]), [['Call 1.1', 2], ['Call 2.1', 1]]);
  const queue = find(rows, 'queue:testq')!;
  assert.equal(queue.description, '1 member · 1 waiting');
  assert.deepEqual(queue.children!.map((row) => row.label), ['Agent', '1. PJSIP/bob-00000002']);
  assert.deepEqual(find(rows, 'member:testq:Local/100@test')!.actions, ['queuePause', 'queueRemove']);
  assert.deepEqual(find(rows, 'channel:PJSIP/bob-00000002')!.actions, ['hangup', 'redirect', 'park', 'mixMonitor', 'showCall']);
});

test("a read-only user's view offers no write actions (only Show call)", () => {
  const readOnly = new Set(['bridgelist', 'queuestatus', 'queuesummary']);
  const rows = buildPbxTree(pbx(), readOnly, { now: 20_000 });
  const all: PbxRow[] = [];
  const walk = (list: PbxRow[]): void => list.forEach((row) => (all.push(row), walk(row.children ?? [])));
  walk(rows);
  const offered = new Set(all.flatMap((row) => row.actions));
  assert.deepEqual([...offered], ['showCall']);
  assert.equal(rows[0].description, '3 · from events since connecting', 'a user without CoreShowChannels is told where the channels come from');
  assert.match(rows[0].tooltip!, /may not run CoreShowChannels/);
});

test('row action blocks are valid, prefilled .ami blocks', () => {
  const hangup = rowActionBlock('hangup', { channel: 'PJSIP/bob-00000002' })!;
  const block = parseScript(hangup).blocks[0];
  assert.equal(block.action, 'Hangup');
  assert.deepEqual(block.headers.map((h) => [h.name, h.value]), [['Action', 'Hangup'], ['Channel', 'PJSIP/bob-00000002'], ['Cause', '16']]);
  const pause = parseScript(rowActionBlock('queuePause', { queue: 'testq', member: 'Local/100@test' })!).blocks[0];
  assert.deepEqual(pause.headers.map((h) => h.value), ['QueuePause', 'testq', 'Local/100@test', 'true']);
  const redirect = parseScript(rowActionBlock('redirect', { channel: 'X' })!).blocks[0];
  assert.deepEqual(redirect.headers[2].variables.map((v) => v.name), ['$prompt Context']);
  assert.equal(rowActionBlock('showCall', { linkedid: '1.1' }), undefined);
});

test('the refresh traffic is a total until a minute has passed, then a rate per minute', () => {
  const stats = { deltasSent: 1, valuesSent: 10, bytesToServer: 2048, resyncActions: 8, resyncBytes: 24 * 1024, eventsSeen: 0, startedAt: 0 };
  const early = find(buildPbxTree(pbx(), undefined, { now: 12_000, stats }), 'counter:traffic')!;
  assert.match(early.description!, /^24\.0 KB from AMI · 2\.0 KB to the language server \(since .+ ago\)$/);
  const later = find(buildPbxTree(pbx(), undefined, { now: 120_000, stats }), 'counter:traffic')!;
  assert.equal(later.description, '12.0 KB/min from AMI · 1.0 KB/min to the language server');
});

const allRows = (rows: PbxRow[]): PbxRow[] => rows.flatMap((row) => [row, ...allRows(row.children ?? [])]);

test('a tick redraws only rows without children whose age moved, and keeps every row object', () => {
  const state = pbx();
  const shown = buildPbxTree(state, undefined, { now: 20_000 });
  const before = new Map(allRows(shown).map((row) => [row.id, row]));
  const redraw = reconcileRows(shown, buildPbxTree(state, undefined, { now: 21_000 }))!;
  // A redrawn parent would drop its children's handles, and a menu chosen on one of them would reach no row.
  assert.deepEqual(redraw.filter((row) => row.children?.length).map((row) => row.id), []);
  assert.deepEqual(redraw.map((row) => row.id).sort(), ['caller:testq:PJSIP/bob-00000002', 'channel:Local/500@test-00000001;1', 'channel:Local/500@test-00000001;2', 'channel:PJSIP/bob-00000002', 'parked:PJSIP/carol-3']);
  for (const row of allRows(shown)) assert.equal(before.get(row.id), row, `${row.id} kept its object`);
  assert.match(before.get('channel:PJSIP/bob-00000002')!.description!, /^Ring · 00:1\d$/, 'the kept object shows the new age');
  assert.match(before.get('call:1.1')!.description!, /^2 channels · since \d\d:\d\d:\d\d$/, 'a call row shows when it started, which does not tick');
  assert.deepEqual(reconcileRows(shown, buildPbxTree(state, undefined, { now: 21_000 })), [], 'nothing changed, nothing redrawn');
});

test('a call that comes or goes redraws its parent only; a new top level redraws everything', () => {
  const state = pbx();
  const shown = buildPbxTree(state, undefined, { now: 20_000 });
  const queue = find(shown, 'queue:testq')!;
  for (const event of events(`Event: Newchannel
Channel: PJSIP/dave-00000004
ChannelStateDesc: Ring
Uniqueid: 4.1
Linkedid: 4.1`)) state.applyEvent(event);
  const redraw = reconcileRows(shown, buildPbxTree(state, undefined, { now: 20_000 }))!;
  assert.deepEqual(redraw.map((row) => row.id), ['group:channels', 'counter:channels', 'counter:events']);
  assert.deepEqual(shown[0].children!.map((row) => row.id), ['call:1.1', 'call:2.1', 'call:4.1']);
  assert.equal(shown[0].description, '4');
  assert.equal(find(shown, 'queue:testq'), queue, 'rows elsewhere keep their objects');
  assert.equal(reconcileRows(shown, []), undefined, 'disconnected: the view is redrawn whole');
});
