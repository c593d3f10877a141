/**
 * runScript as the editor drives it (a subset of blocks, named results of an earlier run, a confirmation hook,
 * progress per block) against the fake Asterisk over real TCP on 127.0.0.1.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runScript } from '../../core/src/run/scriptRunner';
import type { ExpectationOutcome } from '../../core/src/expect/types';
import { parseScript } from '../../core/src/script/parser';
import { useFakeServerSessions } from '../session/helpers';

const { login } = useFakeServerSessions();


const text = [
  '# @name call',
  'Action: Originate',
  'Channel: Local/100@test',
  'Context: test',
  'Exten: 200',
  'Priority: 1',
  'Async: true',
  '@expect Response: Success',
  '@expect Event: OriginateResponse Response=Success within 5s',
  '',
  'Action: CoreShowChannels',
  'ActionID: {{call.events.OriginateResponse.Uniqueid}}',
  '@expect Response: Success',
  '',
].join('\n');

test('the editor hooks: progress per block, confirmation, and named results carried to a later run of one block', async () => {
  const session = await login({ username: 'dev', secret: 'devsecret', events: 'on' });
  const script = parseScript(text);
  const progress: Array<[number, string[]]> = [];
  const confirmed: string[] = [];
  const first = await runScript(script, session, {
    blocks: [script.blocks[0]],
    beforeSend: (block, headers) => {
      confirmed.push(`${block.index}:${headers.find(([n]) => n === 'Action')?.[1]}`);
      return Promise.resolve(true);
    },
    onBlockProgress: (block, run, outcomes: readonly ExpectationOutcome[]) => {
      assert.equal(run.status, 'success');
      progress.push([block.index, outcomes.map((o) => o.status)]);
    },
  });
  assert.equal(first.blocks.length, 1, 'only the chosen block runs');
  assert.equal(first.blocks[0].verdict, 'passed', first.blocks[0].reason);
  assert.deepEqual(confirmed, ['0:Originate']);
  assert.ok(progress.length >= 1);
  assert.deepEqual(progress.at(-1), [0, ['pass', 'pass']], 'the last progress has every outcome decided');
  const run = first.blocks[0].run;
  assert.ok(run);
  const uniqueid = first.blocks[0].outcomes.find((o) => o.kind === 'event')?.matched?.find(([n]) => n === 'Uniqueid')?.[1];
  assert.ok(uniqueid);

  // A later run of the second block alone, given the first run's named result.
  const events = [{ name: 'OriginateResponse', headers: first.blocks[0].outcomes.find((o) => o.kind === 'event')?.matched ?? [] }];
  const second = await runScript(script, session, {
    blocks: [script.blocks[1]],
    named: new Map([['call', { actionId: run.actionId, response: run.response, items: run.items, events }]]),
  });
  assert.equal(second.blocks[0].verdict, 'passed', second.blocks[0].reason);
  assert.equal(second.blocks[0].run?.userActionId, uniqueid, 'the variable came from the earlier run');

  // Declining in beforeSend sends nothing: an error report with run.cancelled.
  const declined = await runScript(script, session, { blocks: [script.blocks[0]], beforeSend: () => Promise.resolve(false) });
  assert.equal(declined.blocks[0].verdict, 'error');
  assert.equal(declined.blocks[0].run?.cancelled, true);
  session.close();
});
