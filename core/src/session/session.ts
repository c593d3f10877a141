/**
 * One AMI session over one connection, transport-agnostic: bytes come in through `receive`, go out through
 * the `write` callback. It reads the banner, logs in (plain or MD5), correlates every action with its
 * response (and list items) by a generated ActionID, times actions out, pings to detect a dead link, and
 * hands every other message to the event stream. See ../shared/docs/PROTOCOL.md.
 *
 * ActionID policy: the session always sends its own unique ActionID (the server echoes it; user-written IDs
 * are not trusted to be unique). A user-written `ActionID` header is taken out of the wire headers and kept
 * as `userActionId` on the result, so it stays visible; `aliasOf(generated)` maps later events (e.g. an
 * OriginateResponse) back to it.
 */
import { createHash, randomBytes } from 'node:crypto';
import { AmiDecoder } from '../wire/decoder';
import { encodeAction } from '../wire/encoder';
import { redactBytes, redactHeaders, StreamRedactor } from '../wire/redact';
import { AmiProtocolError, type AmiMessage, type DecoderLimits } from '../wire/types';
import { systemClock, type Clock, type TimerHandle } from './clock';
import { Emitter } from './emitter';
import { AmiActionError, AmiConnectError } from './errors';
import { EventQueue } from './eventQueue';

/** How to log in. The secret is only ever written to the socket, never logged. */
export interface AmiCredentials {
  username: string;
  secret: string;
  /** 'plain' (default) sends Secret; 'md5' uses the Challenge/Key exchange. */
  authType?: 'plain' | 'md5';
  /** `Events:` on Login: 'on', 'off' or a class list like 'system,call'. Default 'on'. */
  events?: string;
}

/** Session tuning. Every field has a default. */
export interface SessionOptions {
  clock?: Clock;
  /** Per-action timeout, from send() to the response (for lists, reset by each item). Default 10 s. */
  actionTimeoutMs?: number;
  /** A list must complete within this after its response, however steadily items come. Default 120 s. */
  listDeadlineMs?: number;
  /** A list that sends more items than this without completing is abandoned (memory stays bounded). Default 100,000. */
  maxListItems?: number;
  /** Banner + login must finish within this. Default 10 s. */
  loginTimeoutMs?: number;
  /** Ping after this much silence (0 disables). Default 20 s. */
  keepaliveIntervalMs?: number;
  /** No Pong within this: the link is dead. Default 10 s. */
  keepaliveTimeoutMs?: number;
  /** Actions written but not yet answered, at most (more wait in order). Default 64. */
  maxInFlight?: number;
  /** Decoder caps. */
  limits?: Partial<DecoderLimits>;
  /** Prefix of generated ActionIDs (default: random per session). */
  actionIdPrefix?: string;
  /** Receives log lines (secrets redacted). */
  log?: (line: string) => void;
  /** Receives the bytes on the wire, secrets redacted: for saved captures. */
  trace?: (direction: 'in' | 'out', bytes: Buffer) => void;
}

/** Where the session writes and how it closes its transport. */
export interface SessionIo {
  write(data: Buffer): void;
  close(): void;
}

/** What an action resolved with. Error responses resolve too (success: false); only no answer rejects. */
export interface ActionResult {
  /** The action name as sent. */
  action: string;
  /** The generated ActionID that was on the wire. */
  actionId: string;
  /** The ActionID the user wrote, if any (not sent; see the module comment). */
  userActionId?: string;
  response: AmiMessage;
  /** List items (events between `EventList: start` and the Complete event); empty otherwise. */
  events: AmiMessage[];
  /** The list's final event (`EventList: Complete` or `cancelled`). */
  complete?: AmiMessage;
  listStatus?: 'complete' | 'cancelled';
  /** True for `Response: Success` (and `Goodbye` for Logoff, `Follows` for legacy Command). */
  success: boolean;
  /** Set when something is off but the answer is usable (e.g. ListItems disagrees with the items received). */
  warning?: string;
}

/** Options of one send. */
export interface SendOptions {
  timeoutMs?: number;
}

