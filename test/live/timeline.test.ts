/**
 * The timeline model (core/src/timeline) fed with the events of real calls (npm run test:live): a Local call into
 * Echo, and a queue call whose member answers, dials, bridges and hangs up.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CallIndex, type TimelineInputEvent } from '../../core/src/timeline';
import { nextEvent, useLiveAsterisk } from './liveAsterisk';

const live = useLiveAsterisk();

describe('live Asterisk: the call timeline', () => {
  it('a queue call: one call with both Local pairs, the dial to the member, a bridge, marks and hangup causes', async () => {
    const client = await live.connect();
    const events: TimelineInputEvent[] = [];
    let seq = 0;
    const subscription = client.onEvent((message) => events.push({ seq: ++seq, time: Date.now(), headers: message.headers() }));
    // Local/100@test;1 runs Queue(testq), which rings its member Local/600@test (answers, waits 20 s); the caller's
    // ;2 half raises TestEvent and hangs up after 1 s, which ends the call.
    const done = nextEvent(client, (_, get) => get('Event') === 'Hangup' && /^Local\/600@test-.*;2$/.test(get('Channel') ?? ''), 30_000, 'the member hangs up');
    const originate = await client.send([
      ['Action', 'Originate'],
      ['Channel', 'Local/100@test'],
      ['Application', 'Queue'],
      ['Data', 'testq'],
      ['Async', 'true'],
    ]);
    assert.equal(originate.success, true, originate.response.get('Message'));
    await done;
    // Trailing events (the other legs' Hangup, Cdr) come right after.
    await new Promise((resolve) => setTimeout(resolve, 500));
    subscription.dispose();

    const index = new CallIndex();
    index.add(events);
    const caller = index.calls().find((call) => call.channels.some((c) => c.name.startsWith('Local/100@test-')));
    assert.ok(caller, `a call with Local/100: ${index.calls().map((c) => c.channels.map((ch) => ch.name).join('+')).join(' | ')}`);
    const names = caller.channels.map((channel) => channel.name);
    assert.ok(names.some((name) => /^Local\/100@test-.*;1$/.test(name)) && names.some((name) => /^Local\/100@test-.*;2$/.test(name)), names.join(', '));
    assert.ok(names.some((name) => /^Local\/600@test-.*;1$/.test(name)), `the queue member is part of the call: ${names.join(', ')}`);
    const member = caller.channels.find((channel) => /^Local\/600@test-.*;1$/.test(channel.name))!;
    assert.ok(caller.dials.some((dial) => dial.to === member.uniqueid), 'the queue dialled the member');
    assert.ok(caller.channels.some((channel) => channel.bridges.length > 0), 'caller and member were bridged');
    const callerSide = caller.channels.find((channel) => /^Local\/100@test-.*;2$/.test(channel.name))!;
    assert.ok(callerSide.marks.some((mark) => mark.kind === 'user' && /TestEvent/.test(mark.label)), 'the dialplan UserEvent is a mark');
    const memberSide = caller.channels.find((channel) => /^Local\/600@test-.*;2$/.test(channel.name))!;
    for (const channel of caller.channels) {
      assert.ok(channel.hangup, `${channel.name} has its hangup`);
      assert.ok(channel.end !== undefined && channel.end >= channel.start, `${channel.name} ends after it starts`);
    }
    assert.equal(memberSide.local?.side, 2);
    assert.equal(index.localPeer(memberSide)?.uniqueid, member.uniqueid);
    const counters = index.counters();
    assert.equal(counters.waitingEvents, 0);
    assert.equal(counters.unplacedEvents, 0);
  });
});
