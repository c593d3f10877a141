/**
 * AMI encoder: headers → `Name: value\r\n` … `\r\n`. It refuses what Asterisk would split, truncate or
 * reject (docs/protocol.md "Limits"), naming the header at fault.
 */
import { AmiProtocolError } from './types';

/** Longest line Asterisk reads (name, ': ' and value), CRLF excluded. */
export const MAX_LINE_BYTES = 1022;
/** Most header lines Asterisk keeps in one message; it silently drops the rest. */
export const MAX_LINES = 128;

/** Headers in order (repeats allowed, e.g. one `Variable` per variable) or a plain record. */
export type HeaderInput = ReadonlyArray<readonly [string, string]> | Readonly<Record<string, string>>;

/** Options for encodeMessage. */
export interface EncodeOptions {
  /** Enforce the server's read limits (line length, line count). Default true; false for server-side output. */
  checkLimits?: boolean;
}

function toPairs(headers: HeaderInput): ReadonlyArray<readonly [string, string]> {
  return Array.isArray(headers) ? (headers as ReadonlyArray<readonly [string, string]>) : Object.entries(headers);
}

function describeChar(code: number): string {
  return code === 13 ? 'a carriage return (CR)' : code === 10 ? 'a line feed (LF)' : 'a NUL byte';
}

/** Index of the first CR, LF or NUL in `text`, or -1. */
function forbiddenIndex(text: string): number {
  for (let k = 0; k < text.length; k++) {
    const code = text.charCodeAt(k);
    if (code === 13 || code === 10 || code === 0) return k;
  }
  return -1;
}

/**
 * Encodes one message. Throws AmiProtocolError (code 'encode') naming the header when a name is empty,
 * contains a colon, whitespace at its ends, CR, LF or NUL; when a value contains CR, LF or NUL; when a line
 * is over 1022 bytes or there are more than 128 lines (unless checkLimits is false).
 */
export function encodeMessage(headers: HeaderInput, options: EncodeOptions = {}): Buffer {
  const checkLimits = options.checkLimits ?? true;
  const pairs = toPairs(headers);
  if (checkLimits && pairs.length > MAX_LINES) {
    throw new AmiProtocolError(
      `The message has ${pairs.length} header lines; Asterisk reads at most ${MAX_LINES} per message and drops the rest. Split it into several actions.`,
      'encode',
    );
  }
  let text = '';
  pairs.forEach(([name, value], index) => {
    if (typeof name !== 'string' || typeof value !== 'string') {
      throw new AmiProtocolError(`Header #${index + 1} (${String(name)}) must be a name and a value, both strings.`, 'encode');
    }
    if (name === '') throw new AmiProtocolError(`Header #${index + 1} has an empty name.`, 'encode');
    const badName = forbiddenIndex(name);
    if (badName >= 0) {
      throw new AmiProtocolError(
        `Header name ${JSON.stringify(name)} contains ${describeChar(name.charCodeAt(badName))}, which would break the message apart; remove it.`,
        'encode',
      );
    }
    if (name.includes(':')) {
      throw new AmiProtocolError(`Header name ${JSON.stringify(name)} contains a colon; the server would split the line there.`, 'encode');
    }
    if (name.trim() !== name) {
      throw new AmiProtocolError(`Header name ${JSON.stringify(name)} starts or ends with whitespace; the server would not recognise it.`, 'encode');
    }
    const badValue = forbiddenIndex(value);
    if (badValue >= 0) {
      throw new AmiProtocolError(
        `The value of header '${name}' contains ${describeChar(value.charCodeAt(badValue))} at position ${badValue + 1}, which would ${
          value.charCodeAt(badValue) === 0 ? 'truncate' : 'split'
        } the message; send multi-line data as separate headers.`,
        'encode',
      );
    }
    const line = `${name}: ${value}`;
    if (checkLimits) {
      const lineBytes = Buffer.byteLength(line, 'utf8');
      if (lineBytes > MAX_LINE_BYTES) {
        throw new AmiProtocolError(
          `Header '${name}' makes a ${lineBytes}-byte line; Asterisk accepts at most ${MAX_LINE_BYTES} bytes per line (name, ': ' and value). Shorten the value by ${
            lineBytes - MAX_LINE_BYTES
          } bytes.`,
          'encode',
        );
      }
    }
    text += `${line}\r\n`;
  });
  return Buffer.from(`${text}\r\n`, 'utf8');
}

/** Encodes an action a client sends, with the server's limits enforced. Same errors as encodeMessage. */
export function encodeAction(headers: HeaderInput): Buffer {
  return encodeMessage(headers, { checkLimits: true });
}

/** The greeting a server sends first: `Asterisk Call Manager/<amiVersion>\r\n`. */
export function encodeBanner(amiVersion: string): Buffer {
  if (!/^\d+(\.\d+)*$/.test(amiVersion)) {
    throw new AmiProtocolError(`AMI version ${JSON.stringify(amiVersion)} is not like 12.0.0.`, 'encode');
  }
  return Buffer.from(`Asterisk Call Manager/${amiVersion}\r\n`, 'latin1');
}
