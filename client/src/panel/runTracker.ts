/**
 * Ties later events to the runs that caused them: same ActionID (an OriginateResponse after an async
 * Originate), and with "Run with events", for a while, the channels / Uniqueids / Linkedids those events
 * revealed (so the call is followed to its Hangup). Pure: no vscode.
 * Events can arrive before the run's response resolves (same TCP read), so recent events with an ActionID
 * are remembered briefly and picked up when the run is registered. A call's first events (Newchannel, DialBegin,
 * the first Newstate) come before the OriginateResponse that names its channel: when a followed run learns a
 * channel, the recent events of that channel since the run started are tied to it after the fact.
 */
import type { RunView, StreamEvent } from '../../../protocol/src/webviewMessages';

const RECENT_WITH_ACTION_ID = 2000;
/** Recent events of any kind kept for tying a call's first events retroactively. */
const RECENT_ANY = 5000;
/** Events this long before a run started may still belong to it (clock steps between block start and send). */
const BACKFILL_SLACK_MS = 1000;
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
  private recentAny: StreamEvent[] = [];

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
    if (!this.add(tracked, event)) return;
    if (tracked.followUntil > 0) this.backfill(tracked);
  }

  /** Adds one event and the keys it reveals; true when it revealed a new key. */
  private add(tracked: Tracked, event: StreamEvent): boolean {
    if (tracked.run.events.some((known) => known.seq === event.seq)) return false;
    if (tracked.run.events.length >= MAX_EVENTS_PER_RUN) return false;
    tracked.run = { ...tracked.run, events: [...tracked.run.events, event] };
    if (tracked.followUntil === 0) return false;
    const before = tracked.keys.size;
    for (const name of FOLLOW_HEADERS) {
      const value = header(event, name);
      if (value && value !== '<unknown>') tracked.keys.add(`${name.replace(/^dest/, '')}=${value}`);
    }
    return tracked.keys.size > before;
  }

  /** Ties the recent events of the channels the run now knows (since it started), until no new channel shows up. */
  private backfill(tracked: Tracked): void {
    const since = tracked.run.startedAt - BACKFILL_SLACK_MS;
    let revealed = true;
    let added = false;
    while (revealed) {
      revealed = false;
      for (const event of this.recentAny) {
        if (event.time < since || !this.matches(tracked, event)) continue;
        if (tracked.run.events.some((known) => known.seq === event.seq)) continue;
        added = true;
        if (this.add(tracked, event)) revealed = true;
      }
    }
    if (added) tracked.run = { ...tracked.run, events: [...tracked.run.events].sort((a, b) => a.seq - b.seq) };
  }

  private matches(tracked: Tracked, event: StreamEvent): boolean {
    return FOLLOW_HEADERS.some((name) => {
      const value = header(event, name);
      return value !== undefined && tracked.keys.has(`${name.replace(/^dest/, '')}=${value}`);
    });
  }

  /** Routes one event; returns the runs it changed (with the event added). */
  onEvent(event: StreamEvent): RunView[] {
    const changed: RunView[] = [];
    this.recentAny.push(event);
    if (this.recentAny.length > RECENT_ANY * 2) this.recentAny = this.recentAny.slice(-RECENT_ANY);
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
      if (this.matches(tracked, event)) {
        this.attach(tracked, event);
        changed.push(tracked.run);
      }
    }
    return changed;
  }

  /** Changes a tracked run (its expectations as they are decided); returns it as changed, or undefined if not tracked. */
  patch(actionId: string, change: (run: RunView) => RunView): RunView | undefined {
    const tracked = this.byActionId.get(actionId);
    if (!tracked) return undefined;
    tracked.run = change(tracked.run);
    return tracked.run;
  }

  /** The tracked run with this ActionID, as it is now. */
  get(actionId: string): RunView | undefined {
    return this.byActionId.get(actionId)?.run;
  }
}
