/**
 * `ami send` as a child process (node dist/cli.js, built by `npm run build`) against the fake AMI server.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { FakeAmiServer } from './fakeAmiServer';

const CLI = join(__dirname, '..', '..', 'dist', 'cli.js');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function ami(args: string[], env: Record<string, string | undefined> = {}): Promise<Run> {
  return new Promise((resolve) => {
    const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
    for (const [key, value] of Object.entries(env)) if (value === undefined) delete childEnv[key];
    execFile(process.execPath, [CLI, ...args], { env: childEnv, timeout: 30_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

function jsonLines(text: string): Array<{ kind: string; actionId: string | null; userActionId?: string; headers: Array<[string, string]> }> {
  return text
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => JSON.parse(line));
}

describe('ami send', () => {
  let server: FakeAmiServer;
  let port: number;
  let dir: string;
  const file = (name: string, text: string): string => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };
  before(async () => {
    server = new FakeAmiServer({ timeScale: 0.02 });
    port = await server.start();
    dir = mkdtempSync(join(tmpdir(), 'ami-send-'));
  });
  after(async () => {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('sends every block in order, prints responses, list items and events as JSON lines, exits 0', async () => {
    const script = file(
      'ok.ami',
      [
        '@target = Local/100@test',
        '',
        '# Who answers',
        'Action: Ping',
        'ActionID: my-ping',
        '',
        'Action: Status',
        'Channel: Local/500@test-00000017;1',
        'Variables: CALLVAR,CHANNEL(state)',
        'AllVariables: false',
        '',
        'Action: Originate',
        'Channel: {{target}}',
        'Context: test',
        'Exten: 200',
        'Priority: 1',
        'Async: true',
        '',
      ].join('\n'),
    );
    const run = await ami(['send', script, '--host', '127.0.0.1', '--port', String(port), '--user', 'dev', '--events', 'call', '--wait', '500ms'], {
      AMI_SECRET: 'devsecret',
    });
    assert.equal(run.stderr, '');
    assert.equal(run.code, 0);
    const lines = jsonLines(run.stdout);
    const responses = lines.filter((l) => l.kind === 'response');
    assert.equal(responses.length, 3);
    assert.deepEqual(responses[0].headers[0], ['Response', 'Success']);
    assert.equal(responses[0].userActionId, 'my-ping');
    assert.deepEqual(responses[0].headers[1], ['ActionID', responses[0].actionId]);
    const items = lines.filter((l) => l.kind === 'list');
    assert.deepEqual(items.map((l) => l.headers[0][1]), ['Status', 'StatusComplete']);
    assert.ok(items.every((l) => l.actionId === responses[1].actionId));
    const events = lines.filter((l) => l.kind === 'event').map((l) => l.headers[0][1]);
    assert.ok(events.includes('OriginateResponse') && events.includes('Hangup'), events.join(','));
    assert.ok(!events.includes('Newexten'), 'dialplan events are off with --events call');
    const originateResponse = lines.find((l) => l.headers[0][1] === 'OriginateResponse');
    assert.equal(originateResponse?.actionId, responses[2].actionId);
  });

  it('exits 1 when a response is not Success (unknown action, permission denied)', async () => {
    const script = file('bad.ami', 'Action: Ping\n\nAction: NoSuchThing\n');
    const run = await ami(['send', script, '--host', '127.0.0.1', '--port', String(port), '--user', 'dev', '--events', 'off'], { AMI_SECRET: 'devsecret' });
    assert.equal(run.code, 1);
    const responses = jsonLines(run.stdout);
    assert.deepEqual(responses.map((l) => l.headers[0][1]), ['Success', 'Error']);

    const denied = file('denied.ami', 'Action: Hangup\nChannel: Local/100@test-00000001;1\n');
    const ro = await ami(['send', denied, '--host', '127.0.0.1', '--port', String(port), '--user', 'ro', '--events', 'off'], { AMI_SECRET: 'rosecret' });
    assert.equal(ro.code, 1);
    assert.deepEqual(jsonLines(ro.stdout)[0].headers.find(([name]) => name === 'Message'), ['Message', 'Permission denied']);
  });

  it('exits 2 with a one-line reason on a login failure or a refused port', async () => {
    const script = file('ping.ami', 'Action: Ping\n');
    const wrong = await ami(['send', script, '--host', '127.0.0.1', '--port', String(port), '--user', 'dev', '--md5'], { AMI_SECRET: 'nope' });
    assert.equal(wrong.code, 2);
    assert.equal(wrong.stdout, '');
    assert.match(wrong.stderr, /^ami send: cannot connect to dev@127\.0\.0\.1:\d+: Login as "dev" failed \(Authentication failed\)[^\n]*\n$/);

    const unused = net.createServer();
    await new Promise<void>((resolve) => unused.listen(0, '127.0.0.1', resolve));
    const freePort = (unused.address() as net.AddressInfo).port;
    await new Promise<void>((resolve) => unused.close(() => resolve()));
    const refused = await ami(['send', script, '--host', '127.0.0.1', '--port', String(freePort), '--user', 'dev'], { AMI_SECRET: 'devsecret' });
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /Connection refused by 127\.0\.0\.1:\d+: check that Asterisk is running/);
  });

  it('never takes the secret as an argument, and says how to give it', async () => {
    const script = file('ping2.ami', 'Action: Ping\n');
    const withSecret = await ami(['send', script, '--host', '127.0.0.1', '--port', String(port), '--user', 'dev', '--secret', 'devsecret']);
    assert.equal(withSecret.code, 2);
    assert.match(withSecret.stderr, /never a command-line argument/);
    const noSecret = await ami(['send', script, '--host', '127.0.0.1', '--port', String(port), '--user', 'dev'], { AMI_SECRET: undefined });
    assert.equal(noSecret.code, 2);
    assert.match(noSecret.stderr, /AMI_SECRET/);
  });

  it('reports a block it cannot send and still sends the others', async () => {
    const script = file('partial.ami', 'Action: Ping\nthis line has no colon\n\nAction: Ping\nChannel: {{undefinedVariable}}\n\nAction: Ping\n');
    const run = await ami(['send', script, '--host', '127.0.0.1', '--port', String(port), '--user', 'dev', '--events', 'off'], { AMI_SECRET: 'devsecret' });
    assert.equal(run.code, 1);
    assert.equal(jsonLines(run.stdout).length, 1);
    assert.match(run.stderr, /block 1 \(line 1\) not sent: line 2 is not "Name: value"/);
    assert.match(run.stderr, /block 2 \(line 4\) not sent: Channel: /);
  });
});
