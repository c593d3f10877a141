// What a user does in the workbench, as Playwright steps shared by the UI smoke tests and `npm run demo -- --headless-check`.
import type { FrameLocator, Page } from 'playwright-core';

/** Selectors that worked on the VS Code 1.139 workbench (docs/vscode-testing.md). */
export const selectors = {
  workbench: '.monaco-workbench',
  explorerRow: '.explorer-folders-view .monaco-list-row',
  quickInputPassword: '.quick-input-widget input[type="password"]',
  editorLines: '.monaco-editor .view-lines',
  suggestLabel: '.editor-widget.suggest-widget.visible .monaco-list-row .label-name',
  hover: '.monaco-hover:not(.hidden) .monaco-hover-content',
  /** CodeLens links of the active editor group only (the panel has a group of its own). */
  codeLens: '.editor-group-container.active .monaco-editor .codelens-decoration a',
  squiggleError: '.monaco-editor .squiggly-error',
  problemsRow: '.markers-panel .monaco-list-row',
  dialog: '.monaco-dialog-box',
  /** The focused suggestion's detail/label description ("live · Up · 00:42 · Wait(30)"). */
  suggestDetails: '.editor-widget.suggest-widget.visible .monaco-list-row .details-label, .editor-widget.suggest-widget.visible .monaco-list-row .label-description',
  /** A view container's icon in the activity bar, by its title. */
  activityBarItem: (title: string) => `.activitybar .action-item a[aria-label^="${title}"]`,
  treeRow: '.monaco-workbench .pane-body .monaco-list-row',
} as const;

/** Waits until the workbench shows the workspace's files. */
export async function waitForWorkbench(page: Page): Promise<void> {
  await page.locator(selectors.workbench).waitFor({ timeout: 60_000 });
  await page.locator(selectors.explorerRow).first().waitFor({ timeout: 60_000 });
}

/** Opens a workspace file in the first editor group by clicking it in the Explorer, and waits for its editor. */
export async function openFile(page: Page, fileName: string): Promise<void> {
  // Into the first editor group, not the one beside it where the AMI panel lives.
  await page.keyboard.press('Control+1');
  await page.locator(selectors.explorerRow, { hasText: fileName }).first().click();
  await page.locator(`.tab.active[aria-label*="${fileName}"]`).waitFor();
  await page.locator(selectors.editorLines).first().waitFor();
}

/** The document inside the AMI panel's webview (two nested iframes). */
export function panelFrame(page: Page): FrameLocator {
  return page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
}

/**
 * Clicks the first "▶ Run" CodeLens of the active editor, types the secret if VS Code asks for it (first run
 * of a connection), and waits for the panel to show the run's result (status `success`) with at least one
 * event tied to it, then switches the panel to its live event stream and waits for a row.
 * Returns the run card's summary text and the names of the events tied to it.
 */
export async function runFirstBlockFromCodeLens(page: Page, secret: string | undefined): Promise<{ summary: string; events: string[] }> {
  await page.locator(selectors.codeLens, { hasText: 'Run' }).first().waitFor({ timeout: 30_000 });
  await page.locator(selectors.codeLens, { hasText: /^▶ Run$/ }).first().click();
  const password = page.locator(selectors.quickInputPassword);
  const panel = panelFrame(page);
  const card = panel.locator('details.run').first();
  // Either VS Code asks for the secret (nothing stored yet) or the run goes straight through.
  await Promise.race([password.waitFor({ timeout: 30_000 }), card.waitFor({ timeout: 30_000 })]);
  if (await password.isVisible()) {
    if (secret === undefined) throw new Error('VS Code asks for the AMI secret, and none was given');
    await password.fill(secret);
    await page.keyboard.press('Enter');
  }
  const success = panel.locator('details.run.status-success').first();
  await success.waitFor({ timeout: 30_000 });
  const eventSummaries = success.locator('.run-events summary');
  await eventSummaries.first().waitFor({ timeout: 30_000 });
  const summary = (await success.locator('summary').first().innerText()).replace(/\s+/g, ' ').trim();
  const events = (await eventSummaries.allInnerTexts()).map((text) => text.replace(/^\S+\s+/, '').trim());
  await panel.locator('#tab-events').click();
  await panel.locator('#event-list .row .name').first().waitFor({ timeout: 30_000 });
  await panel.locator('#tab-results').click();
  return { summary, events };
}

