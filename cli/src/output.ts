/**
 * What every `ami` command prints goes through here: remembered secrets are replaced (by value, whatever
 * printed them), control characters are shown escaped so server-controlled text cannot drive the terminal,
 * and a closed stdout (`ami tail | head -3`) ends the command quietly instead of crashing with EPIPE.
 */
import { EventEmitter } from 'node:events';
import { redactSecretValues } from '../../core/src/wire/redact';

/** C0 controls except tab and line feed, DEL and C1: what a terminal could act on. */
const CONTROL_CHARACTERS = /[\0-\x08\x0B-\x1F\x7F-\x9F]/g;

/**
 * `text` with control characters (C0 except tab and LF, DEL, C1) written as `\u001b`. Inside a JSON string
 * that is the same value, so JSON output stays valid and equal.
 */
export function escapeControls(text: string): string {
  return text.replace(CONTROL_CHARACTERS, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Fires 'closed' once when stdout's reader went away (EPIPE). */
export const outputEvents = new EventEmitter();
let stdoutClosed = false;
let rawDepth = 0;
const guarded = new WeakSet<NodeJS.WritableStream>();

/** True once stdout's reader went away. */
export function isStdoutClosed(): boolean {
  return stdoutClosed;
}

/** Runs `work` with the terminal untouched (a readline prompt writes its own escape sequences). */
export async function withRawOutput<T>(work: () => Promise<T>): Promise<T> {
  rawDepth++;
  try {
    return await work();
  } finally {
    rawDepth--;
  }
}

function guard(stream: NodeJS.WriteStream, isStdout: boolean): void {
  if (guarded.has(stream)) return;
  guarded.add(stream);
  const write = stream.write.bind(stream) as (chunk: unknown, ...rest: unknown[]) => boolean;
  stream.write = ((chunk: unknown, ...rest: unknown[]): boolean => {
    if (isStdout && stdoutClosed) return true;
    const text = typeof chunk === 'string' ? redactSecretValues(chunk) : chunk;
    return write(typeof text === 'string' && rawDepth === 0 ? escapeControls(text) : text, ...rest);
  }) as typeof stream.write;
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE' && error.code !== 'ERR_STREAM_DESTROYED') throw error;
    if (!isStdout || stdoutClosed) return;
    stdoutClosed = true;
    outputEvents.emit('closed');
  });
}

/** Guards process.stdout and process.stderr (idempotent). */
export function guardProcessOutput(): void {
  guard(process.stdout, true);
  guard(process.stderr, false);
}
