/**
 * Custom LSP messages between the AMI client and server (the vscode-eslint / rust-analyzer `lsp_ext` shape):
 * each message is one namespace with its `method` and a typed `type`. Both sides import this file.
 */
import { NotificationType, RequestType } from 'vscode-languageserver-protocol';
import type { Position, Range, TextDocumentIdentifier } from 'vscode-languageserver-protocol';

/** Parameters of `ami/blockAtPosition`. */
export interface BlockAtPositionParams {
  textDocument: TextDocumentIdentifier;
  position: Position;
}

/** One header as it will be sent (before `{{variable}}` substitution), with where it is written. */
export interface RunnableHeader {
  name: string;
  value: string;
  range: Range;
  valueRange: Range;
}

/** An `@expect` line of the block (never sent). */
export interface RunnableExpectation {
  text: string;
  range: Range;
}

/** The block under a position, as the client will run it. */
export interface RunnableBlock {
  /** Zero-based index among the file's blocks. */
  index: number;
  /** The `Action:` value; undefined when the block does not start with `Action:` (it cannot be run). */
  action?: string;
  /** Headers in file order, `[name, value]`, exactly what will be sent (the first is `Action`). */
  headers: Array<[string, string]>;
  /** The same headers with their ranges, for pointing at a value (e.g. an unresolved variable). */
  headerDetails: RunnableHeader[];
  expectations: RunnableExpectation[];
  /** Whole block, from its first comment line to its last non-blank line. */
  range: Range;
  /** Range of the `Action:` line, where a CodeLens or result decoration goes. */
  actionRange?: Range;
  /** Comment lines directly above the first header, joined (may be empty). */
  title: string;
  /** Value of `# @name`, if any. */
  name?: string;
  /** Title for display: the title, else the `@name`, else the action. */
  label: string;
  /** Names of the `{{variables}}` used in header values and expectations, in order, without duplicates. */
  variables: string[];
}

/**
 * Returns the block under a position, or null when the position is not inside a block.
 * The client calls it to run a block; the server answers from the same parse as every other feature.
 */
export namespace BlockAtPositionRequest {
  export const method = 'ami/blockAtPosition' as const;
  export const type = new RequestType<BlockAtPositionParams, RunnableBlock | null, void>(method);
}

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
