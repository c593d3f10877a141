/**
 * A supervised AMI connection: opens a transport (injected, so this stays pure), runs an AmiSession on it,
 * and on loss reconnects with jittered backoff capped at 60 s, one attempt at a time. It never reconnects
 * after an authentication failure (nor a TLS or protocol failure), and never replays actions.
 */
import type { AmiMessage } from '../wire/types';
import { backoffDelay, DEFAULT_BACKOFF, type BackoffOptions } from './backoff';
import { systemClock, type Clock, type TimerHandle } from './clock';
import { Emitter, type Disposable } from './emitter';
import { AmiActionError, AmiConnectError, type AmiConnectErrorCode } from './errors';
import { rememberSecret } from '../wire/redact';
import { EventQueue } from './eventQueue';
import {
  AmiSession,
  type ActionHeaders,
  type ActionResult,
  type AmiCredentials,
  type SendOptions,
  type SessionOptions,
} from './session';

/** Callbacks a transport calls. */
export interface TransportHandlers {
  /** The byte stream is open (after the TLS handshake for TLS). */
  onOpen(): void;
  onData(chunk: Buffer): void;
  /** The transport failed; onClose follows. */
  onError(error: AmiConnectError): void;
  onClose(): void;
}

/** An open(ing) transport. */
export interface TransportHandle {
  write(data: Buffer): void;
  close(): void;
}

/** Opens one transport (one TCP/TLS connection). */
export type TransportFactory = (handlers: TransportHandlers) => TransportHandle;

/** Connection state, for status bars and logs. */
export type ConnectionState =
  | { kind: 'idle' }
  | { kind: 'connecting'; attempt: number }
  | { kind: 'connected'; amiVersion: string }
  | { kind: 'retrying'; inMs: number; attempt: number; reason: string }
  | { kind: 'failed'; reason: string; code: AmiConnectErrorCode }
  | { kind: 'closed'; reason?: string };

/** Options of a supervised connection. */
export interface ConnectionOptions extends SessionOptions {
  credentials: AmiCredentials;
  /** Opens the byte stream. */
  transport: TransportFactory;
  /** Reconnect after a loss (default true). */
  reconnect?: boolean;
  backoff?: BackoffOptions;
  /** Random source for jitter (tests pass a fixed one). */
  random?: () => number;
  /**
   * The backoff starts again from its first step only after a link stayed up this long (default 30 s): a
   * server that drops every link right after login is not hammered with logins.
   */
  stableLinkMs?: number;
  /** TCP/TLS connect must succeed within this (default 10 s). */
  connectTimeoutMs?: number;
  /** Capacity of the event queue (default 10,000; 0 = no queue, events only through onEvent). */
  eventQueueCapacity?: number;
  /** `host:port`, for messages. */
  where?: string;
}

/** A connection that keeps itself logged in. */
export class AmiConnection {
  private readonly clock: Clock;
  private readonly stateEmitter = new Emitter<ConnectionState>();
  private readonly eventEmitter = new Emitter<AmiMessage>();
  private current: ConnectionState = { kind: 'idle' };
  private session: AmiSession | undefined;
  private transport: TransportHandle | undefined;
  private retryTimer: TimerHandle | undefined;
  private connectTimer: TimerHandle | undefined;
  private attempt = 0;
  private attemptInProgress = false;
  private stopped = false;
  private attemptsStarted = 0;
  /** Clock time the current link logged in, while it is up. */
  private connectedAt: number | undefined;

  /** Bounded queue of events (never blocks reading); `events.dropped` counts what a slow consumer lost. */
  readonly events: EventQueue;
  /** Fires on every state change. */
  readonly onState = this.stateEmitter.event;
  /** Every event, synchronously, as it is read (also queued in `events`). */
  readonly onEvent = this.eventEmitter.event;

  constructor(private readonly options: ConnectionOptions) {
    this.clock = options.clock ?? systemClock;
    this.events = new EventQueue(options.eventQueueCapacity ?? 10_000);
    // Whatever shows or saves what this connection receives redacts its secret by value.
    rememberSecret(options.credentials.secret);
  }

  get state(): ConnectionState {
    return this.current;
  }

  /** Connection attempts made so far (for tests and status). */
  get attempts(): number {
    return this.attemptsStarted;
  }

  /** Pending actions of the current session. */
  get pendingCount(): number {
    return this.session?.pendingCount ?? 0;
  }

  /** The user-written ActionID behind a generated one, if recent. */
  aliasOf(actionId: string): string | undefined {
    return this.session?.aliasOf(actionId);
  }

  /** Starts connecting (no-op when already started). */
  start(): void {
    if (this.current.kind !== 'idle') return;
    this.connect();
  }

  /**
   * Connects now instead of waiting for the retry timer (a "Reconnect" button). Also restarts after a
   * failure (e.g. the server came back); never while an attempt is in progress or after close().
   */
  reconnectNow(): void {
    if (this.stopped || this.attemptInProgress || this.current.kind === 'connected') return;
    if (this.retryTimer !== undefined) this.clock.clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    if (this.current.kind === 'failed') this.current = { kind: 'idle' };
    this.connect();
  }

  /** Resolves when connected; rejects when the connection fails or is closed first. */
  whenConnected(): Promise<{ amiVersion: string }> {
    const now = this.current;
    if (now.kind === 'connected') return Promise.resolve({ amiVersion: now.amiVersion });
    if (now.kind === 'failed') return Promise.reject(new AmiConnectError(now.reason, now.code));
    if (now.kind === 'closed') return Promise.reject(new AmiConnectError(now.reason ?? 'closed', 'closed'));
    return new Promise((resolve, reject) => {
      const subscription: Disposable = this.onState((state) => {
        if (state.kind === 'connected') {
          subscription.dispose();
          resolve({ amiVersion: state.amiVersion });
        } else if (state.kind === 'failed' || state.kind === 'closed') {
          subscription.dispose();
          reject(new AmiConnectError(state.reason ?? 'closed', state.kind === 'failed' ? state.code : 'closed'));
        }
      });
    });
  }

