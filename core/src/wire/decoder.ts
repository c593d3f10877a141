/**
 * Streaming AMI decoder (docs/protocol.md): Buffers in, split anywhere; messages out through a
 * callback, in order. Framing works on bytes: each message stays a range of the received chunk plus the
 * start offsets of its lines; header values are decoded (UTF-8, invalid bytes → U+FFFD) only when asked.
 */
import {
  AmiProtocolError,
  DEFAULT_DECODER_LIMITS,
  type AmiMessage,
  type AmiMessageKind,
  type DecoderLimits,
} from './types';

/** Node's Buffer has fast, unchecked slice decoders that @types/node does not declare. */
interface FastSliceBuffer extends Buffer {
  utf8Slice(start: number, end: number): string;
}

/** Options beyond the size caps. */
export interface DecoderOptions {
  /**
   * True (default) when decoding what a server sends: the first line of the stream is the
   * `Asterisk Call Manager/x.y.z` banner. False when decoding what a client sends (a fake server).
   */
  expectBanner?: boolean;
}

const LF = 10;
const CR = 13;
const COLON = 58;
const SPACE = 32;

/** Line starts are stored in shared Int32Array slabs so a message costs one small object. */
const SLAB_ENTRIES = 8192;
/** The first slab is small: the growth path then runs early, while the JIT still collects type feedback. */
const FIRST_SLAB_ENTRIES = 256;
/** A carry buffer starts at twice the tail, at least this big (small ones come from Node's pool). */
const MIN_CARRY_BYTES = 512;

const BANNER_PREFIX = asciiCodes('asterisk call manager');
const EVENT_PREFIX = asciiCodes('event:');
const RESPONSE_PREFIX = asciiCodes('response:');
const ACTION_PREFIX = asciiCodes('action:');
const FOLLOWS = asciiCodes('follows');
const END_COMMAND_TEXT = '--END COMMAND--';
const END_COMMAND = asciiCodes(END_COMMAND_TEXT);
/** Headers of a legacy `Response: Follows` message; every other line is command output. */
const FOLLOWS_HEADER_NAMES = new Set(['response', 'privilege', 'actionid']);

const KIND_EVENT = 0;
const KIND_RESPONSE = 1;
const KIND_FOLLOWS = 2;
const KIND_ACTION = 3;
const KIND_UNKNOWN = 4;
const KIND_NAMES: readonly AmiMessageKind[] = ['event', 'response', 'follows', 'action', 'unknown'];

function asciiCodes(text: string): Uint8Array {
  const codes = new Uint8Array(text.length);
  for (let k = 0; k < text.length; k++) codes[k] = text.charCodeAt(k);
  return codes;
}

/** Case-insensitive (ASCII) match of `lowerPrefix` at `start`, within `end`. */
function startsWithIgnoreCase(bytes: Buffer, start: number, end: number, lowerPrefix: Uint8Array): boolean {
  const count = lowerPrefix.length;
  if (end - start < count) return false;
  for (let k = 0; k < count; k++) {
    let c = bytes[start + k];
    if (c >= 65 && c <= 90) c |= 32;
    if (c !== lowerPrefix[k]) return false;
  }
  return true;
}

/** The line [start, end) without its trailing CR. */
function contentEnd(bytes: Buffer, start: number, end: number): number {
  return end > start && bytes[end - 1] === CR ? end - 1 : end;
}

