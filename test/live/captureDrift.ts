/**
 * Capture drift check: replays what a recorded scenario sent (its .meta.txt timeline) to a live Asterisk and
 * compares the structure of what came back with the recording. Timestamps, ids and channel numbers differ from
 * run to run; message kinds, event names, header names per event and list shapes must not.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as net from 'node:net';
import type { AsteriskTarget } from '../../scripts/asterisk/instance';

/** One write of the recording: when (seconds after connect) and what. */
export interface RecordedSend {
  at: number;
  bytes: Buffer;
}

/** Parses the SEND lines of a .meta.txt timeline (`t=  0.302  SEND  off=… len=…  b'…'`). */
export function recordedSends(metaText: string): RecordedSend[] {
  const sends: RecordedSend[] = [];
  for (const line of metaText.split('\n')) {
    const match = /^#\s+t=\s*([\d.]+)\s+SEND\s+off=\s*\d+\s+len=\s*\d+\s+b(['"])(.*)\2\s*$/.exec(line);
    if (match) sends.push({ at: Number(match[1]), bytes: pythonBytes(match[3]) });
  }
  return sends;
}

/** Decodes the body of a Python bytes literal (\r \n \t \\ \' \" \xNN escapes). */
export function pythonBytes(body: string): Buffer {
  const out: number[] = [];
  for (let k = 0; k < body.length; k++) {
    const c = body[k];
    if (c !== '\\') {
      out.push(body.charCodeAt(k) & 0xff);
      continue;
    }
    const next = body[++k];
    if (next === 'r') out.push(13);
    else if (next === 'n') out.push(10);
    else if (next === 't') out.push(9);
    else if (next === 'x') {
      out.push(parseInt(body.slice(k + 1, k + 3), 16));
      k += 2;
    } else out.push(next.charCodeAt(0));
  }
  return Buffer.from(out);
}

/** The parts of a message that must not drift. */
interface MessageShape {
  kind: string;
  headerNames: string[];
}

/** Headers that exist because of the instance's settings, not the protocol (timestampevents = yes). */
const SETTING_HEADERS = new Set(['timestamp']);

