/**
 * Decides which events belong to a block: same ActionID as the action that was sent, or a channel /
 * Uniqueid / Linkedid that the block revealed (its sent Channel header, its response, or an event already
 * tied to it). Keys spread transitively, so an async Originate is followed from its OriginateResponse
 * (ActionID → Uniqueid) to every event of that call, including the ones that came before the
 * OriginateResponse revealed it (Newchannel usually does): events seen since the block started are kept
 * (bounded) and looked at again whenever a new key is learned.
 */
import type { HeaderPairs } from './types';

/** An event as the correlator keeps it. */
export interface ObservedEvent {
  /** `Event:` value. */
  name: string;
  headers: Array<[string, string]>;
  /** Clock time it arrived (ms). */
  at: number;
  /** Arrival order. */
  seq: number;
}

/** Headers whose values identify a channel instance or a call. `Dest*` are the other leg of Dial events. */
const ID_HEADERS = ['uniqueid', 'linkedid', 'destuniqueid', 'destlinkedid'];
const CHANNEL_HEADERS = ['channel', 'destchannel'];
/** Headers of a sent action that name an existing channel (Hangup, Redirect, Getvar...). */
const SENT_CHANNEL_HEADERS = ['channel', 'extrachannel'];

function usable(value: string | undefined): value is string {
  return value !== undefined && value !== '' && value !== '<unknown>';
}

/** First value of a header (case-insensitive name). */
export function headerValue(headers: HeaderPairs, name: string): string | undefined {
  const lower = name.toLowerCase();
  for (const [key, value] of headers) if (key.toLowerCase() === lower) return value;
  return undefined;
}

export interface CorrelatorOptions {
  /** Uncorrelated events kept for a later key (oldest dropped first). Default 10,000. */
  maxPending?: number;
  /** Correlated events kept. Default 2,000. */
  maxCorrelated?: number;
}

export class Correlator {
  private readonly actionIds = new Set<string>();
  private readonly ids = new Set<string>();
  private readonly channels = new Set<string>();
  private pending: ObservedEvent[] = [];
  private readonly tied: ObservedEvent[] = [];
  private seq = 0;
  private readonly maxPending: number;
  private readonly maxCorrelated: number;
  /** Events not kept because a bound was reached. */
  dropped = 0;
  /** Every event seen, correlated or not. */
  seen = 0;

  constructor(options: CorrelatorOptions = {}) {
    this.maxPending = options.maxPending ?? 10_000;
    this.maxCorrelated = options.maxCorrelated ?? 2_000;
  }

  /** Events tied to the block, in arrival order. */
  get events(): readonly ObservedEvent[] {
    return this.tied;
  }

  /** The keys learned so far (for reports and tests). */
  keys(): { actionIds: string[]; ids: string[]; channels: string[] } {
    return { actionIds: [...this.actionIds], ids: [...this.ids], channels: [...this.channels] };
  }

  /** The ActionID that was on the wire. Returns the events this newly tied. */
  addActionId(actionId: string): ObservedEvent[] {
    if (actionId === '' || this.actionIds.has(actionId)) return [];
    this.actionIds.add(actionId);
    return this.rescan();
  }

  /** Headers the block sent (after substitution): a `Channel:` there names a channel the block acts on. */
  addSentHeaders(headers: HeaderPairs): ObservedEvent[] {
    let learned = false;
    for (const [name, value] of headers) {
      if (SENT_CHANNEL_HEADERS.includes(name.toLowerCase()) && usable(value.trim()) && !this.channels.has(value.trim())) {
        this.channels.add(value.trim());
        learned = true;
      }
    }
    return learned ? this.rescan() : [];
  }

  /** The block's response (not list items: a listing of every channel must not tie every call to the block). */
  addResponse(headers: HeaderPairs): ObservedEvent[] {
    return this.learn(headers) ? this.rescan() : [];
  }

  /**
   * A list's items (events with the block's ActionID, taken by the session as its answer): tied, so
   * `@expect Event: CoreShowChannel ...` can check them, but their channels are not followed.
   */
  addItems(items: ReadonlyArray<HeaderPairs>, at: number): void {
    for (const headers of items) {
      this.tie({ name: headerValue(headers, 'Event') ?? '', headers: headers.map(([k, v]) => [k, v]), at, seq: this.seq++ });
    }
  }

  /** Offers one event; returns every event this tied (it, and older ones it revealed), in arrival order. */
  push(name: string, headers: HeaderPairs, at: number): ObservedEvent[] {
    this.seen++;
    const event: ObservedEvent = { name, headers: headers.map(([k, v]) => [k, v]), at, seq: this.seq++ };
    if (!this.matches(event)) {
      this.pending.push(event);
      // Trim in batches so a busy stream does not pay for a shift per event.
      if (this.pending.length > this.maxPending + (this.maxPending >> 2)) {
        const excess = this.pending.length - this.maxPending;
        this.pending = this.pending.slice(excess);
        this.dropped += excess;
      }
      return [];
    }
    const added = [event];
    this.tie(event);
    if (this.learn(event.headers)) added.push(...this.rescan());
    return added.sort((a, b) => a.seq - b.seq);
  }

  private tie(event: ObservedEvent): void {
    if (this.tied.length >= this.maxCorrelated) {
      this.dropped++;
      return;
    }
    // Older events found by a rescan go to their arrival position.
    let index = this.tied.length;
    while (index > 0 && this.tied[index - 1].seq > event.seq) index--;
    this.tied.splice(index, 0, event);
  }

  private matches(event: ObservedEvent): boolean {
    const actionId = headerValue(event.headers, 'actionid');
    if (actionId !== undefined && this.actionIds.has(actionId)) return true;
    for (const [key, value] of event.headers) {
      const lower = key.toLowerCase();
      if (ID_HEADERS.includes(lower) ? this.ids.has(value) : CHANNEL_HEADERS.includes(lower) && this.channels.has(value)) return true;
    }
    return false;
  }

  /** Adds the ids and channels in these headers; true when something new was learned. */
  private learn(headers: HeaderPairs): boolean {
    let learned = false;
    for (const [key, value] of headers) {
      const lower = key.toLowerCase();
      if (!usable(value)) continue;
      if (ID_HEADERS.includes(lower) && !this.ids.has(value)) {
        this.ids.add(value);
        learned = true;
      } else if (CHANNEL_HEADERS.includes(lower) && !this.channels.has(value)) {
        this.channels.add(value);
        learned = true;
      }
    }
    return learned;
  }

  /** Ties waiting events that the keys now match, until nothing new is learned. */
  private rescan(): ObservedEvent[] {
    const added: ObservedEvent[] = [];
    let changed = true;
    while (changed) {
      changed = false;
      const still: ObservedEvent[] = [];
      for (const event of this.pending) {
        if (this.matches(event)) {
          this.tie(event);
          added.push(event);
          if (this.learn(event.headers)) changed = true;
        } else {
          still.push(event);
        }
      }
      this.pending = still;
    }
    return added.sort((a, b) => a.seq - b.seq);
  }
}
