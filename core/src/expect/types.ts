/**
 * Typed `@expect` lines (docs/script-format.md "Expectations") and what checking one gives.
 * Values may still hold `{{variables}}` until `resolveExpectation` substitutes them at run time.
 */

/** Header pairs in order, as AmiMessage.headers() gives them. */
export type HeaderPairs = ReadonlyArray<readonly [string, string]>;

/** `@expect Response: Success` */
export interface ResponseExpectation {
  kind: 'response';
  /** Expected `Response:` value (Success, Error, Goodbye, Follows...), compared case-insensitively. */
  status: string;
}

/** One `Header=value` condition of an event expectation. */
export interface FieldCondition {
  name: string;
  value: string;
}

/** `@expect Event: Hangup Cause=16 within 10s` */
export interface EventExpectation {
  kind: 'event';
  event: string;
  fields: FieldCondition[];
  /** How long after the block was sent the event may arrive. */
  withinMs: number;
  /** False when `within` was not written (the default applies). */
  withinGiven: boolean;
}

/** List comparison: `N` (exactly) or `>=N`. */
export type ListOperator = '=' | '>=';

/** `@expect List: 3`, `@expect List: >=1` */
export interface ListExpectation {
  kind: 'list';
  operator: ListOperator;
  count: number;
}

export type Expectation = ResponseExpectation | EventExpectation | ListExpectation;

/** A syntax error in an `@expect` text; offsets are UTF-16 indexes into that text (ExpectLine.text). */
export interface ExpectSyntaxError {
  /** Stable id for diagnostics. */
  code: 'expect-kind' | 'expect-colon' | 'expect-response' | 'expect-event-name' | 'expect-field' | 'expect-within' | 'expect-list' | 'expect-quote';
  message: string;
  start: number;
  end: number;
}

/** A parsed expectation; `span` locates its main word in the text (the status, the event name or the count). */
export type ExpectParse =
  | { ok: true; expectation: Expectation; span: { start: number; end: number } }
  | { ok: false; error: ExpectSyntaxError };

/** How one expectation came out. */
export type OutcomeStatus = 'pass' | 'fail' | 'pending';

export interface ExpectationOutcome {
  /** The `@expect` text as written (variables not substituted), or a description for implicit checks. */
  source: string;
  kind: Expectation['kind'];
  status: OutcomeStatus;
  /** What was expected, variables substituted: `Event: Hangup Cause=16 within 10s`. */
  expected: string;
  /** What came (or did not): `Hangup Cause=16 after 2.31 s`, `no response: timeout...`. */
  got: string;
  /** One sentence: `expected ..., got ...`. */
  message: string;
  /** Milliseconds from the send to the decision (for pass: when the matching message arrived). */
  elapsedMs?: number;
  /** Headers of the event that satisfied an event expectation. */
  matched?: Array<[string, string]>;
  /** True for the check added when a block has no `@expect Response:` (it must succeed). */
  implicit?: boolean;
}
