/**
 * README pictures of the real product: `npm run screenshots` (after UI changes; then look at them and commit).
 * The e2e workbench (code-server + headless Chromium, scripts/e2e/) on a copy of samples/ with the staged
 * extension, connected to the AMI simulator (the recorded bytes of a real Asterisk 23.4.1), and the `ami run`
 * command's real output rendered as a terminal page. Writes docs/images/*.png (or `--out DIR`).
 */
import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { launchBrowser } from '../e2e/browser';
import { exitOnSignals } from '../e2e/cleanup';
import { simulatorUser, startSimulator, type Simulator } from '../e2e/simulator';
import { groupUserSettings } from '../e2e/suites';
import { ensureTools, repoRoot, type E2eTools } from '../e2e/tools';
import { hoverUntilShown, openFile, panelFrame, runFirstBlockFromCodeLens, selectors, startNewBlock, typeLines, waitForWorkbench } from '../e2e/uiFlows';
import { installVsix, packageVsix, type Manifest } from '../e2e/vsixSmoke';
import { openWorkbench } from '../e2e/workbench';

/** The pictures, in README order. */
export const SCREENSHOTS = {
  completion: 'completion.png',
  hover: 'hover.png',
  run: 'run-panel.png',
  events: 'panel-events.png',
  timeline: 'timeline.png',
  cli: 'cli-run.png',
} as const;

const VIEWPORT = { width: 1280, height: 800 };

function argValue(flag: string): string | undefined {
  const index = process.argv.indexOf(flag);
  return index >= 0 ? process.argv[index + 1] : undefined;
}

/**
 * Completion, hover, a run with the panel, the events tab and the call timeline, in one workbench with the
 * packaged .vsix installed (as users have it; no development extension), plus the extension's page in the
 * Extensions view for a look (not a README picture).
 */
