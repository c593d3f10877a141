/**
 * What the status bar and the panel say about a connection: pure, from the profile, the session's state and
 * what the server told us, so the wording is unit-tested.
 */
import { describeState, type ConnectionState } from '../../../core/src/session/connection';
import type { ConnectionStateName } from '../../../protocol/src/webviewMessages';
import { explainFailure } from './errors';
import { describeTarget, SETTING_CONNECTIONS, type ConnectionProfile } from '../../../core/src/profiles/profiles';

export interface ConnectionPresentation {
  state: ConnectionStateName;
  /** "Asterisk 23.4.1, AMI 12.0.0", "retrying in 4 s", "authentication failed"... */
  detail: string;
  /** Status bar text with a codicon. */
  text: string;
  tooltip: string;
  /** Which status bar colour: production profiles always warn. */
  colour: 'warning' | 'error' | undefined;
}

/** Presentation of `state` for `profile` (undefined profile: nothing configured or picked). */
export function presentConnection(
  profile: ConnectionProfile | undefined,
  state: ConnectionState,
  facts: { asteriskVersion?: string } | undefined,
  retryAt: number,
  now: number,
): ConnectionPresentation {
  if (!profile) {
    return {
      state: 'disconnected',
      detail: '',
      text: '$(plug) AMI: no connection',
      tooltip: `Pick or add a connection (${SETTING_CONNECTIONS})`,
      colour: undefined,
    };
  }
  let name: ConnectionStateName;
  let detail: string;
  switch (state.kind) {
    case 'idle':
    case 'closed':
      name = 'disconnected';
      detail = state.kind === 'closed' && state.reason ? state.reason : '';
      break;
    case 'connecting':
      name = 'connecting';
      detail = state.attempt > 0 ? `attempt ${state.attempt + 1}` : '';
      break;
    case 'connected':
      name = 'connected';
      detail = facts?.asteriskVersion ? `Asterisk ${facts.asteriskVersion}, AMI ${state.amiVersion}` : `AMI ${state.amiVersion}`;
      break;
    case 'retrying':
      name = 'retrying';
      detail = `retrying in ${Math.max(0, Math.ceil((retryAt - now) / 1000))} s`;
      break;
    case 'failed':
      name = 'failed';
      detail = explainFailure(Object.assign(new Error(state.reason), { code: state.code, name: 'AmiConnectError' }), profile).short;
      break;
  }
  const icon = name === 'connected' ? '$(check)' : name === 'connecting' || name === 'retrying' ? '$(sync~spin)' : name === 'failed' ? '$(error)' : '$(plug)';
  const shown = name === 'failed' ? `failed: ${detail}` : detail || name;
  return {
    state: name,
    detail,
    text: `${icon} AMI ${profile.name}${profile.production ? ' (production)' : ''}: ${shown}`,
    tooltip: `${describeTarget(profile)} · ${describeState(state)}\nClick to pick a connection.`,
    colour: profile.production ? 'warning' : name === 'failed' ? 'error' : undefined,
  };
}
