/**
 * LiveSync on a real AmiClient against the fake Asterisk (recorded answers over loopback TCP): the lists a user
 * may run are read, call events move channels in and out, deltas reach a language-server index.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { connectAmi, type AmiClient } from '../../node/src/amiClient';
import { LiveIndex } from '../../core/src/live/liveIndex';
import { LiveSync } from '../../core/src/live/liveSync';
import type { LiveValuesDelta } from '../../core/src/live/types';
import { FakeAmiServer } from './fakeAmiServer';
import { until } from './helpers';

describe('LiveSync against the fake server', () => {
  let server: FakeAmiServer;
  let port: number;
  const clients: AmiClient[] = [];
  const syncs: LiveSync[] = [];
  before(async () => {
    server = new FakeAmiServer({ timeScale: 0.05, liveIntervalMs: 400 });
    port = await server.start();
  });
  after(async () => {
    for (const sync of syncs) sync.stop();
    for (const client of clients) await client.close().catch(() => undefined);
    await server.stop();
  });

  const open = async (username: string, secret: string): Promise<AmiClient> => {
    const client = await connectAmi({ host: '127.0.0.1', port, credentials: { username, secret, events: 'on' }, reconnect: false });
    clients.push(client);
    return client;
  };

  it('reads the lists, follows call events, and publishes deltas that keep an index current', async () => {
    const client = await open('dev', 'devsecret');
    const index = new LiveIndex();
    const deltas: LiveValuesDelta[] = [];
    let maxChannels = 0;
    const sync = new LiveSync({
      connection: client,
      connectionName: 'fake',
      throttleMs: 50,
      refreshMs: 0,
      publish: (delta) => {
        deltas.push(delta);
        index.apply(delta);
        maxChannels = Math.max(maxChannels, index.count('channel'));
      },
    });
    syncs.push(sync);
    await sync.start();
    assert.ok(sync.stats.resyncActions >= 3, `lists read: ${sync.stats.resyncActions}`);
    assert.ok(sync.state.complete.has('channel'));
    await until(() => maxChannels >= 2, 10_000, 'the recorded call\'s channels appeared in the index');
    await until(() => sync.state.counters.eventsApplied > 10 && index.count('channel') === 0 && !sync.state.hasChanges, 10_000, 'the call hung up');
    assert.equal(deltas[0].reset, true, 'the first delta replaces everything');
    assert.equal(index.connection, 'fake');
    assert.ok(sync.stats.bytesToServer > 0 && sync.stats.eventsSeen > 0);
    sync.stop();
    assert.equal(deltas.at(-1)!.reset, true, 'stopping tells the server to forget');
    assert.equal(index.isEmpty, true);
  });

  it('a read-only user only sends the lists it may run', async () => {
    const client = await open('ro', 'rosecret');
    // What the real Asterisk answered ListCommands for a user with an empty write= (the fake answers as dev).
    const recorded = readFileSync(join(__dirname, '..', 'fixtures', 'ami-captures', '09b-listcommands-ro-user.txt'), 'latin1');
    const allowed = new Set([...recorded.matchAll(/^(\w+): .*\(Priv: /gm)].map((match) => match[1].toLowerCase()));
    assert.ok(allowed.has('queuestatus') && !allowed.has('coreshowchannels'));
    const sync = new LiveSync({ connection: client, allowedActions: allowed, refreshMs: 0, throttleMs: 10, publish: () => undefined });
    syncs.push(sync);
    const before = server.requestsHandled;
    await sync.start();
    const sent = server.requestsHandled - before;
    assert.equal(sent, ['QueueStatus', 'QueueSummary', 'BridgeList'].filter((a) => allowed.has(a.toLowerCase())).length);
    assert.equal(sync.state.complete.has('channel'), false, 'CoreShowChannels was not permitted: channels are not complete');
  });
});
