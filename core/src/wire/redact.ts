/**
 * Secret redaction (../shared/docs/SECURITY.md), by name and by value. By name: the values of headers named
 * Secret, Key, Passwd, or anything containing "secret", "password" or "token" (any case). By value: every
 * secret registered with `rememberSecret` (the secret of each connection in use) is replaced wherever it
 * appears, in any header, name, text or byte stream, since any client on the PBX can echo it back.
 */
import type { AmiMessage } from './types';

/** What a redacted value becomes (fixed length, so the secret's length does not leak). */
export const REDACTED = '********';

const REDACTED_BYTES = Buffer.from(REDACTED, 'latin1');
/** A line that is still undecided after this many bytes without a line end is passed through (or cut). */
const MAX_HELD_LINE_BYTES = 1024;
/** Longest header name the byte redactors look at. */
const MAX_NAME_BYTES = 64;
/**
 * Secrets shorter than this are redacted by name only: replacing every "12" in the output would destroy it
 * (and such a secret does not protect the PBX anyway).
 */
export const MIN_SECRET_VALUE_LENGTH = 4;

/** Secrets in use, longest first (so a secret containing another is replaced whole). */
let secretValues: string[] = [];
let secretBuffers: Buffer[] = [];

/**
 * Registers a secret to redact by value everywhere in this process from now on (kept for the process's life:
 * a saved session or a report written after the connection closed must not show it either).
 */
export function rememberSecret(secret: string | undefined): void {
  if (secret === undefined || secret.length < MIN_SECRET_VALUE_LENGTH || secretValues.includes(secret)) return;
  secretValues = [...secretValues, secret].sort((a, b) => b.length - a.length);
  // The byte forms a stream can carry it in: UTF-8 (what the encoder writes) and latin1.
  const forms = new Set<string>();
  for (const value of secretValues) {
    forms.add(Buffer.from(value, 'utf8').toString('latin1'));
    forms.add(value);
  }
  secretBuffers = [...forms].filter((form) => [...form].every((c) => c.charCodeAt(0) < 256)).map((form) => Buffer.from(form, 'latin1'));
  secretBuffers.sort((a, b) => b.length - a.length);
}

/** Forgets every remembered secret (tests). */
export function forgetSecrets(): void {
  secretValues = [];
  secretBuffers = [];
}

/** True for header names whose values are secrets: Secret, Key, Passwd, *secret*, *password*, *token* (any case). */
export function isSecretHeader(name: string): boolean {
  const lower = name.trim().toLowerCase();
  return lower === 'key' || lower === 'passwd' || lower.includes('secret') || lower.includes('password') || lower.includes('token');
}

/** `text` with every remembered secret replaced by REDACTED. */
export function redactSecretValues(text: string): string {
  if (secretValues.length === 0) return text;
  let out = text;
  for (const secret of secretValues) if (out.includes(secret)) out = out.split(secret).join(REDACTED);
  return out;
}

/** A copy of `headers` with secret values replaced by REDACTED (empty values stay empty), by name and by value. */
export function redactHeaders(headers: ReadonlyArray<readonly [string, string]>): Array<[string, string]> {
  return headers.map(([name, value]): [string, string] => [
    redactSecretValues(name),
    isSecretHeader(name) && value !== '' ? REDACTED : redactSecretValues(value),
  ]);
}

/** A deep copy of plain data (objects, arrays, strings) with every remembered secret replaced in every string. */
export function redactSecretsDeep<T>(value: T): T {
  if (secretValues.length === 0) return value;
  if (typeof value === 'string') return redactSecretValues(value) as T;
  if (Array.isArray(value)) return value.map((item) => redactSecretsDeep(item)) as T;
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[key] = redactSecretsDeep(item);
    return out as T;
  }
  return value;
}

/** The headers of a decoded message, secrets redacted: what to show or log. */
export function redactedHeadersOf(message: AmiMessage): Array<[string, string]> {
  return redactHeaders(message.headers());
}

