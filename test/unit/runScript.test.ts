/**
 * The script runner without a network: a scripted session replays capture 16's call (decoded by core/src/wire)
 * on a manual clock, so chained variables, waiting for a named block's late event, stopping and skipping are
 * checked deterministically.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runScript, type ScriptReport, type ScriptSession } from '../../core/src/run/scriptRunner';
import { ManualClock } from '../../core/src/session/clock';
import { Emitter } from '../../core/src/session/emitter';
import { parseScript } from '../../core/src/script/parser';
import type { AmiMessage } from '../../core/src/wire/types';
import { decodeCapture, sentAt } from './expectCapture';

const SCRIPTS = join(__dirname, '..', 'fixtures', 'scripts');

/** An AmiMessage made of header pairs. */
function message(headers: Array<[string, string]>): AmiMessage {
  const kind = headers[0]?.[0].toLowerCase() === 'event' ? 'event' : 'response';
  return {
    kind,
    raw: Buffer.from(headers.map(([n, v]) => `${n}: ${v}\r\n`).join('')),
    get: (name) => headers.find(([n]) => n.toLowerCase() === name.toLowerCase())?.[1],
    getAll: (name) => headers.filter(([n]) => n.toLowerCase() === name.toLowerCase()).map(([, v]) => v),
    headers: () => headers.map(([n, v]) => [n, v]),
  };
}

/** Capture 16's messages after the Originate, with their delay (ms) after the send. */
const call = (() => {
  const start = sentAt('16-originate-local-exten-async', 'orig-1');
  return decodeCapture('16-originate-local-exten-async')
    .filter(({ at, message: m }) => at >= start && m.kind !== 'banner' && m.get('Response') !== 'Goodbye')
    .map(({ at, message: m }) => ({ delay: at - start, headers: m.headers() }));
})();

/**
 * Answers like Asterisk did in capture 16: Originate with the recorded response and call (its ActionID
 * replaced by the one sent); UserEvent with Success and its event; CoreShowChannels with an empty list;
 * anything else with Success. `originateResponseDelay` moves the OriginateResponse later.
 */
class ScriptedSession implements ScriptSession {
  private readonly events = new Emitter<AmiMessage>();
  readonly onEvent = this.events.event;
  readonly sent: Array<Array<[string, string]>> = [];
  private counter = 0;

  constructor(private readonly clock: ManualClock, private readonly options: { originateResponseDelay?: number } = {}) {}

  async send(headers: ReadonlyArray<readonly [string, string]>) {
    const actionId = `fake-${++this.counter}`;
    const wire = headers.map(([n, v]) => [n, v] as [string, string]);
    this.sent.push(wire);
    const action = (wire.find(([n]) => n.toLowerCase() === 'action')?.[1] ?? '').toLowerCase();
    const emitLater = (delay: number, event: Array<[string, string]>): void => {
      this.clock.setTimeout(() => this.events.fire(message(event)), delay);
    };
    let response: AmiMessage = message([['Response', 'Success'], ['ActionID', actionId]]);
    let events: AmiMessage[] = [];
    let listStatus: 'complete' | undefined;
    if (action === 'originate') {
      for (const { delay, headers: recorded } of call) {
        const replaced = recorded.map(([n, v]) => [n, n.toLowerCase() === 'actionid' ? actionId : v] as [string, string]);
        if (recorded[0][0] === 'Response') response = message(replaced);
        else {
          const late = recorded[1]?.[1] === 'OriginateResponse' || replaced[0][1] === 'OriginateResponse' ? this.options.originateResponseDelay : undefined;
          emitLater(late ?? delay, replaced);
        }
      }
    } else if (action === 'userevent') {
      emitLater(1, [['Event', 'UserEvent'], ['UserEvent', wire.find(([n]) => n === 'UserEvent')?.[1] ?? ''], ['ActionID', actionId]]);
    } else if (action === 'coreshowchannels') {
      response = message([['Response', 'Success'], ['ActionID', actionId], ['EventList', 'start'], ['Message', 'Channels will follow']]);
      events = [];
      listStatus = 'complete';
    }
    return { action, actionId, response, events, listStatus, success: (response.get('Response') ?? '') === 'Success' };
  }
}

/** Runs the script to the end, moving the manual clock 10 ms at a time. */
async function drive(clock: ManualClock, running: Promise<ScriptReport>, stopAt?: { ms: number; stop: () => void }): Promise<ScriptReport> {
  let done: ScriptReport | undefined;
  void running.then((report) => (done = report));
  for (let elapsed = 0; !done; elapsed += 10) {
    if (elapsed > 120_000) throw new Error('the run did not finish within 120 s of clock time');
    if (stopAt && elapsed >= stopAt.ms) stopAt.stop();
    await new Promise((resolve) => setImmediate(resolve));
    clock.advance(10);
  }
  return done;
}

