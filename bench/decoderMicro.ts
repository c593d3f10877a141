/**
 * In-process micro-benchmark (no sockets): feeds the bench stream in 64 KiB chunks to AmiDecoder alone
 * (`decoder`) or to the full AmiConnection/AmiSession path over an in-memory transport (`connection`),
 * with the bench consumer, best of N, and the first run's CPU time (cold: the JIT still warming up, what a
 * fresh process pays on a short stream). For tuning; the real comparison is bench/stream.ts.
 *   node --import tsx bench/decoderMicro.ts [decoder|connection] [RUNS] [FILE]
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { AmiDecoder } from '../core/src/wire/decoder';
import { AmiConnection } from '../core/src/session';
import type { AmiMessage } from '../core/src/wire/types';

const mode = process.argv[2] ?? 'decoder';
const runs = Number(process.argv[3] ?? 7);
const file = resolve(process.argv[4] ?? resolve(process.cwd(), '..', 'shared', 'bench', 'ami-stream-2000-calls.raw.gz'));
const raw = readFileSync(file);
const bytes = file.endsWith('.gz') ? gunzipSync(raw) : raw;
const bannerEnd = bytes.indexOf(10) + 1;
const bodyStart = bytes.indexOf('\r\n\r\n', bannerEnd) + 4;
const chunks: Buffer[] = [];
for (let at = bodyStart; at < bytes.length; at += 65536) chunks.push(Buffer.from(bytes.subarray(at, at + 65536)));

let events = 0;
let checksum = 0;
function consume(message: AmiMessage): void {
  if (message.kind !== 'event') return;
  events++;
  checksum += (message.get('Event')?.length ?? 0) + (message.get('Uniqueid')?.length ?? 0) + (message.get('Channel')?.length ?? 0);
}

function runDecoder(): void {
  const decoder = new AmiDecoder(consume);
  decoder.push(bytes.subarray(0, bodyStart));
  for (const chunk of chunks) decoder.push(chunk);
  decoder.end();
}

function cpuMs(before: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1000;
}

async function main(): Promise<void> {
  let best = Infinity;
  let bestCpu = Infinity;
  let firstCpu = Number.NaN;
  for (let run = 0; run < runs; run++) {
    const cpuBefore = process.cpuUsage();
    events = 0;
    checksum = 0;
    if (mode === 'connection') {
      let feed: (() => void) | undefined;
      const connection = new AmiConnection({
        credentials: { username: 'bench', secret: 'bench' },
        reconnect: false,
        keepaliveIntervalMs: 0,
        transport: (h) => {
          feed = () => {
            h.onOpen();
            h.onData(bytes.subarray(0, bannerEnd));
          };
          return {
            write: (data) => {
              const actionId = /ActionID: (.*)\r\n/.exec(data.toString('latin1'))?.[1];
              h.onData(Buffer.from(`Response: Success\r\nActionID: ${actionId}\r\nMessage: Authentication accepted\r\n\r\n`));
            },
            close: () => undefined,
          };
        },
      });
      connection.onEvent(consume);
      const connected = connection.whenConnected();
      connection.start();
      feed?.();
      await connected;
      const started = performance.now();
      for (const chunk of chunks) (connection as unknown as { session: { receive(c: Buffer): void } }).session.receive(chunk);
      best = Math.min(best, performance.now() - started);
      bestCpu = Math.min(bestCpu, cpuMs(cpuBefore));
      if (run === 0) firstCpu = cpuMs(cpuBefore);
      await connection.close().catch(() => undefined);
    } else {
      const started = performance.now();
      runDecoder();
      best = Math.min(best, performance.now() - started);
      bestCpu = Math.min(bestCpu, cpuMs(cpuBefore));
      if (run === 0) firstCpu = cpuMs(cpuBefore);
    }
  }
  const m = process.memoryUsage();
  console.log(`${mode}: ${events} events, checksum ${checksum}, best ${best.toFixed(1)} ms (cpu ${bestCpu.toFixed(1)} ms) = ${Math.round(events / (best / 1000)).toLocaleString('en-US')} events/s; first (cold) run cpu ${firstCpu.toFixed(1)} ms; rss ${m.rss >> 20} MB`);
}
void main();