/** `text` (AMI lines with CRLF or LF ends) with the values of secret-named lines and every remembered secret redacted. */
export function redactText(text: string): string {
  const byName = text
    .split('\n')
    .map((line) => {
      const match = /^([ \t]*([^:\r\n]{1,64}?)[ \t]*:[ \t]?)([\s\S]*?)(\r?)$/.exec(line);
      return match && match[3] !== '' && isSecretHeader(match[2]) ? `${match[1]}${REDACTED}${match[4]}` : line;
    })
    .join('\n');
  return redactSecretValues(byName);
}

/** Offset of the value in a secret-named header line starting at `start`, or -1 when the line is not one. */
function secretValueOffset(bytes: Uint8Array, start: number, end: number): number {
  let k = start;
  while (k < end && (bytes[k] === 32 || bytes[k] === 9) && k - start < MAX_NAME_BYTES) k++;
  const nameStart = k;
  while (k < end && bytes[k] !== 58 && bytes[k] !== 10 && k - nameStart <= MAX_NAME_BYTES) k++;
  if (k >= end || bytes[k] !== 58 || k === nameStart) return -1;
  if (!isSecretHeader(Buffer.from(bytes.buffer, bytes.byteOffset + nameStart, k - nameStart).toString('latin1'))) return -1;
  k++;
  if (k < end && (bytes[k] === 32 || bytes[k] === 9)) k++;
  return k;
}

/** True when the partial line [start, end) could still become a secret-named header line once more bytes arrive. */
function couldBecomeSecretLine(bytes: Uint8Array, start: number, end: number): boolean {
  for (let k = start; k < end; k++) if (bytes[k] === 58) return false;
  // Up to MAX_NAME_BYTES blanks and a name of up to MAX_NAME_BYTES + 1 bytes, as secretValueOffset reads them.
  return end - start <= 2 * MAX_NAME_BYTES + 1;
}

/** Longest remembered secret in bytes (0 when none). */
function longestSecretBytes(): number {
  return secretBuffers.length > 0 ? secretBuffers[0].length : 0;
}

/**
 * Replaces remembered secrets in `source` up to `limit`: occurrences that start before `limit` are replaced
 * whole. Returns the redacted bytes and where they end in `source` (>= limit when an occurrence ran past it).
 */
function replaceSecretBytes(source: Buffer, limit: number): { out: Buffer; end: number } {
  if (secretBuffers.length === 0 || limit <= 0) return { out: source.subarray(0, Math.max(0, limit)), end: Math.max(0, limit) };
  const parts: Buffer[] = [];
  let copied = 0;
  let k = 0;
  let end = limit;
  while (k < limit) {
    let best = -1;
    let bestLength = 0;
    for (const secret of secretBuffers) {
      const at = source.indexOf(secret, k);
      if (at >= 0 && at < limit && (best < 0 || at < best || (at === best && secret.length > bestLength))) {
        best = at;
        bestLength = secret.length;
      }
    }
    if (best < 0) break;
    parts.push(source.subarray(copied, best), REDACTED_BYTES);
    copied = k = best + bestLength;
    end = Math.max(end, k);
  }
  parts.push(source.subarray(copied, end));
  return { out: parts.length === 1 ? parts[0] : Buffer.concat(parts), end };
}

/** By-name redaction of whole lines (no remembered secrets). */
function redactNamedLines(source: Buffer): Buffer {
  const parts: Buffer[] = [];
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
  if (parts.length === 0) return source;
  parts.push(source.subarray(copied));
  return Buffer.concat(parts);
}

/**
 * `bytes` with the values of secret-named lines and every remembered secret replaced by REDACTED, line ends
 * and every other byte kept. Works on raw bytes (no decoding), for captures and logs of the wire.
 */
