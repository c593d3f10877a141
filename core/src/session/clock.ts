/**
 * Time source for the session: real timers in production, a manual clock in tests so timeouts,
 * keepalive and reconnect backoff are checked without waiting.
 */

/** Opaque timer handle. */
export type TimerHandle = { readonly id: number } | ReturnType<typeof setTimeout>;

/** What the session needs from time. */
export interface Clock {
  now(): number;
  setTimeout(callback: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

/** The real clock (Date.now and the global timers). Timers are unref'd so they never keep a process alive. */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => {
    const handle = setTimeout(callback, ms);
    if (typeof handle === 'object' && handle && 'unref' in handle) handle.unref();
    return handle;
  },
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

interface ManualTimer {
  id: number;
  due: number;
  callback: () => void;
}

/** A clock that only moves when told to (`advance`). Timers fire in due order. */
export class ManualClock implements Clock {
  private time: number;
  private nextId = 1;
  private readonly timers = new Map<number, ManualTimer>();

  constructor(start = 0) {
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  setTimeout(callback: () => void, ms: number): TimerHandle {
    const timer = { id: this.nextId++, due: this.time + Math.max(0, ms), callback };
    this.timers.set(timer.id, timer);
    return { id: timer.id };
  }

  clearTimeout(handle: TimerHandle): void {
    if (handle && typeof handle === 'object' && 'id' in handle && typeof handle.id === 'number') this.timers.delete(handle.id);
  }

  /** Timers not yet fired. */
  get pendingTimers(): number {
    return this.timers.size;
  }

  /** Delays (ms from now) of the pending timers, soonest first. */
  pendingDelays(): number[] {
    return [...this.timers.values()].map((t) => t.due - this.time).sort((a, b) => a - b);
  }

  /** Moves time forward by `ms`, firing every timer that falls due (including ones set meanwhile). */
  advance(ms: number): void {
    const target = this.time + ms;
    for (;;) {
      let next: ManualTimer | undefined;
      for (const timer of this.timers.values()) if (timer.due <= target && (!next || timer.due < next.due)) next = timer;
      if (!next) break;
      this.timers.delete(next.id);
      this.time = next.due;
      next.callback();
    }
    this.time = target;
  }
}
