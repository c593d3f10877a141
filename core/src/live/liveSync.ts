/**
 * Keeps a LiveState in step with one connection: the lists of RESYNC_ACTIONS on start (only those the user may
 * run), every event as it is read, a list again after an event the model cannot follow (Reload), a full resync
 * every `refreshMs`; and publishes what changed to the language server at most every `throttleMs`. Pure: the
 * connection and the clock are injected.
 */
import { systemClock, type Clock, type TimerHandle } from '../session/clock';
import type { AmiMessage } from '../wire/types';
import { LiveState, RESYNC_ACTIONS } from './liveState';
import type { LiveValuesDelta } from './types';

/** What LiveSync needs from a connection (AmiConnection fits). */
export interface LiveSyncConnection {
  send(headers: ReadonlyArray<readonly [string, string]>, options?: { timeoutMs?: number }): Promise<{ success: boolean; events: AmiMessage[]; response: AmiMessage }>;
  onEvent(listener: (event: AmiMessage) => void): { dispose(): void };
}

/** Options of a LiveSync. */
export interface LiveSyncOptions {
  connection: LiveSyncConnection;
  /** Actions the user may run (lower-cased); undefined = unknown, try them all. */
  allowedActions?: ReadonlySet<string>;
  /** Receives each delta for the language server. */
  publish: (delta: LiveValuesDelta) => void;
  /** Called (throttled like publish) when the model changed, for views. */
  onChange?: () => void;
  /** Connection name shown in the language server's messages. */
  connectionName?: string;
  /** Least time between two deltas (default 500 ms). */
  throttleMs?: number;
  /** Full resync period (default 5 min; 0 = never). */
  refreshMs?: number;
  /** Least time between two resyncs caused by events (Reload), default 30 s. */
  minResyncGapMs?: number;
  clock?: Clock;
  state?: LiveState;
  log?: (line: string) => void;
}

/** Traffic counters, for the view and the benchmark. */
export interface LiveSyncStats {
  deltasSent: number;
  valuesSent: number;
  /** JSON bytes of every delta sent to the language server. */
  bytesToServer: number;
  resyncActions: number;
  /** Raw AMI bytes of the list answers read by resyncs. */
  resyncBytes: number;
  eventsSeen: number;
  startedAt: number;
}

/** One connection's live-state synchroniser. */
export class LiveSync {
  readonly state: LiveState;
  readonly stats: LiveSyncStats;
  private readonly clock: Clock;
  private subscription: { dispose(): void } | undefined;
  private flushTimer: TimerHandle | undefined;
  private refreshTimer: TimerHandle | undefined;
  private lastFlush = 0;
  private lastResync = new Map<string, number>();
  private resyncing: Promise<void> | undefined;
  private stopped = false;

  constructor(private readonly options: LiveSyncOptions) {
    this.clock = options.clock ?? systemClock;
    this.state = options.state ?? new LiveState({ now: () => this.clock.now() });
    this.stats = { deltasSent: 0, valuesSent: 0, bytesToServer: 0, resyncActions: 0, resyncBytes: 0, eventsSeen: 0, startedAt: this.clock.now() };
  }

  /** Listens to events and fetches every list; resolves when the first resync is done. */
  start(): Promise<void> {
    this.subscription = this.options.connection.onEvent((event) => this.onEvent(event));
    this.scheduleRefresh();
    return this.resync();
  }

  /** May the user run this action (unknown permissions: yes)? */
  may(action: string): boolean {
    return !this.options.allowedActions || this.options.allowedActions.has(action.toLowerCase());
  }

  /** Fetches the lists again (all, or one action); one resync at a time. */
  resync(only?: string): Promise<void> {
    const run = async (): Promise<void> => {
      for (const spec of RESYNC_ACTIONS) {
        if (this.stopped) return;
        if (only && spec.action.toLowerCase() !== only.toLowerCase()) continue;
        if (!this.may(spec.action)) {
          this.state.applyList(spec.action, { success: false, events: [] }, this.clock.now());
          continue;
        }
        const startedAt = this.clock.now();
        this.lastResync.set(spec.action, startedAt);
        try {
          const result = await this.options.connection.send([['Action', spec.action], ...(spec.headers ?? [])], { timeoutMs: 30_000 });
          this.stats.resyncActions++;
          this.stats.resyncBytes += result.response.raw.length + result.events.reduce((total, event) => total + event.raw.length + 2, 0);
          if (!this.stopped) this.state.applyList(spec.action, result, startedAt);
        } catch (error) {
          // A module not loaded, a timeout, a lost connection: the kinds stay incomplete (no diagnostics on them).
          this.state.applyList(spec.action, { success: false, events: [] }, startedAt);
          this.options.log?.(`live: ${spec.action} failed: ${error instanceof Error ? error.message : String(error)}`);
        }
        this.scheduleFlush();
      }
    };
    const previous = this.resyncing ?? Promise.resolve();
    const next = previous.then(run);
    this.resyncing = next.finally(() => {
      if (this.resyncing === next) this.resyncing = undefined;
    });
    return next;
  }

  private onEvent(event: AmiMessage): void {
    if (this.stopped) return;
    this.stats.eventsSeen++;
    if (this.state.applyEvent(event)) this.scheduleFlush();
    const wanted = LiveState.resyncNeededBy(event);
    if (wanted) {
      const key = wanted === 'all' ? 'CoreShowChannels' : wanted;
      const last = this.lastResync.get(key) ?? 0;
      if (this.clock.now() - last >= (this.options.minResyncGapMs ?? 30_000)) void this.resync(wanted === 'all' ? undefined : wanted);
    }
  }

  private scheduleFlush(): void {
    if (this.flushTimer !== undefined || this.stopped) return;
    const wait = Math.max(0, this.lastFlush + (this.options.throttleMs ?? 500) - this.clock.now());
    this.flushTimer = this.clock.setTimeout(() => {
      this.flushTimer = undefined;
      this.flush();
    }, wait);
  }

  /** Publishes what changed now (normally throttled). */
  flush(): void {
    this.lastFlush = this.clock.now();
    const delta = this.state.takeDelta(this.options.connectionName ?? null);
    if (!delta) return;
    this.send(delta);
    this.options.onChange?.();
  }

  private send(delta: LiveValuesDelta): void {
    this.stats.deltasSent++;
    this.stats.valuesSent += (delta.upsert?.length ?? 0) + (delta.remove?.length ?? 0);
    this.stats.bytesToServer += JSON.stringify(delta).length;
    this.options.publish(delta);
  }

  private scheduleRefresh(): void {
    const every = this.options.refreshMs ?? 300_000;
    if (every <= 0 || this.stopped) return;
    this.refreshTimer = this.clock.setTimeout(() => {
      this.refreshTimer = undefined;
      void this.resync().finally(() => this.scheduleRefresh());
    }, every);
  }

  /** Stops listening; the language server forgets the values (a reset with nothing). */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.subscription?.dispose();
    if (this.flushTimer !== undefined) this.clock.clearTimeout(this.flushTimer);
    if (this.refreshTimer !== undefined) this.clock.clearTimeout(this.refreshTimer);
    this.state.clear();
    this.send({ reset: true, connection: null });
    this.options.onChange?.();
  }
}
