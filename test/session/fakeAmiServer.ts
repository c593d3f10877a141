/**
 * A loopback AMI server that answers with the bytes a real Asterisk 23.4.1 sent (test/fixtures/ami-captures):
 * banner, Login (plain and MD5, users dev/devsecret and ro/rosecret), every recorded action with the client's
 * ActionID substituted, the recorded read boundaries and (scaled) delays, event masks, Logoff.
 * Also: verbatim replay of one scenario, streaming the bench file, and a "live" mode for the demo.
 *
 * CLI (bundled as dist/simulator.js): `node dist/simulator.js [--port P] [--host H] [--captures DIR]
 * [--live SECONDS] [--stream FILE [--stream-start connect|login]] [--scenario NAME] [--time-scale N]`
 * prints the port on the first line of stdout.
 */
import { createHash, randomInt } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import * as net from 'node:net';
import { basename, dirname, join } from 'node:path';
import * as tls from 'node:tls';
import { gunzipSync } from 'node:zlib';
import {
  AmiRequest,
  FIXTURE_CAPTURES_DIR,
  RequestReader,
  loadCapture,
  loadCaptures,
  type Capture,
  type RecordedExchange,
} from './captureIndex';
import { ReplyTemplate, type RenderedWrite, type TextHole } from './replyTemplate';

/** Options of the fake server. Every field is optional. */
export interface FakeAmiServerOptions {
  host?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  capturesDir?: string;
  /** Users and secrets (default: the captures' dev/devsecret and ro/rosecret). */
  users?: Record<string, string>;
  /** Multiplies every reproduced recorded delay (1 = as recorded, 0 = none). Default 1. */
  timeScale?: number;
  /** Verbatim mode: replay this scenario's received bytes with their chunking, whatever the client sends. */
  scenario?: string;
  /** Verbatim mode: stop after this many bytes and close (e.g. in the middle of a list). */
  truncateAt?: number;
  /** A raw (or .gz) AMI stream to send to each client. */
  streamFile?: string;
  /** 'login' (default): after a successful Login, from the first event after the file's login response. 'connect': the whole file at connect. */
  streamStart?: 'connect' | 'login';
  /** Live mode: every this many ms, replay the recorded Originate call events (fresh ids) to logged-in clients. */
  liveIntervalMs?: number;
  /** Fault injection: for this action (case-insensitive), send the response and the first list item, then close. */
  closeMidList?: string;
  /** Serve TLS with this key and certificate (PEM). */
  tls?: { key: string | Buffer; cert: string | Buffer };
  /** Capture files (`x.txt`, with x.sent.txt and x.meta.txt beside it) whose answers win over the others (`ami replay`). */
  preferCaptures?: string[];
}

type EventMask = 'on' | 'off' | Set<string>;

interface Connection {
  socket: net.Socket;
  reader: RequestReader;
  user: string | undefined;
  mask: EventMask;
  challenge: string | undefined;
  queue: Array<{ due: number; data?: Buffer; close?: boolean }>;
  chainDue: number;
  timer: NodeJS.Timeout | undefined;
  closing: boolean;
  /** Scenario of the last recorded answer, preferred on ties. */
  lastCapture: string | undefined;
}

const DEFAULT_USERS: Record<string, string> = { dev: 'devsecret', ro: 'rosecret' };

/**
 * Locates the recorded captures: beside this source file; in the npm package of the CLI (dist/ami.js with
 * captures/ beside dist/); or, when bundled into the repository's dist/, in the repository.
 */
export function defaultCapturesDir(): string {
  const candidates = [
    FIXTURE_CAPTURES_DIR,
    join(__dirname, '..', 'captures'),
    join(__dirname, '..', 'test', 'fixtures', 'ami-captures'),
  ];
  return candidates.find((dir) => existsSync(dir)) ?? FIXTURE_CAPTURES_DIR;
}

