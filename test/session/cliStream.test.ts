/**
 * `ami tail`, `ami capture` and `ami replay` as child processes (node dist/cli.js, built by `npm run build`):
 * tail against the fake server's live calls, capture → files in the captures' format (redacted) → replay →
 * `ami run` passes against the replayed capture, as it does against the recorded capture 16.
 */
import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadCapture } from './captureIndex';
import { FakeAmiServer } from './fakeAmiServer';

const ROOT = join(__dirname, '..', '..');
const CLI = join(ROOT, 'dist', 'cli.js');
const PASSING = join(ROOT, 'test', 'fixtures', 'scripts', 'originate-call.ami');
const CAPTURE_16 = join(ROOT, 'test', 'fixtures', 'ami-captures', '16-originate-local-exten-async.txt');
const ENV = { ...process.env, AMI_SECRET: 'devsecret' };

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

function ami(args: string[]): Promise<Result> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [CLI, ...args], { env: ENV, cwd: ROOT, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
    });
    child.stdin?.end();
  });
}

/** A long-running `ami` child whose output is collected. */
class Running {
  readonly child: ChildProcessWithoutNullStreams;
  stdout = '';
  stderr = '';
  private readonly exited: Promise<number>;

  constructor(args: string[]) {
    this.child = spawn(process.execPath, [CLI, ...args], { env: ENV, cwd: ROOT });
    this.child.stdin.end();
    this.child.stdout.on('data', (chunk: Buffer) => (this.stdout += chunk.toString()));
    this.child.stderr.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
    this.exited = new Promise((resolve) => this.child.on('exit', (code, signal) => resolve(code ?? (signal ? 128 : -1))));
  }

