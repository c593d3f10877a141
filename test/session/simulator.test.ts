/**
 * The bundled simulator (dist/simulator.js, from fakeAmiServer.ts; built by `npm run build`): prints its port,
 * answers like Asterisk, sends live-looking calls, stops on SIGTERM, refuses unknown options.
 */
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { AmiClient } from '../../node/src/amiClient';
import { until } from './helpers';

const SIMULATOR = join(__dirname, '..', '..', 'dist', 'simulator.js');

describe('dist/simulator.js', () => {
  it('prints its port, streams recorded calls in live mode, and stops on SIGTERM', async () => {
    const child = spawn(process.execPath, [SIMULATOR, '--port', '0', '--live', '0.2', '--time-scale', '0.1'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      const port = await new Promise<number>((resolve, reject) => {
        let out = '';
        child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
          out += chunk;
          if (out.includes('\n')) resolve(Number(out.split('\n')[0]));
        });
        child.once('exit', (code) => reject(new Error(`simulator exited (${code}) before printing its port`)));
      });
      assert.ok(Number.isInteger(port) && port > 0, String(port));
      const client = new AmiClient({ host: '127.0.0.1', port, credentials: { username: 'dev', secret: 'devsecret', events: 'on' }, reconnect: false });
      const uniqueids = new Set<string>();
      client.onEvent((event) => {
        if (event.get('Event') === 'Newchannel') uniqueids.add(event.get('Uniqueid') ?? '');
      });
      client.start();
      await client.whenConnected();
      await until(() => uniqueids.size >= 4, 10_000, 'two live calls');
      assert.ok(![...uniqueids].includes('1795393207.31'), 'fresh Uniqueids, not the recorded ones');
      await client.close();
    } finally {
      child.kill('SIGTERM');
    }
    assert.equal(await exited, 0);
  });

  it('refuses an unknown option with exit code 2', async () => {
    const result = await new Promise<{ code: number; stderr: string }>((resolve) => {
      execFile(process.execPath, [SIMULATOR, '--bogus'], (error, _stdout, stderr) => resolve({ code: error && typeof error.code === 'number' ? error.code : 0, stderr }));
    });
    assert.equal(result.code, 2);
    assert.match(result.stderr, /simulator: unknown option --bogus/);
  });
});
