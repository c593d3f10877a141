/**
 * The call timeline model against real Asterisk 23.4.1 captures decoded by core/src/wire (with their receive
 * times), the 2,000-call bench stream, and the edge cases real calls produce (Linkedid changes, renames,
 * eviction, events over the per-call cap).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { AmiDecoder } from '../../core/src/wire/decoder';
import { CallIndex, callAsText, eventTime, hangupCauseText, localChannelSide, type TimelineInputEvent } from '../../core/src/timeline';
import { CAPTURE_EPOCH, captureEvents } from './timelineCapture';
import { packEvents, unpackEvents } from '../../protocol/src/webviewMessages';

const BENCH = '../shared/bench/ami-stream-2000-calls.raw.gz';

function indexOf(stem: string): { index: CallIndex; events: ReturnType<typeof captureEvents> } {
  const events = captureEvents(stem);
  const index = new CallIndex();
  index.add(events);
  return { index, events };
}

test('capture 16: one call, a Local ;1/;2 pair, dialplan steps, the dial, vars, the user event and both hangup causes', () => {
  const { index, events } = indexOf('16-originate-local-exten-async');
  const calls = index.calls();
  assert.equal(calls.length, 1);
  const call = calls[0];
  assert.equal(call.linkedid, '1795393207.31');
  const lanes = index.lanes(call);
  assert.deepEqual(lanes.map((c) => c.name), ['Local/100@test-0000000f;1', 'Local/100@test-0000000f;2']);
  const [one, two] = lanes;
  assert.deepEqual(one.local, { base: 'Local/100@test-0000000f', side: 1 });
  assert.equal(index.localPeer(one), two);
  assert.equal(index.localPeer(two), one);

  // Every event naming a channel is in the call; the 6 others (FullyBooted, SuccessfulAuth, 4 DeviceStateChange) are not.
  const unrelated = events.filter((e) => ['FullyBooted', 'SuccessfulAuth', 'DeviceStateChange'].includes(e.name));
  assert.equal(unrelated.length, 6);
  assert.equal(call.events.length, events.length - 6);
  assert.deepEqual(index.counters(), { calls: 1, channels: 2, indexedEvents: events.length - 6, unrelatedEvents: 6, unplacedEvents: 0, waitingEvents: 0, evictedCalls: 0 });

  const labels = (channel: typeof one, kind: string): string[] => channel.marks.filter((m) => m.kind === kind).map((m) => m.label);
  assert.deepEqual(labels(one, 'exten'), ['test,100,1 AppDial2((Outgoing Line))', 'test,200,1 Answer()', 'test,200,2 Echo()']);
  assert.deepEqual(labels(two, 'exten'), ['test,100,1 Answer()', 'test,100,2 UserEvent(TestEvent,Foo: bar)', 'test,100,3 Wait(1)', 'test,100,4 Hangup()']);
  assert.deepEqual(labels(one, 'var'), ['OTHER=x', 'ORIGVAR=hello']);
  assert.deepEqual(labels(two, 'user'), ['UserEvent TestEvent']);
  assert.deepEqual(labels(one, 'local-bridge'), ['Local pair bridged (optimization Yes)']);
  assert.deepEqual(labels(two, 'local-bridge'), ['Local pair bridged (optimization Yes)']);
  assert.deepEqual(labels(one, 'dial-begin'), ['dialled (100@test)']);
  assert.deepEqual(labels(one, 'dial-end'), ['dial ANSWER']);
  assert.deepEqual(labels(one, 'originate'), ['OriginateResponse Success (reason 4)']);
  assert.equal(labels(one, 'cdr').length, 1, 'the Cdr (UniqueID + Channel, no Linkedid) lands on its channel');
  assert.deepEqual(two.states.map((s) => s.state), ['Ring', 'Up']);
  assert.deepEqual(one.states.map((s) => s.state), ['Down', 'Up']);
  assert.deepEqual(call.dials.map((d) => ({ from: d.from, to: d.to, status: d.status, dialString: d.dialString })), [
    { from: undefined, to: '1795393207.31', status: 'ANSWER', dialString: '100@test' },
  ]);
  assert.deepEqual([one.hangup?.code, one.hangup?.text, two.hangup?.code, two.hangup?.text], [16, 'Normal Clearing', 16, 'Normal Clearing']);
  assert.equal(CallIndex.isEnded(call), true);

  // Times are the receive times of the reads (no Timestamp headers in this capture): to scale, in order.
  assert.equal(call.start, CAPTURE_EPOCH + 303);
  assert.equal(one.hangup?.time, CAPTURE_EPOCH + 1805);
  const userEvent = two.marks.find((m) => m.kind === 'user');
  assert.equal(userEvent?.time, CAPTURE_EPOCH + 804, 'UserEvent came in the read at t=0.804');
  for (const lane of lanes) {
    for (let i = 1; i < lane.marks.length; i++) assert.ok(lane.marks[i].time >= lane.marks[i - 1].time);
  }

  // Selecting a call from an event row or a block's OriginateResponse.
  const originate = events.find((e) => e.name === 'OriginateResponse')!;
  assert.equal(index.callOf(originate.headers), call);
  assert.equal(index.callOf([['Event', 'DeviceStateChange'], ['Device', 'Local/100@test']]), undefined);

  const text = callAsText(call);
  assert.match(text, /^# Call 1795393207\.31: 2 channel\(s\), 31 event\(s\)\n\nEvent: Newchannel\nPrivilege: call,all\n/);
  assert.equal(text.split('\n\nEvent: ').length - 1, 31, 'every event, a blank line between them');
  assert.match(text, /Cause-txt: Normal Clearing\n/);
});

test('capture 17: Playback call; Cause 0 reads "Unknown" as Asterisk sends it', () => {
  const { index } = indexOf('17-originate-local-app-playback-async');
  const [call] = index.calls();
  assert.equal(index.calls().length, 1);
  assert.deepEqual(index.lanes(call).map((c) => [c.local?.side, c.hangup?.code, c.hangup?.text]), [
    [1, 0, 'Unknown'],
    [2, 0, 'Unknown'],
  ]);
});

test('capture 18: four calls; a call whose Newchannel was never seen (events were off) still shows, from its Hangup', () => {
  const { index } = indexOf('18-originate-sync-and-failures');
  const calls = index.calls();
  assert.deepEqual(calls.map((c) => c.linkedid), ['1795393215.39', '1795393215.41', '1795393215.35', '1795393217.43']);
  const late = index.call('1795393215.35')!;
  assert.deepEqual(index.lanes(late).map((c) => c.name), ['Local/100@test-00000011;1', 'Local/100@test-00000011;2']);
  assert.deepEqual(index.lanes(late).map((c) => c.marks.map((m) => m.event)), [['Hangup'], ['HangupRequest', 'SoftHangupRequest', 'Hangup']]);
  for (const call of calls) assert.equal(CallIndex.isEnded(call), true, `${call.linkedid} ended`);
  const failed = index.call('1795393215.41')!;
  assert.ok(failed.events.some((e) => e.headers.some(([n, v]) => n === 'Response' && v === 'Failure')) || failed.channels.length === 2);
});

test('capture 29: Redirect moves ;1 to another extension, then Hangup (cause 16) from the Hangup action', () => {
  const { index } = indexOf('29-redirect-hangup');
  const [call] = index.calls();
  assert.equal(index.calls().length, 1);
  const [one, two] = index.lanes(call);
  assert.equal(one.name, 'Local/500@test-0000001a;1');
  const contexts = one.marks.filter((m) => m.kind === 'exten').map((m) => m.label.split(' ')[0]);
  assert.ok(contexts.includes('test,100,1'), `after the Redirect, ;1 runs test,100,1 (got ${contexts.join(' | ')})`);
  assert.deepEqual([one.hangup?.code, two.hangup?.code], [16, 16]);
  assert.ok(one.hangup!.time >= one.start && two.hangup!.time >= two.start);
});

test('time: Timestamp (epoch seconds) wins, then EventTV (ISO with +0000), then the receive time', () => {
  assert.ok(Math.abs(eventTime(new Map([['timestamp', '1795393200.421995']]), 5) - 1795393200421.995) < 0.01);
  assert.equal(eventTime(new Map([['eventtv', '2026-11-23T00:20:07.564+0000']]), 5), Date.UTC(2026, 10, 23, 0, 20, 7, 564));
  assert.equal(eventTime(new Map([['eventtv', 'garbage']]), 5), 5);
  assert.equal(eventTime(new Map([['timestamp', 'soon']]), 7), 7);
});

test('hangup cause table: Q.850 codes with Asterisk texts; unknown codes named as such', () => {
  assert.equal(hangupCauseText(16), 'Normal Clearing');
  assert.equal(hangupCauseText(17), 'User busy');
  assert.equal(hangupCauseText(19), 'User alerting, no answer');
  assert.equal(hangupCauseText(34), 'Circuit/channel congestion');
  assert.equal(hangupCauseText(0), 'Unknown');
  assert.equal(hangupCauseText(250), 'Unknown cause 250');
  // A Hangup without Cause-txt gets the table's text.
  const index = new CallIndex();
  index.add([ev(1, 'Hangup', 'PJSIP/100-01', 'u1', 'u1', [['Cause', '17']])]);
  assert.deepEqual(index.channel('u1')?.hangup && { code: index.channel('u1')!.hangup!.code, text: index.channel('u1')!.hangup!.text }, { code: 17, text: 'User busy' });
});

function ev(seq: number, name: string, channel: string, uniqueid: string, linkedid: string, extra: Array<[string, string]> = []): TimelineInputEvent {
  return {
    seq,
    time: 1000 + seq,
    headers: [['Event', name], ['Channel', channel], ['ChannelStateDesc', 'Up'], ['Uniqueid', uniqueid], ['Linkedid', linkedid], ...extra],
  };
}

test('Local pairing by name: ;1 and ;2 are adjacent lanes even with another channel created between them', () => {
  const index = new CallIndex();
  index.add([
    ev(1, 'Newchannel', 'Local/a@ctx-00000001;1', 'L1', 'L1'),
    ev(2, 'Newchannel', 'PJSIP/200-00000002', 'P2', 'L1'),
    ev(3, 'Newchannel', 'Local/a@ctx-00000001;2', 'L2', 'L1'),
  ]);
  assert.deepEqual(index.lanes(index.call('L1')!).map((c) => c.uniqueid), ['L1', 'L2', 'P2']);
  assert.deepEqual(localChannelSide('Local/a@ctx-00000001;2<ZOMBIE>'), { base: 'Local/a@ctx-00000001', side: 2 });
  assert.equal(localChannelSide('PJSIP/100;1'), undefined);
});

test('a DialBegin with a caller marks both lanes and draws one dial; BridgeEnter/Leave make spans', () => {
  const index = new CallIndex();
  index.add([
    ev(1, 'Newchannel', 'PJSIP/100-01', 'A', 'A'),
    ev(2, 'Newchannel', 'PJSIP/200-02', 'B', 'A'),
    {
      seq: 3,
      time: 1003,
      headers: [['Event', 'DialBegin'], ['Channel', 'PJSIP/100-01'], ['Uniqueid', 'A'], ['Linkedid', 'A'], ['DestChannel', 'PJSIP/200-02'], ['DestUniqueid', 'B'], ['DestLinkedid', 'A'], ['DialString', '200']],
    },
    {
      seq: 4,
      time: 1004,
      headers: [['Event', 'DialEnd'], ['Channel', 'PJSIP/100-01'], ['Uniqueid', 'A'], ['Linkedid', 'A'], ['DestChannel', 'PJSIP/200-02'], ['DestUniqueid', 'B'], ['DestLinkedid', 'A'], ['DialStatus', 'BUSY']],
    },
    ev(5, 'BridgeEnter', 'PJSIP/100-01', 'A', 'A', [['BridgeUniqueid', 'br-1'], ['BridgeTechnology', 'simple_bridge']]),
    ev(6, 'BridgeLeave', 'PJSIP/100-01', 'A', 'A', [['BridgeUniqueid', 'br-1']]),
  ]);
  const call = index.call('A')!;
  assert.deepEqual(call.dials, [{ from: 'A', to: 'B', begin: 1003, end: 1004, status: 'BUSY', dialString: '200' }]);
  assert.deepEqual(index.channel('A')!.marks.map((m) => m.label), ['created (Up)', 'dials PJSIP/200-02 (200)', 'dial BUSY', 'enters bridge br-1 (simple_bridge)', 'leaves bridge br-1']);
  assert.deepEqual(index.channel('B')!.marks.map((m) => m.label), ['created (Up)', 'dialled by PJSIP/100-01 (200)', 'dial BUSY']);
  assert.deepEqual(index.channel('A')!.bridges, [{ bridge: 'br-1', from: 1005, to: 1006 }]);
  assert.equal(call.events.length, 6, 'an event naming two channels of one call is in it once');
});

test('a channel whose Linkedid changes (calls joined) moves to that call; an emptied call is merged', () => {
  const index = new CallIndex();
  index.add([ev(1, 'Newchannel', 'PJSIP/1-01', 'X', 'X'), ev(2, 'Newchannel', 'PJSIP/2-02', 'Y', 'Y'), ev(3, 'Newstate', 'PJSIP/2-02', 'Y', 'X')]);
  assert.deepEqual(index.calls().map((c) => [c.linkedid, c.channels.map((ch) => ch.uniqueid)]), [['X', ['X', 'Y']]]);
  assert.deepEqual(index.call('X')!.events.map((e) => e.seq), [1, 2, 3]);
  assert.equal(index.counters().calls, 1);
});

test('an event naming a channel not seen yet waits for its Newchannel; beyond maxWaiting it is given up and counted', () => {
  const index = new CallIndex({ maxWaiting: 2 });
  const early = (seq: number, uniqueid: string): TimelineInputEvent => ({
    seq,
    time: 1000 + seq,
    headers: [['Event', 'OriginateResponse'], ['Response', 'Success'], ['Channel', `Local/1@t-${uniqueid};1`], ['Uniqueid', uniqueid]],
  });
  index.add([early(1, 'u1'), early(2, 'u2'), early(3, 'u3')]);
  assert.deepEqual([index.counters().waitingEvents, index.counters().unplacedEvents], [2, 1]);
  index.add([ev(4, 'Newchannel', 'Local/1@t-u2;1', 'u2', 'u2')]);
  const call = index.call('u2')!;
  assert.deepEqual(call.events.map((e) => e.seq), [2, 4]);
  assert.deepEqual(index.channel('u2')!.marks.map((m) => m.kind), ['newchannel', 'originate']);
  assert.equal(call.start, 1002);
  assert.deepEqual([index.counters().waitingEvents, index.counters().unplacedEvents], [1, 1]);
});

test('a Rename updates the lane name and the Local pairing', () => {
  const index = new CallIndex();
  index.add([ev(1, 'Newchannel', 'PJSIP/1-01', 'X', 'X'), ev(2, 'Rename', 'Local/z@c-01;1', 'X', 'X'), ev(3, 'Newchannel', 'Local/z@c-01;2', 'Z', 'X')]);
  assert.equal(index.channel('X')!.name, 'Local/z@c-01;1');
  assert.equal(index.localPeer(index.channel('Z')!), index.channel('X'));
});

test('bounded: the oldest calls are evicted and counted; a call keeps at most maxEventsPerCall events, the rest counted', () => {
  const index = new CallIndex({ maxCalls: 3, maxEventsPerCall: 4 });
  const events: TimelineInputEvent[] = [];
  for (let call = 0; call < 5; call++) events.push(ev(call + 1, 'Newchannel', `PJSIP/${call}-01`, `c${call}`, `c${call}`));
  for (let i = 0; i < 6; i++) events.push(ev(100 + i, 'VarSet', 'PJSIP/4-01', 'c4', 'c4', [['Variable', `V${i}`], ['Value', 'x']]));
  events.push({ seq: 200, time: 1, headers: [['Event', 'Cdr'], ['Channel', 'PJSIP/0-01'], ['UniqueID', 'c0']] });
  index.add(events);
  assert.deepEqual(index.calls().map((c) => c.linkedid), ['c2', 'c3', 'c4']);
  const counters = index.counters();
  assert.equal(counters.evictedCalls, 2);
  assert.equal(counters.calls, 3);
  assert.equal(counters.channels, 3);
  assert.equal(counters.waitingEvents, 1, 'the Cdr of an evicted call names an unknown channel without a Linkedid: held');
  const last = index.call('c4')!;
  assert.equal(last.events.length, 4);
  assert.equal(last.droppedEvents, 3);
  assert.equal(index.channel('c4')!.marks.length, 4, 'marks stop with the kept events');
  assert.match(callAsText(last), /4 event\(s\), 3 more not kept/);
  index.reset();
  assert.equal(index.calls().length, 0);
  assert.equal(index.counters().evictedCalls, 0);
});

test('bounded by maxEvents: the oldest calls go (counted) once all calls hold more events than the bound; the newest stays', () => {
  const index = new CallIndex({ maxEvents: 6 });
  const events: TimelineInputEvent[] = [];
  for (let call = 0; call < 4; call++) {
    events.push(ev(call * 10 + 1, 'Newchannel', `PJSIP/${call}-01`, `c${call}`, `c${call}`));
    events.push(ev(call * 10 + 2, 'VarSet', `PJSIP/${call}-01`, `c${call}`, `c${call}`, [['Variable', 'A'], ['Value', '1']]));
  }
  index.add(events);
  const kept = (): number => index.calls().reduce((sum, call) => sum + call.events.length, 0);
  assert.deepEqual(index.calls().map((c) => c.linkedid), ['c1', 'c2', 'c3']);
  assert.equal(kept(), 6);
  assert.equal(index.counters().evictedCalls, 1);
  index.setMaxEvents(2);
  index.add([ev(50, 'VarSet', 'PJSIP/3-01', 'c3', 'c3', [['Variable', 'B'], ['Value', '2']])]);
  assert.deepEqual(index.calls().map((c) => c.linkedid), ['c3'], 'the newest call stays even over the bound');
  assert.equal(index.counters().evictedCalls, 3);
  assert.equal(kept(), 3);
  index.reset();
  index.add(events.slice(0, 2));
  assert.equal(kept(), 2, 'the count starts again after a reset');
});

test('bench stream: 54,003 real events → 2,000 complete calls (Local pairs, Cause 0 then 16 requests), nothing unplaced', { skip: !existsSync(BENCH) && `${BENCH} not present` }, () => {
  const bytes = gunzipSync(readFileSync(BENCH));
  const events: TimelineInputEvent[] = [];
  let seq = 0;
  const decoder = new AmiDecoder((message) => {
    if (message.kind === 'event') events.push({ seq: ++seq, time: 1_000_000 + seq, headers: message.headers() });
  });
  for (let offset = 0; offset < bytes.length; offset += 65536) decoder.push(bytes.subarray(offset, offset + 65536));
  decoder.end();
  assert.equal(events.length, 54_003);
  const index = new CallIndex();
  for (let i = 0; i < events.length; i += 500) index.add(events.slice(i, i + 500)); // batches, as the panel gets them
  const counters = index.counters();
  assert.equal(counters.calls, 2000);
  assert.equal(counters.channels, 4000);
  // 485 OriginateResponses arrive before their channel's Newchannel in this stream: held, then placed.
  assert.equal(counters.unplacedEvents, 0);
  assert.equal(counters.waitingEvents, 0);
  assert.equal(counters.evictedCalls, 0);
  // DeviceStateChange ×8000, FullyBooted and 2 SuccessfulAuth (this listener's and the load session's) name no channel.
  assert.equal(counters.unrelatedEvents, 8003);
  assert.equal(counters.indexedEvents, 54_003 - 8003);
  for (const call of index.calls()) {
    const lanes = index.lanes(call);
    assert.equal(lanes.length, 2, call.linkedid);
    assert.deepEqual(lanes.map((c) => c.local?.side), [1, 2], call.linkedid);
    assert.ok(CallIndex.isEnded(call), `${call.linkedid} ended`);
    for (const lane of lanes) assert.deepEqual([lane.hangup?.code, lane.hangup?.text], [0, 'Unknown']);
    assert.equal(call.dials.length, 1);
    assert.equal(call.dials[0].status, 'ANSWER');
    assert.equal(lanes[1].marks.filter((m) => m.kind === 'user').length, 1);
    assert.equal(lanes[0].marks.filter((m) => m.kind === 'originate').length, 1, `${call.linkedid} has its OriginateResponse`);
    for (let i = 1; i < call.events.length; i++) assert.ok(call.events[i].seq > call.events[i - 1].seq, 'events in arrival order');
  }
  const bounded = new CallIndex({ maxCalls: 500 });
  bounded.add(events);
  assert.equal(bounded.counters().calls, 500);
  assert.equal(bounded.counters().evictedCalls, 1500);
});

test('packed events (the panel receives headers as one text per event) index exactly as header pairs do', () => {
  for (const stem of ['16-originate-local-exten-async', '18-originate-sync-and-failures', '29-redirect-hangup']) {
    const events = captureEvents(stem);
    const fromPairs = new CallIndex();
    fromPairs.add(events);
    const fromText = new CallIndex();
    fromText.add(unpackEvents(packEvents(events)));
    const model = (index: CallIndex): unknown =>
      index.calls().map((call) => ({ ...call, events: call.events.map((e) => [e.seq, e.time, [...e.headers]]), channels: index.lanes(call) }));
    assert.ok(fromText.calls().length > 0, stem);
    assert.deepEqual(model(fromText), model(fromPairs), stem);
    assert.deepEqual(fromText.counters(), fromPairs.counters(), stem);
  }
});
