/**
 * `ami capture FILE`: records a session in the format of the project's captures (test/fixtures/ami-captures),
 * so `ami replay FILE` and the fake server can serve it: FILE (bytes received), FILE's `.sent.txt` (bytes sent)
 * and `.meta.txt` (timeline of reads and writes). Secrets are redacted before anything touches the disk.
 * Runs until Ctrl+C / SIGTERM, `--duration`, or, with `--script X.ami`, until that script has run.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { resolve } from 'node:path';
import { runScript } from '../../core/src/run/scriptRunner';
import { Emitter } from '../../core/src/session/emitter';
import { parseScript } from '../../core/src/script/parser';
import type { Script } from '../../core/src/script/types';
import { readScriptText } from './files';
import { ALLOW_DANGEROUS_HELP, dangerGate, refuseUnsafeScript } from './scriptGuard';
import type { AmiClient } from '../../node/src/amiClient';
import {
  CONNECTION_FLAGS,
  CONNECTION_HELP,
  CONNECTION_VALUES,
  EXIT_FAILED,
  EXIT_OK,
  EXIT_USAGE,
  UsageError,
  durationOf,
  onInterrupt,
  openConnection,
  parseArgs,
  processEnvironment,
  reportError,
  resolveConnection,
  valueOf,
  type CliEnvironment,
} from './options';
import { formatBlock, formatCounts } from './report';

export const CAPTURE_HELP = `Usage: ami capture FILE.txt (--connection NAME | --host H --user U [--port P]) [options]

Records what the server sends (FILE.txt), what was sent (FILE.sent.txt) and when (FILE.meta.txt), secrets
redacted, until Ctrl+C. "ami replay FILE.txt" serves it again as a fake AMI server.

Options:
  --duration 30s           stop after this long
  --script X.ami           send the blocks of this script during the capture (stops when done unless --duration)
${ALLOW_DANGEROUS_HELP}
${CONNECTION_HELP}
`;

/** The three file names of a capture: `x.txt` → x.txt, x.sent.txt, x.meta.txt. */
export function captureFiles(file: string): { received: string; sent: string; meta: string } {
  const base = file.replace(/\.txt$/i, '');
  return { received: `${base}.txt`, sent: `${base}.sent.txt`, meta: `${base}.meta.txt` };
}

/** Writes the capture files as bytes arrive. */
class CaptureWriter {
  private readonly receivedFd: number;
  private readonly sentFd: number;
  private readonly metaFd: number;
  private receivedBytes = 0;
  private sentBytes = 0;
  private readonly start = Date.now();

