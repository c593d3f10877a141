/**
 * JUnit XML for CI systems (the common "Jenkins/Surefire" shape, junit-10.xsd, that GitHub, GitLab, Azure and
 * Jenkins read): <testsuites> → one <testsuite> per file → one <testcase> per block, with <failure> (a check
 * failed), <error> (the block could not run) or <skipped>. Only the schema's attributes, plus `file` and `line`
 * on <testcase>, which CI annotators read. Every text is XML-escaped; characters XML 1.0 forbids
 * (server values may hold control bytes) become U+FFFD.
 */
import { basename } from 'node:path';
import { formatElapsed } from '../../core/src/expect/matcher';
import type { BlockReport } from '../../core/src/run/scriptRunner';
import { formatCounts, totals, type FileRun } from './report';

// XML 1.0 Char production: tab, LF, CR, U+0020–U+D7FF, U+E000–U+FFFD, supplementary planes (surrogate pairs).
const INVALID_XML = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\uD800-\uDBFF\uDC00-\uDFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Escapes text for an XML attribute or element (and replaces characters XML cannot hold). */
export function escapeXml(text: string): string {
  return text
    .replace(INVALID_XML, '\uFFFD')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    .replace(/\r/g, '&#13;')
    .replace(/\n/g, '&#10;')
    .replace(/\t/g, '&#9;');
}

/** Element text keeps its line breaks. */
function escapeText(text: string): string {
  return text.replace(INVALID_XML, '\uFFFD').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function seconds(ms: number): string {
  return (Math.max(0, ms) / 1000).toFixed(3);
}

function attributes(values: Record<string, string | number | undefined>): string {
  return Object.entries(values)
    .filter(([, value]) => value !== undefined)
    .map(([name, value]) => ` ${name}="${escapeXml(String(value))}"`)
    .join('');
}

/** The class name of a file's cases: its path without extension, dotted (`tests.calls.originate`). */
export function classNameOf(file: string): string {
  return file.replace(/\\/g, '/').replace(/^\.\//, '').replace(/\.ami$/i, '').replace(/\//g, '.');
}

function details(block: BlockReport): string {
  const lines: string[] = [];
  if (block.reason) lines.push(block.reason);
  for (const outcome of block.outcomes) {
    const name = outcome.implicit ? 'Response: Success (default check)' : `@expect ${outcome.source}`;
    lines.push(`${outcome.status === 'pass' ? 'PASS' : 'FAIL'} ${name}: ${outcome.status === 'pass' ? `got ${outcome.got}` : outcome.message}`);
  }
  if (block.run?.actionId) lines.push(`ActionID ${block.run.actionId}; ${block.eventCount} event(s) tied to the block; ${formatElapsed(block.durationMs)}`);
  if (block.run?.sent.length) lines.push('Sent:', ...block.run.sent.map(([n, v]) => `  ${n}: ${v}`));
  if (block.run?.response) lines.push('Response:', ...block.run.response.map(([n, v]) => `  ${n}: ${v}`));
  return lines.join('\n');
}

function testcase(file: string, block: BlockReport): string {
  const head = `    <testcase${attributes({
    name: `line ${block.line}: ${block.label}${block.action && block.action !== block.label ? ` (${block.action})` : ''}`,
    classname: classNameOf(file),
    time: seconds(block.durationMs),
    file,
    line: block.line,
  })}`;
  switch (block.verdict) {
    case 'passed':
      return `${head}/>\n`;
    case 'skipped':
      return `${head}>\n      <skipped${attributes({ message: block.reason ?? 'skipped' })}/>\n    </testcase>\n`;
    case 'failed':
      return `${head}>\n      <failure${attributes({ message: block.reason ?? 'an expectation failed', type: 'expectation' })}>${escapeText(details(block))}</failure>\n    </testcase>\n`;
    case 'error':
      return `${head}>\n      <error${attributes({ message: block.reason ?? 'could not run', type: 'not-run' })}>${escapeText(details(block))}</error>\n    </testcase>\n`;
  }
}

/** The whole JUnit document. `timestamp` is the run's start (ISO 8601, no zone suffix as the schema wants). */
export function toJUnit(runs: readonly FileRun[], options: { timestamp: Date; hostname?: string; target?: string }): string {
  const sum = totals(runs);
  const stamp = options.timestamp.toISOString().slice(0, 19);
  const out: string[] = ['<?xml version="1.0" encoding="UTF-8"?>\n'];
  out.push(
    `<testsuites${attributes({
      name: 'ami run',
      tests: sum.passed + sum.failed + sum.errors + sum.skipped + sum.fileErrors,
      failures: sum.failed,
      errors: sum.errors + sum.fileErrors,
      time: seconds(sum.durationMs),
    })}>\n`,
  );
  runs.forEach((run, index) => {
    const { report } = run;
    const fileError = run.error ? 1 : 0;
    out.push(
      `  <testsuite${attributes({
        name: run.file,
        id: index,
        package: classNameOf(run.file),
        tests: report.blocks.length + fileError,
        failures: report.failed,
        errors: report.errors + fileError,
        skipped: report.skipped,
        time: seconds(report.durationMs),
        timestamp: stamp,
        hostname: options.hostname ?? 'localhost',
      })}>\n`,
    );
    if (options.target) out.push(`    <properties>\n      <property${attributes({ name: 'ami.target', value: options.target })}/>\n    </properties>\n`);
    for (const block of report.blocks) out.push(testcase(run.file, block));
    if (run.error) {
      out.push(
        `    <testcase${attributes({ name: basename(run.file), classname: classNameOf(run.file), time: '0.000', file: run.file })}>\n      <error${attributes({ message: run.error, type: 'file' })}>${escapeText(run.error)}</error>\n    </testcase>\n`,
      );
    }
    out.push(`    <system-out>${escapeText(`${run.file}: ${formatCounts(report)}`)}</system-out>\n`);
    out.push('  </testsuite>\n');
  });
  out.push('</testsuites>\n');
  return out.join('');
}