export function redactBytes(bytes: Uint8Array): Buffer {
  const source = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  const named = redactNamedLines(source);
  return Buffer.from(replaceSecretBytes(named, named.length).out);
}

/**
 * Redacts a byte stream split anywhere (a `Secret:` line or a remembered secret may straddle two reads):
 * push() returns the bytes that are safe to write now, holding back at most one undecided line start (and the
 * last bytes of a long line, which could begin a secret); end() returns the rest. The concatenated output
 * equals redactBytes() of the whole stream.
 */
export class StreamRedactor {
  /** Bytes not yet written: the start of an undecided line, or the tail of a line whose start was written. */
  private held: Buffer = Buffer.alloc(0);
  /** `held` continues a line already partly written (its name is decided: not a secret). */
  private continuing = false;
  /** Inside a secret value whose redacted start was already written: drop bytes until LF. */
  private swallowing = false;
  private swallowedCr = false;

  /** Redacted bytes ready to write. */
  push(chunk: Uint8Array): Buffer {
    const out: Buffer[] = [];
    let input = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length);
    if (this.swallowing) {
      const lf = input.indexOf(10);
      if (lf < 0) {
        if (input.length > 0) this.swallowedCr = input[input.length - 1] === 13;
        return Buffer.alloc(0);
      }
      out.push(Buffer.from((lf > 0 ? input[lf - 1] === 13 : this.swallowedCr) ? '\r\n' : '\n', 'latin1'));
      this.swallowing = this.swallowedCr = false;
      input = input.subarray(lf + 1);
    }
    const data = this.held.length > 0 ? Buffer.concat([this.held, input]) : input;
    this.held = Buffer.alloc(0);
    const lastLf = data.lastIndexOf(10);
    let rest = data;
    if (lastLf >= 0) {
      const firstLf = data.indexOf(10);
      // A continued line's start was written: only its remembered secrets are left to replace.
      const lines = this.continuing
        ? Buffer.concat([data.subarray(0, firstLf + 1), redactNamedLines(data.subarray(firstLf + 1, lastLf + 1))])
        : redactNamedLines(data.subarray(0, lastLf + 1));
      out.push(Buffer.from(replaceSecretBytes(lines, lines.length).out));
      this.continuing = false;
      rest = data.subarray(lastLf + 1);
    }
    if (this.continuing) {
      out.push(this.passLongLine(rest));
      return Buffer.concat(out);
    }
    const valueStart = secretValueOffset(rest, 0, rest.length);
    // A secret value is decided once it has a byte that is not a possible trailing CR.
    if (valueStart >= 0 && rest.length > valueStart && !(rest.length === valueStart + 1 && rest[valueStart] === 13)) {
      out.push(Buffer.from(replaceSecretBytes(rest, valueStart).out), REDACTED_BYTES);
      this.swallowing = true;
      this.swallowedCr = rest[rest.length - 1] === 13;
    } else if (rest.length > MAX_HELD_LINE_BYTES || (valueStart < 0 && !couldBecomeSecretLine(rest, 0, rest.length))) {
      this.continuing = true;
      out.push(this.passLongLine(rest));
    } else {
      this.held = Buffer.from(rest);
    }
    return Buffer.concat(out);
  }

  /** Writes a decided line's bytes except a tail that could start a remembered secret. */
  private passLongLine(bytes: Buffer): Buffer {
    const keep = Math.max(0, longestSecretBytes() - 1);
    const { out, end } = replaceSecretBytes(bytes, bytes.length - keep);
    this.held = Buffer.from(bytes.subarray(end));
    return Buffer.from(out);
  }

  /** The held-back remainder, redacted. */
  end(): Buffer {
    const rest = this.held;
    const continuing = this.continuing;
    this.held = Buffer.alloc(0);
    this.swallowing = this.continuing = this.swallowedCr = false;
    return continuing ? Buffer.from(replaceSecretBytes(rest, rest.length).out) : redactBytes(rest);
  }
}
