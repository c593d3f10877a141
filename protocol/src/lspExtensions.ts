/**
 * Custom LSP messages between the AMI client and server (the vscode-eslint / rust-analyzer `lsp_ext` shape):
 * each message is one namespace with its `method` and a typed `type`. Both sides import this file.
 */
import { NotificationType } from 'vscode-languageserver-protocol';

/** What the client knows about the server it is connected to; sent on connect, change and disconnect. */
export interface LiveServerInfoParams {
  /** Actions the logged-in user may run (from ListCommands), any case; null or absent when not connected. */
  allowedActions?: string[] | null;
  /** Asterisk branch of the connected server (e.g. "20"); overrides `ami.asteriskVersion` while connected. */
  branch?: string | null;
  /** Variables of the active connection profile, used to resolve `{{name}}`. */
  profileVariables?: Record<string, string> | null;
}

/**
 * Client → server: the live-server facts that change diagnostics (permissions, target branch, profile
 * variables). Replaces the previous info as a whole; send `{}` on disconnect. Applies to every open document.
 */
export namespace LiveServerInfoNotification {
  export const method = 'ami/setLiveServerInfo' as const;
  export const type = new NotificationType<LiveServerInfoParams>(method);
}

export type { LiveKind, LiveValue, LiveValueKey, LiveValuesDelta } from '../../core/src/live/types';

/**
 * Client → server: values of the connected Asterisk (channels, dialplan, queues, applications, variables seen,
 * bridges, conferences, parking, mailboxes) as deltas of `LiveValuesDelta` (core/src/live/types.ts). The first
 * delta after connecting, and the one on disconnect, has `reset: true`. The server completes header values from
 * them where the catalogue says the header takes that kind of value, shows them on hover, and reports
 * information-level `ami-live-*` diagnostics (off with the setting `ami.live.diagnostics: false`).
 * Any client may send it; without it the server works from the catalogue alone.
 */
export namespace LiveValuesNotification {
  export const method = 'ami/setLiveValues' as const;
  export const type = new NotificationType<import('../../core/src/live/types').LiveValuesDelta>(method);
}
