/**
 * What the `ami` commands share with the process: exit codes, the environment (so tests can stand in for it),
 * the secret and other prompts on the terminal, Ctrl+C, and printing a command's error.
 */
import * as readline from 'node:readline';
import { UsageError } from './arguments';
import { outputEvents, withRawOutput } from './output';

/** All passed. */
export const EXIT_OK = 0;
/** A check failed (or a block could not run). */
export const EXIT_FAILED = 1;
/** Bad usage, or the connection / login failed. */
export const EXIT_USAGE = 2;

/** Where a command runs: the process, or a test double. */
export interface CliEnvironment {
  env: NodeJS.ProcessEnv;
  cwd: string;
  stdin: NodeJS.ReadStream;
  stderr: NodeJS.WritableStream;
}

/** The process as a CliEnvironment. */
export function processEnvironment(): CliEnvironment {
  return { env: process.env, cwd: process.cwd(), stdin: process.stdin, stderr: process.stderr };
}

/** Reads a line without echo (the secret). */
function promptHidden(label: string, stdin: NodeJS.ReadStream, stderr: NodeJS.WritableStream): Promise<string> {
  return new Promise((resolvePrompt, reject) => {
    stderr.write(label);
    let value = '';
    const finish = (): void => {
      stdin.off('data', onData);
      stdin.setRawMode?.(false);
      stdin.pause();
      stderr.write('\n');
    };
    const onData = (chunk: Buffer | string): void => {
      for (const char of chunk.toString()) {
        if (char === '\r' || char === '\n' || char === '\u0004') {
          finish();
          resolvePrompt(value);
          return;
        }
        if (char === '\u0003') {
          finish();
          reject(new UsageError('cancelled'));
          return;
        }
        value = char === '\u007f' || char === '\b' ? value.slice(0, -1) : value + char;
      }
    };
    stdin.setRawMode?.(true);
    stdin.resume();
    stdin.on('data', onData);
  });
}

/** Asks one visible question on the terminal (`{{$prompt Label}}`); undefined without a terminal. */
export function promptLine(label: string, environment: CliEnvironment): Promise<string | undefined> {
  if (!environment.stdin.isTTY) return Promise.resolve(undefined);
  return withRawOutput(
    () =>
      new Promise((done) => {
        const rl = readline.createInterface({ input: environment.stdin, output: environment.stderr, terminal: true });
        rl.question(`${label}: `, (answer) => {
          rl.close();
          done(answer);
        });
        rl.on('SIGINT', () => {
          rl.close();
          done(undefined);
        });
      }),
  );
}

/** The secret: AMI_SECRET, else a hidden prompt on a terminal, else a usage error saying how to give it. */
export async function readSecret(environment: CliEnvironment, target: string): Promise<string> {
  const fromEnv = environment.env.AMI_SECRET;
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  if (!environment.stdin.isTTY) {
    throw new UsageError(`no secret for ${target}: set the AMI_SECRET environment variable (in CI: from the pipeline's secret store)`);
  }
  return promptHidden(`AMI secret for ${target}: `, environment.stdin, environment.stderr);
}

/** The connection or login failed (exit code 2). */
export class ConnectFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConnectFailure';
  }
}

/**
 * Calls `listener` once on the first SIGINT or SIGTERM, or when stdout's reader went away ('EPIPE': end
 * quietly); returns an unsubscribe function.
 */
export function onInterrupt(listener: (signal: NodeJS.Signals | 'EPIPE') => void): () => void {
  let fired = false;
  const handler = (signal: NodeJS.Signals): void => {
    if (fired) {
      // A second Ctrl+C: leave at once.
      process.exit(130);
    }
    fired = true;
    listener(signal);
  };
  const onClosed = (): void => {
    if (fired) return;
    fired = true;
    listener('EPIPE');
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  outputEvents.on('closed', onClosed);
  return () => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
    outputEvents.off('closed', onClosed);
  };
}

/** Prints a command's error and returns its exit code. */
export function reportError(error: unknown, stderr: NodeJS.WritableStream, command: string): number {
  if (error instanceof UsageError || error instanceof ConnectFailure) {
    stderr.write(`ami ${command}: ${error.message}\n`);
    return EXIT_USAGE;
  }
  stderr.write(`ami ${command}: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  return EXIT_USAGE;
}
