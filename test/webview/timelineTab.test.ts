/**
 * One call's timeline in its own editor tab (the webview in timeline mode), fed a real capture: the call is shown
 * at once, at full width without horizontal scrolling, mark labels do not overlap, "1 call" in the singular; and
 * the panel asks for the tab from "Show call" and "Open in editor tab". Screenshot: test-output/timeline/tab-*.png.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { openPanel, skipReason, type PanelHarness } from './harness';
import { packEvents } from '../../protocol/src/webviewMessages';
import { captureEvents } from '../unit/timelineCapture';

const OUT = 'test-output/timeline';
const LINKEDID = '1795393207.31';

describe('call timeline in its own tab', { skip: skipReason }, () => {
  let tab: PanelHarness;

  before(async () => {
    mkdirSync(OUT, { recursive: true });
    tab = await openPanel({ mode: 'timeline', call: LINKEDID });
  });
  after(async () => {
    await tab?.close();
  });

  test('shows its call at once, without the panel tabs, fitted to the width', async () => {
    const events = captureEvents('16-originate-local-exten-async', 1);
    await tab.send({ type: 'reset', runs: [], events: packEvents(events), counters: { droppedBySession: 0 }, docs: {} });
    await tab.page.locator(`svg.tl-svg[data-linkedid="${LINKEDID}"]`).waitFor();
    assert.equal(await tab.page.locator('#tab-results').isVisible(), false, 'no panel tabs in the timeline tab');
    assert.equal(await tab.page.locator('#timeline-open-tab').count(), 0, 'no "open in tab" inside the tab');
    assert.match(await tab.page.locator('#timeline-counters').innerText(), /^1 call · \d+ channels/);
    const widths = await tab.page.locator('#timeline-canvas').evaluate((host) => [host.scrollWidth, host.clientWidth]);
    assert.ok(widths[0] <= widths[1] + 1, `the whole call fits the tab width at the default zoom (${widths.join(' > ')})`);
  });

  test('mark labels never overlap each other', async () => {
    const boxes = await tab.page.locator('.tl-mark-label').evaluateAll((nodes) =>
      nodes.map((node) => {
        const box = (node as SVGGraphicsElement).getBBox();
        return { x: box.x, y: box.y, w: box.width, h: box.height, text: node.textContent ?? '' };
      }),
    );
    assert.ok(boxes.length > 3, `labels drawn: ${boxes.length}`);
    const overlaps: string[] = [];
    for (let i = 0; i < boxes.length; i++) {
      for (let j = i + 1; j < boxes.length; j++) {
        const a = boxes[i];
        const b = boxes[j];
        if (a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h) overlaps.push(`"${a.text}" / "${b.text}"`);
      }
    }
    assert.deepEqual(overlaps, []);
    await tab.page.screenshot({ path: `${OUT}/tab-capture16.png` });
  });

  test('the panel asks for the tab from "Open in editor tab"', async () => {
    const panel = await openPanel();
    try {
      await panel.send({ type: 'reset', runs: [], events: packEvents(captureEvents('16-originate-local-exten-async', 1)), counters: { droppedBySession: 0 }, docs: {} });
      await panel.page.click('#tab-timeline');
      await panel.page.locator(`.tl-call-row[data-linkedid="${LINKEDID}"]`).click();
      await panel.page.click('#timeline-open-tab');
      assert.deepEqual((await panel.posted()).at(-1), { type: 'openTimeline', linkedid: LINKEDID });
      await panel.page.setViewportSize({ width: 620, height: 700 });
      await panel.page.screenshot({ path: `${OUT}/tab-panel-narrow.png` });
    } finally {
      await panel.close();
    }
  });

  test('no CSP violation and no page error happened', () => {
    assert.deepEqual(tab.cspViolations, []);
  });
});
