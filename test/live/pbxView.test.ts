/**
 * The extension in a real VS Code (code-server + headless Chromium, the e2e tooling) connected to a real Asterisk
 * (scripts/asterisk): completion of Channel: with the live channels of a call to 500, the hover on one, the PBX
 * view with the call, a Hangup from the view that ends the channel, and a read-only user's view without write
 * actions. Screenshots in test-output/live/ (live-completion.png, live-hover.png, live-pbx-view.png,
 * live-pbx-readonly.png).
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import type { AsteriskTarget } from '../../scripts/asterisk/instance';
import { launchBrowser, type HeadlessBrowser } from '../../scripts/e2e/browser';
import { useLiveAsterisk } from './liveAsterisk';
import { stageExtension } from '../../scripts/e2e/stageExtension';
import { ensureTools, repoRoot } from '../../scripts/e2e/tools';
import { hoverUntilShown, openFile, runFromCommandPalette, selectors, startNewBlock, typeLines, waitForWorkbench } from '../../scripts/e2e/uiFlows';
import { startWorkbench, type Workbench } from '../../scripts/e2e/workbench';
import type { AmiClient } from '../../node/src/amiClient';

const live = useLiveAsterisk();

const outputDir = join(repoRoot, 'test-output', 'live');
const quickInput = '.quick-input-widget';
const contextMenuItem = '.context-view .monaco-menu .action-item .action-label';

async function channelsOf(admin: AmiClient, prefix: string): Promise<string[]> {
  const list = await admin.send([['Action', 'CoreShowChannels']]);
  return list.events.map((event) => event.get('Channel') ?? '').filter((name) => name.startsWith(prefix));
}

async function until(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** "AMI: Select Connection" → the profile → its secret: what a user does to connect. */
async function connectAs(page: Page, profile: string, secret: string): Promise<void> {
  await runFromCommandPalette(page, 'AMI: Select Connection');
  const label = page.locator(`${quickInput} .monaco-list-row .label-name`, { hasText: new RegExp(`^${profile}$`) }).first();
  await label.waitFor();
  await label.click();
  const password = page.locator(selectors.quickInputPassword);
  await password.waitFor();
  await password.fill(secret);
  await page.keyboard.press('Enter');
  await page.locator('.statusbar-item', { hasText: profile }).first().waitFor();
}

