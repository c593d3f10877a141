/**
 * The panel webview under load, in headless Chromium (the real bundle, CSS, HTML and a stubbed acquireVsCodeApi,
 * as test/webview loads it):
 *
 * 1. Live stream: a Worker posts `events` batches at RATE events/s for SECONDS (10 posts a second, as the
 *    extension's pump does), so the page only pays for deserialising and handling them, like the real webview.
 *    The events are the shared 2,000-call capture decoded by core/src/wire, looped with fresh Uniqueid/Linkedid.
 *    Measured: events shown per second (the panel's received counter, sampled every second), frame time (main
 *    thread work per frame: deserialising and handling the messages since the last frame + the panel's render +
 *    style/layout) p50/p95 and each part's,
 *    frame interval p95, long tasks, dropped-and-counted (the panel's counters), JS heap after a forced GC.
 * 2. Timeline with the 2,000 calls of the capture: time from a click on a call to its picture drawn (next frame,
 *    layout included), and from a click on zoom in to the redrawn picture.
 * 3. The live stream again (TIMELINE-SECONDS) with the Timeline tab in front: frame times while the call list
 *    follows the stream.
 *
 *   npm run bench:panel -- [--seconds 60] [--timeline-seconds 10] [--rate 10000] [--json]
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { AmiDecoder } from '../core/src/wire/decoder';
import { headersToText, packEvents } from '../protocol/src/webviewMessages';
import { openPanel, skipReason } from '../test/webview/harness';
import { SHARED_STREAM } from './streams';

/** The default of the setting ami.panel.maxEvents (package.json). */
const MAX_EVENTS = 50_000;

interface Options {
  seconds: number;
  /** Seconds of the second stream, with the Timeline tab in front. */
  timelineSeconds: number;
  rate: number;
  json: boolean;
}

function parseArgs(argv: string[]): Options {
  const options: Options = { seconds: 60, timelineSeconds: 10, rate: 10_000, json: false };
  for (let k = 0; k < argv.length; k++) {
    const arg = argv[k];
    if (arg === '--seconds') options.seconds = Number(argv[++k]);
    else if (arg === '--timeline-seconds') options.timelineSeconds = Number(argv[++k]);
    else if (arg === '--rate') options.rate = Number(argv[++k]);
    else if (arg === '--json') options.json = true;
    else throw new Error(`Unknown argument ${arg}. Usage: npm run bench:panel -- [--seconds 60] [--timeline-seconds 10] [--rate 10000] [--json]`);
  }
  if (!(options.seconds > 0) || !(options.timelineSeconds > 0) || !(options.rate >= 10)) throw new Error('--seconds and --timeline-seconds must be > 0 and --rate at least 10');
  return options;
}

interface StreamEventLike {
  seq: number;
  time: number;
  name: string;
  headers: Array<[string, string]>;
}