  async waitFor(condition: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (!condition()) {
      if (Date.now() > until) throw new Error(`timed out waiting for ${what}; stdout: ${this.stdout.slice(-500)}; stderr: ${this.stderr.slice(-500)}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  /** Sends SIGTERM (as Ctrl+C would SIGINT) and resolves with the exit code. */
  stop(): Promise<number> {
    this.child.kill('SIGTERM');
    return this.exited;
  }

  get exit(): Promise<number> {
    return this.exited;
  }
}

describe('ami tail, capture and replay', () => {
  let live: FakeAmiServer;
  let livePort: number;
  let dir: string;
  const running: Running[] = [];
  const start = (args: string[]): Running => {
    const process = new Running(args);
    running.push(process);
    return process;
  };

  before(async () => {
    live = new FakeAmiServer({ liveIntervalMs: 250, timeScale: 0.05 });
    livePort = await live.start();
    dir = mkdtempSync(join(tmpdir(), 'ami-stream-'));
  });
  after(async () => {
    for (const process of running) if (process.child.exitCode === null) process.child.kill('SIGKILL');
    await live.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('tail streams the events that match every filter as JSON lines, and logs off on SIGTERM', async () => {
    const tail = start(['tail', '--host', '127.0.0.1', '--port', String(livePort), '--user', 'dev', '--json', '--filter', 'Event=Hangup', '--filter', 'Channel=Local/100@test-*;2']);
    await tail.waitFor(() => tail.stdout.split('\n').filter(Boolean).length >= 2, 'two Hangup events');
    assert.equal(await tail.stop(), 0, tail.stderr);
    const lines = tail.stdout.split('\n').filter(Boolean).map((line) => JSON.parse(line));
    for (const line of lines) {
      assert.equal(line.event, 'Hangup');
      assert.match(line.headers.find(([n]: [string]) => n === 'Channel')[1], /^Local\/100@test-[0-9a-f]{8};2$/);
      assert.ok(!Number.isNaN(Date.parse(line.time)));
    }
    assert.match(tail.stderr, /tailing events of dev@127\.0\.0\.1:\d+ where Event=Hangup and Channel=Local\/100@test-\*;2/);
    assert.match(tail.stderr, /logged off; \d+ event\(s\) printed/);
  });

  it('tail exits 2 when the server goes away', async () => {
    const dying = new FakeAmiServer();
    const port = await dying.start();
    try {
      const tail = start(['tail', '--host', '127.0.0.1', '--port', String(port), '--user', 'dev', '--duration', '30s']);
      await tail.waitFor(() => tail.stderr.includes('tailing events'), 'the login');
      dying.dropAll();
      assert.equal(await tail.exit, 2);
      assert.match(tail.stderr, /ami tail: connection lost: The server closed the connection\./);
    } finally {
      await dying.stop();
    }
  });

  it('tail without --json prints events as AMI text and stops after --duration', async () => {
    const run = await ami(['tail', '--host', '127.0.0.1', '--port', String(livePort), '--user', 'dev', '--duration', '1s', '--filter', 'Event=Newchannel']);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^# \d\d:\d\d:\d\d\.\d{3}\nEvent: Newchannel\nPrivilege: call,all\nChannel: Local\/100@test-/m);
    const bad = await ami(['tail', '--host', '127.0.0.1', '--port', String(livePort), '--user', 'dev', '--filter', 'Hangup']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--filter must be Name=value, e\.g\. --filter Event=Hangup/);
  });

  it('ami run passes the originate fixture against ami replay of capture 16', async () => {
    const replay = start(['replay', CAPTURE_16, '--time-scale', '0.2']);
    await replay.waitFor(() => /^\d+\n/.test(replay.stdout), 'the port');
    const port = replay.stdout.split('\n')[0];
    // stdout and stderr are separate pipes: the summary may arrive after the port.
    await replay.waitFor(() => replay.stderr.includes('Ctrl+C stops'), 'the replay summary on stderr');
    assert.match(replay.stderr, /recorded actions: Originate/);
    const run = await ami(['run', PASSING, '--host', '127.0.0.1', '--port', port, '--user', 'dev', '--json']);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    const report = JSON.parse(run.stdout);
    const originate = report.files[0].blocks[0];
    assert.equal(originate.verdict, 'passed');
    const hangup = originate.expectations.find((e: { expect: string }) => e.expect.startsWith('Event: Hangup'));
    assert.match(hangup.got, /^Hangup Cause=16 after /);
    assert.equal(await replay.stop(), 0);
  });

  it('capture --script writes the captures\' format, redacted; replay serves it and the same script passes', async () => {
    const file = join(dir, 'call.txt');
    const capture = await ami(['capture', file, '--script', PASSING, '--host', '127.0.0.1', '--port', String(livePort), '--user', 'dev']);
    assert.equal(capture.code, 0, capture.stderr);
    assert.match(capture.stderr, /✓ line 9: Originate a test call/);
    for (const suffix of ['.txt', '.sent.txt', '.meta.txt']) assert.ok(existsSync(join(dir, `call${suffix}`)), suffix);
    const sent = readFileSync(join(dir, 'call.sent.txt'), 'latin1');
    assert.match(sent, /^Action: Login\r\nActionID: [\w-]+\r\nUsername: dev\r\nSecret: \*{8}\r\n/);
    for (const name of ['call.txt', 'call.sent.txt', 'call.meta.txt']) assert.doesNotMatch(readFileSync(join(dir, name), 'latin1'), /devsecret/);
    const loaded = loadCapture(dir, 'call');
    assert.ok(loaded.received.toString('latin1').startsWith('Asterisk Call Manager/'));
    assert.deepEqual(loaded.exchanges.map((e) => e.action), ['login', 'originate', 'userevent', 'coreshowchannels', 'logoff']);
    assert.ok(loaded.exchanges[1].async.some((m) => m.fields.get('Event') === 'Hangup'), 'the call\'s events were recorded after the Originate');
    assert.equal(loaded.closedByServer, true);

    const replay = start(['replay', file, '--time-scale', '0.5']);
    await replay.waitFor(() => /^\d+\n/.test(replay.stdout), 'the port');
    const port = replay.stdout.split('\n')[0];
    // stdout and stderr are separate pipes: the summary may arrive after the port.
    await replay.waitFor(() => replay.stderr.includes('Ctrl+C stops'), 'the replay summary on stderr');
    assert.match(replay.stderr, /recorded actions: Originate, UserEvent, CoreShowChannels/);
    const run = await ami(['run', PASSING, '--host', '127.0.0.1', '--port', port, '--user', 'dev']);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.match(run.stdout, /PASSED {2}1 file, 3 blocks: 3 passed/);
    assert.equal(await replay.stop(), 0);
  });

  it('an event-only capture (capture --duration) replays its events to a tail after login', async () => {
    const file = join(dir, 'events.txt');
    const capture = await ami(['capture', file, '--duration', '1s', '--host', '127.0.0.1', '--port', String(livePort), '--user', 'dev', '--md5']);
    assert.equal(capture.code, 0, capture.stderr);
    const recorded = readFileSync(file, 'latin1');
    const hangups = recorded.match(/Event: Hangup\r\n/g)?.length ?? 0;
    assert.ok(hangups >= 2, `only ${hangups} Hangup events recorded`);
    assert.match(readFileSync(join(dir, 'events.sent.txt'), 'latin1'), /Key: \*{8}\r\n/);
    const replay = start(['replay', file]);
    await replay.waitFor(() => /^\d+\n/.test(replay.stdout), 'the port');
    await replay.waitFor(() => replay.stderr.includes('Ctrl+C stops'), 'the replay summary on stderr');
    assert.match(replay.stderr, /its events, streamed after login/);
    const port = replay.stdout.split('\n')[0];
    const tail = await ami(['tail', '--host', '127.0.0.1', '--port', port, '--user', 'dev', '--json', '--filter', 'Event=Hangup', '--duration', '1s']);
    assert.equal(tail.code, 0, tail.stderr);
    assert.equal(tail.stdout.split('\n').filter(Boolean).length, hangups);
    assert.equal(await replay.stop(), 0);
  });

  it('replay says what is missing', async () => {
    const missing = await ami(['replay', join(dir, 'nothing.txt')]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /nothing\.txt not found: a capture is FILE\.txt with FILE\.sent\.txt and FILE\.meta\.txt beside it/);
    assert.match(missing.stderr, /ami replay --list/);
    const unknown = await ami(['replay', '99-no-such-capture']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /99-no-such-capture\.txt not found: .* or the name of a built-in one/);
    const capture = await ami(['capture', '--host', '127.0.0.1', '--port', String(livePort), '--user', 'dev']);
    assert.equal(capture.code, 2);
    assert.match(capture.stderr, /name one capture file/);
  });
});
