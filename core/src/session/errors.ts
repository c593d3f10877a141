/** Errors of the session, each saying what to check. Their texts never carry a remembered secret. */
import { redactSecretValues } from '../wire/redact';

/** Why a connection could not be made or was lost. */
export type AmiConnectErrorCode =
  | 'refused'
  | 'timeout'
  | 'dns'
  | 'unreachable'
  | 'reset'
  | 'tls'
  | 'auth-failed'
  | 'protocol'
  | 'dead-link'
  | 'closed'
  | 'shutdown';

/** A connection/login failure or loss. `retryable` is false when reconnecting cannot help. */
export class AmiConnectError extends Error {
  constructor(
    message: string,
    readonly code: AmiConnectErrorCode,
  ) {
    // Server text (a Message header) can echo a secret: redacted before any log or notification sees it.
    super(redactSecretValues(message));
    this.name = 'AmiConnectError';
  }

  /** Auth failures, certificate problems and non-AMI peers do not fix themselves: never retried. */
  get retryable(): boolean {
    return this.code !== 'auth-failed' && this.code !== 'tls' && this.code !== 'protocol';
  }
}

/** Why an action did not complete. */
export type AmiActionErrorCode = 'timeout' | 'disconnected' | 'not-connected' | 'encode' | 'closed' | 'list-limit';

/** What had arrived of an answer that did not complete (a list cut by a drop, a deadline or the item cap). */
export interface PartialAnswer {
  /** The response (`EventList: start`). Typed loosely to keep this file free of wire types. */
  response: import('../wire/types').AmiMessage;
  items: Array<import('../wire/types').AmiMessage>;
}

/** An action that got no (complete) answer. Never retried by the session. */
export class AmiActionError extends Error {
  constructor(
    message: string,
    readonly code: AmiActionErrorCode,
    readonly action: string,
    readonly actionId: string | undefined,
    /** What arrived before the failure, so it can still be shown. */
    readonly partial?: PartialAnswer,
  ) {
    // Server text (a Message header) can echo a secret: redacted before any log or notification sees it.
    super(redactSecretValues(message));
    this.name = 'AmiActionError';
  }
}

/**
 * Turns a socket error code (ECONNREFUSED, ETIMEDOUT, ENOTFOUND, CERT_HAS_EXPIRED...) into an AmiConnectError whose
 * message names what to check. `where` is `host:port`.
 */
export function describeSocketError(code: string | undefined, detail: string, where: string, tls: boolean): AmiConnectError {
  switch (code) {
    case 'ECONNREFUSED':
      return new AmiConnectError(
        `Connection refused by ${where}: check that Asterisk is running, that manager.conf [general] has enabled = yes, and the port${tls ? ' (TLS: tlsbindport, usually 5039)' : ' (bindport, usually 5038)'}.`,
        'refused',
      );
    case 'ETIMEDOUT':
    case 'ESOCKETTIMEDOUT':
      return new AmiConnectError(`Timed out connecting to ${where}: check the host, the port and any firewall between.`, 'timeout');
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new AmiConnectError(`Host of ${where} not found: check the host name.`, 'dns');
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return new AmiConnectError(`${where} is unreachable: check the host address and the network.`, 'unreachable');
    case 'ECONNRESET':
    case 'EPIPE':
      return new AmiConnectError(
        `Connection to ${where} was reset: the server closed it (check manager.conf permit/deny for this address${tls ? ', and that the port speaks TLS' : ''}).`,
        'reset',
      );
    case 'ERR_SSL_WRONG_VERSION_NUMBER':
    case 'ERR_SSL_PACKET_LENGTH_TOO_LONG':
      return new AmiConnectError(
        `TLS handshake with ${where} failed: that port does not speak TLS (plain AMI is usually 5038, TLS 5039; check tlsenable and tlsbindport in manager.conf).`,
        'tls',
      );
    default:
      if (tls && code !== undefined && /CERT|SELF_SIGNED|UNABLE_TO|HOSTNAME|ALTNAME|SSL|TLS|ERR_SSL/i.test(code)) {
        return new AmiConnectError(
          `TLS failure with ${where} (${code}: ${detail}): check the certificate, its host name, or give the CA file that signed it.`,
          'tls',
        );
      }
      return new AmiConnectError(`Connection to ${where} failed${code ? ` (${code})` : ''}: ${detail}`, 'closed');
  }
}