/** Classifies a message by its first line [start, end) (line end excluded). */
function classify(bytes: Buffer, start: number, end: number): number {
  // Fast path for the usual exact-case `Event:`.
  if (bytes[start] === 69 && end - start > 5 && bytes[start + 5] === COLON && bytes[start + 1] === 118 && bytes[start + 2] === 101 && bytes[start + 3] === 110 && bytes[start + 4] === 116) {
    return KIND_EVENT;
  }
  if (startsWithIgnoreCase(bytes, start, end, EVENT_PREFIX)) return KIND_EVENT;
  if (startsWithIgnoreCase(bytes, start, end, RESPONSE_PREFIX)) {
    let v = start + RESPONSE_PREFIX.length;
    while (v < end && (bytes[v] === SPACE || bytes[v] === 9)) v++;
    let e = contentEnd(bytes, v, end);
    while (e > v && (bytes[e - 1] === SPACE || bytes[e - 1] === 9)) e--;
    return e - v === FOLLOWS.length && startsWithIgnoreCase(bytes, v, e, FOLLOWS) ? KIND_FOLLOWS : KIND_RESPONSE;
  }
  if (startsWithIgnoreCase(bytes, start, end, ACTION_PREFIX)) return KIND_ACTION;
  return KIND_UNKNOWN;
}

/** True when the line [start, end) (line end excluded) ends with `--END COMMAND--`. */
function endsWithEndCommand(bytes: Buffer, start: number, end: number): boolean {
  const e = contentEnd(bytes, start, end);
  const count = END_COMMAND.length;
  if (e - start < count) return false;
  for (let k = 0; k < count; k++) if (bytes[e - count + k] !== END_COMMAND[k]) return false;
  return true;
}

function printable(text: string): string {
  return JSON.stringify(text.length > 60 ? `${text.slice(0, 60)}…` : text).replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');
}

function hasNonAscii(text: string): boolean {
  for (let k = 0; k < text.length; k++) if (text.charCodeAt(k) > 127) return true;
  return false;
}

// utf8Slice is undocumented: a runtime without it still decodes, just more slowly.
const HAS_UTF8_SLICE = typeof (Buffer.prototype as Partial<FastSliceBuffer>).utf8Slice === 'function';

/** Decodes [start, end) of `bytes` as UTF-8 (invalid bytes → U+FFFD). */
function decodeUtf8(bytes: Buffer, start: number, end: number): string {
  if (start >= end) return '';
  return HAS_UTF8_SLICE ? (bytes as FastSliceBuffer).utf8Slice(start, end) : bytes.toString('utf8', start, end);
}

/** True when the bytes at `lineStart` spell `name` (ASCII, case-insensitive). Small enough for V8 to inline. */
function asciiNameAt(bytes: Buffer, lineStart: number, name: string): boolean {
  for (let m = 0; m < name.length; m++) {
    let c = bytes[lineStart + m];
    let d = name.charCodeAt(m);
    if (c === d) continue;
    if (c >= 65 && c <= 90) c |= 32;
    if (d >= 65 && d <= 90) d |= 32;
    if (c !== d) return false;
  }
  return true;
}

/**
 * One framed message: `bytes[start ..]` with line k starting at `start + slab[base + k]`; the entry after the
 * last line is where the closing blank line starts (= raw length).
 */
class FramedMessage implements AmiMessage {
  constructor(
    readonly kind: AmiMessageKind,
    private readonly bytes: Buffer,
    private readonly start: number,
    private readonly slab: Int32Array,
    private readonly base: number,
    private readonly lineCount: number,
  ) {}

  get raw(): Buffer {
    return this.bytes.subarray(this.start, this.start + this.slab[this.base + this.lineCount]);
  }

  rawStartsWith(prefix: Uint8Array): boolean {
    const count = prefix.length;
    if (this.slab[this.base + this.lineCount] < count) return false;
    const bytes = this.bytes;
    const start = this.start;
    for (let k = 0; k < count; k++) if (bytes[start + k] !== prefix[k]) return false;
    return true;
  }

