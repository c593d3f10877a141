/**
 * The `ami` command (dist/cli.js, built by npm run build) as a child process against a real Asterisk:
 * send, run with --junit, tail, capture, then replay of that capture.
 */
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { checkJUnit } from '../unit/expectJunitSchema';
import { useLiveAsterisk } from './liveAsterisk';

const ROOT = join(__dirname, '..', '..');
const CLI = join(ROOT, 'dist', 'cli.js');
const live = useLiveAsterisk();

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

function ami(args: string[], secret: string, timeoutMs = 60_000): Promise<Result> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [CLI, ...args], { env: { ...process.env, AMI_SECRET: secret }, cwd: ROOT, timeout: timeoutMs }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
    });
    child.stdin?.end();
  });
}

describe('live Asterisk: the ami command', () => {
  let dir: string;
  const at = (): string[] => ['--host', live.target().host, '--port', String(live.target().port), '--user', live.target().admin.username, '--md5'];
  const file = (name: string, text: string): string => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };

  before(() => {
    assert.ok(existsSync(CLI), `${CLI} is missing: npm run build`);
    dir = mkdtempSync(join(tmpdir(), 'ami-live-cli-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('ami send prints the responses and list items as JSON lines', async () => {
    const script = file('send.ami', 'Action: Ping\n\nAction: CoreShowChannels\n');
    const result = await ami(['send', script, ...at()], live.target().admin.secret);
    assert.equal(result.code, 0, result.stderr);
    const lines = result.stdout.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    const text = JSON.stringify(lines);
    assert.match(text, /Pong/);
    assert.match(text, /CoreShowChannelsComplete/);
    assert.ok(!text.includes(live.target().admin.secret), 'the secret never reaches the output');
  });

  it('ami run --junit: a passing call script exits 0 and writes valid JUnit; a failing check exits 1', async () => {
    const passing = file('call.ami', [
      '# @name call',
      'Action: Originate',
      'Channel: Local/100@test',
      'Context: test',
      'Exten: 200',
      'Priority: 1',
      'Async: true',
      '@expect Response: Success',
      '@expect Event: OriginateResponse Response=Success within 10s',
      '@expect Event: UserEvent UserEvent=TestEvent within 10s',
      '@expect Event: Hangup Cause=16 within 15s',
      '',
      'Action: QueueStatus',
      'Queue: testq',
      '@expect List: >=2',
      '',
    ].join('\n'));
    const junit = join(dir, 'report.xml');
    const ok = await ami(['run', passing, ...at(), '--junit', junit], live.target().admin.secret);
    assert.equal(ok.code, 0, ok.stdout + ok.stderr);
    assert.match(ok.stdout, /PASSED\s+1 file, 2 blocks: 2 passed/);
    const xml = readFileSync(junit, 'utf8');
    checkJUnit(xml);
    assert.match(xml, /tests="2"/);
    assert.match(xml, /failures="0"/);

    const failing = file('fail.ami', 'Action: Ping\n@expect Response: Error\n');
    const checked = await ami(['run', failing, ...at()], live.target().admin.secret);
    assert.equal(checked.code, 1, checked.stdout + checked.stderr);
    assert.match(checked.stdout, /1 failed/);
  });

  it('ami tail prints the events of a live call and stops cleanly on SIGINT', async () => {
    const child = spawn(process.execPath, [CLI, 'tail', ...at(), '--filter', 'Event=UserEvent'], {
      env: { ...process.env, AMI_SECRET: live.target().admin.secret },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const client = await live.connect();
    // Wait until tail is logged in (it says so on stderr), then make an event it must print.
    const deadline = Date.now() + 15_000;
    while (!/connected|logged in|listening/i.test(stderr) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    await client.send([['Action', 'UserEvent'], ['UserEvent', 'TailProbe'], ['Probe', '1']]);
    while (!stdout.includes('TailProbe') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    child.kill('SIGINT');
    const code = await exited;
    assert.match(stdout, /TailProbe/, `stdout: ${stdout}\nstderr: ${stderr}`);
    assert.equal(code, 0, stderr);
  });

  it('ami capture records a script run (redacted), and ami replay serves it back', async () => {
    const script = file('capture.ami', 'Action: Ping\n\nAction: CoreSettings\n');
    const capture = join(dir, 'live.txt');
    const recorded = await ami(['capture', capture, ...at(), '--script', script], live.target().admin.secret);
    assert.equal(recorded.code, 0, recorded.stderr);
    const bytes = readFileSync(capture, 'latin1');
    assert.match(bytes, /^Asterisk Call Manager\/\d+\.\d+\.\d+\r\n/);
    assert.match(bytes, /Ping: Pong/);
    assert.match(bytes, /AsteriskVersion: 23\./);
    for (const suffix of ['', '.sent.txt', '.meta.txt']) {
      const text = readFileSync(suffix ? capture.replace(/\.txt$/, suffix) : capture, 'latin1');
      assert.ok(!text.includes(live.target().admin.secret), `secret in ${suffix || '.txt'}`);
    }

    const replay = spawn(process.execPath, [CLI, 'replay', capture], { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const port = await new Promise<number>((resolve, reject) => {
        let out = '';
        replay.stdout.setEncoding('utf8').on('data', (chunk: string) => {
          out += chunk;
          const match = /(\d{2,5})/.exec(out.split('\n')[0] ?? '');
          if (out.includes('\n') && match) resolve(Number(match[1]));
        });
        replay.once('exit', (code) => reject(new Error(`replay exited ${code}`)));
      });
      const again = await ami(['send', script, '--host', '127.0.0.1', '--port', String(port), '--user', 'dev'], 'devsecret');
      assert.equal(again.code, 0, again.stderr);
      assert.match(again.stdout, /Pong/);
      assert.match(again.stdout, /AsteriskVersion/);
    } finally {
      replay.kill('SIGTERM');
    }
  });
});
