/** Shared helpers of the session tests: raw sockets against the fake server, waiting for conditions. */
import * as net from 'node:net';
import { after, before } from 'node:test';
import { AmiSession, type AmiCredentials } from '../../core/src/session/session';
import { FakeAmiServer } from './fakeAmiServer';

/** Connects a raw socket and collects everything it receives until the server closes it (or `timeoutMs`). */
export interface RawClient {
  socket: net.Socket;
  received(): Buffer;
  /** Resolves when the server closed the socket (true) or after timeoutMs (false). */
  closed(timeoutMs?: number): Promise<boolean>;
  /** Resolves once the received bytes contain `text`. */
  waitFor(text: string, timeoutMs?: number): Promise<void>;
}

export function rawConnect(port: number): Promise<RawClient> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let isClosed = false;
    const closeWaiters: Array<() => void> = [];
    const dataWaiters: Array<() => void> = [];
    const socket = net.connect(port, '127.0.0.1');
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      for (const waiter of dataWaiters.splice(0)) waiter();
    });
    socket.on('close', () => {
      isClosed = true;
      for (const waiter of closeWaiters.splice(0)) waiter();
      for (const waiter of dataWaiters.splice(0)) waiter();
    });
    socket.on('error', () => undefined);
    socket.once('connect', () =>
      resolve({
        socket,
        received: () => Buffer.concat(chunks),
        closed: (timeoutMs = 5000) =>
          new Promise<boolean>((done) => {
            if (isClosed) return done(true);
            const timer = setTimeout(() => done(false), timeoutMs);
            closeWaiters.push(() => {
              clearTimeout(timer);
              done(true);
            });
          }),
        waitFor: (text, timeoutMs = 5000) =>
          new Promise<void>((done, fail) => {
            const timer = setTimeout(() => {
              finish(new Error(`timed out waiting for ${JSON.stringify(text)}`));
            }, timeoutMs);
            const finish = (error?: Error): void => {
              clearTimeout(timer);
              if (error) fail(error);
              else done();
            };
            const check = (): void => {
              if (Buffer.concat(chunks).includes(text)) return finish();
              if (isClosed) return finish(new Error(`socket closed before ${JSON.stringify(text)} arrived`));
              dataWaiters.push(check);
            };
            check();
          }),
      }),
    );
    socket.once('error', reject);
  });
}

/** Polls `condition` every few ms until it is true (rejects after timeoutMs). */
export async function until(condition: () => boolean, timeoutMs = 5000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Message heads (`first line | ActionID`) of an AMI byte stream, for comparing structure. */
export function messageHeads(bytes: Buffer): string[] {
  return bytes
    .toString('latin1')
    .split('\r\n\r\n')
    .filter((m) => m.length > 0)
    .map((m) => {
      const lines = m.split('\r\n');
      const id = lines.find((l) => /^actionid:/i.test(l));
      return `${lines[0]}${id ? ` | ${id}` : ''}`;
    });
}

/** A fake Asterisk for a test file, and AmiSessions logged in to it over loopback sockets. */
export interface FakeServerSessions {
  /** The server the hooks started (valid inside tests). */
  server(): FakeAmiServer;
  /** Logs in to that server. */
  login(credentials: AmiCredentials): Promise<AmiSession>;
  /** Logs in to another server on `port`; its socket is closed with the others after the file. */
  loginAt(port: number, credentials: AmiCredentials): Promise<AmiSession>;
}

/**
 * Registers before/after hooks that start a FakeAmiServer (instant replay) and log AmiSessions in to it over
 * loopback sockets: what node/src/amiClient.ts does, minus reconnects.
 */
export function useFakeServerSessions(): FakeServerSessions {
  let server: FakeAmiServer | undefined;
  let port = 0;
  const sockets: net.Socket[] = [];
  before(async () => {
    server = new FakeAmiServer({ timeScale: 0 });
    port = await server.start();
  });
  after(async () => {
    for (const socket of sockets) socket.destroy();
    await server?.stop();
  });
  const loginAt = async (targetPort: number, credentials: AmiCredentials): Promise<AmiSession> => {
    const socket = net.connect(targetPort, '127.0.0.1');
    sockets.push(socket);
    const session = new AmiSession(credentials, { write: (data) => socket.write(data), close: () => socket.end() }, { keepaliveIntervalMs: 0 });
    socket.on('data', (chunk) => session.receive(chunk));
    socket.on('close', () => session.transportClosed());
    await session.ready;
    return session;
  };
  return {
    server: () => {
      if (!server) throw new Error('the fake server starts in before(): use it inside a test');
      return server;
    },
    login: (credentials) => loginAt(port, credentials),
    loginAt,
  };
}
