// Starts the embedded AMI simulator (dist/simulator.js: real Asterisk bytes from the captures) as a child process.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { killOnExit } from './cleanup';
import { repoRoot } from './tools';

/** The simulator's login (the captures' `dev` user). */
export const simulatorUser = { username: 'dev', secret: 'devsecret' } as const;

/** A running simulator. */
export interface Simulator {
  readonly host: string;
  readonly port: number;
  stop(): Promise<void>;
}

/** Path of the bundled simulator; it exists after `npm run build`. */
export const simulatorScript = join(repoRoot, 'dist', 'simulator.js');

/**
 * Starts dist/simulator.js on a free loopback port; `liveSeconds` makes it replay a recorded call to logged-in
 * clients at that interval (the demo's live-looking event stream). Resolves once it printed its port.
 */
export async function startSimulator(options: { liveSeconds?: number } = {}): Promise<Simulator> {
  if (!existsSync(simulatorScript)) {
    throw new Error(`${simulatorScript} is missing: run \`npm run build\` first (it bundles test/session/fakeAmiServer.ts)`);
  }
  const args = [simulatorScript, '--host', '127.0.0.1', '--port', '0'];
  if (options.liveSeconds) args.push('--live', String(options.liveSeconds));
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NODE_OPTIONS: '' } });
  killOnExit(child, false);
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const port = await new Promise<number>((resolve, reject) => {
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      const line = stdout.split('\n')[0];
      if (stdout.includes('\n')) resolve(Number(line.trim()));
    });
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`simulator exited with code ${code} before printing its port: ${stderr.trim()}`)));
  });
  if (!Number.isInteger(port) || port <= 0) throw new Error(`simulator printed an invalid port; stderr: ${stderr.trim()}`);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    host: '127.0.0.1',
    port,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(timer);
    },
  };
}
