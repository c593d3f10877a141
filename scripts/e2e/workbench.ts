// One VS Code workbench for a test or the demo: a fresh code-server plus (optionally) a headless browser page on it.
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { launchBrowser, type HeadlessBrowser } from './browser';
import { startCodeServer, type CodeServer } from './codeServer';
import type { E2eTools } from './tools';

/** What a workbench starts with. */
export interface WorkbenchOptions {
  readonly tools: E2eTools;
  /** Throwaway state of this workbench (created). */
  readonly runDir: string;
  /** Copied to `runDir/workspace` so that no run sees another's edits. */
  readonly workspaceTemplate: string;
  /** More folders copied into the workspace: sub-folder name → source folder. */
  readonly extraWorkspaceFolders?: Readonly<Record<string, string>>;
  readonly userSettings?: Readonly<Record<string, unknown>>;
  readonly env?: Readonly<Record<string, string>>;
  /**
   * The extension folder to load as a development extension (see stageExtension.ts); omit to run only what is
   * installed in `runDir/extensions` (the .vsix check).
   */
  readonly extensionPath?: string;
  /** Compiled extensionTestsPath to run in the extension host (the API suite); omit for UI or demo use. */
  readonly extensionTestsPath?: string;
  /** code-server port; 0 picks a free one. */
  readonly port?: number;
}

/** A running workbench. */
export interface Workbench {
  readonly server: CodeServer;
  /** The copied workspace folder that the workbench opened. */
  readonly workspace: string;
  /** URL that opens the workspace (with the extension loaded from `extensionPath` when given). */
  readonly url: string;
  stop(): Promise<void>;
}

/** A workbench with a browser page on it. */
export interface DrivenWorkbench extends Workbench {
  readonly browser: HeadlessBrowser;
  readonly page: Page;
  /** Resolves with the code VS Code passes to `codeAutomationExit` (after extension tests). */
  readonly exitCode: Promise<number>;
  /** Everything the workbench logged through `codeAutomationLog` and the page console. */
  readonly log: string[];
}

/** Starts code-server on a copy of the workspace, loading the extension from `extensionPath` if given (no browser). */
export async function startWorkbench(options: WorkbenchOptions): Promise<Workbench> {
  mkdirSync(options.runDir, { recursive: true });
  const workspace = join(options.runDir, 'workspace');
  cpSync(options.workspaceTemplate, workspace, { recursive: true });
  for (const [name, source] of Object.entries(options.extraWorkspaceFolders ?? {})) {
    cpSync(source, join(workspace, name), { recursive: true });
  }
  const serverLog: string[] = [];
  const server = await startCodeServer({
    tools: options.tools,
    runDir: options.runDir,
    workspace,
    userSettings: options.userSettings,
    env: options.env,
    port: options.port,
    onOutput: (line) => serverLog.push(line),
  });
  const url = server.workbenchUrl({
    folder: workspace,
    extensionDevelopmentPath: options.extensionPath,
    extensionTestsPath: options.extensionTestsPath,
  });
  return {
    server,
    workspace,
    url,
    stop: async () => {
      await server.stop();
      writeFileSync(join(options.runDir, 'code-server.log'), serverLog.join('\n'));
    },
  };
}

/** Starts a workbench and opens it in headless Chromium with the smoke-test driver hooks registered. */
export async function openWorkbench(options: WorkbenchOptions): Promise<DrivenWorkbench> {
  const workbench = await startWorkbench(options);
  let browser: HeadlessBrowser;
  try {
    browser = await launchBrowser(options.tools.chromium, options.runDir);
  } catch (error) {
    await workbench.stop();
    throw error;
  }
  const { page } = browser;
  const log: string[] = [];
  let reportExit: (code: number) => void = () => undefined;
  const exitCode = new Promise<number>((resolve) => (reportExit = resolve));
  await page.exposeFunction('codeAutomationExit', (code: number) => reportExit(code));
  await page.exposeFunction('codeAutomationLog', (type: string, args: unknown[]) => {
    log.push(`[${type}] ${args.map((arg) => (typeof arg === 'string' ? arg : JSON.stringify(arg))).join(' ')}`);
  });
  page.on('pageerror', (error) => log.push(`[pageerror] ${error.message}`));
  // Generous: a loaded machine serves the workbench slowly.
  await page.goto(workbench.url, { timeout: 120_000 });
  return {
    ...workbench,
    browser,
    page,
    exitCode,
    log,
    stop: async () => {
      writeFileSync(join(options.runDir, 'workbench.log'), log.join('\n'));
      await browser.close();
      await workbench.stop();
    },
  };
}
