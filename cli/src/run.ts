/**
 * `ami run FILE...`: runs `.ami` scripts as tests over one AMI connection. Blocks run in order, named blocks
 * feed later ones, expectations are checked, a readable report goes to stdout (or `--json`), `--junit FILE`
 * writes JUnit XML. Exit code: 0 all passed, 1 any failure, 2 usage / connection / login failure.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, relative, resolve } from 'node:path';
import { runScript, type ScriptReport } from '../../core/src/run/scriptRunner';
import { Emitter } from '../../core/src/session/emitter';
import { parseScript } from '../../core/src/script/parser';
import { redactSecretValues } from '../../core/src/wire/redact';
import type { AmiClient } from '../../node/src/amiClient';
import { toJUnit } from './junit';
import {
  CONNECTION_FLAGS,
  CONNECTION_HELP,
  CONNECTION_VALUES,
  EXIT_FAILED,
  EXIT_OK,
  EXIT_USAGE,
  UsageError,
  durationOf,
  onInterrupt,
  openConnection,
  parseArgs,
  processEnvironment,
  promptLine,
  reportError,
  resolveConnection,
  valueOf,
  type CliEnvironment,
} from './options';
import { formatBlock, formatFileHeader, formatCounts, formatSummary, toJson, totals, type AllowedDangerous, type FileRun } from './report';
import { readScriptText } from './files';
import { ALLOW_DANGEROUS_HELP, dangerGate, refuseUnsafeScript } from './scriptGuard';

export const RUN_HELP = `Usage: ami run FILE... (--connection NAME | --host H --user U [--port P]) [options]

Runs .ami scripts as tests: blocks in order, {{variables}} resolved (a "# @name x" block feeds {{x.Header}},
{{x.events.Event.Header}} to later blocks), @expect lines checked. A block without "@expect Response:" must
answer Response: Success.

Options:
  --junit FILE             write a JUnit XML report (for CI)
  --json                   print a JSON report instead of the text one
  --continue-on-failure    run the blocks after a failing one (default: they are skipped)
  --chain-wait 5s          how long a block waits for a named block's result that has not arrived yet
${ALLOW_DANGEROUS_HELP}
${CONNECTION_HELP}

Exit code: 0 every block passed, 1 a check failed or a block could not run, 2 usage or connection failure.
`;

const EMPTY_REPORT: ScriptReport = { blocks: [], passed: 0, failed: 0, errors: 0, skipped: 0, durationMs: 0 };

/** Entry of `ami run`; resolves with the exit code. */
export async function runCommand(argv: readonly string[], environment: CliEnvironment = processEnvironment()): Promise<number> {
  const stdout = process.stdout;
  const stderr = environment.stderr;
  let client: AmiClient | undefined;
  // Should the process ever end before the run does, CI must not read it as a pass.
  process.exitCode = EXIT_USAGE;
  try {
    const args = parseArgs(
      argv,
      { flags: [...CONNECTION_FLAGS, 'json', 'continue-on-failure', 'allow-dangerous', 'help'], values: [...CONNECTION_VALUES, 'junit', 'chain-wait'] },
      'run',
    );
    if (args.flags.has('help')) {
      stdout.write(RUN_HELP);
      return EXIT_OK;
    }
    if (args.positionals.length === 0) throw new UsageError('name at least one .ami file to run (try ami run --help)');
    const json = args.flags.has('json');
    const junit = valueOf(args, 'junit');
    const chainWaitMs = durationOf(args, 'chain-wait');
    // Read every file first: a typo in a path is a usage error before anything is sent.
    const allowDangerous = args.flags.has('allow-dangerous');
    const files = args.positionals.map((file) => {
      const text = readScriptText(environment.cwd, file);
      const script = parseScript(text);
      // A file that would hide a line, leak a secret, log in again or do something dangerous unasked: nothing is sent.
      refuseUnsafeScript(file, text, script, allowDangerous);
      return { file, script };
    });

    const resolved = await resolveConnection(args, environment);
    const started = new Date();
    // The runner listens to onEvent and never reads the connection's queue: keep none.
    client = await openConnection(resolved, { eventQueueCapacity: 0 });
    let lost: string | undefined;
    const stopRequested = new Emitter<void>();
    client.onState((state) => {
      if (state.kind !== 'failed') return;
      lost ??= state.reason ?? 'closed';
      stopRequested.fire();
    });
    const connected = client;
    let interrupted = false;
    // The runner's timers do not hold the process; this does, until the run is over.
    const keepAlive = setInterval(() => undefined, 60_000);
    const stopInterrupt = onInterrupt((signal) => {
      interrupted = true;
      stopRequested.fire();
      if (signal !== 'EPIPE') stderr.write('\ninterrupted: finishing the current block, then logging off (Ctrl+C again to quit at once)\n');
    });

    const runs: FileRun[] = [];
    /** Dangerous blocks that --allow-dangerous let through, named in the report. */
    const allowed: AllowedDangerous[] = [];
    try {
      for (const { file, script } of files) {
        const display = relative(environment.cwd, resolve(environment.cwd, file)) || file;
        if (!json) stdout.write(`\n${formatFileHeader(display, resolved.target)}`);
        if (interrupted || lost) {
          runs.push({ file: display, report: EMPTY_REPORT, error: interrupted ? 'not run: interrupted' : `not run: connection lost (${lost})` });
          continue;
        }
        let allowedNow: string[] = [];
        const gate = dangerGate(allowDangerous, (reason) => allowedNow.push(reason));
        const report = await runScript(script, client, {
          beforeSend: async (block, headers) => {
            allowedNow = [];
            const refusal = gate(headers);
            for (const reason of allowedNow) allowed.push({ file: display, line: block.actionHeader ? block.actionHeader.range.start.line + 1 : block.range.start.line + 1, reason });
            return refusal ?? true;
          },
          sources: {
            profileVariables: resolved.profileVariables,
            env: (name) => environment.env[name],
            // Without a terminal, {{$prompt}} says it cannot ask (rather than "cancelled").
            prompt: environment.stdin.isTTY ? (label) => promptLine(label, environment) : undefined,
          },
          continueOnFailure: args.flags.has('continue-on-failure'),
          chainWaitMs,
          shouldStop: () => interrupted || lost !== undefined,
          onStopRequested: stopRequested.event,
          onBlockDone: (block) => {
            if (json) return;
            stdout.write(formatBlock(block));
            const mine = allowed.filter((entry) => entry.file === display && entry.line === block.line);
            for (const entry of mine) stdout.write(`      ! dangerous, sent because of --allow-dangerous: ${entry.reason}\n`);
          },
        });
        if (!json) {
          for (const block of report.blocks) if (block.verdict === 'skipped') stdout.write(formatBlock(block));
          stdout.write(`  ${formatCounts(report)}\n`);
        }
        runs.push({ file: display, report });
      }
    } finally {
      stopInterrupt();
      clearInterval(keepAlive);
    }

    const sum = totals(runs);
    const exitCode = lost !== undefined ? EXIT_USAGE : sum.failed + sum.errors + sum.fileErrors > 0 || interrupted ? EXIT_FAILED : EXIT_OK;
    let junitError: string | undefined;
    if (junit) {
      const path = resolve(environment.cwd, junit);
      try {
        mkdirSync(dirname(path), { recursive: true });
        writeFileSync(path, redactSecretValues(toJUnit(runs, { timestamp: started, hostname: hostname(), target: resolved.target })));
      } catch (error) {
        junitError = `cannot write the JUnit report ${junit}: ${(error as Error).message}`;
      }
    }
    if (json) stdout.write(`${toJson(runs, resolved.target, exitCode, allowed)}\n`);
    else {
      stdout.write(formatSummary(runs));
      if (allowed.length > 0) {
        stdout.write(`--allow-dangerous let through: ${allowed.map((entry) => `${entry.file}:${entry.line} (${entry.reason})`).join('; ')}\n`);
      }
      if (lost !== undefined) stdout.write(`connection lost: ${lost}\n`);
      if (junit && !junitError) stdout.write(`JUnit report: ${junit}\n`);
    }
    if (junitError) {
      // CI would miss the results: that is a failure of the run itself.
      stderr.write(`ami run: ${junitError}\n`);
      return EXIT_USAGE;
    }
    return exitCode;
  } catch (error) {
    return reportError(error, stderr, 'run');
  } finally {
    if (client) await client.close().catch(() => undefined);
  }
}
