/**
 * Event-stream throughput: replays captured AMI streams over loopback TCP to this project's client and to
 * asterisk-manager, ami-io and asterisk-ami-client, each in its own process, with the same consumer (reads
 * Event, Uniqueid, Channel of every event), plus `framing-limit`: a reader that only finds message ends
 * (Buffer#indexOf of CRLFCRLF, no strings, no copies), the least work any client must do, and `socket-read`:
 * a reader that only counts the bytes (no framing at all), what receiving the stream through a Node socket
 * costs before any client code runs. Its events/CPU-s over asterisk-manager's is the highest ratio a Node
 * client could reach on that stream.
 *
 *   npm run bench -- [--stream FILE|DIR|synthetic:varset]... [--json] [--runs N] [--only name,name] [--repeat N]
 *
 * --repeat N replays each stream's complete messages N times in one connection: a fresh process pays its JIT
 * warm-up once, so comparing N = 1 with N = 4 separates that fixed cost from the per-event cost.
 *
 * Streams are raw or .gz captures (banner first). Default set: ../shared/bench/ami-stream-2000-calls.raw.gz,
 * every capture in bench/streams/, and a synthetic VarSet-heavy stream built from real capture messages
 * (bench/streams.ts). The server sends the banner, answers the client's Login (echoing its ActionID, as
 * Asterisk does), then writes the rest of the stream as fast as the client reads. Time runs from that write
 * to the client's last event. Best of N runs (default 5) for events/s; peak RSS is the highest over the runs.
 */
import { spawn } from 'node:child_process';
import * as net from 'node:net';
import { join, resolve } from 'node:path';
import * as esbuild from 'esbuild';
import { loadBenchSet, SHARED_STREAM, streamLabel, type BenchStream } from './streams';

const ROOT = resolve(__dirname, '..');
/** AMI_BENCH_CLIENT: a prebuilt client runner to use instead (for A/B comparisons of builds). */
const CLIENT_BUNDLE = process.env.AMI_BENCH_CLIENT ?? join(ROOT, 'dist', 'bench', 'streamClient.js');
const CLIENTS = ['ami-workbench', 'asterisk-manager', 'ami-io', 'asterisk-ami-client', 'framing-limit', 'socket-read'] as const;
/** The floors: they do not decode events, so they report (and are checked on) message ends or bytes instead. */
const FLOORS = new Set(['framing-limit', 'socket-read']);
/** The bench stream's documented event count (docs/protocol.md, last section). */
const DEFAULT_STREAM_EVENTS = 54_003;
const CHILD_TIMEOUT_MS = 120_000;

interface Options {
  streams: string[];
  json: boolean;
  runs: number;
  only: string[];
  repeat: number;
}

interface RunResult {
  events: number;
  checksum: number;
  seconds: number;
  /** The client process's CPU time (user + system): less sensitive than wall time to a loaded machine. */
  cpuSeconds: number;
  /** Of which system time (socket reads, page faults). */
  sysSeconds: number;
  /** Minor page faults: fresh memory touched (each socket read lands in a new Buffer). */
  minorFaults: number;
  peakRssMb: number;
}

/** One row of the report (the --json shape). */
interface BenchRow {
  stream: string;
  name: string;
  events: number;
  eventsPerSec: number;
  /** Events per second of the client's own CPU time (best run). */
  eventsPerCpuSec: number;
  mbPerSec: number;
  peakRssMb: number;
}

function parseArgs(argv: string[]): Options {
  const options: Options = { streams: [], json: false, runs: 5, only: [...CLIENTS], repeat: 1 };
  for (let k = 0; k < argv.length; k++) {
    const arg = argv[k];
    if (arg === '--stream') options.streams.push(argv[++k] ?? '');
    else if (arg === '--json') options.json = true;
    else if (arg === '--runs') options.runs = Number(argv[++k]);
    else if (arg === '--only') options.only = (argv[++k] ?? '').split(',').filter(Boolean);
    else if (arg === '--repeat') options.repeat = Number(argv[++k]);
    else throw new Error(`Unknown argument ${arg}. Usage: npm run bench -- [--stream FILE|DIR|synthetic:varset]... [--json] [--runs N] [--only ${CLIENTS.join(',')}] [--repeat N]`);
  }
  if (!(options.runs >= 1)) throw new Error('--runs must be at least 1');
  if (!Number.isInteger(options.repeat) || options.repeat < 1) throw new Error('--repeat must be a whole number of at least 1');
  for (const name of options.only) if (!(CLIENTS as readonly string[]).includes(name)) throw new Error(`Unknown client ${name}: one of ${CLIENTS.join(', ')}`);
  return options;
}

