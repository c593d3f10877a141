/**
 * `ami send FILE.ami (--connection NAME | --host H --user U [--port P]) [--tls] [--ca-file F] [--md5]
 * [--events on|off|CLASSES] [--wait 3s] [--timeout 10s]`: logs in (secret from AMI_SECRET or a hidden prompt,
 * never an argument), sends the file's blocks in order, prints every response, list item and event as one
 * JSON object per line, then logs off. Blocks run through the same runner as `ami run` (without checking
 * `@expect` lines), so `{{name.Header}}` from an earlier `# @name` block works the same way.
 *
 * Lines: `{"kind":"response"|"list"|"event","actionId":...,"headers":[[name,value],...]}` (secrets redacted).
 * `actionId` is the ActionID on the wire (generated, unique); a user-written one is shown as `userActionId`.
 * Exit code: 0 when every response was Success, 1 otherwise, 2 on a connection/login failure or bad usage,
 * with a one-line reason on stderr.
 */
import { AmiClient } from '../../node/src/amiClient';
import { runScript, type ScriptSession } from '../../core/src/run/scriptRunner';
import { AmiActionError } from '../../core/src/session/errors';
import { parseScript } from '../../core/src/script/parser';
import type { Block } from '../../core/src/script/types';
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
import { readScriptText } from './files';
import { ALLOW_DANGEROUS_HELP, dangerGate, refuseUnsafeScript } from './scriptGuard';

/** Help text of `ami send`. */
export const SEND_HELP = `usage: ami send FILE.ami [connection options] [--wait 3s]

Sends the file's blocks in order and prints every response, list item and event as one JSON object per line:
  {"kind":"response"|"list"|"event","actionId":"...","headers":[["Name","value"],...]}
then logs off. --wait keeps printing events for that long after the last answer. A "# @name x" block feeds
{{x.Header}} and {{x.events.Event.Header}} to later blocks, as in ami run.
Exit code: 0 every response was Success, 1 otherwise, 2 connection/login failure or bad usage.

Options:
  --wait 3s                keep printing events this long after the last answer
  --chain-wait 5s          how long a block waits for a named block's result that has not arrived yet
${ALLOW_DANGEROUS_HELP}
${CONNECTION_HELP}
  --ca-file FILE           same as --ca`;

/** Most output lines a garbage stream (messages of no known kind) may produce; the rest are counted. */
export const MAX_UNKNOWN_MESSAGES = 100;