/** Headers of an action, in order: `[['Action','Ping'], ...]`. */
export type ActionHeaders = ReadonlyArray<readonly [string, string]>;

interface Pending {
  action: string;
  actionId: string;
  userActionId: string | undefined;
  bytes: Buffer;
  timeoutMs: number;
  timer: TimerHandle | undefined;
  response: AmiMessage | undefined;
  items: AmiMessage[];
  isList: boolean;
  /** Clock time by which the list must be complete. */
  listDeadline: number;
  written: boolean;
  resolve: (result: ActionResult) => void;
  reject: (error: Error) => void;
}

type Phase = 'banner' | 'login' | 'ready' | 'closing' | 'closed';

const SHUTDOWN_PREFIX = Buffer.from('Event: Shutdown', 'latin1');
const ALIAS_MEMORY = 1024;

/** True when a response says the user may not do this (shown as such, never retried). */
export function isPermissionDenied(message: AmiMessage): boolean {
  return /^permission denied/i.test(message.get('Message') ?? '');
}

/** One logged-in (or logging-in) AMI session. */
export class AmiSession {
  private readonly clock: Clock;
  private readonly decoder: AmiDecoder;
  private readonly pending = new Map<string, Pending>();
  /** Written and awaiting a response, oldest first (for responses without ActionID). */
  private readonly waiting: Pending[] = [];
  private waitingHead = 0;
  private readonly queued: Pending[] = [];
  private queuedHead = 0;
  private inFlight = 0;
  private openLists = 0;
  private phase: Phase = 'banner';
  private counter = 0;
  private readonly prefix: string;
  private readonly aliases = new Map<string, string>();
  private keepaliveTimer: TimerHandle | undefined;
  private loginTimer: TimerHandle | undefined;
  private lastReceive = 0;
  private pingInFlight = false;
  private shutdownSeen = false;
  private inRedactor: StreamRedactor | undefined;
  private readonly closedEmitter = new Emitter<AmiConnectError | undefined>();
  private readonly eventEmitter = new Emitter<AmiMessage>();
  private readyResolve!: (value: { amiVersion: string }) => void;
  private readyReject!: (error: AmiConnectError) => void;

  /** Version from the banner (`12.0.0`), once read. */
  amiVersion: string | undefined;
  /** Resolves once logged in; rejects with an AmiConnectError (auth-failed, protocol, timeout, closed...). */
  readonly ready: Promise<{ amiVersion: string }>;
  /** Fires once when the session ends: undefined after a clean Logoff, else the reason. */
  readonly onClosed = this.closedEmitter.event;
  /** Every event that is not part of an action's answer (also pushed to `events`). */
  readonly onEvent = this.eventEmitter.event;

  constructor(
    private readonly credentials: AmiCredentials,
    private readonly io: SessionIo,
    private readonly options: SessionOptions = {},
    /** The bounded queue events go to (shared across reconnects by AmiConnection). */
    readonly events: EventQueue = new EventQueue(10_000),
  ) {
    this.clock = options.clock ?? systemClock;
    if (options.log) {
      const log = options.log;
      this.eventEmitter.onListenerError = (error) => log(`an event listener failed: ${error instanceof Error ? error.message : String(error)}`);
    }
    this.prefix = options.actionIdPrefix ?? `aw${randomBytes(4).toString('hex')}`;
    this.decoder = new AmiDecoder((message) => this.onMessage(message), options.limits ?? {});
    this.ready = new Promise((resolve, reject) => {
      this.readyResolve = resolve;
      this.readyReject = reject;
    });
    this.ready.catch(() => undefined);
    this.lastReceive = this.clock.now();
    this.loginTimer = this.clock.setTimeout(() => {
      this.fail(
        new AmiConnectError(
          this.phase === 'banner'
            ? `No AMI banner within ${this.loginTimeoutMs / 1000} s: check that the port is an AMI port (5038, TLS 5039) and not another service.`
            : `No answer to Login within ${this.loginTimeoutMs / 1000} s: check the server's load and manager.conf.`,
          'timeout',
        ),
      );
    }, this.loginTimeoutMs);
    if (options.trace) this.inRedactor = new StreamRedactor();
  }

