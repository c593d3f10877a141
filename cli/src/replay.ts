/**
 * `ami replay [FILE]`: serves a capture as a fake AMI server on loopback, with the engine the tests and the demo
 * use (test/session/fakeAmiServer.ts). The capture's recorded answers win over the built-in recordings; login,
 * Challenge, Logoff and unrecorded actions answer as the built-in recordings of Asterisk 23 do. A capture with
 * no actions (e.g. from `ami capture` without --script) is streamed to each client after its login.
 * Without FILE it serves the built-in recordings alone (a demo Asterisk); FILE may also name a built-in capture.
 * Prints the port on the first line of stdout.
 */
import { existsSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { FakeAmiServer, defaultCapturesDir, type FakeAmiServerOptions } from '../../test/session/fakeAmiServer';
import { listCaptures, loadCapture } from '../../test/session/captureIndex';
import { UsageError, parseArgs, valueOf } from './arguments';
import { EXIT_OK, onInterrupt, processEnvironment, reportError, type CliEnvironment } from './process';
import { captureFiles } from './capture';

export const REPLAY_HELP = `Usage: ami replay [FILE.txt | NAME] [--port P] [--time-scale N] [--live SECONDS]
       ami replay --list

Serves recorded AMI sessions of a real Asterisk 23 as a fake AMI server on 127.0.0.1. Prints the port on the
first line. Log in as dev / devsecret (or ro / rosecret, a read-only user). Ctrl+C stops.

  ami replay                  the built-in recordings: Login, Ping, Originate, CoreShowChannels, Status, ...
  ami replay FILE.txt         a capture (FILE.txt with FILE.sent.txt and FILE.meta.txt beside it, as
                              "ami capture" writes); its answers win over the built-in ones
  ami replay NAME             a built-in capture by name (ami replay --list shows them)

Options:
  --port P                 listen on this port (default: a free one)
  --time-scale N           multiply the recorded delays (default 1; 0 answers at once)
  --live SECONDS           every SECONDS, send the events of a recorded call to logged-in clients
  --list                   print the names of the built-in captures and exit
`;

const SESSION_ACTIONS = new Set(['', 'login', 'logoff', 'challenge']);

/** Entry of `ami replay`; resolves with the exit code once stopped. */
export async function replayCommand(argv: readonly string[], environment: CliEnvironment = processEnvironment()): Promise<number> {
  const stderr = environment.stderr;
  try {
    const args = parseArgs(argv, { flags: ['help', 'list'], values: ['port', 'time-scale', 'live'] }, 'replay');
    if (args.flags.has('help')) {
      process.stdout.write(REPLAY_HELP);
      return EXIT_OK;
    }
    const builtIn = defaultCapturesDir();
    if (args.flags.has('list')) {
      process.stdout.write(`${listCaptures(builtIn).join('\n')}\n`);
      return EXIT_OK;
    }
    if (args.positionals.length > 1) throw new UsageError('name at most one capture: ami replay [FILE.txt | NAME] (try --help)');
    const files = args.positionals.length === 1 ? captureToServe(args.positionals[0], environment.cwd, builtIn) : undefined;
    const portText = valueOf(args, 'port');
    const port = portText === undefined ? 0 : Number(portText);
    if (portText !== undefined && (!/^\d+$/.test(portText) || port > 65535)) throw new UsageError(`--port must be a number from 0 to 65535 (got "${portText}")`);
    const scaleText = valueOf(args, 'time-scale');
    const timeScale = scaleText === undefined ? 1 : Number(scaleText);
    if (!(timeScale >= 0) || !Number.isFinite(timeScale)) throw new UsageError(`--time-scale must be a number >= 0 (got "${scaleText}")`);
    const liveText = valueOf(args, 'live');
    const liveSeconds = liveText === undefined ? undefined : Number(liveText);
    if (liveSeconds !== undefined && !(liveSeconds > 0 && Number.isFinite(liveSeconds))) {
      throw new UsageError(`--live must be a number of seconds > 0 (got "${liveText}")`);
    }
    const options: FakeAmiServerOptions = { host: '127.0.0.1', port, timeScale };
    if (liveSeconds !== undefined) options.liveIntervalMs = liveSeconds * 1000;
    let description = `the built-in recordings of Asterisk 23 (${builtIn})`;
    if (files) description = describeCapture(files.received, options);

    const server = new FakeAmiServer(options);
    let listening: number;
    try {
      listening = await server.start();
    } catch (error) {
      throw new UsageError(`cannot listen on 127.0.0.1:${port}: ${(error as Error).message}`);
    }
    process.stdout.write(`${listening}\n`);
    stderr.write(`serving ${description} on 127.0.0.1:${listening}; log in as dev / devsecret; Ctrl+C stops\n`);
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

/** The capture files FILE.txt / .sent.txt / .meta.txt for a path, or for the name of a built-in capture. */
function captureToServe(argument: string, cwd: string, builtIn: string): ReturnType<typeof captureFiles> {
  const files = captureFiles(resolve(cwd, argument));
  if (existsSync(files.received)) {
    for (const file of [files.sent, files.meta]) {
      if (!existsSync(file)) throw new UsageError(`${file} not found: a capture is FILE.txt with FILE.sent.txt and FILE.meta.txt beside it`);
    }
    return files;
  }
  const name = basename(argument).replace(/\.txt$/i, '');
  if (!argument.includes('/') && !argument.includes('\\') && listCaptures(builtIn).includes(name)) {
    return captureFiles(join(builtIn, `${name}.txt`));
  }
  throw new UsageError(
    `${files.received} not found: a capture is FILE.txt with FILE.sent.txt and FILE.meta.txt beside it, or the name of a built-in one (ami replay --list shows them)`,
  );
}

/** Loads a capture into the server options; describes what is served. */
function describeCapture(received: string, options: FakeAmiServerOptions): string {
  let capture;
  try {
    capture = loadCapture(dirname(received), basename(received).replace(/\.txt$/i, ''));
  } catch (error) {
    throw new UsageError(`cannot read the capture ${received}: ${(error as Error).message}`);
  }
  const actions = capture.exchanges.filter((exchange) => !SESSION_ACTIONS.has(exchange.action));
  if (actions.length > 0) options.preferCaptures = [received];
  else {
    options.streamFile = received;
    options.streamStart = 'login';
  }
  const recorded = [...new Set(actions.map((exchange) => exchange.request.get('Action')?.trim() ?? ''))].join(', ');
  return `${received} (${actions.length > 0 ? `recorded actions: ${recorded}` : 'its events, streamed after login'})`;
}
