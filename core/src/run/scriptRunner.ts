/**
 * Runs a parsed `.ami` script as a test: blocks in order over one session, `{{variables}}` resolved (named
 * blocks feed later ones and keep collecting their call's events while the file runs), expectations checked
 * with an ExpectationMatcher, one report per block. Pure: the session, the event source and the clock are
 * injected, so the CLI runs it over a socket and tests drive it against the fake server.
 */
import { systemClock, type Clock } from '../session/clock';
import type { Disposable } from '../session/emitter';
import type { AmiMessage } from '../wire/types';
import { redactSecretsDeep } from '../wire/redact';
import { runBlock, type ActionSender, type BlockRunResult } from './runner';
import { fileVariableValues, findVariables, substituteHeaders, type NamedResult, type VariableSources } from './variables';
import type { Block, ExpectLine, Script } from '../script/types';
import { blockLabel } from '../script/blockLabel';
import { Correlator } from '../expect/correlator';
import { ExpectationMatcher, formatElapsed, type SourcedExpectation } from '../expect/matcher';
import { parseExpectation } from '../expect/parse';
import { resolveExpectation } from './resolveExpectation';
import type { ExpectationOutcome } from '../expect/types';

/** The session the runner needs: send actions, hear every event. AmiConnection fits. */
export interface ScriptSession extends ActionSender {
  onEvent(listener: (event: AmiMessage) => void): Disposable;
}

/** passed: every check passed; failed: a check failed; error: the block could not run; skipped: not run. */
export type BlockVerdict = 'passed' | 'failed' | 'error' | 'skipped';

export interface BlockReport {
  index: number;
  /** One-based line of the block's `Action:` (or first) line. */
  line: number;
  label: string;
  name?: string;
  action: string;
  verdict: BlockVerdict;
  /** Why it failed, errored or was skipped (one line). */
  reason?: string;
  run?: BlockRunResult;
  outcomes: ExpectationOutcome[];
  /** Events tied to the block while it ran. */
  eventCount: number;
  durationMs: number;
}

export interface ScriptReport {
  blocks: BlockReport[];
  passed: number;
  failed: number;
  errors: number;
  skipped: number;
  durationMs: number;
}

export interface ScriptRunOptions {
  clock?: Clock;
  /** Profile variables, `$env`, `$prompt`... (named results and file variables are added by the runner). */
  sources?: Omit<VariableSources, 'named' | 'fileVariables'>;
  /** Per-action response timeout (default: the session's). */
  timeoutMs?: number;
  /** Run the blocks after a failing one (default false: they are skipped). */
  continueOnFailure?: boolean;
  /** How long a block waits for a named block's result that has not arrived yet (`{{call.events.X.Y}}`). Default 5 s. */
  chainWaitMs?: number;
  /** Polled between blocks and while waiting: true stops the run (pending checks fail, later blocks are skipped). */
  shouldStop?: () => boolean;
  /** Lets the caller wake a waiting run at once when `shouldStop` turns true (Ctrl+C, connection lost). */
  onStopRequested?: (listener: () => void) => Disposable;
  /** Called before a block is sent and after it is decided (progress output). */
  onBlockStart?: (block: Block) => void;
  onBlockDone?: (report: BlockReport) => void;
  /** The blocks to run, in order (default: every block of the script; the script still gives the file variables). */
  blocks?: readonly Block[];
  /** Named results from earlier runs (the editor keeps them per document); this run's named blocks replace them. */
  named?: ReadonlyMap<string, NamedResult>;
  /**
   * Called with the headers as they will be sent; resolve false to cancel the block (it is then an error,
   * `run.cancelled`), or a sentence to refuse it with that reason.
   */
  beforeSend?: (block: Block, headers: ReadonlyArray<readonly [string, string]>) => Promise<boolean | string>;
  /**
   * Called once the block's answer came and again whenever an outcome changes (pending to pass or fail), so an
   * editor can show the response at once and each expectation as it is decided. `outcomes` are the block's own
   * `@expect` lines in order (no implicit check).
   */
  onBlockProgress?: (block: Block, run: BlockRunResult, outcomes: readonly ExpectationOutcome[]) => void;
}

/** Wakes waiters on every event, or at a clock deadline. */
class Waker {
  private waiters: Array<() => void> = [];

  constructor(private readonly clock: Clock) {}

  wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const waiter of waiters) waiter();
  }

  /** Resolves at the next wake() or at `until` (clock time), whichever is first. */
  wait(until: number | undefined): Promise<void> {
    return new Promise((resolve) => {
      let timer: ReturnType<Clock['setTimeout']> | undefined;
      const done = (): void => {
        if (timer !== undefined) this.clock.clearTimeout(timer);
        resolve();
      };
      this.waiters.push(done);
      if (until !== undefined) timer = this.clock.setTimeout(() => this.wake(), Math.max(0, until - this.clock.now()));
    });
  }
}

