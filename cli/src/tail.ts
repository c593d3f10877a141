/**
 * `ami tail`: streams events until Ctrl+C / SIGTERM (then logs off) or `--duration`. `--filter Name=value`
 * (repeatable, ANDed; `*` in a value matches anything) narrows what is printed; `--json` prints one JSON
 * object per line.
 */
import type { AmiMessage } from '../../core/src/wire/types';
import { redactedHeadersOf } from '../../core/src/wire/redact';
import {
  CONNECTION_FLAGS,
  CONNECTION_HELP,
  CONNECTION_VALUES,
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
  type CliEnvironment,
} from './options';
import type { AmiClient } from '../../node/src/amiClient';

export const TAIL_HELP = `Usage: ami tail (--connection NAME | --host H --user U [--port P]) [options]

Prints every event as it arrives, until Ctrl+C (then logs off).

Options:
  --filter Name=value      only events whose header Name has this value (case-insensitive name; * matches
                           anything in the value); repeat to require several (ANDed): --filter Event=Hangup
  --json                   one JSON object per line: {"time", "event", "headers": [[name, value], ...]}
  --duration 30s           stop after this long
${CONNECTION_HELP}
`;

/** One `--filter` condition. */
export interface EventFilter {
  name: string;
  pattern: RegExp;
  text: string;
}

/** Parses `Name=value` (the value may hold `*` wildcards). */
export function parseFilter(text: string): EventFilter {
  const equals = text.indexOf('=');
  const name = equals > 0 ? text.slice(0, equals).trim() : '';
  if (!/^[A-Za-z][\w-]*$/.test(name)) throw new UsageError(`--filter must be Name=value, e.g. --filter Event=Hangup (got "${text}")`);
  const value = text.slice(equals + 1);
  const pattern = new RegExp(`^${value.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
  return { name, pattern, text };
}

/** True when every filter matches some occurrence of its header. */
export function matchesFilters(message: AmiMessage, filters: readonly EventFilter[]): boolean {
  return filters.every((filter) => message.getAll(filter.name).some((value) => filter.pattern.test(value)));
}

/** Output waiting for a slow reader (a pipe) beyond this is dropped and counted, so memory stays bounded. */
const MAX_BUFFERED_OUTPUT = 8 * 1024 * 1024;

function timeOfDay(date: Date): string {
  return date.toISOString().slice(11, 23);
}

/** Entry of `ami tail`; resolves with the exit code. */
export async function tailCommand(argv: readonly string[], environment: CliEnvironment = processEnvironment()): Promise<number> {
  const stdout = process.stdout;
  let client: AmiClient | undefined;
  try {
    const args = parseArgs(
      argv,
      { flags: [...CONNECTION_FLAGS, 'json', 'help'], values: [...CONNECTION_VALUES, 'duration'], repeatable: ['filter'] },
      'tail',
    );
    if (args.flags.has('help')) {
      stdout.write(TAIL_HELP);
      return EXIT_OK;
    }
    if (args.positionals.length > 0) throw new UsageError(`unexpected argument ${args.positionals[0]} (ami tail takes options only)`);
    const filters = (args.values.get('filter') ?? []).map(parseFilter);
    const durationMs = durationOf(args, 'duration');
    const json = args.flags.has('json');
    const resolved = await resolveConnection(args, environment);
    client = await openConnection(resolved);
    const connected = client;
    environment.stderr.write(`tailing events of ${resolved.target}${filters.length ? ` where ${filters.map((f) => f.text).join(' and ')}` : ''}; Ctrl+C stops\n`);
    let printed = 0;
    let dropped = 0;
    const print = (message: AmiMessage): void => {
      if (message.kind !== 'event' || !matchesFilters(message, filters)) return;
      if (stdout.writableLength > MAX_BUFFERED_OUTPUT) {
        dropped++;
        return;
      }
      printed++;
      const headers = redactedHeadersOf(message);
      const now = new Date();
      if (json) {
        stdout.write(`${JSON.stringify({ time: now.toISOString(), event: message.get('Event') ?? '', headers })}\n`);
      } else {
        stdout.write(`# ${timeOfDay(now)}\n${headers.map(([n, v]) => `${n}: ${v.replace(/[\r\n]/g, ' ')}`).join('\n')}\n\n`);
      }
    };
    // Events that came with the login answer were queued before this subscription: print them first.
    for (const message of connected.events.drain()) print(message);
    connected.onEvent((message) => {
      // Printed here, synchronously; the connection's own queue is not read, so keep it empty.
      connected.events.clear();
      print(message);
    });
    let timer: NodeJS.Timeout | undefined;
    const ended = await new Promise<string | undefined>((done) => {
      const stop = onInterrupt(() => {
        stop();
        done(undefined);
      });
      if (durationMs !== undefined) {
        timer = setTimeout(() => {
          stop();
          done(undefined);
        }, durationMs);
      }
      connected.onState((state) => {
        if (state.kind === 'failed') {
          stop();
          done(state.reason ?? 'the connection closed');
        }
      });
    });
    if (timer) clearTimeout(timer);
    if (ended !== undefined) {
      environment.stderr.write(`ami tail: connection lost: ${ended}\n`);
      return EXIT_USAGE;
    }
    await connected.close();
    client = undefined;
    environment.stderr.write(`logged off; ${printed} event(s) printed${dropped ? `, ${dropped} dropped (the output could not keep up)` : ''}\n`);
    return EXIT_OK;
  } catch (error) {
    return reportError(error, environment.stderr, 'tail');
  } finally {
    if (client) await client.close().catch(() => undefined);
  }
}
