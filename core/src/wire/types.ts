/**
 * Messages decoded from the AMI wire (docs/protocol.md). Decoding is lazy where it can be:
 * header values are read from the raw bytes on demand, so a consumer that reads three headers of an
 * event pays for three.
 */

/**
 * How a message is classified, by its first line: `banner` (first line of the stream), `response`
 * (`Response:`), `event` (`Event:`, OriginateResponse included), `follows` (legacy `Response: Follows`
 * command output), `action` (`Action:`, what a server reads from a client), `unknown` (anything else).
 */
export type AmiMessageKind = 'banner' | 'response' | 'event' | 'follows' | 'action' | 'unknown';

/** One decoded message. Header names are compared case-insensitively. */
export interface AmiMessage {
  readonly kind: AmiMessageKind;
  /** The exact bytes of the message as received: its lines with their line ends; the closing blank line excluded. */
  readonly raw: Buffer;
  /** First value of the header, or undefined. Case-insensitive name. */
  get(name: string): string | undefined;
  /** Every value of the header, in order (repeats kept). */
  getAll(name: string): string[];
  /** Every header in order, repeats kept, as [name, value] pairs. */
  headers(): Array<[string, string]>;
  /** For `Response: Follows` (legacy Command): the raw output lines before `--END COMMAND--`. */
  readonly output?: string[];
  /** True when `raw` starts with these bytes; decoded messages answer without making a `raw` view. */
  rawStartsWith?(prefix: Uint8Array): boolean;
}

/** Caps that end the session with a clear error instead of growing without bound. */
export interface DecoderLimits {
  /** Bytes in one message (default 1 MiB). */
  maxMessageBytes: number;
  /** Header lines in one message (default 4096; legacy command output lines count too). */
  maxHeaders: number;
}

/** Default caps: 1 MiB per message, 4096 lines per message. */
export const DEFAULT_DECODER_LIMITS: Readonly<DecoderLimits> = Object.freeze({
  maxMessageBytes: 1024 * 1024,
  maxHeaders: 4096,
});

/** What an AmiProtocolError is about. */
export type AmiProtocolErrorCode =
  | 'message-too-large'
  | 'too-many-headers'
  | 'bad-banner'
  | 'encode'
  /** The stream ended (end()) in the middle of a message. */
  | 'truncated';

/** Thrown/emitted when a cap is exceeded or the stream is unusable. */
export class AmiProtocolError extends Error {
  constructor(
    message: string,
    readonly code: AmiProtocolErrorCode,
  ) {
    super(message);
    this.name = 'AmiProtocolError';
  }
}
