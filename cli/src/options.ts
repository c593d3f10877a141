/**
 * What every connecting `ami` command shares: a small option parser, the connection options
 * (`--connection NAME [--config FILE]` or `--host/--port/--user [--tls] [--md5]`), the secret (from AMI_SECRET
 * or a hidden prompt on a terminal, never an argument), exit codes, and connecting with errors that say
 * what to fix.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import * as readline from 'node:readline';
import { AmiConnectError } from '../../core/src/session/errors';
import { rememberSecret } from '../../core/src/wire/redact';
import { parseDuration } from '../../core/src/expect/parse';
import { connectAmi, type AmiClient, type AmiClientOptions } from '../../node/src/amiClient';
import { DEFAULT_PORT, DEFAULT_TLS_PORT, isLoopback, parseProfiles } from '../../core/src/profiles/profiles';
import { outputEvents, withRawOutput } from './output';

/** All passed. */
export const EXIT_OK = 0;
/** A check failed (or a block could not run). */
export const EXIT_FAILED = 1;
/** Bad usage, or the connection / login failed. */
export const EXIT_USAGE = 2;

/** A mistake in the command line or its files: printed without a stack, exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export interface OptionSpec {
  /** Options without a value (`--tls`). */
  flags?: readonly string[];
  /** Options with a value (`--port 5038` or `--port=5038`). */
  values?: readonly string[];
  /** Value options that may repeat (`--filter A=b --filter C=d`). */
  repeatable?: readonly string[];
}

export interface ParsedArgs {
  positionals: string[];
  flags: Set<string>;
  values: Map<string, string[]>;
}

/** Parses `argv` against `spec`; unknown options and missing values throw a UsageError naming `command`. */
export function parseArgs(argv: readonly string[], spec: OptionSpec, command: string): ParsedArgs {
  const flags = new Set<string>();
  const values = new Map<string, string[]>();
  const positionals: string[] = [];
  const valueNames = new Set([...(spec.values ?? []), ...(spec.repeatable ?? [])]);
  for (let k = 0; k < argv.length; k++) {
    const arg = argv[k];
    if (arg === '--') {
      positionals.push(...argv.slice(k + 1));
      break;
    }
    if (!arg.startsWith('--') || arg === '-') {
      if (arg.startsWith('-') && arg !== '-') throw new UsageError(`unknown option ${arg} (options start with --; try ami ${command} --help)`);
      positionals.push(arg);
      continue;
    }
    const equals = arg.indexOf('=');
    const name = equals > 0 ? arg.slice(2, equals) : arg.slice(2);
    if (name === 'secret' || name === 'password') {
      throw new UsageError('the secret is never a command-line argument (it would show in ps and shell history): set AMI_SECRET, or run on a terminal to be asked');
    }
    if (spec.flags?.includes(name)) {
      if (equals > 0) throw new UsageError(`--${name} takes no value`);
      flags.add(name);
      continue;
    }
    if (!valueNames.has(name)) throw new UsageError(`unknown option --${name} (try ami ${command} --help)`);
    const value = equals > 0 ? arg.slice(equals + 1) : argv[++k];
    if (value === undefined || (equals < 0 && value.startsWith('--'))) throw new UsageError(`--${name} needs a value`);
    const list = values.get(name) ?? [];
    if (list.length > 0 && !spec.repeatable?.includes(name)) throw new UsageError(`--${name} is given twice`);
    list.push(value);
    values.set(name, list);
  }
  return { positionals, flags, values };
}

/** The single value of an option, if given. */
export function valueOf(args: ParsedArgs, name: string): string | undefined {
  return args.values.get(name)?.[0];
}

/** A duration option (`--duration 10s`, `500ms`, `2m`) in ms. */
export function durationOf(args: ParsedArgs, name: string): number | undefined {
  const text = valueOf(args, name);
  if (text === undefined) return undefined;
  const ms = parseDuration(text);
  if (ms === undefined || ms <= 0) throw new UsageError(`--${name} must be a duration like 10s, 500ms or 2m (got "${text}")`);
  return ms;
}