/** The capture split into banner, the recorded Login response (replaced by ours) and the rest. */
interface Stream {
  label: string;
  banner: Buffer;
  body: Buffer;
  totalBytes: number;
  events: number;
  /** CRLFCRLF terminators after the banner (our Login response included): what framing-limit counts. */
  terminators: number;
  /** Bytes after the banner that the floors' Login (ActionID bench-login) receives: what socket-read counts. */
  bytesAfterBanner: number;
}

const TERMINATOR = Buffer.from('\r\n\r\n');

function countTerminators(bytes: Buffer): number {
  let count = 0;
  for (let at = bytes.indexOf(TERMINATOR); at >= 0; at = bytes.indexOf(TERMINATOR, at + TERMINATOR.length)) count++;
  return count;
}

function prepareStream(source: BenchStream, repeat: number): Stream {
  const file = source.name;
  const bytes = source.bytes;
  const bannerEnd = bytes.indexOf(10) + 1;
  if (bannerEnd <= 0 || !bytes.subarray(0, bannerEnd).toString('latin1').startsWith('Asterisk Call Manager/')) {
    throw new Error(`${file} does not start with an AMI banner`);
  }
  let bodyStart = bannerEnd;
  if (bytes.subarray(bannerEnd, bannerEnd + 9).toString('latin1') === 'Response:') {
    const end = bytes.indexOf('\r\n\r\n', bannerEnd);
    if (end > 0) bodyStart = end + 4;
  }
  const text = bytes.toString('latin1');
  // Events: messages whose first line is Event:, after a blank line (CRLF or LF).
  // Only complete messages: a recording may end in the middle of one, which no client delivers.
  const completeEnd = Math.max(bodyStart, text.lastIndexOf('\r\n\r\n') + 4);
  const events = (text.slice(bodyStart, completeEnd).match(/(?:^|\n\r?\n)Event:/g) ?? []).length;
  const body = repeat === 1 ? bytes.subarray(bodyStart) : Buffer.concat(new Array<Buffer>(repeat).fill(bytes.subarray(bodyStart, completeEnd)));
  return {
    label: repeat === 1 ? streamLabel(source) : `${streamLabel(source)} ×${repeat}`,
    banner: bytes.subarray(0, bannerEnd),
    body,
    totalBytes: bodyStart + body.length,
    events: events * repeat,
    terminators: 1 + countTerminators(body),
    bytesAfterBanner: Buffer.byteLength(loginAnswer('bench-login')) + body.length,
  };
}

/** The replay server's answer to a Login, echoing its ActionID as Asterisk does. */
function loginAnswer(actionId: string | undefined): string {
  return `Response: Success\r\n${actionId ? `ActionID: ${actionId}\r\n` : ''}Message: Authentication accepted\r\n\r\n`;
}