  get(name: string): string | undefined {
    // findLine + valueOfLine by hand: one small hot function warms up (gets optimised) sooner than three.
    const nameLength = name.length;
    const bytes = this.bytes;
    const start = this.start;
    const slab = this.slab;
    const base = this.base;
    const lineCount = this.lineCount;
    let lineStart = start + slab[base];
    for (let k = 0; k < lineCount; k++) {
      const nextLineStart = start + slab[base + k + 1];
      // The colon right after the name is the cheapest filter; then compare the name bytes.
      if (nextLineStart - lineStart > nameLength && bytes[lineStart + nameLength] === COLON) {
        if (asciiNameAt(bytes, lineStart, name)) {
          let valueStart = lineStart + nameLength + 1;
          let lineEnd = nextLineStart - 1;
          if (lineEnd > valueStart && bytes[lineEnd - 1] === CR) lineEnd--;
          if (valueStart < lineEnd && bytes[valueStart] === SPACE) valueStart++;
          return decodeUtf8(bytes, valueStart, lineEnd);
        }
      }
      lineStart = nextLineStart;
    }
    return hasNonAscii(name) ? this.getAllSlow(name)[0] : undefined;
  }

  getAll(name: string): string[] {
    if (hasNonAscii(name)) return this.getAllSlow(name);
    const values: string[] = [];
    for (let index = this.findLine(name, 0); index >= 0; index = this.findLine(name, index + 1)) {
      values.push(this.valueOfLine(index, name.length));
    }
    return values;
  }

  /**
   * Every header in order as [name, value]. A line without a colon (garbage from a broken peer) is kept
   * as ['', line] so nothing is silently dropped.
   */
  headers(): Array<[string, string]> {
    const pairs: Array<[string, string]> = [];
    const { bytes, start, slab, base } = this;
    for (let k = 0; k < this.lineCount; k++) {
      const lineStart = start + slab[base + k];
      const lineEnd = contentEnd(bytes, lineStart, start + slab[base + k + 1] - 1);
      let colon = lineStart;
      while (colon < lineEnd && bytes[colon] !== COLON) colon++;
      if (colon === lineEnd) {
        pairs.push(['', decodeUtf8(bytes, lineStart, lineEnd)]);
      } else {
        const valueStart = colon + 1 < lineEnd && bytes[colon + 1] === SPACE ? colon + 2 : colon + 1;
        pairs.push([decodeUtf8(bytes, lineStart, colon), decodeUtf8(bytes, valueStart, lineEnd)]);
      }
    }
    return pairs;
  }

  /** Values of a header whose name is not ASCII, compared after UTF-8 decoding (rare, so simple). */
  private getAllSlow(name: string): string[] {
    const lower = name.toLowerCase();
    return this.headers()
      .filter(([key]) => key.toLowerCase() === lower)
      .map(([, value]) => value);
  }

  /** Index of the first line at or after `from` whose name is `name` (ASCII case-insensitive), or -1. */
  private findLine(name: string, from: number): number {
    const nameLength = name.length;
    const { bytes, start, slab, base, lineCount } = this;
    for (let k = from; k < lineCount; k++) {
      const lineStart = start + slab[base + k];
      // The colon right after the name is the cheapest filter; then compare the name bytes.
      if (start + slab[base + k + 1] - lineStart <= nameLength || bytes[lineStart + nameLength] !== COLON) continue;
      if (asciiNameAt(bytes, lineStart, name)) return k;
    }
    return -1;
  }

  private valueOfLine(index: number, nameLength: number): string {
    const { bytes, start, slab, base } = this;
    const lineStart = start + slab[base + index];
    const lineEnd = contentEnd(bytes, lineStart, start + slab[base + index + 1] - 1);
    let valueStart = lineStart + nameLength + 1;
    if (valueStart < lineEnd && bytes[valueStart] === SPACE) valueStart++;
    return decodeUtf8(bytes, valueStart, lineEnd);
  }
}

/** The `Asterisk Call Manager/x.y.z` greeting. It has no headers. */
class BannerMessage implements AmiMessage {
  readonly kind = 'banner' as const;
  constructor(readonly raw: Buffer) {}
  get(): string | undefined {
    return undefined;
  }
  getAll(): string[] {
    return [];
  }
  headers(): Array<[string, string]> {
    return [];
  }
  /** The banner line as text, line end excluded. */
  toString(): string {
    return this.raw.toString('utf8').replace(/\r?\n$/, '');
  }
}

