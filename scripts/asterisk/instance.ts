// A throwaway Asterisk for the live tests and the demo: its own config, run, log and database folders in a temp
// folder, manager on a free loopback port, the captures' `test` dialplan (100–600), queue `testq`, cdr_manager and
// timestamps on events. Nothing outlives the runner: the process is killed on exit (also after Ctrl+C or a failed
// test) and its folder removed.
//
// As a command: `node --import tsx scripts/asterisk/instance.ts` starts one, prints how to connect, and stops it on
// Ctrl+C.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createSocket } from 'node:dgram';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exitOnSignals, killOnExit } from '../e2e/cleanup';
import { repoRoot } from '../e2e/tools';

/** A manager.conf user of the instance. */
export interface ManagerUser {
  readonly username: string;
  readonly secret: string;
}

/** An Asterisk to test against: one this module started, or the one named by AMI_* variables. */
export interface AsteriskTarget {
  readonly host: string;
  readonly port: number;
  /** Read-write user (all classes). */
  readonly admin: ManagerUser;
  /** Read-only user (reads all classes, may write none); undefined for an external target without AMI_RO_*. */
  readonly reader?: ManagerUser;
  /** True when this process started (and may restart or stop) the instance. */
  readonly owned: boolean;
  /** Runs an Asterisk CLI command and returns its output (owned instances only). */
  cli(command: string): Promise<string>;
  /** `core restart now`, resolving once the manager is back and FullyBooted (owned instances only). */
  restart(): Promise<void>;
  /** Stops the instance cleanly (`core stop now`, then signals) and removes its folder. */
  stop(): Promise<void>;
  /** The instance's folder (config, logs), for owned instances. */
  readonly runDir?: string;
}

/** Options for {@link startAsterisk}. */
export interface StartOptions {
  /** Installed Asterisk prefix; default: $AMI_ASTERISK_PREFIX or what scripts/asterisk/build.sh builds or reuses. */
  prefix?: string;
  /** Keep the run folder after stop (for reading logs). */
  keepRunDir?: boolean;
  /** Manager port; default: a free loopback port. */
  port?: number;
  /** Milliseconds to wait for FullyBooted. */
  bootTimeoutMs?: number;
}

/** The users every owned instance has; the secrets are fixed because the instance only listens on loopback. */
export const instanceUsers = {
  admin: { username: 'admin', secret: 'adminsecret' },
  reader: { username: 'reader', secret: 'readersecret' },
  // The users the captures in test/fixtures/ami-captures were recorded with, for the drift check.
  dev: { username: 'dev', secret: 'devsecret' },
  ro: { username: 'ro', secret: 'rosecret' },
} as const;

/** Modules that bind fixed ports on all interfaces, fail without their config, or need hardware or a network. */
const noloadModules = [
  'pbx_dundi.so', 'chan_unistim.so', 'chan_mgcp.so', 'chan_skinny.so', 'chan_motif.so', 'res_xmpp.so',
  'chan_rtp.so', 'res_hep.so', 'res_hep_rtcp.so', 'res_phoneprov.so', 'res_pjsip.so', 'cdr_pgsql.so', 'cel_pgsql.so',
  'res_config_pgsql.so', 'cdr_custom.so', 'cel_custom.so', 'cdr_sqlite3_custom.so', 'cel_sqlite3_custom.so',
  'pbx_ael.so', 'res_ael_share.so', 'res_smdi.so', 'res_config_ldap.so', 'res_calendar.so', 'res_statsd.so',
  'cdr_radius.so', 'cel_radius.so', 'res_snmp.so', 'chan_console.so', 'chan_alsa.so', 'chan_oss.so', 'res_pktccops.so',
  'chan_audiosocket.so', 'res_ari.so', 'res_http_websocket.so', 'chan_websocket.so', 'res_config_curl.so',
  'app_festival.so', 'cdr_tds.so', 'cel_tds.so', 'res_odbc.so', 'cdr_odbc.so', 'cel_odbc.so', 'res_config_odbc.so',
];