/** The capture's events as the extension posts them (seq, receive time, name, headers). */
function captureEvents(): StreamEventLike[] {
  const bytes = gunzipSync(readFileSync(SHARED_STREAM));
  const events: StreamEventLike[] = [];
  // The capture was recorded at 100 calls/s; spread receive times alike (≈ 27 events per 10 ms).
  const epoch = Date.UTC(2026, 10, 23, 0, 0, 0);
  const decoder = new AmiDecoder((message) => {
    if (message.kind !== 'event') return;
    const seq = events.length + 1;
    events.push({ seq, time: epoch + Math.floor(seq * 0.37), name: message.get('Event') ?? '', headers: message.headers() });
  });
  decoder.push(bytes);
  decoder.end();
  return events;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** Runs inside the page: sets up the feed worker and the frame probes, feeds, and reports. */
async function liveStreamInPage(input: { rate: number; seconds: number; firstSeq: number }): Promise<LiveResult> {
  const total = Math.round(input.rate * input.seconds);
  const workerSource = `
    let base = [];
    // Each loop gives the calls fresh ids: these headers' values get a suffix.
    const ID_LINES = /^(Uniqueid|Linkedid|DestUniqueid|DestLinkedid): (.*)$/gm;
    onmessage = async (message) => {
      // The worker loads the base events itself: the page pays nothing before the feed starts.
      const { rate, total, url, firstSeq } = message.data;
      base = await (await fetch(url)).json();
      postMessage({ loaded: true });
      const started = performance.now();
      let sent = 0;
      let index = 0;
      let loop = 0;
      const timer = setInterval(() => {
        // Catch up with the schedule: a late timer sends a bigger batch, as the extension's pump would.
        const due = Math.min(total, Math.round(((performance.now() - started) / 1000) * rate));
        if (due <= sent) return;
        // What the extension posts (protocol EventBatch): one list per field, headers as one text per event.
        const count = due - sent;
        const events = { seq: new Array(count), time: new Array(count), name: new Array(count), headers: new Array(count) };
        const now = Date.now();
        for (let k = 0; k < count; k++) {
          const event = base[index];
          events.seq[k] = firstSeq + sent + k;
          events.time[k] = now;
          events.name[k] = event.name;
          events.headers[k] = loop === 0 ? event.text : event.text.replace(ID_LINES, '$1: $2-' + loop);
          if (++index === base.length) {
            index = 0;
            loop++;
          }
        }
        sent = due;
        postMessage({ type: 'events', events, counters: { droppedBySession: 0 } });
        if (sent === total) {
          clearInterval(timer);
          postMessage({ done: true, sent });
        }
      }, 100);
    };`;
  const worker = new Worker(URL.createObjectURL(new Blob([workerSource], { type: 'text/javascript' })));
  // Frame probes. The work of one frame is everything the main thread did for the panel since the previous
  // frame began: deserialising and handling the messages (timed around the dispatch) and the panel's animation
  // frame callbacks (requestAnimationFrame wrapped for the page), each followed by the style and layout it caused
  // (forced by reading layout, so it is inside the measurement). A frame's work is recorded when the next begins.
  const work = { handling: 0, render: 0, layout: 0 };
  const frameWork: number[] = [];
  const parts = { handling: [] as number[], render: [] as number[], layout: [] as number[] };
  const frameIntervals: number[] = [];
  let lastFrame = 0;
  let running = true;
  const originalRequestAnimationFrame = window.requestAnimationFrame.bind(window);
  window.requestAnimationFrame = (callback: FrameRequestCallback): number =>
    originalRequestAnimationFrame((time) => {
      const started = performance.now();
      callback(time);
      const rendered = performance.now();
      void document.body.offsetHeight;
      work.render += rendered - started;
      work.layout += performance.now() - rendered;
    });
  const onFrame = (now: number): void => {
    if (lastFrame > 0) frameIntervals.push(now - lastFrame);
    lastFrame = now;
    const total = work.handling + work.render + work.layout;
    if (total > 0) {
      frameWork.push(total);
      parts.handling.push(work.handling);
      parts.render.push(work.render);
      parts.layout.push(work.layout);
      work.handling = work.render = work.layout = 0;
    }
    if (running) originalRequestAnimationFrame(onFrame);
  };
  originalRequestAnimationFrame(onFrame);
  const longTasks: number[] = [];
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) longTasks.push(entry.duration);
  });
  observer.observe({ type: 'longtask', buffered: false });
  // Counted from here: the panel may hold events of an earlier phase.
  const receivedBefore = Number(document.getElementById('count-received')?.textContent ?? '0');
  const received = (): number => Number(document.getElementById('count-received')?.textContent ?? '0') - receivedBefore;
  const perSecond: number[] = [];
  let lastCount = 0;
  const sampler = setInterval(() => {
    const now = received();
    perSecond.push(now - lastCount);
    lastCount = now;
  }, 1000);
  let started = performance.now();
  await new Promise<void>((resolve) => {
    worker.onmessage = (message: MessageEvent) => {
      // The first read of .data deserialises the message on this thread, as the webview does with the extension's.
      const handlingStart = performance.now();
      const data = message.data as { done?: boolean; loaded?: boolean };
      if (data.loaded) {
        // Measure from the first batch on.
        started = performance.now();
        frameWork.length = 0;
        work.handling = work.render = work.layout = 0;
        for (const list of Object.values(parts)) list.length = 0;
        frameIntervals.length = 0;
        longTasks.length = 0;
        perSecond.length = 0;
        lastCount = received();
        return;
      }
      if (data.done) {
        resolve();
        return;
      }
      // Same as a message from the extension: the panel's window listener gets it.
      window.dispatchEvent(new MessageEvent('message', { data }));
      work.handling += performance.now() - handlingStart;
    };
    worker.postMessage({ rate: input.rate, total, url: `${location.origin}/bench-events.json`, firstSeq: input.firstSeq });
  });
  // Let the last batch render, then read what the panel shows.
  await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
  const elapsed = (performance.now() - started) / 1000;
  clearInterval(sampler);
  running = false;
  window.requestAnimationFrame = originalRequestAnimationFrame;
  observer.disconnect();
  worker.terminate();
  const text = (id: string): string => document.getElementById(id)?.textContent ?? '';
  return {
    sent: total,
    elapsed,
    received: received(),
    shown: Number(text('count-shown')),
    dropped: Number(text('count-dropped')),
    droppedTitle: document.getElementById('count-dropped')?.parentElement?.title ?? '',
    perSecond,
    frameWork,
    parts,
    frameIntervals,
    longTasks,
    domNodes: document.getElementsByTagName('*').length,
  };
}