/**
 * Legacy `Response: Follows` command output (before Asterisk 14): `Response`, `Privilege` and `ActionID`
 * headers, then raw output lines until `--END COMMAND--`. The output lines are also served as `Output`
 * headers so consumers read both framings the same way.
 */
class FollowsMessage implements AmiMessage {
  readonly kind = 'follows' as const;
  readonly output: string[] = [];
  private readonly pairs: Array<[string, string]> = [];

  constructor(readonly raw: Buffer) {
    const lines = raw.toString('utf8').split('\n');
    if (lines[lines.length - 1] === '') lines.pop();
    let inHeaders = true;
    lines.forEach((text, index) => {
      const line = text.endsWith('\r') ? text.slice(0, -1) : text;
      const colon = line.indexOf(':');
      if (inHeaders && colon > 0 && FOLLOWS_HEADER_NAMES.has(line.slice(0, colon).toLowerCase())) {
        this.pairs.push([line.slice(0, colon), line.slice(colon + 1).replace(/^ /, '')]);
        return;
      }
      inHeaders = false;
      // The framing ends the message after the last line that ends with the marker; text before it is output.
      if (index === lines.length - 1 && line.endsWith(END_COMMAND_TEXT)) {
        const rest = line.slice(0, -END_COMMAND_TEXT.length);
        if (rest !== '') this.output.push(rest);
        return;
      }
      this.output.push(line);
    });
  }

  get(name: string): string | undefined {
    return this.getAll(name)[0];
  }

  getAll(name: string): string[] {
    const lower = name.toLowerCase();
    if (lower === 'output') return this.output.slice();
    return this.pairs.filter(([key]) => key.toLowerCase() === lower).map(([, value]) => value);
  }

  headers(): Array<[string, string]> {
    const outputs = this.output.map((line): [string, string] => ['Output', line]);
    return [...this.pairs.map(([key, value]): [string, string] => [key, value]), ...outputs];
  }
}

/**
 * Streaming AMI decoder. `push(chunk)` frames every complete message in the bytes received so far and
 * calls `onMessage` for each, synchronously and in order. Messages are views on the pushed chunks (no
 * copy): do not reuse a chunk's memory after pushing it. Only a message that straddles reads is copied,
 * into a small buffer of its own, bounded by the limits. `end()` reports a message cut off by the end of
 * the stream.
 *
 * Errors: `push` throws AmiProtocolError when a cap is exceeded or the banner is wrong; the decoder then
 * stays failed (every later call throws the same error) because the stream can no longer be framed.
 * Messages delivered before the error in the same push are valid. An exception thrown by `onMessage`
 * propagates out of `push`; the bytes after that message are kept and decoded on the next push.
 */
export class AmiDecoder {
  private readonly maxMessageBytes: number;
  private readonly maxHeaders: number;
  private bannerPending: boolean;
  private failure: AmiProtocolError | undefined;

  /** Bytes being framed: the caller's chunk during push, else our carry buffer (undefined: nothing pending). */
  private bytes: Buffer | undefined;
  private byteLength = 0;
  /** True while `bytes` is our carry buffer (a message or line straddling reads). */
  private carrying = false;
  /** Where the current (incomplete) line starts, where the message in progress starts (-1: none). */
  private lineStart = 0;
  private messageStart = -1;
  private messageKind = KIND_UNKNOWN;
  private messageLines = 0;
  private sawEndCommand = false;

  private slab = new Int32Array(FIRST_SLAB_ENTRIES);
  private slabUsed = 0;
  /** Slab index of the message in progress' first line. */
  private slabBase = 0;

