// `npm run demo`: VS Code in the browser (code-server on 127.0.0.1) with the extension, the samples/ workspace and
// an AMI server to talk to: the embedded simulator (real Asterisk bytes from the captures, a recorded call
// replayed every few seconds) unless AMI_HOST, AMI_PORT, AMI_USERNAME and AMI_SECRET name a real Asterisk.
// Options: --port N (code-server port; default: a free one), --asterisk (a real Asterisk 23.4.1 built from
// source and started on a free loopback port, see scripts/asterisk/), --headless-check (open it in headless
// Chromium, run the first sample block, save a screenshot, exit 0 only if the result and its events appeared).
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { launchBrowser } from './e2e/browser';
import { startAsterisk, type AsteriskTarget } from './asterisk/instance';
import { exitOnSignals } from './e2e/cleanup';
import { simulatorUser, startSimulator, type Simulator } from './e2e/simulator';
import { stageExtension } from './e2e/stageExtension';
import { ensureTools, repoRoot } from './e2e/tools';
import { openFile, runFirstBlockFromCodeLens, waitForWorkbench } from './e2e/uiFlows';
import { startWorkbench, type Workbench } from './e2e/workbench';

const samplesDir = join(repoRoot, 'samples');
const outputDir = join(repoRoot, 'test-output', 'demo');
/** Seconds between two replays of the recorded call (the live event stream). */
const liveSeconds = 5;

/** Where the demo connects: the simulator, or the Asterisk named by the AMI_* variables. */
interface Target {
  name: string;
  host: string;
  port: number;
  username: string;
  secret: string;
  /** Shown next to the URL: what to type when VS Code asks for the secret. */
  secretHint: string;
}

function argValue(flag: string): string | undefined {
  const index = process.argv.indexOf(flag);
  return index >= 0 ? process.argv[index + 1] : undefined;
}

/** The real Asterisk from AMI_*, or undefined when none is set; throws when only some are. */
function realAsteriskTarget(): Target | undefined {
  const names = ['AMI_HOST', 'AMI_PORT', 'AMI_USERNAME', 'AMI_SECRET'] as const;
  const set = names.filter((name) => process.env[name]);
  if (set.length === 0) return undefined;
  const missing = names.filter((name) => !process.env[name] && name !== 'AMI_PORT');
  if (missing.length > 0) {
    throw new Error(`set ${missing.join(', ')} too (or unset ${set.join(', ')} to use the embedded simulator)`);
  }
  const port = Number(process.env.AMI_PORT ?? '5038');
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`AMI_PORT must be a port number, not "${process.env.AMI_PORT}"`);
  return {
    name: 'asterisk',
    host: process.env.AMI_HOST!,
    port,
    username: process.env.AMI_USERNAME!,
    secret: process.env.AMI_SECRET!,
    secretHint: 'the value of AMI_SECRET',
  };
}

/** Opens the workbench headless, runs the first sample's first block and checks the panel. */
async function headlessCheck(workbench: Workbench, chromium: string, target: Target, runDir: string): Promise<boolean> {
  const firstSample = readdirSync(samplesDir).filter((name) => name.endsWith('.ami')).sort()[0];
  const browser = await launchBrowser(chromium, runDir);
  const screenshot = join(outputDir, 'headless-check.png');
  try {
    const { page } = browser;
    await page.goto(workbench.url, { timeout: 120_000 });
    await waitForWorkbench(page);
    await openFile(page, firstSample);
    const { summary, events } = await runFirstBlockFromCodeLens(page, target.secret);
    await page.screenshot({ path: screenshot });
    console.log(`headless check: ${firstSample}, first block: ${summary}`);
    console.log(`headless check: events tied to the run: ${events.join(', ')}`);
    console.log(`headless check: screenshot ${screenshot}`);
    return true;
  } catch (error) {
    await browser.page.screenshot({ path: screenshot }).catch(() => undefined);
    console.error(`headless check failed: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
    console.error(`headless check: screenshot of the failure ${screenshot}`);
    return false;
  } finally {
    await browser.close();
  }
}

async function main(): Promise<number> {
  const check = process.argv.includes('--headless-check');
  const port = Number(argValue('--port') ?? '0');
  const realTarget = realAsteriskTarget();
  console.log('demo: preparing VS Code (code-server); the first run installs it, which takes a few minutes');
  const tools = await ensureTools();
  let simulator: Simulator | undefined;
  let asterisk: AsteriskTarget | undefined;
  let workbench: Workbench | undefined;
  const runDir = join(repoRoot, '.e2e', 'demo');
  const stopAll = async (): Promise<void> => {
    await workbench?.stop();
    await simulator?.stop();
    await asterisk?.stop();
  };
  try {
    let target = realTarget;
    if (!target && process.argv.includes('--asterisk')) {
      console.log('demo: starting a real Asterisk (the first run builds it from source, which takes a few minutes)');
      asterisk = await startAsterisk();
      target = {
        name: 'asterisk',
        host: asterisk.host,
        port: asterisk.port,
        ...asterisk.admin,
        secretHint: `${asterisk.admin.secret} (the throwaway instance's admin user)`,
      };
      console.log(`demo: Asterisk 23.4.1 on ${target.host}:${target.port} (dialplan context test: 100–600, queue testq)`);
    } else if (!target) {
      simulator = await startSimulator({ liveSeconds });
      target = {
        name: 'simulator',
        host: simulator.host,
        port: simulator.port,
        ...simulatorUser,
        secretHint: `${simulatorUser.secret} (the simulator's demo user)`,
      };
      console.log(`demo: AMI simulator on ${target.host}:${target.port} (recorded Asterisk 23 answers; a call every ${liveSeconds} s)`);
    } else {
      console.log(`demo: using the Asterisk at ${target.host}:${target.port} as ${target.username} (from AMI_*)`);
    }
    rmSync(runDir, { recursive: true, force: true });
    mkdirSync(outputDir, { recursive: true });
    workbench = await startWorkbench({
      tools,
      runDir,
      extensionPath: stageExtension(join(runDir, 'extension')),
      workspaceTemplate: samplesDir,
      port,
      userSettings: {
        'security.workspace.trust.enabled': false,
        'ami.connections': [{ name: target.name, host: target.host, port: target.port, username: target.username }],
      },
    });
    if (check) return (await headlessCheck(workbench, tools.chromium, target, runDir)) ? 0 : 1;

    console.log('\nOpen this URL in a browser on this machine (code-server listens on 127.0.0.1 only):\n');
    console.log(`  ${workbench.url}\n`);
    console.log(`Open 01-originate-call.ami and click "▶ Run" above a block (or Ctrl+Enter in it).`);
    console.log(`When VS Code asks for the AMI secret of "${target.name}", enter ${target.secretHint}.`);
    console.log('The samples are a copy in .e2e/demo/workspace. Press Ctrl+C to stop.');
    await new Promise<void>((resolve) => {
      process.removeAllListeners('SIGINT').removeAllListeners('SIGTERM');
      process.once('SIGINT', () => resolve());
      process.once('SIGTERM', () => resolve());
    });
    console.log('\ndemo: stopping');
    return 0;
  } finally {
    await stopAll();
  }
}

// Until the workbench is up, Ctrl+C exits at once (and the exit cleanup stops what already started).
exitOnSignals();
main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`demo failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
