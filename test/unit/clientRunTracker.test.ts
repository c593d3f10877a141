import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RunTracker } from '../../client/src/run/runTracker';
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
