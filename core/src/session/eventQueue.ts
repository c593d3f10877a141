/**
 * Bounded event buffer between the socket reader (which never stops) and a consumer that may fall behind
 * (the panel). When full, the oldest event is dropped and counted, so the UI can say "N events dropped".
 */
import type { AmiMessage } from '../wire/types';
import { Emitter } from './emitter';

export class EventQueue {
  private readonly ring: Array<AmiMessage | undefined>;
  private head = 0;
  private count = 0;
  private droppedCount = 0;
  private readonly readable = new Emitter<void>();

  /** Fires when the queue goes from empty to non-empty: drain then. */
  readonly onReadable = this.readable.event;

  /** @param capacity events kept; 0 disables the queue (for consumers that only use onEvent). */
  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 0) throw new RangeError('EventQueue capacity must be an integer >= 0');
    this.ring = new Array<AmiMessage | undefined>(capacity);
  }

  /** Events waiting. */
  get size(): number {
    return this.count;
  }

  /** Events dropped because the queue was full, since creation. */
  get dropped(): number {
    return this.droppedCount;
  }

  /** Adds an event; drops the oldest one when full. */
  push(event: AmiMessage): void {
    if (this.capacity === 0) return;
    if (this.count === this.capacity) {
      this.ring[this.head] = event;
      this.head = (this.head + 1) % this.capacity;
      this.droppedCount++;
      return;
    }
    this.ring[(this.head + this.count) % this.capacity] = event;
    this.count++;
    if (this.count === 1) this.readable.fire();
  }

  /** Removes and returns up to `max` events, oldest first. */
  drain(max = Infinity): AmiMessage[] {
    const n = Math.min(max, this.count);
    const out = new Array<AmiMessage>(n);
    for (let k = 0; k < n; k++) {
      out[k] = this.ring[this.head] as AmiMessage;
      this.ring[this.head] = undefined;
      this.head = (this.head + 1) % this.capacity;
    }
    this.count -= n;
    return out;
  }

  /** Drops everything waiting (not counted as dropped). */
  clear(): void {
    this.drain();
  }
}
