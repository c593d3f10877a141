/**
 * A scriptable loopback AMI server for hostile-input tests: it greets, accepts the login of one user (plain
 * or MD5), answers Ping and Logoff, and hands every other action to `onAction`, which may answer with
 * anything (echo a secret, a list that never ends, garbage, a dropped link). Real TCP on 127.0.0.1.
 */
import { createHash, randomBytes } from 'node:crypto';
import * as net from 'node:net';
import { AmiRequest, RequestReader } from './captureIndex';

/** One client connection, as the handler sees it. */
export interface HostileConnection {
  readonly socket: net.Socket;
  /** Writes text (latin1 bytes) or bytes as they are. */
  write(data: string | Buffer): void;
  /** Writes one message from header pairs (CRLF lines, blank line after). */
  message(headers: ReadonlyArray<readonly [string, string]>): void;
  /** Closes the socket abruptly. */
  drop(): void;
  readonly loginCount: number;
}

export interface HostileServerOptions {
  username?: string;
  secret?: string;
  /** Called after a successful login (the Success response is already written). */
  onLogin?(connection: HostileConnection): void;
  /** Other actions: return true when handled; otherwise the server answers `Response: Error`. */
  onAction?(action: string, request: AmiRequest, connection: HostileConnection): boolean | void;
}

/** The hostile fake server. `start()` resolves with the port. */
export class HostileAmiServer {
  private readonly server: net.Server;
  private readonly sockets = new Set<net.Socket>();
  /** Successful logins so far, across connections. */
  logins = 0;
  /** Every request received (lines), for assertions about what was sent. */
  readonly requests: AmiRequest[] = [];

  constructor(private readonly options: HostileServerOptions = {}) {
    this.server = net.createServer((socket) => this.accept(socket));
  }

  async start(): Promise<number> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', () => resolve()));
    return this.port;
  }

  get port(): number {
    const address = this.server.address();
    return typeof address === 'object' && address ? address.port : 0;
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(socket: net.Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    const reader = new RequestReader();
    const username = this.options.username ?? 'dev';
    const secret = this.options.secret ?? 'devsecret';
    let challenge: string | undefined;
    const server = this;
    const connection: HostileConnection = {
      socket,
      write: (data) => {
        if (!socket.destroyed) socket.write(typeof data === 'string' ? Buffer.from(data, 'latin1') : data);
      },
      message: (headers) => connection.write(`${headers.map(([n, v]) => `${n}: ${v}\r\n`).join('')}\r\n`),
      drop: () => socket.destroy(),
      get loginCount() {
        return server.logins;
      },
    };
    connection.write('Asterisk Call Manager/12.0.0\r\n');
    socket.on('data', (chunk: Buffer) => {
      let requests: AmiRequest[];
      try {
        requests = reader.push(chunk);
      } catch {
        socket.destroy();
        return;
      }
      for (const request of requests) {
        this.requests.push(request);
        const action = (request.get('Action') ?? '').trim().toLowerCase();
        const id = request.get('ActionID');
        const withId = (headers: Array<[string, string]>): Array<[string, string]> =>
          id === undefined ? headers : [headers[0], ['ActionID', id], ...headers.slice(1)];
        if (action === 'challenge') {
          challenge = randomBytes(8).toString('hex');
          connection.message(withId([['Response', 'Success'], ['Challenge', challenge]]));
        } else if (action === 'login') {
          const md5 = /^md5$/i.test(request.get('AuthType') ?? '');
          const ok =
            (request.get('Username') ?? '') === username &&
            (md5
              ? challenge !== undefined && request.get('Key') === createHash('md5').update(challenge + secret).digest('hex')
              : request.get('Secret') === secret);
          if (!ok) {
            connection.message(withId([['Response', 'Error'], ['Message', 'Authentication failed']]));
            socket.end();
            continue;
          }
          this.logins++;
          connection.message(withId([['Response', 'Success'], ['Message', 'Authentication accepted']]));
          this.options.onLogin?.(connection);
        } else if (action === 'logoff') {
          connection.message(withId([['Response', 'Goodbye'], ['Message', 'Thanks for all the fish.']]));
          socket.end();
        } else if (this.options.onAction?.(action, request, connection)) {
          continue;
        } else if (action === 'ping') {
          connection.message(withId([['Response', 'Success'], ['Ping', 'Pong'], ['Timestamp', '1.0']]));
        } else {
          connection.message(withId([['Response', 'Error'], ['Message', 'Invalid/unknown command']]));
        }
      }
    });
  }
}
