/**
 * Secret redaction (docs/security.md): the values of `Secret:` and `Key:` headers never reach a
 * log, an output channel or a saved capture. Names are matched case-insensitively, like the server does.
 */
import type { AmiMessage } from './types';

/** What a redacted value becomes (fixed length, so the secret's length does not leak). */
export const REDACTED = '********';

const SECRET_NAMES = new Set(['secret', 'key']);
const REDACTED_BYTES = Buffer.from(REDACTED, 'latin1');
/** A line that is still undecided after this many bytes without a line end is passed through (or cut). */
const MAX_HELD_LINE_BYTES = 1024;

/** True for header names whose values are secrets (`Secret`, `Key`, any case, surrounding blanks ignored). */
export function isSecretHeader(name: string): boolean {
  return SECRET_NAMES.has(name.trim().toLowerCase());
}

/** A copy of `headers` with secret values replaced by REDACTED (empty values stay empty). */
export function redactHeaders(headers: ReadonlyArray<readonly [string, string]>): Array<[string, string]> {
  return headers.map(([name, value]): [string, string] => [name, isSecretHeader(name) && value !== '' ? REDACTED : value]);
}

/** The headers of a decoded message, secrets redacted: what to show or log. */
export function redactedHeadersOf(message: AmiMessage): Array<[string, string]> {
  return redactHeaders(message.headers());
}

/** `text` (AMI lines with CRLF or LF ends) with the values of Secret/Key lines replaced by REDACTED. */
export function redactText(text: string): string {
  return text
    .split('\n')
    .map((line) => {
      const match = /^([ \t]*(?:secret|key)[ \t]*:[ \t]?)([\s\S]*?)(\r?)$/i.exec(line);
      return match && match[2] !== '' ? `${match[1]}${REDACTED}${match[3]}` : line;
    })
    .join('\n');
}

/** Offset of the value in a secret header line starting at `start`, or -1 when the line is not one. */
function secretValueOffset(bytes: Uint8Array, start: number, end: number): number {
  let k = start;
  while (k < end && (bytes[k] === 32 || bytes[k] === 9)) k++;
  const nameStart = k;
  while (k < end && bytes[k] !== 58 && bytes[k] !== 32 && bytes[k] !== 9 && k - nameStart < 8) k++;
  const nameLength = k - nameStart;
  if (nameLength !== 3 && nameLength !== 6) return -1;
  let name = '';
  for (let m = nameStart; m < k; m++) name += String.fromCharCode(bytes[m] | 32);
  if (!SECRET_NAMES.has(name)) return -1;
  while (k < end && (bytes[k] === 32 || bytes[k] === 9)) k++;
  if (k >= end || bytes[k] !== 58) return -1;
  k++;
  if (k < end && (bytes[k] === 32 || bytes[k] === 9)) k++;
  return k;
}

/** True when the partial line [start, end) could still become a secret header line once more bytes arrive. */
function couldBecomeSecretLine(bytes: Uint8Array, start: number, end: number): boolean {
  let k = start;
  while (k < end && (bytes[k] === 32 || bytes[k] === 9)) k++;
  let word = '';
  while (k < end && word.length < 7 && ((bytes[k] | 32) >= 97 && (bytes[k] | 32) <= 122)) word += String.fromCharCode(bytes[k++] | 32);
  if (k === end) return 'secret'.startsWith(word) || 'key'.startsWith(word);
  if (!SECRET_NAMES.has(word)) return false;
  while (k < end && (bytes[k] === 32 || bytes[k] === 9)) k++;
  return k === end;
}

/**
 * `bytes` with the values of Secret/Key lines replaced by REDACTED, line ends and every other byte kept.
 * Works on raw bytes (no decoding), for captures and logs of the wire.
 */
export function redactBytes(bytes: Uint8Array): Buffer {
  const parts: Buffer[] = [];
  const source = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  let copied = 0;
  let lineStart = 0;
  while (lineStart < source.length) {
    let lineEnd = source.indexOf(10, lineStart);
    if (lineEnd < 0) lineEnd = source.length;
    const contentEnd = lineEnd > lineStart && source[lineEnd - 1] === 13 ? lineEnd - 1 : lineEnd;
    const valueStart = secretValueOffset(source, lineStart, contentEnd);
    if (valueStart >= 0 && valueStart < contentEnd) {
      parts.push(source.subarray(copied, valueStart), REDACTED_BYTES);
      copied = contentEnd;
    }
    lineStart = lineEnd + 1;
  }
  if (parts.length === 0) return Buffer.from(source);
  parts.push(source.subarray(copied));
  return Buffer.concat(parts);
}

/**
 * Redacts a byte stream split anywhere (a `Secret:` line may straddle two reads): push() returns the bytes
 * that are safe to write now, holding back at most one undecided line start; end() returns the rest.
 * The concatenated output equals redactBytes() of the whole stream.
 */
export class StreamRedactor {
  private held: Buffer = Buffer.alloc(0);
  /** Inside a secret value whose redacted start was already written: drop bytes until LF. */
  private swallowing = false;
  private swallowedCr = false;
  /** Inside an ordinary line already written: pass bytes until LF. */
  private passing = false;

  /** Redacted bytes ready to write. */
  push(chunk: Uint8Array): Buffer {
    const out: Buffer[] = [];
    let input = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length);
    if (this.swallowing || this.passing) {
      const lf = input.indexOf(10);
      if (lf < 0) {
        if (this.passing) return Buffer.from(input);
        if (input.length > 0) this.swallowedCr = input[input.length - 1] === 13;
        return Buffer.alloc(0);
      }
      if (this.passing) out.push(input.subarray(0, lf + 1));
      else out.push(Buffer.from((lf > 0 ? input[lf - 1] === 13 : this.swallowedCr) ? '\r\n' : '\n', 'latin1'));
      this.swallowing = this.passing = this.swallowedCr = false;
      input = input.subarray(lf + 1);
    }
    const data = this.held.length > 0 ? Buffer.concat([this.held, input]) : input;
    const lastLf = data.lastIndexOf(10);
    if (lastLf >= 0) out.push(redactBytes(data.subarray(0, lastLf + 1)));
    const rest = data.subarray(lastLf + 1);
    this.held = Buffer.alloc(0);
    const valueStart = secretValueOffset(rest, 0, rest.length);
    // A secret value is decided once it has a byte that is not a possible trailing CR.
    if (valueStart >= 0 && rest.length > valueStart && !(rest.length === valueStart + 1 && rest[valueStart] === 13)) {
      out.push(rest.subarray(0, valueStart), REDACTED_BYTES);
      this.swallowing = true;
      this.swallowedCr = rest[rest.length - 1] === 13;
    } else if (rest.length > MAX_HELD_LINE_BYTES || (valueStart < 0 && !couldBecomeSecretLine(rest, 0, rest.length))) {
      out.push(Buffer.from(rest));
      this.passing = rest.length > 0;
    } else {
      this.held = Buffer.from(rest);
    }
    return Buffer.concat(out);
  }

  /** The held-back remainder, redacted. */
  end(): Buffer {
    const rest = this.held;
    this.held = Buffer.alloc(0);
    this.swallowing = this.passing = this.swallowedCr = false;
    return redactBytes(rest);
  }
}
