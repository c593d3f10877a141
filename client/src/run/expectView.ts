/**
 * How a block's expectation outcomes show in the editor: one inline mark per `@expect` line and one Problems
 * entry per failure (the implicit "must succeed" check lands on the `Action:` line). Pure: no vscode, so it is
 * unit-tested; runController turns the results into decorations and diagnostics.
 */
import { formatElapsed } from '../../../core/src/expect/matcher';
import type { ExpectationOutcome } from '../../../core/src/expect/types';
import type { BlockReport } from '../../../core/src/run/scriptRunner';
import type { Block } from '../../../core/src/script/types';

/** Source and code of the Problems entries for failed expectations. */
export const EXPECT_DIAGNOSTIC_SOURCE = 'ami expect';
export const EXPECT_DIAGNOSTIC_CODE = 'expect-failed';

/** Longest inline text; the full sentence is in the hover and the Problems view. */
const MAX_INLINE = 120;

/** A mark at the end of one line. */
export interface ExpectMark {
  /** Zero-based line. */
  line: number;
  status: ExpectationOutcome['status'];
  text: string;
  /** The full sentence (hover). */
  message: string;
}

/** A failure to report: the whole line's text range. */
export interface ExpectProblem {
  line: number;
  startCharacter: number;
  endCharacter: number;
  message: string;
}

function shorten(text: string): string {
  return text.length > MAX_INLINE ? `${text.slice(0, MAX_INLINE - 3)}...` : text;
}

/** The inline text of one outcome: `✓ passed · 805 ms`, `✗ failed: expected ..., got ...`, `… pending · 1.20 s`. */
export function outcomeText(outcome: ExpectationOutcome, elapsedNowMs?: number): string {
  if (outcome.status === 'pass') return `✓ passed${outcome.elapsedMs !== undefined ? ` · ${formatElapsed(outcome.elapsedMs)}` : ''}`;
  if (outcome.status === 'fail') return shorten(`✗ failed: ${outcome.message}`);
  return `… pending${elapsedNowMs !== undefined ? ` · ${formatElapsed(elapsedNowMs)}` : ''}`;
}

/**
 * Pairs outcomes with the block's lines: explicit outcomes follow `block.expectations` in order; an implicit
 * check (no `@expect Response:`) belongs to the `Action:` line. Outcomes beyond the block's lines (the block was
 * edited meanwhile) are dropped rather than put on the wrong line.
 */
function placed(block: Block, outcomes: readonly ExpectationOutcome[]): Array<{ line: number; startCharacter: number; endCharacter: number; outcome: ExpectationOutcome }> {
  const out: Array<{ line: number; startCharacter: number; endCharacter: number; outcome: ExpectationOutcome }> = [];
  let index = 0;
  for (const outcome of outcomes) {
    if (outcome.implicit) {
      const header = block.actionHeader;
      if (header) out.push({ line: header.range.start.line, startCharacter: header.range.start.character, endCharacter: header.range.end.character, outcome });
      continue;
    }
    const expectLine = block.expectations[index++];
    if (!expectLine) continue;
    out.push({ line: expectLine.range.start.line, startCharacter: expectLine.range.start.character, endCharacter: expectLine.range.end.character, outcome });
  }
  return out;
}

/** Inline marks for the `@expect` lines (the implicit check is left to the block's own summary). */
export function expectMarks(block: Block, outcomes: readonly ExpectationOutcome[], elapsedNowMs?: number): ExpectMark[] {
  return placed(block, outcomes)
    .filter((entry) => !entry.outcome.implicit)
    .map(({ line, outcome }) => ({ line, status: outcome.status, text: outcomeText(outcome, elapsedNowMs), message: outcome.message }));
}

/** One problem per failed outcome, with the "expected ..., got ..." sentence. */
export function expectProblems(block: Block, outcomes: readonly ExpectationOutcome[]): ExpectProblem[] {
  return placed(block, outcomes)
    .filter((entry) => entry.outcome.status === 'fail')
    .map(({ line, startCharacter, endCharacter, outcome }) => ({ line, startCharacter, endCharacter, message: outcome.message }));
}

/** What a run command reports per block (the e2e tests and callers read it). */
export type RunOutcome = 'success' | 'error' | 'failed' | 'refused' | 'cancelled';

/**
 * A block's report as a command outcome: `success` when every check passed (an expected `Response: Error`
 * included), `cancelled` when the user declined, `error` / `failed` when the action did, `refused` when nothing
 * was sent, and `failed` when the action succeeded but an expectation did not.
 */
export function runOutcome(report: BlockReport): RunOutcome {
  if (report.verdict === 'passed') return 'success';
  const run = report.run;
  if (run?.cancelled) return 'cancelled';
  if (!run || run.status === 'refused') return 'refused';
  if (run.status === 'success') return 'failed';
  return run.status;
}

/** The tail of a block's summary mark about its expectations: ` · ✓ 2 expectations`, ` · ✗ 1 of 2 expectations failed`. */
export function expectSummary(outcomes: readonly ExpectationOutcome[]): string {
  const explicit = outcomes.filter((outcome) => !outcome.implicit);
  if (explicit.length === 0) return '';
  const failed = explicit.filter((outcome) => outcome.status === 'fail').length;
  const pending = explicit.filter((outcome) => outcome.status === 'pending').length;
  const plural = explicit.length === 1 ? 'expectation' : 'expectations';
  if (failed > 0) return ` · ✗ ${failed} of ${explicit.length} ${plural} failed`;
  if (pending > 0) return ` · … ${pending} of ${explicit.length} ${plural} pending`;
  return ` · ✓ ${explicit.length} ${plural}`;
}
