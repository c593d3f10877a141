/**
 * The node:net / node:tls transport for the core AMI session, shared by the VS Code extension, the CLI and the
 * bench. No `vscode` import here. `connectAmi(options)` connects, logs in and resolves with an AmiClient.
 */
import { readFileSync } from 'node:fs';
import * as net from 'node:net';
import * as tls from 'node:tls';
import {
  AmiConnectError,
  AmiConnection,
  describeSocketError,
  type ConnectionOptions,
  type TransportFactory,
} from '../../core/src/session';

/** Where and how to connect, plus everything AmiConnection accepts (credentials, timeouts, reconnect...). */
export interface AmiClientOptions extends Omit<ConnectionOptions, 'transport' | 'where'> {
  host: string;
  port: number;
  /** Use TLS (Asterisk's tlsenable, usually port 5039). Certificates are verified unless `rejectUnauthorized` is false. */
  tls?: boolean;
  /** PEM file of the CA that signed the server certificate (added to the trusted CAs). */
  caFile?: string;
  /** Certificate verification (default true). Turning it off is for tests on throwaway certificates only. */
  rejectUnauthorized?: boolean;
  /** TLS server name, when it differs from `host`. */
  servername?: string;
}

/** A node socket transport factory for AmiConnection. Exposed for tests and the bench. */
export function nodeTransport(options: AmiClientOptions): TransportFactory {
  const where = `${options.host}:${options.port}`;
  let ca: Buffer | undefined;
  if (options.tls && options.caFile) {
    try {
      ca = readFileSync(options.caFile);
    } catch (error) {
      throw new AmiConnectError(`Cannot read the CA file ${options.caFile}: ${(error as Error).message}`, 'tls');
    }
  }
  return (handlers) => {
    let socket: net.Socket;
    if (options.tls) {
      const secureContextOptions: tls.ConnectionOptions = {
        host: options.host,
        port: options.port,
        rejectUnauthorized: options.rejectUnauthorized ?? true,
        servername: options.servername ?? (net.isIP(options.host) ? undefined : options.host),
      };
      // An IP literal is checked against the certificate's IP SANs (node does that when servername is unset).
      if (ca) secureContextOptions.ca = [...tls.rootCertificates, ca.toString('utf8')];
      const tlsSocket = tls.connect(secureContextOptions, () => handlers.onOpen());
      socket = tlsSocket;
    } else {
      socket = net.connect({ host: options.host, port: options.port }, () => handlers.onOpen());
    }
    socket.setNoDelay(true);
    socket.setKeepAlive(true, 30_000);
    socket.on('data', (chunk: Buffer) => handlers.onData(chunk));
    socket.on('error', (error: NodeJS.ErrnoException) => {
      handlers.onError(describeSocketError(error.code, error.message, where, options.tls === true));
    });
    socket.on('close', () => handlers.onClose());
    // Writes made in the same tick (pipelined actions) leave in one syscall.
    let corked = false;
    const uncork = (): void => {
      corked = false;
      socket.uncork();
    };
    return {
      write: (data) => {
        if (socket.destroyed) return;
        if (!corked) {
          corked = true;
          socket.cork();
          process.nextTick(uncork);
        }
        socket.write(data);
      },
      close: () => {
        if (!socket.destroyed) socket.destroy();
      },
    };
  };
}

/** An AMI connection over node sockets (reconnecting unless `reconnect: false`). */
export class AmiClient extends AmiConnection {
  constructor(readonly clientOptions: AmiClientOptions) {
    super({ ...clientOptions, transport: nodeTransport(clientOptions), where: `${clientOptions.host}:${clientOptions.port}` });
  }
}

/**
 * Connects and logs in. Resolves with the client once connected; rejects with an AmiConnectError whose
 * message says what to check when the first attempt fails for good (auth, TLS, not AMI) or, with
 * `reconnect: false`, for any reason (with reconnect on, transient failures keep retrying meanwhile).
 * Events that arrive together with the login answer are already in `client.events` when this resolves; to
 * see them through `onEvent`, create an AmiClient, subscribe, then `start()`.
 */
export async function connectAmi(options: AmiClientOptions): Promise<AmiClient> {
  const client = new AmiClient(options);
  const connected = client.whenConnected();
  client.start();
  await connected;
  return client;
}
