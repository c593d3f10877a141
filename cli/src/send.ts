/**
 * `ami send FILE.ami (--connection NAME | --host H --user U [--port P]) [--tls] [--ca-file F] [--md5]
 * [--events on|off|CLASSES] [--wait 3s] [--timeout 10s]`: logs in (secret from AMI_SECRET or a hidden prompt,
 * never an argument), sends the file's blocks in order, prints every response, list item and event as one
 * JSON object per line, then logs off.
 *
 * Lines: `{"kind":"response"|"list"|"event","actionId":...,"headers":[[name,value],...]}` (secrets redacted).
 * `actionId` is the ActionID on the wire (generated, unique); a user-written one is shown as `userActionId`.
 * Exit code: 0 when every response was Success, 1 otherwise, 2 on a connection/login failure or bad usage,
 * with a one-line reason on stderr.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { AmiClient } from '../../node/src/amiClient';
import { substituteHeaders } from '../../core/src/run/variables';
import { parseScript } from '../../core/src/script/parser';
import { redactHeaders } from '../../core/src/wire/redact';
import type { AmiMessage } from '../../core/src/wire/types';
import {
  CONNECTION_FLAGS,
  CONNECTION_HELP,
  CONNECTION_VALUES,
  ConnectFailure,
  EXIT_FAILED,
  EXIT_OK,
  UsageError,
  durationOf,
  onInterrupt,
  parseArgs,
  processEnvironment,
  reportError,
  resolveConnection,
  type CliEnvironment,
} from './options';

/** Help text of `ami send`. */
export const SEND_HELP = `usage: ami send FILE.ami [connection options] [--wait 3s]

Sends the file's blocks in order and prints every response, list item and event as one JSON object per line:
  {"kind":"response"|"list"|"event","actionId":"...","headers":[["Name","value"],...]}
then logs off. --wait keeps printing events for that long after the last answer.
Exit code: 0 every response was Success, 1 otherwise, 2 connection/login failure or bad usage.

${CONNECTION_HELP}
  --ca-file FILE           same as --ca`;

function jsonLine(kind: 'response' | 'event' | 'list', actionId: string | undefined, message: AmiMessage, userActionId?: string): string {
  const record: Record<string, unknown> = { kind, actionId: actionId ?? null };
  if (userActionId !== undefined) record.userActionId = userActionId;
  record.headers = redactHeaders(message.headers());
  return `${JSON.stringify(record)}\n`;
}

/**
 * Runs `ami send` with `argv` (the words after `send`); resolves with the exit code. Never throws.
 * @param stdout where the JSON lines go.
 */
export async function runSend(
  argv: readonly string[],
  environment: CliEnvironment = processEnvironment(),
  stdout: NodeJS.WritableStream = process.stdout,
): Promise<number> {
  const err = (text: string): void => void environment.stderr.write(`ami send: ${text}\n`);
  let client: AmiClient | undefined;
  let stopInterrupt: (() => void) | undefined;
  try {
    const args = parseArgs(argv, { flags: [...CONNECTION_FLAGS, 'help'], values: [...CONNECTION_VALUES, 'wait', 'ca-file'] }, 'send');
    if (args.flags.has('help')) {
      stdout.write(`${SEND_HELP}\n`);
      return EXIT_OK;
    }
    if (args.positionals.length !== 1) throw new UsageError(args.positionals.length === 0 ? 'no .ami file given (try --help)' : 'one file at a time');
    const caFile = args.values.get('ca-file');
    if (caFile) {
      if (args.values.has('ca')) throw new UsageError('give --ca or --ca-file, not both');
      args.values.set('ca', caFile);
    }
    const waitMs = durationOf(args, 'wait') ?? 0;
    const file = resolve(environment.cwd, args.positionals[0]);
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      throw new UsageError(`cannot read ${args.positionals[0]}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
    const script = parseScript(text);
    if (!script.blocks.some((block) => block.action)) throw new UsageError(`${args.positionals[0]} has no block starting with "Action:"`);
    const resolved = await resolveConnection(args, environment);

    // Subscribed before connecting, so events that come with the login answer are printed too.
    client = new AmiClient({ ...resolved.options, keepaliveIntervalMs: 0, eventQueueCapacity: 0 });
    const connectedClient = client;
    client.onEvent((event) => stdout.write(jsonLine('event', event.get('ActionID'), event)));
    const connected = client.whenConnected();
    client.start();
    try {
      await connected;
    } catch (error) {
      throw new ConnectFailure(`cannot connect to ${resolved.target}: ${(error as Error).message}`);
    }
    let interrupted = false;
    stopInterrupt = onInterrupt(() => {
      interrupted = true;
      err('interrupted: logging off');
      void connectedClient.close();
    });

    let allSuccess = true;
    const fileVariables: Record<string, string> = {};
    for (const variable of script.fileVariables) fileVariables[variable.name] = variable.value;
    for (const block of script.blocks) {
      if (interrupted) break;
      const where = `block ${block.index + 1} (line ${block.range.start.line + 1})`;
      const invalid = block.lines.find((line) => line.kind === 'invalid');
      if (invalid && invalid.kind === 'invalid') {
        err(`${where} not sent: line ${invalid.range.start.line + 1} is not "Name: value" (${JSON.stringify(invalid.text)})`);
        allSuccess = false;
        continue;
      }
      if (!block.action) {
        if (block.headers.length > 0) {
          err(`${where} not sent: its first header is not "Action:"`);
          allSuccess = false;
        }
        continue;
      }
      const substituted = await substituteHeaders(
        block.headers.map((header) => [header.name, header.value] as [string, string]),
        { fileVariables, profileVariables: resolved.profileVariables, env: (name) => environment.env[name], now: Date.now },
      );
      if (!substituted.ok) {
        err(`${where} not sent: ${substituted.errors.map((e) => `${e.header}: ${e.error}`).join('; ')}`);
        allSuccess = false;
        continue;
      }
      try {
        const result = await client.send(substituted.headers);
        stdout.write(jsonLine('response', result.actionId, result.response, result.userActionId));
        for (const item of result.events) stdout.write(jsonLine('list', result.actionId, item, result.userActionId));
        if (result.complete) stdout.write(jsonLine('list', result.actionId, result.complete, result.userActionId));
        if (result.warning) err(`${where} ${result.action}: ${result.warning}`);
        if (!result.success || result.listStatus === 'cancelled') allSuccess = false;
      } catch (error) {
        err(`${where}: ${(error as Error).message}`);
        allSuccess = false;
        if (client.state.kind !== 'connected') {
          const state = client.state;
          const why = state.kind === 'failed' || state.kind === 'closed' ? state.reason ?? state.kind : state.kind;
          throw new ConnectFailure(`connection lost (${why}); the remaining blocks were not sent`);
        }
      }
    }
    if (waitMs > 0 && !interrupted) await new Promise((done) => setTimeout(done, waitMs));
    await client.close();
    return allSuccess && !interrupted ? EXIT_OK : EXIT_FAILED;
  } catch (error) {
    if (client) void client.close().catch(() => undefined);
    return reportError(error, environment.stderr, 'send');
  } finally {
    stopInterrupt?.();
  }
}
