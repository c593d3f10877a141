/**
 * The `ami` command (dist/cli.js, as a child process) against hostile fake servers over loopback TCP: secrets
 * echoed back, terminal escapes, closed pipes, lists that never end, links that drop mid-list, garbage floods,
 * and scripts that hide or smuggle actions. docs/reliability.md lists these cases.
 */
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { HostileAmiServer, type HostileConnection } from './hostileAmiServer';
import type { AmiRequest } from './captureIndex';

const CLI = join(__dirname, '..', '..', 'dist', 'cli.js');
const SECRET = 'devsecret';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function ami(args: string[], cwd: string, env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [CLI, ...args],
      { cwd, env: { ...process.env, AMI_SECRET: SECRET, ...env }, timeout: 60_000, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr }),
    );
    child.stdin?.end();
  });
}

/** Runs `ami` with stdout read until `lines` lines came, then closes the pipe (as `| head -N` does). */
function amiHead(args: string[], cwd: string, lines: number): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd, env: { ...process.env, AMI_SECRET: SECRET } });
    child.stdin.end();
    let stdout = '';
    let stderr = '';
    const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (stdout.split('\n').length > lines) child.stdout.destroy();
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('exit', (code) => {
      clearTimeout(killer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Asterisk's UserEvent: Success, then the event with every header the client sent (to every client). */
function echoUserEvent(request: AmiRequest, connection: HostileConnection): void {
  const id = request.get('ActionID');
  connection.message([['Response', 'Success'], ...(id ? ([['ActionID', id]] as Array<[string, string]>) : [])]);
  const headers = request.headers().filter(([name]) => !/^(action|actionid)$/i.test(name));
  connection.message([['Event', 'UserEvent'], ['Privilege', 'user,all'], ...headers.map(([n, v]): [string, string] => [n === 'UserEvent' ? 'UserEvent' : n, v])]);
}

const ESCAPES = '\x1b]0;pwned\x07\x1b[2J\x1b[1A\x1b[2K\0\u009b31m';
/** The same on the wire: U+009B (C1 CSI) as UTF-8. */
const ESCAPES_WIRE = Buffer.from(ESCAPES, 'utf8').toString('latin1');

describe('ami against hostile servers', () => {
  let dir: string;
  const file = (name: string, text: string): string => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };
  const servers: HostileAmiServer[] = [];
  const serve = async (options: ConstructorParameters<typeof HostileAmiServer>[0]): Promise<{ server: HostileAmiServer; args: string[] }> => {
    const server = new HostileAmiServer(options);
    servers.push(server);
    const port = await server.start();
    return { server, args: ['--host', '127.0.0.1', '--port', String(port), '--user', 'dev'] };
  };
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'ami-trust-'));
  });
  after(async () => {
    for (const server of servers) await server.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a secret echoed back in any header, list item, Command output or error text never reaches output, reports or captures', async () => {
    const { args } = await serve({
      onLogin: (c) => c.message([['Event', 'UserEvent'], ['Privilege', 'user,all'], ['UserEvent', 'x'], ['Password', SECRET], ['Val', SECRET]]),
      onAction: (action, request, c) => {
        const id = request.get('ActionID') ?? '';
        if (action === 'userevent') echoUserEvent(request, c);
        else if (action === 'command') {
          c.message([['Response', 'Success'], ['ActionID', id], ['Message', 'Command output follows'], ['Output', `secret=${SECRET}`]]);
        } else if (action === 'coreshowchannels') {
          c.message([['Response', 'Success'], ['ActionID', id], ['EventList', 'start'], ['Message', 'Channels will follow']]);
          c.message([['Event', 'CoreShowChannel'], ['ActionID', id], ['Channel', `PJSIP/${SECRET}-1`], ['ApplicationData', SECRET]]);
          c.message([['Event', 'CoreShowChannelsComplete'], ['ActionID', id], ['EventList', 'Complete'], ['ListItems', '1']]);
        } else if (action === 'getvar') {
          c.message([['Response', 'Error'], ['ActionID', id], ['Message', `No such variable, secret was ${SECRET}`]]);
        } else return false;
        return true;
      },
    });
    const script = file(
      'echo.ami',
      [
        'Action: UserEvent',
        'UserEvent: Leak',
        'Val: {{$env LEAKED}}',
        'Token: abc123',
        '',
        'Action: CoreShowChannels',
        '',
        'Action: Command',
        'Command: core show version',
        '',
        'Action: Getvar',
        'Variable: X',
        '@expect Response: Success',
        '',
      ].join('\n'),
    );
    const env = { LEAKED: `my ${SECRET} here` };
    const send = await ami(['send', script, '--allow-dangerous', ...args, '--wait', '300ms'], dir, env);
    assert.equal(send.code, 1, send.stderr);
    assert.doesNotMatch(send.stdout + send.stderr, new RegExp(SECRET));
    assert.match(send.stdout, /"Password","\*\*\*\*\*\*\*\*"/);
    assert.match(send.stdout, /"Token","\*\*\*\*\*\*\*\*"/);
    assert.match(send.stdout, /"Channel","PJSIP\/\*\*\*\*\*\*\*\*-1"/);

    const junit = join(dir, 'echo.xml');
    const run = await ami(['run', script, '--allow-dangerous', ...args, '--continue-on-failure', '--junit', junit], dir, env);
    assert.equal(run.code, 1, run.stderr);
    assert.doesNotMatch(run.stdout + run.stderr + readFileSync(junit, 'utf8'), new RegExp(SECRET));
    assert.match(run.stdout, /No such variable, secret was \*\*\*\*\*\*\*\*/);
    const json = await ami(['run', script, '--allow-dangerous', ...args, '--continue-on-failure', '--json'], dir, env);
    assert.doesNotMatch(json.stdout, new RegExp(SECRET));
    assert.equal(JSON.parse(json.stdout).exitCode, 1);

    const tail = await ami(['tail', ...args, '--duration', '300ms'], dir);
    assert.equal(tail.code, 0, tail.stderr);
    assert.match(tail.stdout, /Password: \*\*\*\*\*\*\*\*\nVal: \*\*\*\*\*\*\*\*/);
    assert.doesNotMatch(tail.stdout + tail.stderr, new RegExp(SECRET));

    const capture = join(dir, 'cap.txt');
    const captured = await ami(['capture', capture, ...args, '--allow-dangerous', '--script', script], dir, env);
    assert.equal(captured.code, 1, captured.stderr);
    const files = readdirSync(dir).filter((name) => name.startsWith('cap.'));
    assert.deepEqual(files.sort(), ['cap.meta.txt', 'cap.sent.txt', 'cap.txt']);
    for (const name of files) assert.doesNotMatch(readFileSync(join(dir, name), 'latin1'), new RegExp(SECRET), name);
    assert.match(readFileSync(join(dir, 'cap.txt'), 'latin1'), /Val: \*\*\*\*\*\*\*\*\r\n/);
  });

  it('a script with Secret:, Key: or a Login/Challenge block is refused before connecting (send, run, capture)', async () => {
    const { server, args } = await serve({});
    const cases: Array<[string, string, RegExp]> = [
      ['secret.ami', 'Action: Ping\n\nAction: Originate\nChannel: Local/1@test\nSecret: hunter2\n', /secret\.ami:5: `Secret:` writes a secret in the file, and it would cross the wire in plain text even with --md5/],
      ['login.ami', 'Action: Login\nUsername: admin\nSecret: x\n', /login\.ami:1: a Login block would log in again, around the connection's own login/],
      ['challenge.ami', 'Action: Challenge\nAuthType: MD5\n\nAction: Login\nAuthType: MD5\nUsername: admin\nKey: 0123\n', /challenge\.ami:1: a Challenge block[\s\S]*challenge\.ami:7: `Key:` writes a secret/],
    ];
    for (const [name, text, message] of cases) {
      const path = file(name, text);
      for (const command of [['send', path], ['run', path], ['capture', join(dir, 'x.txt'), '--script', path]]) {
        const result = await ami([...command, ...args, '--md5'], dir);
        assert.equal(result.code, 2, `${command[0]} ${name}: ${result.stderr}`);
        assert.match(result.stderr, message);
        assert.match(result.stderr, new RegExp(`${name.replace('.', '\\.')} was not sent:`));
      }
    }
    // DBGet's Key is a database key, not a secret.
    const dbget = await ami(['send', file('dbget.ami', 'Action: DBGet\nFamily: f\nKey: k\n'), ...args], dir);
    assert.equal(dbget.code, 1, dbget.stderr);
    assert.equal(server.logins, 1);
  });

  it('tail, send and run show server-controlled control characters escaped, never raw', async () => {
    const { args } = await serve({
      onLogin: (c) => c.message([['Event', 'UserEvent'], ['UserEvent', 'x'], ['Val', `a${ESCAPES_WIRE}b`]]),
      onAction: (action, request, c) => {
        if (action !== 'status') return false;
        c.message([['Response', 'Error'], ['ActionID', request.get('ActionID') ?? ''], ['Message', `No such channel${ESCAPES_WIRE}`]]);
        return true;
      },
    });
    const raw = /[\0-\x08\x0b-\x1f\x7f-\x9f]/;
    const tail = await ami(['tail', ...args, '--duration', '300ms'], dir);
    assert.equal(tail.code, 0, tail.stderr);
    assert.doesNotMatch(tail.stdout + tail.stderr, raw);
    assert.match(tail.stdout, /Val: a\\u001b\]0;pwned\\u0007\\u001b\[2J\\u001b\[1A\\u001b\[2K\\u0000\\u009b31mb/);
    const json = await ami(['tail', ...args, '--duration', '300ms', '--json'], dir);
    assert.doesNotMatch(json.stdout, raw);
    // Still valid JSON, with the value intact.
    const event = JSON.parse(json.stdout.split('\n')[0]) as { headers: Array<[string, string]> };
    assert.deepEqual(event.headers.find(([name]) => name === 'Val'), ['Val', `a${ESCAPES}b`]);
    const script = file('status.ami', 'Action: Status\nChannel: x\n');
    const send = await ami(['send', script, ...args], dir);
    assert.doesNotMatch(send.stdout + send.stderr, raw);
    const run = await ami(['run', script, ...args], dir);
    assert.equal(run.code, 1);
    assert.doesNotMatch(run.stdout + run.stderr, raw);
    assert.match(run.stdout, /No such channel/);
  });

  it('a closed stdout (| head) ends tail and send quietly, after logging off', async () => {
    const { server, args } = await serve({
      onLogin: (c) => {
        let n = 0;
        const timer = setInterval(() => {
          if (c.socket.destroyed) return clearInterval(timer);
          for (let k = 0; k < 50; k++) c.message([['Event', 'UserEvent'], ['UserEvent', `n${n++}`]]);
        }, 5);
        c.socket.on('close', () => clearInterval(timer));
      },
    });
    const tail = await amiHead(['tail', '--json', ...args], dir, 3);
    assert.doesNotMatch(tail.stderr, /EPIPE|Unhandled|at .*\.js/);
    assert.equal(tail.code, 0, tail.stderr);
    assert.match(tail.stderr, /logged off; \d+ event\(s\) printed/);
    const logoffs = (): number => server.requests.filter((r) => /^logoff$/i.test(r.get('Action') ?? '')).length;
    assert.equal(logoffs(), 1);
    const script = file('pings.ami', 'Action: Ping\n\nAction: Ping\n');
    const send = await amiHead(['send', script, ...args, '--wait', '20s'], dir, 1);
    assert.doesNotMatch(send.stderr, /EPIPE|Unhandled|at .*\.js/);
    assert.notEqual(send.code, null, 'ended by itself');
    assert.equal(send.stderr, '');
    assert.equal(logoffs(), 2);
  });

  it('a list that never completes: an item cap and an overall deadline end send and run, saying how many items came', async () => {
    const { args } = await serve({
      onAction: (action, request, c) => {
        if (action !== 'coreshowchannels') return false;
        const id = request.get('ActionID') ?? '';
        c.message([['Response', 'Success'], ['ActionID', id], ['EventList', 'start'], ['Message', 'Channels will follow']]);
        let n = 0;
        const timer = setInterval(() => {
          if (c.socket.destroyed) return clearInterval(timer);
          for (let k = 0; k < 20; k++) c.message([['Event', 'CoreShowChannel'], ['ActionID', id], ['Channel', `Local/${n++}@test`]]);
        }, 10);
        return true;
      },
    });
    const script = file('list.ami', 'Action: CoreShowChannels\n');
    const capped = await ami(['send', script, ...args, '--max-list-items', '500'], dir);
    assert.equal(capped.code, 1, capped.stderr);
    assert.match(capped.stderr, /the list sent 500 items without completing; it was abandoned \(item cap, --max-list-items\)/);
    const lines = capped.stdout.split('\n').filter(Boolean).map((line) => JSON.parse(line) as { kind: string });
    assert.equal(lines.filter((line) => line.kind === 'list').length, 500, 'the items that arrived are printed');
    assert.equal(lines[0].kind, 'response');

    const deadline = await ami(['send', script, ...args, '--list-timeout', '1s'], dir);
    assert.equal(deadline.code, 1, deadline.stderr);
    assert.match(deadline.stderr, /the list was not complete 1 s after its response \(\d+ item\(s\) arrived\); it was abandoned \(list deadline, --list-timeout\)/);

    const run = await ami(['run', script, ...args, '--max-list-items', '100'], dir);
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stdout, /got Response: Success and 100 list item\(s\), then: CoreShowChannels \(ActionID \S+\): the list sent 100 items without completing/);
  });

  it('a link that drops mid-list: send prints the response and the items that came, run reports them, then the failure', async () => {
    const { args } = await serve({
      onAction: (action, request, c) => {
        if (action !== 'coreshowchannels') return false;
        const id = request.get('ActionID') ?? '';
        c.message([['Response', 'Success'], ['ActionID', id], ['EventList', 'start'], ['Message', 'Channels will follow']]);
        for (let n = 0; n < 3; n++) c.message([['Event', 'CoreShowChannel'], ['ActionID', id], ['Channel', `Local/${n}@test`]]);
        setTimeout(() => c.drop(), 50);
        return true;
      },
    });
    const script = file('drop.ami', 'Action: CoreShowChannels\n\nAction: Ping\n');
    const send = await ami(['send', script, ...args], dir);
    assert.equal(send.code, 2, send.stderr);
    const kinds = send.stdout.split('\n').filter(Boolean).map((line) => (JSON.parse(line) as { kind: string }).kind);
    assert.deepEqual(kinds, ['response', 'list', 'list', 'list']);
    assert.match(send.stderr, /failed while its list was arriving \(3 item\(s\) so far\)/);
    assert.match(send.stderr, /connection lost .*the remaining blocks were not sent/);
    const run = await ami(['run', script, ...args], dir);
    assert.equal(run.code, 2, run.stderr);
    assert.match(run.stdout, /got Response: Success and 3 list item\(s\), then: CoreShowChannels \(ActionID \S+\) failed while its list was arriving/);
    assert.doesNotMatch(run.stdout, /got no response/);
  });

  it('a garbage flood after login: send prints a bounded number of lines and counts the rest', async () => {
    const { args } = await serve({
      onAction: (action, request, c) => {
        if (action !== 'ping') return false;
        c.message([['Response', 'Success'], ['ActionID', request.get('ActionID') ?? ''], ['Ping', 'Pong']]);
        const garbage = Buffer.from('\x89PNG garbage without a colon\r\n\r\n'.repeat(20_000), 'latin1');
        c.write(garbage);
        return true;
      },
    });
    const send = await ami(['send', file('ping.ami', 'Action: Ping\n'), ...args, '--wait', '1s'], dir);
    assert.equal(send.code, 0, send.stderr);
    const lines = send.stdout.split('\n').filter(Boolean);
    assert.ok(lines.length <= 101, `${lines.length} lines`);
    assert.match(send.stderr + `[${lines.length} lines: ${send.stdout.slice(0, 300)}]`, /20000 messages of no known kind arrived \(not AMI\?\); the first 100 were printed/);
  });

  it('ami send fills {{a.X}} and {{a.events.E.H}} from an earlier named block, like ami run', async () => {
    const { server, args } = await serve({
      onAction: (action, request, c) => {
        const id = request.get('ActionID') ?? '';
        if (action === 'userevent') echoUserEvent(request, c);
        else if (action === 'originate') {
          c.message([['Response', 'Success'], ['ActionID', id], ['Message', 'Originate successfully queued']]);
          // Asynchronous, as Asterisk: the OriginateResponse comes a little later, with the call's Uniqueid.
          setTimeout(() => c.message([['Event', 'OriginateResponse'], ['ActionID', id], ['Response', 'Success'], ['Channel', 'Local/1@test-1;1'], ['Uniqueid', '1700000000.42']]), 200);
        } else return false;
        return true;
      },
    });
    const script = file(
      'chain.ami',
      [
        '# @name call',
        'Action: Originate',
        'Channel: Local/1@test',
        'Context: test',
        'Exten: 1',
        'Priority: 1',
        'Async: true',
        '',
        'Action: UserEvent',
        'UserEvent: Second',
        'FromResponse: {{call.Message}}',
        'FromEvent: {{call.events.OriginateResponse.Uniqueid}}',
        '',
      ].join('\n'),
    );
    const send = await ami(['send', script, ...args], dir);
    assert.equal(send.code, 0, send.stderr);
    const second = server.requests.find((request) => request.get('UserEvent') === 'Second');
    assert.equal(second?.get('FromResponse'), 'Originate successfully queued');
    assert.equal(second?.get('FromEvent'), '1700000000.42');
  });

  it('a lone CR hides a line: send and run refuse the file before connecting', async () => {
    const { server, args } = await serve({});
    const script = file('cr.ami', 'Action: UserEvent\nUserEvent: x\nVal: harmless\r\rAction: Command\rCommand: core show version\n');
    for (const command of ['send', 'run']) {
      const result = await ami([command, script, ...args, '--allow-dangerous'], dir);
      assert.equal(result.code, 2, result.stderr);
      assert.match(result.stderr, /cr\.ami:3: a lone carriage return \(CR\) is on 3 lines, the first here: it splits a line where a terminal or a diff shows none/);
    }
    assert.equal(server.logins, 0);
  });

  it('dangerous actions need --allow-dangerous, and the allowed ones are named', async () => {
    const { server, args } = await serve({
      onAction: (action, request, c) => {
        if (action !== 'command') return false;
        c.message([['Response', 'Success'], ['ActionID', request.get('ActionID') ?? ''], ['Output', 'Asterisk 23']]);
        return true;
      },
    });
    const script = file('danger.ami', '@cmd = Command\n\nAction: Ping\n\nAction: Command\nCommand: core show version\n');
    for (const command of ['send', 'run']) {
      const refused = await ami([command, script, ...args], dir);
      assert.equal(refused.code, 2, refused.stderr);
      assert.match(refused.stderr, /danger\.ami:5: dangerous: Command runs .*; nothing is sent without --allow-dangerous/);
    }
    assert.equal(server.logins, 0);
    const send = await ami(['send', script, ...args, '--allow-dangerous'], dir);
    assert.equal(send.code, 0, send.stderr);
    assert.match(send.stderr, /block 2 \(line 5\): sending a dangerous action \(allowed by --allow-dangerous\): Command runs/);
    const run = await ami(['run', script, ...args, '--allow-dangerous'], dir);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /! dangerous, sent because of --allow-dangerous: Command runs/);
    assert.match(run.stdout, /--allow-dangerous let through: danger\.ami:5 \(Command runs/);
    const json = await ami(['run', script, ...args, '--allow-dangerous', '--json'], dir);
    assert.deepEqual((JSON.parse(json.stdout) as { allowedDangerous: Array<{ line: number }> }).allowedDangerous.map((entry) => entry.line), [5]);
    // A variable that turns a harmless-looking block dangerous is caught once filled in.
    const hidden = file('hidden.ami', '@what = Command\n\nAction: {{what}}\nCommand: core show version\n');
    const hiddenRun = await ami(['send', hidden, ...args], dir);
    assert.equal(hiddenRun.code, 1, hiddenRun.stderr);
    assert.match(hiddenRun.stderr, /dangerous once its variables were filled in: Command runs .*; pass --allow-dangerous to send it/);
  });

  it('held: a CR or NUL that a server slips into a chained value never reaches the wire (send and run)', async () => {
    const { server, args } = await serve({
      onAction: (action, request, c) => {
        if (action !== 'ping') return false;
        c.message([['Response', 'Success'], ['ActionID', request.get('ActionID') ?? ''], ['Ping', 'Po\rAction: Shutdown'], ['Timestamp', 'a\0b']]);
        return true;
      },
    });
    const script = file('inject.ami', '# @name p\nAction: Ping\n\nAction: UserEvent\nUserEvent: x\nVal: {{p.Ping}}\n\nAction: UserEvent\nUserEvent: y\nVal: {{p.Timestamp}}\n');
    const run = await ami(['run', script, ...args, '--continue-on-failure'], dir);
    assert.equal(run.code, 1, run.stderr);
    const send = await ami(['send', script, ...args], dir);
    assert.equal(send.code, 1, send.stderr);
    assert.match(send.stderr, /block 2 \(line 4\)/);
    assert.match(send.stderr, /block 3 \(line 8\)/);
    const actions = server.requests.map((request) => (request.get('Action') ?? '').toLowerCase());
    assert.ok(!actions.includes('userevent') && !actions.includes('shutdown'), actions.join(','));
  });
});
