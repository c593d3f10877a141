// Playwright UI smoke tests on a real workbench: what a user sees (suggest widget, hover, squiggles and Problems).
// Each test saves a screenshot to test-output/e2e/; a failing one saves `<name>-failed.png`.
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { repoRoot, type E2eTools } from './tools';
import { openWorkbench } from './workbench';

/** Outcome of one UI test. */
export interface UiTestResult {
  readonly name: string;
  readonly durationMs: number;
  readonly screenshot?: string;
  /** Present when the test failed. */
  readonly error?: string;
}

interface UiTest {
  readonly name: string;
  /** Screenshot file name (in the output folder) taken when the test passes. */
  readonly screenshot: string;
  run(page: Page): Promise<void>;
}

const suggestRows = '.editor-widget.suggest-widget.visible .monaco-list-row .label-name';
const visibleHover = '.monaco-hover:not(.hidden) .monaco-hover-content';

/** Opens a workspace file through Quick Open and waits for its editor. */
async function openFile(page: Page, fileName: string): Promise<void> {
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget input[type="text"]');
  await input.waitFor({ state: 'visible' });
  await input.fill(fileName);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: fileName }).first().waitFor();
  await page.keyboard.press('Enter');
  await page.locator(`.tab.active[aria-label*="${fileName}"]`).waitFor();
  await page.locator('.monaco-editor .view-lines').first().waitFor();
}

/** Puts the cursor at the end of the active editor, after a blank line (a new block). */
async function startNewBlock(page: Page): Promise<void> {
  await page.locator('.monaco-editor .view-lines').first().click();
  await page.keyboard.press('Control+End');
  await page.keyboard.press('Enter');
  await page.keyboard.press('Enter');
}

const tests: UiTest[] = [
  {
    name: 'typing "Action: Orig" and Control+Space shows Originate in the suggest widget',
    screenshot: 'suggest-widget.png',
    run: async (page) => {
      await openFile(page, '02-channels.ami');
      await startNewBlock(page);
      await page.keyboard.type('Action: Orig');
      await page.keyboard.press('Control+Space');
      await page.locator(suggestRows, { hasText: /^Originate$/ }).first().waitFor({ timeout: 20_000 });
    },
  },
  {
    name: 'hovering over Originate shows its documentation',
    screenshot: 'hover.png',
    run: async (page) => {
      await page.keyboard.press('Escape');
      await openFile(page, '01-originate-call.ami');
      const line = page.locator('.view-lines .view-line', { hasText: 'Action: Originate' }).first();
      await line.locator('span span', { hasText: 'Originate' }).last().hover();
      await page.locator(visibleHover, { hasText: 'Originate a call.' }).first().waitFor({ timeout: 20_000 });
    },
  },
  {
    name: 'a misspelt action gets a squiggle and a Problems entry',
    screenshot: 'diagnostics.png',
    run: async (page) => {
      await page.keyboard.press('Escape');
      await openFile(page, '04-database.ami');
      await startNewBlock(page);
      await page.keyboard.type('Action: DBGett\nFamily: amitest\n');
      await page.keyboard.press('Escape');
      await page.locator('.monaco-editor .squiggly-error').first().waitFor({ timeout: 20_000 });
      await page.keyboard.press('Control+Shift+M');
      await page.locator('.markers-panel .monaco-list-row', { hasText: 'DBGett' }).first().waitFor({ timeout: 20_000 });
    },
  },
];

/**
 * Starts a fresh workbench on a copy of samples/ with the extension loaded from the repository and runs the UI
 * tests in order (they share the page, as a user would). `grep` keeps only tests whose name contains it.
 */
export async function runUiSmoke(options: {
  tools: E2eTools;
  runDir: string;
  outputDir: string;
  grep?: string;
}): Promise<UiTestResult[]> {
  const selected = tests.filter((test) => !options.grep || test.name.includes(options.grep));
  if (selected.length === 0) return [];
  const workbench = await openWorkbench({
    tools: options.tools,
    runDir: options.runDir,
    workspaceTemplate: join(repoRoot, 'samples'),
    userSettings: { 'security.workspace.trust.enabled': false },
  });
  const { page } = workbench;
  const results: UiTestResult[] = [];
  try {
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ timeout: 60_000 });
    page.setDefaultTimeout(30_000);
    for (const test of selected) {
      const started = Date.now();
      try {
        await test.run(page);
        const screenshot = join(options.outputDir, test.screenshot);
        await page.screenshot({ path: screenshot });
        results.push({ name: test.name, durationMs: Date.now() - started, screenshot });
      } catch (error) {
        const screenshot = join(options.outputDir, test.screenshot.replace(/\.png$/, '-failed.png'));
        await page.screenshot({ path: screenshot }).catch(() => undefined);
        const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
        results.push({ name: test.name, durationMs: Date.now() - started, screenshot, error: message });
      }
    }
  } finally {
    await workbench.stop();
  }
  return results;
}
