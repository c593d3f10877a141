import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AmiDecoder } from '../../core/src/wire/decoder';
import type { AmiMessage } from '../../core/src/wire/types';
import { LiveState, memberStatusText } from '../../core/src/live/liveState';
import { LiveIndex } from '../../core/src/live/liveIndex';
import { liveHeaderKind, matchesPattern } from '../../core/src/language/live';
import { getCatalogue } from '../../core/src/catalogue/index';

const CAPTURES = join(__dirname, '..', 'fixtures', 'ami-captures');

/** Messages of AMI text (CRLF added) through the real decoder. */
function messages(text: string): AmiMessage[] {
  const out: AmiMessage[] = [];
  const decoder = new AmiDecoder((message) => out.push(message));
  decoder.push(Buffer.from(`Asterisk Call Manager/12.0.0\r\n${text.trim().replace(/\n/g, '\r\n')}\r\n\r\n`, 'latin1'));
  return out.filter((message) => message.kind !== 'banner');
}

/** Messages of a recorded capture of the real Asterisk. */
function capture(stem: string): AmiMessage[] {
  const out: AmiMessage[] = [];
  const decoder = new AmiDecoder((message) => out.push(message));
  decoder.push(readFileSync(`${CAPTURES}/${stem}.txt`));
  return out;
}

const listOf = (all: AmiMessage[], actionId: string) => ({
  success: true,
  response: all.find((m) => m.kind === 'response' && m.get('ActionID') === actionId),
  events: all.filter((m) => m.kind === 'event' && m.get('ActionID') === actionId && m.get('EventList') === undefined),
});

test('CoreShowChannels of the real Asterisk fills channels with state, application, Linkedid and age', () => {
  let now = 1_000_000;
  const state = new LiveState({ now: () => now });
  state.applyList('CoreShowChannels', listOf(capture('19-coreshowchannels-live'), 'csc-live'), now);
  assert.deepEqual([...state.channels.keys()], ['Local/500@test-00000016;1', 'Local/500@test-00000016;2']);
  const second = state.channels.get('Local/500@test-00000016;2')!;
  assert.equal(second.state, 'Up');
  assert.equal(second.application, 'Wait');
  assert.equal(second.linkedid, '1795393219.45');
  assert.ok(state.complete.has('channel'));
  assert.equal(state.calls().length, 1, 'both legs are one call (same Linkedid)');
  now += 42_000;
  const value = state.valueOf({ kind: 'channel', value: second.name })!;
  assert.equal(value.state, 'Up');
  assert.equal(value.app, 'Wait(30)');
  assert.equal(now - value.since!, 42_000);
});

test('Newchannel, Newstate, Rename and Hangup events of the real Asterisk keep channels current', () => {
  const state = new LiveState();
  const events = capture('16-originate-local-exten-async').filter((m) => m.kind === 'event');
  const seen = new Set<number>();
  for (const event of events) {
    state.applyEvent(event);
    seen.add(state.channels.size);
  }
  assert.ok(Math.max(...seen) >= 2, 'the Local channel pair appeared');
  assert.equal(state.channels.size, 0, 'every channel hung up by the end of the capture');
  assert.ok(state.variables.size > 0, 'VarSet names were noted');

  const renamed = new LiveState();
  for (const message of messages(`Event: Newchannel
Channel: PJSIP/100-00000001
ChannelStateDesc: Ring
Uniqueid: 1.1
Linkedid: 1.1

Event: Rename
Channel: PJSIP/100-00000001
Newname: PJSIP/100-00000001<MASQ>
Uniqueid: 1.1

Event: Newstate
Channel: PJSIP/100-00000001<MASQ>
ChannelStateDesc: Up`)) renamed.applyEvent(message);
  assert.deepEqual([...renamed.channels.keys()], ['PJSIP/100-00000001<MASQ>']);
  assert.equal(renamed.channels.get('PJSIP/100-00000001<MASQ>')!.state, 'Up');
});

test('ShowDialPlan of the real Asterisk gives contexts, extensions and priorities; deltas reach an index', () => {
  const state = new LiveState();
  const all = capture('27-actionid-echo');
  const list = listOf(all, 'sdp-11');
  assert.ok(list.events.length >= 20);
  state.applyList('ShowDialPlan', list, Date.now());
  assert.ok(state.dialplan.get('test')?.has('100'));
  assert.equal(state.dialplan.get('test')!.get('100')!.get('3'), 'Wait(1)');

  const index = new LiveIndex();
  index.apply(state.takeDelta('lab')!);
  assert.equal(index.connection, 'lab');
  assert.ok(index.isComplete('exten'));
  assert.ok(index.get('context', 'test'));
  assert.ok(index.get('exten', '100', 'test'));
  assert.equal(index.get('priority', '3', 'test/100')?.app, 'Wait(1)');
  assert.equal(state.takeDelta(), undefined, 'nothing changed since');

  // A second resync that lost extension 100 removes it from the index.
  const without = { ...list, events: list.events.filter((m) => m.get('Extension') !== '100') };
  state.applyList('ShowDialPlan', without, Date.now());
  const delta = state.takeDelta()!;
  assert.ok(delta.remove?.some((key) => key.kind === 'exten' && key.value === '100'));
  index.apply(delta);
  assert.equal(index.get('exten', '100', 'test'), undefined);
  assert.ok(index.get('exten', '200', 'test'));
});

