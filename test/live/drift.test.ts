/**
 * Capture drift (npm run test:live): every scenario of test/fixtures/ami-captures is sent again to the live
 * Asterisk and what comes back must have the recorded structure (see captureDrift.ts). A failure prints the
 * differences, one line each.
 */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { replayScenario, streamStructure, structureDiff, type ReplayOptions } from './captureDrift';
import { nextEvent, useLiveAsterisk } from './liveAsterisk';
import { readFileSync } from 'node:fs';

const CAPTURES = join(__dirname, '..', 'fixtures', 'ami-captures');
const live = useLiveAsterisk();

/** Scenarios whose recording had a second session start a call (Local/500@test → Echo) at some point. */
const HELPER_CALL_BEFORE: Record<string, string> = {
  '12-command-core-show-channels': 'cmd-ch-live',
  '19-coreshowchannels-live': 'start',
  '20-status': 'st-all',
  '21-getvar-setvar': 'start',
  '27-actionid-echo': 'start',
  '29-redirect-hangup': 'redir-1',
};

/** Events that exist or not depending on timing: device state changes may be coalesced. */
const TIMING_DEPENDENT_EVENTS = new Set(['DeviceStateChange', 'ExtensionStatus']);

const scenarios = readdirSync(CAPTURES)
  .filter((name) => /^\d+[a-z]?-.*\.txt$/.test(name) && !/\.(sent|meta)\.txt$/.test(name))
  .map((name) => name.replace(/\.txt$/, ''))
  .sort();

describe('live Asterisk: the recorded captures have not drifted', () => {
  for (const scenario of scenarios) {
    it(scenario, async (t) => {
      if (!live.target().owned) return t.skip('needs the instance the tests start (its users and dialplan)');
      const options: ReplayOptions = {};
      let helperChannels: string[] = [];
      if (HELPER_CALL_BEFORE[scenario]) {
        options.helperCallBefore = HELPER_CALL_BEFORE[scenario];
        options.startHelperCall = async () => {
          const client = await live.connect();
          // Established: the ;2 half has run 500's Set(CALLVAR=long-call) and waits.
          const established = nextEvent(
            client,
            (_, get) => get('Event') === 'Newexten' && get('Application') === 'Wait' && /^Local\/500@test-.*;2$/.test(get('Channel') ?? ''),
            10_000,
            'the helper call waiting in 500',
          );
          await client.send([
            ['Action', 'Originate'],
            ['Channel', 'Local/500@test'],
            ['Context', 'test'],
            ['Exten', '200'],
            ['Priority', '1'],
            ['CallerID', 'Helper <555>'],
            ['Async', 'true'],
            ['ActionID', 'helper-orig'],
          ]);
          const name = (await established).get('channel')!;
          await new Promise((resolve) => setTimeout(resolve, 200));
          helperChannels = [name.replace(/;[12]$/, ';1')];
          return name.replace(/;[12]$/, '');
        };
      }
      const path = join(CAPTURES, `${scenario}.txt`);
      const received = await replayScenario(live.target(), path, options);
      if (helperChannels.length > 0) {
        const client = await live.connect();
        await client.send([['Action', 'Hangup'], ['Channel', '/^Local\\/500@test-/']]).catch(() => undefined);
        await new Promise((resolve) => setTimeout(resolve, 300));
      }
      const diff = structureDiff(streamStructure(readFileSync(path)), streamStructure(received), TIMING_DEPENDENT_EVENTS);
      assert.deepEqual(diff, [], `${scenario} drifted from the recording:\n  ${diff.join('\n  ')}`);
    });
  }
});