  private get loginTimeoutMs(): number {
    return this.options.loginTimeoutMs ?? 10_000;
  }

  /** Actions waiting for an answer or for a window slot. */
  get pendingCount(): number {
    return this.pending.size;
  }

  /** True once logged in and until closed. */
  get isReady(): boolean {
    return this.phase === 'ready';
  }

  /** The user-written ActionID that a generated one stands for (recent actions only). */
  aliasOf(actionId: string): string | undefined {
    return this.aliases.get(actionId);
  }

  /** Bytes from the transport, split anywhere. */
  receive(chunk: Buffer): void {
    if (this.phase === 'closed') return;
    this.lastReceive = this.clock.now();
    if (this.inRedactor && this.options.trace) this.options.trace('in', this.inRedactor.push(chunk));
    try {
      this.decoder.push(chunk);
    } catch (error) {
      if (error instanceof AmiProtocolError) {
        const message =
          error.code === 'bad-banner'
            ? `The server did not greet like Asterisk (${error.message}): check the host and port (AMI is usually 5038, TLS 5039).`
            : `The server sent something the client cannot read (${error.message}); the connection was closed.`;
        this.fail(new AmiConnectError(message, 'protocol'));
      } else {
        throw error;
      }
    }
  }

  /** The transport closed (by either side). Fails everything pending; nothing is replayed. */
  transportClosed(error?: AmiConnectError): void {
    if (this.phase === 'closed') return;
    const wasClosing = this.phase === 'closing';
    let reason = error;
    if (!reason && !wasClosing) {
      reason = this.shutdownSeen
        ? new AmiConnectError('Asterisk shut down (Event: Shutdown) and closed the connection.', 'shutdown')
        : this.phase === 'ready'
          ? new AmiConnectError('The server closed the connection.', 'closed')
          : new AmiConnectError('The server closed the connection before the login finished: check manager.conf permit/deny for this address and authlimit.', 'closed');
    }
    this.finish(reason);
  }

  /**
   * Sends an action and resolves with its answer (all items for a list). Rejects with AmiActionError on
   * timeout, disconnect or unencodable headers; a user-written ActionID is kept as userActionId.
   */
  send(headers: ActionHeaders, options: SendOptions = {}): Promise<ActionResult> {
    if (this.phase !== 'ready') {
      const action = headers.find(([n]) => n.toLowerCase() === 'action')?.[1] ?? '';
      return Promise.reject(
        new AmiActionError(
          this.phase === 'closed' || this.phase === 'closing' ? `Not sent: the session is closed (${action}).` : `Not sent: not logged in yet (${action}).`,
          'not-connected',
          action,
          undefined,
        ),
      );
    }
    const result = this.enqueue(headers, options.timeoutMs ?? this.options.actionTimeoutMs ?? 10_000, false);
    // A Logoff sent by the user ends the session cleanly: the server's close that follows is not a loss.
    if (headers.some(([name, value]) => name.toLowerCase() === 'action' && value.trim().toLowerCase() === 'logoff')) {
      this.phase = 'closing';
    }
    return result;
  }

  /** Sends Logoff and waits for Goodbye; the server then closes the socket. */
  async logoff(timeoutMs = 5000): Promise<void> {
    if (this.phase !== 'ready') {
      this.io.close();
      this.finish(undefined);
      return;
    }
    const goodbye = this.enqueue([['Action', 'Logoff']], timeoutMs, false);
    this.phase = 'closing';
    try {
      await goodbye;
    } catch {
      // No Goodbye: close anyway.
    }
    this.io.close();
    this.finish(undefined);
  }

  /** Closes at once, failing anything pending. */
  close(): void {
    if (this.phase === 'closed') return;
    this.phase = 'closing';
    this.io.close();
    this.finish(undefined);
  }

