/**
 * The panel's event store: bounded, filterable, pausable. Pure (no DOM) so it is unit-tested in node.
 * Pausing freezes what is shown at a sequence number; events keep arriving and are shown on resume.
 */
import { matchesFilter, type StreamEvent, type StreamFilter } from '../../protocol/src/webviewMessages';

export interface StoreCounters {
  /** Events that reached the panel since the last clear. */
  received: number;
  /** Events that pass the filter and are visible (or will be on resume). */
  shown: number;
  /** Dropped before the panel (session queue) plus evicted by the panel's cap. */
  dropped: number;
  droppedBySession: number;
  evicted: number;
}

const EMPTY_FILTER: StreamFilter = { eventNames: [], headers: [] };

export class EventStore {
  private events: StreamEvent[] = [];
  private filtered: StreamEvent[] = [];
  private filter: StreamFilter = EMPTY_FILTER;
  private received = 0;
  private evicted = 0;
  private droppedBySession = 0;
  private sessionDropBase = 0;
  /** When paused: the last sequence number visible. */
  private pausedAt: number | undefined;

  /** @param capacity most events kept; older ones are evicted (and counted) beyond it. */
  constructor(private maxKept: number) {}

  /** Most events kept. */
  get capacity(): number {
    return this.maxKept;
  }

  /** Changes the bound (ami.panel.maxEvents); takes effect with the next append or reset. */
  setCapacity(capacity: number): void {
    if (Number.isInteger(capacity) && capacity >= 1) this.maxKept = capacity;
  }

  get paused(): boolean {
    return this.pausedAt !== undefined;
  }

  get pausedAtSeq(): number | undefined {
    return this.pausedAt;
  }

  /** Adds a batch; evicts the oldest beyond capacity (in chunks, so eviction stays cheap at high rates). */
  append(batch: readonly StreamEvent[]): void {
    for (const event of batch) {
      this.events.push(event);
      if (matchesFilter(event, this.filter)) this.filtered.push(event);
    }
    this.received += batch.length;
    if (this.events.length > this.capacity) {
      const excess = this.events.length - this.capacity + Math.floor(this.capacity / 10);
      const removeCount = Math.min(excess, this.events.length);
      const firstKeptSeq = this.events[removeCount]?.seq ?? Number.POSITIVE_INFINITY;
      this.events = this.events.slice(removeCount);
      this.evicted += removeCount;
      const firstKept = lowerBound(this.filtered, firstKeptSeq);
      if (firstKept > 0) this.filtered = this.filtered.slice(firstKept);
    }
  }

  /** Replaces everything (panel reload or an opened saved session). */
  reset(events: readonly StreamEvent[], droppedBySession: number): void {
    this.events = [];
    this.filtered = [];
    this.received = 0;
    this.evicted = 0;
    this.sessionDropBase = 0;
    this.droppedBySession = droppedBySession;
    this.append(events);
  }

  /** The session's cumulative dropped count, as last reported by the extension. */
  setDroppedBySession(count: number): void {
    this.droppedBySession = count;
  }

  clear(): void {
    this.events = [];
    this.filtered = [];
    this.received = 0;
    this.evicted = 0;
    this.sessionDropBase = this.droppedBySession;
    if (this.pausedAt !== undefined) this.pausedAt = 0;
  }

  setFilter(filter: StreamFilter): void {
    this.filter = filter;
    this.filtered = this.events.filter((event) => matchesFilter(event, filter));
  }

  get currentFilter(): StreamFilter {
    return this.filter;
  }

  /** Freezes the view at the newest event now present (or at `seq` when restoring state). */
  pause(seq?: number): void {
    this.pausedAt = seq ?? this.events[this.events.length - 1]?.seq ?? 0;
  }

  resume(): void {
    this.pausedAt = undefined;
  }

  /** Number of rows the list shows. */
  get visibleCount(): number {
    if (this.pausedAt === undefined) return this.filtered.length;
    return upperBound(this.filtered, this.pausedAt);
  }

  /** Row `index` of the visible list. */
  visibleAt(index: number): StreamEvent | undefined {
    return index < this.visibleCount ? this.filtered[index] : undefined;
  }

  /** Events waiting behind a pause. */
  get pendingCount(): number {
    return this.filtered.length - this.visibleCount;
  }

  bySeq(seq: number): StreamEvent | undefined {
    const index = lowerBound(this.events, seq);
    const event = this.events[index];
    return event?.seq === seq ? event : undefined;
  }

  get all(): readonly StreamEvent[] {
    return this.events;
  }

  counters(): StoreCounters {
    const droppedBySession = Math.max(0, this.droppedBySession - this.sessionDropBase);
    return {
      received: this.received,
      shown: this.filtered.length,
      dropped: droppedBySession + this.evicted,
      droppedBySession,
      evicted: this.evicted,
    };
  }
}

/** First index whose seq is >= seq (events are in ascending seq order). */
function lowerBound(events: readonly StreamEvent[], seq: number): number {
  let low = 0;
  let high = events.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (events[mid].seq < seq) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** First index whose seq is > seq. */
function upperBound(events: readonly StreamEvent[], seq: number): number {
  let low = 0;
  let high = events.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (events[mid].seq <= seq) low = mid + 1;
    else high = mid;
  }
  return low;
}

/**
 * Sorts list items by one column; numbers compare as numbers, then text case-insensitively.
 * Missing values sort last. Returns a new array.
 */
export function sortItems(
  items: ReadonlyArray<ReadonlyArray<[string, string]>>,
  column: string,
  direction: 'asc' | 'desc',
): Array<ReadonlyArray<[string, string]>> {
  const lower = column.toLowerCase();
  const valueOf = (item: ReadonlyArray<[string, string]>): string | undefined =>
    item.find(([name]) => name.toLowerCase() === lower)?.[1];
  const sign = direction === 'asc' ? 1 : -1;
  return [...items].sort((a, b) => {
    const va = valueOf(a);
    const vb = valueOf(b);
    if (va === undefined || vb === undefined) return va === vb ? 0 : va === undefined ? 1 : -1;
    const na = Number(va);
    const nb = Number(vb);
    if (va.trim() !== '' && vb.trim() !== '' && Number.isFinite(na) && Number.isFinite(nb)) return (na - nb) * sign;
    return va.localeCompare(vb, undefined, { sensitivity: 'base', numeric: true }) * sign;
  });
}

/** Column names of a list: union of item header names in first-seen order, `Event` and `ActionID` left out. */
export function itemColumns(items: ReadonlyArray<ReadonlyArray<[string, string]>>): string[] {
  const seen = new Map<string, string>();
  for (const item of items) {
    for (const [name] of item) {
      const lower = name.toLowerCase();
      if (lower === 'event' || lower === 'actionid' || lower === 'eventlist') continue;
      if (!seen.has(lower)) seen.set(lower, name);
    }
  }
  return [...seen.values()];
}
