// Starts and stops code-server on 127.0.0.1 with throwaway state (see docs/vscode-testing.md).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { killOnExit } from './cleanup';
import type { E2eTools } from './tools';

/** User settings every run starts from: no AI features, no hot exit, no start page, no telemetry or updates. */
export const baseUserSettings: Readonly<Record<string, unknown>> = {
  'chat.disableAIFeatures': true,
  'files.hotExit': 'off',
  'workbench.startupEditor': 'none',
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'security.workspace.trust.startupPrompt': 'never',
  'security.workspace.trust.banner': 'never',
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
};

/** What to start code-server with. */
export interface CodeServerOptions {
  readonly tools: E2eTools;
  /** Folder for this server's throwaway state (user data, extensions, config); created if missing. */
  readonly runDir: string;
  /** Workspace folder to open. */
  readonly workspace: string;
  /** Extra settings merged over {@link baseUserSettings} (written as user settings; non-`ami.` ones also as machine settings). */
  readonly userSettings?: Readonly<Record<string, unknown>>;
  /** Extra environment for the server and the extension host it forks. */
  readonly env?: Readonly<Record<string, string>>;
  /** Port to listen on; 0 (default) picks a free one. */
  readonly port?: number;
  /** Called with each line code-server prints. */
  readonly onOutput?: (line: string) => void;
}

/** A running code-server. */
export interface CodeServer {
  readonly port: number;
  readonly origin: string;
  /** Workbench URL for `folder`, optionally loading an extension from source and running its tests. */
  workbenchUrl(options: { folder: string; extensionDevelopmentPath?: string; extensionTestsPath?: string }): string;
  /** Everything code-server printed so far. */
  output(): string;
  /** Stops the server and its extension hosts (the whole process group). */
  stop(): Promise<void>;
}

/** Asks the OS for a free loopback port. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts code-server and resolves once it answers /healthz. Rejects (and stops it) if it exits early or is not
 * ready within 60 s. `--vscode-option enable-smoke-test-driver` lets the page report the test exit code.
 */
export async function startCodeServer(options: CodeServerOptions): Promise<CodeServer> {
  const { tools, runDir, workspace } = options;
  const port = options.port || (await freePort());
  const userDataDir = join(runDir, 'user-data');
  const extensionsDir = join(runDir, 'extensions');
  for (const dir of [join(userDataDir, 'User'), extensionsDir, join(runDir, 'xdg-config'), join(runDir, 'xdg-data')]) {
    mkdirSync(dir, { recursive: true });
  }
  // code-server is a remote window. The extension's settings go to the User settings only, where a user puts
  // them: ami.connections (application scope) must apply from there in a remote window too.
  const settings = JSON.stringify({ ...baseUserSettings, ...options.userSettings }, null, 2);
  const machineSettings = JSON.stringify(
    Object.fromEntries(Object.entries({ ...baseUserSettings, ...options.userSettings }).filter(([key]) => !key.startsWith('ami.'))),
    null,
    2,
  );
  mkdirSync(join(userDataDir, 'Machine'), { recursive: true });
  writeFileSync(join(userDataDir, 'User', 'settings.json'), settings);
  writeFileSync(join(userDataDir, 'Machine', 'settings.json'), machineSettings);
  const configFile = join(runDir, 'config.yaml');
  writeFileSync(configFile, `bind-addr: 127.0.0.1:${port}\nauth: none\ncert: false\n`);

  const args = [
    tools.codeServerEntry,
    '--bind-addr', `127.0.0.1:${port}`,
    '--config', configFile,
    '--auth', 'none',
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-getting-started-override',
    '--user-data-dir', userDataDir,
    '--extensions-dir', extensionsDir,
    '--vscode-option', 'enable-smoke-test-driver',
    workspace,
  ];
  const child = spawn(tools.nodeBinary, args, {
    cwd: runDir,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      ...options.env,
      XDG_CONFIG_HOME: join(runDir, 'xdg-config'),
      XDG_DATA_HOME: join(runDir, 'xdg-data'),
      // The extension host must not inherit the outer Node's loader hooks (tsx) or inspector flags.
      NODE_OPTIONS: '',
    },
  });
  killOnExit(child, true);
  let output = '';
  let pending = '';
  const collect = (chunk: Buffer): void => {
    const text = chunk.toString('utf8');
    output += text;
    pending += text;
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) options.onOutput?.(line);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);

  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const origin = `http://127.0.0.1:${port}`;
  const server: CodeServer = {
    port,
    origin,
    workbenchUrl: ({ folder, extensionDevelopmentPath, extensionTestsPath }) => {
      const remote = (path: string): string => `vscode-remote://127.0.0.1:${port}${path}`;
      const payload: string[][] = [];
      if (extensionDevelopmentPath) payload.push(['extensionDevelopmentPath', remote(extensionDevelopmentPath)]);
      if (extensionTestsPath) payload.push(['extensionTestsPath', remote(extensionTestsPath)]);
      const query = new URLSearchParams({ folder });
      if (payload.length > 0) query.set('payload', JSON.stringify(payload));
      return `${origin}/?${query.toString()}`;
    },
    output: () => output,
    stop: () => stopProcessGroup(child, exited),
  };

  const deadline = Date.now() + 60_000;
  let exitCode: number | null | undefined;
  void exited.then((code) => (exitCode = code));
  while (Date.now() < deadline) {
    if (exitCode !== undefined) {
      throw new Error(`code-server exited with code ${exitCode} before it was ready:\n${output.slice(-3000)}`);
    }
    if (await isHealthy(origin)) return server;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  await server.stop();
  throw new Error(`code-server did not answer ${origin}/healthz within 60 s:\n${output.slice(-3000)}`);
}

async function isHealthy(origin: string): Promise<boolean> {
  try {
    const response = await fetch(`${origin}/healthz`, { signal: AbortSignal.timeout(2000) });
    return response.ok;
  } catch {
    return false;
  }
}

/** SIGTERM to the group, then SIGKILL after 5 s if anything is still alive. */
async function stopProcessGroup(child: ChildProcess, exited: Promise<number | null>): Promise<void> {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const signalGroup = (signal: NodeJS.Signals): void => {
    try {
      process.kill(-child.pid!, signal);
    } catch {
      // The group is already gone.
    }
  };
  signalGroup('SIGTERM');
  const timedOut = await Promise.race([
    exited.then(() => false),
    new Promise<boolean>((resolve) => setTimeout(() => resolve(true), 5000)),
  ]);
  // Extension hosts and language servers share the group: make sure none outlives the server.
  signalGroup('SIGKILL');
  if (timedOut) await exited;
}