/** Puts the cursor at the end of the active editor, after a blank line (a new block). */
export async function startNewBlock(page: Page): Promise<void> {
  await page.locator(selectors.editorLines).first().click();
  await page.keyboard.press('Control+End');
  await page.keyboard.press('Enter');
  await page.keyboard.press('Enter');
}

/** Types `lines` into the active editor, closing any suggest widget before each Enter so that it accepts nothing. */
export async function typeLines(page: Page, lines: readonly string[]): Promise<void> {
  for (const line of lines) {
    await page.keyboard.type(line);
    await page.keyboard.press('Escape');
    await page.keyboard.press('Enter');
  }
}

/**
 * Waits until the Problems view lists no finding with `code`. Typed text is checked as it is typed (150 ms after a
 * pause), so a finding of a half-typed line can be listed for a moment: a screenshot must show the final text's.
 */
export async function waitUntilNoProblem(page: Page, code: string): Promise<void> {
  await page.locator(selectors.problemsRow, { hasText: code }).first().waitFor({ state: 'detached', timeout: 20_000 });
}

/**
 * Presses Control+Space until the suggest widget lists `label`. The language server may still be starting in a
 * fresh workbench: ask again, as a user would (4 tries of 5 s).
 */
export async function waitForSuggestion(page: Page, label: string): Promise<void> {
  const item = page.locator(selectors.suggestLabel, { hasText: new RegExp(`^${label}$`) }).first();
  for (let attempt = 1; ; attempt++) {
    await page.keyboard.press('Control+Space');
    try {
      await item.waitFor({ timeout: 5_000 });
      return;
    } catch (error) {
      if (attempt === 4) throw error;
      await page.keyboard.press('Escape');
    }
  }
}

/**
 * Runs a command from the Command Palette by its title, as a user does (F1, type, pick). The palette lists the
 * commands known when it opens: one opened before the extension host has registered ours never shows them, so
 * close it and open it again until the command is listed (6 tries of 5 s).
 */
export async function runFromCommandPalette(page: Page, title: string): Promise<void> {
  const input = page.locator('.quick-input-widget input');
  const row = page.locator('.quick-input-widget .monaco-list-row', { hasText: title }).first();
  for (let attempt = 1; ; attempt++) {
    await page.keyboard.press('F1');
    await input.fill(`>${title}`);
    try {
      await row.waitFor({ timeout: 5_000 });
      await row.click();
      return;
    } catch (error) {
      if (attempt === 6) throw error;
      await page.keyboard.press('Escape');
    }
  }
}

/**
 * Hovers over `word` on the first editor line that contains `lineText` and waits for a hover that contains
 * `expected`. VS Code asks for a hover only when the mouse moves onto a word, so a hover asked before the
 * language server answered, or hidden by a widget closing, never comes back by waiting: move away and back, as a
 * user would (4 tries of 5 s).
 */
export async function hoverUntilShown(page: Page, lineText: string, word: string, expected: string): Promise<void> {
  const hover = page.locator(selectors.hover, { hasText: expected }).first();
  for (let attempt = 1; ; attempt++) {
    const line = page.locator('.view-lines .view-line', { hasText: lineText }).first();
    await line.locator('span span', { hasText: word }).last().hover();
    try {
      await hover.waitFor({ timeout: 5_000 });
      return;
    } catch (error) {
      if (attempt === 4) throw error;
      await page.mouse.move(0, 0);
      await page.keyboard.press('Escape');
    }
  }
}
