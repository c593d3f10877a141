/**
 * Result cards in headless Chromium: expectations on the card (a failed one makes it FAILED), list results as one
 * table per event kind with the useful columns first, the completion event and its ListItems check, a column
 * choice remembered across a reload, copy as CSV/TSV. Screenshot: test-output/webview/results-*.png.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { openPanel, skipReason, type PanelHarness } from './harness';
import { packEvents } from '../../protocol/src/webviewMessages';

const OUT = 'test-output/webview';

type Pairs = Array<[string, string]>;

/** CoreShowChannel rows as Asterisk 23.4.1 sent them (test/fixtures/ami-captures/19-coreshowchannels-live.txt). */
function channel(n: number, exten: string, application: string, data: string): Pairs {
  return [
    ['Event', 'CoreShowChannel'], ['ActionID', 'ami-7'], ['Channel', `Local/500@test-00000016;${n}`], ['ChannelState', '6'],
    ['ChannelStateDesc', 'Up'], ['CallerIDNum', '555'], ['CallerIDName', 'Helper'], ['ConnectedLineNum', '555'],
    ['ConnectedLineName', 'Helper'], ['Language', 'en'], ['AccountCode', ''], ['Context', 'test'], ['Exten', exten],
    ['Priority', '2'], ['Uniqueid', `1795393219.4${4 + n}`], ['Linkedid', '1795393219.45'], ['Application', application],
    ['ApplicationData', data], ['Duration', '00:00:0' + n], ['BridgeId', ''],
  ];
}

function coreShowChannels(listItems: string): Record<string, unknown> {
  return {
    id: 'run-csc', title: 'List channels', action: 'CoreShowChannels', source: 'calls.ami:9', connection: 'lab', actionId: 'ami-7',
    startedAt: 1_763_900_000_000, durationMs: 4, status: 'success',
    sent: [['Action', 'CoreShowChannels'], ['ActionID', 'ami-7']],
    response: [['Response', 'Success'], ['ActionID', 'ami-7'], ['EventList', 'start'], ['Message', 'Channels will follow']],
    items: [channel(1, '200', 'Echo', ''), channel(2, '500', 'Wait', '30')],
    complete: [['Event', 'CoreShowChannelsComplete'], ['ActionID', 'ami-7'], ['EventList', 'Complete'], ['ListItems', listItems]],
    events: [],
  };
}

function queueStatus(): Record<string, unknown> {
  const params: Pairs = [['Event', 'QueueParams'], ['Queue', 'testq'], ['Max', '0'], ['Strategy', 'ringall'], ['Calls', '0'], ['Holdtime', '0'], ['TalkTime', '0'], ['Completed', '0'], ['Abandoned', '0'], ['ServiceLevel', '0'], ['ServicelevelPerf', '0.0'], ['ServicelevelPerf2', '0.0'], ['Weight', '0']];
  const member = (name: string, paused: string): Pairs => [
    ['Event', 'QueueMember'], ['Queue', 'testq'], ['Name', name], ['Location', `Local/${name}@test`], ['StateInterface', `Local/${name}@test`],
    ['Membership', 'static'], ['Penalty', '0'], ['CallsTaken', '0'], ['LastCall', '0'], ['LastPause', '0'], ['LoginTime', '1795393000'],
    ['InCall', '0'], ['Status', '1'], ['Paused', paused], ['PausedReason', ''], ['Wrapuptime', '0'],
  ];
  return {
    id: 'run-qs', title: 'Queue status', action: 'QueueStatus', source: 'queues.ami:1', connection: 'lab', actionId: 'ami-8',
    startedAt: 1_763_900_001_000, durationMs: 3, status: 'success',
    sent: [['Action', 'QueueStatus'], ['ActionID', 'ami-8']],
    response: [['Response', 'Success'], ['ActionID', 'ami-8'], ['EventList', 'start'], ['Message', 'Queue status will follow']],
    items: [params, member('100', '0'), member('101', '1')],
    complete: [['Event', 'QueueStatusComplete'], ['ActionID', 'ami-8'], ['EventList', 'Complete'], ['ListItems', '3']],
    events: [],
  };
}

function originateWithExpectations(status: 'pass' | 'fail' | 'pending'): Record<string, unknown> {
  return {
    id: 'run-orig', title: 'Call 200', action: 'Originate', source: 'calls.ami:1', connection: 'lab', actionId: 'ami-9',
    startedAt: 1_763_900_002_000, durationMs: 2, status: 'success',
    sent: [['Action', 'Originate'], ['ActionID', 'ami-9'], ['Channel', 'Local/100@test']],
    response: [['Response', 'Success'], ['ActionID', 'ami-9'], ['Message', 'Originate successfully queued']],
    items: [],
    events: [],
    expectations: [
      { source: 'Response: Success', status: 'pass', detail: 'Response: Success · 2 ms' },
      {
        source: 'Event: Hangup Cause=17 within 5s',
        status,
        detail: status === 'fail' ? 'expected Event: Hangup Cause=17 within 5s, got Hangup Cause=16 after 1.20 s' : status === 'pass' ? 'Hangup Cause=17 after 1.20 s' : 'waiting for Event: Hangup Cause=17 within 5s',
      },
    ],
  };
}

