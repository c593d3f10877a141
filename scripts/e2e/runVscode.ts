// `npm run test:vscode`: the same extension-host suite as `npm run test:e2e`, in desktop VS Code downloaded by
// @vscode/test-electron (for machines with internet: it fetches VS Code from update.code.visualstudio.com).
// Options: --vscode-version V (default: stable; e.g. 1.91.0 for the minimum in engines.vscode), --grep TEXT.
import { runTests } from '@vscode/test-electron';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { exitOnSignals } from './cleanup';
import { baseUserSettings } from './codeServer';
import { simulatorScript, startSimulator } from './simulator';
import { stageExtension } from './stageExtension';
import {
  compileSuites,
  groupEnv,
  groupHasSuites,
  groupUserSettings,
  makeWrongSecret,
  suiteGroups,
  suiteWorkspace,
  type SuiteResult,
} from './suites';
import { repoRoot } from './tools';

function argValue(flag: string): string | undefined {
  const index = process.argv.indexOf(flag);
  return index >= 0 ? process.argv[index + 1] : undefined;
}

async function main(): Promise<number> {
  const version = argValue('--vscode-version') ?? 'stable';
  const grep = argValue('--grep');
  const wrongSecret = makeWrongSecret();
  const runRoot = join(repoRoot, '.e2e', 'vscode-runs', String(process.pid));
  const extensionPath = stageExtension(join(runRoot, 'extension'));
  const testsPath = await compileSuites(extensionPath);
  const simulator = existsSync(simulatorScript) ? await startSimulator() : undefined;
  let passed = 0;
  let failed = 0;
  try {
    for (const group of suiteGroups) {
      if (!groupHasSuites(testsPath, group)) continue;
      const runDir = join(runRoot, group);
      const userDataDir = join(runDir, 'user-data');
      const workspace = join(runDir, 'workspace');
      mkdirSync(join(userDataDir, 'User'), { recursive: true });
      cpSync(suiteWorkspace, workspace, { recursive: true });
      cpSync(join(repoRoot, 'samples'), join(workspace, 'samples'), { recursive: true });
      writeFileSync(
        join(userDataDir, 'User', 'settings.json'),
        JSON.stringify({ ...baseUserSettings, ...groupUserSettings(group, simulator) }, null, 2),
      );
      const resultFile = join(runDir, 'result.json');
      console.log(`\nAPI suite (${group} workspace) in VS Code ${version}:`);
      let startFailed = false;
      const exitCode = await runTests({
        version,
        // Downloads stay in the git-ignored .e2e folder.
        cachePath: join(repoRoot, '.e2e', 'vscode-test'),
        extensionDevelopmentPath: extensionPath,
        extensionTestsPath: testsPath,
        extensionTestsEnv: groupEnv(group, resultFile, simulator, wrongSecret, grep),
        launchArgs: [
          workspace,
          '--user-data-dir', userDataDir,
          '--extensions-dir', join(runDir, 'extensions'),
          '--disable-extensions',
          '--skip-welcome',
          '--skip-release-notes',
        ],
      }).catch((error: unknown) => {
        console.error(`VS Code did not run the suite: ${error instanceof Error ? error.message : String(error)}`);
        startFailed = true;
        return 1;
      });
      if (existsSync(resultFile)) {
        const result = JSON.parse(readFileSync(resultFile, 'utf8')) as SuiteResult;
        passed += result.passes;
        failed += result.failures;
      } else {
        failed += 1;
        console.log(`  ${group}: VS Code exited with code ${exitCode} without results`);
        // Without a VS Code download (offline) the next group would fail the same way.
        if (startFailed) break;
      }
    }
  } finally {
    await simulator?.stop();
    rmSync(runRoot, { recursive: true, force: true });
  }
  console.log(`\nvscode: ${passed} passed, ${failed} failed`);
  return failed > 0 || passed === 0 ? 1 : 0;
}

exitOnSignals();
main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`test:vscode failed: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
    process.exit(1);
  },
);
