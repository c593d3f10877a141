/**
 * The panel's event path without VS Code: the real bench stream (54,003 events from Asterisk 23.4.1) served by
 * the fake server over loopback, read by the node transport, pumped into the session log every 100 ms as the
 * panel host does, batched as the webview receives it. Every event is accounted for; memory stays bounded.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { FakeAmiServer } from '../session/fakeAmiServer';
import { AmiClient } from '../../node/src/amiClient';
import { EventPump } from '../../client/src/panel/eventPump';
import { SessionLog } from '../../client/src/panel/sessionLog';
import { RunTracker } from '../../client/src/run/runTracker';

const BENCH = '../shared/bench/ami-stream-2000-calls.raw.gz';

test('54,003 real events through transport → pump → batches: all accounted for, log bounded', { skip: !existsSync(BENCH) && `${BENCH} not present` }, async () => {
  const server = new FakeAmiServer({ timeScale: 0, streamFile: BENCH });
  const port = await server.start();
  const client = new AmiClient({
    host: '127.0.0.1',
    port,
    credentials: { username: 'dev', secret: 'devsecret', events: 'on' },
    reconnect: false,
    keepaliveIntervalMs: 0,
    eventQueueCapacity: 100_000,
  });
  const log = new SessionLog(50_000, () => undefined);
  const pump = new EventPump(log, new RunTracker());
  const byName = new Map<string, number>();
  let batches = 0;
  let largestBatch = 0;
  let received = 0;
  try {
    const connected = client.whenConnected();
    client.start();
    await connected;
    const deadline = Date.now() + 60_000;
    let quietTicks = 0;
    while (Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      pump.pump(client.events);
      const batch = log.takeBatch();
      if (!batch) {
        if (received >= 54_003 && ++quietTicks >= 3) break;
        continue;
      }
      quietTicks = 0;
      batches++;
      largestBatch = Math.max(largestBatch, batch.events.length);
      received += batch.events.length;
      for (const event of batch.events) byName.set(event.name, (byName.get(event.name) ?? 0) + 1);
    }
  } finally {
    await client.close();
    await server.stop();
  }
  console.log(`  ${received} events in ${batches} batches (largest ${largestBatch}), session dropped ${client.events.dropped}`);
  assert.equal(client.events.dropped, 0, 'the queue (100,000) never overflowed while drained every 100 ms');
  assert.ok(received >= 54_003, `every streamed event reached a batch (got ${received})`);
  assert.equal(byName.get('OriginateResponse'), 2000);
  assert.equal(byName.get('Hangup'), 4000);
  assert.equal(byName.get('Newexten'), 8000);
  assert.equal(log.snapshot().events.length, 50_000, 'the log keeps only its capacity');
  assert.equal(log.snapshot().events.at(-1)?.seq, received, 'sequence numbers are gapless');
});