  private enqueue(headers: ActionHeaders, timeoutMs: number, bypassWindow: boolean): Promise<ActionResult> {
    let action = '';
    let userActionId: string | undefined;
    const wire: Array<readonly [string, string]> = [];
    for (const header of headers) {
      const lower = header[0].toLowerCase();
      if (lower === 'actionid') {
        if (userActionId === undefined) userActionId = header[1];
        continue;
      }
      if (lower === 'action' && action === '') action = header[1].trim();
      wire.push(header);
    }
    const actionId = `${this.prefix}-${++this.counter}`;
    // ActionID right after Action, as Asterisk echoes it.
    const actionIndex = wire.findIndex(([n]) => n.toLowerCase() === 'action');
    wire.splice(actionIndex + 1, 0, ['ActionID', actionId]);
    let bytes: Buffer;
    try {
      bytes = encodeAction(wire);
    } catch (error) {
      return Promise.reject(
        new AmiActionError(error instanceof Error ? error.message : String(error), 'encode', action, userActionId),
      );
    }
    return new Promise<ActionResult>((resolve, reject) => {
      const pending: Pending = {
        action,
        actionId,
        userActionId,
        bytes,
        timeoutMs,
        timer: undefined,
        response: undefined,
        items: [],
        isList: false,
        listDeadline: Infinity,
        written: false,
        resolve,
        reject,
      };
      this.pending.set(actionId, pending);
      if (userActionId !== undefined) {
        this.aliases.set(actionId, userActionId);
        if (this.aliases.size > ALIAS_MEMORY) this.aliases.delete(this.aliases.keys().next().value as string);
      }
      pending.timer = this.clock.setTimeout(() => this.timeout(pending), timeoutMs);
      if (bypassWindow || this.inFlight < (this.options.maxInFlight ?? 64)) this.write(pending);
      else this.queued.push(pending);
    });
  }

  private write(pending: Pending): void {
    pending.written = true;
    this.inFlight++;
    this.waiting.push(pending);
    if (this.options.log) this.options.log(`→ ${redactHeaders(this.headersOf(pending.bytes)).map(([n, v]) => `${n}: ${v}`).join(' | ')}`);
    if (this.options.trace) this.options.trace('out', redactBytes(pending.bytes));
    this.io.write(pending.bytes);
  }

  private headersOf(bytes: Buffer): Array<[string, string]> {
    return bytes
      .toString('utf8')
      .split('\r\n')
      .filter((line) => line.length > 0)
      .map((line) => {
        const colon = line.indexOf(':');
        return [line.slice(0, colon), line.slice(colon + 2)] as [string, string];
      });
  }

  private pumpQueue(): void {
    const max = this.options.maxInFlight ?? 64;
    while (this.inFlight < max && this.queuedHead < this.queued.length) {
      const next = this.queued[this.queuedHead];
      this.queued[this.queuedHead++] = undefined as unknown as Pending;
      if (this.pending.get(next.actionId) === next) this.write(next);
    }
    if (this.queuedHead === this.queued.length) {
      this.queued.length = 0;
      this.queuedHead = 0;
    } else if (this.queuedHead > 1024 && this.queuedHead * 2 > this.queued.length) {
      this.queued.splice(0, this.queuedHead);
      this.queuedHead = 0;
    }
  }

  /** Oldest written action still waiting for its response. */
  private oldestWaiting(): Pending | undefined {
    while (this.waitingHead < this.waiting.length) {
      const candidate = this.waiting[this.waitingHead];
      if (this.pending.get(candidate.actionId) === candidate && candidate.response === undefined) return candidate;
      this.waiting[this.waitingHead++] = undefined as unknown as Pending;
    }
    return undefined;
  }

  private compactWaiting(): void {
    while (this.waitingHead < this.waiting.length) {
      const head = this.waiting[this.waitingHead];
      if (this.pending.get(head.actionId) === head && head.response === undefined) break;
      this.waiting[this.waitingHead++] = undefined as unknown as Pending;
    }
    if (this.waitingHead === this.waiting.length) {
      this.waiting.length = 0;
      this.waitingHead = 0;
    } else if (this.waitingHead > 1024 && this.waitingHead * 2 > this.waiting.length) {
      this.waiting.splice(0, this.waitingHead);
      this.waitingHead = 0;
    }
  }

