/**
 * Scratch benchmark for the call timeline's index (core/src/timeline): the 2,000-call bench stream decoded once,
 * then indexed in batches of 500, best of N, with headers as pairs and packed as the panel receives them
 * (protocol EventBatch). Prints, asserts nothing.
 *   node --import tsx bench/timelineIndex.ts [RUNS] [FILE]
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { AmiDecoder } from '../core/src/wire/decoder';
import { CallIndex, type TimelineInputEvent } from '../core/src/timeline';
import { packEvents, unpackEvents } from '../protocol/src/webviewMessages';

const runs = Number(process.argv[2] ?? 5);
const file = resolve(process.argv[3] ?? resolve(process.cwd(), '..', 'shared', 'bench', 'ami-stream-2000-calls.raw.gz'));
const raw = readFileSync(file);
const bytes = file.endsWith('.gz') ? gunzipSync(raw) : raw;
const events: TimelineInputEvent[] = [];
let seq = 0;
const decoder = new AmiDecoder((message) => {
  if (message.kind === 'event') events.push({ seq: ++seq, time: Date.now(), headers: message.headers() });
});
decoder.push(bytes);
decoder.end();

const packed = unpackEvents(packEvents(events.map((event) => ({ ...event, name: '', headers: event.headers as Array<[string, string]> }))));

for (const [form, input] of [['pairs', events], ['packed', packed]] as const) {
  let best = Number.POSITIVE_INFINITY;
  for (let run = 0; run < runs; run++) {
    const index = new CallIndex();
    const begin = performance.now();
    for (let i = 0; i < input.length; i += 500) index.add(input.slice(i, i + 500));
    const elapsed = performance.now() - begin;
    best = Math.min(best, elapsed);
    const counters = index.counters();
    console.log(`${form} run ${run + 1}: ${elapsed.toFixed(0)} ms, ${counters.calls} calls, ${counters.channels} channels, ${counters.indexedEvents} indexed`);
  }
  console.log(`${form} best: ${best.toFixed(0)} ms for ${input.length} events (${Math.round(input.length / (best / 1000)).toLocaleString('en')} events/s)`);
}
