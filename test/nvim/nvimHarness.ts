/**
 * Runs headless Neovim against the real language server (dist/server.js --stdio): an init file made of the test
 * prelude and a Neovim config from the README, a scenario in Lua (test/nvim/scenarios), an .ami file to edit. The
 * scenario writes its results as JSON; this module returns them.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { serverPath } from '../lsp/lspHarness';

const here = __dirname;
const readmePath = join(here, '..', '..', 'README.md');

/** The placeholder the README configs use for the clone's path. */
const readmeServerPath = '/path/to/ami-workbench/dist/server.js';

/** Installed Neovim's version, or undefined when `nvim` is not on PATH. */
export function nvimVersion(): [number, number, number] | undefined {
  const result = spawnSync('nvim', ['--version'], { encoding: 'utf8', timeout: 20_000 });
  const match = result.status === 0 ? /NVIM v(\d+)\.(\d+)\.(\d+)/.exec(result.stdout) : null;
  return match ? [Number(match[1]), Number(match[2]), Number(match[3])] : undefined;
}

/**
 * The Lua of each README Neovim config, by the range in its `<!-- neovim-config: RANGE -->` marker
 * ("0.7", "0.8-0.10", "0.11"), with the server path pointing at this build.
 */
export function readmeNeovimConfigs(): Map<string, string> {
  const readme = readFileSync(readmePath, 'utf8');
  const configs = new Map<string, string>();
  for (const match of readme.matchAll(/<!-- neovim-config: ([\d.-]+) -->\n```lua\n([\s\S]*?)```/g)) {
    configs.set(match[1], match[2].split(readmeServerPath).join(serverPath));
  }
  return configs;
}

/** Neovim's Lua compiler's complaint about `code`, or undefined when it compiles (nothing is run). */
export function luaSyntaxError(code: string): string | undefined {
  const dir = mkdtempSync(join(tmpdir(), 'ami-nvim-lua-'));
  try {
    const file = join(dir, 'config.lua');
    writeFileSync(file, code);
    const check = `lua local _, err = loadfile(${luaString(file)}); if err then io.stderr:write(err) vim.cmd('cquit 1') end`;
    const result = spawnSync('nvim', ['--headless', '-n', '-i', 'NONE', '-u', 'NONE', '-c', check, '-c', 'qall!'], {
      encoding: 'utf8',
      timeout: 30_000,
    });
    return result.status === 0 ? undefined : `${result.stderr}${result.stdout}`.trim() || `nvim exited with ${result.status}`;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** True when `version` is inside a README range: "0.7" (0.7.x), "0.8-0.10", "0.11" (0.11 and later). */
export function inRange(version: readonly number[], range: string): boolean {
  const [low, high] = range.split('-').map((part) => part.split('.').map(Number));
  const at = (v: readonly number[]): number => v[0] * 1000 + v[1];
  if (high) return at(version) >= at(low) && at(version) <= at(high);
  return range === '0.7' ? at(version) === at(low) : at(version) >= at(low);
}

/** What a scenario wrote: its own fields, plus `error`, `logs`, `messages` and `notifications`. */
export interface ScenarioResult {
  error?: string | null;
  logs: Array<{ type: number; message: string }>;
  messages: Array<{ type: number; message: string }>;
  /** vim.notify calls: how the client reports LSP errors to the user. */
  notifications: Array<{ message: string; level: number }>;
  [key: string]: unknown;
}

export interface ScenarioOptions {
  /** Lua of the editor config (a README config), run after the prelude. */
  config: string;
  /** File name of the scenario in test/nvim/scenarios. */
  scenario: string;
  /** The .ami file opened in the editor. */
  text: string;
  /** Extra Lua run before the config (e.g. capability changes a plugin would make). */
  before?: string;
}

/** Runs one scenario in `nvim --headless`; rejects with Neovim's output when it writes no result. */
export async function runScenario(options: ScenarioOptions): Promise<ScenarioResult> {
  const dir = mkdtempSync(join(tmpdir(), 'ami-nvim-'));
  try {
    const init = join(dir, 'init.lua');
    const out = join(dir, 'result.json');
    const file = join(dir, 'calls.ami');
    writeFileSync(file, options.text);
    writeFileSync(
      init,
      [
        `package.path = ${luaString(join(here, 'lua', '?.lua'))} .. ';' .. package.path`,
        "require('amitest').prelude()",
        options.before ?? '',
        options.config,
      ].join('\n'),
    );
    const scenario = join(here, 'scenarios', options.scenario);
    // No user config, shada or swap files: only what the test gives it. `node` of this run is first on PATH.
    const child = spawn('nvim', ['--headless', '-n', '-i', 'NONE', '-u', init, '-c', `luafile ${scenario}`, file], {
      cwd: dir,
      env: {
        ...process.env,
        AMI_NVIM_OUT: out,
        PATH: `${dirname(process.execPath)}${delimiter}${process.env.PATH ?? ''}`,
        XDG_CONFIG_HOME: join(dir, 'config'),
        XDG_DATA_HOME: join(dir, 'data'),
        XDG_STATE_HOME: join(dir, 'state'),
        XDG_CACHE_HOME: join(dir, 'cache'),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    const exitCode = await new Promise<number | null>((resolve) => {
      // The scenario stops itself after 60 s; this is the backstop for an editor that hangs before it runs.
      const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
      child.once('exit', (code) => {
        clearTimeout(timer);
        resolve(code);
      });
    });
    let raw: string;
    try {
      raw = readFileSync(out, 'utf8');
    } catch {
      throw new Error(`Neovim (exit ${exitCode}) wrote no result for ${options.scenario}. Its output:\n${output.slice(-4000)}`);
    }
    return JSON.parse(raw) as ScenarioResult;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function luaString(text: string): string {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}