/** A one-connection replay server: banner, Login answer with the client's ActionID, then the stream. */
function startServer(stream: Stream): Promise<{ port: number; bodyWrittenAt: Promise<number>; close(): void }> {
  return new Promise((resolveServer) => {
    let markWritten: (at: number) => void = () => undefined;
    const bodyWrittenAt = new Promise<number>((done) => (markWritten = done));
    const sockets = new Set<net.Socket>();
    const server = net.createServer((socket) => {
      sockets.add(socket);
      socket.on('error', () => undefined);
      socket.on('close', () => sockets.delete(socket));
      socket.setNoDelay(true);
      socket.write(stream.banner);
      let received = '';
      let answered = false;
      socket.on('data', (chunk: Buffer) => {
        if (answered) return;
        received += chunk.toString('latin1');
        const end = received.search(/\r?\n\r?\n/);
        if (end < 0) return;
        answered = true;
        const actionId = /^ActionID:[ \t]*(.*?)\r?$/im.exec(received.slice(0, end))?.[1];
        socket.write(loginAnswer(actionId));
        // A short pause lets clients that switch parsers after login (asterisk-ami-client) settle; not timed.
        setTimeout(() => {
          markWritten(performance.timeOrigin + performance.now());
          socket.write(stream.body);
        }, 100);
      });
    });
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      resolveServer({
        port,
        bodyWrittenAt,
        close: () => {
          for (const socket of sockets) socket.destroy();
          server.close();
        },
      });
    });
  });
}