test('the originate fixture: every block passes; the named result feeds the next block', async () => {
  const clock = new ManualClock(1_000_000);
  const session = new ScriptedSession(clock);
  const script = parseScript(readFileSync(join(SCRIPTS, 'originate-call.ami'), 'utf8'));
  const report = await drive(clock, runScript(script, session, { clock }));
  assert.deepEqual(report.blocks.map((b) => b.verdict), ['passed', 'passed', 'passed'], JSON.stringify(report.blocks.map((b) => b.reason)));
  const uniqueid = call.find(({ headers }) => headers[0][1] === 'OriginateResponse')?.headers.find(([n]) => n === 'Uniqueid')?.[1];
  assert.deepEqual(session.sent[1].find(([n]) => n === 'Header1'), ['Header1', uniqueid]);
  assert.deepEqual(session.sent[0].find(([n]) => n === 'Channel'), ['Channel', 'Local/100@test']);
  const hangup = report.blocks[0].outcomes.find((o) => o.expected.startsWith('Event: Hangup'));
  assert.equal(hangup?.elapsedMs, 1805 - 302);
  // The block ends when its last expectation (the Hangup) is met; the clock moves in 10 ms steps.
  assert.ok(report.blocks[0].durationMs >= 1503 && report.blocks[0].durationMs < 1520, String(report.blocks[0].durationMs));
});

test('a block waits for a named block\'s event that has not arrived yet, then sends', async () => {
  const clock = new ManualClock();
  const session = new ScriptedSession(clock, { originateResponseDelay: 2000 });
  const script = parseScript('# @name call\nAction: Originate\nChannel: Local/100@test\nExten: 200\nContext: test\nPriority: 1\nAsync: true\n\nAction: Hangup\nChannel: {{call.events.OriginateResponse.Channel}}\n');
  const report = await drive(clock, runScript(script, session, { clock }));
  assert.deepEqual(report.blocks.map((b) => b.verdict), ['passed', 'passed']);
  assert.deepEqual(session.sent[1], [['Action', 'Hangup'], ['Channel', 'Local/100@test-0000000f;1']]);
  // Sent once the OriginateResponse came, 2 s after the Originate (not at once, and not after the 5 s limit).
  assert.ok(report.blocks[1].durationMs >= 1990 && report.blocks[1].durationMs <= 2050, String(report.blocks[1].durationMs));
});

test('a named result that never comes refuses the block after the chain wait, naming the variable', async () => {
  const clock = new ManualClock();
  const session = new ScriptedSession(clock);
  const script = parseScript('# @name call\nAction: Originate\nChannel: Local/100@test\nExten: 200\nContext: test\nPriority: 1\nAsync: true\n\nAction: Hangup\nChannel: {{call.events.BridgeEnter.Channel}}\n\nAction: Ping\n');
  const started = clock.now();
  const report = await drive(clock, runScript(script, session, { clock, chainWaitMs: 3000 }));
  assert.deepEqual(report.blocks.map((b) => b.verdict), ['passed', 'error', 'skipped']);
  assert.equal(report.blocks[1].reason, 'not sent: Channel: {{call.events.BridgeEnter.Channel}}: no BridgeEnter event has arrived for block "call" yet');
  assert.ok(clock.now() - started >= 3000);
  assert.equal(session.sent.length, 1, 'the refused block was not sent');
  assert.match(report.blocks[2].reason ?? '', /skipped: block 2 \(line 9\) did not pass; --continue-on-failure runs the rest/);
});

test('stopping fails what is pending and skips the rest', async () => {
  const clock = new ManualClock();
  const session = new ScriptedSession(clock);
  let stop = false;
  const script = parseScript('Action: Originate\nChannel: Local/100@test\nExten: 200\nContext: test\nPriority: 1\nAsync: true\n@expect Event: BridgeEnter within 60s\n\nAction: Ping\n');
  const report = await drive(clock, runScript(script, session, { clock, shouldStop: () => stop }), { ms: 500, stop: () => (stop = true) });
  assert.deepEqual(report.blocks.map((b) => b.verdict), ['failed', 'skipped']);
  assert.match(report.blocks[0].reason ?? '', /got nothing: the run was interrupted/);
  assert.equal(report.blocks[1].reason, 'skipped: block 1 (line 1) did not pass; --continue-on-failure runs the rest');
});

test('continueOnFailure runs on; a block without Action and a bad @expect are errors that name the line', async () => {
  const clock = new ManualClock();
  const session = new ScriptedSession(clock);
  const script = parseScript('Channel: x\n\nAction: Ping\n@expect List: lots\n\nAction: Ping\n@expect Response: Success\n');
  const report = await drive(clock, runScript(script, session, { clock, continueOnFailure: true }));
  assert.deepEqual(report.blocks.map((b) => b.verdict), ['error', 'error', 'passed']);
  assert.match(report.blocks[0].reason ?? '', /^line 1: the block does not start with "Action:"/);
  assert.match(report.blocks[1].reason ?? '', /^line 4: @expect List: lots: write the item count as "@expect List: 3"/);
  assert.deepEqual([report.passed, report.failed, report.errors, report.skipped], [1, 0, 2, 0]);
  assert.equal(session.sent.length, 1);
});

test('a file variable named like an object\'s built-in property (`@__proto__`, `@constructor`) is sent as written', async () => {
  const clock = new ManualClock();
  const session = new ScriptedSession(clock);
  const script = parseScript('@__proto__ = proto-value\n@constructor = ctor-value\n\nAction: Ping\nActionID: {{__proto__}}-{{constructor}}\n');
  const report = await drive(clock, runScript(script, session, { clock }));
  assert.deepEqual(report.blocks.map((b) => b.verdict), ['passed'], JSON.stringify(report.blocks.map((b) => b.reason)));
  assert.deepEqual(session.sent[0], [['Action', 'Ping'], ['ActionID', 'proto-value-ctor-value']]);
});