/** Runs inside the page: opens calls from the list and zooms, timing each until its picture is laid out. */
async function timelineInPage(input: { picks: number }): Promise<{ open: number[]; zoom: number[]; calls: number }> {
  // The capture's 2,000 calls, as a reopened session brings them.
  const events = (await (await fetch('/bench-batch.json')).json()) as unknown;
  // ami.panel.maxEvents 100,000 here: every one of the 54,003 events (and so every call) is kept.
  window.dispatchEvent(new MessageEvent('message', { data: { type: 'reset', runs: [], events, counters: { droppedBySession: 0 }, docs: {}, maxEvents: 100_000 } }));
  const nextFrame = (): Promise<void> =>
    new Promise((resolve) =>
      requestAnimationFrame(() => {
        void document.body.offsetHeight;
        resolve();
      }),
    );
  (document.getElementById('tab-timeline') as HTMLElement).click();
  await nextFrame();
  const rows = Array.from(document.querySelectorAll<HTMLElement>('#timeline-calls .tl-call-row'));
  const open: number[] = [];
  const zoom: number[] = [];
  for (let k = 0; k < input.picks; k++) {
    const row = rows[Math.floor((k * rows.length) / input.picks)];
    const linkedid = row.dataset.linkedid ?? '';
    let started = performance.now();
    // The list is rebuilt on select; click the live row of this call.
    (document.querySelector<HTMLElement>(`#timeline-calls .tl-call-row[data-linkedid="${CSS.escape(linkedid)}"]`) ?? row).click();
    await nextFrame();
    open.push(performance.now() - started);
    if (!document.querySelector('#timeline-canvas svg')) throw new Error(`call ${linkedid} did not draw`);
    started = performance.now();
    (document.getElementById('timeline-zoom-in') as HTMLElement).click();
    await nextFrame();
    zoom.push(performance.now() - started);
  }
  return { open, zoom, calls: rows.length };
}

