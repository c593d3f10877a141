// Playwright UI smoke tests on a real workbench: what a user sees (suggest widget, hover, squiggles and Problems).
// Each test saves a screenshot to test-output/e2e/; a failing one saves `<name>-failed.png`.
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { repoRoot, type E2eTools } from './tools';
import {
  hoverUntilShown,
  openFile,
  panelFrame,
  runFirstBlockFromCodeLens,
  selectors,
  startNewBlock,
  typeLines,
  waitForSuggestion,
  waitForWorkbench,
  waitUntilNoProblem,
} from './uiFlows';
import { simulatorUser, type Simulator } from './simulator';
import { contributesCommand, groupUserSettings } from './suites';
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
  /** `shot(name)` saves an extra screenshot in the output folder (for intermediate states). */
  run(page: Page, shot: (fileName: string) => Promise<void>): Promise<void>;
}

/** The UI tests, in the order they run; the run test needs the simulator and the Run Block feature. */
function uiTests(simulator: Simulator | undefined): UiTest[] {
  const tests: UiTest[] = [
    {
      name: 'typing "Action: Orig" and Control+Space shows Originate in the suggest widget',
      screenshot: 'suggest-widget.png',
      run: async (page) => {
        await openFile(page, '02-channels.ami');
        await startNewBlock(page);
        await page.keyboard.type('Action: Orig');
        await waitForSuggestion(page, 'Originate');
      },
    },
    {
      name: 'hovering over Originate shows its documentation',
      screenshot: 'hover.png',
      run: async (page) => {
        await page.keyboard.press('Escape');
        await openFile(page, '01-originate-call.ami');
        await hoverUntilShown(page, 'Action: Originate', 'Originate', 'Originate a call.');
      },
    },
    {
      name: 'a misspelt action gets a squiggle and a Problems entry',
      screenshot: 'diagnostics.png',
      run: async (page) => {
        await page.keyboard.press('Escape');
        await openFile(page, '04-database.ami');
        await startNewBlock(page);
        await typeLines(page, ['Action: DBGett', 'Family: amitest']);
        const misspelt = page.locator('.view-lines .view-line', { hasText: /^Action:\sDBGett$/ });
        await misspelt.waitFor();
        await page.locator(selectors.squiggleError).first().waitFor({ timeout: 20_000 });
        await page.keyboard.press('Control+Shift+M');
        await page.locator(selectors.problemsRow, { hasText: /\bDBGett\b/ }).first().waitFor({ timeout: 20_000 });
        // `Family` typed before its colon is not a header yet.
        await waitUntilNoProblem(page, 'ami-invalid-line');
      },
    },
  ];
  if (simulator && contributesCommand('ami.runBlock')) {
    tests.push({
      name: 'running the first block from its CodeLens shows the result and its events in the panel',
      screenshot: 'run-block-panel.png',
      run: async (page, shot) => {
        await page.keyboard.press('Escape');
        await openFile(page, '01-originate-call.ami');
        const { summary, events } = await runFirstBlockFromCodeLens(page, simulatorUser.secret);
        if (!/success/i.test(summary)) throw new Error(`the run card says "${summary}"`);
        if (!events.includes('OriginateResponse')) throw new Error(`events tied to the run: ${events.join(', ')}`);
        const panel = panelFrame(page);
        await panel.locator('#tab-events').click();
        await panel.locator('#event-list .row .name', { hasText: 'OriginateResponse' }).first().waitFor();
        await shot('panel-events.png');
        await panel.locator('#tab-results').click();
      },
    });
    tests.push({
      name: 'a dangerous action (Command) asks in a modal naming the host and user; Cancel sends nothing',
      screenshot: 'dangerous-confirmed.png',
      run: async (page, shot) => {
        await openFile(page, '06-command.ami');
        const commandCards = panelFrame(page).locator('details.run', { hasText: 'Which Asterisk is this?' });
        const dialog = page.locator(selectors.dialog);
        await page.locator(selectors.codeLens, { hasText: /^▶ Run$/ }).first().click();
        // Not connected yet when run alone (--grep): VS Code first asks for the secret.
        const password = page.locator(selectors.quickInputPassword);
        await Promise.race([dialog.waitFor(), password.waitFor()]);
        if (await password.isVisible()) {
          await password.fill(simulatorUser.secret);
          await page.keyboard.press('Enter');
        }
        await dialog.waitFor();
        const message = await dialog.locator('.dialog-message-text').innerText();
        if (!message.includes(`${simulatorUser.username}@127.0.0.1`)) throw new Error(`the dialog says "${message}"`);
        await shot('dangerous-dialog.png');
        await dialog.locator('.dialog-buttons .monaco-button', { hasText: 'Cancel' }).click();
        await dialog.waitFor({ state: 'hidden' });
        // The card shown while the dialog asks stays pending until the answer has reached the extension host and
        // its update the panel: a loaded machine takes a while.
        await panelFrame(page).locator('details.run.status-pending', { hasText: 'Which Asterisk is this?' }).waitFor({ state: 'detached', timeout: 20_000 });
        // The panel may note the cancelled run, but only as not sent (no ActionID went out).
        for (const card of await commandCards.all()) {
          const text = await card.innerText();
          if (/ActionID/.test(text) || !/not sent/i.test(text)) throw new Error(`a cancelled Command shows as sent: ${text.slice(0, 200)}`);
        }
        await page.locator(selectors.codeLens, { hasText: /^▶ Run$/ }).first().click();
        await dialog.locator('.dialog-buttons .monaco-button', { hasText: 'Send Command' }).click();
        await commandCards.first().waitFor();
        await panelFrame(page).locator('details.run.status-success', { hasText: 'Which Asterisk is this?' }).waitFor();
      },
    });
    tests.push({
      name: 'a list result shows its table per event kind and the ListItems check; the Originate card lists its expectations',
      screenshot: 'list-results.png',
      run: async (page, shot) => {
        const panel = panelFrame(page);
        const originate = panel.locator('details.run', { has: panel.locator('.expectations-section') }).first();
        await originate.waitFor();
        const marks = await originate.locator('.expectation .mark').allInnerTexts();
        if (marks.length < 2 || marks.some((mark) => mark !== '✓')) throw new Error(`the Originate card's expectations: ${marks.join(' ')}`);
        await originate.scrollIntoViewIfNeeded();
        await shot('expectations-card.png');
        await openFile(page, '02-channels.ami');
        await page.locator(selectors.codeLens, { hasText: /^▶ Run$/ }).first().click();
        const card = panel.locator('details.run', { hasText: 'List live channels' }).first();
        await card.locator('.list-check').waitFor({ timeout: 30_000 });
        const check = await card.locator('.list-check').innerText();
        if (!/CoreShowChannelsComplete[\s\S]*ListItems \d+ matches/.test(check)) throw new Error(`the list check says "${check}"`);
        await card.scrollIntoViewIfNeeded();
      },
    });
    if (contributesCommand('ami.pbx.hangup')) {
      tests.push({
        name: 'connected, Exten: completes the extensions of the block\'s Context from the server, marked live',
        screenshot: 'live-completion-dialplan.png',
        run: async (page) => {
          await page.keyboard.press('Escape');
          await openFile(page, '02-channels.ami');
          await startNewBlock(page);
          await typeLines(page, ['# Call an extension of the live dialplan', 'Action: Originate', 'Channel: Local/100@test', 'Context: test']);
          await page.keyboard.type('Exten: ');
          await waitForSuggestion(page, '100');
          await page.locator(selectors.suggestDetails, { hasText: /live · \d+ priorit/ }).first().waitFor();
        },
      });
      tests.push({
        name: 'hovering over a live value shows its state on the server',
        screenshot: 'live-hover-dialplan.png',
        run: async (page) => {
          await page.keyboard.press('Tab');
          await page.keyboard.press('Escape');
          await hoverUntilShown(page, 'Context: test', 'test', 'dialplan context');
        },
      });
      tests.push({
        name: 'the PBX view shows channels by call, queues, bridges, parked calls and its counters',
        screenshot: 'live-pbx-view-simulator.png',
        run: async (page) => {
          await page.mouse.move(0, 0);
          await page.keyboard.press('Escape');
          await page.locator(selectors.activityBarItem('AMI')).first().click();
          await page.locator(selectors.treeRow, { hasText: 'Parked calls' }).first().waitFor();
          await page.locator(selectors.treeRow, { hasText: 'Events applied' }).first().waitFor();
        },
      });
    }
  }
  return tests;
}