function parseMask(value: string | undefined): EventMask {
  const text = (value ?? 'on').trim().toLowerCase();
  if (text === '' || text === 'on' || text === 'yes' || text === 'true') return 'on';
  if (text === 'off' || text === 'no' || text === 'false') return 'off';
  return new Set(text.split(',').map((c) => c.trim()).filter((c) => c.length > 0));
}

function maskAllows(mask: EventMask, classes: string[]): boolean {
  if (mask === 'on') return true;
  if (mask === 'off') return false;
  return classes.some((c) => mask.has(c));
}

/** The loopback fake Asterisk. `start()` resolves with the port. */
export class FakeAmiServer {
  private readonly server: net.Server;
  private readonly captures: Map<string, Capture>;
  private readonly connections = new Set<Connection>();
  private readonly users: Record<string, string>;
  private readonly timeScale: number;
  private readonly byAction = new Map<string, RecordedExchange[]>();
  private readonly templates = new Map<RecordedExchange, ReplyTemplate>();
  private readonly knownActions = new Set<string>();
  private readonly bestCache = new Map<string, RecordedExchange | undefined>();
  private readonly recordedIds = new Set<string>();
  private readonly roAllowed = new Set<string>();
  private readonly preferred = new Set<string>();
  private readonly banner: Buffer;
  private streamBytes: Buffer | undefined;
  private liveTimer: NodeJS.Timeout | undefined;
  private liveCounter = 0;
  private frozen = false;
  /** Requests answered, for tests. */
  requestsHandled = 0;

  constructor(private readonly options: FakeAmiServerOptions = {}) {
    this.captures = loadCaptures(options.capturesDir ?? defaultCapturesDir());
    for (const file of options.preferCaptures ?? []) {
      const name = basename(file).replace(/\.txt$/, '');
      this.captures.set(name, loadCapture(dirname(file), name));
      this.preferred.add(name);
    }
    this.users = options.users ?? DEFAULT_USERS;
    this.timeScale = options.timeScale ?? 1;
    if (options.scenario !== undefined && !this.captures.has(options.scenario)) {
      throw new Error(`no scenario "${options.scenario}" in the captures (e.g. ${[...this.captures.keys()].slice(0, 3).join(', ')})`);
    }
    const bannerCapture = this.capture('01-banner');
    this.banner = bannerCapture.received;
    for (const capture of this.captures.values()) {
      for (const exchange of capture.exchanges) {
        if (exchange.reply.length === 0) continue;
        if (exchange.actionId !== undefined) this.recordedIds.add(exchange.actionId);
        const list = this.byAction.get(exchange.action) ?? [];
        list.push(exchange);
        this.byAction.set(exchange.action, list);
      }
    }
    // Action names and their privilege, from ListCommands as dev; what ro may run, from ListCommands as ro.
    for (const [name] of this.exchange('09-listcommands', 'lc-1').reply[0].fields.headers()) {
      this.knownActions.add(name.toLowerCase());
    }
    for (const [name] of this.exchange('09b-listcommands-ro-user', 'lc-ro').reply[0].fields.headers()) {
      this.roAllowed.add(name.toLowerCase());
    }
    if (options.streamFile) {
      const raw = readFileSync(options.streamFile);
      this.streamBytes = options.streamFile.endsWith('.gz') ? gunzipSync(raw) : raw;
    }
    const onConnection = (socket: net.Socket): void => this.accept(socket);
    this.server = options.tls
      ? tls.createServer({ key: options.tls.key, cert: options.tls.cert }, onConnection)
      : net.createServer(onConnection);
  }

