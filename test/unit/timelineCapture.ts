/**
 * Real captures as the panel receives them: the raw bytes of ../shared/ami-captures/NN-*.txt pushed through the
 * wire decoder read by read, each event stamped with the time its read arrived (from the .meta.txt timeline).
 */
import { existsSync, readFileSync } from 'node:fs';
import { AmiDecoder } from '../../core/src/wire/decoder';

// The repository's copy when ../shared is not next to the clone (a worktree elsewhere).
export const CAPTURES = existsSync('../shared/ami-captures') ? '../shared/ami-captures' : 'test/fixtures/ami-captures';

export interface CapturedEvent {
  seq: number;
  time: number;
  name: string;
  headers: Array<[string, string]>;
}

/** Receive start of every capture replay: an arbitrary fixed epoch so times are reproducible. */
export const CAPTURE_EPOCH = Date.UTC(2026, 10, 23, 0, 20, 7);

/** Events of a capture (by file stem, e.g. `16-originate-local-exten-async`), with receive times from its meta. */
export function captureEvents(stem: string, firstSeq = 1): CapturedEvent[] {
  const bytes = readFileSync(`${CAPTURES}/${stem}.txt`);
  const meta = readFileSync(`${CAPTURES}/${stem}.meta.txt`, 'utf8');
  const reads = [...meta.matchAll(/t=\s*([\d.]+)\s+RECV\s+off=\s*(\d+)\s+len=\s*(\d+)/g)].map((m) => ({
    t: Number(m[1]),
    offset: Number(m[2]),
    length: Number(m[3]),
  }));
  if (reads.length === 0) throw new Error(`${stem}.meta.txt has no RECV lines`);
  const events: CapturedEvent[] = [];
  let now = CAPTURE_EPOCH;
  let seq = firstSeq;
  const decoder = new AmiDecoder((message) => {
    if (message.kind !== 'event') return;
    events.push({ seq: seq++, time: now, name: message.get('Event') ?? '', headers: message.headers() });
  });
  for (const read of reads) {
    now = CAPTURE_EPOCH + Math.round(read.t * 1000);
    decoder.push(bytes.subarray(read.offset, read.offset + read.length));
  }
  decoder.end();
  return events;
}
