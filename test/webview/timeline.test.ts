/**
 * The call timeline in headless Chromium, fed real Asterisk 23.4.1 captures (decoded by core/src/wire with their
 * receive times): lanes, Local pair, marks, headers on click, zoom, exports (SVG parsed back, PNG decoded), text
 * export, selection from an event row and a block result, a saved session, hostile values, and the 2,000-call
 * bench stream. The screenshot is checked structurally: lanes and marks are found in its pixels where the DOM
 * says they are, in their colours; it is kept in test-output/timeline/ for a human to look at.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { openPanel, skipReason, type PanelHarness } from './harness';
import { packEvents } from '../../protocol/src/webviewMessages';
import { captureEvents, type CapturedEvent } from '../unit/timelineCapture';
import { CallIndex, callAsText } from '../../core/src/timeline';
import { AmiDecoder } from '../../core/src/wire/decoder';
import { MARK_COLORS, stateColor } from '../../client/webview/timelineScene';
import { colorDistance, decodePng, hexColor, pixelAt, pngSize } from './pngDecode';

const OUT = 'test-output/timeline';
const BENCH = '../shared/bench/ami-stream-2000-calls.raw.gz';
const counters = { droppedBySession: 0 };

interface MarkBox {
  seq: number;
  kind: string;
  uniqueid: string;
  x: number;
  y: number;
}

async function openCall(panel: PanelHarness, linkedid: string): Promise<void> {
  await panel.page.click('#tab-timeline');
  await panel.page.fill('#timeline-search', linkedid);
  await panel.page.locator(`.tl-call-row[data-linkedid="${linkedid}"]`).click();
  await panel.page.locator(`svg.tl-svg[data-linkedid="${linkedid}"]`).waitFor();
}

/** Centres of the drawn marks, relative to the timeline's scroll box (screenshot coordinates). */
function markBoxes(panel: PanelHarness): Promise<MarkBox[]> {
  return panel.page.evaluate(() => {
    const host = document.getElementById('timeline-canvas')!;
    const origin = host.getBoundingClientRect();
    return Array.from(host.querySelectorAll<SVGElement>('.tl-mark')).map((node) => {
      const box = node.getBoundingClientRect();
      return {
        seq: Number(node.dataset.seq),
        kind: node.dataset.kind ?? '',
        uniqueid: node.dataset.uniqueid ?? '',
        x: box.left + box.width / 2 - origin.left,
        y: box.top + box.height / 2 - origin.top,
      };
    });
  });
}

/** The lane detail lines (their text node; the <title> tooltip child left out). */
function laneDetails(panel: PanelHarness): Promise<string[]> {
  return panel.page.locator('.tl-lane-detail').evaluateAll((nodes) => nodes.map((n) => n.firstChild?.nodeValue ?? ''));
}