  /** Listens; resolves with the port. */
  async start(): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.options.port ?? 0, this.options.host ?? '127.0.0.1', () => resolve());
    });
    if (this.options.liveIntervalMs && this.options.liveIntervalMs > 0) {
      this.liveTimer = setInterval(() => this.broadcastCall(), this.options.liveIntervalMs);
    }
    return this.port;
  }

  get port(): number {
    const address = this.server.address();
    return typeof address === 'object' && address ? address.port : 0;
  }

  /** Connections currently open. */
  get connectionCount(): number {
    return this.connections.size;
  }

  /** Stops answering and writing (the sockets stay open): a dead link. */
  freeze(): void {
    this.frozen = true;
  }

  /** Closes every client socket abruptly (as when Asterisk dies). */
  dropAll(): void {
    for (const connection of this.connections) connection.socket.destroy();
  }

  /** Closes the server and every connection. */
  async stop(): Promise<void> {
    if (this.liveTimer) clearInterval(this.liveTimer);
    for (const connection of this.connections) {
      if (connection.timer) clearTimeout(connection.timer);
      connection.socket.destroy();
    }
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private capture(name: string): Capture {
    const capture = this.captures.get(name);
    if (!capture) throw new Error(`capture ${name} is missing from the captures folder`);
    return capture;
  }

  private exchange(captureName: string, actionId: string | undefined, action?: string): RecordedExchange {
    const found = this.capture(captureName).exchanges.find(
      (ex) => (actionId === undefined ? ex.action === action : ex.actionId === actionId),
    );
    if (!found) throw new Error(`capture ${captureName} has no action ${actionId ?? action}`);
    return found;
  }

  private template(exchange: RecordedExchange, textHoles: TextHole[] = [], includeAsync = true): ReplyTemplate {
    if (textHoles.length > 0 || !includeAsync) return new ReplyTemplate(exchange, textHoles, { includeAsync });
    let template = this.templates.get(exchange);
    if (!template) {
      template = new ReplyTemplate(exchange, textHoles, { includeAsync });
      this.templates.set(exchange, template);
    }
    return template;
  }

  private accept(socket: net.Socket): void {
    socket.setNoDelay(true);
    const connection: Connection = {
      socket,
      reader: new RequestReader(),
      user: undefined,
      mask: 'on',
      challenge: undefined,
      queue: [],
      chainDue: 0,
      timer: undefined,
      closing: false,
      lastCapture: undefined,
    };
    this.connections.add(connection);
    socket.on('close', () => {
      if (connection.timer) clearTimeout(connection.timer);
      this.connections.delete(connection);
    });
    socket.on('error', () => socket.destroy());

    if (this.options.scenario) {
      socket.on('data', () => undefined);
      this.replayVerbatim(connection, this.capture(this.options.scenario));
      return;
    }
    if (this.streamBytes && this.options.streamStart === 'connect') {
      socket.on('data', () => undefined);
      void this.stream(connection, this.streamBytes);
      return;
    }
    socket.write(this.banner);
    socket.on('data', (chunk: Buffer) => {
      if (this.frozen || connection.closing) return;
      let requests: AmiRequest[];
      try {
        requests = connection.reader.push(chunk);
      } catch {
        socket.destroy();
        return;
      }
      // Answers to pipelined requests may share a write; a single request keeps its recorded reads apart.
      const cork = requests.length > 1;
      if (cork) socket.cork();
      for (const request of requests) {
        if (connection.closing) break;
        this.requestsHandled++;
        this.handle(connection, request);
      }
      if (cork) socket.uncork();
    });
  }

  /** Queues writes: ordered ones after every earlier ordered write; async ones at their own time. */
  private enqueue(connection: Connection, writes: RenderedWrite[], closeAfter = false): void {
    const now = Date.now();
    const base = Math.max(now, connection.chainDue);
    let lastOrdered = base;
    for (const write of writes) {
      const due = write.ordered ? base + write.delayMs * this.timeScale : Math.max(now + write.delayMs * this.timeScale, lastOrdered);
      if (write.ordered) lastOrdered = due;
      this.push(connection, { due, data: write.data });
    }
    connection.chainDue = lastOrdered;
    if (closeAfter) {
      connection.closing = true;
      this.push(connection, { due: lastOrdered, close: true });
    }
    this.pump(connection);
  }

  private push(connection: Connection, item: { due: number; data?: Buffer; close?: boolean }): void {
    const queue = connection.queue;
    let index = queue.length;
    while (index > 0 && queue[index - 1].due > item.due) index--;
    queue.splice(index, 0, item);
  }

  private pump(connection: Connection): void {
    if (connection.timer) {
      clearTimeout(connection.timer);
      connection.timer = undefined;
    }
    const now = Date.now();
    const queue = connection.queue;
    let written = 0;
    while (written < queue.length && queue[written].due <= now) {
      const item = queue[written++];
      if (this.frozen) continue;
      if (item.data) connection.socket.write(item.data);
      if (item.close) connection.socket.end();
    }
    if (written > 0) queue.splice(0, written);
    if (queue.length > 0) connection.timer = setTimeout(() => this.pump(connection), queue[0].due - now);
  }

  private reply(connection: Connection, request: AmiRequest, template: ReplyTemplate, values?: Record<string, string>, closeAfter = false): void {
    const writes = template.render({
      actionId: request.get('ActionID') || undefined,
      values,
      allowEvent: (classes) => maskAllows(connection.mask, classes),
    });
    this.enqueue(connection, writes, closeAfter);
  }

  private handle(connection: Connection, request: AmiRequest): void {
    if (request.lines.length === 0) {
      // A stray blank line is an empty request (24-missing-headers-and-malformed).
      this.reply(connection, request, this.template(this.lastExchange('24-missing-headers-and-malformed')));
      return;
    }
    const actionText = (request.get('Action') ?? '').trim();
    const action = actionText.toLowerCase();
    if (action === '') {
      this.reply(connection, request, this.template(this.exchange('24-missing-headers-and-malformed', 'noaction')));
      return;
    }
    if (action === 'login') return this.login(connection, request);
    if (action === 'challenge') {
      connection.challenge = String(randomInt(100_000_000, 999_999_999));
      const exchange = this.exchange('03-login-md5', 'chal');
      const challenge = exchange.reply[0].fields.get('Challenge') ?? '';
      this.reply(connection, request, this.template(exchange, [{ text: challenge, key: 'challenge' }]), {
        challenge: connection.challenge,
      });
      return;
    }
    if (action === 'logoff') {
      const exchange = connection.user ? this.exchange('26-logoff', 'logoff-1') : this.exchange('26b-logoff-unauthenticated', 'logoff-unauth');
      this.reply(connection, request, this.template(exchange), undefined, true);
      return;
    }
    if (!connection.user) {
      this.reply(connection, request, this.template(this.exchange('05-not-authenticated', 'ping-unauth')));
      return;
    }
    if (connection.user === 'ro' && this.knownActions.has(action) && !this.roAllowed.has(action)) {
      const denied = this.exchange('25-permission-denied-ro-user', 'ro-corestatus');
      this.reply(connection, request, this.template(denied, [{ text: 'Action: CoreStatus', key: 'request' }]), {
        request: `Action: ${actionText}`,
      });
      return;
    }
    if (action === 'events') connection.mask = parseMask(request.get('EventMask'));
    const exchange = this.bestExchange(connection, request, action);
    if (!exchange) {
      const unknown = connection.user === 'ro'
        ? this.exchange('25-permission-denied-ro-user', 'ro-unknown')
        : this.exchange('23-unknown-action', 'unk-1');
      this.reply(connection, request, this.template(unknown, [{ text: 'NoSuchThing', key: 'action' }]), { action: actionText });
      return;
    }
    if (action === 'command' && !this.sameValue(exchange.request, request, 'Command')) {
      // An unrecorded CLI command answers like the recorded unknown one, with its own text.
      const bad = this.exchange('13-command-errors', 'cmd-bad');
      const command = (request.get('Command') ?? '').trim();
      this.reply(
        connection,
        request,
        this.template(bad, [
          { text: 'this is not a cli command', key: 'command' },
          { text: "'core show help this is'", key: 'help' },
        ]),
        { command, help: `'core show help ${command.split(/\s+/).slice(0, 2).join(' ')}'` },
      );
      return;
    }
    if (this.options.closeMidList && action === this.options.closeMidList.toLowerCase()) {
      const writes = this.template(exchange).render({
        actionId: request.get('ActionID') || undefined,
        allowEvent: () => false,
      });
      const data = Buffer.concat(writes.filter((w) => w.ordered).map((w) => w.data));
      // Response and first item only: cut after the second message.
      const first = data.indexOf('\r\n\r\n');
      const second = data.indexOf('\r\n\r\n', first + 4);
      this.enqueue(connection, [{ delayMs: 0, ordered: true, data: data.subarray(0, second < 0 ? data.length : second + 4) }]);
      this.push(connection, { due: connection.chainDue, close: true });
      connection.closing = true;
      this.pump(connection);
      return;
    }
    connection.lastCapture = exchange.capture;
    const freshIds = action === 'originate' && exchange.async.length > 0;
    if (freshIds) {
      this.enqueue(connection, this.freshen(this.template(exchange).render({
        actionId: request.get('ActionID') || undefined,
        allowEvent: (classes) => maskAllows(connection.mask, classes),
      })));
      return;
    }
    this.reply(connection, request, this.template(exchange));
  }

  private lastExchange(captureName: string): RecordedExchange {
    const exchanges = this.capture(captureName).exchanges.filter((ex) => ex.reply.length > 0 && ex.request.lines.length === 0);
    if (exchanges.length === 0) throw new Error(`capture ${captureName} has no empty request`);
    return exchanges[exchanges.length - 1];
  }

  private sameValue(a: AmiRequest, b: AmiRequest, name: string): boolean {
    return (a.get(name) ?? '').trim() === (b.get(name) ?? '').trim();
  }

  /** The recorded exchange whose request headers look most like this one (same action). */
  private bestExchange(connection: Connection, request: AmiRequest, action: string): RecordedExchange | undefined {
    // The ActionID is part of the key only when a recording used it (it breaks ties in the scoring).
    const lines = request.lines.filter((line) => !/^actionid:/i.test(line) || this.recordedIds.has((request.get('ActionID') ?? '').trim()));
    const key = `${connection.user}\n${connection.lastCapture}\n${lines.join('\n')}`;
    if (this.bestCache.has(key)) return this.bestCache.get(key);
    const best = this.scoreExchanges(connection, request, action);
    if (this.bestCache.size > 10_000) this.bestCache.clear();
    this.bestCache.set(key, best);
    return best;
  }

  private scoreExchanges(connection: Connection, request: AmiRequest, action: string): RecordedExchange | undefined {
    const candidates = this.byAction.get(action);
    if (!candidates) return undefined;
    const wanted = request.headers().filter(([name]) => !/^(action|actionid)$/i.test(name));
    let best: RecordedExchange | undefined;
    let bestScore = -Infinity;
    for (const candidate of candidates) {
      if (candidate.capture === '25-permission-denied-ro-user' && connection.user !== 'ro') continue;
      if (candidate.capture === '05-not-authenticated') continue;
      const recorded = candidate.request.headers().filter(([name]) => !/^(action|actionid)$/i.test(name));
      let score = 0;
      for (const [name, value] of wanted) {
        const match = recorded.find(([n]) => n.toLowerCase() === name.toLowerCase());
        if (!match) score -= 1;
        else if (match[1].trim() === value.trim()) score += 3;
        else score += 1;
      }
      for (const [name] of recorded) {
        if (!wanted.some(([n]) => n.toLowerCase() === name.toLowerCase())) score -= 1;
      }
      // Ties: the recording with the same ActionID, then the scenario this client used last.
      if (candidate.actionId !== undefined && candidate.actionId === (request.get('ActionID') ?? '').trim()) score += 0.5;
      if (candidate.capture === connection.lastCapture) score += 0.25;
      if (this.preferred.has(candidate.capture)) score += 1000;
      if (score > bestScore) {
        best = candidate;
        bestScore = score;
      }
    }
    return best;
  }

  private login(connection: Connection, request: AmiRequest): void {
    const username = (request.get('Username') ?? '').trim();
    const md5 = /^md5$/i.test((request.get('AuthType') ?? '').trim());
    const secret = Object.prototype.hasOwnProperty.call(this.users, username) ? this.users[username] : undefined;
    let ok: boolean;
    let failure: RecordedExchange;
    if (md5) {
      const key = (request.get('Key') ?? '').trim().toLowerCase();
      ok = secret !== undefined && connection.challenge !== undefined
        && key === createHash('md5').update(connection.challenge + secret).digest('hex');
      failure = this.exchange('03b-login-md5-wrong-key', 'login-md5-bad');
    } else {
      const given = request.get('Secret');
      ok = secret !== undefined && given !== undefined && given.trim() === secret;
      failure = given === undefined
        ? this.exchange('05-not-authenticated', 'login-nosecret')
        : secret === undefined
          ? this.exchange('04b-login-unknown-user', 'nouser')
          : this.exchange('04-login-wrong-password', 'badlogin');
    }
    if (!ok) {
      this.reply(connection, request, this.template(failure), undefined, true);
      return;
    }
    connection.user = username;
    connection.mask = parseMask(request.get('Events'));
    const ro = username === 'ro';
    const success = ro
      ? this.exchange(connection.mask === 'off' ? '09b-listcommands-ro-user' : '25-permission-denied-ro-user', 'login')
      : this.exchange(connection.mask === 'off' ? '10-coreshowchannels-empty' : '02-login-plaintext', 'login');
    const writes = this.template(success).render({
      actionId: request.get('ActionID') || undefined,
      allowEvent: (classes) => maskAllows(connection.mask, classes),
    });
    this.enqueue(connection, writes);
    if (this.streamBytes && (this.options.streamStart ?? 'login') === 'login') {
      const bytes = this.streamBytes;
      const banner = bytes.indexOf('\n') + 1;
      const afterLogin = bytes.indexOf('\r\n\r\n', banner) + 4;
      void this.stream(connection, bytes.subarray(afterLogin));
    }
  }

  /** Writes `bytes` in 64 KiB pieces, waiting for the socket to drain. */
  private async stream(connection: Connection, bytes: Buffer): Promise<void> {
    const socket = connection.socket;
    for (let pos = 0; pos < bytes.length && !socket.destroyed; pos += 65536) {
      if (!socket.write(bytes.subarray(pos, Math.min(bytes.length, pos + 65536)))) {
        await new Promise<void>((resolve) => {
          socket.once('drain', resolve);
          socket.once('close', resolve);
        });
      }
    }
  }

  private replayVerbatim(connection: Connection, capture: Capture): void {
    const limit = this.options.truncateAt ?? capture.received.length;
    for (const entry of capture.timeline) {
      if (entry.dir === 'SEND') continue;
      const due = Date.now() + entry.t * 1000 * this.timeScale;
      if (entry.dir === 'EOF' || entry.off >= limit) {
        this.push(connection, { due, close: true });
        break;
      }
      const end = Math.min(limit, entry.off + entry.len);
      this.push(connection, { due, data: capture.received.subarray(entry.off, end) });
      if (end === limit && limit < capture.received.length) {
        this.push(connection, { due, close: true });
        break;
      }
    }
    this.pump(connection);
  }

  /** Replaces Uniqueids, channel sequence numbers and timestamps with fresh ones, so replays look new. */
  private freshen(writes: RenderedWrite[]): RenderedWrite[] {
    const serial = ++this.liveCounter;
    const nowSeconds = Math.floor(Date.now() / 1000);
    const ids = new Map<string, string>();
    const iso = new Date().toISOString().replace('Z', '+0000');
    const plain = iso.slice(0, 19).replace('T', ' ');
    return writes.map((write) => {
      const text = write.data
        .toString('latin1')
        .replace(/\b1\d{9}\.\d+\b/g, (id) => {
          let fresh = ids.get(id);
          if (!fresh) {
            fresh = `${nowSeconds}.${serial * 100 + ids.size}`;
            ids.set(id, fresh);
          }
          return fresh;
        })
        .replace(/-([0-9a-f]{8});/g, () => `-${(serial & 0xffffffff).toString(16).padStart(8, '0')};`)
        .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000/g, iso)
        .replace(/\d{4}-\d\d-\d\d \d\d:\d\d:\d\d/g, plain);
      return { ...write, data: Buffer.from(text, 'latin1') };
    });
  }

  /** Live mode: one recorded call (16's Originate events) to every logged-in client whose mask allows. */
  private broadcastCall(): void {
    if (this.frozen) return;
    const exchange = this.exchange('16-originate-local-exten-async', 'orig-1');
    const events = new ReplyTemplate({ ...exchange, reply: [] });
    for (const connection of this.connections) {
      if (!connection.user || connection.closing) continue;
      const writes = events.render({ actionId: undefined, allowEvent: (classes) => maskAllows(connection.mask, classes) });
      this.enqueue(connection, this.freshen(writes).map((w) => ({ ...w, ordered: false })));
    }
  }
}