  constructor(readonly files: { received: string; sent: string; meta: string }, header: string[]) {
    this.receivedFd = openSync(files.received, 'w');
    this.sentFd = openSync(files.sent, 'w');
    this.metaFd = openSync(files.meta, 'w');
    writeSync(this.metaFd, `${header.map((line) => `# ${line}`.trimEnd()).join('\n')}\n#\n# Timeline (t = seconds since connect; offsets index into .txt / .sent.txt):\n`);
  }

  private t(): string {
    return ((Date.now() - this.start) / 1000).toFixed(3).padStart(8);
  }

  record(direction: 'in' | 'out', bytes: Buffer): void {
    if (bytes.length === 0) return;
    if (direction === 'in') {
      writeSync(this.receivedFd, bytes);
      writeSync(this.metaFd, `#  t=${this.t()}  RECV  off=${String(this.receivedBytes).padStart(6)} len=${String(bytes.length).padStart(5)}\n`);
      this.receivedBytes += bytes.length;
    } else {
      writeSync(this.sentFd, bytes);
      writeSync(this.metaFd, `#  t=${this.t()}  SEND  off=${String(this.sentBytes).padStart(6)} len=${String(bytes.length).padStart(5)}\n`);
      this.sentBytes += bytes.length;
    }
  }

  /** Notes that the server closed the connection. */
  eof(): void {
    writeSync(this.metaFd, `#  t=${this.t()}  EOF (peer closed) at rx offset ${this.receivedBytes}\n`);
  }

  close(): { received: number; sent: number } {
    writeSync(this.metaFd, `# Received ${this.receivedBytes} bytes, sent ${this.sentBytes} bytes (secrets redacted).\n`);
    for (const fd of [this.receivedFd, this.sentFd, this.metaFd]) closeSync(fd);
    return { received: this.receivedBytes, sent: this.sentBytes };
  }
}

/** Entry of `ami capture`; resolves with the exit code. */
export async function captureCommand(argv: readonly string[], environment: CliEnvironment = processEnvironment()): Promise<number> {
  const stderr = environment.stderr;
  let client: AmiClient | undefined;
  let writer: CaptureWriter | undefined;
  try {
    const args = parseArgs(argv, { flags: [...CONNECTION_FLAGS, 'allow-dangerous', 'help'], values: [...CONNECTION_VALUES, 'duration', 'script'] }, 'capture');
    if (args.flags.has('help')) {
      process.stdout.write(CAPTURE_HELP);
      return EXIT_OK;
    }
    if (args.positionals.length !== 1) throw new UsageError('name one capture file: ami capture FILE.txt (try --help)');
    const durationMs = durationOf(args, 'duration');
    const scriptFile = valueOf(args, 'script');
    const allowDangerous = args.flags.has('allow-dangerous');
    let script: Script | undefined;
    if (scriptFile !== undefined) {
      const scriptText = readScriptText(environment.cwd, scriptFile);
      script = parseScript(scriptText);
      refuseUnsafeScript(scriptFile, scriptText, script, allowDangerous);
    }
    const files = captureFiles(resolve(environment.cwd, args.positionals[0]));
    const resolved = await resolveConnection(args, environment);
    const header = [
      `Scenario: ${args.positionals[0]}`,
      `Target: ${resolved.target} (recorded by ami capture)`,
      `Captured: ${new Date().toISOString()}`,
      `Files: ${files.received} = bytes received; ${files.sent} = bytes sent (Secret/Key values redacted).`,
      scriptFile ? `Script: ${scriptFile}` : '',
    ].filter((line) => line !== '');
    writer = new CaptureWriter(files, header);
    const capture = writer;
    // Bytes are recorded by the trace hook and events are never read from the connection's queue: keep none.
    client = await openConnection(resolved, { trace: (direction, bytes) => capture.record(direction, bytes), eventQueueCapacity: 0 });
    const connected = client;
    stderr.write(`capturing ${resolved.target} to ${files.received}; Ctrl+C stops\n`);

    let lost: string | undefined;
    let stopRequested = false;
    const stopEmitter = new Emitter<void>();
    let timer: NodeJS.Timeout | undefined;
    const ended = new Promise<void>((done) => {
      const stop = onInterrupt(() => {
        stopRequested = true;
        stop();
        stopEmitter.fire();
        done();
      });
      if (durationMs !== undefined) timer = setTimeout(done, durationMs);
      connected.onState((state) => {
        if (state.kind === 'failed') {
          lost ??= state.reason ?? 'the connection closed';
          stop();
          stopEmitter.fire();
          done();
        }
      });
    });

    let exitCode = EXIT_OK;
    if (script !== undefined) {
      const gate = dangerGate(allowDangerous, (reason) => stderr.write(`  ! dangerous, sent because of --allow-dangerous: ${reason}\n`));
      const report = await runScript(script, connected, {
        // The same variables as ami run: the profile's and {{$env NAME}}.
        sources: { profileVariables: resolved.profileVariables, env: (name) => environment.env[name] },
        beforeSend: async (_block, headers) => gate(headers) ?? true,
        shouldStop: () => stopRequested || lost !== undefined,
        onStopRequested: stopEmitter.event,
        onBlockDone: (block) => stderr.write(formatBlock(block)),
      });
      stderr.write(`  ${formatCounts(report)}\n`);
      if (report.failed + report.errors > 0) exitCode = EXIT_FAILED;
      if (durationMs !== undefined) await ended;
    } else {
      await ended;
    }
    if (timer) clearTimeout(timer);
    // After Goodbye the server closes; a lost connection was closed by it too.
    if (lost === undefined) await connected.close();
    capture.eof();
    client = undefined;
    const sizes = capture.close();
    writer = undefined;
    stderr.write(`saved ${files.received} (${sizes.received} bytes), ${files.sent}, ${files.meta}\n`);
    if (lost !== undefined) {
      stderr.write(`ami capture: connection lost: ${lost}\n`);
      return EXIT_USAGE;
    }
    return exitCode;
  } catch (error) {
    return reportError(error, stderr, 'capture');
  } finally {
    if (client) await client.close().catch(() => undefined);
    writer?.close();
  }
}
