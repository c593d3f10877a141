/**
 * Live values of the connected Asterisk as the language server sees them: small, flat, JSON-safe records sent
 * in deltas by the client (protocol `ami/setLiveValues`). The catalogue stays the source of names; these are
 * only values (a channel, a context, a queue...).
 */

/** What a live value is. */
export type LiveKind =
  | 'channel'
  | 'context'
  | 'exten'
  | 'priority'
  | 'queue'
  | 'member'
  | 'application'
  | 'variable'
  | 'bridge'
  | 'conference'
  | 'parkinglot'
  | 'parked'
  | 'mailbox';

/** Every kind, in display order. */
export const LIVE_KINDS: readonly LiveKind[] = [
  'channel', 'context', 'exten', 'priority', 'queue', 'member', 'application', 'variable', 'bridge', 'conference', 'parkinglot', 'parked', 'mailbox',
];

/** One live value. */
export interface LiveValue {
  kind: LiveKind;
  value: string;
  /**
   * What the value belongs to: an exten's context, a priority's `context/exten`, a member's or caller's queue,
   * a parked call's lot. Empty for values that belong to nothing.
   */
  scope?: string;
  /** Short state for the completion detail: `Up`, `paused`, `2 callers`. */
  state?: string;
  /** Epoch ms when it started (a channel's creation): shown as its age. */
  since?: number;
  /** What runs on it now (a channel's application, a priority's application). */
  app?: string;
  /** Label/value pairs for the hover (caller ID, bridge, members...), at most a few dozen. */
  facts?: Array<[string, string]>;
}

/** Identifies a value for removal. */
export interface LiveValueKey {
  kind: LiveKind;
  value: string;
  scope?: string;
}

/** A change of the live values (client → language server). */
export interface LiveValuesDelta {
  /** Forget every value first (connect, resync, disconnect). */
  reset?: boolean;
  /** Values added or changed (same kind/scope/value replaces). */
  upsert?: LiveValue[];
  remove?: LiveValueKey[];
  /**
   * Kinds whose list was fetched in full from the server: only for these does absence mean "not on the server"
   * (the information diagnostics use nothing else). Replaces the previous list when present.
   */
  complete?: LiveKind[];
  /** Values not kept because a cap was reached, per kind (shown, never silently dropped). */
  dropped?: Partial<Record<LiveKind, number>>;
  /** Name of the connection, for messages ("live on lab"). */
  connection?: string | null;
}

/** The key of a value in maps: kind, scope and value, separated by NUL (never in AMI values). */
export function liveKey(kind: LiveKind, value: string, scope = ''): string {
  return `${kind}\u0000${scope}\u0000${value}`;
}

/** `HH:MM:SS` / `MM:SS` of a duration in ms (channels' age). */
export function formatAge(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  const two = (n: number): string => String(n).padStart(2, '0');
  return hours > 0 ? `${hours}:${two(minutes)}:${two(seconds)}` : `${two(minutes)}:${two(seconds)}`;
}
