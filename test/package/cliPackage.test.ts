/**
 * The `ami` npm package as a user gets it: scripts/packCli.ts packs packages/cli, npm installs the tarball into
 * an empty prefix (offline: the package has no dependencies), and the installed `ami` runs from an empty folder
 * outside the repository: --version, lint, replay of a bundled capture, and run against that replay.
 */
import assert from 'node:assert/strict';
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CLI_TARBALL_MAX_BYTES, packCli, type CliPack } from '../../scripts/packCli';

const ROOT = join(__dirname, '..', '..');

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

describe('ami npm package (packages/cli)', () => {
  let work: string;
  let pack: CliPack;
  let prefix: string;
  let empty: string;
  let ami: string;
  const replays: ChildProcess[] = [];

  /** Runs the installed `ami` in the empty folder with only the prefix's bin and node on the PATH. */
  const run = (args: string[], env: Record<string, string> = {}): Promise<Result> =>
    new Promise((resolve) => {
      const child = execFile(
        ami,
        args,
        { cwd: empty, timeout: 30_000, env: { PATH: `${join(prefix, 'bin')}:${join(process.execPath, '..')}`, HOME: empty, ...env } },
        (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr }),
      );
      child.stdin?.end();
    });

  /** Starts `ami replay ...`; resolves with the port it printed. */
  const replay = (args: string[]): Promise<{ child: ChildProcess; port: number; stderr: () => string }> =>
    new Promise((resolve, reject) => {
      const child = spawn(ami, ['replay', ...args], { cwd: empty, stdio: ['ignore', 'pipe', 'pipe'], env: { PATH: join(process.execPath, '..') } });
      replays.push(child);
      let stdout = '';
      let stderr = '';
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        stdout += chunk;
        if (stdout.includes('\n')) resolve({ child, port: Number(stdout.split('\n')[0]), stderr: () => stderr });
      });
      child.once('exit', (code) => reject(new Error(`ami replay exited with ${code} before printing a port: ${stderr}`)));
    });

  const stop = (child: ChildProcess): Promise<number | null> =>
    new Promise((resolve) => {
      if (child.exitCode !== null) return resolve(child.exitCode);
      child.once('exit', (code) => resolve(code));
      child.kill('SIGINT');
    });

  before(() => {
    work = mkdtempSync(join(tmpdir(), 'ami-cli-package-'));
    pack = packCli(join(work, 'out'));
    prefix = join(work, 'prefix');
    empty = join(work, 'empty');
    execFileSync('npm', ['install', '--global', '--prefix', prefix, '--offline', '--no-audit', '--no-fund', '--loglevel=error', pack.tarball], {
      cwd: work,
      encoding: 'utf8',
    });
    execFileSync('mkdir', ['-p', empty]);
    ami = join(prefix, 'bin', 'ami');
  });

  after(async () => {
    await Promise.all(replays.map(stop));
    rmSync(work, { recursive: true, force: true });
  });

  it('ships the bundle, the captures and the notices, no dependencies, within 3 MB', () => {
    assert.ok(pack.size <= CLI_TARBALL_MAX_BYTES, `${pack.size} bytes`);
    assert.ok(pack.files.includes('dist/ami.js'));
    assert.ok(pack.files.includes('captures/16-originate-local-exten-async.sent.txt'));
    for (const file of ['README.md', 'LICENSE', 'NOTICE', 'package.json']) assert.ok(pack.files.includes(file), file);
    assert.ok(!pack.files.some((file) => /\.(ts|map)$/.test(file)), pack.files.join(', '));
    const installed = join(prefix, 'lib', 'node_modules', 'ami-workbench-cli');
    const manifest = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8'));
    assert.equal(manifest.dependencies, undefined);
    assert.equal(manifest.engines.node, '>=20');
    assert.ok(!existsSync(join(installed, 'node_modules')), 'nothing installed beside the bundle');
  });

  it('ami --version prints the version from an empty folder', async () => {
    const result = await run(['--version']);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout.trim(), pack.version);
    const rootVersion = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version;
    assert.equal(pack.version, rootVersion);
  });

  it('ami lint passes a sample and fails a script with an unknown action (exit 1, stable code)', async () => {
    writeFileSync(join(empty, 'channels.ami'), readFileSync(join(ROOT, 'samples', '02-channels.ami')));
    const good = await run(['lint', 'channels.ami']);
    assert.equal(good.code, 0, good.stdout + good.stderr);
    writeFileSync(join(empty, 'typo.ami'), 'Action: CoreShowChanels\n');
    const bad = await run(['lint', 'typo.ami']);
    assert.equal(bad.code, 1, bad.stdout + bad.stderr);
    assert.match(bad.stdout + bad.stderr, /ami-unknown-action/);
    assert.match(bad.stdout + bad.stderr, /CoreShowChannels/);
  });

  it('ami replay --list names the bundled captures', async () => {
    const result = await run(['replay', '--list']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^16-originate-local-exten-async$/m);
  });

  it('ami run passes a sample against ami replay of a bundled capture, fails a wrong expectation, writes JUnit', async () => {
    const server = await replay(['16-originate-local-exten-async', '--time-scale', '0.2']);
    assert.ok(server.port > 0);
    writeFileSync(
      join(empty, 'originate.ami'),
      [
        '# @name call',
        'Action: Originate',
        'Channel: Local/100@test',
        'Context: test',
        'Exten: 200',
        'Priority: 1',
        'Async: true',
        '@expect Response: Success',
        '@expect Event: OriginateResponse Response=Success within 5s',
        '@expect Event: Hangup Cause=16 within 10s',
        '',
        'Action: Ping',
        '',
      ].join('\n'),
    );
    writeFileSync(join(empty, 'wrong.ami'), 'Action: Ping\n@expect Response: Error\n');
    const target = ['--host', '127.0.0.1', '--port', String(server.port), '--user', 'dev'];
    const passed = await run(['run', 'originate.ami', ...target, '--junit', 'report.xml'], { AMI_SECRET: 'devsecret' });
    assert.equal(passed.code, 0, passed.stdout + passed.stderr);
    const junit = readFileSync(join(empty, 'report.xml'), 'utf8');
    assert.match(junit, /<testsuites[^>]* failures="0"/);
    const failed = await run(['run', 'wrong.ami', ...target], { AMI_SECRET: 'devsecret' });
    assert.equal(failed.code, 1, failed.stdout + failed.stderr);
    assert.match(server.stderr(), /recorded actions: Originate/);
    assert.equal(await stop(server.child), 0);
  });

  it('ami replay without a file serves the built-in recordings (a demo Asterisk)', async () => {
    const server = await replay(['--time-scale', '0']);
    writeFileSync(join(empty, 'status.ami'), 'Action: CoreStatus\n\nAction: CoreShowChannels\n');
    const result = await run(['run', 'status.ami', '--host', '127.0.0.1', '--port', String(server.port), '--user', 'dev'], { AMI_SECRET: 'devsecret' });
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.equal(await stop(server.child), 0);
  });
});