function shapeOf(message: string): MessageShape | undefined {
  const lines = message.split(/\r?\n/).filter((line) => line.length > 0);
  if (lines.length === 0) return undefined;
  if (/^Asterisk Call Manager\//.test(lines[0])) return { kind: 'banner', headerNames: [] };
  const names: string[] = [];
  let kind = 'other';
  for (const line of lines) {
    const colon = line.indexOf(':');
    const name = (colon < 0 ? line : line.slice(0, colon)).trim();
    const value = colon < 0 ? '' : line.slice(colon + 1).trim();
    if (/^event$/i.test(name)) kind = `event ${value}`;
    else if (/^response$/i.test(name) && kind === 'other') kind = `response ${value}`;
    if (!SETTING_HEADERS.has(name.toLowerCase())) names.push(name);
  }
  return { kind, headerNames: [...new Set(names)].sort() };
}

/** A stream's structure: the responses in order, event counts, header names per event kind. */
export interface StreamStructure {
  responses: string[];
  eventCounts: Map<string, number>;
  headersByKind: Map<string, Set<string>>;
  /** Items per list (`ActionID event-name` → count), for the actions whose response started a list. */
  listItems: Map<string, number>;
}

/** The structure of a received byte stream (banner first, messages split at blank lines). */
export function streamStructure(bytes: Buffer): StreamStructure {
  const text = bytes.toString('latin1');
  const bannerEnd = text.indexOf('\r\n');
  const rest = /^Asterisk Call Manager\//.test(text) && bannerEnd >= 0 ? text.slice(bannerEnd + 2) : text;
  const structure: StreamStructure = { responses: [], eventCounts: new Map(), headersByKind: new Map(), listItems: new Map() };
  if (rest !== text) structure.responses.push('banner');
  const lists = new Set<string>();
  for (const message of rest.split(/\r\n\r\n/)) {
    const shape = shapeOf(message);
    if (!shape) continue;
    const actionId = /(?:^|\r\n)ActionID: ([^\r\n]*)/i.exec(message)?.[1];
    if (actionId !== undefined && shape.kind.startsWith('response ') && /(?:^|\r\n)EventList: start/i.test(message)) lists.add(actionId);
    if (actionId !== undefined && lists.has(actionId) && shape.kind.startsWith('event ')) {
      const key = `${actionId} ${shape.kind.slice('event '.length)}`;
      structure.listItems.set(key, (structure.listItems.get(key) ?? 0) + 1);
    }
    if (shape.kind.startsWith('event ')) structure.eventCounts.set(shape.kind, (structure.eventCounts.get(shape.kind) ?? 0) + 1);
    else structure.responses.push(`${shape.kind} [${shape.headerNames.join(',')}]`);
    const known = structure.headersByKind.get(shape.kind) ?? new Set<string>();
    for (const name of shape.headerNames) known.add(name);
    structure.headersByKind.set(shape.kind, known);
  }
  return structure;
}

/** Differences between a recorded and a live structure, one readable line each (empty: no drift). */
export function structureDiff(recorded: StreamStructure, live: StreamStructure, ignoreEvents: ReadonlySet<string> = new Set()): string[] {
  const diff: string[] = [];
  const max = Math.max(recorded.responses.length, live.responses.length);
  for (let k = 0; k < max; k++) {
    if (recorded.responses[k] !== live.responses[k]) {
      diff.push(`response #${k + 1}: recorded ${recorded.responses[k] ?? '(none)'}, live ${live.responses[k] ?? '(none)'}`);
    }
  }
  // Lists: the same items, counted exactly.
  for (const key of new Set([...recorded.listItems.keys(), ...live.listItems.keys()])) {
    const a = recorded.listItems.get(key) ?? 0;
    const b = live.listItems.get(key) ?? 0;
    if (a !== b) diff.push(`list ${key}: recorded ${a} items, live ${b}`);
  }
  // Other events: the same kinds with the same headers. Their number depends on timing (an async failure that
  // completes before or after an Events action, security events delivered after the next response), so
  // counts are not compared.
  const kinds = new Set([...recorded.eventCounts.keys(), ...live.eventCounts.keys()]);
  for (const kind of [...kinds].sort()) {
    if (ignoreEvents.has(kind.slice('event '.length))) continue;
    const a = recorded.eventCounts.get(kind) ?? 0;
    const b = live.eventCounts.get(kind) ?? 0;
    if ((a === 0) !== (b === 0)) diff.push(`${kind}: recorded ${a}, live ${b}`);
    if (a === 0 || b === 0) continue;
    const ha = recorded.headersByKind.get(kind) ?? new Set<string>();
    const hb = live.headersByKind.get(kind) ?? new Set<string>();
    const missing = [...ha].filter((name) => !hb.has(name));
    const added = [...hb].filter((name) => !ha.has(name));
    if (missing.length > 0) diff.push(`${kind}: headers no longer sent: ${missing.join(', ')}`);
    if (added.length > 0) diff.push(`${kind}: new headers: ${added.join(', ')}`);
  }
  return diff;
}

/** The secret of each capture user (test/fixtures/ami-captures/README.md), to recompute MD5 keys. */
const CAPTURE_SECRETS: Record<string, string> = { dev: 'devsecret', ro: 'rosecret' };

/**
 * Rewrites a recorded write for this run: an MD5 Login key that was right for the recorded challenge is
 * recomputed for this run's challenge (a deliberately wrong key stays wrong), and recorded channel names of a
 * helper call are replaced by this run's.
 */
function adaptSend(bytes: Buffer, recordedChallenge: string | undefined, liveChallenge: string | undefined, channelBase: string | undefined): Buffer {
  let text = bytes.toString('latin1');
  const key = /\r\nKey: ([0-9a-f]{32})\r\n/i.exec(text);
  const user = /\r\nUsername: ([^\r\n]*)\r\n/i.exec(text);
  if (key && user && recordedChallenge && liveChallenge) {
    const secret = CAPTURE_SECRETS[user[1]];
    const md5 = (challenge: string): string => createHash('md5').update(challenge + (secret ?? '')).digest('hex');
    if (secret !== undefined && md5(recordedChallenge) === key[1].toLowerCase()) text = text.replace(key[1], md5(liveChallenge));
  }
  if (channelBase) text = text.replace(/Local\/500@test-[0-9a-f]{8}/g, channelBase);
  return Buffer.from(text, 'latin1');
}

function challengeIn(bytes: Buffer): string | undefined {
  return /\r\nChallenge: ([^\r\n]+)\r\n/.exec(bytes.toString('latin1'))?.[1];
}

/** Options of one replay. */
export interface ReplayOptions {
  /** Starts a helper call before the write whose ActionID is this (or before the first write for 'start'). */
  helperCallBefore?: string;
  /** Starts the helper call; resolves with its Local channel base name (`Local/500@test-0000002a`). */
  startHelperCall?: () => Promise<string>;
  /** Seconds to keep reading after the last write when the server does not close (default 1.5). */
  tailSeconds?: number;
}

/** Replays a scenario's writes against the target at the recorded pace; resolves with the bytes received. */
export async function replayScenario(target: AsteriskTarget, capturePath: string, options: ReplayOptions = {}): Promise<Buffer> {
  const meta = readFileSync(capturePath.replace(/\.txt$/, '.meta.txt'), 'utf8');
  const recordedChallenge = challengeIn(readFileSync(capturePath));
  const sends = recordedSends(meta);
  let channelBase: string | undefined;
  if (options.helperCallBefore === 'start' && options.startHelperCall) channelBase = await options.startHelperCall();
  const socket = net.connect(target.port, target.host);
  const chunks: Buffer[] = [];
  let closed = false;
  const closedPromise = new Promise<void>((resolve) => socket.once('close', () => ((closed = true), resolve())));
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  socket.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('error', reject);
  });
  let startedAt = Date.now();
  const sleepUntil = async (seconds: number): Promise<void> => {
    const wait = startedAt + seconds * 1000 - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  };
  // The banner comes first; recorded writes were made after it.
  await waitFor(() => Buffer.concat(chunks).includes('\r\n') || closed, 5000);
  for (const send of sends) {
    await sleepUntil(send.at);
    if (closed) break;
    const id = /\r\nActionID: ([^\r\n]*)\r\n/i.exec(send.bytes.toString('latin1'))?.[1];
    if (options.helperCallBefore && options.helperCallBefore === id && options.startHelperCall) {
      // The recording's helper call was already up at this point: keep the recorded spacing of what follows.
      const helperStarted = Date.now();
      channelBase = await options.startHelperCall();
      startedAt += Date.now() - helperStarted;
    }
    // Security and other asynchronous events of the last actions may still be on their way: a Logoff ends the
    // session before they are written, so give them time (the recording happened to have them).
    if (/^Action: Logoff\r\n/i.test(send.bytes.toString('latin1'))) await new Promise((resolve) => setTimeout(resolve, 500));
    // A recorded Login with a key follows a Challenge: wait until its answer is here.
    if (/\r\nKey: /i.test(send.bytes.toString('latin1'))) await waitFor(() => challengeIn(Buffer.concat(chunks)) !== undefined || closed, 5000);
    socket.write(adaptSend(send.bytes, recordedChallenge, challengeIn(Buffer.concat(chunks)), channelBase));
  }
  const tail = options.tailSeconds ?? 1.5;
  await Promise.race([closedPromise, new Promise((resolve) => setTimeout(resolve, tail * 1000))]);
  socket.destroy();
  return Buffer.concat(chunks);
}

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
}
