// The real package, as a user gets it: `npm run package` writes the .vsix, code-server installs it into a fresh
// extensions folder, and a workbench WITHOUT extensionDevelopmentPath must list it and give completion, hover and
// diagnostics. The other UI tests load the staged folder as a development extension; this one proves the .vsix.
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { groupUserSettings } from './suites';
import { repoRoot, type E2eTools } from './tools';
import { hoverUntilShown, openFile, selectors, startNewBlock, typeLines, waitForSuggestion, waitForWorkbench, waitUntilNoProblem } from './uiFlows';
import type { UiTestResult } from './uiSmoke';
import { openWorkbench } from './workbench';

export interface Manifest {
  readonly name: string;
  readonly publisher: string;
  readonly version: string;
  readonly displayName: string;
}

/** Runs `command args` in `cwd`; resolves with its exit code and everything it printed. */
function run(
  command: string,
  args: readonly string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv },
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

/** The last lines of a command's output without npm's config warnings, for an error message. */
function tail(output: string): string {
  return output
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.startsWith('npm warn'))
    .slice(-8)
    .join('\n      ');
}

/** `npm run package -- --out dir/`: resolves with the .vsix path; throws with vsce's complaint when it fails. */
export async function packageVsix(outDir: string, manifest: Manifest): Promise<string> {
  mkdirSync(outDir, { recursive: true });
  const { code, output } = await run('npm', ['run', 'package', '--', '--out', `${outDir}/`], { cwd: repoRoot });
  const vsix = join(outDir, `${manifest.name}-${manifest.version}.vsix`);
  if (code !== 0) throw new Error(`npm run package exited with code ${code}:\n      ${tail(output)}`);
  if (!existsSync(vsix)) throw new Error(`npm run package succeeded but wrote no ${vsix} (it wrote: ${readdirSync(outDir).join(', ') || 'nothing'})`);
  return vsix;
}

/**
 * Installs `vsix` with code-server's own `--install-extension` into `extensionsDir` and checks what landed in
 * `<publisher>.<name>-<version>/`: the manifest and bundles, and nothing the allowlist keeps out (sources, tests, maps).
 */
export async function installVsix(tools: E2eTools, runDir: string, extensionsDir: string, vsix: string, manifest: Manifest): Promise<void> {
  const args = [
    tools.codeServerEntry,
    '--user-data-dir', join(runDir, 'user-data'),
    '--extensions-dir', extensionsDir,
    '--install-extension', vsix,
  ];
  const env = { ...process.env, XDG_CONFIG_HOME: join(runDir, 'xdg-config'), XDG_DATA_HOME: join(runDir, 'xdg-data'), NODE_OPTIONS: '' };
  const { code, output } = await run(tools.nodeBinary, args, { cwd: runDir, env });
  if (code !== 0 || !/successfully installed/i.test(output)) {
    throw new Error(`code-server --install-extension exited with code ${code}:\n      ${tail(output)}`);
  }
  const id = `${manifest.publisher}.${manifest.name}-${manifest.version}`;
  const installed = join(extensionsDir, id);
  if (!existsSync(installed)) {
    throw new Error(`code-server said it installed the .vsix, but ${extensionsDir} holds ${readdirSync(extensionsDir).join(', ') || 'nothing'}, not ${id}`);
  }
  for (const file of ['package.json', 'dist/extension.js', 'dist/server.js', 'syntaxes/ami.tmLanguage.json']) {
    if (!existsSync(join(installed, file))) throw new Error(`the installed extension lacks ${file}`);
  }
  const unexpected = readdirSync(installed, { recursive: true, encoding: 'utf8' }).filter(
    (path) => /\.(ts|map)$/.test(path) || /^(core|server|client|test|scripts|node_modules)(\/|$)/.test(path),
  );
  if (unexpected.length > 0) throw new Error(`the .vsix ships files the allowlist should keep out: ${unexpected.slice(0, 5).join(', ')}`);
}