/**
 * The captures' dialplan, priority for priority as their ShowDialPlan recorded it (test/fixtures/ami-captures:
 * 27-actionid-echo): 100 UserEvent, 200 Echo, 300 Set + Wait 8, 400 Playback of a 1 s tone (written by
 * writeTestTone), 500 Set + Wait 30, 600 the target of queue testq's member.
 */
const extensionsConf = `[general]
static=yes
writeprotect=yes

[test]
exten => 100,1,Answer()
 same => n,UserEvent(TestEvent,Foo: bar)
 same => n,Wait(1)
 same => n,Hangup()
exten => 200,1,Answer()
 same => n,Echo()
exten => 300,1,Answer()
 same => n,Set(CALLVAR=fromdialplan)
 same => n,Wait(8)
 same => n,Hangup()
exten => 400,1,Answer()
 same => n,Playback(test-tone)
 same => n,Hangup()
exten => 500,1,Answer()
 same => n,Set(CALLVAR=long-call)
 same => n,Wait(30)
 same => n,Hangup()
exten => 600,1,Answer()
 same => n,Wait(20)
 same => n,Hangup()

; For the recorded benchmark streams (scripts/asterisk/recordStreams.ts), not part of the captures.
[bench]
exten => 700,1,Answer()
${Array.from({ length: 16 }, (_, k) => ` same => n,Set(BENCH_VAR_${k}=value-${k}-\${UNIQUEID})`).join('\n')}
 same => n,Set(CDR(userfield)=bench)
 same => n,Wait(1)
 same => n,Hangup()
exten => 800,1,Answer()
 same => n,Queue(benchq,,,,30)
 same => n,Hangup()
exten => _81X,1,Answer()
 same => n,Set(MEMBER=\${EXTEN})
 same => n,Wait(1)
 same => n,Hangup()
`;

function managerConf(port: number): string {
  const user = (u: ManagerUser, read: string, write: string): string =>
    `[${u.username}]\nsecret = ${u.secret}\nread = ${read}\nwrite = ${write}\npermit = 127.0.0.1/255.255.255.255\n`;
  return [
    `[general]\nenabled = yes\nport = ${port}\nbindaddr = 127.0.0.1\ntimestampevents = yes\ndisplayconnects = yes\n`,
    user(instanceUsers.admin, 'all', 'all'),
    user(instanceUsers.dev, 'all', 'all'),
    user(instanceUsers.reader, 'all', ''),
    user(instanceUsers.ro, 'all', ''),
  ].join('\n');
}

/** One second of a 440 Hz tone as 8 kHz mu-law: the sound file 400 plays (the build installs no sounds). */
export function testToneUlaw(): Buffer {
  const samples = Buffer.alloc(8000);
  for (let k = 0; k < samples.length; k++) {
    const linear = Math.round(8000 * Math.sin((2 * Math.PI * 440 * k) / 8000));
    samples[k] = linearToUlaw(linear);
  }
  return samples;
}

/** G.711 mu-law encoding of one 16-bit sample. */
function linearToUlaw(sample: number): number {
  const bias = 0x84;
  const sign = sample < 0 ? 0x80 : 0;
  let magnitude = Math.min(Math.abs(sample), 32635) + bias;
  let exponent = 7;
  for (let mask = 0x4000; (magnitude & mask) === 0 && exponent > 0; mask >>= 1) exponent--;
  const mantissa = (magnitude >> (exponent + 3)) & 0x0f;
  magnitude = 0;
  return ~(sign | (exponent << 4) | mantissa) & 0xff;
}

/** The data folder: the build's (documentation for `manager show command`...) linked in, plus a sounds folder of its own. */
function writeDataDir(runDir: string, prefix: string): void {
  const data = join(runDir, 'data');
  const installed = join(prefix, 'var', 'lib', 'asterisk');
  mkdirSync(join(data, 'sounds', 'en'), { recursive: true });
  for (const entry of existsSync(installed) ? readdirSync(installed) : []) {
    if (entry !== 'sounds') symlinkSync(join(installed, entry), join(data, entry));
  }
  writeFileSync(join(data, 'sounds', 'en', 'test-tone.ulaw'), testToneUlaw());
}

