/**
 * `ami run` as users run it: node dist/cli.js (built by `npm run build`) in a child process against the fake
 * AMI server, which answers the fixture's Originate with the call recorded in capture 16.
 */
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { checkJUnit } from '../unit/junitSchema';
import { FakeAmiServer } from './fakeAmiServer';

const ROOT = join(__dirname, '..', '..');
const CLI = join(ROOT, 'dist', 'cli.js');
const SCRIPTS = join(ROOT, 'test', 'fixtures', 'scripts');
const PASSING = join(SCRIPTS, 'originate-call.ami');
const FAILING = join(SCRIPTS, 'originate-call-failing.ami');

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI with stdin closed (not a terminal), so a missing secret is an error rather than a prompt. */
function cli(args: string[], options: { env?: Record<string, string | undefined>; cwd?: string } = {}): Promise<Result> {
  return new Promise((resolve) => {
    const env: NodeJS.ProcessEnv = { ...process.env, ...options.env };
    for (const [key, value] of Object.entries(options.env ?? {})) if (value === undefined) delete env[key];
    const child = execFile(process.execPath, [CLI, ...args], { env, cwd: options.cwd ?? ROOT, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
    });
    child.stdin?.end();
  });
}

/** `ami run ...args`. */
function ami(args: string[], options: { env?: Record<string, string | undefined>; cwd?: string } = {}): Promise<Result> {
  return cli(['run', ...args], options);
}

