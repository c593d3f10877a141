/**
 * Entry point loaded by VS Code as `extensionTestsPath` (code-server here, @vscode/test-electron elsewhere): runs
 * the mocha suites of one group inside the real extension host. The group (`trusted` or `untrusted`) comes from
 * `AMI_E2E_GROUP`; when `AMI_E2E_RESULT_FILE` is set, the report and counts are also written there as JSON.
 */
import Mocha from 'mocha';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { format } from 'node:util';

/** What the runner outside the editor reads back. */
export interface SuiteResult {
  group: string;
  passes: number;
  failures: number;
  /** The mocha spec report, line by line. */
  report: string[];
}

/** Runs every `*.test.js` of the group; rejects when a test fails (VS Code then exits non-zero). */
export async function run(): Promise<void> {
  const group = process.env.AMI_E2E_GROUP ?? 'trusted';
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 30_000, reporter: 'spec' });
  if (process.env.AMI_E2E_GREP) mocha.grep(process.env.AMI_E2E_GREP);
  const suiteDir = join(__dirname, group);
  for (const file of readdirSync(suiteDir).filter((name) => name.endsWith('.test.js')).sort()) {
    mocha.addFile(join(suiteDir, file));
  }
  const report: string[] = [];
  const base = Mocha.reporters.Base as unknown as { consoleLog: (...args: unknown[]) => void };
  const consoleLog = base.consoleLog;
  base.consoleLog = (...args: unknown[]) => {
    report.push(format(...args));
    consoleLog(...args);
  };
  const result = await new Promise<SuiteResult>((resolve) => {
    const runner = mocha.run(() => resolve({ group, passes: runner.stats?.passes ?? 0, failures: runner.failures, report }));
  });
  base.consoleLog = consoleLog;
  if (process.env.AMI_E2E_RESULT_FILE) writeFileSync(process.env.AMI_E2E_RESULT_FILE, JSON.stringify(result));
  if (result.failures > 0) throw new Error(`${result.failures} end-to-end test(s) failed in group ${group}`);
  if (result.passes === 0) throw new Error(`no end-to-end test ran in group ${group}`);
}