describe('result cards in Chromium', { skip: skipReason }, () => {
  let panel: PanelHarness;

  before(async () => {
    mkdirSync(OUT, { recursive: true });
    panel = await openPanel();
  });
  after(async () => {
    await panel?.close();
  });

  test('expectations show on the card; a failed one makes a successful action FAILED', async () => {
    await panel.send({ type: 'run', run: originateWithExpectations('pending') });
    const card = panel.page.locator('[data-run-id="run-orig"]');
    await card.locator('.expectation.pending').waitFor();
    assert.match(await card.locator('.badge').innerText(), /success/i);
    assert.match(await card.locator('.expectations-section h4').innerText(), /1 of 2 pending/);

    await panel.send({ type: 'run', run: originateWithExpectations('fail') });
    await card.locator('.expectation.fail').waitFor();
    assert.match(await card.locator('.badge').innerText(), /failed/i);
    assert.match((await card.locator('.badge').getAttribute('title')) ?? '', /server answered success/);
    const lines = await card.locator('.expectation').allInnerTexts();
    assert.match(lines[0], /✓[\s\S]*@expect Response: Success/);
    assert.match(lines[1], /✗[\s\S]*@expect Event: Hangup Cause=17 within 5s[\s\S]*got Hangup Cause=16 after 1\.20 s/);
    assert.match(await card.locator('summary').innerText(), /FAILED/);
    await card.screenshot({ path: `${OUT}/results-expectation-failed.png` });

    await panel.send({ type: 'run', run: originateWithExpectations('pass') });
    await card.locator('.expectation.pass >> nth=1').waitFor();
    assert.match(await card.locator('.badge').innerText(), /success/i);
  });

  test('a card heads its headers by what became of them: pending is a request, a declined one was not sent', async () => {
    const command = (status: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
      id: 'run-cmd', title: 'Which Asterisk is this?', action: 'Command', source: 'command.ami:5', connection: 'lab', actionId: '',
      startedAt: 1_763_900_003_000, status, sent: [['Action', 'Command'], ['Command', 'core show version']], items: [], events: [], ...extra,
    });
    const card = panel.page.locator('[data-run-id="run-cmd"]');
    const headings = async (): Promise<string[]> => card.locator('.section h4').allInnerTexts();
    await panel.send({ type: 'run', run: command('pending') });
    await card.waitFor();
    assert.deepEqual(await headings(), ['Request']);
    await panel.send({ type: 'run', run: command('refused', { error: 'cancelled: not confirmed' }) });
    await card.locator('.badge', { hasText: /refused/i }).waitFor();
    assert.deepEqual(await headings(), ['Not sent']);
    await panel.send({ type: 'run', run: command('success', { actionId: 'ami-10', response: [['Response', 'Success'], ['ActionID', 'ami-10']] }) });
    await card.locator('.badge', { hasText: /success/i }).waitFor();
    assert.deepEqual(await headings(), ['Sent', 'Response']);
  });

  test('QueueStatus: one table per event kind, the completion event and a ListItems check', async () => {
    await panel.send({ type: 'run', run: queueStatus() });
    const card = panel.page.locator('[data-run-id="run-qs"]');
    await card.locator('.list-group').first().waitFor();
    assert.deepEqual(await card.locator('.list-group .list-kind').allInnerTexts(), ['QueueParams (1)', 'QueueMember (2)']);
    const memberHead = await card.locator('.list-group[data-event="QueueMember"] thead th').allInnerTexts();
    assert.deepEqual(memberHead.slice(0, 6), ['Queue', 'Name', 'Location', 'Status', 'Paused', 'PausedReason']);
    const paramsHead = await card.locator('.list-group[data-event="QueueParams"] thead th').allInnerTexts();
    assert.deepEqual(paramsHead.slice(0, 3), ['Queue', 'Strategy', 'Calls']);
    assert.ok(!paramsHead.includes('Name'), 'QueueParams has no QueueMember columns');
    assert.match(await card.locator('.list-check').innerText(), /QueueStatusComplete \(EventList: Complete\): ✓ ListItems 3 matches the 3 rows received/);
    await card.screenshot({ path: `${OUT}/results-queuestatus.png` });
  });

  test('CoreShowChannels: Application and Duration among the first columns; a ListItems mismatch is flagged', async () => {
    await panel.send({ type: 'run', run: coreShowChannels('3') });
    const card = panel.page.locator('[data-run-id="run-csc"]');
    await card.locator('.list-group').waitFor();
    const head = await card.locator('thead th').allInnerTexts();
    assert.deepEqual(head.slice(0, 6), ['Channel', 'ChannelStateDesc', 'Application', 'ApplicationData', 'Duration', 'CallerIDNum']);
    assert.match(await card.locator('.list-check.bad').innerText(), /✗ ListItems says 3, but 2 rows received/);
    // Every column fits the default panel width (600 px): the useful ones are visible without scrolling.
    await panel.page.setViewportSize({ width: 700, height: 700 });
    const durationBox = await card.locator('thead th', { hasText: /^Duration$/ }).boundingBox();
    assert.ok(durationBox && durationBox.x + durationBox.width < 700, `Duration column visible at 700 px (x=${durationBox?.x})`);
    await panel.page.setViewportSize({ width: 1200, height: 700 });
  });

  test('a column choice is remembered per event kind (also after a reload) and copy takes the shown columns', async () => {
    await panel.send({ type: 'run', run: coreShowChannels('2') });
    const card = panel.page.locator('[data-run-id="run-csc"]');
    await card.locator('button.column-chooser').click();
    await card.locator('.column-choices input[value="ChannelStateDesc"]').uncheck();
    await card.locator('.column-choices input[value="Language"]').check();
    const head = await card.locator('thead th').allInnerTexts();
    assert.ok(!head.includes('ChannelStateDesc') && head.includes('Language'));

    await card.locator('button.copy-csv').click();
    const copies = (await panel.posted()).filter((message) => message.type === 'copy');
    const csv = String(copies.at(-1)?.text);
    const [header, first] = csv.split('\r\n');
    assert.equal(header, head.join(','));
    assert.match(first, /^Local\/500@test-00000016;1,Echo,,00:00:01,555,555/);

    await card.locator('button.copy-tsv').click();
    const tsv = String((await panel.posted()).filter((message) => message.type === 'copy').at(-1)?.text);
    assert.equal(tsv.split('\r\n')[0], head.join('\t'));

    await panel.page.reload();
    await panel.page.waitForFunction(() => (window as unknown as { __posted: unknown[] }).__posted.length > 0);
    await panel.send({ type: 'reset', runs: [coreShowChannels('2')], events: packEvents([]), counters: { droppedBySession: 0 }, docs: {} });
    const again = panel.page.locator('[data-run-id="run-csc"] thead th');
    await again.first().waitFor();
    assert.deepEqual(await again.allInnerTexts(), head);
  });

  test("events show Asterisk's Timestamp (microseconds) when present and say which clock; the detail goes below the list at the default width", async () => {
    await panel.page.setViewportSize({ width: 620, height: 700 });
    await panel.page.click('#tab-events');
    const base = { time: Date.UTC(2026, 10, 23, 0, 20, 7, 303), name: 'Newchannel' };
    await panel.send({
      type: 'events',
      counters: { droppedBySession: 0 },
      events: packEvents([
        { ...base, seq: 901, headers: [['Event', 'Newchannel'], ['Channel', 'Local/100@test-0000000f;1'], ['Timestamp', '1795393207.303074']] },
        { ...base, seq: 902, headers: [['Event', 'Newchannel'], ['Channel', 'Local/100@test-0000000f;2'], ['Timestamp', '1795393207.303148']] },
        { ...base, seq: 903, headers: [['Event', 'VarSet'], ['Channel', 'Local/100@test-0000000f;2']] },
      ]),
    });
    const rows = panel.page.locator('.row:not(.hidden)');
    await panel.page.waitForFunction(() => document.querySelectorAll('.row:not(.hidden)').length >= 3);
    const times = await rows.locator('.time').allInnerTexts();
    const last3 = times.slice(-3);
    assert.match(last3[0], /^\d\d:\d\d:07\.303074$/);
    assert.match(last3[1], /^\d\d:\d\d:07\.303148$/, 'two events of one read differ by their server time');
    assert.match(last3[2], /^\d\d:\d\d:\d\d\.\d{3}$/);
    assert.match((await rows.locator('.time').last().getAttribute('title')) ?? '', /Received by the extension/);
    assert.match((await rows.locator('.time').nth(times.length - 3).getAttribute('title')) ?? '', /Timestamp header/);
    await rows.nth(times.length - 3).click();
    assert.match(await panel.page.locator('#event-detail h4').innerText(), /server time \d\d:\d\d:07\.303074/);
    const list = await panel.page.locator('#event-list').boundingBox();
    const detail = await panel.page.locator('#event-detail').boundingBox();
    assert.ok(list && detail && detail.y >= list.y + list.height - 1, 'detail below the list at 620 px');
    assert.ok(detail && detail.width > 560, 'the detail has the whole width');
    await panel.page.screenshot({ path: `${OUT}/results-events-timestamps.png` });
    await panel.page.setViewportSize({ width: 1200, height: 700 });
    await panel.page.click('#tab-results');
  });

  test('"Open as text" asks the extension for the run\'s document', async () => {
    await panel.send({ type: 'run', run: queueStatus() });
    await panel.page.locator('[data-run-id="run-qs"] button.open-as-text').click();
    assert.deepEqual((await panel.posted()).at(-1), { type: 'openAsText', runId: 'run-qs' });
  });

  test('no CSP violation and no page error happened', () => {
    assert.deepEqual(panel.cspViolations, []);
  });
});