function writeConfig(runDir: string, prefix: string, port: number, iaxPort: number): string {
  const etc = join(runDir, 'etc');
  for (const dir of ['etc', 'run', 'log', 'lib', 'spool', 'db', 'keys']) mkdirSync(join(runDir, dir), { recursive: true });
  writeDataDir(runDir, prefix);
  const files: Record<string, string> = {
    'asterisk.conf': `[directories]
astetcdir => ${etc}
astmoddir => ${prefix}/lib/asterisk/modules
astvarlibdir => ${join(runDir, 'lib')}
astdbdir => ${join(runDir, 'db')}
astkeydir => ${join(runDir, 'keys')}
astdatadir => ${join(runDir, 'data')}
astagidir => ${prefix}/var/lib/asterisk/agi-bin
astspooldir => ${join(runDir, 'spool')}
astrundir => ${join(runDir, 'run')}
astlogdir => ${join(runDir, 'log')}
astsbindir => ${prefix}/sbin

[options]
documentation_language = en_US
`,
    'modules.conf': `[modules]\nautoload = yes\n${noloadModules.map((m) => `noload => ${m}`).join('\n')}\n`,
    'manager.conf': managerConf(port),
    'extensions.conf': extensionsConf,
    'queues.conf': [
      '[general]\n',
      '[testq]\nstrategy = ringall\ntimeout = 5\nmember => Local/600@test\n',
      '[benchq]\nstrategy = ringall\ntimeout = 5\nringinuse = yes\nmember => Local/810@bench\nmember => Local/811@bench\nmember => Local/812@bench\n',
    ].join('\n'),
    'cdr.conf': '[general]\nenable = yes\n',
    'cdr_manager.conf': '[general]\nenabled = yes\n',
    'logger.conf': '[general]\n\n[logfiles]\nmessages => notice,warning,error\n',
    'indications.conf': '[general]\ncountry = us\n\n[us]\ndescription = United States\ndial = 350+440\nbusy = 480+620/500,0/500\nring = 440+480/2000,0/4000\ncongestion = 480+620/250,0/250\n',
    'http.conf': '[general]\nenabled = no\n',
    // Modules the captures' server had loaded (their actions are in its ListCommands), kept on loopback.
    'iax.conf': `[general]\nbindaddr = 127.0.0.1\nbindport = ${iaxPort}\nautokill = yes\n`,
    'res_parking.conf': '[general]\n\n[default]\nparkext => 700\nparkpos => 701-720\ncontext => parkedcalls\n',
    'confbridge.conf': '[general]\n\n[default_user]\ntype = user\n\n[default_bridge]\ntype = bridge\n',
    'agents.conf': '[general]\n',
    'voicemail.conf': '[general]\nformat = wav\n\n[default]\n1000 => 1234,Test Mailbox\n',
  };
  for (const [name, text] of Object.entries(files)) writeFileSync(join(etc, name), text);
  return join(etc, 'asterisk.conf');
}

/** Resolves a free TCP port on 127.0.0.1 (the OS picks it; never assumes 5038 is free). */
export async function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** A free UDP port on 127.0.0.1 (IAX2's; two instances must not share one). */
export async function freeLoopbackUdpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = createSocket('udp4');
    socket.once('error', reject);
    socket.bind(0, '127.0.0.1', () => {
      const { port } = socket.address();
      socket.close(() => resolve(port));
    });
  });
}