  /** Sends an action on the current session (see AmiSession.send). Rejects with 'not-connected' when not connected. */
  send(headers: ActionHeaders, options?: SendOptions): Promise<ActionResult> {
    if (!this.session || this.current.kind !== 'connected') {
      const action = headers.find(([n]) => n.toLowerCase() === 'action')?.[1] ?? '';
      const state = this.current;
      const why =
        state.kind === 'retrying'
          ? `reconnecting in ${Math.ceil(state.inMs / 1000)} s (${state.reason})`
          : state.kind === 'failed'
            ? state.reason
            : state.kind;
      return Promise.reject(new AmiActionError(`Not sent, not connected: ${why}`, 'not-connected', action, undefined));
    }
    return this.session.send(headers, options);
  }

  /** Logs off (when connected) and stops for good: no reconnect. */
  async close(): Promise<void> {
    this.stopped = true;
    if (this.retryTimer !== undefined) this.clock.clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    const session = this.session;
    if (session && session.isReady) await session.logoff();
    else {
      session?.close();
      this.transport?.close();
    }
    this.setState({ kind: 'closed', reason: 'closed by the user' });
  }

  private setState(state: ConnectionState): void {
    const previous = this.current;
    if (previous.kind === 'closed' || (previous.kind === 'failed' && state.kind !== 'closed')) return;
    this.current = state;
    this.options.log?.(`state: ${describeState(state)}`);
    this.stateEmitter.fire(state);
  }

  private connect(): void {
    if (this.attemptInProgress || this.stopped) return;
    this.attemptInProgress = true;
    this.attemptsStarted++;
    this.setState({ kind: 'connecting', attempt: this.attempt });
    let opened = false;
    let ended = false;
    let transportError: AmiConnectError | undefined;
    const where = this.options.where ?? 'the server';
    const end = (error: AmiConnectError | undefined): void => {
      if (ended) return;
      ended = true;
      if (this.connectTimer !== undefined) this.clock.clearTimeout(this.connectTimer);
      this.connectTimer = undefined;
      this.transport = undefined;
      this.session = undefined;
      this.attemptInProgress = false;
      this.afterLoss(error);
    };
    const session = new AmiSession(
      this.options.credentials,
      {
        write: (data) => this.transport?.write(data),
        close: () => handle.close(),
      },
      this.options,
      this.events,
    );
    session.onEvent((event) => this.eventEmitter.fire(event));
    session.onClosed((reason) => end(reason ?? transportError));
    this.session = session;
    const handle = this.options.transport({
      onOpen: () => {
        opened = true;
        if (this.connectTimer !== undefined) this.clock.clearTimeout(this.connectTimer);
        this.connectTimer = undefined;
      },
      onData: (chunk) => session.receive(chunk),
      onError: (error) => {
        transportError ??= error;
      },
      onClose: () => {
        session.transportClosed(transportError);
        end(transportError);
      },
    });
    this.transport = handle;
    this.connectTimer = this.clock.setTimeout(() => {
      if (opened) return;
      transportError = new AmiConnectError(
        `Timed out connecting to ${where} after ${(this.options.connectTimeoutMs ?? 10_000) / 1000} s: check the host, the port and any firewall between.`,
        'timeout',
      );
      handle.close();
      session.transportClosed(transportError);
    }, this.options.connectTimeoutMs ?? 10_000);
    session.ready.then(
      ({ amiVersion }) => {
        if (ended) return;
        this.connectedAt = this.clock.now();
        this.setState({ kind: 'connected', amiVersion });
      },
      () => undefined,
    );
  }

  private afterLoss(error: AmiConnectError | undefined): void {
    if (this.connectedAt !== undefined && this.clock.now() - this.connectedAt >= (this.options.stableLinkMs ?? 30_000)) this.attempt = 0;
    this.connectedAt = undefined;
    if (this.stopped) {
      this.setState({ kind: 'closed', reason: error?.message });
      return;
    }
    if (!error) {
      this.setState({ kind: 'closed', reason: 'logged off' });
      return;
    }
    if (!error.retryable || this.options.reconnect === false) {
      this.setState({ kind: 'failed', reason: error.message, code: error.code });
      return;
    }
    const inMs = backoffDelay(this.attempt, this.options.random ?? Math.random, this.options.backoff ?? DEFAULT_BACKOFF);
    const attempt = ++this.attempt;
    this.setState({ kind: 'retrying', inMs, attempt, reason: error.message });
    this.retryTimer = this.clock.setTimeout(() => {
      this.retryTimer = undefined;
      this.connect();
    }, inMs);
  }
}

/** One line describing a state, for logs and status bars. */
export function describeState(state: ConnectionState): string {
  switch (state.kind) {
    case 'idle':
      return 'idle';
    case 'connecting':
      return state.attempt === 0 ? 'connecting' : `connecting (retry ${state.attempt})`;
    case 'connected':
      return `connected (AMI ${state.amiVersion})`;
    case 'retrying':
      return `retrying in ${(state.inMs / 1000).toFixed(1)} s: ${state.reason}`;
    case 'failed':
      return `failed: ${state.reason}`;
    case 'closed':
      return state.reason ? `closed: ${state.reason}` : 'closed';
  }
}