async function workbenchShots(tools: E2eTools, simulator: Simulator, runDir: string, outDir: string, checkDir: string): Promise<void> {
  const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as Manifest;
  const workbenchDir = join(runDir, 'workbench');
  mkdirSync(workbenchDir, { recursive: true });
  try {
    const vsix = await packageVsix(join(runDir, 'package'), manifest);
    await installVsix(tools, workbenchDir, join(workbenchDir, 'extensions'), vsix, manifest);
  } finally {
    // `npm run package` left minified bundles without source maps in dist/: put back what `npm run build` makes.
    execFileSync('npm', ['run', 'build'], { cwd: repoRoot, stdio: 'ignore' });
  }
  const workbench = await openWorkbench({
    tools,
    runDir: workbenchDir,
    workspaceTemplate: join(repoRoot, 'samples'),
    userSettings: {
      ...groupUserSettings('trusted', simulator, false),
      'editor.acceptSuggestionOnEnter': 'off',
      'editor.minimap.enabled': false,
      'extensions.ignoreRecommendations': true,
      'workbench.tips.enabled': false,
      'window.commandCenter': false,
      'window.title': '${activeEditorShort} — ${rootName}',
    },
  });
  const { page } = workbench;
  const shot = async (name: string, dir = outDir): Promise<void> => {
    await page.waitForTimeout(400); // let animations (suggest widget, hover fade-in) settle
    await page.screenshot({ path: join(dir, name) });
    process.stderr.write(`screenshots: ${join(dir, name)}\n`);
  };
  try {
    await page.setViewportSize(VIEWPORT);
    // Generous: the pictures are made on shared, loaded machines too.
    page.setDefaultTimeout(120_000);
    await waitForWorkbench(page);

    // Completion: a new Originate block; the headers come required first, with their docs beside.
    await openFile(page, '02-channels.ami');
    // The language server and the run lenses are up.
    await page.locator(selectors.codeLens, { hasText: /^▶ Run$/ }).first().waitFor();
    await startNewBlock(page);
    await typeLines(page, ['# Call extension 100 and connect it to the test context', 'Action: Originate']);
    await page.keyboard.type('C');
    // The mouse off the list: a row under the pointer would take the focus from the first (required) one.
    await page.mouse.move(VIEWPORT.width - 5, VIEWPORT.height - 40);
    // Bring the new lines up from the bottom edge so the suggest widget opens below them.
    for (let line = 0; line < 14; line++) await page.keyboard.press('Control+ArrowDown');
    await showSuggestions(page, 'Channel');
    await shot(SCREENSHOTS.completion);
    await page.keyboard.press('Escape');
    for (let undo = 0; undo < 12; undo++) await page.keyboard.press('Control+Z');

    // Hover docs on an action name.
    await openFile(page, '03-queues.ami');
    await hoverUntilShown(page, 'Action: QueueStatus', 'QueueStatus', 'QueueStatus');
    await shot(SCREENSHOTS.hover);
    await page.mouse.move(5, VIEWPORT.height - 5);
    await page.keyboard.press('Escape');

    // A run: the Originate block from its CodeLens, result and tied events in the panel; no sidebar.
    await openFile(page, '01-originate-call.ami');
    await page.keyboard.press('Control+B');
    await page.keyboard.press('Control+Home');
    await runFirstBlockFromCodeLens(page, simulatorUser.secret);
    const panel = panelFrame(page);
    const card = panel.locator('details.run.status-success').first();
    await card.locator('.run-events summary').first().click();
    await page.locator('.view-line', { hasText: /^$/ }).last().click();
    await shot(SCREENSHOTS.run);

    // The panel's editor group maximised: the live event stream, then the call on the timeline.
    await page.locator('.tab', { hasText: 'AMI Workbench' }).first().click();
    await page.keyboard.press('Control+K');
    await page.keyboard.press('Control+M');
    await panel.locator('#tab-events').click();
    await panel.locator('#event-list .row .name', { hasText: 'Hangup' }).first().waitFor();
    await panel.locator('#event-list .row .name', { hasText: 'OriginateResponse' }).first().click();
    await shot(SCREENSHOTS.events);

    await panel.locator('#tab-results').click();
    await card.locator('.show-call').first().click();
    await panel.locator('#tab-timeline.active').waitFor();
    await panel.locator('svg.tl-svg').first().waitFor();
    await panel.locator('svg.tl-svg .tl-mark.mark-hangup').last().click({ force: true });
    await shot(SCREENSHOTS.timeline);

    // The extension's page as users find it (icon, README, changelog): for a look, not for README.
    await page.locator('.activitybar .action-item a[aria-label^="Extensions"]').first().click();
    const row = page.locator('.extensions-viewlet .monaco-list-row', { hasText: manifest.displayName }).first();
    await row.click();
    await page.locator('.extension-editor').first().waitFor();
    // README renders in a webview of its own: find the one that shows README's title.
    const readme = page.frameLocator('iframe.webview.ready >> nth=-1').frameLocator('iframe#active-frame');
    await readme.locator('h1', { hasText: 'AMI Workbench' }).waitFor({ timeout: 60_000 }).catch(() => undefined);
    await page.waitForTimeout(3000);
    await shot('extension-page.png', checkDir);
  } catch (error) {
    await page.screenshot({ path: join(checkDir, 'screenshots-failed.png') }).catch(() => undefined);
    throw error;
  } finally {
    await workbench.stop();
  }
}

/** Ctrl+Space until the suggest widget lists an item starting with `label`, then shows its details. */
async function showSuggestions(page: Page, label: string): Promise<void> {
  const item = page.locator(selectors.suggestLabel, { hasText: new RegExp(`^${label}`) }).first();
  for (let attempt = 1; ; attempt++) {
    await page.keyboard.press('Control+Space');
    try {
      await item.waitFor({ timeout: 10_000 });
      break;
    } catch (error) {
      if (attempt === 6) throw error;
      await page.keyboard.press('Escape');
    }
  }
  // The docs pane beside the list (Ctrl+Space again toggles it when it stays closed).
  const details = page.locator('.editor-widget.suggest-widget.visible .suggest-details');
  const shown = await details.waitFor({ timeout: 3_000 }).then(() => true, () => false);
  if (!shown) {
    await page.keyboard.press('Control+Space');
    await details.waitFor({ timeout: 5_000 }).catch(() => undefined);
  }
}

/** Runs `node dist/cli.js args` in `cwd`; resolves with its combined output and exit code. */
function runCli(args: string[], cwd: string, env: Record<string, string>): Promise<{ code: number; output: string }> {
  return new Promise((done) => {
    const child = execFile(process.execPath, [join(repoRoot, 'dist', 'cli.js'), ...args], { cwd, env: { ...process.env, ...env }, timeout: 60_000 }, (error, stdout, stderr) => {
      done({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, output: stdout + stderr });
    });
    child.stdin?.end();
  });
}

const escapeHtml = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * `ami run` of two test files against the simulator (one passes, one has a wrong expectation), its real output
 * set in a terminal window page and captured by Chromium.
 */