/**
 * The package as a user installs it, for a workbench started without `extensionPath`: `npm run package` into
 * `runDir/package/`, code-server's `--install-extension` into `runDir/extensions` (where the workbench looks),
 * then `npm run build` to put back the development build that packaging replaced in dist/.
 */
export async function installPackagedExtension(tools: E2eTools, runDir: string): Promise<void> {
  const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as Manifest;
  const installed = packageVsix(join(runDir, 'package'), manifest).then((vsix) => installVsix(tools, runDir, join(runDir, 'extensions'), vsix, manifest));
  const failure = await installed.then(
    () => undefined,
    (error: unknown) => (error instanceof Error ? error : new Error(String(error))),
  );
  const rebuild = await run('npm', ['run', 'build'], { cwd: repoRoot });
  if (failure) throw failure;
  if (rebuild.code !== 0) throw new Error(`npm run build (restoring dist/ after packaging) exited with code ${rebuild.code}:\n      ${tail(rebuild.output)}`);
}

/** A step of the check; a failing prerequisite (package, install) stops the rest. */
interface Step {
  readonly name: string;
  /** Screenshot taken when the step passes (browser steps only). */
  readonly screenshot?: string;
  run(page: Page | undefined): Promise<void>;
}

/**
 * Packages the extension, installs the .vsix into a fresh code-server, and drives a workbench without a development
 * extension on a copy of samples/. Returns one result per step; screenshots are `vsix-*.png` in `outputDir`.
 * The .vsix is written under `runDir` (deleted with the run) and never into the repository.
 */