/** The installed prefix: $AMI_ASTERISK_PREFIX, or built (or reused from the cache) by build.sh. */
export function asteriskPrefix(): string {
  const fromEnv = process.env.AMI_ASTERISK_PREFIX;
  if (fromEnv) {
    if (!existsSync(join(fromEnv, 'sbin', 'asterisk'))) throw new Error(`AMI_ASTERISK_PREFIX=${fromEnv} has no sbin/asterisk`);
    return fromEnv;
  }
  const result = spawnSync('bash', [join(repoRoot, 'scripts', 'asterisk', 'build.sh')], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const line = result.stdout.trim().split('\n').pop() ?? '';
  if (result.status !== 0 || !line.startsWith('AMI_ASTERISK_PREFIX=')) {
    throw new Error(`scripts/asterisk/build.sh failed (exit ${result.status}); its messages are above`);
  }
  return line.slice('AMI_ASTERISK_PREFIX='.length);
}

/**
 * Logs in as `user` and resolves once Asterisk reports FullyBooted (sent right after login once the core is up).
 * Retries while the port refuses connections, until `timeoutMs`.
 */
export async function waitForFullyBooted(host: string, port: number, user: ManagerUser, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError = 'no attempt';
  while (Date.now() < deadline) {
    try {
      await fullyBootedOnce(host, port, user, Math.max(1000, deadline - Date.now()));
      return;
    } catch (error) {
      lastError = error instanceof Error ? error.message : String(error);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  throw new Error(`Asterisk on ${host}:${port} did not report FullyBooted within ${timeoutMs} ms (last: ${lastError})`);
}

function fullyBootedOnce(host: string, port: number, user: ManagerUser, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ host, port });
    let text = '';
    const finish = (error?: Error): void => {
      clearTimeout(timer);
      socket.destroy();
      if (error) reject(error);
      else resolve();
    };
    const timer = setTimeout(() => finish(new Error('timed out waiting for FullyBooted')), timeoutMs);
    socket.setEncoding('utf8');
    socket.once('error', (error) => finish(error));
    socket.once('close', () => finish(new Error(`connection closed before FullyBooted: ${JSON.stringify(text.slice(-200))}`)));
    socket.on('data', (chunk: string) => {
      text += chunk;
      if (/Response: Error/i.test(text)) finish(new Error(`login failed: ${text.trim().split('\r\n').join(' | ')}`));
      else if (/Event: FullyBooted/i.test(text)) {
        socket.write('Action: Logoff\r\n\r\n');
        finish();
      }
    });
    socket.once('connect', () => {
      socket.write(`Action: Login\r\nUsername: ${user.username}\r\nSecret: ${user.secret}\r\nEvents: system\r\n\r\n`);
    });
  });
}

/** Starts a throwaway Asterisk and resolves once it is FullyBooted. */
export async function startAsterisk(options: StartOptions = {}): Promise<AsteriskTarget> {
  const prefix = options.prefix ?? asteriskPrefix();
  const port = options.port ?? (await freeLoopbackPort());
  const runDir = mkdtempSync(join(tmpdir(), 'ami-ast-'));
  const confPath = writeConfig(runDir, prefix, port, await freeLoopbackUdpPort());
  const binary = join(prefix, 'sbin', 'asterisk');
  const asRoot = process.getuid?.() === 0 ? ['-U', 'root'] : [];
  let child: ChildProcess | undefined;
  let output = '';
  let stopping = false;

  const launch = (): ChildProcess => {
    const started = spawn(binary, ['-f', '-n', ...asRoot, '-C', confPath], {
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: false,
    });
    killOnExit(started, false);
    const keep = (chunk: Buffer): void => {
      output = (output + chunk.toString('utf8')).slice(-20_000);
    };
    started.stdout?.on('data', keep);
    started.stderr?.on('data', keep);
    return started;
  };

  const cli = async (command: string): Promise<string> => {
    const result = spawnSync(binary, ['-C', confPath, '-rx', command], { encoding: 'utf8', timeout: 30_000 });
    if (result.status !== 0) throw new Error(`asterisk -rx "${command}" failed (${result.status}): ${result.stderr || result.stdout}`);
    return result.stdout;
  };

  const waitExit = (proc: ChildProcess, ms: number): Promise<boolean> =>
    new Promise((resolve) => {
      if (proc.exitCode !== null || proc.signalCode !== null) return resolve(true);
      const timer = setTimeout(() => resolve(false), ms);
      proc.once('exit', () => {
        clearTimeout(timer);
        resolve(true);
      });
    });

  const bootTimeoutMs = options.bootTimeoutMs ?? 60_000;
  child = launch();
  const exitedEarly = new Promise<never>((_, reject) =>
    child!.once('exit', (code, signal) => {
      if (!stopping) reject(new Error(`asterisk exited (${code ?? signal}) while starting:\n${output.slice(-3000)}`));
    }),
  );
  exitedEarly.catch(() => undefined);
  await Promise.race([waitForFullyBooted('127.0.0.1', port, instanceUsers.admin, bootTimeoutMs), exitedEarly]);

  const target: AsteriskTarget = {
    host: '127.0.0.1',
    port,
    admin: instanceUsers.admin,
    reader: instanceUsers.reader,
    owned: true,
    runDir,
    cli,
    restart: async () => {
      // `core restart now` re-executes Asterisk in the same process, so the child and its pid stay the same.
      await cli('core restart now').catch(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, 500));
      await waitForFullyBooted('127.0.0.1', port, instanceUsers.admin, bootTimeoutMs);
    },
    stop: async () => {
      stopping = true;
      if (child && child.exitCode === null && child.signalCode === null) {
        await cli('core stop now').catch(() => undefined);
        if (!(await waitExit(child, 10_000))) {
          child.kill('SIGTERM');
          if (!(await waitExit(child, 5_000))) child.kill('SIGKILL');
          await waitExit(child, 5_000);
        }
      }
      child = undefined;
      if (!options.keepRunDir) rmSync(runDir, { recursive: true, force: true });
    },
  };
  return target;
}

