/**
 * Ties later events to the runs that caused them: same ActionID (an OriginateResponse after an async
 * Originate), and with "Run with events", for a while, the channels / Uniqueids / Linkedids those events
 * revealed (so the call is followed to its Hangup). Pure: no vscode.
 * Events can arrive before the run's response resolves (same TCP read), so recent events with an ActionID
 * are remembered briefly and picked up when the run is registered.
 */
import type { RunView, StreamEvent } from '../../../protocol/src/webviewMessages';

const RECENT_WITH_ACTION_ID = 2000;
const MAX_TRACKED = 200;
const MAX_EVENTS_PER_RUN = 1000;
const FOLLOW_HEADERS = ['uniqueid', 'linkedid', 'destuniqueid', 'destlinkedid', 'channel', 'destchannel'];

interface Tracked {
  run: RunView;
  followUntil: number;
  keys: Set<string>;
}

function header(event: StreamEvent, name: string): string | undefined {
  for (const [key, value] of event.headers) if (key.toLowerCase() === name) return value;
  return undefined;
}

export class RunTracker {
  private readonly byActionId = new Map<string, Tracked>();
  private recent: StreamEvent[] = [];

  constructor(private readonly now: () => number = Date.now) {}

  /**
   * Starts tracking a finished run (by its wire ActionID); events that already arrived for it are attached.
   * `followMs` > 0 also follows the channels its events reveal for that long.
   */
  track(run: RunView, followMs = 0): RunView {
    if (run.actionId === '') return run;
    const tracked: Tracked = { run, followUntil: followMs > 0 ? this.now() + followMs : 0, keys: new Set() };
    this.byActionId.set(run.actionId, tracked);
    while (this.byActionId.size > MAX_TRACKED) this.byActionId.delete(this.byActionId.keys().next().value as string);
    for (const event of this.recent) if (header(event, 'actionid') === run.actionId) this.attach(tracked, event);
    return tracked.run;
  }

  private attach(tracked: Tracked, event: StreamEvent): void {
    if (tracked.run.events.some((known) => known.seq === event.seq)) return;
    if (tracked.run.events.length >= MAX_EVENTS_PER_RUN) return;
    tracked.run = { ...tracked.run, events: [...tracked.run.events, event] };
    if (tracked.followUntil > 0) {
      for (const name of FOLLOW_HEADERS) {
        const value = header(event, name);
        if (value && value !== '<unknown>') tracked.keys.add(`${name.replace(/^dest/, '')}=${value}`);
      }
    }
  }

  /** Routes one event; returns the runs it changed (with the event added). */
  onEvent(event: StreamEvent): RunView[] {
    const changed: RunView[] = [];
    const actionId = header(event, 'actionid');
    if (actionId !== undefined) {
      this.recent.push(event);
      if (this.recent.length > RECENT_WITH_ACTION_ID * 2) this.recent = this.recent.slice(-RECENT_WITH_ACTION_ID);
      const tracked = this.byActionId.get(actionId);
      if (tracked) {
        this.attach(tracked, event);
        changed.push(tracked.run);
        return changed;
      }
    }
    const now = this.now();
    for (const tracked of this.byActionId.values()) {
      if (tracked.followUntil === 0 || tracked.keys.size === 0) continue;
      if (now > tracked.followUntil) {
        tracked.followUntil = 0;
        continue;
      }
      const matches = FOLLOW_HEADERS.some((name) => {
        const value = header(event, name);
        return value !== undefined && tracked.keys.has(`${name.replace(/^dest/, '')}=${value}`);
      });
      if (matches) {
        this.attach(tracked, event);
        changed.push(tracked.run);
      }
    }
    return changed;
  }

  /** The tracked run with this ActionID, as it is now. */
  get(actionId: string): RunView | undefined {
    return this.byActionId.get(actionId)?.run;
  }
}