  private settle(pending: Pending): void {
    if (pending.timer !== undefined) this.clock.clearTimeout(pending.timer);
    pending.timer = undefined;
    this.pending.delete(pending.actionId);
    if (pending.written) this.inFlight--;
    if (pending.isList) this.openLists--;
    this.compactWaiting();
  }

  private complete(pending: Pending, completeEvent?: AmiMessage): void {
    this.settle(pending);
    const response = pending.response as AmiMessage;
    const kind = (response.get('Response') ?? '').toLowerCase();
    const result: ActionResult = {
      action: pending.action,
      actionId: pending.actionId,
      response,
      events: pending.items,
      success: kind === 'success' || kind === 'goodbye' || kind === 'follows',
    };
    if (pending.userActionId !== undefined) result.userActionId = pending.userActionId;
    if (completeEvent) {
      result.complete = completeEvent;
      const status = (completeEvent.get('EventList') ?? '').toLowerCase();
      result.listStatus = status === 'cancelled' ? 'cancelled' : 'complete';
      const listItems = completeEvent.get('ListItems');
      if (listItems !== undefined && Number(listItems) !== pending.items.length) {
        result.warning = `ListItems says ${listItems} but ${pending.items.length} item(s) arrived.`;
      }
    }
    pending.resolve(result);
    this.pumpQueue();
  }

  private timeout(pending: Pending): void {
    if (this.pending.get(pending.actionId) !== pending) return;
    pending.timer = undefined;
    if (pending.isList && this.clock.now() >= pending.listDeadline) {
      this.abandonList(
        pending,
        `the list was not complete ${this.listDeadlineMs / 1000} s after its response (${pending.items.length} item(s) arrived); it was abandoned (list deadline, --list-timeout).`,
      );
      return;
    }
    this.settle(pending);
    const seconds = pending.timeoutMs / 1000;
    pending.reject(
      new AmiActionError(
        pending.response
          ? `${pending.action} (ActionID ${pending.actionId}): the list was not complete after ${seconds} s without a new item (${pending.items.length} item(s) so far).`
          : `${pending.action} (ActionID ${pending.actionId}): no response within ${seconds} s. The server may be busy or the link dead; the action was not retried.`,
        'timeout',
        pending.action,
        pending.userActionId,
        this.partialOf(pending),
      ),
    );
    this.pumpQueue();
  }

  private get listDeadlineMs(): number {
    return this.options.listDeadlineMs ?? 120_000;
  }

  private partialOf(pending: Pending): { response: AmiMessage; items: AmiMessage[] } | undefined {
    return pending.response ? { response: pending.response, items: pending.items } : undefined;
  }

  /** Gives up on a list that does not end: later items with its ActionID are counted, not kept. */
  private abandonList(pending: Pending, why: string): void {
    this.settle(pending);
    this.abandonedLists.add(pending.actionId);
    if (this.abandonedLists.size > 64) this.abandonedLists.delete(this.abandonedLists.values().next().value as string);
    pending.reject(new AmiActionError(`${pending.action} (ActionID ${pending.actionId}): ${why}`, 'list-limit', pending.action, pending.userActionId, this.partialOf(pending)));
    this.pumpQueue();
  }

  /** Items of abandoned lists that arrived later and were dropped (counted, not kept). */
  droppedListItems = 0;
  private readonly abandonedLists = new Set<string>();

  /** The next item must come within the action timeout, and the whole list by its deadline. */
  private armListTimer(owner: Pending): void {
    const wait = Math.max(0, Math.min(owner.timeoutMs, owner.listDeadline - this.clock.now()));
    owner.timer = this.clock.setTimeout(() => this.timeout(owner), wait);
  }

