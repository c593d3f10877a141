// `npm run test:e2e`: the mocha suites inside a real VS Code extension host (code-server), then the Playwright UI
// smoke tests, then the packaged .vsix installed for real. Options: --grep TEXT (only matching tests; "vsix" runs the
// .vsix check), --no-ui (API suites only), --keep (keep run folders).
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { exitOnSignals } from './cleanup';
import { simulatorScript, simulatorUser, startSimulator, type Simulator } from './simulator';
import { stageExtension } from './stageExtension';
import {
  compileSuites,
  contributesCommand,
  groupEnv,
  groupHasSuites,
  groupUserSettings,
  makeWrongSecret,
  suiteGroups,
  suiteWorkspace,
  type SuiteGroup,
  type SuiteResult,
} from './suites';
import { ensureTools, repoRoot, type E2eTools } from './tools';
import { runUiSmoke, type UiTestResult } from './uiSmoke';
import { runVsixSmoke } from './vsixSmoke';
import { openWorkbench } from './workbench';

/** Where screenshots and logs go (kept by CI as artefacts). */
export const outputDir = join(repoRoot, 'test-output', 'e2e');
const wrongSecret = makeWrongSecret();

/** Runs one group of API suites in a fresh workbench; resolves with mocha's counts and report. */
async function runSuiteGroup(
  tools: E2eTools,
  extension: { path: string; testsPath: string },
  group: SuiteGroup,
  runRoot: string,
  simulator: Simulator | undefined,
  grep: string | undefined,
): Promise<SuiteResult> {
  const runDir = join(runRoot, group);
  const resultFile = join(runDir, 'result.json');
  const env = groupEnv(group, resultFile, simulator, wrongSecret, grep);
  const workbench = await openWorkbench({
    tools,
    runDir,
    workspaceTemplate: suiteWorkspace,
    extraWorkspaceFolders: { samples: join(repoRoot, 'samples') },
    userSettings: groupUserSettings(group, simulator),
    env,
    extensionPath: extension.path,
    extensionTestsPath: extension.testsPath,
  });
  // The trusted group holds every API suite; on a busy 2-core machine it takes minutes.
  const timeoutMs = 600_000;
  let timer: NodeJS.Timeout | undefined;
  try {
    const exitCode = await Promise.race([
      workbench.exitCode,
      new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs))),
    ]);
    if (!existsSync(resultFile)) {
      const screenshot = join(outputDir, `${group}-no-result.png`);
      await workbench.page.screenshot({ path: screenshot }).catch(() => undefined);
      const reason = exitCode === 'timeout' ? `did not finish within ${timeoutMs / 1000} s` : `exited with code ${exitCode}`;
      const tail = workbench.log.filter((line) => line.startsWith('[error]')).slice(-15).join('\n');
      return { group, passes: 0, failures: 1, report: [`  ${group}: the extension host ${reason} without results (see ${screenshot})`, tail] };
    }
    return JSON.parse(readFileSync(resultFile, 'utf8')) as SuiteResult;
  } finally {
    clearTimeout(timer);
    await workbench.stop();
    for (const log of ['workbench.log', 'code-server.log']) {
      if (existsSync(join(runDir, log))) copyFileSync(join(runDir, log), join(outputDir, `${group}-${log}`));
    }
  }
}

/** Every `*.log` file under `dir` (code-server, extension host, output channels, the page log). */
function logFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.log'))
    .map((entry) => join(entry.parentPath, entry.name))
    .filter((path) => !path.includes(`${join(dir, 'workspace')}/`) && !/\/chromium-[^/]+\//.test(path));
}

/**
 * After the trusted group connected to the simulator: the extension's own log must exist and show the
 * connection, and no log of the run may contain the secret or the wrong secret the suite tried.
 */