  /**
   * @param onMessage called for every decoded message, in order.
   * @param limits caps on one message (defaults: DEFAULT_DECODER_LIMITS).
   * @param options expectBanner (default true).
   */
  constructor(
    private readonly onMessage: (message: AmiMessage) => void,
    limits: Partial<DecoderLimits> = {},
    options: DecoderOptions = {},
  ) {
    this.maxMessageBytes = limits.maxMessageBytes ?? DEFAULT_DECODER_LIMITS.maxMessageBytes;
    this.maxHeaders = limits.maxHeaders ?? DEFAULT_DECODER_LIMITS.maxHeaders;
    if (!(this.maxMessageBytes > 0) || !(this.maxHeaders > 0)) {
      throw new RangeError('AmiDecoder limits must be positive numbers');
    }
    this.bannerPending = options.expectBanner ?? true;
  }

  /** Decodes `chunk` (any split of the stream). Throws AmiProtocolError; see the class comment. */
  push(chunk: Uint8Array): void {
    if (this.failure) throw this.failure;
    const input = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length);
    const inputLength = input.length;
    try {
      let offset = 0;
      // Lines left complete in the carry (a consumer threw) come first.
      if (this.carrying) this.settleCarry();
      // Finish a straddling message (or line) first, so only its bytes are copied: in one copy when its
      // end can be found ahead in `input`, else one line at a time until it can.
      while (this.carrying && offset < inputLength) {
        const end = this.messageStart >= 0 && this.messageKind !== KIND_FOLLOWS ? this.messageEndIn(input, offset) : -1;
        if (end > 0) {
          this.append(input, offset, end);
          offset = end;
          this.settleCarry();
          continue;
        }
        const lf = input.indexOf(LF, offset);
        const lineEnd = lf < 0 ? inputLength : lf + 1;
        this.append(input, offset, lineEnd);
        offset = lineEnd;
        if (lf < 0) break;
        this.settleCarry();
      }
      if (this.carrying || offset === inputLength) return;
      this.bytes = input;
      this.byteLength = inputLength;
      this.lineStart = offset;
      this.messageStart = -1;
      this.scan();
    } catch (error) {
      if (error instanceof AmiProtocolError) this.fail(error);
      throw error;
    } finally {
      if (!this.failure && !this.carrying) this.keepTail();
    }
  }

  /**
   * Signals the end of the stream. Throws AmiProtocolError ('truncated') when bytes of an unfinished
   * message are left; blank lines and nothing at all are fine.
   */
  end(): void {
    if (this.failure) throw this.failure;
    const bytes = this.bytes;
    if (bytes === undefined) return;
    const from = this.messageStart >= 0 ? this.messageStart : this.lineStart;
    let k = from;
    while (k < this.byteLength && (bytes[k] === CR || bytes[k] === LF)) k++;
    this.bytes = undefined;
    this.carrying = false;
    if (k < this.byteLength || this.messageStart >= 0) {
      const text = bytes.toString('utf8', from, Math.min(this.byteLength, from + 60));
      const failure = new AmiProtocolError(
        `The AMI stream ended in the middle of a message (${this.byteLength - from} bytes after the last complete message, starting ${printable(text)}).`,
        'truncated',
      );
      this.fail(failure);
      throw failure;
    }
  }

  private fail(error: AmiProtocolError): void {
    this.failure = error;
    this.bytes = undefined;
    this.carrying = false;
  }

  /**
   * Where the carried (non-legacy) message ends in input[offset..]: just after the LF of its closing blank
   * line, or -1 when it does not end in this input. The carry's partial line continues at `offset`.
   */
  private messageEndIn(input: Buffer, offset: number): number {
    const carry = this.bytes as Buffer;
    const partial = this.byteLength - this.lineStart;
    let lf = input.indexOf(LF, offset);
    if (lf < 0) return -1;
    // The line that straddles: blank if it is empty or a lone CR, wherever that CR is.
    const straddling = partial + (lf - offset);
    if (this.messageLines > 0 && (straddling === 0 || (straddling === 1 && (partial === 1 ? carry[this.lineStart] : input[offset]) === CR))) {
      return lf + 1;
    }
    for (;;) {
      const lineStart = lf + 1;
      lf = input.indexOf(LF, lineStart);
      if (lf < 0) return -1;
      if (lf === lineStart || (lf === lineStart + 1 && input[lineStart] === CR)) return lf + 1;
    }
  }

  /** Frames what is complete in the carry; drops the carry once nothing in it is pending. */
  private settleCarry(): void {
    this.scan();
    if (this.messageStart < 0 && this.lineStart === this.byteLength) {
      this.carrying = false;
      this.bytes = undefined;
    }
  }

  /** Appends input[start, end) to the carry buffer, growing it geometrically; enforces the size cap. */
  private append(input: Buffer, start: number, end: number): void {
    const current = this.bytes as Buffer;
    const needed = this.byteLength + (end - start);
    const from = this.messageStart >= 0 ? this.messageStart : this.lineStart;
    if (needed - from > this.maxMessageBytes) throw this.tooLarge(needed - from);
    if (needed <= current.length) {
      input.copy(current, this.byteLength, start, end);
    } else {
      const grown = Buffer.allocUnsafe(Math.max(needed, current.length * 2));
      current.copy(grown, 0, 0, this.byteLength);
      input.copy(grown, this.byteLength, start, end);
      this.bytes = grown;
    }
    this.byteLength = needed;
  }

  /** After scanning a chunk: keep the unfinished message (or line) in a carry buffer of our own. */
  private keepTail(): void {
    const bytes = this.bytes;
    if (bytes === undefined) return;
    const from = this.messageStart >= 0 ? this.messageStart : this.lineStart;
    const tail = this.byteLength - from;
    if (tail <= 0) {
      this.bytes = undefined;
      return;
    }
    if (tail > this.maxMessageBytes) {
      const failure = this.tooLarge(tail);
      this.fail(failure);
      throw failure;
    }
    // Small carries come from Node's shared pool; the copy is what lets delivered messages keep the chunk.
    const carry = Buffer.allocUnsafe(Math.max(MIN_CARRY_BYTES, tail * 2));
    bytes.copy(carry, 0, from, this.byteLength);
    this.bytes = carry;
    this.carrying = true;
    this.byteLength = tail;
    this.lineStart -= from;
    if (this.messageStart >= 0) this.messageStart -= from;
  }

  private tooLarge(size: number): AmiProtocolError {
    return new AmiProtocolError(
      `An AMI message exceeded ${this.maxMessageBytes} bytes (at least ${size} received); closing the session. Raise maxMessageBytes if the server really sends messages this large.`,
      'message-too-large',
    );
  }

  /** A fresh slab; the message in progress (from slab index `base`, -1: none) moves along, earlier messages keep the old one. */
  private growSlab(used: number, base: number): void {
    const inProgress = base >= 0 ? used - base : 0;
    const fresh = new Int32Array(Math.max(SLAB_ENTRIES, inProgress * 2));
    if (inProgress > 0) fresh.set(this.slab.subarray(base, used));
    this.slab = fresh;
    this.slabUsed = inProgress;
  }

  /**
   * Frames every complete line of bytes[lineStart, byteLength). The hot loops work on locals; the finally
   * block stores them so a throwing consumer or a cap leaves a consistent state.
   */
  private scan(): void {
    const bytes = this.bytes as Buffer;
    const length = this.byteLength;
    const maxHeaders = this.maxHeaders;
    let lineStart = this.lineStart;
    let messageStart = this.messageStart;
    let kind = this.messageKind;
    let lines = this.messageLines;
    let sawEndCommand = this.sawEndCommand;
    let slab = this.slab;
    let slabUsed = this.slabUsed;
    let slabBase = this.slabBase;
    try {
      outer: for (;;) {
        if (messageStart < 0) {
          // Between messages: skip blank lines, then the banner or the first line of a message.
          const lf = bytes.indexOf(LF, lineStart);
          if (lf < 0 || lf >= length) break;
          if (lf === lineStart || (lf === lineStart + 1 && bytes[lineStart] === CR)) {
            lineStart = lf + 1;
            continue;
          }
          if (this.bannerPending) {
            this.bannerPending = false;
            const start = lineStart;
            lineStart = lf + 1;
            this.deliverBanner(bytes, start, lf + 1);
            continue;
          }
          messageStart = lineStart;
          kind = classify(bytes, lineStart, lf);
          lines = 0;
          sawEndCommand = false;
          slabBase = -1;
        }
        // Inside a message (its first line included): one slab entry per line until the closing blank line.
        for (;;) {
          const lf = bytes.indexOf(LF, lineStart);
          if (lf < 0 || lf >= length) break outer;
          // The only slab write site: one growth path, exercised early (small first slab).
          if (slabUsed === slab.length) {
            this.growSlab(slabUsed, slabBase);
            slab = this.slab;
            slabUsed = this.slabUsed;
            if (slabBase >= 0) slabBase = 0;
          }
          if (slabBase < 0) slabBase = slabUsed;
          if (lines > 0 && lf - lineStart < 2 && (lf === lineStart || bytes[lineStart] === CR)) {
            if (kind !== KIND_FOLLOWS || sawEndCommand) {
              const size = lineStart - messageStart;
              slab[slabUsed++] = size;
              const start = messageStart;
              messageStart = -1;
              lineStart = lf + 1;
              if (size > this.maxMessageBytes) throw this.tooLarge(size);
              this.onMessage(
                kind === KIND_FOLLOWS
                  ? new FollowsMessage(bytes.subarray(start, start + size))
                  : new FramedMessage(KIND_NAMES[kind], bytes, start, slab, slabBase, lines),
              );
              continue outer;
            }
          } else if (kind === KIND_FOLLOWS) {
            sawEndCommand = endsWithEndCommand(bytes, lineStart, lf);
          }
          if (++lines > maxHeaders) {
            throw new AmiProtocolError(
              `An AMI message has more than ${maxHeaders} header lines; closing the session. Raise maxHeaders if the server really sends messages this long.`,
              'too-many-headers',
            );
          }
          slab[slabUsed++] = lineStart - messageStart;
          lineStart = lf + 1;
        }
      }
    } finally {
      this.lineStart = lineStart;
      this.messageStart = messageStart;
      this.messageKind = kind;
      this.messageLines = lines;
      this.sawEndCommand = sawEndCommand;
      this.slab = slab;
      this.slabUsed = slabUsed;
      this.slabBase = slabBase;
    }
  }

  private deliverBanner(bytes: Buffer, start: number, end: number): void {
    if (end - start > this.maxMessageBytes) throw this.tooLarge(end - start);
    if (!startsWithIgnoreCase(bytes, start, end, BANNER_PREFIX)) {
      throw new AmiProtocolError(
        `This is not an AMI server: expected the greeting "Asterisk Call Manager/<version>" but the first line was ${printable(
          bytes.toString('utf8', start, contentEnd(bytes, start, end - 1)),
        )}. Check the host and port (AMI usually listens on 5038, or 5039 with TLS).`,
        'bad-banner',
      );
    }
    this.onMessage(new BannerMessage(bytes.subarray(start, end)));
  }
}

/**
 * The AMI version in a banner (`Asterisk Call Manager/12.0.0` → `12.0.0`), or undefined when `banner` is
 * not an AMI greeting. Accepts the banner message or its text.
 */
export function amiVersionFromBanner(banner: string | AmiMessage): string | undefined {
  const text = typeof banner === 'string' ? banner : banner.raw.toString('utf8');
  return /^Asterisk Call Manager\/(\d+(?:\.\d+)*)\s*$/.exec(text)?.[1];
}
