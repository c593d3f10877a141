/**
 * Connection failures for the extension: core classifies them and says what to check on the Asterisk side
 * (the same sentences as `ami` on the command line); this adds which VS Code setting or command changes it.
 */
import { explainFailure, type ExplainedFailure } from '../../../core/src/session/errors';
import { SETTING_CONNECTIONS, type ConnectionProfile } from '../../../core/src/profiles/profiles';

/** A failure as the extension shows it: core's classification, `detail` ending with the setting to change. */
export interface ProfileFailure extends ExplainedFailure {
  /** Full sentence(s) for the notification and the log. */
  detail: string;
}

/** Explains a failure of connecting to or talking with `profile`'s server. */
export function explainProfileFailure(error: unknown, profile: ConnectionProfile): ProfileFailure {
  const failure = explainFailure(error, `${profile.host}:${profile.port}`, profile.tls);
  const setting = `setting ${SETTING_CONNECTIONS}, connection "${profile.name}"`;
  let fix: string;
  if (failure.code === 'auth-failed') fix = `Change the secret with "AMI: Set Password", the username in ${setting}. Not retrying, so the account is not locked out.`;
  else if (failure.code === 'tls') fix = `Give the CA that signed the server's certificate in "caFile", or check "tls" and "port" (${setting}). Certificate checks stay on.`;
  else fix = `To change host, port, TLS or CA file: ${setting}.`;
  return { ...failure, detail: `${failure.message} ${fix}` };
}