/** The Asterisk named by AMI_HOST/AMI_PORT/AMI_USERNAME/AMI_SECRET (and optionally AMI_RO_USERNAME/AMI_RO_SECRET). */
export function externalTarget(env: NodeJS.ProcessEnv = process.env): AsteriskTarget | undefined {
  if (!env.AMI_HOST) return undefined;
  if (!env.AMI_USERNAME || !env.AMI_SECRET) throw new Error('AMI_HOST is set: set AMI_USERNAME and AMI_SECRET too');
  const port = Number(env.AMI_PORT ?? '5038');
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`AMI_PORT must be a port number, not "${env.AMI_PORT}"`);
  const unsupported = (what: string) => async (): Promise<never> => {
    throw new Error(`${what} needs an instance started by the tests (AMI_HOST names an existing Asterisk)`);
  };
  return {
    host: env.AMI_HOST,
    port,
    admin: { username: env.AMI_USERNAME, secret: env.AMI_SECRET },
    reader: env.AMI_RO_USERNAME && env.AMI_RO_SECRET ? { username: env.AMI_RO_USERNAME, secret: env.AMI_RO_SECRET } : undefined,
    owned: false,
    cli: unsupported('the Asterisk CLI'),
    restart: unsupported('core restart'),
    stop: async () => undefined,
  };
}

/** The target of the live tests: AMI_* when set, otherwise a throwaway instance started here. */
export async function liveTarget(options: StartOptions = {}): Promise<AsteriskTarget> {
  return externalTarget() ?? startAsterisk(options);
}

/** MD5 login key as Asterisk computes it: md5(challenge + secret), hex. */
export function md5Key(challenge: string, secret: string): string {
  return createHash('md5').update(challenge + secret).digest('hex');
}

async function main(): Promise<void> {
  exitOnSignals();
  const started = Date.now();
  const target = await startAsterisk({ keepRunDir: process.argv.includes('--keep') });
  console.log(`Asterisk is up on ${target.host}:${target.port} (FullyBooted after ${Date.now() - started} ms)`);
  console.log(`  AMI_HOST=${target.host} AMI_PORT=${target.port} AMI_USERNAME=${target.admin.username} AMI_SECRET=${target.admin.secret}`);
  console.log(`  read-only: ${target.reader!.username} / ${target.reader!.secret}; folder ${target.runDir}`);
  console.log('Press Ctrl+C to stop it.');
  await new Promise<void>((resolve) => {
    process.removeAllListeners('SIGINT').removeAllListeners('SIGTERM');
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  await target.stop();
  console.log('Asterisk stopped.');
}

if (process.argv[1] && /instance\.(ts|js)$/.test(process.argv[1])) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  });
}

/** The instance's `messages` log (notices, warnings, errors), for reports after a failure; empty if none. */
export function instanceLog(target: AsteriskTarget): string {
  return target.runDir && existsSync(join(target.runDir, 'log', 'messages')) ? readFileSync(join(target.runDir, 'log', 'messages'), 'utf8') : '';
}
