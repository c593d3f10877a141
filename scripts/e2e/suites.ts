// What both runners of the extension-host suite share (code-server here: runE2e.ts; VS Code desktop through
// @vscode/test-electron elsewhere: runVscode.ts): compiling test/e2e, the groups, and the environment the suite reads.
import * as esbuild from 'esbuild';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { simulatorUser, type Simulator } from './simulator';
import { repoRoot } from './tools';

/**
 * Where the compiled suite goes inside an extension folder. The tests must live inside the extension under test:
 * the extension host then hands them the same `vscode` API object as the extension (stubs reach it too).
 */
export const compiledSuiteFolder = 'e2e-tests';
/** The workspace the API suites open (copied per run). */
export const suiteWorkspace = join(repoRoot, 'test', 'e2e', 'fixtures', 'workspace');
/** trusted: the folder is trusted; untrusted: Workspace Trust is on and the folder never trusted. */
export const suiteGroups = ['trusted', 'untrusted'] as const;
export type SuiteGroup = (typeof suiteGroups)[number];
/** Name of the connection profile seeded for the simulator (test/e2e/helpers.ts uses the same). */
export const simulatorProfileName = 'simulator';

/** What test/e2e/index.ts writes to `AMI_E2E_RESULT_FILE`. */
export interface SuiteResult {
  group: string;
  passes: number;
  failures: number;
  report: string[];
}

/**
 * Compiles test/e2e (index + each group's *.test.ts) into `extensionDir/e2e-tests` and returns the
 * extensionTestsPath (`index.js`); vscode stays external, and mocha is resolved from the repository.
 */
export async function compileSuites(extensionDir: string): Promise<string> {
  const compiledDir = join(extensionDir, compiledSuiteFolder);
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
    external: ['vscode'],
    // mocha loads its reporters and interfaces with require(): keep it a real module from node_modules.
    plugins: [externalFromRepository('mocha')],
    logLevel: 'warning',
  });
  return join(compiledDir, 'index.js');
}

/** Leaves `name` external but requires it by absolute path, so the bundle works from any folder. */
function externalFromRepository(name: string): esbuild.Plugin {
  return {
    name: `external-${name}`,
    setup(build) {
      build.onResolve({ filter: new RegExp(`^${name}$`) }, () => ({ path: require.resolve(name, { paths: [repoRoot] }), external: true }));
    },
  };
}

/** Whether a group has any compiled suite file. */
export function groupHasSuites(extensionTestsPath: string, group: SuiteGroup): boolean {
  const dir = join(dirname(extensionTestsPath), group);
  return existsSync(dir) && readdirSync(dir).some((name) => name.endsWith('.test.js'));
}

/** A secret the simulator rejects: the suite tries it, and no log may contain it. */
export function makeWrongSecret(): string {
  return `wrong-${randomBytes(6).toString('hex')}`;
}

/**
 * Settings for a group: trust, and connection profiles for the simulator (user settings, application scope). The API suites get a
 * second, plain-text login profile; the UI tests (`withPlainProfile` false) only the default MD5 one.
 */
export function groupUserSettings(group: SuiteGroup, simulator: Simulator | undefined, withPlainProfile = true): Record<string, unknown> {
  const settings: Record<string, unknown> = { 'security.workspace.trust.enabled': group === 'untrusted' };
  if (simulator) {
    const profiles: unknown[] = [
      { name: simulatorProfileName, host: simulator.host, port: simulator.port, username: simulatorUser.username },
    ];
    // Plain login puts `Secret:` on the wire (allowed on loopback): the log must show it redacted.
    if (withPlainProfile) {
      profiles.push({
        name: `${simulatorProfileName}-plain`,
        host: simulator.host,
        port: simulator.port,
        username: simulatorUser.username,
        authType: 'plain',
      });
    }
    settings['ami.connections'] = profiles;
  }
  return settings;
}

/** Environment the suite reads in the extension host (see test/e2e/index.ts and helpers.ts). */
export function groupEnv(
  group: SuiteGroup,
  resultFile: string,
  simulator: Simulator | undefined,
  wrongSecret: string,
  grep: string | undefined,
): Record<string, string> {
  const env: Record<string, string> = { AMI_E2E_GROUP: group, AMI_E2E_RESULT_FILE: resultFile };
  if (grep) env.AMI_E2E_GREP = grep;
  if (simulator) {
    env.AMI_E2E_SIMULATOR = JSON.stringify({
      host: simulator.host,
      port: simulator.port,
      username: simulatorUser.username,
      secret: simulatorUser.secret,
      wrongSecret,
    });
  }
  return env;
}

/** Whether package.json contributes a command (the features the suites cover grow over time). */
export function contributesCommand(command: string): boolean {
  const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as {
    contributes?: { commands?: Array<{ command: string }> };
  };
  return (manifest.contributes?.commands ?? []).some((entry) => entry.command === command);
}