/** A named block's results, read live: events that arrive after the block finished still show up. */
function liveNamedResult(run: BlockRunResult, correlator: Correlator): NamedResult {
  return {
    actionId: run.actionId,
    response: run.response,
    items: run.items,
    get events() {
      return correlator.events.map((event) => ({ name: event.name, headers: event.headers }));
    },
  };
}

function blockLine(block: Block): number {
  return (block.actionHeader?.range.start.line ?? block.range.start.line) + 1;
}

/** The implicit check of a block without `@expect Response:`: the action must succeed. */
function implicitResponse(run: BlockRunResult): ExpectationOutcome {
  const expected = 'Response: Success (default: add "@expect Response: Error" to expect a failure)';
  const got =
    run.status === 'success'
      ? `Response: ${run.response?.find(([n]) => n.toLowerCase() === 'response')?.[1] ?? 'Success'}`
      : run.status === 'failed' && run.response
        ? `Response: ${run.response.find(([n]) => n.toLowerCase() === 'response')?.[1] ?? '?'} and ${run.items.length} list item(s), then: ${run.error ?? 'no complete answer'}`
      : run.response
        ? `Response: ${run.response.find(([n]) => n.toLowerCase() === 'response')?.[1] ?? '?'} (Message: ${run.error ?? ''})`
        : `no response: ${run.error ?? 'nothing came back'}`;
  const elapsed = run.durationMs !== undefined ? ` after ${formatElapsed(run.durationMs)}` : '';
  const pass = run.status === 'success';
  return {
    source: 'Response: Success',
    kind: 'response',
    status: pass ? 'pass' : 'fail',
    expected: 'Response: Success',
    got: got + elapsed,
    message: pass ? `Response: Success: got ${got}${elapsed}` : `expected ${expected}, got ${got}${elapsed}`,
    elapsedMs: run.durationMs,
    implicit: true,
  };
}

/** Names of the named blocks a block's variables refer to (`call` in `{{call.events.X.Y}}`). */
function referencedBlocks(block: Block, named: ReadonlyMap<string, unknown>): string[] {
  const names = new Set<string>();
  const texts = [...block.headers.map((h) => h.value), ...block.expectations.map((e) => e.text)];
  for (const text of texts) {
    for (const ref of findVariables(text)) {
      const dot = ref.name.indexOf('.');
      if (dot <= 0) continue;
      const head = ref.name.slice(0, dot).toLowerCase();
      for (const key of named.keys()) if (key.toLowerCase() === head) names.add(key);
    }
  }
  return [...names];
}

/**
 * Parses a block's `@expect` lines (for runners and the editor): the typed expectations in order, or the
 * first syntax error with its line.
 */
export function blockExpectations(block: Block): { ok: true; expectations: SourcedExpectation[] } | { ok: false; line: ExpectLine; error: string } {
  const expectations: SourcedExpectation[] = [];
  for (const line of block.expectations) {
    const result = parseExpectation(line.text);
    if (!result.ok) return { ok: false, line, error: result.error.message };
    expectations.push({ source: line.text, expectation: result.expectation });
  }
  return { ok: true, expectations };
}

