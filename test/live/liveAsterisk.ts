/**
 * Shared set-up of the live suite (npm run test:live): one real Asterisk per test file, started in before() and
 * stopped in after() (or the one AMI_HOST names), plus logged-in clients that are closed with it.
 */
import { after, before } from 'node:test';
import { connectAmi, type AmiClient, type AmiClientOptions } from '../../node/src/amiClient';
import { exitOnSignals } from '../../scripts/e2e/cleanup';
import { liveTarget, type AsteriskTarget, type ManagerUser } from '../../scripts/asterisk/instance';

/** Live-suite hooks: the target and a way to open clients on it. */
export interface LiveAsterisk {
  target(): AsteriskTarget;
  /** Connects and logs in as `user` (default: the read-write user); closed after the file. */
  connect(user?: ManagerUser, options?: Partial<AmiClientOptions>): Promise<AmiClient>;
  /** Options for a client of the target, for tests that connect by themselves. */
  clientOptions(user?: ManagerUser, options?: Partial<AmiClientOptions>): AmiClientOptions;
}

/** Registers before/after hooks that start (or name) the Asterisk of this test file. */
export function useLiveAsterisk(): LiveAsterisk {
  let target: AsteriskTarget | undefined;
  const clients: AmiClient[] = [];
  before(async () => {
    // Ctrl+C or a runner's SIGTERM becomes a normal exit, whose hook kills the instance (scripts/e2e/cleanup.ts).
    exitOnSignals();
    target = await liveTarget();
  });
  after(async () => {
    await Promise.all(clients.map((client) => client.close().catch(() => undefined)));
    await target?.stop();
  });
  const current = (): AsteriskTarget => {
    if (!target) throw new Error('the live Asterisk starts in before(): use it inside a test');
    return target;
  };
  const clientOptions = (user?: ManagerUser, options: Partial<AmiClientOptions> = {}): AmiClientOptions => {
    const t = current();
    const who = user ?? t.admin;
    return {
      host: t.host,
      port: t.port,
      credentials: { username: who.username, secret: who.secret, authType: 'md5', events: 'on' },
      reconnect: false,
      keepaliveIntervalMs: 0,
      ...options,
    };
  };
  return {
    target: current,
    clientOptions,
    connect: async (user, options) => {
      const client = await connectAmi(clientOptions(user, options));
      clients.push(client);
      return client;
    },
  };
}

/** Resolves with the first event `match` accepts, from now on (rejects after `timeoutMs`). */
export function nextEvent(
  client: AmiClient,
  match: (headers: ReadonlyArray<readonly [string, string]>, get: (name: string) => string | undefined) => boolean,
  timeoutMs = 10_000,
  what = 'event',
): Promise<Map<string, string>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      subscription.dispose();
      reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
    }, timeoutMs);
    const subscription = client.onEvent((message) => {
      const headers = message.headers();
      if (!match(headers, (name) => message.get(name))) return;
      clearTimeout(timer);
      subscription.dispose();
      resolve(new Map(headers.map(([k, v]) => [k.toLowerCase(), v])));
    });
  });
}
