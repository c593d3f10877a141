/**
 * 10^6 actions through one session against the fake server: every one answered, the pending map empty at
 * the end and memory flat (nothing leaked per action). Pipelined with a bounded window. Rates are printed,
 * never asserted.
 */
import assert from 'node:assert/strict';
import { runInNewContext } from 'node:vm';
import { setFlagsFromString } from 'node:v8';
import { describe, it } from 'node:test';
import { connectAmi } from '../../node/src/amiClient';
import { FakeAmiServer } from './fakeAmiServer';

setFlagsFromString('--expose_gc');
const gc = runInNewContext('gc') as () => void;

function heapMb(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed / 1024 / 1024;
}

const TOTAL = Number(process.env.AMI_MILLION_TOTAL ?? 1_000_000);
const WINDOW = 512;

describe('one million actions', () => {
  it('are all answered, nothing pending is leaked, memory stays flat', async () => {
    const server = new FakeAmiServer({ timeScale: 0 });
    const port = await server.start();
    const client = await connectAmi({
      host: '127.0.0.1',
      port,
      credentials: { username: 'dev', secret: 'devsecret', events: 'off' },
      reconnect: false,
      maxInFlight: 256,
      keepaliveIntervalMs: 0,
    });
    const actions: Array<Array<[string, string]>> = [
      [['Action', 'Ping']],
      [['Action', 'CoreStatus']],
      [['Action', 'Getvar'], ['Variable', 'TESTGLOBAL_INIT']],
      [['Action', 'CoreShowChannels']],
    ];
    let started = 0;
    let answered = 0;
    let successes = 0;
    let baseline = 0;
    let heapAtBaseline = 0;
    const startTime = Date.now();
    const worker = async (): Promise<void> => {
      while (started < TOTAL) {
        const n = started++;
        const result = await client.send(actions[n % actions.length]);
        answered++;
        if (result.success) successes++;
        if (answered === Math.floor(TOTAL / 10)) {
          baseline = answered;
          heapAtBaseline = heapMb();
        }
      }
    };
    let pendingAfter = -1;
    try {
      await Promise.all(Array.from({ length: WINDOW }, worker));
      pendingAfter = client.pendingCount;
    } finally {
      client.close().catch(() => undefined);
      await server.stop();
    }
    const seconds = (Date.now() - startTime) / 1000;
    const heapAtEnd = heapMb();
    process.stdout.write(
      `# ${TOTAL} actions in ${seconds.toFixed(1)} s (${Math.round(TOTAL / seconds)} actions/s); heap ${heapAtBaseline.toFixed(1)} MB after ${baseline}, ${heapAtEnd.toFixed(1)} MB at the end\n`,
    );
    assert.equal(answered, TOTAL);
    assert.equal(successes, TOTAL);
    assert.equal(pendingAfter, 0);
    assert.equal(server.requestsHandled, TOTAL + 1);
    assert.ok(heapAtEnd - heapAtBaseline < 32, `heap grew by ${(heapAtEnd - heapAtBaseline).toFixed(1)} MB`);
  });
});
