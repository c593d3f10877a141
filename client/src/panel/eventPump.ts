/**
 * Moves events from the connection's bounded queue into the session log and ties them to runs. Pure (no
 * vscode): the panel host calls `pump()` every 100 ms and posts what the log batched.
 */
import type { RunView } from '../../../protocol/src/webviewMessages';
import type { RunTracker } from './runTracker';
import type { SessionLog } from './sessionLog';

/** The part of core/src/session's EventQueue the pump reads. */
export interface EventSource {
  drain(max?: number): Array<{ headers(): Array<[string, string]> }>;
  readonly dropped: number;
}

/** Most events moved per tick: at 10 ticks a second this is far above any real server's rate. */
export const MAX_DRAIN_PER_TICK = 20_000;

export class EventPump {
  constructor(
    readonly log: SessionLog,
    readonly tracker: RunTracker,
  ) {}

  /** Drains up to MAX_DRAIN_PER_TICK events; returns the runs whose tied events changed. */
  pump(source: EventSource | undefined, time = Date.now()): RunView[] {
    if (!source) return [];
    const messages = source.drain(MAX_DRAIN_PER_TICK);
    this.log.droppedBySession = source.dropped;
    const changed = new Map<string, RunView>();
    for (const message of messages) {
      const event = this.log.addEvent(message.headers(), time);
      for (const run of this.tracker.onEvent(event)) changed.set(run.id, run);
    }
    return [...changed.values()];
  }
}
