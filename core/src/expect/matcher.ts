/**
 * Checks a block's expectations against what came back: its response, its list items and the events tied
 * to it (see Correlator). Pure and clock-driven: the caller feeds messages, asks `evaluate()` whenever
 * something arrived or `nextDeadline()` passed, and gets pass / fail / pending per expectation, each with
 * a timing and an "expected X, got Y" sentence. Once decided, an outcome does not change.
 */
import { Correlator, headerValue, type ObservedEvent } from './correlator';
import { formatExpectation, formatWithin } from './parse';
import type { EventExpectation, Expectation, ExpectationOutcome, HeaderPairs, ListExpectation, ResponseExpectation } from './types';

/** What the action got back. `failure` is set when nothing usable came (not sent, timeout, disconnect). */
export interface BlockAnswer {
  response?: HeaderPairs;
  /** List items (events between `EventList: start` and the Complete event). */
  items?: ReadonlyArray<HeaderPairs>;
  /** Why the list cannot be trusted (cancelled, ListItems disagrees, cut off). */
  listIncomplete?: string;
  failure?: string;
}

/** An expectation and the text it came from. */
export interface SourcedExpectation {
  source: string;
  expectation: Expectation;
}

export interface MatcherOptions {
  /** Clock (ms). */
  now: () => number;
  /** When the block was sent; default `now()` at construction. `within` counts from here. */
  startedAt?: number;
  /** Shared correlator (default: a new one). */
  correlator?: Correlator;
}

