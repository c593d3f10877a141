/**
 * Index of the recorded Asterisk captures (test/fixtures/ami-captures, copied from ../shared/ami-captures):
 * every action that was sent, paired with the exact bytes Asterisk answered (with the recorded TCP read
 * boundaries and delays), so the fake server can answer like Asterisk did.
 *
 * The fake server deliberately does not use core/src/wire: it is the oracle the client's decoder is tested
 * against, so it parses with its own Asterisk-like rules (manager.c: lines end at LF, CR stripped, a blank line
 * ends a request, a header is found by its `Name:` prefix, case-insensitively).
 */
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';

/** Default location of the copied captures. */
export const FIXTURE_CAPTURES_DIR = join(__dirname, '..', 'fixtures', 'ami-captures');

/** Below this, a recorded delay is loopback noise and is not reproduced. */
export const MIN_REPRODUCED_DELAY_MS = 50;

/** One line of a `.meta.txt` timeline. */
export interface TimelineEntry {
  /** Seconds since connect. */
  t: number;
  dir: 'RECV' | 'SEND' | 'EOF';
  off: number;
  len: number;
}

/** A request (action) as Asterisk's manager.c would see it: raw lines without terminators. */
export class AmiRequest {
  constructor(readonly lines: string[]) {}

  /** First value of `name:` (case-insensitive, leading spaces skipped), like astman_get_header. */
  get(name: string): string | undefined {
    const prefix = name.toLowerCase() + ':';
    for (const line of this.lines) {
      if (line.length >= prefix.length && line.slice(0, prefix.length).toLowerCase() === prefix) {
        return line.slice(prefix.length).replace(/^[ \t]+/, '');
      }
    }
    return undefined;
  }

  /** Header pairs (lines without a colon are left out). */
  headers(): Array<[string, string]> {
    const result: Array<[string, string]> = [];
    for (const line of this.lines) {
      const colon = line.indexOf(':');
      if (colon > 0) result.push([line.slice(0, colon).trim(), line.slice(colon + 1).replace(/^[ \t]+/, '')]);
    }
    return result;
  }
}

/** Splits a byte stream into requests the way manager.c does; keeps partial input between pushes. */
export class RequestReader {
  private pending = '';
  private lines: string[] = [];

  constructor(private readonly maxBufferedBytes = 1024 * 1024) {}

  /** Feeds bytes; returns every request completed by them. Throws when a line grows past the cap. */
  push(chunk: Buffer): AmiRequest[] {
    const text = this.pending + chunk.toString('latin1');
    const requests: AmiRequest[] = [];
    let start = 0;
    for (;;) {
      const lf = text.indexOf('\n', start);
      if (lf < 0) break;
      const end = lf > start && text.charCodeAt(lf - 1) === 13 ? lf - 1 : lf;
      const line = text.slice(start, end);
      start = lf + 1;
      if (line.length === 0) {
        requests.push(new AmiRequest(this.lines));
        this.lines = [];
      } else {
        this.lines.push(line);
      }
    }
    this.pending = start === 0 ? text : text.slice(start);
    if (this.pending.length > this.maxBufferedBytes) throw new Error('request line too long');
    return requests;
  }
}

/** One message Asterisk sent, located in its capture. */
export interface RecordedMessage {
  off: number;
  end: number;
  /** Seconds since connect when its last byte was read. */
  t: number;
  kind: 'banner' | 'response' | 'event';
  fields: AmiRequest;
}

/** One request the recorder sent, and everything Asterisk answered to it. */
export interface RecordedExchange {
  capture: string;
  request: AmiRequest;
  /** Lower-case action name ('' when none). */
  action: string;
  actionId: string | undefined;
  /** Seconds since connect when the request was fully sent. */
  t: number;
  /** The response and, for lists, its items and Complete event. */
  reply: RecordedMessage[];
  /** Events that followed (OriginateResponse with the ActionID, and events with no ActionID). */
  async: RecordedMessage[];
  /** Bytes received from connect up to and including this reply, to locate read boundaries. */
  recvBoundaries: Set<number>;
  received: Buffer;
}

/** One scenario: the raw files and what was derived from them. */
export interface Capture {
  name: string;
  received: Buffer;
  sent: Buffer;
  timeline: TimelineEntry[];
  messages: RecordedMessage[];
  exchanges: RecordedExchange[];
  /** True when the server closed the socket at the end. */
  closedByServer: boolean;
}

/** Reads the `#  t=  0.001  RECV  off=  0 len=  30` lines of a `.meta.txt`. */
export function parseTimeline(meta: string): TimelineEntry[] {
  const entries: TimelineEntry[] = [];
  for (const line of meta.split('\n')) {
    const io = /^#\s+t=\s*([\d.]+)\s+(RECV|SEND)\s+off=\s*(\d+)\s+len=\s*(\d+)/.exec(line);
    if (io) {
      entries.push({ t: Number(io[1]), dir: io[2] as 'RECV' | 'SEND', off: Number(io[3]), len: Number(io[4]) });
      continue;
    }
    const eof = /^#\s+t=\s*([\d.]+)\s+EOF .* at rx offset (\d+)/.exec(line);
    if (eof) entries.push({ t: Number(eof[1]), dir: 'EOF', off: Number(eof[2]), len: 0 });
  }
  return entries;
}