function checkSecretsNotLogged(runDir: string, secrets: readonly string[]): { name: string; error?: string } {
  const name = 'the secret never appears in any log (output channels, extension host, code-server, page console)';
  const files = logFiles(runDir);
  const extensionLog = files.find((path) => path.endsWith(join('ami-workbench.ami-workbench', 'AMI Workbench.log')));
  if (!extensionLog) return { name, error: `no "AMI Workbench" output channel log among ${files.length} log files` };
  // The plain-text login test logs a Login frame: without it the scan would prove nothing.
  if (!/Action: Login\b.*\bSecret: /.test(readFileSync(extensionLog, 'utf8'))) {
    return { name, error: `${extensionLog} shows no Login with a Secret header: the check would prove nothing` };
  }
  const leaks = files.filter((path) => {
    const text = readFileSync(path, 'utf8');
    return secrets.some((secret) => text.includes(secret));
  });
  return leaks.length > 0 ? { name, error: `a secret was written to ${leaks.join(', ')}` } : { name };
}

function printUiResults(results: readonly UiTestResult[]): void {
  for (const result of results) {
    console.log(result.error ? `  ✗ ${result.name}\n      ${result.error}` : `  ✔ ${result.name} (${result.durationMs}ms)`);
    if (result.screenshot) console.log(`      screenshot: ${result.screenshot}`);
  }
}

function argValue(flag: string): string | undefined {
  const index = process.argv.indexOf(flag);
  return index >= 0 ? process.argv[index + 1] : undefined;
}

async function main(): Promise<number> {
  const started = Date.now();
  const grep = argValue('--grep');
  const keep = process.argv.includes('--keep');
  rmSync(outputDir, { recursive: true, force: true });
  mkdirSync(outputDir, { recursive: true });
  const runRoot = join(repoRoot, '.e2e', 'runs', String(process.pid));
  rmSync(runRoot, { recursive: true, force: true });

  const extensionPath = stageExtension(join(runRoot, 'extension'));
  const [tools, testsPath] = await Promise.all([ensureTools(), compileSuites(extensionPath)]);
  const extension = { path: extensionPath, testsPath };
  const simulator = existsSync(simulatorScript) ? await startSimulator() : undefined;
  if (!simulator) console.log('dist/simulator.js not built: suites that need an AMI server are not registered');
  let passed = 0;
  let failed = 0;
  try {
    for (const group of suiteGroups) {
      if (!groupHasSuites(testsPath, group)) continue;
      console.log(`\nAPI suite (${group} workspace) in the extension host:`);
      const result = await runSuiteGroup(tools, extension, group, runRoot, simulator, grep);
      console.log(result.report.join('\n'));
      passed += result.passes;
      failed += result.failures;
      if (group === 'trusted' && simulator && contributesCommand('ami.connect') && !grep) {
        const check = checkSecretsNotLogged(join(runRoot, group), [simulatorUser.secret, wrongSecret]);
        console.log(check.error ? `  ✗ ${check.name}\n      ${check.error}` : `  ✔ ${check.name}`);
        if (check.error) failed += 1;
        else passed += 1;
      }
    }
    if (!process.argv.includes('--no-ui')) {
      console.log('\nUI smoke tests (Playwright on the workbench):');
      const results: UiTestResult[] = await runUiSmoke({ tools, extensionPath, runDir: join(runRoot, 'ui'), outputDir, grep, simulator });
      printUiResults(results);
      if (!grep || /vsix/i.test(grep)) {
        console.log('\nThe packaged .vsix, installed into a fresh code-server (no development extension):');
        const vsixResults = await runVsixSmoke({ tools, runDir: join(runRoot, 'vsix'), outputDir });
        printUiResults(vsixResults);
        results.push(...vsixResults);
      }
      passed += results.filter((result) => !result.error).length;
      failed += results.filter((result) => result.error).length;
    }
  } finally {
    await simulator?.stop();
    if (!keep) rmSync(runRoot, { recursive: true, force: true });
  }
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(`\n  ${passed} passing (${seconds}s)`);
  if (failed > 0) console.log(`  ${failed} failing`);
  console.log(`\nend-to-end: ${passed} passed, ${failed} failed; screenshots and logs in test-output/e2e/`);
  return failed > 0 || passed === 0 ? 1 : 0;
}

exitOnSignals();
main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`end-to-end run failed: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
    process.exit(1);
  },
);
