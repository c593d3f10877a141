/**
 * The packaged extension in a real VS Code against the real Asterisk (npm run test:live), as a user gets it: the
 * .vsix from `npm run package`, installed with code-server's --install-extension into a fresh extensions folder
 * (no development extension). Run the first sample block from its CodeLens, see the result, the call's events,
 * the live stream and the call's timeline. Screenshots go to test-output/live/.
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { launchBrowser, type HeadlessBrowser } from '../../scripts/e2e/browser';
import { ensureTools, repoRoot } from '../../scripts/e2e/tools';
import { openFile, panelFrame, runFirstBlockFromCodeLens, waitForWorkbench } from '../../scripts/e2e/uiFlows';
import { installPackagedExtension } from '../../scripts/e2e/vsixSmoke';
import { startWorkbench, type Workbench } from '../../scripts/e2e/workbench';
import { useLiveAsterisk } from './liveAsterisk';

const live = useLiveAsterisk();
const outputDir = join(repoRoot, 'test-output', 'live');

describe('live Asterisk: the installed .vsix in code-server', () => {
  let workbench: Workbench | undefined;
  let browser: HeadlessBrowser | undefined;

  before(async () => {
    mkdirSync(outputDir, { recursive: true });
    const tools = await ensureTools();
    const runDir = join(repoRoot, '.e2e', 'live', String(process.pid));
    const target = live.target();
    await installPackagedExtension(tools, runDir);
    workbench = await startWorkbench({
      tools,
      runDir,
      workspaceTemplate: join(repoRoot, 'samples'),
      userSettings: {
        'security.workspace.trust.enabled': false,
        'ami.connections': [{ name: 'live', host: target.host, port: target.port, username: target.admin.username }],
      },
    });
    browser = await launchBrowser(tools.chromium, runDir);
  });

  after(async () => {
    await browser?.close();
    await workbench?.stop();
  });

  it('runs the Originate sample: a successful result with the call events, the live stream and the call timeline', async () => {
    const page = browser!.page;
    // A loaded machine can take long to serve the workbench the first time.
    await page.goto(workbench!.url, { timeout: 120_000 });
    await waitForWorkbench(page);
    await openFile(page, '01-originate-call.ami');
    try {
      const { summary, events } = await runFirstBlockFromCodeLens(page, live.target().admin.secret);
      assert.match(summary, /Originate/);
      for (const name of ['OriginateResponse']) assert.ok(events.includes(name), `${name} tied to the run: ${events.join(', ')}`);
      await page.screenshot({ path: join(outputDir, 'run-result.png') });

      const panel = panelFrame(page);
      await panel.locator('#tab-timeline').click();
      const call = panel.locator('#timeline-calls [role="option"], #timeline-calls .tl-call').first();
      await call.waitFor({ timeout: 20_000 });
      await call.click();
      await panel.locator('#timeline-canvas svg').first().waitFor({ timeout: 20_000 });
      const lanes = await panel.locator('#timeline-canvas svg').first().innerHTML();
      assert.match(lanes, /Local\/100@test/, 'the call shows its Local channel lanes');
      await page.screenshot({ path: join(outputDir, 'timeline.png') });
    } catch (error) {
      await page.screenshot({ path: join(outputDir, 'failure.png') }).catch(() => undefined);
      throw error;
    }
  });
});