  private onMessage(message: AmiMessage): void {
    const kind = message.kind;
    if (kind === 'event') {
      if (this.openLists > 0) {
        const id = message.get('ActionID');
        const owner = id === undefined ? undefined : this.pending.get(id);
        if (owner && owner.isList) {
          const status = (message.get('EventList') ?? '').toLowerCase();
          if (status === 'complete' || status === 'cancelled') {
            this.complete(owner, message);
          } else {
            owner.items.push(message);
            if (owner.timer !== undefined) this.clock.clearTimeout(owner.timer);
            owner.timer = undefined;
            const maxItems = this.options.maxListItems ?? 100_000;
            if (owner.items.length >= maxItems) {
              this.abandonList(owner, `the list sent ${owner.items.length} items without completing; it was abandoned (item cap, --max-list-items).`);
            } else if (this.clock.now() >= owner.listDeadline) {
              // Checked here too: a flood of items can keep the timer from firing on time.
              this.timeout(owner);
            } else {
              this.armListTimer(owner);
            }
          }
          return;
        }
      }
      if (this.abandonedLists.size > 0) {
        const id = message.get('ActionID');
        if (id !== undefined && this.abandonedLists.has(id)) {
          if (this.droppedListItems++ === 0) this.options.log?.(`items of an abandoned list (ActionID ${id}) keep coming: counted and dropped`);
          return;
        }
      }
      this.emitEvent(message);
      return;
    }
    if (kind === 'response' || kind === 'follows') {
      const id = message.get('ActionID');
      let owner = id === undefined ? this.oldestWaiting() : this.pending.get(id);
      if (owner && owner.response !== undefined) owner = undefined;
      if (!owner) {
        // A late answer (after a timeout) or one we did not ask for: not lost, shown as an event.
        this.options.log?.(`unmatched response (ActionID ${id ?? 'none'}) passed to the event stream`);
        this.emitEvent(message);
        return;
      }
      owner.response = message;
      if ((message.get('EventList') ?? '').toLowerCase() === 'start') {
        owner.isList = true;
        owner.listDeadline = this.clock.now() + this.listDeadlineMs;
        this.openLists++;
        if (owner.timer !== undefined) this.clock.clearTimeout(owner.timer);
        this.armListTimer(owner);
        return;
      }
      this.complete(owner);
      return;
    }
    if (kind === 'banner') {
      if (this.phase !== 'banner') return;
      const match = /^Asterisk Call Manager\/(\S+)/.exec(message.raw.toString('latin1'));
      this.amiVersion = match?.[1] ?? 'unknown';
      this.phase = 'login';
      void this.login();
      return;
    }
    this.options.log?.(`message of kind ${kind} passed to the event stream`);
    this.emitEvent(message);
  }

  private emitEvent(message: AmiMessage): void {
    const raw = message.raw;
    if (raw.length >= SHUTDOWN_PREFIX.length && raw[7] === 0x53 && raw.subarray(0, SHUTDOWN_PREFIX.length).equals(SHUTDOWN_PREFIX)) {
      this.shutdownSeen = true;
      this.options.log?.('Asterisk announced a shutdown (Event: Shutdown)');
    }
    this.events.push(message);
    if (this.eventEmitter.hasListeners) this.eventEmitter.fire(message);
  }

  private async login(): Promise<void> {
    const { username, secret } = this.credentials;
    const events = this.credentials.events ?? 'on';
    const timeout = this.loginTimeoutMs;
    try {
      let response: ActionResult;
      if (this.credentials.authType === 'md5') {
        const challenge = await this.enqueue([['Action', 'Challenge'], ['AuthType', 'MD5']], timeout, true);
        const nonce = challenge.response.get('Challenge');
        if (!challenge.success || nonce === undefined) {
          throw new AmiConnectError(
            `The server refused the MD5 challenge (${challenge.response.get('Message') ?? 'no Challenge'}): use plain login or check manager.conf.`,
            'auth-failed',
          );
        }
        const key = createHash('md5').update(nonce + secret).digest('hex');
        response = await this.enqueue(
          [['Action', 'Login'], ['AuthType', 'MD5'], ['Username', username], ['Key', key], ['Events', events]],
          timeout,
          true,
        );
      } else {
        response = await this.enqueue(
          [['Action', 'Login'], ['Username', username], ['Secret', secret], ['Events', events]],
          timeout,
          true,
        );
      }
      if (!response.success) {
        const text = response.response.get('Message') ?? 'no message';
        throw new AmiConnectError(
          `Login as "${username}" failed (${text}): check the username and secret (manager.conf [${username}]) and that its permit= allows this address.`,
          'auth-failed',
        );
      }
      if (this.phase !== 'login') return;
      this.phase = 'ready';
      if (this.loginTimer !== undefined) this.clock.clearTimeout(this.loginTimer);
      this.loginTimer = undefined;
      this.options.log?.(`logged in as ${username} (AMI ${this.amiVersion})`);
      this.scheduleKeepalive();
      this.readyResolve({ amiVersion: this.amiVersion ?? 'unknown' });
    } catch (error) {
      if (this.phase === 'closed') return;
      if (error instanceof AmiConnectError) this.fail(error);
      else if (error instanceof AmiActionError && error.code === 'timeout') {
        this.fail(new AmiConnectError(`No answer to ${error.action} within ${timeout / 1000} s during login.`, 'timeout'));
      }
    }
  }