/** Seconds or milliseconds, short: `805 ms`, `2.31 s`. */
export function formatElapsed(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`;
}

function describeResponse(response: HeaderPairs): string {
  const status = headerValue(response, 'Response') ?? '(no Response header)';
  const message = headerValue(response, 'Message');
  return message ? `Response: ${status} (Message: ${message})` : `Response: ${status}`;
}

function fieldMatches(event: ObservedEvent, name: string, value: string): boolean {
  const lower = name.toLowerCase();
  return event.headers.some(([key, actual]) => key.toLowerCase() === lower && actual === value);
}

function describeEvent(event: ObservedEvent, expectation: EventExpectation): string {
  const shown = expectation.fields.map((f) => `${f.name}=${headerValue(event.headers, f.name) ?? '(none)'}`);
  return [event.name, ...shown].join(' ');
}

function countSummary(events: readonly ObservedEvent[]): string {
  const counts = new Map<string, number>();
  for (const event of events) counts.set(event.name, (counts.get(event.name) ?? 0) + 1);
  const parts = [...counts].slice(0, 16).map(([name, n]) => (n > 1 ? `${name} ×${n}` : name));
  if (counts.size > 16) parts.push(`${counts.size - 16} more kinds`);
  return parts.join(', ');
}

function compare(actual: number, expectation: ListExpectation): boolean {
  return expectation.operator === '>=' ? actual >= expectation.count : actual === expectation.count;
}

export class ExpectationMatcher {
  readonly correlator: Correlator;
  readonly startedAt: number;
  private readonly now: () => number;
  private readonly decided: Array<ExpectationOutcome | undefined>;
  private answer: BlockAnswer | undefined;
  private answeredAt = 0;

  constructor(
    private readonly expectations: readonly SourcedExpectation[],
    options: MatcherOptions,
  ) {
    this.now = options.now;
    this.startedAt = options.startedAt ?? options.now();
    this.correlator = options.correlator ?? new Correlator();
    this.decided = expectations.map(() => undefined);
  }

  /** The ActionID on the wire and the headers sent (variables substituted). */
  sent(actionId: string, headers: HeaderPairs = []): void {
    this.correlator.addSentHeaders(headers);
    this.correlator.addActionId(actionId);
  }

  /** The action's answer (or why there is none). */
  answered(answer: BlockAnswer): void {
    if (this.answer) return;
    this.answer = answer;
    this.answeredAt = this.now();
    if (answer.response) this.correlator.addResponse(answer.response);
    if (answer.items) this.correlator.addItems(answer.items, this.answeredAt);
  }

  /** Offers an event from the stream (any event: the correlator decides whether it belongs). */
  event(headers: HeaderPairs): void {
    this.correlator.push(headerValue(headers, 'Event') ?? '', headers, this.now());
  }

  /** Every expectation's outcome now. */
  evaluate(): ExpectationOutcome[] {
    return this.expectations.map((item, index) => {
      const known = this.decided[index];
      if (known) return known;
      const outcome = this.check(item);
      if (outcome.status !== 'pending') this.decided[index] = outcome;
      return outcome;
    });
  }

  /** True when no outcome is pending. */
  get settled(): boolean {
    return this.evaluate().every((outcome) => outcome.status !== 'pending');
  }

  /** Clock time at which a pending event expectation times out (the earliest), if any. */
  nextDeadline(): number | undefined {
    let next: number | undefined;
    this.expectations.forEach((item, index) => {
      if (this.decided[index] || item.expectation.kind !== 'event') return;
      const due = this.startedAt + item.expectation.withinMs;
      if (next === undefined || due < next) next = due;
    });
    return next;
  }

  /** Fails whatever is still pending (the run stopped, the connection closed). */
  abort(reason: string): ExpectationOutcome[] {
    return this.evaluate().map((outcome, index) => {
      if (outcome.status !== 'pending') return outcome;
      const failed: ExpectationOutcome = { ...outcome, status: 'fail', got: reason, message: `expected ${outcome.expected}, got nothing: ${reason}` };
      this.decided[index] = failed;
      return failed;
    });
  }

  private outcome(item: SourcedExpectation, status: ExpectationOutcome['status'], got: string, extra: Partial<ExpectationOutcome> = {}): ExpectationOutcome {
    const expected = formatExpectation(item.expectation);
    const message = status === 'pass' ? `${expected}: got ${got}` : status === 'pending' ? `waiting for ${expected}` : `expected ${expected}, got ${got}`;
    return { source: item.source, kind: item.expectation.kind, status, expected, got, message, ...extra };
  }

  private check(item: SourcedExpectation): ExpectationOutcome {
    const expectation = item.expectation;
    switch (expectation.kind) {
      case 'response':
        return this.checkResponse(item, expectation);
      case 'list':
        return this.checkList(item, expectation);
      case 'event':
        return this.checkEvent(item, expectation);
    }
  }

  private checkResponse(item: SourcedExpectation, expectation: ResponseExpectation): ExpectationOutcome {
    const answer = this.answer;
    if (!answer) return this.outcome(item, 'pending', 'no response yet');
    const elapsedMs = this.answeredAt - this.startedAt;
    if (!answer.response) return this.outcome(item, 'fail', `no response: ${answer.failure ?? 'nothing came back'}`, { elapsedMs });
    const status = headerValue(answer.response, 'Response') ?? '';
    const pass = status.toLowerCase() === expectation.status.toLowerCase();
    return this.outcome(item, pass ? 'pass' : 'fail', `${describeResponse(answer.response)} after ${formatElapsed(elapsedMs)}`, { elapsedMs });
  }

  private checkList(item: SourcedExpectation, expectation: ListExpectation): ExpectationOutcome {
    const answer = this.answer;
    if (!answer) return this.outcome(item, 'pending', 'no response yet');
    const elapsedMs = this.answeredAt - this.startedAt;
    if (!answer.response) return this.outcome(item, 'fail', `no list: ${answer.failure ?? 'nothing came back'}`, { elapsedMs });
    const isList = (headerValue(answer.response, 'EventList') ?? '').toLowerCase() === 'start';
    if (!isList) {
      return this.outcome(item, 'fail', `no list but ${describeResponse(answer.response)} (some actions answer an empty list with an error)`, { elapsedMs });
    }
    const count = answer.items?.length ?? 0;
    const items = `${count} item${count === 1 ? '' : 's'}`;
    if (answer.listIncomplete) return this.outcome(item, 'fail', `${items}, but the list is not trustworthy: ${answer.listIncomplete}`, { elapsedMs });
    return this.outcome(item, compare(count, expectation) ? 'pass' : 'fail', `${items} after ${formatElapsed(elapsedMs)}`, { elapsedMs });
  }

  private checkEvent(item: SourcedExpectation, expectation: EventExpectation): ExpectationOutcome {
    const deadline = this.startedAt + expectation.withinMs;
    const wanted = expectation.event.toLowerCase();
    const events = this.correlator.events;
    const named = events.filter((event) => event.name.toLowerCase() === wanted);
    const hit = named.find((event) => event.at <= deadline && expectation.fields.every((f) => fieldMatches(event, f.name, f.value)));
    if (hit) {
      const elapsedMs = hit.at - this.startedAt;
      return this.outcome(item, 'pass', `${describeEvent(hit, expectation)} after ${formatElapsed(elapsedMs)}`, {
        elapsedMs,
        matched: hit.headers.map(([k, v]) => [k, v]),
      });
    }
    const answer = this.answer;
    if (answer && !answer.response) {
      return this.outcome(item, 'fail', `no response (${answer.failure ?? 'nothing came back'}), so no event was waited for`, { elapsedMs: this.answeredAt - this.startedAt });
    }
    if (answer?.response && (headerValue(answer.response, 'Response') ?? '').toLowerCase() === 'error') {
      return this.outcome(item, 'fail', `${describeResponse(answer.response)}: the action failed, so no ${expectation.event} event will come`, {
        elapsedMs: this.answeredAt - this.startedAt,
      });
    }
    const now = this.now();
    if (now < deadline) return this.outcome(item, 'pending', `waiting up to ${formatWithin(expectation.withinMs)}`);
    const window = `within ${formatWithin(expectation.withinMs)}`;
    let got: string;
    if (named.length > 0) {
      const shown = named.slice(0, 3).map((event) => {
        const late = event.at > deadline ? ` (too late: after ${formatElapsed(event.at - this.startedAt)})` : '';
        return describeEvent(event, expectation) + late;
      });
      got = `${named.length === 1 ? '' : `${named.length} ${expectation.event} events, none matching: `}${shown.join('; ')}${named.length > 3 ? '; ...' : ''}`;
    } else if (events.length > 0) {
      got = `no ${expectation.event} event ${window}; the block's events were: ${countSummary(events)}`;
    } else {
      const others = this.correlator.seen;
      got =
        others === 0
          ? `no event at all ${window}: are events on for this login (Events: on, the manager.conf read= classes)?`
          : `no event tied to this block ${window} (${others} other event${others === 1 ? '' : 's'} arrived)`;
    }
    return this.outcome(item, 'fail', got, { elapsedMs: now - this.startedAt });
  }
}