/** Time at which byte `offset` (exclusive end) had arrived/been sent in direction `dir`. */
function timeOf(timeline: TimelineEntry[], dir: 'RECV' | 'SEND', endOffset: number): number {
  for (const entry of timeline) {
    if (entry.dir === dir && entry.off < endOffset && entry.off + entry.len >= endOffset) return entry.t;
  }
  return timeline.length > 0 ? timeline[timeline.length - 1].t : 0;
}

/** Splits what Asterisk sent into the banner line and CRLF CRLF terminated messages. */
export function splitReceived(received: Buffer, timeline: TimelineEntry[]): RecordedMessage[] {
  const messages: RecordedMessage[] = [];
  let pos = 0;
  if (received.subarray(0, 21).toString('latin1') === 'Asterisk Call Manager') {
    const lf = received.indexOf('\n');
    pos = lf + 1;
    messages.push({ off: 0, end: pos, t: timeOf(timeline, 'RECV', pos), kind: 'banner', fields: new AmiRequest([]) });
  }
  while (pos < received.length) {
    const term = received.indexOf('\r\n\r\n', pos);
    const end = term < 0 ? received.length : term + 4;
    const lines = received.subarray(pos, term < 0 ? end : term).toString('latin1').split('\r\n');
    const first = lines[0] ?? '';
    const kind = /^event:/i.test(first) ? 'event' : 'response';
    messages.push({ off: pos, end, t: timeOf(timeline, 'RECV', end), kind, fields: new AmiRequest(lines) });
    pos = end;
  }
  return messages;
}

interface SentRequest {
  request: AmiRequest;
  end: number;
}

function splitSent(sent: Buffer): SentRequest[] {
  const requests: SentRequest[] = [];
  const text = sent.toString('latin1');
  let lines: string[] = [];
  let start = 0;
  for (;;) {
    const lf = text.indexOf('\n', start);
    if (lf < 0) break;
    const line = text.slice(start, lf > start && text.charCodeAt(lf - 1) === 13 ? lf - 1 : lf);
    start = lf + 1;
    if (line.length === 0) {
      requests.push({ request: new AmiRequest(lines), end: start });
      lines = [];
    } else {
      lines.push(line);
    }
  }
  return requests;
}

/** Loads one scenario (`NN-name`) and pairs each request with its answer. */
export function loadCapture(dir: string, name: string): Capture {
  const received = readFileSync(join(dir, `${name}.txt`));
  const sent = readFileSync(join(dir, `${name}.sent.txt`));
  const meta = readFileSync(join(dir, `${name}.meta.txt`), 'utf8');
  const timeline = parseTimeline(meta);
  const messages = splitReceived(received, timeline);
  const recvBoundaries = new Set<number>();
  for (const entry of timeline) if (entry.dir === 'RECV') recvBoundaries.add(entry.off + entry.len);

  const exchanges: RecordedExchange[] = splitSent(sent).map(({ request, end }) => ({
    capture: name,
    request,
    action: (request.get('Action') ?? '').trim().toLowerCase(),
    actionId: request.get('ActionID') || undefined,
    t: timeOf(timeline, 'SEND', end),
    reply: [],
    async: [],
    recvBoundaries,
    received,
  }));

  // Responses come in request order; ActionIDs confirm it, events with an ActionID join their action.
  let nextUnanswered = 0;
  let lastAnswered: RecordedExchange | undefined;
  const openLists = new Set<RecordedExchange>();
  for (const message of messages) {
    if (message.kind === 'banner') continue;
    const actionId = message.fields.get('ActionID') || undefined;
    if (message.kind === 'response') {
      let target = exchanges[nextUnanswered];
      if (actionId !== undefined) {
        const index = exchanges.findIndex((ex, i) => i >= nextUnanswered && ex.actionId === actionId);
        if (index >= 0) target = exchanges[index];
      }
      if (!target) continue;
      nextUnanswered = exchanges.indexOf(target) + 1;
      target.reply.push(message);
      lastAnswered = target;
      if (/^start$/i.test(message.fields.get('EventList') ?? '')) openLists.add(target);
      continue;
    }
    const owner = actionId === undefined ? undefined : exchanges.find((ex) => ex.actionId === actionId && ex.reply.length > 0);
    if (owner && openLists.has(owner)) {
      owner.reply.push(message);
      if (/^(complete|cancelled)$/i.test(message.fields.get('EventList') ?? '')) openLists.delete(owner);
    } else if (owner) {
      owner.async.push(message);
    } else if (lastAnswered) {
      lastAnswered.async.push(message);
    }
  }
  const last = timeline[timeline.length - 1];
  return { name, received, sent, timeline, messages, exchanges, closedByServer: last?.dir === 'EOF' };
}

/** Names (`NN-name`) of every scenario in `dir`. */
export function listCaptures(dir: string): string[] {
  if (!existsSync(dir)) throw new Error(`capture folder not found: ${dir}`);
  return readdirSync(dir)
    .filter((file) => /^\d.*\.meta\.txt$/.test(file))
    .map((file) => file.slice(0, -'.meta.txt'.length))
    .sort();
}

/** Loads every scenario of `dir`. */
export function loadCaptures(dir: string = FIXTURE_CAPTURES_DIR): Map<string, Capture> {
  const captures = new Map<string, Capture>();
  for (const name of listCaptures(dir)) captures.set(name, loadCapture(dir, name));
  return captures;
}