describe('ami run', () => {
  let server: FakeAmiServer;
  let port: number;
  let dir: string;
  const secret = { AMI_SECRET: 'devsecret' };
  const at = (): string[] => ['--host', '127.0.0.1', '--port', String(port), '--user', 'dev'];
  const file = (name: string, text: string): string => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };

  before(async () => {
    server = new FakeAmiServer({ timeScale: 0.2 });
    port = await server.start();
    dir = mkdtempSync(join(tmpdir(), 'ami-run-'));
  });
  after(async () => {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('passes the originate fixture: the call is followed from OriginateResponse to Hangup; chained variables; JUnit', async () => {
    const junit = join(dir, 'reports', 'ok.xml');
    const run = await ami([PASSING, ...at(), '--junit', junit], { env: secret });
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.match(run.stdout, /✓ line 9: Originate a test call {2}Originate {2}/);
    assert.match(run.stdout, /✓ Event: OriginateResponse Response=Success within 5s {2}got OriginateResponse Response=Success after \d+ ms/);
    assert.match(run.stdout, /✓ Event: Hangup Cause=16 within 10s {2}got Hangup Cause=16 after /);
    assert.match(run.stdout, /✓ Event: UserEvent UserEvent=TestEvent within 5s/);
    assert.match(run.stdout, /✓ line 25: .* {2}UserEvent /);
    assert.match(run.stdout, /PASSED {2}1 file, 3 blocks: 3 passed in /);
    const checked = checkJUnit(readFileSync(junit, 'utf8'));
    assert.deepEqual(checked.totals, { tests: 3, failures: 0, errors: 0, skipped: 0 });
    assert.deepEqual(checked.suites[0].cases.map((c) => c.outcome), ['passed', 'passed', 'passed']);
    assert.ok(checked.suites[0].cases[0].time > 0);
    // The session logged off at the end.
    await waitFor(() => server.connectionCount === 0);
  });

  it('a failing expectation fails the run (exit 1) with what came instead; later blocks are skipped', async () => {
    const junit = join(dir, 'failing.xml');
    const run = await ami([FAILING, ...at(), '--junit', junit], { env: secret });
    assert.equal(run.code, 1, run.stdout + run.stderr);
    assert.match(run.stdout, /✗ line 5: Originate a test call {2}Originate {2}3\.\d\d s/);
    assert.match(run.stdout, /✓ Response: Success {2}got Response: Success \(Message: Originate successfully queued\)/);
    assert.match(run.stdout, /✗ Event: Hangup Cause=17 within 3s\n {10}expected Event: Hangup Cause=17 within 3s, got 2 Hangup events, none matching: Hangup Cause=16; Hangup Cause=16/);
    assert.match(run.stdout, /- line 18: .* {2}Ping {2}\(skipped: block 1 \(line 5\) did not pass; --continue-on-failure runs the rest\)/);
    assert.match(run.stdout, /FAILED {2}1 file, 2 blocks: 0 passed, 1 failed, 1 skipped/);
    const checked = checkJUnit(readFileSync(junit, 'utf8'));
    assert.deepEqual(checked.totals, { tests: 2, failures: 1, errors: 0, skipped: 1 });
    const [failure, skipped] = checked.suites[0].cases;
    assert.equal(failure.outcome, 'failure');
    assert.match(failure.message ?? '', /^expected Event: Hangup Cause=17 within 3s, got /);
    assert.match(failure.details ?? '', /Sent:\n {2}Action: Originate\n {2}ActionID: /);
    assert.equal(skipped.outcome, 'skipped');
  });

  it('SIGINT finishes the current block as interrupted, skips the rest, logs off and still writes the JUnit report', async () => {
    const junit = join(dir, 'interrupted.xml');
    const child = spawn(process.execPath, [CLI, 'run', FAILING, ...at(), '--junit', junit], { env: { ...process.env, ...secret }, cwd: ROOT });
    child.stdin.end();
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    // The failing fixture waits up to 3 s for its Hangup; interrupt once it is connected and waiting.
    await waitFor(() => server.connectionCount > 0 && stdout.includes('originate-call-failing.ami'), 10_000, () => stdout + stderr);
    await new Promise((resolve) => setTimeout(resolve, 300));
    child.kill('SIGINT');
    assert.equal(await exited, 1, stdout + stderr);
    assert.match(stderr, /interrupted: finishing the current block, then logging off/);
    assert.match(stdout, /got nothing: the run was interrupted|none matching/);
    assert.match(stdout, /- line 18: .*\(skipped: /);
    const checked = checkJUnit(readFileSync(junit, 'utf8'));
    assert.equal(checked.totals.tests, 2);
    await waitFor(() => server.connectionCount === 0);
  });

  it('a connection lost mid-run fails the waiting block, skips the rest and exits 2', async () => {
    const dying = new FakeAmiServer({ timeScale: 0.2 });
    const dyingPort = await dying.start();
    try {
      const running = cli(['run', FAILING, PASSING, '--host', '127.0.0.1', '--port', String(dyingPort), '--user', 'dev'], { env: secret });
      await waitFor(() => dying.requestsHandled >= 2, 10_000);
      await new Promise((resolve) => setTimeout(resolve, 200));
      dying.dropAll();
      const run = await running;
      assert.equal(run.code, 2, run.stdout + run.stderr);
      assert.match(run.stdout, /✗ line 5: Originate a test call/);
      assert.match(run.stdout, /got nothing: the run was interrupted|The server closed the connection/);
      assert.match(run.stdout, /connection lost: The server closed the connection\./);
    } finally {
      await dying.stop();
    }
  });

  it('--continue-on-failure runs on; --json reports every block and expectation', async () => {
    const run = await ami([FAILING, PASSING, ...at(), '--json', '--continue-on-failure'], { env: secret });
    assert.equal(run.code, 1, run.stderr);
    const report = JSON.parse(run.stdout);
    assert.equal(report.exitCode, 1);
    assert.equal(report.summary.files, 2);
    assert.deepEqual(report.files.map((f: { blocks: Array<{ verdict: string }> }) => f.blocks.map((b) => b.verdict)), [
      ['failed', 'passed'],
      ['passed', 'passed', 'passed'],
    ]);
    const hangup = report.files[0].blocks[0].expectations[1];
    assert.equal(hangup.expect, 'Event: Hangup Cause=17 within 3s');
    assert.equal(hangup.status, 'fail');
    assert.equal(report.files[0].blocks[1].expectations[0].status, 'pass');
    assert.equal(report.files[1].blocks[0].actionId.length > 0, true);
  });

  it('an unresolved variable refuses its block and names the variable', async () => {
    const script = file('unresolved.ami', 'Action: Getvar\nVariable: {{nothere}}\n\nAction: Status\nChannel: {{call.Channel}}\n');
    const run = await ami([script, ...at(), '--continue-on-failure'], { env: secret });
    assert.equal(run.code, 1);
    assert.match(run.stdout, /✗ line 1: Getvar .*ERROR\n {6}not sent: Variable: \{\{nothere\}\} is not defined: add "@nothere = value"/);
    assert.match(run.stdout, /not sent: Channel: \{\{call\.Channel\}\}: no block named "call" has run yet/);
  });

  it('a block without @expect Response must succeed; @expect Response: Error turns that around', async () => {
    const script = file('errors.ami', 'Action: NoSuchThing\n\nAction: NoSuchThing\n@expect Response: Error\n');
    const run = await ami([script, ...at(), '--continue-on-failure'], { env: secret });
    assert.equal(run.code, 1);
    assert.match(run.stdout, /✗ Response: Success \(default check\)\n {10}expected Response: Success \(default: add "@expect Response: Error" to expect a failure\), got Response: Error \(Message: Invalid\/unknown command/);
    assert.match(run.stdout, /✓ line 3: NoSuchThing/);
  });

  it('a bad @expect line is reported with its line, and the block is not sent', async () => {
    const before = server.requestsHandled;
    const script = file('bad-expect.ami', 'Action: Ping\n@expect Event: Hangup within soon\n');
    const run = await ami([script, ...at()], { env: secret });
    assert.equal(run.code, 1);
    assert.match(run.stdout, /line 2: @expect Event: Hangup within soon: write the wait as "within 5s" or "within 500ms" \(not sent\)/);
    // Login and Logoff only.
    assert.equal(server.requestsHandled - before, 2);
  });

  it('--connection reads a profile from --config or from .vscode/settings.json (JSONC), with its variables', async () => {
    const profile = { name: 'fake', host: '127.0.0.1', port, username: 'dev', authType: 'md5', variables: { context: 'test' } };
    const config = file('profiles.json', JSON.stringify({ 'ami.connections': [profile] }));
    const viaConfig = await ami([PASSING, '--connection', 'fake', '--config', config], { env: secret });
    assert.equal(viaConfig.code, 0, viaConfig.stdout + viaConfig.stderr);
    assert.match(viaConfig.stdout, /\(dev@127\.0\.0\.1:\d+\)/);
    const workspace = join(dir, 'workspace');
    mkdirSync(join(workspace, '.vscode'), { recursive: true });
    writeFileSync(
      join(workspace, '.vscode', 'settings.json'),
      `{\n  // profiles for the CLI\n  "ami.connections": [${JSON.stringify(profile)},],\n  /* trailing comma above */\n}\n`,
    );
    writeFileSync(join(workspace, 'uses-profile.ami'), 'Action: Originate\nChannel: Local/100@{{context}}\nContext: {{context}}\nExten: 200\nPriority: 1\nAsync: true\n@expect Event: OriginateResponse\n');
    const viaSettings = await ami(['uses-profile.ami', '--connection', 'FAKE'], { env: secret, cwd: workspace });
    assert.equal(viaSettings.code, 0, viaSettings.stdout + viaSettings.stderr);
    const unknown = await ami(['uses-profile.ami', '--connection', 'prod'], { env: secret, cwd: workspace });
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /no connection named "prod" in .*settings\.json \(profiles: "fake"\)/);
  });

  it('usage, secret and connection problems exit 2 with what to fix', async () => {
    const noFile = await ami([...at()], { env: secret });
    assert.equal(noFile.code, 2);
    assert.match(noFile.stderr, /name at least one \.ami file/);
    const missing = await ami([join(dir, 'nope.ami'), ...at()], { env: secret });
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /cannot read .*nope\.ami: no such file/);
    const asArgument = await ami([PASSING, ...at(), '--secret', 'devsecret']);
    assert.equal(asArgument.code, 2);
    assert.match(asArgument.stderr, /never a command-line argument.*AMI_SECRET/);
    const noSecret = await ami([PASSING, ...at()], { env: { AMI_SECRET: undefined } });
    assert.equal(noSecret.code, 2);
    assert.match(noSecret.stderr, /set the AMI_SECRET environment variable/);
    const wrong = await ami([PASSING, ...at()], { env: { AMI_SECRET: 'wrong' } });
    assert.equal(wrong.code, 2);
    assert.match(wrong.stderr, /cannot connect to dev@127\.0\.0\.1:\d+: Login as "dev" failed \(Authentication failed\)/);
    const closedPort = await freePort();
    const refused = await ami([PASSING, '--host', '127.0.0.1', '--port', String(closedPort), '--user', 'dev'], { env: secret });
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /cannot connect to dev@127\.0\.0\.1:\d+: .*refused/i);
    const badOption = await ami([PASSING, ...at(), '--jnuit', 'x.xml'], { env: secret });
    assert.equal(badOption.code, 2);
    assert.match(badOption.stderr, /unknown option --jnuit/);
    const unwritable = await ami([PASSING, ...at(), '--junit', join(PASSING, 'report.xml')], { env: secret });
    assert.equal(unwritable.code, 2);
    assert.match(unwritable.stderr, /ami run: cannot write the JUnit report .*report\.xml: /);
    assert.match(unwritable.stdout, /PASSED/, 'the report still printed');
    const help = await cli(['--help']);
    assert.match(help.stdout, / {2}run {6}run \.ami scripts as tests/);
  });

  it('warns before a plaintext secret leaves the machine (and MD5 does not)', async () => {
    // The warning comes before any connection attempt; ami.invalid never resolves (RFC 2606), so nothing is sent.
    const run = await ami([PASSING, '--host', 'ami.invalid', '--user', 'dev', '--timeout', '2s'], { env: secret });
    assert.equal(run.code, 2);
    assert.match(run.stderr, /warning: the secret for dev@ami\.invalid:5038 goes over the network in plain text; use --md5/);
    const md5 = await ami([PASSING, '--host', 'ami.invalid', '--user', 'dev', '--md5'], { env: secret });
    assert.doesNotMatch(md5.stderr, /plain text/);
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 5000, context?: () => string): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error(`condition not met in time${context ? `: ${context()}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A port nothing listens on (bound, then released). */
function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address() as net.AddressInfo;
      probe.close(() => resolve(address.port));
    });
  });
}
