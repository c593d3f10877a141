/**
 * When an event happened: Asterisk's own `Timestamp:` header (manager.conf timestampevents = yes, seconds with
 * microseconds) when present, else the time the extension received it. Events of one TCP read share a receive
 * millisecond, so the server's time is the one worth showing. Pure.
 */
import type { StreamEvent } from '../../protocol/src/webviewMessages';
import { clockTime } from '../../core/src/timeline/clock';

export interface EventTime {
  /** Milliseconds since the epoch (for sorting and spans). */
  ms: number;
  /** `HH:MM:SS.micros` (server) or `HH:MM:SS.mmm` (received), local time. */
  text: string;
  source: 'server' | 'received';
}

const TIMESTAMP = /^\s*(\d{1,12})(?:\.(\d{1,9}))?\s*$/;

/** The event's time: its Timestamp header when it parses, else its receive time. */
export function eventTime(event: Pick<StreamEvent, 'time' | 'headers'>): EventTime {
  const raw = event.headers.find(([name]) => name.toLowerCase() === 'timestamp')?.[1];
  const match = raw === undefined ? null : TIMESTAMP.exec(raw);
  if (match) {
    const seconds = Number(match[1]);
    const fraction = (match[2] ?? '').padEnd(6, '0').slice(0, 6);
    const ms = seconds * 1000 + Number(fraction) / 1000;
    return { ms, text: `${clockTime(seconds * 1000)}.${fraction}`, source: 'server' };
  }
  return { ms: event.time, text: clockTime(event.time, true), source: 'received' };
}

/** Tooltip of a time: which clock it is. */
export function eventTimeTitle(time: EventTime): string {
  return time.source === 'server' ? "Asterisk's Timestamp header (server time, microseconds)" : 'Received by the extension (the event has no Timestamp header; manager.conf timestampevents = yes adds it)';
}
