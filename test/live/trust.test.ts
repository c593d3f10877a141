/**
 * Issue 11 against a real Asterisk 23 (scripts/asterisk/instance.ts; `npm run test:live`): the secret echoed
 * back by Asterisk itself in a UserEvent is redacted in `ami send`, `ami run` and `ami capture`; a real list
 * is abandoned at `--max-list-items`; a fault proxy that cuts the link in the middle of a real list leaves the
 * items that came in the output; dangerous actions need `--allow-dangerous`.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { liveTarget, type AsteriskTarget } from '../../scripts/asterisk/instance';

const CLI = join(__dirname, '..', '..', 'dist', 'cli.js');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** A TCP proxy to Asterisk that cuts both sides right after forwarding the first message holding `cutAfter`. */
async function faultProxy(port: number, cutAfter: string): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(port, '127.0.0.1');
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('error', () => undefined);
      socket.on('close', () => sockets.delete(socket));
    }
    client.on('data', (chunk) => upstream.write(chunk));
    let seen = Buffer.alloc(0);
    upstream.on('data', (chunk: Buffer) => {
      // Forward up to the end of the first message holding `cutAfter`, then cut: the list is never complete.
      const before = seen.length;
      seen = Buffer.concat([seen, chunk]);
      const at = seen.indexOf(cutAfter);
      const end = at < 0 ? -1 : seen.indexOf('\r\n\r\n', at);
      if (end < 0) {
        client.write(chunk);
        return;
      }
      client.write(seen.subarray(before, end + 4), () => {
        client.destroy();
        upstream.destroy();
      });
      upstream.removeAllListeners('data');
    });
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.address() as net.AddressInfo;
  return {
    port: address.port,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe('issue 11 against a real Asterisk', () => {
  let target: AsteriskTarget;
  let dir: string;
  const ami = (args: string[], env: Record<string, string> = {}, port = target.port): Promise<Run> =>
    new Promise((resolve) => {
      const child = execFile(
        process.execPath,
        [CLI, ...args, '--host', target.host, '--port', String(port), '--user', target.admin.username],
        { cwd: dir, env: { ...process.env, AMI_SECRET: target.admin.secret, ...env }, timeout: 90_000, maxBuffer: 64 * 1024 * 1024 },
        (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr }),
      );
      child.stdin?.end();
    });
  const file = (name: string, text: string): string => {
    writeFileSync(join(dir, name), text);
    return name;
  };

  before(async () => {
    target = await liveTarget();
    dir = mkdtempSync(join(tmpdir(), 'ami-live-trust-'));
  });
  after(async () => {
    await target?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('the secret echoed by Asterisk in a UserEvent is redacted in send, run, JUnit and capture files', async () => {
    const secret = target.admin.secret;
    const script = file('echo.ami', 'Action: UserEvent\nUserEvent: Echo\nVal: {{$env LEAK}}\nPassword: {{$env LEAK}}\n@expect Event: UserEvent UserEvent=Echo within 3s\n');
    const env = { LEAK: secret };
    const send = await ami(['send', script, '--events', 'user', '--wait', '1s'], env);
    assert.equal(send.code, 0, send.stderr);
    assert.match(send.stdout, /"UserEvent","Echo"/, 'Asterisk echoed the event to its sender');
    assert.doesNotMatch(send.stdout + send.stderr, new RegExp(secret));
    assert.match(send.stdout, /\["Val","\*\*\*\*\*\*\*\*"\]/);
    const run = await ami(['run', script, '--events', 'user', '--junit', 'echo.xml'], env);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.doesNotMatch(run.stdout + run.stderr + readFileSync(join(dir, 'echo.xml'), 'utf8'), new RegExp(secret));
    const capture = await ami(['capture', 'cap.txt', '--events', 'user', '--script', script], env);
    assert.equal(capture.code, 0, capture.stderr);
    for (const name of readdirSync(dir).filter((entry) => entry.startsWith('cap.'))) {
      assert.doesNotMatch(readFileSync(join(dir, name), 'latin1'), new RegExp(secret), name);
    }
    assert.match(readFileSync(join(dir, 'cap.txt'), 'latin1'), /Val: \*\*\*\*\*\*\*\*\r\n/);
  });

  it('a real list is abandoned at --max-list-items, with the items that came printed', async () => {
    const script = file('dialplan.ami', 'Action: ShowDialPlan\nContext: test\n');
    const full = await ami(['send', script, '--events', 'off']);
    assert.equal(full.code, 0, full.stderr);
    const items = full.stdout.split('\n').filter((line) => line.includes('"kind":"list"')).length;
    assert.ok(items > 5, `${items} items in the test dialplan`);
    const capped = await ami(['send', script, '--events', 'off', '--max-list-items', '5']);
    assert.equal(capped.code, 1, capped.stderr);
    assert.match(capped.stderr, /the list sent 5 items without completing; it was abandoned/);
    assert.equal(capped.stdout.split('\n').filter((line) => line.includes('"kind":"list"')).length, 5);
  });

  it('a fault proxy cutting the link mid-list: send prints what came, run reports it, then the failure', async () => {
    const proxy = await faultProxy(target.port, 'Event: ListDialplan');
    try {
      const script = file('cut.ami', 'Action: ShowDialPlan\nContext: test\n\nAction: Ping\n');
      const send = await ami(['send', script, '--events', 'off'], {}, proxy.port);
      assert.equal(send.code, 2, send.stderr);
      const kinds = send.stdout.split('\n').filter(Boolean).map((line) => (JSON.parse(line) as { kind: string }).kind);
      assert.equal(kinds[0], 'response');
      assert.ok(kinds.filter((kind) => kind === 'list').length >= 1, kinds.join(','));
      assert.match(send.stderr, /failed while its list was arriving \(\d+ item\(s\) so far\)/);
      const run = await ami(['run', script, '--events', 'off'], {}, proxy.port);
      assert.equal(run.code, 2, run.stdout + run.stderr);
      assert.match(run.stdout, /got Response: Success and \d+ list item\(s\), then: ShowDialPlan/);
    } finally {
      await proxy.close();
    }
  });

  it('Command needs --allow-dangerous; with it, the report names it', async () => {
    const script = file('version.ami', 'Action: Command\nCommand: core show version\n');
    const refused = await ami(['run', script, '--events', 'off']);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /version\.ami:1: dangerous: Command runs/);
    const allowed = await ami(['run', script, '--events', 'off', '--allow-dangerous']);
    assert.equal(allowed.code, 0, allowed.stdout + allowed.stderr);
    assert.match(allowed.stdout, /--allow-dangerous let through: version\.ami:1/);
  });
});