/**
 * Starts a fresh workbench on a copy of samples/ with the staged extension and runs the UI
 * tests in order (they share the page, as a user would). `grep` keeps only tests whose name contains it.
 */
export async function runUiSmoke(options: {
  tools: E2eTools;
  /** Staged extension folder (stageExtension.ts). */
  extensionPath: string;
  runDir: string;
  outputDir: string;
  grep?: string;
  /** When given, the workbench gets a connection profile for it and the run test is included. */
  simulator?: Simulator;
}): Promise<UiTestResult[]> {
  const selected = uiTests(options.simulator).filter((test) => !options.grep || test.name.includes(options.grep));
  if (selected.length === 0) return [];
  const workbench = await openWorkbench({
    tools: options.tools,
    runDir: options.runDir,
    extensionPath: options.extensionPath,
    workspaceTemplate: join(repoRoot, 'samples'),
    userSettings: {
      ...groupUserSettings('trusted', options.simulator, false),
      // Typed text stays as typed: a late suggest widget must not turn Enter into "accept DBGetTree".
      'editor.acceptSuggestionOnEnter': 'off',
    },
  });
  const { page } = workbench;
  const results: UiTestResult[] = [];
  try {
    await waitForWorkbench(page);
    page.setDefaultTimeout(30_000);
    for (const test of selected) {
      const started = Date.now();
      try {
        await test.run(page, async (fileName) => {
          await page.screenshot({ path: join(options.outputDir, fileName) });
        });
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
