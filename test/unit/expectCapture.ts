/**
 * Test helper: decodes a recorded Asterisk capture (test/fixtures/ami-captures) with core/src/wire/decoder's decoder,
 * chunk by recorded chunk, and reports each message with the time (ms since connect) its read arrived.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AmiDecoder } from '../../core/src/wire/decoder';
import type { AmiMessage } from '../../core/src/wire/types';

export const CAPTURES = join(__dirname, '..', 'fixtures', 'ami-captures');

export interface TimedMessage {
  message: AmiMessage;
  /** Milliseconds since connect when its read arrived. */
  at: number;
}

/** Every message of a capture, in order, with its arrival time. */
export function decodeCapture(name: string): TimedMessage[] {
  const received = readFileSync(join(CAPTURES, `${name}.txt`));
  const meta = readFileSync(join(CAPTURES, `${name}.meta.txt`), 'utf8');
  const out: TimedMessage[] = [];
  let at = 0;
  const decoder = new AmiDecoder((message) => out.push({ message, at }));
  for (const line of meta.split('\n')) {
    const read = /^#\s+t=\s*([\d.]+)\s+RECV\s+off=\s*(\d+)\s+len=\s*(\d+)/.exec(line);
    if (!read) continue;
    at = Math.round(Number(read[1]) * 1000);
    decoder.push(received.subarray(Number(read[2]), Number(read[2]) + Number(read[3])));
  }
  return out;
}

/** Time (ms since connect) at which the request with this ActionID was sent. */
export function sentAt(name: string, actionId: string): number {
  const meta = readFileSync(join(CAPTURES, `${name}.meta.txt`), 'utf8');
  for (const line of meta.split('\n')) {
    const send = /^#\s+t=\s*([\d.]+)\s+SEND\s.*ActionID: ([^\\]+)\\r\\n/.exec(line);
    if (send && send[2] === actionId) return Math.round(Number(send[1]) * 1000);
  }
  throw new Error(`${name}: no request with ActionID ${actionId}`);
}

/** The headers of a request that was sent, from the capture's .sent.txt. */
export function sentHeaders(name: string, actionId: string): Array<[string, string]> {
  const sent = readFileSync(join(CAPTURES, `${name}.sent.txt`), 'latin1');
  for (const request of sent.split(/\r?\n\r?\n/)) {
    const headers = request
      .split(/\r?\n/)
      .filter((line) => line.includes(':'))
      .map((line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 1).trim()] as [string, string]);
    if (headers.some(([n, v]) => n.toLowerCase() === 'actionid' && v === actionId)) return headers;
  }
  throw new Error(`${name}: no request with ActionID ${actionId}`);
}