/** Option names of the connection, for OptionSpec. */
export const CONNECTION_FLAGS = ['tls', 'md5', 'insecure'] as const;
export const CONNECTION_VALUES = ['connection', 'config', 'host', 'port', 'user', 'events', 'ca', 'timeout', 'list-timeout', 'max-list-items'] as const;

/** Help text of the connection options. */
export const CONNECTION_HELP = `Connection (one of):
  --connection NAME        a profile from --config FILE (JSON: a list of profiles, or {"ami.connections": [...]})
                           or from .vscode/settings.json's "ami.connections" in the current folder
  --host H --user U        with --port P (default 5038, 5039 with --tls)
  --tls                    TLS; the certificate is verified (--ca FILE adds a CA)
  --md5                    MD5 challenge login (the secret never crosses the wire)
  --events on|off|CLASSES  events on login (default on)
  --timeout 10s            how long an action waits for its response (for a list: for each next item)
  --list-timeout 2m        a list must be complete this long after its response (default 2m)
  --max-list-items N       a list with more items than this is abandoned (default 100000)
The secret comes from the AMI_SECRET environment variable or, on a terminal, a prompt; never an argument.`;

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

/** A connection to open, with what the report shows and the profile's variables. */
export interface ResolvedConnection {
  options: AmiClientOptions;
  /** `user@host:port (TLS)`. */
  target: string;
  profileVariables: Record<string, string>;
}

/** Removes // and /* *\/ comments and trailing commas (VS Code's settings.json is JSONC). */
export function stripJsonComments(text: string): string {
  let out = '';
  let k = 0;
  while (k < text.length) {
    const char = text[k];
    if (char === '"') {
      let end = k + 1;
      while (end < text.length && text[end] !== '"') end += text[end] === '\\' ? 2 : 1;
      out += text.slice(k, end + 1);
      k = end + 1;
    } else if (char === '/' && text[k + 1] === '/') {
      while (k < text.length && text[k] !== '\n') k++;
    } else if (char === '/' && text[k + 1] === '*') {
      const end = text.indexOf('*/', k + 2);
      k = end < 0 ? text.length : end + 2;
    } else {
      out += char;
      k++;
    }
  }
  return out.replace(/,(\s*[}\]])/g, '$1');
}

function readProfiles(file: string, explicit: boolean): unknown {
  if (!existsSync(file)) {
    throw new UsageError(
      explicit
        ? `--config ${file}: file not found`
        : `--connection needs profiles: give --config FILE, or run where .vscode/settings.json has "ami.connections" (not found: ${file})`,
    );
  }
  let data: unknown;
  try {
    data = JSON.parse(stripJsonComments(readFileSync(file, 'utf8')));
  } catch (error) {
    throw new UsageError(`${file} is not valid JSON: ${(error as Error).message}`);
  }
  if (Array.isArray(data)) return data;
  if (typeof data === 'object' && data !== null) {
    const record = data as Record<string, unknown>;
    if ('ami.connections' in record) return record['ami.connections'];
    if ('connections' in record) return record.connections;
  }
  throw new UsageError(`${file} has no connection profiles: expected a list, or an object with "ami.connections"`);
}

