/** The expectation matcher and correlator, fed with real Asterisk 23 captures decoded by core/src/wire. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Correlator } from '../../core/src/expect/correlator';
import { ExpectationMatcher, type BlockAnswer } from '../../core/src/expect/matcher';
import { parseExpectation } from '../../core/src/expect/parse';
import type { ExpectationOutcome } from '../../core/src/expect/types';
import { decodeCapture, sentAt, sentHeaders } from './expectCapture';

interface Replay {
  matcher: ExpectationMatcher;
  setNow(ms: number): void;
  outcomes(): ExpectationOutcome[];
  start: number;
}

/**
 * Replays a capture into a matcher for the request with `actionId`: the clock follows the recorded reads,
 * the response (and list) goes to answered(), every other message to event().
 */
function replay(capture: string, actionId: string, texts: string[], options: { sendLate?: boolean; wireActionId?: string } = {}): Replay {
  const start = sentAt(capture, actionId);
  let now = start;
  const matcher = new ExpectationMatcher(
    texts.map((text) => {
      const parsed = parseExpectation(text);
      if (!parsed.ok) throw new Error(`${text}: ${parsed.error.message}`);
      return { source: text, expectation: parsed.expectation };
    }),
    { now: () => now, startedAt: start },
  );
  const wireId = options.wireActionId ?? actionId;
  if (!options.sendLate) matcher.sent(wireId, sentHeaders(capture, actionId));
  let listResponse: Array<[string, string]> | undefined;
  const items: Array<Array<[string, string]>> = [];
  for (const { message, at } of decodeCapture(capture)) {
    if (at < start || message.kind === 'banner') continue;
    now = at;
    const id = message.get('ActionID');
    if (message.kind === 'response' && id === actionId) {
      if ((message.get('EventList') ?? '').toLowerCase() === 'start') listResponse = message.headers();
      else matcher.answered({ response: message.headers() });
    } else if (listResponse && id === actionId && message.kind === 'event') {
      const status = (message.get('EventList') ?? '').toLowerCase();
      if (status === 'complete') {
        const answer: BlockAnswer = { response: listResponse, items };
        if (Number(message.get('ListItems')) !== items.length) answer.listIncomplete = 'ListItems disagrees';
        matcher.answered(answer);
        listResponse = undefined;
      } else items.push(message.headers());
    } else if (message.kind === 'event') {
      matcher.event(message.headers());
    }
  }
  if (options.sendLate) matcher.sent(wireId, sentHeaders(capture, actionId));
  return { matcher, setNow: (ms) => (now = ms), outcomes: () => matcher.evaluate(), start };
}

const ORIGINATE = '16-originate-local-exten-async';

test('an async Originate (capture 16): response, OriginateResponse and the call followed to its Hangup', () => {
  const run = replay(ORIGINATE, 'orig-1', [
    'Response: Success',
    'Event: OriginateResponse Response=Success within 5s',
    'Event: Hangup Cause=16 Channel=Local/100@test-0000000f;1',
    'Event: UserEvent UserEvent=TestEvent',
    'Event: Newchannel Channel=Local/100@test-0000000f;2',
  ]);
  const outcomes = run.outcomes();
  assert.deepEqual(outcomes.map((o) => o.status), ['pass', 'pass', 'pass', 'pass', 'pass'], outcomes.map((o) => o.message).join('\n'));
  // The Hangup came about 1.5 s after the send (recorded reads at 0.302 s and 1.805 s).
  assert.equal(outcomes[2].elapsedMs, 1805 - 302);
  assert.match(outcomes[2].got, /^Hangup Cause=16 Channel=Local\/100@test-0000000f;1 after 1\.50 s$/);
  assert.equal(outcomes[1].matched?.find(([n]) => n === 'Uniqueid')?.[1], '1795393207.31');
  // The Newchannel of ;2 came before the OriginateResponse revealed the call: found by the rescan.
  assert.equal(outcomes[4].elapsedMs, 303 - 302);
  assert.equal(run.matcher.settled, true);
  const keys = run.matcher.correlator.keys();
  assert.deepEqual(keys.ids.sort(), ['1795393207.31', '1795393207.32']);
});