async function cliShot(tools: E2eTools, simulator: Simulator, runDir: string, outDir: string): Promise<void> {
  const project = join(runDir, 'cli-project');
  mkdirSync(join(project, 'tests'), { recursive: true });
  writeFileSync(
    join(project, 'tests', 'originate.ami'),
    [
      '# Originate a test call',
      '# @name call',
      'Action: Originate',
      'Channel: Local/100@test',
      'Context: test',
      'Exten: 200',
      'Priority: 1',
      'Async: true',
      '@expect Response: Success',
      '@expect Event: OriginateResponse Response=Success within 5s',
      '@expect Event: Hangup Cause=16 within 10s',
      '',
      '# The server is alive',
      'Action: Ping',
      '',
    ].join('\n'),
  );
  writeFileSync(
    join(project, 'tests', 'status.ami'),
    ['# The server runs Asterisk 23', 'Action: CoreSettings', '@expect Response: Success', '', '# Calls up right now', 'Action: CoreShowChannels', '@expect List: >=1', ''].join('\n'),
  );
  const args = ['run', 'tests/originate.ami', 'tests/status.ami', '--host', '127.0.0.1', '--port', String(simulator.port), '--user', simulatorUser.username, '--junit', 'report.xml'];
  const result = await runCli(args, project, { AMI_SECRET: simulatorUser.secret });
  if (result.code !== 1) throw new Error(`ami run was meant to exit 1 (status.ami expects a call that is not there), it exited ${result.code}:\n${result.output}`);
  const prompt = '<span class="prompt">ci@runner:~/pbx-tests$</span> ';
  const lines = [
    `${prompt}export AMI_SECRET=********`,
    `${prompt}ami ${escapeHtml(args.join(' '))}`,
    escapeHtml(result.output.replace(/\s+$/, '')),
    `${prompt}echo $?`,
    String(result.code),
    `${prompt}<span class="cursor"> </span>`,
  ];
  const html = `<!doctype html><html><head><meta charset="utf-8"><style>
    body { margin: 0; padding: 24px; background: #e5e7eb; font-family: sans-serif; }
    .window { width: 1180px; border-radius: 10px; overflow: hidden; box-shadow: 0 10px 30px rgba(0,0,0,.35); background: #1e1e1e; }
    .bar { height: 34px; background: #2d2d2d; display: flex; align-items: center; padding: 0 14px; gap: 8px; }
    .dot { width: 12px; height: 12px; border-radius: 50%; } .title { color: #bbb; font-size: 13px; margin-left: 12px; }
    pre { margin: 0; padding: 16px 18px 20px; color: #d4d4d4; font: 14px/1.45 "DejaVu Sans Mono", "Liberation Mono", monospace; white-space: pre-wrap; }
    .prompt { color: #4ec9b0; } .cursor { background: #d4d4d4; }
  </style></head><body><div class="window"><div class="bar"><span class="dot" style="background:#ff5f56"></span><span class="dot" style="background:#ffbd2e"></span><span class="dot" style="background:#27c93f"></span><span class="title">ami run — bash</span></div><pre>${lines.join('\n')}</pre></div></body></html>`;
  const browser = await launchBrowser(tools.chromium, runDir);
  try {
    await browser.page.setViewportSize({ width: 1228, height: 400 });
    await browser.page.setContent(html);
    await browser.page.locator('.window').screenshot({ path: join(outDir, SCREENSHOTS.cli) });
    process.stderr.write(`screenshots: ${join(outDir, SCREENSHOTS.cli)}\n`);
  } finally {
    await browser.close();
  }
}

async function main(): Promise<number> {
  const outDir = resolve(argValue('--out') ?? join(repoRoot, 'docs', 'images'));
  mkdirSync(outDir, { recursive: true });
  // Pictures to look at that README does not show (the extension page, a failure).
  const checkDir = join(repoRoot, 'test-output', 'screenshots');
  mkdirSync(checkDir, { recursive: true });
  mkdirSync(join(repoRoot, '.e2e'), { recursive: true });
  const runDir = mkdtempSync(join(repoRoot, '.e2e', 'screenshots-'));
  const tools = await ensureTools();
  const simulator = await startSimulator();
  try {
    if (!process.argv.includes('--no-workbench')) await workbenchShots(tools, simulator, runDir, outDir, checkDir);
    await cliShot(tools, simulator, runDir, outDir);
  } finally {
    await simulator.stop();
    rmSync(runDir, { recursive: true, force: true });
  }
  return 0;
}

if (require.main === module) {
  exitOnSignals();
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`screenshots failed: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
}
