/**
 * Connection profiles from the `ami.connections` setting (machine scope: a repository cannot redirect a stored
 * secret). Pure: validation turns whatever settings.json holds into typed profiles or errors that name the fix.
 */

export type AuthType = 'md5' | 'plain';

export interface ConnectionProfile {
  name: string;
  host: string;
  port: number;
  username: string;
  tls: boolean;
  /** PEM file of the CA that signed the server's certificate (TLS only). */
  caFile?: string;
  authType: AuthType;
  /** `Events:` on Login: "on", "off" or a class list ("call,system"). */
  events: string;
  /** Every state-changing action asks first; shown in a warning colour. */
  production: boolean;
  variables: Record<string, string>;
}

export const SETTING_CONNECTIONS = 'ami.connections';
export const DEFAULT_PORT = 5038;
export const DEFAULT_TLS_PORT = 5039;

export interface ProfileParse {
  profiles: ConnectionProfile[];
  /** One line per rejected entry or field, naming the setting path to fix. */
  errors: string[];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const EVENTS_PATTERN = /^(on|off|[a-z]+(,[a-z]+)*)$/i;
const HOST_PATTERN = /^[A-Za-z0-9.\-:[\]%_]+$/;

/** Validates the raw `ami.connections` value. Bad entries are skipped with an error; good ones are kept. */
export function parseProfiles(raw: unknown): ProfileParse {
  const profiles: ConnectionProfile[] = [];
  const errors: string[] = [];
  if (raw === undefined || raw === null) return { profiles, errors };
  if (!Array.isArray(raw)) {
    return { profiles, errors: [`${SETTING_CONNECTIONS} must be a list of connection objects`] };
  }
  const seen = new Set<string>();
  raw.forEach((entry: unknown, index) => {
    const where = `${SETTING_CONNECTIONS}[${index}]`;
    if (!isRecord(entry)) {
      errors.push(`${where} must be an object with at least "name", "host" and "username"`);
      return;
    }
    const name = typeof entry.name === 'string' ? entry.name.trim() : '';
    if (name === '') {
      errors.push(`${where}.name is missing: give the connection a name`);
      return;
    }
    const label = `${where} ("${name}")`;
    if (seen.has(name.toLowerCase())) {
      errors.push(`${label}: another connection already has this name; names must be unique`);
      return;
    }
    const host = typeof entry.host === 'string' ? entry.host.trim() : '';
    if (host === '' || !HOST_PATTERN.test(host)) {
      errors.push(`${label}.host must be a host name or IP address (e.g. "127.0.0.1")`);
      return;
    }
    const username = typeof entry.username === 'string' ? entry.username.trim() : '';
    if (username === '' || /[\r\n\0]/.test(username)) {
      errors.push(`${label}.username must be the manager.conf user (a non-empty line)`);
      return;
    }
    const tls = entry.tls === true;
    let port = tls ? DEFAULT_TLS_PORT : DEFAULT_PORT;
    if (entry.port !== undefined) {
      if (typeof entry.port !== 'number' || !Number.isInteger(entry.port) || entry.port < 1 || entry.port > 65535) {
        errors.push(`${label}.port must be a whole number from 1 to 65535 (AMI uses 5038, or 5039 with TLS)`);
        return;
      }
      port = entry.port;
    }
    let authType: AuthType = 'md5';
    if (entry.authType !== undefined) {
      if (entry.authType !== 'md5' && entry.authType !== 'plain') {
        errors.push(`${label}.authType must be "md5" (challenge login) or "plain"`);
        return;
      }
      authType = entry.authType;
    }
    let events = 'on';
    if (entry.events !== undefined) {
      const text = Array.isArray(entry.events) ? entry.events.join(',') : entry.events;
      if (typeof text !== 'string' || !EVENTS_PATTERN.test(text.replace(/\s+/g, ''))) {
        errors.push(`${label}.events must be "on", "off" or event classes like ["call", "system"]`);
        return;
      }
      events = text.replace(/\s+/g, '');
    }
    const variables: Record<string, string> = {};
    if (entry.variables !== undefined) {
      if (!isRecord(entry.variables)) {
        errors.push(`${label}.variables must be an object of name → text`);
        return;
      }
      for (const [key, value] of Object.entries(entry.variables)) {
        if (typeof value !== 'string' && typeof value !== 'number') {
          errors.push(`${label}.variables.${key} must be text`);
          return;
        }
        variables[key] = String(value);
      }
    }
    if (entry.caFile !== undefined && typeof entry.caFile !== 'string') {
      errors.push(`${label}.caFile must be the path of a PEM file`);
      return;
    }
    if (isRecord(entry) && ('secret' in entry || 'password' in entry)) {
      errors.push(`${label}: a secret in settings is ignored; use "AMI: Set Password" (it goes to the OS keychain)`);
    }
    seen.add(name.toLowerCase());
    profiles.push({
      name,
      host,
      port,
      username,
      tls,
      caFile: typeof entry.caFile === 'string' && entry.caFile.trim() !== '' ? entry.caFile.trim() : undefined,
      authType,
      events,
      production: entry.production === true,
      variables,
    });
  });
  return { profiles, errors };
}

/** The SecretStorage key for a profile's secret: bound to name, host, port and user, so a changed host asks again. */
export function secretKey(profile: Pick<ConnectionProfile, 'name' | 'host' | 'port' | 'username'>): string {
  return `ami.secret/${encodeURIComponent(profile.name)}/${encodeURIComponent(profile.username)}@${encodeURIComponent(profile.host)}:${profile.port}`;
}

/** True for 127.0.0.0/8, ::1 and localhost: a plaintext secret there never crosses a network. */
export function isLoopback(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  return bare === 'localhost' || bare === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(bare);
}

/** `user@host:port` for modals and logs. */
export function describeTarget(profile: Pick<ConnectionProfile, 'host' | 'port' | 'username' | 'tls'>): string {
  return `${profile.username}@${profile.host}:${profile.port}${profile.tls ? ' (TLS)' : ''}`;
}
