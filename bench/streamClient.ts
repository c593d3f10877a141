/**
 * One client under test for bench/stream.ts, run in its own process (so its RSS is its own):
 * `node dist/bench/streamClient.js NAME PORT EXPECTED_EVENTS`. It connects to the replay server, logs in,
 * runs the same consumer on every event (reads Event, Uniqueid and Channel), and prints one JSON line:
 {"events","checksum","endMs","cpuMs","sysMs","minorFaults","peakRssMb"}. endMs is wall-clock (performance.timeOrigin based) so the
 * parent can time from the moment its server started writing the stream.
 */
import { readFileSync } from 'node:fs';
import * as net from 'node:net';
import { AmiClient } from '../node/src/amiClient';

const [name, portText, expectedText] = process.argv.slice(2);
const port = Number(portText);
const expected = Number(expectedText);
/** No event for this long after the stream began: report what arrived (the parent flags the mismatch). */
const STALL_MS = 5000;

let events = 0;
/** Sum of the lengths of the values read, so the work cannot be optimised away and clients can be compared. */
let checksum = 0;
let finished = false;
/** CPU time is counted from here: the modules are loaded (imports run first), the client not yet started. */
const cpuAtStart = process.cpuUsage();
/** Minor page faults so far: first touches of fresh memory (e.g. a new Buffer per socket read) cost system time. */
const faultsAtStart = process.resourceUsage().minorPageFault;

/**
 * This process's peak RSS in KiB. Linux: VmHWM of our own memory map. Not getrusage's maxRSS there: the kernel
 * carries the forking parent's peak across exec into it, so every child would report the bench runner's size.
 */
function peakRssKb(): number {
  try {
    const hwm = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync('/proc/self/status', 'latin1'))?.[1];
    if (hwm !== undefined) return Number(hwm);
  } catch {
    // Not Linux: fall through.
  }
  return process.resourceUsage().maxRSS;
}

function finish(): void {
  if (finished) return;
  finished = true;
  const endMs = performance.timeOrigin + performance.now();
  const peakRssMb = peakRssKb() / 1024;
  const cpu = process.cpuUsage(cpuAtStart);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  const sysMs = cpu.system / 1000;
  const minorFaults = process.resourceUsage().minorPageFault - faultsAtStart;
  process.stdout.write(`${JSON.stringify({ events, checksum, endMs, cpuMs, sysMs, minorFaults, peakRssMb })}\n`, () => process.exit(0));
}

/** The consumer every client runs on every event. */
function consume(event: string | undefined, uniqueid: string | undefined, channel: string | undefined): void {
  checksum += (event === undefined ? 0 : event.length) + (uniqueid === undefined ? 0 : uniqueid.length) + (channel === undefined ? 0 : channel.length);
  if (++events === expected) finish();
}

// Progress is checked by polling the count, so the consumer pays nothing for it.
let countAtLastCheck = -1;
let lastProgressAt = Date.now();
setInterval(() => {
  if (events !== countAtLastCheck) {
    countAtLastCheck = events;
    lastProgressAt = Date.now();
  } else if (Date.now() - lastProgressAt > STALL_MS) {
    finish();
  }
}, 250);

/** Plain-object events with lowercased keys (asterisk-manager, ami-io). */
interface LowercaseEvent {
  event?: string;
  uniqueid?: string;
  channel?: string;
}

function runWorkbench(): void {
  // The real path: node socket transport + AmiConnection/AmiSession + AmiDecoder, events via onEvent.
  const client = new AmiClient({
    host: '127.0.0.1',
    port,
    credentials: { username: 'bench', secret: 'bench' },
    reconnect: false,
    keepaliveIntervalMs: 0,
    // Events are consumed synchronously by the listener below (as `ami send` does), so no queue is kept.
    eventQueueCapacity: 0,
  });
  client.onEvent((message) => {
    if (message.kind !== 'event') return;
    consume(message.get('Event'), message.get('Uniqueid'), message.get('Channel'));
  });
  client.onState((state) => {
    if (state.kind === 'failed' || state.kind === 'closed') finish();
  });
  client.start();
}

function runAsteriskManager(): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const AsteriskManager = require('asterisk-manager') as (port: number, host: string, user: string, secret: string, events: boolean) => {
    on(name: string, listener: (event: LowercaseEvent) => void): void;
  };
  const manager = AsteriskManager(port, '127.0.0.1', 'bench', 'bench', true);
  manager.on('managerevent', (event) => consume(event.event, event.uniqueid, event.channel));
  manager.on('close', () => finish());
}

