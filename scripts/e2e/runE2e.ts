// `npm run test:e2e`: the mocha suites inside a real VS Code extension host (code-server), then the Playwright UI
// smoke tests. Options: --grep TEXT (only matching tests), --no-ui (API suites only), --keep (keep run folders).
import * as esbuild from 'esbuild';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { simulatorUser, startSimulator, type Simulator } from './simulator';
import { ensureTools, repoRoot, type E2eTools } from './tools';
import { runUiSmoke, type UiTestResult } from './uiSmoke';
import { openWorkbench } from './workbench';

/** Where screenshots and logs go (kept by CI as artefacts). */
export const outputDir = join(repoRoot, 'test-output', 'e2e');
const compiledDir = join(repoRoot, '.e2e', 'out');
const suiteGroups = ['trusted', 'untrusted'] as const;
type SuiteGroup = (typeof suiteGroups)[number];

interface SuiteResult {
  group: string;
  passes: number;
  failures: number;
  report: string[];
}

/** Compiles test/e2e (index + each group's *.test.ts) to .e2e/out, the extensionTestsPath VS Code loads. */
async function compileSuites(): Promise<void> {
  rmSync(compiledDir, { recursive: true, force: true });
  const source = join(repoRoot, 'test', 'e2e');
  const entryPoints = [join(source, 'index.ts')];
  for (const group of suiteGroups) {
    const dir = join(source, group);
    if (!existsSync(dir)) continue;
    for (const file of readdirSync(dir).filter((name) => name.endsWith('.test.ts'))) entryPoints.push(join(dir, file));
  }
  await esbuild.build({
    entryPoints,
    outbase: source,
    outdir: compiledDir,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    sourcemap: 'inline',
    external: ['vscode', 'mocha'],
    logLevel: 'warning',
  });
}

/** User settings that point the extension at the simulator (host and port are machine-scoped settings). */
function connectionSettings(simulator: Simulator | undefined): Record<string, unknown> {
  if (!simulator) return {};
  return {
    'ami.connections': [
      { name: 'simulator', host: simulator.host, port: simulator.port, username: simulatorUser.username },
    ],
  };
}

/** Runs one group of API suites in a fresh workbench; resolves with mocha's counts and report. */
async function runSuiteGroup(
  tools: E2eTools,
  group: SuiteGroup,
  runRoot: string,
  simulator: Simulator | undefined,
  grep: string | undefined,
): Promise<SuiteResult> {
  const runDir = join(runRoot, group);
  const resultFile = join(runDir, 'result.json');
  const env: Record<string, string> = { AMI_E2E_GROUP: group, AMI_E2E_RESULT_FILE: resultFile };
  if (grep) env.AMI_E2E_GREP = grep;
  if (simulator) {
    env.AMI_E2E_SIMULATOR = JSON.stringify({ host: simulator.host, port: simulator.port, ...simulatorUser });
  }
  const workbench = await openWorkbench({
    tools,
    runDir,
    workspaceTemplate: join(repoRoot, 'test', 'e2e', 'fixtures', 'workspace'),
    userSettings: {
      // trusted: trust off means every folder is trusted; untrusted: trust on and the folder never trusted.
      'security.workspace.trust.enabled': group === 'untrusted',
      ...connectionSettings(simulator),
    },
    env,
    extensionTestsPath: join(compiledDir, 'index.js'),
  });
  const timeoutMs = 240_000;
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

/** Whether a group has any compiled suite file. */
function groupHasSuites(group: SuiteGroup): boolean {
  const dir = join(compiledDir, group);
  return existsSync(dir) && readdirSync(dir).some((name) => name.endsWith('.test.js'));
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

  const [tools] = await Promise.all([ensureTools(), compileSuites()]);
  const simulator = existsSync(join(repoRoot, 'dist', 'simulator.js')) ? await startSimulator() : undefined;
  if (!simulator) console.log('dist/simulator.js not built: suites that need an AMI server are not registered');
  let passed = 0;
  let failed = 0;
  try {
    for (const group of suiteGroups) {
      if (!groupHasSuites(group)) continue;
      console.log(`\nAPI suite (${group} workspace) in the extension host:`);
      const result = await runSuiteGroup(tools, group, runRoot, simulator, grep);
      console.log(result.report.join('\n'));
      passed += result.passes;
      failed += result.failures;
    }
    if (!process.argv.includes('--no-ui')) {
      console.log('\nUI smoke tests (Playwright on the workbench):');
      const results: UiTestResult[] = await runUiSmoke({ tools, runDir: join(runRoot, 'ui'), outputDir, grep });
      for (const result of results) {
        console.log(result.error ? `  ✗ ${result.name}\n      ${result.error}` : `  ✔ ${result.name} (${result.durationMs}ms)`);
        if (result.screenshot) console.log(`      screenshot: ${result.screenshot}`);
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

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`end-to-end run failed: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
    process.exit(1);
  },
);