test('the ActionID may be learned after the events arrived (the response resolves after its TCP read)', () => {
  const run = replay(ORIGINATE, 'orig-1', ['Event: OriginateResponse', 'Event: Hangup'], { sendLate: true });
  assert.deepEqual(run.outcomes().map((o) => o.status), ['pass', 'pass']);
});

test('a wrong header value fails with what came instead, once the wait is over', () => {
  const run = replay(ORIGINATE, 'orig-1', ['Event: Hangup Cause=17 within 10s']);
  run.setNow(run.start + 9999);
  assert.equal(run.outcomes()[0].status, 'pending');
  assert.equal(run.matcher.nextDeadline(), run.start + 10_000);
  run.setNow(run.start + 10_000);
  const [outcome] = run.outcomes();
  assert.equal(outcome.status, 'fail');
  assert.equal(outcome.message, 'expected Event: Hangup Cause=17 within 10s, got 2 Hangup events, none matching: Hangup Cause=16; Hangup Cause=16');
  assert.equal(run.matcher.nextDeadline(), undefined);
});

test('an event after its window fails and says it was too late', () => {
  const run = replay(ORIGINATE, 'orig-1', ['Event: Hangup within 1s']);
  run.setNow(run.start + 5000);
  const [outcome] = run.outcomes();
  assert.equal(outcome.status, 'fail');
  assert.match(outcome.got, /Hangup \(too late: after 1\.50 s\)/);
});

