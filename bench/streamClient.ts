/**
 * One client under test for bench/stream.ts, run in its own process (so its RSS is its own):
 * `node dist/bench/streamClient.js NAME PORT EXPECTED_EVENTS`. It connects to the replay server, logs in,
 * runs the same consumer on every event (reads Event, Uniqueid and Channel), and prints one JSON line:
 {"events","checksum","endMs","peakRssMb"}. endMs is wall-clock (performance.timeOrigin based) so the
 * parent can time from the moment its server started writing the stream.
 */
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

function finish(): void {
  if (finished) return;
  finished = true;
  const endMs = performance.timeOrigin + performance.now();
  const peakRssMb = (process.resourceUsage().maxRSS * 1024) / (1024 * 1024);
  process.stdout.write(`${JSON.stringify({ events, checksum, endMs, peakRssMb })}\n`, () => process.exit(0));
}

/** The consumer every client runs on every event. */
function consume(event: string | undefined, uniqueid: string | undefined, channel: string | undefined): void {
  checksum += (event === undefined ? 0 : event.length) + (uniqueid === undefined ? 0 : uniqueid.length) + (channel === undefined ? 0 : channel.length);
  if (++events === expected) finish();
}

// Progress is checked by polling the count, so the consumer pays nothing for it.
let countAtLastCheck = -1;
let lastProgressAt = Date.now();
const stallTimer = setInterval(() => {
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

/** The physical limit: frames on CRLFCRLF with Buffer.indexOf, reads no header. */
function runFramingLimit(): void {
  const EVENT = Buffer.from('Event:');
  const TERMINATOR = Buffer.from('\r\n\r\n');
  const socket = net.connect({ host: '127.0.0.1', port });
  let tail: Buffer | undefined;
  let greeted = false;
  socket.on('data', (chunk: Buffer) => {
    let data = tail === undefined ? chunk : Buffer.concat([tail, chunk]);
    if (!greeted) {
      const lineEnd = data.indexOf(10);
      if (lineEnd < 0) {
        tail = data;
        return;
      }
      greeted = true;
      data = data.subarray(lineEnd + 1);
      socket.write('Action: Login\r\nActionID: bench-login\r\nUsername: bench\r\nSecret: bench\r\n\r\n');
    }
    let start = 0;
    for (;;) {
      const end = data.indexOf(TERMINATOR, start);
      if (end < 0) break;
      if (data[start] === 0x45 && data.compare(EVENT, 0, EVENT.length, start, start + EVENT.length) === 0) {
        if (++events === expected) finish();
      }
      start = end + TERMINATOR.length;
    }
    tail = start < data.length ? data.subarray(start) : undefined;
  });
  socket.on('close', () => finish());
}

const runners: Record<string, () => void> = {
  'ami-workbench': runWorkbench,
  'asterisk-manager': runAsteriskManager,
  'ami-io': runAmiIo,
  'asterisk-ami-client': runAsteriskAmiClient,
  'framing-limit': runFramingLimit,
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
