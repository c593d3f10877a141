/**
 * The connection options of every connecting `ami` command (`--connection NAME [--config FILE]` or
 * `--host/--port/--user [--tls] [--md5]`): profiles read from settings.json, the secret asked for, and
 * connecting with errors that say what to fix.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { AmiConnectError } from '../../core/src/session/errors';
import { rememberSecret } from '../../core/src/wire/redact';
import { DEFAULT_PORT, DEFAULT_TLS_PORT, isLoopback, parseProfiles } from '../../core/src/profiles/profiles';
import { connectAmi, type AmiClient, type AmiClientOptions } from '../../node/src/amiClient';
import { durationOf, UsageError, valueOf, type ParsedArgs } from './arguments';
import { ConnectFailure, readSecret, type CliEnvironment } from './process';

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