export async function runVsixSmoke(options: { tools: E2eTools; runDir: string; outputDir: string }): Promise<UiTestResult[]> {
  const { tools, runDir, outputDir } = options;
  const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as Manifest;
  const extensionsDir = join(runDir, 'extensions');
  let vsix = '';
  const prerequisites: Step[] = [
    {
      name: `npm run package writes ${manifest.name}-${manifest.version}.vsix`,
      run: async () => {
        vsix = await packageVsix(join(runDir, 'package'), manifest);
      },
    },
    {
      name: 'code-server --install-extension installs the .vsix into a fresh extensions folder',
      run: async () => {
        await installVsix(tools, runDir, extensionsDir, vsix, manifest);
      },
    },
  ];
  const results: UiTestResult[] = [];
  const attempt = async (step: Step, page: Page | undefined): Promise<boolean> => {
    const started = Date.now();
    try {
      await step.run(page);
      const screenshot = step.screenshot && page ? join(outputDir, step.screenshot) : undefined;
      if (screenshot) await page!.screenshot({ path: screenshot });
      results.push({ name: step.name, durationMs: Date.now() - started, screenshot });
      return true;
    } catch (error) {
      const screenshot = step.screenshot && page ? join(outputDir, step.screenshot.replace(/\.png$/, '-failed.png')) : undefined;
      if (screenshot) await page!.screenshot({ path: screenshot }).catch(() => undefined);
      const message = error instanceof Error ? error.message.split('\n').slice(0, 10).join('\n') : String(error);
      results.push({ name: step.name, durationMs: Date.now() - started, screenshot, error: message });
      return false;
    }
  };
  let ready = true;
  for (const step of prerequisites) {
    if (ready) ready = await attempt(step, undefined);
  }
  // `npm run package` left a minified build without source maps in dist/: put back what `npm run build` makes.
  const rebuild = await run('npm', ['run', 'build'], { cwd: repoRoot });
  if (rebuild.code !== 0) {
    results.push({ name: 'npm run build restores dist/ after packaging', durationMs: 0, error: tail(rebuild.output) });
  }
  if (!ready) return results;

  const browserSteps: Step[] = [
    {
      name: `the workbench (no extensionDevelopmentPath) lists ${manifest.displayName} among the installed extensions`,
      screenshot: 'vsix-installed.png',
      run: async (page) => {
        await page!.keyboard.press('Control+Shift+X');
        // The remote (code-server) "Installed" section: what --install-extension put in the extensions folder.
        const installed = page!.locator('.extensions-viewlet .pane', { hasText: /- Installed/ }).first();
        const row = installed.locator('.monaco-list-row', { hasText: manifest.displayName }).first();
        await row.waitFor({ timeout: 30_000 });
        const text = (await row.innerText()).replace(/\s+/g, ' ');
        if (!text.includes(manifest.publisher)) throw new Error(`the Extensions view row does not name publisher ${manifest.publisher}: ${text}`);
        // Its details page shows the installed version, installed from a VSIX.
        await row.click();
        const details = page!.locator('.extension-editor', { hasText: manifest.version }).filter({ hasText: 'VSIX' });
        await details.first().waitFor({ timeout: 15_000 });
      },
    },
    {
      name: 'installed .vsix: "Action: Orig" and Control+Space shows Originate in the suggest widget',
      screenshot: 'vsix-suggest.png',
      run: async (page) => {
        await page!.keyboard.press('Control+Shift+E');
        await openFile(page!, '02-channels.ami');
        await startNewBlock(page!);
        await page!.keyboard.type('Action: Orig');
        await waitForSuggestion(page!, 'Originate');
      },
    },
    {
      name: 'installed .vsix: hovering over Originate shows its synopsis',
      screenshot: 'vsix-hover.png',
      run: async (page) => {
        await page!.keyboard.press('Escape');
        await openFile(page!, '01-originate-call.ami');
        await hoverUntilShown(page!, 'Action: Originate', 'Originate', 'Originate a call.');
      },
    },
    {
      name: 'installed .vsix: an unknown action gets a squiggle and an ami-unknown-action entry in Problems',
      screenshot: 'vsix-diagnostics.png',
      run: async (page) => {
        await page!.keyboard.press('Escape');
        await openFile(page!, '04-database.ami');
        await startNewBlock(page!);
        await typeLines(page!, ['Action: DBGett', 'Family: amitest']);
        await page!.locator('.view-lines .view-line', { hasText: /^Action:\sDBGett$/ }).waitFor();
        await page!.locator(selectors.squiggleError).first().waitFor({ timeout: 20_000 });
        await page!.keyboard.press('Control+Shift+M');
        const row = page!.locator(selectors.problemsRow, { hasText: /\bDBGett\b/ }).first();
        await row.waitFor({ timeout: 20_000 });
        // `Family` typed before its colon is not a header yet.
        await waitUntilNoProblem(page!, 'ami-invalid-line');
        const text = await row.innerText();
        if (!text.includes('ami-unknown-action')) throw new Error(`the Problems entry has no ami-unknown-action code: ${text.replace(/\s+/g, ' ')}`);
      },
    },
  ];
  const workbench = await openWorkbench({
    tools,
    runDir,
    workspaceTemplate: join(repoRoot, 'samples'),
    userSettings: {
      ...groupUserSettings('trusted', undefined),
      // Typed text stays as typed: a late suggest widget must not turn Enter into "accept DBGetTree".
      'editor.acceptSuggestionOnEnter': 'off',
      'extensions.ignoreRecommendations': true,
    },
  });
  try {
    const { page } = workbench;
    if (workbench.url.includes('extensionDevelopmentPath')) throw new Error(`the workbench URL loads a development extension: ${workbench.url}`);
    await waitForWorkbench(page);
    page.setDefaultTimeout(30_000);
    for (const step of browserSteps) await attempt(step, page);
  } finally {
    await workbench.stop();
    for (const log of ['workbench.log', 'code-server.log']) {
      if (existsSync(join(runDir, log))) copyFileSync(join(runDir, log), join(outputDir, `vsix-${log}`));
    }
  }
  return results;
}