function format(value: number, digits = 0): string {
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** What liveStreamInPage returns. */
interface LiveResult {
  sent: number;
  elapsed: number;
  received: number;
  shown: number;
  dropped: number;
  droppedTitle: string;
  perSecond: number[];
  frameWork: number[];
  parts: { handling: number[]; render: number[]; layout: number[] };
  frameIntervals: number[];
  longTasks: number[];
  domNodes: number;
}

function summarise(live: LiveResult) {
  const work = [...live.frameWork].sort((a, b) => a - b);
  const intervals = [...live.frameIntervals].sort((a, b) => a - b);
  const steady = live.perSecond.slice(1, -1);
  return {
    sent: live.sent,
    received: live.received,
    droppedAndCounted: live.dropped,
    kept: live.received - live.dropped,
    accounted: live.received === live.sent,
    eventsShownPerSec: Math.round(live.received / live.elapsed),
    eventsShownPerSecMin: steady.length > 0 ? Math.min(...steady) : Number.NaN,
    frames: work.length,
    frameWorkP50Ms: percentile(work, 50),
    frameWorkP95Ms: percentile(work, 95),
    frameWorkMaxMs: work[work.length - 1],
    frameParts: Object.fromEntries(
      Object.entries(live.parts).map(([part, values]) => {
        const sorted = [...values].sort((a, b) => a - b);
        return [part, { p50Ms: percentile(sorted, 50), p95Ms: percentile(sorted, 95) }];
      }),
    ) as Record<'handling' | 'render' | 'layout', { p50Ms: number; p95Ms: number }>,
    frameIntervalP95Ms: percentile(intervals, 95),
    longTasks: live.longTasks.length,
    longTaskMaxMs: live.longTasks.length > 0 ? Math.max(...live.longTasks) : 0,
    domNodes: live.domNodes,
    droppedDetail: live.droppedTitle,
  };
}

function frameLines(report: ReturnType<typeof summarise>): string {
  return (
    `  frame time (handling + render + layout): p50 ${format(report.frameWorkP50Ms, 1)} ms, p95 ${format(report.frameWorkP95Ms, 1)} ms ` +
    `(target ≤ 16 ms: ${report.frameWorkP95Ms <= 16 ? 'ok' : 'SHORT'}), max ${format(report.frameWorkMaxMs, 1)} ms over ${format(report.frames)} frames\n` +
    `    of which: ${Object.entries(report.frameParts).map(([part, { p50Ms, p95Ms }]) => `${part} p50 ${format(p50Ms, 1)} / p95 ${format(p95Ms, 1)} ms`).join(', ')}\n` +
    `  frame interval p95 ${format(report.frameIntervalP95Ms, 1)} ms; ${report.longTasks} long tasks (> 50 ms), longest ${format(report.longTaskMaxMs)} ms\n`
  );
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  if (skipReason) throw new Error(`Cannot run the panel bench: ${skipReason}`);
  const log = (text: string): void => {
    if (!options.json) process.stdout.write(text);
  };
  const base = captureEvents();
  log(`Panel bench: ${format(options.rate)} events/s for ${options.seconds} s (events of ${base.length} from the shared capture, looped)\n`);
  const panel = await openPanel({ bypassCSP: true, args: ['--enable-precise-memory-info'] });
  try {
    const page = panel.page;
    // Served to the page (not passed through evaluate, whose argument encoding is slow for 54,000 events).
    const eventsJson = JSON.stringify(
      base.map((event) => {
        const text = headersToText(event.headers);
        if (text === undefined) throw new Error(`event #${event.seq} of the capture cannot be packed as text`);
        return { name: event.name, text };
      }),
    );
    const batchJson = JSON.stringify(packEvents(base));
    await page.route(`${panel.baseUrl}/bench-events.json`, (route) => route.fulfill({ contentType: 'application/json', body: eventsJson }));
    await page.route(`${panel.baseUrl}/bench-batch.json`, (route) => route.fulfill({ contentType: 'application/json', body: batchJson }));
    const cdp = await page.context().newCDPSession(page);
    // As the extension does when the panel says ready: an empty reset carrying ami.panel.maxEvents (default).
    await panel.send({ type: 'reset', runs: [], events: packEvents([]), counters: { droppedBySession: 0 }, docs: {}, maxEvents: MAX_EVENTS });
    await page.click('#tab-events');
    // AMI_BENCH_PROFILE=file.cpuprofile: CPU profiles of the page during the live stream, the timeline part
    // (file.timeline.cpuprofile) and the stream on the Timeline tab (file.live-timeline.cpuprofile), for tuning.
    const profileFile = process.env.AMI_BENCH_PROFILE;
    if (profileFile) {
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.start');
    }
    const live = await page.evaluate(liveStreamInPage, { rate: options.rate, seconds: options.seconds, firstSeq: 1 });
    if (profileFile) {
      const { profile } = (await cdp.send('Profiler.stop')) as { profile: unknown };
      writeFileSync(profileFile, JSON.stringify(profile));
    }
    await cdp.send('HeapProfiler.collectGarbage');
    const heap = (await cdp.send('Runtime.getHeapUsage')) as { usedSize: number; totalSize: number };
    const liveReport = { ...summarise(live), jsHeapMb: heap.usedSize / 1e6 };
    log(
      `\nLive stream: ${format(live.sent)} sent, ${format(live.received)} received by the panel ${liveReport.accounted ? '(all)' : '(MISSING SOME)'}, ` +
        `${format(live.dropped)} dropped and counted (${live.droppedTitle}), ${format(liveReport.kept)} kept\n` +
        `  events shown per second: ${format(liveReport.eventsShownPerSec)} average, ${format(liveReport.eventsShownPerSecMin)} in the slowest second\n` +
        frameLines(liveReport) +
        `  JS heap after GC: ${format(liveReport.jsHeapMb, 1)} MB with ${format(liveReport.kept)} events kept (ami.panel.maxEvents ${format(MAX_EVENTS)}); DOM nodes ${format(live.domNodes)}\n`,
    );

    if (profileFile) await cdp.send('Profiler.start');
    const timeline = await page.evaluate(timelineInPage, { picks: 20 });
    if (profileFile) {
      const { profile } = (await cdp.send('Profiler.stop')) as { profile: unknown };
      writeFileSync(profileFile.replace(/(\.cpuprofile)?$/, '.timeline.cpuprofile'), JSON.stringify(profile));
    }
    const open = [...timeline.open].sort((a, b) => a - b);
    const zoom = [...timeline.zoom].sort((a, b) => a - b);
    const timelineReport = {
      callsListed: timeline.calls,
      openP50Ms: percentile(open, 50),
      openMaxMs: open[open.length - 1],
      zoomP50Ms: percentile(zoom, 50),
      zoomMaxMs: zoom[zoom.length - 1],
    };
    const counters = await page.locator('#timeline-counters').innerText();
    log(
      `\nTimeline (${counters}; ${timeline.calls} listed): open a call p50 ${format(timelineReport.openP50Ms, 1)} ms, max ${format(timelineReport.openMaxMs, 1)} ms; ` +
        `zoom p50 ${format(timelineReport.zoomP50Ms, 1)} ms, max ${format(timelineReport.zoomMaxMs, 1)} ms (target ≤ 100 ms: ${timelineReport.openMaxMs <= 100 && timelineReport.zoomMaxMs <= 100 ? 'ok' : 'SHORT'})\n`,
    );
    // The same stream with the Timeline tab in front (the last call opened stays drawn, the list follows the calls).
    if (profileFile) await cdp.send('Profiler.start');
    const onTimeline = await page.evaluate(liveStreamInPage, { rate: options.rate, seconds: options.timelineSeconds, firstSeq: 10_000_000 });
    if (profileFile) {
      const { profile } = (await cdp.send('Profiler.stop')) as { profile: unknown };
      writeFileSync(profileFile.replace(/(\.cpuprofile)?$/, '.live-timeline.cpuprofile'), JSON.stringify(profile));
    }
    const onTimelineReport = summarise(onTimeline);
    log(
      `\nLive stream with the Timeline tab shown (${options.timelineSeconds} s): ${format(onTimeline.received)} of ${format(onTimeline.sent)} received ${onTimelineReport.accounted ? '(all)' : '(MISSING SOME)'}, ` +
        `${format(onTimelineReport.eventsShownPerSec)} events/s\n` +
        frameLines(onTimelineReport),
    );
    if (panel.cspViolations.length > 0) process.stderr.write(`Page errors: ${panel.cspViolations.join('; ')}\n`);
    if (options.json) process.stdout.write(`${JSON.stringify({ live: liveReport, timeline: timelineReport, liveOnTimeline: onTimelineReport })}\n`);
    if (!liveReport.accounted || !onTimelineReport.accounted) process.exitCode = 1;
  } finally {
    await panel.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