function parseArgs(argv: string[]): FakeAmiServerOptions {
  const options: FakeAmiServerOptions = {};
  for (let k = 0; k < argv.length; k++) {
    const arg = argv[k];
    const value = (): string => {
      const next = argv[++k];
      if (next === undefined) throw new Error(`${arg} needs a value`);
      return next;
    };
    switch (arg) {
      case '--port': {
        const port = Number(value());
        if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error('--port takes 0-65535 (0: any free port)');
        options.port = port;
        break;
      }
      case '--host': options.host = value(); break;
      case '--captures': options.capturesDir = value(); break;
      case '--live': {
        const seconds = Number(value());
        if (!(seconds > 0)) throw new Error('--live takes a number of seconds > 0');
        options.liveIntervalMs = seconds * 1000;
        break;
      }
      case '--stream': options.streamFile = value(); break;
      case '--stream-start': {
        const start = value();
        if (start !== 'connect' && start !== 'login') throw new Error(`--stream-start takes connect or login, not "${start}"`);
        options.streamStart = start;
        break;
      }
      case '--scenario': options.scenario = value(); break;
      case '--time-scale': {
        const scale = Number(value());
        if (!(scale >= 0)) throw new Error('--time-scale takes a number >= 0 (1: recorded delays, 0: none)');
        options.timeScale = scale;
        break;
      }
      case '--help':
        process.stdout.write('usage: simulator [--port P] [--host H] [--captures DIR] [--live SECONDS] [--stream FILE] [--stream-start connect|login] [--scenario NAME] [--time-scale N]\n');
        process.exit(0);
        break;
      default:
        throw new Error(`unknown option ${arg} (try --help)`);
    }
  }
  return options;
}

/** CLI entry: starts a server and prints its port. */
async function main(): Promise<void> {
  let options: FakeAmiServerOptions;
  try {
    options = parseArgs(process.argv.slice(2));
    const server = new FakeAmiServer(options);
    const port = await server.start();
    process.stdout.write(`${port}\n`);
    const stop = (): void => void server.stop().then(() => process.exit(0));
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  } catch (error) {
    process.stderr.write(`simulator: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(2);
  }
}

// Also bundled into dist/cli.js (ami replay): start only when this file itself is the program.
if (require.main === module && /(?:simulator|fakeAmiServer)\.[cm]?[jt]s$/.test(process.argv[1] ?? '')) void main();