function portOf(text: string | undefined, tls: boolean): number {
  if (text === undefined) return tls ? DEFAULT_TLS_PORT : DEFAULT_PORT;
  const port = Number(text);
  if (!/^\d+$/.test(text) || port < 1 || port > 65535) throw new UsageError(`--port must be a number from 1 to 65535 (got "${text}")`);
  return port;
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

/** Turns the connection options into client options (asking for the secret). Throws UsageError. */
export async function resolveConnection(args: ParsedArgs, environment: CliEnvironment): Promise<ResolvedConnection> {
  const connection = valueOf(args, 'connection');
  const events = valueOf(args, 'events');
  if (events !== undefined && !/^(on|off|[a-z]+(,[a-z]+)*)$/i.test(events)) {
    throw new UsageError(`--events must be on, off or event classes like call,system (got "${events}")`);
  }
  const timeoutMs = durationOf(args, 'timeout');
  const listDeadlineMs = durationOf(args, 'list-timeout');
  const maxItemsText = valueOf(args, 'max-list-items');
  if (maxItemsText !== undefined && (!/^\d+$/.test(maxItemsText) || Number(maxItemsText) < 1)) {
    throw new UsageError(`--max-list-items must be a whole number of at least 1 (got "${maxItemsText}")`);
  }
  let base: Omit<AmiClientOptions, 'credentials'> & { username: string; authType: 'md5' | 'plain'; events: string };
  let profileVariables: Record<string, string> = {};
  if (connection !== undefined) {
    for (const name of ['host', 'port', 'user']) {
      if (args.values.has(name)) throw new UsageError(`--${name} cannot be combined with --connection (the profile gives it)`);
    }
    const config = valueOf(args, 'config');
    const file = resolve(environment.cwd, config ?? '.vscode/settings.json');
    const parsed = parseProfiles(readProfiles(file, config !== undefined));
    const profile = parsed.profiles.find((p) => p.name.toLowerCase() === connection.toLowerCase());
    if (!profile) {
      const known = parsed.profiles.map((p) => `"${p.name}"`).join(', ') || 'none';
      const problems = parsed.errors.length > 0 ? ` Problems in the file: ${parsed.errors.join('; ')}` : '';
      throw new UsageError(`no connection named "${connection}" in ${file} (profiles: ${known}).${problems}`);
    }
    base = {
      host: profile.host,
      port: profile.port,
      tls: profile.tls || args.flags.has('tls'),
      caFile: valueOf(args, 'ca') ?? profile.caFile,
      username: profile.username,
      authType: args.flags.has('md5') ? 'md5' : profile.authType,
      events: events ?? profile.events,
    };
    profileVariables = profile.variables;
  } else {
    const host = valueOf(args, 'host');
    const user = valueOf(args, 'user');
    if (host === undefined || user === undefined) {
      throw new UsageError('say where to connect: --connection NAME, or --host H --user U [--port P] (try --help)');
    }
    if (/[\r\n\0]/.test(user) || user.trim() === '') throw new UsageError('--user must be the manager.conf user name');
    const tls = args.flags.has('tls');
    base = {
      host,
      port: portOf(valueOf(args, 'port'), tls),
      tls,
      caFile: valueOf(args, 'ca'),
      username: user,
      authType: args.flags.has('md5') ? 'md5' : 'plain',
      events: events ?? 'on',
    };
  }
  const target = `${base.username}@${base.host}:${base.port}${base.tls ? ' (TLS)' : ''}`;
  if (base.authType === 'plain' && !base.tls && !isLoopback(base.host)) {
    environment.stderr.write(
      `warning: the secret for ${target} goes over the network in plain text; use --md5 (challenge login) or --tls\n`,
    );
  }
  const secret = await readSecret(environment, target);
  rememberSecret(secret);
  const { username, authType, events: eventMask, ...where } = base;
  return {
    options: {
      ...where,
      rejectUnauthorized: !args.flags.has('insecure'),
      credentials: { username, secret, authType, events: eventMask },
      reconnect: false,
      actionTimeoutMs: timeoutMs,
      listDeadlineMs,
      maxListItems: maxItemsText === undefined ? undefined : Number(maxItemsText),
      keepaliveIntervalMs: 20_000,
    },
    target,
    profileVariables,
  };
}

/** Connects and logs in; a failure becomes a UsageError-like message (exit code 2). */
export async function openConnection(resolved: ResolvedConnection, extra: Partial<AmiClientOptions> = {}): Promise<AmiClient> {
  try {
    return await connectAmi({ ...resolved.options, ...extra });
  } catch (error) {
    const text = error instanceof AmiConnectError || error instanceof Error ? error.message : String(error);
    throw new ConnectFailure(`cannot connect to ${resolved.target}: ${text}`);
  }
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
