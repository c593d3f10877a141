/**
 * How expectation outcomes map onto a block's lines: inline marks on `@expect` lines, Problems entries for
 * failures (the implicit check on the Action line), and the command outcome of a block report.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseScript } from '../../core/src/script/parser';
import type { BlockReport } from '../../core/src/run/scriptRunner';
import type { ExpectationOutcome } from '../../core/src/expect/types';
import { expectMarks, expectProblems, expectSummary, outcomeText, runOutcome } from '../../client/src/run/expectView';

const block = parseScript('# @name call\nAction: Originate\nChannel: Local/1@test\n@expect Response: Success\n@expect Event: Hangup within 2s\n').blocks[0];

const pass: ExpectationOutcome = { source: 'Response: Success', kind: 'response', status: 'pass', expected: 'Response: Success', got: 'Response: Success after 12 ms', message: 'Response: Success: got Response: Success after 12 ms', elapsedMs: 12 };
const fail: ExpectationOutcome = { source: 'Event: Hangup within 2s', kind: 'event', status: 'fail', expected: 'Event: Hangup within 2s', got: 'no Hangup event', message: 'expected Event: Hangup within 2s, got no Hangup event', elapsedMs: 2000 };
const pending: ExpectationOutcome = { ...fail, status: 'pending', message: 'waiting for Event: Hangup within 2s' };

test('marks follow the @expect lines in order with pass / fail / pending text', () => {
  const marks = expectMarks(block, [pass, pending], 1500);
  assert.deepEqual(marks.map((m) => [m.line, m.status, m.text]), [
    [3, 'pass', '✓ passed · 12 ms'],
    [4, 'pending', '… pending · 1.50 s'],
  ]);
  assert.equal(expectMarks(block, [pass, fail])[1].text, '✗ failed: expected Event: Hangup within 2s, got no Hangup event');
});

test('problems: one per failure with the expected / got sentence; the implicit check sits on the Action line', () => {
  assert.deepEqual(expectProblems(block, [pass, fail]).map((p) => [p.line, p.message]), [[4, fail.message]]);
  const implicit: ExpectationOutcome = { ...fail, kind: 'response', implicit: true, message: 'expected Response: Success, got Response: Error' };
  const plain = parseScript('Action: Status\nChannel: x\n').blocks[0];
  const problems = expectProblems(plain, [implicit]);
  assert.deepEqual(problems.map((p) => [p.line, p.startCharacter]), [[0, 0]]);
  assert.deepEqual(expectMarks(plain, [implicit]), [], 'no @expect line, no inline mark');
  assert.deepEqual(expectProblems(block, [pass, fail, fail]).length, 1, 'outcomes beyond the lines are dropped, not misplaced');
});

test('summary and command outcome of a block report', () => {
  assert.equal(expectSummary([pass, fail]), ' · ✗ 1 of 2 expectations failed');
  assert.equal(expectSummary([pass]), ' · ✓ 1 expectation');
  assert.equal(expectSummary([pass, pending]), ' · … 1 of 2 expectations pending');
  assert.equal(outcomeText(pending), '… pending');
  const base: BlockReport = { index: 0, line: 2, label: 'call', action: 'Originate', verdict: 'passed', outcomes: [], eventCount: 0, durationMs: 1 };
  const run = { status: 'success' as const, action: 'Originate', actionId: 'a1', sent: [], items: [], permissionDenied: false };
  assert.equal(runOutcome(base), 'success');
  assert.equal(runOutcome({ ...base, verdict: 'failed', run }), 'failed');
  assert.equal(runOutcome({ ...base, verdict: 'failed', run: { ...run, status: 'error' } }), 'error');
  assert.equal(runOutcome({ ...base, verdict: 'error', run: { ...run, status: 'refused', cancelled: true } }), 'cancelled');
  assert.equal(runOutcome({ ...base, verdict: 'error' }), 'refused');
});
