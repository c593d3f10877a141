/** JUnit XML of `ami run`: structure (checked against the common schema's rules) and escaping of hostile text. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { escapeXml, toJUnit, classNameOf } from '../../cli/src/junit';
import type { FileRun } from '../../cli/src/report';
import type { BlockReport } from '../../core/src/run/scriptRunner';
import { checkJUnit } from './expectJunitSchema';

const HOSTILE = 'a<b>&"c\' ]]> \u0000\u0001\u001b\uD800 tab\there\r\nnew line \uFFFF 😀';

function block(overrides: Partial<BlockReport>): BlockReport {
  return { index: 0, line: 1, label: 'Ping', action: 'Ping', verdict: 'passed', outcomes: [], eventCount: 0, durationMs: 12, ...overrides };
}

const runs: FileRun[] = [
  {
    file: 'tests/calls/originate.ami',
    report: {
      blocks: [
        block({ index: 0, line: 3, label: 'Originate a call', action: 'Originate', durationMs: 1503 }),
        block({
          index: 1,
          line: 12,
          label: `Hangup ${HOSTILE}`,
          action: 'Hangup',
          verdict: 'failed',
          reason: `expected Event: Hangup Cause=17 within 3s, got Hangup Cause=16 ${HOSTILE}`,
          outcomes: [
            {
              source: 'Event: Hangup Cause=17 within 3s',
              kind: 'event',
              status: 'fail',
              expected: 'Event: Hangup Cause=17 within 3s',
              got: `Hangup Cause=16 ${HOSTILE}`,
              message: `expected Event: Hangup Cause=17 within 3s, got Hangup Cause=16 ${HOSTILE}`,
              elapsedMs: 3000,
            },
          ],
          durationMs: 3001,
        }),
        block({ index: 2, line: 20, verdict: 'error', reason: 'not sent: Channel: {{call.Channel}}: no block named "call" has run yet', durationMs: 0 }),
        block({ index: 3, line: 24, verdict: 'skipped', reason: 'skipped: block 2 (line 12) did not pass', durationMs: 0 }),
      ],
      passed: 1,
      failed: 1,
      errors: 1,
      skipped: 1,
      durationMs: 4504,
    },
  },
  { file: 'tests/missing.ami', report: { blocks: [], passed: 0, failed: 0, errors: 0, skipped: 0, durationMs: 0 }, error: 'not run: connection lost (The server closed the connection.)' },
];

test('the document passes the structural rules of the common JUnit schema', () => {
  const xml = toJUnit(runs, { timestamp: new Date('2026-11-23T11:00:00.123Z'), hostname: 'ci', target: 'dev@127.0.0.1:5038' });
  const checked = checkJUnit(xml);
  assert.deepEqual(checked.totals, { tests: 5, failures: 1, errors: 2, skipped: 1 });
  const [calls, missing] = checked.suites;
  assert.equal(calls.name, 'tests/calls/originate.ami');
  assert.deepEqual(calls.cases.map((c) => c.outcome), ['passed', 'failure', 'error', 'skipped']);
  assert.deepEqual(calls.cases.map((c) => c.time), [1.503, 3.001, 0, 0]);
  assert.equal(calls.cases[0].classname, 'tests.calls.originate');
  assert.equal(calls.cases[0].name, 'line 3: Originate a call (Originate)');
  assert.match(calls.cases[1].message ?? '', /^expected Event: Hangup Cause=17 within 3s, got Hangup Cause=16 a<b>&"c' \]\]> /);
  assert.match(calls.cases[1].details ?? '', /FAIL @expect Event: Hangup Cause=17 within 3s/);
  assert.equal(missing.cases[0].outcome, 'error');
  assert.match(missing.cases[0].message ?? '', /connection lost/);
  assert.match(xml, /<testsuite [^>]*timestamp="2026-11-23T11:00:00"/);
});

test('hostile text survives as text: markup escaped, characters XML forbids replaced, emoji kept', () => {
  const xml = toJUnit(runs, { timestamp: new Date(0) });
  const checked = checkJUnit(xml);
  const failure = checked.suites[0].cases[1];
  assert.ok(failure.name.includes('a<b>&"c\' ]]> \uFFFD\uFFFD\uFFFD\uFFFD tab\there\r\nnew line \uFFFD 😀'), JSON.stringify(failure.name));
  assert.equal(escapeXml('<&>"\''), '&lt;&amp;&gt;&quot;&apos;');
  assert.equal(escapeXml('\uDC00x\uD83D\uDE00'), '\uFFFDx😀');
});

test('the checker itself rejects broken documents', () => {
  const good = toJUnit(runs, { timestamp: new Date(0) });
  assert.throws(() => checkJUnit(good.replace('<testsuites ', '<suites ').replace('</testsuites>', '</suites>')), /root element/);
  assert.throws(() => checkJUnit(good.replace(/ classname="[^"]*"/, '')), /classname/);
  assert.throws(() => checkJUnit(good.replace(/failures="1"/, 'failures="2"')), /failures/);
  assert.throws(() => checkJUnit(good.replace(/<failure message="[^"]*"/, '<failure')), /message/);
  assert.throws(() => checkJUnit(good.replace('</testsuites>', '')), /XML/);
  assert.throws(() => checkJUnit(good.replace(/time="[^"]*"/, 'time="soon"')), /time/);
  assert.throws(() => checkJUnit(good.replace('<testsuites ', '<testsuites color="red" ')), /may not have the attribute color/);
  assert.throws(() => checkJUnit(good.replace('<skipped ', '<skipped type="x" ')), /<skipped> may not have the attribute type/);
  assert.throws(() => checkJUnit(good.replace('<system-out>', '<system-out><b/>')), /XML|may not hold|unknown element/);
});

test('class names are dotted paths without the extension', () => {
  assert.equal(classNameOf('./tests/a.ami'), 'tests.a');
  assert.equal(classNameOf('tests\\win\\b.AMI'), 'tests.win.b');
});