describe('call timeline in Chromium', { skip: skipReason }, () => {
  let panel: PanelHarness;
  const call16 = captureEvents('16-originate-local-exten-async');

  before(async () => {
    mkdirSync(OUT, { recursive: true });
    panel = await openPanel();
  });
  after(async () => {
    await panel?.close();
  });

  test('capture 16 arriving live: one call, two lanes (a Local ;1/;2 pair), every mark drawn, hangup causes', async () => {
    // Batches as the extension sends them (one per read of the capture).
    for (const time of [...new Set(call16.map((e) => e.time))]) {
      await panel.send({ type: 'events', events: packEvents(call16.filter((e) => e.time === time)), counters });
    }
    await openCall(panel, '1795393207.31');
    const expected = new CallIndex();
    expected.add(call16);
    const call = expected.call('1795393207.31')!;
    const lanes = expected.lanes(call);
    const page = panel.page;
    assert.deepEqual(await page.locator('.tl-lane').evaluateAll((nodes) => nodes.map((n) => (n as SVGElement).dataset.channel)), lanes.map((l) => l.name));
    assert.equal(await page.locator('.tl-local-pair').count(), 1);
    assert.equal(await page.locator('.tl-local-pair').getAttribute('data-base'), 'Local/100@test-0000000f');
    const marks = await markBoxes(panel);
    assert.equal(marks.length, lanes.reduce((n, l) => n + l.marks.length, 0));
    for (const lane of lanes) {
      assert.deepEqual(
        marks.filter((m) => m.uniqueid === lane.uniqueid).map((m) => m.seq).sort((a, b) => a - b),
        lane.marks.map((m) => m.seq).sort((a, b) => a - b),
        `marks of ${lane.name}`,
      );
    }
    for (const kind of ['exten', 'dial-begin', 'dial-end', 'var', 'user', 'state', 'local-bridge', 'hangup']) {
      assert.ok(marks.some((m) => m.kind === kind), `a ${kind} mark is drawn`);
    }
    const laneText = await laneDetails(panel);
    assert.deepEqual(laneText, ['1795393207.31 · hangup 16 Normal Clearing', '1795393207.32 · hangup 16 Normal Clearing']);
    assert.deepEqual(await page.locator('.tl-mark-label').evaluateAll((n) => n.map((x) => x.textContent).filter((t) => /Clearing/.test(t ?? ''))), [
      '16 Normal Clearing',
      '16 Normal Clearing',
    ]);
    assert.match(await page.locator('#timeline-counters').innerText(), /^1 call · 2 channels/);
    assert.deepEqual(panel.cspViolations, []);
  });

  test('screenshot: lanes and marks are where the DOM says, in their colours (structural, not pixel-exact)', async () => {
    const page = panel.page;
    await page.mouse.move(0, 0);
    const png = await page.locator('#timeline-canvas').screenshot();
    writeFileSync(`${OUT}/capture16-call.png`, png);
    await page.screenshot({ path: `${OUT}/capture16-panel.png` });
    const image = decodePng(png);
    const marks = (await markBoxes(panel)).filter((m) => m.x >= 0 && m.x < image.width && m.y >= 0 && m.y < image.height);
    assert.ok(marks.length >= 28, `most marks are in view at Fit (${marks.length})`);
    const wrong = marks.filter((m) => colorDistance(pixelAt(image, m.x, m.y), hexColor(MARK_COLORS[m.kind as keyof typeof MARK_COLORS])) > 40);
    assert.deepEqual(wrong, [], 'every mark shows its kind colour at its centre');
    // Lanes: a column through the lane bars where no mark is crosses one state-coloured run per lane.
    const column = await page.evaluate(() => {
      const host = document.getElementById('timeline-canvas')!;
      const origin = host.getBoundingClientRect();
      // Each lane's bar runs from its first state span to its last; take the part all lanes share.
      const byLane = new Map<number, DOMRect[]>();
      for (const node of Array.from(host.querySelectorAll('.tl-state'))) {
        const box = node.getBoundingClientRect();
        const key = Math.round(box.top);
        byLane.set(key, [...(byLane.get(key) ?? []), box]);
      }
      const spans = [...byLane.values()].map((boxes) => [Math.min(...boxes.map((b) => b.left)), Math.max(...boxes.map((b) => b.right))]);
      const markXs = Array.from(host.querySelectorAll('.tl-mark')).map((n) => n.getBoundingClientRect().left + 5 - origin.left);
      const from = Math.max(...spans.map((s) => s[0])) - origin.left;
      const to = Math.min(...spans.map((s) => s[1]), origin.right) - origin.left;
      let best = from;
      let bestDistance = -1;
      for (let x = from + 2; x < to - 2; x++) {
        const distance = Math.min(...markXs.map((m) => Math.abs(m - x)));
        if (distance > bestDistance) {
          best = x;
          bestDistance = distance;
        }
      }
      return { x: Math.round(best), distance: bestDistance };
    });
    assert.ok(column.distance > 8, 'found a column clear of marks');
    const stateColours = ['Up', 'Down', 'Ring'].map((s) => hexColor(stateColor(s)));
    const runs: number[] = [];
    let inRun = false;
    for (let y = 0; y < image.height; y++) {
      const hit = stateColours.some((c) => colorDistance(pixelAt(image, column.x, y), c) <= 30);
      if (hit && !inRun) runs.push(y);
      inRun = hit;
    }
    assert.equal(runs.length, 2, `two lane bars cross x=${column.x} (runs start at ${runs.join(', ')})`);
  });

  test('click a mark: its event headers; copy the event; the hangup mark carries the cause', async () => {
    const page = panel.page;
    const hangup = call16.filter((e) => e.name === 'Hangup').at(-1)!;
    await page.locator(`.tl-mark[data-seq="${hangup.seq}"]`).click();
    const detail = page.locator('#timeline-detail');
    assert.match(await detail.locator('h4').innerText(), new RegExp(`^Hangup · #${hangup.seq}`));
    const rows = await detail.locator('tr').allInnerTexts();
    assert.ok(rows.some((r) => /Cause-txt\s+Normal Clearing/.test(r)), rows.join(' | '));
    assert.equal(await page.locator(`.tl-mark.selected[data-seq="${hangup.seq}"]`).count(), 1);
    await page.click('#timeline-copy-event');
    const posted = await panel.posted();
    assert.deepEqual(posted.at(-1), { type: 'copy', text: hangup.headers.map(([n, v]) => `${n}: ${v}`).join('\n') + '\n' });
  });

  test('zoom: buttons and the wheel scale the time axis; Fit restores it', async () => {
    const page = panel.page;
    const scale = (): Promise<number> => page.locator('svg.tl-svg').evaluate((svg) => Number((svg as SVGElement).dataset.scale));
    const width = (): Promise<number> => page.locator('svg.tl-svg').evaluate((svg) => Number(svg.getAttribute('width')));
    const fit = await width();
    const fitScale = await scale();
    await page.click('#timeline-zoom-in');
    await page.click('#timeline-zoom-in');
    assert.ok(Math.abs((await scale()) / fitScale - 2.25) < 1e-9, 'two zoom-ins: 1.5 × 1.5 the pixels per millisecond');
    assert.ok((await width()) > fit);
    assert.equal(await page.locator('#timeline-zoom').innerText(), '225%');
    // To scale: the "+1 s" tick is 1000 ms × the scale right of "+0 ms".
    const tickX = (label: string): Promise<number> =>
      page.locator('.tl-tick-label').evaluateAll((nodes, l) => Number(nodes.find((n) => n.textContent === l)?.getAttribute('x')), label);
    assert.ok(Math.abs((await tickX('+1 s')) - (await tickX('+0 ms')) - 1000 * (await scale())) < 0.01);
    await page.click('#timeline-fit');
    assert.equal(await width(), fit);
    assert.equal(await scale(), fitScale);
    const box = (await page.locator('#timeline-canvas').boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.6, box.y + 60);
    await page.mouse.wheel(0, -200);
    await page.waitForFunction((w) => Number(document.querySelector('svg.tl-svg')?.getAttribute('width')) > w, fit);
    assert.equal(await page.locator('#timeline-zoom').innerText(), '125%');
    await page.click('#timeline-fit');
  });

  test('export: SVG (parsed back: same lanes and marks, no script), PNG (decoded: 2× the picture), events as text', async () => {
    const page = panel.page;
    const before = (await panel.posted()).length;
    await page.click('#timeline-export-svg');
    await page.click('#timeline-export-png');
    await page.click('#timeline-copy');
    await page.click('#timeline-save-text');
    const posted = (await panel.posted()).slice(before);
    assert.deepEqual(posted.map((m) => [m.type, m.format, m.name]), [
      ['saveFile', 'svg', 'call-1795393207.31.svg'],
      ['saveFile', 'png', 'call-1795393207.31.png'],
      ['copy', undefined, undefined],
      ['saveFile', 'txt', 'call-1795393207.31.txt'],
    ]);
    const svgText = posted[0].data as string;
    writeFileSync(`${OUT}/capture16-call.svg`, svgText);
    const parsed = await page.evaluate((text) => {
      const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
      return {
        error: doc.querySelector('parsererror')?.textContent ?? null,
        lanes: doc.querySelectorAll('.tl-lane').length,
        marks: doc.querySelectorAll('.tl-mark').length,
        scripts: doc.querySelectorAll('script, foreignObject').length,
        width: Number(doc.documentElement.getAttribute('width')),
        height: Number(doc.documentElement.getAttribute('height')),
      };
    }, svgText);
    const expected = new CallIndex();
    expected.add(call16);
    const call = expected.call('1795393207.31')!;
    assert.deepEqual(
      { error: parsed.error, lanes: parsed.lanes, marks: parsed.marks, scripts: parsed.scripts },
      { error: null, lanes: 2, marks: call.channels.reduce((n, c) => n + c.marks.length, 0), scripts: 0 },
    );
    const png = Buffer.from(posted[1].data as string, 'base64');
    writeFileSync(`${OUT}/capture16-call-export.png`, png);
    assert.deepEqual(pngSize(png), { width: parsed.width * 2, height: parsed.height * 2 });
    const decoded = decodePng(png);
    // The hangup mark of ;1 is drawn in the PNG too (canvas painter, same scene).
    const box = (await markBoxes(panel)).find((m) => m.kind === 'hangup')!;
    const scroll = await page.locator('#timeline-canvas').evaluate((n) => n.scrollLeft);
    assert.ok(colorDistance(pixelAt(decoded, (box.x + scroll) * 2, box.y * 2), hexColor(MARK_COLORS.hangup)) <= 40, 'hangup mark in the PNG');
    assert.equal(posted[2].text, callAsText(call));
    assert.equal(posted[3].data, callAsText(call));
  });

  test('select a call from an event row (Events tab) and from a block result', async () => {
    const page = panel.page;
    await panel.send({ type: 'events', events: packEvents(captureEvents('17-originate-local-app-playback-async', 1000)), counters });
    await page.click('#tab-timeline');
    await page.fill('#timeline-search', '');
    await page.locator('.tl-call-row').nth(1).waitFor();
    assert.equal(await page.locator('.tl-call-row').count(), 2);
    // From an event row: the Hangup of the capture-16 call.
    await page.click('#tab-events');
    await page.fill('#filter', 'Hangup');
    await page.locator('#event-list .row').first().click();
    await page.click('#show-call');
    await page.locator('svg.tl-svg[data-linkedid="1795393207.31"]').waitFor();
    assert.equal(await page.locator('#timeline-view').isVisible(), true);
    await page.click('#tab-events');
    await page.fill('#filter', '');
    // From a block result: an async Originate whose OriginateResponse names the capture-17 call.
    const response = captureEvents('17-originate-local-app-playback-async').find((e) => e.name === 'OriginateResponse')!;
    await panel.send({
      type: 'run',
      run: {
        id: 'run-orig',
        title: 'Originate playback',
        action: 'Originate',
        source: 'calls.ami:1',
        connection: 'local',
        actionId: 'orig-app',
        startedAt: response.time,
        durationMs: 3,
        status: 'success',
        sent: [['Action', 'Originate'], ['Channel', 'Local/400@test'], ['ActionID', 'orig-app']],
        response: [['Response', 'Success'], ['ActionID', 'orig-app'], ['Message', 'Originate successfully queued']],
        items: [],
        events: [response],
      },
    });
    await page.click('#tab-results');
    await page.locator('[data-run-id="run-orig"] .show-call').click();
    await page.locator('svg.tl-svg[data-linkedid="1795393212.33"]').waitFor();
    assert.deepEqual(await page.locator('.tl-lane').evaluateAll((n) => n.map((x) => (x as SVGElement).dataset.channel)), [
      'Local/400@test-00000010;1',
      'Local/400@test-00000010;2',
    ]);
  });

  test('a saved session opened offline (reset) shows its calls; clear empties the timeline', async () => {
    const page = panel.page;
    await panel.send({ type: 'reset', runs: [], events: packEvents(captureEvents('29-redirect-hangup')), counters, docs: {}, offline: 'saved.json' });
    await openCall(panel, '1795393231.54');
    assert.equal(await page.locator('.tl-call-row').count(), 1);
    assert.deepEqual(await laneDetails(panel), [
      '1795393231.54 · hangup 16 Normal Clearing',
      '1795393231.55 · hangup 16 Normal Clearing',
    ]);
    await page.click('#tab-events');
    await page.click('#clear');
    await page.click('#tab-timeline');
    await page.fill('#timeline-search', '');
    assert.equal(await page.locator('.tl-call-row').count(), 0);
    assert.match(await page.locator('#timeline-counters').innerText(), /^0 calls/);
  });

  test('live: the selected call redraws as its events arrive; the panel reload restores the tab and the call', async () => {
    const page = panel.page;
    const events = captureEvents('29-redirect-hangup', 3000);
    const firstHangup = events.findIndex((e) => e.name === 'Hangup');
    await panel.send({ type: 'events', events: packEvents(events.slice(0, firstHangup)), counters });
    await openCall(panel, '1795393231.54');
    assert.equal(await page.locator('.tl-live').count(), 2, 'both lanes still live');
    const before = await page.locator('.tl-mark').count();
    await panel.send({ type: 'events', events: packEvents(events.slice(firstHangup)), counters });
    await page.waitForFunction(() => document.querySelectorAll('.tl-live').length === 0);
    assert.ok((await page.locator('.tl-mark').count()) > before);
    assert.deepEqual(await laneDetails(panel), ['1795393231.54 · hangup 16 Normal Clearing', '1795393231.55 · hangup 16 Normal Clearing']);
    // Hidden and shown again: the webview restarts, the extension replays the data.
    await page.reload();
    await page.waitForFunction(() => (window as unknown as { __posted: unknown[] }).__posted.length > 0);
    assert.equal(await page.locator('#timeline-view').isVisible(), true, 'the Timeline tab is still the one shown');
    await panel.send({ type: 'reset', runs: [], events: packEvents(events), counters, docs: {} });
    await page.locator('svg.tl-svg[data-linkedid="1795393231.54"]').waitFor();
    assert.equal(await page.locator('.tl-call-row.selected').getAttribute('data-linkedid'), '1795393231.54');
  });

  test('a call is found the moment its events arrive: queued events are indexed before the index is read', async () => {
    const page = panel.page;
    const events = captureEvents('18-originate-sync-and-failures', 20_000);
    const expected = new CallIndex();
    expected.add(events);
    const linkedid = expected.calls().at(-1)!.linkedid;
    await page.click('#tab-events');
    // Both messages in one task: no animation frame (where indexing runs) comes between them.
    await page.evaluate(
      ({ batch, id }) => {
        window.postMessage({ type: 'events', events: batch, counters: { droppedBySession: 0 } }, '*');
        window.postMessage({ type: 'showCall', linkedid: id }, '*');
      },
      { batch: packEvents(events), id: linkedid },
    );
    await page.locator(`svg.tl-svg[data-linkedid="${linkedid}"]`).waitFor();
    assert.equal(await page.locator('#notice.error').count(), 0);
  });

  test('hostile channel names and caller IDs are drawn as text', async () => {
    const page = panel.page;
    const evil = '<img src=x onerror="window.__pwned=1">';
    const base = (seq: number, name: string, extra: Array<[string, string]>): CapturedEvent => ({
      seq,
      time: Date.UTC(2026, 10, 23, 1) + seq * 100,
      name,
      headers: [['Event', name], ['Channel', `PJSIP/${evil}-01`], ['ChannelStateDesc', 'Up'], ['CallerIDName', evil], ['Uniqueid', 'evil.1'], ['Linkedid', 'evil.1'], ...extra],
    });
    await panel.send({
      type: 'events',
      events: packEvents([base(5000, 'Newchannel', []), base(5001, 'VarSet', [['Variable', evil], ['Value', evil]]), base(5002, 'Hangup', [['Cause', '21'], ['Cause-txt', evil]])]),
      counters,
    });
    await openCall(panel, 'evil.1');
    assert.equal(await page.locator('img').count(), 0);
    assert.equal(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned), undefined);
    assert.match(await page.locator('.tl-lane-name').first().textContent() ?? '', /<img src=x/);
    await page.locator('.tl-mark[data-seq="5002"]').click();
    assert.ok((await page.locator('#timeline-detail td').allInnerTexts()).includes(evil));
  });

  test('2,000 calls of the bench stream: list bounded, every call findable, drawing stays quick', { skip: !existsSync(BENCH) && `${BENCH} not present` }, async () => {
    const page = panel.page;
    const events: CapturedEvent[] = [];
    let seq = 100_000;
    const start = Date.UTC(2026, 10, 23, 2);
    const decoder = new AmiDecoder((message) => {
      if (message.kind !== 'event') return;
      seq++;
      // The capture has no per-read times: 100 calls/s ≈ 27 events per 10 ms.
      events.push({ seq, time: start + Math.floor((seq - 100_000) / 27) * 10, name: message.get('Event') ?? '', headers: message.headers() });
    });
    decoder.push(gunzipSync(readFileSync(BENCH)));
    decoder.end();
    await panel.send({ type: 'reset', runs: [], events: packEvents([]), counters, docs: {} });
    await page.click('#tab-timeline');
    await page.fill('#timeline-search', '');
    // One string crosses into the page (Playwright's object serialisation would dominate); the page then posts
    // batches of 5,000 to itself as the extension would, and times them.
    const batches = [];
    for (let i = 0; i < events.length; i += 5000) batches.push(packEvents(events.slice(i, i + 5000)));
    const fed = await page.evaluate(async (json) => {
      const all = JSON.parse(json) as unknown[];
      const begin = performance.now();
      for (const batch of all) {
        window.postMessage({ type: 'events', events: batch, counters: { droppedBySession: 0 } }, '*');
        await new Promise((resolve) => setTimeout(resolve, 0));
      }
      // The list follows a stream a few times a second: wait for it too.
      while (
        !/^2000 calls · 4000 channels/.test(document.getElementById('timeline-counters')?.textContent ?? '') ||
        !/of 2000 calls/.test(document.querySelector('.tl-note')?.textContent ?? '')
      ) {
        await new Promise((resolve) => requestAnimationFrame(resolve));
      }
      return Math.round(performance.now() - begin);
    }, JSON.stringify(batches));
    assert.equal(await page.locator('.tl-call-row').count(), 300);
    assert.match(await page.locator('.tl-note').innerText(), /showing the newest 300 of 2000 calls/);
    const index = new CallIndex();
    index.add(events);
    const oldest = index.calls()[0];
    const t1 = Date.now();
    await openCall(panel, oldest.linkedid);
    const drawn = Date.now() - t1;
    assert.equal(await page.locator('.tl-lane').count(), 2);
    assert.equal(await page.locator('.tl-mark').count(), oldest.channels.reduce((n, c) => n + c.marks.length, 0));
    const frame = await page.evaluate(
      () =>
        new Promise<number>((resolve) => {
          const begin = performance.now();
          requestAnimationFrame(() => resolve(performance.now() - begin));
        }),
    );
    console.log(`  54,003 events in 11 batches indexed and listed in ${fed} ms; oldest call found and drawn in ${drawn} ms; next frame after ${frame.toFixed(1)} ms`);
  });
});
