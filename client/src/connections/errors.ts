/**
 * Turns connection failures into messages that say what to check and which setting to change
 * (the vscode-restclient habit). Pure: works on the error's code and message only.
 */
import { describeTarget, SETTING_CONNECTIONS, type ConnectionProfile } from '../../../core/src/profiles/profiles';

export type FailureKind =
  | 'refused'
  | 'timeout'
  | 'dns'
  | 'unreachable'
  | 'tls'
  | 'auth'
  | 'permission'
  | 'closed'
  | 'protocol'
  | 'other';

export interface ExplainedFailure {
  kind: FailureKind;
  /** Short, for the status bar ("failed: authentication failed"). */
  short: string;
  /** Full sentence(s) for the notification and the log. */
  detail: string;
  /** Whether reconnecting can help (never after an authentication failure). */
  retryable: boolean;
}

const TLS_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'CERT_NOT_YET_VALID',
  'ERR_SSL_WRONG_VERSION_NUMBER',
  'EPROTO',
]);

function errorCode(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null) {
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    const kind = (error as { kind?: unknown }).kind;
    if (typeof kind === 'string') return kind;
  }
  return undefined;
}

function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return typeof error === 'string' ? error : String(error);
}

/** The session's AmiConnectError codes (core/src/session/errors.ts): its messages already say what to check. */
const sessionCodeKinds: Record<string, [FailureKind, string]> = {
  refused: ['refused', 'connection refused'],
  timeout: ['timeout', 'timed out'],
  dns: ['dns', 'unknown host'],
  unreachable: ['unreachable', 'host unreachable'],
  reset: ['closed', 'connection reset'],
  tls: ['tls', 'TLS failure'],
  'auth-failed': ['auth', 'authentication failed'],
  protocol: ['protocol', 'not an AMI server'],
  'dead-link': ['timeout', 'no answer to keepalive'],
  closed: ['closed', 'connection closed'],
  shutdown: ['closed', 'Asterisk shut down'],
};

/** Explains a failure of connecting to or talking with `profile`'s server. */
export function explainFailure(error: unknown, profile: ConnectionProfile): ExplainedFailure {
  const code = errorCode(error) ?? '';
  const message = errorMessage(error);
  const fromSession = sessionCodeKinds[code];
  if (fromSession && error instanceof Error && error.name === 'AmiConnectError') {
    const [kind, short] = fromSession;
    const setting = kind === 'auth' ? ` Check the username (setting ${SETTING_CONNECTIONS}, connection "${profile.name}") and run "AMI: Set Password". Not retrying.` : ` To change host, port, TLS or CA file: setting ${SETTING_CONNECTIONS}, connection "${profile.name}".`;
    return { kind, short, detail: `${message}${setting}`, retryable: kind !== 'auth' && kind !== 'tls' && kind !== 'protocol' };
  }
  const target = describeTarget(profile);
  const fix = `(setting ${SETTING_CONNECTIONS}, connection "${profile.name}")`;
  if (code === 'ECONNREFUSED' || /ECONNREFUSED|connection refused/i.test(message)) {
    return {
      kind: 'refused',
      short: 'connection refused',
      detail: `${profile.host}:${profile.port} refused the connection. Check that Asterisk runs, that manager.conf has "enabled = yes" and listens on port ${profile.port}${profile.tls ? ' with "tlsenable = yes"' : ''}, and that host and port are right ${fix}.`,
      retryable: true,
    };
  }
  if (code === 'ETIMEDOUT' || code === 'timeout' || /timed? ?out/i.test(message)) {
    return {
      kind: 'timeout',
      short: 'timed out',
      detail: `No answer from ${profile.host}:${profile.port} in time (${message}). Check the host address, firewalls between you and the server, and manager.conf "bindaddr" ${fix}.`,
      retryable: true,
    };
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return {
      kind: 'dns',
      short: `unknown host ${profile.host}`,
      detail: `The host name "${profile.host}" could not be resolved. Check its spelling or use an IP address ${fix}.`,
      retryable: code === 'EAI_AGAIN',
    };
  }
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH' || code === 'EADDRNOTAVAIL') {
    return {
      kind: 'unreachable',
      short: 'host unreachable',
      detail: `${profile.host} cannot be reached from this machine (${code}). Check the network route or VPN ${fix}.`,
      retryable: true,
    };
  }
  if (TLS_CODES.has(code) || /certificate|TLS|SSL/i.test(message)) {
    return {
      kind: 'tls',
      short: 'TLS failure',
      detail: `The TLS handshake with ${profile.host}:${profile.port} failed: ${message}. Check that the server has "tlsenable = yes" on this port, that its certificate matches "${profile.host}", and give the CA that signed it in "caFile" ${fix}. Certificate checks stay on.`,
      retryable: false,
    };
  }
  if (code === 'auth' || code === 'authentication-failed' || /authentication failed/i.test(message)) {
    return {
      kind: 'auth',
      short: 'authentication failed',
      detail: `Asterisk refused the login of ${target}. Check the username ${fix} and the password (run "AMI: Set Password"), and manager.conf "permit"/"deny" for your address. Not retrying, so the account is not locked out.`,
      retryable: false,
    };
  }
  if (code === 'permission' || /permission denied/i.test(message)) {
    return {
      kind: 'permission',
      short: 'permission denied',
      detail: `Permission denied for ${target}: the manager.conf user lacks the read/write class this action needs. Not retried.`,
      retryable: false,
    };
  }
  if (code === 'ECONNRESET' || code === 'EPIPE' || code === 'closed' || /closed|reset|hang ?up|shutdown/i.test(message)) {
    return {
      kind: 'closed',
      short: 'connection closed',
      detail: `${profile.host}:${profile.port} closed the connection (${message}). Asterisk may have restarted, or manager.conf "authlimit"/"writetimeout" was reached.`,
      retryable: true,
    };
  }
  if (code === 'message-too-large' || code === 'too-many-headers' || code === 'bad-banner') {
    return {
      kind: 'protocol',
      short: 'not an AMI server',
      detail: `${profile.host}:${profile.port} did not speak AMI as expected: ${message}. Check that the port is Asterisk's manager port ${fix}.`,
      retryable: false,
    };
  }
  return { kind: 'other', short: message.slice(0, 80), detail: `${target}: ${message}`, retryable: true };
}