async function runClient(name: string, stream: Stream): Promise<RunResult> {
  const server = await startServer(stream);
  try {
    const nodeFlags = (process.env.AMI_BENCH_NODE_FLAGS ?? '').split(' ').filter(Boolean);
    // The floors count message ends (framing-limit) or bytes (socket-read), not events.
    const expected = name === 'framing-limit' ? stream.terminators : name === 'socket-read' ? stream.bytesAfterBanner : stream.events;
    const child = spawn(process.execPath, [...nodeFlags, CLIENT_BUNDLE, name, String(server.port), String(expected)], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const killTimer = setTimeout(() => child.kill('SIGKILL'), CHILD_TIMEOUT_MS);
    const code = await new Promise<number | null>((done) => child.on('close', done));
    clearTimeout(killTimer);
    const outputLines = stdout.trim().split('\n');
    const line = outputLines.pop() ?? '';
    // Diagnostics from AMI_BENCH_NODE_FLAGS (e.g. --trace-gc) go to stderr.
    if (nodeFlags.length > 0 && outputLines.length > 0) process.stderr.write(`[${name}] ${outputLines.join(`\n[${name}] `)}\n`);
    let report: { events: number; checksum: number; endMs: number; cpuMs: number; sysMs: number; minorFaults: number; peakRssMb: number };
    try {
      report = JSON.parse(line) as typeof report;
    } catch {
      throw new Error(`${name} exited with ${code} and no result. ${stderr.trim()}`);
    }
    if (stderr.trim() !== '') process.stderr.write(`[${name}] ${stderr.trim()}\n`);
    const started = await Promise.race([server.bodyWrittenAt, Promise.resolve(Number.NaN)]);
    const events = FLOORS.has(name) ? (report.events === expected ? stream.events : 0) : report.events;
    return {
      events,
      checksum: report.checksum,
      seconds: (report.endMs - started) / 1000,
      cpuSeconds: report.cpuMs / 1000,
      sysSeconds: report.sysMs / 1000,
      minorFaults: report.minorFaults,
      peakRssMb: report.peakRssMb,
    };
  } finally {
    server.close();
  }
}

/** Bundles the client runner so children run plain node (no TypeScript loader in their RSS). */
async function bundleClient(): Promise<void> {
  await esbuild.build({
    entryPoints: [join(ROOT, 'bench', 'streamClient.ts')],
    outfile: CLIENT_BUNDLE,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    logLevel: 'warning',
    external: ['asterisk-manager', 'ami-io', 'asterisk-ami-client'],
  });
}

function format(value: number, digits = 0): string {
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** Runs every client on one stream, round-robin so background load hits every client alike. */
async function benchStream(stream: Stream, options: Options, log: (text: string) => void): Promise<{ rows: BenchRow[]; mismatch: boolean }> {
  log(`\nStream ${stream.label}: ${format(stream.totalBytes)} bytes, ${format(stream.events)} events; best of ${options.runs} runs\n`);
  const best = new Map<string, RunResult>();
  const bestCpu = new Map<string, RunResult>();
  const peakRss = new Map<string, number>();
  const checksums = new Map<string, number>();
  let mismatch = false;
  for (let run = 1; run <= options.runs; run++) {
    for (const name of options.only) {
      let result: RunResult;
      try {
        result = await runClient(name, stream);
      } catch (error) {
        process.stderr.write(`!!! ${name} failed: ${error instanceof Error ? error.message : String(error)} !!!\n`);
        result = { events: 0, checksum: 0, seconds: Number.NaN, cpuSeconds: Number.NaN, sysSeconds: Number.NaN, minorFaults: 0, peakRssMb: 0 };
      }
      log(
        `  run ${run} ${name.padEnd(20)} ${format(result.events / result.seconds).padStart(10)} events/s  ${format(result.events / result.cpuSeconds).padStart(10)} events/CPU-s  ` +
          `${format(result.peakRssMb, 1)} MB  CPU ${format(result.cpuSeconds * 1000)} ms (system ${format(result.sysSeconds * 1000)}), ${format(result.minorFaults)} page faults\n`,
      );
      if (result.events !== stream.events) {
        mismatch = true;
        process.stderr.write(`!!! ${name} received ${result.events} events, expected ${stream.events} (${stream.label}) !!!\n`);
      }
      if (!FLOORS.has(name)) checksums.set(name, result.checksum);
      const previous = best.get(name);
      const speed = (r: RunResult): number => (Number.isFinite(r.events / r.seconds) ? r.events / r.seconds : -1);
      if (!previous || speed(result) > speed(previous)) best.set(name, result);
      const cpuSpeed = (r: RunResult): number => (Number.isFinite(r.events / r.cpuSeconds) ? r.events / r.cpuSeconds : -1);
      const previousCpu = bestCpu.get(name);
      if (!previousCpu || cpuSpeed(result) > cpuSpeed(previousCpu)) bestCpu.set(name, result);
      peakRss.set(name, Math.max(peakRss.get(name) ?? 0, result.peakRssMb));
    }
  }
  const rows: BenchRow[] = options.only.map((name) => {
    const result = best.get(name) as RunResult;
    return {
      stream: stream.label,
      name,
      events: result.events,
      eventsPerSec: Math.round(result.events / result.seconds),
      eventsPerCpuSec: Math.round(((bestCpu.get(name) as RunResult).events / (bestCpu.get(name) as RunResult).cpuSeconds) || 0),
      mbPerSec: Math.round((stream.totalBytes / 1e6 / result.seconds) * 10) / 10,
      peakRssMb: Math.round((peakRss.get(name) ?? 0) * 10) / 10,
    };
  });
  if (new Set(checksums.values()).size > 1) {
    process.stderr.write(`Note: clients read different total value lengths (${[...checksums].map(([n, c]) => `${n}=${c}`).join(', ')}).\n`);
  }
  const anchor = rows.find((row) => row.name === 'asterisk-manager');
  const limit = rows.find((row) => row.name === 'framing-limit');
  const ratio = (value: number, base: number | undefined): string => (base ? format(value / base, 2) : '-');
  log(
    `\n${'client'.padEnd(22)}${'events'.padStart(8)}${'events/s'.padStart(12)}${'MB/s'.padStart(9)}${'× limit'.padStart(9)}${'× a-m'.padStart(8)}` +
      `${'events/CPU-s'.padStart(14)}${'× limit'.padStart(9)}${'× a-m'.padStart(8)}${'peak RSS MB'.padStart(13)}${'× a-m RSS'.padStart(11)}\n`,
  );
  for (const row of rows) {
    log(
      `${row.name.padEnd(22)}${format(row.events).padStart(8)}${format(row.eventsPerSec).padStart(12)}${format(row.mbPerSec, 1).padStart(9)}` +
        `${ratio(row.eventsPerSec, limit?.eventsPerSec).padStart(9)}${ratio(row.eventsPerSec, anchor?.eventsPerSec).padStart(8)}` +
        `${format(row.eventsPerCpuSec).padStart(14)}${ratio(row.eventsPerCpuSec, limit?.eventsPerCpuSec).padStart(9)}${ratio(row.eventsPerCpuSec, anchor?.eventsPerCpuSec).padStart(8)}` +
        `${format(row.peakRssMb, 1).padStart(13)}${ratio(row.peakRssMb, anchor?.peakRssMb).padStart(11)}\n`,
    );
  }
  return { rows, mismatch };
}

/**
 * One line per stream: ami-workbench against the targets (≥ 50% of framing-limit, ≥ 8× asterisk-manager,
 * peak RSS no higher than asterisk-manager's), by wall time and by the clients' own CPU time. A ratio short of 8×
 * says so when framing-limit's own ratio is short too.
 */
function targetSummary(rows: BenchRow[]): string {
  const lines: string[] = [];
  const check = (value: number, target: number, text: string): string => `${text} ${value >= target ? 'ok' : 'SHORT'}`;
  for (const stream of new Set(rows.map((row) => row.stream))) {
    const of = (name: string): BenchRow | undefined => rows.find((row) => row.stream === stream && row.name === name);
    const workbench = of('ami-workbench');
    const limit = of('framing-limit');
    const anchor = of('asterisk-manager');
    if (!workbench) continue;
    const checks: string[] = [];
    if (limit) {
      const wall = workbench.eventsPerSec / limit.eventsPerSec;
      const cpu = workbench.eventsPerCpuSec / limit.eventsPerCpuSec;
      checks.push(`of framing-limit ${check(wall, 0.5, `${format(100 * wall)}%`)} wall / ${check(cpu, 0.5, `${format(100 * cpu)}%`)} CPU`);
    }
    if (anchor) {
      const wall = workbench.eventsPerSec / anchor.eventsPerSec;
      const cpu = workbench.eventsPerCpuSec / anchor.eventsPerCpuSec;
      // A shortfall where even the reader that only finds message ends is under 8× is no client's to close.
      const floor = (ratio: number, limitRatio: number | undefined): string =>
        ratio < 8 && limitRatio !== undefined && limitRatio < 8 ? ` (framing-limit itself ${format(limitRatio, 2)}×)` : '';
      const limitWall = limit && limit.eventsPerSec / anchor.eventsPerSec;
      const limitCpu = limit && limit.eventsPerCpuSec / anchor.eventsPerCpuSec;
      checks.push(
        `asterisk-manager ${check(wall, 8, `${format(wall, 2)}×`)}${floor(wall, limitWall)} wall / ${check(cpu, 8, `${format(cpu, 2)}×`)}${floor(cpu, limitCpu)} CPU`,
      );
      checks.push(`RSS ${format(workbench.peakRssMb, 1)} vs ${format(anchor.peakRssMb, 1)} MB ${workbench.peakRssMb <= anchor.peakRssMb ? 'ok' : 'HIGHER'}`);
    }
    lines.push(`  ${stream}: ${checks.join('; ')}\n`);
  }
  return lines.length > 0 ? `\nTargets for ami-workbench (≥ 50% of framing-limit, ≥ 8× asterisk-manager, RSS ≤ asterisk-manager):\n${lines.join('')}` : '';
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const streams = loadBenchSet(options.streams).map((source) => {
    const stream = prepareStream(source, options.repeat);
    if (source.name === SHARED_STREAM && stream.events !== DEFAULT_STREAM_EVENTS * options.repeat) {
      throw new Error(`The shared stream should hold ${DEFAULT_STREAM_EVENTS} events, found ${stream.events}`);
    }
    return stream;
  });
  if (process.env.AMI_BENCH_CLIENT === undefined) await bundleClient();
  const log = (text: string): void => {
    if (!options.json) process.stdout.write(text);
  };
  const rows: BenchRow[] = [];
  let mismatch = false;
  for (const stream of streams) {
    const result = await benchStream(stream, options, log);
    rows.push(...result.rows);
    mismatch ||= result.mismatch;
  }
  if (options.json) process.stdout.write(`${JSON.stringify(rows)}\n`);
  else log(targetSummary(rows));
  if (mismatch) {
    process.stderr.write('!!! EVENT COUNT MISMATCH: see above !!!\n');
    process.exitCode = 1;
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
