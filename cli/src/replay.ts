/**
 * `ami replay FILE`: serves a capture as a fake AMI server on loopback, with the engine the tests and the demo
 * use (test/session/fakeAmiServer.ts). The capture's recorded answers win over the built-in recordings; login,
 * Challenge, Logoff and unrecorded actions answer as the built-in recordings of Asterisk 23 do. A capture with
 * no actions (e.g. from `ami capture` without --script) is streamed to each client after its login.
 * Prints the port on the first line of stdout.
 */
import { existsSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { FakeAmiServer, type FakeAmiServerOptions } from '../../test/session/fakeAmiServer';
import { loadCapture } from '../../test/session/captureIndex';
import { UsageError, parseArgs, valueOf } from './arguments';
import { EXIT_OK, onInterrupt, processEnvironment, reportError, type CliEnvironment } from './process';
import { captureFiles } from './capture';

export const REPLAY_HELP = `Usage: ami replay FILE.txt [--port P] [--time-scale N]

Serves a capture (FILE.txt with FILE.sent.txt and FILE.meta.txt beside it, as "ami capture" writes and as in
test/fixtures/ami-captures) as a fake AMI server on 127.0.0.1. Prints the port on the first line.
Log in as dev / devsecret (or ro / rosecret, a read-only user). Ctrl+C stops.

Options:
  --port P                 listen on this port (default: a free one)
  --time-scale N           multiply the recorded delays (default 1; 0 answers at once)
`;

const SESSION_ACTIONS = new Set(['', 'login', 'logoff', 'challenge']);

/** Entry of `ami replay`; resolves with the exit code once stopped. */
export async function replayCommand(argv: readonly string[], environment: CliEnvironment = processEnvironment()): Promise<number> {
  const stderr = environment.stderr;
  try {
    const args = parseArgs(argv, { flags: ['help'], values: ['port', 'time-scale'] }, 'replay');
    if (args.flags.has('help')) {
      process.stdout.write(REPLAY_HELP);
      return EXIT_OK;
    }
    if (args.positionals.length !== 1) throw new UsageError('name one capture file: ami replay FILE.txt (try --help)');
    const files = captureFiles(resolve(environment.cwd, args.positionals[0]));
    for (const file of [files.received, files.sent, files.meta]) {
      if (!existsSync(file)) throw new UsageError(`${file} not found: a capture is FILE.txt with FILE.sent.txt and FILE.meta.txt beside it`);
    }
    const portText = valueOf(args, 'port');
    const port = portText === undefined ? 0 : Number(portText);
    if (portText !== undefined && (!/^\d+$/.test(portText) || port > 65535)) throw new UsageError(`--port must be a number from 0 to 65535 (got "${portText}")`);
    const scaleText = valueOf(args, 'time-scale');
    const timeScale = scaleText === undefined ? 1 : Number(scaleText);
    if (!(timeScale >= 0) || !Number.isFinite(timeScale)) throw new UsageError(`--time-scale must be a number >= 0 (got "${scaleText}")`);

    let capture;
    try {
      capture = loadCapture(dirname(files.received), basename(files.received).replace(/\.txt$/i, ''));
    } catch (error) {
      throw new UsageError(`cannot read the capture ${files.received}: ${(error as Error).message}`);
    }
    const actions = capture.exchanges.filter((exchange) => !SESSION_ACTIONS.has(exchange.action));
    const options: FakeAmiServerOptions = { host: '127.0.0.1', port, timeScale };
    if (actions.length > 0) options.preferCaptures = [files.received];
    else {
      options.streamFile = files.received;
      options.streamStart = 'login';
    }
    const server = new FakeAmiServer(options);
    let listening: number;
    try {
      listening = await server.start();
    } catch (error) {
      throw new UsageError(`cannot listen on 127.0.0.1:${port}: ${(error as Error).message}`);
    }
    process.stdout.write(`${listening}\n`);
    const recorded = [...new Set(actions.map((exchange) => exchange.request.get('Action')?.trim() ?? ''))].join(', ');
    stderr.write(
      `serving ${files.received} on 127.0.0.1:${listening} (${actions.length > 0 ? `recorded actions: ${recorded}` : 'its events, streamed after login'}); ` +
        'log in as dev / devsecret; Ctrl+C stops\n',
    );
    await new Promise<void>((done) => {
      const stop = onInterrupt(() => {
        stop();
        done();
      });
    });
    await server.stop();
    return EXIT_OK;
  } catch (error) {
    return reportError(error, stderr, 'replay');
  }
}
