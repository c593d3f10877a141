/**
 * The panel UI in headless Chromium: rendering as text, sorting, filtering, pausing, detail + copy,
 * state restore, CSP, and 10,000 events/s with a bounded DOM. Skipped (with the reason) when Chromium is missing.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { makeEvent, openPanel, skipReason, type PanelHarness } from './harness';
import { packEvents } from '../../protocol/src/webviewMessages';

const counters = { droppedBySession: 0 };

function run(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: 'run-1',
    title: 'List channels',
    action: 'CoreShowChannels',
    source: 'demo.ami:3',
    connection: 'local',
    actionId: 'ami-1',
    startedAt: 1_763_900_000_000,
    durationMs: 12,
    status: 'success',
    sent: [
      ['Action', 'CoreShowChannels'],
      ['ActionID', 'ami-1'],
    ],
    response: [
      ['Response', 'Success'],
      ['ActionID', 'ami-1'],
      ['EventList', 'start'],
      ['Message', 'Channels will follow'],
    ],
    items: [
      [['Event', 'CoreShowChannel'], ['Channel', 'PJSIP/200-01'], ['CallerIDName', '<img src=x onerror="window.__pwned=1">'], ['Duration', '9']],
      [['Event', 'CoreShowChannel'], ['Channel', 'PJSIP/100-02'], ['CallerIDName', 'Alice'], ['Duration', '10']],
      [['Event', 'CoreShowChannel'], ['Channel', 'PJSIP/300-03'], ['CallerIDName', 'Bob'], ['Duration', '100']],
    ],
    events: [],
    ...overrides,
  };
}

describe('panel webview in Chromium', { skip: skipReason }, () => {
  let panel: PanelHarness;

  before(async () => {
    panel = await openPanel();
  });
  after(async () => {
    await panel?.close();
  });

  test('announces itself and renders a run with server values as text', async () => {
    const posted = await panel.posted();
    assert.deepEqual(posted[0], { type: 'ready' });
    await panel.send({ type: 'run', run: run() });
    const card = panel.page.locator('[data-run-id="run-1"]');
    await card.waitFor();
    assert.match(await card.locator('summary').innerText(), /SUCCESS[\s\S]*List channels[\s\S]*3 items/i);
    const cells = await card.locator('table.list-items tbody td').allInnerTexts();
    assert.ok(cells.includes('<img src=x onerror="window.__pwned=1">'), 'hostile CallerIDName shown literally');
    assert.equal(await panel.page.locator('img').count(), 0, 'no element was created from server text');
    assert.equal(await panel.page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned), undefined);
  });

  test('sorts list items by a column, numerically, both ways; column headers carry the field description', async () => {
    await panel.send({ type: 'run', run: run(), docs: { coreshowchannel: { duration: 'How long the channel has existed.' } } });
    const card = panel.page.locator('[data-run-id="run-1"]');
    await card.locator('table.list-items th', { hasText: 'Duration' }).waitFor();
    assert.match((await card.locator('table.list-items th', { hasText: 'Duration' }).getAttribute('title')) ?? '', /^How long the channel has existed\./);
    const durationHeader = card.locator('table.list-items th', { hasText: 'Duration' });
    const durations = (): Promise<string[]> =>
      card.locator('table.list-items tbody tr td:nth-child(2)').allInnerTexts();
    await durationHeader.click();
    assert.deepEqual(await durations(), ['9', '10', '100']);
    await durationHeader.click();
    assert.deepEqual(await durations(), ['100', '10', '9']);
  });

  test('flags an incomplete list and updates a run in place', async () => {
    await panel.send({ type: 'run', run: run({ status: 'failed', listIncomplete: 'ListItems said 5, 3 arrived' }) });
    const card = panel.page.locator('[data-run-id="run-1"]');
    await card.locator('.list-incomplete').waitFor();
    assert.match(await card.locator('.list-incomplete').innerText(), /ListItems said 5, 3 arrived/);
    assert.equal(await panel.page.locator('[data-run-id]').count(), 1);
  });

  test('ignores a malformed message and says so', async () => {
    await panel.send({ type: 'events', events: [{ seq: 'x' }], counters });
    await panel.page.locator('#notice.error').waitFor();
    assert.match(await panel.page.locator('#notice').innerText(), /malformed/);
    await panel.send({ type: 'bogus' });
    assert.match(await panel.page.locator('#notice').innerText(), /unknown message type "bogus"/);
  });

  test('shows events, filters by name and header=value, counts', async () => {
    await panel.page.click('#tab-events');
    const events = [
      makeEvent(1, 'Newchannel'),
      makeEvent(2, 'Hangup', [['Cause', '16']]),
      makeEvent(3, 'Newchannel'),
      makeEvent(4, 'Hangup', [['Cause', '17']]),
      makeEvent(5, 'VarSet'),
    ];
    await panel.send({
      type: 'events',
      events: packEvents(events),
      counters: { droppedBySession: 3 },
      docs: { hangup: { cause: 'A numeric cause code for why the channel was hung up.' } },
    });
    await panel.page.waitForFunction(() => document.querySelector('#count-received')?.textContent === '5');
    assert.equal(await panel.page.locator('#count-shown').innerText(), '5');
    assert.equal(await panel.page.locator('#count-dropped').innerText(), '3');
    assert.equal(await panel.page.locator('.row:not(.hidden)').count(), 5);

    await panel.page.fill('#filter', 'hangup');
    await panel.page.waitForFunction(() => document.querySelector('#count-shown')?.textContent === '2');
    assert.deepEqual(await panel.page.locator('.row:not(.hidden) .name').allInnerTexts(), ['Hangup', 'Hangup']);

    await panel.page.fill('#filter', 'Hangup Cause=17');
    await panel.page.waitForFunction(() => document.querySelector('#count-shown')?.textContent === '1');

    await panel.page.fill('#filter', 'bad!term');
    await panel.page.locator('#filter-error').filter({ hasText: 'bad!term' }).waitFor();

    await panel.page.fill('#filter', 'Hangup Cause=17');
    await panel.page.click('#push-filter');
    const posted = await panel.posted();
    assert.deepEqual(posted.at(-1), { type: 'pushFilter', filter: { eventNames: ['Hangup'], headers: [['Cause', '17']] } });
    await panel.page.click('#event-mask');
    assert.deepEqual((await panel.posted()).at(-1), { type: 'setEventMask' });
  });

  test('click an event: all headers, catalogue description on hover, copy as text', async () => {
    await panel.page.locator('.row:not(.hidden)').first().click();
    const detail = panel.page.locator('#event-detail');
    await detail.locator('table.headers').waitFor();
    assert.deepEqual(await detail.locator('th').allInnerTexts(), ['Event', 'Privilege', 'Channel', 'Uniqueid', 'Cause']);
    assert.equal(
      await detail.locator('th', { hasText: 'Cause' }).getAttribute('title'),
      'A numeric cause code for why the channel was hung up.',
    );
    await panel.page.click('#copy-event');
    const posted = await panel.posted();
    const copy = posted.at(-1) as { type: string; text: string };
    assert.equal(copy.type, 'copy');
    assert.match(copy.text, /^Event: Hangup\nPrivilege: call,all\nChannel: PJSIP\/104-00004\n/);
    // Keyboard: the list moves the selection with the arrows.
    await panel.page.fill('#filter', '');
    await panel.page.locator('.row:not(.hidden)').first().click();
    await panel.page.keyboard.press('ArrowDown');
    await panel.page.locator('#event-detail h4', { hasText: '#2' }).waitFor();
    await panel.page.keyboard.press('End');
    await panel.page.locator('#event-detail h4', { hasText: '#5' }).waitFor();
    assert.equal(await panel.page.locator('.row.selected').getAttribute('aria-selected'), 'true');
    await panel.page.fill('#filter', 'Hangup Cause=17');
  });

  test('pause keeps everything that arrives and shows it on resume', async () => {
    await panel.page.fill('#filter', '');
    await panel.page.click('#pause');
    await panel.send({ type: 'events', events: packEvents([makeEvent(6, 'Newexten'), makeEvent(7, 'Newexten')]), counters });
    await panel.page.waitForFunction(() => document.querySelector('#count-received')?.textContent === '7');
    assert.equal(await panel.page.locator('.row:not(.hidden)').count(), 5, 'view frozen while paused');
    assert.match(await panel.page.locator('#pending').innerText(), /paused · 2 new/);
    await panel.page.click('#pause');
    await panel.page.waitForFunction(() => document.querySelectorAll('.row:not(.hidden)').length === 7);
  });

  test('state survives a reload (the panel being hidden) and the extension replays the data', async () => {
    await panel.page.fill('#filter', 'Newexten');
    await panel.page.click('#pause');
    await panel.page.reload();
    await panel.page.waitForFunction(() => (window as unknown as { __posted: unknown[] }).__posted.length > 0);
    assert.equal(await panel.page.inputValue('#filter'), 'Newexten');
    assert.equal(await panel.page.locator('#pause').innerText(), 'Resume');
    assert.ok(await panel.page.locator('#events-view').isVisible(), 'events tab restored');
    await panel.send({
      type: 'reset',
      runs: [run()],
      events: packEvents([makeEvent(6, 'Newexten'), makeEvent(7, 'Newexten'), makeEvent(8, 'Newexten')]),
      counters,
      docs: {},
    });
    await panel.page.waitForFunction(() => document.querySelector('#count-received')?.textContent === '3');
    assert.equal(await panel.page.locator('.row:not(.hidden)').count(), 2, 'still paused at the restored point');
    await panel.page.click('#pause');
    await panel.page.click('#clear');
    await panel.page.waitForFunction(() => document.querySelector('#count-received')?.textContent === '0');
    assert.deepEqual((await panel.posted()).at(-1), { type: 'clear' });
  });

  test('an opened saved session shows offline with a way back', async () => {
    await panel.send({ type: 'reset', runs: [run()], events: packEvents([makeEvent(1, 'Hangup')]), counters, docs: {}, offline: 'capture.json' });
    await panel.page.locator('#offline:not(.hidden)').waitFor();
    assert.match(await panel.page.locator('#connection').innerText(), /offline: capture.json/);
    await panel.page.click('#go-live');
    assert.deepEqual((await panel.posted()).at(-1), { type: 'goLive' });
  });

  test('10,000 events/s for 3 s: every event accounted for, DOM stays bounded, frames keep coming', async () => {
    await panel.page.fill('#filter', '');
    await panel.send({ type: 'reset', runs: [], events: packEvents([]), counters, docs: {} });
    const result = await panel.page.evaluate(async () => {
      const names = ['Newexten', 'VarSet', 'DeviceStateChange', 'Newchannel', 'Hangup'];
      let frames = 0;
      let longestFrameGap = 0;
      let last = performance.now();
      let counting = true;
      const tick = (): void => {
        const now = performance.now();
        longestFrameGap = Math.max(longestFrameGap, now - last);
        last = now;
        frames++;
        if (counting) requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
      const started = performance.now();
      let seq = 0;
      // 30 batches of 1,000 every 100 ms: the extension's batching (≤ 10 posts/s) at 10,000 events/s, packed as
      // it posts them (protocol EventBatch: one list per field, headers as one text per event).
      for (let batch = 0; batch < 30; batch++) {
        const events = { seq: [] as number[], time: [] as number[], name: [] as string[], headers: [] as string[] };
        for (let i = 0; i < 1000; i++) {
          seq++;
          const name = names[seq % names.length];
          events.seq.push(seq);
          events.time.push(Date.now());
          events.name.push(name);
          events.headers.push(
            `Event: ${name}\nPrivilege: dialplan,all\nChannel: PJSIP/${seq % 97}-0000${seq}\nUniqueid: 1763900000.${seq}\nContext: from-internal\nExten: ${seq % 1000}`,
          );
        }
        window.postMessage({ type: 'events', events, counters: { droppedBySession: 0 } }, '*');
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
      counting = false;
      const elapsed = performance.now() - started;
      return {
        elapsed,
        frames,
        longestFrameGap,
        received: document.querySelector('#count-received')?.textContent,
        shown: document.querySelector('#count-shown')?.textContent,
        rows: document.querySelectorAll('.row').length,
        lastName: Array.from(document.querySelectorAll('.row:not(.hidden)'))
          .map((row) => Number((row as HTMLElement).dataset.seq))
          .reduce((a, b) => Math.max(a, b), 0),
      };
    });
    console.log(
      `  10k events/s: ${result.frames} frames in ${Math.round(result.elapsed)} ms ` +
        `(${Math.round((result.frames * 1000) / result.elapsed)} fps), longest frame gap ${Math.round(result.longestFrameGap)} ms, ` +
        `${result.rows} row elements`,
    );
    assert.equal(result.received, '30000');
    assert.equal(result.shown, '30000');
    assert.equal(result.lastName, 30000, 'the list follows the newest event');
    assert.ok(result.rows < 100, `virtualised: ${result.rows} row elements for 30,000 events`);
    assert.ok(result.frames > 0, 'the page kept rendering');
    // Scroll to the top: the first event is there, still with a bounded DOM.
    await panel.page.evaluate(() => {
      document.querySelector('#event-list')!.scrollTop = 0;
    });
    await panel.page.waitForFunction(() =>
      Array.from(document.querySelectorAll('.row:not(.hidden)')).some((row) => (row as HTMLElement).dataset.seq === '1'),
    );
    assert.ok((await panel.page.locator('.row').count()) < 100);
  });

  test('a 50,000-event replay and a 20,000-event burst: counted, bounded, newest shown', async () => {
    const result = await panel.page.evaluate(async () => {
      const make = (from: number, count: number): unknown => ({
        seq: Array.from({ length: count }, (_, i) => from + i),
        time: Array.from({ length: count }, () => Date.now()),
        name: Array.from({ length: count }, () => 'VarSet'),
        headers: Array.from({ length: count }, (_, i) => `Event: VarSet\nChannel: PJSIP/${i % 50}\nVariable: X\nValue: ${i}`),
      });
      window.postMessage({ type: 'reset', runs: [], events: make(1, 50_000), counters: { droppedBySession: 7 }, docs: {} }, '*');
      window.postMessage({ type: 'events', events: make(50_001, 20_000), counters: { droppedBySession: 9 } }, '*');
      await new Promise((resolve) => setTimeout(resolve, 50));
      await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
      return {
        received: document.querySelector('#count-received')?.textContent,
        dropped: document.querySelector('#count-dropped')?.textContent,
        rows: document.querySelectorAll('.row').length,
        newest: Math.max(...Array.from(document.querySelectorAll('.row:not(.hidden)')).map((row) => Number((row as HTMLElement).dataset.seq))),
      };
    });
    assert.equal(result.received, '70000');
    assert.equal(result.dropped, '9', 'session drops reported by the extension');
    assert.ok(result.rows < 100);
    assert.equal(result.newest, 70_000);
  });

  test('no CSP violation and no page error happened', () => {
    assert.deepEqual(panel.cspViolations, []);
  });
});
