import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RunTracker } from '../../client/src/panel/runTracker';
import { assessRisk } from '../../client/src/run/risk';
import { isReadOnlyAction } from '../../core/src/safety/actionKinds';
import type { RunView, StreamEvent } from '../../protocol/src/webviewMessages';

function run(actionId: string): RunView {
  return {
    id: `run-${actionId}`, title: 'call', action: 'Originate', source: 'a.ami:1', connection: 'lab', actionId,
    startedAt: 0, status: 'success', sent: [], items: [], events: [],
  };
}

let seq = 0;
function event(name: string, headers: Array<[string, string]>): StreamEvent {
  return { seq: ++seq, time: seq, name, headers: [['Event', name], ...headers] };
}

test('events with the run ActionID are tied, even when they arrived before the run was tracked', () => {
  const tracker = new RunTracker(() => 0);
  const early = event('OriginateResponse', [['ActionID', 'a-1'], ['Uniqueid', '1.1'], ['Channel', 'Local/100@test-01;1']]);
  assert.deepEqual(tracker.onEvent(early), []);
  const tracked = tracker.track(run('a-1'));
  assert.deepEqual(tracked.events.map((e) => e.name), ['OriginateResponse']);
  const unrelated = event('Newexten', [['Uniqueid', '1.1']]);
  assert.deepEqual(tracker.onEvent(unrelated), [], 'without "with events", channels are not followed');
  const again = tracker.onEvent(event('VarSet', [['ActionID', 'a-1']]));
  assert.equal(again[0].events.length, 2);
});

test('"Run with events" follows the revealed Uniqueid/Channel until the time is up', () => {
  let now = 1000;
  const tracker = new RunTracker(() => now);
  tracker.track(run('b-1'), 5000);
  tracker.onEvent(event('OriginateResponse', [['ActionID', 'b-1'], ['Uniqueid', '2.2'], ['Linkedid', '2.2']]));
  const hangupOfCall = tracker.onEvent(event('Hangup', [['Uniqueid', '2.2'], ['Cause', '16']]));
  assert.deepEqual(hangupOfCall[0].events.map((e) => e.name), ['OriginateResponse', 'Hangup']);
  assert.deepEqual(tracker.onEvent(event('Hangup', [['Uniqueid', '9.9']])), [], 'another call is not tied');
  now = 7000;
  assert.deepEqual(tracker.onEvent(event('Newexten', [['Uniqueid', '2.2']])), [], 'after the follow window nothing is tied');
  assert.equal(tracker.get('b-1')?.events.length, 2);
});

test('risk and production classification', () => {
  assert.match(assessRisk('Originate', [['Application', 'System'], ['Data', 'rm -rf /']]) ?? '', /Application System runs a shell command/);
  assert.match(assessRisk('originate', [['Application', 'Playback'], ['Data', '${SHELL(id)}']]) ?? '', /SHELL\(\)/);
  assert.equal(assessRisk('Originate', [['Application', 'Playback'], ['Data', 'hello-world']]), undefined);
  assert.match(assessRisk('Command', [['Command', 'core show version']]) ?? '', /^Command runs an Asterisk CLI command.*\.$/);
  assert.match(assessRisk('Getvar', [['Variable', 'SHELL(id)']]) ?? '', /SHELL\(\)/);
  assert.equal(isReadOnlyAction('coreshowchannels'), true);
  assert.equal(isReadOnlyAction('Hangup'), false);
  assert.equal(isReadOnlyAction('SomethingNew'), false, 'unknown actions count as state-changing');
});

test('"Run with events" ties the call\'s first events retroactively once the OriginateResponse names the channel (real capture)', async () => {
  const { captureEvents } = await import('./timelineCapture');
  const events = captureEvents('16-originate-local-exten-async', 1000);
  const start = events[0].time - 10;
  const tracker = new RunTracker(() => start + 100);
  // The response (Originate successfully queued) comes first; the run is tracked before any call event.
  tracker.track({ ...run('orig-1'), startedAt: start }, 30_000);
  for (const e of events) tracker.onEvent(e);
  const tied = tracker.get('orig-1')?.events ?? [];
  const names = tied.map((e) => e.name);
  const originate = names.indexOf('OriginateResponse');
  assert.ok(originate > 0, `OriginateResponse tied after earlier events: ${names.join(' ')}`);
  for (const first of ['Newchannel', 'DialBegin', 'Newstate', 'Newexten']) {
    assert.ok(names.slice(0, originate).includes(first), `${first} from before the OriginateResponse is tied`);
  }
  assert.equal(names.filter((n) => n === 'Newchannel').length, 2, 'both halves of the Local channel');
  assert.ok(names.includes('Hangup'));
  assert.deepEqual(tied.map((e) => e.seq), [...tied.map((e) => e.seq)].sort((a, b) => a - b), 'in arrival order');
  assert.ok(!names.includes('FullyBooted') && !names.includes('SuccessfulAuth'), 'events of no channel of the call stay out');
});

test('events from before the run started are not tied retroactively', () => {
  const tracker = new RunTracker(() => 10_000);
  const old = { ...event('Newchannel', [['Uniqueid', '5.5'], ['Linkedid', '5.5']]), time: 1000 };
  tracker.onEvent(old);
  tracker.track({ ...run('c-1'), startedAt: 9000 }, 30_000);
  const changed = tracker.onEvent({ ...event('OriginateResponse', [['ActionID', 'c-1'], ['Uniqueid', '5.5']]), time: 9500 });
  assert.deepEqual(changed[0].events.map((e) => e.name), ['OriginateResponse']);
});
