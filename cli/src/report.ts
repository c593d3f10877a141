/**
 * `ami run` output: the readable report (per block ✓/✗, action, time, each expectation and what came) and the
 * `--json` document for machines.
 */
import { formatElapsed } from '../../core/src/expect/matcher';
import type { BlockReport, ScriptReport } from '../../core/src/run/scriptRunner';

/** One file's run. `error` is set when the file could not be read or run at all. */
export interface FileRun {
  file: string;
  report: ScriptReport;
  error?: string;
}

const MARK: Record<BlockReport['verdict'], string> = { passed: '✓', failed: '✗', error: '✗', skipped: '-' };

/** Values from the server are shown on one line whatever they contain. */
function oneLine(text: string): string {
  return text.replace(/[\r\n\t]+/g, ' ').replace(/[\u0000-\u001f\u007f]/g, '?');
}

/** The lines of one block. */
export function formatBlock(block: BlockReport): string {
  const head = `  ${MARK[block.verdict]} line ${block.line}: ${oneLine(block.label)}`;
  const action = block.action && block.action !== block.label ? `  ${block.action}` : '';
  if (block.verdict === 'skipped') return `${head}${action}  (${oneLine(block.reason ?? 'skipped')})\n`;
  const lines = [`${head}${action}  ${formatElapsed(block.durationMs)}${block.verdict === 'error' ? '  ERROR' : ''}`];
  if (block.verdict === 'error') lines.push(`      ${oneLine(block.reason ?? 'could not run')}`);
  for (const outcome of block.outcomes) {
    const mark = outcome.status === 'pass' ? '✓' : '✗';
    if (outcome.status === 'pass') {
      lines.push(`      ${mark} ${oneLine(outcome.implicit ? 'Response: Success (default check)' : outcome.expected)}  got ${oneLine(outcome.got)}`);
    } else {
      lines.push(`      ${mark} ${oneLine(outcome.implicit ? 'Response: Success (default check)' : outcome.expected)}`);
      lines.push(`          ${oneLine(outcome.message)}`);
    }
  }
  if (block.run?.actionId && block.verdict !== 'passed') lines.push(`      ActionID ${block.run.actionId}, ${block.eventCount} event(s) tied to the block`);
  return `${lines.join('\n')}\n`;
}

/** The heading of a file. */
export function formatFileHeader(file: string, target: string): string {
  return `${file}  (${target})\n`;
}

/** `3 blocks: 2 passed, 1 failed` for one file or the total. */
export function formatCounts(report: Pick<ScriptReport, 'passed' | 'failed' | 'errors' | 'skipped'>): string {
  const total = report.passed + report.failed + report.errors + report.skipped;
  const parts = [`${report.passed} passed`];
  if (report.failed > 0) parts.push(`${report.failed} failed`);
  if (report.errors > 0) parts.push(`${report.errors} could not run`);
  if (report.skipped > 0) parts.push(`${report.skipped} skipped`);
  return `${total} block${total === 1 ? '' : 's'}: ${parts.join(', ')}`;
}

/** Sums the counts of several files. */
export function totals(runs: readonly FileRun[]): { passed: number; failed: number; errors: number; skipped: number; durationMs: number; fileErrors: number } {
  const sum = { passed: 0, failed: 0, errors: 0, skipped: 0, durationMs: 0, fileErrors: 0 };
  for (const run of runs) {
    sum.passed += run.report.passed;
    sum.failed += run.report.failed;
    sum.errors += run.report.errors;
    sum.skipped += run.report.skipped;
    sum.durationMs += run.report.durationMs;
    if (run.error) sum.fileErrors++;
  }
  return sum;
}

/** The closing summary line. */
export function formatSummary(runs: readonly FileRun[]): string {
  const sum = totals(runs);
  const files = runs.length === 1 ? '1 file' : `${runs.length} files`;
  const fileErrors = sum.fileErrors > 0 ? `, ${sum.fileErrors} file(s) could not be run` : '';
  const ok = sum.failed === 0 && sum.errors === 0 && sum.fileErrors === 0;
  return `\n${ok ? 'PASSED' : 'FAILED'}  ${files}, ${formatCounts(sum)}${fileErrors} in ${formatElapsed(sum.durationMs)}\n`;
}

/** A dangerous block that `--allow-dangerous` let through. */
export interface AllowedDangerous {
  file: string;
  line: number;
  reason: string;
}

/** The `--json` document: stable field names, secrets already redacted by the runner. */
export function toJson(runs: readonly FileRun[], target: string, exitCode: number, allowedDangerous: readonly AllowedDangerous[] = []): string {
  const sum = totals(runs);
  return JSON.stringify(
    {
      target,
      exitCode,
      allowedDangerous: allowedDangerous.length > 0 ? allowedDangerous : undefined,
      summary: { files: runs.length, ...sum },
      files: runs.map((run) => ({
        file: run.file,
        error: run.error,
        passed: run.report.passed,
        failed: run.report.failed,
        errors: run.report.errors,
        skipped: run.report.skipped,
        durationMs: run.report.durationMs,
        blocks: run.report.blocks.map((block) => ({
          index: block.index,
          line: block.line,
          label: block.label,
          name: block.name,
          action: block.action,
          verdict: block.verdict,
          reason: block.reason,
          durationMs: block.durationMs,
          actionId: block.run?.actionId || undefined,
          response: block.run?.response,
          listItems: block.run?.items.length,
          eventCount: block.eventCount,
          expectations: block.outcomes.map((outcome) => ({
            expect: outcome.source,
            implicit: outcome.implicit === true ? true : undefined,
            status: outcome.status,
            expected: outcome.expected,
            got: outcome.got,
            message: outcome.message,
            elapsedMs: outcome.elapsedMs,
          })),
        })),
      })),
    },
    null,
    2,
  );
}