/** Runs every block of `script` in order; never throws. */
export async function runScript(script: Script, session: ScriptSession, options: ScriptRunOptions = {}): Promise<ScriptReport> {
  const clock = options.clock ?? systemClock;
  const now = (): number => clock.now();
  const chainWaitMs = options.chainWaitMs ?? 5000;
  const named = new Map<string, NamedResult>(options.named ?? []);
  const fileVariables = fileVariableValues(script.fileVariables);
  const sources: VariableSources = { ...options.sources, named, fileVariables };
  const following: Correlator[] = [];
  const waker = new Waker(clock);
  let current: ExpectationMatcher | undefined;
  const subscription = session.onEvent((message) => {
    const headers = message.headers();
    current?.event(headers);
    const name = headers.find(([n]) => n.toLowerCase() === 'event')?.[1] ?? '';
    for (const correlator of following) correlator.push(name, headers, now());
    waker.wake();
  });

  const stopSubscription = options.onStopRequested?.(() => waker.wake());
  const started = now();
  const reports: BlockReport[] = [];
  let stopReason: string | undefined;
  try {
    for (const block of options.blocks ?? script.blocks) {
      const base = {
        index: block.index,
        line: blockLine(block),
        label: blockLabel(block),
        name: block.name,
        action: block.action ?? '',
      };
      if (stopReason === undefined && options.shouldStop?.()) stopReason = 'the run was interrupted';
      if (stopReason !== undefined) {
        reports.push({ ...base, verdict: 'skipped', reason: stopReason, outcomes: [], eventCount: 0, durationMs: 0 });
        continue;
      }
      options.onBlockStart?.(block);
      // Outcome texts quote what the server sent: a remembered secret is redacted there too.
      const report = redactSecretsDeep(await runOne(block, base));
      reports.push(report);
      options.onBlockDone?.(report);
      if ((report.verdict === 'failed' || report.verdict === 'error') && !options.continueOnFailure) {
        stopReason = `skipped: block ${report.index + 1} (line ${report.line}) did not pass; --continue-on-failure runs the rest`;
      }
    }
  } finally {
    subscription.dispose();
    stopSubscription?.dispose();
  }

  async function runOne(block: Block, base: Pick<BlockReport, 'index' | 'line' | 'label' | 'name' | 'action'>): Promise<BlockReport> {
    const blockStart = now();
    const error = (reason: string, run?: BlockRunResult): BlockReport => ({
      ...base,
      verdict: 'error',
      reason,
      run,
      outcomes: [],
      eventCount: 0,
      durationMs: now() - blockStart,
    });
    if (!block.action) return error(`line ${base.line}: the block does not start with "Action:", so it was not sent`);

    const checks = blockExpectations(block);
    if (!checks.ok) return error(`line ${checks.line.range.start.line + 1}: @expect ${checks.line.text}: ${checks.error} (not sent)`);
    const parsed = checks.expectations;

    // Variables; a named block's result that has not arrived yet (its OriginateResponse...) is waited for.
    const headers = block.headers.map((h) => [h.name, h.value] as [string, string]);
    const waitUntil = now() + chainWaitMs;
    let substituted = await substituteHeaders(headers, sources);
    const waitable = referencedBlocks(block, named);
    while (!substituted.ok && waitable.length > 0 && now() < waitUntil && !options.shouldStop?.()) {
      await waker.wait(waitUntil);
      substituted = await substituteHeaders(headers, sources);
    }
    if (!substituted.ok) {
      return error(`not sent: ${substituted.errors.map((e) => `${e.header}: ${e.error}`).join('; ')}`);
    }
    const resolved: SourcedExpectation[] = [];
    for (const item of parsed) {
      const result = await resolveExpectation(item.expectation, sources);
      if (!result.ok) return error(`not sent: @expect ${item.source}: ${result.error}`);
      resolved.push({ source: item.source, expectation: result.expectation });
    }

    const matcher = new ExpectationMatcher(resolved, { now });
    current = matcher;
    let run: BlockRunResult;
    try {
      const beforeSend = options.beforeSend;
      run = await runBlock(substituted.headers, {}, session, {
        timeoutMs: options.timeoutMs,
        now,
        beforeSend: beforeSend ? (sent) => beforeSend(block, sent) : undefined,
      });
      matcher.sent(run.actionId, run.sent);
      matcher.answered(
        run.response
          ? { response: run.response, items: run.items, listIncomplete: run.listIncomplete }
          : { failure: run.error ?? 'no response' },
      );
      let shown: string | undefined;
      for (;;) {
        if (options.onBlockProgress && run.status !== 'refused') {
          const outcomes = matcher.evaluate();
          const statuses = outcomes.map((outcome) => outcome.status).join();
          if (statuses !== shown) {
            shown = statuses;
            options.onBlockProgress(block, run, redactSecretsDeep(outcomes));
          }
        }
        if (matcher.settled) break;
        if (options.shouldStop?.()) {
          matcher.abort('the run was interrupted');
          break;
        }
        await waker.wait(matcher.nextDeadline());
      }
    } finally {
      current = undefined;
    }
    if (run.status === 'refused') return error(run.error ?? 'not sent', run);
    if (block.name) {
      named.set(block.name, liveNamedResult(run, matcher.correlator));
      following.push(matcher.correlator);
    }

    const outcomes = matcher.evaluate();
    // A block whose answer never completed fails even when its response matched an explicit check.
    if (!resolved.some((item) => item.expectation.kind === 'response') || (run.status === 'failed' && outcomes.every((o) => o.status === 'pass'))) {
      outcomes.unshift(implicitResponse(run));
    }
    const failedOutcome = outcomes.find((outcome) => outcome.status !== 'pass');
    return {
      ...base,
      verdict: failedOutcome ? 'failed' : 'passed',
      reason: failedOutcome?.message,
      run,
      outcomes,
      eventCount: matcher.correlator.events.length,
      durationMs: now() - blockStart,
    };
  }

  const count = (verdict: BlockVerdict): number => reports.filter((report) => report.verdict === verdict).length;
  return {
    blocks: reports,
    passed: count('passed'),
    failed: count('failed'),
    errors: count('error'),
    skipped: count('skipped'),
    durationMs: now() - started,
  };
}