describe('the PBX view and live completion in VS Code against a real Asterisk', () => {
  let target: AsteriskTarget;
  let admin: AmiClient;
  let workbench: Workbench | undefined;
  let browser: HeadlessBrowser | undefined;
  let runDir: string;

  before(async () => {
    mkdirSync(outputDir, { recursive: true });
    target = live.target();
    assert.ok(target.reader, 'the target needs a read-only user');
    admin = await live.connect(target.admin, { credentials: { ...target.admin, events: 'off' } });
    runDir = mkdtempSync(join(tmpdir(), 'ami-live-view-'));
    const tools = await ensureTools();
    const extensionPath = stageExtension(join(runDir, 'extension'));
    workbench = await startWorkbench({
      tools,
      runDir: join(runDir, 'workbench'),
      extensionPath,
      workspaceTemplate: join(repoRoot, 'samples'),
      userSettings: {
        'security.workspace.trust.enabled': false,
        'editor.acceptSuggestionOnEnter': 'off',
        'ami.pbx.rowAction': 'run',
        'ami.panel.revealOnRun': false,
        'ami.connections': [
          { name: 'asterisk', host: target.host, port: target.port, username: target.admin.username },
          { name: 'asterisk-reader', host: target.host, port: target.port, username: target.reader.username },
        ],
      },
    });
    browser = await launchBrowser(tools.chromium, join(runDir, 'workbench'));
    // A loaded machine can take long to serve the workbench the first time.
    await browser.page.goto(workbench.url, { timeout: 120_000 });
    await waitForWorkbench(browser.page);
    browser.page.setDefaultTimeout(30_000);
  });

  after(async () => {
    if (browser) await browser.page.screenshot({ path: join(outputDir, 'last.png') }).catch(() => undefined);
    await browser?.close();
    await workbench?.stop();
    for (const channel of (await channelsOf(admin, 'Local/500@test-').catch(() => []))) await admin.send([['Action', 'Hangup'], ['Channel', channel]]).catch(() => undefined);
    rmSync(runDir, { recursive: true, force: true });
  });

  it('completes Channel: with the live channels of a call to 500, hover shows its state, the view shows the call, and a Hangup from the view ends it', async (t) => {
    const page = browser!.page;
    await openFile(page, '02-channels.ami');
    await connectAs(page, 'asterisk', target.admin.secret);
    const originate = await admin.send([['Action', 'Originate'], ['Channel', 'Local/500@test'], ['Application', 'Wait'], ['Data', '120'], ['Async', 'true']]);
    assert.equal(originate.success, true);
    await until(async () => (await channelsOf(admin, 'Local/500@test-')).length === 2, 15_000, 'the call to 500');
    const [leg] = (await channelsOf(admin, 'Local/500@test-')).sort();

    await openFile(page, '02-channels.ami');
    await startNewBlock(page);
    await typeLines(page, ['# Hang up the call to 500', 'Action: Hangup']);
    await page.keyboard.type('Channel: Local/5');
    const item = page.locator(selectors.suggestLabel, { hasText: leg }).first();
    for (let attempt = 0; attempt < 6 && !(await item.isVisible()); attempt++) {
      await page.keyboard.press('Control+Space');
      await item.waitFor({ timeout: 5000 }).catch(() => undefined);
    }
    await item.waitFor();
    await page.locator(selectors.suggestDetails, { hasText: /^live · Up · \d\d:\d\d/ }).first().waitFor();
    await page.screenshot({ path: join(outputDir, 'live-completion.png') });

    await item.click();
    await page.keyboard.press('Escape');
    await hoverUntilShown(page, 'Channel: Local/500', '500', 'live channel');
    await page.locator(selectors.hover, { hasText: 'Linkedid' }).first().waitFor();
    await page.screenshot({ path: join(outputDir, 'live-hover.png') });

    await page.mouse.move(0, 0);
    await page.keyboard.press('Escape');
    await page.locator(selectors.activityBarItem('AMI')).first().click();
    const row = page.locator(selectors.treeRow, { hasText: leg }).first();
    await row.waitFor();
    await page.locator(selectors.treeRow, { hasText: 'testq' }).first().waitFor();
    await page.screenshot({ path: join(outputDir, 'live-pbx-view.png') });

    await row.click({ button: 'right' });
    const menu = (await page.locator(contextMenuItem).allInnerTexts()).map((text) => text.trim()).filter(Boolean);
    assert.ok(menu.includes('Hangup') && menu.includes('Redirect') && menu.includes('Show Call (timeline)'), `row actions: ${menu.join(', ')}`);
    await page.locator(contextMenuItem, { hasText: /^Hangup$/ }).first().click();
    // In 2 of 5 full live runs on 2026-12-06 (when the view redrew its whole tree every second), the first Hangup
    // did nothing. Once more, as a user would, and say what was on screen before notifications time out.
    const ended = async (): Promise<boolean> => (await channelsOf(admin, leg)).length === 0;
    if (!(await until(ended, 5_000, 'the first Hangup').then(() => true, () => false))) {
      await page.screenshot({ path: join(outputDir, 'live-pbx-hangup-first-try.png') }).catch(() => undefined);
      const shown = await page.locator(`${selectors.dialog}, .notifications-toasts .notification-list-item-message`).allInnerTexts().catch(() => []);
      t.diagnostic(`the first Hangup from the view did not end ${leg}; on screen: ${shown.join(' | ') || 'no dialog or notification'}`);
      await row.click({ button: 'right' });
      await page.locator(contextMenuItem, { hasText: /^Hangup$/ }).first().click();
    }
    try {
      await until(ended, 15_000, `${leg} to end after the Hangup from the view`);
    } catch (error) {
      // Failed once in a full live run (and never alone): keep what the user would have seen.
      await page.screenshot({ path: join(outputDir, 'live-pbx-hangup-failed.png') }).catch(() => undefined);
      const shown = await page.locator(`${selectors.dialog}, .notifications-toasts .notification-list-item-message`).allInnerTexts().catch(() => []);
      throw new Error(`${(error as Error).message}; on screen: ${shown.join(' | ') || 'no dialog or notification'}`, { cause: error });
    }
    await page.locator(selectors.treeRow, { hasText: leg }).first().waitFor({ state: 'detached' });
  });

  it("a read-only user's view offers no write actions", async () => {
    const page = browser!.page;
    await connectAs(page, 'asterisk-reader', target.reader!.secret);
    // The reader may not run CoreShowChannels: its view knows the calls that start once its sync listens.
    await page.locator(selectors.treeRow, { hasText: 'Counters (asterisk-reader)' }).first().waitFor();
    await page.locator(selectors.treeRow, { hasText: 'from events since connecting' }).first().waitFor();
    await admin.send([['Action', 'Originate'], ['Channel', 'Local/500@test'], ['Application', 'Wait'], ['Data', '120'], ['Async', 'true']]);
    await until(async () => (await channelsOf(admin, 'Local/500@test-')).length === 2, 15_000, 'a second call to 500');
    const [leg] = (await channelsOf(admin, 'Local/500@test-')).sort();
    const row = page.locator(selectors.treeRow, { hasText: leg }).first();
    await row.waitFor();
    await row.click({ button: 'right' });
    await page.locator(contextMenuItem).first().waitFor();
    const menu = (await page.locator(contextMenuItem).allInnerTexts()).map((text) => text.trim()).filter(Boolean);
    await page.screenshot({ path: join(outputDir, 'live-pbx-readonly.png') });
    await page.keyboard.press('Escape');
    for (const write of ['Hangup', 'Redirect', 'Park', 'MixMonitor (record)', 'QueuePause (pause)', 'QueueRemove', 'QueueAdd (add a member)']) {
      assert.ok(!menu.includes(write), `the read-only view offers ${write}: ${menu.join(', ')}`);
    }
    const member = page.locator(selectors.treeRow, { hasText: 'Local/600@test' }).first();
    if (await member.isVisible()) {
      await member.click({ button: 'right' });
      const memberMenu = (await page.locator(contextMenuItem).allInnerTexts().catch(() => [])).map((text) => text.trim());
      await page.keyboard.press('Escape');
      assert.ok(!memberMenu.some((text) => /^Queue(Pause|Remove)/.test(text)), `member actions for the reader: ${memberMenu.join(', ')}`);
    }
  });
});