test('queues: QueueStatus members and callers, then member events; the queue value lists them', () => {
  const state = new LiveState();
  const all = messages(`Response: Success
ActionID: qs
EventList: start

Event: QueueParams
ActionID: qs
Queue: testq
Strategy: ringall

Event: QueueMember
ActionID: qs
Queue: testq
Name: Agent One
Location: Local/100@test
Status: 1
Paused: 0
InCall: 0

Event: QueueEntry
ActionID: qs
Queue: testq
Position: 1
Channel: Local/300@test-00000001;2
CallerIDNum: 555
Wait: 12`);
  state.applyList('QueueStatus', listOf(all, 'qs'), Date.now());
  const queue = state.queues.get('testq')!;
  assert.equal(queue.members.get('Local/100@test')!.name, 'Agent One');
  assert.equal(queue.callers.size, 1);
  for (const event of messages(`Event: QueueMemberPause
Queue: testq
Interface: Local/100@test
Paused: 1
PausedReason: lunch

Event: QueueCallerLeave
Queue: testq
Channel: Local/300@test-00000001;2

Event: QueueMemberAdded
Queue: testq
Interface: Local/200@test
MemberName: Two
Status: 2`)) state.applyEvent(event);
  assert.equal(queue.members.get('Local/100@test')!.paused, true);
  assert.equal(queue.callers.size, 0);
  const value = state.valueOf({ kind: 'queue', value: 'testq' })!;
  assert.equal(value.state, '2 members · 0 waiting');
  assert.ok(value.facts!.some(([label, text]) => label === 'Member Agent One' && /paused/.test(text)));
  assert.equal(state.valueOf({ kind: 'member', value: 'Local/200@test', scope: 'testq' })!.state, 'in use');
});

test('bridges, parking, conferences, mailboxes and applications', () => {
  const state = new LiveState();
  for (const event of messages(`Event: Newchannel
Channel: PJSIP/a-1
Uniqueid: 1.1
Linkedid: 1.1

Event: BridgeEnter
BridgeUniqueid: b-1
BridgeType: basic
Channel: PJSIP/a-1

Event: ParkedCall
ParkeeChannel: PJSIP/b-2
Parkinglot: default
ParkingSpace: 701
ParkeeCallerIDNum: 100

Event: ConfbridgeJoin
Conference: 1000
Channel: PJSIP/c-3

Event: VoicemailUserEntry
VMContext: default
VoiceMailbox: 100
Fullname: Alice
NewMessageCount: 2`)) state.applyEvent(event);
  assert.deepEqual([...state.bridges.get('b-1')!.channels], ['PJSIP/a-1']);
  assert.equal(state.channels.get('PJSIP/a-1')!.bridgeId, 'b-1');
  assert.equal(state.parked.get('PJSIP/b-2')!.space, '701');
  assert.equal(state.conferences.get('1000')!.parties, 1);
  assert.equal(state.valueOf({ kind: 'mailbox', value: '100@default' })!.state, '2 new');
  const apps = messages(`Response: Success
ActionID: apps
Message: Command output follows
Output:     -= Registered Asterisk Applications =-
Output:                   Answer: Answer a channel if ringing.
Output:                     Wait: Waits for some time.
Output:     -= 2 Applications Registered =-`);
  state.applyList('Command', { success: true, response: apps[0], events: [] }, Date.now());
  assert.deepEqual([...state.applications], ['Answer', 'Wait']);
  state.applyEvent(messages(`Event: Hangup\nChannel: PJSIP/a-1`)[0]);
  assert.equal(state.bridges.get('b-1')!.channels.size, 0, 'a hung-up channel leaves its bridge');
  state.applyEvent(messages(`Event: UnParkedCall\nParkeeChannel: PJSIP/b-2`)[0]);
  assert.equal(state.parked.size, 0);
});

test('caps keep the model bounded and count what they keep out', () => {
  const state = new LiveState({ caps: { channels: 3 } });
  for (let i = 0; i < 5; i++) state.applyEvent(messages(`Event: Newchannel\nChannel: PJSIP/x-${i}\nUniqueid: ${i}`)[0]);
  assert.equal(state.channels.size, 3);
  assert.equal(state.counters.dropped.channel, 2);
  const delta = state.takeDelta()!;
  assert.equal(delta.dropped?.channel, 2);
  assert.equal(delta.upsert?.filter((v) => v.kind === 'channel').length, 3);
});

test('a resync keeps channels that events touched after it started and removes the rest', () => {
  let now = 100;
  const state = new LiveState({ now: () => now });
  state.applyEvent(messages(`Event: Newchannel\nChannel: old-1\nUniqueid: 1`)[0]);
  const startedAt = ++now;
  now++;
  state.applyEvent(messages(`Event: Newchannel\nChannel: new-2\nUniqueid: 2`)[0]);
  state.applyList('CoreShowChannels', { success: true, events: [] }, startedAt);
  assert.deepEqual([...state.channels.keys()], ['new-2']);
  state.applyList('ShowDialPlan', { success: false, events: [] }, now);
  assert.equal(state.complete.has('exten'), false, 'a refused list leaves the kind incomplete');
});

test('dialplan patterns match like Asterisk', () => {
  assert.ok(matchesPattern('_X.', '123'));
  assert.ok(!matchesPattern('_X.', '1'));
  assert.ok(matchesPattern('_NXX', '200'));
  assert.ok(!matchesPattern('_NXX', '100'));
  assert.ok(matchesPattern('_[1-5]!', '3'));
  assert.ok(matchesPattern('600', '600'));
  assert.ok(!matchesPattern('600', '6000'));
});

test("a device state or header named like an object's built-in property is text, not Object's", () => {
  assert.equal(memberStatusText({ status: 'constructor', paused: false, inCall: false }), 'state constructor');
  assert.equal(memberStatusText({ status: '1', paused: true, inCall: false }), 'not in use, paused');
  assert.equal(liveHeaderKind(getCatalogue(), 'Hangup', 'constructor'), undefined);
  assert.equal(liveHeaderKind(getCatalogue(), 'Hangup', 'Channel')?.kind, 'channel');
});