test('a missing event lists what the block did get', () => {
  const run = replay(ORIGINATE, 'orig-1', ['Event: BridgeEnter within 5s']);
  run.setNow(run.start + 5000);
  const [outcome] = run.outcomes();
  assert.equal(outcome.status, 'fail');
  assert.match(outcome.got, /^no BridgeEnter event within 5s; the block's events were: .*OriginateResponse.*Hangup ×2/);
});

test('events of a call that is not the block\'s are not counted', () => {
  // Same stream, but the block's ActionID is another one: nothing ties the call to it.
  const run = replay(ORIGINATE, 'orig-1', ['Event: Hangup within 5s'], { wireActionId: 'someone-else' });
  run.setNow(run.start + 5000);
  const [outcome] = run.outcomes();
  assert.equal(outcome.status, 'fail');
  assert.match(outcome.got, /^no event tied to this block within 5s \(\d+ other events arrived/);
});

test('a decided outcome stays decided (a late match does not turn a failure into a pass)', () => {
  let now = 0;
  const parsed = parseExpectation('Event: Hangup within 1s');
  assert.ok(parsed.ok);
  const matcher = new ExpectationMatcher([{ source: 'Event: Hangup within 1s', expectation: parsed.expectation }], { now: () => now });
  matcher.sent('a-1', [['Action', 'Hangup'], ['Channel', 'PJSIP/100-00000001']]);
  matcher.answered({ response: [['Response', 'Success'], ['ActionID', 'a-1']] });
  now = 1000;
  assert.equal(matcher.evaluate()[0].status, 'fail');
  matcher.event([['Event', 'Hangup'], ['Channel', 'PJSIP/100-00000001']]);
  assert.equal(matcher.evaluate()[0].status, 'fail');
});

test('the channel a block sent (Hangup Channel: X, capture 29) ties the Hangup event to it', () => {
  const run = replay('29-redirect-hangup', 'hup-1', ['Response: Success', 'Event: Hangup Cause=16 within 3s']);
  const outcomes = run.outcomes();
  assert.deepEqual(outcomes.map((o) => o.status), ['pass', 'pass'], outcomes.map((o) => o.message).join('\n'));
});

test('Response: an unknown action answers Error (capture 23), with its message in the failure', () => {
  const run = replay('23-unknown-action', 'unk-1', ['Response: Error', 'Response: Success', 'Event: Hangup']);
  const [error, success, event] = run.outcomes();
  assert.equal(error.status, 'pass');
  assert.equal(success.status, 'fail');
  assert.match(success.message, /^expected Response: Success, got Response: Error \(Message: Invalid\/unknown command[^)]*\) after \d+ ms$/);
  // No event will follow a failed action: decided at once, not after 5 s.
  assert.equal(event.status, 'fail');
  assert.match(event.got, /the action failed, so no Hangup event will come/);
});

test('List: counts the items of a live CoreShowChannels (capture 19) and an empty one (capture 10)', () => {
  const live = replay('19-coreshowchannels-live', 'csc-live', ['List: >=1', 'List: 0', 'List: >=100']);
  const [atLeastOne, zero, atLeastHundred] = live.outcomes();
  assert.equal(atLeastOne.status, 'pass');
  assert.equal(zero.status, 'fail');
  assert.match(zero.message, /^expected List: 0, got \d+ items after \d+ ms$/);
  assert.equal(atLeastHundred.status, 'fail');
  const empty = replay('10-coreshowchannels-empty', 'csc-empty', ['List: 0', 'List: >=1']);
  assert.deepEqual(empty.outcomes().map((o) => o.status), ['pass', 'fail']);
  assert.equal(empty.outcomes()[1].got.startsWith('0 items'), true);
});

test('Event: matches list items too, without following every listed channel', () => {
  const live = replay('19-coreshowchannels-live', 'csc-live', ['Event: CoreShowChannel Context=test', 'Event: CoreShowChannel Context=nowhere within 1s']);
  live.setNow(live.start + 1000);
  const [found, missing] = live.outcomes();
  assert.equal(found.status, 'pass', found.message);
  assert.equal(missing.status, 'fail');
  assert.deepEqual(live.matcher.correlator.keys().ids, [], 'no channel of the listing is followed');
});

test('List: on an action that is not a list says so', () => {
  const run = replay('23-unknown-action', 'unk-1', ['List: 0']);
  assert.match(run.outcomes()[0].got, /^no list but Response: Error/);
});

test('no response (timeout, disconnect) fails every check with the reason', () => {
  let now = 0;
  const texts = ['Response: Success', 'List: 1', 'Event: Hangup'];
  const matcher = new ExpectationMatcher(
    texts.map((text) => {
      const parsed = parseExpectation(text);
      assert.ok(parsed.ok);
      return { source: text, expectation: parsed.expectation };
    }),
    { now: () => now },
  );
  assert.deepEqual(matcher.evaluate().map((o) => o.status), ['pending', 'pending', 'pending']);
  now = 10_000;
  matcher.answered({ failure: 'Ping (ActionID x-1): no response within 10 s.' });
  const outcomes = matcher.evaluate();
  assert.deepEqual(outcomes.map((o) => o.status), ['fail', 'fail', 'fail']);
  assert.equal(outcomes[0].message, 'expected Response: Success, got no response: Ping (ActionID x-1): no response within 10 s.');
});

test('abort fails what is pending and keeps what passed', () => {
  const run = replay(ORIGINATE, 'orig-1', ['Event: Hangup', 'Event: BridgeEnter within 60s']);
  const outcomes = run.matcher.abort('the run was interrupted');
  assert.deepEqual(outcomes.map((o) => o.status), ['pass', 'fail']);
  assert.match(outcomes[1].message, /got nothing: the run was interrupted/);
});

test('the correlator is bounded and counts what it dropped', () => {
  const correlator = new Correlator({ maxPending: 100, maxCorrelated: 10 });
  for (let k = 0; k < 1000; k++) correlator.push('VarSet', [['Event', 'VarSet'], ['Uniqueid', `u.${k}`]], k);
  assert.ok(correlator.dropped >= 1000 - 125, `dropped ${correlator.dropped}`);
  assert.equal(correlator.seen, 1000);
  for (let k = 0; k < 20; k++) correlator.push('Hangup', [['Event', 'Hangup'], ['ActionID', 'mine']], 2000 + k);
  correlator.addActionId('mine');
  assert.equal(correlator.events.length, 10);
});

test('no event at all suggests checking that events are on for the login', () => {
  let now = 0;
  const parsed = parseExpectation('Event: Hangup within 2s');
  assert.ok(parsed.ok);
  const matcher = new ExpectationMatcher([{ source: 'Event: Hangup within 2s', expectation: parsed.expectation }], { now: () => now });
  matcher.sent('a-1', [['Action', 'Originate']]);
  matcher.answered({ response: [['Response', 'Success'], ['ActionID', 'a-1']] });
  now = 2000;
  assert.match(matcher.evaluate()[0].got, /^no event at all within 2s: are events on for this login/);
});
