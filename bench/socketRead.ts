/**
 * What receiving a stream through a Node socket costs, by read strategy (no AMI decoding at all): the default
 * 'data' events (a fresh Buffer per 64 KiB read), the same with a 1 MiB readableHighWaterMark, `onread` into one
 * reused 64 KiB or 1 MiB buffer, and 'data' with each chunk turned into a latin1 string (as string-based clients do).
 * Each run is a fresh reader process; the replay server is another process. Prints reads, CPU, system time and
 * minor page faults of the reader (median over runs, CPU also min).
 *
 *   node --import tsx bench/socketRead.ts [FILE] [--runs N]
 */
import { fork, spawnSync } from 'node:child_process';
import * as net from 'node:net';
import { loadBenchSet, SHARED_STREAM } from './streams';

const MODES = ['data', 'highWaterMark-1MiB', 'latin1-string', 'onread-reused-64KiB', 'onread-reused-1MiB'] as const;
type Mode = (typeof MODES)[number];

interface ReadResult {
  mode: Mode;
  reads: number;
  bytes: number;
  cpuMs: number;
  systemMs: number;
  faults: number;
}

/** Server process: sends FILE to the one client that connects, then exits when the parent goes. */
function serve(file: string): void {
  const [stream] = loadBenchSet([file]);
  const server = net.createServer((socket) => {
    socket.on('error', () => undefined);
    setTimeout(() => socket.end(stream.bytes), 100);
  });
  server.listen(0, '127.0.0.1', () => process.send?.((server.address() as net.AddressInfo).port));
  process.on('disconnect', () => process.exit(0));
}

/** Reader process: connects with MODE, reads to the end, prints one JSON line. */
function read(mode: Mode, file: string): void {
  const server = fork(__filename, ['serve', file], { execArgv: process.execArgv });
  server.on('message', (port) => {
    const faultsBefore = process.resourceUsage().minorPageFault;
    const cpuBefore = process.cpuUsage();
    let reads = 0;
    let bytes = 0;
    // readableHighWaterMark reaches the socket's Duplex options; @types/node leaves it out of the connect options.
    const options: net.TcpNetConnectOpts & { readableHighWaterMark?: number } = { host: '127.0.0.1', port: port as number };
    const count = (length: number): true => {
      reads++;
      bytes += length;
      return true;
    };
    if (mode === 'onread-reused-64KiB' || mode === 'onread-reused-1MiB') {
      options.onread = { buffer: Buffer.allocUnsafe(mode === 'onread-reused-64KiB' ? 65_536 : 1 << 20), callback: (n: number) => count(n) };
    }
    if (mode === 'highWaterMark-1MiB') options.readableHighWaterMark = 1 << 20;
    const socket = net.connect(options);
    if (mode === 'data' || mode === 'highWaterMark-1MiB') socket.on('data', (chunk: Buffer) => count(chunk.length));
    if (mode === 'latin1-string') socket.on('data', (chunk: Buffer) => count(chunk.toString('latin1').length));
    socket.on('end', () => {
      const cpu = process.cpuUsage(cpuBefore);
      const result: ReadResult = {
        mode,
        reads,
        bytes,
        cpuMs: (cpu.user + cpu.system) / 1000,
        systemMs: cpu.system / 1000,
        faults: process.resourceUsage().minorPageFault - faultsBefore,
      };
      process.stdout.write(`${JSON.stringify(result)}\n`, () => {
        server.kill();
        process.exit(0);
      });
    });
  });
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function main(): void {
  const args = process.argv.slice(2);
  if (args[0] === 'serve') return serve(args[1]);
  if (args[0] === 'read') return read(args[1] as Mode, args[2]);
  let file = SHARED_STREAM;
  let runs = 5;
  for (let k = 0; k < args.length; k++) {
    if (args[k] === '--runs') runs = Number(args[++k]);
    else file = args[k];
  }
  if (!(runs >= 1)) throw new Error('--runs must be at least 1');
  const results = new Map<Mode, ReadResult[]>();
  // Round-robin, so background load hits every mode alike.
  for (let run = 0; run < runs; run++) {
    for (const mode of MODES) {
      const child = spawnSync(process.execPath, [...process.execArgv, __filename, 'read', mode, file], { encoding: 'utf8' });
      const line = child.stdout.trim().split('\n').pop() ?? '';
      if (child.status !== 0 || !line.startsWith('{')) throw new Error(`${mode} failed: ${child.stderr}`);
      const list = results.get(mode) ?? [];
      list.push(JSON.parse(line) as ReadResult);
      results.set(mode, list);
    }
  }
  process.stdout.write(`${file}: ${runs} runs per mode\n${'mode'.padEnd(22)}${'reads'.padStart(7)}${'CPU ms min/median'.padStart(19)}${'system ms'.padStart(11)}${'page faults'.padStart(13)}\n`);
  for (const [mode, list] of results) {
    const cpu = list.map((r) => r.cpuMs);
    process.stdout.write(
      `${mode.padEnd(22)}${String(median(list.map((r) => r.reads))).padStart(7)}${`${Math.min(...cpu).toFixed(1)} / ${median(cpu).toFixed(1)}`.padStart(19)}` +
        `${median(list.map((r) => r.systemMs)).toFixed(1).padStart(11)}${String(median(list.map((r) => r.faults))).padStart(13)}\n`,
    );
  }
}

main();