function jsonLine(kind: 'response' | 'event' | 'list' | 'other', actionId: string | undefined, message: AmiMessage, userActionId?: string): string {
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
    const args = parseArgs(
      argv,
      { flags: [...CONNECTION_FLAGS, 'help', 'allow-dangerous'], values: [...CONNECTION_VALUES, 'wait', 'ca-file', 'chain-wait'] },
      'send',
    );
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
    const chainWaitMs = durationOf(args, 'chain-wait');
    const allowDangerous = args.flags.has('allow-dangerous');
    const display = args.positionals[0];
    const text = readScriptText(environment.cwd, display);
    const script = parseScript(text);
    if (!script.blocks.some((block) => block.action)) throw new UsageError(`${display} has no block starting with "Action:"`);
    refuseUnsafeScript(display, text, script, allowDangerous);
    const resolved = await resolveConnection(args, environment);

    // Subscribed before connecting, so events that come with the login answer are printed too.
    client = new AmiClient({ ...resolved.options, keepaliveIntervalMs: 0, eventQueueCapacity: 0 });
    const connectedClient = client;
    let unknownMessages = 0;
    client.onEvent((event) => {
      if (event.kind === 'event') {
        stdout.write(jsonLine('event', event.get('ActionID'), event));
      } else if (event.kind === 'response' || event.kind === 'follows') {
        // A late or unasked-for answer.
        stdout.write(jsonLine('response', event.get('ActionID'), event));
      } else if (++unknownMessages <= MAX_UNKNOWN_MESSAGES) {
        // Not AMI (garbage after login): shown, but a flood of it cannot fill the output.
        stdout.write(jsonLine('other', undefined, event));
      }
    });
    const connected = client.whenConnected();
    client.start();
    try {
      await connected;
    } catch (error) {
      throw new ConnectFailure(`cannot connect to ${resolved.target}: ${(error as Error).message}`);
    }
    let interrupted = false;
    stopInterrupt = onInterrupt((signal) => {
      interrupted = true;
      // A closed stdout (| head) ends quietly.
      if (signal !== 'EPIPE') err('interrupted: logging off');
      void connectedClient.close();
    });

    let allSuccess = true;
    const where = (block: Block): string => `block ${block.index + 1} (line ${(block.actionHeader?.range.start.line ?? block.range.start.line) + 1})`;
    const printAnswer = (actionId: string, response: AmiMessage, items: readonly AmiMessage[], complete: AmiMessage | undefined, userActionId?: string): void => {
      stdout.write(jsonLine('response', actionId, response, userActionId));
      for (const item of items) stdout.write(jsonLine('list', actionId, item, userActionId));
      if (complete) stdout.write(jsonLine('list', actionId, complete, userActionId));
    };
    // The runner sends through this: every answer is printed as it resolves, and what arrived of a list
    // that never completed (a dropped link, its deadline, the item cap) is printed before the failure.
    const printing: ScriptSession = {
      onEvent: (listener) => connectedClient.onEvent(listener),
      send: async (headers, options) => {
        try {
          const result = await connectedClient.send(headers, options);
          printAnswer(result.actionId, result.response, result.events, result.complete, result.userActionId);
          if (result.listStatus === 'cancelled') allSuccess = false;
          return result;
        } catch (error) {
          if (error instanceof AmiActionError && error.partial) {
            printAnswer(error.partial.response.get('ActionID') ?? '', error.partial.response, error.partial.items, undefined, error.actionId);
          }
          throw error;
        }
      },
    };
    let current: Block | undefined;
    const gate = dangerGate(allowDangerous, (reason) => {
      if (current) err(`${where(current)}: sending a dangerous action (allowed by --allow-dangerous): ${reason}`);
    });
    // @expect lines are for ami run: here they are neither checked nor waited for.
    const blocks = script.blocks.map((block) => Object.create(block, { expectations: { value: [] } }) as Block);
    const report = await runScript(script, printing, {
      blocks,
      sources: { profileVariables: resolved.profileVariables, env: (name) => environment.env[name] },
      continueOnFailure: true,
      chainWaitMs,
      shouldStop: () => interrupted || connectedClient.state.kind !== 'connected',
      beforeSend: async (block, headers) => {
        current = block;
        const invalid = block.lines.find((line) => line.kind === 'invalid');
        if (invalid && invalid.kind === 'invalid') {
          return `Not sent: line ${invalid.range.start.line + 1} is not "Name: value" (${JSON.stringify(invalid.text)}).`;
        }
        return gate(headers) ?? true;
      },
      onBlockDone: (block) => {
        if (block.verdict === 'passed') return;
        allSuccess = false;
        const line = `block ${block.index + 1} (line ${block.line})`;
        if (block.verdict === 'error') err(`${line} not sent: ${(block.reason ?? 'error').replace(/^not sent:\s*/i, '')}`);
        else if (block.run?.status === 'failed') err(`${line}: ${block.run.error ?? 'no answer'}`);
        if (block.run?.listIncomplete && block.run.status !== 'failed') err(`${line} ${block.action}: ${block.run.listIncomplete}`);
      },
    });
    for (const block of report.blocks) {
      // A block that was skipped because the connection went away.
      if (block.verdict === 'skipped') allSuccess = false;
    }
    if (!interrupted && connectedClient.state.kind !== 'connected') {
      const state = connectedClient.state;
      const why = state.kind === 'failed' || state.kind === 'closed' ? state.reason ?? state.kind : state.kind;
      throw new ConnectFailure(`connection lost (${why}); the remaining blocks were not sent`);
    }
    if (waitMs > 0 && !interrupted) await new Promise((done) => setTimeout(done, waitMs));
    await client.close();
    if (unknownMessages > MAX_UNKNOWN_MESSAGES) {
      err(`${unknownMessages} messages of no known kind arrived (not AMI?); the first ${MAX_UNKNOWN_MESSAGES} were printed`);
    }
    return allSuccess && !interrupted ? EXIT_OK : EXIT_FAILED;
  } catch (error) {
    if (client) void client.close().catch(() => undefined);
    return reportError(error, environment.stderr, 'send');
  } finally {
    stopInterrupt?.();
  }
}
