/** The AMI wire codec: streaming decoder, encoder with the server's limits, secret redaction. */
export { AmiDecoder, amiVersionFromBanner } from './decoder';
export type { DecoderOptions } from './decoder';
export { encodeAction, encodeBanner, encodeMessage, MAX_LINE_BYTES, MAX_LINES } from './encoder';
export type { EncodeOptions, HeaderInput } from './encoder';
export { isSecretHeader, REDACTED, redactBytes, redactedHeadersOf, redactHeaders, redactText, StreamRedactor } from './redact';
export { AmiProtocolError, DEFAULT_DECODER_LIMITS } from './types';
export type { AmiMessage, AmiMessageKind, AmiProtocolErrorCode, DecoderLimits } from './types';