function runAmiIo(): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const amiIo = require('ami-io') as {
    SilentLogger: new () => unknown;
    Client: new (config: Record<string, unknown>) => { on(name: string, listener: (event: LowercaseEvent) => void): void; connect(): void };
  };
  const client = new amiIo.Client({ host: '127.0.0.1', port, login: 'bench', password: 'bench', logger: new amiIo.SilentLogger() });
  client.on('event', (event) => consume(event.event, event.uniqueid, event.channel));
  client.on('disconnected', () => finish());
  client.connect();
}

function runAsteriskAmiClient(): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const AmiClientLibrary = require('asterisk-ami-client') as new (options: Record<string, unknown>) => {
    on(name: string, listener: (event: Record<string, string | undefined>) => void): unknown;
    connect(user: string, secret: string, options: { host: string; port: number }): Promise<unknown>;
  };
  const client = new AmiClientLibrary({ reconnect: false, keepAlive: false });
  client.on('event', (event) => consume(event.Event, event.Uniqueid, event.Channel));
  client.on('disconnect', () => finish());
  client.connect('bench', 'bench', { host: '127.0.0.1', port }).catch((error: unknown) => {
    process.stderr.write(`asterisk-ami-client: ${String(error)}\n`);
    finish();
  });
}

/**
 * The least work any client must do: find where messages end. Counts CRLFCRLF terminators with
 * Buffer#indexOf on each chunk as it arrives (no strings, no copies); a terminator split across reads is
 * found by matching the few bytes at the seam. EXPECTED is the terminator count (banner excluded).
 */
function runFramingLimit(): void {
  const TERMINATOR = Buffer.from('\r\n\r\n');
  /** How many bytes at the end of the previous chunk match the start of CRLFCRLF (0–3). */
  let partial = 0;
  readRawStream((chunk, from) => {
    if (partial > 0) {
      // Does the terminator begun in the last chunk finish here?
      let k = 0;
      while (partial + k < 4 && k < chunk.length && chunk[k] === TERMINATOR[partial + k]) k++;
      if (partial + k === 4) {
        from = k;
        if (++events === expected) return finish();
      } else if (k === chunk.length) {
        partial += k;
        return;
      }
    }
    for (let end = chunk.indexOf(TERMINATOR, from); end >= 0; end = chunk.indexOf(TERMINATOR, end + 4)) {
      if (++events === expected) return finish();
      from = end + 4;
    }
    // The longest suffix of the chunk (after the last terminator) that starts a terminator.
    const length = chunk.length;
    partial = 0;
    for (let k = Math.min(3, length - from); k > 0; k--) {
      if (chunk.compare(TERMINATOR, 0, k, length - k, length) === 0) {
        partial = k;
        break;
      }
    }
  });
}

/**
 * What receiving the stream through a Node socket costs before any client code runs: counts the bytes after
 * the banner ('data' events, as every client here reads) and does nothing else. EXPECTED is that byte count.
 */
function runSocketRead(): void {
  readRawStream((chunk, from) => {
    // `events` carries the byte count, so the stall check and finish() work unchanged.
    events += chunk.length - from;
    if (events >= expected) finish();
  });
}

/**
 * A bare socket for the floor readers: skips the banner line, logs in, then hands every chunk to `onChunk` with
 * the offset where the stream after the banner starts in it (0 after the first chunk).
 */
function readRawStream(onChunk: (chunk: Buffer, from: number) => void): void {
  const socket = net.connect({ host: '127.0.0.1', port });
  let greeted = false;
  socket.on('data', (chunk: Buffer) => {
    let from = 0;
    if (!greeted) {
      // The banner is one line; the server sends it alone and waits for the Login.
      from = chunk.indexOf(10) + 1;
      if (from === 0) return;
      greeted = true;
      socket.write('Action: Login\r\nActionID: bench-login\r\nUsername: bench\r\nSecret: bench\r\n\r\n');
    }
    onChunk(chunk, from);
  });
  socket.on('close', () => finish());
}

const runners: Record<string, () => void> = {
  'ami-workbench': runWorkbench,
  'asterisk-manager': runAsteriskManager,
  'ami-io': runAmiIo,
  'asterisk-ami-client': runAsteriskAmiClient,
  'framing-limit': runFramingLimit,
  'socket-read': runSocketRead,
};

const runner = runners[name];
if (!runner || !(port > 0) || !(expected > 0)) {
  process.stderr.write(`usage: streamClient.js (${Object.keys(runners).join('|')}) PORT EXPECTED_EVENTS\n`);
  process.exit(2);
}
process.on('uncaughtException', (error) => {
  process.stderr.write(`${name}: ${error.stack ?? String(error)}\n`);
  finish();
});
runner();