  private scheduleKeepalive(): void {
    const interval = this.options.keepaliveIntervalMs ?? 20_000;
    if (interval <= 0 || this.phase !== 'ready') return;
    this.keepaliveTimer = this.clock.setTimeout(() => this.keepalive(interval), interval);
  }

  private keepalive(interval: number): void {
    this.keepaliveTimer = undefined;
    if (this.phase !== 'ready') return;
    const idle = this.clock.now() - this.lastReceive;
    if (idle < interval || this.pingInFlight) {
      this.keepaliveTimer = this.clock.setTimeout(() => this.keepalive(interval), Math.max(1, interval - idle));
      return;
    }
    this.pingInFlight = true;
    const timeoutMs = this.options.keepaliveTimeoutMs ?? 10_000;
    this.enqueue([['Action', 'Ping']], timeoutMs, true).then(
      () => {
        this.pingInFlight = false;
        this.scheduleKeepalive();
      },
      (error: unknown) => {
        this.pingInFlight = false;
        if (error instanceof AmiActionError && error.code === 'timeout') {
          this.fail(
            new AmiConnectError(
              `Dead link: no answer to the keepalive Ping within ${timeoutMs / 1000} s after ${interval / 1000} s of silence.`,
              'dead-link',
            ),
          );
        }
      },
    );
  }

  /** Ends the session with an error: closes the transport and fails everything pending. */
  private fail(error: AmiConnectError): void {
    if (this.phase === 'closed') return;
    this.options.log?.(error.message);
    // Finish first so the transport's close callback does not replace this reason.
    this.finish(error);
    this.io.close();
  }

  private finish(reason: AmiConnectError | undefined): void {
    if (this.phase === 'closed') return;
    const wasReady = this.phase === 'ready' || this.phase === 'closing';
    this.phase = 'closed';
    if (this.loginTimer !== undefined) this.clock.clearTimeout(this.loginTimer);
    if (this.keepaliveTimer !== undefined) this.clock.clearTimeout(this.keepaliveTimer);
    this.loginTimer = this.keepaliveTimer = undefined;
    if (this.inRedactor && this.options.trace) {
      const rest = this.inRedactor.end();
      if (rest.length > 0) this.options.trace('in', rest);
    }
    const why = reason?.message ?? 'the session was closed';
    const pendings = [...this.pending.values()];
    this.pending.clear();
    this.waiting.length = 0;
    this.waitingHead = 0;
    this.queued.length = 0;
    this.queuedHead = 0;
    this.inFlight = 0;
    this.openLists = 0;
    for (const pending of pendings) {
      if (pending.timer !== undefined) this.clock.clearTimeout(pending.timer);
      const listNote = pending.isList ? ` while its list was arriving (${pending.items.length} item(s) so far)` : '';
      pending.reject(
        new AmiActionError(
          `${pending.action || 'Action'} (ActionID ${pending.actionId}) failed${listNote}: ${why} It was not retried.`,
          'disconnected',
          pending.action,
          pending.userActionId,
          this.partialOf(pending),
        ),
      );
    }
    if (!wasReady) {
      this.readyReject(reason ?? new AmiConnectError('The session was closed before the login finished.', 'closed'));
    }
    this.closedEmitter.fire(reason);
    this.closedEmitter.dispose();
  }
}
